"""Drive a real Dispatcher the way a Telegram user would.

``BotClient`` builds genuine ``aiogram.types.Update`` objects, feeds them to
``Dispatcher.feed_update`` and reads back what the bot did from the
``RecordingSession`` behind the bot, so a test reads like the conversation::

    client = BotClient(dp, bot, session)
    alice = client.user(1001, "Алиса", "Иванова", language_code="ru")
    await client.send(alice, "/start inv_abc")
    await client.click(alice, "Подтвердить")
    assert client.alerts(alice) == ["Готово"]
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.types import (
    Audio,
    CallbackQuery,
    Chat,
    Document,
    InlineKeyboardMarkup,
    Message,
    MessageEntity,
    Update,
    Voice,
)

from tests.support.recording_session import RecordingSession
from tests.support.telegram_model import FakeUser, StoredFile, media_object, text_content

__all__ = ["BotClient", "ChatRef", "FakeUser"]


# Anything that names a chat: a user stands for their private chat with the bot.
ChatRef = FakeUser | int


def _chat_id(chat: ChatRef) -> int:
    return chat.id if isinstance(chat, FakeUser) else chat


Buttons = list[list[tuple[str, str | None]]]


class BotClient:
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        session: RecordingSession | None = None,
        *,
        now: Callable[[], datetime] | None = None,
        first_update_id: int = 1,
    ) -> None:
        if session is None:
            if not isinstance(bot.session, RecordingSession):
                raise TypeError("bot.session is not a RecordingSession; pass one explicitly")
            session = bot.session
        elif bot.session is not session:
            # Requests would be recorded somewhere the client never looks.
            raise ValueError("session must be the RecordingSession the bot was created with")
        self.dp = dp
        self.bot = bot
        self.session = session
        self._now = now or (lambda: datetime.now(UTC))
        if now is not None:
            # One clock for both sides, so reply dates line up with update dates.
            session.now = now
        self.next_update_id = first_update_id
        self.updates: list[Update] = []
        self.last_handled: bool | None = None
        self._callback_owners: dict[str, int] = {}
        self._callback_counter = 0

    # ---- participants ------------------------------------------------------

    def user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        *,
        username: str | None = None,
        language_code: str | None = None,
        is_premium: bool | None = None,
    ) -> FakeUser:
        if user_id <= 0:
            raise ValueError("user ids are positive; negative ids are group chats")
        user = FakeUser(
            id=user_id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            is_premium=is_premium,
        )
        self.session.register_chat(user.as_chat())
        return user

    def group(self, chat_id: int, title: str | None = None) -> int:
        """Register a group chat (negative id) so its messages carry a title."""
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        self.session.register_chat(
            Chat(id=chat_id, type="supergroup", title=title or f"Test group {chat_id}")
        )
        return chat_id

    # ---- building updates (no side effects besides id allocation) ----------

    def message_update(
        self,
        user: FakeUser,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        **content: Any,
    ) -> Update:
        """An Update carrying a message from ``user``; ``content`` adds Message fields."""
        chat = self.session.chat(chat_id) if chat_id is not None else user.as_chat()
        marked = text_content(text).get("entities", []) if text is not None else []
        entities = [MessageEntity.model_validate(entity) for entity in marked] or None
        message = Message(
            message_id=self.session.next_message_id(chat.id),
            date=self._aware_now(),
            chat=chat,
            from_user=user.as_user(),
            text=text,
            entities=entities,
            **content,
        )
        return Update(update_id=self._take_update_id(), message=message)

    def callback_update(
        self,
        user: FakeUser,
        message: Message | None,
        data: str,
        *,
        inline_message_id: str | None = None,
    ) -> Update:
        self._callback_counter += 1
        query_id = f"{user.id}{self._callback_counter:06d}"
        self._callback_owners[query_id] = user.id
        chat_instance = str(message.chat.id if message is not None else user.id)
        query = CallbackQuery(
            id=query_id,
            from_user=user.as_user(),
            chat_instance=f"ci{chat_instance}",
            message=message,
            inline_message_id=inline_message_id,
            data=data,
        )
        return Update(update_id=self._take_update_id(), callback_query=query)

    # ---- feeding -------------------------------------------------------------

    async def feed(self, update: Update, **kwargs: Any) -> list[TelegramMethod[Any]]:
        """Feed any update (again, if you like); return the API calls it caused.

        Handler exceptions propagate, unlike in polling, so tests see them.
        """
        before = len(self.session.requests)
        self.updates.append(update)
        self.last_handled = None
        result = await self.dp.feed_update(self.bot, update, **kwargs)
        self.last_handled = result is not UNHANDLED
        if isinstance(result, TelegramMethod):
            # Polling and webhooks execute a method returned by a handler;
            # feed_update alone would silently drop it.
            await self.dp.silent_call_request(self.bot, result)
        return self.session.requests[before:]

    async def send(
        self, user: FakeUser, text: str, *, chat_id: int | None = None
    ) -> list[TelegramMethod[Any]]:
        return await self.feed(self.message_update(user, text, chat_id=chat_id))

    async def send_in_group(
        self, user: FakeUser, group_chat_id: int, text: str
    ) -> list[TelegramMethod[Any]]:
        if group_chat_id >= 0:
            raise ValueError("group chat ids are negative")
        return await self.send(user, text, chat_id=group_chat_id)

    async def send_document(
        self,
        user: FakeUser,
        *,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        file_size: int = 1024,
        caption: str | None = None,
        content: bytes | None = None,
        chat_id: int | None = None,
    ) -> list[TelegramMethod[Any]]:
        """Upload a document; ``content`` makes it downloadable via bot.download()."""
        stored = self._new_file("document", content, file_name, mime_type, file_size)
        document = Document.model_validate(media_object("document", stored, {}))
        update = self.message_update(
            user, None, chat_id=chat_id, document=document, caption=caption
        )
        return await self.feed(update)

    async def send_audio(
        self,
        user: FakeUser,
        *,
        file_name: str = "audio.mp3",
        mime_type: str = "audio/mpeg",
        file_size: int = 4096,
        duration: int = 60,
        title: str | None = None,
        performer: str | None = None,
        caption: str | None = None,
        content: bytes | None = None,
        chat_id: int | None = None,
    ) -> list[TelegramMethod[Any]]:
        stored = self._new_file("audio", content, file_name, mime_type, file_size)
        details = {"duration": duration, "title": title, "performer": performer}
        audio = Audio.model_validate(media_object("audio", stored, details))
        update = self.message_update(user, None, chat_id=chat_id, audio=audio, caption=caption)
        return await self.feed(update)

    async def send_voice(
        self,
        user: FakeUser,
        *,
        duration: int = 5,
        mime_type: str = "audio/ogg",
        file_size: int = 2048,
        content: bytes | None = None,
        chat_id: int | None = None,
    ) -> list[TelegramMethod[Any]]:
        stored = self._new_file("voice", content, None, mime_type, file_size)
        voice = Voice.model_validate(media_object("voice", stored, {"duration": duration}))
        update = self.message_update(user, None, chat_id=chat_id, voice=voice)
        return await self.feed(update)

    async def click(
        self, user: FakeUser, text: str, *, chat_id: int | None = None
    ) -> list[TelegramMethod[Any]]:
        """Press the inline button labelled ``text`` on the newest bot message having it."""
        message = self.find_button_message(chat_id if chat_id is not None else user, text)
        data = next(
            data
            for row in self.buttons(message)
            for label, data in row
            if label == text and data is not None
        )
        return await self.feed(self.callback_update(user, message, data))

    async def click_data(
        self,
        user: FakeUser,
        message: Message | int,
        data: str,
        *,
        chat_id: int | None = None,
    ) -> list[TelegramMethod[Any]]:
        """Send a callback with arbitrary (possibly forged) data.

        ``message`` is a Message or the id of a bot message in the chat
        (``chat_id``, default the user's private chat).
        """
        if isinstance(message, int):
            target = chat_id if chat_id is not None else user.id
            found = self.session.message(target, message)
            if found is None:
                raise AssertionError(f"No bot message #{message} in chat {target}")
            message = found
        return await self.feed(self.callback_update(user, message, data))

    async def press_reply(self, user: FakeUser, text: str) -> list[TelegramMethod[Any]]:
        """Tap a button of the custom reply keyboard currently shown to ``user``."""
        keyboard = self.session.reply_keyboard(user.id)
        labels = [button.text for row in keyboard.keyboard for button in row] if keyboard else []
        if text not in labels:
            raise AssertionError(
                f"No reply keyboard button {text!r} for {user.full_name}; shown: {labels}"
            )
        return await self.send(user, text)

    # ---- reading what the bot did -----------------------------------------

    def messages(self, chat: ChatRef) -> list[Message]:
        return self.session.messages(_chat_id(chat))

    def last_message(self, chat: ChatRef) -> Message:
        message = self.session.last_message(_chat_id(chat))
        if message is None:
            raise AssertionError(f"The bot has not sent anything to chat {_chat_id(chat)}")
        return message

    # The vocabulary both levels share (see tests/support/people.py).
    last_message_to = last_message

    def last_text(self, chat: ChatRef) -> str:
        """Text (or caption) of the message most recently sent or edited in the chat."""
        message = self.last_message(chat)
        return message.text or message.caption or ""

    def texts(self, chat: ChatRef) -> list[str]:
        """Current texts/captions of the bot's messages in the chat, oldest first."""
        return [
            message.text or message.caption or ""
            for message in self.messages(chat)
            if message.text is not None or message.caption is not None
        ]

    def sent_to(self, chat: ChatRef) -> list[TelegramMethod[Any]]:
        """send* calls that produced a message in the chat (not sendChatAction etc.)."""
        chat_id = _chat_id(chat)
        return [
            request
            for request in self.session.requests
            if request.__api_method__.startswith("send")
            and request.__returning__ is Message
            and str(getattr(request, "chat_id", None)) == str(chat_id)
        ]

    @staticmethod
    def buttons(message: Message | None) -> Buttons:
        """Inline keyboard as rows of (text, callback_data); [] when there is none."""
        if message is None or not isinstance(message.reply_markup, InlineKeyboardMarkup):
            return []
        return [
            [(button.text, button.callback_data) for button in row]
            for row in message.reply_markup.inline_keyboard
        ]

    def find_button_message(self, chat: ChatRef, text: str) -> Message:
        """Newest live bot message in the chat with a pressable button ``text``."""
        chat_id = _chat_id(chat)
        messages = self.session.messages(chat_id)
        for message in reversed(messages):
            for row in self.buttons(message):
                for label, data in row:
                    if label == text and data is not None:
                        return message
        available = [
            f"#{message.message_id}: {self.buttons(message)}"
            for message in reversed(messages)
            if self.buttons(message)
        ]
        listing = "\n  ".join(available) if available else "(no inline keyboards)"
        raise AssertionError(
            f"No inline button {text!r} with callback data in chat {chat_id}. "
            f"Available buttons (newest message first):\n  {listing}"
        )

    def callback_answers(self, user: FakeUser) -> list[AnswerCallbackQuery]:
        return [
            request
            for request in self.session.requests
            if isinstance(request, AnswerCallbackQuery)
            and self._callback_owners.get(request.callback_query_id) == user.id
        ]

    def alerts(self, user: FakeUser) -> list[str]:
        """Texts of show_alert answers to ``user``'s button presses."""
        return [answer.text or "" for answer in self.callback_answers(user) if answer.show_alert]

    # ---- internals -----------------------------------------------------------

    def _take_update_id(self) -> int:
        update_id = self.next_update_id
        self.next_update_id += 1
        return update_id

    def _aware_now(self) -> datetime:
        moment = self._now()
        if moment.tzinfo is None:
            raise ValueError("BotClient's now() must return an aware datetime")
        return moment.astimezone(UTC)

    def _new_file(
        self,
        kind: str,
        content: bytes | None,
        file_name: str | None,
        mime_type: str,
        file_size: int,
    ) -> StoredFile:
        # Every file a user sends is Telegram's to serve; ``content`` makes it downloadable.
        return self.session.file_store.new(
            kind,
            content,
            file_name=file_name,
            mime_type=mime_type,
            file_size=len(content) if content is not None else file_size,
        )
