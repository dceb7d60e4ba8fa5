"""PostgreSQL databases for tests, made and dropped off the tests' path.

Every PostgreSQL test still gets a database of its own, new for it: empty, or a copy of the
migrated template (`CREATE DATABASE … TEMPLATE`). But `CREATE DATABASE` and `DROP DATABASE`
take the server half a second to two seconds each, mostly waiting on the disk, and a test
used to wait for three or four of them. Here a thread of its own, with its own event loop and
connections, makes the next databases of the kind last asked for while a test runs, and drops
a finished test's database while the next one runs. Names start with the run's database name
so that CI's clean-up finds anything a killed run left."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
import uuid
from collections import deque
from collections.abc import Coroutine
from typing import Any, Literal, TypeVar

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

Kind = Literal["empty", "migrated"]
T = TypeVar("T")

# How many databases of a kind are made ahead: one for the next test, one for the one after.
AHEAD = 2


class PgDatabases:
    def __init__(self, base_url: str, template: str | None) -> None:
        self.base = make_url(base_url)
        self.template = template
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="pg-databases", daemon=True
        )
        self._thread.start()
        self._ready: dict[Kind, deque[concurrent.futures.Future[str]]] = {
            "empty": deque(),
            "migrated": deque(),
        }
        self._drops: list[concurrent.futures.Future[None]] = []
        self._closed = False
        # Made in the worker's loop: its connections and locks belong there.
        self._engine: AsyncEngine | None = None
        self._make_lock: asyncio.Lock | None = None
        self._drop_lock: asyncio.Lock | None = None

    def url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def name(self) -> str:
        return f"{self.base.database or 'wg'}_{uuid.uuid4().hex[:10]}"

    async def take(self, kind: Kind) -> str:
        """The name of a new database of `kind` for one test, and the next ones under way."""
        if self._closed:
            raise RuntimeError("the test databases are already closed")
        if kind == "migrated" and self.template is None:
            raise RuntimeError("no template to copy")
        queue = self._ready[kind]
        if not queue:
            queue.append(self._submit(self._make(kind)))
        taken = queue.popleft()
        while len(queue) < AHEAD:
            queue.append(self._submit(self._make(kind)))
        return await asyncio.wrap_future(taken)

    def drop(self, name: str) -> None:
        """Drop the database in the background; the test goes on at once."""
        self._drops.append(self._submit(self._drop(name)))

    def close(self) -> None:
        """At the end of the run: drop what was made ahead and not used, and wait for every
        drop (the template is dropped by its owner after this)."""
        if self._closed:
            return
        self._closed = True
        for queue in self._ready.values():
            while queue:
                made = queue.popleft()
                # A make that failed left nothing to drop.
                with contextlib.suppress(Exception):
                    self.drop(made.result(timeout=120))
        for dropped in self._drops:
            # A drop that failed is left to CI's clean-up.
            with contextlib.suppress(Exception):
                dropped.result(timeout=120)
        if self._engine is not None:
            self._submit(self._engine.dispose()).result(timeout=30)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)

    # ----------------------------------------------------------- in the worker's loop

    def _submit(self, work: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(work, self._loop)

    def _setup(self) -> tuple[AsyncEngine, asyncio.Lock, asyncio.Lock]:
        if self._engine is None or self._make_lock is None or self._drop_lock is None:
            self._engine = create_async_engine(
                self.base, isolation_level="AUTOCOMMIT", poolclass=NullPool
            )
            self._make_lock, self._drop_lock = asyncio.Lock(), asyncio.Lock()
        return self._engine, self._make_lock, self._drop_lock

    async def _run(self, statement: str) -> None:
        engine, _, _ = self._setup()
        async with engine.connect() as conn:
            await conn.execute(text(statement))

    async def _make(self, kind: Kind) -> str:
        # One at a time: a make never waits behind drops, which have a lock of their own.
        _, make_lock, _ = self._setup()
        name = self.name()
        async with make_lock:
            if kind == "migrated":
                await self._run(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
            else:
                await self._run(f'CREATE DATABASE "{name}"')
            # A commit returns before its WAL reaches the disk: what every session sees is the
            # same (only a crash of the server could lose the last commits, and no test crashes
            # it), and tests stop waiting on a disk that other work keeps busy.
            await self._run(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
        return name

    async def _drop(self, name: str) -> None:
        _, _, drop_lock = self._setup()
        async with drop_lock:
            await self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
