"""The rest of the regulation played over HTTP in one story (issue #17, "Done when"):

a meeting of the working group decides to form a project committee and to approve the
methodical recommendations, and its protocol is signed (cl. 14-15); that decision forms the
committee with a head, two members and an outside specialist (cl. 10, 16 в); the committee
holds its meeting with its own quorum, made by the specialist's check-in, signs its protocol
and reports to the working group's next agenda, where the specialist does not count (cl. 16 в);
a delegation is recorded, the event passes, the reminder comes and the delegate reports back
(cl. 16 б); a project's indicator receives two quarterly values and its card shows the status
against the target (cl. 3 в, 4 ж); the methodical document gets an approved version from the
decision, then a new draft (cl. 4 к, 5)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain import fields
from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_api import Call, FakeTelegram, FakeUser
from tests.support.people import Speaker
from tests.support.steps.conversations import (
    answered_after,
    hold_meeting,
    invite_and_join,
    open_card,
    press,
    schedule_meeting,
    sent_after,
)
from tests.support.steps.delegations import record_delegation_over_http, report_back_over_http
from tests.support.steps.document_versions import (
    add_document_over_http,
    add_version_over_http,
    approve_version_over_http,
)
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
from tests.support.steps.subgroups import COMMITTEE, decision_label, form_project_committee_http

DECIDED = "Образовать проектный комитет «Единое окно»; утвердить методические рекомендации."
HEADING = f"Проектный комитет «{COMMITTEE}»"
COMMITTEE_MEETING = "Заседание комитета"
DOCUMENT = "Методические рекомендации по ответам заявителям"

WG_HELD = datetime(2026, 12, 5, 11, 58, tzinfo=UTC)  # 05.12 14:58 МСК
SIGNED = datetime(2026, 12, 8, 15, 0, tzinfo=UTC)  # the consent period over
COMMITTEE_HELD = datetime(2026, 12, 9, 11, 58, tzinfo=UTC)  # 09.12 14:58 МСК
ASK_AT = datetime(2026, 12, 11, 7, 0, 1, tzinfo=UTC)  # 10:00 МСК the day after the event
REMIND_AT = datetime(2026, 12, 13, 7, 0, 1, tzinfo=UTC)  # three days after it
DOCUMENTS_AT = datetime(2026, 12, 14, 9, 0, tzinfo=UTC)
NEW_DRAFT_AT = datetime(2026, 12, 15, 9, 0, tzinfo=UTC)
Q4_OPENS = datetime(2026, 12, 27, 7, 0, 1, tzinfo=UTC)
WG_NEXT = datetime(2027, 1, 15, 11, 58, tzinfo=UTC)  # 15.01.2027 14:58 МСК
Q1_OPENS = datetime(2027, 3, 27, 7, 0, 1, tzinfo=UTC)


async def _signed_decision(running: RunningBot, p: dict[str, FakeUser]) -> None:
    """The working group's December meeting: one item, decided and signed by the chair."""
    tg, chair, clerk = running.server, p["chair"], p["clerk"]
    await schedule_meeting(tg, chair, "Декабрьское заседание", "Зал коллегии", "05.12.2026 15:00")
    card = await hold_meeting(
        tg,
        running.clock,
        chair,
        clerk,
        (chair, p["head"], p["m1"], p["m2"]),
        item="О проектном комитете и методических рекомендациях",
        opens_at=WG_HELD,
    )
    card = await press(tg, clerk, card, "Протокол", "Протокол № 1/2026")
    await press(tg, clerk, card, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ", "СЛУШАЛИ")
    start = tg.mark()
    await tg.send_text(clerk, "Руководитель Роман о едином окне приёма обращений")
    spoke = await sent_after(tg, start, clerk.id, "ВЫСТУПИЛИ")
    await press(tg, clerk, spoke, "Пропустить", "РЕШИЛИ")
    await tg.send_text(clerk, DECIDED)
    tasks = await sent_after(tg, start, clerk.id, "Поручения")
    card = await press(tg, clerk, tasks, "Без поручений", "Протокол № 1/2026")
    await press(tg, clerk, card, "Направить на согласование", "на согласовании")
    running.clock.set(SIGNED)
    card = await open_card(tg, chair, "/protocols", "Протокол № 1/2026", "на согласовании")
    confirm = await press(tg, chair, card, "Подписать протокол", "изменить нельзя")
    await press(tg, chair, confirm, "Подтвердить", "подписан")


async def _committee_meeting(running: RunningBot, p: dict[str, FakeUser]) -> None:
    """The committee's head sets its meeting; the head and the specialist make two of its
    four; the head signs its protocol, which reaches the committee and the secretariat."""
    tg, head, clerk, specialist = running.server, p["head"], p["clerk"], p["specialist"]
    start = tg.mark()
    await tg.send_text(head, "/newmeeting")
    # The committee is the only group its head may set a meeting for: no question whose.
    await sent_after(tg, start, head.id, "Тема заседания")
    await tg.send_text(head, COMMITTEE_MEETING)
    fmt = await sent_after(tg, start, head.id, "Формат заседания")
    await press(tg, head, fmt, "Очное", "Место проведения")
    await tg.send_text(head, "Переговорная 4")
    await sent_after(tg, start, head.id, "Дата и время")
    await tg.send_text(head, "09.12.2026 15:00")
    preview = await sent_after(tg, start, head.id, "Проверьте заседание")
    assert HEADING in (preview.text or "")
    await press(tg, head, preview, "Подтвердить", "Заседание назначено")
    for user in (p["m1"], p["m2"], specialist, clerk):
        invitation = await sent_after(tg, start, user.id, COMMITTEE_MEETING)
        assert HEADING in (invitation.text or "")
    await open_card(tg, head, "/agenda", "Добавить вопрос", "Вопрос повестки")
    start = tg.mark()
    await tg.send_text(head, "О регламенте единого окна")
    ask = await sent_after(tg, start, head.id, "Пояснение к вопросу")
    card = await press(tg, head, ask, "Готово", "1. О регламенте единого окна")
    await press(tg, head, card, "Утвердить повестку дня", "Утверждена")

    running.clock.set(COMMITTEE_HELD)
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {COMMITTEE_MEETING}", "Статус")
    start = tg.mark()
    await press(tg, clerk, card, "Открыть заседание", "Идёт заседание")
    for user in (head, specialist):
        opened = await sent_after(tg, start, user.id, "Заседание открыто")
        s = tg.mark()
        await tg.click_button(user, (user.id, opened.result["message_id"]), "Отметиться")
        await answered_after(tg, s)
    # Four in the committee (the head, two members, the specialist): two make its quorum.
    live = await sent_after(tg, start, clerk.id, "Присутствует 2 из 4 членов группы")
    assert "✅ Кворум имеется" in (live.text or "")
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {COMMITTEE_MEETING}", "Статус")
    await press(tg, clerk, card, "Прикрепить аудиозапись", "Отправьте аудиозапись")
    await tg.send_audio(clerk, "AUD-COMMITTEE", "committee.mp3", "audio/mpeg", 3, b"mp3")
    await sent_after(tg, start, clerk.id, "Аудиозапись прикреплена")
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {COMMITTEE_MEETING}", "Статус")
    card = await press(tg, clerk, card, "Закрыть заседание", "проведено")

    card = await press(tg, clerk, card, "Протокол", "Протокол №")
    assert HEADING in (card.text or "")
    await press(tg, clerk, card, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ", "СЛУШАЛИ")
    start = tg.mark()
    await tg.send_text(clerk, "Руководитель Роман о проекте регламента")
    spoke = await sent_after(tg, start, clerk.id, "ВЫСТУПИЛИ")
    await press(tg, clerk, spoke, "Пропустить", "РЕШИЛИ")
    await tg.send_text(clerk, "Одобрить проект регламента и доложить рабочей группе.")
    tasks = await sent_after(tg, start, clerk.id, "Поручения")
    card = await press(tg, clerk, tasks, "Без поручений", "Протокол №")
    start = tg.mark()
    await press(tg, clerk, card, "Направить на согласование", "на согласовании")
    for user in (head, specialist):
        request = await sent_after(tg, start, user.id, "Согласование протокола")
        mode = await press(
            tg, user, request, "Подтверждаю устное согласие", "В какой форме вы участвовали"
        )
        await press(tg, user, mode, "Очно", "Устное согласие записано")
    card = await open_card(
        tg, head, "/protocols", f"Протокол № 1/2026 — {COMMITTEE}", "на согласовании"
    )
    start = tg.mark()
    confirm = await press(tg, head, card, "Подписать протокол", "изменить нельзя")
    await press(tg, head, confirm, "Подтвердить", "подписан")
    for user in (head, p["m1"], p["m2"], specialist, clerk):
        got = await sent_after(tg, start, user.id, "Подписан протокол")
        assert got.method == "sendDocument"
    delivered = {c.chat_id for c in tg.calls_since(start) if c.method == "sendDocument"}
    assert p["m3"].id not in delivered, "the committee's protocol went beyond the committee"


async def _indicator_card(tg: FakeTelegram, clerk: FakeUser) -> str:
    start = tg.mark()
    await tg.send_text(clerk, "/projects")
    listing = await sent_after(tg, start, clerk.id, "Приоритетные проекты")
    start = tg.mark()
    await tg.click_button(clerk, (clerk.id, listing.result["message_id"]), f"1. {PROJECT}")
    project: Call = await sent_after(tg, start, clerk.id, "Показатели эффективности")
    return project.text or ""


async def test_issue17_the_rest_of_the_regulation_in_one_story_over_http(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    p = {
        "chair": tg.user(9601, "Chair"),
        "clerk": tg.user(9602, "Clerk"),
        "head": tg.user(9603, "Head"),
        "m1": tg.user(9604, "M1"),
        "m2": tg.user(9605, "M2"),
        "m3": tg.user(9606, "M3"),
        "rep": tg.user(9607, "Rep"),
        "specialist": tg.user(9608, "Expert"),
    }
    await invite_and_join(tg, admin, "председатель рабочей группы", p["chair"], "Председатель Пётр")
    await invite_and_join(tg, admin, "сотрудник секретариата", p["clerk"], "Секретарь Сергей")
    for key, name in (
        ("head", "Руководитель Роман"),
        ("m1", "Член Мария"),
        ("m2", "Член Нина"),
        ("m3", "Член Олег"),
    ):
        await invite_and_join(tg, admin, "член рабочей группы", p[key], name)
    await http_unit(tg, admin, "Отдел А")
    await http_representative(tg, admin, p["rep"], "Отдел А", "Анна Арсеньева")
    clerk, chair = p["clerk"], p["chair"]

    # The project and its indicator (70 % now, 90 % by 31.12.2027), kept by the secretariat.
    card = await http_add_project(tg, clerk, "Отдел А")
    await http_add_indicator(tg, clerk, card)

    # cl. 14-15: the working group decides; the chair signs the protocol.
    await _signed_decision(running, p)

    # cl. 10, 16 в: the decision forms the committee; the specialist joins by the link.
    greeting = await form_project_committee_http(
        tg,
        clerk,
        p["specialist"],
        decision=decision_label("1/2026", 1, DECIDED),
        head="Руководитель Роман",
        members=("Член Мария", "Член Нина"),
    )
    assert "привлечённый специалист" in (greeting.text or "")
    expert = Speaker(tg, p["specialist"])
    card = await expert.sends("/subgroups", COMMITTEE)
    card = await expert.presses(COMMITTEE, "Образована решением")
    assert "Образована решением: протокол № 1/2026 от 5 декабря 2026 г., пункт 1" in (
        card.text or ""
    )

    # cl. 16 б: a delegation to an outside event on 10 December, recorded before it.
    start = tg.mark()
    await record_delegation_over_http(tg, clerk, ["Член Мария"], when="10.12.2026")
    await sent_after(tg, start, p["m1"].id, "Направление представителей")

    # cl. 10: the committee meets, with its own quorum, and signs its protocol.
    await _committee_meeting(running, p)

    # cl. 10: its head reports; the report waits for the working group's next agenda.
    boss = Speaker(tg, p["head"])
    await boss.sends("/menu", "Выберите раздел")
    await boss.presses(f"👥 {COMMITTEE}", "Руководитель: Руководитель Роман")
    await boss.presses("Направить доклад рабочей группе", "текст доклада")
    await boss.sends("Проект регламента единого окна одобрен комитетом.", "Доклад принят")

    # cl. 16 б: the event passes; the delegate is asked, reminded, and reports back.
    start = tg.mark()
    running.clock.set(ASK_AT)
    await sent_after(tg, start, p["m1"].id, "состоялось")
    start = tg.mark()
    running.clock.set(REMIND_AT)
    await sent_after(tg, start, p["m1"].id, "Напоминание об отчёте")
    shown = await report_back_over_http(tg, p["m1"], "Представили опыт единого окна.")
    assert "Представили опыт единого окна." in (shown.text or "")

    # cl. 4 к, 5: the methodical document approved by the decision, then a new draft.
    running.clock.set(DOCUMENTS_AT)
    card = await add_document_over_http(tg, clerk, "Методические документы", DOCUMENT)
    card = await add_version_over_http(tg, clerk, card, "doc-v1", "Рекомендации.pdf", b"%PDF v1")
    card = await approve_version_over_http(
        tg, clerk, card, 1, fields.fits(f"№ 1/2026, вопрос 1: {DECIDED}", 64)
    )
    running.clock.set(NEW_DRAFT_AT)
    card = await add_version_over_http(tg, clerk, card, "doc-v2", "Ред. 2.pdf", b"%PDF v2")
    text = card.text or ""
    assert "утверждена решением: протокол № 1/2026 от 5 декабря 2026 г., пункт 1" in text
    assert text.index("Действующая версия № 1") < text.index("✏️ проект: Ред. 2.pdf")

    # The working group's next meeting: the committee's report is on its agenda.
    await schedule_meeting(
        tg,
        chair,
        "Январское заседание",
        "Зал коллегии",
        "15.01.2027 15:00",
        group="Рабочая группа",
    )
    start = tg.mark()
    await tg.send_text(chair, "/agenda")
    agenda = await sent_after(tg, start, chair.id, "Повестка")
    assert f"Доклад проектного комитета «{COMMITTEE}»" in (agenda.text or "")

    # cl. 3 в, 4 ж: the fourth quarter's report brings the indicator's first value.
    start = tg.mark()
    running.clock.set(Q4_OPENS)
    notice = await sent_after(tg, start, p["rep"].id, "Открыт отчётный период")
    asked = await http_quarterly_report(tg, p["rep"], notice, "Сведения за IV квартал.")
    assert f"«{KPI}»" in (asked.text or "")
    await http_answer_value(tg, p["rep"], "72,5")

    # cl. 16 в: at the working group's meeting the specialist is not asked to check in and
    # does not count: its members are the five of the working group.
    agenda = await press(
        tg, chair, agenda, "Включить: Доклад проектного комитета «Ед", "1. Доклад проектного"
    )
    await press(tg, chair, agenda, "Утвердить повестку дня", "Утверждена председателем")
    running.clock.set(WG_NEXT)
    card = await open_card(tg, clerk, "/meetings", "Открыть: Январское заседание", "Статус")
    start = tg.mark()
    await press(tg, clerk, card, "Открыть заседание", "Идёт заседание")
    for user in (chair, p["m1"]):
        opened = await sent_after(tg, start, user.id, "Заседание открыто")
        s = tg.mark()
        await tg.click_button(user, (user.id, opened.result["message_id"]), "Отметиться")
        await answered_after(tg, s)
    await sent_after(tg, start, clerk.id, "Присутствует 2 из 5 членов рабочей группы")
    called = [
        c.text
        for c in tg.calls_since(start)
        if c.chat_id == p["specialist"].id and "Январское заседание" in (c.text or "")
    ]
    assert called == [], "the specialist was called to the working group's meeting"

    # The first quarter of 2027 (the bot restarted, as an operator would after a while):
    # the second value, and the card shows the status against the target.
    await running.shutdown()
    start = tg.mark()
    running.clock.set(Q1_OPENS)
    again = await start_bot(tg, running.settings, running.clock)
    try:
        notice = await sent_after(tg, start, p["rep"].id, "за I квартал 2027 г.")
        await http_quarterly_report(tg, p["rep"], notice, "Сведения за I квартал.")
        await http_answer_value(tg, p["rep"], "88")
        shown_card = await _indicator_card(tg, clerk)
        assert (
            f"1. {KPI}, %: 88 на 27 марта 2027 г. — цель 90 к 31 декабря 2027 г.; "
            "⏳ в соответствии с планом"
        ) in shown_card
    finally:
        await again.shutdown()
