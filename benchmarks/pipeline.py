"""How much our update pipeline costs over the minimal bot that writes once per update.

    python benchmarks/pipeline.py [--updates N] [--seed S] [--rounds R] [--scenario mixed]
                                  [--profile [TOP]]

The pipeline side is the real dispatcher from bot.factory on a migrated SQLite file, with
a seeded roster, fed realistic updates (commands, button presses, a language change that
writes, stray text). The baseline is a bare aiogram Dispatcher with one handler doing one
INSERT and COMMIT per update into its own SQLite file with the same engine settings.
Both sides get the same Update objects, one at a time; N updates per side are split over
R alternating rounds after a warm-up, and medians over rounds are reported because the
machine is shared and noisy. `--profile` adds, after the measurement, a per-kind table of
latency and database work and a wall-clock sample of where the pipeline's time goes.

The last line is machine-readable:
    RESULT pipeline_ups=<n> baseline_ups=<n> ratio=<x> p99_ms=<x>
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script from anywhere: the project packages (bot, storage, tests.support) live
# at the repository root, which is not on sys.path when Python starts benchmarks/x.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
import asyncio
import gc
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import CallbackQuery, Message, Update
from sqlalchemy import BigInteger, Column, Integer, MetaData, String, Table, insert

from benchmarks.common import (
    App,
    Feeder,
    Person,
    Roster,
    RoundResult,
    SqlCounter,
    Summary,
    UpdateFactory,
    WallSampler,
    build_app,
    dispatcher_feeder,
    feed_timed,
    percentile,
    quiet_logging,
    seed_roster,
    sqlite_url,
    summarize,
)
from bot.callbacks import LangCb, MembersCb, MenuCb
from bot.i18n import SUPPORTED
from bot.keyboards import PAGE_SIZE
from storage.db import Database

TARGET_RATIO = 0.8
TARGET_P99_MS = 10.0

# ---------------------------------------------------------------------------
# Scenario "mixed": what a day of a working group's bot looks like
# ---------------------------------------------------------------------------

# (kind, weight): weights are percentages of the updates. Roughly half messages, half
# button presses; reads dominate, and about one update in sixteen writes.
MIXED: tuple[tuple[str, int], ...] = (
    ("start", 8),
    ("help", 8),
    ("menu", 8),
    ("members", 6),  # by the secretariat or the administrator
    ("members_refused", 4),  # by a plain member: refused by the fallback
    ("language", 4),
    ("cancel", 2),
    ("text", 10),  # free text outside any dialog
    ("outsider", 2),  # someone not in the roster
    ("cb_main", 10),
    ("cb_help", 5),
    ("cb_language", 5),
    ("cb_members", 6),
    ("cb_page", 6),
    ("cb_open", 8),
    ("cb_set_language", 6),  # writes: language, audit entry, update mark
    ("cb_refused", 2),  # a roster button pressed by someone who may not
)

FREE_TEXTS = (
    "Добрый день! Когда следующее заседание?",
    "Hello, where can I find the agenda?",
    "Спасибо",
    "Пришлите, пожалуйста, протокол",
    "ok",
)


class MixedScenario:
    """Generates updates; keeps per-person language so that each change really changes."""

    def __init__(self, roster: Roster, factory: UpdateFactory, seed: int) -> None:
        self.roster = roster
        self.factory = factory
        self.rng = random.Random(seed)
        self.kinds = [k for k, _ in MIXED]
        self.weights = [w for _, w in MIXED]
        self.locale: dict[int, str] = {}
        # What each update is, for the per-kind profile.
        self.kind_of: dict[int, str] = {}
        self.pages = max(1, -(-len(roster.members) // PAGE_SIZE))

    def _language_after(self, person: Person) -> str:
        current = self.locale.get(person.telegram_id, person.language_code or "ru")
        following = SUPPORTED[(SUPPORTED.index(current) + 1) % len(SUPPORTED)]
        self.locale[person.telegram_id] = following
        return following

    def take(self, n: int) -> list[Update]:
        return [self.one() for _ in range(n)]

    def one(self) -> Update:
        kind = self.rng.choices(self.kinds, self.weights)[0]
        update = self._build(kind)
        self.kind_of[update.update_id] = kind
        return update

    def _build(self, kind: str) -> Update:
        rng, f, roster = self.rng, self.factory, self.roster
        anyone = rng.choice(roster.people)
        manager = rng.choice(roster.managers)
        plain = rng.choice(roster.plain)
        if kind in ("start", "help", "menu", "language", "cancel"):
            return f.message(anyone, f"/{kind}")
        if kind == "members":
            return f.message(manager, "/members")
        if kind == "members_refused":
            return f.message(plain, "/members")
        if kind == "text":
            return f.message(anyone, rng.choice(FREE_TEXTS))
        if kind == "outsider":
            return f.message(rng.choice(roster.outsiders), "/start")
        if kind == "cb_main":
            return f.callback(anyone, MenuCb(section="main").pack())
        if kind == "cb_help":
            return f.callback(anyone, MenuCb(section="help").pack())
        if kind == "cb_language":
            return f.callback(anyone, MenuCb(section="language").pack())
        if kind == "cb_members":
            return f.callback(manager, MenuCb(section="members").pack())
        if kind == "cb_page":
            page = rng.randrange(self.pages)
            return f.callback(manager, MembersCb(action="page", page=page).pack())
        if kind == "cb_open":
            person = rng.choice(roster.person_ids)
            page = rng.randrange(self.pages)
            return f.callback(manager, MembersCb(action="open", person=person, page=page).pack())
        if kind == "cb_set_language":
            return f.callback(anyone, LangCb(code=self._language_after(anyone)).pack())
        if kind == "cb_refused":
            person = rng.choice(roster.person_ids)
            return f.callback(plain, MembersCb(action="open", person=person).pack())
        raise AssertionError(f"unknown update kind {kind}")


class Scenario(Protocol):
    kind_of: dict[int, str]

    def take(self, n: int) -> list[Update]: ...


SCENARIOS: dict[str, Callable[[Roster, UpdateFactory, int], Scenario]] = {
    "mixed": MixedScenario,
}

# ---------------------------------------------------------------------------
# Baseline: the minimal bot that writes once per update
# ---------------------------------------------------------------------------

baseline_metadata = MetaData()
hits = Table(
    "hit",
    baseline_metadata,
    Column("id", Integer, primary_key=True),
    Column("update_id", BigInteger, nullable=False),
    Column("user_id", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
)


async def build_baseline(db: Database) -> Dispatcher:
    async with db.engine.begin() as conn:
        await conn.run_sync(baseline_metadata.create_all)

    async def record(event: Message | CallbackQuery, event_update: Update) -> None:
        user = event.from_user
        assert user is not None
        async with db.session() as session:
            await session.execute(
                insert(hits).values(
                    update_id=event_update.update_id,
                    user_id=user.id,
                    kind="message" if isinstance(event, Message) else "callback",
                )
            )
            await session.commit()

    # One handler; registered for both kinds so that it sees the same updates as ours.
    dp = Dispatcher()
    dp.message.register(record)
    dp.callback_query.register(record)
    return dp


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


class Side:
    """One dispatcher under test, with the checks that keep its numbers honest."""

    def __init__(self, label: str, dp: Dispatcher, bot: Bot) -> None:
        self.label = label
        self.inner: Feeder = dispatcher_feeder(dp, bot)
        self.unhandled = 0
        self.rounds: list[RoundResult] = []

    async def feed(self, update: Update) -> Any:
        result = await self.inner(update)
        if result is UNHANDLED:
            self.unhandled += 1
        return result

    async def run(self, updates: Sequence[Update], *, record: bool = True) -> RoundResult:
        # Each side starts with no garbage left by the other, so neither pays for the other.
        gc.collect()
        result = await feed_timed(self.label, self.feed, updates)
        if record:
            self.rounds.append(result)
        return result


def split(total: int, parts: int) -> list[int]:
    """`total` updates over `parts` rounds, as evenly as possible."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


