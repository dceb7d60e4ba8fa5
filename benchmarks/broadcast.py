"""How close our sender gets to Telegram's 30 messages a second on a broadcast.

    python benchmarks/broadcast.py [--recipients N] [--naive-recipients N] [--seed S]

One broadcast of N private-chat messages goes through the real outbox and the real Sender
(default RateLimiter, system clock) on a migrated SQLite file, against an in-process fake
Bot API that enforces Telegram's limits: a message that would be the 31st delivered in any
1-second sliding window, or the second one in a second to the same chat, is answered with
429 and not delivered; on top of that 5 % of sends (seeded) are answered with 429 and a
retry_after of 1-3 s. The fake counts deliveries per chat, which gives lost and duplicated
messages. The same fake (fresh counters, same seed) then serves the common naive sender:
one send after another, sleeping retry_after on a 429 and 0.05 s after each message.

The fake is an aiogram BaseSession, not an HTTP server: the benchmark is about pacing and
429 handling, and a loopback HTTP stack would only add a latency we can state ourselves
(each call sleeps 2-5 ms, seeded) while making the limits' timing less exact.

At the default size our side takes about 40 s and the naive side about 155 s: its 0.05 s
pauses cost 55 s, and sleeping out some 50 random 429s of 1-3 s costs the rest
(`--naive-recipients` shortens it, at the price of a noisier naive rate). After the table
come where our sender's time goes, split per step from the limiter's calls and the fake's,
and the ratio a sender with no overhead at all would reach under the same 429s: a message
refused near the end waits out its retry_after while nothing else is left to send, and
that tail counts in the wall time of every sender.

The last line is machine-readable:
    RESULT msgs_per_s=<x> ratio=<x> lost=<n> duplicates=<n>
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script from anywhere: the project packages (bot, storage, tests.support) live
# at the repository root, which is not on sys.path when Python starts benchmarks/x.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import heapq
import math
import random
import statistics
import tempfile
import time
from collections import Counter, deque
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message
from sqlalchemy import func, select

from benchmarks.common import make_settings, quiet_logging, sqlite_url
from bot.clock import SystemClock
from bot.delivery.limits import RateLimiter
from bot.delivery.policy import FINAL
from bot.delivery.sender import Sender
from bot.factory import create_bot
from bot.services.outbox import Envelope, enqueue
from storage.db import Database, read, write
from storage.migrate import migrate
from storage.models import OutboxMessage

# Telegram's limits as the fake enforces them.
OVERALL_PER_WINDOW = 30
WINDOW_S = 1.0
PER_CHAT_INTERVAL_S = 1.0
RANDOM_429_SHARE = 0.05
RANDOM_RETRY_AFTER_S = (1, 3)
LATENCY_S = (0.002, 0.005)

TARGET_RATIO = 0.93
NAIVE_PAUSE_S = 0.05
POLL_S = 0.2
FIRST_CHAT_ID = 5_000_000
TEXT = (
    "<b>Рабочая группа</b>: заседание переносится на четверг, 10:00. "
    "Повестка и материалы — в боте, раздел «Документы»."
)


# ---------------------------------------------------------------------------
# The fake Bot API
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Call:
    """One sendMessage as the fake saw it; `outcome` is "sent" or why it was refused."""

    chat_id: int
    started: float
    finished: float
    outcome: str
    first_attempt: bool


class FakeBotApi(BaseSession):
    """Telegram's limits, enforced: what breaks them is answered with 429, not delivered."""

    def __init__(self, seed: int) -> None:
        super().__init__()
        # Separate streams: how long a call takes must not shift which calls get a 429.
        self.refusals = random.Random(f"429-{seed}")
        self.latency = random.Random(f"latency-{seed}")
        self.window: deque[float] = deque()
        self.last_delivery: dict[int, float] = {}
        self.deliveries: Counter[int] = Counter()
        self.attempts: Counter[int] = Counter()
        self.calls: list[Call] = []
        self.next_message_id = 1

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - signature fixed by BaseSession
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        # A broadcast of texts downloads nothing; the yield makes this an async generator.
        raise NotImplementedError("the broadcast fake serves sendMessage only")
        yield b""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - signature fixed by BaseSession
    ) -> TelegramType:
        if not isinstance(method, SendMessage):
            raise TelegramBadRequest(method, f"the fake serves sendMessage, not {method}")
        started = time.monotonic()
        chat_id = int(method.chat_id)
        first_attempt = self.attempts[chat_id] == 0
        self.attempts[chat_id] += 1
        # Half the latency on the way in, the decision at the server, half on the way back:
        # the limits then apply to the moment Telegram would see the message.
        trip = self.latency.uniform(*LATENCY_S) / 2
        await asyncio.sleep(trip)
        outcome, retry_after = self._decide(chat_id, time.monotonic())
        await asyncio.sleep(trip)
        self.calls.append(Call(chat_id, started, time.monotonic(), outcome, first_attempt))
        if outcome != "sent":
            raise TelegramRetryAfter(
                method=method,
                message=f"Too Many Requests: retry after {retry_after}",
                retry_after=retry_after,
            )
        message = Message(
            message_id=self.next_message_id,
            date=datetime.now(UTC),
            chat=Chat(id=chat_id, type="private"),
            text=method.text,
        )
        self.next_message_id += 1
        return cast(TelegramType, message)

    def _decide(self, chat_id: int, now: float) -> tuple[str, int]:
        # Drawn for every call, so that the 429 stream depends only on the number of calls.
        unlucky = self.refusals.random() < RANDOM_429_SHARE
        random_wait = self.refusals.randint(*RANDOM_RETRY_AFTER_S)
        while self.window and self.window[0] <= now - WINDOW_S:
            self.window.popleft()
        if unlucky:
            return "random", random_wait
        if len(self.window) >= OVERALL_PER_WINDOW:
            return "overall", math.ceil(self.window[0] + WINDOW_S - now)
        last = self.last_delivery.get(chat_id)
        if last is not None and now - last < PER_CHAT_INTERVAL_S:
            return "chat", math.ceil(last + PER_CHAT_INTERVAL_S - now)
        self.window.append(now)
        self.last_delivery[chat_id] = now
        self.deliveries[chat_id] += 1
        return "sent", 0


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass
class SideResult:
    label: str
    recipients: list[int]
    calls: list[Call]
    deliveries: Counter[int]
    statuses: dict[str, int] = field(default_factory=dict)
    timed_out: bool = False

    @property
    def delivered(self) -> int:
        """Recipients who got the message; a duplicate is no extra work done."""
        return sum(1 for chat in self.recipients if self.deliveries[chat] > 0)

    @property
    def lost(self) -> int:
        return len(self.recipients) - self.delivered

    @property
    def duplicates(self) -> int:
        return sum(max(0, n - 1) for n in self.deliveries.values())

    @property
    def first_send(self) -> float:
        return min(c.started for c in self.calls)

    @property
    def last_delivery(self) -> float:
        return max(c.finished for c in self.calls if c.outcome == "sent")

    @property
    def seconds(self) -> float:
        """From the first send starting to the last delivery coming back."""
        if not any(c.outcome == "sent" for c in self.calls):
            return math.nan
        return self.last_delivery - self.first_send

    @property
    def msgs_per_s(self) -> float:
        seconds = self.seconds
        return self.delivered / seconds if seconds > 0 else math.nan

    @property
    def ratio(self) -> float:
        return self.msgs_per_s / OVERALL_PER_WINDOW

    def refusals(self, reason: str) -> int:
        return sum(1 for c in self.calls if c.outcome == reason)

    @property
    def tail_s(self) -> float:
        """How long retries ran on after the last recipient's first attempt had started."""
        last_fresh = max(c.started for c in self.calls if c.first_attempt)
        return max(0.0, self.last_delivery - last_fresh)


