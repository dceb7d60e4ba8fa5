"""Conversations over HTTP that several end-to-end tests share."""

from __future__ import annotations

import re

from tests.support.fake_api import Call, FakeTelegram, FakeUser


async def click_and_see(
    tg: FakeTelegram, user: FakeUser, ref: tuple[int, int], button: str, contains: str
) -> Call:
    """Presses a button and waits for the card to be edited to show `contains`."""
    start = len(tg.calls)

    def edited_after_click(call: Call) -> bool:
        return (
            call.method == "editMessageText"
            and contains in (call.text or "")
            and any(call is later for later in tg.calls[start:])
        )

    await tg.click_button(user, ref, button)
    return await tg.wait_for(edited_after_click)


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


def _is_after(tg: FakeTelegram, start: int, call: Call) -> bool:
    return any(call is later for later in tg.calls[start:])


async def sent_after(
    tg: FakeTelegram, start: int, chat_id: int, contains: str, wait_s: float = 10
) -> Call:
    """The first message sent or edited in the chat since `start` that shows `contains`."""

    def match(call: Call) -> bool:
        return (
            call.chat_id == chat_id
            and call.ok
            and call.method in ("sendMessage", "sendDocument", "editMessageText")
            and contains in (call.text or "")
            and _is_after(tg, start, call)
        )

    return await tg.wait_for(match, timeout=wait_s)


async def answered_after(tg: FakeTelegram, start: int, contains: str = "") -> Call:
    """The first callback answer since `start` whose text has `contains`."""

    def match(call: Call) -> bool:
        return (
            call.method == "answerCallbackQuery"
            and contains in str(call.params.get("text"))
            and _is_after(tg, start, call)
        )

    return await tg.wait_for(match, timeout=10)
