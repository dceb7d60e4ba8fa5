"""The approved composition (cl. 9) and several roles per person (cl. 6-7), as the
secretariat and the members meet them in the chat."""

from __future__ import annotations

from datetime import UTC, date, datetime

from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat
from sqlalchemy import func, select, update

from bot.callbacks import CompositionCb, MembersCb
from bot.menu_commands import sync_person_menus
from storage.db import roster_changed
from storage.models import AuditEntry, CompositionAct, Membership, OutboxMessage, Person
from tests.conftest import World, invite_payload
from tests.support.bot_client import FakeUser
from tests.support.steps.composition import include_member, record_act
from tests.support.steps.onboarding import add_unit, create_invite, join

ACT = "распоряжение № 45-р от 25 ноября 2026 г."
NOT_CONNECTED = "не подключён(а) к боту"


async def _person(
    world: World, uid: int, role: str, name: str, unit: str = "без подразделения"
) -> FakeUser:
    user = world.client.user(uid, name, language_code="ru")
    await join(
        world, user, await create_invite(world, world.admin(), role, unit_button=unit, name=name)
    )
    return user


async def _snapshot(world: World) -> tuple[object, ...]:
    """Everything a refusal must leave as it was."""
    async with world.db.session() as s:
        acts = [
            (a.kind, a.number, a.signed_on)
            for a in await s.scalars(select(CompositionAct).order_by(CompositionAct.id))
        ]
        memberships = [
            (m.person_id, m.role, m.extra_roles, m.unit_id, m.ended_at, m.act_id, m.end_act_id)
            for m in await s.scalars(select(Membership).order_by(Membership.id))
        ]
        people = int(await s.scalar(select(func.count()).select_from(Person)) or 0)
        audit = int(await s.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    return acts, memberships, people, audit


async def _commands_of(world: World, user: FakeUser) -> set[str]:
    menus = [
        r
        for r in world.session.requests
        if isinstance(r, SetMyCommands)
        and isinstance(r.scope, BotCommandScopeChat)
        and r.scope.chat_id == user.id
    ]
    assert menus, "no menu was set for this person"
    return {c.command for c in menus[-1].commands}


async def test_cl9_the_secretariat_records_the_act_approving_the_composition(world: World) -> None:
    """cl. 9: kind, number, date and the file, one question at a time, then confirmation."""
    admin = world.admin()
    c = world.client
    await c.send(admin, "/composition")
    assert "Акты ещё не внесены" in c.last_text(admin)
    await c.click(admin, "Внести акт")
    assert c.last_text(admin) == "Вид акта:"
    await c.click(admin, "распоряжение")
    assert "Номер акта, например: 45-р" in c.last_text(admin)
    await c.send(admin, "№ 45-р")
    assert "Дата подписания акта, например: 25.11.2026" in c.last_text(admin)
    await c.send(admin, "25.11.2026")
    await c.send_document(admin, file_name="Распоряжение 45-р.pdf")
    summary = c.last_text(admin)
    assert "Проверьте реквизиты акта" in summary
    assert "Номер: 45-р" in summary and "Дата: 25 ноября 2026 г." in summary
    assert "Файл: Распоряжение 45-р.pdf" in summary
    await c.click(admin, "Подтвердить")
    card = c.last_text(admin)
    assert f"Акт: {ACT}" in card and "Включено в состав: 0" in card
    await c.send(admin, "/composition")
    assert f"• {ACT} — включено: 0, выведено: 0" in c.last_text(admin)
    async with world.db.session() as s:
        act = (await s.scalars(select(CompositionAct))).one()
    assert (act.kind, act.number, act.signed_on) == ("directive", "45-р", date(2026, 11, 25))
    assert act.document is not None and act.document["file_name"] == "Распоряжение 45-р.pdf"


async def test_cl9_a_future_date_is_refused_with_the_reason_and_the_same_question(
    world: World,
) -> None:
    """cl. 9: an act is recorded once signed; a date to come is refused, the number typed
    before is kept, and the next answer goes on."""
    admin = world.admin()
    c = world.client
    await c.send(admin, "/composition")
    await c.click(admin, "Внести акт")
    await c.click(admin, "приказ")
    await c.send(admin, "12")
    before = await _snapshot(world)
    await c.send(admin, "02.12.2026")
    refusal = c.last_text(admin)
    assert refusal.startswith("Дата акта ещё не наступила: вносится уже подписанный акт.")
    assert "Дата подписания акта" in refusal
    await c.send(admin, "31.02.2026")
    assert c.last_text(admin).startswith("Такой даты не существует.")
    assert await _snapshot(world) == before
    await c.send(admin, "01.12.2026")
    await c.click(admin, "Без файла")
    assert "Номер: 12" in c.last_text(admin)


async def test_cl9_the_same_kind_number_and_year_is_refused_as_recorded_already(
    world: World,
) -> None:
    """cl. 9: a second act with the same kind, number and year is the same act twice."""
    admin = world.admin()
    await record_act(world, admin)
    before = await _snapshot(world)
    text = await record_act(world, admin, number="45-Р", signed_on="01.12.2026")
    assert "Акт этого вида с таким номером за этот год уже внесён" in world.client.alerts(admin)[-1]
    assert "Проверьте реквизиты акта" in text  # the summary stays; nothing was recorded
    assert await _snapshot(world) == before
    # The same number as an order, or in another year, is another act.
    await record_act(world, admin, kind="приказ")
    await record_act(world, admin, signed_on="25.11.2025")
    async with world.db.session() as s:
        assert int(await s.scalar(select(func.count()).select_from(CompositionAct)) or 0) == 3


async def test_cl9_a_member_included_by_an_act_counts_before_joining_and_joins_by_invite(
    world: World,
) -> None:
    """cl. 9: a member in force under the act is a member whether or not they joined: shown as
    not connected, counted among the members, sent nothing; the invite made from their row
    binds the account to that row, with the roster's role and unit."""
    admin = world.admin()
    c = world.client
    await add_unit(world, admin, "Отдел качества")
    await record_act(world, admin)
    card = await include_member(
        world, admin, ACT, "Петров Пётр Петрович", unit_button="Отдел качества"
    )
    assert "Петров Пётр Петрович" in card and f"Основание включения в состав: {ACT}" in card
    assert "Не подключён(а) к боту" in card
    await c.send(admin, "/members")
    listing = c.last_text(admin)
    assert "1 член рабочей группы" in listing
    assert (
        f"<b>Петров Пётр Петрович</b> — член рабочей группы, Отдел качества — ⏳ {NOT_CONNECTED}"
        in listing
    )
    assert "⏳ 1 человек ещё не подключён к боту" in listing
    async with world.db.session() as s:
        person = (
            await s.scalars(select(Person).where(Person.full_name == "Петров Пётр Петрович"))
        ).one()
    assert person.telegram_id is None

    # A broadcast to the members neither counts nor queues a message for them.
    await _person(world, 9301, "сотрудник секретариата", "Секретарь")
    clerk = c.user(9301, "Секретарь")
    await c.send(clerk, "/broadcast")
    await c.send(clerk, "Просьба ознакомиться")
    assert not any(
        label.startswith("Членам рабочей группы (1)")
        for row in c.buttons(c.last_message(clerk))
        for label, _ in row
    )
    async with world.db.session() as s:
        rows = await s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.person_id == person.id)
        )
    assert rows == 0

    # The invite from the card; opening it binds the account to the same roster row.
    await c.send(admin, "/members")
    await c.click(admin, "Петров Пётр Петрович")
    await c.click(admin, "Пригласить в бот")
    payload = invite_payload(c.last_text(admin))
    petrov = c.user(9302, "Petya", language_code="ru")
    greeting = await join(world, petrov, payload)
    assert "Здравствуйте, Петров Пётр Петрович!" in greeting
    assert "Ваша роль: член рабочей группы, Отдел качества." in greeting
    async with world.db.session() as s:
        bound = await s.get(Person, person.id)
        assert bound is not None and bound.telegram_id == 9302
        people = int(await s.scalar(select(func.count()).select_from(Person)) or 0)
    assert people == 2  # the secretary and Petrov: nobody new
    await c.send(admin, "/members")
    assert NOT_CONNECTED not in c.last_text(admin)
    # The link works once.
    again = await join(world, c.user(9303, "Someone"), payload)
    assert "уже использовано" in again


