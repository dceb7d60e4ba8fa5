"""The agenda: /agenda (the card), /propose (a member's proposal), the chair's decisions,
approval, and votes on additional items (cl. 13)."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import AgendaCb, MenuCb, VoteCb
from bot.context import AppContext
from bot.dialogs import AgendaItemDialog, ProposalDialog, RejectDialog
from bot.domain.agenda import Choice
from bot.filters import Inline, NotCommand, private_chat
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.agenda import AgendaService, UndecidedProposals
from bot.services.errors import InvalidInput
from bot.services.meetings import MeetingService
from bot.services.vote_batch import VoteBatcher
from bot.views import agenda as views
from handlers.asking import ask_again


def _service(session: AsyncSession, app: AppContext) -> AgendaService:
    return AgendaService(
        session,
        app.clock,
        app.tz,
        render=app.translator,
        default_locale=app.settings.default_locale,
        texts=views.TEXTS,
    )


async def _card(
    actor: Actor, t: Translator, session: AsyncSession, app: AppContext, meeting_id: int
) -> tuple[str, Any]:
    service = _service(session, app)
    state = await service.agenda(actor, meeting_id)
    # The controls go to whoever holds the agenda now: the chair, or the deputy while the
    # chair's absence holds (cl. 13) — never to both.
    is_holder = await service.may_hold_agenda(actor)
    keyboard = views.agenda_keyboard(
        t,
        state.meeting,
        state.items,
        state.version,
        is_chair=is_holder,
        approved=state.approved,
        is_member=actor.is_member,
        is_presiding=state.presiding_person_id is not None
        and state.presiding_person_id == actor.person_id,
    )
    return views.agenda_text(t, state, is_holder=is_holder), keyboard


async def agenda_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    meeting = await MeetingService(session, app.clock, app.tz).current(actor)
    if meeting is None:
        await message.answer(t("agenda.no_meeting"))
        return
    text, keyboard = await _card(actor, t, session, app, meeting.id)
    await message.answer(text, reply_markup=keyboard)


async def agenda_button(
    query: CallbackQuery, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    meeting = await MeetingService(session, app.clock, app.tz).current(actor)
    await query.answer()
    if meeting is None:
        await edit_or_send(query, t("agenda.no_meeting"))
        return
    await edit_or_send(query, *await _card(actor, t, session, app, meeting.id))


async def agenda_refresh(
    query: CallbackQuery,
    callback_data: AgendaCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    await query.answer()
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.meeting))


# Proposals from members
async def propose_command(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    meeting = await MeetingService(session, app.clock, app.tz).current(actor)
    if meeting is None:
        await message.answer(t("agenda.no_meeting"))
        return
    await _start_proposal(message, t, state, meeting.id)


async def propose_button(
    query: CallbackQuery, callback_data: AgendaCb, t: Translator, state: FSMContext
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _start_proposal(query.message, t, state, callback_data.meeting)


async def _start_proposal(message: Message, t: Translator, state: FSMContext, meeting: int) -> None:
    await state.set_state(ProposalDialog.title)
    await state.set_data({"meeting": meeting})
    await message.answer(t("agenda.ask_title"))


def _skip(t: Translator) -> Any:
    return markup([[button(t("invites.skip_name"), AgendaCb(action="skip"))]])


async def proposal_title(message: Message, t: Translator, state: FSMContext) -> None:
    title = " ".join((message.text or "").split())
    if not title or len(title) > 200:
        await ask_again(message, t, "agenda.title_invalid", "agenda.ask_title", max=200)
        return
    await state.update_data(title=title)
    await state.set_state(ProposalDialog.description)
    await message.answer(t("agenda.ask_description"), reply_markup=_skip(t))


async def proposal_description(message: Message, t: Translator, state: FSMContext) -> None:
    text = message.text or ""
    if len(text) > 2000:
        await message.answer(t("agenda.description_too_long", max=2000))
        return
    await state.update_data(description=text)
    await state.set_state(ProposalDialog.document)
    await message.answer(t("agenda.ask_document"), reply_markup=_skip(t))


async def proposal_document(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    if message.document is None:
        await message.answer(t("agenda.document_expected"), reply_markup=_skip(t))
        return
    await state.update_data(
        document={
            "file_id": message.document.file_id,
            "file_name": message.document.file_name or "document",
        }
    )
    await _submit(message, actor, t, session, app, state)


async def proposal_skip(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if await state.get_state() == ProposalDialog.description.state:
        await state.set_state(ProposalDialog.document)
        await query.message.answer(t("agenda.ask_document"), reply_markup=_skip(t))
        return
    await _submit(query.message, actor, t, session, app, state)


async def _submit(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    data = await state.get_data()
    # Whatever the outcome, the dialog is over: a refusal is shown and nothing is kept.
    await state.clear()
    item = await _service(session, app).propose(
        actor,
        int(data.get("meeting", 0)),
        str(data.get("title", "")),
        data.get("description") or None,
        data.get("document"),
    )
    app.wake_sender()
    key = "agenda.proposed_additional" if item.source == "additional" else "agenda.proposed"
    await message.answer(t(key, title=item.title))


# The chair's decisions and approval
async def include_proposal(
    query: CallbackQuery,
    callback_data: AgendaCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    item = await _service(session, app).decide(actor, callback_data.item, True, None)
    app.wake_sender()
    await query.answer(t.plain("agenda.included_short"))
    if callback_data.meeting:
        # Pressed on the agenda card: the card shows the item in its new place.
        await edit_or_send(query, *await _card(actor, t, session, app, item.meeting_id))
        return
    await edit_or_send(query, t("agenda.included_notice", title=item.title))


async def reject_proposal(
    query: CallbackQuery,
    callback_data: AgendaCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    # Refused at the press (absent chair, already decided), not after the reason is typed.
    await _service(session, app).check_decidable(actor, callback_data.item)
    await state.set_state(RejectDialog.reason)
    await state.set_data({"item": callback_data.item, "version": callback_data.version})
    await query.answer()
    await edit_or_send(
        query,
        t("agenda.ask_reason"),
        markup([[button(t("agenda.no_reason"), AgendaCb(action="noreason"))]]),
    )


async def reject_reason(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await _reject(message, actor, t, session, app, state, message.text or None)


async def reject_without_reason(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await query.answer()
    if isinstance(query.message, Message):
        await _reject(query.message, actor, t, session, app, state, None)


async def _reject(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
    reason: str | None,
) -> None:
    data = await state.get_data()
    try:
        item = await _service(session, app).decide(actor, int(data.get("item", 0)), False, reason)
    except InvalidInput as bad:
        if bad.key == "agenda.reason_too_long":
            await ask_again(message, t, bad.key, "agenda.ask_reason", **bad.params)
            return
        await state.clear()
        raise
    await state.clear()
    app.wake_sender()
    await message.answer(t("agenda.rejected_short", title=item.title))


async def approve_agenda(
    query: CallbackQuery,
    callback_data: AgendaCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    service = _service(session, app)
    await service.check_holder(actor)  # the role first, then staleness
    if (await service.agenda(actor, callback_data.meeting)).version != callback_data.version:
        await query.answer(t.plain("agenda.stale_decision"), show_alert=True)
        await edit_or_send(query, *await _card(actor, t, session, app, callback_data.meeting))
        return
    try:
        await service.approve(actor, callback_data.meeting)
    except UndecidedProposals as waiting:
        # Nothing approved: the card shows each waiting proposal with its buttons.
        await query.answer(_undecided_alert(t, waiting), show_alert=True)
        await edit_or_send(query, *await _card(actor, t, session, app, callback_data.meeting))
        return
    app.wake_sender()
    await query.answer(t.plain("agenda.approved_short"))
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.meeting))


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


async def move_item(
    query: CallbackQuery,
    callback_data: AgendaCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    await _service(session, app).move(actor, callback_data.item, callback_data.action == "up")
    await query.answer()
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.meeting))


async def add_item_button(
    query: CallbackQuery,
    callback_data: AgendaCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await _service(session, app).check_holder(actor)
    await state.set_state(AgendaItemDialog.title)
    await state.set_data({"meeting": callback_data.meeting})
    await query.answer()
    await edit_or_send(query, t("agenda.ask_item"))


async def add_item_title(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    text = message.text or ""
    title, _, speaker = text.partition(";")
    meeting = int((await state.get_data()).get("meeting", 0))
    try:
        item = await _service(session, app).add_item(actor, meeting, title, speaker.strip() or None)
    except InvalidInput as bad:
        await ask_again(message, t, bad.key, "agenda.ask_item", **bad.params)
        return
    await state.set_state(AgendaItemDialog.materials)
    await state.update_data(item=item.id)
    await message.answer(t("agenda.ask_materials"), reply_markup=_done(t))


def _done(t: Translator) -> Any:
    return markup([[button(t("agenda.materials_done"), AgendaCb(action="done"))]])


async def item_materials(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    """An explanation (text) and/or materials (a document) for the item just added."""
    data = await state.get_data()
    document = None
    if message.document is not None:
        document = {
            "file_id": message.document.file_id,
            "file_name": message.document.file_name or "document",
        }
    text = message.text or message.caption
    if text is None and document is None:
        await message.answer(t("agenda.document_expected"), reply_markup=_done(t))
        return
    try:
        await _service(session, app).describe_item(
            actor, int(data.get("item", 0)), description=text, document=document
        )
    except InvalidInput as bad:
        await ask_again(message, t, bad.key, "agenda.ask_materials", **bad.params)
        return
    await message.answer(t("agenda.materials_saved"), reply_markup=_done(t))


async def materials_done(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    meeting = int((await state.get_data()).get("meeting", 0))
    await state.clear()
    await query.answer()
    await edit_or_send(query, *await _card(actor, t, session, app, meeting))


# Votes on additional items
async def start_vote(
    query: CallbackQuery,
    callback_data: AgendaCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    await _service(session, app).start_vote(actor, callback_data.item)
    app.wake_sender()
    await query.answer(t.plain("agenda.vote_started"))
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.meeting))


async def close_vote(
    query: CallbackQuery,
    callback_data: AgendaCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    outcome = await _service(session, app).close_vote(actor, callback_data.item)
    app.wake_sender()
    await query.answer(_result(t, outcome.basis is not None, outcome.basis))
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.meeting))


async def cast_vote(
    query: CallbackQuery,
    callback_data: VoteCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    votes: VoteBatcher,
) -> None:
    """In a private chat or in the group's chat, the vote is the presser's own."""
    if callback_data.choice not in {c.value for c in Choice}:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    choice = Choice(callback_data.choice)
    outcome = await votes.submit(
        actor,
        callback_data.item,
        choice,
        update_id=session.info.get("update_id"),
        received_at=session.info["received_at"],
    )
    app.wake_sender()
    count = outcome.tally
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
    await query.answer(text)


def _result(t: Translator, included: bool, basis: Any) -> str:
    if included:
        return t.plain(f"agenda.result_{basis.value}")
    return t.plain("agenda.result_not_included")


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="agenda")
    r.message.filter(private_chat())
    r.message.register(agenda_command, Command("agenda"))
    r.message.register(propose_command, Command("propose"))
    r.message.register(proposal_title, StateFilter(ProposalDialog.title), Inline(F.text))
    r.message.register(
        proposal_description, StateFilter(ProposalDialog.description), Inline(F.text)
    )
    r.message.register(proposal_document, StateFilter(ProposalDialog.document), NotCommand())
    r.message.register(reject_reason, StateFilter(RejectDialog.reason), Inline(F.text))
    r.message.register(add_item_title, StateFilter(AgendaItemDialog.title), Inline(F.text))
    r.message.register(item_materials, StateFilter(AgendaItemDialog.materials), NotCommand())
    r.callback_query.register(agenda_refresh, AgendaCb.filter(F.action == "show"))
    r.callback_query.register(agenda_button, MenuCb.filter(F.section == "agenda"))
    r.callback_query.register(propose_button, AgendaCb.filter(F.action == "propose"))
    r.callback_query.register(
        proposal_skip, AgendaCb.filter(F.action == "skip"), StateFilter(ProposalDialog.description)
    )
    r.callback_query.register(
        proposal_skip, AgendaCb.filter(F.action == "skip"), StateFilter(ProposalDialog.document)
    )
    r.callback_query.register(include_proposal, AgendaCb.filter(F.action == "inc"))
    r.callback_query.register(reject_proposal, AgendaCb.filter(F.action == "rej"))
    r.callback_query.register(
        reject_without_reason,
        AgendaCb.filter(F.action == "noreason"),
        StateFilter(RejectDialog.reason),
    )
    r.callback_query.register(approve_agenda, AgendaCb.filter(F.action == "approve"))
    r.callback_query.register(move_item, AgendaCb.filter(F.action.in_({"up", "down"})))
    r.callback_query.register(add_item_button, AgendaCb.filter(F.action == "add"))
    r.callback_query.register(
        materials_done, AgendaCb.filter(F.action == "done"), StateFilter(AgendaItemDialog.materials)
    )
    r.callback_query.register(start_vote, AgendaCb.filter(F.action == "vote"))
    r.callback_query.register(close_vote, AgendaCb.filter(F.action == "close"))
    r.callback_query.register(cast_vote, VoteCb.filter())
    return r
