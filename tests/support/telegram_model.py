"""What Telegram's side is, shared by both fakes of it.

``RecordingSession`` (dispatcher tests: a recording aiogram session) and ``FakeTelegram``
(e2e tests: a Bot API server over HTTP) answer the bot the way Telegram would; the people,
the rules Telegram enforces on what the bot sends (HTML, lengths, buttons), the chats with
their messages (sent, edited, deleted), the files, and the bookkeeping of injected failures
live here once, so both levels keep and reject the same things with the same words.
"""

from __future__ import annotations

import html
import itertools
import math
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from aiogram.types import Chat, User

JsonDict = dict[str, Any]
P = TypeVar("P")

# Telegram's documented limits, counted after entity parsing.
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: chat not found",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
}


class TelegramRejects(Exception):
    """Telegram's answer ``ok: false``: what both fakes raise where Telegram would refuse."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.error_code, self.description, self.retry_after = error_code, description, retry_after

    @classmethod
    def of(
        cls, error_code: int, description: str | None = None, retry_after: int | None = None
    ) -> TelegramRejects:
        """An error with Telegram's usual description for its code."""
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            template = DEFAULT_DESCRIPTIONS.get(error_code, f"Error {error_code}")
            description = template.format(retry_after=retry_after)
        return cls(error_code, description, retry_after)

    def payload(self) -> JsonDict:
        body: JsonDict = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> TelegramRejects:
    return TelegramRejects(400, f"Bad Request: {description}")


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user taking part in a test conversation (at either level)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None
    is_premium: bool | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}" if self.last_name else self.first_name

    def as_dict(self) -> JsonDict:
        """The Bot API ``User`` object."""
        data: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code", "is_premium"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        return data

    def private_chat(self) -> JsonDict:
        """The Bot API ``Chat`` of the user's private chat with the bot."""
        chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if (value := getattr(self, key)) is not None:
                chat[key] = value
        return chat

    def as_user(self) -> User:
        return User.model_validate(self.as_dict())

    def as_chat(self) -> Chat:
        return Chat.model_validate(self.private_chat())


def text_content(text: str) -> JsonDict:
    """What a user's text message carries: Telegram marks a leading command word."""
    content: JsonDict = {"text": text}
    if text.startswith("/"):
        # Offsets and lengths count UTF-16 code units.
        length = len(text.split(maxsplit=1)[0].encode("utf-16-le")) // 2
        content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return content


# ---------------------------------------------------------- what the bot may send

# Tags accepted by Bot API "HTML" parse mode.
_HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "tg-emoji", "tg-time", "code", "pre", "blockquote",
    }
)  # fmt: skip
_HTML_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s[^<>]*)?)>")
_HTML_ENTITY_RE = re.compile(r"&(#[0-9]+|#x[0-9A-Fa-f]+|lt|gt|amp|quot);")
# Characters that are never markup in MarkdownV2 and so must always be escaped outside
# code and link URLs.
_MDV2_ALWAYS_ESCAPED = frozenset(".-+=#{}")


def _entities_error(detail: str) -> TelegramRejects:
    return bad_request(f"can't parse entities: {detail}")


def html_visible_text(text: str) -> str:
    """The text Telegram would display for HTML ``text``, or its refusal.

    Only what Telegram certainly rejects is flagged: a "<" that does not open a supported
    tag, and unbalanced or crossed tags.
    """
    visible: list[str] = []
    stack: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "&" and (entity := _HTML_ENTITY_RE.match(text, index)):
            visible.append(html.unescape(entity.group(0)))
            index = entity.end()
            continue
        if char != "<":
            visible.append(char)
            index += 1
            continue
        tag = _HTML_TAG_RE.match(text, index)
        offset = len(text[:index].encode())
        if tag is None:
            raise _entities_error(f"Unexpected end of name token at byte offset {offset}")
        closing, name = tag.group(1) == "/", tag.group(2).lower()
        if not closing:
            if name not in _HTML_TAGS:
                raise _entities_error(f'Unsupported start tag "{name}" at byte offset {offset}')
            stack.append(name)
        elif not stack:
            raise _entities_error(f'Unexpected end tag "{name}" at byte offset {offset}')
        elif (expected := stack.pop()) != name:
            raise _entities_error(
                f'Unmatched end tag at byte offset {offset}, expected "</{expected}>", '
                f'found "</{name}>"'
            )
        index = tag.end()
    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(visible)


