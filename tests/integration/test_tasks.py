"""Tasks set by decisions at the dispatcher level (поручения, cl. 4 д–е): created when a
protocol is signed, owners found in the roster, notices, reminders and the escalation
through due rows and the outbox, /tasks, the owner's completion report, the secretariat
setting an owner."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import SendDocument, SendMessage
from sqlalchemy import select

from bot.callbacks import TaskCb
from bot.clock import FrozenClock
from bot.domain.protocol import ItemRecord, TaskLine
from bot.domain.roles import Role
from bot.i18n import translator
from bot.services.actor import Actor
from bot.services.due import DueService
from bot.services.errors import InvalidInput
from bot.services.notifier import Notifier
from bot.services.setup import ensure_default_group
from bot.services.task_due import TaskDue
from bot.services.tasks import TaskService, create_tasks
from bot.views.notices import RENDERERS
from storage.db import Database, read, write
from storage.models import AgendaItem, AgendaOffer, AuditEntry, DueTask, OutboxMessage, Task
from storage.repositories.meetings import MeetingRepository
from storage.repositories.protocols import ProtocolRepository
from storage.repositories.roster import RosterRepository
from tests.conftest import START, World
from tests.support.bot_client import BotClient, FakeUser
from tests.support.steps.onboarding import add_unit, create_invite, join
from tests.support.steps.protocols import held_meeting, open_protocol, write_protocol_item

UNIT = "Отдел качества"
TASKS = (
    "Подготовить методичку; Отдел качества; 31.01.2027\n"
    "Разработать регламент; Петрова А. С.; 15.12.2026\n"
    "Провести опрос; Сидоров С.С."
)


async def _person(world: World, uid: int, role: str, name: str, unit: str) -> FakeUser:
    user = world.client.user(uid, name.split()[1], language_code="ru")
    payload = await create_invite(world, world.admin(), role, name=name, unit_button=unit)
    await join(world, user, payload)
    return user


async def _signed(world: World, tasks: str = TASKS) -> dict[str, FakeUser]:
    """A held meeting, a unit with a representative and a member, a member without a unit;
    the protocol's item 1 sets `tasks`; everyone present consents and the deputy signs on
    5 December 2026 at 17:00 Moscow time."""
    p = await held_meeting(world)
    c = world.client
    await add_unit(world, world.admin(), UNIT)
    p["rep"] = await _person(
        world, 9020, "представитель структурного подразделения", "Иванов Иван Иванович", UNIT
    )
    p["colleague"] = await _person(
        world, 9021, "член рабочей группы", "Смирнов Олег Петрович", UNIT
    )
    p["petrova"] = await _person(
        world, 9022, "член рабочей группы", "Петрова Анна Сергеевна", "без подразделения"
    )
    clerk = p["clerk"]
    await open_protocol(world, clerk)
    await write_protocol_item(world, clerk, 1, "Одобрить стандарт.", tasks)
    await write_protocol_item(world, clerk, 2, "Принять к сведению.")
    await c.click(clerk, "Направить на согласование")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await c.click(p[key], "Подтверждаю устное согласие")
        await world.deliver()  # the mode question comes through the outbox
        await c.click(p[key], "Очно")
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    await c.click(p["deputy"], "Подписать протокол")
    await c.click(p["deputy"], "Подтвердить")
    assert "Статус: ✅ подписан" in _read(c, p["deputy"])
    await world.deliver()  # the signed protocol itself, to everyone
    return p


def _sent_since(world: World, start: int, user: FakeUser) -> list[str]:
    """What the user read since `start`: texts and captions as shown, without the markup."""
    return [
        html.unescape(
            re.sub(r"<[^>]+>", "", (r.text if isinstance(r, SendMessage) else r.caption) or "")
        )
        for r in world.session.requests[start:]
        if isinstance(r, SendMessage | SendDocument) and r.chat_id == user.id
    ]


def _shown(text: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _read(c: BotClient, user: FakeUser) -> str:
    """The user's newest message as they see it, without the markup."""
    return _shown(c.last_text(user))


async def _tasks(world: World) -> list[Task]:
    async with world.db.session() as s:
        return list((await s.scalars(select(Task).order_by(Task.id))).all())


async def _due(world: World, key: str) -> DueTask:
    async with world.db.session() as s:
        row = await s.scalar(select(DueTask).where(DueTask.key == key))
    assert row is not None, key
    return row


