"""Router-level filters: the roster standing of whoever sent the update, and magic filters
resolved without a thread hop."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter

from bot.domain.roles import Capability
from bot.services.actor import Actor


class HasCapability(Filter):
    """Routes by what the sender may do, as `bot.domain.roles.GRANTS` says: a router never
    names roles itself. A coroutine, so aiogram runs it in the event loop."""

    def __init__(self, capability: Capability) -> None:
        self.capability = capability

    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and actor.can(self.capability)


class InRoster(HasCapability):
    """Someone in the roster (or an administrator): whoever may use the bot at all."""

    def __init__(self) -> None:
        super().__init__(Capability.USE_BOT)


class Inline(Filter):
    """A magic filter resolved in the event loop.

    aiogram 3.31 runs every plain callable, `MagicFilter.resolve` included, in a worker
    thread (`asyncio.to_thread`); a router-level `F.chat.type == "private"` was a thread hop
    for every update passing that router, about twenty per update that reached the fallback.
    """

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)


def private_chat() -> Inline:
    return Inline(F.chat.type == "private")


def typed_text() -> Inline:
    """Text that is not a command: a command typed in a dialog goes to its own handler."""
    return Inline(F.text & ~F.text.startswith("/"))


class NotCommand(Filter):
    """Any message but a command (a document, a photo, plain text): a command typed in the
    middle of a dialog goes to its own handler instead of being taken as the answer."""

    async def __call__(self, event: TelegramObject) -> bool:
        text = getattr(event, "text", None)
        return not (isinstance(text, str) and text.startswith("/"))
