"""The agenda over HTTP (cl. 13): two proposals, one included and one rejected with a
reason, approval sent to everyone; at the meeting, additional items voted by the members
present — a consensus case, a majority case and a failing case."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.fake_api import Call, FakeTelegram, FakeUser
from tests.support.steps.conversations import (
    answered_after,
    click_and_see,
    invite_and_join,
    sent_after,
)


async def _propose(tg: FakeTelegram, user: FakeUser, title: str) -> Call:
    start = len(tg.calls)
    await tg.send_text(user, "/propose")
    await sent_after(tg, start, user.id, "Формулировка вопроса")
    await tg.send_text(user, title)
    ask = await sent_after(tg, start, user.id, "Краткое пояснение")
    await tg.click_button(user, (user.id, ask.result["message_id"]), "Пропустить")
    ask = await sent_after(tg, start, user.id, "Материалы к вопросу")
    await tg.click_button(user, (user.id, ask.result["message_id"]), "Пропустить")
    return await sent_after(tg, start, user.id, title)


async def _agenda_press(tg: FakeTelegram, user: FakeUser, button: str, expect: str) -> None:
    start = len(tg.calls)
    await tg.send_text(user, "/agenda")
    card = await sent_after(tg, start, user.id, "Повестка дня")
    await click_and_see(tg, user, (user.id, card.result["message_id"]), button, expect)


async def _vote(tg: FakeTelegram, user: FakeUser, request: Call, choice: str) -> str:
    start = len(tg.calls)
    await tg.click_button(user, (user.id, request.result["message_id"]), choice)
    answer = await answered_after(tg, start, "")
    return str(answer.params.get("text"))


async def test_agenda_and_additional_items_over_http(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, deputy, clerk = tg.user(9201, "Chair"), tg.user(9202, "Deputy"), tg.user(9203, "Clerk")
    m = [tg.user(9210 + i, f"M{i}") for i in range(3)]
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "заместитель председателя", deputy, "Заместитель Зоя")
    await invite_and_join(tg, admin, "секретариат", clerk, "Секретарь Сергей")
    for i, user in enumerate(m):
        await invite_and_join(tg, admin, "член рабочей группы", user, f"Член {i}")

    start = len(tg.calls)
    await tg.send_text(chair, "/newmeeting")
    await sent_after(tg, start, chair.id, "Тема заседания")
    await tg.send_text(chair, "Декабрьское заседание")
    fmt = await sent_after(tg, start, chair.id, "Формат заседания")
    await click_and_see(tg, chair, (chair.id, fmt.result["message_id"]), "Дистанционное", "Ссылка")
    await tg.send_text(chair, "https://meet.example.org/wg")
    await sent_after(tg, start, chair.id, "Дата и время")
    await tg.send_text(chair, "05.12.2026 15:00")
    preview = await sent_after(tg, start, chair.id, "Проверьте заседание")
    await click_and_see(
        tg, chair, (chair.id, preview.result["message_id"]), "Подтвердить", "Заседание назначено"
    )

    # Two proposals; the chair includes one and rejects the other with a reason.
    start = len(tg.calls)
    await _propose(tg, m[0], "О стандарте обслуживания")
    first = await sent_after(tg, start, chair.id, "О стандарте обслуживания")
    await _propose(tg, m[1], "О переносе сроков")
    second = await sent_after(tg, start, chair.id, "О переносе сроков")
    await click_and_see(
        tg, chair, (chair.id, first.result["message_id"]), "Включить", "включён в повестку"
    )
    await click_and_see(
        tg, chair, (chair.id, second.result["message_id"]), "Отклонить", "Причина отклонения"
    )
    await tg.send_text(chair, "Рассматривался в ноябре")
    await sent_after(tg, start, m[1].id, "Причина: Рассматривался в ноябре")
    await sent_after(tg, start, m[0].id, "«О стандарте обслуживания» включён в повестку")

    start = len(tg.calls)
    await _agenda_press(tg, chair, "Утвердить повестку", "Утверждена председателем")
    for user in (*m, deputy, clerk):
        got = await sent_after(tg, start, user.id, "Утверждена повестка дня")
        assert "1. О стандарте обслуживания" in (got.text or "")

    # The meeting: chair, deputy, M0, M1 present (4 of 5); M2 proposes from afar.
    running.clock.set(datetime(2026, 12, 5, 11, 58, tzinfo=UTC))
    start = len(tg.calls)
    await tg.send_text(clerk, "/meetings")
    listing = await sent_after(tg, start, clerk.id, "Заседания")
    ref = (clerk.id, listing.result["message_id"])
    await click_and_see(tg, clerk, ref, "Открыть: Декабрьское заседание", "Статус")
    await click_and_see(tg, clerk, ref, "Открыть заседание", "Идёт заседание")
    for user in (chair, deputy, m[0], m[1]):
        opened = await sent_after(tg, start, user.id, "Заседание открыто")
        s = len(tg.calls)
        await tg.click_button(user, (user.id, opened.result["message_id"]), "Отметиться")
        await answered_after(tg, s, "Вы отмечены")

    voters = (chair, deputy, m[0], m[1])
    cases = [
        (
            "Первый дополнительный",
            ["За", "Воздержаться", "Воздержаться", "Воздержаться"],
            "консенсус",
        ),
        ("Второй дополнительный", ["За", "За", "Против", "За"], "большинством"),
        ("Третий дополнительный", ["За", "Против", "Против", "За"], "не включён"),
    ]
    for title, choices, expected in cases:
        start = len(tg.calls)
        await _propose(tg, m[2], title)
        await _agenda_press(tg, chair, f"На голосование: {title}", "идёт голосование")
        answers = []
        for user, choice in zip(voters, choices, strict=True):
            # The ballot itself: the previous vote's ballots are edited to its result meanwhile.
            request = await sent_after(tg, start, user.id, f"«{title}»\nВключить в повестку?")
            assert "Голосование по дополнительному вопросу" in (request.text or "")
            answers.append(await _vote(tg, user, request, choice))
            if len(answers) == 1:
                # While the vote is open, the live message shows the running count.
                await sent_after(tg, start, clerk.id, f"🗳 Голосование: «{title}» — за 1")
        assert expected in answers[-1], (title, answers)
        # Every voter's ballot is edited to show the result, without its buttons (cl. 13).
        for user in voters:
            result = await sent_after(tg, start, user.id, f"завершено</b>\n«{title}»\nВопрос")
            assert expected in (result.text or "")
            assert result.method == "editMessageText" and not result.params.get("reply_markup")
