"""Telegram's limits on what the bot sends: a message shows at most 4,096 characters, a
caption 1,024, counted as the reader sees them (tags and escapes do not count).

A card quotes people's texts, and a list of them can grow without bound (an agenda's
items, a protocol's decisions): each quote is an excerpt (`fields.fits`), and the card
keeps as many whole lines as fit, saying that the rest is left out.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot.delivery.split import MESSAGE_LIMIT

_TAG = re.compile(r"<[^>]+>")


def shown_length(text: str) -> int:
    """The characters Telegram counts in an HTML text."""
    return len(html.unescape(_TAG.sub("", text)))


def joined_within(
    lines: Sequence[str],
    tail: Sequence[str] = (),
    *,
    cut: str = "…",
    limit: int = MESSAGE_LIMIT,
) -> str:
    """`lines` and then `tail` joined by newlines; when that is longer than `limit`, the
    last of `lines` are left out, `cut` in their place, and `tail` is kept whole. Whole
    lines only, so no tag is ever broken."""
    text = "\n".join([*lines, *tail])
    if shown_length(text) <= limit:
        return text
    kept = list(lines)
    while kept and shown_length("\n".join([*kept, cut, *tail])) > limit:
        kept.pop()
    return "\n".join([*kept, cut, *tail])
