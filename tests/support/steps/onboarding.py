"""Joining the working group: invitations, the deep link, units, a group of people."""

from __future__ import annotations

from tests.conftest import World, invite_payload
from tests.support.bot_client import FakeUser
from tests.support.people import Member


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
    secretariat = Member(world.client, by)
    await secretariat.sends("/invite")
    await secretariat.presses("Новое приглашение")
    await secretariat.presses(role_button)
    await secretariat.presses(unit_button)
    shown = await (secretariat.presses("Пропустить") if name is None else secretariat.sends(name))
    if confirm:
        shown = await secretariat.presses("Подтвердить")
    return invite_payload(shown)


async def join(world: World, user: FakeUser, payload: str) -> str:
    return await Member(world.client, user).sends(f"/start {payload}")


async def add_unit(world: World, by: FakeUser, name: str) -> None:
    secretariat = Member(world.client, by)
    await secretariat.sends("/units")
    await secretariat.presses("Добавить подразделение")
    await secretariat.sends(name)


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
        "clerk": await joined_person(world, 9003, "сотрудник секретариата", "Секретарь Сергей"),
    }
    for i in range(3):
        people[f"m{i}"] = await joined_person(world, 9010 + i, "член рабочей группы", f"Член {i}")
    return people
