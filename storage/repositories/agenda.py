"""Agenda items and the votes on additional items."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.agenda import Tally
from bot.domain.group_scope import COUNTING_ROLES
from storage import upsert
from storage.models import (
    AgendaItem,
    Attendance,
    Meeting,
    Membership,
    OutboxMessage,
    Person,
    Vote,
)
from storage.repositories.locking import for_update

_MEMBER_ROLE_VALUES = sorted(r.value for r in COUNTING_ROLES)


@dataclass(frozen=True, slots=True)
class ItemView:
    id: int
    meeting_id: int
    position: int
    title: str
    speaker: str | None
    description: str | None
    document: dict[str, Any] | None
    source: str
    status: str
    proposed_by: int | None
    reject_reason: str | None
    votes_for: int | None
    votes_against: int | None
    votes_abstain: int | None
    present_at_close: int | None
    basis: str | None


@dataclass(frozen=True, slots=True)
class Approval:
    """Who approved the agenda and in which role they acted then (cl. 13)."""

    at: datetime
    person_id: int | None
    name: str | None
    # The main role the approver held at that moment (chair and deputy are main roles).
    acted_as: str | None


@dataclass(frozen=True, slots=True)
class Ballot:
    """One ballot message of a vote, as the outbox knows it."""

    key: str
    chat_id: int
    person_id: int | None
    status: str
    message_id: int | None


def _view(i: AgendaItem) -> ItemView:
    return ItemView(
        id=i.id,
        meeting_id=i.meeting_id,
        position=i.position,
        title=i.title,
        speaker=i.speaker,
        description=i.description,
        document=i.document,
        source=i.source,
        status=i.status,
        proposed_by=i.proposed_by,
        reject_reason=i.reject_reason,
        votes_for=i.votes_for,
        votes_against=i.votes_against,
        votes_abstain=i.votes_abstain,
        present_at_close=i.present_at_close,
        basis=i.basis,
    )


class AgendaRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def items(self, meeting_id: int) -> list[ItemView]:
        rows = await self.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting_id)
            .order_by(AgendaItem.position, AgendaItem.id)
        )
        return [_view(r) for r in rows]

    async def item(self, item_id: int, *, lock: bool = False) -> ItemView | None:
        """``lock``: the row is locked until the transaction ends (a state transition)."""
        if not lock:
            row = await self.session.get(AgendaItem, item_id)
        else:
            row = await self.session.scalar(
                for_update(select(AgendaItem).where(AgendaItem.id == item_id))
            )
        return _view(row) if row else None

    async def next_position(self, meeting_id: int) -> int:
        found = await self.session.scalar(
            select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting_id)
        )
        return int(found or 0) + 1

    async def add(self, **values: Any) -> ItemView:
        row = AgendaItem(**values)
        self.session.add(row)
        await self.session.flush()
        return _view(row)

    async def update(self, item_id: int, **values: Any) -> None:
        await self.session.execute(
            update(AgendaItem).where(AgendaItem.id == item_id).values(**values)
        )

    async def bump_version(self, meeting_id: int, **values: Any) -> int:
        await self.session.execute(
            update(Meeting)
            .where(Meeting.id == meeting_id)
            .values(agenda_version=Meeting.agenda_version + 1, **values)
        )
        version = await self.session.scalar(
            select(Meeting.agenda_version).where(Meeting.id == meeting_id)
        )
        return int(version or 0)

    async def lock_meeting(self, meeting_id: int) -> None:
        """Serialises a proposal against the approval on PostgreSQL (SQLite's writers are
        serial already): a proposal must see the approval, or the approval the proposal."""
        await self.session.execute(
            select(Meeting.id).where(Meeting.id == meeting_id).with_for_update()
        )

    async def agenda_state(self, meeting_id: int) -> tuple[int, datetime | None]:
        row = (
            await self.session.execute(
                select(Meeting.agenda_version, Meeting.agenda_approved_at).where(
                    Meeting.id == meeting_id
                )
            )
        ).one()
        return int(row[0]), row[1]

    async def set_vote(self, item_id: int, person_id: int, choice: str, now: datetime) -> None:
        await self.set_votes([(item_id, person_id, choice)], now)

    async def set_votes(self, votes: Sequence[tuple[int, int, str]], now: datetime) -> None:
        """(item, person, choice) each, written in one statement: a member's later vote
        replaces the earlier one. A person appears once per item in ``votes``."""
        if not votes:
            return
        statement = upsert.insert(self.session, Vote)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["item_id", "person_id"],
                set_={"choice": statement.excluded.choice, "at": statement.excluded.at},
            ),
            [
                {"item_id": item, "person_id": person, "choice": choice, "at": now}
                for item, person, choice in votes
            ],
        )

    async def votes(self, item_id: int) -> dict[int, str]:
        rows = await self.session.execute(
            select(Vote.person_id, Vote.choice).where(Vote.item_id == item_id)
        )
        return {person: choice for person, choice in rows.all()}

    async def tally_present(self, item_id: int, meeting_id: int) -> Tally:
        """Votes of the members present now, and how many members are present (cl. 13-14).

        Guests and secretariat staff check in too (for the protocol's lists) but are not
        members: counting them would keep "everyone present has voted" from ever holding."""
        # One query: each member present, with their vote on this item if any.
        group_id = select(Meeting.group_id).where(Meeting.id == meeting_id).scalar_subquery()
        rows = await self.session.execute(
            select(Vote.choice, func.count())
            .select_from(Attendance)
            .join(
                Membership,
                (Membership.person_id == Attendance.person_id)
                & (Membership.group_id == group_id)
                & Membership.ended_at.is_(None)
                & Membership.role.in_(_MEMBER_ROLE_VALUES),
            )
            .outerjoin(Vote, (Vote.person_id == Attendance.person_id) & (Vote.item_id == item_id))
            .where(Attendance.meeting_id == meeting_id, Attendance.left_at.is_(None))
            .group_by(Vote.choice)
        )
        counts = {choice: int(n) for choice, n in rows.all()}
        present = sum(counts.values())
        return Tally(
            present, counts.get("for", 0), counts.get("against", 0), counts.get("abstain", 0)
        )

    async def decide(self, item_id: int, **values: Any) -> bool:
        """Decides a proposal still undecided; False when somebody decided it first (two
        presses, or two people), so that the first decision stands."""
        result = await self.session.execute(
            update(AgendaItem)
            .where(AgendaItem.id == item_id, AgendaItem.status == "proposed")
            .values(**values)
        )
        return bool(getattr(result, "rowcount", 0))

    async def composition_total(self, meeting_id: int) -> int | None:
        """The members in force when the meeting opened, if it was recorded then (cl. 9, 14)."""
        found = await self.session.scalar(
            select(Meeting.composition_total).where(Meeting.id == meeting_id)
        )
        return int(found) if found is not None else None

    async def approval(self, meeting_id: int) -> Approval | None:
        """Who approved the agenda, with the role they held at that moment."""
        row = (
            await self.session.execute(
                select(
                    Meeting.agenda_approved_at, Meeting.agenda_approved_by, Meeting.group_id
                ).where(Meeting.id == meeting_id)
            )
        ).one()
        at, person_id, group_id = row
        if at is None:
            return None
        if person_id is None:
            return Approval(at, None, None, None)
        found = (
            await self.session.execute(
                select(Person.full_name, Person.telegram_name, Membership.role)
                .outerjoin(
                    Membership,
                    (Membership.person_id == Person.id)
                    & (Membership.group_id == group_id)
                    & (Membership.started_at <= at)
                    & (Membership.ended_at.is_(None) | (Membership.ended_at > at)),
                )
                .where(Person.id == person_id)
                .order_by(Membership.started_at.desc())
                .limit(1)
            )
        ).first()
        if found is None:
            return Approval(at, person_id, None, None)
        full_name, telegram_name, role = found
        return Approval(at, person_id, full_name or telegram_name, role)

    async def ballots(self, item_id: int) -> list[Ballot]:
        """The ballot messages sent (or waiting to be sent) for a vote: keys vote:{item}:*."""
        rows = await self.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.key.like(f"vote:{item_id}:%"), OutboxMessage.method == "send")
            .order_by(OutboxMessage.id)
        )
        return [
            Ballot(r.key, r.chat_id, r.person_id, r.status, r.telegram_message_id) for r in rows
        ]

    async def rewrite_unsent(
        self, key: str, text: str, reply_markup: dict[str, Any] | None, now: datetime
    ) -> bool:
        """A ballot not sent yet goes out with the result instead of the buttons."""
        result = await self.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.key == key, OutboxMessage.status == "pending")
            .values(text=text, reply_markup=reply_markup, updated_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    async def voting_meetings(self) -> list[int]:
        rows = await self.session.scalars(
            select(AgendaItem.meeting_id).where(AgendaItem.status == "voting").distinct()
        )
        return list(rows)
