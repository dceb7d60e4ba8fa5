"""Conversations that many dispatcher tests share, written as a person would do them."""

from __future__ import annotations

from tests.conftest import World, invite_payload
from tests.support.bot_client import FakeUser


async def create_invite(
    world: World,
    by: FakeUser,
    role_button: str,
    *,
    unit_button: str = "без подразделения",
    name: str | None = None,
    confirm: bool = False,
) -> str:
    """The secretariat's way to an invitation link; returns the deep-link payload."""
    c = world.client
    await c.send(by, "/invite")
    await c.click(by, "Новое приглашение")
    await c.click(by, role_button)
    await c.click(by, unit_button)
    if name is None:
        await c.click(by, "Пропустить")
    else:
        await c.send(by, name)
    if confirm:
        await c.click(by, "Подтвердить")
    return invite_payload(c.last_text(by) or "")


async def join(world: World, user: FakeUser, payload: str) -> str:
    await world.client.send(user, f"/start {payload}")
    return world.client.last_text(user) or ""


async def add_unit(world: World, by: FakeUser, name: str) -> None:
    await world.client.send(by, "/units")
    await world.client.click(by, "Добавить подразделение")
    await world.client.send(by, name)