async def test_cl9_including_by_an_act_without_number_is_refused_until_completed(
    world: World,
) -> None:
    """cl. 9: the migration's initial act has no number and date; it is shown as incomplete,
    nobody is included by it, and the secretariat completes it."""
    admin = world.admin()
    c = world.client
    member = await _person(world, 9310, "член рабочей группы", "Старый Член")
    async with world.db.session() as s, s.begin():
        act = CompositionAct(
            group_id=world.app.group_id,
            kind="order",
            created_by=0,
            created_at=datetime(2026, 11, 1, tzinfo=UTC),
        )
        s.add(act)
        await s.flush()
        await s.execute(update(Membership).values(act_id=act.id))
        roster_changed(s)  # as the migration's restart would: no listing kept from before
    await c.send(admin, "/composition")
    listing = c.last_text(admin)
    assert (
        "• приказ без номера и даты — включено: 1, выведено: 0 — ⚠️ дополните реквизиты" in listing
    )
    await c.click(admin, "⚠️ приказ без номера и даты")
    assert "Дополните реквизиты по подписанному документу" in c.last_text(admin)
    before = await _snapshot(world)
    await c.click_data(
        admin, c.last_message(admin), CompositionCb(action="include", act=act.id).pack()
    )
    assert c.alerts(admin)[-1].startswith("У этого акта нет номера и даты.")
    assert await _snapshot(world) == before

    await c.click(admin, "Дополнить реквизиты")
    await c.click(admin, "приказ")
    await c.send(admin, "7")
    await c.send(admin, "15.01.2026")
    await c.click(admin, "Без файла")
    await c.click(admin, "Подтвердить")
    assert "Акт: приказ № 7 от 15 января 2026 г." in c.last_text(admin)
    await c.send(admin, "/members")
    await c.click(admin, "Старый Член")
    assert "Основание включения в состав: приказ № 7 от 15 января 2026 г." in c.last_text(admin)
    assert member.id == 9310


