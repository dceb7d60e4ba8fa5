"""Conversations over HTTP that several end-to-end tests share."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from bot.clock import FrozenClock
from tests.support.fake_api import Call, FakeTelegram, FakeUser
from tests.support.people import Speaker


async def click_and_see(
    tg: FakeTelegram, user: FakeUser, ref: tuple[int, int], button: str, contains: str
) -> Call:
    """Presses a button and waits for the card to be edited to show `contains`."""
    start = tg.mark()

    def edited(call: Call) -> bool:
        return call.method == "editMessageText" and contains in (call.text or "")

    await tg.click_button(user, ref, button)
    return await tg.wait_for(edited, since=start)


async def invite_and_join(
    tg: FakeTelegram, admin: FakeUser, role_button: str, newcomer: FakeUser, full_name: str
) -> None:
    """The administrator makes an invitation; the newcomer opens it and is greeted."""
    await tg.send_text(admin, "/invite")
    card: Call = await tg.wait_message(admin.id, "Приглашения в состав")
    ref = (admin.id, card.result["message_id"])
    await click_and_see(tg, admin, ref, "Новое приглашение", "Выберите роль")
    await click_and_see(tg, admin, ref, role_button, "подразделение")
    await click_and_see(tg, admin, ref, "без подразделения", "Введите ФИО")
    await tg.send_text(admin, full_name)
    created = await tg.wait_message(admin.id, "Приглашение создано")
    link = re.search(r"start=(inv_[A-Za-z0-9_-]+)", created.text or "")
    assert link, created.text
    await tg.send_text(newcomer, f"/start {link.group(1)}")
    greeting = "Hello" if newcomer.language_code == "en" else "Здравствуйте"
    await tg.wait_message(newcomer.id, greeting)


async def sent_after(
    tg: FakeTelegram, start: int, chat_id: int, contains: str, wait_s: float = 10
) -> Call:
    """The first message sent or edited in the chat since the mark `start` that shows
    `contains`."""
    return await tg.message_to(chat_id, contains, since=start, timeout=wait_s)


async def answered_after(tg: FakeTelegram, start: int, contains: str = "") -> Call:
    """The first callback answer since the mark `start` whose text has `contains`."""
    return await tg.answer_since(start, contains)


async def press(tg: FakeTelegram, user: FakeUser, call: Call, button: str, expect: str) -> Call:
    """Presses a button on a message and returns the first message since then showing
    `expect` in the user's chat (the edited card or a new one)."""
    start = tg.mark()
    await tg.click_button(user, (user.id, call.result["message_id"]), button)
    return await sent_after(tg, start, user.id, expect)


HEADINGS = {"/agenda": "Повестка дня", "/meetings": "Заседания", "/protocols": "Протоколы"}


async def open_card(
    tg: FakeTelegram, user: FakeUser, command: str, button: str, expect: str
) -> Call:
    """A list command, then the button that opens one card on it."""
    start = tg.mark()
    await tg.send_text(user, command)
    listing = await sent_after(tg, start, user.id, HEADINGS[command])
    return await click_and_see(tg, user, (user.id, listing.result["message_id"]), button, expect)


async def schedule_meeting(
    tg: FakeTelegram,
    chair: FakeUser,
    title: str,
    place: str,
    when: str,
    *,
    group: str | None = None,
) -> None:
    """The chair schedules an in-person meeting with a typed date and time; `group` is the
    button to press when the bot asks whose meeting it is (once subgroups exist, cl. 10)."""
    start = tg.mark()
    await tg.send_text(chair, "/newmeeting")
    if group is not None:
        ask = await sent_after(tg, start, chair.id, "Для какой группы")
        await press(tg, chair, ask, group, "Тема заседания")
    await sent_after(tg, start, chair.id, "Тема заседания")
    await tg.send_text(chair, title)
    fmt = await sent_after(tg, start, chair.id, "Формат заседания")
    await press(tg, chair, fmt, "Очное", "Место проведения")
    await tg.send_text(chair, place)
    await sent_after(tg, start, chair.id, "Дата и время")
    await tg.send_text(chair, when)
    preview = await sent_after(tg, start, chair.id, "Проверьте заседание")
    await press(tg, chair, preview, "Подтвердить", "Заседание назначено")


