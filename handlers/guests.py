"""Guests of one meeting (cl. 16 а): the chair, deputy or secretariat invites by a personal
link from the meeting card; the guest opens it and sees that meeting only."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import GuestCb
from bot.context import AppContext
from bot.dialogs import GuestDialog
from bot.domain.roles import Capability
from bot.filters import HasCapability, Inline, NotCommand, private_chat
from bot.i18n import Translator
from bot.middlewares import edit_or_send, telegram_name
from bot.services.actor import Actor
from bot.services.errors import InvalidInput
from bot.services.guests import GUEST_PREFIX, GuestService
from bot.services.invites import Newcomer
from bot.services.meetings import MeetingService, meeting_calendar
from bot.views import guests as views
from bot.views import meetings as meeting_views


def service(session: AsyncSession, app: AppContext) -> GuestService:
    return GuestService(
        session,
        app.clock,
        render=app.translator,
        default_locale=app.settings.default_locale,
        notices=views.NOTICES,
    )


# The organisers' side
async def guest_list(
    query: CallbackQuery,
    callback_data: GuestCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    found = await service(session, app).listing(actor, callback_data.meeting)
    await state.clear()
    await query.answer()
    await edit_or_send(query, *views.list_card(t, found, callback_data.page))


async def guest_new(
    query: CallbackQuery,
    callback_data: GuestCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    meeting = await service(session, app).start_invite(actor, callback_data.meeting)
    await state.set_state(GuestDialog.full_name)
    await state.set_data({"meeting": meeting.id})
    await query.answer()
    await edit_or_send(query, *views.name_prompt(t, meeting.id))


async def guest_name(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    assert message.text is not None
    meeting_id = int((await state.get_data()).get("meeting", 0))
    try:
        guest = await service(session, app).invite(actor, meeting_id, message.text)
    except InvalidInput as bad:
        if bad.key == "guests.meeting_over":
            # Closed or cancelled while the name was being typed: nothing left to ask.
            await state.clear()
            await message.answer(t(bad.key))
            return
        # The same question again, with the reason.
        prompt, keyboard = views.name_prompt(t, meeting_id)
        await message.answer(t(bad.key, **bad.params) + "\n\n" + prompt, reply_markup=keyboard)
        return
    await state.clear()
    text, keyboard = views.created_card(t, guest, app.deep_link(GUEST_PREFIX + guest.code))
    await message.answer(text, reply_markup=keyboard)


async def guest_name_not_text(message: Message, t: Translator, state: FSMContext) -> None:
    prompt, keyboard = views.name_prompt(t, int((await state.get_data()).get("meeting", 0)))
    await message.answer(t("errors.text_expected") + "\n\n" + prompt, reply_markup=keyboard)


async def guest_revoke(
    query: CallbackQuery,
    callback_data: GuestCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    guests = service(session, app)
    revoked = await guests.revoke(actor, callback_data.guest)
    app.wake_sender()
    found = await guests.listing(actor, revoked.meeting_id)
    await query.answer(t.plain("guests.revoked_ok", name=revoked.full_name))
    await edit_or_send(query, *views.list_card(t, found, callback_data.page))


# The guest's side
async def guest_link(
    message: Message,
    command: CommandObject,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    """t.me/<bot>?start=gst_<code>: the guest's meeting, and the .ics for their calendar."""
    assert message.from_user is not None and command.args is not None
    user = message.from_user
    visit = await service(session, app).redeem(
        actor, command.args, Newcomer(user.id, telegram_name(user), user.username, actor.locale)
    )
    app.wake_sender()
    text, keyboard = views.visit_card(t, visit)
    await message.answer(text, reply_markup=keyboard)
    file_name, content = meeting_calendar(
        visit.meeting,
        app.tz,
        app.clock.now(),
        summary=meeting_views.calendar_summary(t, visit.meeting),
    )
    await message.answer_document(
        BufferedInputFile(content, filename=file_name), caption=t("guests.ics_caption")
    )


async def guest_card(
    query: CallbackQuery,
    callback_data: GuestCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    visit = await service(session, app).visit(actor, callback_data.guest)
    await query.answer()
    await edit_or_send(query, *views.visit_card(t, visit))


async def guest_materials(
    query: CallbackQuery,
    callback_data: GuestCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    visit = await service(session, app).visit(actor, callback_data.guest)
    documents = [item for item in visit.agenda if item.document]
    if not documents or query.message is None:
        await query.answer(t.plain("guests.no_materials"), show_alert=True)
        return
    await query.answer()
    for number, item in enumerate(visit.agenda, 1):
        if item.document:
            await query.message.answer_document(
                item.document["file_id"],
                caption=t("guests.material_caption", number=number, title=item.title),
            )


async def guest_check_in(
    query: CallbackQuery,
    callback_data: GuestCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    """A guest at an open meeting, remote or without the QR code: present for the
    protocol's list, never counted for quorum."""
    visit = await service(session, app).visit(actor, callback_data.guest)
    await MeetingService(session, app.clock, app.tz).check_in(
        actor,
        visit.meeting.id,
        "remote",
        render=app.translator,
        default_locale=app.settings.default_locale,
        texts=meeting_views.TEXTS,
    )
    app.wake_sender()
    await query.answer(t.plain("guests.checked_in", title=visit.meeting.title))


async def guest_start(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> bool:
    """/start from someone outside the roster: their guest invitations, if they have any."""
    visits = await service(session, app).visits(actor)
    if not visits:
        return False
    text, keyboard = views.visits_card(t, actor.display_name, visits)
    await message.answer(text, reply_markup=keyboard)
    return True


def router() -> Router:
    """The organisers' side: the meeting's guests, inviting and revoking. Guests themselves
    are outside the roster, so their buttons are served by the gate (`guest_buttons`).
    A fresh router per dispatcher."""
    r = Router(name="guests")
    organiser = HasCapability(Capability.INVITE_GUESTS)
    r.message.filter(private_chat(), organiser)
    r.callback_query.filter(organiser)
    r.message.register(guest_name, StateFilter(GuestDialog.full_name), Inline(F.text))
    r.message.register(guest_name_not_text, StateFilter(GuestDialog.full_name), NotCommand())
    r.callback_query.register(guest_list, GuestCb.filter(F.action == "list"))
    r.callback_query.register(guest_new, GuestCb.filter(F.action == "new"))
    r.callback_query.register(guest_revoke, GuestCb.filter(F.action == "revoke"))
    return r


def guest_buttons(r: Router) -> None:
    """A guest's own buttons, on the router of people outside the roster: members' updates
    never pass through them."""
    r.callback_query.register(guest_card, GuestCb.filter(F.action == "card"))
    r.callback_query.register(guest_materials, GuestCb.filter(F.action == "docs"))
    r.callback_query.register(guest_check_in, GuestCb.filter(F.action == "checkin"))
