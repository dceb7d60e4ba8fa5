"""Files people send that the bot keeps: downloaded from Telegram and written under
DATA_DIR/files by their SHA-256, so that nothing depends on Telegram keeping them.

A file over what the Bot API lets the bot download keeps only its Telegram reference, as
before. A failed download or write never loses what the person did: the reference is kept,
a warning is logged and the person is told that the bot has no copy of its own."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiogram.exceptions import TelegramAPIError

from bot.domain.meetings import can_download
from bot.update_context import Ctx
from storage.file_store import FileStore, sha256_of

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Fetched:
    """What became of one file: its checksum if the bot got its bytes, whether a copy is
    kept, and why not, if something failed (None when the file was simply too large)."""

    sha256: str | None = None
    kept: bool = False
    failure: str | None = None


def file_store(ctx: Ctx) -> FileStore:
    return ctx.app.db.files or FileStore(ctx.app.settings.files_dir)


async def fetch_and_keep(ctx: Ctx, file_id: str, size: int | None, what: str) -> Fetched:
    """Downloads the file and keeps it; `what` names it in the log."""
    if not can_download(size, local_api=ctx.app.settings.uses_local_api):
        return Fetched()
    try:
        buffer = await ctx.bot.download(file_id)
    except (TimeoutError, TelegramAPIError, aiohttp.ClientError, OSError) as failure:
        # The server refused or the transfer broke (a server that is not local, a file too
        # large after all, a network fault).
        reason = _reason(failure)
        log.warning("%s not downloaded: %s", what, reason)
        return Fetched(failure=reason)
    content = buffer.read() if buffer is not None else b""
    try:
        digest = await file_store(ctx).put(content)
    except OSError as failure:
        # The disk is full or read-only: the checksum is still known and kept with the row.
        reason = _reason(failure)
        log.warning("%s not written to %s: %s", what, file_store(ctx).root, reason)
        return Fetched(sha256=await asyncio.to_thread(sha256_of, content), failure=reason)
    return Fetched(sha256=digest, kept=True)


async def keep_document(ctx: Ctx, document: dict[str, Any], size: int | None) -> dict[str, Any]:
    """A sent document as a dialog keeps it (`file_id` or `telegram_file_id`), with
    `kept_sha256` added once the bot keeps its own copy; on a failure the person is told
    and the document goes on by its Telegram reference."""
    file_id = document.get("file_id") or document.get("telegram_file_id")
    if not file_id:
        return document
    fetched = await fetch_and_keep(ctx, str(file_id), size, f"document {file_id}")
    if fetched.failure is not None:
        name = document.get("file_name") or "—"
        await ctx.say("files.not_kept", name=name, error=fetched.failure)
    if not fetched.kept:
        return document
    return {**document, "kept_sha256": fetched.sha256}


def _reason(failure: BaseException) -> str:
    return failure.message if isinstance(failure, TelegramAPIError) else type(failure).__name__
