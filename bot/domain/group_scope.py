"""A person's standing in one group: the working group, or an expert group or project
committee under it (cl. 10), whose meetings follow the same rules (cl. 11-15).

A subgroup consists of members of the working group and outside specialists (cl. 10, 16 в):
inside it, its head (a membership with the chair's role), its members and its specialists
count for its quorum, vote on its additional items and give consent to its protocol. A
specialist is never a member of the working group itself (the roster does not hand that role
out), so their check-in can count for the subgroup only. The working group's secretariat
serves its subgroups too; the working group's chair may set a subgroup's meetings.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.roles import MEMBER_ROLES, Capability, Role, Standing, can
from bot.domain.subgroups import SUBGROUP_KINDS, GroupKind

# Who counts for a group's quorum, votes and consents (cl. 14) — in a subgroup, its
# specialists as well (cl. 10). The role exists only in subgroups' memberships.
COUNTING_ROLES: frozenset[Role] = MEMBER_ROLES | {Role.SPECIALIST}

# Roles of the working group that reach into each subgroup without a membership there.
_SERVES_SUBGROUPS: frozenset[Role] = frozenset({Role.SECRETARIAT})
# Roles of the working group that may set a subgroup's meetings besides its head.
_SETS_SUBGROUP_MEETINGS: frozenset[Role] = frozenset({Role.CHAIR, Role.SECRETARIAT})


def is_subgroup(kind: str) -> bool:
    try:
        return GroupKind(kind) in SUBGROUP_KINDS
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Scope:
    """Which group a standing is in: the working group (parent_roles None) or a subgroup,
    with the person's roles in the working group above it."""

    group_id: int
    kind: str = GroupKind.WORKING_GROUP.value
    name: str = ""
    parent_roles: frozenset[Role] | None = None

    @property
    def subgroup(self) -> bool:
        return self.parent_roles is not None


def roles_in_subgroup(own: AbstractSet[Role], parent_roles: AbstractSet[Role]) -> frozenset[Role]:
    """A person's roles in a subgroup: their membership there, and the secretariat's role
    when they work in the working group's secretariat (it serves the subgroups too)."""
    return frozenset(own) | (frozenset(parent_roles) & _SERVES_SUBGROUPS)


def may_act_in(roles: AbstractSet[Role], parent_roles: AbstractSet[Role] | None) -> bool:
    """Whether the person has any standing in the group: a role there, or (in a subgroup)
    the working group's chair who may set its meetings."""
    if roles:
        return True
    return parent_roles is not None and not _SETS_SUBGROUP_MEETINGS.isdisjoint(parent_roles)


def scoped_can(
    roles: AbstractSet[Role],
    capability: Capability,
    *,
    is_admin: bool,
    parent_roles: AbstractSet[Role] | None,
) -> bool:
    """What a person may do in a group. In the working group, GRANTS as they are; in a
    subgroup, GRANTS over the person's roles there, and also: its specialists attend its
    meetings (cl. 10, 16 в), the working group's chair and secretariat may set them."""
    standing = Standing(role=None, is_admin=is_admin, extra_roles=frozenset(roles))
    if parent_roles is None:
        return can(standing, capability)
    if capability is Capability.USE_BOT:
        return is_admin or may_act_in(roles, parent_roles)
    if capability is Capability.ATTEND_MEETINGS and Role.SPECIALIST in roles:
        return True
    if capability is Capability.SCHEDULE and not _SETS_SUBGROUP_MEETINGS.isdisjoint(parent_roles):
        return True
    return can(standing, capability)


def counts_for_quorum(roles: AbstractSet[Role]) -> bool:
    """Cl. 14 over a group's own members: in a subgroup its head, members and specialists
    (cl. 10); secretariat staff, unit representatives and guests never count."""
    return not roles.isdisjoint(COUNTING_ROLES)


class SubgroupScheduleRefusal(StrEnum):
    ONLY_HEAD = "only_head"


def subgroup_schedule_refusal(
    roles: AbstractSet[Role], parent_roles: AbstractSet[Role]
) -> SubgroupScheduleRefusal | None:
    """Who sets a subgroup's meetings (cl. 10, 13): its head, the working group's chair, or
    the secretariat."""
    if Role.CHAIR in roles or not _SETS_SUBGROUP_MEETINGS.isdisjoint(parent_roles):
        return None
    return SubgroupScheduleRefusal.ONLY_HEAD


def counts_for_monthly_rule(kind: str) -> bool:
    """Cl. 11-12: the monthly rule binds the working group; a subgroup's meetings never
    make a month compliant."""
    return not is_subgroup(kind)


# What a person who is only in subgroups (an outside specialist, cl. 16 в) reaches outside a
# meeting's own buttons: their group's meetings, agendas and protocols — as callback data's
# prefix (with its section for the menu) or a command — taken in their subgroup.
_SPECIALIST_PREFIXES: frozenset[str] = frozenset({"mt", "ag", "vt", "pr"})
_SPECIALIST_SECTIONS: frozenset[str] = frozenset({"meetings", "agenda", "protocols"})
_SPECIALIST_COMMANDS: frozenset[str] = frozenset({"meetings", "agenda", "protocols", "propose"})
# And what is theirs as they are, outside any group's standing: their subgroups' cards
# (handlers/subgroups.py serves these to people outside the roster), the menu, help,
# language, /start and /cancel.
_OWN_PREFIXES: frozenset[str] = frozenset({"sg", "lg"})
_OWN_SECTIONS: frozenset[str] = frozenset({"main", "help", "language"})
_OWN_COMMANDS: frozenset[str] = frozenset(
    {"start", "menu", "help", "language", "cancel", "subgroups"}
)


def _parts(reach: str) -> tuple[str, str]:
    """(command, "") for ``/meetings``; (prefix, the rest) for ``mt:card:5``."""
    if reach.startswith("/"):
        return reach[1:].split("@", 1)[0].lower(), ""
    prefix, _, rest = reach.partition(":")
    return prefix, rest.split(":", 1)[0]


def specialist_may_reach(reach: str) -> bool:
    """`reach` is a button's callback data (``mt:card:5``) or a command (``/meetings``):
    whether it is one of the specialist's group's meetings, agendas or protocols."""
    head, section = _parts(reach)
    if reach.startswith("/"):
        return head in _SPECIALIST_COMMANDS
    if head == "m":
        return section in _SPECIALIST_SECTIONS
    return head in _SPECIALIST_PREFIXES


def specialist_own(reach: str) -> bool:
    """Whether `reach` is the specialist's own (their subgroups' cards, the menu, help,
    language, /start, /cancel): taken as they are, not in a group."""
    head, section = _parts(reach)
    if reach.startswith("/"):
        return head in _OWN_COMMANDS
    if head == "m":
        return section in _OWN_SECTIONS
    return head in _OWN_PREFIXES
