"""Broadcasts for the secretariat: /broadcast (compose, audience, preview, confirm) and
/deliveries (history and delivery reports)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.callbacks import BroadcastCb, MenuCb
from bot.dialogs import BroadcastDialog
from bot.domain import fields
from bot.domain.broadcasts import check_text
from bot.domain.fields import FieldError
from bot.domain.roles import Capability
from bot.filters import (
    HasCapability,
    Inline,
    NotCommand,
    Press,
    on_presses,
    on_section,
    private_router,
)
from bot.services.broadcasts import Audience, Draft, Progress
from bot.services.errors import NotFound
from bot.update_context import Ctx
from bot.views.broadcasts import (
    HISTORY_PAGE,
    audience_label,
    audience_menu,
    history_card,
    preview,
    progress_text,
    report_card,
    unit_menu,
)
from handlers.asking import ask_again, attached
from handlers.kept_files import keep_document
from handlers.pressed import pressed


async def broadcast_start(event: Message | CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.clear()
    await ctx.state.set_state(BroadcastDialog.content)
    await ctx.show(ctx.t("broadcasts.ask_content", **CONTENT_LIMITS))


# The question names both limits: a message's text, a document's caption.
CONTENT_LIMITS: dict[str, Any] = {
    "max": fields.BROADCAST_TEXT.max_length,
    "caption_max": fields.BROADCAST_CAPTION.max_length,
}


async def broadcast_content(message: Message, ctx: Ctx) -> None:
    document = attached(message.document) if message.document is not None else None
    typed = message.text or message.caption
    if typed is None and document is None:
        await ask_again(
            ctx, "broadcasts.content_expected", "broadcasts.ask_content", **CONTENT_LIMITS
        )
        return
    if typed is not None:
        try:
            check_text(typed, with_document=document is not None)
        except FieldError as bad:
            question = "broadcasts.ask_content"
            await ask_again(ctx, bad.key, question, said=bad.params, **CONTENT_LIMITS)
            return
    text = message.html_text if typed is not None else None
    if document is not None and message.document is not None:
        document = await keep_document(ctx, document, message.document.file_size)
    await ctx.state.set_data({"text": text, "document": document})
    await ctx.state.set_state(BroadcastDialog.audience)
    counts = {
        audience: len(await ctx.broadcasts.recipients(ctx.actor, audience, None))
        for audience in (Audience.MEMBERS, Audience.SECRETARIAT, Audience.EVERYONE)
    }
    chat = await ctx.broadcasts.linked_chat(ctx.actor)
    await ctx.show(*audience_menu(ctx.t, counts, chat[1] if chat else None, chat is not None))


async def broadcast_audience(query: CallbackQuery, callback_data: BroadcastCb, ctx: Ctx) -> None:
    draft, audience = await _chosen(ctx, callback_data)
    t = ctx.t
    if audience is Audience.UNIT and callback_data.action == "aud":
        await ctx.show(*unit_menu(t, await ctx.roster.units(ctx.actor)))
        return
    unit_name = None
    if audience is Audience.UNIT:
        unit_name = (await ctx.roster.unit(ctx.actor, callback_data.unit)).name
    if audience is Audience.CHAT:
        chat = await ctx.broadcasts.linked_chat(ctx.actor)
        count = 1 if chat else 0
        label = t("broadcasts.audience_chat_named", title=(chat[1] if chat else None) or "—")
    else:
        count = len(
            await ctx.broadcasts.recipients(ctx.actor, audience, callback_data.unit or None)
        )
        label = audience_label(t, audience, unit_name)
    await ctx.show(*preview(t, draft, label, count, audience, callback_data.unit))


async def broadcast_confirm(query: CallbackQuery, callback_data: BroadcastCb, ctx: Ctx) -> None:
    draft, audience = await _chosen(ctx, callback_data)
    message = ctx.message
    card = (message.chat.id, message.message_id) if message is not None else None
    broadcast = await ctx.broadcasts.start(
        ctx.actor, draft, audience, callback_data.unit or None, progress_card=card
    )
    await ctx.state.clear()
    await ctx.toast("broadcasts.started")
    # The preview card becomes the progress message, edited in place while it runs.
    if message is not None:
        start = Progress(broadcast.total, 0, 0, 0, 0, 0)
        await ctx.show(progress_text(ctx.t, broadcast, start))


async def broadcast_cancel(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.clear()
    await ctx.show(ctx.t("broadcasts.cancelled"))


async def broadcast_not_content(message: Message, ctx: Ctx) -> None:
    await ask_again(ctx, "broadcasts.content_expected", "broadcasts.ask_content", **CONTENT_LIMITS)


async def deliveries_page(
    event: Message | CallbackQuery, ctx: Ctx, callback_data: BroadcastCb | MenuCb | None = None
) -> None:
    """/deliveries and the menu's button open the first page; a page's buttons the others."""
    await _show_history(ctx, callback_data.page if isinstance(callback_data, BroadcastCb) else 0)


async def delivery_report(query: CallbackQuery, callback_data: BroadcastCb, ctx: Ctx) -> None:
    broadcast, lines = await ctx.broadcasts.report(ctx.actor, callback_data.broadcast)
    await ctx.show(*report_card(ctx.t, broadcast, lines, callback_data.page))


async def _show_history(ctx: Ctx, page: int) -> None:
    items = await ctx.broadcasts.history(ctx.actor, page, HISTORY_PAGE + 1)
    await ctx.show(*history_card(ctx.t, items[:HISTORY_PAGE], page, len(items) > HISTORY_PAGE))


async def _chosen(ctx: Ctx, callback_data: BroadcastCb) -> tuple[Draft, Audience]:
    """The draft of this dialog and the audience pressed; refused (an alert) when the
    dialog has been lost or the button is not one of ours."""
    data = await ctx.state.get_data()
    if "text" not in data and "document" not in data:
        raise NotFound("errors.stale")
    draft = Draft(text=data.get("text"), document=data.get("document"))
    return draft, pressed(Audience, callback_data.audience)


# Presses in the broadcast dialog and on the delivery cards: handler, actions, dialog step.
PRESSES: tuple[Press, ...] = (
    (broadcast_audience, {"aud", "unit"}, BroadcastDialog.audience),
    (broadcast_confirm, "confirm", BroadcastDialog.audience),
    (broadcast_cancel, "cancel", None),
    (deliveries_page, "hist", None),
    (delivery_report, "open", None),
)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("broadcasts", HasCapability(Capability.BROADCAST))
    r.callback_query.filter(HasCapability(Capability.BROADCAST))
    on_section(r, broadcast_start, "broadcast")
    on_section(r, deliveries_page, "deliveries")
    r.message.register(
        broadcast_content, StateFilter(BroadcastDialog.content), Inline(F.text | F.document)
    )
    r.message.register(broadcast_not_content, StateFilter(BroadcastDialog.content), NotCommand())
    on_presses(r, BroadcastCb, PRESSES)
    return r
