"""Telegram's sending limits, kept in memory by the one sender of this process."""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

# Telegram: about 30 messages a second overall, one a second per chat, 20 a minute per group.
DEFAULT_PER_SECOND = 30.0
PRIVATE_INTERVAL_S = 1.0
GROUP_INTERVAL_S = 3.0


def is_group_chat(chat_id: int) -> bool:
    return chat_id < 0


class RateLimiter:
    """Next-allowed times: one for the whole bot, one per chat.

    Overall, two rules. Messages go out evenly, one every 1/per_second, so a broadcast is a
    steady stream rather than bursts. And a message may start only once the one `per_second`
    places before it was answered a full second ago. That second rule is what keeps the bot
    under the limit as Telegram counts it: Telegram saw the earlier message before its
    answer came back, and sees this one after it starts, so whatever the network's delay
    does, no second at Telegram's end holds more than `per_second` of them. A fixed margin
    (29 for 30) is too much on a fast link and can be too little on a jittery one; this
    costs one round trip per second (some 29.9 a second on a 5 ms link). A slow link never
    reaches the limit anyway, as the sender sends one message at a time.

    A send reserves before it starts and reports how it ended: `answered` for anything but
    a 429; `refused` for a 429, which delivered nothing, so it hands its overall slot back
    and holds that chat for `retry_after`. One reservation is in flight at a time.
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
        # A fractional rate (29.5) becomes a whole number of messages per a window a little
        # shorter than a second (29 per 0.983 s): never more than per_second in any second.
        self.per_window = max(1, math.floor(per_second))
        self.window = self.per_window / per_second
        self.private_interval = private_interval
        self.group_interval = group_interval
        self.clock = clock
        self._overall_next = 0.0
        self._chat_next: dict[int, float] = {}
        # When Telegram answered each of the last per_window messages it may have delivered.
        self._answered: deque[float] = deque(maxlen=self.per_window)

    def _interval(self, chat_id: int) -> float:
        return self.group_interval if is_group_chat(chat_id) else self.private_interval

    def _overall_ready(self) -> float:
        if len(self._answered) < self.per_window:
            return self._overall_next
        return max(self._overall_next, self._answered[0] + self.window)

    def delay(self, chat_id: int) -> float:
        """Seconds until a message to this chat may go out."""
        now = self.clock()
        ready = max(self._overall_ready(), self._chat_next.get(chat_id, 0.0))
        return max(0.0, ready - now)

    def overall_delay(self) -> float:
        return max(0.0, self._overall_ready() - self.clock())

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

    def answered(self) -> None:
        """Telegram answered (or may have delivered: a timeout counts too)."""
        self._answered.append(self.clock())

    def refused(self, chat_id: int, retry_after: float) -> None:
        """429 for this chat: nothing was delivered; the chat waits as Telegram asked.

        The slot goes back as it was, not from now: the next message takes it late rather
        than a whole interval after the refusal, which kept the pace a 429's round trip
        (some 15 ms of every 34) short for each of a broadcast's 429s. Late by less than a
        slot, as in `reserve`, it still never puts two messages in one slot.
        """
        now = self.clock()
        self._overall_next -= self.spacing
        self._chat_next[chat_id] = max(self._chat_next.get(chat_id, 0.0), now + retry_after)

    def busy_chats(self) -> list[int]:
        """Chats that may not receive a message right now; forgets the ones that may."""
        now = self.clock()
        for chat_id in [c for c, at in self._chat_next.items() if at <= now]:
            del self._chat_next[chat_id]
        return list(self._chat_next)
