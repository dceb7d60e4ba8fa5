"""Migrations: the schema the bot upgrades to on start is the schema the models describe.

An operator relies on two things here: the bot can create its database from nothing on
either engine (and a rollback to base leaves a clean slate), and the tables the code
expects are exactly the tables the migrations build.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storage.migrate import alembic_config, downgrade, newest_revision, upgrade
from storage.models import Base
from tests.support.database import inspect_on

T = TypeVar("T")

# Index facts that matter for behaviour: which columns, whether unique, and (for the
# partial indexes that hold cl. 7 and "one current membership") the WHERE predicate.
IndexFacts = dict[str, tuple[tuple[str, ...], bool, str | None]]


def _head(url: str) -> str:
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert head is not None
    return head


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def _versions(conn: Connection) -> list[str]:
    return list(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _differences(conn: Connection) -> list[Any]:
    # The same comparison `alembic revision --autogenerate` makes (env.py sets compare_type);
    # server defaults are compared too, since neither side is supposed to have any.
    context = MigrationContext.configure(
        conn, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, Base.metadata))


def _index_facts(conn: Connection) -> IndexFacts:
    inspector = inspect(conn)
    facts: IndexFacts = {}
    for table in Base.metadata.tables:
        for index in inspector.get_indexes(table):
            options = index.get("dialect_options", {})
            where = options.get("sqlite_where", options.get("postgresql_where"))
            name = index["name"]
            assert name is not None
            facts[name] = (
                tuple(c for c in index["column_names"] if c is not None),
                bool(index["unique"]),
                None if where is None else str(where),
            )
    return facts


@pytest.fixture
async def reference_url(any_db_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """A second empty database on the same engine, for a schema built straight from models."""
    if make_url(any_db_url).get_backend_name() == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path}/reference.db"
        return
    base = make_url(os.environ["TEST_POSTGRES_URL"])
    name = f"{base.database or 'wg'}_ref_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(base, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield base.set(database=name).render_as_string(hide_password=False)
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def test_upgrade_downgrade_upgrade_round_trip(any_db_url: str) -> None:
    """A fresh install, a full rollback and a reinstall all work on both engines."""
    model_tables = set(Base.metadata.tables)
    head = _head(any_db_url)

    # storage.migrate runs Alembic with its own event loop, so it must leave ours alone.
    await asyncio.to_thread(upgrade, any_db_url)
    assert await inspect_on(any_db_url, _tables) == model_tables | {"alembic_version"}
    assert await inspect_on(any_db_url, _versions) == [head]

    await asyncio.to_thread(downgrade, any_db_url)
    # Alembic keeps its bookkeeping table, empty: the database is at "base", nothing else.
    assert await inspect_on(any_db_url, _tables) == {"alembic_version"}
    assert await inspect_on(any_db_url, _versions) == []

    await asyncio.to_thread(upgrade, any_db_url)
    assert await inspect_on(any_db_url, _tables) == model_tables | {"alembic_version"}
    assert await inspect_on(any_db_url, _versions) == [head]
    # The reinstall is a complete schema, not a partial one left by the rollback.
    assert await inspect_on(any_db_url, _differences) == []


async def test_upgrade_is_idempotent(any_db_url: str) -> None:
    """The bot upgrades on every start; a second start on a current database is a no-op."""
    await asyncio.to_thread(upgrade, any_db_url)
    await asyncio.to_thread(upgrade, any_db_url)
    assert await inspect_on(any_db_url, _versions) == [_head(any_db_url)]


async def test_models_and_migrations_agree(any_db_url: str) -> None:
    """Autogenerate finds nothing to do: no table, column, type, index or constraint drift.

    No SQLite-specific differences had to be ignored: both partial unique indexes are
    created with `sqlite_where` and `postgresql_where`, so each engine reflects them as
    the models declare. The predicates themselves are not compared by Alembic (checked by
    altering one by hand: compare_metadata stays silent on both engines), which is why
    the next test compares them separately.
    """
    await asyncio.to_thread(upgrade, any_db_url)
    assert await inspect_on(any_db_url, _differences) == []


async def test_partial_index_predicates_match_models(any_db_url: str, reference_url: str) -> None:
    """The WHERE clauses behind "one current chair, one deputy" (cl. 7) and "one current
    membership per person" are what the models say.

    The reference is the same engine's reflection of `Base.metadata.create_all`, so each
    engine's own normalisation of the predicate text applies to both sides.
    """
    await asyncio.to_thread(upgrade, any_db_url)

    engine = create_async_engine(reference_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
    finally:
        await engine.dispose()

    migrated = await inspect_on(any_db_url, _index_facts)
    expected = await inspect_on(reference_url, _index_facts)
    assert migrated == expected
    # Guard against a vacuous pass: the partial indexes really carry a predicate.
    assert migrated["uq_membership_single_holder"][2] is not None
    assert "chair" in (migrated["uq_membership_single_holder"][2] or "")
    assert migrated["uq_membership_current_person"][2] is not None


def test_revision_files_are_named_after_their_revision(tmp_path: Path) -> None:
    """The start skips Alembic when the database is at the newest file's revision: that
    holds only while every file is named after its revision and the newest name is the head."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'names.db'}"
    scripts = ScriptDirectory.from_config(alembic_config(url))
    for script in scripts.walk_revisions():
        assert script.path is not None
        assert Path(script.path).name.startswith(f"{script.revision}_"), script.path
    assert newest_revision() == _head(url)


def test_a_start_with_nothing_to_migrate_does_not_load_alembic(tmp_path: Path) -> None:
    """Issue #15 item 9: an up-to-date database is checked with one query; a database that
    is behind is still upgraded (and Alembic loaded for it)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'lean.db'}"
    probe = (
        "import asyncio, sys\n"
        "from storage.migrate import migrate\n"
        f"asyncio.run(migrate({url!r}))\n"
        "print('alembic' in sys.modules)\n"
    )

    def start() -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert start() == "True"  # a new database: migrated by Alembic
    assert asyncio.run(_revision(url)) == newest_revision()
    assert start() == "False"  # at head: nothing imported, nothing changed
    downgrade(url, "-1")
    assert start() == "True"  # one behind: upgraded again
    assert asyncio.run(_revision(url)) == newest_revision()


async def _revision(url: str) -> str | None:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await conn.scalar(text("SELECT version_num FROM alembic_version"))
    finally:
        await engine.dispose()
