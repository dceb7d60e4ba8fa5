"""Protocols: a held meeting to write one about, its items, a conciliation, signing."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import working_group


async def held_meeting(world: World) -> dict[str, FakeUser]:
    """A meeting with an approved agenda, held with the deputy presiding, recorded, closed."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "О стандарте обслуживания; Член 0")
    await c.send(p["chair"], "Проект стандарта разослан заранее.")
    await c.click(p["chair"], "Готово")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "О плане мероприятий")
    await c.click(p["chair"], "Готово")
    card = c.last_text(p["chair"]) or ""
    assert "1. О стандарте обслуживания — докладчик: Член 0" in card
    assert "Пояснение: Проект стандарта разослан заранее." in card
    await c.click(p["chair"], "Утвердить повестку дня")
    await world.deliver()
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], "Открыть: Заседание по клиентоцентричности")
    await c.click(p["clerk"], "Открыть заседание")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await c.click(p[key], "Отметиться")
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], "Открыть: Заседание по клиентоцентричности")
    await c.click(p["clerk"], "Прикрепить аудиозапись")
    await c.send_audio(p["clerk"], file_name="rec.mp3", content=b"mp3", file_size=3)
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], "Открыть: Заседание по клиентоцентричности")
    await c.click(p["clerk"], "Закрыть заседание")
    world.clock.set(datetime(2026, 12, 5, 14, 0, tzinfo=UTC))
    return p


async def write_protocol_item(
    world: World, clerk: FakeUser, number: int, decided: str, tasks: str | None = None
) -> None:
    c = world.client
    await c.click(clerk, f"Вопрос {number}: СЛУШАЛИ / РЕШИЛИ")
    await c.send(clerk, f"Докладчик по вопросу {number}")
    await c.click(clerk, "Пропустить")
    await c.send(clerk, decided)
    if tasks is None:
        await c.click(clerk, "Без поручений")
    else:
        await c.send(clerk, tasks)


async def hold_conciliation(
    world: World, p: dict[str, FakeUser], title: str, parties: tuple[str, ...] = ("chair", "m1")
) -> None:
    """The secretariat opens the conciliation meeting at its time, the parties check in,
    the recording is attached and the meeting is closed: it has been held (cl. 15)."""
    c = world.client
    clerk = p["clerk"]
    world.clock.set(datetime(2026, 12, 8, 7, 0, tzinfo=UTC))
    await c.send(clerk, "/meetings")
    await c.click(clerk, f"Открыть: {title}")
    await c.click(clerk, "Открыть заседание")
    await world.deliver()
    for key in parties:
        await c.click(p[key], "Отметиться")
    await c.send(clerk, "/meetings")
    await c.click(clerk, f"Открыть: {title}")
    await c.click(clerk, "Прикрепить аудиозапись")
    await c.send_audio(clerk, file_name="concil.mp3", content=b"mp3", file_size=3)
    await c.send(clerk, "/meetings")
    await c.click(clerk, f"Открыть: {title}")
    await c.click(clerk, "Закрыть заседание")
    world.clock.set(datetime(2026, 12, 8, 9, 0, tzinfo=UTC))


async def sign_protocol(world: World, user: FakeUser) -> None:
    """«Подписать протокол», then «Подтвердить» in the confirmation (cl. 14)."""
    await world.client.click(user, "Подписать протокол")
    await world.client.click(user, "Подтвердить")


async def open_protocol(world: World, clerk: FakeUser) -> None:
    c = world.client
    await c.send(clerk, "/meetings")
    await c.click(clerk, "Открыть: Заседание по клиентоцентричности")
    await c.click(clerk, "Протокол")
