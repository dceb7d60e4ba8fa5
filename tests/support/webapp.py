"""The Mini App in tests: initData signed as Telegram signs it, the server on 127.0.0.1 around
a dispatcher-level `World`, and a client that calls it as the page's script does."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
from aiohttp import web

from bot.clock import FrozenClock
from bot.webapp.server import INIT_DATA_HEADER, WebApp
from bot.webhook import build_app
from tests.conftest import TOKEN, World, build_world
from tests.support.bot_client import FakeUser
from tests.support.process import free_port


def sign_init_data(user: FakeUser, *, signed_at: datetime, token: str = TOKEN, **extra: str) -> str:
    """initData as Telegram hands it to the page: fields, then their HMAC with a key derived
    from the bot's token (core.telegram.org/bots/webapps)."""
    fields = {
        "query_id": "AAE-test",
        "user": json.dumps(
            {
                "id": user.id,
                "first_name": user.first_name,
                **({"last_name": user.last_name} if user.last_name else {}),
                **({"language_code": user.language_code} if user.language_code else {}),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        "auth_date": str(int(signed_at.timestamp())),
        **extra,
    }
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    fields["hash"] = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode(fields)


@dataclass
class Answer:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass
class Served:
    """The Mini App of `world`'s bot at `url`."""

    world: World
    url: str
    http: aiohttp.ClientSession

    def init_data(self, user: FakeUser, **extra: str) -> str:
        return sign_init_data(user, signed_at=self.world.clock.now(), **extra)

    async def call(
        self,
        method: str,
        path: str,
        *,
        user: FakeUser | None = None,
        init_data: str | None = None,
        body: Any = None,
    ) -> Answer:
        """`path` is "view/..." or "api/...", as the page's script asks; `user` signs."""
        headers = {}
        if init_data is None and user is not None:
            init_data = self.init_data(user)
        if init_data is not None:
            headers[INIT_DATA_HEADER] = init_data
        async with self.http.request(
            method, self.url + path.lstrip("/"), headers=headers, json=body
        ) as response:
            return Answer(response.status, await response.text())

    def page_url(self, user: FakeUser, view: str = "/home", theme: str | None = None) -> str:
        """What Telegram opens: the address with the signed data in its fragment."""
        fragment = f"tgWebAppData={quote(self.init_data(user), safe='')}&tgWebAppVersion=8.0"
        if theme is not None:
            fragment += f"&tgWebAppThemeParams={quote(theme, safe='')}"
        return f"{self.url}?v={view}#{fragment}"


@asynccontextmanager
async def serving(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[Served]:
    """A `World` whose settings name WEBAPP_URL, and its Mini App served on a free port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/app/"
    world = await build_world(f"sqlite+aiosqlite:///{tmp_path}/bot.db", clock, webapp_url=url)
    server = build_app(health=None, webapp=WebApp(world.app, url))
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with aiohttp.ClientSession() as http:
            yield Served(world, url, http)
    finally:
        await runner.cleanup()
        await world.db.dispose()
