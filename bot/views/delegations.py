"""Delegations to outside events (cl. 16 б): the list, a card, the recording dialog's steps,
and the notices the service sends."""

from __future__ import annotations

from collections.abc import Collection
from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import DelegationCb
from bot.delivery.split import MESSAGE_LIMIT
from bot.domain.delegations import CARD_EXCERPT, NOTICE_EXCERPT, EventWhen, Status
from bot.domain.fields import fits
from bot.i18n import Raw, Translator
from bot.keyboards import button, markup, page_bounds, pager_row
from bot.services.delegations import Card, DraftSummary, Listing, event_when
from bot.services.notifier import Rendered, Renderer
from bot.services.registers import Basis, Decision
from bot.views.limits import shown_length
from storage.dto import MemberView
from storage.repositories.delegations import DelegationView

LABEL_MAX = 48


def _label(text: str, limit: int = LABEL_MAX) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def when_text(t: Translator, when: EventWhen) -> str:
    """«25 декабря 2026 г.» for a day, «25 декабря 2026 г., 10:00 (МСК)» with a time."""
    return t.datetime(when.at) if when.at is not None else t.date(when.day)


def _when(t: Translator, when: EventWhen) -> str:
    return when_text(t, when)


def basis_text(t: Translator, basis: Basis) -> Raw:
    return Raw(t("delegations.basis", number=basis.protocol_number, item=basis.item_number))


def state_label(t: Translator, d: DelegationView) -> str:
    """A status mark always comes with its word (UX.md)."""
    if d.status == Status.CANCELLED:
        return t("delegations.state_cancelled")
    if d.reported:
        return t("delegations.state_reported")
    return t("delegations.state_planned")


def _line(t: Translator, number: int, d: DelegationView) -> str:
    return t(
        "delegations.line",
        number=number,
        title=d.title,
        when=_when(t, event_when(d)),
        state=Raw(state_label(t, d)),
    )


def listing(t: Translator, shown: Listing, page: int) -> tuple[str, InlineKeyboardMarkup]:
    """Upcoming delegations, then past and cancelled ones; 10 a page (UX.md, Cards)."""
    items = [("upcoming", d) for d in shown.upcoming] + [("past", d) for d in shown.past]
    page, start, end = page_bounds(len(items), page)
    lines = [t("delegations.list_title")]
    if not items:
        lines += ["", t("delegations.list_empty")]
    section = ""
    for number, (part, d) in enumerate(items[start:end], start=start + 1):
        if part != section:
            section = part
            lines += ["", t(f"delegations.list_{part}")]
        lines.append(_line(t, number, d))
    rows: list[list[InlineKeyboardButton]] = [
        [
            button(
                _label(f"{number}. {d.title}"),
                DelegationCb(action="card", delegation=d.id, page=page),
            )
        ]
        for number, (_part, d) in enumerate(items[start:end], start=start + 1)
    ]
    rows.append(pager_row(page, len(items), DelegationCb, action="list"))
    if shown.may_manage:
        rows.append([button(t("delegations.add"), DelegationCb(action="new"))])
    return "\n".join(lines), markup(rows)


def facts(t: Translator, d: DelegationView, delegates: list[str], basis: Basis | None) -> list[str]:
    lines = [
        t("delegations.card_title", title=d.title),
        t("delegations.card_organiser", organiser=d.organiser),
        t("delegations.card_when", when=_when(t, event_when(d))),
        t("delegations.card_place", place=d.place),
        t("delegations.card_topic", topic=d.topic),
        t("delegations.card_delegates", delegates=", ".join(delegates) or "—"),
    ]
    if basis is not None:
        lines.append(t("delegations.card_basis", basis=basis_text(t, basis)))
    return lines


