"""Registers of the work programme at the dispatcher level (cl. 4 а–к): the secretariat keeps
the Plan of events, the priority measures, priority projects with their roadmaps and the
documents; everyone in the roster browses them; changes made by a decision link to it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.callbacks import RegisterCb
from storage.models import (
    AuditEntry,
    Meeting,
    Protocol,
    ProtocolVersion,
    RegisterEntry,
    RegisterNote,
)
from tests.conftest import ADMIN_ID, World
from tests.support.bot_client import FakeUser
from tests.support.steps.onboarding import add_unit, create_invite, join, joined_person
from tests.support.steps.protocols import held_meeting, open_protocol, write_protocol_item

NOT_ALLOWED = "Вести реестры может только секретариат рабочей группы."
STALE = "Кнопка устарела или данные уже изменились. Откройте раздел заново."


async def _signed_protocol(world: World) -> dict[str, FakeUser]:
    """Protocol № 1/2026 signed the way people do it: held meeting, two decided items,
    consent of everyone present, the presiding deputy's signature (cl. 14)."""
    p = await held_meeting(world)
    c = world.client
    await open_protocol(world, p["clerk"])
    await write_protocol_item(world, p["clerk"], 1, "Включить семинар в План мероприятий.")
    await write_protocol_item(world, p["clerk"], 2, "Начать подготовку семинара.")
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await c.click(p[key], "Подтверждаю устное согласие")
        await world.deliver()  # the mode question comes through the outbox
        await c.click(p[key], "Очно")
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    await c.click(p["deputy"], "Подписать протокол")
    await c.click(p["deputy"], "Подтвердить")
    assert "Статус: ✅ подписан" in c.last_text(p["deputy"])
    await world.deliver()
    return p


async def _insert_signed_protocol(world: World, decided: list[str]) -> None:
    """A signed protocol № 7/2026 written straight into the database: much quicker than
    holding a meeting, for tests about registers rather than protocols."""
    now = world.clock.now()
    async with world.db.session() as s, s.begin():
        meeting = Meeting(
            group_id=world.app.group_id,
            title="Заседание",
            format="in_person",
            place="Зал",
            starts_at=now - timedelta(days=1),
            status="closed",
            checkin_token="registers-test",
            created_by=ADMIN_ID,
            created_at=now,
            closed_at=now,
        )
        s.add(meeting)
        await s.flush()
        protocol = Protocol(
            meeting_id=meeting.id,
            year=2026,
            sequence=7,
            status="signed",
            current_version=1,
            signed_at=now,
            created_at=now,
        )
        s.add(protocol)
        await s.flush()
        items = {
            str(n): {"heard": "", "spoke": "", "decided": text, "tasks": []}
            for n, text in enumerate(decided, start=1)
        }
        s.add(
            ProtocolVersion(
                protocol_id=protocol.id,
                number=1,
                items=items,
                canonical="",
                sha256="0" * 64,
                created_by=ADMIN_ID,
                created_at=now,
            )
        )


async def _roster(world: World) -> dict[str, FakeUser]:
    """The secretariat, a member without a unit and one in «Проектный офис»."""
    admin = world.admin()
    await add_unit(world, admin, "Отдел качества")
    await add_unit(world, admin, "Проектный офис")
    people = {
        "clerk": await joined_person(world, 9103, "сотрудник секретариата", "Секретарь Сергей"),
        "member": await joined_person(world, 9110, "член рабочей группы", "Член Мария"),
    }
    office = world.client.user(9111, "Павел", language_code="ru")
    payload = await create_invite(
        world, admin, "член рабочей группы", unit_button="Проектный офис", name="Проектов Павел"
    )
    await join(world, office, payload)
    people["office"] = office
    return people


async def _add_event(world: World, clerk: FakeUser, title: str, due: str) -> None:
    c = world.client
    await c.send(clerk, "/plan")
    await c.click(clerk, "Добавить мероприятие")
    await c.send(clerk, title)
    await c.click(clerk, "Без подразделения")
    await c.click(clerk, "Пропустить")
    await c.send(clerk, due)
    await c.click(clerk, "Без решения")
    await c.click(clerk, "Подтвердить")


def _answers(world: World, user: FakeUser) -> list[str]:
    return [a.text or "" for a in world.client.callback_answers(user) if a.text]


