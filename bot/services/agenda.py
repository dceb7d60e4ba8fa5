"""The agenda (cl. 13): drafted and approved by the chair, proposals from members, and
additional items put to the vote of the members present."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from typing import Any

from bot.domain import fields
from bot.domain.agenda import (
    Basis,
    Choice,
    HolderRefusal,
    Tally,
    absent_until,
    agenda_holder,
    agenda_refusal,
    closes_by_itself,
    decide_additional_item,
    holds_agenda,
    may_close_vote,
    may_start_vote,
    may_vote,
    quorum_total,
    tally,
    vote_complete,
)
from bot.domain.meetings import Absence, quorum_needed
from bot.domain.roles import Capability, Role
from bot.services.actor import Actor
from bot.services.attendance import AttendanceService, Presence
from bot.services.base import Service
from bot.services.errors import InvalidInput, NotAllowed, NotFound, checked, checked_optional
from bot.services.guests import guest_contacts
from bot.services.meetings import MeetingService
from bot.services.notifier import Notice, Notifier
from bot.services.outbox import Envelope, enqueue_edit
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.agenda import AgendaRepository, Approval, ItemView
from storage.repositories.meetings import MeetingView


@dataclass(frozen=True, slots=True)
class AgendaState:
    meeting: MeetingView
    items: list[ItemView]
    version: int
    approved: bool
    presiding_person_id: int | None
    approval: Approval | None = None
    # Who holds the agenda now (cl. 13), and until when the chair is absent.
    holder: Role = Role.CHAIR
    chair_absent_until: datetime | None = None
    # What the viewer may do on the card: hold the agenda (the chair, or the deputy while
    # the chair's absence holds — never both), vote as a member, run the vote as presiding.
    may_hold: bool = False
    is_member: bool = False
    is_presiding: bool = False


@dataclass(frozen=True, slots=True)
class VoteOutcome:
    item: ItemView
    tally: Tally
    closed: bool
    basis: Basis | None
    # Everyone present has voted but there is no quorum: the vote stays open (cl. 14).
    awaiting_quorum: bool = False


class UndecidedProposals(InvalidInput):
    """Approval refused while proposals wait for a decision; the handler lists them."""

    def __init__(self, items: list[ItemView]) -> None:
        super().__init__("agenda.undecided_proposals", count=len(items))
        self.items = items


@dataclass(eq=False)
class AgendaService(Service):
    _: KW_ONLY
    meetings: MeetingService
    attendance: AttendanceService
    notifier: Notifier

    def __post_init__(self) -> None:
        self.repo = AgendaRepository(self.session)

    async def agenda(self, actor: Actor, meeting_id: int) -> AgendaState:
        """The meeting, its items, the agenda version, approval and who presides now."""
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            meeting = await self.meetings.load(actor.group_id, meeting_id)
            version, approved = await self.repo.agenda_state(meeting_id)
            items = await self.repo.items(meeting_id)
            presiding = None
            if meeting.status == "open":
                presence = await self.attendance.presence(actor.group_id, meeting_id)
                presiding = presence.presiding.person.id if presence.presiding else None
            approval = await self.repo.approval(meeting_id) if approved is not None else None
            until = await self._absent_until(actor.group_id)
        return AgendaState(
            meeting,
            items,
            version,
            approved is not None,
            presiding,
            approval,
            agenda_holder(chair_absent=until is not None),
            until,
            may_hold=agenda_refusal(actor.roles, chair_absent=until is not None) is None,
            is_member=actor.is_member,
            is_presiding=presiding is not None and presiding == actor.person_id,
        )

    async def _absent_until(self, group_id: int) -> datetime | None:
        absences = [Absence(s, e) for s, e in await self.meetings.repo.absences(group_id)]
        return absent_until(absences, self.clock.now())

    async def _chair(self, actor: Actor) -> Role:
        """The agenda is the chair's, or the deputy's while the chair's recorded absence holds
        (cl. 11, 13): never both, so that one proposal is not decided twice. Returns the role
        the actor acts in."""
        until = await self._absent_until(actor.group_id)
        refusal = agenda_refusal(actor.roles, chair_absent=until is not None)
        if refusal is HolderRefusal.CHAIR_ABSENT:
            # Alerts are rendered from plain parameters: the date in the reader's language.
            assert until is not None
            when = self.notifier.translator(actor.locale).datetime(until)
            raise NotAllowed("agenda.chair_absent", until=when)
        if refusal is HolderRefusal.CHAIR_PRESENT:
            raise NotAllowed("agenda.deputy_while_chair_present")
        if refusal is HolderRefusal.NOT_HOLDER:
            raise NotAllowed("agenda.only_chair")
        return agenda_holder(chair_absent=until is not None)

    async def check_holder(self, actor: Actor) -> None:
        """The role check alone, before a dialog asks anything (e.g. a rejection's reason)."""
        async with read(self.session):
            await self._chair(actor)

    async def check_decidable(self, actor: Actor, item_id: int) -> ItemView:
        """Before asking the reason of a rejection: may this person decide, and is the
        proposal still undecided? A second press is told at once, not after typing."""
        async with read(self.session):
            await self._chair(actor)
            item, meeting = await self._item(actor, item_id)
            _, approved = await self.repo.agenda_state(meeting.id)
            self._require_undecided(item, approved)
        return item

    @staticmethod
    def _require_undecided(item: ItemView, approved: datetime | None) -> None:
        if item.source != "proposal":
            raise InvalidInput("agenda.stale_decision")
        if item.status != "proposed":
            outcome = "included" if item.status == "included" else "rejected"
            raise InvalidInput(f"agenda.already_decided_{outcome}", title=item.title)
        if approved is not None:
            raise InvalidInput("agenda.stale_decision")

    async def _item(
        self, actor: Actor, item_id: int, *, lock: bool = False
    ) -> tuple[ItemView, MeetingView]:
        """``lock``: a transition of the item; its row is locked first (see `for_update`)."""
        item = await self.repo.item(item_id, lock=lock)
        if item is None:
            raise NotFound("errors.stale")
        meeting = await self.meetings.load(actor.group_id, item.meeting_id)
        return item, meeting

    async def add_item(
        self, actor: Actor, meeting_id: int, title: str, speaker: str | None
    ) -> ItemView:
        title = checked(fields.ITEM_TITLE, title)
        speaker = checked_optional(fields.PERSON_NAME, speaker)
        now = self.clock.now()
        async with write(self.session):
            await self._chair(actor)
            meeting = await self.meetings.load(actor.group_id, meeting_id)
            _, approved = await self.repo.agenda_state(meeting_id)
            if meeting.status != "scheduled" or approved is not None:
                raise InvalidInput("agenda.already_approved")
            item = await self.repo.add(
                meeting_id=meeting_id,
                position=await self.repo.next_position(meeting_id),
                title=title,
                speaker=speaker,
                source="chair",
                status="included",
                created_at=now,
            )
            await self.repo.bump_version(meeting_id)
            await Auditor(self.session, actor, now)(
                "agenda_item_added", "agenda_item", item.id, meeting_id=meeting_id
            )
        return item

    async def describe_item(
        self,
        actor: Actor,
        item_id: int,
        *,
        description: str | None = None,
        document: dict[str, Any] | None = None,
    ) -> ItemView:
        """The chair adds an explanation or materials to an item of the draft agenda."""
        description = checked_optional(fields.ITEM_DESCRIPTION, description)
        now = self.clock.now()
        async with write(self.session):
            await self._chair(actor)
            item, meeting = await self._item(actor, item_id)
            _, approved = await self.repo.agenda_state(meeting.id)
            if approved is not None or item.source != "chair":
                raise InvalidInput("agenda.already_approved")
            values: dict[str, Any] = {}
            if description is not None:
                values["description"] = description
            if document is not None:
                values["document"] = document
            await self.repo.update(item_id, **values)
            await self.repo.bump_version(meeting.id)
            await Auditor(self.session, actor, now)("agenda_item_described", "agenda_item", item_id)
            described = await self.repo.item(item_id)
        assert described is not None
        return described

    async def move(self, actor: Actor, item_id: int, up: bool) -> None:
        now = self.clock.now()
        async with write(self.session):
            await self._chair(actor)
            _, meeting = await self._item(actor, item_id)
            _, approved = await self.repo.agenda_state(meeting.id)
            if approved is not None:
                raise InvalidInput("agenda.already_approved")
            included = [i for i in await self.repo.items(meeting.id) if i.status == "included"]
            index = next((n for n, i in enumerate(included) if i.id == item_id), None)
            if index is None:
                raise NotFound("errors.stale")
            other = index - 1 if up else index + 1
            if not 0 <= other < len(included):
                return
            a, b = included[index], included[other]
            await self.repo.update(a.id, position=b.position)
            await self.repo.update(b.id, position=a.position)
            await self.repo.bump_version(meeting.id)
            await Auditor(self.session, actor, now)("agenda_item_moved", "agenda_item", item_id)

    async def check_may_propose(self, actor: Actor, meeting_id: int) -> None:
        """Before the proposal's title is asked: what `propose` checks again when the
        proposal is written (#14 finding 4)."""
        _require_proposer(actor)
        async with read(self.session):
            await self._proposable(actor, meeting_id)

    async def _proposable(self, actor: Actor, meeting_id: int) -> MeetingView:
        """Inside the caller's transaction: the meeting exists and is not over."""
        meeting = await self.meetings.load(actor.group_id, meeting_id)
        if meeting.status not in ("scheduled", "open"):
            raise InvalidInput("agenda.meeting_closed")
        return meeting

    async def propose(
        self,
        actor: Actor,
        meeting_id: int,
        title: str,
        description: str | None,
        document: dict[str, Any] | None,
    ) -> ItemView:
        """A member's proposal; after approval or at the meeting it is an additional item."""
        _require_proposer(actor)
        title = checked(fields.ITEM_TITLE, title)
        description = checked_optional(fields.ITEM_DESCRIPTION, description)
        now = self.clock.now()
        async with write(self.session):
            meeting = await self._proposable(actor, meeting_id)
            await self.repo.lock_meeting(meeting_id)
            version, approved = await self.repo.agenda_state(meeting_id)
            additional = approved is not None or meeting.status == "open"
            item = await self.repo.add(
                meeting_id=meeting_id,
                position=0,
                title=title,
                description=description,
                document=document,
                source="additional" if additional else "proposal",
                status="proposed",
                proposed_by=actor.person_id,
                created_at=now,
            )
            if not additional:
                await self._tell_chair(meeting, item, actor.display_name, version, now)
            await Auditor(self.session, actor, now)(
                "agenda_proposed",
                "agenda_item",
                item.id,
                meeting_id=meeting_id,
                additional=additional,
            )
        return item

    async def _tell_chair(
        self, meeting: MeetingView, item: ItemView, proposer: str, version: int, now: Any
    ) -> None:
        # Only whoever holds the agenda now gets the buttons: the chair, or the deputy while the
        # chair's absence holds (cl. 11, 13). A proposal offered to both could be decided twice.
        absent = await self._absent_until(meeting.group_id) is not None
        holders = [
            m
            for m in await self.meetings.roster.meeting_people(meeting.group_id)
            if holds_agenda(m.roles, chair_absent=absent)
        ]
        notice = Notice(
            "agenda.proposal", meeting=meeting, item=item, proposer=proposer, version=version
        )
        await self.notifier.tell(holders, notice, key=f"proposal:{item.id}")

    async def decide(
        self, actor: Actor, item_id: int, include: bool, reason: str | None
    ) -> ItemView:
        """The chair includes or rejects a proposal; the proposer learns the outcome."""
        reason = checked_optional(fields.AGENDA_REASON, reason)
        now = self.clock.now()
        async with write(self.session):
            acting = await self._chair(actor)
            item, meeting = await self._item(actor, item_id)
            # Against a concurrent approval; a concurrent decision is caught by repo.decide.
            await self.repo.lock_meeting(meeting.id)
            _, approved = await self.repo.agenda_state(meeting.id)
            # A proposal decided already (a second tap, the other device, or the chair and the
            # deputy around an absence) or an agenda approved since: the first decision stands.
            # Other proposals' buttons stay valid meanwhile.
            self._require_undecided(item, approved)
            values: dict[str, Any] = {"decided_at": now}
            if include:
                values.update(status="included", position=await self.repo.next_position(meeting.id))
            else:
                values.update(status="rejected", reject_reason=reason)
            if not await self.repo.decide(item_id, **values):
                # Decided by a concurrent press between our read and our write.
                raise InvalidInput("agenda.stale_decision")
            await self.repo.bump_version(meeting.id)
            decided = await self.repo.item(item_id)
            assert decided is not None
            await self._tell_proposer(decided, meeting.group_id, acting, now)
            await Auditor(self.session, actor, now)(
                "agenda_included" if include else "agenda_rejected",
                "agenda_item",
                item_id,
                reason=reason,
                acting=acting.value,
            )
        return decided

    async def _tell_proposer(self, item: ItemView, group_id: int, acting: Role, now: Any) -> None:
        if item.proposed_by is None:
            return
        proposer = await self.meetings.roster.member_by_person(group_id, item.proposed_by)
        if proposer is None or proposer.person.telegram_id is None:
            return
        # One row per proposal, whoever decides it: keyed by the item alone.
        notifier = self.notifier
        notice = Notice("agenda.decision", item=item, acting=acting)
        rendered = notifier.render(notice, proposer.person.locale(notifier.default_locale))
        envelope = Envelope(
            key=f"proposal-decided:{item.id}",
            kind="announcement",
            chat_id=proposer.person.telegram_id,
            person_id=proposer.person.id,
            text=rendered.text,
        )
        await notifier.send([envelope])

    async def approve(self, actor: Actor, meeting_id: int) -> list[ItemView]:
        """The chair approves the agenda; it goes to every member, the meeting's guests and
        the group's chat."""
        now = self.clock.now()
        async with write(self.session):
            acting = await self._chair(actor)
            # Locked first: of two presses at once, the second sees the first's approval.
            meeting = await self.meetings.load(actor.group_id, meeting_id, lock=True)
            _, approved = await self.repo.agenda_state(meeting_id)
            if approved is not None:
                raise InvalidInput("agenda.approved_before")
            if meeting.status != "scheduled":
                raise InvalidInput("agenda.already_approved")
            every = await self.repo.items(meeting_id)
            # A proposal left undecided would be stranded by the approval: no longer the chair's
            # to decide, and not an additional item either. It is decided first (cl. 13).
            undecided = [i for i in every if i.source == "proposal" and i.status == "proposed"]
            if undecided:
                raise UndecidedProposals(undecided)
            items = [i for i in every if i.status == "included"]
            if not items:
                raise InvalidInput("agenda.empty")
            await self.repo.bump_version(
                meeting_id, agenda_approved_at=now, agenda_approved_by=actor.person_id
            )
            await self._announce_approval(meeting, items)
            await Auditor(self.session, actor, now)(
                "agenda_approved",
                "meeting",
                meeting_id,
                items=[i.id for i in items],
                acting=acting.value,
            )
        return items

    async def _announce_approval(self, meeting: MeetingView, items: list[ItemView]) -> None:
        """To every member and the secretariat, the meeting's guests (the agenda they are
        invited to speak or listen to, cl. 16 а) and the group's chat."""
        roster, notifier = self.meetings.roster, self.notifier
        approved = Notice(
            "agenda.approved",
            meeting=meeting,
            items=items,
            approval=await self.repo.approval(meeting.id),
        )
        key = f"agenda:{meeting.id}:approved"
        attendees = [
            m
            for m in await roster.meeting_people(meeting.group_id)
            if m.can(Capability.ATTEND_MEETINGS)
        ]
        envelopes = notifier.to_people(attendees, approved, key=key)
        envelopes += notifier.to_people(
            await guest_contacts(self.session, meeting.id), approved, key=key
        )
        chat = await roster.linked_chat(meeting.group_id)
        if chat is not None:
            envelopes.append(notifier.to_chat(chat[0], approved, key=f"{key}:chat"))
        await notifier.send(envelopes)

    # Additional items at the meeting
    async def _total(self, meeting: MeetingView, presence: Presence) -> int:
        """The quorum total: the composition recorded when the meeting opened (cl. 9, 14)."""
        return quorum_total(await self.repo.composition_total(meeting.id), presence.total_members)

    async def start_vote(self, actor: Actor, item_id: int) -> tuple[ItemView, Presence]:
        """The presiding person puts an additional item to the members present (cl. 13)."""
        now = self.clock.now()
        async with write(self.session):
            item, meeting = await self._item(actor, item_id, lock=True)
            if meeting.status != "open":
                raise InvalidInput("meetings.not_open")
            _, approved = await self.repo.agenda_state(meeting.id)
            # A proposal stranded by an approval made before every decision was required is
            # put to the vote as the additional item it has become.
            stranded = item.source == "proposal" and approved is not None
            if not (item.source == "additional" or stranded) or item.status != "proposed":
                raise InvalidInput("agenda.not_votable")
            presence = await self.attendance.presence(actor.group_id, meeting.id)
            total = await self._total(meeting, presence)
            if presence.presiding is None or not may_start_vote(
                has_presiding=True,
                present_members=presence.present_members,
                total_members=total,
            ):
                raise InvalidInput("agenda.no_quorum_or_presiding")
            if presence.presiding.person.id != actor.person_id:
                raise NotAllowed("agenda.only_presiding")
            await self.repo.update(
                item_id, status="voting", vote_opened_at=now, source="additional"
            )
            item = (await self.repo.item(item_id)) or item
            # To each member present, and to the group's chat, with the ballot's buttons.
            ballot = Notice("agenda.vote", item=item)
            envelopes = self.notifier.to_people(presence.present, ballot, key=f"vote:{item_id}")
            chat = await self.meetings.roster.linked_chat(actor.group_id)
            if chat is not None:
                envelopes.append(self.notifier.to_chat(chat[0], ballot, key=f"vote:{item_id}:chat"))
            await self.notifier.send(envelopes)
            presence = await self.attendance.after_change(
                actor, meeting, now, "vote_started", "agenda_item", item_id
            )
        return item, presence

    async def vote(self, actor: Actor, item_id: int, choice: Choice) -> VoteOutcome:
        """One vote per member present, changeable until the vote closes."""
        now = self.clock.now()
        # The write holds SQLite's single lock: keep it to the checks and the two inserts.
        async with write(self.session):
            item = await self.repo.item(item_id)
            if item is None:
                raise NotFound("errors.stale")
            if item.status != "voting":
                raise InvalidInput("agenda.vote_closed")
            present = actor.person_id is not None and await self.meetings.repo.is_present(
                item.meeting_id, actor.person_id
            )
            if actor.person_id is None or not may_vote(actor.roles, checked_in=present):
                raise NotAllowed("agenda.only_present_members_vote")
            await self.repo.set_vote(item_id, actor.person_id, choice.value, now)
            await Auditor(self.session, actor, now)(
                "voted", "agenda_item", item_id, choice=choice.value
            )
        # The running count after the commit, in two small queries; the whole roster is read
        # only when the vote may close, and the live message shows the count through the ticker.
        async with read(self.session):
            count = await self.repo.tally_present(item_id, item.meeting_id)
        if not vote_complete(count):
            return VoteOutcome(item, count, False, None)
        async with write(self.session):
            item, meeting = await self._item(actor, item_id, lock=True)
            if item.status != "voting":  # another last vote closed it meanwhile
                count = await self.repo.tally_present(item_id, meeting.id)
                return VoteOutcome(item, count, True, Basis(item.basis) if item.basis else None)
            return await self.close_counted(actor, item, meeting, now)

    async def close_vote(self, actor: Actor, item_id: int) -> VoteOutcome:
        """The presiding person closes the vote; only while there is quorum (cl. 14)."""
        now = self.clock.now()
        async with write(self.session):
            item, meeting = await self._item(actor, item_id, lock=True)
            if item.status != "voting":
                raise InvalidInput("agenda.vote_closed")
            presence = await self.attendance.presence(actor.group_id, meeting.id)
            if presence.presiding is None or presence.presiding.person.id != actor.person_id:
                raise NotAllowed("agenda.only_presiding")
            total = await self._total(meeting, presence)
            if not may_close_vote(present_members=presence.present_members, total_members=total):
                raise InvalidInput(
                    "agenda.close_no_quorum",
                    present=presence.present_members,
                    total=total,
                    needed=quorum_needed(total),
                )
            outcome = await self._close(actor, item, meeting, presence, total, now)
        return outcome

    async def close_counted(
        self, actor: Actor, item: ItemView, meeting: MeetingView, now: Any
    ) -> VoteOutcome:
        """Closes a vote everyone present has answered, inside the caller's transaction —
        unless quorum is missing: then it stays open and nothing is decided (cl. 14)."""
        presence = await self.attendance.presence(actor.group_id, meeting.id)
        total = await self._total(meeting, presence)
        quorum = may_close_vote(present_members=presence.present_members, total_members=total)
        count = await self._tally(item, presence)
        if not closes_by_itself(count, quorum=quorum):
            return VoteOutcome(item, count, False, None, awaiting_quorum=not quorum)
        return await self._close(actor, item, meeting, presence, total, now)

    async def _tally(self, item: ItemView, presence: Presence) -> Tally:
        present = {m.person.id for m in presence.present}
        ballots = {p: Choice(c) for p, c in (await self.repo.votes(item.id)).items()}
        return tally(ballots, present)

    async def _close(
        self,
        actor: Actor,
        item: ItemView,
        meeting: MeetingView,
        presence: Presence,
        total: int,
        now: Any,
    ) -> VoteOutcome:
        """Records the result with its counts and the quorum (always met here), edits every
        ballot to show it, and refreshes the live message."""
        count = await self._tally(item, presence)
        basis = decide_additional_item(count)
        await self.repo.update(
            item.id,
            status="included" if basis else "not_included",
            vote_closed_at=now,
            votes_for=count.voted_for,
            votes_against=count.against,
            votes_abstain=count.abstained,
            present_at_close=count.present,
            quorum_at_close=True,
            basis=basis.value if basis else None,
            position=await self.repo.next_position(meeting.id) if basis else 0,
        )
        await Auditor(self.session, actor, now)(
            "vote_closed",
            "agenda_item",
            item.id,
            result="included" if basis else "not",
            basis=basis.value if basis else None,
            votes_for=count.voted_for,
            against=count.against,
            abstain=count.abstained,
            present=count.present,
            total=total,
            quorum=True,
        )
        closed = (await self.repo.item(item.id)) or item
        await self._show_result_on_ballots(closed, meeting.group_id, now)
        presence = await self.attendance.presence(actor.group_id, meeting.id)
        await self.attendance.refresh_live(meeting, presence, now)
        return VoteOutcome(closed, count, True, basis)

    async def _show_result_on_ballots(self, item: ItemView, group_id: int, now: Any) -> None:
        """Every ballot message of the vote shows the result and loses its buttons, through
        the outbox as live messages are edited; one not sent yet goes out with the result."""
        people: dict[int, MemberView] = {
            m.person.id: m for m in await self.meetings.roster.meeting_people(group_id)
        }
        for ballot in await self.repo.ballots(item.id):
            member = people.get(ballot.person_id) if ballot.person_id is not None else None
            locale = member.person.locale(self.notifier.default_locale) if member else None
            text = self.notifier.text(Notice("agenda.vote_result", item=item), locale)
            if ballot.message_id is not None:
                await enqueue_edit(
                    self.session,
                    key=f"vote-result:{ballot.key.removeprefix('vote:')}",
                    kind="progress",
                    chat_id=ballot.chat_id,
                    message_id=ballot.message_id,
                    text=text,
                    keyboard=None,
                    now=now,
                )
            elif ballot.status == "pending":
                await self.repo.rewrite_unsent(ballot.key, text, None, now)


def _require_proposer(actor: Actor) -> None:
    """Members propose (cl. 13), chair and deputy included."""
    if actor.person_id is None or not actor.is_member:
        raise NotAllowed("agenda.members_propose")