async def test_cl4d_signing_creates_tasks_with_owners_and_tells_them(world: World) -> None:
    """cl. 4 д–е: owners are found in the roster (a unit; a person written with initials);
    the owner gets «Новое поручение», the unit's people all do; the secretariat is told once
    which owners the roster does not know."""
    p = await _signed(world)
    start = len(world.session.requests)
    await world.run_jobs()
    tasks = await _tasks(world)
    assert [
        (t.text, t.owner_unit_id is not None, t.owner_person_id is not None) for t in tasks
    ] == [
        ("Подготовить методичку", True, False),
        ("Разработать регламент", False, True),
        ("Провести опрос", False, False),
    ]
    for key in ("rep", "colleague"):
        notices = _sent_since(world, start, p[key])
        assert len(notices) == 1, notices
        assert notices[0].startswith("Новое поручение\nПодготовить методичку")
        assert "Протокол № 1/2026, вопрос 1" in notices[0]
        assert "Срок: 31 января 2027 г." in notices[0]
        assert "Ответственный: Отдел качества" in notices[0]
    [petrova] = _sent_since(world, start, p["petrova"])
    assert petrova.startswith("Новое поручение\nРазработать регламент")
    assert "Срок: 15 декабря 2026 г." in petrova
    assert world.client.find_button_message(p["petrova"], "Открыть поручение")
    [unowned] = _sent_since(world, start, p["clerk"])
    assert unowned.startswith("Поручения без ответственного в составе")
    assert "№ 3: Провести опрос — «Сидоров С.С.»" in unowned
    assert "Подготовить методичку" not in unowned
    # Nobody else hears of the tasks, and running the jobs again sends nothing.
    for key in ("chair", "deputy", "m0", "m1", "m2"):
        assert _sent_since(world, start, p[key]) == []
    again = len(world.session.requests)
    assert await world.run_jobs() == 0
    assert len(world.session.requests) == again


async def test_cl4e_reminders_7_and_1_days_before_then_escalation_and_agenda_offer(
    world: World,
) -> None:
    """cl. 4 д–е: reminders at 10:00 Moscow time 7 and 1 days before the deadline; the day
    after it the secretariat, the chair and the deputy are told, the owner too, and the task
    goes to the next meeting's draft agenda. Running the jobs twice sends nothing twice."""
    p = await _signed(world)
    c = world.client
    await world.run_jobs()
    # The next meeting is scheduled before the task falls overdue.
    await c.send(p["chair"], "/newmeeting")
    await c.send(p["chair"], "Январское заседание")
    await c.click(p["chair"], "Очное")
    await c.send(p["chair"], "Зал коллегии")
    await c.send(p["chair"], "22.12.2026 15:00")
    await c.click(p["chair"], "Подтвердить")
    await world.deliver()

    start = len(world.session.requests)
    world.clock.set(datetime(2026, 12, 8, 6, 59, tzinfo=UTC))  # 09:59 in Moscow
    await world.run_jobs()
    assert _sent_since(world, start, p["petrova"]) == []
    world.clock.set(datetime(2026, 12, 8, 7, 0, 1, tzinfo=UTC))
    await world.run_jobs()
    await world.run_jobs()
    [seven] = _sent_since(world, start, p["petrova"])
    assert seven.startswith("Напоминание о сроке поручения\nРазработать регламент")
    assert "До срока осталось 7 дней." in seven
    # The unit's task is due in January: its people hear nothing yet.
    assert _sent_since(world, start, p["rep"]) == []

    start = len(world.session.requests)
    world.clock.set(datetime(2026, 12, 14, 7, 0, 1, tzinfo=UTC))
    await world.run_jobs()
    [one] = _sent_since(world, start, p["petrova"])
    assert "До срока остался 1 день." in one

    start = len(world.session.requests)
    world.clock.set(datetime(2026, 12, 16, 7, 0, 1, tzinfo=UTC))
    await world.run_jobs()
    await world.run_jobs()
    for key in ("clerk", "chair", "deputy"):
        [staff] = _sent_since(world, start, p[key])
        assert staff.startswith("⚠️ Поручение просрочено\nРазработать регламент")
        assert "Ответственный: Петрова Анна Сергеевна" in staff
        assert "предлагается включить в повестку дня следующего заседания" in staff
    [owner] = _sent_since(world, start, p["petrova"])
    assert owner.startswith("⚠️ Поручение просрочено")
    assert "Срок истёк" in owner
    for key in ("m0", "rep"):
        assert _sent_since(world, start, p[key]) == []
    async with world.db.session() as s:
        offer = await s.scalar(select(AgendaOffer).where(AgendaOffer.key == "task:2"))
        assert offer is not None and offer.item_id is not None
        item = await s.get(AgendaItem, offer.item_id)
    assert item is not None
    assert (item.title, item.status) == (
        "Об исполнении поручения «Разработать регламент»",
        "proposed",
    )
    await c.send(p["chair"], "/agenda")
    assert "Об исполнении поручения «Разработать регламент»" in _read(c, p["chair"])


