"""What no other router took: forbidden or unknown commands, stray text, stale buttons."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message

from bot.domain.commands import COMMAND_AUDIENCE, may_use
from bot.domain.permissions import rule_for
from bot.domain.roles import Capability, can, holders
from bot.filters import Inline, private_router
from bot.update_context import Ctx
from bot.views.menu import holders_text


async def command_fallback(message: Message, ctx: Ctx) -> None:
    assert message.text is not None
    command = message.text[1:].split(maxsplit=1)[0].split("@")[0].lower()
    audience = COMMAND_AUDIENCE.get(command)
    if audience is not None and not may_use(ctx.actor.standing, command):
        await ctx.say(
            "errors.command_forbidden",
            command=command,
            purpose=ctx.t(f"commands.{command}"),
            who=holders_text(ctx.t, audience),
        )
        return
    await ctx.say("errors.unknown_command")


async def text_fallback(message: Message, ctx: Ctx) -> None:
    await ctx.say("errors.no_dialog")


async def stale_button(query: CallbackQuery, ctx: Ctx) -> None:
    # A forged payload, a button from an older card, or one this role may not press:
    # nothing to do, and nothing changes.
    rule = rule_for(query.data or "")
    if isinstance(rule, Capability) and not can(ctx.actor.standing, rule):
        # UX.md: a refusal says why; for a role's limit, that is who may do it.
        await ctx.toast("errors.role_forbidden", alert=True, who=holders_text(ctx.t, holders(rule)))
        return
    await ctx.toast("errors.stale", alert=True)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("fallback")
    r.message.register(command_fallback, Inline(F.text.startswith("/")))
    r.message.register(text_fallback)
    r.callback_query.register(stale_button)
    return r
