"""Long polling that confirms an update to Telegram only after its handler has finished.

aiogram's own polling (with handle_as_tasks=True) confirms an update before its handler
runs, so a crash loses it. Here a batch is handled first, and only then does the next
getUpdates carry the offset that confirms it. Within a batch, chats run concurrently and
each chat's updates run in order, so a person's dialog steps never overtake each other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections import defaultdict

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramUnauthorizedError
from aiogram.types import Update

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 30.0


def chat_key(update: Update) -> int:
    """The chat (or, failing that, the user) whose updates must stay in order."""
    for event in (update.message, update.edited_message, update.my_chat_member):
        if event is not None:
            return event.chat.id
    if update.callback_query is not None:
        return update.callback_query.from_user.id
    return update.update_id


async def handle_batch(dp: Dispatcher, bot: Bot, updates: list[Update]) -> None:
    by_chat: dict[int, list[Update]] = defaultdict(list)
    for update in updates:
        by_chat[chat_key(update)].append(update)

    async def run_chat(chat_updates: list[Update]) -> None:
        for update in chat_updates:
            try:
                await dp.feed_update(bot, update)
            except Exception:
                # The session middleware already answers the user; this catches failures
                # before it (for example the dialog storage) so that the batch goes on.
                log.exception("update %s failed outside the handlers", update.update_id)

    await asyncio.gather(*(run_chat(items) for items in by_chat.values()))


async def poll(
    bot: Bot,
    dp: Dispatcher,
    stop: asyncio.Event,
    *,
    poll_timeout: int = 25,
    allowed_updates: list[str] | None = None,
) -> None:
    offset: int | None = None
    backoff = 1.0
    while not stop.is_set():
        fetch = asyncio.ensure_future(
            bot.get_updates(
                offset=offset,
                timeout=poll_timeout,
                allowed_updates=allowed_updates,
                request_timeout=poll_timeout + 10,
            )
        )
        stopper = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopper}, return_when=asyncio.FIRST_COMPLETED)
        stopper.cancel()
        if not fetch.done():
            # Stopping: the pending long poll confirmed nothing, so abandoning it is safe.
            fetch.cancel()
            break
        try:
            updates = fetch.result()
        except TelegramUnauthorizedError:
            raise
        except Exception as exc:
            log.warning("getUpdates failed (%s); retrying in %.1f s", type(exc).__name__, backoff)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=backoff)
            backoff = min(MAX_BACKOFF_S, backoff * 2) * random.uniform(0.8, 1.2)
            continue
        backoff = 1.0
        if not updates:
            continue
        await handle_batch(dp, bot, updates)
        offset = updates[-1].update_id + 1
    if offset is not None:
        await _confirm(bot, offset)


async def _confirm(bot: Bot, offset: int) -> None:
    """Confirms the last handled batch before exit, so a restart does not replay it."""
    try:
        await bot.get_updates(offset=offset, timeout=0, limit=1)
    except Exception as exc:
        # The marks in processed_update make a replay harmless; this only saves work.
        log.warning("could not confirm the last batch: %s", type(exc).__name__)
