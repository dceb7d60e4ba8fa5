"""Delegations (направление представителей, cl. 16 б): the secretariat or the chair records
that named members represent the group at an outside event; the delegates are told; the day
after the event they are asked for a report back, reminded after three days, and the
secretariat is told after seven; the report can be offered for the next agenda.

See `bot.domain.delegations` for why the report is the delegation's, not each delegate's.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from typing import Any

from bot.domain import delegations as rules
from bot.domain import fields
from bot.domain.dates import DateInputError
from bot.domain.delegations import DelegationRuleError, EventWhen, FollowUp, Problem
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.decisions import DecisionBook, DecisionError
from bot.services.due import DueHandler, DueService
from bot.services.errors import InvalidInput, NotAllowed, NotFound, checked, checked_optional
from bot.services.notifier import Delivery, Notice, Notifier
from bot.services.offers import offer
from bot.services.registers import Basis, Decision
from bot.services.roster import Auditor, sort_members
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.delegations import DelegationRepository, DelegationView
from storage.repositories.due import DueRepository, DueView
from storage.repositories.meetings import MeetingRepository
from storage.repositories.protocols import ProtocolRepository
from storage.repositories.roster import RosterRepository

Outcome = tuple[str, str | None]
# Whom a late report is escalated to (cl. 16 б): the secretariat, who keeps the record.
ESCALATED_TO = Capability.KEEP_RECORD


@dataclass(frozen=True, slots=True)
class Draft:
    """A new delegation as the dialog collected it; checked again when confirmed."""

    title: str
    organiser: str
    place: str
    topic: str
    when: EventWhen
    delegates: tuple[int, ...]
    protocol_id: int | None = None
    item_number: int | None = None


@dataclass(frozen=True, slots=True)
class DraftSummary:
    draft: Draft
    delegates: list[str]
    basis: Basis | None


@dataclass(frozen=True, slots=True)
class Card:
    delegation: DelegationView
    when: EventWhen
    delegates: list[str]
    basis: Basis | None
    reporter: str | None
    past: bool
    may_manage: bool
    may_report: bool


@dataclass(frozen=True, slots=True)
class Listing:
    upcoming: list[DelegationView]
    past: list[DelegationView]
    may_manage: bool


def event_when(d: DelegationView) -> EventWhen:
    return EventWhen(d.event_day, d.event_at)


def due_rows(d: DelegationView, plan: int, when: EventWhen, tz: Any) -> list[dict[str, Any]]:
    """The follow-ups of one plan of the delegation, as DueRepository.add takes them."""
    return [
        {
            "key": f"delegation:{d.id}:{plan}:{kind.value}",
            "kind": kind.value,
            "group_id": d.group_id,
            "due_at": at,
            "payload": {"delegation": d.id, "plan": plan},
            "status": "pending",
        }
        for kind, at in rules.follow_ups(when.day, tz)
    ]


@dataclass(eq=False)
class DelegationService(ZonedService):
    _: KW_ONLY
    notifier: Notifier

    def __post_init__(self) -> None:
        self.repo = DelegationRepository(self.session)
        self.roster = RosterRepository(self.session)
        self.protocols = ProtocolRepository(self.session)
        self.meetings = MeetingRepository(self.session)

    # Who may do what
    @staticmethod
    def may_manage(actor: Actor) -> bool:
        return actor.can(Capability.MANAGE_DELEGATIONS)

    @staticmethod
    def require_manager(actor: Actor) -> None:
        """Checked by every step of recording, moving, cancelling and offering."""
        actor.require(Capability.MANAGE_DELEGATIONS)

    @staticmethod
    def _require_reader(actor: Actor) -> None:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")

    def _invalid(
        self, actor: Actor, error: DelegationRuleError, d: DelegationView | None
    ) -> InvalidInput:
        params: dict[str, Any] = {}
        if d is not None:
            params["when"] = self.notifier.text(
                Notice("delegations.when", when=event_when(d)), actor.locale
            )
        return InvalidInput(f"delegations.{error.problem.value}", **params)

    # Answers of the recording dialog, each checked where it is asked
    def check_title(self, raw: str) -> str:
        return checked(rules.TITLE, raw)

    def check_organiser(self, raw: str) -> str:
        return checked(rules.ORGANISER, raw)

    def check_place(self, raw: str) -> str:
        return checked(rules.PLACE, raw)

    def check_topic(self, raw: str) -> str:
        return checked(rules.TOPIC, raw)

    def check_when(self, typed: str) -> EventWhen:
        try:
            return rules.parse_when(typed, self.tz, self.clock.now())
        except DateInputError as bad:
            raise InvalidInput(f"delegations.when_{bad.code.value}") from bad

    def check_report_text(self, raw: str | None) -> str | None:
        return checked_optional(rules.REPORT, raw)

    async def members(self, actor: Actor) -> list[MemberView]:
        """Who can be sent: members of the working group (the chair and deputy included)."""
        self.require_manager(actor)
        async with read(self.session):
            return await self._members(actor.group_id)

    async def _members(self, group_id: int) -> list[MemberView]:
        return sort_members([m for m in await self.roster.members(group_id) if m.is_member])

    async def decisions(self, actor: Actor) -> list[Decision]:
        """Decided items of the group's signed protocols, the newest protocol first."""
        self.require_manager(actor)
        async with read(self.session):
            signed = await DecisionBook(self.session).signed(actor.group_id)
        return [
            Decision(Basis(d.protocol_id, d.protocol_number, d.item_number), d.text) for d in signed
        ]

    async def _decision(self, actor: Actor, protocol_id: int, item_number: int) -> Basis:
        """The decision behind the delegation: an item of a signed protocol of this group."""
        try:
            d = await DecisionBook(self.session).find(actor.group_id, protocol_id, item_number)
        except DecisionError as error:
            raise InvalidInput("delegations.basis_invalid") from error
        return Basis(d.protocol_id, d.protocol_number, d.item_number)

    async def _basis(self, d: DelegationView) -> Basis | None:
        if d.protocol_id is None or d.item_number is None:
            return None
        protocol = await self.protocols.get(d.protocol_id)
        return Basis(protocol.id, protocol.number, d.item_number) if protocol else None

    async def _names(self, person_ids: tuple[int, ...] | list[int]) -> list[str]:
        names = []
        for person_id in person_ids:
            person = await self.roster.person(person_id)
            names.append(person.display_name if person else "—")
        return names

    def _delegates(self, group: list[MemberView], d: DelegationView) -> list[MemberView]:
        """The delegates still in the roster, who can be told."""
        return [m for m in group if m.person.id in d.delegates]

    def _checked_delegates(self, members: list[MemberView], chosen: tuple[int, ...]) -> list[int]:
        try:
            return rules.check_delegates(chosen, {m.person.id for m in members})
        except DelegationRuleError as error:
            raise InvalidInput(f"delegations.{error.problem.value}") from error

    # Recording
    async def summary(self, actor: Actor, draft: Draft) -> DraftSummary:
        self.require_manager(actor)
        async with read(self.session):
            picked = self._checked_delegates(await self._members(actor.group_id), draft.delegates)
            basis = None
            if draft.protocol_id is not None and draft.item_number is not None:
                basis = await self._decision(actor, draft.protocol_id, draft.item_number)
            return DraftSummary(draft, await self._names(picked), basis)

    async def create(self, actor: Actor, draft: Draft) -> int:
        """Cl. 16 б: the delegation is recorded, the delegates are told, and the follow-up
        (ask, reminder, escalation) is planned. Everything is checked again here."""
        self.require_manager(actor)
        title = self.check_title(draft.title)
        organiser = self.check_organiser(draft.organiser)
        place = self.check_place(draft.place)
        topic = self.check_topic(draft.topic)
        now = self.clock.now()
        if rules.is_gone(draft.when, self.tz, now):
            raise InvalidInput("delegations.when_past")
        async with write(self.session):
            members = await self._members(actor.group_id)
            picked = self._checked_delegates(members, draft.delegates)
            basis = None
            if draft.protocol_id is not None and draft.item_number is not None:
                basis = await self._decision(actor, draft.protocol_id, draft.item_number)
            delegation_id = await self.repo.add(
                picked,
                group_id=actor.group_id,
                title=title,
                organiser=organiser,
                place=place,
                topic=topic,
                event_day=draft.when.day,
                event_at=draft.when.at,
                protocol_id=basis.protocol_id if basis else None,
                item_number=basis.item_number if basis else None,
                status=rules.Status.PLANNED.value,
                plan=1,
                created_by=actor.person_id,
                created_at=now,
                updated_at=now,
            )
            d = await self._get(actor, delegation_id)
            await DueRepository(self.session).add(due_rows(d, 1, draft.when, self.tz))
            names = await self._names(picked)
            await self.notifier.tell(
                self._delegates(members, d),
                Notice("delegations.appointed", delegation=d, delegates=names, basis=basis),
                key=f"delegation:{d.id}:appointed",
            )
            await Auditor(self.session, actor, now)(
                "delegation_recorded",
                "delegation",
                d.id,
                title=title,
                organiser=organiser,
                place=place,
                day=draft.when.day.isoformat(),
                at=draft.when.at.isoformat() if draft.when.at else None,
                delegates=picked,
                protocol=basis.protocol_id if basis else None,
                item=basis.item_number if basis else None,
            )
        return delegation_id

    # Reading
    async def _get(self, actor: Actor, delegation_id: int) -> DelegationView:
        d = await self.repo.get(actor.group_id, delegation_id)
        if d is None:
            raise NotFound("errors.stale")
        return d

    async def listing(self, actor: Actor) -> Listing:
        """/delegations: upcoming ones, the nearest first; then past and cancelled ones, the
        latest first."""
        self._require_reader(actor)
        now = self.clock.now()
        async with read(self.session):
            every = await self.repo.listing(actor.group_id)
        upcoming = [
            d
            for d in every
            if d.status == rules.Status.PLANNED and not rules.is_past(event_when(d), self.tz, now)
        ]
        shown = {d.id for d in upcoming}
        past = sorted(
            (d for d in every if d.id not in shown),
            key=lambda d: (d.event_day, d.id),
            reverse=True,
        )
        return Listing(upcoming, past, self.may_manage(actor))

    async def card(self, actor: Actor, delegation_id: int) -> Card:
        self._require_reader(actor)
        async with read(self.session):
            return await self._card(actor, await self._get(actor, delegation_id))

    async def _card(self, actor: Actor, d: DelegationView) -> Card:
        now = self.clock.now()
        when = event_when(d)
        may_report = True
        try:
            rules.check_report(
                status=d.status,
                reported=d.reported,
                is_delegate=actor.person_id in d.delegates,
                event=when,
                tz=self.tz,
                now=now,
            )
        except DelegationRuleError:
            may_report = False
        reporter = (await self._names([d.reported_by]))[0] if d.reported_by else None
        return Card(
            delegation=d,
            when=when,
            delegates=await self._names(d.delegates),
            basis=await self._basis(d),
            reporter=reporter,
            past=rules.is_past(when, self.tz, now),
            may_manage=self.may_manage(actor),
            may_report=may_report,
        )

    # Changing
    async def _changeable(self, actor: Actor, delegation_id: int) -> DelegationView:
        d = await self._get(actor, delegation_id)
        try:
            rules.check_changeable(d.status, d.reported)
        except DelegationRuleError as error:
            raise self._invalid(actor, error, None) from error
        return d

    async def check_changeable(self, actor: Actor, delegation_id: int) -> DelegationView:
        """Before the move dialog starts or the cancellation is confirmed."""
        self.require_manager(actor)
        async with read(self.session):
            return await self._changeable(actor, delegation_id)

    async def move(self, actor: Actor, delegation_id: int, when: EventWhen) -> Card:
        """A new date (cl. 16 б): the follow-up is planned anew from it, the old one dropped,
        and the delegates are told."""
        self.require_manager(actor)
        now = self.clock.now()
        if rules.is_gone(when, self.tz, now):
            raise InvalidInput("delegations.when_past")
        async with write(self.session):
            d = await self._changeable(actor, delegation_id)
            try:
                rules.check_move(event_when(d), when)
            except DelegationRuleError as error:
                raise self._invalid(actor, error, d) from error
            plan = d.plan + 1
            await self.repo.cancel_follow_ups(d.id, now)
            await self.repo.update(
                d.id, event_day=when.day, event_at=when.at, plan=plan, updated_at=now
            )
            moved = await self._get(actor, d.id)
            await DueRepository(self.session).add(due_rows(moved, plan, when, self.tz))
            await self.notifier.tell(
                self._delegates(await self.roster.members(actor.group_id), moved),
                Notice("delegations.moved", delegation=moved, before=event_when(d)),
                key=f"delegation:{d.id}:moved:{plan}",
            )
            await Auditor(self.session, actor, now)(
                "delegation_moved",
                "delegation",
                d.id,
                day_before=d.event_day.isoformat(),
                at_before=d.event_at.isoformat() if d.event_at else None,
                day=when.day.isoformat(),
                at=when.at.isoformat() if when.at else None,
            )
            return await self._card(actor, moved)

    async def cancel(self, actor: Actor, delegation_id: int) -> Card:
        self.require_manager(actor)
        now = self.clock.now()
        async with write(self.session):
            d = await self._changeable(actor, delegation_id)
            await self.repo.cancel_follow_ups(d.id, now)
            await self.repo.update(d.id, status=rules.Status.CANCELLED.value, updated_at=now)
            cancelled = await self._get(actor, d.id)
            await self.notifier.tell(
                self._delegates(await self.roster.members(actor.group_id), cancelled),
                Notice("delegations.cancelled", delegation=cancelled),
                key=f"delegation:{d.id}:cancelled",
            )
            await Auditor(self.session, actor, now)("delegation_cancelled", "delegation", d.id)
            return await self._card(actor, cancelled)

    # The report back
    def _may_report(self, actor: Actor, d: DelegationView) -> None:
        try:
            rules.check_report(
                status=d.status,
                reported=d.reported,
                is_delegate=actor.person_id in d.delegates,
                event=event_when(d),
                tz=self.tz,
                now=self.clock.now(),
            )
        except DelegationRuleError as error:
            if error.problem is Problem.NOT_DELEGATE:
                raise NotAllowed("delegations.not_delegate") from error
            raise self._invalid(actor, error, d) from error

    async def check_may_report(self, actor: Actor, delegation_id: int) -> DelegationView:
        """Before the report dialog starts: a delegate, after the event, not reported yet."""
        async with read(self.session):
            d = await self._get(actor, delegation_id)
            self._may_report(actor, d)
            return d

    async def report(
        self, actor: Actor, delegation_id: int, text: str | None, document: dict[str, Any] | None
    ) -> Card:
        """Cl. 16 б: a delegate reports back for the delegation (a text, a file or both);
        the secretariat and the chair get it, and no more reminders come."""
        text = self.check_report_text(text)
        try:
            rules.check_content(text, document is not None)
        except DelegationRuleError as error:
            raise InvalidInput(f"delegations.{error.problem.value}") from error
        now = self.clock.now()
        async with write(self.session):
            d = await self._get(actor, delegation_id)
            self._may_report(actor, d)
            stored = None
            if document is not None:
                stored = {
                    "telegram_file_id": document.get("file_id") or document.get("telegram_file_id"),
                    "file_name": document.get("file_name"),
                    "mime_type": document.get("mime_type"),
                    "size": document.get("size"),
                }
                if document.get("kept_sha256"):
                    stored["kept_sha256"] = document["kept_sha256"]
            if not await self.repo.report(
                d.id,
                report_text=text,
                report_document=stored,
                reported_by=actor.person_id,
                reported_at=now,
                updated_at=now,
            ):
                raise self._invalid(actor, DelegationRuleError(Problem.REPORTED), None)
            await self.repo.cancel_follow_ups(d.id, now)
            reported = await self._get(actor, d.id)
            staff = [
                m
                for m in await self.roster.members(actor.group_id)
                if m.can(Capability.MANAGE_DELEGATIONS) and m.person.id != actor.person_id
            ]
            attachment = (
                {"file_id": stored["telegram_file_id"], "file_name": stored.get("file_name")}
                if stored
                else None
            )
            await self.notifier.tell(
                staff,
                Notice("delegations.reported", delegation=reported, by=actor.display_name),
                key=f"delegation:{d.id}:reported",
                delivery=Delivery(document=attachment),
            )
            await Auditor(self.session, actor, now)(
                "delegation_reported",
                "delegation",
                d.id,
                text_chars=len(text or ""),
                file=stored.get("file_name") if stored else None,
            )
            return await self._card(actor, reported)

    async def offer(self, actor: Actor, delegation_id: int) -> int | None:
        """The report is offered for the next meeting's agenda, like a quarterly review
        (cl. 4 г, 13): the chair includes or rejects it. Returns the meeting, if one exists."""
        self.require_manager(actor)
        now = self.clock.now()
        async with write(self.session):
            d = await self._get(actor, delegation_id)
            if not d.reported:
                raise InvalidInput("delegations.offer_unreported")
            if d.offered_at is not None:
                raise InvalidInput("delegations.already_offered")
            reporter = (await self._names([d.reported_by]))[0] if d.reported_by else "—"
            title = self.notifier.text(Notice("delegations.offer_title", delegation=d))
            about = self.notifier.text(
                Notice("delegations.offer_description", delegation=d, reporter=reporter)
            )
            # The agenda item's description holds what the item's field takes.
            about = fields.fits(about, fields.ITEM_DESCRIPTION.max_length)
            meeting = await offer(
                self.session, actor.group_id, f"delegation:{d.id}", title, about, now
            )
            await self.repo.update(d.id, offered_at=now, updated_at=now)
            await Auditor(self.session, actor, now)(
                "delegation_offered", "delegation", d.id, agenda_meeting=meeting
            )
            return meeting

    async def report_document(self, actor: Actor, delegation_id: int) -> dict[str, Any] | None:
        self._require_reader(actor)
        async with read(self.session):
            return (await self._get(actor, delegation_id)).report_document


