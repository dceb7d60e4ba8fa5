"""Guests invited to one meeting (cl. 16 а): a personal link, the meeting's facts, agenda
and materials, and nothing of the roster. Guests never count for quorum and never vote."""

from __future__ import annotations

import secrets
from dataclasses import KW_ONLY, dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import fields
from bot.domain.guests import (
    GuestCapacity,
    GuestLinkState,
    accepts_guests,
    clean_guest_name,
    guest_link_state,
    parse_capacity,
)
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.invites import CODE_RE, Newcomer
from bot.services.notifier import Notice, Notifier
from bot.services.roster import Auditor
from storage.db import read, write
from storage.repositories.agenda import AgendaRepository, ItemView
from storage.repositories.guests import GuestContact, GuestRepository, GuestView
from storage.repositories.meetings import MeetingRepository, MeetingView
from storage.repositories.roster import RosterRepository

GUEST_PREFIX = "gst_"

LINK_ERRORS: dict[GuestLinkState, str] = {
    GuestLinkState.USED: "guests.link_used",
    GuestLinkState.REVOKED: "guests.link_revoked",
    GuestLinkState.MEETING_OVER: "guests.link_meeting_over",
}


@dataclass(frozen=True, slots=True)
class GuestList:
    meeting: MeetingView
    guests: list[GuestView]


@dataclass(frozen=True, slots=True)
class GuestVisit:
    """What a guest sees of their meeting: its facts and, once approved, its agenda."""

    guest: GuestView
    meeting: MeetingView
    agenda: list[ItemView]


async def guest_contacts(session: AsyncSession, meeting_id: int) -> list[GuestContact]:
    """The meeting's guests who accepted and were not revoked: who else hears of it."""
    return (await GuestRepository(session).contacts([meeting_id])).get(meeting_id, [])


