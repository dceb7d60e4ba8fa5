"""Onboarding by invitation (cl. 6-9): the role comes from the roster, never from the person."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat
from sqlalchemy import func, select

from storage.models import AuditEntry, Invite, Membership, Person
from tests.conftest import World
from tests.support.steps.onboarding import add_unit, create_invite, join


async def _count(world: World, model: type) -> int:
    async with world.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_admin_invites_a_chair_who_joins_and_appears_in_members(world: World) -> None:
    admin = world.admin()
    payload = await create_invite(
        world, admin, "председатель рабочей группы", name="Петров Пётр Петрович"
    )
    chair = world.client.user(5001, "Pyotr", "P", language_code="ru")
    greeting = await join(world, chair, payload)
    assert "Петров Пётр Петрович" in greeting
    assert "председатель рабочей группы" in greeting

    await world.client.send(admin, "/members")
    listing = world.client.last_text(admin) or ""
    assert "Петров Пётр Петрович" in listing
    assert "председатель рабочей группы" in listing
    assert "1 человек" in listing and "1 член рабочей группы" in listing


async def test_joining_sets_the_person_command_menu_by_role(world: World) -> None:
    admin = world.admin()
    payload = await create_invite(world, admin, "сотрудник секретариата")
    clerk = world.client.user(5002, "Clerk", language_code="en")
    await join(world, clerk, payload)
    menus = [r for r in world.session.requests if isinstance(r, SetMyCommands)]
    assert menus, "no command menu was set on joining"
    commands = [c.command for c in menus[-1].commands]
    assert {"members", "invite", "units", "help"} <= set(commands)
    assert isinstance(menus[-1].scope, BotCommandScopeChat)
    assert menus[-1].scope.chat_id == clerk.id


async def test_unit_representative_invite_carries_the_unit(world: World) -> None:
    admin = world.admin()
    await add_unit(world, admin, "Отдел обращений")
    payload = await create_invite(
        world, admin, "представитель структурного подразделения", unit_button="Отдел обращений"
    )
    rep = world.client.user(5003, "Rep", language_code="ru")
    greeting = await join(world, rep, payload)
    assert "Отдел обращений" in greeting


async def test_invite_is_single_use(world: World) -> None:
    admin = world.admin()
    payload = await create_invite(world, admin, "член рабочей группы")
    await join(world, world.client.user(5004, "First"), payload)
    reply = await join(world, world.client.user(5005, "Second"), payload)
    assert "уже использовано" in reply
    assert await _count(world, Membership) == 1


async def test_unknown_invite_is_refused_and_changes_nothing(world: World) -> None:
    before = await _count(world, Person), await _count(world, AuditEntry)
    reply = await join(world, world.client.user(5006, "Stranger"), "inv_doesnotexist123")
    assert "Приглашение не найдено" in reply
    assert (await _count(world, Person), await _count(world, AuditEntry)) == before


async def test_malformed_invite_code_is_refused(world: World) -> None:
    reply = await join(world, world.client.user(5007, "Stranger"), "inv_<script>")
    assert "Приглашение не найдено" in reply
    assert await _count(world, Person) == 0


async def test_expired_invite_is_refused(world: World) -> None:
    admin = world.admin()
    payload = await create_invite(world, admin, "член рабочей группы")
    world.clock.advance(timedelta(hours=world.app.settings.invite_ttl_hours, seconds=1))
    reply = await join(world, world.client.user(5008, "Late"), payload)
    assert "Срок действия приглашения истёк" in reply
    assert await _count(world, Membership) == 0


async def test_revoked_invite_is_refused(world: World) -> None:
    admin = world.admin()
    payload = await create_invite(world, admin, "член рабочей группы")
    await world.client.click(admin, "Отозвать приглашение")
    assert world.client.callback_answers(admin)[-1].text == "Приглашение отозвано."
    reply = await join(world, world.client.user(5009, "Late"), payload)
    assert "отозвано" in reply
    assert await _count(world, Membership) == 0
    async with world.db.session() as s:
        invite = await s.scalar(select(Invite))
        assert invite is not None and invite.revoked_at is not None


async def test_second_chair_needs_confirmation_and_demotes_the_first(world: World) -> None:
    """cl. 7: exactly one chair; the previous one becomes a member, after confirmation."""
    admin = world.admin()
    first = world.client.user(5010, "Первый", "Председатель")
    await join(world, first, await create_invite(world, admin, "председатель рабочей группы"))

    c = world.client
    await c.send(admin, "/invite")
    await c.click(admin, "Новое приглашение")
    await c.click(admin, "председатель рабочей группы")
    await c.click(admin, "без подразделения")
    await c.click(admin, "Пропустить")
    question = c.last_text(admin) or ""
    assert "Первый Председатель" in question
    last = c.last_message(admin)
    assert last is not None
    assert ("Подтвердить", "iv:confirm:0::0") in c.buttons(last)[0]
    assert await _count(world, Invite) == 1  # nothing created before the answer

    await c.click(admin, "Подтвердить")
    from tests.conftest import invite_payload

    payload = invite_payload(c.last_text(admin) or "")
    second = world.client.user(5011, "Второй", "Председатель")
    greeting = await join(world, second, payload)
    assert "председатель рабочей группы" in greeting
    assert (
        "⚠️ Роль «председатель рабочей группы» перешла к вам. Прежний обладатель роли "
        "остаётся членом рабочей группы: Первый Председатель."
    ) in greeting

    await c.send(admin, "/members")
    listing = c.last_text(admin) or ""
    assert "<b>Второй Председатель</b> — председатель рабочей группы" in listing
    assert "<b>Первый Председатель</b> — член рабочей группы" in listing


async def test_second_chair_invite_without_replacement_is_refused_at_redemption(
    world: World,
) -> None:
    """cl. 7: two chair invites made while the seat was empty cannot both win."""
    admin = world.admin()
    a = await create_invite(world, admin, "председатель рабочей группы")
    b = await create_invite(world, admin, "председатель рабочей группы")
    await join(world, world.client.user(5012, "A"), a)
    reply = await join(world, world.client.user(5013, "B"), b)
    assert "Эта роль уже занята" in reply
    async with world.db.session() as s:
        chairs = await s.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.role == "chair", Membership.ended_at.is_(None))
        )
    assert chairs == 1


async def test_person_already_in_roster_cannot_take_a_second_invite(world: World) -> None:
    admin = world.admin()
    member = world.client.user(5014, "Member")
    await join(world, member, await create_invite(world, admin, "член рабочей группы"))
    reply = await join(world, member, await create_invite(world, admin, "сотрудник секретариата"))
    assert "Вы уже в составе" in reply
    assert await _count(world, Membership) == 1


async def test_name_longer_than_the_limit_is_refused_and_asked_again(world: World) -> None:
    admin = world.admin()
    c = world.client
    await c.send(admin, "/invite")
    await c.click(admin, "Новое приглашение")
    await c.click(admin, "член рабочей группы")
    await c.click(admin, "без подразделения")
    await c.send(admin, "Я" * 121)
    reply = c.last_text(admin) or ""
    assert "от 1 до 120 символов" in reply and "Введите ФИО" in reply
    assert await _count(world, Invite) == 0
    # The dialog kept the role and unit: a good name now creates the invite.
    await c.send(admin, "Сидоров Сидор")
    assert "Приглашение создано" in (c.last_text(admin) or "")


async def test_start_in_english_for_an_english_client(world: World) -> None:
    stranger = world.client.user(5015, "Jane", language_code="en")
    await world.client.send(stranger, "/start")
    assert "You are not in the working group yet" in (world.client.last_text(stranger) or "")


async def test_every_change_is_in_the_audit_log_with_its_update(world: World) -> None:
    admin = world.admin()
    payload = await create_invite(world, admin, "член рабочей группы")
    await join(world, world.client.user(5016, "M"), payload)
    async with world.db.session() as s:
        rows = (await s.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    actions = [r.action for r in rows]
    assert actions[-3:] == ["invite_created", "invite_redeemed", "member_joined"]
    assert all(r.update_id is not None for r in rows if r.action != "group_created")
    assert rows[-3].actor_telegram_id == admin.id and rows[-1].actor_telegram_id == 5016


async def test_main_menu_opens_meetings_agenda_and_protocols(world: World) -> None:
    member = world.client.user(5020, "Меню")
    await join(world, member, await create_invite(world, world.admin(), "член рабочей группы"))
    await world.client.send(member, "/menu")
    await world.client.click(member, "Заседания")
    assert "Заседаний пока нет" in (world.client.last_text(member) or "")
    await world.client.send(member, "/menu")
    await world.client.click(member, "Повестка дня")
    assert "Нет назначенных заседаний" in (world.client.last_text(member) or "")
    await world.client.send(member, "/menu")
    await world.client.click(member, "Протоколы")
    assert "Протоколов пока нет" in (world.client.last_text(member) or "")


async def test_every_main_menu_button_opens_its_section_for_each_role(world: World) -> None:
    """No section of anyone's menu falls through to the stale-button refusal."""
    await add_unit(world, world.admin(), "Отдел А")
    people = {
        "член рабочей группы": world.client.user(5031, "Член"),
        "сотрудник секретариата": world.client.user(5032, "Секретарь"),
        "председатель рабочей группы": world.client.user(5033, "Председатель"),
    }
    for role, user in people.items():
        await join(world, user, await create_invite(world, world.admin(), role))
    rep = world.client.user(5034, "Представитель")
    payload = await create_invite(
        world, world.admin(), "представитель структурного подразделения", unit_button="Отдел А"
    )
    await join(world, rep, payload)
    for user in (*people.values(), rep, world.admin()):
        await world.client.send(user, "/menu")
        labels = [
            label
            for row in world.client.buttons(world.client.last_message(user))
            for label, _ in row
        ]
        for label in labels:
            if label == "Язык":
                continue
            await world.client.send(user, "/menu")
            before = len(world.client.alerts(user))
            await world.client.click(user, label)
            assert len(world.client.alerts(user)) == before, (user.first_name, label)
            assert "Выберите раздел" not in world.client.last_text(user), label
