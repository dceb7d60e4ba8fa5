"""Tasks set by decisions (поручения, cl. 4 д–е): created when a protocol is signed, with
the owner found in the roster; the owner is told, reminded before the deadline and asked to
report completion; an overdue task is escalated to the secretariat and the chair and offered
for the next meeting's agenda.

Everything the bot says on its own initiative is a due-task row first (planned in the
signing transaction), then outbox rows keyed by due task and person: nothing is lost over a
restart and nothing is sent twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import fields
from bot.domain.files import file_problem
from bot.domain.protocol import ItemRecord
from bot.domain.task_changes import may_change, may_review
from bot.domain.tasks import (
    ReportProblem,
    Scope,
    TaskState,
    escalation_at,
    in_scope,
    is_owner,
    may_assign,
    report_problem,
    sees_all,
)
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.notifier import Delivery, Notice, Notifier
from bot.services.roster import Auditor
from bot.services.task_directory import REPORTED_TO, Directory, TaskInfo, owner_code
from bot.services.task_due import due_row
from storage.db import read, write
from storage.dto import MemberView, UnitView
from storage.repositories.due import DueRepository
from storage.repositories.task_changes import TaskChangeRepository, TaskChangeView
from storage.repositories.tasks import TaskRepository, TaskView

STATE_ORDER = {TaskState.OVERDUE: 0, TaskState.OPEN: 1, TaskState.DONE: 2, TaskState.CANCELLED: 3}


@dataclass(frozen=True, slots=True)
class HistoryLine:
    """One change of a task as its card shows it (cl. 4 д–е, 14), with who made it."""

    change: TaskChangeView
    by_name: str | None


@dataclass(frozen=True, slots=True)
class TaskCard:
    info: TaskInfo
    may_report: bool
    may_assign: bool
    # Tasks decided again: extend or cancel (the chair, the secretariat), accept or return a
    # completion report (the secretariat); the history of changes; the report's verdict.
    may_change: bool = False
    may_review: bool = False
    history: tuple[HistoryLine, ...] = ()
    accepted: bool = False


async def build_card(
    session: AsyncSession,
    actor: Actor,
    task: TaskView,
    directory: Directory,
    now: datetime,
    tz: ZoneInfo,
) -> TaskCard:
    """A task's card for this reader: its facts, its history of changes, and the buttons the
    reader's roles allow on a task in this state."""
    info = directory.info(task, now, tz)
    changes = TaskChangeRepository(session)
    history = tuple(
        HistoryLine(c, m.display_name if (m := directory.member(c.by_id)) else None)
        for c in await changes.history(task.id)
    )
    open_ = task.status == "open"
    done = task.status == "done"
    accepted = done and await changes.accepted(task.id, task.done_at)
    return TaskCard(
        info,
        may_report=open_
        and is_owner(
            owner_person_id=task.owner_person_id,
            owner_unit_id=task.owner_unit_id,
            person_id=actor.person_id,
            unit_id=directory.unit_of(actor.person_id),
        ),
        may_assign=open_ and may_assign(actor.standing),
        may_change=open_ and may_change(actor.standing),
        may_review=done and not accepted and may_review(actor.standing),
        history=history,
        accepted=accepted,
    )


@dataclass(frozen=True, slots=True)
class TaskList:
    scope: Scope
    items: list[TaskInfo]
    sees_all: bool


@dataclass(frozen=True, slots=True)
class OwnerChoices:
    info: TaskInfo
    units: list[UnitView]
    people: list[MemberView]


