"""The append-only audit log: inserts and reads, never updates or deletes.

Every entry is linked into the hash chain (bot/domain/audit_chain.py) when it is written: the
chain's head row is locked (FOR UPDATE on PostgreSQL; SQLite's writers are exclusive already,
BEGIN IMMEDIATE), so two transactions never chain onto the same entry and the chain's order
is the order entries were written. The head is read once per transaction and kept in the
session until the transaction ends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, event, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from bot.domain.audit_chain import GENESIS, ChainedEntry, ChainFields, chain
from storage.models import AuditChainHead, AuditEntry, Person

_HEAD = "audit_chain_head"
_FIELDS = (
    "at",
    "group_id",
    "actor_telegram_id",
    "actor_person_id",
    "action",
    "object_type",
    "object_id",
    "details",
    "update_id",
)


# Who wrote an entry: the person it names, or the person with its Telegram account.
_ACTOR = or_(
    Person.id == AuditEntry.actor_person_id,
    and_(AuditEntry.actor_person_id.is_(None), Person.telegram_id == AuditEntry.actor_telegram_id),
)


@event.listens_for(Session, "after_transaction_end")
def _forget_head(session: Session, transaction: SessionTransaction) -> None:
    """The head kept for a transaction (or a savepoint) is re-read after it ends: the row in
    the database is what counts."""
    session.info.pop(_HEAD, None)


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which entries a reader asked for: one person, actions starting with one of the
    prefixes (a kind), a period as UTC instants [start, end)."""

    person_id: int | None = None
    prefixes: tuple[str, ...] = ()
    start: datetime | None = None
    end: datetime | None = None

    def where(self) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = []
        if self.person_id is not None:
            # Entries name a person by id, or (written before they were in the roster, or
            # by the person's Telegram account) by their Telegram id only.
            by_account = select(Person.telegram_id).where(
                Person.id == self.person_id, Person.telegram_id.is_not(None)
            )
            clauses.append(
                or_(
                    AuditEntry.actor_person_id == self.person_id,
                    AuditEntry.actor_telegram_id.in_(by_account.scalar_subquery()),
                )
            )
        if self.prefixes:
            clauses.append(or_(*(AuditEntry.action.startswith(p) for p in self.prefixes)))
        if self.start is not None:
            clauses.append(AuditEntry.at >= self.start)
        if self.end is not None:
            clauses.append(AuditEntry.at < self.end)
        return clauses


@dataclass(frozen=True, slots=True)
class AuditLine:
    """An entry as the /audit list and the CSV show it."""

    seq: int
    at: datetime
    actor_person_id: int | None
    actor_name: str | None
    actor_telegram_id: int | None
    action: str
    object_type: str
    object_id: int | None
    details: dict[str, Any]
    hash: str


