"""Tasks decided again (cl. 4 д–е, 14): a task's deadline is extended, or the task cancelled,
only by a decision (an item of a signed protocol) or by the chair with a written reason; the
secretariat accepts or returns an owner's completion report, and a returned report reopens
the task. Every change is a `task_change` row, audited, and the owner is told.

The dialogs only collect answers: everything is checked again when the change is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.dates import DateInputError, parse_local_date
from bot.domain.roles import Capability
from bot.domain.task_changes import (
    ChangeKind,
    ChangeProblem,
    ChangeRuleError,
    basis_problem,
    clean_comment,
    clean_reason,
    extension_problem,
    may_change,
    may_review,
    open_problem,
    review_problem,
)
from bot.domain.tasks import DEFAULT_REMINDER_DAYS, escalation_at, reminder_times
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.decisions import DecisionBook, DecisionError, DecisionProblem
from bot.services.errors import InvalidInput, NotAllowed, NotFound, RoleRefusal, ServiceError
from bot.services.notifier import Notice, Notifier
from bot.services.roster import Auditor
from bot.services.task_directory import Directory, TaskInfo
from bot.services.task_due import due_row
from bot.services.tasks import TaskCard, build_card
from storage.db import read, write
from storage.repositories.due import DueRepository
from storage.repositories.task_changes import TaskChangeRepository
from storage.repositories.tasks import TaskRepository, TaskView

# Refusals that are about who the actor is, not about what they typed.
_ROLE_PROBLEMS = {
    ChangeProblem.NOT_ALLOWED: Capability.CHANGE_TASKS,
    ChangeProblem.NOT_REVIEWER: Capability.KEEP_RECORD,
}


def refusal(problem: ChangeProblem, **params: Any) -> ServiceError:
    """A rule's verdict as the service raises it, with its message key."""
    if problem in _ROLE_PROBLEMS:
        return RoleRefusal(_ROLE_PROBLEMS[problem])
    if problem is ChangeProblem.DECISION_REQUIRED:
        return NotAllowed("task_changes.decision_required")
    return InvalidInput(f"task_changes.{problem.value}", **params)


@dataclass(frozen=True, slots=True)
class DecisionRef:
    """A decided item of a signed protocol: «протокол № 1/2026, вопрос 2», with its text."""

    protocol_id: int
    protocol_number: str
    item_number: int
    text: str = ""


@dataclass(frozen=True, slots=True)
class ChangeSummary:
    """What the confirmation shows before a change is written."""

    info: TaskInfo
    kind: ChangeKind
    new_deadline: date | None
    decision: DecisionRef | None
    reason: str | None


