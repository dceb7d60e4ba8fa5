"""Quarterly reporting (cl. 4 г): /report for unit representatives, /reports for the
secretariat and the chair."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MenuCb, ReportCb
from bot.context import AppContext
from bot.dialogs import ReportDialog
from bot.domain.files import file_problem
from bot.domain.quarters import is_late
from bot.domain.roles import Capability, can
from bot.filters import HasCapability, NotCommand, private_chat
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.errors import InvalidInput
from bot.services.reporting import ReportingService, check_text
from bot.views import reporting as views


def _service(session: AsyncSession, app: AppContext) -> ReportingService:
    return ReportingService(
        session,
        app.clock,
        app.tz,
        deadline_days=app.settings.report_deadline_days,
        body_name=app.settings.body_name,
        group_name=app.group_name,
    )


# --- representatives: /report ------------------------------------------------------------


async def _mine(
    actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> tuple[str, Any]:
    unit_id, unit, rows = await _service(session, app).obligations(actor)
    now = app.clock.now()
    return (
        views.obligations_card(t, unit, rows, now),
        views.obligations_keyboard(t, unit_id, rows, now),
    )


async def report_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = await _mine(actor, t, session, app)
    await message.answer(text, reply_markup=keyboard)


async def report_button(
    query: CallbackQuery, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = await _mine(actor, t, session, app)
    await query.answer()
    await edit_or_send(query, text, keyboard)


async def submit_button(
    query: CallbackQuery,
    callback_data: ReportCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await _service(session, app).check_may_submit(actor, callback_data.cycle, callback_data.unit)
    await state.set_state(ReportDialog.content)
    await state.set_data({"cycle": callback_data.cycle, "unit": callback_data.unit})
    await query.answer()
    await edit_or_send(query, views.ask_content(t, app.settings.report_file_max_mb))


def _skip(t: Translator) -> Any:
    return markup([[button(t("reports.skip"), ReportCb(action="skip"))]])


async def _document(message: Message, t: Translator, app: AppContext) -> dict[str, Any] | None:
    """The attached document, or None after saying why it is refused."""
    doc = message.document
    assert doc is not None
    limit = app.settings.report_file_max_mb
    problem = file_problem(doc.file_name, doc.file_size, limit)
    if problem is not None:
        await message.answer(
            t(f"files.{problem.value}", name=doc.file_name or "—", max=limit),
            reply_markup=None,
        )
        return None
    return {
        "file_id": doc.file_id,
        "file_name": doc.file_name or "document",
        "mime_type": doc.mime_type,
        "size": doc.file_size,
    }


async def content_given(
    message: Message, t: Translator, app: AppContext, state: FSMContext
) -> None:
    mb = app.settings.report_file_max_mb
    if message.document is not None:
        document = await _document(message, t, app)
        if document is None:
            await message.answer(views.ask_content(t, mb))
            return
        await state.update_data(document=document)
        await state.set_state(ReportDialog.more)
        await message.answer(t("reports.ask_text_after_file"), reply_markup=_skip(t))
        return
    if message.text is None:
        await message.answer(t("reports.expected_text_or_file") + "\n\n" + views.ask_content(t, mb))
        return
    try:
        text = check_text(message.text)
    except InvalidInput as bad:
        await message.answer(t(bad.key, **bad.params) + "\n\n" + views.ask_content(t, mb))
        return
    await state.update_data(text=text)
    await state.set_state(ReportDialog.more)
    await message.answer(t("reports.ask_file_after_text", mb=mb), reply_markup=_skip(t))


async def more_given(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    if "text" in data:
        if message.document is None:
            await message.answer(t("reports.expected_file"), reply_markup=_skip(t))
            return
        document = await _document(message, t, app)
        if document is None:
            await message.answer(
                t("reports.ask_file_after_text", mb=app.settings.report_file_max_mb),
                reply_markup=_skip(t),
            )
            return
        await state.update_data(document=document)
    else:
        if message.text is None:
            await message.answer(t("reports.expected_text"), reply_markup=_skip(t))
            return
        try:
            text = check_text(message.text)
        except InvalidInput as bad:
            await message.answer(
                t(bad.key, **bad.params) + "\n\n" + t("reports.ask_text_after_file"),
                reply_markup=_skip(t),
            )
            return
        await state.update_data(text=text)
    await _check(message, actor, t, session, app, state)


async def more_skipped(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await query.answer()
    await _check(query, actor, t, session, app, state)


async def _check(
    target: Message | CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    service = _service(session, app)
    cycle = await service.check_may_submit(actor, int(data["cycle"]), int(data["unit"]))
    await state.set_state(ReportDialog.confirm)
    text = views.check_text(
        t,
        cycle,
        actor.unit_name or "—",
        data.get("text"),
        (data.get("document") or {}).get("file_name"),
        is_late(app.clock.now(), cycle.cycle),
    )
    keyboard = markup(
        [
            [
                button(t("reports.confirm"), ReportCb(action="confirm")),
                button(t("reports.cancel"), ReportCb(action="cancel")),
            ]
        ]
    )
    if isinstance(target, CallbackQuery):
        await edit_or_send(target, text, keyboard)
    else:
        await target.answer(text, reply_markup=keyboard)


async def confirmed(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    try:
        saved = await _service(session, app).submit(
            actor, int(data["cycle"]), int(data["unit"]), data.get("text"), data.get("document")
        )
    except InvalidInput:
        # The cycle closed or the deadline passed while the person was writing: the dialog
        # ends, the alert says why.
        await state.clear()
        raise
    await state.clear()
    await query.answer()
    await edit_or_send(query, t("reports.accepted_late" if saved.late else "reports.accepted"))


async def cancelled(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await edit_or_send(query, t("reports.cancelled"))


# --- the secretariat and the chair: /reports ---------------------------------------------


async def _overview(
    actor: Actor, t: Translator, session: AsyncSession, app: AppContext, cycle_id: int | None
) -> tuple[str, Any]:
    service = _service(session, app)
    state = await service.overview(actor, cycle_id)
    if state is None:
        return views.cycles_list(t, [])
    return views.cycle_card(t, state), views.cycle_card_keyboard(t, state)


async def reports_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = await _overview(actor, t, session, app, None)
    await message.answer(text, reply_markup=keyboard)


async def reports_button(
    query: CallbackQuery, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = await _overview(actor, t, session, app, None)
    await query.answer()
    await edit_or_send(query, text, keyboard)


async def cycle_card(
    query: CallbackQuery,
    callback_data: ReportCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    text, keyboard = await _overview(actor, t, session, app, callback_data.cycle)
    await query.answer()
    await edit_or_send(query, text, keyboard)


async def cycles_list(
    query: CallbackQuery, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    cycles = await _service(session, app).cycles(actor)
    await query.answer()
    await edit_or_send(query, *views.cycles_list(t, cycles))


async def unit_card(
    query: CallbackQuery,
    callback_data: ReportCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    service = _service(session, app)
    cycle, unit = await service.unit_report(actor, callback_data.cycle, callback_data.unit)
    back = can(actor.standing, Capability.VIEW_REPORTS)
    await query.answer()
    await edit_or_send(
        query,
        views.unit_card(t, cycle, unit),
        views.unit_card_keyboard(t, cycle, unit, back=back),
    )


async def unit_file(
    query: CallbackQuery,
    callback_data: ReportCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    _, unit = await _service(session, app).unit_report(
        actor, callback_data.cycle, callback_data.unit
    )
    document = unit.submission.document if unit.submission else None
    await query.answer()
    if document and isinstance(query.message, Message):
        await query.message.answer_document(document["file_id"])


async def summary_docx(
    query: CallbackQuery,
    callback_data: ReportCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    name, content = await _service(session, app).summary_docx(actor, callback_data.cycle)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer_document(BufferedInputFile(content, filename=name))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="reporting")
    r.message.filter(private_chat())
    # Others fall through to the fallback router, which says who may use the command.
    r.message.register(report_command, Command("report"), HasCapability(Capability.SUBMIT_REPORT))
    r.message.register(reports_command, Command("reports"), HasCapability(Capability.VIEW_REPORTS))
    # A representative asking for /reports gets what concerns them: their unit's obligations.
    r.message.register(report_command, Command("reports"), HasCapability(Capability.SUBMIT_REPORT))
    r.callback_query.register(report_button, MenuCb.filter(F.section == "report"))
    r.callback_query.register(reports_button, MenuCb.filter(F.section == "reports"))
    r.callback_query.register(submit_button, ReportCb.filter(F.action == "submit"))
    r.message.register(content_given, StateFilter(ReportDialog.content), NotCommand())
    r.message.register(more_given, StateFilter(ReportDialog.more), NotCommand())
    r.callback_query.register(
        more_skipped, ReportCb.filter(F.action == "skip"), StateFilter(ReportDialog.more)
    )
    r.callback_query.register(
        confirmed, ReportCb.filter(F.action == "confirm"), StateFilter(ReportDialog.confirm)
    )
    r.callback_query.register(
        cancelled, ReportCb.filter(F.action == "cancel"), StateFilter(ReportDialog.confirm)
    )
    r.callback_query.register(cycle_card, ReportCb.filter(F.action == "cycle"))
    r.callback_query.register(cycles_list, ReportCb.filter(F.action == "list"))
    r.callback_query.register(unit_card, ReportCb.filter(F.action == "unit"))
    r.callback_query.register(unit_file, ReportCb.filter(F.action == "file"))
    r.callback_query.register(summary_docx, ReportCb.filter(F.action == "docx"))
    return r
