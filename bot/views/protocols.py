"""Cards and notices of protocols."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import EdmsCb, ProtocolCb
from bot.domain import fields
from bot.domain.protocol import (
    MODES,
    ConsentEntry,
    InclusionVote,
    ItemRecord,
    Missing,
    SignatureCheck,
    acting_as,
)
from bot.domain.roles import Role
from bot.i18n import Translator
from bot.keyboards import button, markup, web_app_button
from bot.services.notifier import Rendered, Renderer
from bot.services.protocols.record import ProtocolState
from bot.views.broadcasts import ack_keyboard
from bot.views.group_scope import group_title, heading
from bot.views.limits import joined_within
from bot.views.meetings import facts
from storage.dto import MemberView
from storage.repositories.meetings import MeetingView
from storage.repositories.protocols import DisagreementView, ProtocolView


def status(t: Translator, p: ProtocolView) -> str:
    return t(f"protocol.status_{p.status}")


def held_on(m: MeetingView) -> datetime:
    """The day the meeting was actually held; the day it was called for until it opened."""
    return m.opened_at or m.starts_at


def consent_line(t: Translator, e: ConsentEntry) -> str:
    params: dict[str, object] = {
        "name": e.name,
        "mode": t.plain(f"protocol.mode_{e.mode}").lower() if e.mode in MODES else "—",
        "item": e.item_number or "—",
        "date": t.date(e.conciliation_on) if e.conciliation_on else "—",
    }
    return t(f"protocol.record_{e.state.value}", **params)


def card(
    t: Translator, s: ProtocolState, *, editor: str | None = None
) -> tuple[str, InlineKeyboardMarkup]:
    """The protocol as the viewer sees it, with the buttons of what they may do.

    `editor` is the Mini App's page of this protocol when a web_app button may go under the
    card (a private chat, WEBAPP_URL set: bot.keyboards.in_private): «Открыть в редакторе»
    for the secretariat on a draft, and for everyone on the signed protocol (read-only)."""
    p = s.protocol
    c = s.content
    lines = heading(t, s.meeting.group_kind, s.meeting.group_name)
    lines.append(t("protocol.card_title", number=p.number, title=s.meeting.title))
    if c.series == "conciliation":
        lines.append(t("protocol.card_conciliation"))
    elif c.extraordinary:
        lines.append(t("protocol.card_extraordinary"))
    hours = f"{c.meeting_time}–{c.closed_time}" if c.closed_time else c.meeting_time
    held = s.meeting.opened_at or s.meeting.starts_at
    lines.append(
        t("protocol.card_held", date=t.date(c.meeting_date), hours=hours, zone=t.zone_label(held))
    )
    lines.append(
        t(
            "protocol.card_quorum",
            present=c.present_members,
            total=c.total_members,
            verdict=t.plain("protocol.quorum_yes" if c.quorum else "protocol.quorum_no"),
        )
    )
    lines.append(t("protocol.card_status", status=status(t, p)))
    if s.version:
        lines.append(
            t("protocol.card_version", version=s.version.number, sha=s.version.sha256[:12])
        )
    if p.status == "consent":
        lines.append(t("protocol.card_consents", consented=s.consented, present=s.present))
    lines.append("")
    for item in c.items:
        lines.append(summary_item(t, item))
        if item.inclusion is not None:
            lines.append(vote_line(t, item.inclusion))
    if c.rejected:
        lines += ["", t("protocol.rejected_title")]
        for title, vote in c.rejected:
            lines += [t("protocol.rejected_item", title=title), vote_line(t, vote)]
    open_ones = [d for d in s.disagreements if d.status == "open"]
    if open_ones:
        lines += ["", t("protocol.disagreements_title")]
        for d in open_ones:
            lines.append(t("protocol.disagreement_line", item=d.item_number, reason=d.reason))
            concil = s.conciliations.get(d.id)
            if concil is not None:
                key = (
                    "protocol.conciliation_held"
                    if concil.status == "closed"
                    else "protocol.conciliation_set"
                )
                lines.append(t(key, when=t.datetime(held_on(concil))))
    if p.status == "signed" and s.consents:
        lines += ["", t("protocol.record_title")]
        lines += [consent_line(t, e) for e in s.consents]
    if p.status != "signed" and s.check.missing:
        lines += ["", t("protocol.missing_title")]
        lines += [t(key, **params) for key, params in _missing(s.check)]
        if s.silent_names and Missing.CONSENT in s.check.missing:
            lines.append(t("protocol.silent", names=", ".join(s.silent_names)))
    rows = []
    person_id = s.viewer_id
    if s.may_draft and p.status != "signed":
        rows += [
            [
                button(
                    t("protocol.edit_item", number=i.number),
                    ProtocolCb(action="item", protocol=p.id, arg=str(i.number)),
                )
            ]
            for i in c.items
        ]
        if s.version:
            rows.append(
                [button(t("protocol.request"), ProtocolCb(action="request", protocol=p.id))]
            )
    considering = s.considering is not None and s.considering.person.id == person_id
    for d in open_ones if p.status != "signed" else []:
        concil = s.conciliations.get(d.id)
        if considering and concil is None:
            rows.append(
                [
                    button(
                        t("protocol.call_conciliation", item=d.item_number),
                        ProtocolCb(action="concil", disagreement=d.id, protocol=p.id),
                    )
                ]
            )
        # The outcome is for whoever presided the conciliation meeting, once it was held.
        if (
            concil is not None
            and concil.status == "closed"
            and person_id is not None
            and concil.presiding_person_id == person_id
        ):
            rows.append(
                [
                    button(
                        t("protocol.resolved_changed"),
                        ProtocolCb(
                            action="resolve", disagreement=d.id, protocol=p.id, arg="changed"
                        ),
                    ),
                    button(
                        t("protocol.resolved_unchanged"),
                        ProtocolCb(
                            action="resolve", disagreement=d.id, protocol=p.id, arg="unchanged"
                        ),
                    ),
                ]
            )
        if person_id is not None and d.person_id == person_id:
            rows.append([withdraw_button(t, d)])
    if s.is_presiding and p.status == "consent":
        rows.append([button(t("protocol.sign"), ProtocolCb(action="sign", protocol=p.id))])
    if s.version:
        rows.append([button(t("protocol.get_docx"), ProtocolCb(action="docx", protocol=p.id))])
    if editor is not None and (p.status == "signed" or s.may_draft):
        rows.append([web_app_button(t.plain("webapp.open_in_editor"), editor)])
    if p.status == "signed" and s.may_draft:
        # The package for the document system (СЭД, issue #18 item 4).
        rows.append([button(t("edms.button"), EdmsCb(action="zip", protocol=p.id))])
    return "\n".join(lines), markup(rows)


# A card or a consent request lists every item's decision; each is quoted as an excerpt
# so that the message stays within Telegram's 4,096 characters (the full text is the
# protocol's document).
DECISION_EXCERPT = 300
# A notice quotes one objection, with a heading and a name around it.
REASON_EXCERPT = 3500


def summary_item(t: Translator, item: ItemRecord) -> str:
    decided = fields.fits(item.decided, DECISION_EXCERPT) if item.decided else "—"
    return t("protocol.summary_item", number=item.number, title=item.title, decided=decided)


def _missing(check: SignatureCheck) -> Iterator[tuple[str, dict[str, Any]]]:
    """What a signature still needs, as locale keys and their parameters."""
    for m in check.missing:
        if m is Missing.DECISION:
            yield (
                "protocol.missing_decision_items",
                {"items": ", ".join(str(n) for n in check.empty_items)},
            )
        else:
            yield f"protocol.missing_{m.value}", {}


def missing_reasons(t: Translator, check: SignatureCheck) -> str:
    """Why the protocol cannot be signed yet, in one line (the refusal's alert)."""
    # The card lists the reasons as bullets; one alert line joins them without the marks.
    return "; ".join(t.plain(key, **params).removeprefix("• ") for key, params in _missing(check))


def vote_line(t: Translator, v: InclusionVote) -> str:
    verdict = (
        t.plain(f"protocol.inclusion_{v.basis}")
        if v.included and v.basis in ("consensus", "majority")
        else t.plain("protocol.inclusion_included" if v.included else "protocol.inclusion_not")
    )
    return t(
        "protocol.vote_line",
        fr=v.votes_for,
        against=v.against,
        abstain=v.abstain,
        present=v.present,
        verdict=verdict,
    )


def withdraw_button(t: Translator, d: DisagreementView) -> InlineKeyboardButton:
    return button(
        t("protocol.withdraw", item=d.item_number),
        ProtocolCb(action="resolve", disagreement=d.id, protocol=d.protocol_id, arg="withdrawn"),
    )


def sign_confirm(t: Translator, s: ProtocolState) -> tuple[str, InlineKeyboardMarkup]:
    p = s.protocol
    version = s.version.number if s.version else 0
    text = t(
        "protocol.sign_confirm",
        number=p.number,
        version=version,
        sha=s.version.sha256[:12] if s.version else "—",
    )
    return text, markup(
        [
            [
                button(
                    t("protocol.sign_yes"),
                    ProtocolCb(action="signok", protocol=p.id, version=version),
                ),
                button(t("protocol.sign_no"), ProtocolCb(action="card", protocol=p.id)),
            ]
        ]
    )


def objected(
    t: Translator, d: DisagreementView, considering: MemberView | None
) -> tuple[str, InlineKeyboardMarkup]:
    if considering is None:
        text = t("protocol.objected_nobody")
    else:
        text = t(
            "protocol.objected_to",
            name=considering.display_name,
            role=t.plain(f"roles.{acting_as(considering.roles).value}"),
        )
    return text, markup([[withdraw_button(t, d)]])


def outcome_notice(t: Translator, protocol: ProtocolView, disagreement: DisagreementView) -> str:
    d = disagreement
    return t(
        f"protocol.outcome_notice_{d.status}",
        number=protocol.number,
        item=d.item_number,
        reason=fields.fits(d.reason, REASON_EXCERPT),
    )


def listing(
    t: Translator, items: list[tuple[ProtocolView, MeetingView]]
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("protocol.list_title"), ""]
    if not items:
        lines.append(t("protocol.list_empty"))
    rows = []
    for p, m in items:
        line = t(
            "protocol.list_line", number=p.number, date=t.date(held_on(m)), status=status(t, p)
        )
        group = group_title(t, m.group_kind, m.group_name)
        lines.append(line + t("group_scope.list_group", group=group) if group else line)
        label = t.plain("protocol.open", number=p.number)
        if group and m.group_name:
            # Each group numbers its protocols from 1 every year: the name tells them apart.
            label = fields.fits(f"{label} — {m.group_name}", 48)
        rows.append([button(label, ProtocolCb(action="card", protocol=p.id))])
    return "\n".join(lines), markup(rows)


def consent_request(
    t: Translator,
    protocol: ProtocolView,
    sha: str,
    items: Sequence[ItemRecord],
    subgroup: tuple[str | None, str | None] = (None, None),
) -> Rendered:
    """A version sent for consent: its decisions, its hash, and the two answers; a
    subgroup's protocol (cl. 10) names its group first."""
    head = [*heading(t, *subgroup), t("protocol.consent_request", number=protocol.number), ""]
    # The hash the members consent to is always shown, whatever the decisions' length.
    text = joined_within(
        [*head, *(summary_item(t, i) for i in items)],
        ["", t("protocol.consent_hint", sha=sha[:12])],
    )
    return Rendered(text, consent_keyboard(t, protocol))


def consent_request_card(t: Translator, s: ProtocolState) -> tuple[str, InlineKeyboardMarkup]:
    """The consent request again, for the current version (the one pressed was outdated)."""
    rendered = consent_request(
        t,
        s.protocol,
        s.version.sha256 if s.version else "",
        s.content.items,
        (s.content.subgroup_kind, s.content.subgroup_name),
    )
    return rendered.text, consent_keyboard(t, s.protocol)


def consent_keyboard(t: Translator, p: ProtocolView) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                button(
                    t("protocol.consent"),
                    ProtocolCb(action="consent", protocol=p.id, version=p.current_version),
                )
            ],
            [
                button(
                    t("protocol.objection"),
                    ProtocolCb(action="object", protocol=p.id, version=p.current_version),
                )
            ],
        ]
    )


