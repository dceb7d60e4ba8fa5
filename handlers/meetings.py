"""Meetings: /newmeeting, /meetings and the meeting card, check-in, recording, /absence,
/compliance (cl. 11-14)."""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command, CommandObject, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import Audio, BufferedInputFile, CallbackQuery, Document, Message, Voice
from sqlalchemy.ext.asyncio import AsyncSession

from bot.callbacks import MeetingCb, MenuCb, NewMeetingCb
from bot.context import AppContext
from bot.dialogs import (
    AbsenceDialog,
    MeetingDialog,
    RecordingDialog,
    RescheduleDialog,
    RsvpReasonDialog,
    VenueDialog,
)
from bot.documents.qr import checkin_qr_png
from bot.domain.dates import (
    DateErrorCode,
    DateInputError,
    local_instant,
    parse_local_date,
)
from bot.domain.meetings import MeetingFormat, Rsvp, can_download, is_audio
from bot.domain.roles import Capability, can
from bot.filters import Inline, NotCommand, private_chat
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.middlewares import edit_or_send
from bot.services.actor import Actor
from bot.services.compliance import ComplianceService
from bot.services.errors import InvalidInput, NotAllowed
from bot.services.meetings import MeetingDraft, MeetingService
from bot.views import meetings as views
from handlers.asking import ask_again, future_moment
from storage.repositories.meetings import MeetingView

CHECKIN_PREFIX = "chk_"
SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")

log = logging.getLogger(__name__)


def _service(session: AsyncSession, app: AppContext) -> MeetingService:
    return MeetingService(session, app.clock, app.tz, open_early=app.settings.meeting_open_early)


def _kw(app: AppContext) -> dict[str, Any]:
    return {
        "render": app.translator,
        "default_locale": app.settings.default_locale,
        "texts": views.TEXTS,
    }


