"""Setting a meeting (cl. 12-13): creating it, a new venue or time, cancelling it; everyone
concerned is told with a calendar file, and the reminders are planned."""

from __future__ import annotations

import secrets
from dataclasses import KW_ONLY, dataclass
from datetime import datetime

from bot.domain import fields
from bot.domain.meetings import (
    DEFAULT_REMINDER_OFFSETS,
    MeetingFormat,
    reminder_times,
    validate_venue,
)
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.errors import InvalidInput, checked, checked_optional
from bot.services.guests import guest_contacts
from bot.services.meetings import MeetingService, meeting_calendar, refusal_for
from bot.services.notifier import Delivery, Notice, Notifier
from bot.services.offers import attach_pending
from bot.services.roster import Auditor
from storage.db import read, write
from storage.repositories.due import DueRepository
from storage.repositories.files import FileRepository
from storage.repositories.meetings import MeetingView


@dataclass(frozen=True, slots=True)
class MeetingDraft:
    title: str
    format: MeetingFormat
    place: str | None
    link: str | None
    starts_at: datetime
    # «Внеочередное заседание» (cl. 12): called by the chair besides the regular ones.
    extraordinary: bool = False


def _check_venue(
    fmt: MeetingFormat, place: str | None, link: str | None
) -> tuple[str | None, str | None]:
    """The place and the link as stored: each within its field's limit, then the venue's
    rule (a place for an in-person meeting, a web link)."""
    place = checked_optional(fields.MEETING_PLACE, place)
    link = checked_optional(fields.MEETING_LINK, link)
    error = validate_venue(fmt, place, link)
    if error is not None:
        raise InvalidInput(f"meetings.{error.value}")
    return place, link


