"""Rules of the registers (cl. 4 а–к): derived overdue status, titles, notes, due dates along a
roadmap, kinds per register, status changes."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain import fields
from bot.domain.registers import (
    Problem,
    Register,
    RegisterRuleError,
    Status,
    check_due,
    check_kind,
    check_status_change,
    clean_note,
    clean_title,
    due_order,
    effective_status,
    kinds_for,
)

TODAY = date(2026, 12, 10)


@pytest.mark.parametrize("stored", ["planned", "in_progress"])
def test_cl4e_open_entry_past_its_due_date_is_overdue(stored: str) -> None:
    assert effective_status(stored, date(2026, 12, 9), TODAY) is Status.OVERDUE


@pytest.mark.parametrize("stored", ["planned", "in_progress"])
def test_cl4e_entry_due_today_is_not_yet_overdue(stored: str) -> None:
    assert effective_status(stored, TODAY, TODAY) is Status(stored)


@pytest.mark.parametrize("stored", ["done", "cancelled"])
def test_cl4e_done_or_cancelled_entry_is_never_overdue(stored: str) -> None:
    assert effective_status(stored, date(2020, 1, 1), TODAY) is Status(stored)


def test_cl4e_entry_without_due_date_is_never_overdue() -> None:
    assert effective_status("planned", None, date(2099, 1, 1)) is Status.PLANNED


def test_overdue_crosses_a_year_boundary() -> None:
    assert effective_status("planned", date(2026, 12, 31), date(2027, 1, 1)) is Status.OVERDUE
    assert effective_status("planned", date(2026, 12, 31), date(2026, 12, 31)) is Status.PLANNED


def test_title_whitespace_is_folded() -> None:
    assert clean_title("  Семинар \n для   руководителей ") == "Семинар для руководителей"


@pytest.mark.parametrize("raw", ["", "   ", "\n\t"])
def test_empty_title_is_refused(raw: str) -> None:
    with pytest.raises(RegisterRuleError) as caught:
        clean_title(raw)
    assert caught.value.problem is Problem.TITLE_EMPTY


def test_title_of_the_maximum_length_is_kept_and_one_more_is_refused() -> None:
    assert (
        clean_title("а" * fields.REGISTER_TITLE.max_length)
        == "а" * fields.REGISTER_TITLE.max_length
    )
    with pytest.raises(RegisterRuleError) as caught:
        clean_title("а" * (fields.REGISTER_TITLE.max_length + 1))
    assert caught.value.problem is Problem.TITLE_TOO_LONG
    assert caught.value.params == {
        "max": fields.REGISTER_TITLE.max_length,
        "length": fields.REGISTER_TITLE.max_length + 1,
    }


def test_note_keeps_its_lines_and_has_a_limit() -> None:
    assert clean_note("  первая строка\nвторая  ") == "первая строка\nвторая"
    assert (
        clean_note("я" * fields.REGISTER_NOTE.max_length) == "я" * fields.REGISTER_NOTE.max_length
    )
    with pytest.raises(RegisterRuleError) as too_long:
        clean_note("я" * (fields.REGISTER_NOTE.max_length + 1))
    assert too_long.value.problem is Problem.NOTE_TOO_LONG
    assert too_long.value.params["max"] == 2000
    with pytest.raises(RegisterRuleError) as empty:
        clean_note("   ")
    assert empty.value.problem is Problem.NOTE_EMPTY


def test_due_date_today_is_accepted_and_yesterday_refused() -> None:
    assert check_due(TODAY, today=TODAY) == TODAY
    with pytest.raises(RegisterRuleError) as caught:
        check_due(date(2026, 12, 9), today=TODAY)
    assert caught.value.problem is Problem.DUE_PAST
    assert caught.value.params == {"today": TODAY}


def test_cl4d_milestone_may_fall_on_but_not_after_its_project_due_date() -> None:
    project_due = date(2027, 6, 30)
    assert check_due(project_due, today=TODAY, project_due=project_due) == project_due
    with pytest.raises(RegisterRuleError) as caught:
        check_due(date(2027, 7, 1), today=TODAY, project_due=project_due)
    assert caught.value.problem is Problem.MILESTONE_AFTER_PROJECT
    assert caught.value.params == {"project_due": project_due}


def test_cl4d_milestone_of_a_project_without_due_date_is_not_limited() -> None:
    assert check_due(date(2030, 1, 1), today=TODAY, project_due=None) == date(2030, 1, 1)


def test_cl4d_project_cannot_end_before_its_last_milestone() -> None:
    milestone = date(2027, 3, 31)
    assert check_due(milestone, today=TODAY, latest_milestone=milestone) == milestone
    with pytest.raises(RegisterRuleError) as caught:
        check_due(date(2027, 3, 30), today=TODAY, latest_milestone=milestone)
    assert caught.value.problem is Problem.PROJECT_BEFORE_MILESTONE


def test_a_past_date_is_refused_before_the_roadmap_is_looked_at() -> None:
    with pytest.raises(RegisterRuleError) as caught:
        check_due(date(2026, 1, 1), today=TODAY, project_due=date(2027, 1, 1))
    assert caught.value.problem is Problem.DUE_PAST


def test_cl4_kinds_per_register() -> None:
    """cl. 4 в, з, и, к: four kinds of documents; cl. 4 б, д: projects and their milestones."""
    assert kinds_for(Register.DOCUMENTS) == (
        "interaction_rules",
        "methodical",
        "training",
        "legislative",
    )
    assert kinds_for(Register.PROJECTS) == ("project", "milestone")
    assert kinds_for(Register.EVENTS) == ()
    assert kinds_for(Register.MEASURES) == ()


@pytest.mark.parametrize(
    ("register", "kind"),
    [
        (Register.DOCUMENTS, None),
        (Register.DOCUMENTS, "project"),
        (Register.PROJECTS, None),
        (Register.PROJECTS, "methodical"),
        (Register.EVENTS, "methodical"),
        (Register.MEASURES, "milestone"),
    ],
)
def test_a_kind_from_another_register_is_refused(register: Register, kind: str | None) -> None:
    with pytest.raises(RegisterRuleError) as caught:
        check_kind(register, kind)
    assert caught.value.problem is Problem.WRONG_KIND


def test_kinds_that_belong_are_accepted() -> None:
    assert check_kind(Register.DOCUMENTS, "training") == "training"
    assert check_kind(Register.PROJECTS, "milestone") == "milestone"
    assert check_kind(Register.EVENTS, None) is None


def test_status_change_to_another_stored_status() -> None:
    assert check_status_change("planned", "in_progress") is Status.IN_PROGRESS
    # A done entry may be reopened: the secretariat corrects a mistake.
    assert check_status_change("done", "in_progress") is Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("current", "new", "problem"),
    [
        ("planned", "planned", Problem.STATUS_UNCHANGED),
        ("planned", "overdue", Problem.STATUS_UNKNOWN),
        ("planned", "archived", Problem.STATUS_UNKNOWN),
    ],
)
def test_status_change_refusals(current: str, new: str, problem: Problem) -> None:
    """ "Overdue" is the clock's verdict and is never set by hand."""
    with pytest.raises(RegisterRuleError) as caught:
        check_status_change(current, new)
    assert caught.value.problem is problem


def test_entries_are_ordered_by_due_date_with_undated_last() -> None:
    entries = [(3, None), (2, date(2027, 1, 1)), (1, date(2027, 1, 1)), (4, date(2026, 12, 20))]
    ordered = sorted(entries, key=lambda e: due_order(e[1], e[0]))
    assert [e[0] for e in ordered] == [4, 1, 2, 3]
