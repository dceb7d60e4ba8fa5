"""A protocol over HTTP (cl. 14-15): a meeting is held, the secretariat drafts the
protocol, members consent, one objects, a conciliation meeting resolves it with a text
change, members consent to the new version, the presiding deputy (chair absent) signs, and
every member receives the message and the DOCX."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from docx import Document

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.steps.conversations import (
    answered_after,
    hold_meeting,
    invite_and_join,
    open_card,
    press,
    schedule_meeting,
    sent_after,
)


async def test_protocol_consent_objection_conciliation_signature_over_http(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, deputy, clerk = tg.user(9301, "Chair"), tg.user(9302, "Deputy"), tg.user(9303, "Clerk")
    m = [tg.user(9310 + i, f"M{i}") for i in range(3)]
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "заместитель председателя", deputy, "Заместитель Зоя")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    for i, user in enumerate(m):
        await invite_and_join(tg, admin, "член рабочей группы", user, f"Член {i}")

    # The meeting: scheduled, one agenda item approved, held with the deputy presiding.
    await schedule_meeting(tg, chair, "Декабрьское заседание", "Зал коллегии", "05.12.2026 15:00")
    card = await hold_meeting(
        tg,
        running.clock,
        chair,
        clerk,
        (deputy, m[0], m[1]),
        item="О стандарте обслуживания",
        opens_at=datetime(2026, 12, 5, 11, 58, tzinfo=UTC),
    )

    # The secretariat drafts the protocol and sends it for consent.
    card = await press(tg, clerk, card, "Протокол", "Протокол № 1/2026")
    await press(tg, clerk, card, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ", "СЛУШАЛИ")
    start = tg.mark()
    await tg.send_text(clerk, "Член 0 о проекте стандарта")
    spoke = await sent_after(tg, start, clerk.id, "ВЫСТУПИЛИ")
    await press(tg, clerk, spoke, "Пропустить", "РЕШИЛИ")
    await tg.send_text(clerk, "Одобрить стандарт.")
    tasks = await sent_after(tg, start, clerk.id, "Поручения")
    await press(tg, clerk, tasks, "Без поручений", "Протокол № 1/2026")
    card = await sent_after(tg, start, clerk.id, "Протокол № 1/2026")
    start = tg.mark()
    await press(tg, clerk, card, "Направить на согласование", "на согласовании")

    requests = {
        u.id: await sent_after(tg, start, u.id, "Согласование протокола")
        for u in (deputy, m[0], m[1])
    }
    assert all(r.method == "sendDocument" for r in requests.values())
    mode = await press(
        tg, m[0], requests[m[0].id], "Подтверждаю устное согласие", "В какой форме вы участвовали"
    )
    await press(tg, m[0], mode, "Очно", "Устное согласие записано")
    which = await press(tg, m[1], requests[m[1].id], "Заявить возражение", "К какому вопросу")
    await press(tg, m[1], which, "1", "Изложите возражение")
    start = tg.mark()
    await tg.send_text(m[1], "Нужно указать срок внедрения")
    notice = await sent_after(tg, start, chair.id, "Возражение к протоколу № 1/2026")
    await press(
        tg,
        chair,
        notice,
        "Назначить согласительное совещание (вопрос 1)",
        "Дата и время согласительного",
    )
    await tg.send_text(chair, "08.12.2026 10:00")
    await sent_after(tg, start, chair.id, "Согласительное совещание назначено")
    await sent_after(tg, start, m[1].id, "Согласительное совещание по протоколу")

    # The conciliation meeting is held (the chair presides it) and changes the text: the
    # chair records it, the objector is told, then a new version and consent again.
    running.clock.set(datetime(2026, 12, 8, 6, 58, tzinfo=UTC))
    concil = "Открыть: Согласительное совещание: протокол № 1/2"
    card = await open_card(tg, clerk, "/meetings", concil, "Статус")
    start = tg.mark()
    await press(tg, clerk, card, "Открыть заседание", "Идёт заседание")
    for user in (chair, m[1]):
        opened = await sent_after(tg, start, user.id, "Заседание открыто")
        s = tg.mark()
        await tg.click_button(user, (user.id, opened.result["message_id"]), "Отметиться")
        await answered_after(tg, s)
    card = await open_card(tg, clerk, "/meetings", concil, "Статус")
    await press(tg, clerk, card, "Прикрепить аудиозапись", "Отправьте аудиозапись")
    await tg.send_audio(clerk, "AUD2", "concil.mp3", "audio/mpeg", 3, b"mp3")
    await sent_after(tg, start, clerk.id, "Аудиозапись прикреплена")
    card = await open_card(tg, clerk, "/meetings", concil, "Статус")
    await press(tg, clerk, card, "Закрыть заседание", "проведено")
    card = await open_card(tg, chair, "/protocols", "Протокол № 1/2026", "Открытые разногласия")
    start = tg.mark()
    await press(tg, chair, card, "Итог: изменить текст", "Протокол № 1/2026")
    told = await sent_after(tg, start, m[1].id, "Возражение к протоколу № 1/2026, вопрос 1")
    assert "текст будет изменён" in (told.text or "")
    card = await open_card(tg, clerk, "/protocols", "Протокол № 1/2026", "Протокол № 1/2026")
    await press(tg, clerk, card, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ", "СЛУШАЛИ")
    start = tg.mark()
    await tg.send_text(clerk, "Член 0 о проекте стандарта")
    spoke = await sent_after(tg, start, clerk.id, "ВЫСТУПИЛИ")
    await press(tg, clerk, spoke, "Пропустить", "РЕШИЛИ")
    await tg.send_text(clerk, "Одобрить стандарт; внедрить до 01.03.2027.")
    tasks = await sent_after(tg, start, clerk.id, "Поручения")
    await press(tg, clerk, tasks, "Без поручений", "версия 2")
    for user, how in ((m[0], "Очно"), (m[1], "По видеосвязи"), (deputy, "По аудиосвязи")):
        again = await sent_after(tg, start, user.id, "Согласование протокола")
        assert "внедрить до 01.03.2027" in (again.text or "")
        mode = await press(
            tg, user, again, "Подтверждаю устное согласие", "В какой форме вы участвовали"
        )
        await press(tg, user, mode, how, "Устное согласие записано")

    # The deputy presided (the chair was absent) and signs; everyone receives it.
    card = await open_card(tg, deputy, "/protocols", "Протокол № 1/2026", "на согласовании")
    start = tg.mark()
    confirm = await press(tg, deputy, card, "Подписать протокол", "изменить нельзя")
    await press(tg, deputy, confirm, "Подтвердить", "подписан")
    for user in (chair, deputy, clerk, *m):
        got = await sent_after(tg, start, user.id, "Подписан протокол № 1/2026")
        assert got.method == "sendDocument"
    upload = next(
        c for c in tg.calls_since(start) if c.method == "sendDocument" and "document" in c.files
    )
    name, data = upload.files["document"]
    assert name == "Протокол № 1-2026 от 05.12.2026.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "Заместитель Зоя" in text and "внедрить до 01.03.2027" in text
    # The consent record: the objector's objection and its outcome, not silence.
    assert (
        "Член 1 — возражение по вопросу 1; по итогам согласительного совещания "
        "от 8 декабря 2026 г. текст изменён, устное согласие с новой редакцией (по видеосвязи)"
        in text
    )
    assert "Член 0 — устное согласие (очно)" in text
    assert "ПРОЕКТ" not in text
