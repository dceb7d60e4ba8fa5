"""Shared pieces for benchmarks: the real application on a temporary SQLite file, a seeded
roster, Update objects built the way polling builds them, and latency statistics.

Benchmarks are scripts run from the repository root (`python benchmarks/<name>.py`); each
puts the root on sys.path before importing this module.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import math
import os
import shutil
import signal
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import Update
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from bot.clock import FrozenClock
from bot.config import Settings
from bot.context import AppContext
from bot.domain.roles import Role
from bot.factory import create_bot, create_dispatcher
from bot.services.actor import Actor, load_actor
from bot.services.invites import InviteService, Newcomer
from bot.services.roster import RosterService
from bot.services.setup import ensure_default_group
from storage.db import Database
from storage.migrate import migrate
from tests.support.recording_session import RecordingSession

# A well-formed token that Telegram will never see: the session below makes no requests.
TOKEN = "123456:" + "B" * 35
ADMIN_ID = 700_001
BOT_USERNAME = "wg_bench_bot"
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
GROUP_NAME = "Рабочая группа"


# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------


class ProblemCounter(logging.Handler):
    """Counts warnings and errors during a run: a benchmark that quietly fails updates
    measures the error path, so the report has to say whether anything went wrong."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def summary(self, limit: int = 5) -> list[str]:
        return [f"{r.name}: {r.getMessage()}" for r in self.records[:limit]]


def quiet_logging() -> ProblemCounter:
    """aiogram logs one INFO line per update; printing thousands of them would be measured
    too. Warnings and errors are kept, counted, and not printed."""
    counter = ProblemCounter()
    root = logging.getLogger()
    root.handlers[:] = [counter]
    root.setLevel(logging.WARNING)
    for name in ("aiogram", "aiogram.event", "aiogram.dispatcher", "alembic", "sqlalchemy"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return counter


# ---------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------


def sqlite_url(directory: Path, name: str) -> str:
    return f"sqlite+aiosqlite:///{directory / name}"


def add_database_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--database-url",
        default=None,
        help=(
            "a PostgreSQL server to measure on, e.g. postgresql+asyncpg://postgres@127.0.0.1/postgres:"
            " fresh databases are created on it for the run and dropped after;"
            " default: SQLite files in a temporary folder"
        ),
    )


def engine_name(server_url: str | None) -> str:
    return "sqlite" if not server_url else make_url(server_url).get_backend_name()


class Databases:
    """Fresh databases for one run, on the engine the operator chose.

    Without a server URL, SQLite files in a temporary folder; with a PostgreSQL URL, new
    databases on that server (the URL's own database is only used to create and drop them),
    so the bot and its baseline meet the same engine with the same settings.
    """

    def __init__(self, server_url: str | None, directory: Path) -> None:
        self.server_url = server_url
        self.directory = directory
        self.created: list[str] = []

    def _admin(self) -> AsyncEngine:
        assert self.server_url is not None
        return create_async_engine(
            self.server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool
        )

    async def new(self, name: str, *, template: str | None = None) -> str:
        """A URL of an empty database called `name` (or a copy of `template`, made earlier
        by this object: the state at that moment, as a file copy would be)."""
        if self.server_url is None:
            if template is not None:
                copy_sqlite(self.directory / f"{template}.db", self.directory / f"{name}.db")
            return sqlite_url(self.directory, f"{name}.db")
        database = f"wg_bench_{os.getpid()}_{name}"
        clause = f' TEMPLATE "wg_bench_{os.getpid()}_{template}"' if template else ""
        admin = self._admin()
        try:
            async with admin.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
                await conn.execute(text(f'CREATE DATABASE "{database}"{clause}'))
        finally:
            await admin.dispose()
        self.created.append(database)
        url = make_url(self.server_url).set(database=database)
        return url.render_as_string(hide_password=False)

    async def drop_all(self) -> None:
        if self.server_url is None or not self.created:
            return
        admin = self._admin()
        try:
            async with admin.connect() as conn:
                for database in self.created:
                    await conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        finally:
            await admin.dispose()