async def _count(world: World, model: type[RegisterEntry] | type[RegisterNote]) -> int:
    async with world.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _register_audit(world: World) -> list[str]:
    async with world.db.session() as s:
        rows = await s.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "register_entry")
            .order_by(AuditEntry.id)
        )
        return list(rows)


async def test_cl4b_secretariat_adds_a_plan_event_by_a_signed_decision_and_members_see_basis(
    world: World,
) -> None:
    """cl. 4 б, е: the Plan of events is approved by the group; an entry names the protocol
    item that created it, and every member can see it in /plan."""
    p = await _signed_protocol(world)
    c = world.client
    clerk, member = p["clerk"], p["m2"]
    await add_unit(world, world.admin(), "Отдел качества")

    await c.send(clerk, "/plan")
    assert "Мероприятий в плане пока нет." in c.last_text(clerk)
    await c.click(clerk, "Добавить мероприятие")
    assert "Наименование мероприятия (до 300 символов), например:" in c.last_text(clerk)
    await c.send(clerk, "Семинар по клиентоцентричности")
    assert c.last_text(clerk) == "Ответственное структурное подразделение:"
    await c.click(clerk, "Отдел качества")
    # Nobody of the roster is in that unit yet: everyone is offered.
    people = [label for row in c.buttons(c.last_message(clerk)) for label, _ in row]
    assert {"Член 0", "Секретарь Сергей", "Пропустить"} <= set(people)
    await c.click(clerk, "Член 0")
    assert "Срок исполнения — дата, например 25.12.2026" in c.last_text(clerk)
    await c.send(clerk, "25.12.2026")
    assert "выберите вопрос подписанного протокола" in c.last_text(clerk)
    await c.click(clerk, "№ 1/2026, вопрос 1: Включить семинар в План мероприятий.")
    summary = c.last_text(clerk)
    assert "Проверьте запись" in summary
    assert "Основание: протокол № 1/2026, вопрос 1" in summary
    assert await _count(world, RegisterEntry) == 0  # nothing is saved before «Подтвердить»
    await c.click(clerk, "Подтвердить")
    assert "Запись добавлена." in _answers(world, clerk)

    await c.send(member, "/plan")
    listing = c.last_text(member)
    assert "План мероприятий рабочей группы" in listing
    assert (
        "1. Семинар по клиентоцентричности — срок: 25 декабря 2026 г., 🗓 запланировано"
    ) in listing
    labels = [label for row in c.buttons(c.last_message(member)) for label, _ in row]
    assert "Добавить мероприятие" not in labels
    await c.click(member, "1. Семинар по клиентоцентричности")
    card = c.last_text(member)
    for line in (
        "Семинар по клиентоцентричности",
        "Реестр: План мероприятий",
        "Подразделение: Отдел качества",
        "Ответственный: Член 0",
        "Срок: 25 декабря 2026 г.",
        "Статус: 🗓 запланировано",
        "Основание: протокол № 1/2026, вопрос 1",
    ):
        assert line in card, line
    assert [label for row in c.buttons(c.last_message(member)) for label, _ in row] == ["◀ Назад"]
    # The switch to the priority measures (cl. 4 а) from the same list.
    await c.click(member, "◀ Назад")
    await c.click(member, "Перечень первоочередных мероприятий")
    assert "Мероприятий в перечне пока нет." in c.last_text(member)

    async with world.db.session() as s:
        entry = (await s.scalars(select(RegisterEntry))).one()
    assert (entry.register, entry.protocol_id, entry.item_number) == ("events", 1, 1)
    assert await _register_audit(world) == ["register_entry_added"]


