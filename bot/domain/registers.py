"""Registers of what the working group approves and controls (regulation cl. 4 а–к).

* the list of priority measures (перечень первоочередных мероприятий, cl. 4 а, г);
* the Plan of events (План мероприятий, cl. 4 б, е);
* priority projects with their roadmaps of milestones (cl. 4 б, д);
* documents: the interaction rules (Регламент, cl. 4 в, 5), methodical documents (cl. 4 к),
  training programmes (cl. 4 з) and legislative proposals (cl. 4 и).

Pure rules: no clock, no database. "Overdue" is never stored; it follows from the due date
and today's date in the group's time zone, so an entry becomes overdue at local midnight
without anyone writing anything.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from bot.domain import fields
from bot.domain.fields import FieldError, TextField, TextProblem


class Register(StrEnum):
    MEASURES = "measures"
    EVENTS = "events"
    PROJECTS = "projects"
    DOCUMENTS = "documents"


class DocumentKind(StrEnum):
    INTERACTION_RULES = "interaction_rules"
    METHODICAL = "methodical"
    TRAINING = "training"
    LEGISLATIVE = "legislative"


class ProjectKind(StrEnum):
    PROJECT = "project"
    MILESTONE = "milestone"


class Status(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"
    # Derived only; see effective_status.
    OVERDUE = "overdue"


# What the secretariat may set; "overdue" is the clock's verdict, not a choice.
STORED_STATUSES: tuple[Status, ...] = (
    Status.PLANNED,
    Status.IN_PROGRESS,
    Status.DONE,
    Status.CANCELLED,
)
CLOSED_STATUSES: frozenset[Status] = frozenset({Status.DONE, Status.CANCELLED})

# The order in which /documents groups its kinds: the interaction rules first, because the
# group itself works by them (cl. 5).
DOCUMENT_KINDS: tuple[DocumentKind, ...] = (
    DocumentKind.INTERACTION_RULES,
    DocumentKind.METHODICAL,
    DocumentKind.TRAINING,
    DocumentKind.LEGISLATIVE,
)


class Problem(StrEnum):
    TITLE_EMPTY = "title_empty"
    TITLE_TOO_LONG = "title_too_long"
    DUE_PAST = "due_past"
    MILESTONE_AFTER_PROJECT = "milestone_after_project"
    PROJECT_BEFORE_MILESTONE = "project_before_milestone"
    NOTE_EMPTY = "note_empty"
    NOTE_TOO_LONG = "note_too_long"
    WRONG_KIND = "wrong_kind"
    STATUS_UNCHANGED = "status_unchanged"
    STATUS_UNKNOWN = "status_unknown"


class RegisterRuleError(ValueError):
    """A register rule refused the input; ``problem`` picks the message, ``params`` fill it."""

    def __init__(self, problem: Problem, **params: Any) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.params = params


def kinds_for(register: Register) -> tuple[str, ...]:
    """The kinds an entry of ``register`` may have; empty when the register has no kinds."""
    if register is Register.DOCUMENTS:
        return tuple(k.value for k in DOCUMENT_KINDS)
    if register is Register.PROJECTS:
        return tuple(k.value for k in ProjectKind)
    return ()


def check_kind(register: Register, kind: str | None) -> str | None:
    """``kind`` if it belongs to ``register``: documents need one of their four kinds, projects
    are a project or a milestone, the measures and the Plan have none."""
    allowed = kinds_for(register)
    if not allowed:
        if kind is not None:
            raise RegisterRuleError(Problem.WRONG_KIND)
        return None
    if kind not in allowed:
        raise RegisterRuleError(Problem.WRONG_KIND)
    return kind


def _clean(field: TextField, raw: str, empty: Problem, too_long: Problem) -> str:
    try:
        return field.clean(raw)
    except FieldError as bad:
        if bad.problem is TextProblem.EMPTY:
            raise RegisterRuleError(empty) from None
        raise RegisterRuleError(too_long, **bad.params) from None


def clean_title(raw: str) -> str:
    """A title as `fields.REGISTER_TITLE` takes it: whitespace folded, something visible,
    within its limit."""
    return _clean(fields.REGISTER_TITLE, raw, Problem.TITLE_EMPTY, Problem.TITLE_TOO_LONG)


def clean_note(raw: str) -> str:
    """A progress note keeps its lines (`fields.REGISTER_NOTE`)."""
    return _clean(fields.REGISTER_NOTE, raw, Problem.NOTE_EMPTY, Problem.NOTE_TOO_LONG)


def check_due(
    due: date,
    *,
    today: date,
    project_due: date | None = None,
    latest_milestone: date | None = None,
) -> date:
    """A due date for an entry (cl. 4 б, д, е).

    * not before ``today`` (the group's local date): a due date already passed would make
      the entry overdue at birth; today itself is still ahead;
    * a milestone not after its project's due date (``project_due``): the roadmap leads to
      the project's end, not past it;
    * a project not before its latest milestone (``latest_milestone``), for the same reason.
    """
    if due < today:
        raise RegisterRuleError(Problem.DUE_PAST, today=today)
    if project_due is not None and due > project_due:
        raise RegisterRuleError(Problem.MILESTONE_AFTER_PROJECT, project_due=project_due)
    if latest_milestone is not None and due < latest_milestone:
        raise RegisterRuleError(Problem.PROJECT_BEFORE_MILESTONE, milestone_due=latest_milestone)
    return due


def check_status_change(current: str, new: str) -> Status:
    """The status the secretariat sets: a stored one, different from the current one."""
    try:
        wanted = Status(new)
    except ValueError as exc:
        raise RegisterRuleError(Problem.STATUS_UNKNOWN) from exc
    if wanted not in STORED_STATUSES:
        raise RegisterRuleError(Problem.STATUS_UNKNOWN)
    if wanted.value == current:
        raise RegisterRuleError(Problem.STATUS_UNCHANGED)
    return wanted


def effective_status(status: str, due: date | None, today: date) -> Status:
    """What readers see: the stored status, or "overdue" once ``today`` (the group's local
    date) is after the due date of an entry that is neither done nor cancelled."""
    stored = Status(status)
    if stored in CLOSED_STATUSES or due is None:
        return stored
    return Status.OVERDUE if due < today else stored


def due_order(due: date | None, entry_id: int) -> tuple[bool, date, int]:
    """Sort key for lists and roadmaps: by due date, entries without one last, then by age."""
    return (due is None, due or date.max, entry_id)