@dataclass(frozen=True, slots=True)
class AuditView:
    at: datetime
    actor_telegram_id: int | None
    action: str
    object_type: str
    object_id: int | None
    details: dict[str, Any]
    update_id: int | None


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(
        self,
        *,
        at: datetime,
        group_id: int | None,
        actor_telegram_id: int | None,
        actor_person_id: int | None,
        action: str,
        object_type: str,
        object_id: int | None,
        details: dict[str, Any] | None = None,
    ) -> None:
        # The update being handled is known to the session (set by the update middleware),
        # so callers cannot forget it.
        update_id = self.session.info.get("update_id")
        [row] = await self._link(
            [
                {
                    "at": at,
                    "group_id": group_id,
                    "actor_telegram_id": actor_telegram_id,
                    "actor_person_id": actor_person_id,
                    "action": action,
                    "object_type": object_type,
                    "object_id": object_id,
                    "details": details or {},
                    "update_id": update_id,
                }
            ]
        )
        self.session.add(AuditEntry(**row))

    async def _link(self, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The entries with their number and hashes, after the chain's head, which moves."""
        with self.session.no_autoflush:
            head = self.session.info.get(_HEAD)
            if head is None:
                row = (
                    await self.session.execute(
                        select(AuditChainHead.seq, AuditChainHead.hash)
                        .where(AuditChainHead.id == 1)
                        .with_for_update()
                    )
                ).one_or_none()
                head = (row.seq, row.hash) if row else (0, GENESIS)
                if row is None:  # a schema made without the migration's head row
                    await self.session.execute(
                        insert(AuditChainHead).values(id=1, seq=0, hash=GENESIS)
                    )
            seq, last = head
            full: list[dict[str, Any]] = [dict.fromkeys(_FIELDS) | entry for entry in entries]
            linked = chain(
                seq,
                last,
                [
                    ChainFields(seq=seq + i, **{f: e[f] for f in _FIELDS})
                    for i, e in enumerate(full, start=1)
                ],
            )
            rows = [
                e | {"seq": f.seq, "prev_hash": prev, "hash": digest}
                for e, (f, prev, digest) in zip(full, linked, strict=True)
            ]
            new_head = (linked[-1][0].seq, linked[-1][2])
            await self.session.execute(
                update(AuditChainHead)
                .where(AuditChainHead.id == 1)
                .values(seq=new_head[0], hash=new_head[1])
                .execution_options(synchronize_session=False)
            )
            self.session.info[_HEAD] = new_head
        return rows

    async def actors(self, object_type: str, object_id: int, actions: Sequence[str]) -> list[int]:
        """The people (person ids) who did one of `actions` to the object, earliest first."""
        rows = await self.session.scalars(
            select(AuditEntry.actor_person_id)
            .where(
                AuditEntry.object_type == object_type,
                AuditEntry.object_id == object_id,
                AuditEntry.action.in_(actions),
                AuditEntry.actor_person_id.is_not(None),
            )
            .order_by(AuditEntry.id)
        )
        return [person for person in rows if person is not None]

    async def record_many(self, entries: list[dict[str, Any]]) -> None:
        """Several entries in one statement (a batch of votes): each dict has the fields of
        ``record`` and its own ``update_id``. No ids are read back, so the driver sends
        them as one batch instead of one INSERT each."""
        if entries:
            rows = await self._link([{"details": {}} | entry for entry in entries])
            await self.session.execute(insert(AuditEntry), rows)

    async def latest(self, limit: int = 50) -> list[AuditView]:
        rows = await self.session.scalars(
            select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        )
        return [
            AuditView(
                at=r.at,
                actor_telegram_id=r.actor_telegram_id,
                action=r.action,
                object_type=r.object_type,
                object_id=r.object_id,
                details=r.details,
                update_id=r.update_id,
            )
            for r in rows
        ]

    # The chain
    async def head(self) -> tuple[int, str]:
        row = (
            await self.session.execute(
                select(AuditChainHead.seq, AuditChainHead.hash).where(AuditChainHead.id == 1)
            )
        ).one_or_none()
        return (row.seq, row.hash) if row else (0, GENESIS)

    async def chained(self, batch: int = 2000) -> AsyncIterator[ChainedEntry]:
        """Every entry in chain order, read in batches (the log only grows)."""
        after = 0
        while True:
            rows = (
                await self.session.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.seq > after)
                    .order_by(AuditEntry.seq)
                    .limit(batch)
                )
            ).all()
            for r in rows:
                yield ChainedEntry(
                    ChainFields(
                        seq=r.seq,
                        at=r.at,
                        group_id=r.group_id,
                        actor_telegram_id=r.actor_telegram_id,
                        actor_person_id=r.actor_person_id,
                        action=r.action,
                        object_type=r.object_type,
                        object_id=r.object_id,
                        details=r.details or {},
                        update_id=r.update_id,
                    ),
                    r.prev_hash,
                    r.hash,
                    id=r.id,
                )
            if len(rows) < batch:
                return
            after = rows[-1].seq

    # Reading for people
    async def count(self, where: AuditFilter) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).select_from(AuditEntry).where(*where.where())
            )
            or 0
        )

    async def lines(
        self, where: AuditFilter, *, offset: int = 0, limit: int | None = None, newest: bool = True
    ) -> list[AuditLine]:
        order = AuditEntry.seq.desc() if newest else AuditEntry.seq
        query = (
            select(AuditEntry, Person.full_name, Person.telegram_name)
            .outerjoin(Person, _ACTOR)
            .where(*where.where())
            .order_by(order)
            .offset(offset)
        )
        if limit is not None:
            query = query.limit(limit)
        rows = (await self.session.execute(query)).all()
        return [
            AuditLine(
                seq=r.seq,
                at=r.at,
                actor_person_id=r.actor_person_id,
                actor_name=full or telegram,
                actor_telegram_id=r.actor_telegram_id,
                action=r.action,
                object_type=r.object_type,
                object_id=r.object_id,
                details=r.details or {},
                hash=r.hash,
            )
            for r, full, telegram in rows
        ]

    async def actors_named(self) -> list[tuple[int, str]]:
        """The people who appear in the log, by name: the person filter's choices."""
        rows = await self.session.execute(
            select(Person.id, Person.full_name, Person.telegram_name)
            .where(
                or_(
                    Person.id.in_(select(AuditEntry.actor_person_id)),
                    Person.telegram_id.in_(select(AuditEntry.actor_telegram_id)),
                )
            )
            .order_by(func.coalesce(Person.full_name, Person.telegram_name), Person.id)
        )
        return [(pid, full or telegram) for pid, full, telegram in rows]
