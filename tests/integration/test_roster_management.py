"""Managing the composition (cl. 6-9, 16): roles, units, removal, with confirmations."""

from __future__ import annotations

from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat
from sqlalchemy import func, select

from storage.models import AuditEntry, Membership
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.composition import record_act
from tests.support.steps.onboarding import add_unit, create_invite, join


async def _member(world: World, uid: int, role_button: str, name: str) -> FakeUser:
    user = world.client.user(uid, name)
    await join(world, user, await create_invite(world, world.admin(), role_button, name=name))
    return user


async def _current_roles(world: World) -> dict[int, str]:
    async with world.db.session() as s:
        rows = await s.execute(
            select(Membership.person_id, Membership.role).where(Membership.ended_at.is_(None))
        )
        return {person: role for person, role in rows.all()}


async def _audit_count(world: World) -> int:
    async with world.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(AuditEntry)) or 0)


async def test_cl7_making_someone_deputy_when_one_exists_asks_and_demotes(world: World) -> None:
    """cl. 7: one deputy chair at a time; the change is confirmed before it happens."""
    admin = world.admin()
    await _member(world, 6001, "заместитель председателя", "Старый Заместитель")
    await _member(world, 6002, "член рабочей группы", "Новый Заместитель")
    c = world.client
    await c.send(admin, "/members")
    await c.click(admin, "Новый Заместитель")
    await c.click(admin, "Изменить роль")
    await c.click(admin, "заместитель председателя")
    assert "Старый Заместитель" in (c.last_text(admin) or "")
    roles_before = await _current_roles(world)
    assert sorted(roles_before.values()) == ["deputy_chair", "member"]

    await c.click(admin, "Подтвердить")
    card = c.last_text(admin) or ""
    assert "Роль: заместитель председателя" in card
    await c.send(admin, "/members")
    listing = c.last_text(admin) or ""
    assert "<b>Новый Заместитель</b> — заместитель председателя" in listing
    assert "<b>Старый Заместитель</b> — член рабочей группы" in listing


async def test_cancelling_the_confirmation_changes_nothing(world: World) -> None:
    admin = world.admin()
    await _member(world, 6003, "председатель рабочей группы", "Председатель")
    await _member(world, 6004, "член рабочей группы", "Член")
    before = await _current_roles(world), await _audit_count(world)
    c = world.client
    await c.send(admin, "/members")
    await c.click(admin, "Член")
    await c.click(admin, "Изменить роль")
    await c.click(admin, "председатель рабочей группы")
    await c.click(admin, "Отмена")
    assert (await _current_roles(world), await _audit_count(world)) == before
    assert "Роль: член рабочей группы" in (c.last_text(admin) or "")


async def test_cl9_removal_names_the_act_asks_first_and_keeps_history(world: World) -> None:
    """cl. 9: a member leaves the composition by an act of the body (вывод из состава); the
    secretariat names the act, confirms, and the membership ends with the act recorded."""
    admin = world.admin()
    member = await _member(world, 6005, "член рабочей группы", "Уходящий Член")
    await record_act(world, admin, number="12", kind="приказ")
    c = world.client
    await c.send(admin, "/members")
    await c.click(admin, "Уходящий Член")
    await c.click(admin, "Вывести из состава")
    await c.click(admin, "приказ № 12 от 25 ноября 2026 г.")
    assert "Вывести из состава рабочей группы: Уходящий Член" in (c.last_text(admin) or "")
    assert "Основание: приказ № 12 от 25 ноября 2026 г." in (c.last_text(admin) or "")
    assert len(await _current_roles(world)) == 1
    await c.click(admin, "Подтвердить")
    assert await _current_roles(world) == {}
    async with world.db.session() as s:
        history = (await s.scalars(select(Membership))).all()
    assert len(history) == 1 and history[0].ended_at is not None
    assert history[0].end_act_id is not None
    # The removed person is now an outsider to the bot.
    await c.send(member, "/menu")
    assert "не в составе рабочей группы" in (c.last_text(member) or "")


