"""Issue #15 item 5 on both engines: backup and restore give back the rows and the files.

SQLite through its online backup API, PostgreSQL through pg_dump/pg_restore.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.backup import backup, restore
from bot.services.setup import ensure_default_group
from bot.startup import EnvironmentFailure
from storage.db import Database, write
from storage.migrate import migrate
from storage.models import StoredFile
from tests.conftest import START, _create_pg_database, _drop_pg_database, make_settings


async def _contents(url: str) -> list[tuple[str, bytes, str]]:
    db = Database(url)
    try:
        async with db.session() as s:
            rows = (await s.execute(select(StoredFile).order_by(StoredFile.id))).scalars().all()
            return [(r.file_name, r.content, r.sha256) for r in rows]
    finally:
        await db.dispose()


async def test_backup_and_restore_on_each_engine(any_db_url: str, tmp_path: Path) -> None:
    postgres = any_db_url.startswith("postgresql")
    if postgres and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed (Debian: postgresql-client)")
    await migrate(any_db_url)
    db = Database(any_db_url)
    try:
        async with db.session() as s:
            await ensure_default_group(
                s, name="Рабочая группа", timezone="Europe/Moscow", now=START
            )
        async with db.session() as s, write(s):
            s.add(
                StoredFile(
                    file_name="Протокол № 1.docx",
                    mime_type="application/octet-stream",
                    content=bytes(range(256)) * 64,
                    sha256="0" * 64,
                    telegram_file_id=None,
                    created_at=START,
                )
            )
    finally:
        await db.dispose()
    source = make_settings(any_db_url, data_dir=tmp_path / "a")
    (source.files_dir / "ab").mkdir(parents=True)
    (source.files_dir / "ab" / "abc").write_bytes(b"\x00\x01stored file")
    archive = tmp_path / "out" / "backup.tar.gz"
    result = await asyncio.to_thread(backup, source, archive)
    assert result.path == archive and result.files == 1

    base = os.environ.get("TEST_POSTGRES_URL", "")
    target_url = (
        await _create_pg_database(base) if postgres else f"sqlite+aiosqlite:///{tmp_path}/b/bot.db"
    )
    try:
        target = make_settings(target_url, data_dir=tmp_path / "b")
        restored = await asyncio.to_thread(restore, target, archive)
        assert restored.files == 1
        assert (target.files_dir / "ab" / "abc").read_bytes() == b"\x00\x01stored file"
        assert await _contents(target_url) == await _contents(any_db_url)
        # Restoring again would overwrite a working installation: refused.
        with pytest.raises(EnvironmentFailure, match="is not empty"):
            await asyncio.to_thread(restore, target, archive)
    finally:
        if postgres:
            await _drop_pg_database(base, target_url)