@dataclass(eq=False)
class GuestService(Service):
    _: KW_ONLY
    notifier: Notifier

    def __post_init__(self) -> None:
        self.guests = GuestRepository(self.session)
        self.meetings = MeetingRepository(self.session)
        self.roster = RosterRepository(self.session)

    async def _meeting(self, actor: Actor, meeting_id: int) -> MeetingView:
        meeting = await self._of_group(actor, meeting_id)
        if meeting is None:
            raise NotFound("errors.stale")
        return meeting

    async def _of_group(self, actor: Actor, meeting_id: int) -> MeetingView | None:
        """A meeting of the actor's group or of one of its subgroups (cl. 10): a guest is
        outside the roster, so their standing is the working group's."""
        meeting = await self.meetings.get(actor.group_id, meeting_id)
        if meeting is not None:
            return meeting
        found = (await self.meetings.get_many([meeting_id])).get(meeting_id)
        if found is None or found.group_name is None:
            return None
        group = await self.roster.group(found.group_id)
        return found if group is not None and group.parent_id == actor.group_id else None

    # The organisers' side
    @staticmethod
    def _check_invitable(meeting: MeetingView) -> None:
        if not accepts_guests(meeting.status):
            raise InvalidInput("guests.meeting_over")

    async def start_invite(self, actor: Actor, meeting_id: int) -> MeetingView:
        """Before asking for a name: a stale button on a closed meeting changes nothing."""
        meeting = (await self.listing(actor, meeting_id)).meeting
        self._check_invitable(meeting)
        return meeting

    async def listing(self, actor: Actor, meeting_id: int) -> GuestList:
        actor.require(Capability.INVITE_GUESTS)
        async with read(self.session):
            meeting = await self._meeting(actor, meeting_id)
            return GuestList(meeting, await self.guests.for_meeting(meeting_id))

    async def check_name(self, actor: Actor, meeting_id: int, full_name: str) -> str:
        """The name as it will be recorded, before the capacity is asked; writes nothing."""
        name = clean_guest_name(full_name)
        await self.start_invite(actor, meeting_id)
        if name is None:
            raise InvalidInput("guests.name_invalid", max=fields.GUEST_NAME.max_length)
        return name

    async def invite(
        self,
        actor: Actor,
        meeting_id: int,
        full_name: str,
        capacity: str = GuestCapacity.GUEST,
    ) -> GuestView:
        """An invitation to one meeting, as a guest (cl. 16 а) or as an outside specialist
        brought in for it (cl. 16 в); either way never counted for quorum."""
        actor.require(Capability.INVITE_GUESTS)
        name = clean_guest_name(full_name)
        if name is None:
            raise InvalidInput("guests.name_invalid", max=fields.GUEST_NAME.max_length)
        as_ = parse_capacity(capacity)
        if as_ is None:
            raise InvalidInput("guests.capacity_invalid")
        now = self.clock.now()
        async with write(self.session):
            meeting = await self._meeting(actor, meeting_id)
            self._check_invitable(meeting)
            guest = await self.guests.add(
                meeting_id=meeting_id,
                code=secrets.token_urlsafe(12),
                full_name=name,
                created_by=actor.telegram_id,
                now=now,
                capacity=as_.value,
            )
            await Auditor(self.session, actor, now)(
                "guest_invited",
                "meeting_guest",
                guest.id,
                meeting_id=meeting_id,
                capacity=as_.value,
            )
        return guest

    async def revoke(self, actor: Actor, guest_id: int) -> GuestView:
        """The link stops working; a guest who had accepted is told and hears no more."""
        actor.require(Capability.INVITE_GUESTS)
        now = self.clock.now()
        async with write(self.session):
            guest = await self.guests.by_id(guest_id)
            if guest is None:
                raise NotFound("errors.stale")
            meeting = await self._meeting(actor, guest.meeting_id)
            accepted = next(
                (
                    c
                    for c in await guest_contacts(self.session, meeting.id)
                    if c.guest_id == guest_id
                ),
                None,
            )
            if not await self.guests.revoke(guest_id, now):
                raise InvalidInput("guests.revoked_before")
            if accepted is not None and accepts_guests(meeting.status):
                await self.notifier.tell(
                    [accepted.person],
                    Notice("guests.revoked", meeting=meeting),
                    key=f"guest:{guest_id}:revoked",
                )
            await Auditor(self.session, actor, now)(
                "guest_revoked", "meeting_guest", guest_id, meeting_id=meeting.id
            )
        return guest

    # The guest's side
    async def redeem(self, actor: Actor, payload: str, newcomer: Newcomer) -> GuestVisit:
        """Binds the link to the Telegram account that opens it first."""
        code = payload.removeprefix(GUEST_PREFIX)
        if not CODE_RE.match(code):
            raise NotFound("guests.link_unknown")
        if actor.in_roster:
            # Members and staff hear of every meeting already; a guest link is for outsiders.
            raise InvalidInput("guests.already_in_roster")
        now = self.clock.now()
        async with write(self.session):
            guest = await self.guests.by_code(code)
            if guest is None:
                raise NotFound("guests.link_unknown")
            meeting = await self._meeting(actor, guest.meeting_id)
            person = await self.roster.person_by_telegram(newcomer.telegram_id)
            own = person is not None and guest.person_id == person.id
            state = guest_link_state(
                used=guest.used_at is not None,
                revoked=guest.revoked_at is not None,
                meeting_status=meeting.status,
                own=own,
            )
            if state is not GuestLinkState.ACTIVE:
                raise InvalidInput(LINK_ERRORS[state])
            if own:
                return GuestVisit(guest, meeting, await self._agenda(meeting.id))
            if person is None:
                person_id = await self.roster.add_person(
                    telegram_id=newcomer.telegram_id,
                    telegram_name=newcomer.telegram_name,
                    username=newcomer.username,
                    full_name=None,
                    language=None,
                    now=now,
                    client_language=newcomer.client_language,
                )
            else:
                person_id = person.id
            if await self.guests.is_guest(meeting.id, person_id):
                raise InvalidInput("guests.second_link")
            if not await self.guests.mark_used(guest.id, person_id, now):
                raise InvalidInput("guests.link_used")
            accepted = await self.guests.by_id(guest.id)
            assert accepted is not None
            await self._tell_inviter(accepted, meeting)
            await Auditor(self.session, actor, now)(
                "guest_accepted",
                "meeting_guest",
                guest.id,
                meeting_id=meeting.id,
                person_id=person_id,
            )
            return GuestVisit(accepted, meeting, await self._agenda(meeting.id))

    async def _tell_inviter(self, guest: GuestView, meeting: MeetingView) -> None:
        inviter = await self.roster.person_by_telegram(guest.created_by)
        if inviter is not None:
            await self.notifier.tell(
                [inviter],
                Notice("guests.accepted", guest=guest, meeting=meeting),
                key=f"guest:{guest.id}:accepted",
            )

    async def _agenda(self, meeting_id: int) -> list[ItemView]:
        """The approved agenda only: a draft is the chair's business, not a guest's."""
        agenda = AgendaRepository(self.session)
        _, approved = await agenda.agenda_state(meeting_id)
        if approved is None:
            return []
        return [i for i in await agenda.items(meeting_id) if i.status == "included"]

    async def visits(self, actor: Actor) -> list[GuestVisit]:
        """The person's invitations to meetings still ahead or open."""
        if actor.person_id is None:
            return []
        async with read(self.session):
            found = []
            for guest, meeting_id in await self.guests.upcoming_for_person(actor.person_id):
                meeting = await self._of_group(actor, meeting_id)
                if meeting is not None:
                    found.append(GuestVisit(guest, meeting, await self._agenda(meeting_id)))
            return found

    async def visit(self, actor: Actor, guest_id: int) -> GuestVisit:
        """One invitation, for the guest it belongs to only."""
        async with read(self.session):
            guest = await self.guests.by_id(guest_id)
            if (
                guest is None
                or actor.person_id is None
                or guest.person_id != actor.person_id
                or guest.revoked_at is not None
            ):
                raise NotAllowed("guests.not_yours")
            meeting = await self._meeting(actor, guest.meeting_id)
            return GuestVisit(guest, meeting, await self._agenda(meeting.id))
