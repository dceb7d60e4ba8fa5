"""Delegations to outside events (cl. 16 б): /delegations for everyone in the roster, the
recording dialog, moving and cancelling for the secretariat and the chair, the delegates'
report back. Every step is checked by the delegation service: a button's payload is never
trusted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from aiogram import Router
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message

from bot.callbacks import DelegationCb
from bot.dialogs import DelegationDialog, DelegationMoveDialog, DelegationReportDialog
from bot.domain import delegations as rules
from bot.domain.delegations import EventWhen
from bot.domain.files import file_problem
from bot.filters import NotCommand, Press, on_presses, on_section, on_steps, private_router
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.services.delegations import Draft
from bot.services.errors import InvalidInput
from bot.update_context import Ctx
from bot.views import delegations as views
from handlers.asking import ask_again, attached, text_answer
from handlers.kept_files import keep_document

# --- reading -----------------------------------------------------------------------------


async def show_listing(ctx: Ctx, page: int = 0) -> None:
    await ctx.show(*views.listing(ctx.t, await ctx.delegations.listing(ctx.actor), page))


async def show_card(ctx: Ctx, delegation: int) -> None:
    await ctx.show(*views.card(ctx.t, await ctx.delegations.card(ctx.actor, delegation)))


async def delegations_command(event: Message | CallbackQuery, ctx: Ctx) -> None:
    await show_listing(ctx)


async def list_page(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    await show_listing(ctx, callback_data.page)


async def open_card(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    await show_card(ctx, callback_data.delegation)


async def report_file(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    document = await ctx.delegations.report_document(ctx.actor, callback_data.delegation)
    await ctx.answer()
    if document and ctx.message is not None:
        await ctx.message.answer_document(document["telegram_file_id"])


# --- recording: title, organiser, date, place, topic, delegates, decision, confirmation ---

# Each typed step: the question, the service's check, the next step and its question.
TEXT_STEPS: dict[str, tuple[str, str]] = {
    DelegationDialog.title.state or "": ("title", "delegations.ask_title"),
    DelegationDialog.organiser.state or "": ("organiser", "delegations.ask_organiser"),
    DelegationDialog.place.state or "": ("place", "delegations.ask_place"),
    DelegationDialog.topic.state or "": ("topic", "delegations.ask_topic"),
}
FIELDS = {
    "title": rules.TITLE,
    "organiser": rules.ORGANISER,
    "place": rules.PLACE,
    "topic": rules.TOPIC,
}


async def _ask(ctx: Ctx, step: State, question: str) -> None:
    await ctx.state.set_state(step)
    field = FIELDS.get(question.removeprefix("delegations.ask_"))
    await ctx.say(question, max=field.max_length if field else 0)


async def new_start(query: CallbackQuery, ctx: Ctx) -> None:
    ctx.delegations.require_manager(ctx.actor)
    await ctx.state.clear()
    await ctx.state.set_state(DelegationDialog.title)
    await ctx.state.set_data({"delegates": []})
    await ctx.show(ctx.t("delegations.ask_title", max=rules.TITLE.max_length))


def _checker(ctx: Ctx, name: str) -> Any:
    service = ctx.delegations
    return {
        "title": service.check_title,
        "organiser": service.check_organiser,
        "place": service.check_place,
        "topic": service.check_topic,
    }[name]


NEXT: dict[str, tuple[State, str]] = {
    "title": (DelegationDialog.organiser, "delegations.ask_organiser"),
    "organiser": (DelegationDialog.when, "delegations.ask_when"),
    "place": (DelegationDialog.topic, "delegations.ask_topic"),
}


async def typed_text(message: Message, ctx: Ctx) -> None:
    """The title, the organiser, the place or the topic; a refusal repeats the question."""
    ctx.delegations.require_manager(ctx.actor)
    step = await ctx.state.get_state() or ""
    name, question = TEXT_STEPS[step]
    limit = FIELDS[name].max_length
    typed = await text_answer(ctx, message, question, max=limit)
    if typed is None:
        return
    try:
        value = _checker(ctx, name)(typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, question, said=bad.params, max=limit)
        return
    await ctx.state.update_data({name: value})
    if name == "topic":
        await _ask_delegates(ctx, send=True)
        return
    following, next_question = NEXT[name]
    await _ask(ctx, following, next_question)


async def typed_when(message: Message, ctx: Ctx) -> None:
    ctx.delegations.require_manager(ctx.actor)
    question = "delegations.ask_when"
    typed = await text_answer(ctx, message, question)
    if typed is None:
        return
    try:
        when = ctx.delegations.check_when(typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, question)
        return
    await ctx.state.update_data(_when_data(when))
    await _ask(ctx, DelegationDialog.place, "delegations.ask_place")


def _when_data(when: EventWhen) -> dict[str, Any]:
    return {"day": when.day.isoformat(), "at": when.at.isoformat() if when.at else None}


def _when_of(data: dict[str, Any]) -> EventWhen:
    at = data.get("at")
    return EventWhen(
        date.fromisoformat(str(data.get("day"))), datetime.fromisoformat(at) if at else None
    )


async def _ask_delegates(ctx: Ctx, *, page: int = 0, send: bool = False) -> None:
    members = await ctx.delegations.members(ctx.actor)
    picked = (await ctx.state.get_data()).get("delegates", [])
    await ctx.state.set_state(DelegationDialog.delegates)
    text, keyboard = views.delegate_picker(ctx.t, members, picked, page)
    if send:
        await ctx.send(text, keyboard)
    else:
        await ctx.show(text, keyboard)


async def pick(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    """A member ticked or unticked."""
    members = await ctx.delegations.members(ctx.actor)
    if callback_data.person not in {m.person.id for m in members}:
        raise InvalidInput("delegations.not_a_member")
    picked: list[int] = list((await ctx.state.get_data()).get("delegates", []))
    if callback_data.person in picked:
        picked.remove(callback_data.person)
    else:
        picked.append(callback_data.person)
    await ctx.state.update_data(delegates=picked)
    await _ask_delegates(ctx, page=callback_data.page)


async def delegates_page(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    await _ask_delegates(ctx, page=callback_data.page)


async def picked(query: CallbackQuery, ctx: Ctx) -> None:
    """Done ticking: at least one delegate; then the decision behind the delegation."""
    chosen = (await ctx.state.get_data()).get("delegates", [])
    if not chosen:
        await ctx.toast("delegations.no_delegates", alert=True)
        return
    decisions = await ctx.delegations.decisions(ctx.actor)
    await ctx.state.set_state(DelegationDialog.basis)
    await ctx.show(*views.decision_picker(ctx.t, decisions, 0))


async def basis_page(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    decisions = await ctx.delegations.decisions(ctx.actor)
    await ctx.show(*views.decision_picker(ctx.t, decisions, callback_data.page))


def _draft(data: dict[str, Any]) -> Draft:
    return Draft(
        title=str(data.get("title", "")),
        organiser=str(data.get("organiser", "")),
        place=str(data.get("place", "")),
        topic=str(data.get("topic", "")),
        when=_when_of(data),
        delegates=tuple(int(p) for p in data.get("delegates", [])),
        protocol_id=data.get("protocol") or None,
        item_number=data.get("item") or None,
    )


async def basis_chosen(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    await ctx.state.update_data(
        protocol=callback_data.protocol or None, item=callback_data.item or None
    )
    summary = await ctx.delegations.summary(ctx.actor, _draft(await ctx.state.get_data()))
    await ctx.state.set_state(DelegationDialog.confirm)
    await ctx.show(*views.summary(ctx.t, summary))


async def confirmed(query: CallbackQuery, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    # Whatever the outcome, the dialog is over: a refusal is shown and nothing is kept.
    await ctx.state.clear()
    delegation = await ctx.delegations.create(ctx.actor, _draft(data))
    await ctx.toast("delegations.recorded")
    await show_card(ctx, delegation)


async def dropped(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.clear()
    await ctx.show(ctx.t("delegations.add_cancelled"))


# --- moving and cancelling -----------------------------------------------------------------


# Refusals of the typed date itself: the same question is asked again.
DATE_REFUSALS = frozenset(
    {
        "delegations.when_format",
        "delegations.when_impossible",
        "delegations.when_past",
        "delegations.same_day",
    }
)


async def move_start(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    await ctx.delegations.check_changeable(ctx.actor, callback_data.delegation)
    await ctx.state.clear()
    await ctx.state.set_state(DelegationMoveDialog.when)
    await ctx.state.set_data({"delegation": callback_data.delegation})
    await ctx.send(ctx.t("delegations.ask_new_when"))


async def move_when(message: Message, ctx: Ctx) -> None:
    question = "delegations.ask_new_when"
    typed = await text_answer(ctx, message, question)
    if typed is None:
        return
    data = await ctx.state.get_data()
    try:
        when = ctx.delegations.check_when(typed)
        card = await ctx.delegations.move(ctx.actor, int(data["delegation"]), when)
    except InvalidInput as bad:
        if bad.key in DATE_REFUSALS:
            await ask_again(ctx, bad.key, question, said=bad.params)
            return
        # Cancelled or reported meanwhile: the dialog is over, the reason is told.
        await ctx.state.clear()
        await ctx.say(bad.key, **bad.params)
        return
    await ctx.state.clear()
    await ctx.say("delegations.moved")
    await ctx.send(*views.card(ctx.t, card))


async def cancel_start(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    d = await ctx.delegations.check_changeable(ctx.actor, callback_data.delegation)
    await ctx.show(*views.cancel_question(ctx.t, d))


async def cancel_confirmed(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    card = await ctx.delegations.cancel(ctx.actor, callback_data.delegation)
    await ctx.toast("delegations.cancelled_toast")
    await ctx.show(*views.card(ctx.t, card))


async def offer(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    meeting = await ctx.delegations.offer(ctx.actor, callback_data.delegation)
    await ctx.toast("delegations.offered" if meeting else "delegations.offered_waiting")
    await show_card(ctx, callback_data.delegation)


# --- the report back: text or file, then the other one optionally, then confirmation ------


def _max_mb(ctx: Ctx) -> int:
    return ctx.app.settings.report_file_max_mb


def _skip(t: Translator) -> Any:
    return markup([[button(t("delegations.skip"), DelegationCb(action="skip"))]])


async def report_start(query: CallbackQuery, callback_data: DelegationCb, ctx: Ctx) -> None:
    d = await ctx.delegations.check_may_report(ctx.actor, callback_data.delegation)
    await ctx.state.clear()
    await ctx.state.set_state(DelegationReportDialog.content)
    await ctx.state.set_data({"delegation": d.id})
    await ctx.send(
        ctx.t("delegations.ask_report", title=d.title, max=rules.REPORT.max_length, mb=_max_mb(ctx))
    )


async def _document(message: Message, ctx: Ctx) -> dict[str, Any] | None:
    """The attached document, kept like every file people send; None after saying why it
    is refused."""
    doc = message.document
    assert doc is not None
    limit = _max_mb(ctx)
    problem = file_problem(doc.file_name, doc.file_size, limit)
    if problem is not None:
        await ctx.say(f"files.{problem.value}", name=doc.file_name or "—", max=limit)
        return None
    document = {**attached(doc), "mime_type": doc.mime_type, "size": doc.file_size}
    return await keep_document(ctx, document, doc.file_size)


def _report_question(ctx: Ctx) -> str:
    return ctx.t("delegations.ask_report_again", max=rules.REPORT.max_length, mb=_max_mb(ctx))


async def report_content(message: Message, ctx: Ctx) -> None:
    t = ctx.t
    if message.document is not None:
        document = await _document(message, ctx)
        if document is None:
            await ctx.send(_report_question(ctx))
            return
        await ctx.state.update_data(document=document)
        await ctx.state.set_state(DelegationReportDialog.more)
        await ctx.say("delegations.ask_text_after_file", _skip(t), max=rules.REPORT.max_length)
        return
    if message.text is None:
        await ctx.send(t("delegations.expected_text_or_file") + "\n\n" + _report_question(ctx))
        return
    try:
        text = ctx.delegations.check_report_text(message.text)
    except InvalidInput as bad:
        await ctx.send(t(bad.key, **bad.params) + "\n\n" + _report_question(ctx))
        return
    await ctx.state.update_data(text=text)
    await ctx.state.set_state(DelegationReportDialog.more)
    await ctx.say("delegations.ask_file_after_text", _skip(t), mb=_max_mb(ctx))


async def report_more(message: Message, ctx: Ctx) -> None:
    t = ctx.t
    if "text" in await ctx.state.get_data():
        if message.document is None:
            await ctx.say("delegations.expected_file", _skip(t))
            return
        document = await _document(message, ctx)
        if document is None:
            await ctx.say("delegations.ask_file_after_text", _skip(t), mb=_max_mb(ctx))
            return
        await ctx.state.update_data(document=document)
    else:
        question = "delegations.ask_text_after_file"
        limit = rules.REPORT.max_length
        typed = await text_answer(ctx, message, question, markup=_skip(t), max=limit)
        if typed is None:
            return
        try:
            text = ctx.delegations.check_report_text(typed)
        except InvalidInput as bad:
            await ask_again(ctx, bad.key, question, markup=_skip(t), said=bad.params, max=limit)
            return
        await ctx.state.update_data(text=text)
    await _report_check(ctx)


async def report_skip(query: CallbackQuery, ctx: Ctx) -> None:
    await _report_check(ctx)


async def _report_check(ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    d = await ctx.delegations.check_may_report(ctx.actor, int(data["delegation"]))
    await ctx.state.set_state(DelegationReportDialog.confirm)
    t = ctx.t
    lines = [t("delegations.report_check", title=d.title)]
    if data.get("text"):
        lines += ["", t("delegations.card_report_text", text=data["text"])]
    if data.get("document"):
        lines.append(
            t("delegations.card_report_file", name=data["document"].get("file_name") or "—")
        )
    keyboard = markup(
        [
            [
                button(t("delegations.confirm"), DelegationCb(action="rok")),
                button(t("delegations.dialog_cancel"), DelegationCb(action="rno")),
            ]
        ]
    )
    await ctx.show("\n".join(lines), keyboard)


async def report_confirmed(query: CallbackQuery, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    await ctx.state.clear()
    card = await ctx.delegations.report(
        ctx.actor, int(data["delegation"]), data.get("text"), data.get("document")
    )
    await ctx.toast("delegations.report_accepted")
    await ctx.show(*views.card(ctx.t, card))


async def report_dropped(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.clear()
    await ctx.show(ctx.t("delegations.report_cancelled"))


PRESSES: tuple[Press, ...] = (
    (list_page, "list", None),
    (open_card, "card", None),
    (report_file, "file", None),
    (new_start, "new", None),
    (pick, "pick", DelegationDialog.delegates),
    (delegates_page, "dpage", DelegationDialog.delegates),
    (picked, "picked", DelegationDialog.delegates),
    (basis_page, "bpage", DelegationDialog.basis),
    (basis_chosen, "basis", DelegationDialog.basis),
    (confirmed, "ok", DelegationDialog.confirm),
    (dropped, "no", DelegationDialog.confirm),
    (move_start, "move", None),
    (cancel_start, "cancel", None),
    (cancel_confirmed, "cancel_ok", None),
    (offer, "offer", None),
    (report_start, "report", None),
    (report_skip, "skip", DelegationReportDialog.more),
    (report_confirmed, "rok", DelegationReportDialog.confirm),
    (report_dropped, "rno", DelegationReportDialog.confirm),
)


def router() -> Router:
    r = private_router("delegations")
    on_section(r, delegations_command, "delegations")
    on_steps(
        r,
        [
            (typed_text, DelegationDialog.title),
            (typed_text, DelegationDialog.organiser),
            (typed_when, DelegationDialog.when),
            (typed_text, DelegationDialog.place),
            (typed_text, DelegationDialog.topic),
            (move_when, DelegationMoveDialog.when),
            (report_content, DelegationReportDialog.content),
            (report_more, DelegationReportDialog.more),
        ],
        NotCommand(),
    )
    on_presses(r, DelegationCb, PRESSES)
    return r
