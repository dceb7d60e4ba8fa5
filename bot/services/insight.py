"""The dashboard and the annual report (issue #18 items 5, 6): one function per series,
each returning plain dataclasses, so that the charts, the DOCX and (issue #19) the Mini App's
JSON read the same figures. The monthly rule is the compliance service's (cl. 12), the
quarterly standing the reporting service's (cl. 4 г), an indicator's status the indicators'
(cl. 3 в); nothing is recounted differently here.

The series of the dashboard cover the last twelve months in the group's zone (the current
month included); those of the annual report a calendar year.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain import insight as rules
from bot.domain.insight import ANNUAL_INTRO, TaskOutcome, YearError
from bot.domain.meetings import last_months, month_bounds, month_of
from bot.domain.periods import year_period
from bot.domain.quarters import Standing
from bot.domain.registers import Register, Status, effective_status
from bot.domain.roles import Capability, holds_member_role
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.compliance import ComplianceService, MonthRow
from bot.services.errors import InvalidInput, RoleRefusal, checked
from bot.services.indicators import IndicatorService, SummaryKpi
from bot.services.registers import is_project
from bot.services.reporting import ReportingService
from bot.services.roster import Auditor
from storage.db import read, write
from storage.repositories.insight import InsightRepository, IntroView, TaskRow
from storage.repositories.registers import RegisterRepository
from storage.repositories.reporting import ReportingRepository


@dataclass(frozen=True, slots=True)
class Window:
    """The months a series covers, first and last as (year, month), and its UTC bounds."""

    first: tuple[int, int]
    last: tuple[int, int]
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class MemberAttendance:
    """A member's meetings held while they were in the composition, and how they attended."""

    person_id: int
    name: str
    held: int
    in_person: int
    remote: int

    @property
    def absent(self) -> int:
        return self.held - self.in_person - self.remote


@dataclass(frozen=True, slots=True)
class UnitPunctuality:
    """A unit's quarterly reports over the cycles whose deadline has come (cl. 4 г)."""

    unit_id: int
    name: str
    on_time: int
    late: int
    missing: int


@dataclass(frozen=True, slots=True)
class TaskCounts:
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    open: int = 0
    cancelled: int = 0

    def of(self, outcome: TaskOutcome) -> int:
        return int(getattr(self, outcome.value))

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.overdue + self.open + self.cancelled


@dataclass(frozen=True, slots=True)
class TaskLine:
    task: TaskRow
    outcome: TaskOutcome