@contextlib.asynccontextmanager
async def databases(server_url: str | None) -> AsyncIterator[Databases]:
    with tempfile.TemporaryDirectory(prefix="wg-bench-") as tmp:
        made = Databases(server_url, Path(tmp))
        try:
            yield made
        finally:
            await made.drop_all()


def copy_sqlite(source: Path, target: Path) -> None:
    """A SQLite database with its WAL files, copied while nothing writes to it."""
    for suffix in ("", "-wal", "-shm"):
        extra = Path(f"{source}{suffix}")
        if extra.exists():
            shutil.copyfile(extra, Path(f"{target}{suffix}"))


def make_settings(db_url: str) -> Settings:
    return Settings(
        bot_token=TOKEN,
        database_url=db_url,
        admin_ids=frozenset({ADMIN_ID}),
        timezone="Europe/Moscow",
        _env_file=None,  # settings come from here only, never from a stray .env
    )


@dataclass
class App:
    """The real dispatcher and its database, around a session that records API calls."""

    app: AppContext
    dp: Dispatcher
    bot: Bot
    session: RecordingSession
    clock: FrozenClock

    @property
    def db(self) -> Database:
        return self.app.db


async def build_app(db_url: str, *, validate: bool = False) -> App:
    """Wired as in bot/app.py, minus Telegram.

    `validate=False` by default: the recording session's HTML and length checks imitate
    what Telegram's servers do, which production never pays for on our side.
    """
    clock = FrozenClock(START)
    settings = make_settings(db_url)
    await migrate(db_url)
    db = Database(db_url)
    async with db.session() as s:
        group = await ensure_default_group(
            s, name=GROUP_NAME, timezone=settings.timezone, now=clock.now()
        )
    app = AppContext(
        settings=settings,
        db=db,
        clock=clock,
        group_id=group.id,
        timezone=group.timezone,
        bot_username=BOT_USERNAME,
    )
    session = RecordingSession(validate=validate, now=clock.now)
    bot = create_bot(settings, session)
    return App(app=app, dp=create_dispatcher(app), bot=bot, session=session, clock=clock)