# ---------------------------------------------------------------------------
# Our side: the outbox and the real Sender
# ---------------------------------------------------------------------------


class RecordingLimiter(RateLimiter):
    """The default RateLimiter, its behaviour unchanged, noting when the sender asks it what.

    Sender.step calls overall_delay() first (it claims a row while the pause's last part
    runs out), checks delay() for the claimed chat, calls reserve() just before sending and
    refused() after a 429; with the fake's call times that splits every step into its
    phases without touching the sender.
    """

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, float, float]] = []

    def overall_delay(self) -> float:
        delay = super().overall_delay()
        self.events.append(("delay", time.monotonic(), delay))
        return delay

    def reserve(self, chat_id: int) -> None:
        self.events.append(("reserve", time.monotonic(), 0.0))
        super().reserve(chat_id)

    def refused(self, chat_id: int, retry_after: float) -> None:
        self.events.append(("refused", time.monotonic(), retry_after))
        super().refused(chat_id, retry_after)


async def outbox_statuses(db: Database) -> dict[str, int]:
    async with db.session() as session, read(session):
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return {status: int(n) for status, n in rows.all()}


async def run_ours(
    directory: Path, recipients: list[int], seed: int
) -> tuple[SideResult, RecordingLimiter]:
    url = sqlite_url(directory, "broadcast.db")
    await migrate(url)
    db = Database(url)
    fake = FakeBotApi(seed)
    bot = create_bot(make_settings(url), fake)
    clock = SystemClock()
    limiter = RecordingLimiter()
    try:
        envelopes = [
            Envelope(key=f"broadcast:bench:{i}", kind="broadcast", chat_id=chat, text=TEXT)
            for i, chat in enumerate(recipients)
        ]
        # One transaction, as a broadcast is enqueued by the secretariat's confirmation.
        async with db.session() as session, write(session):
            added = await enqueue(session, envelopes, clock.now())
        if added != len(recipients):
            raise RuntimeError(f"enqueued {added} rows for {len(recipients)} recipients")

        sender = Sender(db, bot, clock, limiter)
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run(stop), name="sender")
        final = {status.value for status in FINAL}
        # Generous: ten times the ideal duration, so a stuck row ends the run, not CI.
        deadline = time.monotonic() + 60 + 10 * len(recipients) / OVERALL_PER_WINDOW
        timed_out = False
        while True:
            await asyncio.sleep(POLL_S)
            statuses = await outbox_statuses(db)
            if sum(n for s, n in statuses.items() if s in final) >= len(recipients):
                break
            if task.done() or time.monotonic() > deadline:
                timed_out = True
                break
        stop.set()
        sender.wake()
        await task
        statuses = await outbox_statuses(db)
    finally:
        await bot.session.close()
        await db.dispose()
    result = SideResult("ours (outbox + Sender)", recipients, fake.calls, fake.deliveries)
    result.statuses = statuses
    result.timed_out = timed_out
    return result, limiter