async def test_cl7_a_member_who_also_represents_their_unit_submits_its_report(
    world: World,
) -> None:
    """cl. 6-7, 4 г: the secretariat makes a member their unit's representative too; the
    member's menu gains /report and they may open it."""
    admin = world.admin()
    c = world.client
    await add_unit(world, admin, "Отдел А")
    member = await _person(world, 9320, "член рабочей группы", "Член Отдела")
    await c.send(admin, "/members")
    await c.click(admin, "Член Отдела")
    await c.click(admin, "Дополнительные роли")
    before = await _snapshot(world)
    await c.click(admin, "представитель структурного подразделения")
    assert "сначала укажите подразделение" in c.alerts(admin)[-1]
    assert await _snapshot(world) == before

    await c.send(admin, "/members")
    await c.click(admin, "Член Отдела")
    await c.click(admin, "Изменить подразделение")
    await c.click(admin, "Отдел А")
    await c.click(admin, "Дополнительные роли")
    await c.click(admin, "представитель структурного подразделения")
    assert "✅ представитель структурного подразделения" in str(c.buttons(c.last_message(admin)))
    assert "report" in await _commands_of(world, member)
    await c.click(admin, "◀ Назад")
    assert "Также: представитель структурного подразделения" in c.last_text(admin)
    await c.send(admin, "/members")
    assert (
        "<b>Член Отдела</b> — член рабочей группы, "
        "представитель структурного подразделения, Отдел А" in c.last_text(admin)
    )

    await c.send(member, "/report")
    assert "доступна только" not in c.last_text(member)
    await c.send(member, "/start")
    assert (
        "Ваша роль: член рабочей группы, представитель структурного подразделения, Отдел А."
        in c.last_text(member)
    )
    # Taking it away again takes /report out of the menu.
    await c.send(admin, "/members")
    await c.click(admin, "Член Отдела")
    await c.click(admin, "Дополнительные роли")
    await c.click(admin, "✅ представитель структурного подразделения")
    assert "report" not in await _commands_of(world, member)


async def test_cl7_a_member_in_the_secretariat_keeps_the_roster_and_is_still_a_member(
    world: World,
) -> None:
    """cl. 7: a member working in the secretariat gets its commands and stays a member (the
    broadcast to members counts them; secretariat-only staff are not counted)."""
    admin = world.admin()
    c = world.client
    member = await _person(world, 9330, "член рабочей группы", "Член Секретарь")
    await _person(world, 9331, "сотрудник секретариата", "Только Секретариат")
    await c.send(admin, "/members")
    await c.click(admin, "Член Секретарь")
    await c.click(admin, "Дополнительные роли")
    await c.click(admin, "сотрудник секретариата")
    assert {"members", "composition", "broadcast"} <= await _commands_of(world, member)
    await c.send(member, "/members")
    assert "Состав рабочей группы" in c.last_text(member)
    await c.send(member, "/broadcast")
    await c.send(member, "Текст")
    labels = [label for row in c.buttons(c.last_message(member)) for label, _ in row]
    assert "Членам рабочей группы (1)" in labels
    assert "Секретариату (2)" in labels


async def test_cl16_a_guest_cannot_be_made_a_member(world: World) -> None:
    """cl. 14, 16 а: a guest is never a member; a forged role change is refused, nothing changes."""
    admin = world.admin()
    c = world.client
    await _person(world, 9340, "член рабочей группы", "Член")
    await c.send(admin, "/members")
    before = await _snapshot(world)
    message = c.last_message(admin)
    await c.click_data(admin, message, MembersCb(action="setrole", person=1, role="guest").pack())
    await c.click_data(
        admin, message, CompositionCb(action="extra_on", person=1, role="guest").pack()
    )
    assert c.alerts(admin)[-2:] == [
        "Приглашённое лицо участвует в одном заседании и не может быть членом рабочей группы.",
        "Дополнительной ролью может быть только представитель структурного подразделения "
        "или сотрудник секретариата.",
    ]
    assert await _snapshot(world) == before


