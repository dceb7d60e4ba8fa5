"""Meetings (cl. 11-14), the read side and the answers: who may set a meeting, the listing,
the card a viewer sees, answers before the meeting and the quorum forecast.

Scheduling (`bot.services.scheduling`), attendance and the live message
(`bot.services.attendance`), the recording (`bot.services.recording`) and the chair's absence
(`bot.services.absence`) are services of their own, built on this one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.documents.ics import (
    MeetingInvite,
    cancellation_ics,
    ics_filename,
    invitation_ics,
    meeting_uid,
)
from bot.domain import fields
from bot.domain.group_scope import subgroup_schedule_refusal
from bot.domain.meetings import (
    Absence,
    Rsvp,
    chair_absent,
    may_change_rsvp,
    quorum_forecast,
    schedule_refusal,
)
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.errors import InvalidInput, NotAllowed, NotFound, checked_optional
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.meetings import MeetingRepository, MeetingView, RecordingView
from storage.repositories.roster import RosterRepository

MEETING_LENGTH = timedelta(hours=2)  # for calendars; the regulation sets no length


@dataclass(frozen=True, slots=True)
class Overview:
    meeting: MeetingView
    answers: dict[int, tuple[str, str | None]]
    members: list[MemberView]
    expected: int
    forecast_quorum: bool
    recording: RecordingView | None


@dataclass(frozen=True, slots=True)
class CardState:
    """The meeting card as one viewer sees it, with what they may do on it."""

    meeting: MeetingView
    my_answer: str | None
    has_recording: bool
    # Answer the invitation (members and the secretariat, cl. 12).
    may_answer: bool = False
    # Check in at an open meeting (members, cl. 14).
    may_check_in: bool = False
    # Answers, opening, QR code, recording and closing (cl. 11-12).
    may_run: bool = False
    may_invite_guests: bool = False
    # Reschedule, cancel, change the venue: whoever may set the meeting now (cl. 13).
    may_schedule: bool = False


def meeting_calendar(
    meeting: MeetingView,
    tz: ZoneInfo,
    now: datetime,
    *,
    cancelled: bool = False,
    summary: str | None = None,
) -> tuple[str, bytes]:
    """The meeting as an .ics file (its name and bytes) that calendars add or cancel;
    ``summary`` is the event's name in the calendar (the title unless given)."""
    invite = MeetingInvite(
        uid=meeting_uid(meeting.id),
        sequence=meeting.sequence,
        title=summary or meeting.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.starts_at + MEETING_LENGTH,
        location=meeting.place,
        url=meeting.link,
        description=None,
        organizer_name=None,
        dtstamp=now,
    )
    content = cancellation_ics(invite) if cancelled else invitation_ics(invite)
    return ics_filename(meeting.title, meeting.starts_at.astimezone(tz).date()), content


def refusal_for(status: str, *, wanted: str) -> str:
    """The refusal of a change that needs a meeting `wanted` but finds it `status`: a
    meeting already opened, closed or cancelled (by another press) is named as such."""
    if status != wanted and status in ("open", "closed", "cancelled"):
        return f"meetings.already_{status}"
    return "meetings.not_scheduled" if wanted == "scheduled" else "meetings.not_open"


def _current(meetings: list[MeetingView]) -> MeetingView | None:
    for meeting in meetings:
        if meeting.status == "open":
            return meeting
    upcoming = [m for m in meetings if m.status == "scheduled"]
    return min(upcoming, key=lambda m: m.starts_at) if upcoming else None


