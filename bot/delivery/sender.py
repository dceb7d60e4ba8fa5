"""The sender: claims due outbox rows one by one, sends them within Telegram's limits, and
records every outcome. No database transaction is open while Telegram is being asked."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, Message

from bot.clock import Clock
from bot.delivery.limits import RateLimiter
from bot.delivery.mail import Attachment, Mailer, MailResult, build_message
from bot.delivery.policy import Outcome, decide
from bot.services.outbox import record
from bot.services.roster import Auditor
from storage.db import Database, read, write
from storage.repositories.files import FileRepository
from storage.repositories.outbox import OutboxRepository, OutboxRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Attempt:
    outcome: Outcome
    error: str | None = None
    retry_after: float = 0.0
    message_id: int | None = None
    file_id: str | None = None


async def attempt(
    bot: Bot, row: OutboxRow, document: str | BufferedInputFile | None = None
) -> Attempt:
    """One call to Telegram for one row, its result sorted into an outcome.

    `document` is what to send for a file the bot made: its bytes on the first upload,
    then the file_id Telegram gave it.
    """
    markup = InlineKeyboardMarkup.model_validate(row.reply_markup) if row.reply_markup else None
    try:
        if row.method == "edit":
            assert row.edit_message_id is not None
            result = await bot.edit_message_text(
                text=row.text or "",
                chat_id=row.chat_id,
                message_id=row.edit_message_id,
                reply_markup=markup,
            )
        elif row.document is not None:
            result = await bot.send_document(
                row.chat_id,
                document=document or row.document["file_id"],
                caption=row.text,
                reply_markup=markup,
            )
        else:
            result = await bot.send_message(row.chat_id, row.text or "", reply_markup=markup)
    except TelegramRetryAfter as exc:
        return Attempt(Outcome.RETRY_AFTER, exc.message, retry_after=float(exc.retry_after))
    except TelegramForbiddenError as exc:
        return Attempt(Outcome.BLOCKED, exc.message)
    except TelegramBadRequest as exc:
        if "message is not modified" in exc.message:
            # A fast repeat of the same edit: the chat already shows this text.
            return Attempt(Outcome.SENT, message_id=row.edit_message_id)
        return Attempt(Outcome.REJECTED, exc.message)
    except TelegramServerError as exc:
        return Attempt(Outcome.SERVER_ERROR, exc.message)
    except (TelegramNetworkError, TimeoutError) as exc:
        return Attempt(Outcome.UNKNOWN, f"{type(exc).__name__}: {exc}")
    except TelegramAPIError as exc:
        return Attempt(Outcome.REJECTED, exc.message)
    except Exception as exc:
        # A row we cannot even turn into a request must not stay "sending" forever.
        log.exception("outbox %s could not be sent", row.id)
        return Attempt(Outcome.REJECTED, f"{type(exc).__name__}")
    if isinstance(result, Message):
        file_id = result.document.file_id if result.document else None
        return Attempt(Outcome.SENT, message_id=result.message_id, file_id=file_id)
    return Attempt(Outcome.SENT, message_id=row.edit_message_id)


class Sender:
    def __init__(
        self,
        db: Database,
        bot: Bot,
        clock: Clock,
        limiter: RateLimiter | None = None,
        *,
        idle_wait: float = 0.5,
        rng: random.Random | None = None,
        mailer: Mailer | None = None,
    ) -> None:
        self.db = db
        # E-mail rows (issue #18 item 3) go through it; None when SMTP_URL is not set.
        self.mailer = mailer
        self.bot = bot
        self.clock = clock
        self.limiter = limiter or RateLimiter()
        self.idle_wait = idle_wait
        self.rng = rng or random.Random()
        self._wake = asyncio.Event()
        # How long a claim usually takes (moving average), to start it that much early.
        self._claim_s = 0.0

    def wake(self) -> None:
        """New rows were committed: look now instead of after the idle wait."""
        self._wake.set()

    async def recover(self) -> int:
        """Rows left "sending" by a crash: Telegram may or may not have them (policy.py)."""
        async with self.db.session() as session, write(session):
            rows = await OutboxRepository(session).in_flight()
            for row in rows:
                decision = decide(
                    Outcome.UNKNOWN,
                    kind=row.kind,
                    attempts=row.attempts,
                    unknown_count=row.unknown_count + 1,
                    rng=self.rng,
                )
                await record(
                    session,
                    row,
                    decision,
                    now=self.clock.now(),
                    error="in flight when the sender stopped",
                )
        if rows:
            log.warning(
                "%s message(s) were in flight at the last stop; handled as unknown", len(rows)
            )
        return len(rows)

    async def step(self) -> bool:
        """Sends at most one message; False when nothing could be sent right now."""
        # Claim while the pause runs out, so the message is ready when its slot opens; the
        # limit itself is checked again once the row is in hand. Capped at one slot, so a
        # slow claim never leaves a row marked in flight for long before it is sent.
        head_start = min(self._claim_s, self.limiter.spacing)
        await asyncio.sleep(max(0.0, self.limiter.overall_delay() - head_start))
        claim_started = self.limiter.clock()
        async with self.db.session() as session, write(session):
            now = self.clock.now()
            row = await OutboxRepository(session).claim(now, self.limiter.busy_chats())
            if row is not None:
                await Auditor(session, None, now)(
                    "delivery_sending", "outbox", row.id, key=row.key, attempt=row.attempts
                )
        if row is None:
            return False
        self._claim_s += 0.2 * (self.limiter.clock() - claim_started - self._claim_s)
        if row.channel == "email":
            # Telegram's limits do not apply: the mail server is asked, not Telegram.
            mailed = await self._mail(row)
            await self._finish(row, Attempt(mailed.outcome, mailed.error), None)
            return True
        upload = await self._upload(row)
        pause = self.limiter.delay(row.chat_id)
        if pause > 0:
            await asyncio.sleep(pause)
        self.limiter.reserve(row.chat_id)
        result = await attempt(self.bot, row, upload)
        if result.outcome is Outcome.RETRY_AFTER:
            self.limiter.refused(row.chat_id, result.retry_after)
        else:
            self.limiter.answered()
        await self._finish(row, result, upload)
        return True

    async def _finish(
        self, row: OutboxRow, result: Attempt, upload: str | BufferedInputFile | None
    ) -> None:
        """Records one attempt's outcome by the retry policy (policy.py)."""
        decision = decide(
            result.outcome,
            kind=row.kind,
            attempts=row.attempts,
            unknown_count=row.unknown_count + (result.outcome is Outcome.UNKNOWN),
            retry_after=result.retry_after,
            rng=self.rng,
        )
        async with self.db.session() as session, write(session):
            if isinstance(upload, BufferedInputFile) and result.file_id and row.document:
                await FileRepository(session).remember_file_id(
                    int(row.document["stored_file_id"]), result.file_id
                )
            await record(
                session,
                row,
                decision,
                now=self.clock.now(),
                error=result.error,
                message_id=result.message_id,
            )
        if result.outcome is not Outcome.SENT:
            log.info("outbox %s (%s): %s", row.id, row.key, result.outcome.value)

    async def _mail(self, row: OutboxRow) -> MailResult:
        """One SMTP attempt for an e-mail row, with its attachment read from the file store.
        Rows written while SMTP was configured wait (and are retried) until it is again."""
        if self.mailer is None:
            return MailResult(Outcome.SERVER_ERROR, "SMTP is not configured (SMTP_URL)")
        attachment = None
        if row.document and "stored_file_id" in row.document:
            async with self.db.session() as session, read(session):
                stored = await FileRepository(session).get(int(row.document["stored_file_id"]))
            if stored is None:
                return MailResult(Outcome.REJECTED, "the attached file is no longer kept")
            attachment = Attachment(stored.file_name, stored.content, stored.mime_type)
        try:
            message = build_message(
                sender=self.mailer.sender,
                to=row.address or "",
                subject=row.subject or "",
                body=row.text or "",
                key=row.key,
                now=self.clock.now(),
                attachment=attachment,
            )
        except (ValueError, TypeError) as exc:
            return MailResult(Outcome.REJECTED, f"{type(exc).__name__}: {exc}")
        return await self.mailer.send(message)

    async def _upload(self, row: OutboxRow) -> str | BufferedInputFile | None:
        """A file the bot made: Telegram's file_id once known, else its bytes."""
        if not row.document or "stored_file_id" not in row.document:
            return None
        async with self.db.session() as session, read(session):
            stored = await FileRepository(session).get(int(row.document["stored_file_id"]))
        if stored is None:
            return None
        if stored.telegram_file_id:
            return stored.telegram_file_id
        return BufferedInputFile(stored.content, filename=stored.file_name)

    async def drain(self, limit: int = 10_000) -> int:
        """Sends everything due now; for tests and for a clean stop."""
        sent = 0
        while sent < limit and await self.step():
            sent += 1
        return sent

    async def run(self, stop: asyncio.Event) -> None:
        await self.recover()
        while not stop.is_set():
            try:
                if await self.step():
                    continue
            except Exception:
                log.exception("sender step failed; retrying")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wait(stop), timeout=await self._idle_for())

    async def _idle_for(self) -> float:
        """Until the next row falls due (a retry after 429 or backoff), at most idle_wait."""
        try:
            async with self.db.session() as session, read(session):
                due = await OutboxRepository(session).next_due_at()
        except Exception:
            log.exception("could not read the next due time")
            return self.idle_wait
        if due is None:
            return self.idle_wait
        wait = (due - self.clock.now()).total_seconds()
        return min(self.idle_wait, max(0.01, wait, self.limiter.overall_delay()))

    async def _wait(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