async def test_cl7_including_a_second_chair_asks_and_makes_the_first_a_member(
    world: World,
) -> None:
    """cl. 7: one chair at a time; including a new chair by an act is confirmed first."""
    admin = world.admin()
    c = world.client
    old = await _person(world, 9350, "председатель рабочей группы", "Прежний Председатель")
    await record_act(world, admin)
    text = await include_member(
        world, admin, ACT, "Новый Председатель", role_button="председатель рабочей группы"
    )
    assert (
        "Роль «председатель рабочей группы» сейчас занимает: Прежний Председатель. "
        "Прежний обладатель роли останется членом рабочей группы."
    ) in text
    await c.click(admin, "Подтвердить")
    assert "Роль: председатель рабочей группы" in c.last_text(admin)
    await c.send(admin, "/members")
    listing = c.last_text(admin)
    assert "<b>Новый Председатель</b> — председатель рабочей группы" in listing
    assert "<b>Прежний Председатель</b> — член рабочей группы" in listing
    assert "newmeeting" not in await _commands_of(world, old)


async def test_cl9_a_member_leaves_only_by_an_act(world: World) -> None:
    """cl. 9: a forged removal of a member without an act is refused; secretariat-only staff,
    who are not in the composition, are removed without one."""
    admin = world.admin()
    c = world.client
    await _person(world, 9360, "член рабочей группы", "Член")
    await _person(world, 9361, "сотрудник секретариата", "Сотрудник")
    await c.send(admin, "/members")
    before = await _snapshot(world)
    await c.click_data(admin, c.last_message(admin), MembersCb(action="remove_ok", person=1).pack())
    assert c.alerts(admin)[-1].startswith("Вывести члена рабочей группы из состава можно только")
    assert await _snapshot(world) == before
    await c.click(admin, "Член")
    await c.click(admin, "Вывести из состава")
    assert "Нет актов с номером и датой" in c.last_text(admin)
    await c.send(admin, "/members")
    await c.click(admin, "Сотрудник")
    await c.click(admin, "Вывести из состава")
    await c.click(admin, "Подтвердить")
    await c.send(admin, "/members")
    assert "Сотрудник" not in c.last_text(admin)


async def test_cl7_a_member_with_both_extra_roles_gets_both_reporting_notices(
    world: World,
) -> None:
    """cl. 7, 4 г: when the reporting cycle opens, a member who represents their unit and
    works in the secretariat gets the unit's deadline and the secretariat's overview, each
    once; a member included by the act but not in the bot gets nothing."""
    admin = world.admin()
    c = world.client
    await add_unit(world, admin, "Отдел А")
    member = await _person(world, 9370, "член рабочей группы", "Член Двух Ролей", "Отдел А")
    await record_act(world, admin)
    await include_member(world, admin, ACT, "Неподключённый Член", unit_button="Отдел А")
    await c.send(admin, "/members")
    await c.click(admin, "Член Двух Ролей")
    await c.click(admin, "Дополнительные роли")
    await c.click(admin, "представитель структурного подразделения")
    await c.click(admin, "сотрудник секретариата")
    before = len(c.texts(member))
    world.clock.set(datetime(2026, 12, 27, 7, 0, tzinfo=UTC))
    await world.run_jobs()
    texts = c.texts(member)[before:]
    opened = [x for x in texts if "Открыт отчётный период" in x]
    assert len(opened) == 2
    assert any("Подразделение: Отдел А" in x for x in opened)
    assert any("Сведения представляет 1 подразделение." in x for x in opened)
    async with world.db.session() as s:
        stray = await s.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .join(Person, Person.id == OutboxMessage.person_id)
            .where(Person.telegram_id.is_(None))
        )
    assert stray == 0


async def test_cl7_the_start_up_menu_sync_gives_the_union_of_the_roles(world: World) -> None:
    """cl. 7: the menus re-sent at start-up are the union of a person's roles, as those set
    when a role changes; nobody outside the bot is sent a menu."""
    admin = world.admin()
    member = await _person(world, 9380, "член рабочей группы", "Член Секретарь")
    await record_act(world, admin)
    await include_member(world, admin, ACT, "Неподключённый Член")
    async with world.db.session() as s, s.begin():
        await s.execute(
            update(Membership).where(Membership.person_id == 1).values(extra_roles=["secretariat"])
        )
        roster_changed(s)
    before = len(world.session.requests)
    await sync_person_menus(
        world.db,
        world.client.bot,
        group_id=world.app.group_id,
        admin_ids=world.app.settings.admin_ids,
        default_locale="ru",
        pause=0,
    )
    menus = [r for r in world.session.requests[before:] if isinstance(r, SetMyCommands)]
    assert [r.scope.chat_id for r in menus if isinstance(r.scope, BotCommandScopeChat)] == [
        member.id
    ]
    assert {"members", "composition", "meetings"} <= {c.command for c in menus[0].commands}