def mode_keyboard(t: Translator, p: int, version: int) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                button(
                    t(f"protocol.mode_{m}"),
                    ProtocolCb(action="mode", protocol=p, version=version, arg=m),
                )
                for m in ("in_person", "video", "audio")
            ]
        ]
    )


def item_keyboard(t: Translator, p: int, version: int, count: int) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                button(
                    str(n), ProtocolCb(action="objitem", protocol=p, version=version, arg=str(n))
                )
                for n in range(1, count + 1)
            ]
        ]
    )


def objection_notice(
    t: Translator,
    protocol: ProtocolView,
    disagreement: DisagreementView,
    name: str,
    conciliation: bool,
) -> Rendered:
    """To the secretariat, and with the button that calls a conciliation meeting to whoever
    considers the objection."""
    d = disagreement
    text = t(
        "protocol.objection_notice",
        number=protocol.number,
        name=name,
        item=d.item_number,
        reason=fields.fits(d.reason, REASON_EXCERPT),
    )
    return Rendered(text, conciliation_keyboard(t, d) if conciliation else None)


def conciliation_keyboard(t: Translator, d: DisagreementView) -> InlineKeyboardMarkup:
    return markup(
        [
            [
                button(
                    t("protocol.call_conciliation", item=d.item_number),
                    ProtocolCb(action="concil", disagreement=d.id, protocol=d.protocol_id),
                )
            ]
        ]
    )