async def test_cl4b_cl4d_project_with_two_milestones_shows_its_roadmap(world: World) -> None:
    """cl. 4 б, д: a priority project and its roadmap; a milestone cannot fall after the
    project's due date, nor can the project end before its last milestone."""
    p = await _roster(world)
    c = world.client
    clerk = p["clerk"]
    await c.send(clerk, "/projects")
    await c.click(clerk, "Добавить проект")
    await c.send(clerk, "Единое окно приёма обращений")
    await c.click(clerk, "Проектный офис")
    # People of the chosen unit only.
    people = [label for row in c.buttons(c.last_message(clerk)) for label, _ in row]
    assert people == ["Проектов Павел (Проектный офис)", "Пропустить"]
    await c.click(clerk, "Проектов Павел (Проектный офис)")
    await c.send(clerk, "30.06.2027")
    await c.click(clerk, "Без решения")
    assert "Реестр" not in c.last_text(clerk)
    assert "Приоритетный проект" in c.last_text(clerk)
    await c.click(clerk, "Подтвердить")

    for title, due in (("Пилотный запуск", "31.03.2027"), ("Техническое задание", "31.01.2027")):
        await c.click(clerk, "Добавить контрольную точку")
        assert "Наименование контрольной точки" in c.last_text(clerk)
        await c.send(clerk, title)
        await c.click(clerk, "Проектный офис")
        # A milestone asks no responsible person: the unit and the date make the roadmap.
        assert "Срок исполнения" in c.last_text(clerk)
        if title == "Пилотный запуск":
            await c.send(clerk, "31.07.2027")
            assert c.last_text(clerk).startswith(
                "Контрольная точка не может быть позже срока проекта (30 июня 2027 г.)."
            )
            assert "Срок исполнения — дата" in c.last_text(clerk)
            assert await _count(world, RegisterEntry) == 1
        await c.send(clerk, due)
        await c.click(clerk, "Без решения")
        assert "Контрольная точка дорожной карты проекта «Единое окно приёма обращений»" in (
            c.last_text(clerk)
        )
        await c.click(clerk, "Подтвердить")
        await c.click(clerk, "◀ Назад")  # from the milestone's card back to its project

    member = p["member"]
    await c.send(member, "/projects")
    listing = c.last_text(member)
    assert (
        "1. Единое окно приёма обращений — срок: 30 июня 2027 г., 🗓 запланировано"
        " · 2 контрольные точки"
    ) in listing
    await c.click(member, "1. Единое окно приёма обращений")
    card = c.last_text(member)
    assert "Приоритетный проект" in card
    assert "Ответственный: Проектов Павел" in card
    roadmap = card.split("Дорожная карта", 1)[1]
    assert roadmap.index("1. Техническое задание — срок: 31 января 2027 г., 🗓 запланировано") < (
        roadmap.index("2. Пилотный запуск — срок: 31 марта 2027 г., 🗓 запланировано")
    )
    await c.click(member, "2. Пилотный запуск")
    assert "Подразделение: Проектный офис" in c.last_text(member)

    # The project cannot be moved before its last milestone.
    await c.send(clerk, "/projects")
    await c.click(clerk, "1. Единое окно приёма обращений")
    await c.click(clerk, "Изменить срок")
    await c.send(clerk, "01.03.2027")
    assert (
        "Срок проекта не может быть раньше его последней контрольной точки (31 марта 2027 г.)."
        in c.last_text(clerk)
    )
    async with world.db.session() as s:
        dues = {e.title: e.due for e in await s.scalars(select(RegisterEntry))}
    assert dues["Единое окно приёма обращений"] == datetime(2027, 6, 30, tzinfo=UTC).date()


async def test_cl4v_cl4k_a_document_is_listed_under_its_kind(world: World) -> None:
    """cl. 4 в, з, и, к: documents are asked for their kind first and grouped by it."""
    p = await _roster(world)
    c = world.client
    clerk = p["clerk"]
    for kind, title in (
        ("Методические документы", "Рекомендации по ответам заявителям"),
        ("Регламент взаимодействия", "Регламент взаимодействия подразделений"),
    ):
        await c.send(clerk, "/documents")
        await c.click(clerk, "Добавить документ")
        assert c.last_text(clerk) == "Вид документа:"
        await c.click(clerk, kind)
        assert "Наименование документа" in c.last_text(clerk)
        await c.send(clerk, title)
        await c.click(clerk, "Отдел качества")
        await c.click(clerk, "Пропустить")
        await c.send(clerk, "15.02.2027")
        await c.click(clerk, "Без решения")
        await c.click(clerk, "Подтвердить")

    await c.send(p["member"], "/documents")
    listing = c.last_text(p["member"])
    rules = listing.index(
        "<b>Регламент взаимодействия</b>\n1. Регламент взаимодействия подразделений"
    )
    methodical = listing.index(
        "<b>Методические документы</b>\n"
        "2. Рекомендации по ответам заявителям — срок: 15 февраля 2027 г."
    )
    assert rules < methodical
    await c.click(p["member"], "2. Рекомендации по ответам заявителям")
    card = c.last_text(p["member"])
    assert "Документ: методический документ" in card
    assert "Ответственный: не назначен" in card
    async with world.db.session() as s:
        kinds = sorted((e.register, e.kind) for e in await s.scalars(select(RegisterEntry)))
    assert kinds == [("documents", "interaction_rules"), ("documents", "methodical")]