async def create_tasks(
    session: AsyncSession,
    actor: Actor,
    protocol_id: int,
    items: Iterable[ItemRecord],
    *,
    tz: ZoneInfo,
    now: datetime,
) -> list[int]:
    """Cl. 4 д–е, at signing and inside its transaction: the protocol's tasks, each owner
    found in the roster when the text names one, and what is due about them: the notice to
    the owner, the escalation after the deadline, and one notice to the secretariat about
    owners the roster does not know. Reminders are planned with the notice to the owner,
    where the configured days are known (see TaskDue.new)."""
    directory = await Directory.load(session, actor.group_id)
    repo = TaskRepository(session)
    audit = Auditor(session, actor, now)
    due: list[dict[str, Any]] = []
    created: list[int] = []
    unowned: list[int] = []
    for record in items:
        for line in record.tasks:
            match = directory.match(line.owner)
            task_id = await repo.add(
                group_id=actor.group_id,
                protocol_id=protocol_id,
                item_number=record.number,
                text=line.text,
                owner=line.owner,
                owner_person_id=match.person_id,
                owner_unit_id=match.unit_id,
                deadline=line.deadline,
                status="open",
                created_at=now,
            )
            created.append(task_id)
            payload = {"task": task_id}
            due.append(due_row(f"task:{task_id}:new", "task_new", actor.group_id, now, payload))
            if line.deadline is not None:
                due.append(
                    due_row(
                        f"task:{task_id}:overdue",
                        "task_overdue",
                        actor.group_id,
                        escalation_at(line.deadline, tz),
                        payload,
                    )
                )
            if not match.found:
                unowned.append(task_id)
            await audit(
                "task_created",
                "task",
                task_id,
                protocol=protocol_id,
                item=record.number,
                owner=line.owner,
                owner_person=match.person_id,
                owner_unit=match.unit_id,
                deadline=line.deadline.isoformat() if line.deadline else None,
            )
    if unowned:
        due.append(
            due_row(
                f"protocol:{protocol_id}:unowned-tasks",
                "task_unowned",
                actor.group_id,
                now,
                {"protocol": protocol_id, "tasks": unowned},
            )
        )
    await DueRepository(session).add(due)
    return created


def _order(info: TaskInfo) -> tuple[int, date, int]:
    return (STATE_ORDER[info.state], info.task.deadline or date.max, info.task.id)


