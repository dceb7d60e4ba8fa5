"""Registers of the work programme (cl. 4 а–к): everyone in the roster reads them, the
secretariat keeps them; a change made by a decision links to that protocol item."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, replace
from datetime import date
from typing import Any, TypeVar

from bot.domain.dates import DateInputError, parse_local_date
from bot.domain.registers import (
    DOCUMENT_KINDS,
    Problem,
    ProjectKind,
    Register,
    RegisterRuleError,
    Status,
    check_due,
    check_kind,
    check_status_change,
    clean_note,
    clean_title,
    due_order,
    effective_status,
)
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.decisions import DecisionBook, DecisionError
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.notifier import Notice, Notifier
from bot.services.roster import Auditor, sort_members
from storage.db import read, write
from storage.dto import MemberView, UnitView
from storage.repositories.meetings import MeetingRepository
from storage.repositories.protocols import ProtocolRepository
from storage.repositories.registers import EntryView, NoteView, RegisterRepository
from storage.repositories.roster import RosterRepository

_T = TypeVar("_T")

# A card shows the latest progress notes; older ones stay in the database and the audit log.
CARD_NOTES = 5
# Problems that only a forged or outdated button can cause.
_STALE_PROBLEMS = frozenset({Problem.WRONG_KIND, Problem.STATUS_UNKNOWN})


@dataclass(frozen=True, slots=True)
class Basis:
    """The decision behind an entry or a note: «протокол № 1/2026, вопрос 2»."""

    protocol_id: int
    protocol_number: str
    item_number: int


@dataclass(frozen=True, slots=True)
class Decision:
    """A decided item of a signed protocol, offered as the basis of an entry or a change."""

    basis: Basis
    text: str


@dataclass(frozen=True, slots=True)
class Listed:
    entry: EntryView
    status: Status
    milestones: int = 0


@dataclass(frozen=True, slots=True)
class RegisterListing:
    """One register as its reader sees it, and whether they may add to it."""

    register: Register
    items: list[Listed]
    may_edit: bool


@dataclass(frozen=True, slots=True)
class NoteLine:
    note: NoteView
    basis: Basis | None


@dataclass(frozen=True, slots=True)
class EntryCard:
    entry: EntryView
    status: Status
    basis: Basis | None
    notes: list[NoteLine]
    roadmap: list[Listed]
    parent: EntryView | None
    # Whether the reader may change the entry (the secretariat keeps the registers).
    may_edit: bool = False


@dataclass(frozen=True, slots=True)
class Draft:
    """A new entry as the add dialog collected it; checked again when confirmed."""

    register: Register
    kind: str | None
    parent_id: int | None
    title: str
    unit_id: int | None
    responsible_id: int | None
    due: date | None
    protocol_id: int | None
    item_number: int | None


@dataclass(frozen=True, slots=True)
class DraftSummary:
    draft: Draft
    parent_title: str | None
    unit_name: str | None
    responsible_name: str | None
    basis: Basis | None


def is_milestone(entry: EntryView) -> bool:
    return entry.kind == ProjectKind.MILESTONE.value


def is_project(entry: EntryView) -> bool:
    return entry.register == Register.PROJECTS.value and entry.kind == ProjectKind.PROJECT.value


@dataclass(eq=False)
class RegisterService(ZonedService):
    _: KW_ONLY
    # Texts that outlive the update (a change's note) are written in the group's
    # language; a refusal's dates are told in the reader's.
    notifier: Notifier

    def __post_init__(self) -> None:
        self.repo = RegisterRepository(self.session)
        self.roster = RosterRepository(self.session)
        self.protocols = ProtocolRepository(self.session)
        self.meetings = MeetingRepository(self.session)

    # Who may do what
    @staticmethod
    def can_edit(actor: Actor) -> bool:
        return actor.can(Capability.EDIT_REGISTERS)

    def require_editor(self, actor: Actor) -> None:
        """Checked by every editing step: a button's payload is never trusted."""
        if not self.can_edit(actor):
            raise NotAllowed("registers.not_allowed")

    @staticmethod
    def require_reader(actor: Actor) -> None:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")

    def today(self) -> date:
        """Today in the group's time zone: due dates are local dates."""
        return self.clock.now().astimezone(self.tz).date()

    def _invalid(self, actor: Actor, error: RegisterRuleError) -> InvalidInput:
        if error.problem in _STALE_PROBLEMS:
            return InvalidInput("errors.stale")
        params = {
            k: self.notifier.text(Notice("registers.date", day=v), actor.locale)
            if isinstance(v, date)
            else v
            for k, v in error.params.items()
        }
        return InvalidInput(f"registers.{error.problem.value}", **params)

    # Reading
    async def listing(self, actor: Actor, register: Register) -> RegisterListing:
        """One register for reading; projects without their milestones, which their cards
        show as the roadmap; documents grouped by kind."""
        self.require_reader(actor)
        today = self.today()
        async with read(self.session):
            entries = await self.repo.entries(actor.group_id, register.value)
        milestones: dict[int, int] = {}
        for e in entries:
            if e.parent_id is not None:
                milestones[e.parent_id] = milestones.get(e.parent_id, 0) + 1
        shown = [e for e in entries if not is_milestone(e)]
        kind_rank = {k.value: i for i, k in enumerate(DOCUMENT_KINDS)}
        shown.sort(key=lambda e: (kind_rank.get(e.kind or "", 0), *due_order(e.due, e.id)))
        items = [
            Listed(e, effective_status(e.status, e.due, today), milestones.get(e.id, 0))
            for e in shown
        ]
        return RegisterListing(register, items, may_edit=self.can_edit(actor))

    async def card(self, actor: Actor, entry_id: int) -> EntryCard:
        self.require_reader(actor)
        async with read(self.session):
            return await self._card(actor, entry_id)

    async def _card(self, actor: Actor, entry_id: int) -> EntryCard:
        today = self.today()
        entry = await self._entry(actor, entry_id)
        notes = [
            NoteLine(n, await self._basis(n.protocol_id, n.item_number))
            for n in await self.repo.notes(entry.id, CARD_NOTES)
        ]
        roadmap: list[Listed] = []
        if is_project(entry):
            children = sorted(
                await self.repo.children(entry.id), key=lambda e: due_order(e.due, e.id)
            )
            roadmap = [Listed(c, effective_status(c.status, c.due, today)) for c in children]
        parent = None
        if entry.parent_id is not None:
            parent = await self.repo.entry(actor.group_id, entry.parent_id)
        return EntryCard(
            entry=entry,
            status=effective_status(entry.status, entry.due, today),
            basis=await self._basis(entry.protocol_id, entry.item_number),
            notes=notes,
            roadmap=roadmap,
            parent=parent,
            may_edit=self.can_edit(actor),
        )

    async def _entry(self, actor: Actor, entry_id: int) -> EntryView:
        return _found(await self.repo.entry(actor.group_id, entry_id))

    async def _basis(self, protocol_id: int | None, item_number: int | None) -> Basis | None:
        if protocol_id is None or item_number is None:
            return None
        protocol = await self.protocols.get(protocol_id)
        if protocol is None:
            return None
        return Basis(protocol.id, protocol.number, item_number)

    async def entry(self, actor: Actor, entry_id: int) -> EntryView:
        self.require_reader(actor)
        async with read(self.session):
            return await self._entry(actor, entry_id)

    # What the editing dialogs offer
    async def units(self, actor: Actor) -> list[UnitView]:
        self.require_editor(actor)
        async with read(self.session):
            return await self.roster.units(actor.group_id)

    async def people(self, actor: Actor, unit_id: int | None) -> list[MemberView]:
        """People of the owner unit to choose the responsible from; everyone when no unit
        was chosen or nobody of the roster is in it yet."""
        self.require_editor(actor)
        async with read(self.session):
            members = sort_members(await self.roster.members(actor.group_id))
        of_unit = [m for m in members if unit_id is not None and m.unit_id == unit_id]
        return of_unit or members

    async def decisions(self, actor: Actor) -> list[Decision]:
        """Decided items of the group's signed protocols, the newest protocol first."""
        self.require_editor(actor)
        async with read(self.session):
            signed = await DecisionBook(self.session).signed(actor.group_id)
        return [
            Decision(Basis(d.protocol_id, d.protocol_number, d.item_number), d.text) for d in signed
        ]

    async def _decision(self, actor: Actor, protocol_id: int, item_number: int) -> Basis:
        """The decision named as a basis: an item of a signed protocol of this group."""
        try:
            d = await DecisionBook(self.session).find(actor.group_id, protocol_id, item_number)
        except DecisionError as error:
            raise InvalidInput("registers.basis_invalid") from error
        return Basis(d.protocol_id, d.protocol_number, d.item_number)

    # Checks for one answer of a dialog, so a refusal is told at the question it concerns
    def check_title(self, actor: Actor, raw: str) -> str:
        try:
            return clean_title(raw)
        except RegisterRuleError as error:
            raise self._invalid(actor, error) from error

    def check_note(self, actor: Actor, raw: str) -> str:
        try:
            return clean_note(raw)
        except RegisterRuleError as error:
            raise self._invalid(actor, error) from error

    def check_kind(self, actor: Actor, register: Register, kind: str | None) -> str | None:
        try:
            return check_kind(register, kind)
        except RegisterRuleError as error:
            raise self._invalid(actor, error) from error

    def check_status(self, actor: Actor, entry: EntryView, status: str) -> str:
        try:
            return check_status_change(entry.status, status).value
        except RegisterRuleError as error:
            raise self._invalid(actor, error) from error

    async def check_due(
        self, actor: Actor, typed: str, *, parent_id: int | None = None, entry_id: int | None = None
    ) -> date:
        """A typed due date for a new entry (under ``parent_id`` for a milestone) or for the
        entry ``entry_id``, checked against the roadmap it belongs to."""
        self.require_editor(actor)
        try:
            due = parse_local_date(typed, self.tz, self.clock.now())
        except DateInputError as bad:
            raise InvalidInput(f"registers.due_{bad.code.value}") from bad
        async with read(self.session):
            return await self._check_due(actor, due, parent_id=parent_id, entry_id=entry_id)

    async def _check_due(
        self, actor: Actor, due: date, *, parent_id: int | None, entry_id: int | None
    ) -> date:
        project_due: date | None = None
        latest_milestone: date | None = None
        if entry_id is not None:
            entry = await self._entry(actor, entry_id)
            if is_project(entry):
                latest_milestone = await self.repo.latest_child_due(entry.id)
            parent_id = entry.parent_id
        if parent_id is not None:
            project = await self._project(actor, parent_id)
            project_due = project.due
        try:
            return check_due(
                due,
                today=self.today(),
                project_due=project_due,
                latest_milestone=latest_milestone,
            )
        except RegisterRuleError as error:
            raise self._invalid(actor, error) from error

    async def _project(self, actor: Actor, entry_id: int) -> EntryView:
        project = await self._entry(actor, entry_id)
        if not is_project(project):
            raise NotFound("errors.stale")
        return project

    async def _unit(self, actor: Actor, unit_id: int | None) -> UnitView | None:
        if unit_id is None:
            return None
        return _found(await self.roster.unit(actor.group_id, unit_id))

    async def _person(self, actor: Actor, person_id: int | None) -> MemberView | None:
        if person_id is None:
            return None
        return _found(await self.roster.member_by_person(actor.group_id, person_id))

    async def project_title(self, actor: Actor, project_id: int) -> str:
        self.require_editor(actor)
        async with read(self.session):
            return (await self._project(actor, project_id)).title

    # Adding
    def _normalized(self, actor: Actor, draft: Draft) -> Draft:
        """The draft's kind and parent agree with its register: a milestone under a project,
        everything else at the top."""
        kind = self.check_kind(actor, draft.register, draft.kind)
        if (kind == ProjectKind.MILESTONE.value) != (draft.parent_id is not None):
            raise NotFound("errors.stale")
        return replace(draft, title=self.check_title(actor, draft.title), kind=kind)

    async def summary(self, actor: Actor, draft: Draft) -> DraftSummary:
        self.require_editor(actor)
        draft = self._normalized(actor, draft)
        async with read(self.session):
            parent = await self._project(actor, draft.parent_id) if draft.parent_id else None
            unit = await self._unit(actor, draft.unit_id)
            person = await self._person(actor, draft.responsible_id)
            basis = None
            if draft.protocol_id is not None and draft.item_number is not None:
                basis = await self._decision(actor, draft.protocol_id, draft.item_number)
        return DraftSummary(
            draft=draft,
            parent_title=parent.title if parent else None,
            unit_name=unit.name if unit else None,
            responsible_name=person.display_name if person else None,
            basis=basis,
        )

    async def add(self, actor: Actor, draft: Draft) -> int:
        """Cl. 4 а–к: the secretariat enters what the group approved. Everything the dialog
        collected is checked again here: time passed and the roster may have changed."""
        self.require_editor(actor)
        draft = self._normalized(actor, draft)
        now = self.clock.now()
        async with write(self.session):
            await self._unit(actor, draft.unit_id)
            await self._person(actor, draft.responsible_id)
            due = draft.due
            if due is not None:
                due = await self._check_due(actor, due, parent_id=draft.parent_id, entry_id=None)
            elif draft.parent_id is not None:
                await self._project(actor, draft.parent_id)
            basis = None
            if draft.protocol_id is not None and draft.item_number is not None:
                basis = await self._decision(actor, draft.protocol_id, draft.item_number)
            entry_id = await self.repo.add(
                group_id=actor.group_id,
                register=draft.register.value,
                kind=draft.kind,
                parent_id=draft.parent_id,
                title=draft.title,
                unit_id=draft.unit_id,
                responsible_id=draft.responsible_id,
                due=due,
                status=Status.PLANNED.value,
                protocol_id=basis.protocol_id if basis else None,
                item_number=basis.item_number if basis else None,
                created_at=now,
                updated_at=now,
            )
            await Auditor(self.session, actor, now)(
                "register_entry_added",
                "register_entry",
                entry_id,
                register=draft.register.value,
                kind=draft.kind,
                parent=draft.parent_id,
                title=draft.title,
                unit=draft.unit_id,
                responsible=draft.responsible_id,
                due=due.isoformat() if due else None,
                **_basis_details(basis),
            )
        return entry_id

    # Changing
    async def change_status(
        self, actor: Actor, entry_id: int, status: str, decision: tuple[int, int] | None
    ) -> EntryView:
        self.require_editor(actor)
        async with write(self.session):
            entry = await self._entry(actor, entry_id)
            try:
                new = check_status_change(entry.status, status)
            except RegisterRuleError as error:
                raise self._invalid(actor, error) from error
            return await self._change(
                actor,
                entry,
                decision,
                {"status": new.value},
                "register_status_changed",
                self.notifier.text(Notice("registers.note_status", status=new.value)),
                before=entry.status,
                after=new.value,
            )

    async def change_due(
        self, actor: Actor, entry_id: int, due: date, decision: tuple[int, int] | None
    ) -> EntryView:
        self.require_editor(actor)
        async with write(self.session):
            entry = await self._entry(actor, entry_id)
            due = await self._check_due(actor, due, parent_id=None, entry_id=entry.id)
            return await self._change(
                actor,
                entry,
                decision,
                {"due": due},
                "register_due_changed",
                self.notifier.text(Notice("registers.note_due", due=due)),
                before=entry.due.isoformat() if entry.due else None,
                after=due.isoformat(),
            )

    async def change_owner(
        self,
        actor: Actor,
        entry_id: int,
        unit_id: int | None,
        responsible_id: int | None,
        decision: tuple[int, int] | None,
    ) -> EntryView:
        self.require_editor(actor)
        async with write(self.session):
            entry = await self._entry(actor, entry_id)
            unit = await self._unit(actor, unit_id)
            person = await self._person(actor, responsible_id)
            owner = Notice(
                "registers.note_owner",
                unit=unit.name if unit else None,
                person=person.display_name if person else None,
            )
            return await self._change(
                actor,
                entry,
                decision,
                {"unit_id": unit_id, "responsible_id": responsible_id},
                "register_owner_changed",
                self.notifier.text(owner),
                unit_before=entry.unit_id,
                unit=unit_id,
                responsible_before=entry.responsible_id,
                responsible=responsible_id,
            )

    async def add_note(
        self, actor: Actor, entry_id: int, text: str, decision: tuple[int, int] | None
    ) -> EntryView:
        """A progress note (cl. 4 г, д, е: the group monitors how its registers are carried
        out); notes are only ever added."""
        self.require_editor(actor)
        text = self.check_note(actor, text)
        async with write(self.session):
            entry = await self._entry(actor, entry_id)
            return await self._change(
                actor, entry, decision, {}, "register_note_added", text, always_note=True
            )

    async def _change(
        self,
        actor: Actor,
        entry: EntryView,
        decision: tuple[int, int] | None,
        values: dict[str, Any],
        action: str,
        note: str,
        *,
        always_note: bool = False,
        **details: Any,
    ) -> EntryView:
        """Applies a change inside the caller's write. A change named by a decision moves the
        entry's link to that decision and leaves a note saying what it changed, so the card
        shows why; every change goes to the audit log."""
        now = self.clock.now()
        basis = await self._decision(actor, *decision) if decision else None
        if basis is not None:
            values = {**values, "protocol_id": basis.protocol_id, "item_number": basis.item_number}
        await self.repo.update(entry.id, updated_at=now, **values)
        note_id = None
        if always_note or basis is not None:
            note_id = await self.repo.add_note(
                entry_id=entry.id,
                text=note,
                author_id=actor.person_id,
                protocol_id=basis.protocol_id if basis else None,
                item_number=basis.item_number if basis else None,
                created_at=now,
            )
        await Auditor(self.session, actor, now)(
            action,
            "register_entry",
            entry.id,
            note=note_id,
            **details,
            **_basis_details(basis),
        )
        return await self._entry(actor, entry.id)


def _found(thing: _T | None) -> _T:
    """What a button named, still there; gone (or never ours), the button is outdated."""
    if thing is None:
        raise NotFound("errors.stale")
    return thing


def _basis_details(basis: Basis | None) -> dict[str, Any]:
    if basis is None:
        return {"protocol": None, "item": None}
    return {"protocol": basis.protocol_id, "item": basis.item_number}
