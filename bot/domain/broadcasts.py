"""Who a broadcast from the secretariat reaches (cl. 15). Pure: the roster is passed in."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from enum import StrEnum

from bot.domain import fields
from bot.domain.fields import FieldError, TextField, TextProblem
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


def text_field(with_document: bool) -> TextField:
    """A broadcast's text is a message of its own, or a document's caption."""
    return fields.BROADCAST_CAPTION if with_document else fields.BROADCAST_TEXT


def check_text(typed: str, *, with_document: bool) -> None:
    """The text as the secretariat typed it goes out unchanged (its formatting kept), so
    its own length counts, not the folded one: with the heading it must fit the message
    (4,096) or the caption (1,024) Telegram takes. Nothing visible is empty."""
    field = text_field(with_document)
    field.clean(typed)
    if len(typed) > field.max_length:
        raise FieldError(field, TextProblem.TOO_LONG, len(typed))
