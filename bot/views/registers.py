"""Lists, cards and dialog steps of the registers (cl. 4 а–к), and the texts the register
service writes (a change's note, a refusal's date)."""

from __future__ import annotations

from datetime import date

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import DocVersionCb, RegisterCb
from bot.domain.document_versions import VersionStatus
from bot.domain.registers import DOCUMENT_KINDS, STORED_STATUSES, Register, Status
from bot.i18n import Raw, Translator
from bot.keyboards import button, markup, page_bounds, pager_row, web_app_button
from bot.services.document_versions import VersionLine, VersionsSection
from bot.services.indicators import KpiSection
from bot.services.notifier import Renderer
from bot.services.registers import (
    Basis,
    Decision,
    DraftSummary,
    EntryCard,
    Listed,
    RegisterListing,
    is_milestone,
    is_project,
)
from storage.dto import MemberView, UnitView
from storage.repositories.registers import EntryView

# Button labels are cut so that a row stays readable on a phone.
LABEL_MAX = 48


def _label(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def status_label(t: Translator, status: Status | str) -> str:
    """A status mark always comes with its word (UX.md): «⏳ в работе»."""
    return t(f"registers.status_{Status(status).value}")


def _status(t: Translator, status: Status | str) -> Raw:
    return Raw(status_label(t, status))


def register_title(t: Translator, register: Register | str) -> str:
    return t(f"registers.title_{Register(register).value}")


def basis_text(t: Translator, basis: Basis) -> Raw:
    return Raw(t("registers.basis", number=basis.protocol_number, item=basis.item_number))


def _due(t: Translator, entry: EntryView) -> Raw:
    return Raw(t.date(entry.due) if entry.due else t("registers.no_due"))


def _line(t: Translator, number: int, item: Listed) -> str:
    e = item.entry
    line = t(
        "registers.line",
        number=number,
        title=e.title,
        due=_due(t, e),
        status=_status(t, item.status),
    )
    if is_project(e):
        line += " · " + t.plural("registers.milestones", item.milestones)
    return line


def listing(t: Translator, shown: RegisterListing, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """A register, 10 entries a page; documents under the heading of their kind."""
    register, items = shown.register, shown.items
    page, start, end = page_bounds(len(items), page)
    lines = [register_title(t, register)]
    if items:
        lines.append(t.plural("registers.count", len(items)))
    else:
        lines += ["", t(f"registers.empty_{register.value}")]
    kind: str | None = None
    for number, item in enumerate(items[start:end], start=start + 1):
        if register is Register.DOCUMENTS and item.entry.kind != kind:
            kind = item.entry.kind
            lines += ["", t("registers.group_heading", kind=Raw(t(f"registers.heading_{kind}")))]
        elif number == start + 1:
            lines.append("")
        lines.append(_line(t, number, item))
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                _label(f"{number}. {item.entry.title}"),
                RegisterCb(action="card", book=register.value, entry=item.entry.id, page=page),
            )
        ]
        for number, item in enumerate(items[start:end], start=start + 1)
    ]
    rows.append(pager_row(page, len(items), RegisterCb, action="list", book=register.value))
    if shown.may_edit:
        rows.append(
            [
                button(
                    t(f"registers.add_{register.value}"),
                    RegisterCb(action="add", book=register.value),
                )
            ]
        )
    if register is Register.EVENTS:
        rows.append(
            [button(t("registers.to_measures"), RegisterCb(action="list", book="measures"))]
        )
    elif register is Register.MEASURES:
        rows.append([button(t("registers.to_events"), RegisterCb(action="list", book="events"))])
    return "\n".join(lines), markup(rows)


def _what(t: Translator, card: EntryCard) -> str:
    """Which register an entry belongs to, and its kind where the register has kinds."""
    e = card.entry
    if is_milestone(e) and card.parent is not None:
        return t("registers.card_milestone", project=card.parent.title)
    if is_project(e):
        return t("registers.card_project")
    if e.register == Register.DOCUMENTS.value and e.kind:
        return t("registers.card_document", kind=Raw(t(f"registers.kind_{e.kind}")))
    return t("registers.card_register", register=Raw(t(f"registers.name_{e.register}")))


