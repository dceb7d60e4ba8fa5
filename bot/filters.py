"""Router-level filters: the roster standing of whoever sent the update, and magic filters
resolved without a thread hop."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.filters.callback_data import CallbackData
from aiogram.fsm.state import State
from aiogram.types import TelegramObject
from magic_filter import MagicFilter

from bot.callbacks import MenuCb
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


def private_router(name: str, *message_filters: Filter) -> Router:
    """A router whose messages are taken in private chats only, and only when the further
    filters pass; its buttons may still be pressed under a card in a group's chat."""
    r = Router(name=name)
    r.message.filter(private_chat(), *message_filters)
    return r


def on_section(
    r: Router,
    handler: Callable[..., Any],
    section: str,
    *,
    slash: str | None = None,
    button: Callable[..., Any] | None = None,
) -> None:
    """A section's entry: its command (/meetings) and its button of the main menu, both to
    one handler taking `Message | CallbackQuery` unless `button` has its own. The command
    is the section's name unless `slash` names it."""
    r.message.register(handler, Command(slash or section))
    r.callback_query.register(button or handler, MenuCb.filter(F.section == section))


def section_router(
    name: str,
    capability: Capability,
    *,
    section: str,
    command: Callable[..., Any],
    button: Callable[..., Any] | None = None,
    slash: str | None = None,
) -> Router:
    """A router of one capability's section of the main menu: its command (in private
    chats) and its buttons (wherever the card is), both only for those who have it. The
    command's name is the section's (/members, «Members») unless `slash` names it (/invite
    for «Invitations»); the button's handler is by default the command's."""
    r = private_router(name, HasCapability(capability))
    r.callback_query.filter(HasCapability(capability))
    on_section(r, command, section, slash=slash, button=button)
    return r


def on_steps(
    r: Router, steps: Iterable[tuple[Callable[..., Any], State]], *content: Filter
) -> None:
    """Each dialog step's handler, for messages in its state that pass `content` (text, a
    document, anything but a command)."""
    for handler, state in steps:
        r.message.register(handler, StateFilter(state), *content)


# A button's handler, the values of its payload's field that it takes, and the dialog step
# it belongs to (None: any step, or none).
Press = tuple[Callable[..., Any], str | Collection[str], State | None]


def on_presses(
    r: Router, payload: type[CallbackData], presses: Iterable[Press], *, field: str = "action"
) -> None:
    """Registers each handler for its values of the payload's `field`, in its dialog step."""
    for handler, values, step in presses:
        wanted = {values} if isinstance(values, str) else set(values)
        steps = [StateFilter(step)] if step is not None else []
        r.callback_query.register(handler, payload.filter(getattr(F, field).in_(wanted)), *steps)


def on_buttons(
    r: Router,
    payload: type[CallbackData],
    handlers: Mapping[str, Callable[..., Any]],
    *,
    field: str = "action",
) -> None:
    """One handler per value of the payload's `field` (its action, a menu's section)."""
    on_presses(r, payload, ((h, value, None) for value, h in handlers.items()), field=field)