async def test_cl4e_after_downtime_only_the_closer_reminder_is_sent(world: World) -> None:
    """cl. 4 д–е: the bot was down through both reminder times; the owner gets one reminder
    (1 day left), not a stale «7 days» one as well."""
    p = await _signed(world)
    await world.run_jobs()
    start = len(world.session.requests)
    world.clock.set(datetime(2026, 12, 14, 8, 0, tzinfo=UTC))
    await world.run_jobs()
    [one] = _sent_since(world, start, p["petrova"])
    assert "До срока остался 1 день." in one
    row = await _due(world, "task:2:remind:7")
    assert row.status == "skipped" and "closer reminder" in (row.note or "")


async def test_cl4e_due_rows_for_a_done_task_are_skipped_with_a_note(world: World) -> None:
    """cl. 4 д–е: once the owner has reported completion, its reminders and escalation are
    not sent; the due rows say why."""
    p = await _signed(world)
    c = world.client
    await world.run_jobs()
    await c.click(p["petrova"], "Открыть поручение")
    await c.click(p["petrova"], "Сообщить об исполнении")
    await c.send(p["petrova"], "Регламент подготовлен и направлен в секретариат.")
    await c.click(p["petrova"], "Пропустить")
    await c.click(p["petrova"], "Подтвердить")
    await world.deliver()
    start = len(world.session.requests)
    world.clock.set(datetime(2026, 12, 20, 7, 0, tzinfo=UTC))
    await world.run_jobs()
    assert _sent_since(world, start, p["petrova"]) == []
    assert _sent_since(world, start, p["clerk"]) == []
    for key in ("task:2:remind:7", "task:2:remind:1", "task:2:overdue"):
        row = await _due(world, key)
        assert (row.status, row.note) == ("skipped", "the task is done"), key
    async with world.db.session() as s:
        assert await s.scalar(select(AgendaOffer)) is None


async def test_cl4e_owner_reports_completion_with_a_comment_and_a_file(world: World) -> None:
    """cl. 4 д–е: a representative of the owner unit reports; bad answers are asked again
    with the reason; the secretariat and the chair get the comment and the file."""
    p = await _signed(world)
    c = world.client
    rep = p["rep"]
    await world.run_jobs()
    await c.send(rep, "/tasks")
    listing = _read(c, rep)
    assert listing.startswith("Мои поручения")
    assert "1. ⏳ в работе · Подготовить методичку — срок: 31 января 2027 г." in listing
    assert "Разработать регламент" not in listing
    await c.click(rep, "1. Подготовить методичку")
    card = _read(c, rep)
    for fact in (
        "Поручение № 1",
        "Ответственный: Отдел качества",
        "Срок: 31 января 2027 г.",
        "Решение: протокол № 1/2026, вопрос 1",
        "Статус: ⏳ в работе",
    ):
        assert fact in card, fact
    assert "Назначить ответственного" not in str(c.buttons(c.last_message(rep)))
    await c.click(rep, "Сообщить об исполнении")
    assert "Что сделано по поручению?" in _read(c, rep)
    await c.send(rep, "   ")
    assert _read(c, rep).startswith("Комментарий об исполнении обязателен.")
    await c.send(rep, "я" * 2001)
    assert "длиннее 2000 символов (сейчас 2001)" in _read(c, rep)
    await c.send(rep, "Методичка утверждена приказом № 12.")
    assert "Приложите файл с результатом" in _read(c, rep)
    await c.send(rep, "вот файл")
    assert _read(c, rep).startswith("Ожидается файл-документ")
    await c.send_document(rep, file_name="setup.exe", mime_type="application/octet-stream")
    assert "Файл «setup.exe» не принимается" in _read(c, rep)
    await c.send_document(rep, file_name="big.pdf", file_size=21 * 1024 * 1024)
    assert "Файл «big.pdf» больше 20 МБ" in _read(c, rep)
    async with world.db.session() as s:
        assert (await s.get(Task, 1)).status == "open"  # type: ignore[union-attr]
    await c.send_document(rep, file_name="Методичка.pdf", file_size=2048)
    summary = _read(c, rep)
    assert summary.startswith("Проверьте отчёт об исполнении")
    assert "Комментарий: Методичка утверждена приказом № 12." in summary
    assert "Файл: Методичка.pdf" in summary
    start = len(world.session.requests)
    await c.click(rep, "Подтвердить")
    assert "Статус: ✅ исполнено" in _read(c, rep)
    assert "Отчёт: Методичка утверждена приказом № 12." in _read(c, rep)
    await world.deliver()
    for key in ("clerk", "chair"):
        [doc] = [
            r
            for r in world.session.requests[start:]
            if isinstance(r, SendDocument) and r.chat_id == p[key].id
        ]
        assert (doc.caption or "").startswith("<b>Поручение исполнено</b>\nПодготовить методичку")
        assert "Исполнил(а): Иванов Иван Иванович" in (doc.caption or "")
        assert "Отчёт: Методичка утверждена приказом № 12." in (doc.caption or "")
        assert isinstance(doc.document, str)  # forwarded by its Telegram file id
    assert _sent_since(world, start, p["deputy"]) == []
    [task] = [t for t in await _tasks(world) if t.id == 1]
    assert task.status == "done" and task.done_by is not None
    assert task.report_text == "Методичка утверждена приказом № 12."
    assert task.report_document is not None
    assert task.report_document["file_name"] == "Методичка.pdf"
    async with world.db.session() as s:
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "task_done"))
    assert audit is not None and audit.object_id == 1