# ---------------------------------------------------------------------------
# The roster
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A Telegram account the benchmark writes as; `person_id` is None outside the roster."""

    telegram_id: int
    first_name: str
    last_name: str | None
    language_code: str | None
    role: Role | None
    person_id: int | None = None
    is_admin: bool = False

    @property
    def manages_roster(self) -> bool:
        return self.is_admin or self.role is Role.SECRETARIAT


@dataclass
class Roster:
    admin: Person
    members: list[Person] = field(default_factory=list)
    outsiders: list[Person] = field(default_factory=list)

    @property
    def people(self) -> list[Person]:
        """Everyone who may use the bot: the roster and the administrator."""
        return [self.admin, *self.members]

    @property
    def managers(self) -> list[Person]:
        return [p for p in self.people if p.manages_roster]

    @property
    def plain(self) -> list[Person]:
        return [p for p in self.members if not p.manages_roster]

    @property
    def person_ids(self) -> list[int]:
        return [p.person_id for p in self.members if p.person_id is not None]


FIRST_NAMES = ("Анна", "Иван", "Мария", "Пётр", "Ольга", "Сергей", "Елена", "Дмитрий", "Ирина")
LAST_NAMES = ("Иванов", "Петрова", "Смирнов", "Кузнецова", "Попов", "Соколова", "Лебедев")
UNIT_NAMES = (
    "Отдел обращений граждан",
    "Отдел цифровых сервисов",
    "Правовое управление",
    "Управление делами",
    "Отдел аналитики",
)


def _roles(size: int) -> list[Role]:
    """One chair and one deputy (the roster allows no more), two secretaries, about a fifth
    unit representatives, the rest members."""
    roles = [Role.CHAIR, Role.DEPUTY_CHAIR, Role.SECRETARIAT, Role.SECRETARIAT]
    representatives = max(1, size // 5)
    roles += [Role.UNIT_REPRESENTATIVE] * representatives
    roles += [Role.MEMBER] * (size - len(roles))
    return roles[:size]


async def seed_roster(world: App, *, members: int = 50, outsiders: int = 5) -> Roster:
    """Units and people through the services, as the secretariat would: invite, then redeem.

    Going through the services (not raw inserts) keeps the rows exactly what production
    writes, audit entries included.
    """
    app = world.app
    settings = app.settings
    admin = Person(ADMIN_ID, "Админ", "Системный", "ru", None, is_admin=True)

    async def actor_for(person: Person) -> Actor:
        async with app.db.session() as s:
            return await load_actor(
                s,
                group_id=app.group_id,
                telegram_id=person.telegram_id,
                telegram_name=person.first_name,
                language_code=person.language_code,
                admin_ids=settings.admin_ids,
                default_locale=settings.default_locale,
            )

    admin_actor = await actor_for(admin)
    unit_ids: list[int] = []
    for name in UNIT_NAMES:
        async with app.db.session() as s:
            unit = await RosterService(s, app.clock).add_unit(admin_actor, name)
        unit_ids.append(unit.id)

    roster = Roster(admin=admin)
    for i, role in enumerate(_roles(members)):
        telegram_id = 100_000 + i
        first = FIRST_NAMES[i % len(FIRST_NAMES)]
        last = LAST_NAMES[i % len(LAST_NAMES)]
        # A third of the people use an English client, so both catalogs are exercised.
        language = "en" if i % 3 == 2 else "ru"
        unit_id: int | None = None
        if role is Role.UNIT_REPRESENTATIVE or i % 4 == 0:
            unit_id = unit_ids[i % len(unit_ids)]
        async with app.db.session() as s:
            invite = await InviteService(s, app.clock, app.invite_ttl).create(
                admin_actor,
                role=role,
                unit_id=unit_id,
                full_name=f"{last} {first} {i}",
            )
        newcomer = Person(telegram_id, first, last, language, role)
        newcomer_actor = await actor_for(newcomer)
        async with app.db.session() as s:
            joined = await InviteService(s, app.clock, app.invite_ttl).redeem(
                newcomer_actor,
                f"inv_{invite.code}",
                Newcomer(telegram_id, f"{first} {last}", None),
            )
        roster.members.append(
            Person(telegram_id, first, last, language, role, person_id=joined.member.person.id)
        )
    for j in range(outsiders):
        roster.outsiders.append(Person(900_000 + j, "Гость", None, "ru", None))
    return roster


# ---------------------------------------------------------------------------
# Updates, built as polling builds them
# ---------------------------------------------------------------------------


class UpdateFactory:
    """Update objects mounted on the bot, as getUpdates returns them.

    Building them as JSON and validating with the bot in the context is exactly what
    polling does; an unmounted Update would make feed_update do a JSON round trip of its
    own, which production never pays.
    """

    def __init__(self, bot: Bot, *, first_update_id: int = 1) -> None:
        self.bot = bot
        self.next_update_id = first_update_id
        self.next_message_id = 1
        self._callbacks = 0
        self._date = int(START.timestamp())

    def _update_id(self) -> int:
        self.next_update_id += 1
        return self.next_update_id - 1

    def _message_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1

    @staticmethod
    def _user(person: Person) -> dict[str, Any]:
        user: dict[str, Any] = {
            "id": person.telegram_id,
            "is_bot": False,
            "first_name": person.first_name,
        }
        if person.last_name:
            user["last_name"] = person.last_name
        if person.language_code:
            user["language_code"] = person.language_code
        return user

    @staticmethod
    def _chat(person: Person) -> dict[str, Any]:
        return {"id": person.telegram_id, "type": "private", "first_name": person.first_name}

    def message(self, person: Person, text: str) -> Update:
        message: dict[str, Any] = {
            "message_id": self._message_id(),
            "date": self._date,
            "chat": self._chat(person),
            "from": self._user(person),
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._mounted({"update_id": self._update_id(), "message": message})

    def callback(self, person: Person, data: str, card_text: str = "…") -> Update:
        """A button press on an earlier bot message in the person's private chat."""
        self._callbacks += 1
        bot_user = {"id": self.bot.id, "is_bot": True, "first_name": "WG Bench Bot"}
        message = {
            "message_id": self._message_id(),
            "date": self._date,
            "chat": self._chat(person),
            "from": bot_user,
            "text": card_text,
        }
        query = {
            "id": f"{person.telegram_id}{self._callbacks:07d}",
            "from": self._user(person),
            "chat_instance": f"ci{person.telegram_id}",
            "message": message,
            "data": data,
        }
        return self._mounted({"update_id": self._update_id(), "callback_query": query})

    def _mounted(self, raw: dict[str, Any]) -> Update:
        return Update.model_validate(raw, context={"bot": self.bot})