def card(
    t: Translator,
    card: EntryCard,
    page: int = 0,
    *,
    versions: VersionsSection | None = None,
    editor: str | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """An entry as the viewer sees it. `editor` is the entry's page in the Mini App when a
    web_app button may go under the card (a private chat, WEBAPP_URL set:
    bot.keyboards.in_private): «Открыть в редакторе» for everyone, read-only for members."""
    e = card.entry
    lines = [
        t("registers.card_title", title=e.title),
        _what(t, card),
        t("registers.card_unit", unit=e.unit_name or Raw(t("registers.no_unit"))),
        t("registers.card_responsible", person=e.responsible_name or Raw(t("registers.nobody"))),
        t("registers.card_due", due=_due(t, e)),
        t("registers.card_status", status=_status(t, card.status)),
    ]
    if card.basis is not None:
        lines.append(t("registers.card_basis", basis=basis_text(t, card.basis)))
    lines += versions_section(t, versions)
    if is_project(e):
        lines += ["", t("registers.roadmap_title")]
        if not card.roadmap:
            lines.append(t("registers.roadmap_empty"))
        for number, item in enumerate(card.roadmap, start=1):
            lines.append(_line(t, number, item))
    if card.notes:
        lines += ["", t("registers.notes_title")]
        for n in card.notes:
            note = t(
                "registers.note_line",
                date=t.date(n.note.created_at),
                author=n.note.author_name or Raw(t("registers.author_unknown")),
                text=n.note.text,
            )
            if n.basis is not None:
                note += " " + t("registers.note_basis", basis=basis_text(t, n.basis))
            lines.append(note)
    rows: list[list[InlineKeyboardButton]] = []
    for number, item in enumerate(card.roadmap, start=1):
        rows.append(
            [
                button(
                    _label(f"{number}. {item.entry.title}"),
                    RegisterCb(action="card", book=e.register, entry=item.entry.id),
                )
            ]
        )
    rows += versions_rows(t, versions)
    if card.may_edit:
        rows += [
            [button(t("registers.change_status"), RegisterCb(action="status", entry=e.id))],
            [button(t("registers.change_due"), RegisterCb(action="due", entry=e.id))],
            [button(t("registers.add_note"), RegisterCb(action="note", entry=e.id))],
            [button(t("registers.change_owner"), RegisterCb(action="owner", entry=e.id))],
        ]
        if is_project(e):
            rows.append(
                [button(t("registers.add_milestone"), RegisterCb(action="addms", entry=e.id))]
            )
    if editor is not None:
        rows.append([web_app_button(t.plain("webapp.open_in_editor"), editor)])
    if e.parent_id is not None:
        back = RegisterCb(action="card", book=e.register, entry=e.parent_id)
    else:
        back = RegisterCb(action="list", book=e.register, page=page)
    rows.append([button(t("common.back"), back)])
    return "\n".join(lines), markup(rows)


# --- document_versions (cl. 4 б, в, к, 5): the versions part of an entry's card
def version_status(t: Translator, status: str) -> str:
    return t(f"document_versions.status_{VersionStatus(status).value}")


def approved_by(t: Translator, line: VersionLine) -> str | None:
    """«утверждена решением: протокол № 7/2026 от 30 ноября 2026 г., пункт 1»."""
    a = line.approval
    if a is None:
        return None
    return t(
        "document_versions.approved_by",
        number=a.protocol_number,
        date=Raw(t.date(a.held_on)),
        item=a.item_number,
    )


def _version_line(t: Translator, line: VersionLine) -> str:
    v = line.version
    text = t(
        "document_versions.history_line",
        number=v.number,
        date=Raw(t.date(v.created_at)),
        status=Raw(version_status(t, v.status)),
        file=v.file_name,
    )
    basis = approved_by(t, line)
    return f"{text} ({basis})" if basis else text


def versions_section(t: Translator, versions: VersionsSection | None) -> list[str]:
    """The approved version first, with the decision that approved it; then the history
    (drafts and superseded versions, the newest first). Nothing for an entry that carries
    no document, nor for the Plan's or a project's entry without a version yet."""
    if versions is None:
        return []
    lines = ["", t("document_versions.title")]
    if versions.approved is None and not versions.history:
        if not versions.is_document:
            # An event of the Plan or a project without a file yet: nothing to say.
            return []
        lines.append(t("document_versions.none_yet"))
        return lines
    if versions.approved is None:
        lines.append(t("document_versions.none_approved"))
    else:
        v = versions.approved.version
        lines.append(
            t(
                "document_versions.approved_line",
                number=v.number,
                date=Raw(t.date(v.created_at)),
                file=v.file_name,
            )
        )
        lines.append(approved_by(t, versions.approved) or "")
    if versions.history:
        lines.append(t("document_versions.history_title"))
        lines += [_version_line(t, line) for line in versions.history]
    return lines


def versions_rows(
    t: Translator, versions: VersionsSection | None
) -> list[list[InlineKeyboardButton]]:
    """A button for each version's file (the approved one first); for the secretariat,
    one to approve each draft and one to add a version."""
    if versions is None:
        return []
    lines = ([versions.approved] if versions.approved else []) + versions.history
    rows = [
        [
            button(
                t.plain(
                    "document_versions.file_button",
                    number=line.version.number,
                    status=t.plain(f"document_versions.status_{line.version.status}"),
                ),
                DocVersionCb(action="file", version=line.version.id),
            )
        ]
        for line in lines
    ]
    if versions.may_edit:
        rows += [
            [
                button(
                    t.plain("document_versions.approve_button", number=v.number),
                    DocVersionCb(action="approve", version=v.id),
                )
            ]
            for v in versions.drafts
        ]
        rows.append(
            [
                button(
                    t("document_versions.add"), DocVersionCb(action="add", entry=versions.entry_id)
                )
            ]
        )
    return rows


# Steps of the dialogs
def _paged(
    options: list[list[InlineKeyboardButton]], page: int, pager: str
) -> tuple[int, list[list[InlineKeyboardButton]]]:
    page, start, end = page_bounds(len(options), page)
    rows = options[start:end]
    rows.append(pager_row(page, len(options), RegisterCb, action=pager))
    return page, rows


def kind_picker(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(t(f"registers.heading_{k.value}"), RegisterCb(action="kind", arg=k.value))]
        for k in DOCUMENT_KINDS
    ]
    return t("registers.ask_kind"), markup(rows)


