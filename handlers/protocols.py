"""Protocols: /protocols, drafting by the secretariat, consent and objections by members,
conciliation meetings, the presiding person's signature (cl. 14-15)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MeetingCb, MenuCb, ProtocolCb
from bot.context import AppContext
from bot.dialogs import ConciliationDialog, ObjectionDialog, ProtocolItemDialog
from bot.domain.roles import Role
from bot.filters import Inline, private_chat
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.errors import InvalidInput
from bot.services.protocols import ProtocolService, parse_tasks
from bot.views import protocols as views
from handlers.asking import ask_again, future_moment


def _service(session: AsyncSession, app: AppContext) -> ProtocolService:
    return ProtocolService(
        session,
        app.clock,
        app.tz,
        body_name=app.settings.body_name,
        group_name=app.group_name,
        render=app.translator,
        default_locale=app.settings.default_locale,
        texts=views.TEXTS,
        consent_period=timedelta(days=app.settings.consent_period_days),
    )


async def _card(
    actor: Actor, t: Translator, session: AsyncSession, app: AppContext, protocol_id: int
) -> tuple[str, Any]:
    state = await _service(session, app).state(actor, protocol_id)
    return views.card(
        t,
        state,
        is_secretariat=actor.has(Role.SECRETARIAT) or actor.is_admin,
        is_presiding=actor.person_id is not None
        and actor.person_id == state.meeting.presiding_person_id,
        person_id=actor.person_id,
    )


async def protocols_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = views.listing(t, await _service(session, app).listing(actor))
    await message.answer(text, reply_markup=keyboard)


async def protocols_button(
    query: CallbackQuery, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    await query.answer()
    await edit_or_send(query, *views.listing(t, await _service(session, app).listing(actor)))


async def protocol_card(
    query: CallbackQuery,
    callback_data: ProtocolCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    await query.answer()
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.protocol))


async def protocol_for_meeting(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    """From a closed meeting's card: the secretariat opens (or starts) its protocol."""
    service = _service(session, app)
    protocol = await service.for_meeting(actor, callback_data.meeting)
    if protocol is None:
        protocol = await service.open_draft(actor, callback_data.meeting)
    await query.answer()
    await edit_or_send(query, *await _card(actor, t, session, app, protocol.id))


# Drafting, one item at a time
async def item_start(
    query: CallbackQuery, callback_data: ProtocolCb, t: Translator, state: FSMContext
) -> None:
    await state.set_state(ProtocolItemDialog.heard)
    await state.set_data(
        {"protocol": callback_data.protocol, "number": int(callback_data.arg or 0)}
    )
    await query.answer()
    await edit_or_send(query, t("protocol.ask_heard", number=callback_data.arg))


async def item_heard(message: Message, t: Translator, state: FSMContext) -> None:
    await state.update_data(heard=message.text or "")
    await state.set_state(ProtocolItemDialog.spoke)
    await message.answer(
        t("protocol.ask_spoke"),
        reply_markup=markup([[button(t("invites.skip_name"), ProtocolCb(action="skip"))]]),
    )


async def item_spoke(message: Message, t: Translator, state: FSMContext) -> None:
    await state.update_data(spoke=message.text or "")
    await state.set_state(ProtocolItemDialog.decided)
    await message.answer(t("protocol.ask_decided"))


