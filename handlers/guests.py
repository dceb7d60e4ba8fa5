"""Guests of one meeting (cl. 16 а): the chair, deputy or secretariat invites by a personal
link from the meeting card; the guest opens it and sees that meeting only."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.callbacks import GuestCb
from bot.dialogs import GuestDialog
from bot.domain.roles import Capability
from bot.filters import HasCapability, Inline, NotCommand, private_router
from bot.middlewares import telegram_name
from bot.services.errors import InvalidInput
from bot.services.guests import GUEST_PREFIX
from bot.services.invites import Newcomer
from bot.services.meetings import meeting_calendar
from bot.update_context import Ctx
from bot.views import guests as views
from bot.views import meetings as meeting_views


# The organisers' side
async def guest_list(query: CallbackQuery, callback_data: GuestCb, ctx: Ctx) -> None:
    found = await ctx.guests.listing(ctx.actor, callback_data.meeting)
    await ctx.state.clear()
    await ctx.show(*views.list_card(ctx.t, found, callback_data.page))


async def guest_new(query: CallbackQuery, callback_data: GuestCb, ctx: Ctx) -> None:
    meeting = await ctx.guests.start_invite(ctx.actor, callback_data.meeting)
    await ctx.state.set_state(GuestDialog.full_name)
    await ctx.state.set_data({"meeting": meeting.id})
    await ctx.show(*views.name_prompt(ctx.t, meeting.id))


async def guest_name(message: Message, ctx: Ctx) -> None:
    assert message.text is not None
    meeting_id = int((await ctx.state.get_data()).get("meeting", 0))
    try:
        name = await ctx.guests.check_name(ctx.actor, meeting_id, message.text)
    except InvalidInput as bad:
        if bad.key == "guests.meeting_over":
            # Closed or cancelled while the name was being typed: nothing left to ask.
            await ctx.state.clear()
            await ctx.say(bad.key)
            return
        # The same question again, with the reason.
        await _ask_name_again(ctx, meeting_id, ctx.t(bad.key, **bad.params))
        return
    # Then the capacity (cl. 16 а, в): a guest or an outside specialist for this meeting.
    await ctx.state.set_state(GuestDialog.capacity)
    await ctx.state.set_data({"meeting": meeting_id, "name": name})
    await ctx.send(*views.capacity_prompt(ctx.t, meeting_id, name))


async def guest_capacity(query: CallbackQuery, callback_data: GuestCb, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    meeting_id = int(data.get("meeting", 0))
    if await ctx.state.get_state() != GuestDialog.capacity or meeting_id != callback_data.meeting:
        # A capacity button of a dialog already finished or of another meeting.
        await ctx.toast("errors.stale", alert=True)
        return
    capacity = views.CAPACITY_ACTIONS.get(callback_data.action, callback_data.action)
    try:
        guest = await ctx.guests.invite(ctx.actor, meeting_id, str(data.get("name", "")), capacity)
    except InvalidInput as bad:
        if bad.key == "guests.meeting_over":
            await ctx.state.clear()
        await ctx.toast(bad.key, alert=True, **bad.params)
        return
    await ctx.state.clear()
    link = ctx.app.deep_link(GUEST_PREFIX + guest.code)
    await ctx.show(*views.created_card(ctx.t, guest, link))


async def guest_name_not_text(message: Message, ctx: Ctx) -> None:
    meeting_id = int((await ctx.state.get_data()).get("meeting", 0))
    await _ask_name_again(ctx, meeting_id, ctx.t("errors.text_expected"))


async def _ask_name_again(ctx: Ctx, meeting_id: int, reason: str) -> None:
    prompt, keyboard = views.name_prompt(ctx.t, meeting_id)
    await ctx.send(reason + "\n\n" + prompt, keyboard)


async def guest_revoke(query: CallbackQuery, callback_data: GuestCb, ctx: Ctx) -> None:
    revoked = await ctx.guests.revoke(ctx.actor, callback_data.guest)
    found = await ctx.guests.listing(ctx.actor, revoked.meeting_id)
    await ctx.toast("guests.revoked_ok", name=revoked.full_name)
    await ctx.show(*views.list_card(ctx.t, found, callback_data.page))


# The guest's side
async def guest_link(message: Message, command: CommandObject, ctx: Ctx) -> None:
    """t.me/<bot>?start=gst_<code>: the guest's meeting, and the .ics for their calendar."""
    assert message.from_user is not None and command.args is not None
    user, t = message.from_user, ctx.t
    newcomer = Newcomer(user.id, telegram_name(user), user.username, ctx.actor.locale)
    visit = await ctx.guests.redeem(ctx.actor, command.args, newcomer)
    await ctx.send(*views.visit_card(t, visit))
    file_name, content = meeting_calendar(
        visit.meeting,
        ctx.app.tz,
        ctx.app.clock.now(),
        summary=meeting_views.calendar_summary(t, visit.meeting),
    )
    await message.answer_document(
        BufferedInputFile(content, filename=file_name), caption=t("guests.ics_caption")
    )


