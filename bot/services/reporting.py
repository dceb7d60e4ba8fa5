"""Quarterly reporting (cl. 4 г): each structural unit submits consolidated information on
how client-centricity is being implemented; the bot keeps the cycle.

A cycle's life is a chain of due tasks, so nothing depends on a process staying up:
- `report_cycle_open` (planned for the current and the previous quarter) opens the cycle with
  its first reminder, 14 days before the deadline day, and plans the rest;
- `report_reminder` reminds the representatives of every unit that has not submitted, and
  from the first overdue reminder on also tells the secretariat which units are late;
- `report_cycle_close` closes the cycle, sends the summary (a message and a DOCX) to the
  secretariat and the chair, and offers the review for the next meeting's agenda.
After downtime a reminder overtaken by a later one is skipped (the later one carries the
current facts), and each message has a key made of its due task and recipient.

This module plans the cycles and serves the people using them; bot.services.report_cycles
handles the due tasks.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any

from bot.domain import fields
from bot.domain.fields import FieldError, TextProblem
from bot.domain.quarters import (
    EditVerdict,
    Standing,
    cycle_for,
    is_late,
    may_submit,
    opens_at,
    previous_quarter,
    quarter_of,
    standing,
)
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.indicators import IndicatorService, SummaryKpi
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.due import DueRepository
from storage.repositories.reporting import (
    CycleView,
    ReportingRepository,
    SubmissionView,
    UnitRow,
)
from storage.repositories.roster import RosterRepository

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True, slots=True)
class UnitStatus:
    """One unit's place in a cycle, for cards, messages and the summary."""

    unit_id: int
    name: str
    standing: Standing
    submission: SubmissionView | None
    submitted_by: str | None
    has_representative: bool


@dataclass(frozen=True, slots=True)
class CycleState:
    cycle: CycleView
    units: list[UnitStatus]
    # Effectiveness indicators in force, for the summary (cl. 3 в, 4 ж).
    indicators: tuple[SummaryKpi, ...] = ()

    def count(self, which: Standing) -> int:
        return sum(1 for u in self.units if u.standing is which)


@dataclass(frozen=True, slots=True)
class UnitReport:
    """One unit's submission as its card shows it; `may_view_all` (the secretariat and the
    chair) offers the way back to the cycle."""

    cycle: CycleView
    unit: UnitStatus
    may_view_all: bool


def check_text(text: str) -> str:
    """A typed report as `fields.REPORT_TEXT` takes it (a longer one goes as a file)."""
    try:
        return fields.REPORT_TEXT.clean(text)
    except FieldError as bad:
        if bad.problem is TextProblem.EMPTY:
            raise InvalidInput("reports.empty") from None
        raise InvalidInput("reports.too_long", **bad.params) from None


def obliged(unit: UnitRow, cycle: CycleView) -> bool:
    """Units that existed before the deadline and were not archived when the cycle opened
    (an archived unit's earlier submission is still shown, see `cycle_state`)."""
    if unit.created_at >= cycle.deadline:
        return False
    return unit.archived_at is None or unit.archived_at > cycle.opened_at