async def item_skip(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await query.answer()
    current = await state.get_state()
    if not isinstance(query.message, Message):
        return
    if current == ProtocolItemDialog.spoke.state:
        await state.update_data(spoke="")
        await state.set_state(ProtocolItemDialog.decided)
        await query.message.answer(t("protocol.ask_decided"))


async def item_decided(message: Message, t: Translator, state: FSMContext) -> None:
    if not (message.text or "").strip():
        await ask_again(message, t, "protocol.decided_required", "protocol.ask_decided")
        return
    await state.update_data(decided=message.text or "")
    await state.set_state(ProtocolItemDialog.tasks)
    await message.answer(
        t("protocol.ask_tasks"),
        reply_markup=markup([[button(t("protocol.no_tasks"), ProtocolCb(action="notasks"))]]),
    )


async def item_tasks(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    try:
        tasks = parse_tasks(message.text or "")
    except InvalidInput as bad:
        await ask_again(message, t, bad.key, "protocol.ask_tasks", **bad.params)
        return
    await _save(message, actor, t, session, app, state, tasks)


async def item_no_tasks(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _save(query.message, actor, t, session, app, state, ())


async def _save(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
    tasks: Any,
) -> None:
    data = await state.get_data()
    await state.clear()
    saved = await _service(session, app).save_item(
        actor,
        int(data.get("protocol", 0)),
        int(data.get("number", 0)),
        heard=str(data.get("heard", "")),
        spoke=str(data.get("spoke", "")),
        decided=str(data.get("decided", "")),
        tasks=tasks,
    )
    app.wake_sender()
    assert saved.version is not None
    await message.answer(
        t("protocol.saved", version=saved.version.number, sha=saved.version.sha256[:12])
    )
    text, keyboard = await _card(actor, t, session, app, saved.protocol.id)
    await message.answer(text, reply_markup=keyboard)


async def request_consent(
    query: CallbackQuery,
    callback_data: ProtocolCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    await _service(session, app).request_consent(actor, callback_data.protocol)
    app.wake_sender()
    await query.answer(t.plain("protocol.requested"))
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.protocol))


async def send_docx(
    query: CallbackQuery,
    callback_data: ProtocolCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    name, content = await _service(session, app).docx(actor, callback_data.protocol)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer_document(BufferedInputFile(content, filename=name))


# Members: consent and objections
async def consent_pressed(query: CallbackQuery, callback_data: ProtocolCb, t: Translator) -> None:
    await query.answer()
    await edit_or_send(
        query,
        t("protocol.ask_mode"),
        views.mode_keyboard(t, callback_data.protocol, callback_data.version),
    )


async def consent_mode(
    query: CallbackQuery,
    callback_data: ProtocolCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    service = _service(session, app)
    try:
        await service.consent(
            actor, callback_data.protocol, callback_data.version, callback_data.arg
        )
    except InvalidInput as bad:
        if bad.key != "protocol.outdated_version":
            raise
        # The text changed: say so and show the current version with fresh buttons.
        state = await service.state(actor, callback_data.protocol)
        await query.answer(t.plain(bad.key), show_alert=True)
        await edit_or_send(
            query,
            views.consent_request(
                t,
                state.protocol,
                state.version.sha256 if state.version else "",
                "\n".join(
                    t(
                        "protocol.summary_item",
                        number=i.number,
                        title=i.title,
                        decided=i.decided or "—",
                    )
                    for i in state.content.items
                ),
            ),
            views.consent_keyboard(t, state.protocol),
        )
        return
    await query.answer(t.plain("protocol.consented"))
    await edit_or_send(query, t("protocol.consented"))


async def objection_pressed(
    query: CallbackQuery,
    callback_data: ProtocolCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    state = await _service(session, app).state(actor, callback_data.protocol)
    await query.answer()
    await edit_or_send(
        query,
        t("protocol.ask_item"),
        views.item_keyboard(
            t, callback_data.protocol, callback_data.version, len(state.content.items)
        ),
    )


async def objection_item(
    query: CallbackQuery, callback_data: ProtocolCb, t: Translator, state: FSMContext
) -> None:
    await state.set_state(ObjectionDialog.reason)
    await state.set_data(
        {
            "protocol": callback_data.protocol,
            "version": callback_data.version,
            "item": int(callback_data.arg or 0),
        }
    )
    await query.answer()
    await edit_or_send(query, t("protocol.ask_reason"))


async def objection_reason(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    try:
        objected = await _service(session, app).object(
            actor,
            int(data.get("protocol", 0)),
            int(data.get("version", -1)),
            int(data.get("item", 0)),
            message.text or "",
        )
    except InvalidInput as bad:
        if bad.key == "protocol.reason_required":
            await ask_again(message, t, bad.key, "protocol.ask_reason")
            return
        await state.clear()
        raise
    await state.clear()
    app.wake_sender()
    # The objector is told who will consider it, and can withdraw it from here (cl. 15).
    text, keyboard = views.objected(t, objected.disagreement, objected.considering)
    await message.answer(text, reply_markup=keyboard)


# The chair: conciliation meetings and outcomes
async def conciliation_start(
    query: CallbackQuery,
    callback_data: ProtocolCb,
    actor: Actor,
    t: Translator,
    state: FSMContext,
) -> None:
    if not actor.has(Role.CHAIR, Role.DEPUTY_CHAIR):
        await query.answer(t.plain("protocol.chair_only"), show_alert=True)
        return
    await state.set_state(ConciliationDialog.when)
    await state.set_data({"disagreement": callback_data.disagreement})
    await query.answer()
    await edit_or_send(query, t("protocol.ask_conciliation_when"))


async def conciliation_when(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    starts = await future_moment(
        message, message.text or "", t, app, "protocol.ask_conciliation_when"
    )
    if starts is None:
        return
    data = await state.get_data()
    await state.clear()
    meeting = await _service(session, app).call_conciliation(
        actor, int(data.get("disagreement", 0)), starts
    )
    app.wake_sender()
    await message.answer(t("protocol.conciliation_called", when=t.datetime(meeting.starts_at)))


async def resolve(
    query: CallbackQuery,
    callback_data: ProtocolCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    await _service(session, app).resolve(actor, callback_data.disagreement, callback_data.arg)
    app.wake_sender()
    await query.answer(t.plain(f"protocol.outcome_{callback_data.arg}"))
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.protocol))


async def sign(
    query: CallbackQuery,
    callback_data: ProtocolCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    """Signing cannot be undone: the same checks as signing, then a confirmation that
    names the protocol and the version."""
    state = await _service(session, app).check_sign(actor, callback_data.protocol)
    await query.answer()
    await edit_or_send(query, *views.sign_confirm(t, state))


async def sign_confirmed(
    query: CallbackQuery,
    callback_data: ProtocolCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    await _service(session, app).sign(actor, callback_data.protocol, callback_data.version)
    app.wake_sender()
    await query.answer(t.plain("protocol.signed_short"))
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.protocol))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="protocols")
    r.message.filter(private_chat())
    r.message.register(protocols_command, Command("protocols"))
    r.message.register(item_heard, StateFilter(ProtocolItemDialog.heard), Inline(F.text))
    r.message.register(item_spoke, StateFilter(ProtocolItemDialog.spoke), Inline(F.text))
    r.message.register(item_decided, StateFilter(ProtocolItemDialog.decided), Inline(F.text))
    r.message.register(item_tasks, StateFilter(ProtocolItemDialog.tasks), Inline(F.text))
    r.message.register(objection_reason, StateFilter(ObjectionDialog.reason), Inline(F.text))
    r.message.register(conciliation_when, StateFilter(ConciliationDialog.when), Inline(F.text))
    r.callback_query.register(protocol_for_meeting, MeetingCb.filter(F.action == "protocol"))
    r.callback_query.register(protocol_card, ProtocolCb.filter(F.action == "card"))
    r.callback_query.register(protocols_button, MenuCb.filter(F.section == "protocols"))
    r.callback_query.register(item_start, ProtocolCb.filter(F.action == "item"))
    r.callback_query.register(item_skip, ProtocolCb.filter(F.action == "skip"))
    r.callback_query.register(
        item_no_tasks,
        ProtocolCb.filter(F.action == "notasks"),
        StateFilter(ProtocolItemDialog.tasks),
    )
    r.callback_query.register(request_consent, ProtocolCb.filter(F.action == "request"))
    r.callback_query.register(send_docx, ProtocolCb.filter(F.action == "docx"))
    r.callback_query.register(consent_pressed, ProtocolCb.filter(F.action == "consent"))
    r.callback_query.register(consent_mode, ProtocolCb.filter(F.action == "mode"))
    r.callback_query.register(objection_pressed, ProtocolCb.filter(F.action == "object"))
    r.callback_query.register(objection_item, ProtocolCb.filter(F.action == "objitem"))
    r.callback_query.register(conciliation_start, ProtocolCb.filter(F.action == "concil"))
    r.callback_query.register(resolve, ProtocolCb.filter(F.action == "resolve"))
    r.callback_query.register(sign, ProtocolCb.filter(F.action == "sign"))
    r.callback_query.register(sign_confirmed, ProtocolCb.filter(F.action == "signok"))
    return r