async def test_cl4e_status_change_owner_change_and_note_by_decision_appear_on_the_card(
    world: World,
) -> None:
    """cl. 4 е: the group controls the Plan; a change named by a decision moves the entry's
    basis to it and leaves a note; every change is in the audit log. (The signed protocol is
    inserted into the database directly.)"""
    p = await _roster(world)
    await _insert_signed_protocol(world, ["Утвердить План.", "Перенести семинар в работу."])
    c = world.client
    clerk = p["clerk"]
    await _add_event(world, clerk, "Семинар для руководителей", "25.12.2026")

    await c.click(clerk, "Изменить статус")
    assert c.last_text(clerk) == "Новый статус для «Семинар для руководителей»:"
    await c.click(clerk, "⏳ в работе")
    await c.click(clerk, "№ 7/2026, вопрос 2: Перенести семинар в работу.")
    assert "Статус изменён." in _answers(world, clerk)
    card = c.last_text(clerk)
    assert "Статус: ⏳ в работе" in card
    assert "Основание: протокол № 7/2026, вопрос 2" in card
    assert (
        "1 декабря 2026 г., Секретарь Сергей: Статус изменён: ⏳ в работе. "
        "(основание: протокол № 7/2026, вопрос 2)"
    ) in card

    await c.click(clerk, "Изменить подразделение и ответственного")
    await c.click(clerk, "Проектный офис")
    await c.click(clerk, "Проектов Павел (Проектный офис)")
    await c.click(clerk, "Без решения")
    card = c.last_text(clerk)
    assert "Подразделение: Проектный офис" in card
    assert "Ответственный: Проектов Павел" in card
    # Without a decision the basis stays as it was and no note is written.
    assert "Основание: протокол № 7/2026, вопрос 2" in card
    assert await _count(world, RegisterNote) == 1

    await c.click(clerk, "Добавить запись о ходе исполнения")
    assert "до 2000 символов" in c.last_text(clerk)
    await c.send(clerk, "Программа семинара согласована с <подразделениями>.")
    await c.click(clerk, "Без решения")
    assert "Запись о ходе исполнения добавлена." in _answers(world, clerk)

    await c.send(p["member"], "/plan")
    await c.click(p["member"], "1. Семинар для руководителей")
    card = c.last_text(p["member"])
    assert "Статус: ⏳ в работе" in card
    assert (
        "1 декабря 2026 г., Секретарь Сергей: Программа семинара согласована с "
        "&lt;подразделениями&gt;."
    ) in card
    assert card.index("Статус изменён: ⏳ в работе.") < card.index("Программа семинара")
    async with world.db.session() as s:
        entry = (await s.scalars(select(RegisterEntry))).one()
        notes = (await s.scalars(select(RegisterNote).order_by(RegisterNote.id))).all()
    assert (entry.status, entry.protocol_id, entry.item_number) == ("in_progress", 1, 2)
    assert [(n.protocol_id, n.item_number) for n in notes] == [(1, 2), (None, None)]
    assert await _register_audit(world) == [
        "register_entry_added",
        "register_status_changed",
        "register_owner_changed",
        "register_note_added",
    ]


async def test_cl4e_overdue_shows_once_the_groups_date_passes_the_due_date(world: World) -> None:
    """cl. 4 е: "overdue" is derived, never stored: it appears at local midnight (Moscow)
    after the due date and goes when the entry is done."""
    p = await _roster(world)
    c = world.client
    clerk, member = p["clerk"], p["member"]
    await _add_event(world, clerk, "Круглый стол с бизнесом", "10.12.2026")

    world.clock.set(datetime(2026, 12, 10, 20, 59, tzinfo=UTC))  # 23:59 on the 10th in Moscow
    await c.send(member, "/plan")
    assert "Круглый стол с бизнесом — срок: 10 декабря 2026 г., 🗓 запланировано" in (
        c.last_text(member)
    )
    world.clock.set(datetime(2026, 12, 10, 21, 0, tzinfo=UTC))  # midnight of the 11th
    await c.send(member, "/plan")
    assert "Круглый стол с бизнесом — срок: 10 декабря 2026 г., ⚠️ просрочено" in (
        c.last_text(member)
    )
    await c.click(member, "1. Круглый стол с бизнесом")
    assert "Статус: ⚠️ просрочено" in c.last_text(member)
    async with world.db.session() as s:
        assert (await s.scalars(select(RegisterEntry.status))).one() == "planned"

    await c.send(clerk, "/plan")
    await c.click(clerk, "1. Круглый стол с бизнесом")
    await c.click(clerk, "Изменить статус")
    await c.click(clerk, "✅ исполнено")
    await c.click(clerk, "Без решения")
    assert "Статус: ✅ исполнено" in c.last_text(clerk)


