"""Telegram's sending limits, kept in memory by the one sender of this process."""

from __future__ import annotations

import time
from collections.abc import Callable

# Telegram: about 30 messages a second overall, one a second per chat, 20 a minute per group.
DEFAULT_PER_SECOND = 29.0
PRIVATE_INTERVAL_S = 1.0
GROUP_INTERVAL_S = 3.0


def is_group_chat(chat_id: int) -> bool:
    return chat_id < 0


class RateLimiter:
    """Next-allowed times: one for the whole bot, one per chat.

    A reservation is taken before a send; a send that Telegram refused with 429 hands its
    overall slot back, because it delivered nothing, and holds that chat for `retry_after`.
    """

    def __init__(
        self,
        per_second: float = DEFAULT_PER_SECOND,
        *,
        private_interval: float = PRIVATE_INTERVAL_S,
        group_interval: float = GROUP_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.spacing = 1.0 / per_second
        self.private_interval = private_interval
        self.group_interval = group_interval
        self.clock = clock
        self._overall_next = 0.0
        self._chat_next: dict[int, float] = {}

    def _interval(self, chat_id: int) -> float:
        return self.group_interval if is_group_chat(chat_id) else self.private_interval

    def delay(self, chat_id: int) -> float:
        """Seconds until a message to this chat may go out."""
        now = self.clock()
        ready = max(self._overall_next, self._chat_next.get(chat_id, 0.0))
        return max(0.0, ready - now)

    def overall_delay(self) -> float:
        return max(0.0, self._overall_next - self.clock())

    def reserve(self, chat_id: int) -> None:
        now = self.clock()
        # Keep to the schedule: the time spent claiming a row after the pause must not be
        # added to every interval (that drift cost a sixth of the throughput). Only a
        # sender idle for a whole slot or more starts counting from now.
        late = now - self._overall_next
        start = self._overall_next if late < self.spacing else now
        self._overall_next = start + self.spacing
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now) + self._interval(
            chat_id
        )

    def refused(self, chat_id: int, retry_after: float) -> None:
        """429 for this chat: nothing was delivered; the chat waits as Telegram asked."""
        now = self.clock()
        self._overall_next = max(now, self._overall_next - self.spacing)
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now + retry_after)

    def busy_chats(self) -> list[int]:
        """Chats that may not receive a message right now; forgets the ones that may."""
        now = self.clock()
        for chat_id in [c for c, at in self._chat_next.items() if at <= now]:
            del self._chat_next[chat_id]
        return list(self._chat_next)
