"""Meetings: scheduling one, its card, opening it with people checking in."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.people import Member


async def schedule_meeting(world: World, chair: FakeUser, when: str = "05.12.2026 15:00") -> None:
    the_chair = Member(world.client, chair)
    # Once the group has expert groups or project committees, the bot asks whose meeting it is.
    if "Для какой группы" in await the_chair.sends("/newmeeting"):
        await the_chair.presses("Рабочая группа")
    await the_chair.sends("Заседание по клиентоцентричности")
    await the_chair.presses("Очное")
    await the_chair.sends("ул. Тверская, д. 1, каб. 305")
    assert "Проверьте заседание" in await the_chair.sends(when)
    await the_chair.presses("Подтвердить")


async def at_meeting_start(world: World) -> None:
    """The clock at 14:55 МСК on 5 December, five minutes before the meeting `schedule_meeting`
    sets: a meeting opens at most 30 minutes before its start."""
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))


async def open_meeting_card(world: World, user: FakeUser) -> None:
    member = Member(world.client, user)
    await member.sends("/meetings")
    await member.presses("Открыть: Заседание по клиентоцентричности")


async def open_meeting_with(world: World, p: dict[str, FakeUser], who: list[str]) -> None:
    c = world.client
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], "Открыть: Заседание по клиентоцентричности")
    await c.click(p["clerk"], "Открыть заседание")
    await world.deliver()
    for key in who:
        await c.click(p[key], "Отметиться")
    await world.deliver()