@dataclass(eq=False)
class MeetingService(ZonedService):
    def __post_init__(self) -> None:
        self.repo = MeetingRepository(self.session)
        self.roster = RosterRepository(self.session)

    # Who may set a meeting (cl. 13)
    async def require_scheduler(self, actor: Actor) -> None:
        """Inside the caller's transaction: the chair, or the deputy while the chair's
        recorded absence holds. In a subgroup (cl. 10): its head, the working group's chair
        or the secretariat."""
        if actor.parent_roles is not None:
            sub_refusal = subgroup_schedule_refusal(actor.roles, actor.parent_roles)
            if sub_refusal is not None:
                raise NotAllowed(f"group_scope.{sub_refusal.value}")
            return
        absences = [Absence(s, e) for s, e in await self.repo.absences(actor.group_id)]
        absent = chair_absent(absences, self.clock.now())
        refusal = schedule_refusal(actor.roles, chair_absent=absent)
        if refusal is not None:
            raise NotAllowed(f"meetings.{refusal.value}")

    async def check_may_schedule(self, actor: Actor) -> None:
        async with read(self.session):
            await self.require_scheduler(actor)

    async def may_schedule(self, actor: Actor) -> bool:
        try:
            await self.check_may_schedule(actor)
        except NotAllowed:
            return False
        return True

    async def load(self, group_id: int, meeting_id: int, *, lock: bool = False) -> MeetingView:
        """``lock``: a transition; the meeting's row is locked first (see `for_update`)."""
        meeting = await self.repo.get(group_id, meeting_id, lock=lock)
        if meeting is None:
            raise NotFound("errors.stale")
        return meeting

    # Reading
    async def card_state(self, actor: Actor, meeting_id: int) -> CardState:
        """What the meeting card shows this viewer, and what they may do on it."""
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        may_schedule = await self.may_schedule(actor)
        async with read(self.session):
            meeting = await self.load(actor.group_id, meeting_id)
            answers = await self.repo.rsvps(meeting_id)
            recording = await self.repo.recording(meeting_id)
        mine = answers.get(actor.person_id or -1)
        return CardState(
            meeting,
            mine[0] if mine else None,
            recording is not None,
            may_answer=actor.can(Capability.ATTEND_MEETINGS),
            may_check_in=actor.is_member,
            may_run=actor.can(Capability.RUN_MEETING),
            may_invite_guests=actor.can(Capability.INVITE_GUESTS),
            may_schedule=may_schedule,
        )

    async def meeting(self, actor: Actor, meeting_id: int) -> MeetingView:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            return await self.load(actor.group_id, meeting_id)

    async def listing(self, actor: Actor) -> list[MeetingView]:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            found = await self.repo.listing(actor.group_id)
            if not actor.scoped:
                # With the meetings of the subgroups the person sits in — or oversees, as the
                # working group's chair or secretariat (cl. 10).
                for group in await self.roster.subgroups(actor.group_id):
                    if actor.in_subgroup(group).in_roster:
                        found += await self.repo.listing(group.id)
        return sorted(found, key=lambda m: m.starts_at, reverse=True)[:30]

    async def listing_stats(self, actor: Actor) -> list[tuple[MeetingView, int, bool]]:
        """Meetings with their attendance and whether a recording is attached (/meetings)."""
        meetings = await self.listing(actor)
        async with read(self.session):
            stats = await self.repo.stats([m.id for m in meetings])
        return [(m, *stats.get(m.id, (0, False))) for m in meetings]

    async def current(self, actor: Actor) -> MeetingView | None:
        """The meeting under way, else the next scheduled one: what /agenda and /propose mean.
        The person's own group's first; else a subgroup's they sit in (cl. 10)."""
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            own = await self.repo.listing(actor.group_id)
        found = _current(own)
        if found is None and not actor.scoped:
            found = _current(await self.listing(actor))
        return found

    # Answers before the meeting (cl. 12)
    async def rsvp(
        self, actor: Actor, meeting_id: int, answer: Rsvp, reason: str | None = None
    ) -> MeetingView:
        if actor.person_id is None or not actor.can(Capability.ATTEND_MEETINGS):
            raise NotAllowed("meetings.only_members")
        reason = checked_optional(fields.ABSENCE_REASON, reason)
        now = self.clock.now()
        async with write(self.session):
            # Locked: two presses at once must not both see "no answer yet" (finding 6).
            meeting = await self.load(actor.group_id, meeting_id, lock=True)
            if meeting.status != "scheduled" or not may_change_rsvp(meeting.starts_at, now):
                raise InvalidInput("meetings.rsvp_closed")
            if (await self.repo.rsvps(meeting_id)).get(actor.person_id) == (answer.value, reason):
                # The same answer again (a double tap): nothing changed, nothing to audit.
                return meeting
            await self.repo.set_rsvp(meeting_id, actor.person_id, answer.value, reason, now)
            await Auditor(self.session, actor, now)(
                "rsvp", "meeting", meeting_id, answer=answer.value
            )
        return meeting

    async def overview(self, actor: Actor, meeting_id: int) -> Overview:
        """Answers and the quorum forecast, for the chair, deputy and secretariat."""
        actor.require(Capability.RUN_MEETING)
        async with read(self.session):
            meeting = await self.load(actor.group_id, meeting_id)
            answers = await self.repo.rsvps(meeting_id)
            members = [m for m in await self.roster.meeting_people(actor.group_id) if m.is_member]
            recording = await self.repo.recording(meeting_id)
        member_ids = {m.person.id for m in members}
        expected, quorum = quorum_forecast(
            {pid: Rsvp(a) for pid, (a, _) in answers.items()}, member_ids
        )
        return Overview(meeting, answers, members, expected, quorum, recording)
