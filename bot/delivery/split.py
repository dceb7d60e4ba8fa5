"""Fitting long texts into Telegram's limits without breaking HTML or words."""

from __future__ import annotations

import re

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")


def _balanced(part: str) -> bool:
    """True when every opened tag is closed in this part (our texts never nest across lines)."""
    stack: list[str] = []
    for match in _TAG.finditer(part):
        closing, name = match.group(1), match.group(2).lower()
        if not closing:
            stack.append(name)
        elif stack and stack[-1] == name:
            stack.pop()
        else:
            return False
    return not stack


def _hard_cut(text: str, limit: int) -> list[str]:
    """Cuts a single overlong paragraph at spaces, never inside a tag or an HTML entity."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        # Step back out of a tag or entity that the cut would split.
        for opener, closer in (("<", ">"), ("&", ";")):
            start = rest.rfind(opener, 0, cut)
            if start != -1 and rest.find(closer, start) >= cut:
                cut = start if start > 0 else cut
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Parts of at most `limit` characters, cut at paragraph, then line, then word boundaries."""
    if len(text) <= limit:
        return [text]
    pieces: list[str] = []
    for paragraph in text.split("\n\n"):
        if len(paragraph) <= limit:
            pieces.append(paragraph)
            continue
        lines: list[str] = []
        for line in paragraph.split("\n"):
            lines.extend(_hard_cut(line, limit) if len(line) > limit else [line])
        pieces.extend(_join(lines, "\n", limit))
    return _join(pieces, "\n\n", limit)


def _join(pieces: list[str], separator: str, limit: int) -> list[str]:
    joined: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if len(candidate) <= limit:
            current = candidate
        else:
            if current:
                joined.append(current)
            current = piece
    if current:
        joined.append(current)
    return joined


def all_balanced(parts: list[str]) -> bool:
    return all(_balanced(p) for p in parts)
