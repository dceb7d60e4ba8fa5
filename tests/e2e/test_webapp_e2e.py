"""Issue #19 item 1: the running bot serves the Mini App itself, on the server it already runs
for webhooks and /healthz, in polling and in webhook mode; nothing else to install."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from bot.clock import FrozenClock
from bot.webapp.server import INIT_DATA_HEADER
from tests.conftest import ADMIN_ID, TOKEN, make_settings
from tests.e2e.conftest import start_bot
from tests.support.fake_api import FakeTelegram
from tests.support.migrated import migrated
from tests.support.process import free_port
from tests.support.webapp import sign_init_data
from tests.support.webhook import SECRET, wait_healthy, webhook_bot


async def test_a_polling_bot_serves_the_mini_app_beside_healthz(
    telegram: FakeTelegram, tmp_path: Path, clock: FrozenClock
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/app/"
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        telegram_api_url=telegram.base_url,
        webapp_url=url,
        webhook_port=port,
    )
    await migrated(settings.database_url)
    bot = await start_bot(telegram, settings, clock)
    try:
        admin = telegram.user(ADMIN_ID, "Админ", language_code="ru")
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as shell:
                assert shell.status == 200
                assert "static/app.js" in await shell.text()
            async with http.get(f"{url}static/app.css") as style:
                assert style.status == 200 and style.content_type == "text/css"
            signed = sign_init_data(admin, signed_at=clock.now())
            async with http.get(f"{url}view/home", headers={INIT_DATA_HEADER: signed}) as home:
                assert home.status == 200
                assert "Здравствуйте, Админ." in await home.text()
            async with http.get(f"{url}view/home") as unsigned:
                assert unsigned.status == 401
            async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                assert (await health.json())["mode"] == "polling"
    finally:
        await bot.shutdown()


async def test_a_webhook_bot_serves_webhooks_and_the_mini_app_on_one_port(
    tmp_path: Path, clock: FrozenClock
) -> None:
    # The same server, the same port: Telegram's posts and the Mini App's pages.
    async with (
        FakeTelegram(TOKEN) as tg,
        webhook_bot(tg, tmp_path, clock, webapp_url="https://bot.example.gov.ru/app/") as (
            settings,
            base,
        ),
    ):
        await wait_healthy(base)
        admin = tg.user(ADMIN_ID, "Admin", language_code="en")
        signed = sign_init_data(admin, signed_at=clock.now())
        async with aiohttp.ClientSession() as http:
            async with http.get(
                f"{base}/app/view/home", headers={INIT_DATA_HEADER: signed}
            ) as home:
                assert home.status == 200 and "Hello, Admin." in await home.text()
            async with http.post(f"{base}/telegram/webhook", json={}) as hook:
                # The webhook still checks Telegram's secret first.
                assert hook.status == 401
        assert settings.webhook_secret is not None
        assert settings.webhook_secret.get_secret_value() == SECRET
