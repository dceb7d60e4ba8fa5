"""Setting a meeting (cl. 12-13): the /newmeeting dialog, a new venue or time, cancelling."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.callbacks import MeetingCb, NewMeetingCb
from bot.dialogs import MeetingDialog, RescheduleDialog, VenueDialog
from bot.domain import fields
from bot.domain.meetings import MeetingFormat
from bot.filters import on_presses, on_steps, private_router
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.services.errors import InvalidInput
from bot.services.scheduling import MeetingDraft
from bot.update_context import Ctx
from bot.views import group_scope as group_views
from bot.views import meetings as views
from handlers.asking import ask_again, field_answer, future_moment, text_answer
from handlers.meeting_card import show_card
from handlers.meeting_input import dialog_text
from handlers.pressed import pressed
from storage.repositories.meetings import MeetingView

TIMES = ["09:00", "10:00", "11:00", "12:00", "14:00", "15:00", "16:00", "17:00"]


# /newmeeting
async def new_meeting(message: Message, ctx: Ctx) -> None:
    # Refused before the dialog starts, with the rule that applies (cl. 13); whoever may set
    # meetings for several groups (a subgroup's head, cl. 10) is asked which group first.
    may_here = await ctx.meetings.may_schedule(ctx.actor)
    groups = await ctx.group_scope.schedulable(ctx.actor, may_in_working_group=may_here)
    if not groups:
        await ctx.meetings.check_may_schedule(ctx.actor)
    await ctx.state.clear()
    if len(groups) > 1:
        await ctx.send(*group_views.group_choice(ctx.t, groups))
        return
    await _ask_title(ctx, groups[0].id if groups else ctx.actor.group_id)


async def meeting_group(query: CallbackQuery, callback_data: NewMeetingCb, ctx: Ctx) -> None:
    """The group chosen for the new meeting: checked again, as the press may be old."""
    wanted = int(callback_data.arg) if callback_data.arg.isdecimal() else 0
    may_here = await ctx.meetings.may_schedule(ctx.actor)
    groups = await ctx.group_scope.schedulable(ctx.actor, may_in_working_group=may_here)
    if wanted not in {g.id for g in groups}:
        await ctx.toast("errors.stale", alert=True)
        return
    await ctx.answer()
    await _ask_title(ctx, wanted)


async def _ask_title(ctx: Ctx, group_id: int) -> None:
    await ctx.state.set_state(MeetingDialog.title)
    if group_id != ctx.actor.group_id:
        # The dialog's later steps act in that subgroup (bot.scoping).
        await ctx.state.set_data({"group": group_id})
    await ctx.say("meetings.ask_title", max=fields.MEETING_TITLE.max_length)


async def meeting_title(message: Message, ctx: Ctx) -> None:
    title = await field_answer(ctx, message, fields.MEETING_TITLE, "meetings.ask_title")
    if title is None:
        return
    await ctx.state.update_data(title=title)
    t = ctx.t
    formats = [
        button(t("meetings.format_in_person"), NewMeetingCb(action="fmt", arg="in_person")),
        button(t("meetings.format_remote"), NewMeetingCb(action="fmt", arg="remote")),
    ]
    await ctx.say("meetings.ask_format", markup([formats]))


async def meeting_format(query: CallbackQuery, callback_data: NewMeetingCb, ctx: Ctx) -> None:
    chosen = pressed(MeetingFormat, callback_data.arg)
    await ctx.state.update_data(format=chosen.value)
    await ctx.state.set_state(MeetingDialog.venue)
    if chosen is MeetingFormat.IN_PERSON:
        await ctx.show(ctx.t("meetings.ask_place", max=fields.MEETING_PLACE.max_length))
    else:
        question = ctx.t("meetings.ask_link", max=fields.MEETING_LINK.max_length)
        await ctx.show(question, _no_link(ctx))


def _no_link(ctx: Ctx) -> InlineKeyboardMarkup:
    return markup([[button(ctx.t("invites.skip_name"), NewMeetingCb(action="nolink"))]])


async def meeting_venue(message: Message, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    if data.get("format") == MeetingFormat.IN_PERSON.value:
        place = await field_answer(
            ctx,
            message,
            fields.MEETING_PLACE,
            "meetings.ask_place",
            empty="meetings.place_required",
        )
        if place is None:
            return
        await ctx.state.update_data(place=place, link=None)
    else:
        question, skip = "meetings.ask_link", _no_link(ctx)
        link = await field_answer(ctx, message, fields.MEETING_LINK, question, markup=skip)
        if link is None:
            return
        if not re.match(r"^https?://\S+$", link):
            limit = fields.MEETING_LINK.max_length
            await ask_again(ctx, "meetings.link_invalid", question, markup=skip, max=limit)
            return
        await ctx.state.update_data(link=link, place=None)
    await _ask_when(ctx)


async def meeting_no_link(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.update_data(link=None, place=None)
    await _ask_when(ctx)


async def _ask_when(ctx: Ctx) -> None:
    await ctx.state.set_state(MeetingDialog.when)
    today = ctx.app.clock.now().astimezone(ctx.app.tz).date()
    days = [today + timedelta(days=i) for i in range(1, 11)]
    rows = [
        [
            button(ctx.t.date(d), NewMeetingCb(action="day", arg=d.isoformat()))
            for d in days[i : i + 2]
        ]
        for i in range(0, len(days), 2)
    ]
    await ctx.say("meetings.ask_when", markup(rows))


async def meeting_day(query: CallbackQuery, callback_data: NewMeetingCb, ctx: Ctx) -> None:
    await ctx.state.update_data(day=callback_data.arg)
    rows = [
        [button(x, NewMeetingCb(action="time", arg=x.replace(":", ""))) for x in TIMES[i : i + 4]]
        for i in range(0, len(TIMES), 4)
    ]
    await ctx.show(ctx.t("meetings.ask_time"), markup(rows))


async def meeting_time(query: CallbackQuery, callback_data: NewMeetingCb, ctx: Ctx) -> None:
    day, hhmm = str((await ctx.state.get_data()).get("day", "")), callback_data.arg
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", day) or not re.match(r"^\d{4}$", hhmm):
        await ctx.toast("errors.stale", alert=True)
        return
    y, m, d = day.split("-")
    await ctx.answer()
    if ctx.message is not None:
        await _when_typed(ctx, f"{d}.{m}.{y} {hhmm[:2]}:{hhmm[2:]}")


async def meeting_when(message: Message, ctx: Ctx) -> None:
    typed = await text_answer(ctx, message, "meetings.ask_when")
    if typed is not None:
        await _when_typed(ctx, typed)


async def _when_typed(ctx: Ctx, typed: str) -> None:
    starts = await future_moment(ctx, typed, "meetings.ask_when")
    if starts is None:
        return
    await ctx.state.update_data(starts_at=starts.isoformat())
    await ctx.state.set_state(MeetingDialog.confirm)
    await ctx.send(*_preview(ctx.t, await ctx.state.get_data(), _group(ctx)))


def _preview(
    t: Translator, data: dict[str, Any], group: tuple[str | None, str | None] = (None, None)
) -> tuple[str, InlineKeyboardMarkup]:
    """The meeting as the invitation will show it, with the choice of a regular or an
    extraordinary meeting (cl. 12) beside «Подтвердить»; `group`: a subgroup's kind and name
    (cl. 10), which the invitation names."""
    draft = _draft(data)
    keyboard = views.confirm_keyboard(t, MeetingCb(action="create"), MeetingCb(action="drop"))
    switch = (
        button(t("meetings.make_regular"), NewMeetingCb(action="kind", arg="regular"))
        if draft.extraordinary
        else button(t("meetings.make_extraordinary"), NewMeetingCb(action="kind", arg="extra"))
    )
    rows = [[switch], *keyboard.inline_keyboard]
    preview = replace(_preview_view(draft), group_kind=group[0], group_name=group[1])
    return views.invitation(t, preview, "preview"), markup(rows)


def _group(ctx: Ctx) -> tuple[str | None, str | None]:
    """The subgroup the dialog acts in (bot.scoping), if any."""
    return ctx.actor.group_kind, ctx.actor.group_name


async def meeting_kind(query: CallbackQuery, callback_data: NewMeetingCb, ctx: Ctx) -> None:
    """Regular or extraordinary («внеочередное», cl. 12): the preview shows the choice."""
    if callback_data.arg not in ("regular", "extra"):
        await ctx.toast("errors.stale", alert=True)
        return
    await ctx.state.update_data(extraordinary=callback_data.arg == "extra")
    await ctx.show(*_preview(ctx.t, await ctx.state.get_data(), _group(ctx)))


async def meeting_confirm(query: CallbackQuery, ctx: Ctx) -> None:
    meeting = await ctx.scheduling.create(ctx.actor, _draft(await ctx.state.get_data()))
    await ctx.state.clear()
    await ctx.toast("meetings.created_short")
    await ctx.show(_with_facts(ctx, "meetings.created", meeting))


async def meeting_drop(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.clear()
    await ctx.show(ctx.t("cancel.done"))


def _with_facts(ctx: Ctx, key: str, meeting: MeetingView) -> str:
    return ctx.t(key) + "\n" + "\n".join(views.facts(ctx.t, meeting))


def _draft(data: dict[str, Any]) -> MeetingDraft:
    return MeetingDraft(
        title=str(data.get("title", "")),
        format=MeetingFormat(data.get("format", "remote")),
        place=data.get("place"),
        link=data.get("link"),
        starts_at=datetime.fromisoformat(str(data["starts_at"])),
        extraordinary=bool(data.get("extraordinary", False)),
    )


def _preview_view(draft: MeetingDraft) -> MeetingView:
    return MeetingView(
        id=0,
        group_id=0,
        title=draft.title,
        format=draft.format.value,
        place=draft.place,
        link=draft.link,
        starts_at=draft.starts_at,
        status="scheduled",
        sequence=0,
        checkin_token="",
        opened_at=None,
        closed_at=None,
        extraordinary=draft.extraordinary,
    )


# Changes to a scheduled meeting, from its card
async def meeting_cancel_ask(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    meeting = await ctx.scheduling.check_change(ctx.actor, callback_data.meeting)
    await ctx.show(
        ctx.t("meetings.cancel_ask", title=meeting.title),
        views.confirm_keyboard(
            ctx.t,
            MeetingCb(action="cancel_ok", meeting=meeting.id),
            MeetingCb(action="card", meeting=meeting.id),
        ),
    )


async def meeting_cancel(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    await ctx.scheduling.cancel(ctx.actor, callback_data.meeting)
    await ctx.toast("meetings.cancelled_short")
    await show_card(ctx, callback_data.meeting)


# The new venue's question names both limits: the meeting's format decides which applies.
VENUE_LIMITS: dict[str, Any] = {
    "place": fields.MEETING_PLACE.max_length,
    "link": fields.MEETING_LINK.max_length,
}


async def meeting_venue_ask(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    await _ask(ctx, VenueDialog.text, callback_data.meeting, "meetings.ask_new_venue")


async def meeting_venue_changed(message: Message, ctx: Ctx) -> None:
    typed = await text_answer(ctx, message, "meetings.ask_new_venue", **VENUE_LIMITS)
    if typed is None:
        return
    meeting_id = int((await ctx.state.get_data()).get("meeting", 0))
    try:
        meeting = await ctx.scheduling.change_venue(ctx.actor, meeting_id, typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, "meetings.ask_new_venue", said=bad.params, **VENUE_LIMITS)
        return
    await ctx.state.clear()
    await ctx.send(_with_facts(ctx, "meetings.venue_changed", meeting))


async def meeting_move(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    await _ask(ctx, RescheduleDialog.when, callback_data.meeting, "meetings.ask_when")


async def meeting_moved(message: Message, ctx: Ctx) -> None:
    typed = await text_answer(ctx, message, "meetings.ask_when")
    starts = None if typed is None else await future_moment(ctx, typed, "meetings.ask_when")
    if starts is None:
        return
    meeting_id = int((await ctx.state.get_data()).get("meeting", 0))
    meeting = await ctx.scheduling.reschedule(ctx.actor, meeting_id, starts)
    await ctx.state.clear()
    await ctx.send(_with_facts(ctx, "meetings.rescheduled", meeting))


async def _ask(ctx: Ctx, state: Any, meeting_id: int, question: str) -> None:
    """A dialog about one meeting begins, if the person may change it: the question
    replaces the card."""
    await ctx.scheduling.check_change(ctx.actor, meeting_id)
    await ctx.state.set_state(state)
    await ctx.state.set_data({"meeting": meeting_id})
    await ctx.show(ctx.t(question, **VENUE_LIMITS))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("meeting_schedule")
    r.message.register(new_meeting, Command("newmeeting"))
    steps = (
        (meeting_title, MeetingDialog.title),
        (meeting_venue, MeetingDialog.venue),
        (meeting_when, MeetingDialog.when),
        (meeting_moved, RescheduleDialog.when),
        (meeting_venue_changed, VenueDialog.text),
    )
    on_steps(r, steps, dialog_text())
    on_presses(
        r,
        NewMeetingCb,
        (
            (meeting_group, "group", None),
            (meeting_format, "fmt", MeetingDialog.title),
            (meeting_no_link, "nolink", MeetingDialog.venue),
            (meeting_day, "day", MeetingDialog.when),
            (meeting_time, "time", MeetingDialog.when),
            (meeting_kind, "kind", MeetingDialog.confirm),
        ),
    )
    on_presses(
        r,
        MeetingCb,
        (
            (meeting_confirm, "create", MeetingDialog.confirm),
            (meeting_drop, "drop", None),
            (meeting_cancel_ask, "cancel", None),
            (meeting_cancel, "cancel_ok", None),
            (meeting_move, "move", None),
            (meeting_venue_ask, "venue", None),
        ),
    )
    return r
