"""The protocol editor of the Mini App (issue #19): a held meeting of three items, the
editor's body as the page sends it, the members' consent in chat, what the database holds."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from storage.models import Protocol, ProtocolVersion
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import working_group

# The agenda of `meeting_of_three`, in order.
ITEMS = ("О стандарте обслуживания", "О плане мероприятий", "О порядке работы с обращениями")


async def meeting_of_three(world: World) -> dict[str, FakeUser]:
    """As `steps.protocols.held_meeting`, with a third item on the agenda before it is
    approved: held with the deputy presiding (the chair absent), recorded, closed."""
    p = await working_group(world)
    c = world.client
    chair = p["chair"]
    await schedule_meeting(world, chair)
    await c.send(chair, "/agenda")
    for title, speaker in zip(ITEMS, ("; Член 0", "", "; Член 1"), strict=True):
        await c.click(chair, "Добавить вопрос")
        await c.send(chair, title + speaker)
        await c.click(chair, "Готово")
    card = c.last_text(chair) or ""
    assert f"3. {ITEMS[2]} — докладчик: Член 1" in card
    await c.click(chair, "Утвердить повестку дня")
    await world.deliver()
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await _on_meeting_card(world, p["clerk"], "Открыть заседание")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await c.click(p[key], "Отметиться")
    await _on_meeting_card(world, p["clerk"], "Прикрепить аудиозапись")
    await c.send_audio(p["clerk"], file_name="rec.mp3", content=b"mp3", file_size=3)
    await _on_meeting_card(world, p["clerk"], "Закрыть заседание")
    world.clock.set(datetime(2026, 12, 5, 14, 0, tzinfo=UTC))
    return p


async def _on_meeting_card(world: World, clerk: FakeUser, button: str) -> None:
    await world.client.send(clerk, "/meetings")
    await world.client.click(clerk, "Открыть: Заседание по клиентоцентричности")
    await world.client.click(clerk, button)


def item(
    decided: str,
    *,
    heard: str = "",
    spoke: str = "",
    tasks: tuple[tuple[str, str, str], ...] = (),
) -> dict[str, Any]:
    """One item of the editor's body; tasks as (what, owner, YYYY-MM-DD or "")."""
    return {
        "heard": heard,
        "spoke": spoke,
        "decided": decided,
        "tasks": [{"text": x, "owner": o, "deadline": d} for x, o, d in tasks],
    }


async def consent_in_chat(world: World, user: FakeUser, mode: str = "Очно") -> None:
    """A member present consents to the version sent, as in chat (cl. 14)."""
    await world.client.click(user, "Подтверждаю устное согласие")
    await world.deliver()  # the question of the mode comes through the outbox
    await world.client.click(user, mode)


async def versions(world: World) -> list[tuple[int, str]]:
    """Every saved version of every protocol: (number, SHA-256)."""
    async with world.db.session() as s:
        rows = await s.execute(
            select(ProtocolVersion.number, ProtocolVersion.sha256).order_by(ProtocolVersion.id)
        )
        return [(n, sha) for n, sha in rows.all()]


async def protocol_count(world: World) -> int:
    async with world.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(Protocol)) or 0)
