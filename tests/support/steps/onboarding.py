"""Joining the working group: invitations, the deep link, units, a group of people."""

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


async def joined_person(world: World, uid: int, role: str, name: str) -> FakeUser:
    user = world.client.user(uid, name, language_code="ru")
    await join(
        world, user, await create_invite(world, world.admin(), role, name=name, confirm=False)
    )
    return user


async def working_group(world: World) -> dict[str, FakeUser]:
    people = {
        "chair": await joined_person(
            world, 9001, "председатель рабочей группы", "Председатель Пётр"
        ),
        "deputy": await joined_person(world, 9002, "заместитель председателя", "Заместитель Зоя"),
        "clerk": await joined_person(world, 9003, "секретариат", "Секретарь Сергей"),
    }
    for i in range(3):
        people[f"m{i}"] = await joined_person(world, 9010 + i, "член рабочей группы", f"Член {i}")
    return people
