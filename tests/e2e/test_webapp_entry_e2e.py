"""The secretariat's menu button over HTTP (issue #19 item 6): the real application, polling a
fake Bot API, with WEBAPP_URL set. A person who joins the secretariat gets a chat menu button
that opens the Mini App the same process serves; a member keeps the default (the commands);
a restart with nothing changed sends no one's button again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import aiohttp

from bot.clock import FrozenClock
from tests.conftest import ADMIN_ID, make_settings
from tests.e2e.conftest import start_bot
from tests.support.fake_api import Call, FakeTelegram
from tests.support.migrated import migrated
from tests.support.process import free_port
from tests.support.steps.conversations import invite_and_join


def _button_for(chat_id: int) -> Callable[[Call], bool]:
    return lambda call: call.method == "setChatMenuButton" and call.params.get("chat_id") == chat_id


async def test_issue_19_item_6_the_secretariat_opens_the_mini_app_from_the_menu_button(
    telegram: FakeTelegram, tmp_path: Path, clock: FrozenClock
) -> None:
    tg = telegram
    port = free_port()
    app_url = f"http://127.0.0.1:{port}/app/"
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        telegram_api_url=tg.base_url,
        webapp_url=app_url,
        health_port=port,
    )
    await migrated(settings.database_url)
    running = await start_bot(tg, settings, clock)
    admin = tg.user(ADMIN_ID, "Админ")
    clerk = tg.user(9601, "Clerk")
    member = tg.user(9602, "Member")
    try:
        await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
        await tg.wait_for(_button_for(clerk.id))
        button = tg.chat_menu_button(clerk.id)
        assert button == {
            "type": "web_app",
            "text": "Рабочее место",
            "web_app": {"url": app_url + "?v=/home"},
        }
        # The button's address is the Mini App this very process serves.
        async with aiohttp.ClientSession() as http, http.get(app_url + "?v=/home") as page:
            assert page.status == 200 and "static/app.js" in await page.text()

        await invite_and_join(tg, admin, "член рабочей группы", member, "Член Мария")
        await tg.wait_for(_button_for(member.id))
        assert tg.chat_menu_button(member.id) == {"type": "default"}
    finally:
        await running.shutdown()

    # A restart syncs the menus once (their digests are stored by the start-up sync alone),
    # and the button with them; a second restart with nothing changed sends no one's.
    restarted = tg.mark()
    again = await start_bot(tg, settings, clock)
    try:
        for person in (clerk, member):
            await tg.wait_for(_button_for(person.id), timeout=10, since=restarted)
    finally:
        await again.shutdown()
    assert tg.chat_menu_button(clerk.id)["type"] == "web_app"
    start = tg.mark()
    third = await start_bot(tg, settings, clock)
    try:
        await asyncio.sleep(0.5)
        sent: list[Call] = [c for c in tg.calls_since(start) if c.method == "setChatMenuButton"]
        assert sent == []
        assert tg.chat_menu_button(clerk.id)["type"] == "web_app"
    finally:
        await third.shutdown()
