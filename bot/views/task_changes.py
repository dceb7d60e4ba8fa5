"""Tasks decided again (cl. 4 д–е, 14): the decision picker, the confirmation of a change,
and the notices the owner receives (an extension, a cancellation, a report accepted or
returned)."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import TaskChangeCb
from bot.domain.task_changes import ChangeKind
from bot.i18n import Raw, Translator
from bot.keyboards import button, markup, page_bounds, pager_row
from bot.services.notifier import Rendered, Renderer
from bot.services.task_changes import ChangeSummary, DecisionRef
from bot.services.tasks import TaskInfo
from bot.views.tasks import change_basis, deadline_text, facts, open_keyboard, short
from storage.repositories.task_changes import TaskChangeView

LABEL = 60


def decision_label(t: Translator, decision: DecisionRef) -> str:
    label = t.plain(
        "task_changes.decision_button",
        number=decision.protocol_number,
        item=decision.item_number,
    )
    text = " ".join(decision.text.split())
    return short(f"{label}: {text}" if text else label, LABEL)


def decision_picker(
    t: Translator, task_id: int, decisions: list[DecisionRef], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """The decisions of signed protocols, a page at a time, and «Без решения» (the chair's,
    with a reason)."""
    page, start, end = page_bounds(len(decisions), page)
    rows = [
        [
            button(
                decision_label(t, d),
                TaskChangeCb(
                    action="basis", task=task_id, protocol=d.protocol_id, item=d.item_number
                ),
            )
        ]
        for d in decisions[start:end]
    ]
    rows.append(pager_row(page, len(decisions), TaskChangeCb, action="bpage", task=task_id))
    rows.append(
        [button(t("task_changes.no_decision"), TaskChangeCb(action="nobasis", task=task_id))]
    )
    text = t("task_changes.ask_basis")
    if not decisions:
        text += "\n" + t("task_changes.no_decisions_yet")
    return text, markup(rows)


def summary(t: Translator, s: ChangeSummary) -> tuple[str, InlineKeyboardMarkup]:
    task = s.info.task
    lines = [
        t(f"task_changes.summary_{s.kind.value}"),
        t("task_changes.summary_task", id=task.id, text=short(task.text, 200)),
    ]
    if s.kind is ChangeKind.EXTEND:
        lines.append(
            t(
                "task_changes.summary_deadline",
                old=deadline_text(t, task.deadline),
                new=deadline_text(t, s.new_deadline),
            )
        )
    if s.decision is not None:
        lines.append(
            t(
                "task_changes.summary_decision",
                number=s.decision.protocol_number,
                item=s.decision.item_number,
            )
        )
        if s.decision.text:
            lines.append(t("task_changes.summary_decided", text=short(s.decision.text, 300)))
    else:
        lines.append(t("task_changes.summary_reason", reason=s.reason or ""))
    lines += ["", t("task_changes.summary_owner_told")]
    rows = [
        [
            button(t("common.confirm"), TaskChangeCb(action="ok", task=task.id)),
            button(t("common.cancel"), TaskChangeCb(action="no", task=task.id)),
        ]
    ]
    return "\n".join(lines), markup(rows)


# Notices to the owner


def _basis(t: Translator, change: TaskChangeView) -> Raw:
    return (
        change_basis(t, change, None)
        if change.protocol_number
        else Raw(t("task_changes.by_chair_notice", reason=change.reason or ""))
    )


def extended(t: Translator, info: TaskInfo, change: TaskChangeView) -> str:
    return "\n".join(
        [
            t("task_changes.extend_title"),
            *facts(t, info),
            t("task_changes.notice_old_deadline", deadline=deadline_text(t, change.old_deadline)),
            t("task_changes.notice_basis", basis=_basis(t, change)),
        ]
    )


def cancelled(t: Translator, info: TaskInfo, change: TaskChangeView) -> str:
    return "\n".join(
        [
            t("task_changes.cancel_title"),
            *facts(t, info),
            t("task_changes.notice_basis", basis=_basis(t, change)),
            "",
            t("task_changes.cancel_hint"),
        ]
    )


def accepted(t: Translator, info: TaskInfo, change: TaskChangeView) -> str:
    return "\n".join([t("task_changes.accept_title"), *facts(t, info)])


def returned(t: Translator, info: TaskInfo, change: TaskChangeView) -> str:
    return "\n".join(
        [
            t("task_changes.return_title"),
            *facts(t, info),
            t("task_changes.notice_comment", comment=change.reason or ""),
            "",
            t("task_changes.return_hint"),
        ]
    )


def _with_card(text: Any) -> Renderer:
    def render(t: Translator, *, info: TaskInfo, change: TaskChangeView) -> Rendered:
        return Rendered(text(t, info, change), open_keyboard(t, info.id))

    return render


def _date(t: Translator, *, day: date) -> str:
    return t.date(day)


# The notices of tasks decided again, by name (joined in bot.views.notices).
RENDERERS: dict[str, Renderer] = {
    "task_changes.extend_notice": _with_card(extended),
    "task_changes.cancel_notice": _with_card(cancelled),
    "task_changes.accept_notice": _with_card(accepted),
    "task_changes.return_notice": _with_card(returned),
    "task_changes.date": _date,
}
