"""Tasks set by decisions (поручения, cl. 4 д–е): created when a protocol is signed, with
the owner found in the roster; the owner is told, reminded before the deadline and asked to
report completion; an overdue task is escalated to the secretariat and the chair and offered
for the next meeting's agenda.

Everything the bot says on its own initiative is a due-task row first (planned in the
signing transaction), then outbox rows keyed by due task and person: nothing is lost over a
restart and nothing is sent twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain.files import file_problem
from bot.domain.protocol import ItemRecord
from bot.domain.roles import Role
from bot.domain.tasks import (
    DEFAULT_REMINDER_DAYS,
    REPORT_MAX,
    OwnerMatch,
    ReportProblem,
    Scope,
    TaskState,
    escalation_at,
    in_scope,
    is_owner,
    may_assign,
    reminder_overtaken,
    reminder_times,
    reminder_useful,
    report_problem,
    resolve_owner,
    sees_all,
    task_state,
)
from bot.i18n import Translator
from bot.services.actor import Actor
from bot.services.due import DueHandler, DueService
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.offers import offer
from bot.services.outbox import Envelope, enqueue
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import MemberView, UnitView
from storage.repositories.due import DueRepository, DueView
from storage.repositories.roster import RosterRepository
from storage.repositories.tasks import TaskRepository, TaskView

ESCALATED_TO: frozenset[Role] = frozenset({Role.SECRETARIAT, Role.CHAIR, Role.DEPUTY_CHAIR})
REPORTED_TO: frozenset[Role] = frozenset({Role.SECRETARIAT, Role.CHAIR})
STATE_ORDER = {TaskState.OVERDUE: 0, TaskState.OPEN: 1, TaskState.DONE: 2, TaskState.CANCELLED: 3}


@dataclass(frozen=True, slots=True)
class TaskInfo:
    """A task with what a reader needs besides its row: its state now and its owner's name."""

    task: TaskView
    state: TaskState
    owner_name: str
    # False while the protocol's text names nobody in the roster.
    owner_known: bool
    done_by_name: str | None

    @property
    def id(self) -> int:
        return self.task.id


@dataclass(frozen=True, slots=True)
class TaskCard:
    info: TaskInfo
    may_report: bool
    may_assign: bool


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


@dataclass(frozen=True, slots=True)
class TaskTexts:
    new_task: Callable[[Translator, TaskInfo], str]
    reminder: Callable[[Translator, TaskInfo, int], str]
    overdue_staff: Callable[[Translator, TaskInfo], str]
    overdue_owner: Callable[[Translator, TaskInfo], str]
    unowned: Callable[[Translator, str, list[TaskInfo]], str]
    done_notice: Callable[[Translator, TaskInfo], str]
    open_keyboard: Callable[[Translator, int], InlineKeyboardMarkup]
    unowned_keyboard: Callable[[Translator, list[TaskInfo]], InlineKeyboardMarkup]
    # (title, description) of the question offered for the next meeting's agenda
    agenda_offer: Callable[[Translator, TaskInfo], tuple[str, str]]


class Directory:
    """The roster as tasks need it, read once per transaction."""

    def __init__(self, members: list[MemberView], units: list[UnitView]) -> None:
        self.members = members
        self.units = units
        self._by_person = {m.person.id: m for m in members}
        self._unit_names = {u.id: u.name for u in units}

    @classmethod
    async def load(cls, session: AsyncSession, group_id: int) -> Directory:
        roster = RosterRepository(session)
        return cls(await roster.members(group_id), await roster.units(group_id))

    def match(self, owner: str) -> OwnerMatch:
        people = [
            (m.person.id, (m.person.full_name or "", m.person.telegram_name)) for m in self.members
        ]
        return resolve_owner(owner, people, [(u.id, u.name) for u in self.units])

    def member(self, person_id: int | None) -> MemberView | None:
        return self._by_person.get(person_id) if person_id is not None else None

    def unit_of(self, person_id: int | None) -> int | None:
        member = self.member(person_id)
        return member.unit_id if member else None

    def info(self, task: TaskView, now: datetime, tz: ZoneInfo) -> TaskInfo:
        owner = task.owner
        person = self.member(task.owner_person_id)
        if person is not None:
            owner = person.display_name + (f" ({person.unit_name})" if person.unit_name else "")
        elif task.owner_unit_id in self._unit_names:
            owner = self._unit_names[task.owner_unit_id or 0]
        done_by = self.member(task.done_by)
        return TaskInfo(
            task=task,
            state=task_state(task.status, task.deadline, now, tz),
            owner_name=owner,
            owner_known=task.owner_person_id is not None or task.owner_unit_id is not None,
            done_by_name=done_by.display_name if done_by else None,
        )

    def owners(self, task: TaskView) -> list[MemberView]:
        """Who answers for the task and can be written to: the owner person, or everyone in
        the roster who belongs to the owner unit."""
        return [
            m
            for m in self.members
            if m.person.telegram_id is not None
            and is_owner(
                owner_person_id=task.owner_person_id,
                owner_unit_id=task.owner_unit_id,
                person_id=m.person.id,
                unit_id=m.unit_id,
            )
        ]

    def holding(self, roles: frozenset[Role]) -> list[MemberView]:
        # Any of the roles, main or extra: a member working in the secretariat is told too.
        return [m for m in self.members if m.has(*roles) and m.person.telegram_id is not None]


