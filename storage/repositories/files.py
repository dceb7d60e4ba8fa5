"""Files the bot made and sends through the outbox."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StoredFile


class FileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, *, file_name: str, mime_type: str, content: bytes, now: datetime) -> int:
        row = StoredFile(
            file_name=file_name,
            mime_type=mime_type,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
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
