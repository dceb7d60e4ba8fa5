"""The meeting's audio recording (cl. 12): the secretariat sends the file, or says where it
is kept and its SHA-256 when the bot cannot download it."""

from __future__ import annotations

import logging
import re

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import Audio, CallbackQuery, Document, Message, Voice

from bot.callbacks import MeetingCb
from bot.dialogs import RecordingDialog
from bot.domain.meetings import can_download, is_audio
from bot.filters import NotCommand, private_router
from bot.update_context import Ctx
from handlers.asking import ask_again, text_answer
from handlers.kept_files import fetch_and_keep
from handlers.meeting_input import dialog_text

SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")

log = logging.getLogger(__name__)


async def recording_ask(query: CallbackQuery, callback_data: MeetingCb, ctx: Ctx) -> None:
    await ctx.recordings.check_attachable(ctx.actor, callback_data.meeting)
    await ctx.state.set_state(RecordingDialog.file)
    await ctx.state.set_data({"meeting": callback_data.meeting})
    await ctx.show(ctx.t("meetings.ask_recording"))


async def recording_file(message: Message, ctx: Ctx) -> None:
    media = message.audio or message.voice or message.document
    mime = (getattr(media, "mime_type", None) or "") if media is not None else ""
    if media is None or not is_audio(mime, sent_as_document=message.document is not None):
        await ask_again(ctx, "meetings.recording_not_audio", "meetings.ask_recording")
        return
    meeting_id = int((await ctx.state.get_data()).get("meeting", 0))
    size = media.file_size
    if not can_download(size, local_api=ctx.app.settings.uses_local_api):
        await _ask_reference(ctx, media, mime, ctx.t("meetings.recording_too_big"))
        return
    fetched = await fetch_and_keep(ctx, media.file_id, size, f"recording of meeting {meeting_id}")
    if fetched.sha256 is None:
        # Not downloaded after all: the recording is then kept by reference.
        failed = ctx.t("meetings.recording_download_failed", error=fetched.failure or "—")
        await _ask_reference(ctx, media, mime, failed)
        return
    recording = await ctx.recordings.attach(
        ctx.actor,
        meeting_id,
        file_id=media.file_id,
        file_unique_id=media.file_unique_id,
        file_name=getattr(media, "file_name", None),
        mime_type=mime,
        size=size,
        duration=getattr(media, "duration", None),
        sha256=fetched.sha256,
        kept_sha256=fetched.sha256 if fetched.kept else None,
    )
    await ctx.state.clear()
    await ctx.say("meetings.recording_saved", sha256=recording.sha256 or "—")
    if fetched.failure is not None:
        # Downloaded and checksummed, but the disk refused the copy.
        name = getattr(media, "file_name", None) or "—"
        await ctx.say("files.not_kept", name=name, error=fetched.failure)


async def _ask_reference(ctx: Ctx, media: Audio | Voice | Document, mime: str, reason: str) -> None:
    """The bot cannot checksum the file itself: the secretariat gives where the recording is
    kept and its SHA-256; Telegram's ids, size and duration are kept as well."""
    await ctx.state.set_state(RecordingDialog.reference)
    await ctx.state.update_data(
        file_id=media.file_id,
        unique=media.file_unique_id,
        name=getattr(media, "file_name", None),
        mime=mime,
        size=media.file_size,
        duration=getattr(media, "duration", None),
    )
    await ctx.send(reason + "\n\n" + ctx.t("meetings.ask_reference"))


async def recording_reference(message: Message, ctx: Ctx) -> None:
    typed = await text_answer(ctx, message, "meetings.ask_reference")
    if typed is None:
        return
    parts = typed.rsplit(maxsplit=1)
    if len(parts) != 2 or not SHA256_RE.match(parts[1]) or len(parts[0]) > 500:
        await ask_again(ctx, "meetings.reference_invalid", "meetings.ask_reference")
        return
    data = await ctx.state.get_data()
    await ctx.recordings.attach(
        ctx.actor,
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
    await ctx.state.clear()
    await ctx.say("meetings.recording_saved", sha256=parts[1].lower())


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("recording")
    r.message.register(recording_file, StateFilter(RecordingDialog.file), NotCommand())
    r.message.register(recording_reference, StateFilter(RecordingDialog.reference), dialog_text())
    r.callback_query.register(recording_ask, MeetingCb.filter(F.action == "rec"))
    return r
