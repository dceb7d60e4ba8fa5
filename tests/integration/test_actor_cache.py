"""Who is acting is cached between updates; every change shows at once, and one person's
own change (their language) leaves everyone else's answer cached and right."""

from __future__ import annotations

from sqlalchemy import event

from storage.db import write
from storage.repositories.outbox import OutboxRepository
from storage.repositories.roster import RosterRepository
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.onboarding import create_invite, join


async def _member(world: World, uid: int, role: str, name: str) -> FakeUser:
    user = world.client.user(uid, name, language_code="ru")
    await join(world, user, await create_invite(world, world.admin(), role, name=name))
    return user


def _statements(world: World) -> list[str]:
    seen: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(world.db.engine.sync_engine, "before_cursor_execute", record)
    return seen


async def test_a_language_change_shows_at_once_and_keeps_others_cached(world: World) -> None:
    anna = await _member(world, 7001, "член рабочей группы", "Анна")
    boris = await _member(world, 7002, "член рабочей группы", "Борис")
    c = world.client
    await c.send(anna, "/help")
    await c.send(boris, "/language")
    await c.click(boris, "English")
    await c.send(boris, "/help")
    assert c.last_text(boris).startswith("<b>Commands")
    seen = _statements(world)
    await c.send(anna, "/help")
    assert c.last_text(anna).startswith("<b>Команды")
    # Anna's answer came from the cache: Boris's change was his own.
    assert not any("FROM person" in s for s in seen), seen


async def test_a_role_change_by_the_secretariat_shows_at_once(world: World) -> None:
    anna = await _member(world, 7001, "член рабочей группы", "Анна")
    c = world.client
    await c.send(anna, "/members")
    assert "Состав рабочей группы" in c.last_text(anna)  # a member may not: refused
    admin = world.admin()
    await c.send(admin, "/members")
    await c.click(admin, "Анна")
    await c.click(admin, "Изменить роль")
    await c.click(admin, "сотрудник секретариата")
    await c.send(anna, "/members")
    assert "<b>Анна</b> — сотрудник секретариата" in c.last_text(anna)


async def test_the_composition_is_read_once_until_someone_changes(world: World) -> None:
    await _member(world, 7001, "член рабочей группы", "Анна")
    admin = world.admin()
    c = world.client
    await c.send(admin, "/members")
    seen = _statements(world)
    await c.send(admin, "/members")
    assert "<b>Анна</b> — член рабочей группы" in c.last_text(admin)
    assert not any("FROM membership" in s for s in seen), seen
    boris = await _member(world, 7002, "член рабочей группы", "Борис")
    await c.send(admin, "/members")
    assert "<b>Борис</b> — член рабочей группы" in c.last_text(admin)
    # Someone's own change shows too: the sender learns that Boris blocked the bot.
    async with world.db.session() as s, write(s):
        person = await RosterRepository(s).person_by_telegram(boris.id)
        assert person is not None
        await OutboxRepository(s).mark_person_blocked(person.id, world.clock.now())
    await c.send(admin, "/members")
    assert "<b>Борис</b> — член рабочей группы — ⚠️ заблокировал(а) бота" in c.last_text(admin)
