"""Versions of the documents the register entries carry (cl. 4 б, в, к, 5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DocumentVersion, Person, RegisterEntry
from storage.repositories.locking import for_update


@dataclass(frozen=True, slots=True)
class VersionView:
    id: int
    entry_id: int
    group_id: int
    number: int
    status: str
    document: dict[str, Any]
    author_name: str | None
    created_at: datetime
    protocol_id: int | None
    item_number: int | None
    approved_at: datetime | None
    superseded_at: datetime | None

    @property
    def file_name(self) -> str:
        return str(self.document.get("file_name") or "—")


def _query() -> Select[DocumentVersion, int, str]:
    return (
        select(
            DocumentVersion,
            RegisterEntry.group_id,
            func.coalesce(Person.full_name, Person.telegram_name),
        )
        .join(RegisterEntry, RegisterEntry.id == DocumentVersion.entry_id)
        .outerjoin(Person, Person.id == DocumentVersion.created_by)
    )


def _view(row: DocumentVersion, group_id: int, author: str | None) -> VersionView:
    return VersionView(
        id=row.id,
        entry_id=row.entry_id,
        group_id=group_id,
        number=row.number,
        status=row.status,
        document=dict(row.document),
        author_name=author,
        created_at=row.created_at,
        protocol_id=row.protocol_id,
        item_number=row.item_number,
        approved_at=row.approved_at,
        superseded_at=row.superseded_at,
    )


class DocumentVersionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def versions(self, entry_id: int) -> list[VersionView]:
        """Every version of an entry, the first one first."""
        rows = await self.session.execute(
            _query().where(DocumentVersion.entry_id == entry_id).order_by(DocumentVersion.number)
        )
        return [_view(*r) for r in rows.all()]

    async def version(self, group_id: int, version_id: int) -> VersionView | None:
        """A version of an entry of ``group_id``; None for another group's or a missing one."""
        rows = await self.session.execute(
            _query().where(DocumentVersion.id == version_id, RegisterEntry.group_id == group_id)
        )
        found = rows.first()
        return _view(*found) if found else None

    async def lock_entry(self, entry_id: int) -> None:
        """Locks the entry whose versions change, so that two approvals at once leave one
        approved version (PostgreSQL; SQLite's write transactions are serial already)."""
        await self.session.execute(
            for_update(select(RegisterEntry.id).where(RegisterEntry.id == entry_id))
        )

    async def numbers(self, entry_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(DocumentVersion.number).where(DocumentVersion.entry_id == entry_id)
        )
        return list(rows)

    async def add(self, **values: Any) -> int:
        row = DocumentVersion(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def update(self, version_id: int, **values: Any) -> None:
        await self.session.execute(
            update(DocumentVersion).where(DocumentVersion.id == version_id).values(**values)
        )
