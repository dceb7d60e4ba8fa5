"""Tasks decided again over HTTP (cl. 4 д–е, 14): a task from a signed protocol has its
deadline extended by a decision of that protocol; its owner reports completion, the
secretariat returns the report with a comment, the owner reports again and the secretariat
accepts it; accepting it again is refused."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.fake_api import FakeTelegram, FakeUser
from tests.support.steps.conversations import (
    hold_meeting,
    invite_and_join,
    open_card,
    press,
    refused,
    say,
    schedule_meeting,
    sent_after,
    tap,
)


async def _report(tg: FakeTelegram, owner: FakeUser, comment: str) -> None:
    """The owner opens the task from the newest notice and reports completion, no file."""
    await tap(tg, owner, "Открыть поручение", "Поручение № 1")
    await tap(tg, owner, "Сообщить об исполнении", "Что сделано по поручению?")
    await say(tg, owner, comment, "Приложите файл")
    await tap(tg, owner, "Пропустить", "Проверьте отчёт об исполнении")
    await tap(tg, owner, "Подтвердить", "Статус: ✅ исполнено")


async def test_cl4e_cl14_extension_return_and_acceptance_over_http(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, clerk, member = tg.user(9501, "Chair"), tg.user(9502, "Clerk"), tg.user(9503, "M")
    owner = tg.user(9504, "Анна")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "член рабочей группы", member, "Член 0")
    await invite_and_join(tg, admin, "член рабочей группы", owner, "Петрова Анна Сергеевна")

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
    await sent_after(tg, start, owner.id, "Новое поручение")

    # The secretariat extends the deadline by the decision of item 1 (cl. 14).
    start = tg.mark()
    await say(tg, clerk, "/tasks", "Мои поручения")
    await tap(tg, clerk, "В работе", "Все поручения: в работе")
    await tap(tg, clerk, "1. Доработать регламент", "Поручение № 1")
    await tap(tg, clerk, "Продлить срок", "Текущий срок: 20 декабря 2026 г.")
    await say(tg, clerk, "10.12.2026", "Новый срок должен быть позже текущего")
    await say(tg, clerk, "28.12.2026", "Выберите решение")
    await tap(
        tg,
        clerk,
        "Протокол № 1/2026, вопрос 1: Одобрить проект регламента.",
        "Продление срока поручения",
    )
    extended = await tap(tg, clerk, "Подтвердить", "История изменений")
    assert "Срок: 28 декабря 2026 г." in (extended.text or "")
    assert "Основание: решение, протокол № 1/2026, вопрос 1" in (extended.text or "")
    told = await sent_after(tg, start, owner.id, "Срок поручения продлён")
    assert "Прежний срок: 20 декабря 2026 г." in (told.text or "")

    # The owner reports; the secretariat returns the report with a comment.
    start = tg.mark()
    await _report(tg, owner, "Регламент доработан.")
    await sent_after(tg, start, clerk.id, "Поручение исполнено")
    await tap(tg, clerk, "Открыть поручение", "Отчёт ожидает рассмотрения")
    await tap(tg, clerk, "Вернуть на доработку", "Укажите, что необходимо доработать")
    start = tg.mark()
    await say(tg, clerk, "Нет согласования юридического отдела.", "Статус: ⏳ в работе")
    returned = await sent_after(tg, start, owner.id, "возвращён на доработку")
    assert "Комментарий секретариата: Нет согласования юридического отдела." in (
        returned.text or ""
    )

    # The owner reports again. The secretariat has the card open twice (from /tasks and
    # from the notice), accepts on one; «Принять отчёт» on the other is refused.
    running.clock.set(datetime(2026, 12, 9, 9, 0, tzinfo=UTC))
    start = tg.mark()
    await _report(tg, owner, "Согласование получено.")
    await sent_after(tg, start, clerk.id, "Поручение исполнено")
    await tap(tg, clerk, "Открыть поручение", "Отчёт ожидает рассмотрения")
    await say(tg, clerk, "/tasks", "Мои поручения")
    await tap(tg, clerk, "Исполненные", "Все поручения: исполненные")
    await tap(tg, clerk, "1. Доработать регламент", "Отчёт ожидает рассмотрения")
    start = tg.mark()
    accepted = await tap(tg, clerk, "Принять отчёт", "Отчёт принят секретариатом")
    assert "возвращён на доработку" in (accepted.text or "")
    await sent_after(tg, start, owner.id, "Отчёт об исполнении поручения принят")
    assert await refused(tg, clerk, "Принять отчёт") == "Отчёт уже принят."
