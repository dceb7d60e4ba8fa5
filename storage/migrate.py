"""Alembic, driven from code: the bot upgrades its database before it starts polling."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from storage.db import ensure_sqlite_dir

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

log = logging.getLogger(__name__)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' would be read as interpolation by ConfigParser (it appears in encoded passwords).
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision(url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


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
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


async def migrate(url: str, *, backups_dir: Path | None = None) -> None:
    # env.py runs its own event loop; a worker thread keeps it apart from ours.
    await asyncio.to_thread(upgrade, url, backups_dir=backups_dir)
