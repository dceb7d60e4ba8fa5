"""Effectiveness indicators (cl. 3 в, 4 ж): an indicator's card, the secretariat's dialog
for a new one, archiving, and entering a measured value (by the secretariat, or by the
responsible unit's representative, who is asked after each quarterly report)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.callbacks import KpiCb
from bot.dialogs import KpiDialog, KpiTargetDialog, KpiValueDialog
from bot.domain.indicators import KPI_MEASURE, KPI_NAME
from bot.domain.registers import Register
from bot.filters import NotCommand, Press, on_presses, private_router
from bot.i18n import Raw
from bot.services.errors import InvalidInput
from bot.services.indicators import KpiDraft
from bot.update_context import Ctx
from bot.views import indicators as views
from handlers.asking import ask_again, text_answer
from handlers.registers import show_card, show_listing

T = TypeVar("T")


def _entry(data: KpiCb | dict[str, Any]) -> int | None:
    raw = data.entry if isinstance(data, KpiCb) else data.get("entry")
    return int(raw) if raw else None


async def show_kpi(ctx: Ctx, kpi_id: int) -> None:
    await ctx.show(*views.card(ctx.t, await ctx.indicators.card(ctx.actor, kpi_id)))


async def open_card(query: CallbackQuery, callback_data: KpiCb, ctx: Ctx) -> None:
    await show_kpi(ctx, callback_data.kpi)


async def _back(ctx: Ctx, entry: int | None) -> None:
    if entry is None:
        await show_listing(ctx, Register.EVENTS)
    else:
        await show_card(ctx, entry)


# --- a new indicator: the secretariat ------------------------------------------------


async def add_start(query: CallbackQuery, callback_data: KpiCb, ctx: Ctx) -> None:
    entry = _entry(callback_data)
    project = await ctx.indicators.check_entry(ctx.actor, entry)
    await ctx.state.clear()
    await ctx.state.set_state(KpiDialog.name)
    await ctx.state.set_data({"entry": entry})
    where = ctx.t("kpi.for_project", project=project) if project else ctx.t("kpi.for_plan")
    await ctx.show(where + "\n\n" + ctx.t("kpi.ask_name", max=KPI_NAME.max_length))


async def _typed(
    ctx: Ctx, message: Message, question: str, check: Callable[[str], T], **params: Any
) -> T | None:
    """A typed answer as `check` takes it; None after the reason and the same question."""
    typed = await text_answer(ctx, message, question, **params)
    if typed is None:
        return None
    try:
        return check(typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, question, said=bad.params, **params)
        return None


async def name_given(message: Message, ctx: Ctx) -> None:
    name = await _typed(
        ctx, message, "kpi.ask_name", ctx.indicators.check_name, max=KPI_NAME.max_length
    )
    if name is None:
        return
    await ctx.state.update_data(name=name)
    await ctx.state.set_state(KpiDialog.measure)
    await ctx.say("kpi.ask_measure", max=KPI_MEASURE.max_length)


async def measure_given(message: Message, ctx: Ctx) -> None:
    measure = await _typed(
        ctx, message, "kpi.ask_measure", ctx.indicators.check_measure, max=KPI_MEASURE.max_length
    )
    if measure is None:
        return
    await ctx.state.update_data(measure=measure)
    await ctx.state.set_state(KpiDialog.baseline)
    await ctx.say("kpi.ask_baseline")


async def baseline_given(message: Message, ctx: Ctx) -> None:
    baseline = await _typed(ctx, message, "kpi.ask_baseline", ctx.indicators.check_number)
    if baseline is None:
        return
    await ctx.state.update_data(baseline=baseline)
    await ctx.state.set_state(KpiDialog.target)
    await ctx.say("kpi.ask_target")


async def target_given(message: Message, ctx: Ctx) -> None:
    baseline = float((await ctx.state.get_data())["baseline"])

    def check(typed: str) -> float:
        return ctx.indicators.check_target(baseline, ctx.indicators.check_number(typed))

    target = await _typed(ctx, message, "kpi.ask_target", check)
    if target is None:
        return
    await ctx.state.update_data(target=target)
    await ctx.state.set_state(KpiDialog.target_on)
    await ctx.say("kpi.ask_target_on")


async def target_on_given(message: Message, ctx: Ctx) -> None:
    day = await _typed(ctx, message, "kpi.ask_target_on", ctx.indicators.check_target_day)
    if day is None:
        return
    data = await ctx.state.get_data()
    # Whatever the outcome, the dialog is over: a refusal is shown and nothing is kept.
    await ctx.state.clear()
    draft = KpiDraft(
        entry_id=_entry(data),
        name=str(data.get("name", "")),
        measure=str(data.get("measure", "")),
        baseline=float(data.get("baseline", 0)),
        target=float(data.get("target", 0)),
        target_on=day,
    )
    kpi = await ctx.indicators.add(ctx.actor, draft)
    await ctx.say("kpi.added")
    await show_kpi(ctx, kpi)


# --- a new target: the secretariat -----------------------------------------------------


async def edit_start(query: CallbackQuery, callback_data: KpiCb, ctx: Ctx) -> None:
    ctx.indicators.require_editor(ctx.actor)
    shown = await ctx.indicators.card(ctx.actor, callback_data.kpi)
    kpi = shown.line.kpi
    await ctx.state.clear()
    await ctx.state.set_state(KpiTargetDialog.target)
    await ctx.state.set_data({"kpi": kpi.id})
    await ctx.send(ctx.t("kpi.ask_new_target", name=kpi.name, now=views.number(ctx.t, kpi.target)))


async def new_target_given(message: Message, ctx: Ctx) -> None:
    shown = await ctx.indicators.card(ctx.actor, int((await ctx.state.get_data())["kpi"]))
    kpi = shown.line.kpi

    def check(typed: str) -> float:
        return ctx.indicators.check_target(kpi.baseline, ctx.indicators.check_number(typed))

    question = "kpi.ask_new_target"
    params = {"name": kpi.name, "now": views.number(ctx.t, kpi.target)}
    target = await _typed(ctx, message, question, check, **params)
    if target is None:
        return
    await ctx.state.update_data(target=target)
    await ctx.state.set_state(KpiTargetDialog.target_on)
    await ctx.say("kpi.ask_new_target_on", now=Raw(ctx.t.date(kpi.target_on)))


async def new_target_on_given(message: Message, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    shown = await ctx.indicators.card(ctx.actor, int(data["kpi"]))
    now = Raw(ctx.t.date(shown.line.kpi.target_on))
    day = await _typed(
        ctx, message, "kpi.ask_new_target_on", ctx.indicators.check_target_day, now=now
    )
    if day is None:
        return
    await ctx.state.clear()
    await ctx.indicators.change_target(ctx.actor, int(data["kpi"]), float(data["target"]), day)
    await ctx.say("kpi.target_changed")
    await show_kpi(ctx, int(data["kpi"]))


# --- archiving ------------------------------------------------------------------------


async def archive_ask(query: CallbackQuery, callback_data: KpiCb, ctx: Ctx) -> None:
    ctx.indicators.require_editor(ctx.actor)
    shown = await ctx.indicators.card(ctx.actor, callback_data.kpi)
    await ctx.show(*views.archive_confirm(ctx.t, shown.line.kpi))


async def archive_done(query: CallbackQuery, callback_data: KpiCb, ctx: Ctx) -> None:
    entry = await ctx.indicators.archive(ctx.actor, callback_data.kpi)
    await ctx.toast("kpi.archived")
    await _back(ctx, entry)


# --- a measured value -------------------------------------------------------------------


async def _ask_value(ctx: Ctx, data: dict[str, Any]) -> None:
    """Asks for the value of the indicator `data` names (checked first: a forged button is
    refused before any question)."""
    kpi = await ctx.indicators.begin_value(ctx.actor, int(data["kpi"]), _entry(data))
    shown = await ctx.indicators.card(ctx.actor, kpi.id)
    await ctx.state.set_state(KpiValueDialog.value)
    await ctx.state.set_data(data)
    queue = data.get("queue")
    asked = (int(data["asked"]), int(data["total"])) if queue is not None else None
    project = shown.project.title if shown.project else None
    await ctx.send(*views.ask_value(ctx.t, kpi, project, asked=asked))


async def value_start(query: CallbackQuery, callback_data: KpiCb, ctx: Ctx) -> None:
    # Checked before the person's dialog is touched: a refused press changes nothing.
    await ctx.indicators.begin_value(ctx.actor, callback_data.kpi, _entry(callback_data))
    await ctx.state.clear()
    await _ask_value(ctx, {"kpi": callback_data.kpi, "entry": _entry(callback_data)})


async def ask_after_report(ctx: Ctx, cycle_id: int) -> None:
    """Cl. 4 г, ж: after the quarterly report, the representative is asked for the value of
    each indicator of the projects their unit is responsible for, one at a time."""
    asked = await ctx.indicators.asked_with_report(ctx.actor)
    if not asked:
        return
    queue = [[k.id, k.entry_id] for k, _ in asked]
    first, *rest = queue
    data = {
        "kpi": first[0],
        "entry": first[1],
        "queue": rest,
        "cycle": cycle_id,
        "asked": 1,
        "total": len(queue),
    }
    await _ask_value(ctx, data)


async def value_given(message: Message, ctx: Ctx) -> None:
    typed = await text_answer(ctx, message, "kpi.ask_value_example")
    if typed is None:
        return
    try:
        value = ctx.indicators.check_number(typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, "kpi.ask_value_example")
        return
    await ctx.state.update_data(value=value)
    await ctx.state.set_state(KpiValueDialog.measured_on)
    await ctx.send(*views.ask_measured_on(ctx.t))


async def _measured(ctx: Ctx, day: date) -> None:
    await ctx.state.update_data(on=day.isoformat())
    await ctx.state.set_state(KpiValueDialog.source)
    await ctx.send(*views.ask_source(ctx.t))


async def measured_on_given(message: Message, ctx: Ctx) -> None:
    _, keyboard = views.ask_measured_on(ctx.t)
    typed = await text_answer(ctx, message, "kpi.ask_measured_on", markup=keyboard)
    if typed is None:
        return
    try:
        day = ctx.indicators.check_measured_on(typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, "kpi.ask_measured_on", markup=keyboard)
        return
    await _measured(ctx, day)


async def measured_today(query: CallbackQuery, ctx: Ctx) -> None:
    await _measured(ctx, ctx.indicators.today())


async def source_given(message: Message, ctx: Ctx) -> None:
    _, keyboard = views.ask_source(ctx.t)
    source = await _typed(
        ctx,
        message,
        "kpi.ask_source",
        ctx.indicators.check_source,
        markup=keyboard,
    )
    if source is None:
        return
    await _save(ctx, source)


async def source_skipped(query: CallbackQuery, ctx: Ctx) -> None:
    await _save(ctx, None)


async def _save(ctx: Ctx, source: str | None) -> None:
    data = await ctx.state.get_data()
    try:
        line = await ctx.indicators.add_value(
            ctx.actor,
            int(data["kpi"]),
            _entry(data),
            float(data["value"]),
            date.fromisoformat(str(data["on"])),
            source,
            data.get("cycle"),
        )
    except InvalidInput:
        # The indicator was archived or moved meanwhile: the dialog ends, the alert or
        # message says why.
        await ctx.state.clear()
        raise
    await ctx.send(views.saved(ctx.t, line))
    await _next(ctx, data)


async def _next(ctx: Ctx, data: dict[str, Any]) -> None:
    """The next indicator asked after a report, or the end of the questions; a value
    entered from a card shows the card again."""
    queue = data.get("queue")
    if queue is None:
        await ctx.state.clear()
        await ctx.send(*views.card(ctx.t, await ctx.indicators.card(ctx.actor, int(data["kpi"]))))
        return
    if not queue:
        await ctx.state.clear()
        await ctx.say("kpi.asked_done")
        return
    (kpi, entry), *rest = queue
    await _ask_value(
        ctx,
        {**data, "kpi": kpi, "entry": entry, "queue": rest, "asked": int(data["asked"]) + 1},
    )


async def value_skipped(query: CallbackQuery, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    await ctx.answer()
    await _next(ctx, data)


PRESSES: tuple[Press, ...] = (
    (open_card, "card", None),
    (add_start, "add", None),
    (edit_start, "edit", None),
    (archive_ask, "arch", None),
    (archive_done, "archok", None),
    (value_start, "val", None),
    (value_skipped, "skip", KpiValueDialog.value),
    (measured_today, "today", KpiValueDialog.measured_on),
    (source_skipped, "nosrc", KpiValueDialog.source),
)


def router() -> Router:
    r = private_router("indicators")
    typed = {
        KpiDialog.name: name_given,
        KpiDialog.measure: measure_given,
        KpiDialog.baseline: baseline_given,
        KpiDialog.target: target_given,
        KpiDialog.target_on: target_on_given,
        KpiTargetDialog.target: new_target_given,
        KpiTargetDialog.target_on: new_target_on_given,
        KpiValueDialog.value: value_given,
        KpiValueDialog.measured_on: measured_on_given,
        KpiValueDialog.source: source_given,
    }
    for state, handler in typed.items():
        r.message.register(handler, StateFilter(state), NotCommand())
    on_presses(r, KpiCb, PRESSES)
    return r
