"""Cards of broadcasts: audience choice, preview, progress, delivery report, history."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import AckCb, BroadcastCb
from bot.delivery.policy import Status, fold_statuses
from bot.i18n import Raw, Translator
from bot.keyboards import PAGE_SIZE, button, markup
from bot.services.broadcasts import Audience, Draft, Progress, progress_of
from bot.services.notifier import Rendered, Renderer
from storage.dto import UnitView
from storage.repositories.broadcasts import BroadcastView, DeliveryLine

REPORT_LINES_IN_CARD = 40
STATUS_KEYS: dict[Status, str] = {
    Status.SENT: "broadcasts.status_sent",
    Status.BLOCKED: "broadcasts.status_blocked",
    Status.FAILED: "broadcasts.status_failed",
    Status.UNKNOWN: "broadcasts.status_unknown",
    Status.PENDING: "broadcasts.status_pending",
}


def ack_keyboard(t: Translator, broadcast_id: int) -> InlineKeyboardMarkup:
    return markup([[button(t("broadcasts.ack"), AckCb(broadcast=broadcast_id))]])


def message_text(t: Translator, draft: Draft) -> str:
    """What a recipient reads: the kind in bold, then the secretariat's text as written.

    The text is the HTML aiogram rebuilt from the author's message (its formatting kept,
    everything else escaped), hence Raw.
    """
    if not draft.text:
        return t("broadcasts.header")
    return t("broadcasts.message", body=Raw(draft.text))


def audience_label(t: Translator, audience: Audience, unit: str | None = None) -> str:
    if audience is Audience.UNIT and unit:
        return t("broadcasts.audience_unit_named", unit=unit)
    return t(f"broadcasts.audience_{audience.value}")


def audience_menu(
    t: Translator, counts: dict[Audience, int], chat_title: str | None, has_chat: bool
) -> tuple[str, InlineKeyboardMarkup]:
    rows = []
    for audience in (Audience.MEMBERS, Audience.SECRETARIAT, Audience.EVERYONE):
        label = t(
            "broadcasts.audience_count",
            label=audience_label(t, audience),
            count=counts.get(audience, 0),
        )
        rows.append([button(label, BroadcastCb(action="aud", audience=audience.value))])
    rows.append(
        [
            button(
                audience_label(t, Audience.UNIT),
                BroadcastCb(action="aud", audience=Audience.UNIT.value),
            )
        ]
    )
    if has_chat:
        rows.append(
            [
                button(
                    t("broadcasts.audience_chat_named", title=chat_title or "—"),
                    BroadcastCb(action="aud", audience=Audience.CHAT.value),
                )
            ]
        )
    rows.append([button(t("common.cancel"), BroadcastCb(action="cancel"))])
    return t("broadcasts.pick_audience"), markup(rows)


def unit_menu(t: Translator, units: list[UnitView]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(u.name, BroadcastCb(action="unit", audience=Audience.UNIT.value, unit=u.id))]
        for u in units
    ]
    rows.append([button(t("common.cancel"), BroadcastCb(action="cancel"))])
    text = t("broadcasts.pick_unit") if units else t("units.none_yet")
    return text, markup(rows)


def preview(
    t: Translator, draft: Draft, label: str, count: int, audience: Audience, unit_id: int
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("broadcasts.preview_title"), "", message_text(t, draft), ""]
    if draft.document:
        lines.append(t("broadcasts.preview_document", name=draft.document.get("file_name") or "—"))
    lines.append(
        t(
            "broadcasts.preview_audience",
            label=label,
            count=t.plural("broadcasts.recipients", count),
        )
    )
    confirm = BroadcastCb(action="confirm", audience=audience.value, unit=unit_id)
    return "\n".join(lines), markup(
        [
            [
                button(t("common.confirm"), confirm),
                button(t("common.cancel"), BroadcastCb(action="cancel")),
            ]
        ]
    )


def progress_text(t: Translator, broadcast: BroadcastView, progress: Progress) -> str:
    key = "broadcasts.progress_done" if progress.finished else "broadcasts.progress"
    return t(
        key,
        number=broadcast.id,
        sent=progress.sent,
        total=progress.total,
        blocked=progress.blocked,
        failed=progress.failed,
        unknown=progress.unknown,
    )


def report_lines(t: Translator, lines: list[DeliveryLine]) -> list[str]:
    out = []
    for line in lines:
        name = line.name or t("broadcasts.group_chat")
        if line.channel == "email":
            # The e-mail copy of a message (issue #18 item 3): its own line, by its channel.
            name = (line.name or line.address or "") + t.plain("email.channel_email")
        status = t(STATUS_KEYS[fold_statuses(line.statuses)])
        if line.acknowledged_at is not None:
            out.append(
                t(
                    "broadcasts.report_line_ack",
                    name=name,
                    status=status,
                    at=t.datetime(line.acknowledged_at),
                )
            )
        elif fold_statuses(line.statuses) is Status.FAILED and line.error:
            out.append(
                t("broadcasts.report_line_error", name=name, status=status, error=line.error)
            )
        else:
            out.append(t("broadcasts.report_line", name=name, status=status))
    return out


def report_text(t: Translator, broadcast: BroadcastView, lines: list[DeliveryLine]) -> str:
    """The full report, as sent to the author when the broadcast ends (split if long)."""
    return "\n".join(_report_head(t, broadcast, lines) + report_lines(t, lines))


def _report_head(t: Translator, broadcast: BroadcastView, lines: list[DeliveryLine]) -> list[str]:
    progress = progress_of(lines)
    return [
        t("broadcasts.report_title", number=broadcast.id, date=t.datetime(broadcast.created_at)),
        t(
            "broadcasts.report_counts",
            sent=progress.sent,
            total=progress.total,
            blocked=progress.blocked,
            failed=progress.failed,
            unknown=progress.unknown,
        ),
        t("broadcasts.report_acks", acked=progress.acknowledged, total=progress.total),
        "",
    ]


def report_card(
    t: Translator, broadcast: BroadcastView, lines: list[DeliveryLine], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    body = report_lines(t, lines)
    if len(body) > REPORT_LINES_IN_CARD:
        body = [
            *body[:REPORT_LINES_IN_CARD],
            t("broadcasts.report_more", count=len(body) - REPORT_LINES_IN_CARD),
        ]
    text = "\n".join(_report_head(t, broadcast, lines) + body)
    return text, markup(
        [
            [
                button(
                    t("broadcasts.refresh"),
                    BroadcastCb(action="open", broadcast=broadcast.id, page=page),
                )
            ],
            [button(t("common.back"), BroadcastCb(action="hist", page=page))],
        ]
    )


def history_card(
    t: Translator, broadcasts: list[BroadcastView], page: int, has_more: bool
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("broadcasts.history_title"), ""]
    if not broadcasts:
        lines.append(t("broadcasts.history_empty"))
    rows = []
    for b in broadcasts:
        state = t("broadcasts.state_done") if b.finished_at else t("broadcasts.state_running")
        label = t(
            "broadcasts.history_line",
            number=b.id,
            date=t.datetime(b.created_at),
            count=t.plural("broadcasts.recipients", b.total),
            state=state,
        )
        lines.append(label)
        rows.append(
            [
                button(
                    t("broadcasts.open", number=b.id),
                    BroadcastCb(action="open", broadcast=b.id, page=page),
                )
            ]
        )
    nav = []
    if page > 0:
        nav.append(button("◀", BroadcastCb(action="hist", page=page - 1)))
    if has_more:
        nav.append(button("▶", BroadcastCb(action="hist", page=page + 1)))
    rows.append(nav)
    return "\n".join(lines), markup(rows)


HISTORY_PAGE = PAGE_SIZE


def _message(t: Translator, *, draft: Draft, broadcast_id: int) -> Rendered:
    return Rendered(message_text(t, draft), ack_keyboard(t, broadcast_id))


# The notices of broadcasts, by name (joined in bot.views.notices).
RENDERERS: dict[str, Renderer] = {
    "broadcasts.message": _message,
    "broadcasts.progress": lambda t, *, broadcast, progress: progress_text(t, broadcast, progress),
    "broadcasts.report": lambda t, *, broadcast, lines: report_text(t, broadcast, lines),
}
