"""Rules of the roster: which roles it hands out, who must belong to a unit, which roles
have one holder at a time, and the order people and roles are listed in (cl. 6-9, 16).

Pure rules: the services and views ask these instead of comparing roles themselves, so a
change to who may hold what is made here and in `bot.domain.roles` alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from bot.domain.roles import (
    EXTRA_ROLES,
    ROLE_ORDER,
    ROSTER_ROLES,
    SINGLE_HOLDER_ROLES,
    UNIT_REQUIRED_ROLES,
    Role,
)

_RANK: dict[Role, int] = {role: i for i, role in enumerate(ROLE_ORDER)}


class Listed(Protocol):
    """Anyone the roster lists: a main role and a name to sort by."""

    @property
    def role(self) -> Role: ...

    @property
    def display_name(self) -> str: ...


M = TypeVar("M", bound=Listed)


def roster_role(value: str) -> Role | None:
    """The role a button or a dialog names, if the roster hands it out (guests excluded)."""
    return next((r for r in ROSTER_ROLES if r.value == value), None)


def is_roster_role(role: Role) -> bool:
    """Whether the roster hands `role` out: every role but a guest's."""
    return role in ROSTER_ROLES


def any_role(value: str) -> Role | None:
    """The role a button names, whichever it is: the service says why it may not be given."""
    return next((r for r in Role if r.value == value), None)


def assignment_refusal(role: Role) -> str | None:
    """Why the roster may not hand out `role` (a message key), or None when it may.

    A guest is invited to one meeting and is never a member (cl. 14, 16 а)."""
    if role is Role.GUEST:
        return "composition.guest_not_member"
    if not is_roster_role(role):
        return "errors.stale"
    return None


def needs_unit(roles: Role | Iterable[Role]) -> bool:
    """Whether someone holding these roles must belong to a structural unit (cl. 4 г)."""
    held = {roles} if isinstance(roles, Role) else set(roles)
    return not UNIT_REQUIRED_ROLES.isdisjoint(held)


def lacks_unit(roles: Role | Iterable[Role], unit_id: int | None) -> bool:
    """A unit representative without a unit: refused as `roster.unit_required`."""
    return unit_id is None and needs_unit(roles)


def has_single_holder(role: Role) -> bool:
    """The chair and the deputy: one holder at a time, so giving it replaces someone (cl. 7)."""
    return role in SINGLE_HOLDER_ROLES


def role_change_refusal(current: Role, wanted: Role, unit_id: int | None) -> str | None:
    """Why a member holding `current` (in unit `unit_id`) may not get `wanted`, or None."""
    if current is wanted:
        return "roster.role_unchanged"
    if lacks_unit(wanted, unit_id):
        return "roster.unit_required"
    return None


def kept_extra_roles(extra: Iterable[Role], main: Role, unit_id: int | None) -> frozenset[Role]:
    """The roles held besides a new main role: the main role itself is no longer extra, and
    a unit's representative without a unit represents nobody."""
    kept = {r for r in extra if r is not main}
    if unit_id is None:
        kept -= UNIT_REQUIRED_ROLES
    return frozenset(kept)


def role_choices(current: Role | None) -> tuple[Role, ...]:
    """The roles a member may be moved to: every roster role but the one they hold."""
    return tuple(r for r in ROSTER_ROLES if r is not current)


def extra_role_choices(main: Role) -> tuple[Role, ...]:
    """The roles one may hold besides `main` (cl. 7), in the roster's order."""
    return tuple(r for r in ROLE_ORDER if r in EXTRA_ROLES and r is not main)


def extra_role_toggles(main: Role, held: Iterable[Role]) -> tuple[tuple[Role, bool], ...]:
    """Each role one may hold besides `main`, and whether it is held now."""
    now_held = set(held)
    return tuple((r, r in now_held) for r in extra_role_choices(main))


def in_roster_order(roles: Iterable[Role]) -> list[Role]:
    """Roles as the roster lists them: presiding roles first, guests last."""
    return sorted(set(roles), key=_RANK.__getitem__)


def sort_members(members: Sequence[M]) -> list[M]:
    """The listing's order: by main role (what the card names first), then by name."""
    return sorted(members, key=lambda m: (_RANK[m.role], m.display_name.casefold()))
