"""At the meeting (cl. 11-14): opening it, check-in by button or by the QR code in the room,
check-out, the QR code itself, the live message and closing."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import CommandObject
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.callbacks import MeetingCb
from bot.documents.qr import checkin_qr_png
from bot.filters import on_buttons
from bot.services.attendance import Presence
from bot.update_context import Ctx
from bot.views import meetings as views
from handlers.meeting_card import show_card

CHECKIN_PREFIX = "chk_"


async def meeting_start(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    meeting, presence = await ctx.attendance.open(ctx.actor, callback_data.meeting)
    await ctx.toast("meetings.opened_short")
    message = ctx.message
    if message is not None:
        # The card becomes this chat's live message.
        await ctx.show(views.live(ctx.t, meeting, presence), views.live_keyboard(ctx.t, meeting.id))
        await ctx.attendance.add_live_message(meeting.id, message.chat.id, message.message_id)


def _present(ctx: Ctx, first: bool, presence: Presence) -> str:
    key = "meetings.checked_in" if first else "meetings.checked_in_before"
    return ctx.t.plain(key, present=presence.present_members, total=presence.total_members)


async def meeting_check_in(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    """Works in a private chat and in the group's chat: it counts for whoever presses."""
    _, presence, first = await ctx.attendance.check_in(ctx.actor, callback_data.meeting, "remote")
    await ctx.answer(_present(ctx, first, presence))


async def meeting_check_out(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    presence = await ctx.attendance.check_out(ctx.actor, callback_data.meeting)
    await ctx.toast(
        "meetings.checked_out", present=presence.present_members, total=presence.total_members
    )


async def check_in_link(message: Message, command: CommandObject, ctx: Ctx) -> None:
    """The QR code in the room opens t.me/<bot>?start=chk_<token>."""
    token = (command.args or "").removeprefix(CHECKIN_PREFIX)
    meeting, presence, first = await ctx.attendance.check_in_by_token(ctx.actor, token)
    if not ctx.actor.in_roster:
        # A guest: present for the protocol's list, never counted for quorum (cl. 16 а).
        await ctx.say("guests.checked_in", title=meeting.title)
        return
    key = "meetings.checked_in" if first else "meetings.checked_in_before"
    t = ctx.t
    await ctx.send(
        t(key, present=presence.present_members, total=presence.total_members)
        + "\n"
        + t("meetings.fact_title", title=meeting.title)
    )


async def meeting_qr(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    overview = await ctx.meetings.overview(ctx.actor, callback_data.meeting)
    link = ctx.app.deep_link(CHECKIN_PREFIX + overview.meeting.checkin_token)
    await ctx.answer()
    if ctx.message is not None:
        await ctx.message.answer_photo(
            BufferedInputFile(checkin_qr_png(link), filename="checkin.png"),
            caption=ctx.t("meetings.qr_caption", title=overview.meeting.title, link=link),
        )


async def meeting_close(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    meeting = await ctx.attendance.close(ctx.actor, callback_data.meeting)
    await ctx.toast("meetings.closed_short")
    await show_card(ctx, meeting.id)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many.
    The QR code's deep link is a /start variant: `handlers.onboarding` routes it here."""
    r = Router(name="attendance")
    on_buttons(
        r,
        MeetingCb,
        {
            "start": meeting_start,
            "checkin": meeting_check_in,
            "leave": meeting_check_out,
            "qr": meeting_qr,
            "close": meeting_close,
        },
    )
    return r
