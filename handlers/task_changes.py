"""Tasks decided again (cl. 4 д–е, 14): from a task's card, an extension (the new deadline),
or a cancellation; then the decision behind it, or «Без решения» and the chair's reason; a
confirmation. And the secretariat's verdict on a completion report: accepted at once, or
returned with a comment."""

from __future__ import annotations

from datetime import date

from aiogram import Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.callbacks import TaskChangeCb
from bot.dialogs import TaskChangeDialog, TaskReturnDialog
from bot.domain.task_changes import CHANGE_REASON, REVIEW_COMMENT, ChangeKind
from bot.filters import NotCommand, Press, on_presses, private_router
from bot.services.errors import InvalidInput, NotFound
from bot.update_context import Ctx
from bot.views import task_changes as views
from bot.views import tasks as task_views
from handlers.asking import ask_again, text_answer

REASON_MAX = CHANGE_REASON.max_length
COMMENT_MAX = REVIEW_COMMENT.max_length


# An extension or a cancellation
async def extend_start(query: CallbackQuery, callback_data: TaskChangeCb, ctx: Ctx) -> None:
    info = await ctx.task_changes.start(ctx.actor, callback_data.task)
    await ctx.state.clear()
    await ctx.state.set_state(TaskChangeDialog.deadline)
    await ctx.state.set_data({"task": info.id, "kind": ChangeKind.EXTEND.value})
    await ctx.send(
        ctx.t(
            "task_changes.ask_deadline",
            deadline=task_views.deadline_text(ctx.t, info.task.deadline),
        )
    )


