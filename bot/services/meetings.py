"""Meetings (cl. 11-14): scheduling, answers, check-in, quorum, recording, closing."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.documents.ics import (
    MeetingInvite,
    cancellation_ics,
    ics_filename,
    invitation_ics,
    meeting_uid,
)
from bot.domain.agenda import Choice, Tally, tally
from bot.domain.meetings import (
    DEFAULT_OPEN_EARLY,
    DEFAULT_REMINDER_OFFSETS,
    Absence,
    MeetingFormat,
    Rsvp,
    chair_absent,
    count_for_quorum,
    has_quorum,
    may_change_rsvp,
    may_open,
    may_record_absence,
    may_schedule,
    opens_from,
    presiding_among,
    quorum_forecast,
    quorum_total,
    reminder_times,
    validate_venue,
)
from bot.domain.roles import MEMBER_ROLES, Capability, Role, clean_name
from bot.i18n import Translator
from bot.services.actor import Actor
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.guests import guest_contacts, to_guests, to_person
from bot.services.offers import attach_pending
from bot.services.outbox import Envelope, enqueue, enqueue_edit
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.agenda import AgendaRepository
from storage.repositories.due import DueRepository
from storage.repositories.files import FileRepository
from storage.repositories.guests import GuestRepository
from storage.repositories.meetings import MeetingRepository, MeetingView, RecordingView
from storage.repositories.outbox import OutboxRepository
from storage.repositories.roster import RosterRepository

MEETING_LENGTH = timedelta(hours=2)  # for calendars; the regulation sets no length
TITLE_MAX = 200
PLACE_MAX = 300


@dataclass(frozen=True, slots=True)
class MeetingDraft:
    title: str
    format: MeetingFormat
    place: str | None
    link: str | None
    starts_at: datetime
    # «Внеочередное заседание» (cl. 12): called by the chair besides the regular ones.
    extraordinary: bool = False


@dataclass(frozen=True, slots=True)
class Presence:
    """Who is present at an open meeting, and what follows for decisions (cl. 11, 14)."""

    present: list[MemberView]
    # The composition recorded when the meeting opened (every member, joined or not).
    total_members: int
    present_members: int
    quorum: bool
    presiding: MemberView | None
    # The approved agenda, and additional items under vote with their running count.
    agenda: tuple[str, ...] = ()
    votes: tuple[tuple[str, Tally], ...] = ()
    # In which capacity the presiding person presides (chair, or deputy), cl. 11.
    presiding_role: Role | None = None


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
    meeting: MeetingView
    my_answer: str | None
    may_schedule: bool
    has_recording: bool


@dataclass(frozen=True, slots=True)
class Texts:
    """What the service needs rendered for outbox messages; bot.views.meetings provides it."""

    invitation: Callable[[Translator, MeetingView, str], str]
    rsvp_keyboard: Callable[[Translator, int], InlineKeyboardMarkup]
    live: Callable[[Translator, MeetingView, Presence], str]
    live_keyboard: Callable[[Translator, int], InlineKeyboardMarkup]
    # A guest answers nobody: the same news without the request to answer.
    guest_invitation: Callable[[Translator, MeetingView, str], str]
    # The check-in button of a guest's invitation (by its id), for an open meeting.
    guest_check_in: Callable[[Translator, int], InlineKeyboardMarkup]
    # The event's name in calendars: «Внеочередное заседание: …» where it is one.
    calendar_summary: Callable[[Translator, MeetingView], str]
    # To the chair and the deputy when the secretariat records the chair's absence (cl. 11):
    # who recorded it, the first and the last day.
    absence_notice: Callable[[Translator, str, date, date], str]


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


class MeetingService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        tz: ZoneInfo,
        *,
        open_early: timedelta = DEFAULT_OPEN_EARLY,
    ) -> None:
        self.session = session
        self.clock = clock
        self.tz = tz
        # How long before its start a meeting may be opened (MEETING_OPEN_EARLY_MINUTES).
        self.open_early = open_early
        self.repo = MeetingRepository(session)
        self.roster = RosterRepository(session)

    # Who may do what
    async def require_scheduler(self, actor: Actor) -> None:
        absences = [Absence(s, e) for s, e in await self.repo.absences(actor.group_id)]
        absent = chair_absent(absences, self.clock.now())
        if not may_schedule(actor.roles, chair_absent=absent):
            if actor.has(Role.DEPUTY_CHAIR):
                raise NotAllowed("meetings.deputy_while_chair_present")
            raise NotAllowed("meetings.only_chair")

    async def check_may_schedule(self, actor: Actor) -> None:
        async with read(self.session):
            await self.require_scheduler(actor)

    async def card_state(self, actor: Actor, meeting_id: int) -> CardState:
        """What the meeting card shows this viewer."""
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        may = await self.may_schedule(actor)
        async with read(self.session):
            meeting = await self.load(actor.group_id, meeting_id)
            answers = await self.repo.rsvps(meeting_id)
            recording = await self.repo.recording(meeting_id)
        mine = answers.get(actor.person_id or -1)
        return CardState(meeting, mine[0] if mine else None, may, recording is not None)

    async def may_schedule(self, actor: Actor) -> bool:
        async with read(self.session):
            try:
                await self.require_scheduler(actor)
            except NotAllowed:
                return False
        return True

    async def load(self, group_id: int, meeting_id: int) -> MeetingView:
        meeting = await self.repo.get(group_id, meeting_id)
        if meeting is None:
            raise NotFound("errors.stale")
        return meeting

    # Scheduling (cl. 13)
    def check_draft(self, draft: MeetingDraft) -> MeetingDraft:
        title = clean_name(draft.title) if len(draft.title) <= TITLE_MAX else None
        if title is None:
            raise InvalidInput("meetings.title_invalid", max=TITLE_MAX)
        error = validate_venue(draft.format, draft.place, draft.link)
        if error is not None:
            raise InvalidInput(f"meetings.{error.value}")
        if draft.place and len(draft.place) > PLACE_MAX:
            raise InvalidInput("meetings.place_too_long", max=PLACE_MAX)
        if draft.starts_at <= self.clock.now():
            raise InvalidInput("dates.past")
        return MeetingDraft(
            title, draft.format, draft.place, draft.link, draft.starts_at, draft.extraordinary
        )

    async def create(
        self,
        actor: Actor,
        draft: MeetingDraft,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
    ) -> MeetingView:
        draft = self.check_draft(draft)
        now = self.clock.now()
        async with write(self.session):
            await self.require_scheduler(actor)
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
            await self._notify_all(meeting, "new", render, default_locale, texts, now)
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

    async def change_venue(
        self,
        actor: Actor,
        meeting_id: int,
        text: str,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
    ) -> MeetingView:
        """A new place (in person) or link (remote); everyone is told, with a new .ics."""
        now = self.clock.now()
        async with write(self.session):
            await self.require_scheduler(actor)
            meeting = await self.load(actor.group_id, meeting_id)
            if meeting.status != "scheduled":
                raise InvalidInput("meetings.not_scheduled")
            fmt = MeetingFormat(meeting.format)
            place = text.strip() if fmt is MeetingFormat.IN_PERSON else None
            link = text.strip() if fmt is MeetingFormat.REMOTE else None
            error = validate_venue(fmt, place, link)
            if error is not None:
                raise InvalidInput(f"meetings.{error.value}")
            if place and len(place) > PLACE_MAX:
                raise InvalidInput("meetings.place_too_long", max=PLACE_MAX)
            await self.repo.update(
                meeting_id, place=place, link=link, sequence=meeting.sequence + 1
            )
            meeting = await self.load(actor.group_id, meeting_id)
            await self._notify_all(meeting, "changed", render, default_locale, texts, now)
            await Auditor(self.session, actor, now)(
                "meeting_changed", "meeting", meeting_id, place=place, link=link
            )
        return meeting

    async def reschedule(
        self,
        actor: Actor,
        meeting_id: int,
        starts_at: datetime,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
    ) -> MeetingView:
        now = self.clock.now()
        if starts_at <= now:
            raise InvalidInput("dates.past")
        async with write(self.session):
            await self.require_scheduler(actor)
            meeting = await self.load(actor.group_id, meeting_id)
            if meeting.status != "scheduled":
                raise InvalidInput("meetings.not_scheduled")
            await self.repo.update(meeting_id, starts_at=starts_at, sequence=meeting.sequence + 1)
            meeting = await self.load(actor.group_id, meeting_id)
            await DueRepository(self.session).cancel_for_meeting(meeting_id, now)
            await self._notify_all(meeting, "changed", render, default_locale, texts, now)
            await self._plan_reminders(meeting, now)
            await Auditor(self.session, actor, now)(
                "meeting_rescheduled", "meeting", meeting_id, starts_at=starts_at.isoformat()
            )
        return meeting

    async def cancel(
        self,
        actor: Actor,
        meeting_id: int,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
    ) -> MeetingView:
        now = self.clock.now()
        async with write(self.session):
            await self.require_scheduler(actor)
            meeting = await self.load(actor.group_id, meeting_id)
            if meeting.status != "scheduled":
                raise InvalidInput("meetings.not_scheduled")
            await self.repo.update(
                meeting_id, status="cancelled", cancelled_at=now, sequence=meeting.sequence + 1
            )
            meeting = await self.load(actor.group_id, meeting_id)
            await DueRepository(self.session).cancel_for_meeting(meeting_id, now)
            await self._notify_all(meeting, "cancelled", render, default_locale, texts, now)
            await Auditor(self.session, actor, now)("meeting_cancelled", "meeting", meeting_id)
        return meeting

    async def set_absence(
        self,
        actor: Actor,
        starts_at: datetime,
        ends_at: datetime,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
    ) -> None:
        """The chair's absence, recorded by the chair or, when the chair cannot be reached, by
        the secretariat; the deputy acts meanwhile (cl. 11, 13). When the secretariat records
        it, the chair and the deputy are told who did and for which days."""
        if not may_record_absence(actor.roles):
            raise NotAllowed("meetings.absence_not_allowed")
        if ends_at <= starts_at:
            raise InvalidInput("meetings.absence_order")
        now = self.clock.now()
        by_chair = actor.has(Role.CHAIR)
        async with write(self.session):
            absence_id = await self.repo.add_absence(
                group_id=actor.group_id,
                starts_at=starts_at,
                ends_at=ends_at,
                created_by=actor.telegram_id,
                created_at=now,
            )
            if not by_chair:
                first = starts_at.astimezone(self.tz).date()
                # ends_at is the first instant the chair is back; the last day is the one before.
                last = (ends_at - timedelta(microseconds=1)).astimezone(self.tz).date()
                envelopes = []
                for member in await self.roster.members(actor.group_id):
                    if not member.has(Role.CHAIR, Role.DEPUTY_CHAIR):
                        continue
                    if member.person.telegram_id is None or member.person.id == actor.person_id:
                        continue
                    t = render(member.person.locale(default_locale))
                    envelopes.append(
                        Envelope(
                            key=f"absence:{absence_id}:{member.person.id}",
                            kind="announcement",
                            chat_id=member.person.telegram_id,
                            person_id=member.person.id,
                            text=texts.absence_notice(t, actor.display_name, first, last),
                        )
                    )
                await enqueue(self.session, envelopes, now)
            await Auditor(self.session, actor, now)(
                "chair_absence",
                "working_group",
                actor.group_id,
                absence=absence_id,
                starts_at=starts_at.isoformat(),
                ends_at=ends_at.isoformat(),
                recorded_by=actor.person_id,
                recorded_as=Role.CHAIR.value if by_chair else Role.SECRETARIAT.value,
            )

    async def _notify_all(
        self,
        meeting: MeetingView,
        kind: str,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
        now: datetime,
    ) -> None:
        """Every member, the secretariat and the meeting's guests, with the .ics; the linked
        chat is told too."""
        file_name, content = meeting_calendar(
            meeting,
            self.tz,
            now,
            cancelled=kind == "cancelled",
            # One file for everyone, so in the group's language.
            summary=texts.calendar_summary(render(default_locale), meeting),
        )
        stored = await FileRepository(self.session).add(
            file_name=file_name, mime_type="text/calendar", content=content, now=now
        )
        document = {"stored_file_id": stored, "file_name": file_name}
        envelopes = []
        for member in await self.roster.members(meeting.group_id):
            if not member.has(*MEMBER_ROLES, Role.SECRETARIAT):
                continue
            if member.person.telegram_id is None:
                continue
            t = render(member.person.locale(default_locale))
            keyboard = texts.rsvp_keyboard(t, meeting.id) if kind != "cancelled" else None
            envelopes.append(
                Envelope(
                    key=f"meeting:{meeting.id}:{meeting.sequence}:{kind}:{member.person.id}",
                    kind="announcement",
                    chat_id=member.person.telegram_id,
                    person_id=member.person.id,
                    text=texts.invitation(t, meeting, kind),
                    document=document,
                    keyboard=keyboard,
                )
            )
        envelopes += to_guests(
            await guest_contacts(self.session, meeting.id),
            key=f"meeting:{meeting.id}:{meeting.sequence}:{kind}",
            kind="announcement",
            render=render,
            default_locale=default_locale,
            text=lambda t: texts.guest_invitation(t, meeting, kind),
            document=document,
        )
        chat = await self.roster.linked_chat(meeting.group_id)
        if chat is not None:
            t = render(default_locale)
            envelopes.append(
                Envelope(
                    key=f"meeting:{meeting.id}:{meeting.sequence}:{kind}:chat",
                    kind="announcement",
                    chat_id=chat[0],
                    text=texts.invitation(t, meeting, kind),
                )
            )
        await enqueue(self.session, envelopes, now)

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

    # Answers before the meeting
    async def rsvp(
        self, actor: Actor, meeting_id: int, answer: Rsvp, reason: str | None = None
    ) -> MeetingView:
        if actor.person_id is None or not actor.has(*MEMBER_ROLES, Role.SECRETARIAT):
            raise NotAllowed("meetings.only_members")
        if reason is not None and len(reason) > 300:
            raise InvalidInput("meetings.reason_too_long", max=300)
        now = self.clock.now()
        async with write(self.session):
            meeting = await self.load(actor.group_id, meeting_id)
            if meeting.status != "scheduled" or not may_change_rsvp(meeting.starts_at, now):
                raise InvalidInput("meetings.rsvp_closed")
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
            members = [m for m in await self.roster.members(actor.group_id) if m.is_member]
            recording = await self.repo.recording(meeting_id)
        member_ids = {m.person.id for m in members}
        expected, quorum = quorum_forecast(
            {pid: Rsvp(a) for pid, (a, _) in answers.items()}, member_ids
        )
        return Overview(meeting, answers, members, expected, quorum, recording)

    async def meeting(self, actor: Actor, meeting_id: int) -> MeetingView:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            return await self.load(actor.group_id, meeting_id)

    async def current(self, actor: Actor) -> MeetingView | None:
        """The meeting under way, else the next scheduled one: what /agenda and /propose mean."""
        for meeting in await self.listing(actor):
            if meeting.status == "open":
                return meeting
        upcoming = [m for m in await self.listing(actor) if m.status == "scheduled"]
        return min(upcoming, key=lambda m: m.starts_at) if upcoming else None

    async def listing_stats(self, actor: Actor) -> list[tuple[MeetingView, int, bool]]:
        """Meetings with their attendance and whether a recording is attached (/meetings)."""
        meetings = await self.listing(actor)
        async with read(self.session):
            stats = await self.repo.stats([m.id for m in meetings])
        return [(m, *stats.get(m.id, (0, False))) for m in meetings]

    async def listing(self, actor: Actor) -> list[MeetingView]:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            return await self.repo.listing(actor.group_id)

    # The meeting itself
    async def presence(self, group_id: int, meeting_id: int) -> Presence:
        """Who is present now, counted over the composition recorded at opening (cl. 14),
        and who presides (cl. 11)."""
        meeting = await self.repo.get(group_id, meeting_id)
        members = [m for m in await self.roster.members(group_id) if m.is_member]
        total = quorum_total(meeting.composition_total if meeting else None, len(members))
        attendees = await self.repo.attendees(meeting_id)
        present = [m for m in members if m.person.id in attendees]
        present_count = count_for_quorum(m.roles for m in present)
        presiding = presiding_among(m.roles for m in present)
        holder = next((m for m in present if presiding and m.has(presiding)), None)
        agenda_repo = AgendaRepository(self.session)
        items = await agenda_repo.items(meeting_id)
        present_ids = {m.person.id for m in present}
        votes = []
        for item in items:
            if item.status == "voting":
                ballots = {p: Choice(c) for p, c in (await agenda_repo.votes(item.id)).items()}
                votes.append((item.title, tally(ballots, present_ids)))
        return Presence(
            present,
            total,
            present_count,
            has_quorum(present_count, total),
            holder,
            tuple(i.title for i in items if i.status == "included"),
            tuple(votes),
            presiding,
        )

    async def open(
        self,
        actor: Actor,
        meeting_id: int,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
    ) -> tuple[MeetingView, Presence]:
        actor.require(Capability.RUN_MEETING)
        now = self.clock.now()
        async with write(self.session):
            meeting = await self.load(actor.group_id, meeting_id)
            if meeting.status != "scheduled":
                raise InvalidInput("meetings.not_scheduled")
            if not may_open(meeting.starts_at, now, self.open_early):
                # Opened sooner, the meeting would be on record before the time it was
                # called for (cl. 12); the reader is told from when it may be opened.
                t = render(actor.locale)
                raise InvalidInput(
                    "meetings.too_early",
                    when=t.datetime(opens_from(meeting.starts_at, self.open_early)),
                    minutes=int(self.open_early.total_seconds() // 60),
                )
            # The quorum total is the composition in force now, members who have not joined
            # the bot included (cl. 9, 14); later roster changes do not move it.
            composition = [m for m in await self.roster.members(actor.group_id) if m.is_member]
            await self.repo.update(
                meeting_id, status="open", opened_at=now, composition_total=len(composition)
            )
            meeting = await self.load(actor.group_id, meeting_id)
            presence = await self.presence(actor.group_id, meeting_id)
            chat = await self.roster.linked_chat(actor.group_id)
            if chat is not None:
                # The live message in the group's chat: its check-in button works for
                # whoever presses it.
                t = render(default_locale)
                await self.repo.set_live(meeting_id, chat[0], None)
                await enqueue(
                    self.session,
                    [
                        Envelope(
                            key=f"live:{meeting_id}:{chat[0]}",
                            kind="live",
                            chat_id=chat[0],
                            text=texts.live(t, meeting, presence),
                            keyboard=texts.live_keyboard(t, meeting_id),
                        )
                    ],
                    now,
                )
            await DueRepository(self.session).cancel_for_meeting(meeting_id, now)
            # Every member is told, with the check-in button (remote participants use it).
            envelopes = []
            for member in composition:
                if member.person.telegram_id is None:
                    continue
                t = render(member.person.locale(default_locale))
                envelopes.append(
                    Envelope(
                        key=f"meeting:{meeting_id}:opened:{member.person.id}",
                        kind="announcement",
                        chat_id=member.person.telegram_id,
                        person_id=member.person.id,
                        text=texts.invitation(t, meeting, "opened"),
                        keyboard=texts.live_keyboard(t, meeting_id),
                    )
                )
            # Guests too, with a button of their own: a remote guest has no QR code to scan.
            for guest in await guest_contacts(self.session, meeting_id):
                envelopes += to_person(
                    guest.person,
                    key=f"meeting:{meeting_id}:opened",
                    kind="announcement",
                    render=render,
                    default_locale=default_locale,
                    text=lambda t: texts.guest_invitation(t, meeting, "opened"),
                    # Called at once, inside this iteration: the loop variable is this guest.
                    keyboard=lambda t: texts.guest_check_in(t, guest.guest_id),  # noqa: B023
                )
            await enqueue(self.session, envelopes, now)
            await Auditor(self.session, actor, now)(
                "meeting_opened", "meeting", meeting_id, composition_total=len(composition)
            )
        return meeting, presence

    async def add_live_message(self, meeting_id: int, chat_id: int, message_id: int) -> None:
        async with write(self.session):
            await self.repo.set_live(meeting_id, chat_id, message_id)

    async def check_in(
        self,
        actor: Actor,
        meeting_id: int,
        mode: str,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
    ) -> tuple[MeetingView, Presence, bool]:
        """Members, and the meeting's guests for the protocol's list of those invited;
        remote participants count as present, guests never count (cl. 14, 16 а)."""
        if actor.person_id is None:
            raise NotAllowed("meetings.checkin_members_only")
        now = self.clock.now()
        async with write(self.session):
            if not actor.is_member and not await GuestRepository(self.session).is_guest(
                meeting_id, actor.person_id
            ):
                raise NotAllowed("meetings.checkin_members_only")
            meeting = await self.load(actor.group_id, meeting_id)
            if meeting.status != "open":
                raise InvalidInput("meetings.not_open")
            first = await self.repo.check_in(meeting_id, actor.person_id, mode, now)
            presence = await self.presence(actor.group_id, meeting_id)
            if first:
                await self.refresh_live(meeting, presence, render, default_locale, texts, now)
                await Auditor(self.session, actor, now)(
                    "checked_in",
                    "meeting",
                    meeting_id,
                    mode=mode,
                    present=presence.present_members,
                    quorum=presence.quorum,
                )
        return meeting, presence, first

    async def check_out(
        self,
        actor: Actor,
        meeting_id: int,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
    ) -> Presence:
        """A member leaves before the end: the quorum is counted without them (cl. 14)."""
        if actor.person_id is None or not actor.is_member:
            raise NotAllowed("meetings.checkin_members_only")
        now = self.clock.now()
        async with write(self.session):
            meeting = await self.load(actor.group_id, meeting_id)
            if meeting.status != "open":
                raise InvalidInput("meetings.not_open")
            if not await self.repo.check_out(meeting_id, actor.person_id, now):
                raise InvalidInput("meetings.not_checked_in")
            presence = await self.presence(actor.group_id, meeting_id)
            await self.refresh_live(meeting, presence, render, default_locale, texts, now)
            await Auditor(self.session, actor, now)(
                "checked_out",
                "meeting",
                meeting_id,
                present=presence.present_members,
                quorum=presence.quorum,
            )
        return presence

    async def check_in_by_token(
        self,
        actor: Actor,
        token: str,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
    ) -> tuple[MeetingView, Presence, bool]:
        async with read(self.session):
            meeting = await self.repo.by_token(token)
        if meeting is None or meeting.group_id != actor.group_id:
            raise NotFound("meetings.unknown_checkin")
        return await self.check_in(
            actor,
            meeting.id,
            "in_person",
            render=render,
            default_locale=default_locale,
            texts=texts,
        )

    async def refresh_live(
        self,
        meeting: MeetingView,
        presence: Presence,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
        now: datetime,
    ) -> None:
        """Every live message of the meeting is edited in place to the new presence."""
        t = render(default_locale)
        for chat_id, message_id in await self.repo.live_chats(meeting.id):
            if message_id is None:
                sent = await _sent_message_id(self.session, f"live:{meeting.id}:{chat_id}")
                if sent is None:
                    continue
                message_id = sent
            await enqueue_edit(
                self.session,
                key=f"live-edit:{meeting.id}:{chat_id}",
                kind="progress",
                chat_id=chat_id,
                message_id=message_id,
                text=texts.live(t, meeting, presence),
                keyboard=texts.live_keyboard(t, meeting.id) if meeting.status == "open" else None,
                now=now,
            )

    async def attach_recording(
        self,
        actor: Actor,
        meeting_id: int,
        *,
        file_id: str | None,
        file_unique_id: str | None,
        file_name: str | None,
        mime_type: str | None,
        size: int | None,
        duration: int | None,
        sha256: str | None,
        storage_ref: str | None = None,
    ) -> RecordingView:
        """Cl. 12: every meeting is recorded; the secretariat attaches the file."""
        if not actor.has(Role.SECRETARIAT) and not actor.is_admin:
            raise NotAllowed("meetings.recording_secretariat")
        now = self.clock.now()
        async with write(self.session):
            meeting = await self.load(actor.group_id, meeting_id)
            if meeting.status == "cancelled":
                raise InvalidInput("meetings.cancelled")
            await self.repo.add_recording(
                meeting_id=meeting_id,
                file_id=file_id,
                file_unique_id=file_unique_id,
                file_name=file_name,
                mime_type=mime_type,
                size=size,
                duration=duration,
                sha256=sha256,
                storage_ref=storage_ref,
                attached_by=actor.telegram_id,
                attached_at=now,
            )
            await Auditor(self.session, actor, now)(
                "recording_attached",
                "meeting",
                meeting_id,
                size=size,
                sha256=sha256,
                storage_ref=storage_ref,
            )
            recording = await self.repo.recording(meeting_id)
        assert recording is not None
        return recording

    async def close(
        self,
        actor: Actor,
        meeting_id: int,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: Texts,
    ) -> MeetingView:
        """Cl. 12: a meeting without its audio recording cannot be closed."""
        actor.require(Capability.RUN_MEETING)
        now = self.clock.now()
        async with write(self.session):
            meeting = await self.load(actor.group_id, meeting_id)
            if meeting.status != "open":
                raise InvalidInput("meetings.not_open")
            if await self.repo.recording(meeting_id) is None:
                raise InvalidInput("meetings.close_needs_recording")
            closing = await self.presence(actor.group_id, meeting_id)
            # Who presided and whether there was quorum are part of the record (cl. 11, 14).
            await self.repo.update(
                meeting_id,
                status="closed",
                closed_at=now,
                quorum_at_close=closing.quorum,
                presiding_person_id=closing.presiding.person.id if closing.presiding else None,
            )
            meeting = await self.load(actor.group_id, meeting_id)
            presence = await self.presence(actor.group_id, meeting_id)
            await self.refresh_live(meeting, presence, render, default_locale, texts, now)
            await Auditor(self.session, actor, now)(
                "meeting_closed",
                "meeting",
                meeting_id,
                present=presence.present_members,
                quorum=presence.quorum,
                presiding=presence.presiding.person.id if presence.presiding else None,
            )
        return meeting


async def _sent_message_id(session: AsyncSession, key: str) -> int | None:
    row = await OutboxRepository(session).by_key(key)
    return row.telegram_message_id if row is not None else None