async def test_cl4e_bad_completions_are_refused_and_change_nothing(world: World) -> None:
    """cl. 4 д–е: a non-owner (forged button), a stale task id, a done task: an alert in
    Russian, no dialog, nothing in the database changes."""
    p = await _signed(world)
    c = world.client
    await world.run_jobs()
    await c.send(p["m0"], "/tasks")
    assert "Поручений, за которые отвечаете вы или ваше подразделение, нет." in _read(c, p["m0"])
    card = c.last_message(p["m0"])
    await c.click_data(p["m0"], card, TaskCb(action="report", task=1).pack())
    assert c.alerts(p["m0"])[-1] == (
        "Сообщить об исполнении может ответственный за поручение или сотрудник "
        "подразделения-исполнителя."
    )
    await c.send(p["m0"], "Всё сделано")
    assert "Сообщение не распознано" in _read(c, p["m0"])
    await c.click_data(p["m0"], card, TaskCb(action="card", task=999).pack())
    await c.click_data(p["rep"], card, TaskCb(action="report", task=999).pack())
    assert c.alerts(p["m0"])[-1].startswith("Кнопка устарела")
    assert c.alerts(p["rep"])[-1].startswith("Кнопка устарела")
    # A member cannot open the list of all tasks by a forged button.
    await c.click_data(p["m0"], card, TaskCb(action="overdue").pack())
    assert c.alerts(p["m0"])[-1].startswith("Все поручения видят секретариат")

    # The colleague from the owner unit reports; the representative's old card is stale now.
    await c.click(p["rep"], "Открыть поручение")
    old_card = c.last_message(p["rep"])
    await c.click(p["colleague"], "Открыть поручение")
    await c.click(p["colleague"], "Сообщить об исполнении")
    await c.send(p["colleague"], "Сделано.")
    await c.click(p["colleague"], "Пропустить")
    assert "Файл: не приложен" in _read(c, p["colleague"])
    await c.click(p["colleague"], "Подтвердить")
    before = [(t.status, t.report_text, t.done_by, t.done_at) for t in await _tasks(world)]
    async with world.db.session() as s:
        outbox_before = len((await s.scalars(select(OutboxMessage))).all())
    await c.click_data(p["rep"], old_card, TaskCb(action="report", task=1).pack())
    assert c.alerts(p["rep"])[-1] == "Поручение уже исполнено; повторный отчёт не принимается."
    await c.click_data(p["m0"], card, TaskCb(action="report", task=1).pack())
    assert c.alerts(p["m0"])[-1].startswith("Сообщить об исполнении может ответственный")
    assert [(t.status, t.report_text, t.done_by, t.done_at) for t in await _tasks(world)] == before
    async with world.db.session() as s:
        assert len((await s.scalars(select(OutboxMessage))).all()) == outbox_before
    [done] = [t for t in await _tasks(world) if t.id == 1]
    assert (done.status, done.report_text) == ("done", "Сделано.")


