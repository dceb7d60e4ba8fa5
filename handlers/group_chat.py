"""The group's chat: /link and /unlink, confirmed by an administrator's button press."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.callbacks import LinkCb
from bot.domain.roles import Capability
from bot.filters import HasCapability, Inline, private_chat
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.update_context import Ctx

GROUP_TYPES = {"group", "supergroup"}


async def link_ask(message: Message, command: CommandObject, t: Translator) -> None:
    """/link or /unlink typed in a group: a button that only an administrator's press acts
    on. It takes the translator, not `ctx`: in a group the command may come from an
    anonymous administrator, who is no actor, and still gets the question."""
    action = command.command.lower()  # "link" or "unlink", as the filter let through
    await message.answer(
        t(f"chat.{action}_ask"),
        reply_markup=markup([[button(t(f"chat.{action}_confirm"), LinkCb(action=action))]]),
    )


async def link_in_private(message: Message, ctx: Ctx) -> None:
    await ctx.say("chat.link_in_group")


async def link_pressed(query: CallbackQuery, callback_data: LinkCb, ctx: Ctx) -> None:
    message = ctx.message
    if message is None or message.chat.type not in GROUP_TYPES:
        await ctx.toast("errors.stale", alert=True)
        return
    actor = ctx.actor
    if callback_data.action == "link":
        await ctx.chats.link(actor, message.chat.id, message.chat.title)
        await ctx.toast("chat.linked_short")
        await ctx.show(ctx.t("chat.linked", name=actor.display_name))
    elif await ctx.chats.unlink(actor, message.chat.id):
        await ctx.toast("chat.unlinked_short")
        await ctx.show(ctx.t("chat.unlinked", name=actor.display_name))
    else:
        await ctx.toast("chat.not_linked", alert=True)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="group_chat")
    in_group = Inline(F.chat.type.in_(GROUP_TYPES))
    r.message.register(link_ask, Command("link", "unlink"), in_group)
    r.message.register(link_in_private, Command("link", "unlink"), private_chat())
    r.callback_query.register(
        link_pressed,
        LinkCb.filter(F.action.in_({"link", "unlink"})),
        HasCapability(Capability.LINK_CHAT),
    )
    return r
