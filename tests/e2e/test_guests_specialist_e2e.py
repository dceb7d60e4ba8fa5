"""An outside specialist for one meeting over HTTP (cl. 16 в): the secretariat invites them
from the meeting's guests in that capacity, the specialist opens the personal link and is
told in what capacity they take part, and the guests' list marks them."""

from __future__ import annotations

import re

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.people import Speaker
from tests.support.steps.conversations import invite_and_join, schedule_meeting

SPECIALIST = "Сидорова Светлана Сергеевна, НИУ ВШЭ"


async def test_cl16v_a_specialist_is_invited_for_one_meeting_and_accepts_over_http(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, clerk = tg.user(9501, "Chair"), tg.user(9502, "Clerk")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await schedule_meeting(tg, chair, "Декабрьское заседание", "Зал коллегии", "05.12.2026 15:00")

    clerk_ = Speaker(tg, clerk)
    await clerk_.sends("/meetings", "Заседания")
    await clerk_.presses("Открыть: Декабрьское заседание", "Статус")
    await clerk_.presses("Приглашённые", "Приглашённых пока нет")
    await clerk_.presses("Пригласить на заседание", "ФИО и организацию")
    asked = await clerk_.sends(SPECIALIST, "В каком качестве приглашается?")
    created = await clerk_.presses(
        "Привлечённый специалист", "Приглашение на заседание создано", on=asked
    )
    assert "как привлечённый специалист" in (created.text or "")
    link = re.search(r"start=(gst_[A-Za-z0-9_-]+)", created.text or "")
    assert link, created.text

    specialist = Speaker(tg, tg.user(9599, "Светлана"))
    visit = await specialist.sends(f"/start {link.group(1)}", "как привлечённый специалист")
    assert "Вы приглашены на заседание рабочей группы как привлечённый специалист" in (
        visit.text or ""
    )
    assert "в кворуме не учитываетесь" in (visit.text or "")
    accepted = await tg.message_to(clerk, "Приглашение принято", since=specialist.since)
    assert f"{SPECIALIST} (привлечённый специалист)" in (accepted.text or "")

    await clerk_.sends("/meetings", "Заседания")
    await clerk_.presses("Открыть: Декабрьское заседание", "Статус")
    listing = await clerk_.presses("Приглашённые", "Приглашённые на заседание")
    assert f"✅ {SPECIALIST} (привлечённый специалист) — приглашение принято" in (
        listing.text or ""
    )
