"""A delegation over HTTP (cl. 16 б), with the clock moved: the secretariat records two
members as the group's delegates; they are told; the event passes and they are asked for a
report back; three days later the reminder comes; a delegate reports back with a file and a
text; the secretariat gets it, and no escalation follows."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.fake_api import FakeTelegram
from tests.support.steps.conversations import invite_and_join, sent_after
from tests.support.steps.delegations import (
    TITLE,
    record_delegation_over_http,
    report_back_over_http,
)

ASK_AT = datetime(2026, 12, 11, 7, 0, 1, tzinfo=UTC)  # 11.12 10:00 МСК, the day after 10.12
REMIND_AT = datetime(2026, 12, 13, 7, 0, 1, tzinfo=UTC)
ESCALATE_AT = datetime(2026, 12, 17, 7, 0, 1, tzinfo=UTC)


def _texts(tg: FakeTelegram, chat_id: int, contains: str) -> list[str]:
    return [
        c.text or ""
        for c in tg.calls
        if c.ok
        and c.chat_id == chat_id
        and c.method in ("sendMessage", "sendDocument")
        and contains in (c.text or "")
    ]


async def test_cl16b_a_delegation_is_recorded_the_event_passes_and_a_delegate_reports_back(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    clerk, ivanov, petrova = tg.user(9301, "Clerk"), tg.user(9302, "Ivanov"), tg.user(9303, "P")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "член рабочей группы", ivanov, "Иванов Иван Иванович")
    await invite_and_join(tg, admin, "член рабочей группы", petrova, "Петрова Анна Сергеевна")

    # The secretariat records the delegation; both delegates are told.
    start = tg.mark()
    card = await record_delegation_over_http(
        tg, clerk, ["Иванов Иван Иванович", "Петрова Анна Сергеевна"]
    )
    assert "Представители рабочей группы: Иванов Иван Иванович, Петрова Анна Сергеевна" in (
        card.text or ""
    )
    for delegate in (ivanov, petrova):
        told = await sent_after(tg, start, delegate.id, "Направление представителей")
        assert TITLE in (told.text or "") and "10 декабря 2026 г." in (told.text or "")

    # The event passes: the next morning each delegate is asked for the report back.
    start = tg.mark()
    running.clock.set(ASK_AT)
    for delegate in (ivanov, petrova):
        await sent_after(tg, start, delegate.id, "состоялось")

    # Three days after the event: the reminder.
    start = tg.mark()
    running.clock.set(REMIND_AT)
    reminder = await sent_after(tg, start, ivanov.id, "Напоминание об отчёте")
    assert TITLE in (reminder.text or "")
    await sent_after(tg, start, petrova.id, "Напоминание об отчёте")

    # Иванов reports back with a file and a text; the secretariat gets the file.
    start = tg.mark()
    shown = await report_back_over_http(tg, ivanov, "Выступили с докладом на пленарной сессии.")
    assert "Выступили с докладом на пленарной сессии." in (shown.text or "")
    assert "Файл: Отчёт об участии.pdf" in (shown.text or "")
    received = await tg.wait_for(
        lambda call: call.method == "sendDocument" and call.chat_id == clerk.id, since=start
    )
    assert "Отчёт представил(а): Иванов Иван Иванович" in (received.text or "")

    # A week after the event nothing is escalated: the delegation has reported back.
    running.clock.set(ESCALATE_AT)
    await asyncio.sleep(1.5)  # several ticks of the scheduler
    assert not _texts(tg, clerk.id, "Отчёт не представлен")
    assert len(_texts(tg, petrova.id, "Напоминание об отчёте")) == 1
