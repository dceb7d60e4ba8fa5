"""The agenda: /agenda (the card), /propose (a member's proposal), the chair's decisions,
approval, and votes on additional items (cl. 13)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, Message

from bot.callbacks import AgendaCb, VoteCb
from bot.dialogs import AgendaItemDialog, ProposalDialog, RejectDialog
from bot.domain import fields
from bot.domain.agenda import Choice
from bot.filters import NotCommand, on_presses, on_section, on_steps, private_router
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.services.agenda import UndecidedProposals
from bot.services.errors import InvalidInput
from bot.update_context import Ctx
from bot.views import agenda as views
from handlers.asking import ask_again, attached, field_answer, text_answer
from handlers.kept_files import keep_document
from handlers.pressed import pressed


async def _show_card(ctx: Ctx, meeting_id: int) -> None:
    await ctx.show(*views.agenda_card(ctx.t, await ctx.agenda.agenda(ctx.actor, meeting_id)))


async def _for_current(ctx: Ctx, then: Callable[[Ctx, int], Awaitable[None]]) -> None:
    """`then` for the meeting the agenda is being prepared for, or a word that there is
    none."""
    meeting = await ctx.meetings.current(ctx.actor)
    if meeting is None:
        await ctx.show(ctx.t("agenda.no_meeting"))
        return
    # A subgroup's meeting (cl. 10): the person acts with their standing in that group.
    ctx.actor = await ctx.group_scope.enter(ctx.actor, meeting.group_id)
    await then(ctx, meeting.id)


async def agenda_current(event: Message | CallbackQuery, ctx: Ctx) -> None:
    await _for_current(ctx, _show_card)


async def agenda_refresh(query: CallbackQuery, callback_data: AgendaCb, ctx: Ctx) -> None:
    await _show_card(ctx, callback_data.meeting)


# Proposals from members
async def propose_command(message: Message, ctx: Ctx) -> None:
    await _for_current(ctx, _start_proposal)


async def propose_button(query: CallbackQuery, callback_data: AgendaCb, ctx: Ctx) -> None:
    await _start_proposal(ctx, callback_data.meeting)


async def _start_proposal(ctx: Ctx, meeting: int) -> None:
    await ctx.agenda.check_may_propose(ctx.actor, meeting)
    await ctx.state.set_state(ProposalDialog.title)
    await ctx.state.set_data({"meeting": meeting})
    await ctx.say("agenda.ask_title", max=fields.ITEM_TITLE.max_length)


def _skip(t: Translator) -> Any:
    return markup([[button(t("invites.skip_name"), AgendaCb(action="skip"))]])


async def proposal_title(message: Message, ctx: Ctx) -> None:
    title = await field_answer(
        ctx, message, fields.ITEM_TITLE, "agenda.ask_title", refused="agenda.title_invalid"
    )
    if title is None:
        return
    await ctx.state.update_data(title=title)
    await ctx.state.set_state(ProposalDialog.description)
    limit = fields.ITEM_DESCRIPTION.max_length
    await ctx.say("agenda.ask_description", _skip(ctx.t), max=limit)


async def proposal_description(message: Message, ctx: Ctx) -> None:
    question, skip = "agenda.ask_description", _skip(ctx.t)
    text = await field_answer(ctx, message, fields.ITEM_DESCRIPTION, question, markup=skip)
    if text is None:
        return
    await ctx.state.update_data(description=text)
    await ctx.state.set_state(ProposalDialog.document)
    await ctx.say("agenda.ask_document", _skip(ctx.t))


async def proposal_document(message: Message, ctx: Ctx) -> None:
    if message.document is None:
        await ctx.say("agenda.document_expected", _skip(ctx.t))
        return
    document = await keep_document(ctx, attached(message.document), message.document.file_size)
    await ctx.state.update_data(document=document)
    await _submit(ctx)


async def proposal_skip(query: CallbackQuery, ctx: Ctx) -> None:
    if await ctx.state.get_state() == ProposalDialog.description.state:
        await ctx.state.set_state(ProposalDialog.document)
        await ctx.say("agenda.ask_document", _skip(ctx.t))
        return
    await _submit(ctx)


async def _submit(ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    # Whatever the outcome, the dialog is over: a refusal is shown and nothing is kept.
    await ctx.state.clear()
    item = await ctx.agenda.propose(
        ctx.actor,
        int(data.get("meeting", 0)),
        str(data.get("title", "")),
        data.get("description") or None,
        data.get("document"),
    )
    key = "agenda.proposed_additional" if item.source == "additional" else "agenda.proposed"
    await ctx.say(key, title=item.title)


# The chair's decisions and approval
async def include_proposal(query: CallbackQuery, callback_data: AgendaCb, ctx: Ctx) -> None:
    item = await ctx.agenda.decide(ctx.actor, callback_data.item, True, None)
    await ctx.toast("agenda.included_short")
    if callback_data.meeting:
        # Pressed on the agenda card: the card shows the item in its new place.
        await _show_card(ctx, item.meeting_id)
        return
    await ctx.show(ctx.t("agenda.included_notice", title=item.title))


async def reject_proposal(query: CallbackQuery, callback_data: AgendaCb, ctx: Ctx) -> None:
    # Refused at the press (absent chair, already decided), not after the reason is typed.
    await ctx.agenda.check_decidable(ctx.actor, callback_data.item)
    await ctx.state.set_state(RejectDialog.reason)
    await ctx.state.set_data({"item": callback_data.item, "version": callback_data.version})
    await ctx.show(
        ctx.t("agenda.ask_reason", max=fields.AGENDA_REASON.max_length), _no_reason(ctx.t)
    )


def _no_reason(t: Translator) -> Any:
    return markup([[button(t("agenda.no_reason"), AgendaCb(action="noreason"))]])


async def reject_reason(message: Message, ctx: Ctx) -> None:
    question, no_reason = "agenda.ask_reason", _no_reason(ctx.t)
    reason = await field_answer(ctx, message, fields.AGENDA_REASON, question, markup=no_reason)
    if reason is not None:
        await _reject(ctx, reason)


async def reject_without_reason(query: CallbackQuery, ctx: Ctx) -> None:
    await _reject(ctx, None)


async def _reject(ctx: Ctx, reason: str | None) -> None:
    data = await ctx.state.get_data()
    try:
        item = await ctx.agenda.decide(ctx.actor, int(data.get("item", 0)), False, reason)
    except InvalidInput as bad:
        if bad.key == "errors.text_too_long":
            limit = fields.AGENDA_REASON.max_length
            await ask_again(ctx, bad.key, "agenda.ask_reason", said=bad.params, max=limit)
            return
        await ctx.state.clear()
        raise
    await ctx.state.clear()
    await ctx.say("agenda.rejected_short", title=item.title)


async def approve_agenda(query: CallbackQuery, callback_data: AgendaCb, ctx: Ctx) -> None:
    await ctx.agenda.check_holder(ctx.actor)  # the role first, then staleness
    state = await ctx.agenda.agenda(ctx.actor, callback_data.meeting)
    if state.version != callback_data.version:
        # A second press of the same card after the first approved it says just that.
        await ctx.toast(
            "agenda.approved_before" if state.approved else "agenda.stale_decision", alert=True
        )
        await _show_card(ctx, callback_data.meeting)
        return
    try:
        await ctx.agenda.approve(ctx.actor, callback_data.meeting)
    except UndecidedProposals as waiting:
        # Nothing approved: the card shows each waiting proposal with its buttons.
        await ctx.answer(_undecided_alert(ctx.t, waiting), alert=True)
        await _show_card(ctx, callback_data.meeting)
        return
    await ctx.toast("agenda.approved_short")
    await _show_card(ctx, callback_data.meeting)


ALERT_MAX = 200  # Telegram cuts a callback answer's text at 200 characters


def _undecided_alert(t: Translator, waiting: UndecidedProposals) -> str:
    """The refusal with as many of the waiting titles as an alert holds."""
    titles: list[str] = []
    for item in waiting.items:
        title = item.title if len(item.title) <= 40 else item.title[:39] + "…"
        candidate = ", ".join([*titles, f"«{title}»"])
        text = t.plain("agenda.undecided_proposals", count=len(waiting.items), titles=candidate)
        if len(text) > ALERT_MAX - 3:  # room for ", …"
            break
        titles.append(f"«{title}»")
    if len(titles) < len(waiting.items):
        titles.append("…")
    return t.plain("agenda.undecided_proposals", count=len(waiting.items), titles=", ".join(titles))


async def move_item(query: CallbackQuery, callback_data: AgendaCb, ctx: Ctx) -> None:
    await ctx.agenda.move(ctx.actor, callback_data.item, callback_data.action == "up")
    await _show_card(ctx, callback_data.meeting)


async def add_item_button(query: CallbackQuery, callback_data: AgendaCb, ctx: Ctx) -> None:
    await ctx.agenda.check_holder(ctx.actor)
    await ctx.state.set_state(AgendaItemDialog.title)
    await ctx.state.set_data({"meeting": callback_data.meeting})
    await ctx.show(ctx.t("agenda.ask_item", **ITEM_LIMITS))


# The item's question names both limits: its wording and, after «;», its speaker.
ITEM_LIMITS: dict[str, Any] = {
    "max": fields.ITEM_TITLE.max_length,
    "speaker_max": fields.PERSON_NAME.max_length,
}


async def add_item_title(message: Message, ctx: Ctx) -> None:
    typed = await text_answer(ctx, message, "agenda.ask_item", **ITEM_LIMITS)
    if typed is None:
        return
    title, _, speaker = typed.partition(";")
    meeting = int((await ctx.state.get_data()).get("meeting", 0))
    try:
        item = await ctx.agenda.add_item(ctx.actor, meeting, title, speaker or None)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, "agenda.ask_item", said=bad.params, **ITEM_LIMITS)
        return
    await ctx.state.set_state(AgendaItemDialog.materials)
    await ctx.state.update_data(item=item.id)
    limit = fields.ITEM_DESCRIPTION.max_length
    await ctx.say("agenda.ask_materials", _done(ctx.t), max=limit)


def _done(t: Translator) -> Any:
    return markup([[button(t("agenda.materials_done"), AgendaCb(action="done"))]])


async def item_materials(message: Message, ctx: Ctx) -> None:
    """An explanation (text) and/or materials (a document) for the item just added."""
    data = await ctx.state.get_data()
    document = attached(message.document) if message.document is not None else None
    text = message.text or message.caption
    if text is None and document is None:
        await ctx.say("agenda.document_expected", _done(ctx.t))
        return
    if document is not None and message.document is not None:
        document = await keep_document(ctx, document, message.document.file_size)
    try:
        await ctx.agenda.describe_item(
            ctx.actor, int(data.get("item", 0)), description=text, document=document
        )
    except InvalidInput as bad:
        limit = fields.ITEM_DESCRIPTION.max_length
        await ask_again(
            ctx, bad.key, "agenda.ask_materials", markup=_done(ctx.t), said=bad.params, max=limit
        )
        return
    await ctx.say("agenda.materials_saved", _done(ctx.t))


async def materials_done(query: CallbackQuery, ctx: Ctx) -> None:
    meeting = int((await ctx.state.get_data()).get("meeting", 0))
    await ctx.state.clear()
    await _show_card(ctx, meeting)


# Votes on additional items
async def start_vote(query: CallbackQuery, callback_data: AgendaCb, ctx: Ctx) -> None:
    await ctx.agenda.start_vote(ctx.actor, callback_data.item)
    await ctx.toast("agenda.vote_started")
    await _show_card(ctx, callback_data.meeting)


async def close_vote(query: CallbackQuery, callback_data: AgendaCb, ctx: Ctx) -> None:
    outcome = await ctx.agenda.close_vote(ctx.actor, callback_data.item)
    await ctx.answer(_result(ctx.t, outcome.basis is not None, outcome.basis))
    await _show_card(ctx, callback_data.meeting)


async def cast_vote(query: CallbackQuery, callback_data: VoteCb, ctx: Ctx) -> None:
    """In a private chat or in the group's chat, the vote is the presser's own."""
    choice = pressed(Choice, callback_data.choice)
    outcome = await ctx.votes.submit(
        ctx.actor,
        callback_data.item,
        choice,
        update_id=ctx.update_id,
        received_at=ctx.session.info["received_at"],
    )
    t, count = ctx.t, outcome.tally
    text = t.plain(
        "agenda.vote_counted",
        choice=t.plain(views.CHOICE_KEYS[choice]),
        fr=count.voted_for,
        against=count.against,
        abstain=count.abstained,
        present=count.present,
    )
    if outcome.closed:
        text += " " + _result(t, outcome.basis is not None, outcome.basis)
    elif outcome.awaiting_quorum:
        text += " " + t.plain("agenda.vote_open_no_quorum")
    await ctx.answer(text)


def _result(t: Translator, included: bool, basis: Any) -> str:
    if included:
        return t.plain(f"agenda.result_{basis.value}")
    return t.plain("agenda.result_not_included")


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("agenda")
    on_section(r, agenda_current, "agenda")
    r.message.register(propose_command, Command("propose"))
    typed = (
        (proposal_title, ProposalDialog.title),
        (proposal_description, ProposalDialog.description),
        (reject_reason, RejectDialog.reason),
        (add_item_title, AgendaItemDialog.title),
    )
    # Text steps take anything but a command too: a file there is told text is expected.
    on_steps(r, typed, NotCommand())
    with_document = (
        (proposal_document, ProposalDialog.document),
        (item_materials, AgendaItemDialog.materials),
    )
    on_steps(r, with_document, NotCommand())
    on_presses(
        r,
        AgendaCb,
        (
            (agenda_refresh, "show", None),
            (propose_button, "propose", None),
            (proposal_skip, "skip", ProposalDialog.description),
            (proposal_skip, "skip", ProposalDialog.document),
            (include_proposal, "inc", None),
            (reject_proposal, "rej", None),
            (reject_without_reason, "noreason", RejectDialog.reason),
            (approve_agenda, "approve", None),
            (move_item, {"up", "down"}, None),
            (add_item_button, "add", None),
            (materials_done, "done", AgendaItemDialog.materials),
            (start_vote, "vote", None),
            (close_vote, "close", None),
        ),
    )
    r.callback_query.register(cast_vote, VoteCb.filter())
    return r