async def run(args: argparse.Namespace) -> int:
    problems = quiet_logging()
    with tempfile.TemporaryDirectory(prefix="wg-bench-") as tmp:
        directory = Path(tmp)
        world = await build_app(sqlite_url(directory, "bot.db"))
        roster = await seed_roster(world, members=args.members)
        baseline_db = Database(sqlite_url(directory, "baseline.db"))
        try:
            baseline_dp = await build_baseline(baseline_db)
            factory = UpdateFactory(world.bot, first_update_id=1_000_000)
            scenario = SCENARIOS[args.scenario](roster, factory, args.seed)
            pipeline = Side("pipeline", world.dp, world.bot)
            # The same mounted Update objects go to both sides; the baseline never calls
            # the Bot API, so sharing the bot costs it nothing.
            baseline = Side("baseline", baseline_dp, world.bot)

            # Warm-up: SQLAlchemy's statement cache, pydantic validators, translators and
            # SQLite's page cache are filled before anything counts.
            warm = scenario.take(args.warmup)
            await pipeline.run(warm, record=False)
            await baseline.run(warm, record=False)

            requests = 0
            for number, size in enumerate(split(args.updates, args.rounds)):
                # Fresh updates every round: reused update ids would hit the redelivery check.
                updates = scenario.take(size)
                world.session.reset()
                # Alternating who goes first cancels drift (thermal, neighbours) over rounds.
                order = (pipeline, baseline) if number % 2 == 0 else (baseline, pipeline)
                for side in order:
                    await side.run(updates)
                requests += len(world.session.requests)

            profile_lines: list[str] = []
            if args.profile:
                profile_lines = await profile_pipeline(world, pipeline, scenario, args)
        finally:
            await baseline_db.dispose()
            await world.db.dispose()

    ours, theirs = summarize(pipeline.rounds), summarize(baseline.rounds)
    for line in profile_lines:
        print(line)
    print_report(args, ours, theirs, pipeline, baseline, requests)
    failures = len(problems.records) + pipeline.unhandled + baseline.unhandled
    if failures:
        print(
            f"WARNING: {len(problems.records)} warnings/errors logged, "
            f"{pipeline.unhandled} + {baseline.unhandled} updates unhandled (pipeline + "
            "baseline); the numbers may measure a failure path:"
        )
        for line in problems.summary():
            print(f"  {line}")
    ratio = ours.ups / theirs.ups
    print(
        f"RESULT pipeline_ups={ours.ups:.0f} baseline_ups={theirs.ups:.0f} "
        f"ratio={ratio:.3f} p99_ms={ours.p99:.2f}"
    )
    return 0


