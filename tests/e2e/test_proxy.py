"""Issue #15 item 2: with PROXY_URL set, every Bot API request goes through the proxy.

A minimal HTTP CONNECT proxy on 127.0.0.1 (what government networks usually offer) stands
between the bot and the fake Bot API; the bot starts, polls and answers through it.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from bot.app import run
from bot.clock import FrozenClock
from tests.conftest import ADMIN_ID, TOKEN, make_settings
from tests.support.fake_api import FakeTelegram


class ConnectProxy:
    def __init__(self) -> None:
        self.tunnels: list[str] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def __aenter__(self) -> ConnectProxy:
        self.server = await asyncio.start_server(self._client, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = (await reader.readline()).decode()
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass
        method, target, _ = request.split(" ", 2)
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\n\r\n")
            writer.close()
            return
        self.tunnels.append(target)
        host, port = target.rsplit(":", 1)
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            with contextlib.suppress(Exception):
                dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))


async def test_bot_api_requests_go_through_proxy_url(tmp_path: Path, clock: FrozenClock) -> None:
    async with FakeTelegram(TOKEN) as tg, ConnectProxy() as proxy:
        settings = make_settings(
            f"sqlite+aiosqlite:///{tmp_path}/bot.db",
            telegram_api_url=tg.base_url,
            proxy_url=f"http://127.0.0.1:{proxy.port}",
        )
        stop = asyncio.Event()
        task = asyncio.create_task(run(settings, stop, clock=clock, poll_timeout=1))
        try:
            await tg.wait_for(lambda c: c.method == "getUpdates", timeout=60)
            admin = tg.user(ADMIN_ID, "Admin", language_code="en")
            await tg.send_text(admin, "/start")
            await tg.wait_message(admin.id, "Hello", timeout=30)
        finally:
            stop.set()
            await asyncio.wait_for(task, timeout=30)
    api = tg.base_url.removeprefix("http://")
    assert proxy.tunnels and set(proxy.tunnels) == {api}
