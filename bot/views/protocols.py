"""Cards and notices of protocols."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import ProtocolCb
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.services.protocols import ProtocolState, ProtocolTexts
from bot.views.broadcasts import ack_keyboard
from bot.views.meetings import facts
from storage.repositories.meetings import MeetingView
from storage.repositories.protocols import DisagreementView, ProtocolView


def status(t: Translator, p: ProtocolView) -> str:
    return t(f"protocol.status_{p.status}")


def card(
    t: Translator,
    s: ProtocolState,
    *,
    is_secretariat: bool,
    is_presiding: bool,
    is_chair: bool,
) -> tuple[str, InlineKeyboardMarkup]:
    p = s.protocol
    lines = [
        t("protocol.card_title", number=p.number, title=s.meeting.title),
        t("protocol.card_status", status=status(t, p)),
    ]
    if s.version:
        lines.append(
            t("protocol.card_version", version=s.version.number, sha=s.version.sha256[:12])
        )
    if p.status == "consent":
        lines.append(t("protocol.card_consents", consented=s.consented, present=s.present))
    lines.append("")
    for item in s.content.items:
        lines.append(
            t(
                "protocol.summary_item",
                number=item.number,
                title=item.title,
                decided=item.decided or "—",
            )
        )
    open_ones = [d for d in s.disagreements if d.status == "open"]
    if open_ones:
        lines += ["", t("protocol.disagreements_title")]
        lines += [
            t("protocol.disagreement_line", item=d.item_number, reason=d.reason) for d in open_ones
        ]
    if p.status != "signed" and s.check.missing:
        lines += ["", t("protocol.missing_title")]
        lines += [t(f"protocol.missing_{m.value}") for m in s.check.missing]
        if s.silent_names and "consent" in {m.value for m in s.check.missing}:
            lines.append(t("protocol.silent", names=", ".join(s.silent_names)))
    rows = []
    if is_secretariat and p.status != "signed":
        rows += [
            [
                button(
                    t("protocol.edit_item", number=i.number),
                    ProtocolCb(action="item", protocol=p.id, arg=str(i.number)),
                )
            ]
            for i in s.content.items
        ]
        if s.version:
            rows.append(
                [button(t("protocol.request"), ProtocolCb(action="request", protocol=p.id))]
            )
    if is_chair:
        for d in open_ones:
            rows.append(
                [
                    button(
                        t("protocol.call_conciliation", item=d.item_number),
                        ProtocolCb(action="concil", disagreement=d.id, protocol=p.id),
                    )
                ]
            )
    if (is_chair or is_secretariat) and open_ones:
        for d in open_ones:
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
                    button(
                        t("protocol.withdrawn"),
                        ProtocolCb(
                            action="resolve", disagreement=d.id, protocol=p.id, arg="withdrawn"
                        ),
                    ),
                ]
            )
    if is_presiding and p.status == "consent":
        rows.append([button(t("protocol.sign"), ProtocolCb(action="sign", protocol=p.id))])
    if s.version:
        rows.append([button(t("protocol.get_docx"), ProtocolCb(action="docx", protocol=p.id))])
    return "\n".join(lines), markup(rows)


def listing(
    t: Translator, items: list[tuple[ProtocolView, MeetingView]]
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("protocol.list_title"), ""]
    if not items:
        lines.append(t("protocol.list_empty"))
    rows = []
    for p, m in items:
        lines.append(
            t("protocol.list_line", number=p.number, date=t.date(m.starts_at), status=status(t, p))
        )
        rows.append(
            [button(t("protocol.open", number=p.number), ProtocolCb(action="card", protocol=p.id))]
        )
    return "\n".join(lines), markup(rows)


def consent_request(t: Translator, p: ProtocolView, sha: str, summary: str) -> str:
    return "\n".join(
        [
            t("protocol.consent_request", number=p.number),
            "",
            summary,
            "",
            t("protocol.consent_hint", sha=sha[:12]),
        ]
    )


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


def objection_for_chair(t: Translator, p: ProtocolView, d: DisagreementView, name: str) -> str:
    return t(
        "protocol.objection_notice", number=p.number, name=name, item=d.item_number, reason=d.reason
    )


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


def conciliation_notice(t: Translator, p: ProtocolView, m: MeetingView) -> str:
    return "\n".join([t("protocol.conciliation_notice", number=p.number), *facts(t, m)])


def signed_notice(t: Translator, p: ProtocolView, m: MeetingView) -> str:
    return t("protocol.signed_notice", number=p.number, title=m.title, date=t.date(m.starts_at))


def consent_reminder(t: Translator, p: ProtocolView) -> str:
    return t("protocol.consent_reminder", number=p.number)


TEXTS = ProtocolTexts(
    consent_request=consent_request,
    consent_keyboard=consent_keyboard,
    objection_for_chair=objection_for_chair,
    conciliation_keyboard=conciliation_keyboard,
    conciliation_notice=conciliation_notice,
    signed_notice=signed_notice,
    ack_keyboard=ack_keyboard,
)