def check_markdown_v2(text: str) -> None:
    index, length = 0, len(text)
    in_pre = in_code = in_url = False
    while index < length:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if in_pre:
            if text.startswith("```", index):
                in_pre = False
                index += 3
            else:
                index += 1
            continue
        if in_code:
            in_code = char != "`"
            index += 1
            continue
        if in_url:
            in_url = char != ")"
            index += 1
            continue
        if text.startswith("```", index):
            in_pre = True
            index += 3
            continue
        if char == "`":
            in_code = True
        elif text.startswith("](", index):
            in_url = True
            index += 2
            continue
        elif (
            char in _MDV2_ALWAYS_ESCAPED
            or char in "()"
            or (char == "!" and not text.startswith("![", index))
            or (char == ">" and not _at_line_start(text, index))
        ):
            raise _entities_error(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        index += 1


def _at_line_start(text: str, index: int) -> bool:
    line_start = text.rfind("\n", 0, index) + 1
    # "**>" opens an expandable block quotation.
    return text[line_start:index] in ("", "**")


def visible_text(
    text: str, parse_mode: object, *, is_caption: bool = False, has_entities: bool = False
) -> str:
    """Check a text or caption the bot sends as Telegram does; return what people see.

    Explicit entities switch parsing off; MarkdownV2 is checked but its length is taken
    from the raw text (not worth reimplementing).
    """
    mode = str(parse_mode).lower() if parse_mode and not has_entities else None
    visible = text
    if mode == "html":
        visible = html_visible_text(text)
    elif mode == "markdownv2":
        check_markdown_v2(text)
    if not is_caption and not visible.strip():
        raise bad_request("message text is empty")
    if is_caption and len(visible) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    if not is_caption and len(visible) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return visible


def check_inline_keyboard(markup: object) -> JsonDict | None:
    """The inline keyboard of a ``reply_markup`` (as JSON), checked; None for any other."""
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    for row in markup["inline_keyboard"]:
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise bad_request("BUTTON_DATA_INVALID")
            # Cosmetic fields do not make a button pressable.
            cosmetic = {"text", "style", "icon_custom_emoji_id"}
            if not any(value is not None for key, value in button.items() if key not in cosmetic):
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
    return markup


# ------------------------------------------------------------------ failure injection


@dataclass
class _Rule(Generic[P]):
    matches: Callable[[str], bool]
    chat_id: int | str | None
    remaining: int | None  # None: until cleared
    failure: P


class Failures(Generic[P]):
    """Failures injected into the next calls of a method, to one chat or any, consulted in
    the order they were added; what a failure is (an HTTP error, an exception to raise)
    is the transport's business."""

    def __init__(self) -> None:
        self._rules: list[_Rule[P]] = []

    def add(
        self,
        matches: Callable[[str], bool],
        failure: P,
        *,
        count: int | None = 1,
        chat_id: int | str | None = None,
    ) -> None:
        if count is not None and count < 1:
            raise ValueError("count must be >= 1 (or None for 'always')")
        self._rules.append(_Rule(matches, chat_id, count, failure))

    def take(self, method: str, chat_id: object) -> P | None:
        """The failure the call ``method`` to ``chat_id`` meets now, used up once."""
        for rule in self._rules:
            if not rule.matches(method):
                continue
            # Handlers pass ints while tests often write "123" (or vice versa).
            if rule.chat_id is not None and str(rule.chat_id) != str(chat_id):
                continue
            if rule.remaining is not None:
                rule.remaining -= 1
                if rule.remaining == 0:
                    self._rules.remove(rule)
            return rule.failure
        return None

    def clear(self) -> None:
        self._rules.clear()

    @property
    def pending(self) -> int:
        """How many have not fired yet (-1 if any is endless)."""
        if any(rule.remaining is None for rule in self._rules):
            return -1
        return sum(rule.remaining or 0 for rule in self._rules)


# ------------------------------------------------------------------ chats and messages

NOT_FOUND_TO_EDIT = "message to edit not found"
NOT_FOUND_TO_DELETE = "message to delete not found"
# Supergroup and channel ids look like -100xxxxxxxxxx; short ones are basic groups.
_SUPERGROUP_IDS_BELOW = -1_000_000_000_000


@dataclass
class _Posted:
    message: JsonDict
    # The text or caption as the bot sent it (markup included): what "not modified" compares.
    raw: str


class Chats:
    """Telegram's record of the chats the bot is in, kept once for both fakes.

    Messages are Bot API JSON dicts (Telegram's wire format is what both fakes have in
    common); the store hands out its own dicts, so a fake copies one before it lets it go.
    Users' and the bot's messages share one id sequence per chat, as in private chats; only
    the bot's are kept, and an id handed out but not kept is a user's message.

    ``unseen_messages_exist``: a message the store never saw is taken to be the bot's (a
    dispatcher test's session is born with its bot, so a bot restarted in a test meets a
    fresh one, and a test may press a button on a message it built by hand).
    ``strict=False`` on a call accepts what Telegram would refuse (validation switched off).
    """

    def __init__(
        self, *, short_group_ids_are_supergroups: bool = False, unseen_messages_exist: bool = False
    ) -> None:
        # Dispatcher tests have always named supergroups with short ids (-100500).
        self._short_supergroups = short_group_ids_are_supergroups
        self._unseen_exist = unseen_messages_exist
        self._chats: dict[int, JsonDict] = {}
        self._posted: dict[int, dict[int, _Posted]] = {}
        self._deleted: dict[int, set[int]] = {}
        self._last_id: dict[int, int] = {}
        self._last_touched: dict[int, int] = {}

    # ---- chats

    def register(self, chat: JsonDict, *, replace: bool = True) -> None:
        if replace or int(chat["id"]) not in self._chats:
            self._chats[int(chat["id"])] = dict(chat)

    def chat(self, chat_id: int) -> JsonDict:
        """The Bot API ``Chat``: as registered, else what Telegram's ids make of it."""
        if chat_id in self._chats:
            return dict(self._chats[chat_id])
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
        super_ = self._short_supergroups or chat_id <= _SUPERGROUP_IDS_BELOW
        return {
            "id": chat_id,
            "type": "supergroup" if super_ else "group",
            "title": f"Test group {chat_id}",
        }

    def resolve(self, value: object) -> int:
        """The chat a ``chat_id`` parameter names (an id or "@username")."""
        if value is None or value == "":
            raise bad_request("chat_id is empty")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value)
        if text.lstrip("-").isdigit():
            return int(text)
        wanted = text.removeprefix("@").lower()
        for chat_id, chat in self._chats.items():
            if str(chat.get("username", "")).lower() == wanted:
                return chat_id
        raise bad_request("chat not found")

    # ---- message ids

    def next_message_id(self, chat_id: int) -> int:
        self._last_id[chat_id] = self._last_id.get(chat_id, 0) + 1
        return self._last_id[chat_id]

    # ---- what the bot does

    def post(
        self, chat_id: int, content: JsonDict, *, sender: JsonDict, date: int, raw: str = ""
    ) -> JsonDict:
        """A new bot message in the chat, with ``content`` (text or media, caption,
        ``reply_markup``)."""
        message: JsonDict = {
            "message_id": self.next_message_id(chat_id),
            "from": sender,
            "chat": self.chat(chat_id),
            "date": date,
            **content,
        }
        self._keep(chat_id, _Posted(message, raw))
        return message

    def edit(
        self,
        chat_id: int,
        message_id: int,
        changes: JsonDict,
        *,
        markup: JsonDict | None,
        date: int,
        raw: str | None = None,
        sender: JsonDict | None = None,
        strict: bool = True,
    ) -> JsonDict:
        """Edit a bot message: ``changes`` replace its text or caption (``raw`` is it as
        sent); like Telegram, an edit without ``markup`` removes the inline keyboard."""
        if message_id in self._deleted.get(chat_id, set()):
            raise bad_request(NOT_FOUND_TO_EDIT)
        posted = self._posted.get(chat_id, {}).get(message_id)
        if posted is None:
            if not self._unseen_exist:
                known = message_id <= self._last_id.get(chat_id, 0)
                raise bad_request("message can't be edited" if known else NOT_FOUND_TO_EDIT)
            stub: JsonDict = {"message_id": message_id, "chat": self.chat(chat_id), "date": date}
            if sender is not None:
                stub["from"] = sender
            if "text" in changes:
                stub["text"] = ""
            posted = _Posted(stub, "")
            self._last_id[chat_id] = max(self._last_id.get(chat_id, 0), message_id)
        message = posted.message
        if strict and "text" in changes and "text" not in message:
            raise bad_request("there is no text in the message to edit")
        new_raw = posted.raw if raw is None else raw
        if strict and new_raw == posted.raw and message.get("reply_markup") == markup:
            raise TelegramRejects(400, NOT_MODIFIED)
        edited = {key: value for key, value in message.items() if key != "reply_markup"}
        edited.update(changes, edit_date=date)
        if markup is not None:
            edited["reply_markup"] = markup
        self._keep(chat_id, _Posted(edited, new_raw))
        return edited

    def delete(self, chat_id: int, message_ids: list[int], *, strict: bool = True) -> None:
        """Delete messages (the bot's or users'); refused when none of them is there."""
        deleted = self._deleted.setdefault(chat_id, set())
        last_id = math.inf if self._unseen_exist else self._last_id.get(chat_id, 0)
        present = [i for i in message_ids if i not in deleted and 0 < i <= last_id]
        if strict and not present:
            raise bad_request(NOT_FOUND_TO_DELETE)
        deleted.update(message_ids)

    def _keep(self, chat_id: int, posted: _Posted) -> None:
        message_id = int(posted.message["message_id"])
        self._posted.setdefault(chat_id, {})[message_id] = posted
        self._last_touched[chat_id] = message_id

    # ---- reading

    def message(
        self, chat_id: int, message_id: int, *, include_deleted: bool = False
    ) -> JsonDict | None:
        posted = self._posted.get(chat_id, {}).get(message_id)
        if posted is None or (not include_deleted and self.is_deleted(chat_id, message_id)):
            return None
        return posted.message

    def messages(self, chat_id: int, *, include_deleted: bool = False) -> list[JsonDict]:
        """The bot's messages in the chat, oldest first, in their latest state."""
        posted = self._posted.get(chat_id, {})
        deleted = set() if include_deleted else self._deleted.get(chat_id, set())
        return [posted[key].message for key in sorted(posted) if key not in deleted]

    def is_deleted(self, chat_id: int, message_id: int) -> bool:
        return message_id in self._deleted.get(chat_id, set())

    def last_touched(self, chat_id: int) -> JsonDict | None:
        """The bot's message most recently sent or edited in the chat and still there."""
        message_id = self._last_touched.get(chat_id)
        if message_id is not None and (found := self.message(chat_id, message_id)):
            return found
        alive = self.messages(chat_id)
        return alive[-1] if alive else None

    def forget_messages(self) -> None:
        """Drop every message; chats and id sequences stay, as on Telegram."""
        self._posted.clear()
        self._deleted.clear()
        self._last_touched.clear()


