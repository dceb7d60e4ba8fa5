"""The difference between two versions of a protocol (issue #19 item 3): per item and per
field, word by word, as two columns whose removed words are <del> and added ones <ins>."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from bot.domain.protocol import ItemRecord, ProtocolContent, TaskLine
from bot.i18n import Translator

# Words, runs of spaces and single signs: a changed word is marked, not the whole line.
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")
FIELDS = ("heard", "spoke", "decided", "tasks")


@dataclass(frozen=True, slots=True)
class FieldDiff:
    field: str  # heard, spoke, decided, tasks
    old: Markup
    new: Markup


@dataclass(frozen=True, slots=True)
class ItemDiff:
    number: int
    title: str
    changes: tuple[FieldDiff, ...]  # only the fields that differ


def marked(old: str, new: str) -> tuple[Markup, Markup]:
    """`old` with what `new` removed in <del>, `new` with what it added in <ins>; every
    piece of text escaped. Changed words separated by a mere space read as one change."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    left: list[Markup] = []
    right: list[Markup] = []
    for same, i1, i2, j1, j2 in _runs(a, b):
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if same:
            left.append(escape(removed))
            right.append(escape(added))
            continue
        if removed:
            left.append(Markup("<del>%s</del>") % removed)
        if added:
            right.append(Markup("<ins>%s</ins>") % added)
    return Markup("").join(left), Markup("").join(right)


def _runs(a: list[str], b: list[str]) -> list[tuple[bool, int, int, int, int]]:
    """difflib's opcodes as (unchanged?, ranges), a space between two changes joined to them."""
    codes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    runs: list[tuple[bool, int, int, int, int]] = []
    for n, (op, i1, i2, j1, j2) in enumerate(codes):
        same = op == "equal"
        between = 0 < n < len(codes) - 1
        if same and between and all(t.isspace() for t in a[i1:i2]):
            same = False
        if runs and not same and not runs[-1][0]:
            _, p1, _, q1, _ = runs[-1]
            runs[-1] = (False, p1, i2, q1, j2)
        else:
            runs.append((same, i1, i2, j1, j2))
    return runs


def tasks_text(t: Translator, tasks: tuple[TaskLine, ...]) -> str:
    """Tasks one a line, as a reader compares them: what — owner — deadline."""
    return "\n".join(
        t.plain(
            "webapp_protocols.task_line",
            text=x.text,
            owner=x.owner,
            deadline=t.date(x.deadline) if x.deadline else "—",
        )
        for x in tasks
    )


def _field(t: Translator, item: ItemRecord | None, name: str) -> str:
    if item is None:
        return ""
    if name == "tasks":
        return tasks_text(t, item.tasks)
    value: str = getattr(item, name)
    return value


def compare(t: Translator, old: ProtocolContent, new: ProtocolContent) -> list[ItemDiff]:
    """Every item of either version, with the fields that changed between them."""
    before = {i.number: i for i in old.items}
    after = {i.number: i for i in new.items}
    out = []
    for number in sorted(before.keys() | after.keys()):
        a, b = before.get(number), after.get(number)
        changes = []
        for name in FIELDS:
            x, y = _field(t, a, name), _field(t, b, name)
            if x != y:
                left, right = marked(x, y)
                changes.append(FieldDiff(name, left, right))
        shown = b or a
        title = shown.title if shown is not None else ""
        out.append(ItemDiff(number, title, tuple(changes)))
    return out
