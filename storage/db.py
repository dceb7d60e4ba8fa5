"""Engine and sessions; SQLite is tuned so that concurrent handlers neither lose nor lock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.file_store import FileStore
from storage.models import ProcessedUpdate

# Execution option that marks a transaction as a writer; see `_begin` below.
WRITE_OPTION = "wg_write"
# session.info key of the changes that wait for the update's next write transaction.
DEFERRED = "wg_deferred"
# session.info key: the open write transaction added outbox rows.
OUTBOX_ADDED = "wg_outbox_added"


class Deferred(Protocol):
    """Changes held back until a write transaction of the update's session (dialog state),
    so that they commit together with the update's redelivery mark and its business change."""

    def pending(self) -> bool: ...

    async def flush(self, session: AsyncSession) -> Callable[[bool], None]:
        """Writes inside the open transaction; the returned callback is told whether that
        transaction committed (True) or was rolled back (False)."""
        ...


class UpdateScope:
    """The session of the update being handled, while it is being handled."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.open = True


_update_scope: ContextVar[UpdateScope | None] = ContextVar("wg_update_scope", default=None)


@contextlib.contextmanager
def update_scope(session: AsyncSession) -> Iterator[UpdateScope]:
    """Marks `session` as the update's own for the code run inside (the handlers)."""
    scope = UpdateScope(session)
    token = _update_scope.set(scope)
    try:
        yield scope
    finally:
        # A task started inside the update (it copies the context) must not keep writing
        # into a session that is gone.
        scope.open = False
        _update_scope.reset(token)


def update_session() -> AsyncSession | None:
    scope = _update_scope.get()
    return scope.session if scope is not None and scope.open else None


def defer(session: AsyncSession, owner: object, factory: Callable[[], Deferred]) -> Deferred:
    """The session's deferred changes of `owner`, created on first use."""
    held: dict[object, Deferred] = session.info.setdefault(DEFERRED, {})
    if owner not in held:
        held[owner] = factory()
    return held[owner]


def has_deferred(session: AsyncSession) -> bool:
    held: dict[object, Deferred] = session.info.get(DEFERRED, {})
    return any(d.pending() for d in held.values())


async def flush_deferred(session: AsyncSession) -> None:
    """Commits what is still held back (with the update's mark, if no write recorded it)."""
    if has_deferred(session):
        async with write(session):
            pass


def discard_deferred(session: AsyncSession) -> None:
    session.info.pop(DEFERRED, None)