async def test_cl4e_a_forged_confirmation_outside_the_dialog_changes_nothing(
    world: World,
) -> None:
    p = await _signed(world)
    c = world.client
    await world.run_jobs()
    card = c.find_button_message(p["rep"], "Открыть поручение")
    await c.click_data(p["rep"], card, TaskCb(action="confirm", task=1).pack())
    assert c.alerts(p["rep"])[-1].startswith("Кнопка устарела")
    assert all(t.status == "open" for t in await _tasks(world))


async def test_cl4d_staff_see_all_tasks_by_state_paged_by_ten(world: World) -> None:
    """The secretariat, the chair and the deputy follow execution: open, overdue, done."""
    lines = "\n".join(f"Задача {n:02d}; Отдел качества; 31.01.2027" for n in range(1, 12))
    p = await _signed(world, lines + "\nСрочная задача; Петрова А.С.; 10.12.2026")
    c = world.client
    await world.run_jobs()
    world.clock.set(datetime(2026, 12, 11, 12, 0, tzinfo=UTC))
    for key in ("clerk", "chair", "deputy"):
        await c.send(p[key], "/tasks")
        assert _read(c, p[key]).startswith("Мои поручения")
    clerk = p["clerk"]
    await c.click(clerk, "В работе")
    text = _read(c, clerk)
    assert text.startswith("Все поручения: в работе")
    assert "10. ⏳ в работе · Задача 10" in text
    assert "Задача 11" not in text and "Срочная задача" not in text
    await c.click(clerk, "▶")
    text = _read(c, clerk)
    assert "11. ⏳ в работе · Задача 11" in text
    assert "Задача 01" not in text
    await c.click(clerk, "Просроченные")
    text = _read(c, clerk)
    assert "1. ⚠️ просрочено · Срочная задача — срок: 10 декабря 2026 г." in text
    await c.click(clerk, "Исполненные")
    assert "Таких поручений нет." in _read(c, clerk)
    # A member sees only their own list, without the switches.
    await c.send(p["petrova"], "/tasks")
    assert "1. ⚠️ просрочено · Срочная задача" in _read(c, p["petrova"])
    assert "Просроченные" not in str(c.buttons(c.last_message(p["petrova"])))


async def test_cl4d_the_secretariat_sets_an_owner_the_roster_did_not_know(world: World) -> None:
    """cl. 4 д–е: from the notice about unknown owners to the task's card, a person from
    the roster is chosen; the change is audited and the new owner is told."""
    p = await _signed(world)
    c = world.client
    clerk = p["clerk"]
    await world.run_jobs()
    # A member may not set owners, even with a forged button.
    card = c.last_message(p["m2"])
    await c.click_data(p["m2"], card, TaskCb(action="setp", task=3, ref=1).pack())
    assert c.alerts(p["m2"])[-1] == "Ответственного за поручение назначает секретариат."
    await c.click(clerk, "Поручение № 3")
    assert "Ответственный: Сидоров С.С. (нет в составе рабочей группы)" in _read(c, clerk)
    await c.click(clerk, "Назначить ответственного")
    await c.click(clerk, "Сотрудник")
    await c.click(clerk, "Член 2")
    assert c.callback_answers(clerk)[-1].text == "Ответственный назначен и получит уведомление."
    assert "Ответственный: Член 2" in _read(c, clerk)
    [task] = [t for t in await _tasks(world) if t.id == 3]
    assert task.owner_person_id is not None and task.owner == "Сидоров С.С."
    async with world.db.session() as s:
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "task_owner_set"))
    assert audit is not None and audit.details["before"] == {"person": None, "unit": None}
    start = len(world.session.requests)
    await world.run_jobs()
    [notice] = _sent_since(world, start, p["m2"])
    assert notice.startswith("Новое поручение\nПровести опрос")
    assert "Срок: не установлен" in notice
    # The unit is another choice; the task then belongs to the unit's people.
    await c.click(clerk, "Назначить ответственного")
    await c.click(clerk, "Подразделение")
    await c.click(clerk, UNIT)
    assert "Ответственный: Отдел качества" in _read(c, clerk)
    await c.send(p["colleague"], "/tasks")
    assert "Провести опрос" in _read(c, p["colleague"])