# ---------------------------------------------------------------------------
# The naive side: the common template
# ---------------------------------------------------------------------------


async def run_naive(recipients: list[int], seed: int) -> SideResult:
    fake = FakeBotApi(seed)
    bot = create_bot(make_settings("sqlite+aiosqlite:///unused.db"), fake)
    for chat in recipients:
        while True:
            try:
                await bot.send_message(chat, TEXT)
                break
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
        await asyncio.sleep(NAIVE_PAUSE_S)
    return SideResult(f"naive ({NAIVE_PAUSE_S:g} s pause)", recipients, fake.calls, fake.deliveries)


# ---------------------------------------------------------------------------
# Where our sender's time goes
# ---------------------------------------------------------------------------


@dataclass
class Phases:
    """Per claimed row: the limiter's pause, what the claim transaction took beyond the
    pause (with the sleep's overshoot), the Bot API call, and recording the outcome (to the
    next step's start)."""

    wait: list[float] = field(default_factory=list)
    claim: list[float] = field(default_factory=list)
    send: list[float] = field(default_factory=list)
    record: list[float] = field(default_factory=list)
    interval: list[float] = field(default_factory=list)
    idle_steps: int = 0
    idle_s: float = 0.0


def split_phases(limiter: RecordingLimiter, calls: Sequence[Call]) -> Phases:
    phases = Phases()
    events = limiter.events
    reserves = [i for i, (kind, _, _) in enumerate(events) if kind == "reserve"]
    if len(reserves) != len(calls):
        # Only a sequential sender pairs reserves with calls one to one.
        return phases
    delays = [(t, d) for kind, t, d in events if kind == "delay"]
    # A step whose claim found nothing: two pauses asked for with no reservation between.
    for (kind, t, _), (next_kind, next_t, _) in pairwise(events):
        if kind == "delay" and next_kind == "delay":
            phases.idle_steps += 1
            phases.idle_s += next_t - t
    delay_index = 0
    previous_reserve: float | None = None
    for index, call in zip(reserves, calls, strict=True):
        reserved = events[index][1]
        while delay_index + 1 < len(delays) and delays[delay_index + 1][0] < reserved:
            delay_index += 1
        asked_at, delay = delays[delay_index]
        phases.wait.append(delay)
        phases.claim.append(reserved - asked_at - delay)
        phases.send.append(call.finished - reserved)
        following = next((t for t, _ in delays[delay_index + 1 :] if t > call.finished), None)
        if following is not None:
            phases.record.append(following - call.finished)
        if previous_reserve is not None:
            phases.interval.append(reserved - previous_reserve)
        previous_reserve = reserved
    return phases