# ---------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundResult:
    label: str
    updates: int
    seconds: float
    latencies_ms: list[float]

    @property
    def ups(self) -> float:
        return self.updates / self.seconds if self.seconds > 0 else math.inf

    @property
    def p50(self) -> float:
        return percentile(self.latencies_ms, 50)

    @property
    def p99(self) -> float:
        return percentile(self.latencies_ms, 99)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile: an observed value, so p99 is a latency someone really had."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


Feeder = Callable[[Update], Awaitable[Any]]


async def feed_timed(label: str, feed: Feeder, updates: Sequence[Update]) -> RoundResult:
    """Feeds updates one after another, timing each and the whole round.

    Sequential on purpose: latency is then the cost of one update's path, not of queueing
    behind others; concurrency is what a burst scenario measures.
    """
    latencies: list[float] = []
    clock = time.perf_counter
    started = clock()
    for update in updates:
        t0 = clock()
        await feed(update)
        latencies.append((clock() - t0) * 1000)
    total = clock() - started
    return RoundResult(label, len(updates), total, latencies)


def dispatcher_feeder(dp: Dispatcher, bot: Bot) -> Feeder:
    async def feed(update: Update) -> Any:
        result = await dp.feed_update(bot, update)
        if isinstance(result, TelegramMethod):
            # Polling executes a method a handler returns; feed_update alone would drop it.
            await dp.silent_call_request(bot, result)
        return result

    return feed


@dataclass(frozen=True)
class Summary:
    ups: float
    p50: float
    p99: float


def summarize(rounds: Sequence[RoundResult]) -> Summary:
    """Medians over rounds: on a shared machine one noisy round should not decide."""
    return Summary(
        ups=statistics.median(r.ups for r in rounds),
        p50=statistics.median(r.p50 for r in rounds),
        p99=statistics.median(r.p99 for r in rounds),
    )


# ---------------------------------------------------------------------------
# Where the time goes
# ---------------------------------------------------------------------------


