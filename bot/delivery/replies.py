"""Replies to the person whose update is being handled, sent again after a 429.

The outbox sender has its own policy for 429 (the row waits, the other chats go on); a
reply is different: the person is waiting for it now, and the update's changes are already
committed, so failing the update would only turn their answer into an apology. A reply
refused with `retry_after` therefore waits it out and is sent again, within a bound: past
it the reply is given up with a warning (the update's changes stay committed).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import AnswerCallbackQuery, Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)

# Longer than this the person would not wait for the answer either, and the chat's next
# updates queue behind it.
MAX_WAIT_S = 30.0


class _Replying:
    def __init__(self) -> None:
        self.open = True
        # The pressed button was answered (answerCallbackQuery went out): a second answer
        # would be refused by Telegram, so the default answer and alerts look here first.
        self.answered = False


_replying: ContextVar[_Replying | None] = ContextVar("wg_replying", default=None)


@contextlib.contextmanager
def replying() -> Iterator[None]:
    """Requests made inside are replies to the update being handled."""
    scope = _Replying()
    token = _replying.set(scope)
    try:
        yield
    finally:
        # A task started inside the update copies the context; it is not a reply.
        scope.open = False
        _replying.reset(token)


def is_reply() -> bool:
    scope = _replying.get()
    return scope is not None and scope.open


def button_answered() -> bool:
    """Whether the update being handled has already answered its button press."""
    scope = _replying.get()
    return scope is not None and scope.answered


class RetryReplies(BaseRequestMiddleware):
    """Session middleware: a reply refused with 429 is sent again after `retry_after`."""

    def __init__(
        self,
        max_wait: float = MAX_WAIT_S,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        self.max_wait = max_wait
        self._sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        waited = 0.0
        while True:
            try:
                response = await make_request(bot, method)
            except TelegramRetryAfter as refusal:
                if not is_reply():
                    raise
                pause = float(refusal.retry_after)
                if waited + pause > self.max_wait:
                    log.warning(
                        "%s refused with 429 (retry after %s s) after %.0f s of waiting; "
                        "the reply is given up",
                        method.__api_method__,
                        refusal.retry_after,
                        waited,
                    )
                    raise
                log.warning(
                    "%s refused with 429; sent again in %s s",
                    method.__api_method__,
                    refusal.retry_after,
                )
                await (self._sleep or asyncio.sleep)(pause)
                waited += pause
                continue
            if isinstance(method, AnswerCallbackQuery):
                scope = _replying.get()
                if scope is not None and scope.open:
                    scope.answered = True
            return response
