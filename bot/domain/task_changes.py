"""Tasks decided again (cl. 4 д–е, 14): a task's deadline is extended, or the task is
cancelled, only by a decision (an item of a signed protocol) or by the chair with a written
reason; the secretariat accepts or returns an owner's completion report. Pure: the date of
today in the group's zone is passed in."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from bot.domain.fields import FieldError, TextField, TextProblem
from bot.domain.roles import Capability, Role, Standing

# The chair's written reason for a change without a decision, and the secretariat's comment
# on a completion report.
CHANGE_REASON = TextField("task_change_reason", 1000, multiline=True)
REVIEW_COMMENT = TextField("task_review_comment", 1000, multiline=True)


class ChangeKind(StrEnum):
    EXTEND = "extend"
    CANCEL = "cancel"
    ACCEPT = "accept"
    RETURN = "return"


# What a task's change history keeps (the card shows them in order).
DECIDED_KINDS: frozenset[ChangeKind] = frozenset({ChangeKind.EXTEND, ChangeKind.CANCEL})
REVIEW_KINDS: frozenset[ChangeKind] = frozenset({ChangeKind.ACCEPT, ChangeKind.RETURN})


class ChangeProblem(StrEnum):
    NOT_ALLOWED = "not_allowed"
    DECISION_REQUIRED = "decision_required"
    REASON_REQUIRED = "reason_required"
    REASON_TOO_LONG = "reason_too_long"
    TASK_DONE = "task_done"
    TASK_CANCELLED = "task_cancelled"
    DEADLINE_PAST = "deadline_past"
    DEADLINE_NOT_LATER = "deadline_not_later"
    NOT_REVIEWER = "not_reviewer"
    NOT_REPORTED = "not_reported"
    ALREADY_ACCEPTED = "already_accepted"
    COMMENT_REQUIRED = "comment_required"
    COMMENT_TOO_LONG = "comment_too_long"


class ChangeRuleError(ValueError):
    """A rule refused the change; ``problem`` picks the message."""

    def __init__(self, problem: ChangeProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def may_change(standing: Standing) -> bool:
    """Who may record a change of a task at all: the secretariat (by a decision) and the
    chair (by a decision, or on their own with a reason)."""
    return standing.can(Capability.CHANGE_TASKS)


def may_change_without_decision(standing: Standing) -> bool:
    """Cl. 4 д–е, 14: without a decision only the chair changes a task, with a reason."""
    return standing.has(Role.CHAIR)


def may_review(standing: Standing) -> bool:
    """Cl. 4 д–е: the secretariat controls execution and reviews completion reports."""
    return standing.can(Capability.KEEP_RECORD)


def basis_problem(standing: Standing, *, by_decision: bool) -> ChangeProblem | None:
    """Cl. 4 д–е, 14: a change by a decision is recorded by whoever may change tasks; a change
    without one is the chair's alone."""
    if not may_change(standing):
        return ChangeProblem.NOT_ALLOWED
    if not by_decision and not may_change_without_decision(standing):
        return ChangeProblem.DECISION_REQUIRED
    return None


def clean_reason(raw: str) -> str:
    """The chair's written reason: required, within the limit."""
    try:
        return CHANGE_REASON.clean(raw)
    except FieldError as bad:
        if bad.problem is TextProblem.EMPTY:
            raise ChangeRuleError(ChangeProblem.REASON_REQUIRED) from None
        raise ChangeRuleError(ChangeProblem.REASON_TOO_LONG) from None


def clean_comment(raw: str) -> str:
    """The secretariat's comment on a returned report: required, within the limit."""
    try:
        return REVIEW_COMMENT.clean(raw)
    except FieldError as bad:
        if bad.problem is TextProblem.EMPTY:
            raise ChangeRuleError(ChangeProblem.COMMENT_REQUIRED) from None
        raise ChangeRuleError(ChangeProblem.COMMENT_TOO_LONG) from None


def open_problem(status: str) -> ChangeProblem | None:
    """Only a task in work is extended or cancelled: a done or cancelled one is closed."""
    if status == "done":
        return ChangeProblem.TASK_DONE
    if status == "cancelled":
        return ChangeProblem.TASK_CANCELLED
    return None


def extension_problem(current: date | None, new: date, today: date) -> ChangeProblem | None:
    """An extension moves the deadline forward: not into the past (today is still ahead)
    and after the current deadline. A task without a deadline gets one."""
    if new < today:
        return ChangeProblem.DEADLINE_PAST
    if current is not None and new <= current:
        return ChangeProblem.DEADLINE_NOT_LATER
    return None


def review_problem(status: str, *, accepted: bool) -> ChangeProblem | None:
    """A completion report is accepted or returned once: accepting twice, or after the
    report was returned (the task is open again), changes nothing."""
    if accepted:
        return ChangeProblem.ALREADY_ACCEPTED
    if status != "done":
        return ChangeProblem.NOT_REPORTED
    return None
