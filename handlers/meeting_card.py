"""/meetings, the meeting card, and the answers before a meeting (cl. 12)."""

from __future__ import annotations

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.callbacks import MeetingCb
from bot.dialogs import RsvpReasonDialog
from bot.domain import fields
from bot.domain.meetings import Rsvp
from bot.filters import on_buttons, on_section, private_router
from bot.keyboards import button, markup
from bot.services.errors import InvalidInput
from bot.update_context import Ctx
from bot.views import meetings as views
from handlers.asking import ask_again, field_answer
from handlers.meeting_input import dialog_text
from handlers.pressed import pressed


async def show_card(ctx: Ctx, meeting_id: int) -> None:
    """The card as this viewer may use it, from one read."""
    await ctx.show(*views.card(ctx.t, await ctx.meetings.card_state(ctx.actor, meeting_id)))


async def meetings_list(event: Message | CallbackQuery, ctx: Ctx) -> None:
    """/meetings, the menu's «Meetings» and a card's way back to the list."""
    await ctx.show(*views.listing(ctx.t, await ctx.meetings.listing_stats(ctx.actor)))


async def meeting_card(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    await show_card(ctx, callback_data.meeting)


async def meeting_rsvp(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    answer = pressed(Rsvp, callback_data.arg)
    await ctx.meetings.rsvp(ctx.actor, callback_data.meeting, answer)
    await ctx.toast("meetings.rsvp_saved", answer=ctx.t.plain(views.RSVP_KEYS[answer]))
    await show_answer(query, ctx, callback_data.meeting, answer)
    if answer is Rsvp.ABSENT and ctx.message is not None:
        # The reason is optional: any other action simply leaves it out.
        await ctx.state.set_state(RsvpReasonDialog.reason)
        await ctx.state.set_data({"meeting": callback_data.meeting})
        await ctx.say("meetings.ask_absent_reason", max=fields.ABSENCE_REASON.max_length)


async def show_answer(query: CallbackQuery, ctx: Ctx, meeting_id: int, answer: Rsvp) -> None:
    """The pressed message shows the answer given and keeps its buttons, so the answer can
    be changed until the start: the invitation (an .ics document with a caption) is edited
    to say it, and a card or a reminder becomes the card, which says it too."""
    message = query.message
    if not isinstance(message, Message) or message.caption is None:
        await show_card(ctx, meeting_id)
        return
    meeting = await ctx.meetings.meeting(ctx.actor, meeting_id)
    try:
        await message.edit_caption(
            caption=views.answered_invitation(ctx.t, meeting, answer),
            reply_markup=views.rsvp_keyboard(ctx.t, meeting.id),
        )
    except TelegramBadRequest as exc:
        # The same answer pressed twice changes nothing: not an error.
        if "message is not modified" not in exc.message:
            raise


async def rsvp_reason(message: Message, ctx: Ctx) -> None:
    """The optional reason of «Не смогу», asked right after the answer."""
    question = "meetings.ask_absent_reason"
    reason = await field_answer(ctx, message, fields.ABSENCE_REASON, question)
    if reason is None:
        return
    meeting_id = int((await ctx.state.get_data()).get("meeting", 0))
    try:
        await ctx.meetings.rsvp(ctx.actor, meeting_id, Rsvp.ABSENT, reason)
    except InvalidInput as bad:
        await ask_again(
            ctx, bad.key, question, said=bad.params, max=fields.ABSENCE_REASON.max_length
        )
        return
    await ctx.state.clear()
    await ctx.say("meetings.reason_saved")


async def meeting_answers(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    overview = await ctx.meetings.overview(ctx.actor, callback_data.meeting)
    back = MeetingCb(action="card", meeting=callback_data.meeting)
    await ctx.show(views.overview(ctx.t, overview), markup([[button(ctx.t("common.back"), back)]]))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("meeting_card")
    on_section(r, meetings_list, "meetings")
    r.message.register(rsvp_reason, StateFilter(RsvpReasonDialog.reason), dialog_text())
    on_buttons(
        r,
        MeetingCb,
        {
            "list": meetings_list,
            "card": meeting_card,
            "rsvp": meeting_rsvp,
            "answers": meeting_answers,
        },
    )
    return r
