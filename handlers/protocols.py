"""Protocols: /protocols, drafting by the secretariat, consent and objections by members,
conciliation meetings, the presiding person's signature (cl. 14-15)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiogram import F, Router
from aiogram.fsm.state import State
from aiogram.types import BufferedInputFile, CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import MeetingCb, ProtocolCb
from bot.dialogs import ConciliationDialog, ObjectionDialog, ProtocolItemDialog
from bot.domain import fields
from bot.domain.protocol import TaskLine
from bot.filters import NotCommand, on_buttons, on_presses, on_section, on_steps, private_router
from bot.keyboards import button, in_private, markup
from bot.services.errors import InvalidInput
from bot.services.protocols.consent import check_may_call_conciliation
from bot.services.protocols.drafting import parse_tasks
from bot.update_context import Ctx
from bot.views import protocols as views
from handlers.asking import ask_again, field_answer, future_moment, text_answer


def _editor(ctx: Ctx, protocol_id: int) -> str | None:
    """The protocol's page in the Mini App, where a button to it may go (issue #19 item 6)."""
    return in_private(ctx.app.webapp_link(f"/protocols/{protocol_id}"), ctx.message)


async def _show_card(ctx: Ctx, protocol_id: int) -> None:
    state = await ctx.protocols.state(ctx.actor, protocol_id)
    await ctx.show(*views.card(ctx.t, state, editor=_editor(ctx, protocol_id)))


async def protocols_list(event: Message | CallbackQuery, ctx: Ctx) -> None:
    await ctx.show(*views.listing(ctx.t, await ctx.protocols.listing(ctx.actor)))


