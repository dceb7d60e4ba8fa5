"""A guest over HTTP (cl. 16 а): the secretariat invites a guest to a scheduled meeting from
its card, the guest opens the personal link and gets the meeting with its .ics, the
secretariat hears that the guest accepted, and the approved agenda reaches the guest too."""

from __future__ import annotations

import re

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.people import Speaker
from tests.support.steps.conversations import invite_and_join, schedule_meeting


async def test_a_guest_is_invited_accepts_and_receives_the_agenda_over_http(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, clerk, member = tg.user(9401, "Chair"), tg.user(9402, "Clerk"), tg.user(9403, "M")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "член рабочей группы", member, "Член Мария")
    await schedule_meeting(tg, chair, "Декабрьское заседание", "Зал коллегии", "05.12.2026 15:00")

    clerk_, chair_ = Speaker(tg, clerk), Speaker(tg, chair)
    await clerk_.sends("/meetings", "Заседания")
    await clerk_.presses("Открыть: Декабрьское заседание", "Статус")
    await clerk_.presses("Приглашённые", "Приглашённых пока нет")
    await clerk_.presses("Пригласить на заседание", "ФИО и организацию")
    asked = await clerk_.sends(
        "Петров Пётр Петрович, Торгово-промышленная палата", "В каком качестве приглашается?"
    )
    created = await clerk_.presses(
        "Приглашённое лицо", "Приглашение на заседание создано", on=asked
    )
    link = re.search(r"start=(gst_[A-Za-z0-9_-]+)", created.text or "")
    assert link, created.text

    guest = Speaker(tg, tg.user(9499, "Peter", language_code="en"))
    visit = await guest.sends(f"/start {link.group(1)}", "You are invited to a meeting")
    assert "5 December 2026, 15:00 (MSK)" in (visit.text or "")
    assert "Зал коллегии" in (visit.text or "")
    ics = await guest.sees(".ics")
    assert ics.method == "sendDocument"
    name, data = ics.files["document"]
    assert name.endswith(".ics") and b"METHOD:REQUEST" in data
    accepted = await tg.message_to(clerk, "Приглашение принято", since=guest.since)
    assert "Петров Пётр Петрович, Торгово-промышленная палата" in (accepted.text or "")

    # The chair approves the agenda: members and the guest receive it.
    await chair_.sends("/agenda", "Повестка дня")
    await chair_.presses("Добавить вопрос", "Вопрос повестки")
    ask = await chair_.sends("О стандарте обслуживания", "Пояснение к вопросу")
    await chair_.presses("Готово", "1. О стандарте обслуживания", on=ask)
    await chair_.presses("Утвердить повестку дня", "Утверждена председателем")
    for user in (member, guest.user):
        got = await tg.message_to(user, "О стандарте обслуживания", since=chair_.since)
        assert got.method == "sendMessage"
    approved = await guest.sees("О стандарте обслуживания")
    assert "agenda" in (approved.text or "").lower()
