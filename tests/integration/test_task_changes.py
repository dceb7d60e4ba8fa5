"""Tasks decided again at the dispatcher level (cl. 4 д–е, 14): a deadline extended by a
decision or by the chair with a reason, a task cancelled, a completion report accepted or
returned; each refusal told with its reason and changing nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from bot.callbacks import TaskChangeCb
from storage.models import AuditEntry, DueTask, Protocol, Task, TaskChange
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.tasks import (
    open_task,
    read_last,
    report_done,
    sent_since,
    signed_with_tasks,
    task_state,
)

# Task 1: «Подготовить методичку», Отдел качества, 31.01.2027; task 2: «Разработать
# регламент», Петрова, 15.12.2026 (tests/support/steps/tasks.py).
DECISION = "Протокол № 1/2026, вопрос 2: Принять к сведению."


async def _changes(world: World) -> list[TaskChange]:
    async with world.db.session() as s:
        return list((await s.scalars(select(TaskChange).order_by(TaskChange.id))).all())


async def _task(world: World, task_id: int) -> Task:
    async with world.db.session() as s:
        task = await s.get(Task, task_id)
    assert task is not None
    return task


async def _audit(world: World, action: str) -> list[AuditEntry]:
    async with world.db.session() as s:
        return list((await s.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


async def _press(world: World, user: FakeUser, action: str, task: int, **more: int) -> str:
    """A press of a task change button (as a stale or forged one would come); the alert."""
    c = world.client
    before = len(c.alerts(user))
    await c.click_data(
        user, c.last_message(user), TaskChangeCb(action=action, task=task, **more).pack()
    )
    alerts = c.alerts(user)[before:]
    return alerts[0] if alerts else ""


async def test_cl4e_cl14_extension_by_a_decision_is_recorded_and_the_owner_told(
    world: World,
) -> None:
    """cl. 4 д–е, 14: the secretariat extends a deadline naming a signed protocol's item; the
    card shows the new deadline and the history, the owner is told, the audit log has it; the
    reminders of the old deadline are not sent, those of the new one are."""
    p = await signed_with_tasks(world)
    c, clerk = world.client, p["clerk"]
    card = await open_task(world, clerk, 2)
    assert "Продлить срок" in str(c.buttons(c.last_message(clerk)))
    assert "Срок: 15 декабря 2026 г." in card
    await c.click(clerk, "Продлить срок")
    assert "Текущий срок: 15 декабря 2026 г." in read_last(c, clerk)
    await c.send(clerk, "25.12.2026")
    assert read_last(c, clerk).startswith("Выберите решение")
    await c.click(clerk, DECISION)
    summary = read_last(c, clerk)
    assert summary.startswith("Продление срока поручения")
    assert "Срок: 15 декабря 2026 г. → 25 декабря 2026 г." in summary
    assert "Основание: решение, протокол № 1/2026, вопрос 2" in summary
    start = len(world.session.requests)
    await c.click(clerk, "Подтвердить")
    card = read_last(c, clerk)
    assert "Срок: 25 декабря 2026 г." in card
    assert "История изменений" in card
    assert (
        "срок продлён с 15 декабря 2026 г. до 25 декабря 2026 г. "
        "Основание: решение, протокол № 1/2026, вопрос 2"
    ) in card
    await world.deliver()
    [notice] = sent_since(world, start, p["petrova"])
    assert notice.startswith("Срок поручения продлён\nРазработать регламент")
    assert "Срок: 25 декабря 2026 г." in notice
    assert "Прежний срок: 15 декабря 2026 г." in notice
    assert "Основание: решение, протокол № 1/2026, вопрос 2" in notice
    [change] = await _changes(world)
    assert (change.kind, change.old_deadline, change.new_deadline) == (
        "extend",
        date(2026, 12, 15),
        date(2026, 12, 25),
    )
    assert (change.item_number, change.reason) == (2, None)
    [audit] = await _audit(world, "task_extended")
    assert audit.object_id == 2 and audit.details["item"] == 2

    # The reminder 7 days before the old deadline (8 December) is not sent; 7 days before
    # the new one (18 December) it is; the old escalation finds the task not overdue.
    start = len(world.session.requests)
    world.clock.set(datetime(2026, 12, 8, 7, 0, 1, tzinfo=UTC))
    await world.run_jobs()
    world.clock.set(datetime(2026, 12, 16, 7, 0, 1, tzinfo=UTC))
    await world.run_jobs()
    assert sent_since(world, start, p["petrova"]) == []
    assert sent_since(world, start, clerk) == []
    world.clock.set(datetime(2026, 12, 18, 7, 0, 1, tzinfo=UTC))
    await world.run_jobs()
    [reminder] = sent_since(world, start, p["petrova"])
    assert "До срока осталось 7 дней." in reminder
    async with world.db.session() as s:
        old = await s.scalar(select(DueTask).where(DueTask.key == "task:2:remind:7"))
    assert old is not None and old.status == "skipped"


async def test_cl14_the_chair_extends_without_a_decision_giving_a_reason(world: World) -> None:
    """cl. 14: without a decision the chair extends a deadline with a written reason; the
    reason is required, and the card shows it."""
    p = await signed_with_tasks(world)
    c, chair = world.client, p["chair"]
    await open_task(world, chair, 2)
    await c.click(chair, "Продлить срок")
    await c.send(chair, "20.12.2026")
    await c.click(chair, "Без решения (председатель, с указанием причины)")
    assert read_last(c, chair).startswith("Укажите причину изменения поручения")
    await c.send(chair, "   ")
    assert read_last(c, chair).startswith(
        "Без решения рабочей группы причина изменения обязательна."
    )
    await c.send(chair, "Исполнитель в командировке.")
    summary = read_last(c, chair)
    assert (
        "Основание: решение председателя рабочей группы. Причина: Исполнитель в командировке."
        in summary
    )
    start = len(world.session.requests)
    await c.click(chair, "Подтвердить")
    card = read_last(c, chair)
    assert "Срок: 20 декабря 2026 г." in card
    assert "причина: Исполнитель в командировке." in card
    await world.deliver()
    [notice] = sent_since(world, start, p["petrova"])
    assert (
        "Основание: решение председателя рабочей группы, причина: Исполнитель в командировке."
        in notice
    )
    [change] = await _changes(world)
    assert change.protocol_id is None and change.reason == "Исполнитель в командировке."


async def test_cl14_a_member_and_the_secretariat_without_a_decision_are_refused(
    world: World,
) -> None:
    """cl. 4 д–е, 14: a member may not change a task; the secretariat may not without a
    decision. Each refusal says why and nothing changes."""
    p = await signed_with_tasks(world)
    c, member, clerk = world.client, p["m0"], p["clerk"]
    await open_task(world, member, 2)
    assert "Продлить срок" not in str(c.buttons(c.last_message(member)))
    before = await task_state(world)
    alert = await _press(world, member, "extend", 2)
    assert "только ролям" in alert and "председатель" in alert
    assert await task_state(world) == before

    await open_task(world, clerk, 2)
    await c.click(clerk, "Продлить срок")
    await c.send(clerk, "25.12.2026")
    before = await task_state(world)
    await c.click(clerk, "Без решения (председатель, с указанием причины)")
    assert c.alerts(clerk)[-1].startswith(
        "Без решения рабочей группы изменить поручение может только председатель"
    )
    assert await task_state(world) == before
    assert (await _task(world, 2)).deadline == date(2026, 12, 15)


async def test_cl4e_an_extension_into_the_past_or_not_later_is_refused(world: World) -> None:
    """cl. 4 д–е: a date in the past, or not after the current deadline, is refused with the
    reason and the question again; nothing changes."""
    p = await signed_with_tasks(world)
    c, clerk = world.client, p["clerk"]
    await open_task(world, clerk, 2)
    await c.click(clerk, "Продлить срок")
    before = await task_state(world)
    await c.send(clerk, "01.12.2026")
    said = read_last(c, clerk)
    assert said.startswith("Срок не может быть в прошлом: сегодня 5 декабря 2026 г.")
    assert "Введите новый срок исполнения поручения" in said
    for typed in ("10.12.2026", "15.12.2026"):
        await c.send(clerk, typed)
        assert read_last(c, clerk).startswith(
            "Новый срок должен быть позже текущего (15 декабря 2026 г.)."
        )
    await c.send(clerk, "31.02.2027")
    assert read_last(c, clerk).startswith("Такой даты не существует.")
    assert await task_state(world) == before


async def test_cl14_the_decision_must_be_an_item_of_a_signed_protocol(world: World) -> None:
    """cl. 14: only a signed protocol records decisions: a missing item, or a protocol not
    signed, is refused with the reason; nothing changes."""
    p = await signed_with_tasks(world)
    c, clerk = world.client, p["clerk"]
    await open_task(world, clerk, 2)
    await c.click(clerk, "Продлить срок")
    await c.send(clerk, "25.12.2026")
    async with world.db.session() as s:
        protocol_id = await s.scalar(select(Protocol.id))
    assert protocol_id is not None
    before = await task_state(world)
    alert = await _press(world, clerk, "basis", 2, protocol=protocol_id, item=9)
    assert alert == "В протоколе № 1/2026 нет вопроса 9."
    async with world.db.session() as s, s.begin():
        await s.execute(update(Protocol).values(status="consent"))
    alert = await _press(world, clerk, "basis", 2, protocol=protocol_id, item=2)
    assert alert.startswith("Протокол № 1/2026 не подписан")
    assert await task_state(world) == before


async def test_cl4e_a_task_cancelled_by_a_decision_cannot_be_changed_again(world: World) -> None:
    """cl. 4 д–е, 14: the unit's task is cancelled by a decision; its people are told; the
    card says cancelled; an extension of a cancelled task is refused, nothing changes."""
    p = await signed_with_tasks(world)
    c, clerk = world.client, p["clerk"]
    await open_task(world, clerk, 1)
    await c.click(clerk, "Отменить поручение")
    await c.click(clerk, DECISION)
    assert read_last(c, clerk).startswith("Отмена поручения")
    start = len(world.session.requests)
    await c.click(clerk, "Подтвердить")
    card = read_last(c, clerk)
    assert "Статус: ❌ отменено" in card
    assert "поручение отменено. Основание: решение, протокол № 1/2026, вопрос 2" in card
    assert "Продлить срок" not in str(c.buttons(c.last_message(clerk)))
    await world.deliver()
    [notice] = sent_since(world, start, p["rep"])
    assert notice.startswith("Поручение отменено\nПодготовить методичку")
    assert (await _task(world, 1)).status == "cancelled"
    assert len(await _audit(world, "task_cancelled")) == 1
    before = await task_state(world)
    alert = await _press(world, clerk, "extend", 1)
    assert alert == "Поручение отменено; изменить его нельзя."
    assert await task_state(world) == before


async def test_cl4e_the_secretariat_accepts_a_report_once(world: World) -> None:
    """cl. 4 д–е: the secretariat accepts the completion report; the owner is told; the card
    says so; accepting twice is refused («Отчёт уже принят») and nothing changes; a done task
    is not extended."""
    p = await signed_with_tasks(world)
    c, clerk, petrova = world.client, p["clerk"], p["petrova"]
    await report_done(world, petrova, 2, "Регламент разработан.")
    card = await open_task(world, clerk, 2)
    assert "Отчёт ожидает рассмотрения секретариатом." in card
    start = len(world.session.requests)
    await c.click(clerk, "Принять отчёт")
    card = read_last(c, clerk)
    assert "Отчёт принят секретариатом." in card
    assert "отчёт об исполнении принят. Сотрудник секретариата: Секретарь Сергей" in card
    assert "Принять отчёт" not in str(c.buttons(c.last_message(clerk)))
    await world.deliver()
    [notice] = sent_since(world, start, petrova)
    assert notice.startswith("Отчёт об исполнении поручения принят\nРазработать регламент")
    assert len(await _audit(world, "task_report_accepted")) == 1
    before = await task_state(world)
    assert await _press(world, clerk, "accept", 2) == "Отчёт уже принят."
    assert (
        await _press(world, clerk, "extend", 2) == "Поручение уже исполнено; изменить его нельзя."
    )
    assert await task_state(world) == before


async def test_cl4e_a_returned_report_reopens_the_task(world: World) -> None:
    """cl. 4 д–е: the secretariat returns the report with a comment (required); the task is
    open again, the owner is told the comment and reports again; the card keeps the return
    in its history."""
    p = await signed_with_tasks(world)
    c, clerk, petrova = world.client, p["clerk"], p["petrova"]
    await report_done(world, petrova, 2, "Регламент разработан.")
    await open_task(world, clerk, 2)
    await c.click(clerk, "Вернуть на доработку")
    assert read_last(c, clerk).startswith("Укажите, что необходимо доработать")
    before = await task_state(world)
    await c.send(clerk, "  ")
    assert read_last(c, clerk).startswith("Комментарий обязателен")
    assert await task_state(world) == before
    start = len(world.session.requests)
    await c.send(clerk, "Приложите согласование юридического отдела.")
    card = read_last(c, clerk)
    assert "Статус: ⏳ в работе" in card
    assert (
        "отчёт об исполнении возвращён на доработку. Сотрудник секретариата: Секретарь Сергей. "
        "Комментарий: Приложите согласование юридического отдела."
    ) in card
    await world.deliver()
    [notice] = sent_since(world, start, petrova)
    assert notice.startswith("Отчёт об исполнении поручения возвращён на доработку")
    assert "Комментарий секретариата: Приложите согласование юридического отдела." in notice
    task = await _task(world, 2)
    assert (task.status, task.report_text, task.done_at) == ("open", None, None)
    [change] = await _changes(world)
    assert (change.kind, change.report_text) == ("return", "Регламент разработан.")
    # Returned, not accepted: accepting now is refused; the owner reports again.
    before = await task_state(world)
    assert (
        await _press(world, clerk, "accept", 2)
        == "Отчёта об исполнении, ожидающего рассмотрения, нет."
    )
    assert await task_state(world) == before
    world.clock.set(datetime(2026, 12, 7, 9, 0, tzinfo=UTC))
    await report_done(world, petrova, 2, "Согласование приложено.")
    await open_task(world, clerk, 2)
    await c.click(clerk, "Принять отчёт")
    assert "Отчёт принят секретариатом." in read_last(c, clerk)
    assert [ch.kind for ch in await _changes(world)] == ["return", "accept"]
