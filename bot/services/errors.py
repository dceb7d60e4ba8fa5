"""Refusals a service raises; handlers show them in the reader's language."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    """A refusal with a locale key and its parameters; nothing was changed."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class NotAllowed(ServiceError):
    pass


class NotFound(ServiceError):
    pass


class InvalidInput(ServiceError):
    pass


class NeedsConfirmation(ServiceError):
    """The change replaces someone or reaches many people; ask first, then call again."""
