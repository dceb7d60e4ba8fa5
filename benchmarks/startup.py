"""Cold start and idle memory: `python -m bot` against a bare aiogram bot, in the same run.

Both are started as new processes against the same fake Bot API on 127.0.0.1 (so the
network costs the same); each is timed from process start to its first getUpdates, and its
resident memory (VmRSS) is read a few seconds later while it idles. Each is started
`--runs` times and the medians are compared.

    .venv/bin/python benchmarks/startup.py [--runs 3] [--idle-s 3]

Prints a table, the baseline, and a last line
    RESULT start_s=<ours> baseline_start_s=<bare> start_over_s=<diff> rss_mb=<ours>
           baseline_rss_mb=<bare> rss_over_mb=<diff>
Targets (issue #15 item 9): within 0.5 s and 30 MB of the bare bot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fake_api import FakeTelegram  # noqa: E402

TOKEN = "123456:" + "B" * 35
TARGET_START_S = 0.5
TARGET_RSS_MB = 30.0

# The smallest aiogram bot that polls: one handler, aiogram's own polling.
BARE = """
import asyncio, os, sys
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message

async def main() -> None:
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_URL"]))
    bot = Bot(os.environ["BOT_TOKEN"], session=session)
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "")

    await dp.start_polling(bot, handle_signals=True, polling_timeout=1)

asyncio.run(main())
"""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(
    argv: list[str], env: dict[str, str], tg: FakeTelegram, idle_s: float
) -> tuple[float, float]:
    mark = len(tg.calls)
    started = time.perf_counter()
    process = await asyncio.create_subprocess_exec(
        *argv,
        env=env,
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        await tg.wait_for(
            lambda c: c.method == "getUpdates" and any(c is x for x in tg.calls[mark:]),
            timeout=300,
        )
        start_s = time.perf_counter() - started
        await asyncio.sleep(idle_s)
        memory = rss_mb(process.pid)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout=30)
            except TimeoutError:
                process.kill()
                await process.wait()
    return start_s, memory


async def run(args: argparse.Namespace) -> int:
    base_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BOT_", "DATABASE_", "DATA_DIR", "ENV_FILE", "WEBHOOK_", "HEALTH_"))
    }
    ours: list[tuple[float, float]] = []
    bare: list[tuple[float, float]] = []
    async with FakeTelegram(TOKEN) as tg:
        env = {
            **base_env,
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": tg.base_url,
            "ADMIN_IDS": "1",
            "PYTHONPATH": str(ROOT),
            "ENV_FILE": os.devnull,
        }
        for _ in range(args.runs):
            # Alternating, so that a noisy neighbour hurts both alike.
            bare.append(await measure([sys.executable, "-c", BARE], env, tg, args.idle_s))
            with tempfile.TemporaryDirectory() as data:
                # A migrated database, as on every start but the first.
                warm = {**env, "DATA_DIR": data}
                await measure([sys.executable, "-m", "bot"], warm, tg, 0)
                ours.append(await measure([sys.executable, "-m", "bot"], warm, tg, args.idle_s))

    def med(values: list[tuple[float, float]], i: int) -> float:
        return statistics.median(v[i] for v in values)

    start, base_start = med(ours, 0), med(bare, 0)
    rss, base_rss = med(ours, 1), med(bare, 1)
    print(f"{'':24} {'start to getUpdates, s':>24} {'idle RSS, MB':>14}")
    print(f"{'python -m bot':24} {start:>24.2f} {rss:>14.1f}")
    print(f"{'bare aiogram (baseline)':24} {base_start:>24.2f} {base_rss:>14.1f}")
    print(
        f"{'difference':24} {start - base_start:>24.2f} {rss - base_rss:>14.1f}"
        f"   (target: ≤ {TARGET_START_S} s, ≤ {TARGET_RSS_MB:.0f} MB)"
    )
    print(
        f"RESULT start_s={start:.2f} baseline_start_s={base_start:.2f} "
        f"start_over_s={start - base_start:.2f} rss_mb={rss:.1f} baseline_rss_mb={base_rss:.1f} "
        f"rss_over_mb={rss - base_rss:.1f}"
    )
    return 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle-s", type=float, default=3.0)
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(asyncio.run(run(parse_args())))
