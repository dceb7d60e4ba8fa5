"""A fake aiogram session that records Bot API calls instead of sending them.

Dispatcher-level tests plug it into a real ``aiogram.Bot``; every call the
handlers make ends up in ``session.requests`` and gets a plausible result, so
shortcuts such as ``message.answer(...)`` and ``callback.message.edit_text(...)``
behave as in production.

Where it is cheap and unambiguous the session also rejects what Telegram itself
would reject (malformed HTML / MarkdownV2, over-long texts, callback data over
64 bytes, "message is not modified", ...), raising the same
``TelegramBadRequest`` production code would get.  Pass ``validate=False`` to
switch that off.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import aiogram.methods as aiogram_methods
from aiogram import Bot
from aiogram.client.default import Default, DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import (
    DeleteMessage,
    DeleteMessages,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendAnimation,
    SendAudio,
    SendDocument,
    SendMessage,
    SendPhoto,
    SendVideo,
    SendVoice,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    Chat,
    File,
    InlineKeyboardMarkup,
    InputFile,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    User,
)
from pydantic import BaseModel

from tests.support.telegram_model import (
    Chats,
    Failures,
    Files,
    JsonDict,
    TelegramRejects,
    check_inline_keyboard,
    media_object,
    visible_text,
)

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_USERNAME",
    "DEFAULT_TOKEN",
    "ExceptionFactory",
    "FailedRequest",
    "MethodSelector",
    "RecordingSession",
    "bad_request",
    "forbidden",
    "make_bot",
    "network_error",
    "retry_after",
    "server_error",
]

BOT_USERNAME = "wg_test_bot"
BOT_FIRST_NAME = "WG Test Bot"
DEFAULT_TOKEN = "4242424242:TEST-recording-session-token"

ExceptionFactory = Callable[[TelegramMethod[Any]], BaseException]
MethodSelector = type[TelegramMethod[Any]] | str
Responder = Callable[[TelegramMethod[Any]], Any]

_MEDIA_KINDS: dict[type[TelegramMethod[Any]], str] = {
    SendDocument: "document",
    SendPhoto: "photo",
    SendAudio: "audio",
    SendVoice: "voice",
    SendVideo: "video",
    SendAnimation: "animation",
}
_SEND_WITH_MEDIA = (SendDocument, SendPhoto, SendAudio, SendVoice, SendVideo, SendAnimation)
_MEDIA_DETAILS = ("duration", "width", "height", "title", "performer")
_SendMethod = (
    SendMessage | SendDocument | SendPhoto | SendAudio | SendVoice | SendVideo | SendAnimation
)


# --------------------------------------------------------------------------
# Builders for aiogram's real exception classes (usable as fail_next
# factories via functools.partial or a lambda).
# --------------------------------------------------------------------------


def retry_after(method: TelegramMethod[Any], seconds: int = 5) -> TelegramRetryAfter:
    return TelegramRetryAfter(
        method=method,
        message=f"Too Many Requests: retry after {seconds}",
        retry_after=seconds,
    )


def forbidden(
    method: TelegramMethod[Any],
    message: str = "Forbidden: bot was blocked by the user",
) -> TelegramForbiddenError:
    return TelegramForbiddenError(method=method, message=message)


def bad_request(
    method: TelegramMethod[Any],
    message: str = "Bad Request: chat not found",
) -> TelegramBadRequest:
    return TelegramBadRequest(method=method, message=message)


def server_error(
    method: TelegramMethod[Any],
    message: str = "Internal Server Error",
) -> TelegramServerError:
    return TelegramServerError(method=method, message=message)


def network_error(
    method: TelegramMethod[Any],
    message: str = "ClientConnectorError: Cannot connect to host api.telegram.org:443",
) -> TelegramNetworkError:
    return TelegramNetworkError(method=method, message=message)


def make_bot(
    *,
    token: str = DEFAULT_TOKEN,
    default: DefaultBotProperties | None = None,
    validate: bool = True,
) -> tuple[Bot, RecordingSession]:
    """A real Bot wired to a fresh RecordingSession."""
    session = RecordingSession(validate=validate)
    return Bot(token, session=session, default=default), session


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class FailedRequest:
    method: TelegramMethod[Any]
    exception: BaseException


def _known_method_names() -> set[str]:
    return {
        name.lower() for cls in _method_classes() for name in (cls.__name__, cls.__api_method__)
    }


def _selector_matches(selector: MethodSelector, method: TelegramMethod[Any]) -> bool:
    if isinstance(selector, str):
        wanted = selector.lower()
        return wanted in (type(method).__name__.lower(), method.__api_method__.lower())
    return isinstance(method, selector)


def _names_of(selector: MethodSelector) -> frozenset[str]:
    """The Bot API names (lower case) of the calls a selector names."""
    if isinstance(selector, str):
        wanted = selector.lower()
        for cls in _method_classes():
            if wanted in (cls.__name__.lower(), cls.__api_method__.lower()):
                return frozenset({cls.__api_method__.lower()})
        return frozenset({wanted})
    return frozenset(
        cls.__api_method__.lower() for cls in _method_classes() if issubclass(cls, selector)
    )


def _method_classes() -> list[type[TelegramMethod[Any]]]:
    return [
        obj
        for obj in vars(aiogram_methods).values()
        if isinstance(obj, type)
        and issubclass(obj, TelegramMethod)
        and obj is not TelegramMethod
        and isinstance(obj.__dict__.get("__api_method__"), str)
    ]


# --------------------------------------------------------------------------
# The session
# --------------------------------------------------------------------------


class RecordingSession(BaseSession):
    """BaseSession that records every method and fabricates plausible results.

    ``requests`` holds the successful calls in order; calls that raised (an
    injected failure, a validation error, an unsupported method) go to
    ``failed`` instead, together with the exception.
    """

    def __init__(
        self,
        *,
        validate: bool = True,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__()
        self.validate = validate
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        self.requests: list[TelegramMethod[Any]] = []
        self.failed: list[FailedRequest] = []
        # The files Telegram holds, kept as FakeTelegram keeps them; ``files`` adds bytes
        # that stream_content() serves at other URLs (full URL or path).
        self.file_store = Files(unseen_files_exist=True)
        self.files: dict[str, bytes] = {}
        self._failures: Failures[tuple[MethodSelector, ExceptionFactory]] = Failures()
        self._responders: list[tuple[MethodSelector, Responder]] = []
        # The chats and messages, kept by the same rules as FakeTelegram's.
        self.chats = Chats(short_group_ids_are_supergroups=True, unseen_messages_exist=True)
        self._reply_keyboards: dict[int, ReplyKeyboardMarkup | None] = {}
        self._known_methods = _known_method_names()

    # ---- BaseSession interface -------------------------------------------

    async def close(self) -> None:
        # Nothing is opened, and bots close their session on shutdown, so this
        # must stay harmless when called repeatedly.
        return None

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - signature fixed by BaseSession
    ) -> TelegramType:
        try:
            self._raise_injected_failure(method)
            try:
                result = self._respond(bot, method)
            except TelegramRejects as exc:
                # What the fake Telegram refuses reaches the bot as aiogram's own error.
                raise _bad_request(method, exc.description) from None
        except BaseException as exc:  # injected CancelledError etc. must be recorded too
            self.failed.append(FailedRequest(method=method, exception=exc))
            raise
        self.requests.append(method)
        return cast(TelegramType, result)

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - signature fixed by BaseSession
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        content = self._lookup_file(url)
        for start in range(0, len(content), chunk_size):
            yield content[start : start + chunk_size]

    # ---- fault injection ---------------------------------------------------

    def fail_next(
        self,
        method: MethodSelector,
        exc_factory: ExceptionFactory,
        count: int | None = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Make the next ``count`` matching calls raise ``exc_factory(method)``.

        ``method`` is a TelegramMethod subclass or a name ("sendMessage" or
        "SendMessage"); ``count=None`` keeps failing until clear_failures().
        Rules are consulted in the order they were added.
        """
        if not isinstance(method, str) and not (
            isinstance(method, type) and issubclass(method, TelegramMethod)
        ):
            raise TypeError(f"Expected a TelegramMethod subclass or name, got {method!r}")
        if isinstance(method, str) and method.lower() not in self._known_methods:
            # A typo here would make the rule silently never fire.
            raise ValueError(f"Unknown Bot API method name: {method!r}")
        # The rule sees the call's name only; which calls it names is decided here.
        names = _names_of(method)
        self._failures.add(names.__contains__, (method, exc_factory), count=count, chat_id=chat_id)

    def clear_failures(self) -> None:
        self._failures.clear()

    @property
    def pending_failures(self) -> int:
        """How many injected failures have not fired yet (-1 if any is endless)."""
        return self._failures.pending

    def respond_with(self, method: MethodSelector, responder: Responder) -> None:
        """Supply the result for a method the session cannot fake by itself.

        The responder receives the method object; its return value is handed to
        the caller as is (it should be of the method's ``__returning__`` type).
        Later registrations win over earlier ones.
        """
        self._responders.insert(0, (method, responder))

    # ---- state for assertions ----------------------------------------------

    def reset(self) -> None:
        """Forget recorded calls and message state; keep chats, files, responders."""
        self.requests.clear()
        self.failed.clear()
        self._failures.clear()
        self.chats.forget_messages()
        self._reply_keyboards.clear()

    def messages(self, chat_id: int | str, *, include_deleted: bool = False) -> list[Message]:
        """Latest state of the messages the bot sent to a chat, oldest first."""
        stored = self.chats.messages(self.resolve_chat_id(chat_id), include_deleted=include_deleted)
        return [Message.model_validate(message) for message in stored]

    def message(self, chat_id: int | str, message_id: int) -> Message | None:
        key = self.resolve_chat_id(chat_id)
        found = self.chats.message(key, message_id, include_deleted=True)
        return Message.model_validate(found) if found is not None else None

    def is_deleted(self, chat_id: int | str, message_id: int) -> bool:
        return self.chats.is_deleted(self.resolve_chat_id(chat_id), message_id)

    def last_message(self, chat_id: int | str) -> Message | None:
        """The bot message in the chat that was most recently sent or edited."""
        found = self.chats.last_touched(self.resolve_chat_id(chat_id))
        return Message.model_validate(found) if found is not None else None

    def reply_keyboard(self, chat_id: int | str) -> ReplyKeyboardMarkup | None:
        """The custom reply keyboard the bot currently shows in the chat."""
        return self._reply_keyboards.get(self.resolve_chat_id(chat_id))

    def requests_of(self, method: MethodSelector) -> list[TelegramMethod[Any]]:
        return [request for request in self.requests if _selector_matches(method, request)]

    # ---- chats, ids and files (shared with BotClient) ---------------------

    def register_chat(self, chat: Chat) -> None:
        self.chats.register(chat.model_dump(exclude_none=True))

    def resolve_chat_id(self, chat_id: int | str) -> int:
        return self.chats.resolve(chat_id)

    def chat(self, chat_id: int | str) -> Chat:
        return Chat.model_validate(self.chats.chat(self.resolve_chat_id(chat_id)))

    def next_message_id(self, chat_id: int | str) -> int:
        """Allocate a message id; user and bot messages share one sequence per chat."""
        return self.chats.next_message_id(self.resolve_chat_id(chat_id))

    def add_file(self, file_id: str, content: bytes, file_path: str | None = None) -> str:
        """Make ``bot.get_file(file_id)`` + ``bot.download...`` return ``content``."""
        return self.file_store.add(file_id, content, file_path=file_path).file_path

    def bot_user(self, bot: Bot) -> User:
        return User.model_validate(_bot_user(bot))

    # ---- internals -----------------------------------------------------------

    def _raise_injected_failure(self, method: TelegramMethod[Any]) -> None:
        found = self._failures.take(method.__api_method__.lower(), getattr(method, "chat_id", None))
        if found is not None:
            raise found[1](method)

    def _lookup_file(self, url: str) -> bytes:
        if (stored := self.file_store.at(url)) is not None and stored.content is not None:
            return stored.content
        if url in self.files:
            return self.files[url]
        for key, content in self.files.items():
            if url.endswith("/" + key.lstrip("/")):
                return content
        raise FileNotFoundError(
            f"RecordingSession has no content for {url!r}; registered: {sorted(self.files)}"
        )

    def _date(self) -> int:
        moment = self.now()
        if moment.tzinfo is None:
            raise ValueError("RecordingSession.now() must return an aware datetime")
        # Telegram dates are whole unix seconds.
        return int(moment.timestamp())

    def _respond(self, bot: Bot, method: TelegramMethod[Any]) -> Any:
        for selector, responder in self._responders:
            if _selector_matches(selector, method):
                return responder(method)
        if isinstance(method, GetMe):
            return self.bot_user(bot).as_(bot)
        if isinstance(method, SendMessage):
            return self._send(bot, method, text=method.text)
        if isinstance(method, _SEND_WITH_MEDIA):
            return self._send(bot, method, caption=method.caption)
        if isinstance(method, EditMessageText):
            return self._edit(bot, method, text=method.text)
        if isinstance(method, EditMessageCaption):
            return self._edit(bot, method, caption=method.caption)
        if isinstance(method, EditMessageReplyMarkup):
            return self._edit(bot, method)
        if isinstance(method, DeleteMessage):
            return self._delete(method.chat_id, [method.message_id])
        if isinstance(method, DeleteMessages):
            return self._delete(method.chat_id, method.message_ids)
        if isinstance(method, GetFile):
            return self._get_file(bot, method)
        if method.__returning__ is bool:
            return True
        raise NotImplementedError(
            f"RecordingSession cannot fake a result for {type(method).__name__} "
            f"({method.__api_method__}); use session.respond_with() in the test"
        )

    # ---- sending / editing -------------------------------------------------

    def _send(
        self,
        bot: Bot,
        method: _SendMethod,
        *,
        text: str | None = None,
        caption: str | None = None,
    ) -> Message:
        chat_id = self.resolve_chat_id(method.chat_id)
        markup = method.reply_markup
        self._check(bot, method, text=text, caption=caption, markup=markup)
        content: JsonDict = {"text": text} if text is not None else {}
        if caption is not None:
            content["caption"] = caption
        if isinstance(method, _SEND_WITH_MEDIA):
            content.update(self._media(method))
        if isinstance(markup, InlineKeyboardMarkup):
            content["reply_markup"] = _json(markup)
        elif isinstance(markup, ReplyKeyboardMarkup):
            self._reply_keyboards[chat_id] = markup
        elif isinstance(markup, ReplyKeyboardRemove):
            self._reply_keyboards[chat_id] = None
        message = self.chats.post(
            chat_id, content, sender=_bot_user(bot), date=self._date(), raw=text or caption or ""
        )
        return _bound(message, bot)

    def _edit(
        self,
        bot: Bot,
        method: EditMessageText | EditMessageCaption | EditMessageReplyMarkup,
        *,
        text: str | None = None,
        caption: str | None = None,
    ) -> Message | bool:
        self._check(bot, method, text=text, caption=caption, markup=method.reply_markup)
        if method.inline_message_id is not None:
            # Inline-mode messages are not stored anywhere the bot can see.
            return True
        if method.chat_id is None or method.message_id is None:
            raise _bad_request(method, "Bad Request: message identifier is not specified")
        changes: JsonDict = {}
        raw: str | None = None
        if isinstance(method, EditMessageText):
            changes["text"] = raw = text
        elif isinstance(method, EditMessageCaption):
            changes["caption"], raw = caption, caption or ""
        markup = method.reply_markup
        edited = self.chats.edit(
            self.resolve_chat_id(method.chat_id),
            method.message_id,
            changes,
            markup=_json(markup) if isinstance(markup, InlineKeyboardMarkup) else None,
            date=self._date(),
            raw=raw,
            sender=_bot_user(bot),
            strict=self.validate,
        )
        return _bound(edited, bot)

    def _delete(self, chat_id: int | str, message_ids: list[int]) -> bool:
        self.chats.delete(self.resolve_chat_id(chat_id), message_ids, strict=self.validate)
        return True

    def _media(self, method: _SendMethod) -> JsonDict:
        kind = _MEDIA_KINDS[type(method)]
        value = getattr(method, kind)
        upload: tuple[str | None, bytes | None] | None = None
        if isinstance(value, InputFile):
            data = getattr(value, "data", None)  # only BufferedInputFile knows its bytes
            upload = (value.filename, data if isinstance(data, bytes) else None)
        stored = self.file_store.sent(kind, value, upload)
        details = {key: getattr(method, key, None) for key in _MEDIA_DETAILS}
        return {kind: media_object(kind, stored, details)}

    def _get_file(self, bot: Bot, method: GetFile) -> File:
        found = self.file_store.get_file(method.file_id)
        return File.model_validate(found, context={"bot": bot})

    # ---- Telegram-side validation -----------------------------------------

    def _check(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        *,
        text: str | None,
        caption: str | None,
        markup: object,
    ) -> None:
        if not self.validate:
            return
        parse_mode = getattr(method, "parse_mode", None)
        if isinstance(parse_mode, Default):
            parse_mode = bot.default[parse_mode.name]
        for value, is_caption in ((text, False), (caption, True)):
            if value is None:
                continue
            entities = getattr(method, "caption_entities" if is_caption else "entities", None)
            visible_text(value, parse_mode, is_caption=is_caption, has_entities=bool(entities))
        if isinstance(markup, InlineKeyboardMarkup):
            check_inline_keyboard(_json(markup))

    def __repr__(self) -> str:
        return f"<RecordingSession requests={len(self.requests)} failed={len(self.failed)}>"


def _bound(message: JsonDict, bot: Bot) -> Message:
    # Validating with the bot in context binds every nested object too, the same way
    # aiogram's real response parsing does, so shortcuts on the returned message (and
    # its chat, reply_markup, ...) work.
    return Message.model_validate(message, context={"bot": bot})


def _bot_user(bot: Bot) -> JsonDict:
    return {"id": bot.id, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}


def _json(value: Any) -> Any:
    """An aiogram object (or a list of them) as Bot API JSON."""
    if isinstance(value, list):
        return [_json(item) for item in value]
    return value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value


def _bad_request(method: TelegramMethod[Any], message: str) -> TelegramBadRequest:
    return TelegramBadRequest(method=method, message=message)
