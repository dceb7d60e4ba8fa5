"""Effectiveness indicators (cl. 3 в, 4 ж): a priority project, or the Plan of events as a
whole, carries indicators with a baseline, a target value and a target date. The
secretariat keeps them; measured values are entered by the secretariat or by the
representative of the unit responsible for the project, who is asked for them with each
quarterly report. Every change goes to the audit log."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.domain.dates import DateInputError, parse_local_date
from bot.domain.fields import FieldError
from bot.domain.indicators import (
    KPI_MEASURE,
    KPI_NAME,
    KPI_SOURCE,
    KpiRuleError,
    KpiStatus,
    Measured,
    NumberError,
    check_measured_on,
    check_target,
    check_target_day,
    kpi_status,
    parse_number,
)
from bot.domain.registers import Register, Status
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.registers import is_project
from bot.services.roster import Auditor
from storage.db import read, write
from storage.repositories.indicators import IndicatorRepository, KpiView, ValueView
from storage.repositories.registers import EntryView, RegisterRepository
from storage.repositories.roster import RosterRepository

if TYPE_CHECKING:
    from bot.documents.report_docx import SummaryIndicator

# A card shows the latest values; older ones stay in the database and the audit log.
CARD_VALUES = 8


@dataclass(frozen=True, slots=True)
class KpiLine:
    """An indicator with its latest value and where that value stands (cl. 3 в)."""

    kpi: KpiView
    latest: ValueView | None
    status: KpiStatus


@dataclass(frozen=True, slots=True)
class KpiSection:
    """The indicators shown on a project's card (or the Plan's, `entry_id` None)."""

    entry_id: int | None
    lines: list[KpiLine]
    may_edit: bool


@dataclass(frozen=True, slots=True)
class KpiCard:
    line: KpiLine
    values: list[ValueView]
    project: EntryView | None
    may_edit: bool
    may_enter: bool


@dataclass(frozen=True, slots=True)
class KpiDraft:
    """A new indicator as the add dialog collected it; checked again when saved."""

    entry_id: int | None
    name: str
    measure: str
    baseline: float
    target: float
    target_on: date


@dataclass(frozen=True, slots=True)
class SummaryKpi:
    """An indicator as the quarterly summary prints it."""

    project: str | None
    line: KpiLine

    def printed(self) -> SummaryIndicator:
        """The indicator as the quarterly summary and the annual report print it."""
        # The document module brings python-docx: loaded when a document is made.
        from bot.documents.report_docx import SummaryIndicator

        kpi, latest = self.line.kpi, self.line.latest
        return SummaryIndicator(
            project=self.project,
            name=kpi.name,
            measure=kpi.measure,
            baseline=kpi.baseline,
            target=kpi.target,
            target_on=kpi.target_on,
            latest=latest.value if latest else None,
            latest_on=latest.measured_on if latest else None,
            status=self.line.status,
        )


def status_of(kpi: KpiView, latest: ValueView | None) -> KpiStatus:
    measured = Measured(latest.value, latest.measured_on) if latest else None
    return kpi_status(kpi.baseline, kpi.target, kpi.start_on, kpi.target_on, measured)


def _project(entry: EntryView | None) -> bool:
    return entry is not None and is_project(entry)


@dataclass(eq=False)
class IndicatorService(ZonedService):
    _: KW_ONLY

    def __post_init__(self) -> None:
        self.repo = IndicatorRepository(self.session)
        self.registers = RegisterRepository(self.session)
        self.roster = RosterRepository(self.session)

    # Who may do what
    @staticmethod
    def can_edit(actor: Actor) -> bool:
        return actor.can(Capability.EDIT_REGISTERS)

    def require_editor(self, actor: Actor) -> None:
        if not self.can_edit(actor):
            raise NotAllowed("kpi.not_allowed")

    @staticmethod
    def _require_reader(actor: Actor) -> None:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")

    async def _unit_of(self, actor: Actor) -> int | None:
        if actor.person_id is None:
            return None
        member = await self.roster.member_by_person(actor.group_id, actor.person_id)
        return member.unit_id if member else None

    async def _may_enter(self, actor: Actor, project: EntryView | None) -> bool:
        """The secretariat, or the representative of the unit responsible for the project
        (cl. 4 г: the unit reports on what it is responsible for)."""
        if self.can_edit(actor):
            return True
        if project is None or project.unit_id is None:
            return False
        if not actor.can(Capability.SUBMIT_REPORT):
            return False
        return await self._unit_of(actor) == project.unit_id

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    # Checks of typed answers
    @staticmethod
    def check_number(typed: str) -> float:
        try:
            return parse_number(typed)
        except NumberError as bad:
            raise InvalidInput(f"kpi.{bad.problem.value}") from bad

    @staticmethod
    def check_name(typed: str) -> str:
        try:
            return KPI_NAME.clean(typed)
        except FieldError as bad:
            raise InvalidInput(bad.key, **bad.params) from None

    @staticmethod
    def check_measure(typed: str) -> str:
        try:
            return KPI_MEASURE.clean(typed)
        except FieldError as bad:
            raise InvalidInput(bad.key, **bad.params) from None

    @staticmethod
    def check_source(typed: str | None) -> str | None:
        try:
            return KPI_SOURCE.clean_optional(typed)
        except FieldError as bad:
            raise InvalidInput(bad.key, **bad.params) from None

    @staticmethod
    def check_target(baseline: float, target: float) -> float:
        try:
            return check_target(baseline, target)
        except KpiRuleError as bad:
            raise InvalidInput(f"kpi.{bad.problem.value}") from bad

    def _date(self, typed: str) -> date:
        try:
            return parse_local_date(typed, self.tz, self.clock.now())
        except DateInputError as bad:
            raise InvalidInput(f"kpi.date_{bad.code.value}") from bad

    def check_target_day(self, typed: str | date) -> date:
        day = self._date(typed) if isinstance(typed, str) else typed
        try:
            return check_target_day(day, today=self.today())
        except KpiRuleError as bad:
            raise InvalidInput(f"kpi.{bad.problem.value}") from bad

    def check_measured_on(self, typed: str | date) -> date:
        """Cl. 3 в: a value is measured on a day that has come; a future date is refused."""
        day = self._date(typed) if isinstance(typed, str) else typed
        try:
            return check_measured_on(day, today=self.today())
        except KpiRuleError as bad:
            raise InvalidInput(f"kpi.{bad.problem.value}") from bad

    # Reading
    async def _line(self, kpi: KpiView) -> KpiLine:
        latest = await self.repo.latest(kpi.id)
        return KpiLine(kpi, latest, status_of(kpi, latest))

    async def section(self, actor: Actor, entry_id: int | None) -> KpiSection | None:
        """The indicators of a priority project (or of the Plan with None) for its card;
        None for an entry that is not a project (it carries no indicators)."""
        self._require_reader(actor)
        async with read(self.session):
            if entry_id is not None:
                entry = await self.registers.entry(actor.group_id, entry_id)
                if not _project(entry):
                    return None
            lines = [
                await self._line(k) for k in await self.repo.of_entry(actor.group_id, entry_id)
            ]
        return KpiSection(entry_id, lines, self.can_edit(actor))

    async def _kpi(self, actor: Actor, kpi_id: int) -> KpiView:
        kpi = await self.repo.get(actor.group_id, kpi_id)
        if kpi is None or kpi.archived_at is not None:
            raise NotFound("errors.stale")
        return kpi

    async def _project_of(self, actor: Actor, kpi: KpiView) -> EntryView | None:
        if kpi.entry_id is None:
            return None
        return await self.registers.entry(actor.group_id, kpi.entry_id)

    async def card(self, actor: Actor, kpi_id: int) -> KpiCard:
        self._require_reader(actor)
        async with read(self.session):
            kpi = await self._kpi(actor, kpi_id)
            project = await self._project_of(actor, kpi)
            values = await self.repo.values(kpi.id, CARD_VALUES)
            return KpiCard(
                line=KpiLine(
                    kpi,
                    values[0] if values else None,
                    status_of(kpi, values[0] if values else None),
                ),
                values=values,
                project=project,
                may_edit=self.can_edit(actor),
                may_enter=await self._may_enter(actor, project),
            )

    # Keeping the indicators: the secretariat
    async def check_entry(self, actor: Actor, entry_id: int | None) -> str | None:
        """The project an indicator is added to (its title), or the Plan (None)."""
        self.require_editor(actor)
        if entry_id is None:
            return None
        async with read(self.session):
            entry = await self.registers.entry(actor.group_id, entry_id)
        if entry is None or not _project(entry):
            raise NotFound("errors.stale")
        return entry.title

    async def add(self, actor: Actor, draft: KpiDraft) -> int:
        """Cl. 3 в, 4 ж: the secretariat sets an indicator of a project or of the Plan.
        Everything the dialog collected is checked again."""
        self.require_editor(actor)
        name = self.check_name(draft.name)
        measure = self.check_measure(draft.measure)
        target = self.check_target(draft.baseline, draft.target)
        target_on = self.check_target_day(draft.target_on)
        now = self.clock.now()
        async with write(self.session):
            if draft.entry_id is not None:
                entry = await self.registers.entry(actor.group_id, draft.entry_id)
                if entry is None or not _project(entry):
                    raise NotFound("errors.stale")
            kpi_id = await self.repo.add(
                group_id=actor.group_id,
                entry_id=draft.entry_id,
                name=name,
                measure=measure,
                baseline=draft.baseline,
                target=target,
                start_on=self.today(),
                target_on=target_on,
                created_by=actor.person_id,
                created_at=now,
                updated_at=now,
            )
            await Auditor(self.session, actor, now)(
                "kpi_added",
                "kpi",
                kpi_id,
                entry=draft.entry_id,
                name=name,
                measure=measure,
                baseline=draft.baseline,
                target=target,
                target_on=target_on.isoformat(),
            )
        return kpi_id

    async def change_target(
        self, actor: Actor, kpi_id: int, target: float, target_on: date
    ) -> KpiView:
        """A new target value and date (a decision of the group changed them)."""
        self.require_editor(actor)
        target_on = self.check_target_day(target_on)
        now = self.clock.now()
        async with write(self.session):
            kpi = await self._kpi(actor, kpi_id)
            target = self.check_target(kpi.baseline, target)
            await self.repo.update(kpi.id, target=target, target_on=target_on, updated_at=now)
            await Auditor(self.session, actor, now)(
                "kpi_target_changed",
                "kpi",
                kpi.id,
                target_before=kpi.target,
                target=target,
                target_on_before=kpi.target_on.isoformat(),
                target_on=target_on.isoformat(),
            )
            return await self._kpi(actor, kpi.id)

    async def archive(self, actor: Actor, kpi_id: int) -> int | None:
        """The indicator leaves the card; its values stay. Returns the project's id."""
        self.require_editor(actor)
        now = self.clock.now()
        async with write(self.session):
            kpi = await self._kpi(actor, kpi_id)
            await self.repo.update(kpi.id, archived_at=now, updated_at=now)
            await Auditor(self.session, actor, now)("kpi_archived", "kpi", kpi.id, name=kpi.name)
        return kpi.entry_id

    # Measured values: the secretariat or the responsible unit's representative
    async def _named(self, actor: Actor, kpi_id: int, entry_id: int | None) -> KpiView:
        """The indicator a button names, of the project it names: a project that has no such
        indicator (a forged or outdated button) is refused with the reason."""
        kpi = await self.repo.get(actor.group_id, kpi_id)
        if kpi is None or kpi.archived_at is not None or kpi.entry_id != entry_id:
            raise InvalidInput("kpi.no_such_indicator")
        if not await self._may_enter(actor, await self._project_of(actor, kpi)):
            raise NotAllowed("kpi.not_allowed_value")
        return kpi

    async def begin_value(self, actor: Actor, kpi_id: int, entry_id: int | None) -> KpiView:
        async with read(self.session):
            return await self._named(actor, kpi_id, entry_id)

    async def add_value(
        self,
        actor: Actor,
        kpi_id: int,
        entry_id: int | None,
        value: float,
        measured_on: date,
        source: str | None,
        cycle_id: int | None = None,
    ) -> KpiLine:
        measured_on = self.check_measured_on(measured_on)
        source = self.check_source(source)
        now = self.clock.now()
        async with write(self.session):
            kpi = await self._named(actor, kpi_id, entry_id)
            value_id = await self.repo.add_value(
                kpi_id=kpi.id,
                value=value,
                measured_on=measured_on,
                source=source,
                cycle_id=cycle_id,
                entered_by=actor.person_id,
                entered_at=now,
            )
            line = await self._line(kpi)
            await Auditor(self.session, actor, now)(
                "kpi_value_added",
                "kpi",
                kpi.id,
                value_id=value_id,
                value=value,
                measured_on=measured_on.isoformat(),
                source=source,
                cycle=cycle_id,
                status=line.status.value,
            )
        return line

    async def asked_with_report(self, actor: Actor) -> list[tuple[KpiView, str]]:
        """Cl. 4 г, ж: the indicators of the projects the representative's unit is
        responsible for, with the project's title, asked for after the quarterly report."""
        if not actor.can(Capability.SUBMIT_REPORT):
            return []
        async with read(self.session):
            unit = await self._unit_of(actor)
            if unit is None:
                return []
            projects = {
                e.id: e
                for e in await self.registers.entries(actor.group_id, Register.PROJECTS.value)
                # A cancelled project is no longer measured.
                if _project(e) and e.unit_id == unit and e.status != Status.CANCELLED.value
            }
            kpis = await self.repo.of_entries(actor.group_id, list(projects))
        return [(k, projects[k.entry_id].title) for k in kpis if k.entry_id in projects]

    async def summary(self, group_id: int) -> list[SummaryKpi]:
        """Every indicator in force with its status, for the quarterly summary (cl. 4 г, ж);
        inside the caller's transaction."""
        found: list[SummaryKpi] = []
        for kpi in await self.repo.in_force(group_id):
            project = None
            if kpi.entry_id is not None:
                entry = await self.registers.entry(group_id, kpi.entry_id)
                project = entry.title if entry else None
            found.append(SummaryKpi(project, await self._line(kpi)))
        return found
