"""The roster as tasks need it (read once per transaction): whose a task is, how a reader
sees it, and who hears of it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Standing
from bot.domain.tasks import (
    OwnerMatch,
    TaskState,
    is_owner,
    may_assign,
    resolve_owner,
    sees_all,
    task_state,
    told_of_completion,
)
from storage.dto import MemberView, UnitView
from storage.repositories.roster import RosterRepository
from storage.repositories.tasks import TaskView

# Who hears of what, beyond the owner (cl. 4 д–е): an escalation reaches those who control
# execution, a completion report the secretariat and the chair, a task nobody in the roster
# owns those who may set its owner.
Audience = Callable[[Standing], bool]
ESCALATED_TO: Audience = sees_all
REPORTED_TO: Audience = told_of_completion
OWNER_SETTERS: Audience = may_assign


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


def owner_code(task: TaskView) -> str:
    """The owner as a short code ("p12", "u3", "" for nobody): what a due notice was meant
    for, so that a notice overtaken by another change of owner is not sent."""
    if task.owner_person_id is not None:
        return f"p{task.owner_person_id}"
    if task.owner_unit_id is not None:
        return f"u{task.owner_unit_id}"
    return ""


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

    def holding(self, audience: Audience) -> list[MemberView]:
        # By the roster row's roles, main or extra: a member working in the secretariat is
        # told too; administrators are not rows, so not told as such.
        return [
            m
            for m in self.members
            if m.person.telegram_id is not None
            and audience(Standing(m.role, extra_roles=m.extra_roles))
        ]
