"""Quarterly reporting (cl. 4 г): /report for unit representatives, /reports for the
secretariat and the chair."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.callbacks import MenuCb, ReportCb
from bot.dialogs import ReportDialog
from bot.domain import fields
from bot.domain.files import file_problem
from bot.domain.quarters import is_late
from bot.domain.roles import Capability
from bot.filters import HasCapability, NotCommand, Press, on_buttons, on_presses, private_router
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.services.errors import InvalidInput
from bot.services.reporting import check_text
from bot.update_context import Ctx
from bot.views import reporting as views
from handlers.asking import ask_again, attached
from handlers.indicators import ask_after_report
from handlers.kept_files import keep_document

# --- representatives: /report ------------------------------------------------------------


async def report_mine(event: Message | CallbackQuery, ctx: Ctx) -> None:
    """/report and the menu's «Report»: the obligations of the representative's unit."""
    unit_id, unit, rows = await ctx.reporting.obligations(ctx.actor)
    now = ctx.app.clock.now()
    await ctx.show(
        views.obligations_card(ctx.t, unit, rows, now),
        views.obligations_keyboard(ctx.t, unit_id, rows, now),
    )


def _max_mb(ctx: Ctx) -> int:
    return ctx.app.settings.report_file_max_mb


async def submit_button(query: CallbackQuery, callback_data: ReportCb, ctx: Ctx) -> None:
    await ctx.reporting.check_may_submit(ctx.actor, callback_data.cycle, callback_data.unit)
    await ctx.state.set_state(ReportDialog.content)
    await ctx.state.set_data({"cycle": callback_data.cycle, "unit": callback_data.unit})
    await ctx.show(views.ask_content(ctx.t, _max_mb(ctx)))


def _skip(t: Translator) -> Any:
    return markup([[button(t("reports.skip"), ReportCb(action="skip"))]])


async def _document(message: Message, ctx: Ctx) -> dict[str, Any] | None:
    """The attached document, or None after saying why it is refused."""
    doc = message.document
    assert doc is not None
    limit = _max_mb(ctx)
    problem = file_problem(doc.file_name, doc.file_size, limit)
    if problem is not None:
        await ctx.say(f"files.{problem.value}", name=doc.file_name or "—", max=limit)
        return None
    document = {**attached(doc), "mime_type": doc.mime_type, "size": doc.file_size}
    return await keep_document(ctx, document, doc.file_size)


REPORT_MAX = fields.REPORT_TEXT.max_length


async def content_given(message: Message, ctx: Ctx) -> None:
    t, mb = ctx.t, _max_mb(ctx)
    if message.document is not None:
        document = await _document(message, ctx)
        if document is None:
            await ctx.send(views.ask_content(t, mb))
            return
        await ctx.state.update_data(document=document)
        await ctx.state.set_state(ReportDialog.more)
        await ctx.say("reports.ask_text_after_file", _skip(t), max=REPORT_MAX)
        return
    if message.text is None:
        await ctx.send(t("reports.expected_text_or_file") + "\n\n" + views.ask_content(t, mb))
        return
    try:
        text = check_text(message.text)
    except InvalidInput as bad:
        await ctx.send(t(bad.key, **bad.params) + "\n\n" + views.ask_content(t, mb))
        return
    await ctx.state.update_data(text=text)
    await ctx.state.set_state(ReportDialog.more)
    await ctx.say("reports.ask_file_after_text", _skip(t), mb=mb)


async def more_given(message: Message, ctx: Ctx) -> None:
    t = ctx.t
    if "text" in await ctx.state.get_data():
        if message.document is None:
            await ctx.say("reports.expected_file", _skip(t))
            return
        document = await _document(message, ctx)
        if document is None:
            await ctx.say("reports.ask_file_after_text", _skip(t), mb=_max_mb(ctx))
            return
        await ctx.state.update_data(document=document)
    else:
        if message.text is None:
            await ctx.say("reports.expected_text", _skip(t))
            return
        try:
            text = check_text(message.text)
        except InvalidInput as bad:
            question = "reports.ask_text_after_file"
            await ask_again(
                ctx, bad.key, question, markup=_skip(t), said=bad.params, max=REPORT_MAX
            )
            return
        await ctx.state.update_data(text=text)
    await _check(ctx)


async def more_skipped(query: CallbackQuery, ctx: Ctx) -> None:
    await _check(ctx)


async def _check(ctx: Ctx) -> None:
    """What will be submitted, to confirm: edited in place after a press, sent after a
    message."""
    data = await ctx.state.get_data()
    cycle = await ctx.reporting.check_may_submit(ctx.actor, int(data["cycle"]), int(data["unit"]))
    await ctx.state.set_state(ReportDialog.confirm)
    t = ctx.t
    text = views.check_text(
        t,
        cycle,
        ctx.actor.unit_name or "—",
        data.get("text"),
        (data.get("document") or {}).get("file_name"),
        is_late(ctx.app.clock.now(), cycle.cycle),
    )
    keyboard = markup(
        [
            [
                button(t("reports.confirm"), ReportCb(action="confirm")),
                button(t("reports.cancel"), ReportCb(action="cancel")),
            ]
        ]
    )
    await ctx.show(text, keyboard)


async def confirmed(query: CallbackQuery, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    try:
        saved = await ctx.reporting.submit(
            ctx.actor,
            int(data["cycle"]),
            int(data["unit"]),
            data.get("text"),
            data.get("document"),
        )
    except InvalidInput:
        # The cycle closed or the deadline passed while the person was writing: the dialog
        # ends, the alert says why.
        await ctx.state.clear()
        raise
    await ctx.state.clear()
    await ctx.show(ctx.t("reports.accepted_late" if saved.late else "reports.accepted"))
    # Then the values of the indicators of the unit's projects (cl. 3 в, 4 ж).
    await ask_after_report(ctx, int(data["cycle"]))


async def cancelled(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.clear()
    await ctx.show(ctx.t("reports.cancelled"))


# --- the secretariat and the chair: /reports ---------------------------------------------


async def _show_overview(ctx: Ctx, cycle_id: int | None) -> None:
    state = await ctx.reporting.overview(ctx.actor, cycle_id)
    if state is None:
        await ctx.show(*views.cycles_list(ctx.t, []))
        return
    await ctx.show(views.cycle_card(ctx.t, state), views.cycle_card_keyboard(ctx.t, state))


async def reports_overview(event: Message | CallbackQuery, ctx: Ctx) -> None:
    """/reports and the menu's «Reports»: the current cycle."""
    await _show_overview(ctx, None)