async def profile_pipeline(
    world: App, side: Side, scenario: Scenario, args: argparse.Namespace
) -> list[str]:
    """One extra, unmeasured pipeline round: per-kind latency and database work, then a
    wall-clock sample of where the time goes."""
    updates = scenario.take(max(args.updates // args.rounds, 200))
    counter = SqlCounter(world.db.engine)
    per_kind: dict[str, list[tuple[float, int, int, int]]] = defaultdict(list)
    try:
        gc.collect()
        for update in updates:
            before = counter.snapshot()
            started = time.perf_counter()
            await side.feed(update)
            elapsed = (time.perf_counter() - started) * 1000
            after = counter.snapshot()
            statements, checkouts, resets = (a - b for a, b in zip(after, before, strict=True))
            per_kind[scenario.kind_of[update.update_id]].append(
                (elapsed, statements, checkouts, resets)
            )
    finally:
        counter.close()
    lines = [f"--- profile: one extra pipeline round of {len(updates)} updates, by kind"]
    lines.append(
        f"{'kind':<18}{'n':>5}{'p50 ms':>9}{'p99 ms':>9}{'SQL/upd':>9}"
        f"{'conn/upd':>10}{'resets/upd':>12}"
    )
    for kind, rows in sorted(
        per_kind.items(), key=lambda kv: -percentile([r[0] for r in kv[1]], 50)
    ):
        latencies = [r[0] for r in rows]
        lines.append(
            f"{kind:<18}{len(rows):>5}{percentile(latencies, 50):>9.2f}"
            f"{percentile(latencies, 99):>9.2f}{statistics.mean(r[1] for r in rows):>9.1f}"
            f"{statistics.mean(r[2] for r in rows):>10.1f}"
            f"{statistics.mean(r[3] for r in rows):>12.1f}"
        )
    by_verb = ", ".join(f"{k} {v}" for k, v in counter.statements.most_common())
    lines.append(f"statements in the round: {by_verb}")

    sampled = scenario.take(len(updates))
    gc.collect()
    with WallSampler() as sampler:
        for update in sampled:
            await side.feed(update)
    lines.append(f"--- profile: wall-clock sampling over another {len(sampled)} updates")
    lines.extend(sampler.report(args.profile))
    lines.append("")
    return lines


def print_report(
    args: argparse.Namespace,
    ours: Summary,
    theirs: Summary,
    pipeline: Side,
    baseline: Side,
    requests: int,
) -> None:
    ratio = ours.ups / theirs.ups
    print(
        f"scenario={args.scenario} updates/side={args.updates} in {args.rounds} rounds "
        f"(+{args.warmup} warm-up) seed={args.seed} roster={args.members} "
        "fed one at a time; medians over rounds"
    )
    print(f"{'':<30}{'updates/s':>11}{'p50 ms':>9}{'p99 ms':>9}")
    for label, s in (("pipeline (ours)", ours), ("baseline (1 INSERT+COMMIT)", theirs)):
        print(f"{label:<30}{s.ups:>11.0f}{s.p50:>9.2f}{s.p99:>9.2f}")
    ratio_ok = "met" if ratio >= TARGET_RATIO else "MISSED"
    p99_ok = "met" if ours.p99 <= TARGET_P99_MS else "MISSED"
    print(f"{'ratio pipeline/baseline':<30}{ratio:>11.3f}   target >= {TARGET_RATIO}: {ratio_ok}")
    print(f"{'pipeline p99, ms':<30}{ours.p99:>11.2f}   target <= {TARGET_P99_MS:g}: {p99_ok}")
    per_round = "  ".join(
        f"{p.ups:.0f}/{b.ups:.0f}" for p, b in zip(pipeline.rounds, baseline.rounds, strict=True)
    )
    print(f"rounds, updates/s pipeline/baseline: {per_round}")
    print(f"Bot API calls made by the pipeline in measured rounds: {requests}")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--updates", type=int, default=2000, help="measured updates per side, over all rounds"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the update mix")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds per side")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured updates per side")
    parser.add_argument("--members", type=int, default=50, help="people in the seeded roster")
    parser.add_argument(
        "--scenario",
        choices=sorted(SCENARIOS),
        default="mixed",
        help="the update mix; only 'mixed' for now",
    )
    parser.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=25,
        default=0,
        metavar="TOP",
        help="after measuring, profile extra pipeline rounds and show TOP lines of our code",
    )
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.updates < args.rounds or args.warmup < 0 or args.members < 8:
        parser.error("need --rounds >= 1, --updates >= --rounds, --warmup >= 0, --members >= 8")
    return args


def main() -> None:
    raise SystemExit(asyncio.run(run(parse_args())))


if __name__ == "__main__":
    main()
