"""Effectiveness indicators over HTTP (cl. 3 в, 4 ж; issue #17, "Done when"): a project's
indicator receives two quarterly values from the responsible unit's representative, asked
after each quarterly report, and its card shows the status against the target."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_api import FakeTelegram, FakeUser
from tests.support.steps.conversations import invite_and_join, sent_after
from tests.support.steps.indicators import (
    KPI,
    PROJECT,
    http_add_indicator,
    http_add_project,
    http_answer_value,
    http_quarterly_report,
    http_representative,
    http_unit,
)

Q4_OPENS = datetime(2026, 12, 27, 7, 0, 1, tzinfo=UTC)
Q1_OPENS = datetime(2027, 3, 27, 7, 0, 1, tzinfo=UTC)


async def test_a_projects_indicator_gets_two_quarterly_values_over_http(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    clerk, rep = tg.user(9301, "Clerk"), tg.user(9302, "Rep")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await http_unit(tg, admin, "Отдел А")
    await http_representative(tg, admin, rep, "Отдел А", "Анна Арсеньева")

    # The secretariat sets the project and its indicator: 70 % now, 90 % by 31.12.2027.
    card = await http_add_project(tg, clerk, "Отдел А")
    shown = await http_add_indicator(tg, clerk, card)
    assert "Целевое значение: 90 к 31 декабря 2027 г." in (shown.text or "")

    # The fourth quarter: the report, then the indicator's value.
    start = tg.mark()
    running.clock.set(Q4_OPENS)
    notice = await sent_after(tg, start, rep.id, "Открыт отчётный период")
    asked = await http_quarterly_report(tg, rep, notice, "Сведения за IV квартал.")
    assert f"«{KPI}»" in (asked.text or "") and PROJECT in (asked.text or "")
    saved = await http_answer_value(tg, rep, "72,5")
    assert "внесено: 72,5." in (saved.text or "") and "в соответствии с планом" in (
        saved.text or ""
    )

    # The first quarter of 2027: the bot, restarted, plans the new cycle (the calendar is
    # planned at start and hourly); the second value comes with the report.
    await running.shutdown()
    start = tg.mark()
    running.clock.set(Q1_OPENS)
    again = await start_bot(tg, running.settings, running.clock)
    try:
        notice = await sent_after(tg, start, rep.id, "за I квартал 2027 г.")
        await http_quarterly_report(tg, rep, notice, "Сведения за I квартал.")
        start = tg.mark()
        await http_answer_value(tg, rep, "88")
        await sent_after(tg, start, rep.id, "Значения показателей эффективности внесены")
        await _card_shows_the_status(tg, clerk)
    finally:
        await again.shutdown()


async def _card_shows_the_status(tg: FakeTelegram, clerk: FakeUser) -> None:
    """The project's card: the latest value against the target, with its status."""
    start = tg.mark()
    await tg.send_text(clerk, "/projects")
    listing = await sent_after(tg, start, clerk.id, "Приоритетные проекты")
    start = tg.mark()
    await tg.click_button(clerk, (clerk.id, listing.result["message_id"]), f"1. {PROJECT}")
    project = await sent_after(tg, start, clerk.id, "Показатели эффективности")
    assert (
        f"1. {KPI}, %: 88 на 27 марта 2027 г. — цель 90 к 31 декабря 2027 г.; "
        "⏳ в соответствии с планом"
    ) in (project.text or "")
