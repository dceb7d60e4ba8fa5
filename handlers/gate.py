"""People not in the roster: a guest's own buttons, else a polite refusal that says how to
join, and nothing changes."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.filters import InRoster, private_router
from bot.update_context import Ctx
from handlers.guests import guest_buttons
from handlers.subgroups import outsider_handlers


async def outsider_message(message: Message, ctx: Ctx) -> None:
    # A guest is an outsider too, but is better told where their meeting is than how to join.
    if ctx.actor.person_id is not None and await ctx.guests.visits(ctx.actor):
        await ctx.say("guests.outside_roster")
        return
    await ctx.say("gate.not_in_roster")


async def outsider_button(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.toast("gate.not_in_roster_short", alert=True)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("gate", ~InRoster())
    r.callback_query.filter(~InRoster())
    guest_buttons(r)  # guests of a meeting are outside the roster too (cl. 16 а)
    outsider_handlers(r)  # outside specialists of a subgroup (cl. 16 в)
    r.message.register(outsider_message)
    r.callback_query.register(outsider_button)
    return r
