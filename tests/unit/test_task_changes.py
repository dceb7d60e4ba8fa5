"""Tasks decided again (cl. 4 д–е, 14): the pure rules of who may change a task and how."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.roles import Role, Standing
from bot.domain.task_changes import (
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
from bot.domain.tasks import at_notice_hour, reminder_still_meant

TODAY = date(2026, 12, 5)
MSK = ZoneInfo("Europe/Moscow")

CHAIR = Standing(Role.CHAIR)
DEPUTY = Standing(Role.DEPUTY_CHAIR)
MEMBER = Standing(Role.MEMBER)
CLERK = Standing(Role.SECRETARIAT)
MEMBER_IN_SECRETARIAT = Standing(Role.MEMBER, extra_roles=frozenset({Role.SECRETARIAT}))
ADMIN = Standing(None, is_admin=True)
UNIT = Standing(Role.UNIT_REPRESENTATIVE)


@pytest.mark.parametrize(
    ("standing", "expected"),
    [
        (CHAIR, True),
        (CLERK, True),
        (MEMBER_IN_SECRETARIAT, True),
        (ADMIN, True),
        (DEPUTY, False),
        (MEMBER, False),
        (UNIT, False),
        (Standing(Role.GUEST), False),
        (Standing(None), False),
    ],
)
def test_cl4e_cl14_who_may_record_a_change_of_a_task(standing: Standing, expected: bool) -> None:
    """cl. 4 д–е, 14: the chair and the secretariat (which records decisions)."""
    assert may_change(standing) is expected


@pytest.mark.parametrize(
    ("standing", "by_decision", "expected"),
    [
        (CLERK, True, None),
        (CLERK, False, ChangeProblem.DECISION_REQUIRED),
        (ADMIN, False, ChangeProblem.DECISION_REQUIRED),
        (CHAIR, True, None),
        (CHAIR, False, None),
        (MEMBER, True, ChangeProblem.NOT_ALLOWED),
        (MEMBER, False, ChangeProblem.NOT_ALLOWED),
        (DEPUTY, True, ChangeProblem.NOT_ALLOWED),
    ],
)
def test_cl14_a_change_needs_a_decision_unless_the_chair_makes_it(
    standing: Standing, by_decision: bool, expected: ChangeProblem | None
) -> None:
    """cl. 14: by a decision (a signed protocol's item), or by the chair with a reason."""
    assert basis_problem(standing, by_decision=by_decision) is expected


@pytest.mark.parametrize(
    ("current", "new", "expected"),
    [
        (date(2026, 12, 15), date(2026, 12, 25), None),
        (date(2026, 12, 15), date(2026, 12, 16), None),
        (date(2026, 12, 15), date(2026, 12, 15), ChangeProblem.DEADLINE_NOT_LATER),
        (date(2026, 12, 15), date(2026, 12, 10), ChangeProblem.DEADLINE_NOT_LATER),
        (date(2026, 12, 15), date(2026, 12, 4), ChangeProblem.DEADLINE_PAST),
        # An overdue task is extended from a past deadline to today or later.
        (date(2026, 12, 1), TODAY, None),
        (date(2026, 12, 1), date(2026, 12, 3), ChangeProblem.DEADLINE_PAST),
        # A task without a deadline gets one, not in the past.
        (None, TODAY, None),
        (None, date(2026, 12, 4), ChangeProblem.DEADLINE_PAST),
    ],
)
def test_cl4e_an_extension_moves_the_deadline_forward_not_into_the_past(
    current: date | None, new: date, expected: ChangeProblem | None
) -> None:
    """cl. 4 д–е: an extension to a date in the past, or not after the current deadline,
    is refused."""
    assert extension_problem(current, new, TODAY) is expected


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("open", None),
        ("done", ChangeProblem.TASK_DONE),
        ("cancelled", ChangeProblem.TASK_CANCELLED),
    ],
)
def test_cl4e_only_a_task_in_work_is_extended_or_cancelled(
    status: str, expected: ChangeProblem | None
) -> None:
    assert open_problem(status) is expected


@pytest.mark.parametrize(
    ("status", "accepted", "expected"),
    [
        ("done", False, None),
        ("done", True, ChangeProblem.ALREADY_ACCEPTED),
        ("open", False, ChangeProblem.NOT_REPORTED),
        ("cancelled", False, ChangeProblem.NOT_REPORTED),
    ],
)
def test_cl4e_a_completion_report_is_judged_once(
    status: str, accepted: bool, expected: ChangeProblem | None
) -> None:
    """cl. 4 д–е: a report accepted twice is refused; an open task has no report to judge."""
    assert review_problem(status, accepted=accepted) is expected


def test_cl4e_the_secretariat_reviews_completion_reports() -> None:
    assert may_review(CLERK) and may_review(MEMBER_IN_SECRETARIAT) and may_review(ADMIN)
    assert not may_review(CHAIR) and not may_review(MEMBER)


def test_cl14_the_chairs_reason_and_the_comment_are_required_and_limited() -> None:
    assert clean_reason("  Командировка  ") == "Командировка"
    for raw, problem in (
        ("  ", ChangeProblem.REASON_REQUIRED),
        ("я" * 1001, ChangeProblem.REASON_TOO_LONG),
    ):
        with pytest.raises(ChangeRuleError) as bad:
            clean_reason(raw)
        assert bad.value.problem is problem
    assert clean_comment("Доработать") == "Доработать"
    for raw, problem in (
        ("", ChangeProblem.COMMENT_REQUIRED),
        ("я" * 1001, ChangeProblem.COMMENT_TOO_LONG),
    ):
        with pytest.raises(ChangeRuleError) as bad:
            clean_comment(raw)
        assert bad.value.problem is problem


def test_cl4e_a_reminder_of_an_extended_deadline_is_not_meant_any_more() -> None:
    """cl. 4 д–е, 14: the reminder planned 7 days before the old deadline is not sent after
    an extension; the one planned for the new deadline is."""
    old, new = date(2026, 12, 15), date(2026, 12, 25)
    planned = at_notice_hour(date(2026, 12, 8), MSK)
    assert planned == datetime(2026, 12, 8, 7, 0, tzinfo=UTC)
    assert reminder_still_meant(old, 7, MSK, planned)
    assert not reminder_still_meant(new, 7, MSK, planned)
    assert reminder_still_meant(new, 7, MSK, at_notice_hour(date(2026, 12, 18), MSK))
