"""Migrated databases for tests, fast: on SQLite each test gets a copy of one database
migrated once per test process, instead of running every migration again (about a second
a test, for hundreds of tests). Other engines, and a file that already exists, are migrated
as the bot would. Migrations themselves are tested against empty databases elsewhere
(tests/storage), never through this."""

from __future__ import annotations

import asyncio
import atexit
import shutil
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from storage.migrate import migrate

_template: Path | None = None


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


async def migrated(url: str) -> None:
    """The database at `url` at the newest revision."""
    parsed = make_url(url)
    path = Path(parsed.database) if parsed.database else None
    if parsed.get_backend_name() != "sqlite" or path is None or path.exists():
        await migrate(url)
        return
    # Tests in one process run one at a time: the template is made by the first.
    template = await _made_template()
    path.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(_copy, template, path)
