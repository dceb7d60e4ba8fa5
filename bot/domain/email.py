"""E-mail addresses and e-mail rows of the outbox (issue #18 item 3); pure rules.

An address is checked for its syntax only (no DNS: a ministry's network may not resolve
outside names), and kept in its normalised form. An e-mail row of the outbox has a key of its
own (`<key>@email`) and a stand-in chat id derived from the address: the sender keeps one
address's mail in order as it keeps one chat's messages, and the stand-in can never be a
Telegram chat (Telegram's ids stay far above it).
"""

from __future__ import annotations

import hashlib
import html
import re

MAX_LENGTH = 254
TELEGRAM = "telegram"
EMAIL = "email"
CHANNELS = (TELEGRAM, EMAIL)
# Below every Telegram chat id (users are positive, groups and channels above -10**13).
_CHAT_BASE = -(2**62)


class AddressError(ValueError):
    """Not an e-mail address; `reason` names what is wrong (a locale key's suffix)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def normalize_address(raw: str) -> str:
    """The address as it is stored, or AddressError with the reason."""
    text = raw.strip()
    if not text:
        raise AddressError("empty")
    if len(text) > MAX_LENGTH:
        raise AddressError("too_long")
    if any(c.isspace() for c in text):
        raise AddressError("spaces")
    if "@" not in text:
        raise AddressError("no_at")
    # Loaded when an address is typed (it brings dnspython): not at the bot's start.
    from email_validator import EmailNotValidError, validate_email

    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AddressError("invalid", str(exc)) from None
    return checked.normalized


def email_key(key: str) -> str:
    """The outbox key of the e-mail copy of the message keyed `key`."""
    return f"{key}@email"


def email_chat_id(address: str) -> int:
    """A stand-in chat id for an address: stable, and never a Telegram chat's."""
    digest = hashlib.sha256(address.lower().encode()).digest()
    return _CHAT_BASE + int.from_bytes(digest[:6], "big")


def is_email_chat(chat_id: int) -> bool:
    return chat_id < _CHAT_BASE + 2**48


_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_LINK = re.compile(r'<a\s+href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def plain_text(telegram_html: str) -> str:
    """A Telegram HTML text as plain text for an e-mail body: tags dropped, a link's address
    kept after its text, entities decoded."""

    def link(match: re.Match[str]) -> str:
        href, label = html.unescape(match.group(1)), match.group(2)
        label_text = html.unescape(_TAG.sub("", label))
        if not href or href == label_text or href.startswith("tg://"):
            return label
        return f"{label} ({href})"

    text = _BREAK.sub("\n", telegram_html)
    text = _LINK.sub(link, text)
    text = _TAG.sub("", text)
    return html.unescape(text).strip()
