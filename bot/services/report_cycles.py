"""The scheduled side of quarterly reporting (cl. 4 г): the due tasks that open a cycle,
remind the units that have not submitted (and from the first overdue reminder on tell the
secretariat which are late), and close the cycle with its summary. Each runs inside
DueService's transaction, on its session; each message is keyed by its due task and
recipient."""

from __future__ import annotations

from bot.domain.quarters import Stage, Standing, cycle_for, reminder_schedule, superseded
from bot.domain.roles import Capability
from bot.services.due import DueHandler, DueService
from bot.services.notifier import Delivery, Notice, Notifier
from bot.services.offers import offer
from bot.services.outbox import Envelope
from bot.services.reporting import DOCX_MIME, CycleState, ReportingService, representatives
from bot.services.roster import Auditor
from storage.repositories.due import DueRepository, DueView
from storage.repositories.files import FileRepository
from storage.repositories.reporting import CycleView

Outcome = tuple[str, str | None]
REMINDER = Delivery(kind="reminder")


class ReportCycles:
    """Handlers of the reporting kinds of due rows."""

    def __init__(self, reporting: ReportingService, notifier: Notifier) -> None:
        self.reporting = reporting
        self.notifier = notifier
        self.repo = reporting.repo
        self.roster = reporting.roster

    def handlers(self) -> dict[str, DueHandler]:
        return {
            "report_cycle_open": self.open,
            "report_reminder": self.remind,
            "report_cycle_close": self.close,
        }

    async def _running(self, task: DueView) -> CycleView | None:
        """The task's cycle while it is open; None once it has closed (or is gone)."""
        cycle = await self.repo.get(int(task.payload["cycle"]))
        return cycle if cycle is not None and cycle.status == "open" else None

    async def open(self, due: DueService, task: DueView) -> Outcome:
        now = due.clock.now()
        year, quarter = int(task.payload["year"]), int(task.payload["quarter"])
        days_after = int(task.payload.get("days_after", 10))
        plan = cycle_for(year, quarter, due.tz, days_after=days_after)
        if now >= plan.closes_at:
            return "skipped", "the cycle's time has passed"
        cycle = await self.repo.open_cycle(task.group_id, plan, now)
        if cycle is None:
            return "skipped", "the cycle is open already"
        # The rest of the chain; reminders whose time has passed are not sent after the
        # opening notice, which already gives the deadline.
        later = [
            {
                "key": f"report-remind:{cycle.id}:{stage.value}:{days}",
                "kind": "report_reminder",
                "group_id": task.group_id,
                "due_at": when,
                "payload": {"cycle": cycle.id, "stage": stage.value, "days": days},
                "status": "pending",
            }
            for stage, days, when in reminder_schedule(plan, due.tz)[1:]
            if when > now
        ]
        later.append(
            {
                "key": f"report-close:{cycle.id}",
                "kind": "report_cycle_close",
                "group_id": task.group_id,
                "due_at": cycle.closes_at,
                "payload": {"cycle": cycle.id},
                "status": "pending",
            }
        )
        await DueRepository(due.session).add(later)
        state = await self.reporting.cycle_state(cycle)
        names = {u.unit_id: u.name for u in state.units}
        members = await self.roster.members(task.group_id)
        reps = representatives(members)
        for_secretariat = Notice(
            "reports.opened_for_secretariat",
            cycle=cycle,
            units=[u.name for u in state.units],
            without=[u.name for u in state.units if not reps.get(u.unit_id)],
        )
        envelopes: list[Envelope] = []
        for member in members:
            # A member may hold both roles (cl. 7): each role gets its own notice.
            if member.can(Capability.SUBMIT_REPORT) and member.unit_id in names:
                notice = Notice(
                    "reports.opened",
                    cycle=cycle,
                    unit=names[member.unit_id],
                    unit_id=member.unit_id,
                    now=now,
                )
                envelopes += self.notifier.to_person(
                    member.person, notice, key=f"report-opened:{task.id}", delivery=REMINDER
                )
            if member.can(Capability.KEEP_RECORD):
                envelopes += self.notifier.to_person(
                    member.person, for_secretariat, key=f"report-opened-secretariat:{task.id}"
                )
        await self.notifier.send(envelopes)
        await Auditor(due.session, None, now)(
            "report_cycle_opened", "report_cycle", cycle.id, year=year, quarter=quarter
        )
        return "done", None

    async def remind(self, due: DueService, task: DueView) -> Outcome:
        now = due.clock.now()
        cycle = await self._running(task)
        if cycle is None:
            return "skipped", "the cycle is closed"
        if superseded(cycle.cycle, due.tz, task.due_at, now):
            return "skipped", "a later reminder was due by the time this one ran"
        stage, days = Stage(task.payload["stage"]), int(task.payload["days"])
        state = await self.reporting.cycle_state(cycle)
        waiting = {u.unit_id: u for u in state.units if u.standing is Standing.MISSING}
        if not waiting:
            return "done", "every unit has submitted"
        escalation = Notice("reports.escalation", state=state, days=days)
        envelopes: list[Envelope] = []
        for member in await self.roster.members(task.group_id):
            if member.can(Capability.SUBMIT_REPORT) and member.unit_id in waiting:
                notice = Notice(
                    "reports.reminder",
                    cycle=cycle,
                    unit=waiting[member.unit_id].name,
                    unit_id=member.unit_id,
                    stage=stage,
                    days=days,
                )
                envelopes += self.notifier.to_person(
                    member.person, notice, key=f"report-reminder:{task.id}", delivery=REMINDER
                )
            if stage is Stage.OVERDUE and member.can(Capability.KEEP_RECORD):
                envelopes += self.notifier.to_person(
                    member.person, escalation, key=f"report-escalation:{task.id}"
                )
        await self.notifier.send(envelopes)
        if stage is Stage.OVERDUE:
            await Auditor(due.session, None, now)(
                "report_overdue_escalated",
                "report_cycle",
                cycle.id,
                units=sorted(waiting),
                days=days,
            )
        return "done", None

    async def close(self, due: DueService, task: DueView) -> Outcome:
        now = due.clock.now()
        cycle = await self._running(task)
        if cycle is None:
            return "skipped", "the cycle is closed already"
        state = await self.reporting.cycle_state(cycle)
        from bot.documents.report_docx import summary_filename

        name = summary_filename(cycle.year, cycle.quarter)
        stored = await FileRepository(due.session).add(
            file_name=name, mime_type=DOCX_MIME, content=self.reporting.docx(state), now=now
        )
        await self.repo.close(cycle.id, now, stored)
        closed = await self.repo.get(cycle.id)
        assert closed is not None
        state = CycleState(closed, state.units)
        # The review is offered in the group's language: it becomes an agenda item's text.
        title = self.notifier.text(Notice("reports.review_title", cycle=closed))
        about = self.notifier.text(Notice("reports.review_description", state=state))
        meeting = await offer(
            due.session, task.group_id, f"quarterly-review:{cycle.id}", title, about, now
        )
        summary = Notice("reports.summary", state=state)
        document = Notice("reports.summary_caption", cycle=closed)
        attached = Delivery(document={"stored_file_id": stored, "file_name": name})
        envelopes: list[Envelope] = []
        for member in await self.roster.members(task.group_id):
            if member.can(Capability.VIEW_REPORTS):
                # The message and then its document, one after the other for each reader.
                envelopes += self.notifier.to_person(
                    member.person, summary, key=f"report-summary:{task.id}"
                )
                envelopes += self.notifier.to_person(
                    member.person,
                    document,
                    key=f"report-summary-docx:{task.id}",
                    delivery=attached,
                )
        await self.notifier.send(envelopes)
        await Auditor(due.session, None, now)(
            "report_cycle_closed",
            "report_cycle",
            cycle.id,
            on_time=state.count(Standing.ON_TIME),
            late=state.count(Standing.LATE),
            missing=state.count(Standing.MISSING),
            review_meeting=meeting,
        )
        return "done", None
