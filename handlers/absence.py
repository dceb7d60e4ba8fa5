"""/absence: the chair's absence, recorded by the chair or, when the chair cannot be
reached, by the secretariat (cl. 11)."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.types import Message

from bot.dialogs import AbsenceDialog
from bot.domain.dates import DateErrorCode, DateInputError, local_instant, parse_local_date
from bot.filters import private_router
from bot.services.errors import InvalidInput
from bot.update_context import Ctx
from handlers.asking import ask_again, text_answer
from handlers.meeting_input import dialog_text


async def absence_command(message: Message, ctx: Ctx) -> None:
    # Refused before the dialog starts, with who may record it.
    ctx.absences.check_recorder(ctx.actor)
    await ctx.state.set_state(AbsenceDialog.period)
    await ctx.say("meetings.ask_absence")


async def absence_period(message: Message, ctx: Ctx) -> None:
    typed = await text_answer(ctx, message, "meetings.ask_absence")
    if typed is None:
        return
    tz, now = ctx.app.tz, ctx.app.clock.now()
    # The question shows an en dash («01.12.2026 – 10.12.2026»); any dash or hyphen is taken.
    parts = typed.replace("—", "-").replace("–", "-").replace("\N{MINUS SIGN}", "-").split("-")
    try:
        if len(parts) != 2:
            raise DateInputError(DateErrorCode.FORMAT)
        first = parse_local_date(parts[0].strip(), tz=tz, now=now)
        last = parse_local_date(parts[1].strip(), tz=tz, now=now)
    except DateInputError as bad:
        await ask_again(ctx, f"dates.{bad.code.value}", "meetings.ask_absence")
        return
    starts = local_instant(datetime(first.year, first.month, first.day), tz)  # noqa: DTZ001
    ends = local_instant(datetime(last.year, last.month, last.day), tz) + timedelta(days=1)  # noqa: DTZ001
    try:
        await ctx.absences.set_absence(ctx.actor, starts, ends)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, "meetings.ask_absence", **bad.params)
        return
    await ctx.state.clear()
    await ctx.say("meetings.absence_saved", first=ctx.t.date(first), last=ctx.t.date(last))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("absence")
    r.message.register(absence_command, Command("absence"))
    r.message.register(absence_period, StateFilter(AbsenceDialog.period), dialog_text())
    return r
