"""Expert groups and project committees of the working group (cl. 10)."""

from __future__ import annotations

from enum import StrEnum


class GroupKind(StrEnum):
    WORKING_GROUP = "working_group"
    EXPERT_GROUP = "expert_group"
    PROJECT_COMMITTEE = "project_committee"


# What a subgroup may be; the working group itself is formed by the body, not by a decision.
SUBGROUP_KINDS: frozenset[GroupKind] = frozenset(
    {GroupKind.EXPERT_GROUP, GroupKind.PROJECT_COMMITTEE}
)