async def test_unit_assignment_and_unit_list(world: World) -> None:
    admin = world.admin()
    await add_unit(world, admin, "Отдел качества")
    await _member(world, 6006, "член рабочей группы", "Член Отдела")
    c = world.client
    await c.send(admin, "/members")
    await c.click(admin, "Член Отдела")
    await c.click(admin, "Изменить подразделение")
    await c.click(admin, "Отдел качества")
    assert "Подразделение: Отдел качества" in (c.last_text(admin) or "")
    await c.send(admin, "/units")
    assert "Отдел качества — 1 человек" in (c.last_text(admin) or "")


async def test_a_unit_with_people_cannot_be_removed(world: World) -> None:
    admin = world.admin()
    await add_unit(world, admin, "Отдел А")
    await _member(world, 6007, "член рабочей группы", "Член А")
    c = world.client
    await c.send(admin, "/members")
    await c.click(admin, "Член А")
    await c.click(admin, "Изменить подразделение")
    await c.click(admin, "Отдел А")
    await c.send(admin, "/units")
    await c.click(admin, "Отдел А")
    await c.click(admin, "Убрать из списка")
    assert c.alerts(admin)[-1] == (
        "В подразделении «Отдел А» есть участники. Сначала измените их подразделение."
    )
    await c.send(admin, "/units")
    assert "Отдел А — 1 человек" in (c.last_text(admin) or "")


async def test_duplicate_and_overlong_unit_names_are_refused(world: World) -> None:
    admin = world.admin()
    await add_unit(world, admin, "Отдел Б")
    await add_unit(world, admin, "отдел б")
    assert "уже есть" in (world.client.last_text(admin) or "")
    await world.client.send(admin, "Щ" * 121)
    assert "от 1 до 120 символов" in (world.client.last_text(admin) or "")
    await world.client.send(admin, "/units")
    assert (world.client.last_text(admin) or "").count("• ") == 1


async def test_unit_representative_needs_a_unit(world: World) -> None:
    admin = world.admin()
    await _member(world, 6008, "член рабочей группы", "Без Отдела")
    c = world.client
    await c.send(admin, "/members")
    await c.click(admin, "Без Отдела")
    await c.click(admin, "Изменить роль")
    await c.click(admin, "представитель структурного подразделения")
    assert "нужно указать подразделение" in c.alerts(admin)[-1]
    assert list((await _current_roles(world)).values()) == ["member"]


async def test_secretariat_member_manages_the_roster_too(world: World) -> None:
    """cl. 16: the responsible unit (secretariat) keeps the composition."""
    clerk = await _member(world, 6009, "сотрудник секретариата", "Секретарь")
    await world.client.send(clerk, "/members")
    assert "Состав рабочей группы" in (world.client.last_text(clerk) or "")
    payload = await create_invite(world, clerk, "член рабочей группы")
    assert payload.startswith("inv_")


async def test_paging_shows_ten_a_page(world: World) -> None:
    for i in range(12):
        await _member(world, 6100 + i, "член рабочей группы", f"Член {i:02d}")
    admin = world.admin()
    c = world.client
    await c.send(admin, "/members")
    first = c.last_text(admin) or ""
    assert "12 человек" in first and "10. " in first and "11. " not in first
    await c.click(admin, "▶")
    second = c.last_text(admin) or ""
    assert "11. " in second and "12. " in second and "\n1. <b>" not in second


async def test_a_role_change_sets_the_menu_in_the_persons_client_language(world: World) -> None:
    """Menus set by a role change speak the person's language (their Telegram client's when
    they never chose one), as the start-up sync does, so a restart re-sends nothing."""
    admin = world.admin()
    member = world.client.user(6050, "English Member", language_code="en")
    await join(world, member, await create_invite(world, admin, "член рабочей группы"))
    c = world.client
    before = len(world.session.requests)
    await c.send(admin, "/members")
    await c.click(admin, "English Member")
    await c.click(admin, "Изменить роль")
    await c.click(admin, "сотрудник секретариата")
    menus = [
        r
        for r in world.session.requests[before:]
        if isinstance(r, SetMyCommands)
        and isinstance(r.scope, BotCommandScopeChat)
        and r.scope.chat_id == member.id
    ]
    assert menus, "no menu was set for the new role"
    descriptions = {cmd.command: cmd.description for cmd in menus[-1].commands}
    assert "members" in descriptions
    assert descriptions["help"] == world.app.translator("en")("commands.help")
