"""SQLite tuning: concurrent handlers neither lose writes nor fail with "database is locked".

Every connection gets WAL (readers never block the writer), a busy timeout (a writer waits
for the lock instead of failing), enforced foreign keys (SQLite's default is off), and a
writer takes the write lock at BEGIN so that it waits rather than fails half-way through.
The type checks at the end run on both engines: stored times are UTC everywhere.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database, read, write
from storage.migrate import migrate
from storage.models import StructuralUnit, WorkingGroup

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MOSCOW = timezone(timedelta(hours=3))
# Only against a hang if the code under test regresses; never reached when it works.
SAFETY_NET = 30.0


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    await migrate(url)
    db = Database(url)
    try:
        yield db
    finally:
        await db.dispose()


async def _add_group(session: AsyncSession, name: str = "WG") -> int:
    group = WorkingGroup(kind="working_group", name=name, timezone="Europe/Moscow", created_at=NOW)
    session.add(group)
    await session.flush()
    return group.id


async def _pragmas(session: AsyncSession) -> dict[str, Any]:
    conn = await session.connection()
    values: dict[str, Any] = {}
    for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous"):
        values[name] = (await conn.exec_driver_sql(f"PRAGMA {name}")).scalar_one()
    return values


async def test_every_connection_is_tuned(sqlite_db: Database) -> None:
    """Not just the first connection: the pool hands out several, and each is set up alike."""
    sessions = [sqlite_db.session() for _ in range(3)]
    try:
        # Holding all three open at once forces three distinct DBAPI connections.
        found = [await _pragmas(s) for s in sessions]
        raw = {id((await s.connection()).sync_connection) for s in sessions}
        assert len(raw) == 3
    finally:
        for s in sessions:
            await s.close()
    for pragmas in found:
        assert str(pragmas["journal_mode"]).lower() == "wal"
        assert pragmas["foreign_keys"] == 1
        assert pragmas["busy_timeout"] >= 5000
        assert pragmas["synchronous"] == 1  # NORMAL: safe with WAL, much faster than FULL


async def test_write_begins_immediate_and_read_does_not(sqlite_db: Database) -> None:
    """The statement log shows what SQLite was told; a reader must not take the write lock."""
    statements: list[str] = []

    def log(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(sqlite_db.engine.sync_engine, "before_cursor_execute", log)
    async with sqlite_db.session() as session:
        async with write(session):
            await _add_group(session)
        async with read(session):
            await session.scalar(select(WorkingGroup.id))
    assert statements == ["BEGIN IMMEDIATE", "BEGIN"]


async def test_second_writer_waits_for_the_first_and_loses_nothing(sqlite_db: Database) -> None:
    """Two writers change the same row at once: the second waits, then sees the first's work.

    The second writer uses its own Database object, as another process would (writers of one
    process also queue on an in-process lock before BEGIN, tested below); across processes
    it is SQLite's BEGIN IMMEDIATE that makes it wait.

    Each writer reads the group's name and appends to it (read-modify-write). Had the second
    transaction begun deferred, it would have failed with "database is locked" as soon as it
    tried to write: SQLite does not wait (busy_timeout or not) for a reading transaction to
    upgrade while another holds the write lock. The ordering is proven by events,
    not by timing: the second writer is known to have issued its BEGIN while the first
    still holds its transaction open, and its body has not run at that point.
    """
    async with sqlite_db.session() as session, write(session):
        group_id = await _add_group(session, "start")

    order: list[str] = []
    first_inside = asyncio.Event()
    release_first = asyncio.Event()
    second_begins = asyncio.Event()
    second_begin: list[str] = []

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # Runs in the event loop thread (SQLAlchemy's greenlet bridge) just before the
        # driver is awaited. Once the first writer is parked inside its transaction it
        # issues nothing, so the next BEGIN is the second writer's.
        if first_inside.is_set() and statement.startswith("BEGIN"):
            second_begin.append(statement)
            second_begins.set()

    other = Database(sqlite_db.url)
    event.listen(other.engine.sync_engine, "before_cursor_execute", watch)

    async def append(label: str, hold: bool) -> None:
        db = sqlite_db if hold else other
        async with db.session() as session, write(session):
            order.append(f"{label} inside")
            group = await session.get_one(WorkingGroup, group_id)
            group.name = f"{group.name}+{label}"
            await session.flush()
            if hold:
                first_inside.set()
                await release_first.wait()

    first = asyncio.create_task(append("first", hold=True))
    await asyncio.wait_for(first_inside.wait(), SAFETY_NET)
    second = asyncio.create_task(append("second", hold=False))
    try:
        await asyncio.wait_for(second_begins.wait(), SAFETY_NET)
        # The second writer asked for the write lock while the first holds it: it is
        # waiting, neither failed nor running.
        assert second_begin == ["BEGIN IMMEDIATE"]
        assert not second.done()
        assert order == ["first inside"]
    finally:
        # Whatever happened above, let both finish so that no task outlives the test.
        release_first.set()
        results = await asyncio.wait_for(
            asyncio.gather(first, second, return_exceptions=True), SAFETY_NET
        )
    assert results == [None, None]
    # The second body ran after the first one and read what the first committed: its
    # read-modify-write kept the first's change. (When the first task notes its own commit
    # and when the second resumes after BEGIN are two wake-ups of the event loop in either
    # order, so no "committed" marker is compared; the name is the proof.)
    assert order == ["first inside", "second inside"]
    async with sqlite_db.session() as session:
        assert await session.scalar(select(WorkingGroup.name)) == "start+first+second"
    await other.dispose()


async def test_writers_of_one_process_queue_before_begin(sqlite_db: Database) -> None:
    """Within one process writers wait their turn on a lock, not in SQLite's busy handler:
    the second one issues no statement until the first has committed."""
    async with sqlite_db.session() as session, write(session):
        group_id = await _add_group(session, "start")
    statements: list[str] = []
    first_inside = asyncio.Event()
    release_first = asyncio.Event()

    def watch(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if first_inside.is_set():
            statements.append(statement.split()[0])

    event.listen(sqlite_db.engine.sync_engine, "before_cursor_execute", watch)

    async def append(label: str, hold: bool) -> None:
        async with sqlite_db.session() as session, write(session):
            group = await session.get_one(WorkingGroup, group_id)
            group.name = f"{group.name}+{label}"
            await session.flush()
            if hold:
                first_inside.set()
                await release_first.wait()

    first = asyncio.create_task(append("first", hold=True))
    await asyncio.wait_for(first_inside.wait(), SAFETY_NET)
    second = asyncio.create_task(append("second", hold=False))
    for _ in range(20):
        await asyncio.sleep(0)
    assert statements == []  # the second writer is queued, not busy-waiting in SQLite
    assert not second.done()
    release_first.set()
    await asyncio.wait_for(asyncio.gather(first, second), SAFETY_NET)
    async with sqlite_db.session() as session:
        assert await session.scalar(select(WorkingGroup.name)) == "start+first+second"


async def test_foreign_key_violation_is_rejected(any_db: Database) -> None:
    """A unit of a group that does not exist is refused (SQLite only checks with the pragma)."""
    async with any_db.session() as session:
        with pytest.raises(IntegrityError):
            async with write(session):
                session.add(StructuralUnit(group_id=4242, name="Orphan", created_at=NOW))
                await session.flush()
    async with any_db.session() as session:
        assert (await session.scalars(select(StructuralUnit))).all() == []


async def test_naive_datetime_is_refused(any_db: Database) -> None:
    """A time without a zone is ambiguous (local? UTC?) and never reaches the database."""
    async with any_db.session() as session:
        with pytest.raises(StatementError) as caught:
            async with write(session):
                session.add(
                    WorkingGroup(
                        kind="working_group",
                        name="naive",
                        timezone="Europe/Moscow",
                        created_at=datetime(2026, 12, 1, 12, 0),  # noqa: DTZ001 - on purpose
                    )
                )
                await session.flush()
        assert isinstance(caught.value.orig, ValueError)
        assert "naive datetime" in str(caught.value.orig)
    async with any_db.session() as session:
        assert (await session.scalars(select(WorkingGroup))).all() == []


async def test_aware_datetime_comes_back_as_the_same_instant_in_utc(any_db: Database) -> None:
    """12:00 in Moscow is stored and read back as 09:00 UTC, on either engine."""
    moscow_noon = datetime(2026, 12, 1, 12, 0, tzinfo=MOSCOW)
    async with any_db.session() as session, write(session):
        session.add(
            WorkingGroup(
                kind="working_group", name="aware", timezone="Europe/Moscow", created_at=moscow_noon
            )
        )

    # A new session, so the value comes from the database and not from the identity map.
    async with any_db.session() as session:
        stored = await session.scalar(select(WorkingGroup.created_at))
        assert stored == moscow_noon
        assert stored is not None and stored.utcoffset() == timedelta(0)
        assert (stored.hour, stored.minute) == (9, 0)
        # Comparisons in SQL are made in UTC too: "created before 10:00 UTC" finds it.
        found = await session.scalar(
            select(WorkingGroup.id).where(
                WorkingGroup.created_at < datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
            )
        )
        assert found is not None
        if any_db.is_sqlite:
            # SQLite keeps text without a zone; it must be the UTC wall time, or ordering
            # and comparisons between rows written from different zones would be wrong.
            raw = await session.scalar(text("SELECT created_at FROM working_group"))
            assert str(raw).startswith("2026-12-01 09:00:00")