@dataclass(eq=False)
class ReportingService(ZonedService):
    _: KW_ONLY
    deadline_days: int = 10
    body_name: str = ""
    group_name: str = ""

    def __post_init__(self) -> None:
        self.repo = ReportingRepository(self.session)
        self.roster = RosterRepository(self.session)

    # --- planning ------------------------------------------------------------------------

    async def plan(self, group_id: int) -> None:
        """The current and the previous quarter's cycles as due tasks; twice adds nothing.
        The deadline setting is taken now and kept in the task, so a later change of the
        setting does not move a cycle already announced."""
        now = self.clock.now()
        year, quarter = quarter_of(now, self.tz)
        tasks = []
        for y, q in (previous_quarter(year, quarter), (year, quarter)):
            cycle = cycle_for(y, q, self.tz, days_after=self.deadline_days)
            # A bot started after a deadline does not open that cycle: nobody was told of it.
            # A cycle planned before (the bot was merely down) is still opened by its task.
            if now >= cycle.deadline:
                continue
            tasks.append(
                {
                    "key": f"report-open:{group_id}:{y}-Q{q}",
                    "kind": "report_cycle_open",
                    "group_id": group_id,
                    "due_at": opens_at(cycle, self.tz),
                    "payload": {"year": y, "quarter": q, "days_after": self.deadline_days},
                    "status": "pending",
                }
            )
        async with write(self.session):
            await DueRepository(self.session).add(tasks)

    # --- reading -------------------------------------------------------------------------

    async def cycle_state(self, cycle: CycleView) -> CycleState:
        submissions = await self.repo.submissions(cycle.id)
        roster = await self.roster.members(cycle.group_id)
        reps = representatives(roster)
        members = {m.person.id: m for m in roster}
        units = []
        for unit in await self.repo.units(cycle.group_id):
            submission = submissions.get(unit.id)
            if submission is None and not obliged(unit, cycle):
                continue
            by = members.get(submission.submitted_by) if submission else None
            units.append(
                UnitStatus(
                    unit.id,
                    unit.name,
                    # The first submission's time counts; edits before the deadline keep it.
                    standing(submission.submitted_at if submission else None, cycle.cycle),
                    submission,
                    by.display_name if by else None,
                    bool(reps.get(unit.id)),
                )
            )
        indicators = IndicatorService(self.session, self.clock, self.tz)
        return CycleState(cycle, units, tuple(await indicators.summary(cycle.group_id)))

    async def _cycle(self, group_id: int, cycle_id: int) -> CycleView:
        cycle = await self.repo.get(cycle_id)
        if cycle is None or cycle.group_id != group_id:
            raise NotFound("errors.stale")
        return cycle

    async def unit_of(self, actor: Actor) -> int | None:
        if actor.person_id is None:
            return None
        member = await self.roster.member_by_person(actor.group_id, actor.person_id)
        return member.unit_id if member else None

    async def overview(self, actor: Actor, cycle_id: int | None = None) -> CycleState | None:
        """The secretariat's and the chair's view: a cycle (the latest by default) and
        where every unit stands."""
        if not actor.can(Capability.VIEW_REPORTS):
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            if cycle_id is None:
                cycles = await self.repo.cycles(actor.group_id, limit=1)
                if not cycles:
                    return None
                cycle = cycles[0]
            else:
                cycle = await self._cycle(actor.group_id, cycle_id)
            return await self.cycle_state(cycle)

    async def cycles(self, actor: Actor) -> list[CycleView]:
        if not actor.can(Capability.VIEW_REPORTS):
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            return await self.repo.cycles(actor.group_id)

    async def obligations(
        self, actor: Actor
    ) -> tuple[int, str | None, list[tuple[CycleView, SubmissionView | None]]]:
        """A representative's view: their unit (id and name) and, per cycle (newest first),
        what it has submitted (None when nothing yet)."""
        if not actor.can(Capability.SUBMIT_REPORT):
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            unit_id = await self.unit_of(actor)
            if unit_id is None:
                raise NotAllowed("reports.no_unit")
            rows: list[tuple[CycleView, SubmissionView | None]] = []
            for cycle in await self.repo.cycles(actor.group_id, limit=4):
                rows.append((cycle, await self.repo.submission(cycle.id, unit_id)))
            return unit_id, actor.unit_name, rows

    async def unit_report(self, actor: Actor, cycle_id: int, unit_id: int) -> UnitReport:
        """One unit's submission: for the secretariat and the chair, or its own unit."""
        async with read(self.session):
            may_view_all = actor.can(Capability.VIEW_REPORTS)
            if not may_view_all and await self.unit_of(actor) != unit_id:
                raise NotAllowed("reports.own_unit_only")
            cycle = await self._cycle(actor.group_id, cycle_id)
            state = await self.cycle_state(cycle)
        for unit in state.units:
            if unit.unit_id == unit_id:
                return UnitReport(cycle, unit, may_view_all)
        raise NotFound("errors.stale")

    async def summary_docx(self, actor: Actor, cycle_id: int) -> tuple[str, bytes]:
        """The summary as it stands now (final once the cycle has closed)."""
        state = await self.overview(actor, cycle_id)
        assert state is not None
        from bot.documents.report_docx import summary_filename

        return summary_filename(state.cycle.year, state.cycle.quarter), self.docx(state)

    def docx(self, state: CycleState) -> bytes:
        # python-docx is loaded for the first document, not by an idle bot (issue #15 item 9).
        from bot.documents.report_docx import (
            SummaryContent,
            SummaryLine,
            render_summary,
        )

        now = self.clock.now()
        return render_summary(
            SummaryContent(
                body_name=self.body_name,
                group_name=self.group_name,
                year=state.cycle.year,
                quarter=state.cycle.quarter,
                deadline_day=state.cycle.deadline_day,
                made_on=(state.cycle.closed_at or now).astimezone(self.tz).date(),
                lines=[
                    SummaryLine(
                        unit.name,
                        unit.standing,
                        unit.submission.submitted_at.astimezone(self.tz)
                        if unit.submission
                        else None,
                        unit.submitted_by,
                        unit.submission.text if unit.submission else None,
                        (unit.submission.document or {}).get("file_name")
                        if unit.submission
                        else None,
                    )
                    for unit in state.units
                ],
                indicators=[k.printed() for k in state.indicators],
            )
        )

    # --- submitting ----------------------------------------------------------------------

    async def check_may_submit(self, actor: Actor, cycle_id: int, unit_id: int) -> CycleView:
        """Before the dialog starts, so that a representative is not asked for a text the
        bot would then refuse."""
        async with read(self.session):
            return await self._check(actor, cycle_id, unit_id)

    async def _check(self, actor: Actor, cycle_id: int, unit_id: int) -> CycleView:
        if not actor.can(Capability.SUBMIT_REPORT):
            raise NotAllowed("errors.not_allowed")
        if await self.unit_of(actor) != unit_id:
            raise NotAllowed("reports.own_unit_only")
        cycle = await self._cycle(actor.group_id, cycle_id)
        existing = await self.repo.submission(cycle_id, unit_id)
        verdict = may_submit(
            cycle.cycle,
            closed=cycle.status == "closed",
            already_submitted=existing is not None,
            now=self.clock.now(),
        )
        if verdict is EditVerdict.CLOSED:
            raise InvalidInput("reports.cycle_closed")
        if verdict is EditVerdict.LOCKED:
            raise InvalidInput("reports.locked")
        return cycle

    async def submit(
        self,
        actor: Actor,
        cycle_id: int,
        unit_id: int,
        text: str | None,
        document: dict[str, Any] | None,
    ) -> SubmissionView:
        text = (text or "").strip() or None
        if text is None and document is None:
            raise InvalidInput("reports.empty")
        if text is not None:
            check_text(text)
        now = self.clock.now()
        async with write(self.session):
            cycle = await self._check(actor, cycle_id, unit_id)
            existing = await self.repo.submission(cycle_id, unit_id)
            assert actor.person_id is not None
            late = existing.late if existing else is_late(now, cycle.cycle)
            await self.repo.save_submission(
                cycle_id,
                unit_id,
                text=text,
                document=document,
                person_id=actor.person_id,
                now=now,
                late=late,
            )
            await Auditor(self.session, actor, now)(
                "report_updated" if existing else "report_submitted",
                "report_cycle",
                cycle_id,
                unit=unit_id,
                late=late,
                file=(document or {}).get("file_name"),
            )
            saved = await self.repo.submission(cycle_id, unit_id)
        assert saved is not None
        return saved


def representatives(members: list[MemberView]) -> dict[int, list[int]]:
    """Person ids of each unit's current representatives, main role or extra (cl. 7)."""
    found: dict[int, list[int]] = {}
    for member in members:
        if member.can(Capability.SUBMIT_REPORT) and member.unit_id is not None:
            found.setdefault(member.unit_id, []).append(member.person.id)
    return found
