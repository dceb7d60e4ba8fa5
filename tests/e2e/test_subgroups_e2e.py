"""Expert groups and project committees over HTTP (cl. 10, 16 в): a signed decision forms a
project committee with a head, two members and an outside specialist who joins by the link;
/subgroups shows them on the card; the head reports; the report is on the working group's
next agenda."""

from __future__ import annotations

from storage.db import Database
from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.people import Speaker
from tests.support.steps.conversations import invite_and_join, schedule_meeting, sent_after
from tests.support.steps.subgroups import (
    COMMITTEE,
    DECISION,
    decision_label,
    form_project_committee_http,
    insert_protocol,
)


async def test_a_project_committee_from_decision_to_report_over_http(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    clerk, chair = tg.user(9301, "Clerk"), tg.user(9302, "Chair")
    head, m1, m2 = tg.user(9303, "Head"), tg.user(9304, "M1"), tg.user(9305, "M2")
    specialist = tg.user(9306, "Expert")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    for user, name in ((head, "Руководитель Роман"), (m1, "Член Мария"), (m2, "Член Нина")):
        await invite_and_join(tg, admin, "член рабочей группы", user, name)
    db = Database(running.settings.database_url)
    try:
        await insert_protocol(db, running.clock.now(), [DECISION])
    finally:
        await db.dispose()

    greeting = await form_project_committee_http(
        tg,
        clerk,
        specialist,
        decision=decision_label("7/2026", 1, DECISION),
        head="Руководитель Роман",
        members=("Член Мария", "Член Нина"),
    )
    assert f"«{COMMITTEE}»" in (greeting.text or "")

    expert = Speaker(tg, specialist)
    await expert.sends("/subgroups", COMMITTEE)
    card = await expert.presses(COMMITTEE, "Привлечённые специалисты")
    text = card.text or ""
    assert "Привлечённые специалисты: Эксперт Эльвира" in text
    assert "Руководитель: Руководитель Роман" in text
    assert "Члены рабочей группы в составе: Член Мария, Член Нина" in text
    assert "Образована решением: протокол № 7/2026" in text
    refused = await expert.sends("/newmeeting", "не входите в состав рабочей группы")
    assert "п. 10, 16 Положения" in (refused.text or "")

    boss = Speaker(tg, head)
    await boss.sends("/menu", "Выберите раздел")
    await boss.presses(f"👥 {COMMITTEE}", "Руководитель: Руководитель Роман")
    await boss.presses("Направить доклад рабочей группе", "текст доклада")
    await boss.sends("Предложения по единому окну подготовлены.", "Доклад принят")

    await schedule_meeting(
        tg,
        chair,
        "Январское заседание",
        "ул. Тверская, д. 1",
        "15.12.2026 15:00",
        group="Рабочая группа",
    )
    start = tg.mark()
    await tg.send_text(chair, "/agenda")
    agenda = await sent_after(tg, start, chair.id, "Повестка")
    assert f"Доклад проектного комитета «{COMMITTEE}»" in (agenda.text or "")