def unit_picker(
    t: Translator, units: list[UnitView], page: int, question: str
) -> tuple[str, InlineKeyboardMarkup]:
    options = [[button(u.name, RegisterCb(action="unit", arg=str(u.id)))] for u in units]
    _, rows = _paged(options, page, "upage")
    rows.append([button(t("registers.without_unit"), RegisterCb(action="unit", arg="0"))])
    text = t(question)
    if not units:
        text += "\n" + t("registers.no_units_yet")
    return text, markup(rows)


def person_picker(
    t: Translator, people: list[MemberView], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    options = [
        [
            button(
                _label(f"{m.display_name} ({m.unit_name})" if m.unit_name else m.display_name),
                RegisterCb(action="resp", arg=str(m.person.id)),
            )
        ]
        for m in people
    ]
    _, rows = _paged(options, page, "ppage")
    rows.append([button(t("registers.skip"), RegisterCb(action="resp", arg="0"))])
    return t("registers.ask_responsible"), markup(rows)


def decision_label(t: Translator, decision: Decision) -> str:
    b = decision.basis
    text = " ".join(decision.text.split())
    label = t.plain("registers.decision_button", number=b.protocol_number, item=b.item_number)
    return _label(f"{label}: {text}" if text else label, 64)


def decision_picker(
    t: Translator, decisions: list[Decision], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    options = [
        [
            button(
                decision_label(t, d),
                RegisterCb(action="basis", arg=f"{d.basis.protocol_id}-{d.basis.item_number}"),
            )
        ]
        for d in decisions
    ]
    _, rows = _paged(options, page, "bpage")
    rows.append([button(t("registers.no_decision"), RegisterCb(action="basis", arg="none"))])
    text = t("registers.ask_basis")
    if not decisions:
        text += "\n" + t("registers.no_decisions_yet")
    return text, markup(rows)


def parse_decision(arg: str) -> tuple[int, int] | None:
    """The decision a basis button names; None for «Без решения» (and for garbage, which the
    caller treats as stale)."""
    protocol, _, item = arg.partition("-")
    if not protocol.isdigit() or not item.isdigit():
        return None
    return int(protocol), int(item)


def summary(t: Translator, s: DraftSummary) -> tuple[str, InlineKeyboardMarkup]:
    d = s.draft
    if s.parent_title is not None:
        what = t("registers.card_milestone", project=s.parent_title)
    elif d.register is Register.PROJECTS:
        what = t("registers.card_project")
    elif d.register is Register.DOCUMENTS and d.kind:
        what = t("registers.card_document", kind=Raw(t(f"registers.kind_{d.kind}")))
    else:
        what = t("registers.card_register", register=Raw(t(f"registers.name_{d.register.value}")))
    lines = [
        t("registers.summary_title"),
        what,
        t("registers.summary_name", title=d.title),
        t("registers.card_unit", unit=s.unit_name or Raw(t("registers.no_unit"))),
        t("registers.card_responsible", person=s.responsible_name or Raw(t("registers.nobody"))),
        t("registers.card_due", due=Raw(t.date(d.due) if d.due else t("registers.no_due"))),
        t(
            "registers.card_basis",
            basis=basis_text(t, s.basis) if s.basis else Raw(t("registers.no_basis")),
        ),
    ]
    rows = [
        [
            button(t("common.confirm"), RegisterCb(action="ok")),
            button(t("common.cancel"), RegisterCb(action="no")),
        ]
    ]
    return "\n".join(lines), markup(rows)


def status_picker(t: Translator, entry: EntryView) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(status_label(t, s), RegisterCb(action="setst", entry=entry.id, arg=s.value))]
        for s in STORED_STATUSES
        if s.value != entry.status
    ]
    rows.append(
        [button(t("common.back"), RegisterCb(action="card", book=entry.register, entry=entry.id))]
    )
    return t("registers.ask_status", title=entry.title), markup(rows)