def _sqlite_hooks(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (pysqlite's own
        # implicit BEGIN would defeat BEGIN IMMEDIATE below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _begin(conn: Connection) -> None:
        # A deferred transaction that later writes fails with SQLITE_BUSY at once, ignoring
        # busy_timeout; writers therefore take the write lock up front and wait their turn.
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def _nothing() -> None:
    return None


def ensure_sqlite_dir(url: str) -> None:
    """An SQLite file's folder (./data by default) is created on first start."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


class Database:
    def __init__(self, url: str, *, echo: bool = False, files_dir: Path | None = None) -> None:
        self.url = url
        # Where generated documents are kept as files too (DATA_DIR/files), besides their
        # bytes in `stored_file`; None keeps them in the database only (tools, benchmarks).
        self.files: FileStore | None = FileStore(files_dir) if files_dir is not None else None
        parsed = make_url(url)
        self.is_sqlite = parsed.get_backend_name() == "sqlite"
        kwargs: dict[str, Any] = {"echo": echo}
        if self.is_sqlite:
            ensure_sqlite_dir(url)
            kwargs["connect_args"] = {"timeout": 10}
            # Readers run side by side in WAL mode; bursts of updates need more than 5.
            kwargs["pool_size"] = 20
            kwargs["max_overflow"] = 20
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: AsyncEngine = create_async_engine(url, **kwargs)
        if self.is_sqlite:
            _sqlite_hooks(self.engine)
        self.sessionmaker = async_sessionmaker(
            self.engine, expire_on_commit=False, info={"database": self}
        )
        # Raised after each committed write that changed who someone is (roster, language,
        # blocked flag). SQLite has one writer process, so there it tells exactly when a
        # cached actor is stale; with PostgreSQL other instances write too and caches are off.
        self.roster_generation = 0
        # Changes to one person's own row (language, reachability) raise only that person's
        # generation, so that the other cached actors stay valid; `person_changes` counts
        # them all, to tell a reader that such a change committed while it was loading.
        self.person_generation: dict[int, int] = {}
        self.person_changes = 0
        # The roster listing per group, kept while `roster_version` stays the same.
        self.roster_listings: dict[int, tuple[tuple[int, int], Any]] = {}
        # SQLite has one writer at a time. Writers of this process queue here, woken in
        # order, instead of sleeping and retrying in SQLite's busy handler (which left the
        # lock idle while they slept and timed out under bursts).
        self.write_lock: asyncio.Lock | None = asyncio.Lock() if self.is_sqlite else None
        # Told after each committed write that added outbox rows (the sender wakes), so that
        # no caller has to remember it and nothing is woken for a rolled-back change.
        self.outbox_committed: Callable[[], None] = _nothing

    @property
    def caches_are_exact(self) -> bool:
        return self.is_sqlite

    @property
    def roster_version(self) -> tuple[int, int]:
        """Changes with every committed change to anyone in the roster."""
        return self.roster_generation, self.person_changes

    def session(self) -> AsyncSession:
        return self.sessionmaker()

    async def dispose(self) -> None:
        await self.engine.dispose()


@asynccontextmanager
async def write(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """One write transaction: commits on success, rolls back on any exception.

    Ends a read transaction left open on the session first, so that the writer starts
    fresh with the write lock instead of upgrading a stale snapshot.
    """
    if session.in_transaction():
        await session.commit()
    marked = session.info.get("update_marked", False)
    database = session.info.get("database")
    lock = database.write_lock if isinstance(database, Database) else None
    held: dict[object, Deferred] = session.info.get(DEFERRED, {})
    outcomes: list[Callable[[bool], None]] = []
    try:
        async with contextlib.AsyncExitStack() as stack:
            if lock is not None:
                await stack.enter_async_context(lock)
            async with session.begin():
                await session.connection(execution_options={WRITE_OPTION: True})
                _mark_update(session)
                # Dialog steps taken so far in this update commit with its first write.
                for deferred in list(held.values()):
                    if deferred.pending():
                        outcomes.append(await deferred.flush(session))
                yield session
    except BaseException:
        # Rolled back: the mark and the roster flag went with it, so a later write in
        # this update must record the mark again and must not invalidate caches; the
        # deferred changes wait for the next write again.
        session.info["update_marked"] = marked
        session.info.pop("roster_changed", None)
        session.info.pop("people_changed", None)
        session.info.pop(OUTBOX_ADDED, None)
        for outcome in outcomes:
            outcome(False)
        raise
    for outcome in outcomes:
        outcome(True)
    if session.info.pop(OUTBOX_ADDED, False) and isinstance(database, Database):
        database.outbox_committed()
    changed_people: set[int] = session.info.pop("people_changed", set())
    if session.info.pop("roster_changed", False) and isinstance(database, Database):
        database.roster_generation += 1
    if changed_people and isinstance(database, Database):
        for person_id in changed_people:
            database.person_generation[person_id] = database.person_generation.get(person_id, 0) + 1
        database.person_changes += 1


def outbox_added(session: AsyncSession) -> None:
    """Called inside a write that adds or changes outbox rows: the sender is woken once the
    transaction commits (see `Database.outbox_committed`)."""
    session.info[OUTBOX_ADDED] = True


def roster_changed(session: AsyncSession, person_id: int | None = None) -> None:
    """Called inside a write that changes who someone is: with `person_id` when only that
    person's own row changes (language, reachability), without it for anything that may
    change other people's standing too (roles, units, new people)."""
    if person_id is None:
        session.info["roster_changed"] = True
    else:
        session.info.setdefault("people_changed", set()).add(person_id)


def _mark_update(session: AsyncSession) -> None:
    """Records the update being handled inside its first write, so both commit together.

    A redelivered update then finds its mark and is skipped; a crash before the commit
    leaves neither the change nor the mark, and the redelivery does the work once.
    """
    update_id = session.info.get("update_id")
    if update_id is None or session.info.get("update_marked"):
        return
    session.add(ProcessedUpdate(update_id=update_id, handled_at=session.info["received_at"]))
    session.info["update_marked"] = True


@asynccontextmanager
async def read(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    """A read-only transaction that is closed promptly so it never blocks a writer."""
    if session.in_transaction():
        await session.commit()
    try:
        yield session
    finally:
        await session.rollback()
