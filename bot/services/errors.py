"""Refusals a service raises; handlers show them in the reader's language."""

from __future__ import annotations

from typing import Any

from bot.domain.fields import FieldError, TextField
from bot.domain.roles import Capability


class ServiceError(Exception):
    """A refusal with a locale key and its parameters; nothing was changed."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotAllowed(ServiceError):
    pass


class RoleRefusal(NotAllowed):
    """The actor's roles do not grant ``capability``: the reader is told which roles do
    (UX.md: a refusal says why), named in the reader's language where it is shown."""

    def __init__(self, capability: Capability) -> None:
        super().__init__("errors.role_forbidden")
        self.capability = capability


class NotFound(ServiceError):
    pass


class InvalidInput(ServiceError):
    pass


class NeedsConfirmation(ServiceError):
    """The change replaces someone or reaches many people; ask first, then call again."""


def checked(field: TextField, raw: str) -> str:
    """`field.clean(raw)` as a service refuses it: the field's own key and limit."""
    try:
        return field.clean(raw)
    except FieldError as bad:
        raise InvalidInput(bad.key, **bad.params) from None


def checked_optional(field: TextField, raw: str | None) -> str | None:
    """As `checked`; nothing visible typed is None."""
    try:
        return field.clean_optional(raw)
    except FieldError as bad:
        raise InvalidInput(bad.key, **bad.params) from None
