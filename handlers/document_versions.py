"""Versions of a register entry's document (cl. 4 б, в, к, 5): the secretariat sends a new
version's file (a draft) and approves a draft by a decision of the group; everyone in the
roster gets each version's file from the entry's card (`handlers.registers.show_card`)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.callbacks import DocVersionCb
from bot.dialogs import DocVersionDialog
from bot.filters import NotCommand, private_router
from bot.services.errors import InvalidInput
from bot.update_context import Ctx
from bot.views import document_versions as views
from handlers.asking import ask_again, attached
from handlers.kept_files import keep_document
from handlers.registers import Handler, show_card

ASK_AGAIN = "document_versions.ask_file_again"


def _max_mb(ctx: Ctx) -> int:
    return ctx.document_versions.file_max_mb


def _decision(data: DocVersionCb) -> tuple[int, int] | None:
    """The decision a button names (protocol, item); None when it names none."""
    return (data.protocol, data.item) if data.protocol else None


async def add_start(query: CallbackQuery, callback_data: DocVersionCb, ctx: Ctx) -> None:
    entry = await ctx.document_versions.entry_for_draft(ctx.actor, callback_data.entry)
    await ctx.state.clear()
    await ctx.state.set_state(DocVersionDialog.file)
    await ctx.state.set_data({"entry": entry.id})
    await ctx.show(*views.ask_file(ctx.t, entry, _max_mb(ctx)))


async def file_given(message: Message, ctx: Ctx) -> None:
    """The new version's file; anything else, or a file refused, is asked again."""
    doc = message.document
    if doc is None:
        await ask_again(ctx, "document_versions.file_expected", ASK_AGAIN, max=_max_mb(ctx))
        return
    try:
        ctx.document_versions.check_file(doc.file_name, doc.file_size)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, ASK_AGAIN, said=bad.params, max=_max_mb(ctx))
        return
    entry = int((await ctx.state.get_data()).get("entry", 0))
    document = {**attached(doc), "mime_type": doc.mime_type, "size": doc.file_size}
    document = await keep_document(ctx, document, doc.file_size)
    # Whatever the outcome, the dialog is over: a refusal is told and nothing is kept.
    await ctx.state.clear()
    await ctx.document_versions.add_draft(ctx.actor, entry, document)
    await ctx.say("document_versions.added")
    await show_card(ctx, entry)


async def add_cancel(query: CallbackQuery, callback_data: DocVersionCb, ctx: Ctx) -> None:
    await ctx.state.clear()
    await show_card(ctx, callback_data.entry)


async def get_file(query: CallbackQuery, callback_data: DocVersionCb, ctx: Ctx) -> None:
    version = await ctx.document_versions.file(ctx.actor, callback_data.version)
    await ctx.answer()
    if ctx.message is not None:
        caption = ctx.t(
            "document_versions.file_caption",
            number=version.number,
            status=ctx.t.plain(f"document_versions.status_{version.status}"),
        )
        await ctx.message.answer_document(version.document["file_id"], caption=caption)


async def approve_start(query: CallbackQuery, callback_data: DocVersionCb, ctx: Ctx) -> None:
    version, decisions = await ctx.document_versions.decisions(ctx.actor, callback_data.version)
    await ctx.show(*views.decision_picker(ctx.t, version, decisions, callback_data.page))


async def approve_pick(query: CallbackQuery, callback_data: DocVersionCb, ctx: Ctx) -> None:
    summary = await ctx.document_versions.preview(
        ctx.actor, callback_data.version, _decision(callback_data)
    )
    await ctx.show(*views.summary(ctx.t, summary))


async def approve_confirm(query: CallbackQuery, callback_data: DocVersionCb, ctx: Ctx) -> None:
    summary = await ctx.document_versions.approve(
        ctx.actor, callback_data.version, _decision(callback_data)
    )
    await ctx.toast("document_versions.approved", number=summary.version.number)
    await show_card(ctx, summary.entry.id)


BUTTONS: dict[str, Handler] = {
    "add": add_start,
    "cancel": add_cancel,
    "file": get_file,
    "approve": approve_start,
    "pick": approve_pick,
    "ok": approve_confirm,
}


def router() -> Router:
    r = private_router("document_versions")
    r.message.register(file_given, StateFilter(DocVersionDialog.file), NotCommand())
    for action, handler in BUTTONS.items():
        r.callback_query.register(handler, DocVersionCb.filter(F.action == action))
    return r
