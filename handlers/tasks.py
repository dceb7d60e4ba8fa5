"""Tasks set by decisions (cl. 4 д–е): /tasks, a task's card, the owner's completion report,
and the secretariat setting an owner the protocol's text did not name clearly."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MenuCb, TaskCb
from bot.context import AppContext
from bot.dialogs import TaskReportDialog
from bot.domain.tasks import REPORT_MAX, Scope
from bot.filters import NotCommand, private_chat
from bot.i18n import Translator
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.errors import InvalidInput
from bot.services.tasks import TaskService
from bot.views import tasks as views

SCOPES = {scope.value: scope for scope in Scope}


def _service(session: AsyncSession, app: AppContext) -> TaskService:
    return TaskService(
        session,
        app.clock,
        app.tz,
        render=app.translator,
        default_locale=app.settings.default_locale,
        texts=views.TEXTS,
        file_max_mb=app.settings.report_file_max_mb,
    )


# Lists and cards
async def tasks_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = views.listing(t, await _service(session, app).listing(actor, Scope.MY), 0)
    await message.answer(text, reply_markup=keyboard)


async def tasks_button(
    query: CallbackQuery, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    tasks = await _service(session, app).listing(actor, Scope.MY)
    await query.answer()
    await edit_or_send(query, *views.listing(t, tasks, 0))


async def tasks_page(
    query: CallbackQuery,
    callback_data: TaskCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    tasks = await _service(session, app).listing(actor, SCOPES[callback_data.action])
    await query.answer()
    await edit_or_send(query, *views.listing(t, tasks, callback_data.page))


async def task_card(
    query: CallbackQuery,
    callback_data: TaskCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    card = await _service(session, app).card(actor, callback_data.task)
    await query.answer()
    await edit_or_send(query, *views.card(t, card))


# The owner's completion report: comment, optional file, confirmation
async def report_start(
    query: CallbackQuery,
    callback_data: TaskCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    # Checked before the dialog, so that a stale or forged button changes nothing.
    await _service(session, app).check_report(actor, callback_data.task)
    await state.set_state(TaskReportDialog.comment)
    await state.set_data({"task": callback_data.task})
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer(t("tasks.ask_comment", max=REPORT_MAX))


async def report_comment(
    message: Message, t: Translator, session: AsyncSession, app: AppContext, state: FSMContext
) -> None:
    try:
        comment = _service(session, app).check_comment(message.text or "")
    except InvalidInput as bad:
        # Asked again with the reason; the question names the limit too.
        await message.answer(
            t(bad.key, **bad.params) + "\n\n" + t("tasks.ask_comment", max=REPORT_MAX)
        )
        return
    data = await state.get_data()
    await state.update_data(comment=comment)
    await state.set_state(TaskReportDialog.file)
    await message.answer(
        t("tasks.ask_file"), reply_markup=views.skip_keyboard(t, int(data.get("task", 0)))
    )


async def report_file(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    task_id = int(data.get("task", 0))
    document = message.document
    if document is None:
        await message.answer(
            t("tasks.file_expected") + "\n\n" + t("tasks.ask_file"),
            reply_markup=views.skip_keyboard(t, task_id),
        )
        return
    try:
        _service(session, app).check_file(document.file_name, document.file_size)
    except InvalidInput as bad:
        await message.answer(
            t(bad.key, **bad.params) + "\n\n" + t("tasks.ask_file"),
            reply_markup=views.skip_keyboard(t, task_id),
        )
        return
    await state.update_data(
        document={
            "telegram_file_id": document.file_id,
            "file_name": document.file_name,
            "mime_type": document.mime_type,
            "size": document.file_size,
        }
    )
    await _summary(message, actor, t, session, app, state)


async def report_skip(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await query.answer()
    await state.update_data(document=None)
    if isinstance(query.message, Message):
        await _summary(query.message, actor, t, session, app, state)


async def _summary(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    info = await _service(session, app).check_report(actor, int(data.get("task", 0)))
    document: dict[str, Any] | None = data.get("document")
    await state.set_state(TaskReportDialog.confirm)
    text, keyboard = views.report_summary(
        t, info, str(data.get("comment", "")), document.get("file_name") if document else None
    )
    await message.answer(text, reply_markup=keyboard)


async def report_confirm(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    # Whatever the outcome the dialog is over: a refusal is shown and nothing is kept.
    await state.clear()
    card = await _service(session, app).complete(
        actor, int(data.get("task", 0)), str(data.get("comment", "")), data.get("document")
    )
    app.wake_sender()
    await query.answer(t.plain("tasks.done"))
    await edit_or_send(query, t("tasks.done"))
    if isinstance(query.message, Message):
        text, keyboard = views.card(t, card)
        await query.message.answer(text, reply_markup=keyboard)


async def report_cancel(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await edit_or_send(query, t("tasks.cancelled"))


# The secretariat sets the owner
async def assign_menu(
    query: CallbackQuery,
    callback_data: TaskCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    choices = await _service(session, app).owner_choices(actor, callback_data.task)
    await query.answer()
    await edit_or_send(query, *views.owner_menu(t, choices))


async def assign_picker(
    query: CallbackQuery,
    callback_data: TaskCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    """The secretariat picks the owner among the units or among the people, a page at a time."""
    choices = await _service(session, app).owner_choices(actor, callback_data.task)
    picker = views.units_picker if callback_data.action == "units" else views.people_picker
    await query.answer()
    await edit_or_send(query, *picker(t, choices, callback_data.page))


async def assign_owner(
    query: CallbackQuery,
    callback_data: TaskCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    chosen = callback_data.ref
    card = await _service(session, app).assign(
        actor,
        callback_data.task,
        person_id=chosen if callback_data.action == "setp" else None,
        unit_id=chosen if callback_data.action == "setu" else None,
    )
    await query.answer(t.plain("tasks.owner_set"))
    await edit_or_send(query, *views.card(t, card))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="tasks")
    r.message.filter(private_chat())
    r.message.register(tasks_command, Command("tasks"))
    r.message.register(report_comment, StateFilter(TaskReportDialog.comment), NotCommand())
    r.message.register(report_file, StateFilter(TaskReportDialog.file), NotCommand())
    r.callback_query.register(tasks_button, MenuCb.filter(F.section == "tasks"))
    r.callback_query.register(tasks_page, TaskCb.filter(F.action.in_(set(SCOPES))))
    r.callback_query.register(task_card, TaskCb.filter(F.action == "card"))
    r.callback_query.register(report_start, TaskCb.filter(F.action == "report"))
    r.callback_query.register(
        report_skip, TaskCb.filter(F.action == "skip"), StateFilter(TaskReportDialog.file)
    )
    r.callback_query.register(
        report_confirm, TaskCb.filter(F.action == "confirm"), StateFilter(TaskReportDialog.confirm)
    )
    r.callback_query.register(
        report_cancel, TaskCb.filter(F.action == "cancel"), StateFilter(TaskReportDialog.confirm)
    )
    r.callback_query.register(assign_menu, TaskCb.filter(F.action == "assign"))
    r.callback_query.register(assign_picker, TaskCb.filter(F.action.in_({"units", "people"})))
    r.callback_query.register(assign_owner, TaskCb.filter(F.action.in_({"setu", "setp"})))
    return r
