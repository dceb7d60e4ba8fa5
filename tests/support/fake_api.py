"""In-process fake of the Telegram Bot API for end-to-end tests.

The bot under test talks to it over real HTTP through
``AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))``, so the whole aiogram
stack (serialisation, multipart uploads, error mapping, polling) is exercised. Test code
plays users with the helper methods and reads back what the bot did.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

from aiohttp import web

from tests.support.telegram_model import (
    Chats,
    Failures,
    FakeUser,
    Files,
    StoredFile,
    TelegramRejects,
    check_inline_keyboard,
    media_object,
    text_content,
    visible_text,
)

__all__ = ["Call", "FakeTelegram", "FakeUser", "StoredFile"]

JsonDict = dict[str, Any]
FileMap = dict[str, tuple[str, bytes]]
Handler = Callable[[JsonDict, FileMap], Awaitable[Any]]
T = TypeVar("T")

# Free text and file ids: JSON-decoding them would turn a text such as "42" into a number.
# fmt: off
_STRING_PARAMS = frozenset({
    "text", "caption", "parse_mode", "callback_query_id", "inline_message_id", "file_id", "url",
    "language_code", "description", "short_description", "title", "performer", "document",
    "photo", "audio", "voice", "video",
})
# fmt: on
_SENDERS = frozenset({"sendmessage", "senddocument", "sendphoto", "sendaudio", "sendvoice"})
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_OLD_QUERY = "Bad Request: query is too old and response timeout expired or query ID is invalid"


@dataclass
class Call:
    """One Bot API request; ``at`` is ``time.monotonic()`` at arrival, to measure gaps."""

    method: str
    params: JsonDict
    files: FileMap
    at: float
    status: int = 200
    result: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | str | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int | str) else None

    @property
    def text(self) -> str | None:
        """Text or caption exactly as the bot sent it (HTML markup included)."""
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else None

    def describe(self) -> str:
        suffix = "" if self.ok else f" -> {self.status} {self.error}"
        return f"{self.method}(chat_id={self.chat_id!r}, text={self.text!r}){suffix}"


MessageRef = JsonDict | Call | tuple[int, int]


def _copy(data: T) -> T:
    # Handing out deep copies keeps tests and responses from aliasing the live store.
    result: T = json.loads(json.dumps(data))
    return result


def _decode_param(key: str, value: Any) -> Any:
    # aiogram JSON-encodes every non-string value (ints, bools, reply_markup, ...) when it
    # builds form data, so form values are decoded back to their JSON types here.
    if not isinstance(value, str) or key in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _visible(text: str, parse_mode: Any, *, is_caption: bool = False) -> str:
    return visible_text(text, parse_mode, is_caption=is_caption)


def _inline_markup(params: JsonDict) -> JsonDict | None:
    # Telegram echoes only inline keyboards; a reply keyboard is not part of a Message.
    return check_inline_keyboard(params.get("reply_markup"))


class FakeTelegram:
    """Fake Bot API server; see the module docstring."""

    def __init__(
        self,
        token: str,
        *,
        bot_id: int | None = None,
        username: str = "wg_test_bot",
        first_name: str = "WG Test Bot",
        max_poll_wait: float = 1.0,
    ) -> None:
        prefix = token.split(":", 1)[0]
        self.token = token
        self.bot_id = bot_id if bot_id is not None else int(prefix) if prefix.isdigit() else 1
        self.username, self.first_name = username, first_name
        # Long polls are capped so a bot asking for timeout=30 cannot stall a test or shutdown.
        self.max_poll_wait = max_poll_wait
        self.calls: list[Call] = []
        self.confirmed_offset = 0
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._closing = False
        self._changed = asyncio.Event()
        self._updates: list[JsonDict] = []
        self._update_ids = itertools.count(1)
        self._serials = itertools.count(1)
        self._open_callbacks: set[str] = set()
        # The chats and messages, kept by the same rules as RecordingSession's.
        self.chats = Chats()
        self.file_store = Files()
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}
        # A private chat's menu button (setChatMenuButton); absent: Telegram's default.
        self._menu_buttons: dict[int, JsonDict] = {}
        self._faults: Failures[TelegramRejects] = Failures()
        self._delays: dict[str, float] = {}
        self._cursors: dict[int | str, int] = {}
        self._inflight = 0
        self._last_activity = 0.0
        self._handlers: dict[str, Handler] = {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "deletewebhook": self._true,
            "sendchataction": self._true,
            "setmycommands": self._set_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getmycommands": self._get_my_commands,
            "setchatmenubutton": self._set_chat_menu_button,
            "sendmessage": self._send_message,
            "senddocument": self._media_sender("document"),
            "sendphoto": self._media_sender("photo"),
            "sendaudio": self._media_sender("audio"),
            "sendvoice": self._media_sender("voice"),
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "deletemessage": self._delete_message,
            "getchat": self._get_chat,
            "getfile": self._get_file,
        }

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        # Uploads up to Telegram's 50 MB limit must fit in one request body.
        self._closing = False
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        self._closing = True
        self._notify()  # release pending long polls so the runner need not wait for them
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    # ------------------------------------------------------------ fault injection

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        chat_id: int | str | None = None,
    ) -> None:
        """Answer the next ``count`` calls of ``method`` (to ``chat_id`` only, if given)
        with an error; the description defaults to Telegram's text for the code."""
        error = TelegramRejects.of(error_code, description, retry_after)
        self._faults.add(method.lower().__eq__, error, count=count, chat_id=chat_id)

    def delay(self, method: str, seconds: float) -> None:
        """Answer ``method`` only after ``seconds``; 0 removes the delay."""
        self._delays[method.lower()] = seconds

    # -------------------------------------------------------------- HTTP plumbing

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(TelegramRejects(401, "Unauthorized").payload(), status=401)
        method = request.match_info["method"]
        key = method.lower()  # Telegram method names are case-insensitive
        polling = key == "getupdates"  # polls are background noise, not activity
        call = Call(method=method, params={}, files={}, at=time.monotonic())
        if not polling:
            self._inflight += 1
            self._last_activity = call.at
        try:
            call.params, call.files = await self._read_params(request)
            if seconds := self._delays.get(key):
                await asyncio.sleep(seconds)
            self._take_fault(key, call.params)
            if (handler := self._handlers.get(key)) is None:
                raise TelegramRejects(404, "Not Found: method not found")
            call.result = await handler(call.params, call.files)
            body: JsonDict = {"ok": True, "result": call.result}
        except TelegramRejects as exc:
            call.status, call.error, body = exc.error_code, exc.description, exc.payload()
        except Exception as exc:
            # A crash in the fake (say, on malformed params) is answered and recorded like a
            # Telegram 500 so a failing test's call listing shows where it happened.
            error = TelegramRejects(500, f"Internal Server Error: {type(exc).__name__}: {exc}")
            call.status, call.error, body = error.error_code, error.description, error.payload()
        finally:
            if not polling:
                self._inflight -= 1
                self._last_activity = time.monotonic()
        # Recorded only once handled, so whoever sees the call also sees its effects on the
        # stored messages; ``at`` still tells when it arrived.
        self.calls.append(call)
        self._notify()
        return web.json_response(body, status=call.status)

    async def _read_params(self, request: web.Request) -> tuple[JsonDict, FileMap]:
        raw: JsonDict = dict(request.query)
        parts: FileMap = {}
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except ValueError as exc:
                raise TelegramRejects(400, "Bad Request: can't parse JSON") from exc
            if not isinstance(body, dict):
                raise TelegramRejects(400, "Bad Request: JSON object expected")
            raw.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    parts[name] = (value.filename, value.file.read())
                else:
                    raw[name] = value if isinstance(value, str) else value.decode()
        params = {key: _decode_param(key, value) for key, value in raw.items()}
        # aiogram uploads a file under a random part name and sets the real parameter to
        # "attach://<part>"; files are keyed by the real parameter so tests can find them.
        files: FileMap = {}
        for name, upload in parts.items():
            owner = next((k for k, v in params.items() if v == f"attach://{name}"), name)
            files[owner] = upload
        return params, files

    def _take_fault(self, method: str, params: JsonDict) -> None:
        if (error := self._faults.take(method, params.get("chat_id"))) is not None:
            raise error

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(TelegramRejects(401, "Unauthorized").payload(), status=401)
        path = request.match_info["path"]
        stored = self.file_store.at(path)
        if stored is None or stored.content is None:
            return web.json_response(TelegramRejects(404, "Not Found").payload(), status=404)
        return web.Response(body=stored.content, content_type="application/octet-stream")

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, check: Callable[[], T | None], seconds: float) -> T | None:
        deadline = time.monotonic() + seconds
        while True:
            event = self._changed  # taken before checking, so no notification is lost
            if (found := check()) is not None:
                return found
            if (remaining := deadline - time.monotonic()) <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    # ------------------------------------------------------------ chats, messages

    def _chat_id(self, params: JsonDict) -> int:
        return self.chats.resolve(params.get("chat_id"))

    def _post(self, params: JsonDict, content: JsonDict, raw: str) -> JsonDict:
        if (markup := _inline_markup(params)) is not None:
            content["reply_markup"] = markup
        message = self.chats.post(
            self._chat_id(params), content, sender=self.bot_user, date=int(time.time()), raw=raw
        )
        return _copy(message)

    def _edit(self, params: JsonDict, changes: JsonDict, raw: str | None = None) -> JsonDict:
        message = self.chats.edit(
            self._chat_id(params),
            int(params.get("message_id") or 0),
            changes,
            markup=_inline_markup(params),
            date=int(time.time()),
            raw=raw,
        )
        return _copy(message)

    # -------------------------------------------------------------------- methods

    async def _true(self, params: JsonDict, files: FileMap) -> bool:
        return True

    async def _get_me(self, params: JsonDict, files: FileMap) -> JsonDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, params: JsonDict, files: FileMap) -> list[JsonDict]:
        offset = params.get("offset")
        limit = max(1, min(int(params.get("limit") or 100), 100))
        if isinstance(offset, int) and offset < 0:
            self._updates = self._updates[offset:]  # Telegram: only the last -offset updates
        elif isinstance(offset, int):
            kept = [u for u in self._updates if u["update_id"] >= offset]
            if len(kept) < len(self._updates):
                # Confirmation happens as the bot starts handling; wait_idle's quiet period
                # has to count from here so the handler gets time to make its first call.
                self._last_activity = time.monotonic()
            self._updates = kept
            self.confirmed_offset = max(self.confirmed_offset, offset)
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)

        def ready() -> list[JsonDict] | None:
            return [] if self._closing else _copy(self._updates[:limit]) or None

        return await self._wait_until(ready, wait) or []

    def _command_key(self, params: JsonDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _set_my_commands(self, params: JsonDict, files: FileMap) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise TelegramRejects(400, "Bad Request: commands must be an array")
        for command in commands:
            if not _COMMAND_RE.fullmatch(str(command.get("command", ""))):
                raise TelegramRejects(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise TelegramRejects(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self._commands[self._command_key(params)] = commands
        return True

    async def _delete_my_commands(self, params: JsonDict, files: FileMap) -> bool:
        self._commands.pop(self._command_key(params), None)
        return True

    async def _get_my_commands(self, params: JsonDict, files: FileMap) -> list[JsonDict]:
        return self._commands.get(self._command_key(params), [])

    async def _set_chat_menu_button(self, params: JsonDict, files: FileMap) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise TelegramRejects(400, "Bad Request: can't parse menu button")
        if button["type"] == "web_app":
            url = str((button.get("web_app") or {}).get("url") or "")
            if not 1 <= len(str(button.get("text") or "")) <= 64 or not url.startswith("http"):
                raise TelegramRejects(400, "Bad Request: BUTTON_INVALID")
        chat_id = params.get("chat_id")
        if chat_id is None:
            self._menu_buttons[0] = button
        else:
            self._menu_buttons[int(chat_id)] = button
        return True

    def chat_menu_button(self, chat_id: int) -> JsonDict:
        """The menu button a private chat shows now: {"type": "default"} unless set."""
        return self._menu_buttons.get(chat_id, {"type": "default"})

    def chat_menu(self, chat_id: int) -> list[str]:
        """The commands a private chat's menu shows now (its own scope, if set)."""
        scope = {"type": "chat", "chat_id": chat_id}
        return [
            str(c["command"]) for c in self._commands.get(self._command_key({"scope": scope}), [])
        ]

    def set_chat_menu(self, chat_id: int, commands: list[str]) -> None:
        """What an earlier release of the bot left in a chat's menu."""
        scope = {"type": "chat", "chat_id": chat_id}
        self._commands[self._command_key({"scope": scope})] = [
            {"command": c, "description": c} for c in commands
        ]

    async def _send_message(self, params: JsonDict, files: FileMap) -> JsonDict:
        raw = str(params.get("text") or "")
        text = _visible(raw, params.get("parse_mode"))
        return self._post(params, {"text": text}, raw)

    def _media_sender(self, kind: str) -> Handler:
        async def handler(params: JsonDict, files: FileMap) -> JsonDict:
            self._chat_id(params)  # a bad chat is reported before anything about the file
            stored = self.file_store.sent(kind, params.get(kind), files.get(kind))
            content: JsonDict = {kind: media_object(kind, stored, params)}
            if raw := str(params.get("caption") or ""):
                content["caption"] = _visible(raw, params.get("parse_mode"), is_caption=True)
            return self._post(params, content, raw)

        return handler

    async def _edit_message_text(self, params: JsonDict, files: FileMap) -> JsonDict | bool:
        raw = str(params.get("text") or "")
        text = _visible(raw, params.get("parse_mode"))
        if params.get("inline_message_id"):
            _inline_markup(params)
            return True  # inline messages are not stored; Telegram answers plain true too
        return self._edit(params, {"text": text}, raw)

    async def _edit_message_reply_markup(self, params: JsonDict, files: FileMap) -> Any:
        if params.get("inline_message_id"):
            _inline_markup(params)
            return True
        return self._edit(params, {})

    async def _answer_callback_query(self, params: JsonDict, files: FileMap) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        if query_id not in self._open_callbacks:
            raise TelegramRejects(400, _OLD_QUERY)
        self._open_callbacks.discard(query_id)
        return True

    async def _delete_message(self, params: JsonDict, files: FileMap) -> bool:
        self.chats.delete(self._chat_id(params), [int(params.get("message_id") or 0)])
        return True

    async def _get_chat(self, params: JsonDict, files: FileMap) -> JsonDict:
        # ChatFullInfo requires these fields; their values do not matter to the bot.
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            False,
        )
        return {
            **self.chats.chat(self._chat_id(params)),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }

    async def _get_file(self, params: JsonDict, files: FileMap) -> JsonDict:
        return self.file_store.get_file(params.get("file_id"))

    # ------------------------------------------------------- test side: playing users

    def add_file(
        self,
        file_id: str,
        content: bytes | None,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_size: int | None = None,
    ) -> StoredFile:
        """Make ``file_id`` known to getFile and, when content is given, downloadable."""
        return self.file_store.add(
            file_id, content, file_name=file_name, mime_type=mime_type, file_size=file_size
        )

    def user(
        self,
        id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "ru",
    ) -> FakeUser:
        user = FakeUser(id, first_name, last_name, username, language_code)
        self.chats.register(user.private_chat())
        return user

    def _queue(self, payload: JsonDict) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **payload})
        self._last_activity = time.monotonic()
        self._notify()
        return update_id

    def _user_message(self, user: FakeUser, chat: JsonDict | None, content: JsonDict) -> int:
        if chat is None:
            chat = user.private_chat()
            self.chats.register(chat, replace=False)
        else:
            self.chats.register(chat)
        message = {
            "message_id": self.chats.next_message_id(int(chat["id"])),
            "from": user.as_dict(),
            "chat": chat,
            "date": int(time.time()),
            **content,
        }
        return self._queue({"message": message})

    async def send_text(self, user: FakeUser, text: str, chat: JsonDict | None = None) -> int:
        """Queue a text message from ``user`` (private chat unless a group chat is given)."""
        return self._user_message(user, chat, text_content(text))

    async def send_document(
        self,
        user: FakeUser,
        file_id: str,
        file_name: str,
        mime_type: str,
        file_size: int,
        content: bytes | None = None,
        *,
        caption: str | None = None,
        chat: JsonDict | None = None,
    ) -> int:
        stored = self.add_file(
            file_id, content, file_name=file_name, mime_type=mime_type, file_size=file_size
        )
        extra = {"caption": caption} if caption else {}
        document = media_object("document", stored, {})
        return self._user_message(user, chat, {"document": document, **extra})

    async def send_audio(
        self,
        user: FakeUser,
        file_id: str,
        file_name: str,
        mime_type: str,
        file_size: int,
        content: bytes | None = None,
        *,
        duration: int = 60,
        chat: JsonDict | None = None,
    ) -> int:
        stored = self.add_file(
            file_id, content, file_name=file_name, mime_type=mime_type, file_size=file_size
        )
        audio = media_object("audio", stored, {"duration": duration})
        return self._user_message(user, chat, {"audio": audio})

    async def send_voice(
        self,
        user: FakeUser,
        file_id: str,
        file_size: int,
        content: bytes | None = None,
        *,
        duration: int = 5,
        mime_type: str = "audio/ogg",
        chat: JsonDict | None = None,
    ) -> int:
        stored = self.add_file(file_id, content, mime_type=mime_type, file_size=file_size)
        voice = media_object("voice", stored, {"duration": duration})
        return self._user_message(user, chat, {"voice": voice})

    def _resolve(self, message: MessageRef) -> JsonDict:
        data = message.result if isinstance(message, Call) else message
        if isinstance(data, dict):
            chat_id, message_id = int(data["chat"]["id"]), int(data["message_id"])
        else:
            chat_id, message_id = data
        if (stored := self.chats.message(chat_id, message_id)) is None:
            raise AssertionError(f"the bot has no message {message_id} in chat {chat_id}")
        return stored

    async def click(self, user: FakeUser, message: MessageRef, data: str) -> int:
        """Queue a callback query from ``user`` on a bot message, as it looks right now."""
        stored = self._resolve(message)
        query_id = str(4_000_000_000 + next(self._serials))
        self._open_callbacks.add(query_id)
        query = {
            "id": query_id,
            "from": user.as_dict(),
            "message": _copy(stored),
            "chat_instance": str(stored["chat"]["id"]),
            "data": data,
        }
        return self._queue({"callback_query": query})

    async def click_button(self, user: FakeUser, message: MessageRef, text: str) -> int:
        """Click the inline button with this visible text in the message's current keyboard."""
        stored = self._resolve(message)
        rows = stored.get("reply_markup", {}).get("inline_keyboard", [])
        buttons = list(itertools.chain.from_iterable(rows))
        for button in buttons:
            if button.get("text") == text and "callback_data" in button:
                return await self.click(user, stored, str(button["callback_data"]))
        available = [f"{b.get('text')!r} -> {b.get('callback_data')!r}" for b in buttons]
        raise AssertionError(
            f"no callback button {text!r} in message {stored['message_id']} "
            f"({stored.get('text')!r}); buttons: {available or 'none'}"
        )

    # ---------------------------------------------------- test side: reading results

    def messages(self, chat_id: int) -> list[JsonDict]:
        """Bot messages still present in the chat, oldest first, in their latest state."""
        return _copy(self.chats.messages(chat_id))

    def last_message(self, chat_id: int) -> JsonDict:
        if not (messages := self.messages(chat_id)):
            raise AssertionError(f"the bot has no messages in chat {chat_id}")
        return messages[-1]

    def last_message_to(self, chat: FakeUser | int) -> JsonDict:
        """The bot's newest message in the chat (a user stands for their private chat)."""
        return self.last_message(chat.id if isinstance(chat, FakeUser) else chat)

    def mark(self) -> int:
        """A point in the conversation: waits ``since`` it see only what came after."""
        return len(self.calls)

    def calls_since(self, mark: int) -> list[Call]:
        return self.calls[mark:]

    async def message_to(
        self,
        chat: FakeUser | int,
        contains: str,
        *,
        since: int,
        timeout: float = 10,  # noqa: ASYNC109
    ) -> Call:
        """The first message sent or edited in the chat since the mark that shows
        ``contains`` (in the text or caption as sent)."""
        chat_id = chat.id if isinstance(chat, FakeUser) else chat

        def match(call: Call) -> bool:
            return (
                call.chat_id == chat_id
                and call.ok
                and call.method in ("sendMessage", "sendDocument", "editMessageText")
                and contains in (call.text or "")
            )

        return await self.wait_for(match, timeout=timeout, since=since)

    async def answer_since(self, since: int, contains: str = "") -> Call:
        """The first callback answer since the mark whose text has ``contains``."""

        def match(call: Call) -> bool:
            return call.method == "answerCallbackQuery" and contains in str(call.params.get("text"))

        return await self.wait_for(match, timeout=10, since=since)

    # The waits take a plain ``timeout`` instead of relying on asyncio.timeout because a
    # miss must fail as an AssertionError that shows what did happen.

    async def wait_for(
        self,
        predicate: Callable[[Call], bool],
        timeout: float = 5.0,  # noqa: ASYNC109
        *,
        since: int = 0,
    ) -> Call:
        """First recorded call since the mark (earlier or future) that satisfies
        ``predicate``."""
        found = await self._wait_until(
            lambda: next((call for call in self.calls[since:] if predicate(call)), None),
            timeout,
        )
        if found is None:
            recent = "\n  ".join(call.describe() for call in self.calls[-20:]) or "none"
            raise AssertionError(f"no matching call within {timeout}s; last calls:\n  {recent}")
        return found

    async def wait_message(
        self,
        chat_id: int | str,
        contains: str | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> Call:
        """Next successful send* call to the chat after the one the previous wait returned.

        ``contains`` is looked up both in the raw text/caption and in the visible text.
        """

        def matches(call: Call) -> bool:
            if call.method.lower() not in _SENDERS or not call.ok or call.chat_id != chat_id:
                return False
            shown = call.result.get("text", call.result.get("caption", ""))
            return contains is None or contains in (call.text or "") or contains in shown

        def check() -> int | None:
            indexes = range(self._cursors.get(chat_id, 0), len(self.calls))
            return next((i for i in indexes if matches(self.calls[i])), None)

        if (index := await self._wait_until(check, timeout)) is None:
            cursor = self._cursors.get(chat_id, 0)
            got = [
                f"{'*' if i >= cursor else ' '} {call.describe()}"
                for i, call in enumerate(self.calls)
                if call.chat_id == chat_id and call.method.lower() in _SENDERS
            ]
            raise AssertionError(
                f"chat {chat_id} got no message containing {contains!r} within {timeout}s; "
                "its messages (* = not read yet):\n  " + ("\n  ".join(got) or "none")
            )
        self._cursors[chat_id] = index + 1
        return self.calls[index]

    async def wait_idle(self, timeout: float = 5.0, quiet: float = 0.2) -> None:  # noqa: ASYNC109
        """Wait until every update is confirmed and no call came for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            event = self._changed
            now = time.monotonic()
            idle_for = now - self._last_activity
            if not self._updates and not self._inflight and idle_for >= quiet:
                return
            if now >= deadline:
                raise AssertionError(
                    f"not idle after {timeout}s: {len(self._updates)} unconfirmed updates, "
                    f"{self._inflight} calls in flight, last activity {idle_for:.2f}s ago"
                )
            step = min(deadline - now, max(quiet - idle_for, 0.01))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), step)