def phase_lines(phases: Phases, result: SideResult, spacing: float) -> list[str]:
    if not phases.claim:
        return ["--- phases unavailable: reservations and calls did not pair up"]

    def ms(values: list[float], how: str = "median") -> str:
        if not values:
            return "-"
        value = statistics.median(values) if how == "median" else statistics.fmean(values)
        return f"{value * 1000:.2f}"

    wall = result.seconds
    lines = ["--- where our sender's time goes (per claimed row, ms; share of the wall time)"]
    lines.append(f"{'phase':<44}{'median':>9}{'mean':>9}{'share':>8}")
    rows = (
        ("pause asked of the limiter (overall_delay)", phases.wait),
        ("claim beyond the pause + sleep overshoot", phases.claim),
        ("Bot API call (incl. 2-5 ms latency)", phases.send),
        ("record transaction (+ audit)", phases.record),
    )
    for label, values in rows:
        share = 100 * sum(values) / wall if wall > 0 else math.nan
        lines.append(f"{label:<44}{ms(values):>9}{ms(values, 'mean'):>9}{share:>7.1f}%")
    lines.append(
        f"{'steps that found nothing due (idle waits)':<44}{phases.idle_steps:>9}"
        f"{'':>9}{100 * phases.idle_s / wall:>7.1f}%"
    )
    if phases.interval:
        median = statistics.median(phases.interval)
        lines.append(
            f"time between reservations: median {median * 1000:.2f} ms "
            f"(limiter spacing {spacing * 1000:.2f} ms) -> {1 / median:.1f} sends/s at best"
        )
    fresh = [c for c in result.calls if c.first_attempt]
    fresh_span = max(c.started for c in fresh) - result.first_send
    fresh_sent = sum(
        1 for c in result.calls if c.outcome == "sent" and c.started <= fresh[-1].started
    )
    if fresh_span > 0:
        lines.append(
            f"until the last first attempt: {fresh_sent} delivered in {fresh_span:.2f} s "
            f"({fresh_sent / fresh_span:.2f}/s, ratio {fresh_sent / fresh_span / 30:.3f}); "
            f"then {result.tail_s:.2f} s of retries only"
        )
    return lines


def ideal_ratio(recipients: int, per_second: float, seed: int) -> float:
    """The ratio of a sender with no overhead at all: sends exactly every 1/per_second s,
    a 429 costs it no time and no slot, and a retry goes out the moment it is due.

    What it cannot avoid is the tail: a message refused near the end waits its retry_after
    while nothing else is left to send, and the wall time runs to its delivery.
    """
    rng = random.Random(f"ideal-{seed}")
    spacing = 1.0 / per_second
    fresh = deque(range(recipients))
    retries: list[tuple[float, int]] = []
    now = last = 0.0
    delivered = 0
    while delivered < recipients:
        if retries and retries[0][0] <= now:
            chat = heapq.heappop(retries)[1]
        elif fresh:
            chat = fresh.popleft()
        else:
            now = retries[0][0]
            continue
        if rng.random() < RANDOM_429_SHARE:
            heapq.heappush(retries, (now + rng.randint(*RANDOM_RETRY_AFTER_S), chat))
            continue
        delivered += 1
        last = now
        now += spacing
    # n deliveries over n - 1 intervals, as the measured side counts them.
    return recipients / last / OVERALL_PER_WINDOW if last > 0 else math.nan


def ceiling_line(recipients: int, per_second: float, runs: int = 200) -> str:
    ratios = sorted(ideal_ratio(recipients, per_second, seed) for seed in range(runs))
    return (
        f"ceiling: a zero-overhead sender at {per_second:g}/s under the same 429s reaches ratio "
        f"{statistics.median(ratios):.3f} (median; p10 {ratios[runs // 10]:.3f}, p90 "
        f"{ratios[runs * 9 // 10]:.3f}, share >= {TARGET_RATIO}: "
        f"{sum(r >= TARGET_RATIO for r in ratios) / runs:.0%}; {runs} simulated runs)"
    )


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def side_line(result: SideResult) -> str:
    return (
        f"{result.label:<26}{result.msgs_per_s:>8.2f}{result.ratio:>9.3f}"
        f"{result.seconds:>9.2f}{result.delivered:>7}{result.lost:>6}{result.duplicates:>6}"
        f"{len(result.calls):>7}{result.refusals('random'):>8}"
        f"{result.refusals('overall'):>9}{result.refusals('chat'):>6}"
    )