async def test_cl4d_tasks_and_their_due_rows_on_both_engines(any_db: Database) -> None:
    """cl. 4 д–е on SQLite and PostgreSQL: the owner unit resolved from loose text, one
    notice per due row and person however often the jobs run, a reminder across the year
    boundary, a second report refused, and the escalation of a done task skipped."""
    tz = ZoneInfo("Europe/Moscow")
    clock = FrozenClock(START)
    async with any_db.session() as s:
        group = await ensure_default_group(s, name="РГ", timezone=tz.key, now=START)
        async with write(s):
            roster = RosterRepository(s)
            unit = await roster.add_unit(group.id, "Отдел цифровизации", START)
            people = {}
            for telegram_id, name, role, unit_id in (
                (501, "Иванов Иван Иванович", Role.UNIT_REPRESENTATIVE, unit),
                (502, "Секретарь Сергей", Role.SECRETARIAT, None),
            ):
                people[telegram_id] = await roster.add_person(
                    telegram_id=telegram_id,
                    telegram_name=name,
                    username=None,
                    full_name=name,
                    language="ru",
                    now=START,
                )
                await roster.start_membership(
                    group_id=group.id,
                    person_id=people[telegram_id],
                    role=role,
                    unit_id=unit_id,
                    now=START,
                )
            meeting = await MeetingRepository(s).add(
                group_id=group.id,
                title="Заседание",
                format="in_person",
                place="Зал",
                link=None,
                starts_at=START,
                status="closed",
                sequence=0,
                checkin_token="token",
                created_by=502,
                created_at=START,
            )
            protocol = await ProtocolRepository(s).add(meeting.id, 2026, START)
            clerk = Actor(
                502,
                "Секретарь",
                people[502],
                "Секретарь Сергей",
                Role.SECRETARIAT,
                None,
                False,
                "ru",
                group.id,
            )
            line = TaskLine("Цифровизировать приём", "  отдел ЦИФРОВИЗАЦИИ ", date(2027, 1, 5))
            [task_id] = await create_tasks(
                s,
                clerk,
                protocol.id,
                [ItemRecord(1, "Вопрос", "", "", "Решили", (line,))],
                tz=tz,
                now=START,
            )

        async def run_due() -> list[str]:
            notifier = Notifier(
                s,
                clock,
                translator=lambda code: translator(code, tz.key),
                default_locale="ru",
                renderers=RENDERERS,
            )
            due = DueService(
                s, clock, tz, notifier=notifier, handlers=TaskDue(notifier, (7, 1)).handlers()
            )
            await due.run()
            async with read(s):
                return list(
                    (await s.scalars(select(OutboxMessage.key).order_by(OutboxMessage.id))).all()
                )

        keys = await run_due()
        assert await run_due() == keys
        async with read(s):
            new_id = await s.scalar(select(DueTask.id).where(DueTask.key == f"task:{task_id}:new"))
            owner_unit = await s.scalar(select(Task.owner_unit_id).where(Task.id == task_id))
        assert owner_unit == unit
        assert keys == [f"task-due:{new_id}:{people[501]}"]
        clock.set(datetime(2026, 12, 29, 7, 0, tzinfo=UTC))  # 10:00 in Moscow, 7 days before
        keys = await run_due()
        assert len(keys) == 2 and await run_due() == keys

        rep = Actor(
            501,
            "Иван",
            people[501],
            "Иванов Иван Иванович",
            Role.UNIT_REPRESENTATIVE,
            "Отдел цифровизации",
            False,
            "ru",
            group.id,
        )
        notifier = Notifier(
            s,
            clock,
            translator=lambda code: translator(code, tz.key),
            default_locale="ru",
            renderers=RENDERERS,
        )
        service = TaskService(s, clock, tz, notifier=notifier, file_max_mb=20)
        await service.complete(rep, task_id, "Готово.", None)
        with pytest.raises(InvalidInput) as again:
            await service.complete(rep, task_id, "Ещё раз.", None)
        assert again.value.key == "tasks.already_done"
        clock.set(datetime(2027, 1, 6, 7, 0, tzinfo=UTC))
        keys_after = await run_due()
        assert [k for k in keys_after if k.startswith("task-due:")] == [
            k for k in keys if k.startswith("task-due:")
        ]
        async with read(s):
            escalation = await s.scalar(
                select(DueTask.status).where(DueTask.key == f"task:{task_id}:overdue")
            )
            report = await s.scalar(select(Task.report_text).where(Task.id == task_id))
        assert escalation == "skipped"
        assert report == "Готово."
