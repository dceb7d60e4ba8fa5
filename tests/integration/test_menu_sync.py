"""Command menus re-synced at start-up: a release that changes the menus reaches everyone in
the roster, only the menus that differ are sent, and someone who left gets the outsiders'."""

from __future__ import annotations

from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat
from sqlalchemy import select, update

from bot.menu_commands import sync_person_menus
from storage.models import Membership, Person
from tests.conftest import World
from tests.support.steps.onboarding import create_invite, join


async def _sync(world: World) -> list[SetMyCommands]:
    before = len(world.session.requests)
    await sync_person_menus(
        world.db,
        world.client.bot,
        group_id=world.app.group_id,
        admin_ids=world.app.settings.admin_ids,
        default_locale="ru",
        pause=0,
    )
    return [r for r in world.session.requests[before:] if isinstance(r, SetMyCommands)]


def _menu_of(calls: list[SetMyCommands], chat_id: int) -> list[str]:
    found = [
        c for c in calls if isinstance(c.scope, BotCommandScopeChat) and c.scope.chat_id == chat_id
    ]
    assert len(found) == 1, found
    return [command.command for command in found[0].commands]


async def test_menus_follow_roles_and_are_sent_again_only_when_they_differ(
    world: World,
) -> None:
    admin = world.admin()
    clerk = world.client.user(6101, "Clerk", language_code="en")
    member = world.client.user(6102, "Member", language_code="ru")
    await join(world, clerk, await create_invite(world, admin, "сотрудник секретариата"))
    await join(world, member, await create_invite(world, admin, "член рабочей группы"))
    # A guest of a meeting is a person without a role: only ever the default menu.
    async with world.db.session() as s:
        s.add(
            Person(
                telegram_id=6103,
                telegram_name="Guest",
                created_at=world.clock.now(),
            )
        )
        await s.commit()

    first = await _sync(world)
    assert {"members", "invite", "broadcast"} <= set(_menu_of(first, clerk.id))
    assert "members" not in _menu_of(first, member.id)
    assert "tasks" in _menu_of(first, member.id) and "plan" in _menu_of(first, member.id)
    assert all(
        not isinstance(c.scope, BotCommandScopeChat) or c.scope.chat_id != 6103 for c in first
    )

    # Nothing changed since: nothing is sent.
    assert await _sync(world) == []

    # A release changed the member's menu (the stored digest no longer matches): only theirs.
    async with world.db.session() as s:
        await s.execute(
            update(Person).where(Person.telegram_id == member.id).values(menu_fingerprint="old")
        )
        await s.commit()
    again = await _sync(world)
    assert [c.scope.chat_id for c in again if isinstance(c.scope, BotCommandScopeChat)] == [
        member.id
    ]

    # The member left the roster: their chat gets the outsiders' menu back.
    async with world.db.session() as s:
        person = await s.scalar(select(Person).where(Person.telegram_id == member.id))
        assert person is not None
        await s.execute(
            update(Membership)
            .where(Membership.person_id == person.id)
            .values(ended_at=world.clock.now())
        )
        await s.commit()
    left = await _sync(world)
    assert _menu_of(left, member.id) == ["start", "help", "language"]
