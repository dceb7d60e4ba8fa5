"""The group's chat: /link and /unlink, confirmed by an administrator's button press."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import LinkCb
from bot.context import AppContext
from bot.domain.roles import Capability
from bot.filters import HasCapability, Inline, private_chat
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.chats import ChatService

GROUP_TYPES = {"group", "supergroup"}


async def link_command(message: Message, t: Translator) -> None:
    await message.answer(
        t("chat.link_ask"),
        reply_markup=markup([[button(t("chat.link_confirm"), LinkCb(action="link"))]]),
    )


async def unlink_command(message: Message, t: Translator) -> None:
    await message.answer(
        t("chat.unlink_ask"),
        reply_markup=markup([[button(t("chat.unlink_confirm"), LinkCb(action="unlink"))]]),
    )


async def link_in_private(message: Message, t: Translator) -> None:
    await message.answer(t("chat.link_in_group"))


async def link_pressed(
    query: CallbackQuery,
    callback_data: LinkCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    message = query.message
    if not isinstance(message, Message) or message.chat.type not in GROUP_TYPES:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    service = ChatService(session, app.clock)
    if callback_data.action == "link":
        await service.link(actor, message.chat.id, message.chat.title)
        await query.answer(t.plain("chat.linked_short"))
        await edit_or_send(query, t("chat.linked", name=actor.display_name))
    elif await service.unlink(actor, message.chat.id):
        await query.answer(t.plain("chat.unlinked_short"))
        await edit_or_send(query, t("chat.unlinked", name=actor.display_name))
    else:
        await query.answer(t.plain("chat.not_linked"), show_alert=True)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="group_chat")
    r.message.register(link_command, Command("link"), Inline(F.chat.type.in_(GROUP_TYPES)))
    r.message.register(unlink_command, Command("unlink"), Inline(F.chat.type.in_(GROUP_TYPES)))
    r.message.register(link_in_private, Command("link", "unlink"), private_chat())
    r.callback_query.register(
        link_pressed,
        LinkCb.filter(F.action.in_({"link", "unlink"})),
        HasCapability(Capability.LINK_CHAT),
    )
    return r
