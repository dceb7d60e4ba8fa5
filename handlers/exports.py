"""/export for the secretariat and administrators (issue #18 item 2): a table, its period
(a button or typed), and the CSV sent as a document; /calendar for everyone in the roster:
the upcoming meetings they are invited to, as one .ics."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.callbacks import ExportCb
from bot.dialogs import ExportDialog
from bot.domain.exports import NEEDS_PERIOD, ExportKind
from bot.domain.periods import Period
from bot.domain.roles import Capability
from bot.filters import (
    HasCapability,
    InRoster,
    NotCommand,
    Press,
    on_presses,
    on_steps,
    private_router,
)
from bot.services.errors import InvalidInput
from bot.services.exports import calendar_feed
from bot.update_context import Ctx
from bot.views import exports as views
from bot.views.meetings import calendar_summary
from handlers.asking import ask_again, text_answer

QUESTION = "exports.ask_period"
CALENDAR_FILE = "calendar.ics"


async def export_command(message: Message, ctx: Ctx) -> None:
    ctx.exports.check(ctx.actor)
    await ctx.state.clear()
    await ctx.send(*views.menu_card(ctx.t))


async def menu(query: CallbackQuery, callback_data: ExportCb, ctx: Ctx) -> None:
    ctx.exports.check(ctx.actor)
    await ctx.show(*views.menu_card(ctx.t))


def _kind(callback_data: ExportCb) -> ExportKind:
    try:
        return ExportKind(callback_data.kind)
    except ValueError:
        raise InvalidInput("errors.stale") from None


async def _send(ctx: Ctx, kind: ExportKind, period: Period | None) -> None:
    table = await ctx.exports.export(ctx.actor, kind, period)
    name, content = views.csv_file(ctx.t, table)
    await ctx.answer()
    if ctx.message is not None:
        await ctx.message.answer_document(
            BufferedInputFile(content, filename=name), caption=views.caption(ctx.t, table)
        )


async def kind_chosen(query: CallbackQuery, callback_data: ExportCb, ctx: Ctx) -> None:
    ctx.exports.check(ctx.actor)
    kind = _kind(callback_data)
    if kind in NEEDS_PERIOD:
        await ctx.show(*views.period_card(ctx.t, kind))
        return
    await _send(ctx, kind, None)


async def period_chosen(query: CallbackQuery, callback_data: ExportCb, ctx: Ctx) -> None:
    ctx.exports.check(ctx.actor)
    kind = _kind(callback_data)
    await _send(ctx, kind, ctx.exports.period_of(callback_data.arg))


async def type_period(query: CallbackQuery, callback_data: ExportCb, ctx: Ctx) -> None:
    ctx.exports.check(ctx.actor)
    kind = _kind(callback_data)
    await ctx.state.clear()
    await ctx.state.set_state(ExportDialog.period)
    await ctx.state.set_data({"kind": kind.value})
    await ctx.send(ctx.t(QUESTION))


async def typed_period(message: Message, ctx: Ctx) -> None:
    typed = await text_answer(ctx, message, QUESTION)
    if typed is None:
        return
    try:
        period = ctx.exports.typed_period(typed)
    except InvalidInput as bad:
        # Refused with its reason and asked again; nothing is sent.
        await ask_again(ctx, bad.key, QUESTION, said=bad.params)
        return
    data = await ctx.state.get_data()
    await ctx.state.clear()
    await _send(ctx, ExportKind(data["kind"]), period)


async def calendar_command(message: Message, ctx: Ctx) -> None:
    meetings = await ctx.exports.upcoming(ctx.actor)
    if not meetings:
        await ctx.say("calendar.none")
        return
    content = calendar_feed(
        [(m, calendar_summary(ctx.t, m)) for m in meetings], ctx.app.clock.now()
    )
    await message.answer_document(
        BufferedInputFile(content, filename=CALENDAR_FILE),
        caption=views.calendar_caption(ctx.t, len(meetings)),
    )


PRESSES: tuple[Press, ...] = (
    (menu, "menu", None),
    (kind_chosen, "kind", None),
    (period_chosen, "period", None),
    (type_period, "type", None),
)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("exports")
    r.message.register(calendar_command, Command("calendar"), InRoster())
    exports = private_router("exports_records", HasCapability(Capability.EXPORT_RECORDS))
    exports.callback_query.filter(HasCapability(Capability.EXPORT_RECORDS))
    exports.message.register(export_command, Command("export"))
    on_steps(exports, [(typed_period, ExportDialog.period)], NotCommand())
    on_presses(exports, ExportCb, PRESSES)
    r.include_router(exports)
    return r