class SqlCounter:
    """Statements, connection checkouts and pool resets on one engine, via public events.

    With aiosqlite every statement is several round trips to the driver's thread (cursor,
    execute, fetch, close), and every checkout ends with a reset ROLLBACK, so these counts
    predict latency better than the time of any single query.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine.sync_engine
        self.statements: Counter[str] = Counter()
        self.checkouts = 0
        self.resets = 0
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine.pool, "checkout", self._checkout)
        event.listen(self.engine.pool, "reset", self._reset)

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine.pool, "checkout", self._checkout)
        event.remove(self.engine.pool, "reset", self._reset)

    def snapshot(self) -> tuple[int, int, int]:
        return sum(self.statements.values()), self.checkouts, self.resets

    def _statement(self, *args: Any) -> None:
        statement: str = args[2]
        self.statements[statement.split(None, 1)[0].upper()] += 1

    def _checkout(self, *args: Any) -> None:
        self.checkouts += 1

    def _reset(self, *args: Any) -> None:
        self.resets += 1


OWN_PACKAGES = frozenset({"bot", "handlers", "storage"})


class WallSampler:
    """A wall-clock sampling profiler for the main thread (SIGALRM, Unix only).

    cProfile misleads on asyncio code: each coroutine resumption counts as a call and
    cumulative times are counted again at every level of awaiting. Sampling the running
    frame instead shows where wall time goes: idle in the event loop (waiting for the
    database thread), or busy in SQLAlchemy, pydantic, aiogram or our own code.
    """

    def __init__(self, interval_s: float = 0.0005) -> None:
        self.interval_s = interval_s
        self.samples = 0
        self.innermost: Counter[str] = Counter()
        self.own_lines: Counter[str] = Counter()
        self._previous: Any = None

    def __enter__(self) -> WallSampler:
        self._previous = signal.signal(signal.SIGALRM, self._sample)
        signal.setitimer(signal.ITIMER_REAL, self.interval_s, self.interval_s)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0, 0)
        signal.signal(signal.SIGALRM, self._previous)

    @staticmethod
    def _package(frame: FrameType) -> str:
        module = str(frame.f_globals.get("__name__", "?"))
        return module.split(".", 1)[0]

    def _sample(self, signum: int, frame: FrameType | None) -> None:
        if frame is None:
            return
        self.samples += 1
        package = self._package(frame)
        if package == "selectors" or frame.f_code.co_name in ("select", "poll"):
            where = "idle: event loop waiting (database thread)"
        elif package in OWN_PACKAGES:
            where = "our code (bot, handlers, storage)"
        elif package == "tests":
            where = "fake Bot API session (tests.support)"
        else:
            where = package
        self.innermost[where] += 1
        # Every line of our code on the synchronous stack, once per sample. Code running
        # inside SQLAlchemy's greenlets has no link back to its caller, so database work
        # is under-counted here; the breakdown above has it.
        seen: set[str] = set()
        current: FrameType | None = frame
        while current is not None:
            if self._package(current) in OWN_PACKAGES:
                code = current.f_code
                path = code.co_filename
                for root in ("/bot/", "/handlers/", "/storage/"):
                    if root in path:
                        path = root[1:] + path.rsplit(root, 1)[1]
                        break
                line = f"{path}:{current.f_lineno} {code.co_name}"
                if line not in seen:
                    seen.add(line)
                    self.own_lines[line] += 1
            current = current.f_back

    def report(self, top: int) -> list[str]:
        total = max(1, self.samples)
        lines = [f"wall-clock samples: {self.samples} (every {self.interval_s * 1000:.1f} ms)"]
        lines.append("innermost frame by package:")
        for where, n in self.innermost.most_common(12):
            lines.append(f"  {100 * n / total:5.1f}%  {where}")
        lines.append("our code on the stack (inclusive; excludes time inside SQLAlchemy):")
        for where, n in self.own_lines.most_common(top):
            lines.append(f"  {100 * n / total:5.1f}%  {where}")
        return lines


class WriteLockTimer:
    """How long writers wait for SQLite's write lock and how long they hold it.

    Writers open with BEGIN IMMEDIATE (storage.db), which takes the lock or waits for it in
    SQLite's busy handler; the lock is let go at COMMIT or ROLLBACK. The wait is timed
    around the BEGIN IMMEDIATE statement, the hold from then until SQLAlchemy issues the
    COMMIT or ROLLBACK. Times are taken on the event loop's thread when SQLAlchemy
    resumes, so they include any delay in getting back onto a busy loop.
    """

    _STARTED = "wg_bench_lock_wait_from"
    _HELD = "wg_bench_lock_held_from"

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine.sync_engine
        self.waits_ms: list[float] = []
        self.holds_ms: list[float] = []
        # (asked, acquired, released) in perf_counter seconds, one per write transaction.
        self.spans: list[tuple[float, float, float]] = []
        self._listeners: list[tuple[str, Callable[..., None]]] = [
            ("before_cursor_execute", self._before),
            ("after_cursor_execute", self._after),
            ("commit", self._release),
            ("rollback", self._release),
        ]
        for name, listener in self._listeners:
            event.listen(self.engine, name, listener)

    def close(self) -> None:
        for name, listener in self._listeners:
            event.remove(self.engine, name, listener)

    def reset(self) -> None:
        self.waits_ms.clear()
        self.holds_ms.clear()
        self.spans.clear()

    @staticmethod
    def _locking(statement: str) -> bool:
        return statement.lstrip().upper().startswith("BEGIN IMMEDIATE")

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self._locking(statement):
            conn.info[self._STARTED] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not self._locking(statement):
            return
        started = conn.info.pop(self._STARTED, None)
        if started is not None:
            now = time.perf_counter()
            self.waits_ms.append((now - started) * 1000)
            conn.info[self._HELD] = (started, now)

    def _release(self, conn: Any) -> None:
        held = conn.info.pop(self._HELD, None)
        if held is not None:
            asked, acquired = held
            now = time.perf_counter()
            self.holds_ms.append((now - acquired) * 1000)
            self.spans.append((asked, acquired, now))

    def busy_seconds(self) -> float:
        """Total time some writer held the lock (spans never overlap: one writer at a time)."""
        return sum(released - acquired for _, acquired, released in self.spans)

    def handoffs_ms(self) -> list[float]:
        """For each writer that was already waiting when the previous one let go: how long
        the lock then sat free before this one had it. SQLite's busy handler sleeps and
        retries rather than being woken, so this is not zero."""
        gaps: list[float] = []
        ordered = sorted(self.spans, key=lambda span: span[1])
        for (_, _, released), (asked, acquired, _) in pairwise(ordered):
            if asked < released <= acquired:
                gaps.append((acquired - released) * 1000)
        return gaps


def record_text(record: logging.LogRecord) -> str:
    """A log record's message with its exception, as a handler would print them."""
    text = record.getMessage()
    exc = record.exc_info[1] if record.exc_info else None
    return text + "".join(f"\n{line}" for line in exception_chain(exc))


