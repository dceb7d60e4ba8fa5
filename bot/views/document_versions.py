"""Steps of adding and approving a version of a register entry's document (cl. 4 б, в, к, 5).
The versions part of the entry's card is in `bot.views.registers` (`versions_section`)."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import DocVersionCb, RegisterCb
from bot.i18n import Raw, Translator
from bot.keyboards import button, markup, page_bounds, pager_row
from bot.services.document_versions import ApprovalSummary
from bot.services.registers import Decision
from bot.views.registers import decision_label
from storage.repositories.document_versions import VersionView
from storage.repositories.registers import EntryView


def _back(t: Translator, entry_id: int) -> list[InlineKeyboardButton]:
    return [button(t("common.back"), RegisterCb(action="card", entry=entry_id))]


def ask_file(t: Translator, entry: EntryView, max_mb: int) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[button(t("common.cancel"), DocVersionCb(action="cancel", entry=entry.id))]]
    return t("document_versions.ask_file", title=entry.title, max=max_mb), markup(rows)


def decision_picker(
    t: Translator, version: VersionView, decisions: list[Decision], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The signed protocols' items to approve the draft by, 10 a page."""
    page, start, end = page_bounds(len(decisions), page)
    rows = [
        [
            button(
                decision_label(t, d),
                DocVersionCb(
                    action="pick",
                    version=version.id,
                    protocol=d.basis.protocol_id,
                    item=d.basis.item_number,
                ),
            )
        ]
        for d in decisions[start:end]
    ]
    rows.append(pager_row(page, len(decisions), DocVersionCb, action="approve", version=version.id))
    rows.append(_back(t, version.entry_id))
    text = t("document_versions.ask_decision", number=version.number, file=version.file_name)
    return text, markup(rows)


def summary(t: Translator, s: ApprovalSummary) -> tuple[str, InlineKeyboardMarkup]:
    a = s.approval
    lines = [
        t("document_versions.summary_title"),
        t("document_versions.summary_entry", title=s.entry.title),
        t(
            "document_versions.summary_version",
            number=s.version.number,
            date=Raw(t.date(s.version.created_at)),
            file=s.version.file_name,
        ),
        t(
            "document_versions.summary_decision",
            number=a.protocol_number,
            date=Raw(t.date(a.held_on)),
            item=a.item_number,
        ),
    ]
    if s.superseded is not None:
        lines.append(t("document_versions.summary_supersedes", number=s.superseded.number))
    rows = [
        [
            button(
                t("common.confirm"),
                DocVersionCb(
                    action="ok", version=s.version.id, protocol=a.protocol_id, item=a.item_number
                ),
            ),
            button(t("common.cancel"), RegisterCb(action="card", entry=s.entry.id)),
        ]
    ]
    return "\n".join(lines), markup(rows)
