"""Every free-text field a person types: its longest value and what counts as text in it.

One table for the whole bot. A dialog states the field's limit in its question and in its
refusal, the domain checks it before anything reaches storage, and `storage/models.py`
sizes its columns from it, so SQLite and PostgreSQL accept exactly the same input (a
PostgreSQL `varchar(n)` refuses what SQLite silently stores).

"Has visible characters" is decided after removing what a reader cannot see: format
characters (zero-width space and joiners, direction marks, the byte-order mark), control
characters, and the blank letters some clients use to fake an empty name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

# Letters of category Lo/So that render as nothing; a name made of them looks empty.
_BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")
# Control, format, surrogate, private-use and unassigned code points.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


class TextProblem(Enum):
    EMPTY = "empty"
    TOO_LONG = "too_long"


class FieldError(ValueError):
    """Typed text a field does not take; `key` and `params` make the refusal."""

    def __init__(self, field: TextField, problem: TextProblem, length: int = 0) -> None:
        super().__init__(f"{field.name}: {problem.value}")
        self.field = field
        self.problem = problem
        self.length = length

    @property
    def key(self) -> str:
        return f"errors.text_{self.problem.value}"

    @property
    def params(self) -> dict[str, int]:
        return {"max": self.field.max_length, "length": self.length}


@dataclass(frozen=True)
class TextField:
    """One field: the most characters a person may type, and whether lines are kept.

    `width` is the storage column's size where it is wider than the input limit (columns
    made before this table); it is never narrower, which a test checks.
    """

    name: str
    max_length: int
    multiline: bool = False
    width: int = 0

    @property
    def column(self) -> int:
        return max(self.width, self.max_length)

    def clean(self, raw: str) -> str:
        """The text as it will be stored, or `FieldError` when it is empty or too long."""
        text = visible_text(raw, multiline=self.multiline)
        if not text:
            raise FieldError(self, TextProblem.EMPTY)
        if len(text) > self.max_length:
            raise FieldError(self, TextProblem.TOO_LONG, len(text))
        return text

    def clean_optional(self, raw: str | None) -> str | None:
        """As `clean`, but nothing typed (or only invisible characters) is None."""
        text = visible_text(raw or "", multiline=self.multiline)
        return self.clean(text) if text else None


def _visible_char(ch: str, multiline: bool) -> str:
    if ch == "\n":
        return "\n" if multiline else " "
    if ch in "\t\r\u2028\u2029":
        return "\n" if multiline and ch in "\u2028\u2029" else " "
    if ch in _BLANK_LETTERS or unicodedata.category(ch) in _INVISIBLE_CATEGORIES:
        return ""
    return ch


def visible_text(raw: str, *, multiline: bool = False) -> str:
    """NFC, invisible characters removed, spaces folded; lines kept only when multiline."""
    text = "".join(_visible_char(ch, multiline) for ch in unicodedata.normalize("NFC", raw))
    if not multiline:
        return " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.split("\n")]
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def fits(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` shortened to at most `limit` characters, marked where it was cut: for quoting
    a person's text inside a message whose whole length Telegram bounds."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ellipsis), 0)].rstrip() + ellipsis


# --- the table ---------------------------------------------------------------------------
# Names: a protocol line and a button label must hold them.
PERSON_NAME = TextField("person_name", 120, width=200)
UNIT_NAME = TextField("unit_name", 120, width=200)
GUEST_NAME = TextField("guest_name", 200)
GROUP_NAME = TextField("group_name", 300)
# Meetings.
MEETING_TITLE = TextField("meeting_title", 200)
MEETING_PLACE = TextField("meeting_place", 300)
MEETING_LINK = TextField("meeting_link", 500)
ABSENCE_REASON = TextField("absence_reason", 300, multiline=True)
# A stored file's name as Telegram gave it; shortened, never refused (see `file_name`).
FILE_NAME = TextField("file_name", 200)
# The agenda.
ITEM_TITLE = TextField("item_title", 200)
ITEM_DESCRIPTION = TextField("item_description", 2000, multiline=True)
AGENDA_REASON = TextField("agenda_reason", 500, multiline=True)
# The protocol: СЛУШАЛИ, ВЫСТУПИЛИ, РЕШИЛИ, an objection.
PROTOCOL_TEXT = TextField("protocol_text", 4000, multiline=True)
# Who a protocol's task is given to, as the secretariat wrote it.
TASK_OWNER = TextField("task_owner", 300)
# Registers, tasks, quarterly reports, the composition act.
REGISTER_TITLE = TextField("register_title", 300)
REGISTER_NOTE = TextField("register_note", 2000, multiline=True)
TASK_REPORT = TextField("task_report", 2000, multiline=True)
REPORT_TEXT = TextField("report_text", 3500, multiline=True)
ACT_NUMBER = TextField("act_number", 50)
# A broadcast goes out as it was typed, in one message with its heading.
BROADCAST_TEXT = TextField("broadcast_text", 3500, multiline=True)
# A document's caption: Telegram takes 1,024 characters, the heading comes first.
BROADCAST_CAPTION = TextField("broadcast_caption", 900, multiline=True)


def file_name(raw: str | None, default: str) -> str:
    """A file's name fit for storage: invisible characters removed, at most FILE_NAME's
    length with its extension kept; `default` when nothing visible is left."""
    name = visible_text(raw or "") or default
    limit = FILE_NAME.max_length
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 16:
        return name[:limit]
    return stem[: limit - len(ext) - 1] + "." + ext