def exception_chain(exc: BaseException | None) -> list[str]:
    """`Type: message` for an exception and every exception it was raised from or in."""
    lines: list[str] = []
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        lines.append(f"{type(exc).__name__}: {exc}")
        exc = exc.__cause__ or exc.__context__
    return lines


class CallTimer:
    """Inclusive wall time and calls of chosen coroutine methods, patched on their classes
    for the duration of a `with` block (the benchmark's instrument; production is untouched).

    Inclusive: a method that awaits another counts the other's time too. Meant for updates
    fed one at a time; with concurrent updates the times include waiting for each other.
    """

    def __init__(self, targets: Sequence[tuple[type[Any], str]]) -> None:
        self.targets = list(targets)
        self.seconds: dict[str, float] = {}
        self.calls: Counter[str] = Counter()
        self._originals: list[tuple[type[Any], str, Any]] = []

    def __enter__(self) -> CallTimer:
        for owner, name in self.targets:
            original = owner.__dict__[name]
            label = f"{owner.__name__}.{name}"
            setattr(owner, name, self._wrap(original, label))
            self._originals.append((owner, name, original))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for owner, name, original in reversed(self._originals):
            setattr(owner, name, original)
        self._originals.clear()

    def _wrap(self, original: Any, label: str) -> Any:
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self.seconds[label] = self.seconds.get(label, 0.0) + elapsed
                self.calls[label] += 1

        return timed