def _due(
    key: str, kind: str, group_id: int, at: datetime, payload: dict[str, Any]
) -> dict[str, Any]:
    return {
        "key": key,
        "kind": kind,
        "group_id": group_id,
        "due_at": at,
        "payload": payload,
        "status": "pending",
    }


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
            due.append(_due(f"task:{task_id}:new", "task_new", actor.group_id, now, payload))
            if line.deadline is not None:
                due.append(
                    _due(
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
            _due(
                f"protocol:{protocol_id}:unowned-tasks",
                "task_unowned",
                actor.group_id,
                now,
                {"protocol": protocol_id, "tasks": unowned},
            )
        )
    await DueRepository(session).add(due)
    return created


class TaskDue:
    """Handlers of the task kinds of due rows; each runs inside DueService's transaction."""

    def __init__(self, texts: TaskTexts, reminder_days: Sequence[int]) -> None:
        self.texts = texts
        self.reminder_days = tuple(reminder_days)

    def handlers(self) -> dict[str, DueHandler]:
        return {
            "task_new": self.new,
            "task_reminder": self.reminder,
            "task_overdue": self.overdue,
            "task_unowned": self.unowned,
        }

    async def _load(
        self, service: DueService, due: DueView
    ) -> tuple[TaskView | None, Directory, datetime]:
        task = await TaskRepository(service.session).get(due.group_id, int(due.payload["task"]))
        return task, await Directory.load(service.session, due.group_id), service.clock.now()

    async def _tell(
        self,
        service: DueService,
        due: DueView,
        people: list[MemberView],
        kind: str,
        text: Callable[[Translator, MemberView], str],
        task_id: int,
        now: datetime,
    ) -> None:
        envelopes = []
        for member in people:
            assert member.person.telegram_id is not None
            t = service.render(member.person.locale(service.default_locale))
            envelopes.append(
                Envelope(
                    key=f"task-due:{due.id}:{member.person.id}",
                    kind=kind,
                    chat_id=member.person.telegram_id,
                    person_id=member.person.id,
                    text=text(t, member),
                    keyboard=self.texts.open_keyboard(t, task_id),
                )
            )
        await enqueue(service.session, envelopes, now)

    async def new(self, service: DueService, due: DueView) -> tuple[str, str | None]:
        """The owner learns of a new task (at signing, or when the secretariat sets the
        owner later); the reminders are planned here, with the configured days."""
        task, directory, now = await self._load(service, due)
        if task is None:
            return "skipped", "the task no longer exists"
        if task.status != "open":
            return "skipped", f"the task is {task.status}"
        if task.deadline is not None:
            await DueRepository(service.session).add(
                [
                    _due(
                        f"task:{task.id}:remind:{days}",
                        "task_reminder",
                        due.group_id,
                        when,
                        {"task": task.id, "days": days},
                    )
                    for days, when in reminder_times(
                        task.deadline, self.reminder_days, service.tz, created_at=task.created_at
                    )
                ]
            )
        meant = due.payload.get("owner")
        if meant is not None and meant != _owner_code(task):
            return "skipped", "the owner was changed again"
        people = directory.owners(task)
        if not people:
            return "skipped", "no owner in the roster"
        info = directory.info(task, now, service.tz)
        await self._tell(
            service,
            due,
            people,
            "announcement",
            lambda t, _: self.texts.new_task(t, info),
            task.id,
            now,
        )
        return "done", None

    async def reminder(self, service: DueService, due: DueView) -> tuple[str, str | None]:
        task, directory, now = await self._load(service, due)
        if task is None:
            return "skipped", "the task no longer exists"
        if task.status != "open":
            return "skipped", f"the task is {task.status}"
        if task.deadline is None or not reminder_useful(task.deadline, now, service.tz):
            return "skipped", "the deadline had passed when the reminder came due"
        days = int(due.payload.get("days", 0))
        if reminder_overtaken(task.deadline, days, self.reminder_days, service.tz, now):
            return "skipped", "a closer reminder was due by the time this one ran"
        people = directory.owners(task)
        if not people:
            return "skipped", "no owner in the roster"
        info = directory.info(task, now, service.tz)
        await self._tell(
            service,
            due,
            people,
            "reminder",
            lambda t, _: self.texts.reminder(t, info, days),
            task.id,
            now,
        )
        return "done", None

    async def overdue(self, service: DueService, due: DueView) -> tuple[str, str | None]:
        """Cl. 4 д–е: the secretariat, the chair and the deputy are told, the owner too, and
        the question goes to the next meeting's agenda."""
        task, directory, now = await self._load(service, due)
        if task is None:
            return "skipped", "the task no longer exists"
        if task.status != "open":
            return "skipped", f"the task is {task.status}"
        info = directory.info(task, now, service.tz)
        if info.state is not TaskState.OVERDUE:
            return "skipped", "the task is not overdue"
        owners = directory.owners(task)
        owner_ids = {m.person.id for m in owners}
        people = owners + [
            m for m in directory.holding(ESCALATED_TO) if m.person.id not in owner_ids
        ]
        await self._tell(
            service,
            due,
            people,
            "announcement",
            lambda t, m: (
                self.texts.overdue_owner(t, info)
                if m.person.id in owner_ids
                else self.texts.overdue_staff(t, info)
            ),
            task.id,
            now,
        )
        title, description = self.texts.agenda_offer(service.render(service.default_locale), info)
        meeting = await offer(
            service.session, due.group_id, f"task:{task.id}", title, description, now
        )
        await Auditor(service.session, None, now)(
            "task_escalated",
            "task",
            task.id,
            told=sorted(m.person.id for m in people),
            agenda_meeting=meeting,
        )
        return "done", None

    async def unowned(self, service: DueService, due: DueView) -> tuple[str, str | None]:
        """One notice per protocol to the secretariat: the tasks whose owner the roster does
        not know, with a button to each card, where the owner can be set."""
        repo = TaskRepository(service.session)
        directory = await Directory.load(service.session, due.group_id)
        now = service.clock.now()
        infos = []
        for task_id in due.payload.get("tasks", []):
            task = await repo.get(due.group_id, int(task_id))
            if task is not None and task.status == "open" and not _owner_code(task):
                infos.append(directory.info(task, now, service.tz))
        if not infos:
            return "skipped", "every owner has been set"
        number = infos[0].task.protocol_number
        envelopes = []
        for member in directory.holding(frozenset({Role.SECRETARIAT})):
            assert member.person.telegram_id is not None
            t = service.render(member.person.locale(service.default_locale))
            envelopes.append(
                Envelope(
                    key=f"task-due:{due.id}:{member.person.id}",
                    kind="announcement",
                    chat_id=member.person.telegram_id,
                    person_id=member.person.id,
                    text=self.texts.unowned(t, number, infos),
                    keyboard=self.texts.unowned_keyboard(t, infos),
                )
            )
        await enqueue(service.session, envelopes, now)
        return "done", None


def due_handlers(
    texts: TaskTexts, reminder_days: Sequence[int] = DEFAULT_REMINDER_DAYS
) -> dict[str, DueHandler]:
    """The task kinds for DueService(handlers=...)."""
    return TaskDue(texts, reminder_days).handlers()


def _owner_code(task: TaskView) -> str:
    if task.owner_person_id is not None:
        return f"p{task.owner_person_id}"
    if task.owner_unit_id is not None:
        return f"u{task.owner_unit_id}"
    return ""


def _order(info: TaskInfo) -> tuple[int, date, int]:
    return (STATE_ORDER[info.state], info.task.deadline or date.max, info.task.id)


class TaskService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        tz: ZoneInfo,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: TaskTexts,
        file_max_mb: int,
    ) -> None:
        self.session = session
        self.clock = clock
        self.tz = tz
        self.render = render
        self.default_locale = default_locale
        self.texts = texts
        self.file_max_mb = file_max_mb
        self.repo = TaskRepository(session)

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

    def _card(self, actor: Actor, task: TaskView, directory: Directory) -> TaskCard:
        info = directory.info(task, self.clock.now(), self.tz)
        open_ = task.status == "open"
        return TaskCard(
            info,
            may_report=open_ and self._is_owner(actor, task, directory),
            may_assign=open_ and may_assign(actor.standing),
        )

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
            return self._card(actor, task, await Directory.load(self.session, actor.group_id))

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
        if problem is ReportProblem.TOO_LONG:
            raise InvalidInput("tasks.comment_too_long", max=REPORT_MAX, n=len(comment.strip()))
        return comment.strip()

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
            envelopes = []
            for member in directory.holding(REPORTED_TO):
                assert member.person.telegram_id is not None
                t = self.render(member.person.locale(self.default_locale))
                envelopes.append(
                    Envelope(
                        key=f"task:{task.id}:done:{member.person.id}",
                        kind="announcement",
                        chat_id=member.person.telegram_id,
                        person_id=member.person.id,
                        text=self.texts.done_notice(t, info),
                        document=attachment,
                        keyboard=self.texts.open_keyboard(t, task.id),
                    )
                )
            await enqueue(self.session, envelopes, now)
            await Auditor(self.session, actor, now)(
                "task_done",
                "task",
                task.id,
                comment_chars=len(text),
                file=document.get("file_name") if document else None,
            )
            return self._card(actor, done, directory)

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
                return self._card(actor, task, directory)
            await self.repo.set_owner(task.id, person_id, unit_id)
            changed = await self.repo.get(actor.group_id, task.id)
            assert changed is not None
            code = _owner_code(changed)
            await DueRepository(self.session).add(
                [
                    _due(
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
            return self._card(actor, changed, directory)