async def hold_meeting(
    tg: FakeTelegram,
    clock: FrozenClock,
    chair: FakeUser,
    clerk: FakeUser,
    attendees: Sequence[FakeUser],
    *,
    item: str,
    opens_at: datetime,
    title: str = "Декабрьское заседание",
) -> Call:
    """The scheduled meeting `title` gets one agenda item, approved; at `opens_at` the
    secretariat opens it, `attendees` check in, the recording is attached and the meeting is
    closed. Returns the closed meeting's card."""
    await open_card(tg, chair, "/agenda", "Добавить вопрос", "Вопрос повестки")
    start = tg.mark()
    await tg.send_text(chair, item)
    ask = await sent_after(tg, start, chair.id, "Пояснение к вопросу")
    card = await press(tg, chair, ask, "Готово", f"1. {item}")
    await press(tg, chair, card, "Утвердить повестку дня", "Утверждена председателем")
    clock.set(opens_at)
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {title}", "Статус")
    start = tg.mark()
    await press(tg, clerk, card, "Открыть заседание", "Идёт заседание")
    for user in attendees:
        opened = await sent_after(tg, start, user.id, "Заседание открыто")
        s = tg.mark()
        await tg.click_button(user, (user.id, opened.result["message_id"]), "Отметиться")
        await answered_after(tg, s)
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {title}", "Статус")
    await press(tg, clerk, card, "Прикрепить аудиозапись", "Отправьте аудиозапись")
    await tg.send_audio(clerk, "AUD", "rec.mp3", "audio/mpeg", 3, b"mp3")
    await sent_after(tg, start, clerk.id, "Аудиозапись прикреплена")
    card = await open_card(tg, clerk, "/meetings", f"Открыть: {title}", "Статус")
    return await press(tg, clerk, card, "Закрыть заседание", "проведено")


async def say(tg: FakeTelegram, user: FakeUser, text: str, expect: str) -> Call:
    """The user types `text`; returns the first message since then in their chat showing
    `expect`."""
    return await Speaker(tg, user).sends(text, expect)


async def tap(tg: FakeTelegram, user: FakeUser, button: str, expect: str) -> Call:
    """The user presses `button` on the newest message that has it; returns the first
    message since then in their chat showing `expect` (the edited card or a new one)."""
    return await Speaker(tg, user).presses(button, expect)


async def tap_for_answer(tg: FakeTelegram, user: FakeUser, button: str, contains: str = "") -> str:
    """The user presses `button` on the newest message that has it; returns the text of
    the callback answer (an alert or a toast) that has `contains`."""
    answer = await Speaker(tg, user).is_answered(button, contains)
    return str(answer.params.get("text"))


async def add_unit(tg: FakeTelegram, user: FakeUser, name: str) -> None:
    """/units → «Добавить подразделение» → the name."""
    await say(tg, user, "/units", "подразделения")
    await tap(tg, user, "Добавить подразделение", "название подразделения")
    await say(tg, user, name, f"«{name}» добавлено")


async def record_composition_act(
    tg: FakeTelegram, clerk: FakeUser, kind: str, number: str, signed_on: str
) -> Call:
    """/composition → «Внести акт» → kind, number, date, no file → «Подтвердить» (cl. 9);
    returns the act's card."""
    await say(tg, clerk, "/composition", "Акты об утверждении состава")
    await tap(tg, clerk, "Внести акт", "Вид акта")
    await tap(tg, clerk, kind, "Номер акта")
    await say(tg, clerk, number, "Дата подписания акта")
    await say(tg, clerk, signed_on, "Прикрепите файл акта")
    await tap(tg, clerk, "Без файла", "Проверьте реквизиты акта")
    return await tap(tg, clerk, "Подтвердить", "Акт:")


async def include_in_composition(
    tg: FakeTelegram, clerk: FakeUser, act: str, name: str, role: str, unit: str
) -> Call:
    """From the act's card: «Включить в состав» → name → role → unit → «Подтвердить»;
    returns the new member's card."""
    await say(tg, clerk, "/composition", "Акты об утверждении состава")
    await tap(tg, clerk, act, f"Акт: {act}")
    await tap(tg, clerk, "Включить в состав", "ФИО члена рабочей группы")
    await say(tg, clerk, name, "Роль в рабочей группе")
    await tap(tg, clerk, role, "Структурное подразделение")
    await tap(tg, clerk, unit, "Включить в состав рабочей группы?")
    start = tg.mark()
    card = await tap(tg, clerk, "Подтвердить", "Не подключён(а) к боту")
    await answered_after(tg, start, f"Включён(а) в состав: {name}")
    return card


async def open_member(tg: FakeTelegram, clerk: FakeUser, name: str) -> Call:
    """/members, then the member's card."""
    await say(tg, clerk, "/members", "Состав рабочей группы")
    return await tap(tg, clerk, name, "Роль:")


async def join_from_roster(tg: FakeTelegram, clerk: FakeUser, name: str, user: FakeUser) -> Call:
    """The member's card → «Пригласить в бот»; the person opens the link; returns the
    greeting."""
    await open_member(tg, clerk, name)
    made = await tap(tg, clerk, "Пригласить в бот", "start=inv_")
    link = re.search(r"start=(inv_[A-Za-z0-9_-]+)", made.text or "")
    assert link, made.text
    return await say(tg, user, f"/start {link.group(1)}", "Здравствуйте")


async def document_after(tg: FakeTelegram, start: int, chat_id: int) -> Call:
    """The first document sent to the chat since `start`."""
    return await tg.wait_for(
        lambda call: call.method == "sendDocument" and call.chat_id == chat_id, since=start
    )


async def refused(tg: FakeTelegram, user: FakeUser, button: str) -> str:
    """The user presses `button` on the newest message that has it and is refused: the
    answer is an alert (UX: a refusal is an alert); returns its text."""
    answer = await Speaker(tg, user).is_answered(button)
    assert answer.params.get("show_alert") is True, answer.params
    return str(answer.params.get("text"))
