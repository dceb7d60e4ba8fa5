"""Register entries of the work programme and their progress notes (cl. 4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.models import Person, RegisterEntry, RegisterNote, StructuralUnit


@dataclass(frozen=True, slots=True)
class EntryView:
    id: int
    group_id: int
    register: str
    kind: str | None
    parent_id: int | None
    title: str
    unit_id: int | None
    unit_name: str | None
    responsible_id: int | None
    responsible_name: str | None
    due: date | None
    status: str
    protocol_id: int | None
    item_number: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class NoteView:
    id: int
    entry_id: int
    text: str
    author_name: str | None
    protocol_id: int | None
    item_number: int | None
    created_at: datetime


def _entries_query() -> Select[RegisterEntry, str, str]:
    responsible = aliased(Person)
    return (
        select(
            RegisterEntry,
            StructuralUnit.name,
            func.coalesce(responsible.full_name, responsible.telegram_name),
        )
        .outerjoin(StructuralUnit, StructuralUnit.id == RegisterEntry.unit_id)
        .outerjoin(responsible, responsible.id == RegisterEntry.responsible_id)
    )


def _view(row: RegisterEntry, unit_name: str | None, responsible_name: str | None) -> EntryView:
    return EntryView(
        id=row.id,
        group_id=row.group_id,
        register=row.register,
        kind=row.kind,
        parent_id=row.parent_id,
        title=row.title,
        unit_id=row.unit_id,
        unit_name=unit_name,
        responsible_id=row.responsible_id,
        responsible_name=responsible_name,
        due=row.due,
        status=row.status,
        protocol_id=row.protocol_id,
        item_number=row.item_number,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


class RegisterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def entries(self, group_id: int, register: str) -> list[EntryView]:
        """Every entry of one register of the group, milestones included, oldest first."""
        rows = await self.session.execute(
            _entries_query()
            .where(RegisterEntry.group_id == group_id, RegisterEntry.register == register)
            .order_by(RegisterEntry.id)
        )
        return [_view(*r) for r in rows.all()]

    async def entry(self, group_id: int, entry_id: int) -> EntryView | None:
        rows = await self.session.execute(
            _entries_query().where(RegisterEntry.id == entry_id, RegisterEntry.group_id == group_id)
        )
        found = rows.first()
        return _view(*found) if found else None

    async def children(self, parent_id: int) -> list[EntryView]:
        rows = await self.session.execute(
            _entries_query().where(RegisterEntry.parent_id == parent_id).order_by(RegisterEntry.id)
        )
        return [_view(*r) for r in rows.all()]

    async def latest_child_due(self, parent_id: int) -> date | None:
        found = await self.session.scalar(
            select(func.max(RegisterEntry.due)).where(RegisterEntry.parent_id == parent_id)
        )
        return found

    async def add(self, **values: Any) -> int:
        row = RegisterEntry(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def update(self, entry_id: int, **values: Any) -> None:
        await self.session.execute(
            update(RegisterEntry).where(RegisterEntry.id == entry_id).values(**values)
        )

    async def add_note(self, **values: Any) -> int:
        row = RegisterNote(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def notes(self, entry_id: int, limit: int) -> list[NoteView]:
        """The latest ``limit`` notes, oldest of them first, as a card reads them."""
        rows = await self.session.execute(
            select(RegisterNote, func.coalesce(Person.full_name, Person.telegram_name))
            .outerjoin(Person, Person.id == RegisterNote.author_id)
            .where(RegisterNote.entry_id == entry_id)
            .order_by(RegisterNote.id.desc())
            .limit(limit)
        )
        notes = [
            NoteView(
                id=n.id,
                entry_id=n.entry_id,
                text=n.text,
                author_name=author,
                protocol_id=n.protocol_id,
                item_number=n.item_number,
                created_at=n.created_at,
            )
            for n, author in rows.all()
        ]
        return notes[::-1]