async def cycle_card(query: CallbackQuery, callback_data: ReportCb, ctx: Ctx) -> None:
    await _show_overview(ctx, callback_data.cycle)


async def cycles_list(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.show(*views.cycles_list(ctx.t, await ctx.reporting.cycles(ctx.actor)))


async def unit_card(query: CallbackQuery, callback_data: ReportCb, ctx: Ctx) -> None:
    report = await ctx.reporting.unit_report(ctx.actor, callback_data.cycle, callback_data.unit)
    await ctx.show(
        views.unit_card(ctx.t, report.cycle, report.unit),
        views.unit_card_keyboard(ctx.t, report.cycle, report.unit, back=report.may_view_all),
    )


async def unit_file(query: CallbackQuery, callback_data: ReportCb, ctx: Ctx) -> None:
    report = await ctx.reporting.unit_report(ctx.actor, callback_data.cycle, callback_data.unit)
    submission = report.unit.submission
    document = submission.document if submission else None
    await ctx.answer()
    if document and ctx.message is not None:
        await ctx.message.answer_document(document["file_id"])


async def summary_docx(query: CallbackQuery, callback_data: ReportCb, ctx: Ctx) -> None:
    name, content = await ctx.reporting.summary_docx(ctx.actor, callback_data.cycle)
    await ctx.answer()
    if ctx.message is not None:
        await ctx.message.answer_document(BufferedInputFile(content, filename=name))


# Presses on reporting's cards and in the submission dialog: handler, actions, dialog step.
PRESSES: tuple[Press, ...] = (
    (submit_button, "submit", None),
    (more_skipped, "skip", ReportDialog.more),
    (confirmed, "confirm", ReportDialog.confirm),
    (cancelled, "cancel", ReportDialog.confirm),
    (cycle_card, "cycle", None),
    (cycles_list, "list", None),
    (unit_card, "unit", None),
    (unit_file, "file", None),
    (summary_docx, "docx", None),
)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("reporting")
    # Others fall through to the fallback router, which says who may use the command.
    r.message.register(report_mine, Command("report"), HasCapability(Capability.SUBMIT_REPORT))
    r.message.register(reports_overview, Command("reports"), HasCapability(Capability.VIEW_REPORTS))
    # A representative asking for /reports gets what concerns them: their unit's obligations.
    r.message.register(report_mine, Command("reports"), HasCapability(Capability.SUBMIT_REPORT))
    r.message.register(content_given, StateFilter(ReportDialog.content), NotCommand())
    r.message.register(more_given, StateFilter(ReportDialog.more), NotCommand())
    on_buttons(r, MenuCb, {"report": report_mine, "reports": reports_overview}, field="section")
    on_presses(r, ReportCb, PRESSES)
    return r
