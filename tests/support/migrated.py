"""Migrated databases for tests, fast: each test gets a copy of one database migrated once
per test process, instead of running every migration again (about a second a test, for
hundreds of tests). On SQLite the copy is SQLite's online backup of a template file; on
PostgreSQL a test's database is made from a template database (`CREATE DATABASE … TEMPLATE`)
ahead of the test, in the background (tests/support/pg_databases.py), named after the run's
database so CI's clean-up drops it. A file that already exists, and other engines, are
migrated as the bot would. Migrations themselves are tested against empty databases
elsewhere (tests/storage), never through this."""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from storage.migrate import migrate
from tests.support.pg_databases import PgDatabases

_template: Path | None = None
_pg_template: str | None = None
_pool: PgDatabases | None = None
# Databases handed out as copies of the template that no test has connected to yet.
_pg_fresh_copies: set[str] = set()


def _copy(source: Path, target: Path) -> None:
    # SQLite's online backup: a consistent copy whatever is left in the template's WAL.
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


async def _made_template() -> Path:
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="wg-migrated-"))
        atexit.register(shutil.rmtree, folder, True)
        template = folder / "template.db"
        await migrate(f"sqlite+aiosqlite:///{template}")
        _template = template
    return _template


async def _admin(url: str, *statements: str) -> None:
    engine = create_async_engine(make_url(url), isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _pg_made_template(base: str) -> str:
    global _pg_template
    if _pg_template is None:
        name = f"{make_url(base).database or 'wg'}_template_{os.getpid()}"
        await _admin(base, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
        await migrate(make_url(base).set(database=name).render_as_string(hide_password=False))
        _pg_template = name
        atexit.register(asyncio.run, _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return _pg_template


def _pg_pool(base: str) -> PgDatabases:
    global _pool
    if _pool is None:
        _pool = PgDatabases(base, _pg_template)
        # Registered after the template's drop, so it runs before it (atexit is LIFO).
        atexit.register(_pool.close)
    return _pool


async def pg_database(base: str, *, migrated: bool) -> str:
    """A new database on the server at `base` for one test: empty, or a copy of the migrated
    template (which `migrated` then leaves as it is). Made ahead in the background."""
    if migrated:
        template = await _pg_made_template(base)
        pool = _pg_pool(base)
        pool.template = template
        url = pool.url(await pool.take("migrated"))
        _pg_fresh_copies.add(url)
        return url
    pool = _pg_pool(base)
    return pool.url(await pool.take("empty"))


def drop_pg_database(base: str, url: str) -> None:
    """Drop a test's database in the background (at the latest, before the run ends)."""
    _pg_fresh_copies.discard(url)
    name = make_url(url).database
    assert name is not None
    _pg_pool(base).drop(name)


async def _pg_migrated(url: str) -> None:
    """The (new, empty, unconnected) database at `url` made again from the template."""
    if url in _pg_fresh_copies:
        # Made from the template by pg_database and handed to the test just now.
        _pg_fresh_copies.discard(url)
        return
    parsed = make_url(url)
    base = os.environ.get("TEST_POSTGRES_URL")
    if not base:
        await migrate(url)
        return
    template = await _pg_made_template(base)
    await _admin(
        base,
        f'DROP DATABASE "{parsed.database}"',
        f'CREATE DATABASE "{parsed.database}" TEMPLATE "{template}"',
    )


async def migrated(url: str) -> None:
    """The database at `url` at the newest revision."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        await _pg_migrated(url)
        return
    path = Path(parsed.database) if parsed.database else None
    if parsed.get_backend_name() != "sqlite" or path is None or path.exists():
        await migrate(url)
        return
    # Tests in one process run one at a time: the template is made by the first.
    template = await _made_template()
    path.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(_copy, template, path)
