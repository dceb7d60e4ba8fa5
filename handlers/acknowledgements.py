""" "Ознакомлен(а)": pressed in a private chat or in the group's chat, it counts for the
person who pressed it, and the answer goes to that person only."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import AckCb
from bot.context import AppContext
from bot.i18n import Translator
from bot.services.actor import Actor
from bot.services.broadcasts import BroadcastService


async def acknowledge(
    query: CallbackQuery,
    callback_data: AckCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    first = await BroadcastService(session, app.clock).acknowledge(actor, callback_data.broadcast)
    await query.answer(t.plain("broadcasts.acked" if first else "broadcasts.acked_before"))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="acknowledgements")
    r.callback_query.register(acknowledge, AckCb.filter())
    return r
