"""Delegations to outside events at the dispatcher level (cl. 16 б): the secretariat records
who represents the group; the delegates are told; the day after the event they are asked
for a report back, reminded after 3 days, the secretariat told after 7; a delegate reports
back with a file; the report is offered for the next agenda; moving and cancelling."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aiogram.methods import SendDocument
from sqlalchemy import select, text

from bot.callbacks import DelegationCb
from storage.models import AgendaItem, AgendaOffer, AuditEntry, Delegation, Person
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.delegations import (
    MSK,
    TITLE,
    delegation_due,
    delegation_rows,
    record_delegation,
    report_back,
)
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import working_group

ASK_AT = datetime(2026, 12, 11, 7, 0, tzinfo=UTC)  # 11.12 10:00 МСК, the day after 10.12
REMIND_AT = datetime(2026, 12, 13, 7, 0, tzinfo=UTC)
ESCALATE_AT = datetime(2026, 12, 17, 7, 0, tzinfo=UTC)


async def _audit(world: World) -> list[str]:
    async with world.db.session() as s:
        rows = await s.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "delegation")
            .order_by(AuditEntry.id)
        )
        return list(rows)


async def _person_id(world: World, user: FakeUser) -> int:
    async with world.db.session() as s:
        found = await s.scalar(select(Person.id).where(Person.telegram_id == user.id))
        assert found is not None
        return found


async def _snapshot(world: World) -> list[Any]:
    async with world.db.session() as s:
        rows = []
        for table in ("delegation", "delegation_delegate", "due_task", "agenda_offer"):
            rows += list((await s.execute(text(f"SELECT * FROM {table}"))).all())
        return rows


async def _in_dialog(world: World, user: FakeUser) -> bool:
    async with world.db.session() as s:
        rows = await s.execute(text("SELECT key, state FROM fsm_record"))
        return any(f":{user.id}:{user.id}" in key and state for key, state in rows.all())


def _texts_since(world: World, user: FakeUser, start: int) -> list[str]:
    return world.client.texts(user)[start:]


async def _recorded(world: World) -> dict[str, FakeUser]:
    p = await working_group(world)
    await record_delegation(world, p["clerk"], ["Член 0", "Член 1"])
    await world.deliver()
    return p


async def test_cl16b_a_recorded_delegation_tells_its_delegates_and_plans_the_follow_up(
    world: World,
) -> None:
    p = await working_group(world)
    c = world.client
    card = await record_delegation(world, p["clerk"], ["Член 0", "Член 1"])
    assert TITLE in card and "Представители рабочей группы: Член 0, Член 1" in card
    assert "Статус: ⏳ ожидается" in card
    await world.deliver()
    told = c.last_text(p["m0"])
    assert "Направление представителей на мероприятие" in told
    assert "Дата: 10 декабря 2026 г." in told
    assert "Направление представителей" in c.last_text(p["m1"])
    assert all("Форум" not in t for t in c.texts(p["m2"]))
    assert await _audit(world) == ["delegation_recorded"]
    assert await delegation_due(world) == [
        ("delegation_ask", datetime(2026, 12, 11, 10, 0, tzinfo=MSK), "pending"),
        ("delegation_remind", datetime(2026, 12, 13, 10, 0, tzinfo=MSK), "pending"),
        ("delegation_escalate", datetime(2026, 12, 17, 10, 0, tzinfo=MSK), "pending"),
    ]


async def test_cl16b_ask_the_day_after_then_reminder_after_3_days_then_escalation_after_7(
    any_world: World,
) -> None:
    """On SQLite and PostgreSQL."""
    world = any_world
    p = await _recorded(world)
    c = world.client
    world.clock.set(ASK_AT - (ASK_AT - ASK_AT.replace(hour=6)))  # 09:00 МСК: nothing yet
    await world.run_jobs()
    assert "Отчёт об участии в мероприятии" not in c.last_text(p["m0"])
    world.clock.set(ASK_AT)
    await world.run_jobs()
    asked = c.last_text(p["m0"])
    assert "Отчёт об участии в мероприятии" in asked and "состоялось" in asked
    assert "Представить отчёт" in [
        label for row in c.buttons(c.last_message(p["m0"])) for label, _ in row
    ]
    assert "состоялось" in c.last_text(p["m1"])
    world.clock.set(REMIND_AT)
    await world.run_jobs()
    assert "Напоминание об отчёте" in c.last_text(p["m0"])
    assert "Напоминание об отчёте" in c.last_text(p["m1"])
    clerk_before = len(c.texts(p["clerk"]))
    world.clock.set(ESCALATE_AT)
    await world.run_jobs()
    escalated = _texts_since(world, p["clerk"], clerk_before)
    assert any("Отчёт не представлен" in t and "Член 0, Член 1" in t for t in escalated)
    assert "Отчёт не представлен" not in c.last_text(p["m0"])
    assert "Отчёт не представлен" not in c.last_text(p["chair"])
    assert [s for _, _, s in await delegation_due(world)] == ["done", "done", "done"]
    assert await _audit(world) == [
        "delegation_recorded",
        "delegation_ask",
        "delegation_remind",
        "delegation_escalated",
    ]


async def test_cl16b_a_delegate_reports_back_with_a_file_and_no_reminder_follows(
    any_world: World,
) -> None:
    """On SQLite and PostgreSQL."""
    world = any_world
    p = await _recorded(world)
    c = world.client
    world.clock.set(ASK_AT)
    await world.run_jobs()
    before_report = {k: len(c.sent_to(p[k])) for k in ("chair", "clerk")}
    shown = await report_back(
        world, p["m1"], "Выступили с докладом о клиентоцентричности.", file_name="Отчёт.pdf"
    )
    assert "Статус: ✅ отчёт представлен" in shown
    assert "Выступили с докладом" in shown and "Файл: Отчёт.pdf" in shown
    [row] = await delegation_rows(world)
    assert row.report_text == "Выступили с докладом о клиентоцентричности."
    assert row.report_document is not None
    assert row.report_document["file_name"] == "Отчёт.pdf"
    assert row.report_document.get("kept_sha256")  # the bot keeps its own copy
    assert row.reported_by == await _person_id(world, p["m1"])
    await world.deliver()
    for staff in ("chair", "clerk"):
        [told] = [
            m for m in c.sent_to(p[staff])[before_report[staff] :] if isinstance(m, SendDocument)
        ]
        assert "Отчёт представил(а): Член 1" in (told.caption or "")
        assert told.document == row.report_document["telegram_file_id"]
    world.clock.set(REMIND_AT)
    await world.run_jobs()
    assert "Напоминание об отчёте" not in c.last_text(p["m0"])
    assert [s for _, _, s in await delegation_due(world)] == ["done", "cancelled", "cancelled"]
    assert await _audit(world) == ["delegation_recorded", "delegation_ask", "delegation_reported"]
    # A second report is refused, and changes nothing.
    before = await _snapshot(world)
    await c.click_data(
        p["m0"], c.last_message(p["m0"]), DelegationCb(action="report", delegation=row.id).pack()
    )
    assert c.alerts(p["m0"])[-1] == "Отчёт об участии уже представлен."
    assert await _snapshot(world) == before


async def test_cl16b_a_report_before_the_event_is_refused_and_changes_nothing(
    world: World,
) -> None:
    """cl. 16 б: «Отчёт можно представить после мероприятия …»; no dialog begins."""
    p = await _recorded(world)
    c = world.client
    [row] = await delegation_rows(world)
    await c.send(p["m0"], "/delegations")
    await c.click(p["m0"], f"1. {TITLE}")
    assert "Представить отчёт" not in [
        label for r in c.buttons(c.last_message(p["m0"])) for label, _ in r
    ]
    before = await _snapshot(world)
    await c.click_data(
        p["m0"], c.last_message(p["m0"]), DelegationCb(action="report", delegation=row.id).pack()
    )
    assert c.alerts(p["m0"])[-1] == (
        "Отчёт можно представить после мероприятия: оно состоится 10 декабря 2026 г."
    )
    assert await _snapshot(world) == before
    assert not await _in_dialog(world, p["m0"])


async def test_cl16b_only_a_delegate_reports_back(world: World) -> None:
    p = await _recorded(world)
    c = world.client
    world.clock.set(ASK_AT)
    [row] = await delegation_rows(world)
    before = await _snapshot(world)
    await c.send(p["m2"], "/delegations")
    await c.click_data(
        p["m2"], c.last_message(p["m2"]), DelegationCb(action="report", delegation=row.id).pack()
    )
    assert c.alerts(p["m2"])[-1] == "Отчёт представляют только направленные представители."
    assert await _snapshot(world) == before


async def test_cl16b_the_report_is_offered_for_the_next_agenda(world: World) -> None:
    p = await _recorded(world)
    c = world.client
    world.clock.set(ASK_AT)
    await world.run_jobs()
    await report_back(world, p["m0"], "Представили опыт рабочей группы.")
    await schedule_meeting(world, p["chair"], "20.12.2026 15:00")
    await c.send(p["clerk"], "/delegations")
    await c.click(p["clerk"], f"1. {TITLE}")
    await c.click(p["clerk"], "Включить в повестку дня")
    assert c.callback_answers(p["clerk"])[-1].text == (
        "Отчёт предложен для включения в повестку дня ближайшего заседания."
    )
    assert "Отчёт предложен для включения в повестку дня заседания." in c.last_text(p["clerk"])
    async with world.db.session() as s:
        offer = await s.scalar(select(AgendaOffer).where(AgendaOffer.key == "delegation:1"))
        assert offer is not None and offer.item_id is not None
        item = await s.get(AgendaItem, offer.item_id)
        assert item is not None and item.status == "proposed"
        assert (
            item.title == f"Об итогах участия представителей рабочей группы в мероприятии «{TITLE}»"
        )
        assert "Представили опыт рабочей группы." in (item.description or "")
    assert (await _audit(world))[-1] == "delegation_offered"
    # Offered once only.
    before = await _snapshot(world)
    await c.click_data(
        p["clerk"], c.last_message(p["clerk"]), DelegationCb(action="offer", delegation=1).pack()
    )
    assert c.alerts(p["clerk"])[-1] == "Отчёт уже предложен для включения в повестку дня."
    assert await _snapshot(world) == before


async def test_cl16b_a_member_may_not_record_move_cancel_or_offer(world: World) -> None:
    p = await _recorded(world)
    c = world.client
    await c.send(p["m2"], "/delegations")
    listing = c.last_message(p["m2"])
    assert "Направить представителей" not in [label for r in c.buttons(listing) for label, _ in r]
    before = await _snapshot(world)
    for action in ("new", "move", "cancel", "cancel_ok", "offer"):
        await c.click_data(p["m2"], listing, DelegationCb(action=action, delegation=1).pack())
        alert = c.alerts(p["m2"])[-1]
        assert "доступно только ролям" in alert and "председатель" in alert, alert
    assert await _snapshot(world) == before
    assert not await _in_dialog(world, p["m2"])


async def test_cl16b_bad_answers_in_the_dialog_are_refused_with_the_reason(
    world: World,
) -> None:
    p = await working_group(world)
    c = world.client
    clerk = p["clerk"]
    await c.send(clerk, "/delegations")
    await c.click(clerk, "Направить представителей")
    await c.send(clerk, TITLE)
    await c.send(clerk, "Минэкономразвития России")
    await c.send(clerk, "30.11.2026")
    said = c.last_text(clerk)
    assert said.startswith("Эта дата уже прошла.") and "Дата мероприятия" in said
    await c.send(clerk, "завтра")
    assert c.last_text(clerk).startswith("Не удалось разобрать дату.")
    await c.send(clerk, "10.12.2026 11:00")
    await c.send(clerk, "   ")
    assert "Место проведения" in c.last_text(clerk)
    await c.send(clerk, "г. Москва")
    await c.send(clerk, "Тема")
    # «Готово» with nobody ticked
    await c.click(clerk, "Готово")
    assert c.alerts(clerk)[-1] == "Выберите хотя бы одного представителя."
    # A forged tick of someone who is not a member (the secretariat officer)
    before = await _snapshot(world)
    await c.click_data(
        clerk,
        c.last_message(clerk),
        DelegationCb(action="pick", person=await _person_id(world, clerk)).pack(),
    )
    assert c.alerts(clerk)[-1] == "Представлять рабочую группу могут только её члены."
    await c.click(clerk, "Член 2")
    await c.click(clerk, "Готово")
    # A forged decision that is not an item of a signed protocol
    await c.click_data(
        clerk, c.last_message(clerk), DelegationCb(action="basis", protocol=99, item=1).pack()
    )
    assert c.alerts(clerk)[-1].startswith("Основанием может быть только вопрос")
    assert await _snapshot(world) == before
    await c.click(clerk, "Без решения")
    summary = c.last_text(clerk)
    assert "Проверьте сведения" in summary and "10 декабря 2026 г., 11:00 (МСК)" in summary
    await c.click(clerk, "Отмена")
    assert await delegation_rows(world) == []


async def test_cl16b_moving_the_date_re_plans_the_follow_up_and_tells_the_delegates(
    world: World,
) -> None:
    p = await _recorded(world)
    c = world.client
    clerk = p["clerk"]
    await c.send(clerk, "/delegations")
    await c.click(clerk, f"1. {TITLE}")
    await c.click(clerk, "Перенести дату")
    await c.send(clerk, "10.12.2026")
    assert c.last_text(clerk).startswith("Мероприятие уже назначено на эту дату")
    await c.send(clerk, "15.12.2026 14:00")
    assert "Дата: 15 декабря 2026 г., 14:00 (МСК)" in c.last_text(clerk)
    await world.deliver()
    moved = c.last_text(p["m0"])
    assert "Перенос мероприятия" in moved and "было — 10 декабря 2026 г." in moved
    assert await delegation_due(world) == [
        ("delegation_ask", datetime(2026, 12, 11, 10, 0, tzinfo=MSK), "cancelled"),
        ("delegation_remind", datetime(2026, 12, 13, 10, 0, tzinfo=MSK), "cancelled"),
        ("delegation_escalate", datetime(2026, 12, 17, 10, 0, tzinfo=MSK), "cancelled"),
        ("delegation_ask", datetime(2026, 12, 16, 10, 0, tzinfo=MSK), "pending"),
        ("delegation_remind", datetime(2026, 12, 18, 10, 0, tzinfo=MSK), "pending"),
        ("delegation_escalate", datetime(2026, 12, 22, 10, 0, tzinfo=MSK), "pending"),
    ]
    world.clock.set(ASK_AT)
    await world.run_jobs()
    assert "состоялось" not in c.last_text(p["m0"])
    assert (await _audit(world))[-1] == "delegation_moved"


async def test_cl16b_cancelling_tells_the_delegates_and_drops_the_follow_up(
    world: World,
) -> None:
    p = await _recorded(world)
    c = world.client
    clerk = p["clerk"]
    await c.send(clerk, "/delegations")
    await c.click(clerk, f"1. {TITLE}")
    await c.click(clerk, "Отменить участие")
    await c.click(clerk, "Подтвердить")
    assert "Статус: ❌ отменено" in c.last_text(clerk)
    await world.deliver()
    assert "Участие отменено" in c.last_text(p["m1"])
    assert [s for _, _, s in await delegation_due(world)] == ["cancelled"] * 3
    [row] = await delegation_rows(world)
    assert row.status == "cancelled"
    before = await _snapshot(world)
    await c.click_data(
        clerk, c.last_message(clerk), DelegationCb(action="move", delegation=row.id).pack()
    )
    assert c.alerts(clerk)[-1] == "Участие в этом мероприятии отменено."
    assert await _snapshot(world) == before


async def test_delegations_lists_upcoming_and_past_ones(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await record_delegation(world, p["chair"], ["Член 0"], title="Первое", when="03.12.2026")
    await record_delegation(world, p["chair"], ["Член 1"], title="Второе", when="20.12.2026")
    world.clock.set(datetime(2026, 12, 5, 9, 0, tzinfo=UTC))
    await c.send(p["m2"], "/delegations")
    shown = c.last_text(p["m2"])
    assert shown.index("Предстоящие") < shown.index("Второе") < shown.index("Прошедшие")
    assert shown.index("Прошедшие") < shown.index("Первое")
    async with world.db.session() as s:
        assert len(list(await s.scalars(select(Delegation)))) == 2


async def test_after_downtime_the_delegates_get_the_reminder_alone_not_the_ask_too(
    world: World,
) -> None:
    """The bot was down from before the ask until the reminder was due: one message with the
    current facts; the ask's due row says why it was skipped."""
    p = await _recorded(world)
    c = world.client
    before = len(c.texts(p["m0"]))
    world.clock.set(REMIND_AT)
    await world.run_jobs()
    got = c.texts(p["m0"])[before:]
    assert len(got) == 1 and "Напоминание об отчёте" in got[0]
    assert [s for _, _, s in await delegation_due(world)] == ["skipped", "done", "pending"]