async def typed_deadline(message: Message, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    task_id = int(data.get("task", 0))
    question = "task_changes.ask_deadline_again"
    typed = await text_answer(ctx, message, question)
    if typed is None:
        return
    try:
        deadline = await ctx.task_changes.check_deadline(ctx.actor, task_id, typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, question, said=bad.params)
        return
    await ctx.state.update_data(deadline=deadline.isoformat())
    await _ask_basis(ctx, task_id, send=True)


async def cancel_start(query: CallbackQuery, callback_data: TaskChangeCb, ctx: Ctx) -> None:
    info = await ctx.task_changes.start(ctx.actor, callback_data.task)
    await ctx.state.clear()
    await ctx.state.set_data({"task": info.id, "kind": ChangeKind.CANCEL.value})
    await _ask_basis(ctx, info.id, send=True)


async def _ask_basis(ctx: Ctx, task_id: int, *, send: bool, page: int = 0) -> None:
    decisions = await ctx.task_changes.decisions(ctx.actor)
    await ctx.state.set_state(TaskChangeDialog.basis)
    picker = views.decision_picker(ctx.t, task_id, decisions, page)
    if send:
        await ctx.send(*picker)
    else:
        await ctx.show(*picker)


async def basis_page(query: CallbackQuery, callback_data: TaskChangeCb, ctx: Ctx) -> None:
    task_id = int((await ctx.state.get_data()).get("task", 0))
    await _ask_basis(ctx, task_id, send=False, page=callback_data.page)


async def basis_chosen(query: CallbackQuery, callback_data: TaskChangeCb, ctx: Ctx) -> None:
    if not callback_data.protocol or not callback_data.item:
        raise NotFound("errors.stale")
    await ctx.state.update_data(decision=[callback_data.protocol, callback_data.item])
    await _summary(ctx)


async def no_basis(query: CallbackQuery, callback_data: TaskChangeCb, ctx: Ctx) -> None:
    """Cl. 4 д–е, 14: without a decision only the chair, who gives a reason."""
    ctx.task_changes.check_basis(ctx.actor, by_decision=False)
    await ctx.state.update_data(decision=None)
    await ctx.state.set_state(TaskChangeDialog.reason)
    await ctx.show(ctx.t("task_changes.ask_reason", max=REASON_MAX))


async def typed_reason(message: Message, ctx: Ctx) -> None:
    question = "task_changes.ask_reason"
    typed = await text_answer(ctx, message, question, max=REASON_MAX)
    if typed is None:
        return
    try:
        reason = ctx.task_changes.check_reason(typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, question, said=bad.params, max=REASON_MAX)
        return
    await ctx.state.update_data(reason=reason)
    await _summary(ctx, send=True)


def _draft(
    data: dict[str, object],
) -> tuple[int, ChangeKind, date | None, tuple[int, int] | None, str | None]:
    try:
        kind = ChangeKind(str(data.get("kind", "")))
    except ValueError:
        raise NotFound("errors.stale") from None
    deadline = data.get("deadline")
    decision = data.get("decision")
    named = None
    if isinstance(decision, list) and len(decision) == 2:
        named = (int(decision[0]), int(decision[1]))
    reason = data.get("reason")
    return (
        int(str(data.get("task", 0))),
        kind,
        date.fromisoformat(deadline) if isinstance(deadline, str) else None,
        named,
        reason if isinstance(reason, str) else None,
    )


async def _summary(ctx: Ctx, *, send: bool = False) -> None:
    task_id, kind, deadline, decision, reason = _draft(await ctx.state.get_data())
    summary = await ctx.task_changes.summary(ctx.actor, task_id, kind, deadline, decision, reason)
    await ctx.state.set_state(TaskChangeDialog.confirm)
    if send:
        await ctx.send(*views.summary(ctx.t, summary))
    else:
        await ctx.show(*views.summary(ctx.t, summary))


async def change_confirm(query: CallbackQuery, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    # Whatever the outcome the dialog is over: a refusal is shown and nothing is kept.
    await ctx.state.clear()
    task_id, kind, deadline, decision, reason = _draft(data)
    card = await ctx.task_changes.change(ctx.actor, task_id, kind, deadline, decision, reason)
    await ctx.toast(f"task_changes.done_{kind.value}")
    await ctx.show(*task_views.card(ctx.t, card))


async def change_cancel(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.clear()
    await ctx.show(ctx.t("task_changes.dropped"))


# The secretariat's verdict on a completion report
async def accept(query: CallbackQuery, callback_data: TaskChangeCb, ctx: Ctx) -> None:
    card = await ctx.task_changes.accept(ctx.actor, callback_data.task)
    await ctx.toast("task_changes.done_accept")
    await ctx.show(*task_views.card(ctx.t, card))


async def return_start(query: CallbackQuery, callback_data: TaskChangeCb, ctx: Ctx) -> None:
    info = await ctx.task_changes.check_return(ctx.actor, callback_data.task)
    await ctx.state.clear()
    await ctx.state.set_state(TaskReturnDialog.comment)
    await ctx.state.set_data({"task": info.id})
    await ctx.send(ctx.t("task_changes.ask_comment", max=COMMENT_MAX))


async def typed_comment(message: Message, ctx: Ctx) -> None:
    question = "task_changes.ask_comment"
    typed = await text_answer(ctx, message, question, max=COMMENT_MAX)
    if typed is None:
        return
    try:
        comment = ctx.task_changes.check_comment(typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, question, said=bad.params, max=COMMENT_MAX)
        return
    task_id = int((await ctx.state.get_data()).get("task", 0))
    await ctx.state.clear()
    card = await ctx.task_changes.return_report(ctx.actor, task_id, comment)
    await ctx.send(ctx.t("task_changes.done_return"))
    await ctx.send(*task_views.card(ctx.t, card))


PRESSES: tuple[Press, ...] = (
    (extend_start, "extend", None),
    (cancel_start, "cancel", None),
    (basis_page, "bpage", TaskChangeDialog.basis),
    (basis_chosen, "basis", TaskChangeDialog.basis),
    (no_basis, "nobasis", TaskChangeDialog.basis),
    (change_confirm, "ok", TaskChangeDialog.confirm),
    (change_cancel, "no", TaskChangeDialog.confirm),
    (accept, "accept", None),
    (return_start, "return", None),
)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("task_changes")
    r.message.register(typed_deadline, StateFilter(TaskChangeDialog.deadline), NotCommand())
    r.message.register(typed_reason, StateFilter(TaskChangeDialog.reason), NotCommand())
    r.message.register(typed_comment, StateFilter(TaskReturnDialog.comment), NotCommand())
    on_presses(r, TaskChangeCb, PRESSES)
    return r
