"""A guest over HTTP (cl. 16 а): the secretariat invites a guest to a scheduled meeting from
its card, the guest opens the personal link and gets the meeting with its .ics, the
secretariat hears that the guest accepted, and the approved agenda reaches the guest too."""

from __future__ import annotations

import re

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.steps.conversations import (
    invite_and_join,
    open_card,
    press,
    schedule_meeting,
    sent_after,
)


async def test_a_guest_is_invited_accepts_and_receives_the_agenda_over_http(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, clerk, member = tg.user(9401, "Chair"), tg.user(9402, "Clerk"), tg.user(9403, "M")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "секретариат", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "член рабочей группы", member, "Член Мария")
    await schedule_meeting(tg, chair, "Декабрьское заседание", "Зал коллегии", "05.12.2026 15:00")

    card = await open_card(tg, clerk, "/meetings", "Открыть: Декабрьское заседание", "Статус")
    card = await press(tg, clerk, card, "Приглашённые", "Приглашённых пока нет")
    await press(tg, clerk, card, "Пригласить на заседание", "ФИО и организацию")
    start = tg.mark()
    await tg.send_text(clerk, "Петров Пётр Петрович, Торгово-промышленная палата")
    created = await sent_after(tg, start, clerk.id, "Приглашение на заседание создано")
    link = re.search(r"start=(gst_[A-Za-z0-9_-]+)", created.text or "")
    assert link, created.text

    guest = tg.user(9499, "Peter", language_code="en")
    start = tg.mark()
    await tg.send_text(guest, f"/start {link.group(1)}")
    visit = await sent_after(tg, start, guest.id, "You are invited to a meeting")
    assert "5 December 2026, 15:00 (MSK)" in (visit.text or "")
    assert "Зал коллегии" in (visit.text or "")
    ics = await sent_after(tg, start, guest.id, ".ics")
    assert ics.method == "sendDocument"
    name, data = ics.files["document"]
    assert name.endswith(".ics") and b"METHOD:REQUEST" in data
    accepted = await sent_after(tg, start, clerk.id, "Приглашение принято")
    assert "Петров Пётр Петрович, Торгово-промышленная палата" in (accepted.text or "")

    # The chair approves the agenda: members and the guest receive it.
    await open_card(tg, chair, "/agenda", "Добавить вопрос", "Вопрос повестки")
    start = tg.mark()
    await tg.send_text(chair, "О стандарте обслуживания")
    ask = await sent_after(tg, start, chair.id, "Пояснение к вопросу")
    card = await press(tg, chair, ask, "Готово", "1. О стандарте обслуживания")
    start = tg.mark()
    await press(tg, chair, card, "Утвердить повестку", "Утверждена председателем")
    for user in (member, guest):
        got = await sent_after(tg, start, user.id, "О стандарте обслуживания")
        assert got.method == "sendMessage"
    approved = await sent_after(tg, start, guest.id, "О стандарте обслуживания")
    assert "agenda" in (approved.text or "").lower()