@dataclass(eq=False)
class SchedulingService(Service):
    _: KW_ONLY
    meetings: MeetingService
    notifier: Notifier

    def __post_init__(self) -> None:
        self.repo = self.meetings.repo

    def check_draft(self, draft: MeetingDraft) -> MeetingDraft:
        title = checked(fields.MEETING_TITLE, draft.title)
        place, link = _check_venue(draft.format, draft.place, draft.link)
        if draft.starts_at <= self.clock.now():
            raise InvalidInput("dates.past")
        return MeetingDraft(title, draft.format, place, link, draft.starts_at, draft.extraordinary)

    async def create(self, actor: Actor, draft: MeetingDraft) -> MeetingView:
        draft = self.check_draft(draft)
        now = self.clock.now()
        async with write(self.session):
            await self.meetings.require_scheduler(actor)
            meeting = await self.repo.add(
                group_id=actor.group_id,
                title=draft.title,
                format=draft.format.value,
                place=draft.place,
                link=draft.link,
                starts_at=draft.starts_at,
                status="scheduled",
                sequence=0,
                checkin_token=secrets.token_urlsafe(12),
                created_by=actor.telegram_id,
                created_at=now,
                extraordinary=draft.extraordinary,
            )
            await self._notify_all(meeting, "new", now)
            await self._plan_reminders(meeting, now)
            # Overdue tasks and quarterly reviews offered while no draft agenda existed.
            await attach_pending(self.session, actor.group_id, meeting.id, now)
            await Auditor(self.session, actor, now)(
                "meeting_scheduled",
                "meeting",
                meeting.id,
                starts_at=draft.starts_at.isoformat(),
                extraordinary=draft.extraordinary,
            )
        return meeting

    async def _scheduled(self, actor: Actor, meeting_id: int) -> MeetingView:
        """Inside the write: the actor may set meetings, and this one is still ahead."""
        await self.meetings.require_scheduler(actor)
        meeting = await self.meetings.load(actor.group_id, meeting_id, lock=True)
        if meeting.status != "scheduled":
            raise InvalidInput(refusal_for(meeting.status, wanted="scheduled"))
        return meeting

    async def check_change(self, actor: Actor, meeting_id: int) -> MeetingView:
        """At the press of «Отменить заседание», «Перенести» or «Изменить ссылку», before the
        confirmation or the question: the rule the change runs again when it is written
        (#14 finding 4)."""
        async with read(self.session):
            return await self._scheduled(actor, meeting_id)

    async def change_venue(self, actor: Actor, meeting_id: int, text: str) -> MeetingView:
        """A new place (in person) or link (remote); everyone is told, with a new .ics."""
        now = self.clock.now()
        async with write(self.session):
            meeting = await self._scheduled(actor, meeting_id)
            fmt = MeetingFormat(meeting.format)
            place = text if fmt is MeetingFormat.IN_PERSON else None
            link = text if fmt is MeetingFormat.REMOTE else None
            place, link = _check_venue(fmt, place, link)
            await self.repo.update(
                meeting_id, place=place, link=link, sequence=meeting.sequence + 1
            )
            meeting = await self.meetings.load(actor.group_id, meeting_id)
            await self._notify_all(meeting, "changed", now)
            await Auditor(self.session, actor, now)(
                "meeting_changed", "meeting", meeting_id, place=place, link=link
            )
        return meeting

    async def reschedule(self, actor: Actor, meeting_id: int, starts_at: datetime) -> MeetingView:
        now = self.clock.now()
        if starts_at <= now:
            raise InvalidInput("dates.past")
        async with write(self.session):
            meeting = await self._scheduled(actor, meeting_id)
            await self.repo.update(meeting_id, starts_at=starts_at, sequence=meeting.sequence + 1)
            meeting = await self.meetings.load(actor.group_id, meeting_id)
            await DueRepository(self.session).cancel_for_meeting(meeting_id, now)
            await self._notify_all(meeting, "changed", now)
            await self._plan_reminders(meeting, now)
            await Auditor(self.session, actor, now)(
                "meeting_rescheduled", "meeting", meeting_id, starts_at=starts_at.isoformat()
            )
        return meeting

    async def cancel(self, actor: Actor, meeting_id: int) -> MeetingView:
        now = self.clock.now()
        async with write(self.session):
            meeting = await self._scheduled(actor, meeting_id)
            await self.repo.update(
                meeting_id, status="cancelled", cancelled_at=now, sequence=meeting.sequence + 1
            )
            meeting = await self.meetings.load(actor.group_id, meeting_id)
            await DueRepository(self.session).cancel_for_meeting(meeting_id, now)
            await self._notify_all(meeting, "cancelled", now)
            await Auditor(self.session, actor, now)("meeting_cancelled", "meeting", meeting_id)
        return meeting

    async def _notify_all(self, meeting: MeetingView, kind: str, now: datetime) -> None:
        """Every member, the secretariat and the meeting's guests, with the .ics; the linked
        chat is told too."""
        file_name, content = meeting_calendar(
            meeting,
            self.meetings.tz,
            now,
            cancelled=kind == "cancelled",
            # One file for everyone, so in the group's language.
            summary=self.notifier.text(Notice("meetings.calendar_summary", meeting=meeting)),
        )
        stored = await FileRepository(self.session).add(
            file_name=file_name, mime_type="text/calendar", content=content, now=now
        )
        with_file = Delivery(document={"stored_file_id": stored, "file_name": file_name})
        key = f"meeting:{meeting.id}:{meeting.sequence}:{kind}"
        news = {"meeting": meeting, "kind": kind}
        roster = self.meetings.roster
        attendees = [
            m
            for m in await roster.meeting_people(meeting.group_id)
            if m.can(Capability.ATTEND_MEETINGS)
        ]
        notifier = self.notifier
        envelopes = notifier.to_people(
            attendees, Notice("meetings.invitation", **news), key=key, delivery=with_file
        )
        envelopes += notifier.to_people(
            await guest_contacts(self.session, meeting.id),
            Notice("meetings.guest_invitation", **news),
            key=key,
            delivery=with_file,
        )
        chat = await roster.linked_chat(meeting.group_id)
        if chat is not None:
            envelopes.append(
                notifier.to_chat(chat[0], Notice("meetings.chat_news", **news), key=f"{key}:chat")
            )
        await notifier.send(envelopes)

    async def _plan_reminders(self, meeting: MeetingView, now: datetime) -> None:
        tasks = [
            {
                "key": f"reminder:{meeting.id}:{meeting.sequence}:{int(offset.total_seconds())}",
                "kind": "reminder",
                "group_id": meeting.group_id,
                "meeting_id": meeting.id,
                "due_at": due_at,
                "payload": {"offset_s": int(offset.total_seconds())},
                "status": "pending",
            }
            for offset, due_at in reminder_times(meeting.starts_at, DEFAULT_REMINDER_OFFSETS, now)
        ]
        await DueRepository(self.session).add(tasks)
