"""What falls due about tasks (cl. 4 д–е): the owner's notice, the reminders before the
deadline, the escalation after it, and the secretariat's notice about owners the roster does
not know. Each handler runs inside DueService's transaction; every message is keyed by its
due row and recipient, so nothing is sent twice."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.domain.tasks import (
    DEFAULT_REMINDER_DAYS,
    TaskState,
    reminder_overtaken,
    reminder_still_meant,
    reminder_times,
    reminder_useful,
)
from bot.services.due import DueHandler, DueService
from bot.services.notifier import Delivery, Notice, Notifier
from bot.services.offers import offer
from bot.services.roster import Auditor
from bot.services.task_directory import ESCALATED_TO, OWNER_SETTERS, Directory, owner_code
from storage.repositories.due import DueRepository, DueView
from storage.repositories.roster import RosterRepository
from storage.repositories.tasks import TaskRepository, TaskView

Outcome = tuple[str, str | None]


def due_row(
    key: str, kind: str, group_id: int, at: datetime, payload: dict[str, Any]
) -> dict[str, Any]:
    """A pending due row, as DueRepository.add takes it."""
    return {
        "key": key,
        "kind": kind,
        "group_id": group_id,
        "due_at": at,
        "payload": payload,
        "status": "pending",
    }


def _gone(task: TaskView | None) -> Outcome | None:
    """Why a notice about this task is no longer sent, or None when it still is."""
    if task is None:
        return "skipped", "the task no longer exists"
    if task.status != "open":
        return "skipped", f"the task is {task.status}"
    return None


class TaskDue:
    """Handlers of the task kinds of due rows."""

    def __init__(
        self, notifier: Notifier, reminder_days: Sequence[int] = DEFAULT_REMINDER_DAYS
    ) -> None:
        self.notifier = notifier
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

    async def new(self, service: DueService, due: DueView) -> Outcome:
        """The owner learns of a new task (at signing, or when the secretariat sets the
        owner later); the reminders are planned here, with the configured days."""
        task, directory, now = await self._load(service, due)
        if (gone := _gone(task)) is not None:
            return gone
        assert task is not None
        if task.deadline is not None:
            await DueRepository(service.session).add(
                [
                    due_row(
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
        if meant is not None and meant != owner_code(task):
            return "skipped", "the owner was changed again"
        people = directory.owners(task)
        if not people:
            return "skipped", "no owner in the roster"
        info = directory.info(task, now, service.tz)
        await self.notifier.tell(people, Notice("tasks.new", info=info), key=f"task-due:{due.id}")
        return "done", None

    async def reminder(self, service: DueService, due: DueView) -> Outcome:
        task, directory, now = await self._load(service, due)
        if (gone := _gone(task)) is not None:
            return gone
        assert task is not None
        if task.deadline is None or not reminder_useful(task.deadline, now, service.tz):
            return "skipped", "the deadline had passed when the reminder came due"
        days = int(due.payload.get("days", 0))
        if not reminder_still_meant(task.deadline, days, service.tz, due.due_at):
            return "skipped", "the deadline was changed since the reminder was planned"
        if reminder_overtaken(task.deadline, days, self.reminder_days, service.tz, now):
            return "skipped", "a closer reminder was due by the time this one ran"
        people = directory.owners(task)
        if not people:
            return "skipped", "no owner in the roster"
        notice = Notice("tasks.reminder", info=directory.info(task, now, service.tz), days=days)
        key, delivery = f"task-due:{due.id}", Delivery(kind="reminder")
        envelopes = self.notifier.to_people(people, notice, key=key, delivery=delivery)
        if task.owner_unit_id is not None and self.notifier.goes_by_email(notice):
            # A unit's task: the unit's mailbox is reminded too (issue #18 item 3).
            unit = await RosterRepository(service.session).unit(due.group_id, task.owner_unit_id)
            if unit is not None and unit.email:
                envelopes += self.notifier.to_addresses(
                    [(f"unit{unit.id}", unit.email)], notice, key=key, delivery=delivery
                )
        await self.notifier.send(envelopes)
        return "done", None

    async def overdue(self, service: DueService, due: DueView) -> Outcome:
        """Cl. 4 д–е: the secretariat, the chair and the deputy are told, the owner too, and
        the question goes to the next meeting's agenda."""
        task, directory, now = await self._load(service, due)
        if (gone := _gone(task)) is not None:
            return gone
        assert task is not None
        info = directory.info(task, now, service.tz)
        if info.state is not TaskState.OVERDUE:
            return "skipped", "the task is not overdue"
        owners = directory.owners(task)
        owner_ids = {m.person.id for m in owners}
        staff = [m for m in directory.holding(ESCALATED_TO) if m.person.id not in owner_ids]
        key = f"task-due:{due.id}"
        await self.notifier.send(
            self.notifier.to_people(owners, Notice("tasks.overdue_owner", info=info), key=key)
            + self.notifier.to_people(staff, Notice("tasks.overdue_staff", info=info), key=key)
        )
        # Offered in the group's language: it becomes an agenda item's text.
        title = self.notifier.text(Notice("tasks.offer_title", info=info))
        about = self.notifier.text(Notice("tasks.offer_description", info=info))
        meeting = await offer(service.session, due.group_id, f"task:{task.id}", title, about, now)
        await Auditor(service.session, None, now)(
            "task_escalated",
            "task",
            task.id,
            told=sorted(m.person.id for m in owners + staff),
            agenda_meeting=meeting,
        )
        return "done", None

    async def unowned(self, service: DueService, due: DueView) -> Outcome:
        """One notice per protocol to the secretariat: the tasks whose owner the roster does
        not know, with a button to each card, where the owner can be set."""
        repo = TaskRepository(service.session)
        directory = await Directory.load(service.session, due.group_id)
        now = service.clock.now()
        infos = []
        for task_id in due.payload.get("tasks", []):
            task = await repo.get(due.group_id, int(task_id))
            if task is not None and task.status == "open" and not owner_code(task):
                infos.append(directory.info(task, now, service.tz))
        if not infos:
            return "skipped", "every owner has been set"
        await self.notifier.tell(
            directory.holding(OWNER_SETTERS),
            Notice("tasks.unowned", number=infos[0].task.protocol_number, infos=infos),
            key=f"task-due:{due.id}",
        )
        return "done", None
