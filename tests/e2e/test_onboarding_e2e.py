"""Onboarding over HTTP: administrator → invitation → newcomer joins → /members → /language."""

from __future__ import annotations

import re

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.steps.conversations import click_and_see


async def test_admin_invites_chair_who_joins_and_is_listed(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ", language_code="ru")
    await tg.send_text(admin, "/invite")
    card = await tg.wait_message(admin.id, "Приглашения в состав")
    ref = (admin.id, card.result["message_id"])
    await click_and_see(tg, admin, ref, "Новое приглашение", "Выберите роль")
    await click_and_see(tg, admin, ref, "председатель рабочей группы", "подразделение")
    await click_and_see(tg, admin, ref, "без подразделения", "Введите ФИО")
    await tg.send_text(admin, "Петрова Анна Сергеевна")
    created = await tg.wait_message(admin.id, "Приглашение создано")
    link = re.search(r"start=(inv_[A-Za-z0-9_-]+)", created.text or "")
    assert link, created.text

    newcomer = tg.user(7001, "Anna", "P", language_code="ru")
    await tg.send_text(newcomer, f"/start {link.group(1)}")
    greeting = await tg.wait_message(newcomer.id, "Здравствуйте")
    assert "Петрова Анна Сергеевна" in (greeting.text or "")
    assert "председатель рабочей группы" in (greeting.text or "")

    await tg.send_text(admin, "/members")
    listing = await tg.wait_message(admin.id, "Состав рабочей группы")
    assert (
        "Петрова Анна Сергеевна — председатель рабочей группы" in tg.last_message(admin.id)["text"]
    )
    assert listing.ok

    # The new chair switches to English and sees English from then on.
    await tg.send_text(newcomer, "/language")
    picker = await tg.wait_message(newcomer.id, "Выберите язык")
    await click_and_see(
        tg,
        newcomer,
        (newcomer.id, picker.result["message_id"]),
        "English",
        "Interface language: English",
    )
    await tg.send_text(newcomer, "/help")
    help_text = await tg.wait_message(newcomer.id, "Commands")
    assert "/language — Interface language" in (help_text.text or "")
    # Their personal command menu is now in English.
    await tg.wait_for(
        lambda c: (
            c.method == "setMyCommands"
            and (c.params.get("scope") or {}).get("chat_id") == newcomer.id
            and "Interface language" in str(c.params.get("commands"))
        )
    )


async def test_startup_registers_command_menus_per_language(running: RunningBot) -> None:
    tg = running.server
    menus = [c for c in tg.calls if c.method == "setMyCommands"]
    languages = {c.params.get("language_code") for c in menus}
    assert {"ru", "en", None} <= languages
    ru = next(c for c in menus if c.params.get("language_code") == "ru")
    assert "Начало работы" in str(ru.params["commands"])


async def test_update_is_confirmed_only_after_it_was_handled_and_not_replayed(
    running: RunningBot,
) -> None:
    """A restart after handling does not replay the update: the offset was confirmed."""
    tg = running.server
    stranger = tg.user(7002, "Stranger", language_code="en")
    update_id = await tg.send_text(stranger, "/start")
    await tg.wait_message(stranger.id, "not in the working group")
    await running.shutdown()
    assert tg.confirmed_offset == update_id + 1

    again = await start_bot(tg, running.settings, running.clock)
    try:
        await tg.wait_idle(timeout=5)
        replies = [c for c in tg.calls if c.method == "sendMessage" and c.chat_id == stranger.id]
        assert len(replies) == 1
    finally:
        await again.shutdown()


async def test_sigterm_style_stop_ends_polling_promptly(running: RunningBot) -> None:
    await running.shutdown()
    assert running.task.done() and running.task.exception() is None
