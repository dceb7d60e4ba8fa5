""" "Ознакомлен(а)": pressed in a private chat or in the group's chat, it counts for the
person who pressed it, and the answer goes to that person only."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery

from bot.callbacks import AckCb
from bot.update_context import Ctx


async def acknowledge(query: CallbackQuery, callback_data: AckCb, ctx: Ctx) -> None:
    first = await ctx.broadcasts.acknowledge(ctx.actor, callback_data.broadcast)
    await ctx.toast("broadcasts.acked" if first else "broadcasts.acked_before")


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="acknowledgements")
    r.callback_query.register(acknowledge, AckCb.filter())
    return r