async def protocol_card(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    await _show_card(ctx, callback_data.protocol)


async def protocol_for_meeting(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    """From a closed meeting's card: the secretariat opens (or starts) its protocol."""
    protocol = await ctx.protocols.for_meeting(ctx.actor, callback_data.meeting)
    if protocol is None:
        protocol = await ctx.protocol_drafts.open_draft(ctx.actor, callback_data.meeting)
    await _show_card(ctx, protocol.id)


async def send_docx(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    name, content = await ctx.protocols.docx(ctx.actor, callback_data.protocol)
    await ctx.answer()
    if ctx.message is not None:
        await ctx.message.answer_document(BufferedInputFile(content, filename=name))


# Drafting, one item at a time
async def item_start(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    number = _number(callback_data.arg)
    await ctx.protocol_drafts.check_item(ctx.actor, callback_data.protocol, number)
    await ctx.state.set_state(ProtocolItemDialog.heard)
    await ctx.state.set_data({"protocol": callback_data.protocol, "number": number})
    await ctx.show(ctx.t("protocol.ask_heard", number=number, max=PROTOCOL_MAX))


# Each step checks its own text when it is typed: a refused step is asked again and the
# answers before it are kept (UX.md), instead of a refusal after the last step.
PROTOCOL_MAX = fields.PROTOCOL_TEXT.max_length


def _number(arg: str) -> int:
    """An item's number from a button; 0 (no such item, refused) for anything forged."""
    return int(arg) if arg.isdecimal() else 0


async def item_heard(message: Message, ctx: Ctx) -> None:
    number = (await ctx.state.get_data()).get("number", 0)
    heard = await field_answer(
        ctx, message, fields.PROTOCOL_TEXT, "protocol.ask_heard", number=number
    )
    if heard is not None:
        await _next_step(ctx, ProtocolItemDialog.spoke, "protocol.ask_spoke", heard=heard)


async def item_spoke(message: Message, ctx: Ctx) -> None:
    question, skip = _STEPS[ProtocolItemDialog.spoke]
    spoke = await field_answer(
        ctx, message, fields.PROTOCOL_TEXT, question, markup=_keyboard(ctx, skip)
    )
    if spoke is not None:
        await _next_step(ctx, ProtocolItemDialog.decided, "protocol.ask_decided", spoke=spoke)


async def item_skip(query: CallbackQuery, ctx: Ctx) -> None:
    await _next_step(ctx, ProtocolItemDialog.decided, "protocol.ask_decided", spoke="")


async def item_decided(message: Message, ctx: Ctx) -> None:
    decided = await field_answer(
        ctx,
        message,
        fields.PROTOCOL_TEXT,
        "protocol.ask_decided",
        empty="protocol.decided_required",
    )
    if decided is not None:
        await _next_step(ctx, ProtocolItemDialog.tasks, "protocol.ask_tasks", decided=decided)


# A step's question and the button under it (a label and its action), by the step.
_STEPS: dict[State, tuple[str, tuple[str, str] | None]] = {
    ProtocolItemDialog.spoke: ("protocol.ask_spoke", ("invites.skip_name", "skip")),
    ProtocolItemDialog.decided: ("protocol.ask_decided", None),
    ProtocolItemDialog.tasks: ("protocol.ask_tasks", ("protocol.no_tasks", "notasks")),
}


def _keyboard(ctx: Ctx, label_action: tuple[str, str] | None) -> InlineKeyboardMarkup | None:
    if label_action is None:
        return None
    label, action = label_action
    return markup([[button(ctx.t(label), ProtocolCb(action=action))]])


async def _next_step(ctx: Ctx, step: State, question: str, **answer: str) -> None:
    """Keeps the answer, moves the dialog on and asks the next question."""
    await ctx.state.update_data(answer)
    await ctx.state.set_state(step)
    _, label_action = _STEPS[step]
    await ctx.say(question, _keyboard(ctx, label_action), max=PROTOCOL_MAX)


async def item_tasks(message: Message, ctx: Ctx) -> None:
    question, label_action = _STEPS[ProtocolItemDialog.tasks]
    none = _keyboard(ctx, label_action)
    typed = await field_answer(ctx, message, fields.PROTOCOL_TEXT, question, markup=none)
    if typed is None:
        return
    try:
        tasks = parse_tasks(typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, question, markup=none, said=bad.params, max=PROTOCOL_MAX)
        return
    await _save(ctx, tasks)


async def item_no_tasks(query: CallbackQuery, ctx: Ctx) -> None:
    # Not answered before saving: a refusal (the protocol was signed meanwhile) is an alert.
    await _save(ctx, ())


async def _save(ctx: Ctx, tasks: tuple[TaskLine, ...]) -> None:
    data = await ctx.state.get_data()
    await ctx.state.clear()
    saved = await ctx.protocol_drafts.save_item(
        ctx.actor,
        int(data.get("protocol", 0)),
        int(data.get("number", 0)),
        heard=str(data.get("heard", "")),
        spoke=str(data.get("spoke", "")),
        decided=str(data.get("decided", "")),
        tasks=tasks,
    )
    assert saved.version is not None
    await ctx.say("protocol.saved", version=saved.version.number, sha=saved.version.sha256[:12])
    await ctx.send(*views.card(ctx.t, saved, editor=_editor(ctx, saved.protocol.id)))


async def request_consent(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    state = await ctx.protocol_drafts.request_consent(ctx.actor, callback_data.protocol)
    await ctx.toast("protocol.requested")
    await ctx.show(*views.card(ctx.t, state, editor=_editor(ctx, state.protocol.id)))


# Members: consent and objections
async def _answerable(ctx: Ctx, data: ProtocolCb, item: int | None = None) -> bool:
    """Whether the presser may answer the version on the button; a button of an older
    version shows the current one instead."""
    try:
        await ctx.protocol_consent.check_answerable(ctx.actor, data.protocol, data.version, item)
    except InvalidInput as bad:
        await _outdated(ctx, data, bad)
        return False
    return True


async def consent_pressed(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    data = callback_data
    try:
        asked = await ctx.protocol_consent.ask_mode(ctx.actor, data.protocol, data.version)
    except InvalidInput as bad:
        await _outdated(ctx, data, bad)
        return
    # The question comes as a message of its own; a second press does not repeat it.
    await ctx.toast("protocol.ask_mode_sent" if asked else "protocol.ask_mode_again")


async def _outdated(ctx: Ctx, data: ProtocolCb, bad: InvalidInput) -> None:
    """The text changed since the request: say so and show the current version with fresh
    buttons. Any other refusal is shown as it is."""
    if bad.key != "protocol.outdated_version":
        raise bad
    state = await ctx.protocols.state(ctx.actor, data.protocol)
    await ctx.toast(bad.key, alert=True)
    await ctx.show(*views.consent_request_card(ctx.t, state))


async def consent_mode(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    data = callback_data
    try:
        await ctx.protocol_consent.consent(ctx.actor, data.protocol, data.version, data.arg)
    except InvalidInput as bad:
        await _outdated(ctx, data, bad)
        return
    await ctx.toast("protocol.consented")
    await ctx.show(ctx.t("protocol.consented"))


async def objection_pressed(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    if not await _answerable(ctx, callback_data):
        return
    state = await ctx.protocols.state(ctx.actor, callback_data.protocol)
    await ctx.show(
        ctx.t("protocol.ask_item"),
        views.item_keyboard(
            ctx.t, callback_data.protocol, callback_data.version, len(state.content.items)
        ),
    )


async def objection_item(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    item = _number(callback_data.arg)
    if not await _answerable(ctx, callback_data, item):
        return
    await ctx.state.set_state(ObjectionDialog.reason)
    await ctx.state.set_data(
        {"protocol": callback_data.protocol, "version": callback_data.version, "item": item}
    )
    await ctx.show(ctx.t("protocol.ask_reason", max=PROTOCOL_MAX))


async def objection_reason(message: Message, ctx: Ctx) -> None:
    question = "protocol.ask_reason"
    reason = await field_answer(
        ctx, message, fields.PROTOCOL_TEXT, question, empty="protocol.reason_required"
    )
    if reason is None:
        return
    data = await ctx.state.get_data()
    try:
        objected = await ctx.protocol_consent.object(
            ctx.actor,
            int(data.get("protocol", 0)),
            int(data.get("version", -1)),
            int(data.get("item", 0)),
            reason,
        )
    except InvalidInput as bad:
        if bad.key == "protocol.reason_required":
            await ask_again(ctx, bad.key, question, max=PROTOCOL_MAX)
            return
        await ctx.state.clear()
        raise
    await ctx.state.clear()
    # The objector is told who will consider it, and can withdraw it from here (cl. 15).
    await ctx.send(*views.objected(ctx.t, objected.disagreement, objected.considering))


# The chair: conciliation meetings and outcomes
async def conciliation_start(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    check_may_call_conciliation(ctx.actor)
    await ctx.state.set_state(ConciliationDialog.when)
    await ctx.state.set_data({"disagreement": callback_data.disagreement})
    await ctx.show(ctx.t("protocol.ask_conciliation_when"))


async def conciliation_when(message: Message, ctx: Ctx) -> None:
    question = "protocol.ask_conciliation_when"
    typed = await text_answer(ctx, message, question)
    starts = None if typed is None else await future_moment(ctx, typed, question)
    if starts is None:
        return
    data = await ctx.state.get_data()
    await ctx.state.clear()
    meeting = await ctx.protocol_consent.call_conciliation(
        ctx.actor, int(data.get("disagreement", 0)), starts
    )
    await ctx.say("protocol.conciliation_called", when=ctx.t.datetime(meeting.starts_at))


async def resolve(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    await ctx.protocol_consent.resolve(ctx.actor, callback_data.disagreement, callback_data.arg)
    await ctx.toast(f"protocol.outcome_{callback_data.arg}")
    await _show_card(ctx, callback_data.protocol)


# The presiding person's signature
async def sign(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    """Signing cannot be undone: the same checks as signing, then a confirmation that
    names the protocol and the version."""
    state = await ctx.protocol_signing.check_sign(ctx.actor, callback_data.protocol)
    await ctx.show(*views.sign_confirm(ctx.t, state))


async def sign_confirmed(query: CallbackQuery, callback_data: ProtocolCb, ctx: Ctx) -> None:
    data = callback_data
    state = await ctx.protocol_signing.sign(ctx.actor, data.protocol, data.version)
    await ctx.toast("protocol.signed_short")
    await ctx.show(*views.card(ctx.t, state, editor=_editor(ctx, state.protocol.id)))


# The protocol's buttons, by action; dialog steps are registered with their states below.
BUTTONS: dict[str, Callable[..., Awaitable[None]]] = {
    "card": protocol_card,
    "item": item_start,
    "request": request_consent,
    "docx": send_docx,
    "consent": consent_pressed,
    "mode": consent_mode,
    "object": objection_pressed,
    "objitem": objection_item,
    "concil": conciliation_start,
    "resolve": resolve,
    "sign": sign,
    "signok": sign_confirmed,
}


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("protocols")
    on_section(r, protocols_list, "protocols")
    steps = (
        (item_heard, ProtocolItemDialog.heard),
        (item_spoke, ProtocolItemDialog.spoke),
        (item_decided, ProtocolItemDialog.decided),
        (item_tasks, ProtocolItemDialog.tasks),
        (objection_reason, ObjectionDialog.reason),
        (conciliation_when, ConciliationDialog.when),
    )
    on_steps(r, steps, NotCommand())
    r.callback_query.register(protocol_for_meeting, MeetingCb.filter(F.action == "protocol"))
    on_presses(
        r,
        ProtocolCb,
        [
            (item_skip, "skip", ProtocolItemDialog.spoke),
            (item_no_tasks, "notasks", ProtocolItemDialog.tasks),
        ],
    )
    on_buttons(r, ProtocolCb, BUTTONS)
    return r