@dataclass(eq=False)
class TaskChangeService(ZonedService):
    _: KW_ONLY
    notifier: Notifier
    reminder_days: Sequence[int] = DEFAULT_REMINDER_DAYS

    def __post_init__(self) -> None:
        self.tasks = TaskRepository(self.session)
        self.changes = TaskChangeRepository(self.session)

    def today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    # Checks, each also run by the dialog at the question it concerns
    @staticmethod
    def require_changer(actor: Actor) -> None:
        if not may_change(actor.standing):
            raise RoleRefusal(Capability.CHANGE_TASKS)

    @staticmethod
    def require_reviewer(actor: Actor) -> None:
        if not may_review(actor.standing):
            raise RoleRefusal(Capability.KEEP_RECORD)

    async def _task(self, actor: Actor, task_id: int) -> TaskView:
        task = await self.tasks.get(actor.group_id, task_id)
        if task is None:
            raise NotFound("errors.stale")
        return task

    def _open(self, task: TaskView) -> None:
        problem = open_problem(task.status)
        if problem is not None:
            raise refusal(problem)

    async def start(self, actor: Actor, task_id: int) -> TaskInfo:
        """Before a change's dialog: who may change tasks, and only a task in work."""
        self.require_changer(actor)
        async with read(self.session):
            task = await self._task(actor, task_id)
            self._open(task)
            directory = await Directory.load(self.session, actor.group_id)
            return directory.info(task, self.clock.now(), self.tz)

    def _day(self, actor: Actor, day: date) -> str:
        """A date in a refusal, in the reader's language."""
        return self.notifier.text(Notice("task_changes.date", day=day), actor.locale)

    def _check_deadline(self, actor: Actor, task: TaskView, new: date) -> date:
        problem = extension_problem(task.deadline, new, self.today())
        if problem is ChangeProblem.DEADLINE_PAST:
            raise refusal(problem, today=self._day(actor, self.today()))
        if problem is not None and task.deadline is not None:
            raise refusal(problem, deadline=self._day(actor, task.deadline))
        return new

    async def check_deadline(self, actor: Actor, task_id: int, typed: str) -> date:
        """A typed new deadline: a real date, not in the past, after the current one."""
        self.require_changer(actor)
        try:
            new = parse_local_date(typed, self.tz, self.clock.now())
        except DateInputError as bad:
            raise InvalidInput(f"task_changes.date_{bad.code.value}") from bad
        async with read(self.session):
            task = await self._task(actor, task_id)
            self._open(task)
            return self._check_deadline(actor, task, new)

    @staticmethod
    def check_basis(actor: Actor, *, by_decision: bool) -> None:
        """Cl. 4 д–е, 14: without a decision only the chair changes a task."""
        problem = basis_problem(actor.standing, by_decision=by_decision)
        if problem is not None:
            raise refusal(problem)

    @staticmethod
    def check_reason(typed: str) -> str:
        try:
            return clean_reason(typed)
        except ChangeRuleError as bad:
            raise refusal(bad.problem) from None

    @staticmethod
    def check_comment(typed: str) -> str:
        try:
            return clean_comment(typed)
        except ChangeRuleError as bad:
            raise refusal(bad.problem) from None

    async def decisions(self, actor: Actor) -> list[DecisionRef]:
        """Decided items of the group's signed protocols, the newest protocol first."""
        self.require_changer(actor)
        async with read(self.session):
            signed = await DecisionBook(self.session).signed(actor.group_id)
        return [
            DecisionRef(d.protocol_id, d.protocol_number, d.item_number, d.text) for d in signed
        ]

    async def _decision(self, actor: Actor, protocol_id: int, item_number: int) -> DecisionRef:
        """Cl. 14: only a signed protocol of this group records decisions, and the item named
        must be in it."""
        try:
            d = await DecisionBook(self.session).find(actor.group_id, protocol_id, item_number)
        except DecisionError as error:
            number = error.protocol_number
            if error.problem is DecisionProblem.NOT_SIGNED:
                raise InvalidInput("task_changes.decision_unsigned", number=number) from error
            if error.problem is DecisionProblem.NO_ITEM:
                raise InvalidInput(
                    "task_changes.decision_no_item", number=number, item=item_number
                ) from error
            raise InvalidInput("task_changes.decision_invalid") from error
        return DecisionRef(d.protocol_id, d.protocol_number, d.item_number, d.text)

    async def _checked(
        self,
        actor: Actor,
        task: TaskView,
        kind: ChangeKind,
        new_deadline: date | None,
        decision: tuple[int, int] | None,
        reason: str | None,
    ) -> tuple[date | None, DecisionRef | None, str | None]:
        self.require_changer(actor)
        self._open(task)
        if kind is ChangeKind.EXTEND:
            if new_deadline is None:
                raise NotFound("errors.stale")
            self._check_deadline(actor, task, new_deadline)
        elif kind is ChangeKind.CANCEL:
            new_deadline = None
        else:
            raise NotFound("errors.stale")
        self.check_basis(actor, by_decision=decision is not None)
        if decision is not None:
            return new_deadline, await self._decision(actor, *decision), None
        return new_deadline, None, self.check_reason(reason or "")

    async def summary(
        self,
        actor: Actor,
        task_id: int,
        kind: ChangeKind,
        new_deadline: date | None,
        decision: tuple[int, int] | None,
        reason: str | None,
    ) -> ChangeSummary:
        async with read(self.session):
            task = await self._task(actor, task_id)
            deadline, ref, why = await self._checked(
                actor, task, kind, new_deadline, decision, reason
            )
            directory = await Directory.load(self.session, actor.group_id)
            return ChangeSummary(
                directory.info(task, self.clock.now(), self.tz), kind, deadline, ref, why
            )

    # Writing
    async def change(
        self,
        actor: Actor,
        task_id: int,
        kind: ChangeKind,
        new_deadline: date | None,
        decision: tuple[int, int] | None,
        reason: str | None,
    ) -> TaskCard:
        """Cl. 4 д–е, 14: the deadline extended or the task cancelled, by the decision named
        or by the chair with the reason; recorded, audited, and the owner is told."""
        now = self.clock.now()
        async with write(self.session):
            task = await self._task(actor, task_id)
            deadline, ref, why = await self._checked(
                actor, task, kind, new_deadline, decision, reason
            )
            if kind is ChangeKind.EXTEND:
                assert deadline is not None
                applied = await self.tasks.set_deadline(task.id, deadline)
            else:
                applied = await self.tasks.cancel(task.id)
            if not applied:  # changed by someone else since it was read
                raise InvalidInput("task_changes.task_cancelled")
            change_id = await self.changes.add(
                task_id=task.id,
                kind=kind.value,
                old_deadline=task.deadline,
                new_deadline=deadline,
                protocol_id=ref.protocol_id if ref else None,
                item_number=ref.item_number if ref else None,
                reason=why,
                by_id=actor.person_id,
                at=now,
            )
            if deadline is not None:
                await self._plan(actor.group_id, task.id, deadline, now)
            changed = await self._task(actor, task.id)
            directory = await Directory.load(self.session, actor.group_id)
            info = directory.info(changed, now, self.tz)
            change = (await self.changes.history(task.id))[-1]
            await self.notifier.tell(
                directory.owners(changed),
                Notice(f"task_changes.{kind.value}_notice", info=info, change=change),
                key=f"task:{task.id}:change:{change_id}",
            )
            await Auditor(self.session, actor, now)(
                f"task_{'extended' if kind is ChangeKind.EXTEND else 'cancelled'}",
                "task",
                task.id,
                change=change_id,
                before=task.deadline.isoformat() if task.deadline else None,
                after=deadline.isoformat() if deadline else None,
                protocol=ref.protocol_id if ref else None,
                item=ref.item_number if ref else None,
                reason_chars=len(why) if why else None,
            )
            return await build_card(self.session, actor, changed, directory, now, self.tz)

    async def _plan(self, group_id: int, task_id: int, deadline: date, now: datetime) -> None:
        """What is due about the new deadline: the reminders and the escalation. Those planned
        for the old deadline find it changed and are skipped (see TaskDue)."""
        stamp = deadline.isoformat()
        rows = [
            due_row(
                f"task:{task_id}:remind:{days}:{stamp}",
                "task_reminder",
                group_id,
                when,
                {"task": task_id, "days": days},
            )
            for days, when in reminder_times(deadline, self.reminder_days, self.tz, created_at=now)
        ]
        rows.append(
            due_row(
                f"task:{task_id}:overdue:{stamp}",
                "task_overdue",
                group_id,
                escalation_at(deadline, self.tz),
                {"task": task_id},
            )
        )
        await DueRepository(self.session).add(rows)

    # Completion reports
    async def _reviewable(self, actor: Actor, task: TaskView) -> None:
        self.require_reviewer(actor)
        problem = review_problem(
            task.status, accepted=await self.changes.accepted(task.id, task.done_at)
        )
        if problem is not None:
            raise refusal(problem)

    async def check_return(self, actor: Actor, task_id: int) -> TaskInfo:
        """Before the comment is asked: the secretariat's, a report not yet judged."""
        self.require_reviewer(actor)
        async with read(self.session):
            task = await self._task(actor, task_id)
            await self._reviewable(actor, task)
            directory = await Directory.load(self.session, actor.group_id)
            return directory.info(task, self.clock.now(), self.tz)

    async def accept(self, actor: Actor, task_id: int) -> TaskCard:
        """Cl. 4 д–е: the secretariat accepts the completion report; accepting it twice is
        refused and changes nothing."""
        return await self._verdict(actor, task_id, ChangeKind.ACCEPT, None)

    async def return_report(self, actor: Actor, task_id: int, comment: str) -> TaskCard:
        """Cl. 4 д–е: the secretariat returns the report with a comment; the task is open
        again and its owner is told why."""
        return await self._verdict(actor, task_id, ChangeKind.RETURN, self.check_comment(comment))

    async def _verdict(
        self, actor: Actor, task_id: int, kind: ChangeKind, comment: str | None
    ) -> TaskCard:
        self.require_reviewer(actor)
        now = self.clock.now()
        async with write(self.session):
            task = await self._task(actor, task_id)
            await self._reviewable(actor, task)
            written = await self.changes.add_verdict(
                task_id=task.id,
                kind=kind.value,
                old_deadline=task.deadline,
                new_deadline=task.deadline,
                reason=comment,
                report_at=task.done_at,
                report_text=task.report_text,
                by_id=actor.person_id,
                at=now,
            )
            if not written:  # another verdict on the same report came first
                raise InvalidInput("task_changes.already_accepted")
            if kind is ChangeKind.RETURN:
                await self.tasks.reopen(task.id)
                if task.deadline is not None and escalation_at(task.deadline, self.tz) <= now:
                    # Overdue already: escalated now, since the first escalation found it done.
                    await DueRepository(self.session).add(
                        [
                            due_row(
                                f"task:{task.id}:overdue:returned:{int(now.timestamp())}",
                                "task_overdue",
                                actor.group_id,
                                now,
                                {"task": task.id},
                            )
                        ]
                    )
            history = await self.changes.history(task.id)
            change = history[-1]
            changed = await self._task(actor, task.id)
            directory = await Directory.load(self.session, actor.group_id)
            info = directory.info(changed, now, self.tz)
            await self.notifier.tell(
                directory.owners(changed),
                Notice(f"task_changes.{kind.value}_notice", info=info, change=change),
                key=f"task:{task.id}:change:{change.id}",
            )
            await Auditor(self.session, actor, now)(
                "task_report_accepted" if kind is ChangeKind.ACCEPT else "task_report_returned",
                "task",
                task.id,
                change=change.id,
                report_at=task.done_at.isoformat() if task.done_at else None,
                comment_chars=len(comment) if comment else None,
            )
            return await build_card(self.session, actor, changed, directory, now, self.tz)
