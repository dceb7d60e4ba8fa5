"""The agenda over HTTP (cl. 13): two proposals, one included and one rejected with a
reason, approval sent to everyone; at the meeting, additional items voted by the members
present — a consensus case, a majority case and a failing case."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.fake_api import Call
from tests.support.people import Speaker
from tests.support.steps.conversations import invite_and_join


async def _propose(user: Speaker, title: str) -> Call:
    await user.sends("/propose", "Формулировка вопроса")
    await user.sends(title, "Краткое пояснение")
    await user.presses("Пропустить", "Приложите материалы к вопросу")
    return await user.presses("Пропустить", title)


async def _agenda_press(user: Speaker, button: str, expect: str) -> None:
    await user.sends("/agenda", "Повестка дня")
    await user.presses(button, expect)


async def _vote(user: Speaker, request: Call, choice: str) -> str:
    answer = await user.is_answered(choice, on=request)
    return str(answer.params.get("text"))


async def test_agenda_and_additional_items_over_http(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, deputy, clerk = tg.user(9201, "Chair"), tg.user(9202, "Deputy"), tg.user(9203, "Clerk")
    m = [tg.user(9210 + i, f"M{i}") for i in range(3)]
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "заместитель председателя", deputy, "Заместитель Зоя")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    for i, user in enumerate(m):
        await invite_and_join(tg, admin, "член рабочей группы", user, f"Член {i}")

    chair_, clerk_ = Speaker(tg, chair), Speaker(tg, clerk)
    await chair_.sends("/newmeeting", "Тема заседания")
    await chair_.sends("Декабрьское заседание", "Формат заседания")
    await chair_.presses("Дистанционное", "Ссылка")
    await chair_.sends("https://meet.example.org/wg", "Дата и время")
    await chair_.sends("05.12.2026 15:00", "Проверьте заседание")
    await chair_.presses("Подтвердить", "Заседание назначено")

    # Two proposals; the chair includes one and rejects the other with a reason.
    start = tg.mark()
    await _propose(Speaker(tg, m[0]), "О стандарте обслуживания")
    first = await tg.message_to(chair, "О стандарте обслуживания", since=start)
    await _propose(Speaker(tg, m[1]), "О переносе сроков")
    second = await tg.message_to(chair, "О переносе сроков", since=start)
    await chair_.presses("Включить", "включён в повестку", on=first)
    await chair_.presses("Отклонить", "Причина отклонения", on=second)
    await chair_.sends("Рассматривался в ноябре")
    await tg.message_to(m[1], "Причина: Рассматривался в ноябре", since=start)
    await tg.message_to(m[0], "«О стандарте обслуживания» включён в повестку", since=start)

    start = tg.mark()
    await _agenda_press(chair_, "Утвердить повестку дня", "Утверждена председателем")
    for user in (*m, deputy, clerk):
        got = await tg.message_to(user, "Утверждена повестка дня", since=start)
        assert "1. О стандарте обслуживания" in (got.text or "")

    # The meeting: chair, deputy, M0, M1 present (4 of 5); M2 proposes from afar.
    running.clock.set(datetime(2026, 12, 5, 11, 58, tzinfo=UTC))
    start = tg.mark()
    await clerk_.sends("/meetings", "Заседания")
    await clerk_.presses("Открыть: Декабрьское заседание", "Статус")
    await clerk_.presses("Открыть заседание", "Идёт заседание")
    for user in (chair, deputy, m[0], m[1]):
        opened = await tg.message_to(user, "Заседание открыто", since=start)
        await Speaker(tg, user).is_answered("Отметиться", "Вы отмечены", on=opened)

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
        start = tg.mark()
        await _propose(Speaker(tg, m[2]), title)
        await _agenda_press(chair_, f"На голосование: {title}", "идёт голосование")
        answers = []
        for user, choice in zip(voters, choices, strict=True):
            # The ballot itself: the previous vote's ballots are edited to its result meanwhile.
            request = await tg.message_to(user, f"«{title}»\nВключить в повестку дня?", since=start)
            assert "Голосование по дополнительному вопросу" in (request.text or "")
            answers.append(await _vote(Speaker(tg, user), request, choice))
            if len(answers) == 1:
                # While the vote is open, the live message shows the running count.
                await tg.message_to(clerk, f"🗳 Голосование: «{title}» — за 1", since=start)
        assert expected in answers[-1], (title, answers)
        # Every voter's ballot is edited to show the result, without its buttons (cl. 13).
        for user in voters:
            result = await tg.message_to(user, f"завершено</b>\n«{title}»\nВопрос", since=start)
            assert expected in (result.text or "")
            assert result.method == "editMessageText" and not result.params.get("reply_markup")
