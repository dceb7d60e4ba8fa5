"""What a pressed button carries, taken as the handler needs it."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from bot.services.errors import NotFound

E = TypeVar("E", bound=StrEnum)


def pressed(kind: type[E], value: str) -> E:
    """The button's value as one of `kind`. Our buttons only carry valid values, so anything
    else is an outdated or forged button: refused, which the person sees as an alert."""
    try:
        return kind(value)
    except ValueError:
        raise NotFound("errors.stale") from None
