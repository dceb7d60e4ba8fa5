"""Shared fixtures: databases on SQLite and (when TEST_POSTGRES_URL is set) PostgreSQL,
and the real dispatcher wired to a recording session and a frozen clock."""

from __future__ import annotations

import contextlib
import os
import random
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram import Dispatcher
from hypothesis import HealthCheck, settings
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.clock import FrozenClock
from bot.config import Settings
from bot.context import AppContext
from bot.delivery.limits import RateLimiter
from bot.delivery.mail import mailer_from_settings
from bot.delivery.sender import Sender
from bot.factory import create_bot, create_dispatcher
from bot.services.setup import ensure_default_group
from scheduler.jobs import broadcast_progress, due_tasks, plan_calendar
from storage.db import Database
from tests.support.bot_client import BotClient, FakeUser
from tests.support.migrated import drop_pg_database, migrated, pg_database
from tests.support.recording_session import RecordingSession
from tests.support.smtp import SmtpServer

TOKEN = "123456:" + "A" * 35
ADMIN_ID = 900_001
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PG_SKIP_REASON = "TEST_POSTGRES_URL is not set: PostgreSQL tests skipped (CI sets it)"

# CI's machine is shared: how long an example took says nothing there, so the "ci" profile
# (.ci/run sets HYPOTHESIS_PROFILE=ci) has no deadline and no too_slow health check. The
# number of examples is Hypothesis's default or each test's own, as everywhere else.
settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow])
if profile := os.environ.get("HYPOTHESIS_PROFILE"):
    settings.load_profile(profile)


def make_settings(db_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "bot_token": TOKEN,
        "database_url": db_url,
        "admin_ids": frozenset({ADMIN_ID}),
        "timezone": "Europe/Moscow",
        "_env_file": None,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


async def _create_pg_database(base_url: str) -> str:
    """A fresh database per test, so tests never see each other's rows."""
    url = make_url(base_url)
    name = f"{url.database or 'wg'}_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


async def _drop_pg_database(base_url: str, db_url: str) -> None:
    name = make_url(db_url).database
    admin = create_async_engine(make_url(base_url), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def any_engine(request: pytest.FixtureRequest) -> str:
    """Each engine in turn: tests using it run on SQLite and on PostgreSQL."""
    engine: str = request.param
    return engine


def _postgres_base() -> str:
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but TEST_POSTGRES_URL is not")
        pytest.skip(PG_SKIP_REASON)
    return base


@contextlib.asynccontextmanager
async def _any_url(engine: str, tmp_path: Path, *, migrated_: bool) -> AsyncIterator[str]:
    if engine == "sqlite":
        # A file that does not exist yet: `migrated` fills it with a copy of the template.
        yield f"sqlite+aiosqlite:///{tmp_path}/bot.db"
        return
    base = _postgres_base()
    # A fresh database per test, so tests never see each other's rows; made ahead and
    # dropped behind in the background (tests/support/pg_databases.py).
    url = await pg_database(base, migrated=migrated_)
    try:
        yield url
    finally:
        drop_pg_database(base, url)


@pytest.fixture
async def any_db_url(any_engine: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database URL on each engine; PostgreSQL only where TEST_POSTGRES_URL is set."""
    async with _any_url(any_engine, tmp_path, migrated_=False) as url:
        yield url


@pytest.fixture
async def any_migrated_url(any_engine: str, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a database at the newest revision once `migrated` has been called on it
    (at once on PostgreSQL, where it is a copy of the template already)."""
    async with _any_url(any_engine, tmp_path, migrated_=True) as url:
        yield url


@pytest.fixture
async def any_db(any_migrated_url: str) -> AsyncIterator[Database]:
    """A migrated database on each engine."""
    await migrated(any_migrated_url)
    db = Database(any_migrated_url)
    try:
        yield db
    finally:
        await db.dispose()


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(START)


@dataclass
class World:
    """The real application around a recording session: what dispatcher tests talk to."""

    app: AppContext
    dp: Dispatcher
    session: RecordingSession
    client: BotClient
    clock: FrozenClock
    _sender: Sender | None = None

    @property
    def db(self) -> Database:
        return self.app.db

    def admin(self, language_code: str = "ru") -> FakeUser:
        return self.client.user(ADMIN_ID, "Админ", "Системный", language_code=language_code)

    @property
    def sender(self) -> Sender:
        if self._sender is None:
            # The limiter reads the frozen clock too, so a 429's hold on a chat ends when the
            # test moves the clock, and pacing costs the tests no real time.
            limiter = RateLimiter(
                1e9,
                private_interval=0,
                group_interval=0,
                clock=lambda: self.clock.now().timestamp(),
            )
            self._sender = Sender(
                self.db,
                self.client.bot,
                self.clock,
                limiter,
                rng=random.Random(3),
                mailer=mailer_from_settings(self.app.settings),
            )
        return self._sender

    async def run_jobs(self) -> int:
        """The ticker's jobs at the current (frozen) time, then the sender."""
        await plan_calendar(self.app)
        await due_tasks(self.app)
        return await self.deliver()

    async def deliver(self) -> int:
        """What the running bot does in the background: progress ticks and the sender."""
        total = 0
        for _ in range(20):
            await broadcast_progress(self.app)
            sent = await self.sender.drain()
            total += sent
            if not sent:
                return total
        return total


async def build_world(db_url: str, clock: FrozenClock, **overrides: object) -> World:
    if "data_dir" not in overrides:
        # Files the bot keeps go beside the test's SQLite file, never into the project's data/.
        parsed = make_url(db_url)
        if parsed.get_backend_name() != "sqlite" or not parsed.database:
            raise ValueError("build_world needs data_dir for a database that is not a file")
        overrides["data_dir"] = Path(parsed.database).parent
    settings = make_settings(db_url, **overrides)
    await migrated(db_url)
    db = Database(db_url, files_dir=settings.files_dir)
    async with db.session() as s:
        group = await ensure_default_group(
            s, name="Рабочая группа", timezone=settings.timezone, now=clock.now()
        )
    app = AppContext(
        settings=settings,
        db=db,
        clock=clock,
        group_id=group.id,
        timezone=group.timezone,
        bot_username="wg_test_bot",
    )
    session = RecordingSession(now=clock.now)
    bot = create_bot(settings, session)
    dp = create_dispatcher(app)
    return World(
        app=app,
        dp=dp,
        session=session,
        client=BotClient(dp, bot, session, now=clock.now),
        clock=clock,
    )


@pytest.fixture
async def world(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[World]:
    w = await build_world(f"sqlite+aiosqlite:///{tmp_path}/bot.db", clock)
    try:
        yield w
    finally:
        await w.db.dispose()


@pytest.fixture
async def any_world(
    any_migrated_url: str, clock: FrozenClock, tmp_path: Path
) -> AsyncIterator[World]:
    """The dispatcher on SQLite and on PostgreSQL (where TEST_POSTGRES_URL is set)."""
    w = await build_world(any_migrated_url, clock, data_dir=tmp_path)
    try:
        yield w
    finally:
        await w.db.dispose()


INVITE_LINK = re.compile(r"https://t\.me/wg_test_bot\?start=(inv_[A-Za-z0-9_-]+)")


def invite_payload(text: str) -> str:
    found = INVITE_LINK.search(text)
    assert found, f"no invite link in: {text}"
    return found.group(1)
