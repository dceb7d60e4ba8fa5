"""The approved composition (cl. 9) and the roles a person holds at once (cl. 6-7).

The members of the working group are those in force under the acts of the body that approve
and change its personal composition: an order (приказ) or a directive (распоряжение), each
with a number and a date. Pure rules: no clock, `today` is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.domain import fields
from bot.domain.fields import FieldError
from bot.domain.roles import EXTRA_ROLES, MEMBER_ROLES, ROLE_ORDER, SINGLE_HOLDER_ROLES, Role


class ActKind(StrEnum):
    ORDER = "order"  # приказ
    DIRECTIVE = "directive"  # распоряжение


class CompositionError(StrEnum):
    """Why an act or a role set is refused; each is a message key in the `composition` section."""

    NUMBER_INVALID = "number_invalid"
    DATE_FUTURE = "date_future"
    NUMBER_TAKEN = "number_taken"
    EXTRA_ROLE_INVALID = "extra_role_invalid"
    EXTRA_NEEDS_UNIT = "extra_needs_unit"
    EXTRA_SAME_AS_MAIN = "extra_same_as_main"
    NOT_A_MEMBER_ROLE = "not_a_member_role"
    GUEST_NOT_MEMBER = "guest_not_member"


class CompositionRuleError(ValueError):
    def __init__(self, code: CompositionError) -> None:
        super().__init__(code.value)
        self.code = code


@dataclass(frozen=True, slots=True)
class ActDetails:
    kind: ActKind
    number: str | None
    signed_on: date | None

    @property
    def complete(self) -> bool:
        """An act made for a roster that existed before the acts were recorded has no
        number and date until the secretariat completes it."""
        return bool(self.number) and self.signed_on is not None


def clean_number(raw: str) -> str:
    """An act's number as typed («12-р», «№ 45»), without the sign and folded spaces."""
    try:
        return fields.ACT_NUMBER.clean(raw.replace("№", " "))
    except FieldError:
        raise CompositionRuleError(CompositionError.NUMBER_INVALID) from None


def check_signed_on(signed_on: date, today: date) -> date:
    """An act that approves the composition is signed already: never a date to come."""
    if signed_on > today:
        raise CompositionRuleError(CompositionError.DATE_FUTURE)
    return signed_on


def number_clashes(candidate: ActDetails, others: Iterable[ActDetails]) -> bool:
    """Acts of one kind are numbered per year: the same kind, number and year is the same act
    recorded twice. Numbers compare without case (Cyrillic «р» and «Р» are one number)."""
    if candidate.number is None or candidate.signed_on is None:
        return False
    wanted = candidate.number.casefold()
    return any(
        other.kind is candidate.kind
        and other.number is not None
        and other.signed_on is not None
        and other.signed_on.year == candidate.signed_on.year
        and other.number.casefold() == wanted
        for other in others
    )


def check_member_role(role: Role) -> Role:
    """Who an act includes in the composition: a member, the chair or the deputy (cl. 7-9);
    the secretariat's staff and guests are not members by an act."""
    if role not in MEMBER_ROLES:
        raise CompositionRuleError(CompositionError.NOT_A_MEMBER_ROLE)
    return role


# The roles an act includes someone in, in roster order: what the inclusion dialog offers.
INCLUDED_ROLES: tuple[Role, ...] = tuple(r for r in ROLE_ORDER if r in MEMBER_ROLES)


def check_included_role(role: Role) -> Role:
    """`check_member_role` for the inclusion dialog, where a guest is told why by name
    (cl. 16 а: a guest is invited to one meeting, never included in the composition)."""
    if role is Role.GUEST:
        raise CompositionRuleError(CompositionError.GUEST_NOT_MEMBER)
    return check_member_role(role)


def replaces_holder(role: Role) -> bool:
    """Including someone as chair or deputy replaces the one holding it now (cl. 7)."""
    return role in SINGLE_HOLDER_ROLES


def check_extra_roles(main: Role, extra: Iterable[Role], unit_id: int | None) -> frozenset[Role]:
    """Roles besides the main one (cl. 6-7): only a unit's reporting representative and the
    secretariat, never the main role again, and a representative needs the unit."""
    roles = frozenset(extra)
    if not roles <= EXTRA_ROLES:
        raise CompositionRuleError(CompositionError.EXTRA_ROLE_INVALID)
    if main in roles:
        raise CompositionRuleError(CompositionError.EXTRA_SAME_AS_MAIN)
    if Role.UNIT_REPRESENTATIVE in roles and unit_id is None:
        raise CompositionRuleError(CompositionError.EXTRA_NEEDS_UNIT)
    return roles
