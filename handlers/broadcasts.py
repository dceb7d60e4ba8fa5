"""Broadcasts for the secretariat: /broadcast (compose, audience, preview, confirm) and
/deliveries (history and delivery reports)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import BroadcastCb, MenuCb
from bot.context import AppContext
from bot.dialogs import BroadcastDialog
from bot.domain.roles import Capability
from bot.filters import HasCapability, Inline, NotCommand, private_chat
from bot.i18n import Translator
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.broadcasts import Audience, BroadcastService, Draft, Progress
from bot.services.roster import RosterService
from bot.views.broadcasts import (
    HISTORY_PAGE,
    ack_keyboard,
    audience_label,
    audience_menu,
    history_card,
    preview,
    progress_text,
    report_card,
    unit_menu,
)
from handlers.asking import ask_again


def _service(session: AsyncSession, app: AppContext) -> BroadcastService:
    return BroadcastService(session, app.clock)


async def broadcast_command(message: Message, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(BroadcastDialog.content)
    await message.answer(t("broadcasts.ask_content"))


async def broadcast_button(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await state.set_state(BroadcastDialog.content)
    await query.answer()
    await edit_or_send(query, t("broadcasts.ask_content"))


async def broadcast_content(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    document = None
    if message.document is not None:
        document = {
            "file_id": message.document.file_id,
            "file_name": message.document.file_name or "document",
        }
    text = message.html_text if (message.text or message.caption) else None
    if text is None and document is None:
        await ask_again(message, t, "broadcasts.content_expected", "broadcasts.ask_content")
        return
    await state.set_data({"text": text, "document": document})
    await state.set_state(BroadcastDialog.audience)
    service = _service(session, app)
    counts = {
        audience: len(await service.recipients(actor, audience, None))
        for audience in (Audience.MEMBERS, Audience.SECRETARIAT, Audience.EVERYONE)
    }
    chat = await service.linked_chat(actor)
    text_out, keyboard = audience_menu(t, counts, chat[1] if chat else None, chat is not None)
    await message.answer(text_out, reply_markup=keyboard)


async def broadcast_audience(
    query: CallbackQuery,
    callback_data: BroadcastCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    draft = await _draft(state)
    audience = _audience(callback_data.audience)
    if draft is None or audience is None:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    await query.answer()
    if audience is Audience.UNIT and callback_data.action == "aud":
        units = await RosterService(session, app.clock).units(actor)
        await edit_or_send(query, *unit_menu(t, units))
        return
    service = _service(session, app)
    unit_name = None
    if audience is Audience.UNIT:
        unit_name = (await RosterService(session, app.clock).unit(actor, callback_data.unit)).name
    if audience is Audience.CHAT:
        chat = await service.linked_chat(actor)
        count = 1 if chat else 0
        label = t("broadcasts.audience_chat_named", title=(chat[1] if chat else None) or "—")
    else:
        count = len(await service.recipients(actor, audience, callback_data.unit or None))
        label = audience_label(t, audience, unit_name)
    await edit_or_send(query, *preview(t, draft, label, count, audience, callback_data.unit))


async def broadcast_confirm(
    query: CallbackQuery,
    callback_data: BroadcastCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    draft = await _draft(state)
    audience = _audience(callback_data.audience)
    if draft is None or audience is None:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    service = _service(session, app)
    message = query.message
    card = (message.chat.id, message.message_id) if isinstance(message, Message) else None
    broadcast = await service.start(
        actor,
        draft,
        audience,
        callback_data.unit or None,
        render=app.translator,
        default_locale=app.settings.default_locale,
        ack_keyboard=ack_keyboard,
        progress_card=card,
    )
    await state.clear()
    app.wake_sender()
    await query.answer(t.plain("broadcasts.started"))
    # The preview card becomes the progress message, edited in place while it runs.
    if isinstance(message, Message):
        start = Progress(broadcast.total, 0, 0, 0, 0, 0)
        await edit_or_send(query, progress_text(t, broadcast, start))


async def broadcast_cancel(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await edit_or_send(query, t("broadcasts.cancelled"))


async def broadcast_not_content(message: Message, t: Translator) -> None:
    await ask_again(message, t, "broadcasts.content_expected", "broadcasts.ask_content")


async def deliveries_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = await _history(actor, t, session, app, 0)
    await message.answer(text, reply_markup=keyboard)


async def deliveries_page(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    callback_data: BroadcastCb | MenuCb,
) -> None:
    page = callback_data.page if isinstance(callback_data, BroadcastCb) else 0
    card = await _history(actor, t, session, app, page)
    await query.answer()
    await edit_or_send(query, *card)


async def delivery_report(
    query: CallbackQuery,
    callback_data: BroadcastCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    broadcast, lines = await _service(session, app).report(actor, callback_data.broadcast)
    await query.answer()
    await edit_or_send(query, *report_card(t, broadcast, lines, callback_data.page))


async def _history(
    actor: Actor, t: Translator, session: AsyncSession, app: AppContext, page: int
) -> tuple[str, Any]:
    items = await _service(session, app).history(actor, page, HISTORY_PAGE + 1)
    return history_card(t, items[:HISTORY_PAGE], page, len(items) > HISTORY_PAGE)


async def _draft(state: FSMContext) -> Draft | None:
    data = await state.get_data()
    if "text" not in data and "document" not in data:
        return None
    return Draft(text=data.get("text"), document=data.get("document"))


def _audience(value: str) -> Audience | None:
    return next((a for a in Audience if a.value == value), None)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="broadcasts")
    r.message.filter(private_chat(), HasCapability(Capability.BROADCAST))
    r.callback_query.filter(HasCapability(Capability.BROADCAST))
    r.message.register(broadcast_command, Command("broadcast"))
    r.message.register(deliveries_command, Command("deliveries"))
    r.message.register(
        broadcast_content, StateFilter(BroadcastDialog.content), Inline(F.text | F.document)
    )
    r.message.register(broadcast_not_content, StateFilter(BroadcastDialog.content), NotCommand())
    r.callback_query.register(
        broadcast_audience,
        BroadcastCb.filter(F.action.in_({"aud", "unit"})),
        StateFilter(BroadcastDialog.audience),
    )
    r.callback_query.register(
        broadcast_confirm,
        BroadcastCb.filter(F.action == "confirm"),
        StateFilter(BroadcastDialog.audience),
    )
    r.callback_query.register(broadcast_button, MenuCb.filter(F.section == "broadcast"))
    r.callback_query.register(broadcast_cancel, BroadcastCb.filter(F.action == "cancel"))
    r.callback_query.register(deliveries_page, MenuCb.filter(F.section == "deliveries"))
    r.callback_query.register(deliveries_page, BroadcastCb.filter(F.action == "hist"))
    r.callback_query.register(delivery_report, BroadcastCb.filter(F.action == "open"))
    return r
