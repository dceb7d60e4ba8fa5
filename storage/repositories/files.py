"""Files the bot made and sends through the outbox."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.file_store import FileStore
from storage.models import StoredFile

log = logging.getLogger(__name__)


class FileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, *, file_name: str, mime_type: str, content: bytes, now: datetime) -> int:
        """The row keeps the bytes (a signed protocol's document stays provably the one its
        row names); the same bytes are also written under DATA_DIR/files by their SHA-256,
        so the folder a backup archives holds every document the bot made. The file is
        written before the transaction commits: named by its content, it is harmless if the
        row is rolled back, and never missing if it commits."""
        digest = hashlib.sha256(content).hexdigest()
        database = self.session.info.get("database")
        store = getattr(database, "files", None)
        if isinstance(store, FileStore):
            try:
                await store.put(content)
            except OSError as failure:
                # A full or read-only disk must not stop a protocol from being signed: the
                # row has the bytes, and the operator is told.
                log.error("document %r not written to %s: %s", file_name, store.root, failure)
        row = StoredFile(
            file_name=file_name,
            mime_type=mime_type,
            content=content,
            sha256=digest,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def get(self, file_id: int) -> StoredFile | None:
        row = await self.session.get(StoredFile, file_id)
        if row is not None:
            self.session.expunge(row)
        return row

    async def remember_file_id(self, file_id: int, telegram_file_id: str) -> None:
        await self.session.execute(
            update(StoredFile)
            .where(StoredFile.id == file_id)
            .values(telegram_file_id=telegram_file_id)
        )