@dataclass(frozen=True, slots=True)
class RegisterProgress:
    """A register's entries by the status readers see (overdue derived from the date)."""

    register: Register
    counts: dict[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class Dashboard:
    window: Window
    compliance: list[MonthRow]
    attendance: list[MemberAttendance]
    punctuality: list[UnitPunctuality]
    cycles: int
    tasks: TaskCounts
    indicators: list[SummaryKpi]


@dataclass(frozen=True, slots=True)
class AnnualReport:
    year: int
    made_at: datetime
    intro: str | None
    months: list[MonthRow]
    meetings_held: int
    protocols_signed: int
    attendance: list[MemberAttendance]
    tasks: TaskCounts
    task_lines: list[TaskLine]
    punctuality: list[UnitPunctuality]
    cycles: int
    registers: list[RegisterProgress]
    indicators: list[SummaryKpi] = field(default_factory=list)


# The registers whose progress the annual report gives, in its order (cl. 4 а, б).
PROGRESS_REGISTERS: tuple[Register, ...] = (Register.EVENTS, Register.MEASURES, Register.PROJECTS)
STATUS_ORDER: tuple[Status, ...] = (
    Status.PLANNED,
    Status.IN_PROGRESS,
    Status.OVERDUE,
    Status.DONE,
    Status.CANCELLED,
)


@dataclass(eq=False)
class InsightService(ZonedService):
    _: KW_ONLY
    body_name: str = ""
    group_name: str = ""

    def __post_init__(self) -> None:
        self.repo = InsightRepository(self.session)
        self.compliance = ComplianceService(self.session, self.clock, self.tz)

    # --- who may ---------------------------------------------------------------------------

    @staticmethod
    def require_viewer(actor: Actor) -> None:
        if not actor.can(Capability.VIEW_DASHBOARD):
            raise RoleRefusal(Capability.VIEW_DASHBOARD)

    @staticmethod
    def may_edit_intro(actor: Actor) -> bool:
        return actor.can(Capability.KEEP_RECORD)

    def require_intro_editor(self, actor: Actor) -> None:
        if not self.may_edit_intro(actor):
            raise RoleRefusal(Capability.KEEP_RECORD)

    # --- windows ---------------------------------------------------------------------------

    def last_twelve_months(self) -> Window:
        now = self.clock.now()
        months = last_months(now, self.tz)
        first, last = months[-1], months[0]
        return Window(
            first, last, month_bounds(*first, self.tz)[0], month_bounds(*last, self.tz)[1]
        )

    def year_window(self, year: int) -> Window:
        start, end = year_period(year).bounds(self.tz)
        return Window((year, 1), (year, 12), start, end)

    def this_year(self) -> int:
        return month_of(self.clock.now(), self.tz)[0]

    def check_year(self, typed: str) -> int:
        try:
            return rules.parse_report_year(typed, this_year=self.this_year())
        except YearError as bad:
            raise InvalidInput(f"insight.annual.year_{bad.problem.value}") from None

    # --- the series (inside the caller's transaction) --------------------------------------

    async def compliance_series(self, group_id: int, window: Window) -> list[MonthRow]:
        """Cl. 12: meetings held and the verdict of each month of the window, oldest first."""
        (y, m), (ly, lm) = window.first, window.last
        months = [(i // 12, i % 12 + 1) for i in range(y * 12 + m - 1, ly * 12 + lm)]
        return await self.compliance.verdicts(group_id, months)

    async def attendance_series(self, group_id: int, window: Window) -> list[MemberAttendance]:
        """Each member's meetings held in the window while they were in the composition, and
        how they attended them; members with no such meeting are left out."""
        meetings = await self.repo.held_meetings(group_id, window.start, window.end)
        marks = await self.repo.attendance([m.id for m in meetings])
        # Members of the composition (cl. 9, 14), chair and deputy included; the
        # secretariat's staff and unit representatives who are not members are not expected.
        seats = [s for s in await self.repo.seats(group_id) if holds_member_role(s.roles)]
        names: dict[int, str] = {}
        for seat in seats:
            names.setdefault(seat.person_id, seat.name)
        counts: dict[int, list[int]] = {}
        for meeting in meetings:
            present = {
                seat.person_id
                for seat in seats
                if rules.in_composition(seat.started_at, seat.ended_at, meeting.starts_at)
            }
            for person in present:
                row = counts.setdefault(person, [0, 0, 0])
                row[0] += 1
                mode = marks.get((meeting.id, person))
                if mode == "remote":
                    row[2] += 1
                elif mode is not None:
                    row[1] += 1
        lines = [
            MemberAttendance(person, names[person], held, in_person, remote)
            for person, (held, in_person, remote) in counts.items()
        ]
        return sorted(lines, key=lambda x: (x.name.casefold(), x.person_id))

    async def punctuality_series(
        self, group_id: int, window: Window
    ) -> tuple[list[UnitPunctuality], int]:
        """Cl. 4 г: each unit's reports on time, late and missing over the cycles whose
        deadline fell in the window and has passed; and how many cycles those are."""
        now = self.clock.now()
        reporting = ReportingService(self.session, self.clock, self.tz)
        cycles = [
            c
            for c in await ReportingRepository(self.session).cycles(group_id, limit=400)
            if window.start <= c.deadline < window.end and c.deadline <= now
        ]
        counts: dict[int, list[int]] = {}
        names: dict[int, str] = {}
        index = {Standing.ON_TIME: 0, Standing.LATE: 1, Standing.MISSING: 2}
        for cycle in cycles:
            state = await reporting.cycle_state(cycle)
            for unit in state.units:
                names[unit.unit_id] = unit.name
                counts.setdefault(unit.unit_id, [0, 0, 0])[index[unit.standing]] += 1
        lines = [UnitPunctuality(u, names[u], *counts[u]) for u in counts]
        return sorted(lines, key=lambda x: (x.name.casefold(), x.unit_id)), len(cycles)

    async def task_lines(self, group_id: int, window: Window) -> list[TaskLine]:
        """Cl. 4 д–е: the tasks decided in the window and where each stands now."""
        now = self.clock.now()
        return [
            TaskLine(
                task, rules.task_outcome(task.status, task.deadline, task.done_at, now, self.tz)
            )
            for task in await self.repo.tasks(group_id)
            if window.start <= task.created_at < window.end
        ]

    async def task_series(self, group_id: int, window: Window) -> TaskCounts:
        lines = await self.task_lines(group_id, window)
        return count_tasks(lines)

    async def indicator_series(self, group_id: int) -> list[SummaryKpi]:
        """Cl. 3 в, 4 ж: every indicator in force, its latest value and status."""
        return await IndicatorService(self.session, self.clock, self.tz).summary(group_id)

    async def register_series(self, group_id: int) -> list[RegisterProgress]:
        """Cl. 4 а, б: the Plan, the priority measures and the projects (milestones apart)
        by status, as readers see them today."""
        today = self.clock.now().astimezone(self.tz).date()
        registers = RegisterRepository(self.session)
        found = []
        for register in PROGRESS_REGISTERS:
            entries = await registers.entries(group_id, register.value)
            if register is Register.PROJECTS:
                entries = [e for e in entries if is_project(e)]
            counts = dict.fromkeys(STATUS_ORDER, 0)
            for entry in entries:
                counts[effective_status(entry.status, entry.due, today)] += 1
            found.append(RegisterProgress(register, counts))
        return found

    # --- what the handlers ask for -----------------------------------------------------

    async def dashboard(self, actor: Actor) -> Dashboard:
        self.require_viewer(actor)
        window = self.last_twelve_months()
        group = actor.group_id
        async with read(self.session):
            punctuality, cycles = await self.punctuality_series(group, window)
            return Dashboard(
                window,
                await self.compliance_series(group, window),
                await self.attendance_series(group, window),
                punctuality,
                cycles,
                await self.task_series(group, window),
                await self.indicator_series(group),
            )

    async def annual(self, actor: Actor, year: int) -> AnnualReport:
        self.require_viewer(actor)
        if year > self.this_year():
            raise InvalidInput("insight.annual.year_future")
        window = self.year_window(year)
        group = actor.group_id
        async with read(self.session):
            months = await self.compliance_series(group, window)
            punctuality, cycles = await self.punctuality_series(group, window)
            lines = await self.task_lines(group, window)
            intro = await self.repo.intro(group, year)
            return AnnualReport(
                year=year,
                made_at=self.clock.now(),
                intro=intro.text if intro else None,
                months=months,
                meetings_held=len(await self.repo.held_meetings(group, window.start, window.end)),
                protocols_signed=await self.repo.signed_protocols(group, window.start, window.end),
                attendance=await self.attendance_series(group, window),
                tasks=count_tasks(lines),
                task_lines=lines,
                punctuality=punctuality,
                cycles=cycles,
                registers=await self.register_series(group),
                indicators=await self.indicator_series(group),
            )

    async def intro(self, actor: Actor, year: int) -> IntroView | None:
        self.require_viewer(actor)
        async with read(self.session):
            return await self.repo.intro(actor.group_id, year)

    @staticmethod
    def check_intro(text: str) -> str:
        return checked(ANNUAL_INTRO, text)

    async def save_intro(self, actor: Actor, year: int, text: str) -> None:
        """The secretariat's introduction to the year's report, replacing the earlier one;
        audited with its length (the text itself is in the table)."""
        self.require_intro_editor(actor)
        if year > self.this_year():
            raise InvalidInput("insight.annual.year_future")
        cleaned = self.check_intro(text)
        now = self.clock.now()
        async with write(self.session):
            before = await self.repo.intro(actor.group_id, year)
            await self.repo.save_intro(actor.group_id, year, cleaned, actor.person_id, now)
            audit = Auditor(self.session, actor, now)
            await audit(
                "annual_intro_saved",
                "annual_intro",
                year,
                year=year,
                length=len(cleaned),
                replaced=before is not None,
            )

    async def annual_docx(self, actor: Actor, year: int) -> tuple[str, bytes]:
        """The year's report as a DOCX: its file name and bytes."""
        report = await self.annual(actor, year)
        return annual_document(report, self.body_name, self.group_name, self.clock.now(), self.tz)


def annual_document(
    report: AnnualReport, body_name: str, group_name: str, now: datetime, tz: ZoneInfo
) -> tuple[str, bytes]:
    # python-docx is loaded for the first document, not by an idle bot (issue #15 item 9).
    from bot.documents.annual_docx import (
        AnnualContent,
        AttendanceLine,
        MonthLine,
        PunctualityLine,
        RegisterLine,
        TaskEntry,
        annual_filename,
        render_annual,
    )

    current = month_of(now, tz)
    content = AnnualContent(
        body_name=body_name,
        group_name=group_name,
        year=report.year,
        made_on=now.astimezone(tz).date(),
        intro=report.intro,
        months=[
            MonthLine(m.year, m.month, m.held, m.verdict, ahead=(m.year, m.month) > current)
            for m in report.months
        ],
        meetings_held=report.meetings_held,
        protocols_signed=report.protocols_signed,
        attendance=[
            AttendanceLine(x.name, x.held, x.in_person, x.remote, x.absent)
            for x in report.attendance
        ],
        task_counts={o: report.tasks.of(o) for o in TaskOutcome},
        tasks=[
            TaskEntry(
                x.task.protocol_number,
                x.task.item_number,
                x.task.text,
                x.task.owner,
                x.task.deadline,
                x.outcome,
            )
            for x in report.task_lines
        ],
        cycles=report.cycles,
        punctuality=[
            PunctualityLine(x.name, x.on_time, x.late, x.missing) for x in report.punctuality
        ],
        registers=[RegisterLine(x.register, x.counts) for x in report.registers],
        indicators=[k.printed() for k in report.indicators],
    )
    return annual_filename(report.year), render_annual(content)


def count_tasks(lines: list[TaskLine]) -> TaskCounts:
    tally = dict.fromkeys(TaskOutcome, 0)
    for line in lines:
        tally[line.outcome] += 1
    return TaskCounts(**{outcome.value: n for outcome, n in tally.items()})
