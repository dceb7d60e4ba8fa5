"""A task from a signed protocol over HTTP (cl. 4 д–е): its owner is told, reminded 7 and
1 days before the deadline at 10:00 Moscow time, and the task is escalated to the
secretariat and the chair the day after the deadline, with the clock moved forward."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.e2e.steps import answered_after, invite_and_join, sent_after
from tests.e2e.test_protocol_e2e import _card, _press


async def test_task_reminders_and_escalation_over_http(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, clerk, member = tg.user(9401, "Chair"), tg.user(9402, "Clerk"), tg.user(9403, "M")
    owner = tg.user(9404, "Анна")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "секретариат", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "член рабочей группы", member, "Член 0")
    await invite_and_join(tg, admin, "член рабочей группы", owner, "Петрова Анна Сергеевна")

    # A meeting with one item, held by the chair and one member, recorded and closed.
    start = len(tg.calls)
    await tg.send_text(chair, "/newmeeting")
    await sent_after(tg, start, chair.id, "Тема заседания")
    await tg.send_text(chair, "Декабрьское заседание")
    fmt = await sent_after(tg, start, chair.id, "Формат заседания")
    await _press(tg, chair, fmt, "Очное", "Место проведения")
    await tg.send_text(chair, "Зал коллегии")
    await sent_after(tg, start, chair.id, "Дата и время")
    await tg.send_text(chair, "05.12.2026 15:00")
    preview = await sent_after(tg, start, chair.id, "Проверьте заседание")
    await _press(tg, chair, preview, "Подтвердить", "Заседание назначено")
    await _card(tg, chair, "/agenda", "Добавить вопрос", "Вопрос повестки")
    start = len(tg.calls)
    await tg.send_text(chair, "О регламенте")
    ask = await sent_after(tg, start, chair.id, "Пояснение к вопросу")
    card = await _press(tg, chair, ask, "Готово", "1. О регламенте")
    await _press(tg, chair, card, "Утвердить повестку", "Утверждена председателем")
    running.clock.set(datetime(2026, 12, 5, 11, 58, tzinfo=UTC))
    card = await _card(tg, clerk, "/meetings", "Открыть: Декабрьское заседание", "Статус")
    start = len(tg.calls)
    await _press(tg, clerk, card, "Открыть заседание", "Идёт заседание")
    for user in (chair, member, owner):
        opened = await sent_after(tg, start, user.id, "Заседание открыто")
        s = len(tg.calls)
        await tg.click_button(user, (user.id, opened.result["message_id"]), "Отметиться")
        await answered_after(tg, s)
    card = await _card(tg, clerk, "/meetings", "Открыть: Декабрьское заседание", "Статус")
    await _press(tg, clerk, card, "Прикрепить аудиозапись", "Отправьте аудиозапись")
    await tg.send_audio(clerk, "AUD", "rec.mp3", "audio/mpeg", 3, b"mp3")
    await sent_after(tg, start, clerk.id, "Аудиозапись прикреплена")
    card = await _card(tg, clerk, "/meetings", "Открыть: Декабрьское заседание", "Статус")
    card = await _press(tg, clerk, card, "Закрыть заседание", "проведено")

    # The protocol sets a task for Петрова А.С. by 20 December; nobody objects in time.
    card = await _press(tg, clerk, card, "Протокол", "Протокол № 1/2026")
    await _press(tg, clerk, card, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ", "СЛУШАЛИ")
    start = len(tg.calls)
    await tg.send_text(clerk, "Член 0 о проекте регламента")
    spoke = await sent_after(tg, start, clerk.id, "ВЫСТУПИЛИ")
    await _press(tg, clerk, spoke, "Пропустить", "РЕШИЛИ")
    await tg.send_text(clerk, "Одобрить проект регламента.")
    await sent_after(tg, start, clerk.id, "Поручения")
    await tg.send_text(clerk, "Доработать регламент; Петрова А.С.; 20.12.2026")
    card = await sent_after(tg, start, clerk.id, "Протокол № 1/2026")
    await _press(tg, clerk, card, "Направить на согласование", "на согласовании")
    running.clock.set(datetime(2026, 12, 8, 15, 0, tzinfo=UTC))
    card = await _card(tg, chair, "/protocols", "Протокол № 1/2026", "на согласовании")
    start = len(tg.calls)
    await _press(tg, chair, card, "Подписать протокол", "подписан")
    new = await sent_after(tg, start, owner.id, "Новое поручение")
    assert "Доработать регламент" in (new.text or "")
    assert "Срок: 20 декабря 2026 г." in (new.text or "")

    # Reminders at 10:00 Moscow time 7 and 1 days before; the escalation the day after.
    for moment, expected in (
        (datetime(2026, 12, 13, 7, 0, 1, tzinfo=UTC), "До срока осталось 7 дней."),
        (datetime(2026, 12, 19, 7, 0, 1, tzinfo=UTC), "До срока остался 1 день."),
    ):
        start = len(tg.calls)
        running.clock.set(moment)
        reminder = await sent_after(tg, start, owner.id, "Напоминание о сроке поручения")
        assert expected in (reminder.text or "")
    start = len(tg.calls)
    running.clock.set(datetime(2026, 12, 21, 7, 0, 1, tzinfo=UTC))
    for user in (clerk, chair, owner):
        escalated = await sent_after(tg, start, user.id, "Поручение просрочено")
        assert "Доработать регламент" in (escalated.text or "")
