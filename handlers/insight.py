"""/dashboard: the group's work in five charts; /annual: the year's report as a DOCX and the
secretariat's introduction to it (issue #18 items 5, 6)."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.callbacks import AnnualCb
from bot.dialogs import AnnualIntroDialog
from bot.documents.charts import render_all
from bot.domain.insight import ANNUAL_INTRO
from bot.filters import NotCommand, Press, on_presses, private_router
from bot.services.errors import InvalidInput
from bot.update_context import Ctx
from bot.views import insight as views
from handlers.asking import ask_again, text_answer


async def dashboard_command(message: Message, ctx: Ctx) -> None:
    """The charts in order, each with its number and title; the indicators' only when the
    group set indicators, else one line saying there are none."""
    dashboard = await ctx.insight.dashboard(ctx.actor)
    today = ctx.app.clock.now().astimezone(ctx.app.tz).date()
    charts = views.dashboard_charts(ctx.t, dashboard, today)
    images = await render_all(charts)
    for n, (chart, png) in enumerate(zip(charts, images, strict=True), 1):
        await message.answer_photo(
            BufferedInputFile(png, filename=f"dashboard-{n}.png"),
            caption=views.chart_caption(ctx.t, n, len(charts), chart),
        )
    if not dashboard.indicators:
        await ctx.say("insight.no_indicators")


async def annual_command(message: Message, command: CommandObject, ctx: Ctx) -> None:
    """/annual asks for the year (this one or the last); /annual 2024 sends that year's."""
    ctx.insight.require_viewer(ctx.actor)
    if command.args:
        await send_report(ctx, message, ctx.insight.check_year(command.args))
        return
    may_edit = ctx.insight.may_edit_intro(ctx.actor)
    await ctx.send(*views.year_choice(ctx.t, ctx.insight.this_year(), may_edit=may_edit))


async def send_report(ctx: Ctx, message: Message | None, year: int) -> None:
    name, content = await ctx.insight.annual_docx(ctx.actor, year)
    await ctx.answer()
    if message is not None:
        await message.answer_document(
            BufferedInputFile(content, filename=name),
            caption=views.report_caption(ctx.t, year),
            reply_markup=views.after_report(
                ctx.t, year, may_edit=ctx.insight.may_edit_intro(ctx.actor)
            ),
        )


async def report_pressed(query: CallbackQuery, callback_data: AnnualCb, ctx: Ctx) -> None:
    year = ctx.insight.check_year(str(callback_data.year))
    await send_report(ctx, ctx.message, year)


async def intro_start(query: CallbackQuery, callback_data: AnnualCb, ctx: Ctx) -> None:
    ctx.insight.require_intro_editor(ctx.actor)
    year = ctx.insight.check_year(str(callback_data.year))
    current = await ctx.insight.intro(ctx.actor, year)
    await ctx.state.clear()
    await ctx.state.set_state(AnnualIntroDialog.text)
    await ctx.state.set_data({"year": year})
    await ctx.send(
        views.ask_intro(ctx.t, year, current.text if current else None, ANNUAL_INTRO.max_length)
    )


async def intro_given(message: Message, ctx: Ctx) -> None:
    year = int((await ctx.state.get_data()).get("year", 0))
    question = "insight.annual.ask_intro"
    params: dict[str, Any] = {"year": year, "max": ANNUAL_INTRO.max_length}
    typed = await text_answer(ctx, message, question, **params)
    if typed is None:
        return
    try:
        text = ctx.insight.check_intro(typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, question, said=bad.params, **params)
        return
    await ctx.insight.save_intro(ctx.actor, year, text)
    await ctx.state.clear()
    await ctx.say(
        "insight.annual.intro_saved",
        views.after_save(ctx.t, year),
        year=year,
    )


PRESSES: tuple[Press, ...] = (
    (report_pressed, "get", None),
    (intro_start, "intro", None),
)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("insight")
    r.message.register(dashboard_command, Command("dashboard"))
    r.message.register(annual_command, Command("annual"))
    r.message.register(intro_given, StateFilter(AnnualIntroDialog.text), NotCommand())
    on_presses(r, AnnualCb, PRESSES)
    return r
