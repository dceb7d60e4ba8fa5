"""Issue #18 item 2 over HTTP against the fake Bot API: the secretariat downloads the
composition as CSV and the calendar of upcoming meetings as .ics."""

from __future__ import annotations

from icalendar import Calendar

from bot.documents.csv_table import read_csv
from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.people import Speaker
from tests.support.steps.conversations import (
    document_after,
    invite_and_join,
    say,
    schedule_meeting,
)


async def test_issue18_item2_the_secretariat_downloads_an_export_and_the_calendar(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    clerk, chair = tg.user(9401, "Clerk"), tg.user(9402, "Chair")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Петров Пётр Петрович")
    await schedule_meeting(
        tg, chair, "Заседание по клиентоцентричности", "ул. Тверская, д. 1", "05.12.2026 15:00"
    )

    # /export → «Состав рабочей группы»: the CSV arrives as a document.
    await say(tg, clerk, "/export", "Выгрузка сведений")
    start = tg.mark()
    await Speaker(tg, clerk).presses("Состав рабочей группы", "Строк: 2")
    sent = await document_after(tg, start, clerk.id)
    name, data = sent.files["document"]
    assert name == "sostav_2026-12-01.csv"
    assert data.startswith("\ufeff".encode())
    assert read_csv(data) == [
        [
            "Участник",
            "Основная роль",
            "Дополнительные роли",
            "Структурное подразделение",
            "В составе с",
            "Акт о включении в состав",
        ],
        ["Секретарь Сергей", "сотрудник секретариата", "", "", "01.12.2026", ""],
        ["Петров Пётр Петрович", "председатель рабочей группы", "", "", "01.12.2026", ""],
    ]

    # /calendar: the one upcoming meeting, with the invitation's UID.
    start = tg.mark()
    await tg.send_text(clerk, "/calendar")
    sent = await document_after(tg, start, clerk.id)
    assert "Предстоящие заседания, на которые вы приглашены: 1." in (sent.text or "")
    name, data = sent.files["document"]
    assert name == "calendar.ics"
    events = Calendar.from_ical(data).walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["Заседание по клиентоцентричности"]
    assert str(events[0]["UID"]).startswith("meeting-")
