"""Issue #12, «A record that holds up», played over HTTP: the composition approved by an act
(cl. 9) with one member who never joins, a member who also represents their unit (cl. 7),
the chair's absence recorded by the secretariat and the deputy presiding (cl. 11), quorum
counted over the whole composition when a vote on an additional item closes (cl. 13-14),
the protocol with an objection settled by a conciliation meeting (cl. 15), its DOCX
unchanged by later changes of the roster, and the unit's quarterly report (cl. 4 г)."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.steps.conversations import (
    add_unit,
    answered_after,
    document_after,
    include_in_composition,
    invite_and_join,
    join_from_roster,
    open_card,
    open_member,
    press,
    record_composition_act,
    refused,
    say,
    schedule_meeting,
    sent_after,
    tap,
    tap_for_answer,
)

ACT = "распоряжение № 45-р от 25 ноября 2026 г."
UNIT = "Отдел качества"
CHAIR, DEPUTY = "Председатель Пётр", "Заместитель Зоя"
REP = "Член Анна"  # a member who is also the unit's representative
MEMBERS = (REP, "Член Борис", "Член Вера", "Член Глеб")
ABSENT = "Член Дарья"  # included by the act, never joins the bot
TITLE = "Декабрьское заседание"
ITEM = "О стандарте обслуживания"
EXTRA = "О графике приёма граждан"


async def test_a_record_that_holds_up_over_http(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    clerk = tg.user(9401, "Clerk")
    people = {
        CHAIR: tg.user(9402, "Chair"),
        DEPUTY: tg.user(9403, "Deputy"),
        **{name: tg.user(9410 + i, f"M{i}") for i, name in enumerate(MEMBERS)},
    }

    # 1. The secretariat joins, records the act and includes seven people under it (cl. 9).
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await add_unit(tg, clerk, UNIT)
    card = await record_composition_act(tg, clerk, "распоряжение", "45-р", "25.11.2026")
    assert f"Акт: {ACT}" in (card.text or "")
    roles = {CHAIR: "председатель рабочей группы", DEPUTY: "заместитель председателя"}
    for name in (CHAIR, DEPUTY, *MEMBERS, ABSENT):
        unit = UNIT if name == REP else "без подразделения"
        role = roles.get(name, "член рабочей группы")
        await include_in_composition(tg, clerk, ACT, name, role, unit)
    for name, user in people.items():
        greeting = await join_from_roster(tg, clerk, name, user)
        assert f"Здравствуйте, {name}!" in (greeting.text or "")
    listing = await say(tg, clerk, "/members", "Состав рабочей группы")
    text = listing.text or ""
    assert "7 членов рабочей группы" in text
    assert "⏳ 1 человек ещё не подключён к боту" in text
    assert f"<b>{ABSENT}</b> — член рабочей группы — ⏳ не подключён(а) к боту" in text
    acts = await say(tg, clerk, "/composition", "Акты об утверждении состава")
    assert "В составе 7 членов рабочей группы" in (acts.text or "")
    assert f"• {ACT} — включено: 7, выведено: 0" in (acts.text or "")

    # 2. The member is made the unit's representative too (cl. 7).
    await open_member(tg, clerk, REP)
    await tap(tg, clerk, "Дополнительные роли", "Дополнительные роли:")
    assert await tap_for_answer(tg, clerk, "представитель структурного подразделения") == (
        "Роли обновлены."
    )
    card = await open_member(tg, clerk, REP)
    assert "Также: представитель структурного подразделения" in (card.text or "")
    rep = people[REP]
    again = await say(tg, rep, "/start", "Ваша роль")
    assert (
        "Ваша роль: член рабочей группы, представитель структурного подразделения, Отдел качества."
        in (again.text or "")
    )

    # 3. The chair schedules; then cannot be reached, so the secretariat records the absence
    # and the deputy approves the agenda (cl. 11, 13).
    chair, deputy = people[CHAIR], people[DEPUTY]
    await schedule_meeting(tg, chair, TITLE, "Зал коллегии", "05.12.2026 15:00")
    await say(tg, clerk, "/absence", "Период отсутствия председателя")
    start = tg.mark()
    await say(tg, clerk, "01.12.2026 - 10.12.2026", "Отсутствие председателя записано")
    told = await sent_after(tg, start, deputy.id, "Отсутствие председателя")
    assert "Записал(а): Секретарь Сергей" in (told.text or "")
    await open_card(tg, deputy, "/agenda", "Добавить вопрос", "Вопрос повестки")
    await say(tg, deputy, ITEM, "Пояснение к вопросу")
    await tap(tg, deputy, "Готово", f"1. {ITEM}")
    card = await tap(tg, deputy, "Утвердить повестку дня", "Утверждена")
    assert f"Утверждена заместителем председателя: {DEPUTY}" in (card.text or "")

    # 4. Not opened 40 minutes before its start; opened 2 minutes before; the deputy and
    # four members check in (cl. 12, 14).
    running.clock.set(datetime(2026, 12, 5, 11, 20, tzinfo=UTC))
    await open_card(tg, clerk, "/meetings", f"Открыть: {TITLE}", "Статус")
    early = await refused(tg, clerk, "Открыть заседание")
    assert early == (
        "Заседание ещё нельзя открыть: открыть его можно не раньше чем за 30 мин. до начала, "
        "то есть с 5 декабря 2026 г., 14:30 (МСК)."
    )
    running.clock.set(datetime(2026, 12, 5, 11, 58, tzinfo=UTC))
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {TITLE}", "Статус")
    start = tg.mark()
    await press(tg, clerk, card, "Открыть заседание", "Идёт заседание")
    present = (deputy, people[REP], people["Член Борис"], people["Член Вера"], people["Член Глеб"])
    for n, user in enumerate(present, start=1):
        await sent_after(tg, start, user.id, "Заседание открыто")
        answer = await tap_for_answer(tg, user, "Отметиться")
        assert answer == f"✅ Вы отмечены. Присутствует {n} из 7."
    # The secretariat's live card counts the whole composition, the one not in the bot too.
    await sent_after(
        tg, start, clerk.id, "Присутствует 5 из 7 членов рабочей группы (кворум — не менее 4)"
    )

    # 5. An additional item is proposed and put to the vote; quorum is lost and closing is
    # refused; a member checks in again and the vote closes with its result (cl. 13-14).
    gleb, vera = people["Член Глеб"], people["Член Вера"]
    await say(tg, gleb, "/propose", "Формулировка вопроса")
    await say(tg, gleb, EXTRA, "Краткое пояснение")
    await tap(tg, gleb, "Пропустить", "Приложите материалы к вопросу")
    await tap(tg, gleb, "Пропустить", "дополнительный вопрос")
    left = await tap_for_answer(tg, gleb, "Покинуть заседание")
    assert left == "Отмечено, что вы покинули заседание. Присутствует 4 из 7."
    start = tg.mark()
    await say(tg, deputy, "/agenda", "Повестка")
    await tap_for_answer(tg, deputy, f"На голосование: {EXTRA}")
    for user in (people[REP], people["Член Борис"]):
        await sent_after(tg, start, user.id, "Голосование по дополнительному вопросу")
        assert "Голос учтён: За" in await tap_for_answer(tg, user, "За")
    left = await tap_for_answer(tg, vera, "Покинуть заседание")
    assert left == "Отмечено, что вы покинули заседание. Присутствует 3 из 7."
    await say(tg, deputy, "/agenda", "Повестка")
    refusal = await refused(tg, deputy, f"Завершить голосование: {EXTRA}")
    assert refusal == (
        "Завершить голосование нельзя: нет кворума — присутствуют 3 из 7 членов рабочей "
        "группы, нужно не менее 4 (п. 14 Положения). Голосование продолжается."
    )
    assert await tap_for_answer(tg, vera, "Отметиться") == "✅ Вы отмечены. Присутствует 4 из 7."
    assert "Голос учтён: За" in await tap_for_answer(tg, vera, "За")
    await say(tg, deputy, "/agenda", "Повестка")
    result = await tap_for_answer(tg, deputy, f"Завершить голосование: {EXTRA}")
    assert (
        result
        == "Вопрос включён в повестку дня простым большинством голосов присутствующих членов "
        "рабочей группы."
    )
    ballot = await sent_after(tg, start, rep.id, "Голосование по дополнительному вопросу завершено")
    assert "За 3, против 0, воздержались 0; присутствовали 4." in (ballot.text or "")

    # 6. The recording, the closing, the protocol with every item's РЕШИЛИ, consent, an
    # objection settled by a conciliation meeting «Без изменений» (cl. 12, 14-15).
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {TITLE}", "Статус")
    await press(tg, clerk, card, "Прикрепить аудиозапись", "Отправьте аудиозапись")
    start = tg.mark()
    await tg.send_audio(clerk, "AUD", "rec.mp3", "audio/mpeg", 3, b"mp3")
    await sent_after(tg, start, clerk.id, "Аудиозапись прикреплена")
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {TITLE}", "Статус")
    card = await press(tg, clerk, card, "Закрыть заседание", "проведено")
    await press(tg, clerk, card, "Протокол", "Протокол № 1/2026")
    for number, decided in ((1, "Одобрить стандарт."), (2, "Утвердить график приёма.")):
        await tap(tg, clerk, f"Вопрос {number}: СЛУШАЛИ / РЕШИЛИ", "СЛУШАЛИ")
        await say(tg, clerk, f"{DEPUTY} о вопросе {number}", "ВЫСТУПИЛИ")
        await tap(tg, clerk, "Пропустить", "РЕШИЛИ")
        await say(tg, clerk, decided, "Поручения")
        await tap(tg, clerk, "Без поручений", "Протокол № 1/2026")
    start = tg.mark()
    await tap(tg, clerk, "Направить на согласование", "на согласовании")
    consenting = [deputy, people[REP], vera, gleb]
    boris = people["Член Борис"]
    for user in (*consenting, boris):
        request = await sent_after(tg, start, user.id, "Согласование протокола")
        assert request.method == "sendDocument"
    for user in consenting:
        await tap(tg, user, "Подтверждаю устное согласие", "В какой форме вы участвовали")
        await tap(tg, user, "Очно", "Устное согласие записано")
    await tap(tg, boris, "Заявить возражение", "К какому вопросу")
    await tap(tg, boris, "1", "Изложите возражение")
    start = tg.mark()
    await say(tg, boris, "Нужно указать срок внедрения", "Возражение записано")
    # The chair is absent: the deputy hears of the objection and calls the meeting.
    await sent_after(tg, start, deputy.id, "Возражение к протоколу № 1/2026")
    await tap(tg, deputy, "Назначить согласительное совещание (вопрос 1)", "Дата и время")
    await say(tg, deputy, "08.12.2026 10:00", "Согласительное совещание назначено")
    await sent_after(tg, start, boris.id, "Согласительное совещание по протоколу")

    # The deputy, presiding in the chair's absence, opens and closes it; the secretariat
    # attaches its recording.
    running.clock.set(datetime(2026, 12, 8, 6, 58, tzinfo=UTC))
    concil = "Открыть: Согласительное совещание: протокол № 1/2"
    card = await open_card(tg, deputy, "/meetings", concil, "Статус")
    start = tg.mark()
    await press(tg, deputy, card, "Открыть заседание", "Идёт заседание")
    for user in (deputy, boris):
        await sent_after(tg, start, user.id, "Заседание открыто")
        await tap_for_answer(tg, user, "Отметиться")
    card = await open_card(tg, clerk, "/meetings", concil, "Статус")
    await press(tg, clerk, card, "Прикрепить аудиозапись", "Отправьте аудиозапись")
    await tg.send_audio(clerk, "AUD2", "concil.mp3", "audio/mpeg", 3, b"mp3")
    await sent_after(tg, start, clerk.id, "Аудиозапись прикреплена")
    card = await open_card(tg, deputy, "/meetings", concil, "Статус")
    await press(tg, deputy, card, "Закрыть заседание", "проведено")
    card = await open_card(tg, deputy, "/protocols", "Протокол № 1/2026", "Открытые разногласия")
    start = tg.mark()
    await press(tg, deputy, card, "Итог: оставить без изменений", "Протокол № 1/2026")
    for user in (boris, clerk):
        told = await sent_after(tg, start, user.id, "Возражение к протоколу № 1/2026, вопрос 1")
        assert "текст оставлен без изменений" in (told.text or "")

    # 7. The deputy presided and signs after the confirmation; everyone in the bot receives
    # the DOCX (cl. 11, 15).
    card = await open_card(tg, deputy, "/protocols", "Протокол № 1/2026", "на согласовании")
    start = tg.mark()
    await press(tg, deputy, card, "Подписать протокол", "изменить нельзя")
    await tap(tg, deputy, "Подтвердить", "подписан")
    for user in (chair, clerk, *people.values()):
        got = await sent_after(tg, start, user.id, "Подписан протокол № 1/2026")
        assert got.method == "sendDocument"
    name, signed = next(
        c.files["document"]
        for c in tg.calls_since(start)
        if c.method == "sendDocument" and "document" in c.files
    )
    assert name == "Протокол № 1-2026 от 05.12.2026.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(signed)).paragraphs)
    assert f"Председательствующий — {DEPUTY} (заместитель председателя" in text, text
    assert "Присутствовали 5 из 7 членов рабочей группы. Кворум имеется." in text
    assert (
        "Член Борис — возражение по вопросу 1 рассмотрено на согласительном совещании "
        "от 8 декабря 2026 г., текст оставлен без изменений" in text
    )
    assert "Член Борис — позиция" not in text
    assert f"{REP} — устное согласие (очно)" in text
    assert "ПРОЕКТ" not in text

    # 8. The roster changes afterwards: a member is withdrawn by a new act and another moves
    # to a unit. The signed DOCX downloaded from the card is the distributed one, byte for
    # byte (cl. 9, 15).
    await record_composition_act(tg, clerk, "распоряжение", "51-р", "08.12.2026")
    await open_member(tg, clerk, "Член Глеб")
    await tap(tg, clerk, "Вывести из состава", "Выберите акт")
    await tap(tg, clerk, "распоряжение № 51-р от 8 декабря 2026 г.", "Вывести из состава")
    start = tg.mark()
    listing = await tap(tg, clerk, "Подтвердить", "Состав рабочей группы")
    await answered_after(tg, start, "Выведен(а) из состава: Член Глеб.")
    assert "6 членов рабочей группы" in (listing.text or "")
    assert "Член Глеб" not in (listing.text or "")
    await open_member(tg, clerk, "Член Вера")
    await tap(tg, clerk, "Изменить подразделение", "выберите подразделение")
    moved = await tap(tg, clerk, UNIT, f"Подразделение: {UNIT}")
    # A change of unit is not a new inclusion: the card keeps the date of the act's inclusion.
    assert "В составе с 1 декабря 2026 г." in (moved.text or "")
    # The bot has no way to change a person's full name (ФИО): that part of the issue's
    # step is not played here (the dispatcher-level test renames in the database).
    card = await open_card(tg, vera, "/protocols", "Протокол № 1/2026", "подписан")
    start = tg.mark()
    await tg.click_button(vera, (vera.id, card.result["message_id"]), "Скачать DOCX")
    again = await document_after(tg, start, vera.id)
    assert again.files["document"] == (name, signed)

    # 9. The quarter nears its end: the member who represents the unit submits its report
    # (cl. 4 г, 7).
    start = tg.mark()
    running.clock.set(datetime(2026, 12, 27, 7, 0, 1, tzinfo=UTC))
    notice = await sent_after(tg, start, rep.id, "Открыт отчётный период")
    assert f"Подразделение: {UNIT}" in (notice.text or "")
    await say(tg, rep, "/report", UNIT)
    submit = "Представить за IV квартал 2026 г."
    await tap(tg, rep, submit, "Отправьте текст сводной информации")
    await say(tg, rep, "Проведено обучение 12 сотрудников.", "Приложите файл")
    await tap(tg, rep, "Пропустить", "Проверьте сведения")
    done = await tap(tg, rep, "Подтвердить", "Сведения приняты")
    assert "с опозданием" not in (done.text or "")
    await sent_after(tg, start, clerk.id, "Сведения представляет 1 подразделение")