async def test_bad_due_dates_are_asked_again_and_earlier_answers_are_kept(world: World) -> None:
    p = await _roster(world)
    c = world.client
    clerk = p["clerk"]
    world.clock.set(datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    await c.send(clerk, "/plan")
    await c.click(clerk, "Добавить мероприятие")
    await c.send(clerk, "Семинар")
    await c.click(clerk, "Отдел качества")
    await c.click(clerk, "Член Мария")
    for typed, reason in (
        ("до конца года", "Не удалось разобрать дату. Пример: 25.12.2026"),
        ("25.12.2026 15:00", "Не удалось разобрать дату. Пример: 25.12.2026"),
        ("31.02.2027", "Такой даты не существует. Проверьте число и месяц."),
        ("04.12.2026", "Срок не может быть раньше сегодняшнего дня (5 декабря 2026 г.)."),
    ):
        await c.send(clerk, typed)
        answer = c.last_text(clerk)
        assert answer.startswith(reason), typed
        assert answer.endswith(
            "Срок исполнения — дата, например 25.12.2026 (также 25.12.26 или 25.12 для "
            "текущего года)."
        ), typed
    assert await _count(world, RegisterEntry) == 0
    await c.send(clerk, "05.12.2026")  # today is still ahead
    await c.click(clerk, "Без решения")
    summary = c.last_text(clerk)
    for line in (
        "Наименование: Семинар",
        "Подразделение: Отдел качества",
        "Ответственный: Член Мария",
        "Срок: 5 декабря 2026 г.",
    ):
        assert line in summary, line
    # Cancelled at the summary: nothing is saved.
    await c.click(clerk, "Отмена")
    assert c.last_text(clerk) == "Добавление отменено. Ничего не сохранено."
    assert await _count(world, RegisterEntry) == 0
    assert await _register_audit(world) == []


async def test_a_due_date_that_passed_while_confirming_is_refused(world: World) -> None:
    """The summary is checked again on «Подтвердить»: a day may have passed."""
    p = await _roster(world)
    c = world.client
    clerk = p["clerk"]
    await c.send(clerk, "/plan")
    await c.click(clerk, "Добавить мероприятие")
    await c.send(clerk, "Семинар")
    await c.click(clerk, "Без подразделения")
    await c.click(clerk, "Пропустить")
    await c.send(clerk, "01.12.2026")
    await c.click(clerk, "Без решения")
    world.clock.advance(timedelta(days=1))
    await c.click(clerk, "Подтвердить")
    assert c.alerts(clerk)[-1] == "Срок не может быть раньше сегодняшнего дня (2 декабря 2026 г.)."
    assert await _count(world, RegisterEntry) == 0


async def test_empty_or_too_long_title_is_asked_again(world: World) -> None:
    p = await _roster(world)
    c = world.client
    clerk = p["clerk"]
    await c.send(clerk, "/projects")
    await c.click(clerk, "Добавить проект")
    await c.send(clerk, " \u00a0 ")
    assert c.last_text(clerk).startswith("Наименование не может быть пустым.")
    assert "Наименование приоритетного проекта (до 300 символов)" in c.last_text(clerk)
    await c.send(clerk, "П" * 301)
    assert c.last_text(clerk).startswith(
        "Наименование должно быть не длиннее 300 символов (сейчас 301)."
    )
    assert await _count(world, RegisterEntry) == 0
    await c.send(clerk, "П" * 300)
    assert c.last_text(clerk) == "Ответственное структурное подразделение:"


async def test_a_member_sees_no_edit_buttons_and_forged_ones_change_nothing(world: World) -> None:
    """Only the secretariat keeps the registers; the service checks the role on every step,
    whatever a button says."""
    p = await _roster(world)
    c = world.client
    await _add_event(world, p["clerk"], "Семинар", "25.12.2026")
    await c.send(p["clerk"], "/projects")
    await c.click(p["clerk"], "Добавить проект")
    await c.send(p["clerk"], "Проект")
    await c.click(p["clerk"], "Без подразделения")
    await c.click(p["clerk"], "Пропустить")
    await c.send(p["clerk"], "25.12.2026")
    await c.click(p["clerk"], "Без решения")
    await c.click(p["clerk"], "Подтвердить")
    audit_before = await _register_audit(world)

    member = p["member"]
    await c.send(member, "/plan")
    await c.click(member, "1. Семинар")
    card = c.last_message(member)
    assert [label for row in c.buttons(card) for label, _ in row] == ["◀ Назад"]
    forged = [
        RegisterCb(action="setst", entry=1, arg="done"),
        RegisterCb(action="status", entry=1),
        RegisterCb(action="due", entry=1),
        RegisterCb(action="note", entry=1),
        RegisterCb(action="owner", entry=1),
        RegisterCb(action="add", book="events"),
        RegisterCb(action="addms", entry=2),
    ]
    for data in forged:
        await c.click_data(member, card, data.pack())
        assert c.alerts(member)[-1] == NOT_ALLOWED, data
    # No dialog was started: a typed date goes nowhere.
    await c.send(member, "30.12.2026")
    assert c.last_text(member) == "Сообщение не распознано. Выберите действие в меню: /menu"
    async with world.db.session() as s:
        rows = (await s.scalars(select(RegisterEntry).order_by(RegisterEntry.id))).all()
    assert [(e.status, e.due.isoformat() if e.due else None) for e in rows] == [
        ("planned", "2026-12-25"),
        ("planned", "2026-12-25"),
    ]
    assert await _count(world, RegisterNote) == 0
    assert await _register_audit(world) == audit_before


async def test_a_stale_entry_id_is_refused(world: World) -> None:
    p = await _roster(world)
    c = world.client
    clerk = p["clerk"]
    await _add_event(world, clerk, "Семинар", "25.12.2026")
    card = c.last_message(clerk)
    for data in (
        RegisterCb(action="card", entry=999),
        RegisterCb(action="setst", entry=999, arg="done"),
        RegisterCb(action="note", entry=999),
        RegisterCb(action="addms", entry=1),  # an event is not a project
        RegisterCb(action="list", book="secrets"),
        RegisterCb(action="setst", entry=1, arg="overdue"),  # overdue is never set by hand
    ):
        await c.click_data(clerk, card, data.pack())
        assert c.alerts(clerk)[-1] == STALE, data
    async with world.db.session() as s:
        assert (await s.scalars(select(RegisterEntry.status))).one() == "planned"
    assert await _register_audit(world) == ["register_entry_added"]


async def test_a_too_long_note_is_refused_with_the_limit(world: World) -> None:
    p = await _roster(world)
    c = world.client
    clerk = p["clerk"]
    await _add_event(world, clerk, "Семинар", "25.12.2026")
    await c.click(clerk, "Добавить запись о ходе исполнения")
    await c.send(clerk, "я" * 2001)
    answer = c.last_text(clerk)
    assert answer.startswith("Запись должна быть не длиннее 2000 символов (сейчас 2001).")
    assert "Запись о ходе исполнения (до 2000 символов)" in answer
    assert await _count(world, RegisterNote) == 0
    await c.send(clerk, "я" * 2000)
    await c.click(clerk, "Без решения")
    assert await _count(world, RegisterNote) == 1


async def test_lists_are_paged_ten_a_page_and_back_returns_to_the_page(world: World) -> None:
    p = await _roster(world)
    c = world.client
    for i in range(12):
        await _add_event(world, p["clerk"], f"Мероприятие {i:02d}", f"{i + 10}.12.2026")
    member = p["member"]
    await c.send(member, "/menu")
    await c.click(member, "План")
    first = c.last_text(member)
    assert "12 записей" in first
    assert "10. Мероприятие 09" in first and "11. Мероприятие 10" not in first
    await c.click(member, "▶")
    second = c.last_text(member)
    assert "11. Мероприятие 10" in second and "12. Мероприятие 11" in second
    await c.click(member, "12. Мероприятие 11")
    await c.click(member, "◀ Назад")
    assert "12. Мероприятие 11" in c.last_text(member)  # back to the same page
    await c.click(member, "◀")
    assert "1. Мероприятие 00" in c.last_text(member)
    assert not c.alerts(member)