# /newmeeting
async def new_meeting(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    # Refused before the dialog starts, with the rule that applies (cl. 13).
    await _service(session, app).check_may_schedule(actor)
    await state.clear()
    await state.set_state(MeetingDialog.title)
    await message.answer(t("meetings.ask_title"))


async def meeting_title(message: Message, t: Translator, state: FSMContext) -> None:
    title = (message.text or "").strip()
    if not title or len(title) > 200:
        await ask_again(message, t, "meetings.title_invalid", "meetings.ask_title", max=200)
        return
    await state.update_data(title=title)
    await message.answer(
        t("meetings.ask_format"),
        reply_markup=markup(
            [
                [
                    button(
                        t("meetings.format_in_person"), NewMeetingCb(action="fmt", arg="in_person")
                    ),
                    button(t("meetings.format_remote"), NewMeetingCb(action="fmt", arg="remote")),
                ],
            ]
        ),
    )


async def meeting_format(
    query: CallbackQuery, callback_data: NewMeetingCb, t: Translator, state: FSMContext
) -> None:
    if callback_data.arg not in {f.value for f in MeetingFormat}:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    await state.update_data(format=callback_data.arg)
    await state.set_state(MeetingDialog.venue)
    await query.answer()
    if callback_data.arg == MeetingFormat.IN_PERSON.value:
        await edit_or_send(query, t("meetings.ask_place"))
    else:
        await edit_or_send(
            query,
            t("meetings.ask_link"),
            markup([[button(t("invites.skip_name"), NewMeetingCb(action="nolink"))]]),
        )


async def meeting_venue(
    message: Message, t: Translator, state: FSMContext, app: AppContext
) -> None:
    data = await state.get_data()
    text = (message.text or "").strip()
    if data.get("format") == MeetingFormat.IN_PERSON.value:
        if not text or len(text) > 300:
            await ask_again(message, t, "meetings.place_required", "meetings.ask_place")
            return
        await state.update_data(place=text, link=None)
    else:
        if not re.match(r"^https?://\S+$", text):
            await ask_again(message, t, "meetings.link_invalid", "meetings.ask_link")
            return
        await state.update_data(link=text, place=None)
    await _ask_when(message, t, state, app)


async def meeting_no_link(
    query: CallbackQuery, t: Translator, state: FSMContext, app: AppContext
) -> None:
    await state.update_data(link=None, place=None)
    await query.answer()
    if isinstance(query.message, Message):
        await _ask_when(query.message, t, state, app)


async def _ask_when(message: Message, t: Translator, state: FSMContext, app: AppContext) -> None:
    await state.set_state(MeetingDialog.when)
    today = app.clock.now().astimezone(app.tz).date()
    days = [today + timedelta(days=i) for i in range(1, 11)]
    rows = [
        [button(t.date(d), NewMeetingCb(action="day", arg=d.isoformat())) for d in days[i : i + 2]]
        for i in range(0, len(days), 2)
    ]
    await message.answer(t("meetings.ask_when"), reply_markup=markup(rows))


async def meeting_day(
    query: CallbackQuery, callback_data: NewMeetingCb, t: Translator, state: FSMContext
) -> None:
    await state.update_data(day=callback_data.arg)
    await query.answer()
    times = ["09:00", "10:00", "11:00", "12:00", "14:00", "15:00", "16:00", "17:00"]
    rows = [
        [button(x, NewMeetingCb(action="time", arg=x.replace(":", ""))) for x in times[i : i + 4]]
        for i in range(0, len(times), 4)
    ]
    await edit_or_send(query, t("meetings.ask_time"), markup(rows))


async def meeting_time(
    query: CallbackQuery,
    callback_data: NewMeetingCb,
    t: Translator,
    state: FSMContext,
    app: AppContext,
    actor: Actor,
    session: AsyncSession,
) -> None:
    data = await state.get_data()
    day, hhmm = str(data.get("day", "")), callback_data.arg
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", day) or not re.match(r"^\d{4}$", hhmm):
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    y, m, d = day.split("-")
    typed = f"{d}.{m}.{y} {hhmm[:2]}:{hhmm[2:]}"
    await query.answer()
    if isinstance(query.message, Message):
        await _when_typed(query.message, typed, t, state, app, actor, session)


async def meeting_when(
    message: Message,
    t: Translator,
    state: FSMContext,
    app: AppContext,
    actor: Actor,
    session: AsyncSession,
) -> None:
    await _when_typed(message, message.text or "", t, state, app, actor, session)


async def _when_typed(
    message: Message,
    typed: str,
    t: Translator,
    state: FSMContext,
    app: AppContext,
    actor: Actor,
    session: AsyncSession,
) -> None:
    starts = await future_moment(message, typed, t, app, "meetings.ask_when")
    if starts is None:
        return
    await state.update_data(starts_at=starts.isoformat())
    await state.set_state(MeetingDialog.confirm)
    text, keyboard = _preview(t, await state.get_data())
    await message.answer(text, reply_markup=keyboard)


def _preview(t: Translator, data: dict[str, Any]) -> tuple[str, Any]:
    """The meeting as the invitation will show it, with the choice of a regular or an
    extraordinary meeting (cl. 12) beside «Подтвердить»."""
    draft = _draft(data)
    keyboard = views.confirm_keyboard(t, MeetingCb(action="create"), MeetingCb(action="drop"))
    switch = (
        button(t("meetings.make_regular"), NewMeetingCb(action="kind", arg="regular"))
        if draft.extraordinary
        else button(t("meetings.make_extraordinary"), NewMeetingCb(action="kind", arg="extra"))
    )
    rows = [[switch], *keyboard.inline_keyboard]
    return views.invitation(t, _preview_view(draft), "preview"), markup(rows)


async def meeting_kind(
    query: CallbackQuery, callback_data: NewMeetingCb, t: Translator, state: FSMContext
) -> None:
    """Regular or extraordinary («внеочередное», cl. 12): the preview shows the choice."""
    if callback_data.arg not in ("regular", "extra"):
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    await state.update_data(extraordinary=callback_data.arg == "extra")
    await query.answer()
    await edit_or_send(query, *_preview(t, await state.get_data()))


async def meeting_confirm(
    query: CallbackQuery,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    draft = _draft(await state.get_data())
    meeting = await _service(session, app).create(actor, draft, **_kw(app))
    await state.clear()
    app.wake_sender()
    await query.answer(t.plain("meetings.created_short"))
    await edit_or_send(query, t("meetings.created") + "\n" + "\n".join(views.facts(t, meeting)))


async def meeting_drop(query: CallbackQuery, t: Translator, state: FSMContext) -> None:
    await state.clear()
    await query.answer()
    await edit_or_send(query, t("cancel.done"))


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


# /meetings and the card
async def meetings_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    text, keyboard = views.listing(t, await _service(session, app).listing_stats(actor))
    await message.answer(text, reply_markup=keyboard)


async def meetings_list(
    query: CallbackQuery, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    await query.answer()
    await edit_or_send(query, *views.listing(t, await _service(session, app).listing_stats(actor)))


async def _card(
    actor: Actor, t: Translator, session: AsyncSession, app: AppContext, meeting_id: int
) -> tuple[str, Any]:
    state = await _service(session, app).card_state(actor, meeting_id)
    return views.card(
        t,
        state.meeting,
        actor.standing,
        my_answer=state.my_answer,
        may_schedule=state.may_schedule,
        has_recording=state.has_recording,
    )


async def meeting_card(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    await query.answer()
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.meeting))


async def meeting_rsvp(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    if callback_data.arg not in {r.value for r in Rsvp}:
        await query.answer(t.plain("errors.stale"), show_alert=True)
        return
    answer = Rsvp(callback_data.arg)
    await _service(session, app).rsvp(actor, callback_data.meeting, answer)
    await query.answer(t.plain("meetings.rsvp_saved", answer=t.plain(views.RSVP_KEYS[answer])))
    if answer is Rsvp.ABSENT and isinstance(query.message, Message):
        # The reason is optional: any other action simply leaves it out.
        await state.set_state(RsvpReasonDialog.reason)
        await state.set_data({"meeting": callback_data.meeting})
        await query.message.answer(t("meetings.ask_absent_reason"))


async def meeting_answers(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    overview = await _service(session, app).overview(actor, callback_data.meeting)
    await query.answer()
    await edit_or_send(
        query,
        views.overview(t, overview),
        markup(
            [[button(t("common.back"), MeetingCb(action="card", meeting=callback_data.meeting))]]
        ),
    )


async def meeting_start(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    service = _service(session, app)
    meeting, presence = await service.open(actor, callback_data.meeting, **_kw(app))
    app.wake_sender()
    await query.answer(t.plain("meetings.opened_short"))
    message = query.message
    if isinstance(message, Message):
        # The card becomes this chat's live message.
        await edit_or_send(
            query, views.live(t, meeting, presence), views.live_keyboard(t, meeting.id)
        )
        await service.add_live_message(meeting.id, message.chat.id, message.message_id)


async def meeting_check_in(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    """Works in a private chat and in the group's chat: it counts for whoever presses."""
    _, presence, first = await _service(session, app).check_in(
        actor, callback_data.meeting, "remote", **_kw(app)
    )
    app.wake_sender()
    key = "meetings.checked_in" if first else "meetings.checked_in_before"
    await query.answer(t.plain(key, present=presence.present_members, total=presence.total_members))


async def meeting_check_out(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    presence = await _service(session, app).check_out(actor, callback_data.meeting, **_kw(app))
    app.wake_sender()
    await query.answer(
        t.plain(
            "meetings.checked_out", present=presence.present_members, total=presence.total_members
        )
    )


async def check_in_link(
    message: Message,
    command: CommandObject,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    """The QR code in the room opens t.me/<bot>?start=chk_<token>."""
    token = (command.args or "").removeprefix(CHECKIN_PREFIX)
    meeting, presence, first = await _service(session, app).check_in_by_token(
        actor, token, **_kw(app)
    )
    app.wake_sender()
    if not actor.in_roster:
        # A guest: present for the protocol's list, never counted for quorum (cl. 16 а).
        await message.answer(t("guests.checked_in", title=meeting.title))
        return
    key = "meetings.checked_in" if first else "meetings.checked_in_before"
    await message.answer(
        t(key, present=presence.present_members, total=presence.total_members)
        + "\n"
        + t("meetings.fact_title", title=meeting.title)
    )


async def meeting_qr(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    bot: Bot,
) -> None:
    overview = await _service(session, app).overview(actor, callback_data.meeting)
    link = app.deep_link(CHECKIN_PREFIX + overview.meeting.checkin_token)
    await query.answer()
    if isinstance(query.message, Message):
        await query.message.answer_photo(
            BufferedInputFile(checkin_qr_png(link), filename="checkin.png"),
            caption=t("meetings.qr_caption", title=overview.meeting.title, link=link),
        )


async def meeting_close(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    meeting = await _service(session, app).close(actor, callback_data.meeting, **_kw(app))
    app.wake_sender()
    await query.answer(t.plain("meetings.closed_short"))
    await edit_or_send(query, *await _card(actor, t, session, app, meeting.id))


async def meeting_cancel_ask(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    meeting = await _service(session, app).meeting(actor, callback_data.meeting)
    await query.answer()
    await edit_or_send(
        query,
        t("meetings.cancel_ask", title=meeting.title),
        views.confirm_keyboard(
            t,
            MeetingCb(action="cancel_ok", meeting=meeting.id),
            MeetingCb(action="card", meeting=meeting.id),
        ),
    )


async def meeting_cancel(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
) -> None:
    await _service(session, app).cancel(actor, callback_data.meeting, **_kw(app))
    app.wake_sender()
    await query.answer(t.plain("meetings.cancelled_short"))
    await edit_or_send(query, *await _card(actor, t, session, app, callback_data.meeting))


async def meeting_venue_ask(
    query: CallbackQuery, callback_data: MeetingCb, t: Translator, state: FSMContext
) -> None:
    await state.set_state(VenueDialog.text)
    await state.set_data({"meeting": callback_data.meeting})
    await query.answer()
    await edit_or_send(query, t("meetings.ask_new_venue"))


async def meeting_venue_changed(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    meeting_id = int((await state.get_data()).get("meeting", 0))
    try:
        meeting = await _service(session, app).change_venue(
            actor, meeting_id, message.text or "", **_kw(app)
        )
    except InvalidInput as bad:
        await ask_again(message, t, bad.key, "meetings.ask_new_venue", **bad.params)
        return
    await state.clear()
    app.wake_sender()
    await message.answer(t("meetings.venue_changed") + "\n" + "\n".join(views.facts(t, meeting)))


async def rsvp_reason(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    """The optional reason of «Не смогу», asked right after the answer."""
    meeting_id = int((await state.get_data()).get("meeting", 0))
    try:
        await _service(session, app).rsvp(actor, meeting_id, Rsvp.ABSENT, message.text or None)
    except InvalidInput as bad:
        await ask_again(message, t, bad.key, "meetings.ask_absent_reason", **bad.params)
        return
    await state.clear()
    await message.answer(t("meetings.reason_saved"))


async def meeting_move(
    query: CallbackQuery, callback_data: MeetingCb, t: Translator, state: FSMContext
) -> None:
    await state.set_state(RescheduleDialog.when)
    await state.set_data({"meeting": callback_data.meeting})
    await query.answer()
    await edit_or_send(query, t("meetings.ask_when"))


async def meeting_moved(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    starts = await future_moment(message, message.text or "", t, app, "meetings.ask_when")
    if starts is None:
        return
    meeting_id = int((await state.get_data()).get("meeting", 0))
    meeting = await _service(session, app).reschedule(actor, meeting_id, starts, **_kw(app))
    await state.clear()
    app.wake_sender()
    await message.answer(t("meetings.rescheduled") + "\n" + "\n".join(views.facts(t, meeting)))


# Recording (cl. 12)
async def recording_ask(
    query: CallbackQuery,
    callback_data: MeetingCb,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    await _service(session, app).overview(actor, callback_data.meeting)
    await state.set_state(RecordingDialog.file)
    await state.set_data({"meeting": callback_data.meeting})
    await query.answer()
    await edit_or_send(query, t("meetings.ask_recording"))


async def recording_file(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
    bot: Bot,
) -> None:
    media = message.audio or message.voice or message.document
    if media is None:
        await ask_again(message, t, "meetings.recording_not_audio", "meetings.ask_recording")
        return
    mime = getattr(media, "mime_type", None) or ""
    if not is_audio(mime, sent_as_document=message.document is not None):
        await ask_again(message, t, "meetings.recording_not_audio", "meetings.ask_recording")
        return
    meeting_id = int((await state.get_data()).get("meeting", 0))
    size = media.file_size
    file_name = getattr(media, "file_name", None)
    duration = getattr(media, "duration", None)
    if not can_download(size, local_api=app.settings.uses_local_api):
        await _ask_reference(message, t, state, media, mime, t("meetings.recording_too_big"))
        return
    try:
        content = await bot.download(media.file_id)
    except (TimeoutError, TelegramAPIError, aiohttp.ClientError, OSError) as failure:
        # The server refused or the transfer broke (a server that is not local, a file too
        # large after all, a network fault): the recording is then kept by reference.
        reason = (
            failure.message if isinstance(failure, TelegramAPIError) else type(failure).__name__
        )
        log.warning("recording of meeting %s not downloaded: %s", meeting_id, reason)
        await _ask_reference(
            message, t, state, media, mime, t("meetings.recording_download_failed", error=reason)
        )
        return
    digest = hashlib.sha256(content.read()).hexdigest() if content is not None else None
    recording = await _service(session, app).attach_recording(
        actor,
        meeting_id,
        file_id=media.file_id,
        file_unique_id=media.file_unique_id,
        file_name=file_name,
        mime_type=mime,
        size=size,
        duration=duration,
        sha256=digest,
    )
    await state.clear()
    await message.answer(t("meetings.recording_saved", sha256=recording.sha256 or "—"))


async def _ask_reference(
    message: Message,
    t: Translator,
    state: FSMContext,
    media: Audio | Voice | Document,
    mime: str,
    reason: str,
) -> None:
    """The bot cannot checksum the file itself: the secretariat gives where the recording is
    kept and its SHA-256; Telegram's ids, size and duration are kept as well."""
    await state.set_state(RecordingDialog.reference)
    await state.update_data(
        file_id=media.file_id,
        unique=media.file_unique_id,
        name=getattr(media, "file_name", None),
        mime=mime,
        size=media.file_size,
        duration=getattr(media, "duration", None),
    )
    await message.answer(reason + "\n\n" + t("meetings.ask_reference"))


async def recording_reference(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    parts = (message.text or "").rsplit(maxsplit=1)
    if len(parts) != 2 or not SHA256_RE.match(parts[1]) or len(parts[0]) > 500:
        await ask_again(message, t, "meetings.reference_invalid", "meetings.ask_reference")
        return
    data = await state.get_data()
    await _service(session, app).attach_recording(
        actor,
        int(data.get("meeting", 0)),
        file_id=data.get("file_id"),
        file_unique_id=data.get("unique"),
        file_name=data.get("name"),
        mime_type=data.get("mime"),
        size=data.get("size"),
        duration=data.get("duration"),
        sha256=parts[1].lower(),
        storage_ref=parts[0],
    )
    await state.clear()
    await message.answer(t("meetings.recording_saved", sha256=parts[1].lower()))


# /absence (the chair, or the secretariat when the chair cannot be reached: cl. 11)
async def absence_command(message: Message, actor: Actor, t: Translator, state: FSMContext) -> None:
    # Refused before the dialog starts, with who may record it.
    if not can(actor.standing, Capability.RECORD_ABSENCE):
        raise NotAllowed("meetings.absence_not_allowed")
    await state.set_state(AbsenceDialog.period)
    await message.answer(t("meetings.ask_absence"))


async def absence_period(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    state: FSMContext,
) -> None:
    tz = app.tz
    parts = (message.text or "").replace("—", "-").split("-")
    try:
        if len(parts) != 2:
            raise DateInputError(DateErrorCode.FORMAT)
        first = parse_local_date(parts[0].strip(), tz=tz, now=app.clock.now())
        last = parse_local_date(parts[1].strip(), tz=tz, now=app.clock.now())
    except DateInputError as bad:
        await ask_again(message, t, f"dates.{bad.code.value}", "meetings.ask_absence")
        return
    starts = local_instant(datetime(first.year, first.month, first.day), tz)  # noqa: DTZ001
    ends = local_instant(datetime(last.year, last.month, last.day), tz) + timedelta(days=1)  # noqa: DTZ001
    try:
        await _service(session, app).set_absence(actor, starts, ends, **_kw(app))
    except InvalidInput as bad:
        await ask_again(message, t, bad.key, "meetings.ask_absence", **bad.params)
        return
    await state.clear()
    app.wake_sender()
    await message.answer(t("meetings.absence_saved", first=t.date(first), last=t.date(last)))


# /compliance
async def compliance_command(
    message: Message, actor: Actor, t: Translator, session: AsyncSession, app: AppContext
) -> None:
    months = await ComplianceService(session, app.clock, app.tz).last_year(actor)
    await message.answer(views.compliance(t, months))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="meetings")
    r.message.filter(private_chat())
    r.message.register(new_meeting, Command("newmeeting"))
    r.message.register(meetings_command, Command("meetings"))
    r.message.register(absence_command, Command("absence"))
    r.message.register(compliance_command, Command("compliance"))
    r.message.register(meeting_title, StateFilter(MeetingDialog.title), Inline(F.text))
    r.message.register(meeting_venue, StateFilter(MeetingDialog.venue), Inline(F.text))
    r.message.register(meeting_when, StateFilter(MeetingDialog.when), Inline(F.text))
    r.message.register(meeting_moved, StateFilter(RescheduleDialog.when), Inline(F.text))
    r.message.register(meeting_venue_changed, StateFilter(VenueDialog.text), Inline(F.text))
    r.message.register(rsvp_reason, StateFilter(RsvpReasonDialog.reason), Inline(F.text))
    r.message.register(recording_file, StateFilter(RecordingDialog.file), NotCommand())
    r.message.register(recording_reference, StateFilter(RecordingDialog.reference), Inline(F.text))
    r.message.register(absence_period, StateFilter(AbsenceDialog.period), Inline(F.text))
    r.callback_query.register(
        meeting_format, NewMeetingCb.filter(F.action == "fmt"), StateFilter(MeetingDialog.title)
    )
    r.callback_query.register(
        meeting_no_link, NewMeetingCb.filter(F.action == "nolink"), StateFilter(MeetingDialog.venue)
    )
    r.callback_query.register(
        meeting_day, NewMeetingCb.filter(F.action == "day"), StateFilter(MeetingDialog.when)
    )
    r.callback_query.register(
        meeting_time, NewMeetingCb.filter(F.action == "time"), StateFilter(MeetingDialog.when)
    )
    r.callback_query.register(
        meeting_kind, NewMeetingCb.filter(F.action == "kind"), StateFilter(MeetingDialog.confirm)
    )
    r.callback_query.register(
        meeting_confirm, MeetingCb.filter(F.action == "create"), StateFilter(MeetingDialog.confirm)
    )
    r.callback_query.register(meeting_drop, MeetingCb.filter(F.action == "drop"))
    r.callback_query.register(meetings_list, MenuCb.filter(F.section == "meetings"))
    r.callback_query.register(meetings_list, MeetingCb.filter(F.action == "list"))
    r.callback_query.register(meeting_card, MeetingCb.filter(F.action == "card"))
    r.callback_query.register(meeting_rsvp, MeetingCb.filter(F.action == "rsvp"))
    r.callback_query.register(meeting_answers, MeetingCb.filter(F.action == "answers"))
    r.callback_query.register(meeting_start, MeetingCb.filter(F.action == "start"))
    r.callback_query.register(meeting_check_in, MeetingCb.filter(F.action == "checkin"))
    r.callback_query.register(meeting_check_out, MeetingCb.filter(F.action == "leave"))
    r.callback_query.register(meeting_qr, MeetingCb.filter(F.action == "qr"))
    r.callback_query.register(meeting_close, MeetingCb.filter(F.action == "close"))
    r.callback_query.register(meeting_cancel_ask, MeetingCb.filter(F.action == "cancel"))
    r.callback_query.register(meeting_cancel, MeetingCb.filter(F.action == "cancel_ok"))
    r.callback_query.register(meeting_move, MeetingCb.filter(F.action == "move"))
    r.callback_query.register(meeting_venue_ask, MeetingCb.filter(F.action == "venue"))
    r.callback_query.register(recording_ask, MeetingCb.filter(F.action == "rec"))
    return r
