"""Everyone in the roster: /help, /menu, /language, /cancel."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks import LangCb, MenuCb
from bot.filters import on_buttons, private_router
from bot.menu_commands import apply_person_commands
from bot.update_context import Ctx
from bot.views import subgroups as subgroup_views
from bot.views.menu import help_text, language_picker, main_menu, menu_text


async def help_command(event: Message | CallbackQuery, ctx: Ctx) -> None:
    """/help, or the menu's button: the list comes below the menu, which stays."""
    await ctx.send(help_text(ctx.t, ctx.actor.standing))


async def menu_command(event: Message | CallbackQuery, ctx: Ctx) -> None:
    """/menu, or "back to the menu" on a card."""
    actor = ctx.actor
    # The subgroups the person belongs to, a button each (cl. 10).
    mine = subgroup_views.menu_rows(ctx.t, await ctx.subgroups.mine(actor))
    await ctx.show(
        menu_text(ctx.t, actor.display_name, actor.standing),
        subgroup_views.with_rows(main_menu(ctx.t, actor.standing), mine),
    )


async def language_command(event: Message | CallbackQuery, ctx: Ctx) -> None:
    await ctx.show(*language_picker(ctx.t))


async def cancel_command(message: Message, ctx: Ctx) -> None:
    if await ctx.state.get_state() is None:
        await ctx.say("cancel.nothing")
        return
    await ctx.state.clear()
    await ctx.say("cancel.done")


async def language_chosen(query: CallbackQuery, callback_data: LangCb, ctx: Ctx) -> None:
    actor = ctx.actor
    await ctx.roster.set_language(actor, callback_data.code, query.from_user.username)
    # The answer is already in the language just chosen.
    t = ctx.app.translator(callback_data.code)
    await ctx.show(t("language.changed"), main_menu(t, actor.standing))
    await apply_person_commands(
        ctx.bot,
        actor.telegram_id,
        actor.standing,
        callback_data.code,
        home=ctx.app.webapp_link("/home"),
    )


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("common")
    for command, handler in {
        "help": help_command,
        "menu": menu_command,
        "language": language_command,
        "cancel": cancel_command,
    }.items():
        r.message.register(handler, Command(command))
    menu = {"help": help_command, "language": language_command, "main": menu_command}
    on_buttons(r, MenuCb, menu, field="section")
    r.callback_query.register(language_chosen, LangCb.filter())
    return r
