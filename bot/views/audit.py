"""Texts and keyboards of /audit (issue #18 item 1)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import AuditCb
from bot.documents.csv_table import csv_bytes
from bot.domain.audit_chain import Break, Verdict
from bot.domain.audit_kinds import KINDS
from bot.i18n import Raw, Translator
from bot.keyboards import PAGE_SIZE, button, markup
from bot.services.audit import AuditPage, AuditQuery, day_number
from storage.repositories.audit import AuditLine

# Telegram's limit for one message is 4096 characters; ten lines stay well below it.
LINE_MAX = 300


def _fixed(query: AuditQuery) -> dict[str, object]:
    period = query.period
    return {
        "person": query.person,
        "kind": query.kind,
        "first": day_number(period.first) if period else 0,
        "last": day_number(period.last) if period else 0,
    }


def _cb(action: str, fixed: dict[str, object], **over: object) -> AuditCb:
    values = fixed | over
    return AuditCb(
        action=action,
        page=int(str(values.get("page", 0))),
        person=int(str(values["person"])),
        kind=str(values["kind"]),
        first=int(str(values["first"])),
        last=int(str(values["last"])),
    )


def _pager(
    action: str, page: int, total: int, fixed: dict[str, object]
) -> list[InlineKeyboardButton]:
    pages = max(1, -(-total // PAGE_SIZE))
    if pages == 1:
        return []
    row = []
    if page > 0:
        row.append(button("◀", _cb(action, fixed, page=page - 1)))
    row.append(button(f"{page + 1}/{pages}", _cb(action, fixed, page=page)))
    if page < pages - 1:
        row.append(button("▶", _cb(action, fixed, page=page + 1)))
    return row


def action_words(t: Translator, action: str) -> str:
    """A frequent action in words; any other shown by its code, as it is."""
    try:
        return t.plain(f"audit.act.{action}")
    except KeyError:
        return action


def object_words(t: Translator, object_type: str) -> str:
    """The kind of object in words; any other shown by its code, as it is."""
    try:
        return t.plain(f"audit.obj.{object_type}")
    except KeyError:
        return object_type


def who(t: Translator, line: AuditLine) -> str:
    if line.actor_name:
        return line.actor_name
    if line.actor_telegram_id is not None:
        return t.plain("audit.unknown_person", id=line.actor_telegram_id)
    if line.actor_person_id is not None:
        return t.plain("audit.nobody")
    return t.plain("audit.system")


def _line(t: Translator, line: AuditLine) -> str:
    obj = (
        t("audit.object", type=object_words(t, line.object_type), id=line.object_id)
        if line.object_id is not None
        else ""
    )
    text = t(
        "audit.line",
        seq=line.seq,
        when=t.datetime(line.at),
        who=who(t, line),
        what=action_words(t, line.action),
        object=Raw(obj),
    )
    return text if len(text) <= LINE_MAX else text[: LINE_MAX - 1] + "…"


def filters_text(t: Translator, page: AuditPage) -> str:
    q = page.query
    parts = []
    if q.person:
        parts.append(t("audit.filter_person", name=page.person_name or t.plain("audit.nobody")))
    if q.kind:
        parts.append(t("audit.filter_kind", kind=t.plain(f"audit.kind.{q.kind}")))
    if q.period:
        parts.append(
            t("audit.filter_period", first=t.date(q.period.first), last=t.date(q.period.last))
        )
    return t("audit.filters", filters=Raw("; ".join(parts))) if parts else t("audit.no_filters")


def page(t: Translator, p: AuditPage) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("audit.title"), filters_text(t, p)]
    if p.lines:
        lines.append(t.plural("audit.shown", p.total))
        lines.append("")
        lines.extend(_line(t, line) for line in p.lines)
    else:
        lines.append(t("audit.empty"))
    fixed = _fixed(p.query)
    rows = [
        _pager("list", p.page, p.total, fixed),
        [
            button(t.plain("audit.by_person"), _cb("people", fixed)),
            button(t.plain("audit.by_kind"), _cb("kinds", fixed)),
            button(t.plain("audit.by_period"), _cb("period", fixed)),
        ],
        [button(t.plain("audit.clear"), AuditCb(action="clear"))]
        if any((p.query.person, p.query.kind, p.query.period))
        else [],
        [
            button(t.plain("audit.verify"), _cb("verify", fixed)),
            button(t.plain("audit.csv"), _cb("csv", fixed)),
        ],
    ]
    return "\n".join(lines), markup(rows)


def people_picker(
    t: Translator, query: AuditQuery, people: Sequence[tuple[int, str]], page_no: int
) -> tuple[str, InlineKeyboardMarkup]:
    fixed = _fixed(query)
    total = len(people)
    pages = max(1, -(-total // PAGE_SIZE))
    page_no = min(max(page_no, 0), pages - 1)
    shown = people[page_no * PAGE_SIZE : (page_no + 1) * PAGE_SIZE]
    rows = [[button(name, _cb("list", fixed, person=pid))] for pid, name in shown]
    rows.append(_pager("people", page_no, total, fixed))
    rows.append([button(t.plain("audit.any_person"), _cb("list", fixed, person=0))])
    rows.append([button(t.plain("audit.back"), _cb("list", fixed))])
    text = t("audit.pick_person") if people else t("audit.no_people")
    return text, markup(rows)


def kind_picker(t: Translator, query: AuditQuery) -> tuple[str, InlineKeyboardMarkup]:
    fixed = _fixed(query)
    rows = [
        [button(t.plain(f"audit.kind.{kind}"), _cb("list", fixed, kind=kind))] for kind in KINDS
    ]
    rows.append([button(t.plain("audit.any_kind"), _cb("list", fixed, kind=""))])
    rows.append([button(t.plain("audit.back"), _cb("list", fixed))])
    return t("audit.pick_kind"), markup(rows)


def verdict(t: Translator, v: Verdict) -> str:
    if v.intact:
        text = t.plural("audit.intact", v.checked)
        if v.checked:
            text += "\n" + t("audit.fingerprint", hash=v.last_hash)
        return text
    if v.problem is Break.MISSING and v.broken_at is None:
        problem = t("audit.broken_missing_end")
    else:
        problem = t(f"audit.broken_{v.problem}")
    when = t("audit.broken_when", when=t.datetime(v.broken_at)) if v.broken_at else ""
    return t(
        "audit.broken", seq=v.broken_seq, when=Raw(when), problem=Raw(problem), checked=v.checked
    )


def csv_file(
    t: Translator, query: AuditQuery, lines: Sequence[AuditLine]
) -> tuple[str, bytes, str]:
    """The file name, its bytes, and the caption: columns in the reader's language."""
    header = [
        t.plain(f"audit.col_{c}")
        for c in (
            "seq",
            "at",
            "who",
            "telegram",
            "action",
            "code",
            "object",
            "object_id",
            "details",
            "hash",
        )
    ]
    rows = [
        [
            line.seq,
            line.at.astimezone(t.tz).strftime("%d.%m.%Y %H:%M:%S"),
            who(t, line),
            line.actor_telegram_id if line.actor_telegram_id is not None else "",
            action_words(t, line.action),
            line.action,
            line.object_type,
            line.object_id if line.object_id is not None else "",
            json.dumps(line.details, ensure_ascii=False, sort_keys=True) if line.details else "",
            line.hash,
        ]
        for line in lines
    ]
    assert query.period is not None
    first, last = query.period.first.isoformat(), query.period.last.isoformat()
    name = t.plain("audit.export_file", first=first, last=last)
    caption = t(
        "audit.export_caption",
        first=t.date(query.period.first),
        last=t.date(query.period.last),
        count=t.plural("audit.export_count", len(lines)),
    )
    return name, csv_bytes(header, rows), caption
