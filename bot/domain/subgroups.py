"""Expert groups and project committees of the working group (cl. 10), and the outside
specialists invited into them (cl. 16 в).

A subgroup is a `working_group` row under the working group. Its people are memberships in
the subgroup's own group id: the head as `Role.CHAIR` (the subgroup's chair is its head,
«руководитель»), members of the working group as `Role.MEMBER`, outside specialists as
`Role.SPECIALIST`. Nobody's membership of a subgroup is a role in the working group: a
specialist never counts for the working group's quorum (`MEMBER_ROLES` are read in the
working group's own group id only).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from enum import StrEnum

from bot.domain.fields import TextField
from bot.domain.roles import Capability, Role, Standing


class GroupKind(StrEnum):
    WORKING_GROUP = "working_group"
    EXPERT_GROUP = "expert_group"
    PROJECT_COMMITTEE = "project_committee"


# What a subgroup may be; the working group itself is formed by the body, not by a decision.
SUBGROUP_KINDS: frozenset[GroupKind] = frozenset(
    {GroupKind.EXPERT_GROUP, GroupKind.PROJECT_COMMITTEE}
)

# A subgroup's roles, as memberships in the subgroup's group id.
HEAD_ROLE = Role.CHAIR
MEMBER_ROLE = Role.MEMBER
SPECIALIST_ROLE = Role.SPECIALIST
SUBGROUP_ROLES: frozenset[Role] = frozenset({HEAD_ROLE, MEMBER_ROLE, SPECIALIST_ROLE})

# What a person types when forming one.
SUBGROUP_NAME = TextField("subgroup_name", 200)
SUBGROUP_PURPOSE = TextField("subgroup_purpose", 1000, multiline=True)
SUBGROUP_REPORT = TextField("subgroup_report", 3000, multiline=True)


class SubgroupRuleError(ValueError):
    """A rule of cl. 10 the input breaks; `key` is the refusal's text."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def subgroup_kind(raw: str) -> GroupKind:
    """The kind a subgroup may have; the working group itself is not one (cl. 10)."""
    try:
        kind = GroupKind(raw)
    except ValueError:
        raise SubgroupRuleError("subgroups.kind_invalid") from None
    if kind not in SUBGROUP_KINDS:
        raise SubgroupRuleError("subgroups.kind_invalid")
    return kind


def may_form(standing: Standing) -> bool:
    """cl. 10: the secretariat (or the chair) forms a subgroup, by a decision."""
    return standing.can(Capability.FORM_SUBGROUPS)


def may_see_all(standing: Standing) -> bool:
    """The secretariat and the chair see every subgroup; others see their own."""
    return standing.can(Capability.FORM_SUBGROUPS)


def may_manage(standing: Standing, role_in_subgroup: Role | None) -> bool:
    """Adding and removing people, inviting specialists, dissolving: whoever may form a
    subgroup, and its head."""
    return may_form(standing) or is_head(role_in_subgroup)


def may_report(role_in_subgroup: Role | None) -> bool:
    """The subgroup's report to the working group is its head's (cl. 10)."""
    return is_head(role_in_subgroup)


class DecisionProblem(StrEnum):
    """Why a protocol's item cannot form a subgroup (cl. 10: formed by a decision)."""

    NONE = "subgroups.no_decision"
    NOT_SIGNED = "subgroups.protocol_not_signed"
    NO_ITEM = "subgroups.item_missing"


def decision_problem(
    protocol_status: str | None, item_number: int | None, items: Collection[int]
) -> DecisionProblem | None:
    """None when the item is a decision: an existing item of a signed protocol (cl. 14:
    only a signed protocol records decisions)."""
    if protocol_status is None or item_number is None:
        return DecisionProblem.NONE
    if protocol_status != "signed":
        return DecisionProblem.NOT_SIGNED
    if item_number not in items:
        return DecisionProblem.NO_ITEM
    return None


def check_people(head: int | None, members: Iterable[int], eligible: Collection[int]) -> None:
    """The head and the members are members of the working group (cl. 10); the head is
    not listed twice."""
    if head is None:
        raise SubgroupRuleError("subgroups.head_required")
    people = [head, *members]
    if any(p not in eligible for p in people):
        raise SubgroupRuleError("subgroups.not_a_member")


def is_head(role: Role | None) -> bool:
    return role is HEAD_ROLE


def is_plain_member(role: Role | None) -> bool:
    return role is MEMBER_ROLE


def is_specialist(role: Role | None) -> bool:
    """An outside specialist (cl. 16 в): in a subgroup, never in the working group."""
    return role is SPECIALIST_ROLE