def print_report(
    args: argparse.Namespace,
    ours: SideResult,
    naive: SideResult | None,
    limiter: RecordingLimiter,
) -> None:
    print(
        f"broadcast: {len(ours.recipients)} private chats via outbox + Sender, "
        f"{len(naive.recipients) if naive else 0} via the naive loop; seed={args.seed}"
    )
    print(
        f"fake Bot API: in-process aiogram session, {LATENCY_S[0] * 1000:g}-"
        f"{LATENCY_S[1] * 1000:g} ms latency per call; enforces {OVERALL_PER_WINDOW} delivered "
        f"per {WINDOW_S:g} s sliding window and 1 per {PER_CHAT_INTERVAL_S:g} s per chat "
        f"(429, not delivered); {RANDOM_429_SHARE:.0%} random 429, retry_after "
        f"{RANDOM_RETRY_AFTER_S[0]}-{RANDOM_RETRY_AFTER_S[1]} s"
    )
    print(
        f"our limiter (the default, SystemClock): {1 / limiter.spacing:g}/s overall, evenly, "
        f"and a message waits until the one {limiter.per_window} before it was answered "
        f"{limiter.window:g} s ago"
    )
    print(
        f"{'':<26}{'msgs/s':>8}{'ratio':>9}{'seconds':>9}{'deliv':>7}{'lost':>6}{'dup':>6}"
        f"{'calls':>7}{'429 rnd':>8}{'overall':>9}{'chat':>6}"
    )
    print(side_line(ours))
    if naive is not None:
        print(side_line(naive))
    print("(ratio = msgs/s / 30; seconds = first send to last delivery)")
    ratio_ok = "met" if ours.ratio >= TARGET_RATIO else "MISSED"
    print(f"{'ratio to 30 msg/s':<26}{ours.ratio:>8.3f}   target >= {TARGET_RATIO}: {ratio_ok}")
    integrity_ok = "met" if ours.lost == 0 and ours.duplicates == 0 else "MISSED"
    print(
        f"{'lost / duplicates':<26}{ours.lost:>4} / {ours.duplicates:<4}target 0 / 0: "
        f"{integrity_ok}"
    )
    if naive is not None:
        print(f"{'ours / naive, msgs/s':<26}{ours.msgs_per_s / naive.msgs_per_s:>8.2f}")
    statuses = ", ".join(f"{s} {n}" for s, n in sorted(ours.statuses.items()))
    print(f"outbox after the run: {statuses}{'  (TIMED OUT)' if ours.timed_out else ''}")
    for line in phase_lines(split_phases(limiter, ours.calls), ours, limiter.spacing):
        print(line)
    for pace in sorted({1 / limiter.spacing, OVERALL_PER_WINDOW}):
        print(ceiling_line(len(ours.recipients), pace))


def chat_ids(n: int) -> list[int]:
    return [FIRST_CHAT_ID + i for i in range(n)]


async def run(args: argparse.Namespace) -> int:
    problems = quiet_logging()
    with tempfile.TemporaryDirectory(prefix="wg-bench-") as tmp:
        ours, limiter = await run_ours(Path(tmp), chat_ids(args.recipients), args.seed)
    naive: SideResult | None = None
    if args.naive_recipients:
        naive = await run_naive(chat_ids(args.naive_recipients), args.seed)
    print_report(args, ours, naive, limiter)
    if problems.records:
        print(f"WARNING: {len(problems.records)} warnings/errors logged:")
        for line in problems.summary():
            print(f"  {line}")
    print(
        f"RESULT msgs_per_s={ours.msgs_per_s:.2f} ratio={ours.ratio:.3f} "
        f"lost={ours.lost} duplicates={ours.duplicates}"
    )
    return 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=1000, help="chats in the broadcast")
    parser.add_argument(
        "--naive-recipients",
        type=int,
        default=None,
        help="chats for the naive loop (default: --recipients; 0 skips it)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the fake's 429s and latency")
    args = parser.parse_args(argv)
    if args.naive_recipients is None:
        args.naive_recipients = args.recipients
    if args.recipients < 1 or args.naive_recipients < 0:
        parser.error("need --recipients >= 1 and --naive-recipients >= 0")
    return args


def main() -> None:
    raise SystemExit(asyncio.run(run(parse_args())))


if __name__ == "__main__":
    main()
