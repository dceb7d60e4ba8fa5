"""Who a broadcast from the secretariat reaches (cl. 15). Pure: the roster is passed in."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from enum import StrEnum

from bot.domain.roles import Role, holds_member_role


class Audience(StrEnum):
    MEMBERS = "members"
    UNIT = "unit"
    SECRETARIAT = "secretariat"
    EVERYONE = "everyone"
    CHAT = "chat"


def in_audience(
    audience: Audience, roles: AbstractSet[Role], unit_id: int | None, chosen_unit: int | None
) -> bool:
    """Whether someone of the roster with these roles and unit is in the audience; the
    linked chat is not a person and is handled apart."""
    if audience is Audience.MEMBERS:
        # Members of the composition, chair and deputy included, whatever else they hold;
        # secretariat staff who are not members are not in this audience.
        return holds_member_role(roles)
    if audience is Audience.UNIT:
        return chosen_unit is not None and unit_id == chosen_unit
    if audience is Audience.SECRETARIAT:
        return Role.SECRETARIAT in roles
    if audience is Audience.EVERYONE:
        return bool(roles - {Role.GUEST})
    return False
