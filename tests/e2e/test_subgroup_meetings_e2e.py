"""A project committee's meeting over HTTP (cl. 10-15): its head sets it, its members, its
outside specialist and the secretariat are invited, the specialist's check-in makes its
quorum, the head presides and signs, and the signed protocol reaches the committee and the
secretariat — nobody else of the working group."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.roles import Role
from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.steps.conversations import (
    add_unit,
    answered_after,
    invite_and_join,
    open_card,
    press,
    sent_after,
)
from tests.support.steps.subgroup_meetings import COMMITTEE, add_committee_to_database

TITLE = "Заседание комитета"
HEADING = f"Проектный комитет «{COMMITTEE}»"


async def test_cl10_a_committee_meeting_with_its_quorum_and_a_signed_protocol_over_http(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, clerk = tg.user(9401, "Chair"), tg.user(9403, "Clerk")
    head, member, other = tg.user(9410, "M0"), tg.user(9411, "M1"), tg.user(9412, "M2")
    specialist = tg.user(9450, "Specialist")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    for user, name in ((head, "Член 0"), (member, "Член 1"), (other, "Член 2")):
        await invite_and_join(tg, admin, "член рабочей группы", user, name)
    await add_committee_to_database(
        running.settings.database_url,
        {head.id: Role.CHAIR, member.id: Role.MEMBER},
        (specialist.id, "Специалистова Светлана Сергеевна"),
        now=running.clock.now(),
    )
    # A change of the roster in the running bot: what it knew of people is read again.
    await add_unit(tg, admin, "Управление цифрового развития")

    # The head sets the committee's meeting: the committee is the only group they may.
    start = tg.mark()
    await tg.send_text(head, "/newmeeting")
    await sent_after(tg, start, head.id, "Тема заседания")
    await tg.send_text(head, TITLE)
    fmt = await sent_after(tg, start, head.id, "Формат заседания")
    link = await press(tg, head, fmt, "Дистанционное", "Ссылка на подключение")
    await press(tg, head, link, "Пропустить", "Дата и время")
    await tg.send_text(head, "05.12.2026 15:00")
    preview = await sent_after(tg, start, head.id, "Проверьте заседание")
    await press(tg, head, preview, "Подтвердить", "Заседание назначено")
    for user in (member, specialist, clerk):
        invitation = await sent_after(tg, start, user.id, TITLE)
        assert HEADING in (invitation.text or "")

    # Its agenda, kept by the head.
    await open_card(tg, head, "/agenda", "Добавить вопрос", "Вопрос повестки")
    start = tg.mark()
    await tg.send_text(head, "О концепции цифровых сервисов")
    ask = await sent_after(tg, start, head.id, "Пояснение к вопросу")
    card = await press(tg, head, ask, "Готово", "1. О концепции цифровых сервисов")
    await press(tg, head, card, "Утвердить повестку дня", "Утверждена")

    # Held: the head and the specialist make two of the committee's three.
    running.clock.set(datetime(2026, 12, 5, 11, 58, tzinfo=UTC))
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {TITLE}", "Статус")
    start = tg.mark()
    await press(tg, clerk, card, "Открыть заседание", "Идёт заседание")
    for user in (head, specialist):
        opened = await sent_after(tg, start, user.id, "Заседание открыто")
        s = tg.mark()
        await tg.click_button(user, (user.id, opened.result["message_id"]), "Отметиться")
        await answered_after(tg, s)
    live = await sent_after(tg, start, clerk.id, "Присутствует 2 из 3 членов группы")
    assert "✅ Кворум имеется" in (live.text or "")
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {TITLE}", "Статус")
    await press(tg, clerk, card, "Прикрепить аудиозапись", "Отправьте аудиозапись")
    await tg.send_audio(clerk, "AUDC", "committee.mp3", "audio/mpeg", 3, b"mp3")
    await sent_after(tg, start, clerk.id, "Аудиозапись прикреплена")
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {TITLE}", "Статус")
    card = await press(tg, clerk, card, "Закрыть заседание", "проведено")

    # The protocol: drafted by the secretariat, consented to by those present.
    card = await press(tg, clerk, card, "Протокол", "Протокол № 1/2026")
    assert HEADING in (card.text or "")
    await press(tg, clerk, card, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ", "СЛУШАЛИ")
    start = tg.mark()
    await tg.send_text(clerk, "Член 0 о концепции")
    spoke = await sent_after(tg, start, clerk.id, "ВЫСТУПИЛИ")
    await press(tg, clerk, spoke, "Пропустить", "РЕШИЛИ")
    await tg.send_text(clerk, "Одобрить концепцию.")
    tasks = await sent_after(tg, start, clerk.id, "Поручения")
    await press(tg, clerk, tasks, "Без поручений", "Протокол № 1/2026")
    card = await sent_after(tg, start, clerk.id, "Протокол № 1/2026")
    start = tg.mark()
    await press(tg, clerk, card, "Направить на согласование", "на согласовании")
    for user in (head, specialist):
        request = await sent_after(tg, start, user.id, "Согласование протокола")
        mode = await press(
            tg, user, request, "Подтверждаю устное согласие", "В какой форме вы участвовали"
        )
        await press(tg, user, mode, "Очно", "Устное согласие записано")

    # The head signs; the committee and the secretariat receive it, the others do not.
    card = await open_card(
        tg, head, "/protocols", f"Протокол № 1/2026 — {COMMITTEE}", "на согласовании"
    )
    start = tg.mark()
    confirm = await press(tg, head, card, "Подписать протокол", "изменить нельзя")
    await press(tg, head, confirm, "Подтвердить", "подписан")
    for user in (head, member, specialist, clerk):
        got = await sent_after(tg, start, user.id, "Подписан протокол № 1/2026")
        assert got.method == "sendDocument"
    delivered = {str(c.chat_id) for c in tg.calls_since(start) if c.method == "sendDocument"}
    assert str(chair.id) not in delivered and str(other.id) not in delivered