def conciliation_notice(t: Translator, protocol: ProtocolView, meeting: MeetingView) -> str:
    return "\n".join(
        [t("protocol.conciliation_notice", number=protocol.number), *facts(t, meeting)]
    )


def signed_notice(
    t: Translator, protocol: ProtocolView, meeting: MeetingView, broadcast: int | None = None
) -> Rendered:
    """The signed protocol: to a member with the acknowledgement button of its broadcast;
    to the group's chat without one."""
    text = t(
        "protocol.signed_notice",
        number=protocol.number,
        title=meeting.title,
        date=t.date(held_on(meeting)),
    )
    # A subgroup's protocol names its group first (cl. 10).
    text = "\n".join([*heading(t, meeting.group_kind, meeting.group_name), text])
    return Rendered(text, ack_keyboard(t, broadcast) if broadcast is not None else None)


def consent_reminder(t: Translator, p: ProtocolView) -> str:
    return t("protocol.consent_reminder", number=p.number)


# The notices the protocol services send, by name (joined in bot.views.notices).
RENDERERS: dict[str, Renderer] = {
    "protocols.consent_request": consent_request,
    "protocols.ask_mode": lambda t, protocol, version: Rendered(
        t("protocol.ask_mode"), mode_keyboard(t, protocol, version)
    ),
    "protocols.objection": objection_notice,
    "protocols.conciliation": conciliation_notice,
    "protocols.outcome": outcome_notice,
    "protocols.signed": signed_notice,
    "protocols.missing": missing_reasons,
    # Texts of the record itself, in the group's language.
    "protocols.role": lambda t, role: t(f"roles.{Role(role).value}"),
    # A subgroup's presiding person is its head (cl. 10).
    "protocols.subgroup_head": lambda t, kind: t(f"group_scope.head_of_{kind}"),
    "protocols.conciliation_title": lambda t, number, item: t(
        "protocol.conciliation_title", number=number, item=item
    ),
}