# ------------------------------------------------------------------------------ files

# Telegram's download limit for bots.
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
_FOLDERS = {"document": "documents", "photo": "photos", "audio": "music", "voice": "voice"}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes | None
    file_size: int
    file_name: str | None = None
    mime_type: str | None = None


class Files:
    """The files Telegram holds, kept once for both fakes: found by ``file_id``
    (getFile, a send by id) or by path (a download). ``unseen_files_exist``: a file_id
    never seen here is taken to be Telegram's (see ``Chats``)."""

    def __init__(self, *, unseen_files_exist: bool = False) -> None:
        self._unseen_exist = unseen_files_exist
        self._by_id: dict[str, StoredFile] = {}
        self._serials = itertools.count(1)

    def add(
        self,
        file_id: str,
        content: bytes | None,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_size: int | None = None,
        file_path: str | None = None,
    ) -> StoredFile:
        """Make ``file_id`` known to getFile and, when content is given, downloadable."""
        mime_type = mime_type or (mimetypes.guess_type(file_name)[0] if file_name else None)
        suffix = mimetypes.guess_extension(mime_type or "") or ""
        serial = next(self._serials)
        folder = _FOLDERS.get(file_id.split("-", 1)[0], "documents")
        stored = StoredFile(
            file_id=file_id,
            file_unique_id=f"AgAD{serial:06d}",
            file_path=file_path or f"{folder}/file_{serial}{suffix}",
            content=content,
            file_size=file_size if file_size is not None else len(content or b""),
            file_name=file_name,
            mime_type=mime_type,
        )
        self._by_id[file_id] = stored
        return stored

    def new(self, kind: str, content: bytes | None, **details: Any) -> StoredFile:
        """A file under a fresh id (``kind`` names its folder, as on Telegram)."""
        return self.add(f"{kind}-{next(self._serials)}", content, **details)

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def at(self, path: str) -> StoredFile | None:
        """The file a download URL ends with."""
        for stored in self._by_id.values():
            if path == stored.file_path or path.endswith("/" + stored.file_path):
                return stored
        return None

    def sent(
        self,
        kind: str,
        ref: object,
        upload: tuple[str | None, bytes | None] | None,
    ) -> StoredFile:
        """The file a send* call names: an upload (name, bytes), a known file_id or a URL."""
        if upload is not None:
            name, data = upload
            return self.new(kind, data, file_name=name)
        if isinstance(ref, str) and (known := self.get(ref)) is not None:
            return known
        if isinstance(ref, str) and ref.startswith(("http://", "https://")):
            return self.new(kind, None, file_name=ref.rsplit("/", 1)[-1] or None)
        if ref is None:
            raise bad_request(f"there is no {kind} in the request")
        if not self._unseen_exist or not isinstance(ref, str):
            raise bad_request("wrong file identifier/HTTP URL specified")
        return self.add(ref, None)

    def get_file(self, file_id: object) -> JsonDict:
        """The Bot API ``File`` getFile answers."""
        stored = self.get(str(file_id or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD_BYTES:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
            "file_path": stored.file_path,
        }


def media_object(kind: str, stored: StoredFile, params: JsonDict) -> Any:
    """The Bot API object (``Document``, a ``PhotoSize`` list, ...) of a sent file;
    ``params`` are the send call's (duration, title, ...)."""
    obj: JsonDict = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.file_size,
    }
    if kind == "photo":
        return [{**obj, "width": 320, "height": 240}]
    if kind in ("audio", "voice", "video", "animation"):
        obj["duration"] = int(params.get("duration") or 0)
    if kind in ("video", "animation"):
        obj["width"] = int(params.get("width") or 320)
        obj["height"] = int(params.get("height") or 240)
    if kind != "voice" and stored.file_name is not None:
        obj["file_name"] = stored.file_name
    if stored.mime_type is not None:
        obj["mime_type"] = stored.mime_type
    if kind == "audio":
        obj.update({k: params[k] for k in ("title", "performer") if params.get(k)})
    return obj