async def guest_card(query: CallbackQuery, callback_data: GuestCb, ctx: Ctx) -> None:
    await ctx.show(*views.visit_card(ctx.t, await ctx.guests.visit(ctx.actor, callback_data.guest)))


async def guest_materials(query: CallbackQuery, callback_data: GuestCb, ctx: Ctx) -> None:
    visit = await ctx.guests.visit(ctx.actor, callback_data.guest)
    documents = [item for item in visit.agenda if item.document]
    if not documents or ctx.message is None:
        await ctx.toast("guests.no_materials", alert=True)
        return
    await ctx.answer()
    for number, item in enumerate(visit.agenda, 1):
        if item.document:
            await ctx.message.answer_document(
                item.document["file_id"],
                caption=ctx.t("guests.material_caption", number=number, title=item.title),
            )


async def guest_check_in(query: CallbackQuery, callback_data: GuestCb, ctx: Ctx) -> None:
    """A guest at an open meeting, remote or without the QR code: present for the
    protocol's list, never counted for quorum."""
    visit = await ctx.guests.visit(ctx.actor, callback_data.guest)
    # A subgroup's meeting (cl. 10) is checked into in that group.
    actor = await ctx.group_scope.in_group_of(ctx.actor, visit.meeting.group_id)
    await ctx.attendance.check_in(actor, visit.meeting.id, "remote")
    specialist = views.is_specialist(visit.guest)
    await ctx.toast(
        "guests.checked_in_specialist" if specialist else "guests.checked_in",
        title=visit.meeting.title,
    )


async def guest_start(ctx: Ctx) -> bool:
    """/start from someone outside the roster: their guest invitations, if they have any."""
    visits = await ctx.guests.visits(ctx.actor)
    if not visits:
        return False
    await ctx.send(*views.visits_card(ctx.t, ctx.actor.display_name, visits))
    return True


def router() -> Router:
    """The organisers' side: the meeting's guests, inviting and revoking. Guests themselves
    are outside the roster, so their buttons are served by the gate (`guest_buttons`).
    A fresh router per dispatcher."""
    organiser = HasCapability(Capability.INVITE_GUESTS)
    r = private_router("guests", organiser)
    r.callback_query.filter(organiser)
    r.message.register(guest_name, StateFilter(GuestDialog.full_name), Inline(F.text))
    r.message.register(guest_name_not_text, StateFilter(GuestDialog.full_name), NotCommand())
    r.callback_query.register(guest_list, GuestCb.filter(F.action == "list"))
    r.callback_query.register(guest_new, GuestCb.filter(F.action == "new"))
    r.callback_query.register(guest_revoke, GuestCb.filter(F.action == "revoke"))
    r.callback_query.register(guest_capacity, GuestCb.filter(F.action.in_(views.CAPACITY_ACTIONS)))
    return r


def guest_buttons(r: Router) -> None:
    """A guest's own buttons, on the router of people outside the roster: members' updates
    never pass through them."""
    r.callback_query.register(guest_card, GuestCb.filter(F.action == "card"))
    r.callback_query.register(guest_materials, GuestCb.filter(F.action == "docs"))
    r.callback_query.register(guest_check_in, GuestCb.filter(F.action == "checkin"))
