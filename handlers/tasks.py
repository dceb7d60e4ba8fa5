"""Tasks set by decisions (cl. 4 д–е): /tasks, a task's card, the owner's completion report,
and the secretariat setting an owner the protocol's text did not name clearly."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.callbacks import TaskCb
from bot.dialogs import TaskReportDialog
from bot.domain import fields
from bot.domain.tasks import Scope
from bot.filters import NotCommand, Press, on_presses, on_section, private_router
from bot.services.errors import InvalidInput
from bot.update_context import Ctx
from bot.views import tasks as views
from handlers.asking import ask_again, text_answer
from handlers.kept_files import keep_document

SCOPES = {scope.value: scope for scope in Scope}


# Lists and cards
async def tasks_mine(event: Message | CallbackQuery, ctx: Ctx) -> None:
    await ctx.show(*views.listing(ctx.t, await ctx.tasks.listing(ctx.actor, Scope.MY), 0))


async def tasks_page(query: CallbackQuery, callback_data: TaskCb, ctx: Ctx) -> None:
    tasks = await ctx.tasks.listing(ctx.actor, SCOPES[callback_data.action])
    await ctx.show(*views.listing(ctx.t, tasks, callback_data.page))


async def task_card(query: CallbackQuery, callback_data: TaskCb, ctx: Ctx) -> None:
    await ctx.show(*views.card(ctx.t, await ctx.tasks.card(ctx.actor, callback_data.task)))


# The owner's completion report: comment, optional file, confirmation
async def report_start(query: CallbackQuery, callback_data: TaskCb, ctx: Ctx) -> None:
    # Checked before the dialog, so that a stale or forged button changes nothing.
    await ctx.tasks.check_report(ctx.actor, callback_data.task)
    await ctx.state.set_state(TaskReportDialog.comment)
    await ctx.state.set_data({"task": callback_data.task})
    await ctx.say("tasks.ask_comment", max=REPORT_MAX)


REPORT_MAX = fields.TASK_REPORT.max_length


async def report_comment(message: Message, ctx: Ctx) -> None:
    typed = await text_answer(ctx, message, "tasks.ask_comment", max=REPORT_MAX)
    if typed is None:
        return
    try:
        comment = ctx.tasks.check_comment(typed)
    except InvalidInput as bad:
        # Asked again with the reason; the question names the limit too.
        await ask_again(ctx, bad.key, "tasks.ask_comment", said=bad.params, max=REPORT_MAX)
        return
    data = await ctx.state.get_data()
    await ctx.state.update_data(comment=comment)
    await ctx.state.set_state(TaskReportDialog.file)
    await ctx.say("tasks.ask_file", views.skip_keyboard(ctx.t, int(data.get("task", 0))))


async def report_file(message: Message, ctx: Ctx) -> None:
    task_id = int((await ctx.state.get_data()).get("task", 0))
    document = message.document
    if document is None:
        await _ask_file_again(ctx, ctx.t("tasks.file_expected"), task_id)
        return
    try:
        ctx.tasks.check_file(document.file_name, document.file_size)
    except InvalidInput as bad:
        await _ask_file_again(ctx, ctx.t(bad.key, **bad.params), task_id)
        return
    given = {
        "telegram_file_id": document.file_id,
        "file_name": fields.file_name(document.file_name, "document"),
        "mime_type": document.mime_type,
        "size": document.file_size,
    }
    await ctx.state.update_data(document=await keep_document(ctx, given, document.file_size))
    await _summary(ctx)


async def _ask_file_again(ctx: Ctx, reason: str, task_id: int) -> None:
    await ctx.send(reason + "\n\n" + ctx.t("tasks.ask_file"), views.skip_keyboard(ctx.t, task_id))


async def report_skip(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.update_data(document=None)
    await _summary(ctx)


async def _summary(ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    info = await ctx.tasks.check_report(ctx.actor, int(data.get("task", 0)))
    document: dict[str, Any] | None = data.get("document")
    await ctx.state.set_state(TaskReportDialog.confirm)
    await ctx.send(
        *views.report_summary(
            ctx.t,
            info,
            str(data.get("comment", "")),
            document.get("file_name") if document else None,
        )
    )


async def report_confirm(query: CallbackQuery, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    # Whatever the outcome the dialog is over: a refusal is shown and nothing is kept.
    await ctx.state.clear()
    card = await ctx.tasks.complete(
        ctx.actor, int(data.get("task", 0)), str(data.get("comment", "")), data.get("document")
    )
    await ctx.toast("tasks.done")
    await ctx.show(ctx.t("tasks.done"))
    await ctx.send(*views.card(ctx.t, card))


async def report_cancel(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.clear()
    await ctx.show(ctx.t("tasks.cancelled"))


# The secretariat sets the owner
async def assign_menu(query: CallbackQuery, callback_data: TaskCb, ctx: Ctx) -> None:
    choices = await ctx.tasks.owner_choices(ctx.actor, callback_data.task)
    await ctx.show(*views.owner_menu(ctx.t, choices))


async def assign_picker(query: CallbackQuery, callback_data: TaskCb, ctx: Ctx) -> None:
    """The secretariat picks the owner among the units or among the people, a page at a time."""
    choices = await ctx.tasks.owner_choices(ctx.actor, callback_data.task)
    picker = views.units_picker if callback_data.action == "units" else views.people_picker
    await ctx.show(*picker(ctx.t, choices, callback_data.page))


async def assign_owner(query: CallbackQuery, callback_data: TaskCb, ctx: Ctx) -> None:
    chosen = callback_data.ref
    card = await ctx.tasks.assign(
        ctx.actor,
        callback_data.task,
        person_id=chosen if callback_data.action == "setp" else None,
        unit_id=chosen if callback_data.action == "setu" else None,
    )
    await ctx.toast("tasks.owner_set")
    await ctx.show(*views.card(ctx.t, card))


# Presses on tasks' cards and in the report dialog: handler, actions, dialog step (if any).
PRESSES: tuple[Press, ...] = (
    (tasks_page, set(SCOPES), None),
    (task_card, "card", None),
    (report_start, "report", None),
    (report_skip, "skip", TaskReportDialog.file),
    (report_confirm, "confirm", TaskReportDialog.confirm),
    (report_cancel, "cancel", TaskReportDialog.confirm),
    (assign_menu, "assign", None),
    (assign_picker, {"units", "people"}, None),
    (assign_owner, {"setu", "setp"}, None),
)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("tasks")
    on_section(r, tasks_mine, "tasks")
    r.message.register(report_comment, StateFilter(TaskReportDialog.comment), NotCommand())
    r.message.register(report_file, StateFilter(TaskReportDialog.file), NotCommand())
    on_presses(r, TaskCb, PRESSES)
    return r
