"""Alembic, driven from code: the bot upgrades its database before it starts polling.

A start with nothing to migrate does not import Alembic at all (it and its templating
take memory and a noticeable part of the start-up): the database's revision is read
with one query and compared with the newest migration's file name.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from storage.db import ensure_sqlite_dir

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Each revision file is named after its revision ("0009_….py" holds revision "0009"),
# and the ids grow; a test checks both against Alembic's own view of the scripts.
REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")

log = logging.getLogger(__name__)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' would be read as interpolation by ConfigParser (it appears in encoded passwords).
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def newest_revision() -> str | None:
    """The head revision, read from the migrations' file names without importing Alembic."""
    found = [
        m.group(1)
        for path in (MIGRATIONS_DIR / "versions").iterdir()
        if (m := REVISION_FILE.match(path.name))
    ]
    return max(found, default=None)


async def current_revision(url: str) -> str | None:
    """The revision the database is at; None when it has none yet or cannot be asked
    (then the upgrade runs and reports whatever is wrong, as it always did)."""
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            found = await conn.scalar(text("SELECT version_num FROM alembic_version"))
    except Exception:
        return None
    finally:
        await engine.dispose()
    return None if found is None else str(found)


def sqlite_revision(path: Path) -> str | None:
    """The revision an existing SQLite file is at; None for a new or unmigrated file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        conn.close()
    return str(row[0]) if row else None


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live WAL database: SQLite's online backup, not a file copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(partial)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    partial.replace(target)


def backup_before_upgrade(
    url: str, backups_dir: Path, *, now: datetime | None = None
) -> Path | None:
    """Keeps a copy of an SQLite database that is about to be migrated; None if nothing to do."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    path = Path(parsed.database)
    if not path.exists() or path.stat().st_size == 0:
        return None
    current = sqlite_revision(path)
    head = head_revision(url)
    if current is None or current == head:
        return None
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    target = backups_dir / f"{path.stem}-{stamp}-before-{head}.db"
    sqlite_copy(path, target)
    log.info("database copied to %s before migrating from %s to %s", target, current, head)
    return target


def upgrade(url: str, revision: str = "head", *, backups_dir: Path | None = None) -> None:
    ensure_sqlite_dir(url)
    if backups_dir is not None:
        backup_before_upgrade(url, backups_dir)
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(url), revision)


async def migrate(url: str, *, backups_dir: Path | None = None) -> None:
    ensure_sqlite_dir(url)
    if await current_revision(url) == newest_revision():
        log.debug("database at revision %s: nothing to migrate", newest_revision())
        return
    # env.py runs its own event loop; a worker thread keeps it apart from ours.
    await asyncio.to_thread(upgrade, url, backups_dir=backups_dir)
