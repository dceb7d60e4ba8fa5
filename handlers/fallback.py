"""What no other router took: forbidden or unknown commands, stray text, stale buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.callbacks import RESTRICTED_PREFIXES
from bot.domain.commands import COMMAND_AUDIENCE, may_use
from bot.domain.roles import Capability, can
from bot.filters import Inline, private_chat
from bot.i18n import Translator
from bot.services.actor import Actor
from bot.views.menu import role_name


async def command_fallback(message: Message, actor: Actor, t: Translator) -> None:
    assert message.text is not None
    command = message.text[1:].split(maxsplit=1)[0].split("@")[0].lower()
    audience = COMMAND_AUDIENCE.get(command)
    if audience is not None and not may_use(actor.standing, command):
        who = ", ".join(
            role_name(t, None, is_admin=True) if a == "admin" else t(f"roles.{a}") for a in audience
        )
        await message.answer(
            t(
                "errors.command_forbidden",
                command=command,
                purpose=t(f"commands.{command}"),
                who=who,
            )
        )
        return
    await message.answer(t("errors.unknown_command"))


async def text_fallback(message: Message, t: Translator) -> None:
    await message.answer(t("errors.no_dialog"))


async def stale_button(query: CallbackQuery, actor: Actor, t: Translator) -> None:
    # A forged payload, a button from an older card, or one this role may not press:
    # nothing to do, and nothing changes.
    prefix = (query.data or "").split(":", 1)[0]
    needed = RESTRICTED_PREFIXES.get(prefix)
    if needed is not None and not can(actor.standing, Capability(needed)):
        await query.answer(t.plain("errors.not_allowed"), show_alert=True)
        return
    await query.answer(t.plain("errors.stale"), show_alert=True)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="fallback")
    r.message.filter(private_chat())
    r.message.register(command_fallback, Inline(F.text.startswith("/")))
    r.message.register(text_fallback)
    r.callback_query.register(stale_button)
    return r
