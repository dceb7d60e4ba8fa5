"""Guests invited to one meeting (cl. 16 а)."""

from __future__ import annotations

import re

from tests.conftest import World
from tests.support.bot_client import FakeUser

GUEST_NAME = "Петров Пётр Петрович, АО «Городские сервисы»"


TITLE = "Заседание по клиентоцентричности"


async def open_guests_card(world: World, by: FakeUser) -> None:
    await world.client.send(by, "/meetings")
    await world.client.click(by, f"Открыть: {TITLE}")
    await world.client.click(by, "Приглашённые")


CAPACITY_BUTTONS = {"guest": "Приглашённое лицо", "specialist": "Привлечённый специалист"}


async def invite_guest(
    world: World, by: FakeUser, name: str = GUEST_NAME, capacity: str = "guest"
) -> str:
    """The organiser's steps, the capacity answered by its button (cl. 16 а, в); returns
    the deep-link payload of the created link."""
    await open_guests_card(world, by)
    await world.client.click(by, "Пригласить на заседание")
    await world.client.send(by, name)
    assert "В каком качестве приглашается?" in (world.client.last_text(by) or "")
    await world.client.click(by, CAPACITY_BUTTONS[capacity])
    text = world.client.last_text(by) or ""
    assert "Приглашение на заседание создано" in text, text
    found = re.search(r"start=(gst_[A-Za-z0-9_-]+)", text)
    assert found, text
    return found.group(1)


def make_outsider(world: World, uid: int = 7700, language: str = "ru") -> FakeUser:
    return world.client.user(uid, "Пётр", "Петров", language_code=language)