@dataclass(eq=False)
class TaskService(ZonedService):
    _: KW_ONLY
    notifier: Notifier
    file_max_mb: int

    def __post_init__(self) -> None:
        self.repo = TaskRepository(self.session)

    async def listing(self, actor: Actor, scope: Scope) -> TaskList:
        """One's own tasks for everyone in the roster; all tasks by state for those who
        control execution."""
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        everything = sees_all(actor.standing)
        if scope is not Scope.MY and not everything:
            raise NotAllowed("tasks.all_not_allowed")
        now = self.clock.now()
        async with read(self.session):
            directory = await Directory.load(self.session, actor.group_id)
            unit = directory.unit_of(actor.person_id)
            items = []
            for task in await self.repo.listing(actor.group_id):
                info = directory.info(task, now, self.tz)
                mine = is_owner(
                    owner_person_id=task.owner_person_id,
                    owner_unit_id=task.owner_unit_id,
                    person_id=actor.person_id,
                    unit_id=unit,
                )
                if in_scope(scope, info.state, mine=mine):
                    items.append(info)
        return TaskList(scope, sorted(items, key=_order), everything)

    async def _task(self, actor: Actor, task_id: int) -> TaskView:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        task = await self.repo.get(actor.group_id, task_id)
        if task is None:
            raise NotFound("errors.stale")
        return task

    async def _card(self, actor: Actor, task: TaskView, directory: Directory) -> TaskCard:
        return await build_card(self.session, actor, task, directory, self.clock.now(), self.tz)

    @staticmethod
    def _is_owner(actor: Actor, task: TaskView, directory: Directory) -> bool:
        return is_owner(
            owner_person_id=task.owner_person_id,
            owner_unit_id=task.owner_unit_id,
            person_id=actor.person_id,
            unit_id=directory.unit_of(actor.person_id),
        )

    async def card(self, actor: Actor, task_id: int) -> TaskCard:
        async with read(self.session):
            task = await self._task(actor, task_id)
            return await self._card(actor, task, await Directory.load(self.session, actor.group_id))

    def _may_report(self, actor: Actor, task: TaskView, directory: Directory) -> None:
        if not self._is_owner(actor, task, directory):
            raise NotAllowed("tasks.not_owner")
        if task.status == "done":
            raise InvalidInput("tasks.already_done")
        if task.status != "open":
            raise InvalidInput("tasks.not_open")

    async def check_report(self, actor: Actor, task_id: int) -> TaskInfo:
        """Before the completion dialog starts: only the owner, only while the task is open."""
        async with read(self.session):
            task = await self._task(actor, task_id)
            directory = await Directory.load(self.session, actor.group_id)
            self._may_report(actor, task, directory)
            return directory.info(task, self.clock.now(), self.tz)

    def check_comment(self, comment: str) -> str:
        problem = report_problem(comment)
        if problem is ReportProblem.EMPTY:
            raise InvalidInput("tasks.comment_empty")
        text = fields.visible_text(comment, multiline=True)
        if problem is ReportProblem.TOO_LONG:
            raise InvalidInput(
                "tasks.comment_too_long", max=fields.TASK_REPORT.max_length, n=len(text)
            )
        return text

    def check_file(self, name: str | None, size: int | None) -> None:
        problem = file_problem(name, size, self.file_max_mb)
        if problem is not None:
            raise InvalidInput(f"files.{problem.value}", name=name or "—", max=self.file_max_mb)

    async def complete(
        self, actor: Actor, task_id: int, comment: str, document: dict[str, Any] | None
    ) -> TaskCard:
        """Cl. 4 д–е: the owner reports completion; the secretariat and the chair get the
        comment and the file. Everything is checked again here: the dialog's answers are
        only what the person typed."""
        text = self.check_comment(comment)
        if document is not None:
            self.check_file(document.get("file_name"), document.get("size"))
        now = self.clock.now()
        async with write(self.session):
            task = await self._task(actor, task_id)
            directory = await Directory.load(self.session, actor.group_id)
            self._may_report(actor, task, directory)
            assert actor.person_id is not None
            if not await self.repo.complete(
                task.id,
                done_by=actor.person_id,
                done_at=now,
                report_text=text,
                report_document=document,
            ):
                raise InvalidInput("tasks.already_done")
            done = await self.repo.get(actor.group_id, task.id)
            assert done is not None
            info = directory.info(done, now, self.tz)
            attachment = (
                {"file_id": document["telegram_file_id"], "file_name": document.get("file_name")}
                if document
                else None
            )
            await self.notifier.tell(
                directory.holding(REPORTED_TO),
                Notice("tasks.done", info=info),
                # One notice per report: a report returned for rework (task_changes) is
                # followed by another one, which must reach the secretariat too.
                key=f"task:{task.id}:done:{now.isoformat()}",
                delivery=Delivery(document=attachment),
            )
            await Auditor(self.session, actor, now)(
                "task_done",
                "task",
                task.id,
                comment_chars=len(text),
                file=document.get("file_name") if document else None,
            )
            return await self._card(actor, done, directory)

    async def owner_choices(self, actor: Actor, task_id: int) -> OwnerChoices:
        if not may_assign(actor.standing):
            raise NotAllowed("tasks.assign_not_allowed")
        async with read(self.session):
            task = await self._task(actor, task_id)
            directory = await Directory.load(self.session, actor.group_id)
            if task.status != "open":
                raise InvalidInput("tasks.not_open")
            return OwnerChoices(
                directory.info(task, self.clock.now(), self.tz),
                directory.units,
                sorted(directory.members, key=lambda m: m.display_name.casefold()),
            )

    async def assign(
        self,
        actor: Actor,
        task_id: int,
        *,
        person_id: int | None = None,
        unit_id: int | None = None,
    ) -> TaskCard:
        """The secretariat sets the owner the protocol's text did not name clearly; the new
        owner is told like at signing."""
        if not may_assign(actor.standing):
            raise NotAllowed("tasks.assign_not_allowed")
        if (person_id is None) == (unit_id is None):
            raise NotFound("errors.stale")
        now = self.clock.now()
        async with write(self.session):
            task = await self._task(actor, task_id)
            directory = await Directory.load(self.session, actor.group_id)
            if task.status != "open":
                raise InvalidInput("tasks.not_open")
            if person_id is not None and directory.member(person_id) is None:
                raise NotFound("errors.stale")
            if unit_id is not None and unit_id not in {u.id for u in directory.units}:
                raise NotFound("errors.stale")
            if (task.owner_person_id, task.owner_unit_id) == (person_id, unit_id):
                return await self._card(actor, task, directory)
            await self.repo.set_owner(task.id, person_id, unit_id)
            changed = await self.repo.get(actor.group_id, task.id)
            assert changed is not None
            code = owner_code(changed)
            await DueRepository(self.session).add(
                [
                    due_row(
                        f"task:{task.id}:new:{code}:{int(now.timestamp())}",
                        "task_new",
                        actor.group_id,
                        now,
                        {"task": task.id, "owner": code},
                    )
                ]
            )
            await Auditor(self.session, actor, now)(
                "task_owner_set",
                "task",
                task.id,
                before={"person": task.owner_person_id, "unit": task.owner_unit_id},
                after={"person": person_id, "unit": unit_id},
            )
            return await self._card(actor, changed, directory)