class DelegationDue:
    """Handlers of the delegation kinds of due rows; each runs in DueService's transaction."""

    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier

    def handlers(self) -> dict[str, DueHandler]:
        return {
            FollowUp.ASK.value: self.ask,
            FollowUp.REMIND.value: self.remind,
            FollowUp.ESCALATE.value: self.escalate,
        }

    async def _load(
        self, service: DueService, due: DueView
    ) -> tuple[DelegationView | None, Outcome | None]:
        d = await DelegationRepository(service.session).get(
            due.group_id, int(due.payload["delegation"])
        )
        if d is None:
            return None, ("skipped", "the delegation no longer exists")
        if d.status != rules.Status.PLANNED:
            return None, ("skipped", f"the delegation is {d.status}")
        if d.plan != int(due.payload.get("plan", 0)):
            return None, ("skipped", "the event was moved")
        if d.reported:
            return None, ("skipped", "the delegation has reported back")
        return d, None

    async def _to_delegates(self, service: DueService, due: DueView, name: str) -> Outcome:
        d, gone = await self._load(service, due)
        if d is None:
            return gone or ("skipped", None)
        if rules.overtaken(FollowUp(due.kind), d.event_day, service.tz, service.clock.now()):
            return "skipped", "a later follow-up was due by the time this one ran"
        delegates = [
            m
            for m in await RosterRepository(service.session).members(due.group_id)
            if m.person.id in d.delegates
        ]
        if not delegates:
            return "skipped", "no delegate in the roster"
        await self.notifier.tell(
            delegates,
            Notice(name, delegation=d),
            key=f"delegation-due:{due.id}",
            delivery=Delivery(kind="reminder") if name == "delegations.remind" else Delivery(),
        )
        await Auditor(service.session, None, service.clock.now())(
            f"delegation_{due.kind.removeprefix('delegation_')}",
            "delegation",
            d.id,
            told=sorted(m.person.id for m in delegates),
        )
        return "done", None

    async def ask(self, service: DueService, due: DueView) -> Outcome:
        """The day after the event each delegate is asked for the report back."""
        return await self._to_delegates(service, due, "delegations.ask")

    async def remind(self, service: DueService, due: DueView) -> Outcome:
        """Three days after: the delegates are reminded."""
        return await self._to_delegates(service, due, "delegations.remind")

    async def escalate(self, service: DueService, due: DueView) -> Outcome:
        """Seven days after and still no report: the secretariat is told (cl. 16 б)."""
        d, gone = await self._load(service, due)
        if d is None:
            return gone or ("skipped", None)
        roster = await RosterRepository(service.session).members(due.group_id)
        staff = [m for m in roster if m.can(ESCALATED_TO)]
        names = [m.display_name for m in roster if m.person.id in d.delegates]
        await self.notifier.tell(
            staff,
            Notice("delegations.escalated", delegation=d, delegates=names),
            key=f"delegation-due:{due.id}",
        )
        now: datetime = service.clock.now()
        await Auditor(service.session, None, now)(
            "delegation_escalated",
            "delegation",
            d.id,
            told=sorted(m.person.id for m in staff),
        )
        return "done", None
