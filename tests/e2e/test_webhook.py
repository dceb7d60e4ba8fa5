"""Issue #15 item 3: webhook mode over real HTTP, and GET /healthz in both modes.

The fake Bot API plays Telegram: it records what the bot sends, and the updates it would have
served by getUpdates are posted to the bot's webhook server instead, as Telegram does.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.app import run
from bot.clock import FrozenClock
from bot.health import Health
from bot.webhook import SECRET_HEADER, ChatQueue
from storage.db import Database
from tests.conftest import ADMIN_ID, TOKEN, make_settings
from tests.support.fake_api import FakeTelegram
from tests.support.process import free_port
from tests.support.webhook import SECRET, wait_healthy, webhook_bot


def take_update(tg: FakeTelegram, update_id: int) -> dict[str, Any]:
    """The update the fake API queued, taken off its queue to be posted instead."""
    queue: list[dict[str, Any]] = tg._updates
    update = next(u for u in queue if u["update_id"] == update_id)
    queue.remove(update)
    return update


async def post(base: str, update: dict[str, Any], secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{base}/telegram/webhook", json=update, headers=headers) as response,
    ):
        return response.status


def sent_to(tg: FakeTelegram, chat_id: int) -> list[str]:
    return [
        c.text or ""
        for c in tg.calls
        if c.method == "sendMessage" and c.chat_id == chat_id and c.ok
    ]


async def test_webhook_handles_updates_checks_the_secret_and_ignores_redelivery(
    tmp_path: Path, clock: FrozenClock
) -> None:
    async with FakeTelegram(TOKEN) as tg, webhook_bot(tg, tmp_path, clock) as (_, base):
        set_calls = [c for c in tg.calls if c.method == "setWebhook"]
        assert set_calls and set_calls[-1].params.get("secret_token") == SECRET
        assert set_calls[-1].params.get("url") == "https://bot.example.gov.ru/telegram/webhook"
        assert not any(c.method == "getUpdates" for c in tg.calls)

        admin = tg.user(ADMIN_ID, "Admin", language_code="en")
        start = take_update(tg, await tg.send_text(admin, "/start"))

        # A wrong or missing secret: refused, and the bot does nothing.
        assert await post(base, start, secret="wrong") == 401
        assert await post(base, start, secret=None) == 401
        assert sent_to(tg, admin.id) == []

        # The right secret: the answer is sent before the update is acknowledged.
        assert await post(base, start) == 200
        replies = sent_to(tg, admin.id)
        assert len(replies) == 1 and "Hello" in replies[0]

        # A change over the webhook: the language, chosen with a button.
        assert await post(base, take_update(tg, await tg.send_text(admin, "/language"))) == 200
        picker = await tg.wait_message(admin.id, "Choose the interface language", timeout=10)
        ref = (admin.id, picker.result["message_id"])
        choice = take_update(tg, await tg.click_button(admin, ref, "Русский"))
        assert await post(base, choice) == 200
        answers = [c for c in tg.calls if c.method == "answerCallbackQuery"]
        changed = [c for c in tg.calls if "Язык интерфейса: русский" in (c.text or "")]
        assert len(answers) == 1 and len(changed) == 1

        # Telegram redelivers the same update (our 200 was lost): nothing happens twice.
        calls = tg.mark()
        assert await post(base, choice) == 200
        assert [c.method for c in tg.calls_since(calls)] == []

        assert await post(base, {"not": "an update"}) == 400


async def test_chat_queue_runs_one_chat_in_order_and_chats_side_by_side() -> None:
    """The webhook server's per-chat order: a chat's next update waits for its previous one
    (a dialog's steps never overtake each other), other chats do not wait."""
    queue = ChatQueue()
    events: list[str] = []
    gate = asyncio.Event()

    def job(name: str, wait: bool) -> Any:
        async def work() -> None:
            events.append(f"{name} start")
            if wait:
                await gate.wait()
            events.append(f"{name} end")

        return work

    a1 = asyncio.create_task(queue.run(1, job("a1", True)))
    await asyncio.sleep(0)
    a2 = asyncio.create_task(queue.run(1, job("a2", False)))
    b1 = asyncio.create_task(queue.run(2, job("b1", False)))
    await asyncio.sleep(0.05)
    # Chat 2 went ahead; chat 1's second update waits for its first.
    assert events == ["a1 start", "b1 start", "b1 end"]
    gate.set()
    await asyncio.gather(a1, a2, b1)
    assert events[3:] == ["a1 end", "a2 start", "a2 end"]
    assert len(queue) == 0  # no lock kept for chats that went quiet


async def test_healthz_reflects_a_stopped_database(tmp_path: Path) -> None:
    """With the database down, /healthz says which part failed and answers 503."""

    async def forever() -> None:
        await asyncio.Event().wait()

    sender = asyncio.create_task(forever())
    try:
        good = Database(f"sqlite+aiosqlite:///{tmp_path}/ok.db")
        health = Health(good, mode="polling", sender=sender, ticker_running=lambda: True)
        ok, body = await health.report()
        assert ok and body["database"] == "ok" and body["status"] == "ok"
        await good.dispose()

        down = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/wg")
        health = Health(down, mode="polling", sender=sender, ticker_running=lambda: True)
        ok, body = await health.report()
        assert not ok and body["status"] == "fail" and body["database"] != "ok"
        await down.dispose()

        health = Health(good, mode="polling", sender=sender, ticker_running=lambda: False)
        ok, body = await health.report()
        assert not ok and body["ticker"] == "stopped"
    finally:
        sender.cancel()


async def test_healthz_in_polling_mode_on_health_port(tmp_path: Path, clock: FrozenClock) -> None:
    port = free_port()
    async with FakeTelegram(TOKEN) as tg:
        settings = make_settings(
            f"sqlite+aiosqlite:///{tmp_path}/bot.db",
            telegram_api_url=tg.base_url,
            health_port=port,
        )
        stop = asyncio.Event()
        task = asyncio.create_task(run(settings, stop, clock=clock, poll_timeout=1))
        try:
            await tg.wait_for(lambda c: c.method == "getUpdates", timeout=60)
            admin = tg.user(ADMIN_ID, "Admin", language_code="en")
            await tg.send_text(admin, "/start")
            await tg.wait_message(admin.id, "Hello", timeout=30)
            await wait_healthy(f"http://127.0.0.1:{port}")
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"http://127.0.0.1:{port}/healthz") as response,
            ):
                body = await response.json()
            assert response.status == 200
            assert body["mode"] == "polling" and body["database"] == "ok"
            assert body["sender"] == "running" and body["ticker"] == "running"
            assert body["last_update_age_s"] is not None
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=30)


@pytest.mark.parametrize(
    ("values", "name"),
    [
        ({"webhook_url": "https://bot.example/hook"}, "WEBHOOK_SECRET is missing"),
        (
            {"webhook_url": "https://bot.example/hook", "webhook_secret": "has spaces"},
            "WEBHOOK_SECRET is invalid",
        ),
        ({"webhook_url": "ftp://bot.example/hook", "webhook_secret": "x"}, "WEBHOOK_URL"),
    ],
)
def test_webhook_settings_are_checked(
    values: dict[str, str], name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.config import load_settings

    with pytest.raises(SystemExit) as exit_info:
        load_settings(bot_token=TOKEN, **values)
    assert exit_info.value.code == 2
    assert name in capsys.readouterr().err
