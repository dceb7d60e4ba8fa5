"""A task from a signed protocol over HTTP (cl. 4 д–е): its owner is told, reminded 7 and
1 days before the deadline at 10:00 Moscow time, and the task is escalated to the
secretariat and the chair the day after the deadline, with the clock moved forward."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.steps.conversations import (
    hold_meeting,
    invite_and_join,
    open_card,
    press,
    schedule_meeting,
    sent_after,
)


async def test_task_reminders_and_escalation_over_http(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, clerk, member = tg.user(9401, "Chair"), tg.user(9402, "Clerk"), tg.user(9403, "M")
    owner = tg.user(9404, "Анна")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "член рабочей группы", member, "Член 0")
    await invite_and_join(tg, admin, "член рабочей группы", owner, "Петрова Анна Сергеевна")

    # A meeting with one item, held by the chair and one member, recorded and closed.
    await schedule_meeting(tg, chair, "Декабрьское заседание", "Зал коллегии", "05.12.2026 15:00")
    card = await hold_meeting(
        tg,
        running.clock,
        chair,
        clerk,
        (chair, member, owner),
        item="О регламенте",
        opens_at=datetime(2026, 12, 5, 11, 58, tzinfo=UTC),
    )

    # The protocol sets a task for Петрова А.С. by 20 December; nobody objects in time.
    card = await press(tg, clerk, card, "Протокол", "Протокол № 1/2026")
    await press(tg, clerk, card, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ", "СЛУШАЛИ")
    start = tg.mark()
    await tg.send_text(clerk, "Член 0 о проекте регламента")
    spoke = await sent_after(tg, start, clerk.id, "ВЫСТУПИЛИ")
    await press(tg, clerk, spoke, "Пропустить", "РЕШИЛИ")
    await tg.send_text(clerk, "Одобрить проект регламента.")
    await sent_after(tg, start, clerk.id, "Поручения")
    await tg.send_text(clerk, "Доработать регламент; Петрова А.С.; 20.12.2026")
    card = await sent_after(tg, start, clerk.id, "Протокол № 1/2026")
    await press(tg, clerk, card, "Направить на согласование", "на согласовании")
    running.clock.set(datetime(2026, 12, 8, 15, 0, tzinfo=UTC))
    card = await open_card(tg, chair, "/protocols", "Протокол № 1/2026", "на согласовании")
    start = tg.mark()
    confirm = await press(tg, chair, card, "Подписать протокол", "изменить нельзя")
    await press(tg, chair, confirm, "Подтвердить", "подписан")
    new = await sent_after(tg, start, owner.id, "Новое поручение")
    assert "Доработать регламент" in (new.text or "")
    assert "Срок: 20 декабря 2026 г." in (new.text or "")

    # Reminders at 10:00 Moscow time 7 and 1 days before; the escalation the day after.
    for moment, expected in (
        (datetime(2026, 12, 13, 7, 0, 1, tzinfo=UTC), "До срока осталось 7 дней."),
        (datetime(2026, 12, 19, 7, 0, 1, tzinfo=UTC), "До срока остался 1 день."),
    ):
        start = tg.mark()
        running.clock.set(moment)
        reminder = await sent_after(tg, start, owner.id, "Напоминание о сроке поручения")
        assert expected in (reminder.text or "")
    start = tg.mark()
    running.clock.set(datetime(2026, 12, 21, 7, 0, 1, tzinfo=UTC))
    for user in (clerk, chair, owner):
        escalated = await sent_after(tg, start, user.id, "Поручение просрочено")
        assert "Доработать регламент" in (escalated.text or "")