# Texts the register service writes, by name (see bot.views.notices)
def _note_status(t: Translator, *, status: str) -> str:
    return t.plain("registers.note_status", status=t.plain(f"registers.status_{status}"))


def _note_due(t: Translator, *, due: date) -> str:
    return t.plain("registers.note_due", due=t.date(due))


def _note_owner(t: Translator, *, unit: str | None, person: str | None) -> str:
    return t.plain(
        "registers.note_owner",
        unit=unit or t.plain("registers.no_unit"),
        person=person or t.plain("registers.nobody"),
    )


def _date(t: Translator, *, day: date) -> str:
    return t.date(day)


RENDERERS: dict[str, Renderer] = {
    # A change made by a decision leaves a note in the group's language (cl. 4 г, д, е).
    "registers.note_status": _note_status,
    "registers.note_due": _note_due,
    "registers.note_owner": _note_owner,
    # A date named in a refusal («not earlier than today (2 December 2026)»).
    "registers.date": _date,
}


# --- indicators (cl. 3 в, 4 ж): their section of a project's card and of the Plan's listing
def with_indicators(
    t: Translator,
    shown: tuple[str, InlineKeyboardMarkup],
    section: KpiSection | None,
) -> tuple[str, InlineKeyboardMarkup]:
    """A card (or the Plan's listing) with the indicators' section after its text and their
    buttons above its last row (the way back)."""
    if section is None:
        return shown
    from bot.views.indicators import section_rows, section_text

    text, keyboard = shown
    rows = list(keyboard.inline_keyboard)
    rows[-1:-1] = section_rows(t, section)
    return text + "\n\n" + section_text(t, section), markup(rows)