def card(t: Translator, shown: Card) -> tuple[str, InlineKeyboardMarkup]:
    d = shown.delegation
    lines = facts(t, d, shown.delegates, shown.basis)
    lines.append(t("delegations.card_state", state=Raw(state_label(t, d))))
    if d.reported and d.reported_at is not None:
        lines += [
            "",
            t(
                "delegations.card_report",
                by=shown.reporter or "—",
                date=t.date(d.reported_at),
            ),
        ]
        tail = []
        if d.report_document:
            tail.append(
                t("delegations.card_report_file", name=d.report_document.get("file_name") or "—")
            )
        if d.offered_at is not None:
            tail.append(t("delegations.card_offered"))
        if d.report_text:
            # The report is quoted in what room the card leaves (the whole text is kept).
            room = MESSAGE_LIMIT - shown_length("\n".join([*lines, *tail])) - 2
            if room > 1:
                excerpt = fits(d.report_text, min(CARD_EXCERPT, room))
                lines.append(t("delegations.card_report_text", text=excerpt))
        lines += tail
    rows: list[list[InlineKeyboardButton]] = []
    if shown.may_report:
        rows.append(
            [button(t("delegations.report"), DelegationCb(action="report", delegation=d.id))]
        )
    if d.report_document:
        rows.append([button(t("delegations.file"), DelegationCb(action="file", delegation=d.id))])
    if shown.may_manage:
        if d.status == Status.PLANNED and not d.reported:
            rows.append(
                [
                    button(t("delegations.move"), DelegationCb(action="move", delegation=d.id)),
                    button(t("delegations.cancel"), DelegationCb(action="cancel", delegation=d.id)),
                ]
            )
        if d.reported and d.offered_at is None:
            rows.append(
                [button(t("delegations.offer"), DelegationCb(action="offer", delegation=d.id))]
            )
    rows.append([button(t("delegations.to_list"), DelegationCb(action="list"))])
    return "\n".join(lines), markup(rows)


def cancel_question(t: Translator, d: DelegationView) -> tuple[str, InlineKeyboardMarkup]:
    text = t("delegations.cancel_question", title=d.title, when=_when(t, event_when(d)))
    return text, markup(
        [
            [
                button(t("delegations.confirm"), DelegationCb(action="cancel_ok", delegation=d.id)),
                button(t("delegations.back"), DelegationCb(action="card", delegation=d.id)),
            ]
        ]
    )


