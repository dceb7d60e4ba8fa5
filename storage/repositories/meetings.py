"""Meetings and what hangs on them: answers, check-ins, recordings, live messages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.meetings import held_for_month
from storage import upsert
from storage.models import (
    Attendance,
    ChairAbsence,
    LiveMessage,
    Meeting,
    MonthCompliance,
    Recording,
    Rsvp,
    WorkingGroup,
)
from storage.repositories.locking import for_update


@dataclass(frozen=True, slots=True)
class MeetingView:
    id: int
    group_id: int
    title: str
    format: str
    place: str | None
    link: str | None
    starts_at: datetime
    status: str
    sequence: int
    checkin_token: str
    opened_at: datetime | None
    closed_at: datetime | None
    kind: str = "regular"
    presiding_person_id: int | None = None
    quorum_at_close: bool | None = None
    # An extraordinary meeting («внеочередное заседание», cl. 12).
    extraordinary: bool = False
    # Members of the composition in force when the meeting opened: the quorum total (cl. 14).
    composition_total: int | None = None
    # Who approved the agenda (person id): the chair, or the deputy acting (cl. 13).
    agenda_approved_by: int | None = None
    # A subgroup's meeting (cl. 10): its kind and name, which every card shows; None for the
    # working group's own meetings.
    group_kind: str | None = None
    group_name: str | None = None


@dataclass(frozen=True, slots=True)
class RecordingView:
    file_name: str | None
    size: int | None
    duration: int | None
    sha256: str | None
    storage_ref: str | None
    attached_at: datetime
    # The SHA-256 of the bot's own copy under DATA_DIR/files, if it keeps one.
    kept_sha256: str | None = None


def _view(m: Meeting) -> MeetingView:
    return MeetingView(
        id=m.id,
        group_id=m.group_id,
        title=m.title,
        format=m.format,
        place=m.place,
        link=m.link,
        starts_at=m.starts_at,
        status=m.status,
        sequence=m.sequence,
        checkin_token=m.checkin_token,
        opened_at=m.opened_at,
        closed_at=m.closed_at,
        kind=m.kind,
        presiding_person_id=m.presiding_person_id,
        quorum_at_close=m.quorum_at_close,
        extraordinary=bool(m.extraordinary),
        composition_total=m.composition_total,
        agenda_approved_by=m.agenda_approved_by,
    )


def _insert(session: AsyncSession, model: Any) -> Any:
    return upsert.insert(session, model)


class MeetingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _named(self, views: list[MeetingView]) -> list[MeetingView]:
        """Each subgroup's meeting with its group's kind and name (cl. 10)."""
        wanted = {v.group_id for v in views}
        if not wanted:
            return views
        known: dict[int, tuple[str, str] | None] = self.session.info.setdefault(
            "meeting_group_names", {}
        )
        missing = wanted - known.keys()
        if missing:
            rows = await self.session.execute(
                select(
                    WorkingGroup.id, WorkingGroup.kind, WorkingGroup.name, WorkingGroup.parent_id
                ).where(WorkingGroup.id.in_(missing))
            )
            for group_id, kind, name, parent_id in rows.all():
                known[group_id] = (kind, name) if parent_id is not None else None
        named = []
        for v in views:
            label = known.get(v.group_id)
            named.append(replace(v, group_kind=label[0], group_name=label[1]) if label else v)
        return named

    async def _one(self, row: Meeting | None) -> MeetingView | None:
        return (await self._named([_view(row)]))[0] if row is not None else None

    async def add(self, **values: Any) -> MeetingView:
        row = Meeting(**values)
        self.session.add(row)
        await self.session.flush()
        return (await self._named([_view(row)]))[0]

    async def get(
        self, group_id: int, meeting_id: int, *, lock: bool = False
    ) -> MeetingView | None:
        """``lock``: the row is locked until the transaction ends (a state transition)."""
        query = select(Meeting).where(Meeting.id == meeting_id, Meeting.group_id == group_id)
        row = await self.session.scalar(for_update(query) if lock else query)
        return await self._one(row)

    async def get_many(self, meeting_ids: list[int]) -> dict[int, MeetingView]:
        rows = await self.session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))
        return {v.id: v for v in await self._named([_view(r) for r in rows])}

    async def answered(self, meeting_ids: list[int]) -> dict[int, set[int]]:
        """Who has answered the invitation, per meeting, in one query."""
        rows = await self.session.execute(
            select(Rsvp.meeting_id, Rsvp.person_id).where(Rsvp.meeting_id.in_(meeting_ids))
        )
        found: dict[int, set[int]] = {m: set() for m in meeting_ids}
        for meeting_id, person_id in rows.all():
            found[meeting_id].add(person_id)
        return found

    async def by_token(self, token: str) -> MeetingView | None:
        row = await self.session.scalar(select(Meeting).where(Meeting.checkin_token == token))
        return await self._one(row)

    async def update(self, meeting_id: int, **values: Any) -> None:
        await self.session.execute(update(Meeting).where(Meeting.id == meeting_id).values(**values))

    async def listing(self, group_id: int, limit: int = 30) -> list[MeetingView]:
        rows = await self.session.scalars(
            select(Meeting)
            .where(Meeting.group_id == group_id)
            .order_by(Meeting.starts_at.desc())
            .limit(limit)
        )
        return await self._named([_view(r) for r in rows])

    async def in_period(
        self, group_id: int, start: datetime, end: datetime, statuses: tuple[str, ...]
    ) -> list[MeetingView]:
        rows = await self.session.scalars(
            select(Meeting).where(
                Meeting.group_id == group_id,
                Meeting.starts_at >= start,
                Meeting.starts_at < end,
                Meeting.status.in_(statuses),
            )
        )
        return [_view(r) for r in rows]

    # Answers and check-ins
    async def set_rsvp(
        self, meeting_id: int, person_id: int, answer: str, reason: str | None, now: datetime
    ) -> None:
        statement = _insert(self.session, Rsvp).values(
            meeting_id=meeting_id,
            person_id=person_id,
            answer=answer,
            reason=reason,
            answered_at=now,
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["meeting_id", "person_id"],
                set_={"answer": answer, "reason": reason, "answered_at": now},
            )
        )

    async def rsvps(self, meeting_id: int) -> dict[int, tuple[str, str | None]]:
        rows = await self.session.execute(
            select(Rsvp.person_id, Rsvp.answer, Rsvp.reason).where(Rsvp.meeting_id == meeting_id)
        )
        return {person: (answer, reason) for person, answer, reason in rows.all()}

    async def check_in(self, meeting_id: int, person_id: int, mode: str, now: datetime) -> bool:
        """True when the member was not present; a repeated check-in changes nothing."""
        present = await self.session.scalar(
            select(Attendance.id).where(
                Attendance.meeting_id == meeting_id,
                Attendance.person_id == person_id,
                Attendance.left_at.is_(None),
            )
        )
        if present is not None:
            return False
        statement = _insert(self.session, Attendance).values(
            meeting_id=meeting_id, person_id=person_id, mode=mode, checked_in_at=now
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["meeting_id", "person_id"],
                set_={"left_at": None, "checked_in_at": now, "mode": mode},
            )
        )
        return True

    async def check_out(self, meeting_id: int, person_id: int, now: datetime) -> bool:
        result = await self.session.execute(
            update(Attendance)
            .where(
                Attendance.meeting_id == meeting_id,
                Attendance.person_id == person_id,
                Attendance.left_at.is_(None),
            )
            .values(left_at=now)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def stats(self, meeting_ids: list[int]) -> dict[int, tuple[int, bool]]:
        """Per meeting: how many checked in, and whether a recording is attached."""
        if not meeting_ids:
            return {}
        rows = await self.session.execute(
            select(Attendance.meeting_id, func.count())
            .where(Attendance.meeting_id.in_(meeting_ids))
            .group_by(Attendance.meeting_id)
        )
        attended = {meeting: int(n) for meeting, n in rows.all()}
        recorded = set(
            await self.session.scalars(
                select(Recording.meeting_id).where(Recording.meeting_id.in_(meeting_ids))
            )
        )
        return {m: (int(attended.get(m, 0)), m in recorded) for m in meeting_ids}

    async def is_present(self, meeting_id: int, person_id: int) -> bool:
        found = await self.session.scalar(
            select(Attendance.id).where(
                Attendance.meeting_id == meeting_id,
                Attendance.person_id == person_id,
                Attendance.left_at.is_(None),
            )
        )
        return found is not None

    async def present_among(self, meeting_id: int, person_ids: Iterable[int]) -> set[int]:
        """Which of these people are checked in now: one query for a batch of votes."""
        wanted = set(person_ids)
        if not wanted:
            return set()
        rows = await self.session.scalars(
            select(Attendance.person_id).where(
                Attendance.meeting_id == meeting_id,
                Attendance.person_id.in_(wanted),
                Attendance.left_at.is_(None),
            )
        )
        return set(rows)

    async def attendance_history(self, meeting_id: int) -> set[int]:
        """Everyone who checked in at some point, including those who left before the end."""
        rows = await self.session.scalars(
            select(Attendance.person_id).where(Attendance.meeting_id == meeting_id)
        )
        return set(rows)

    async def attendees(self, meeting_id: int) -> dict[int, str]:
        rows = await self.session.execute(
            select(Attendance.person_id, Attendance.mode).where(
                Attendance.meeting_id == meeting_id, Attendance.left_at.is_(None)
            )
        )
        return {person: mode for person, mode in rows.all()}

    # Recording
    async def add_recording(self, **values: Any) -> None:
        self.session.add(Recording(**values))

    async def recording(self, meeting_id: int) -> RecordingView | None:
        row = await self.session.scalar(
            select(Recording)
            .where(Recording.meeting_id == meeting_id)
            .order_by(Recording.id.desc())
            .limit(1)
        )
        if row is None:
            return None
        return RecordingView(
            file_name=row.file_name,
            size=row.size,
            duration=row.duration,
            sha256=row.sha256,
            storage_ref=row.storage_ref,
            attached_at=row.attached_at,
            kept_sha256=row.kept_sha256,
        )

    # Live messages
    async def live_chats(self, meeting_id: int) -> list[tuple[int, int | None]]:
        rows = await self.session.execute(
            select(LiveMessage.chat_id, LiveMessage.message_id).where(
                LiveMessage.meeting_id == meeting_id
            )
        )
        return [(c, m) for c, m in rows.all()]

    async def set_live(self, meeting_id: int, chat_id: int, message_id: int | None) -> None:
        statement = _insert(self.session, LiveMessage).values(
            meeting_id=meeting_id, chat_id=chat_id, message_id=message_id
        )
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["meeting_id", "chat_id"], set_={"message_id": message_id}
            )
        )

    # Absences of the chair
    async def absences(self, group_id: int) -> list[tuple[datetime, datetime]]:
        rows = await self.session.execute(
            select(ChairAbsence.starts_at, ChairAbsence.ends_at).where(
                ChairAbsence.group_id == group_id, ChairAbsence.cancelled_at.is_(None)
            )
        )
        return [(s, e) for s, e in rows.all()]

    async def add_absence(self, **values: Any) -> int:
        row = ChairAbsence(**values)
        self.session.add(row)
        await self.session.flush()
        return row.id

    # Monthly rule
    async def record_month(
        self, group_id: int, year: int, month: int, held: int, compliant: bool, now: datetime
    ) -> None:
        await self.session.execute(
            _insert(self.session, MonthCompliance)
            .values(
                group_id=group_id,
                year=year,
                month=month,
                meetings_held=held,
                compliant=compliant,
                recorded_at=now,
            )
            .on_conflict_do_nothing(index_elements=["group_id", "year", "month"])
        )

    async def months(self, group_id: int) -> dict[tuple[int, int], tuple[int, bool]]:
        rows = await self.session.execute(
            select(
                MonthCompliance.year,
                MonthCompliance.month,
                MonthCompliance.meetings_held,
                MonthCompliance.compliant,
            ).where(MonthCompliance.group_id == group_id)
        )
        return {(y, m): (held, ok) for y, m, held, ok in rows.all()}

    async def count_held(self, group_id: int, start: datetime, end: datetime) -> int:
        """Meetings held for the month (cl. 12), counted by the domain's rule."""
        held = await self.in_period(group_id, start, end, ("closed",))
        return sum(1 for meeting in held if held_for_month(meeting))
