"""One vocabulary for driving the bot, at both levels: a person ``sends`` a text,
``presses`` a button by its label, ``sees`` a message; the test reads ``last_message_to``.

``Member`` speaks to the dispatcher through ``BotClient`` (every step has finished when
it returns); ``Speaker`` speaks to the running bot over HTTP through ``FakeTelegram`` and,
when told what to expect, waits for it — each one remembers where its last action
began, so tests never count ``tg.calls`` themselves.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import overload

from aiogram.types import Message

from tests.support.bot_client import BotClient
from tests.support.fake_api import Call, FakeTelegram, JsonDict
from tests.support.telegram_model import FakeUser

__all__ = ["Member", "Speaker"]


@dataclass
class Member:
    """A person at the dispatcher level."""

    client: BotClient
    user: FakeUser

    @property
    def id(self) -> int:
        return self.user.id

    async def sends(self, text: str) -> str:
        """Types ``text``; returns what the bot shows them last."""
        await self.client.send(self.user, text)
        return self.client.last_text(self.user)

    async def presses(self, label: str) -> str:
        """Presses the newest inline button ``label``; returns what the bot shows them last."""
        await self.client.click(self.user, label)
        return self.client.last_text(self.user)

    def last_message(self) -> Message:
        return self.client.last_message(self.user)

    def alerts(self) -> list[str]:
        return self.client.alerts(self.user)


@dataclass
class Speaker:
    """A person talking to the running bot over HTTP."""

    tg: FakeTelegram
    user: FakeUser
    # Where this person's last action began in the server's record of calls.
    since: int = 0

    @property
    def id(self) -> int:
        return self.user.id

    @overload
    async def sends(self, text: str) -> None: ...
    @overload
    async def sends(self, text: str, expect: str) -> Call: ...
    async def sends(self, text: str, expect: str | None = None) -> Call | None:
        """Types ``text``; with ``expect``, returns the first message since then in their
        chat that shows it."""
        self.since = self.tg.mark()
        await self.tg.send_text(self.user, text)
        return await self.sees(expect) if expect is not None else None

    @overload
    async def presses(self, label: str, *, on: Call | JsonDict | None = None) -> None: ...
    @overload
    async def presses(
        self, label: str, expect: str, *, on: Call | JsonDict | None = None
    ) -> Call: ...
    async def presses(
        self, label: str, expect: str | None = None, *, on: Call | JsonDict | None = None
    ) -> Call | None:
        """Presses ``label`` on the message ``on`` (default: the newest one having it); with
        ``expect``, returns the first message since then in their chat that shows it (the
        edited card or a new one)."""
        self.since = self.tg.mark()
        message = self._message_with(label) if on is None else on
        await self.tg.click_button(self.user, message, label)
        return await self.sees(expect) if expect is not None else None

    async def is_answered(
        self, label: str, contains: str = "", *, on: Call | JsonDict | None = None
    ) -> Call:
        """Presses ``label`` and returns the callback answer (toast or alert) that has
        ``contains``."""
        await self.presses(label, on=on)
        return await self.tg.answer_since(self.since, contains)

    async def sees(self, contains: str) -> Call:
        """The first message in their chat since their last action that shows ``contains``."""
        return await self.tg.message_to(self.user, contains, since=self.since)

    def _message_with(self, label: str) -> JsonDict:
        for message in reversed(self.tg.messages(self.id)):
            rows = message.get("reply_markup", {}).get("inline_keyboard", [])
            if any(button.get("text") == label for button in itertools.chain(*rows)):
                return message
        raise AssertionError(f"no message in chat {self.id} has the button {label!r}")
