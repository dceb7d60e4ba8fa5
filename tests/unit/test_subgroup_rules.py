"""Rules of expert groups and project committees (cl. 10) and outside specialists (cl. 16 в)."""

from __future__ import annotations

import pytest

from bot.domain.fields import FieldError, TextField
from bot.domain.roles import ROSTER_ROLES, Capability, Role, Standing
from bot.domain.subgroups import (
    SUBGROUP_NAME,
    SUBGROUP_PURPOSE,
    DecisionProblem,
    GroupKind,
    SubgroupRuleError,
    check_people,
    decision_problem,
    is_head,
    is_specialist,
    may_form,
    may_manage,
    may_report,
    may_see_all,
    subgroup_kind,
)


@pytest.mark.parametrize(
    ("standing", "allowed"),
    [
        (Standing(Role.SECRETARIAT), True),
        (Standing(Role.CHAIR), True),
        (Standing(Role.MEMBER, extra_roles=frozenset({Role.SECRETARIAT})), True),
        (Standing(Role.DEPUTY_CHAIR), False),
        (Standing(Role.MEMBER), False),
        (Standing(Role.UNIT_REPRESENTATIVE), False),
        (Standing(None, is_admin=True), False),
        (Standing(None), False),
    ],
)
def test_cl10_the_secretariat_or_the_chair_forms_a_subgroup(
    standing: Standing, allowed: bool
) -> None:
    assert may_form(standing) is allowed
    assert may_see_all(standing) is allowed


def test_cl10_the_head_manages_and_reports_members_and_specialists_do_not() -> None:
    member = Standing(Role.MEMBER)
    assert may_manage(member, Role.CHAIR) and may_report(Role.CHAIR)
    assert not may_manage(member, Role.MEMBER) and not may_report(Role.MEMBER)
    assert not may_manage(Standing(None), Role.SPECIALIST) and not may_report(Role.SPECIALIST)
    assert may_manage(Standing(Role.SECRETARIAT), None)
    # The secretariat manages, but the report is the head's own.
    assert not may_report(None)
    assert is_head(Role.CHAIR) and is_specialist(Role.SPECIALIST) and not is_head(Role.MEMBER)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [("expert_group", GroupKind.EXPERT_GROUP), ("project_committee", GroupKind.PROJECT_COMMITTEE)],
)
def test_cl10_kinds_of_a_subgroup(raw: str, kind: GroupKind) -> None:
    assert subgroup_kind(raw) is kind


@pytest.mark.parametrize("raw", ["working_group", "", "committee", "EXPERT_GROUP"])
def test_cl10_the_working_group_itself_or_anything_else_is_not_a_subgroups_kind(raw: str) -> None:
    with pytest.raises(SubgroupRuleError):
        subgroup_kind(raw)


@pytest.mark.parametrize(
    ("status", "item", "items", "problem"),
    [
        (None, 1, [1], DecisionProblem.NONE),
        ("signed", None, [1], DecisionProblem.NONE),
        ("draft", 1, [1], DecisionProblem.NOT_SIGNED),
        ("consent", 1, [1], DecisionProblem.NOT_SIGNED),
        ("signed", 3, [1, 2], DecisionProblem.NO_ITEM),
        ("signed", 2, [], DecisionProblem.NO_ITEM),
        ("signed", 2, [1, 2], None),
    ],
)
def test_cl10_a_subgroup_is_formed_only_by_an_item_of_a_signed_protocol(
    status: str | None, item: int | None, items: list[int], problem: DecisionProblem | None
) -> None:
    assert decision_problem(status, item, items) is problem


def test_cl10_head_and_members_are_members_of_the_working_group() -> None:
    check_people(1, [2, 3], {1, 2, 3})
    with pytest.raises(SubgroupRuleError, match="head_required"):
        check_people(None, [2], {1, 2})
    with pytest.raises(SubgroupRuleError, match="not_a_member"):
        check_people(1, [9], {1, 2})
    with pytest.raises(SubgroupRuleError, match="not_a_member"):
        check_people(9, [], {1, 2})


@pytest.mark.parametrize(("field", "limit"), [(SUBGROUP_NAME, 200), (SUBGROUP_PURPOSE, 1000)])
def test_cl10_name_and_purpose_lengths(field: TextField, limit: int) -> None:
    assert field.clean("  Единое   окно ") == "Единое окно"
    assert field.clean("я" * limit) == "я" * limit
    with pytest.raises(FieldError):
        field.clean("я" * (limit + 1))
    with pytest.raises(FieldError):
        field.clean(" \u200b ")


def test_cl16v_a_specialist_is_never_a_member_of_the_working_group() -> None:
    """cl. 16 в: the roster never hands the specialist's role out, so a specialist holds no
    role in the working group and never counts for its quorum, votes or consent; within
    their expert group or project committee they take part and count (cl. 10)."""
    assert Role.SPECIALIST not in ROSTER_ROLES
    assert not Standing(None).in_roster and not Standing(None).is_member
    assert Standing(Role.SPECIALIST).is_member
    assert not Standing(Role.SPECIALIST).can(Capability.SCHEDULE)