# The recording dialog
def delegate_picker(
    t: Translator, members: list[MemberView], picked: Collection[int], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """Members of the working group to tick; «Готово» once at least one is ticked."""
    page, start, end = page_bounds(len(members), page)
    rows: list[list[InlineKeyboardButton]] = []
    for m in members[start:end]:
        mark = "✅ " if m.person.id in picked else ""
        label = _label(mark + m.display_name + (f", {m.unit_name}" if m.unit_name else ""))
        rows.append([button(label, DelegationCb(action="pick", person=m.person.id, page=page))])
    rows.append(pager_row(page, len(members), DelegationCb, action="dpage"))
    rows.append([button(t("delegations.picked_done"), DelegationCb(action="picked"))])
    question = t("delegations.ask_delegates")
    if picked:
        question += "\n" + t.plural("delegations.picked_count", len(picked))
    return question, markup(rows)


def decision_picker(
    t: Translator, decisions: list[Decision], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    page, start, end = page_bounds(len(decisions), page)
    lines = [t("delegations.ask_basis")]
    rows: list[list[InlineKeyboardButton]] = []
    for decision in decisions[start:end]:
        b = decision.basis
        label = t.plain("delegations.decision_button", number=b.protocol_number, item=b.item_number)
        if decision.text:
            label += " — " + decision.text
        rows.append(
            [
                button(
                    _label(label),
                    DelegationCb(action="basis", protocol=b.protocol_id, item=b.item_number),
                )
            ]
        )
    rows.append(pager_row(page, len(decisions), DelegationCb, action="bpage"))
    rows.append([button(t("delegations.no_basis"), DelegationCb(action="basis"))])
    return "\n".join(lines), markup(rows)


def summary(t: Translator, shown: DraftSummary) -> tuple[str, InlineKeyboardMarkup]:
    draft = shown.draft
    lines = [
        t("delegations.summary_title"),
        "",
        t("delegations.card_title", title=draft.title),
        t("delegations.card_organiser", organiser=draft.organiser),
        t("delegations.card_when", when=_when(t, draft.when)),
        t("delegations.card_place", place=draft.place),
        t("delegations.card_topic", topic=draft.topic),
        t("delegations.card_delegates", delegates=", ".join(shown.delegates)),
        t(
            "delegations.card_basis",
            basis=basis_text(t, shown.basis)
            if shown.basis
            else Raw(t("delegations.no_basis_text")),
        ),
        "",
        t("delegations.summary_note"),
    ]
    keyboard = markup(
        [
            [
                button(t("delegations.confirm"), DelegationCb(action="ok")),
                button(t("delegations.dialog_cancel"), DelegationCb(action="no")),
            ]
        ]
    )
    return "\n".join(lines), keyboard


# Notices
def _open(t: Translator, d: DelegationView, *, report: bool = False) -> InlineKeyboardMarkup:
    rows = []
    if report:
        rows.append(
            [button(t("delegations.report"), DelegationCb(action="report", delegation=d.id))]
        )
    rows.append([button(t("delegations.open"), DelegationCb(action="card", delegation=d.id))])
    return markup(rows)


def _appointed(
    t: Translator, delegation: DelegationView, delegates: list[str], basis: Basis | None
) -> Rendered:
    lines = [t("delegations.appointed_title"), ""]
    lines += facts(t, delegation, delegates, basis)
    lines += ["", t("delegations.appointed_expect")]
    return Rendered("\n".join(lines), _open(t, delegation))


def _moved(t: Translator, delegation: DelegationView, before: EventWhen) -> Rendered:
    text = t(
        "delegations.moved_notice",
        title=delegation.title,
        before=_when(t, before),
        when=_when(t, event_when(delegation)),
    )
    return Rendered(text, _open(t, delegation))


def _cancelled(t: Translator, delegation: DelegationView) -> Rendered:
    text = t(
        "delegations.cancelled_notice",
        title=delegation.title,
        when=_when(t, event_when(delegation)),
    )
    return Rendered(text, _open(t, delegation))


def _asking(key: str) -> Renderer:
    def render(t: Translator, delegation: DelegationView) -> Rendered:
        text = t(
            key,
            title=delegation.title,
            organiser=delegation.organiser,
            when=_when(t, event_when(delegation)),
        )
        return Rendered(text, _open(t, delegation, report=True))

    return render


def _escalated(t: Translator, delegation: DelegationView, delegates: list[str]) -> Rendered:
    text = t(
        "delegations.escalated_notice",
        title=delegation.title,
        when=_when(t, event_when(delegation)),
        delegates=", ".join(delegates) or "—",
    )
    return Rendered(text, _open(t, delegation))


def _reported(t: Translator, delegation: DelegationView, by: str) -> Rendered:
    lines = [
        t(
            "delegations.reported_notice",
            title=delegation.title,
            when=_when(t, event_when(delegation)),
            by=by,
        )
    ]
    if delegation.report_text:
        lines += ["", escape(fits(delegation.report_text, NOTICE_EXCERPT), quote=False)]
    return Rendered("\n".join(lines), _open(t, delegation))


def _offer_title(t: Translator, delegation: DelegationView) -> str:
    return t.plain("delegations.offer_title_text", title=delegation.title)


def _offer_description(t: Translator, delegation: DelegationView, reporter: str) -> str:
    parts = [
        t.plain(
            "delegations.offer_description_text",
            organiser=delegation.organiser,
            when=when_text(t, event_when(delegation)),
            reporter=reporter,
        )
    ]
    if delegation.report_text:
        parts.append(delegation.report_text)
    return "\n\n".join(parts)


def _when_plain(t: Translator, when: EventWhen) -> str:
    return when_text(t, when)


RENDERERS: dict[str, Renderer] = {
    "delegations.when": _when_plain,
    "delegations.appointed": _appointed,
    "delegations.moved": _moved,
    "delegations.cancelled": _cancelled,
    "delegations.ask": _asking("delegations.ask_notice"),
    "delegations.remind": _asking("delegations.remind_notice"),
    "delegations.escalated": _escalated,
    "delegations.reported": _reported,
    "delegations.offer_title": _offer_title,
    "delegations.offer_description": _offer_description,
}
