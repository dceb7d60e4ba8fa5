"""Versions of the documents in the registers as pure rules (cl. 4 б, в, к, 5)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.domain.document_versions import (
    VersionProblem,
    VersionRuleError,
    VersionStatus,
    approval,
    card_order,
    carries_versions,
    check_versioned,
    next_number,
)

DRAFT, APPROVED, SUPERSEDED = (s.value for s in VersionStatus)


def test_cl4k_cl5_approving_a_draft_supersedes_the_version_approved_before() -> None:
    """cl. 4 к, 5: one approved version at a time; the previous one stays as history."""
    versions = [(1, SUPERSEDED), (2, APPROVED), (3, DRAFT), (4, DRAFT)]
    assert approval(versions, 3, has_decision=True) == {
        2: VersionStatus.SUPERSEDED,
        3: VersionStatus.APPROVED,
    }


def test_cl4k_the_first_approval_supersedes_nothing() -> None:
    assert approval([(1, DRAFT)], 1, has_decision=True) == {1: VersionStatus.APPROVED}


def test_cl4k_cl5_no_version_is_approved_without_a_decision() -> None:
    """cl. 4 к, 5: the group approves its documents by a decision (a protocol item)."""
    with pytest.raises(VersionRuleError) as refused:
        approval([(1, DRAFT)], 1, has_decision=False)
    assert refused.value.problem is VersionProblem.NO_DECISION


@pytest.mark.parametrize("status", [APPROVED, SUPERSEDED])
def test_cl4k_only_a_draft_is_approved(status: str) -> None:
    """An approved version is not approved again, and a superseded one does not come back
    into force by approval: a new draft with its file does."""
    with pytest.raises(VersionRuleError) as refused:
        approval([(1, status), (2, DRAFT)], 1, has_decision=True)
    assert refused.value.problem is VersionProblem.NOT_DRAFT


def test_a_version_of_another_entry_is_not_a_draft_here() -> None:
    with pytest.raises(VersionRuleError) as refused:
        approval([(1, DRAFT)], 9, has_decision=True)
    assert refused.value.problem is VersionProblem.NOT_DRAFT


@pytest.mark.parametrize(
    ("register", "kind", "carries"),
    [
        ("documents", "interaction_rules", True),  # cl. 4 в, 5
        ("documents", "methodical", True),  # cl. 4 к
        ("documents", "training", True),  # cl. 4 з
        ("documents", "legislative", True),  # cl. 4 и
        ("events", None, True),  # the Plan, cl. 4 б, е
        ("projects", "project", True),  # its roadmap, cl. 4 б, д
        ("projects", "milestone", False),
        ("measures", None, False),
    ],
)
def test_cl4b_cl4v_which_entries_carry_versions(
    register: str, kind: str | None, carries: bool
) -> None:
    assert carries_versions(register, kind) is carries
    if not carries:
        with pytest.raises(VersionRuleError) as refused:
            check_versioned(register, kind)
        assert refused.value.problem is VersionProblem.NOT_VERSIONED


def test_versions_are_numbered_in_the_order_they_are_added() -> None:
    assert next_number([]) == 1
    assert next_number([1, 3, 2]) == 4


@dataclass(frozen=True)
class _V:
    number: int
    status: str


def test_cl4k_the_card_shows_the_approved_version_first_then_the_newest_history() -> None:
    versions = [_V(1, SUPERSEDED), _V(2, APPROVED), _V(3, DRAFT)]
    approved, history = card_order(versions)
    assert approved == _V(2, APPROVED)
    assert history == [_V(3, DRAFT), _V(1, SUPERSEDED)]
    assert card_order([_V(1, DRAFT)]) == (None, [_V(1, DRAFT)])
