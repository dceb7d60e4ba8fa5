"""Attendance (cl. 11-14): opening a meeting, check-in (button, QR code, a guest's own
button), check-out, presence and quorum, the live message, and closing."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain.agenda import Choice, Tally, tally
from bot.domain.meetings import (
    DEFAULT_OPEN_EARLY,
    count_for_quorum,
    has_quorum,
    holds,
    may_open,
    opens_from,
    presiding_among,
    quorum_total,
)
from bot.domain.roles import Capability, Role
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.guests import guest_contacts
from bot.services.meetings import MeetingService, refusal_for
from bot.services.notifier import Delivery, Notice, Notifier, Rendered
from bot.services.outbox import enqueue_edit
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.agenda import AgendaRepository
from storage.repositories.due import DueRepository
from storage.repositories.guests import GuestRepository
from storage.repositories.meetings import MeetingView
from storage.repositories.outbox import OutboxRepository


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


@dataclass(eq=False)
class AttendanceService(Service):
    _: KW_ONLY
    meetings: MeetingService
    notifier: Notifier
    # How long before its start a meeting may be opened (MEETING_OPEN_EARLY_MINUTES).
    open_early: timedelta = DEFAULT_OPEN_EARLY

    def __post_init__(self) -> None:
        self.repo = self.meetings.repo
        self.roster = self.meetings.roster

    async def _in_status(self, actor: Actor, meeting_id: int, status: str) -> MeetingView:
        """Inside a write: the meeting, locked, in `status`; else the refusal that says
        where it is, so that the second of two presses learns the first was done."""
        meeting = await self.meetings.load(actor.group_id, meeting_id, lock=True)
        if meeting.status != status:
            raise InvalidInput(refusal_for(meeting.status, wanted=status))
        return meeting

    async def presence(self, group_id: int, meeting_id: int) -> Presence:
        """Who is present now, counted over the composition recorded at opening (cl. 14),
        and who presides (cl. 11)."""
        meeting = await self.repo.get(group_id, meeting_id)
        members = [m for m in await self.roster.meeting_people(group_id) if m.is_member]
        total = quorum_total(meeting.composition_total if meeting else None, len(members))
        attendees = await self.repo.attendees(meeting_id)
        present = [m for m in members if m.person.id in attendees]
        present_count = count_for_quorum(m.roles for m in present)
        presiding = presiding_among(m.roles for m in present)
        holder = next((m for m in present if presiding and holds(m.roles, presiding)), None)
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

    async def open(self, actor: Actor, meeting_id: int) -> tuple[MeetingView, Presence]:
        actor.require(Capability.RUN_MEETING)
        now = self.clock.now()
        async with write(self.session):
            meeting = await self._in_status(actor, meeting_id, "scheduled")
            if not may_open(meeting.starts_at, now, self.open_early):
                # Opened sooner, the meeting would be on record before the time it was
                # called for (cl. 12); the reader is told from when it may be opened.
                t = self.notifier.translator(actor.locale)
                raise InvalidInput(
                    "meetings.too_early",
                    when=t.datetime(opens_from(meeting.starts_at, self.open_early)),
                    minutes=int(self.open_early.total_seconds() // 60),
                )
            # The quorum total is the composition in force now, members who have not joined
            # the bot included (cl. 9, 14); later roster changes do not move it.
            composition = [
                m for m in await self.roster.meeting_people(actor.group_id) if m.is_member
            ]
            await self.repo.update(
                meeting_id, status="open", opened_at=now, composition_total=len(composition)
            )
            meeting = await self.meetings.load(actor.group_id, meeting_id)
            presence = await self.presence(actor.group_id, meeting_id)
            notifier = self.notifier
            chat = await self.roster.linked_chat(actor.group_id)
            if chat is not None:
                # The live message in the group's chat: its check-in button works for
                # whoever presses it.
                await self.repo.set_live(meeting_id, chat[0], None)
                live = Notice("meetings.live", meeting=meeting, presence=presence)
                key = f"live:{meeting_id}:{chat[0]}"
                await notifier.send([notifier.to_chat(chat[0], live, key=key, delivery=LIVE)])
            await DueRepository(self.session).cancel_for_meeting(meeting_id, now)
            # Every member is told, with the check-in button (remote participants use it).
            key = f"meeting:{meeting_id}:opened"
            envelopes = notifier.to_people(
                composition, Notice("meetings.opened", meeting=meeting), key=key
            )
            # Guests too, with a button of their own: a remote guest has no QR code to scan.
            for guest in await guest_contacts(self.session, meeting_id):
                opened = Notice("meetings.guest_opened", meeting=meeting, guest_id=guest.guest_id)
                envelopes += notifier.to_person(guest.person, opened, key=key)
            await notifier.send(envelopes)
            await Auditor(self.session, actor, now)(
                "meeting_opened", "meeting", meeting_id, composition_total=len(composition)
            )
        return meeting, presence

    async def add_live_message(self, meeting_id: int, chat_id: int, message_id: int) -> None:
        async with write(self.session):
            await self.repo.set_live(meeting_id, chat_id, message_id)

    async def check_in(
        self, actor: Actor, meeting_id: int, mode: str
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
            meeting = await self._in_status(actor, meeting_id, "open")
            first = await self.repo.check_in(meeting_id, actor.person_id, mode, now)
            if first:
                presence = await self.after_change(
                    actor, meeting, now, "checked_in", "meeting", meeting_id, mode=mode
                )
            else:
                presence = await self.presence(actor.group_id, meeting_id)
        return meeting, presence, first

    async def check_out(self, actor: Actor, meeting_id: int) -> Presence:
        """A member leaves before the end: the quorum is counted without them (cl. 14)."""
        if actor.person_id is None or not actor.is_member:
            raise NotAllowed("meetings.checkin_members_only")
        now = self.clock.now()
        async with write(self.session):
            meeting = await self._in_status(actor, meeting_id, "open")
            if not await self.repo.check_out(meeting_id, actor.person_id, now):
                raise InvalidInput("meetings.not_checked_in")
            presence = await self.after_change(
                actor, meeting, now, "checked_out", "meeting", meeting_id
            )
        return presence

    async def check_in_by_token(
        self, actor: Actor, token: str
    ) -> tuple[MeetingView, Presence, bool]:
        """The QR code in the room: the meeting is found by its check-in token."""
        async with read(self.session):
            meeting = await self.repo.by_token(token)
        if meeting is None:
            raise NotFound("meetings.unknown_checkin")
        if meeting.group_id != actor.group_id:
            # The code of a subgroup's meeting (cl. 10): the person's standing in that group.
            async with read(self.session):
                group = await self.roster.group(meeting.group_id)
            if group is None or group.parent_id is None:
                raise NotFound("meetings.unknown_checkin")
            actor = actor.in_subgroup(group)
        return await self.check_in(actor, meeting.id, "in_person")

    async def after_change(
        self,
        actor: Actor,
        meeting: MeetingView,
        now: datetime,
        action: str,
        object_type: str,
        object_id: int,
        **details: Any,
    ) -> Presence:
        """After a change to who is present or to what is being voted on, inside the
        caller's transaction: every live message shows the presence it left, and the
        change is audited with the count and the quorum."""
        presence = await self.presence(actor.group_id, meeting.id)
        await self.refresh_live(meeting, presence, now)
        await Auditor(self.session, actor, now)(
            action,
            object_type,
            object_id,
            **details,
            present=presence.present_members,
            quorum=presence.quorum,
        )
        return presence

    async def refresh_live(self, meeting: MeetingView, presence: Presence, now: datetime) -> None:
        """Every live message of the meeting is edited in place to the new presence."""
        rendered: Rendered | None = None
        for chat_id, message_id in await self.repo.live_chats(meeting.id):
            if message_id is None:
                sent = await OutboxRepository(self.session).by_key(f"live:{meeting.id}:{chat_id}")
                if sent is None or sent.telegram_message_id is None:
                    continue
                message_id = sent.telegram_message_id
            if rendered is None:
                # In the group's language, once for every chat.
                rendered = self.notifier.render(
                    Notice("meetings.live", meeting=meeting, presence=presence)
                )
            await enqueue_edit(
                self.session,
                key=f"live-edit:{meeting.id}:{chat_id}",
                kind="progress",
                chat_id=chat_id,
                message_id=message_id,
                text=rendered.text,
                keyboard=rendered.keyboard,
                now=now,
            )

    async def close(self, actor: Actor, meeting_id: int) -> MeetingView:
        """Cl. 12: a meeting without its audio recording cannot be closed."""
        actor.require(Capability.RUN_MEETING)
        now = self.clock.now()
        async with write(self.session):
            await self._in_status(actor, meeting_id, "open")
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
            meeting = await self.meetings.load(actor.group_id, meeting_id)
            # Closing changes nobody's presence: who presided is as counted just before.
            presiding = closing.presiding.person.id if closing.presiding else None
            await self.after_change(
                actor, meeting, now, "meeting_closed", "meeting", meeting_id, presiding=presiding
            )
        return meeting


# The live message in a chat is edited in place as presence changes.
LIVE = Delivery(kind="live")
