"""Cards, lists and notices of tasks set by decisions (cl. 4 д–е)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import TaskCb, TaskChangeCb
from bot.domain.tasks import Scope, TaskState
from bot.i18n import Raw, Translator
from bot.keyboards import button, markup, page_bounds, pager_row
from bot.services.notifier import Rendered, Renderer
from bot.services.tasks import HistoryLine, OwnerChoices, TaskCard, TaskInfo, TaskList
from storage.repositories.task_changes import TaskChangeView

SHORT = 60


def short(text: str, limit: int = SHORT) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def state_label(t: Translator, state: TaskState) -> Raw:
    return Raw(t(f"tasks.state_{state.value}"))


def deadline_text(t: Translator, deadline: date | None) -> str:
    return t.date(deadline) if deadline is not None else t.plain("tasks.no_deadline")


def owner_text(t: Translator, info: TaskInfo) -> Raw:
    """The owner as the roster knows them, or the protocol's words marked as unknown."""
    if info.owner_known:
        return Raw(t("tasks.owner", owner=info.owner_name))
    return Raw(t("tasks.owner_unknown", owner=info.owner_name))


def source(t: Translator, info: TaskInfo) -> str:
    return t("tasks.source", number=info.task.protocol_number, item=info.task.item_number)


def facts(t: Translator, info: TaskInfo) -> list[str]:
    """What a notice says without opening the card: what, from which decision, by when, who."""
    return [
        t("tasks.text", text=info.task.text),
        source(t, info),
        t("tasks.card_deadline", deadline=deadline_text(t, info.task.deadline)),
        t("tasks.card_owner", owner=owner_text(t, info)),
    ]


# Lists


def listing(t: Translator, tasks: TaskList, page: int) -> tuple[str, InlineKeyboardMarkup]:
    page, start, end = page_bounds(len(tasks.items), page)
    lines = [t(f"tasks.list_{tasks.scope.value}"), ""]
    if not tasks.items:
        lines.append(t("tasks.list_empty_my" if tasks.scope is Scope.MY else "tasks.list_empty"))
    rows = []
    for number, info in enumerate(tasks.items[start:end], start=start + 1):
        lines.append(
            t(
                "tasks.list_line",
                number=number,
                state=state_label(t, info.state),
                text=short(info.task.text),
                deadline=deadline_text(t, info.task.deadline),
            )
        )
        rows.append(
            [
                button(
                    t.plain("tasks.open_line", number=number, text=short(info.task.text, 40)),
                    TaskCb(action="card", task=info.id),
                )
            ]
        )
    rows.append(pager_row(page, len(tasks.items), TaskCb, action=tasks.scope.value))
    if tasks.sees_all:
        rows.append(
            [
                button(
                    ("• " if scope is tasks.scope else "") + t(f"tasks.scope_{scope.value}"),
                    TaskCb(action=scope.value),
                )
                for scope in Scope
            ]
        )
    return "\n".join(lines), markup(rows)


# The card


def card(t: Translator, c: TaskCard) -> tuple[str, InlineKeyboardMarkup]:
    info, task = c.info, c.info.task
    lines = [
        t("tasks.card_title", id=task.id),
        t("tasks.text", text=task.text),
        "",
        t("tasks.card_owner", owner=owner_text(t, info)),
        t("tasks.card_deadline", deadline=deadline_text(t, task.deadline)),
        t("tasks.card_source", number=task.protocol_number, item=task.item_number),
        t("tasks.card_status", state=state_label(t, info.state)),
    ]
    if task.status == "done":
        if task.done_at is not None:
            lines.append(
                t("tasks.card_done", date=t.date(task.done_at), name=info.done_by_name or "—")
            )
        if task.report_text:
            lines.append(t("tasks.card_report", text=task.report_text))
        if task.report_document:
            lines.append(t("tasks.card_file", name=task.report_document.get("file_name") or "—"))
        lines.append(t("task_changes.card_accepted" if c.accepted else "task_changes.card_pending"))
    if c.history:
        lines += ["", t("task_changes.history_title")]
        lines += [history_line(t, h) for h in c.history]
    rows = []
    if c.may_report:
        rows.append([button(t("tasks.report"), TaskCb(action="report", task=task.id))])
    if c.may_assign:
        rows.append([button(t("tasks.assign"), TaskCb(action="assign", task=task.id))])
    if c.may_change:
        rows.append(
            [
                button(t("task_changes.extend"), TaskChangeCb(action="extend", task=task.id)),
                button(t("task_changes.cancel"), TaskChangeCb(action="cancel", task=task.id)),
            ]
        )
    if c.may_review:
        rows.append(
            [
                button(t("task_changes.accept"), TaskChangeCb(action="accept", task=task.id)),
                button(t("task_changes.return"), TaskChangeCb(action="return", task=task.id)),
            ]
        )
    rows.append([button(t("tasks.to_list"), TaskCb(action=Scope.MY.value))])
    return "\n".join(lines), markup(rows)


def change_basis(t: Translator, change: TaskChangeView, by_name: str | None) -> Raw:
    """Why a task was changed: the decision, or the chair's reason (cl. 4 д–е, 14)."""
    if change.protocol_number is not None:
        return Raw(
            t(
                "task_changes.by_decision",
                number=change.protocol_number,
                item=change.item_number or 0,
            )
        )
    return Raw(t("task_changes.by_chair", name=by_name or "—", reason=change.reason or ""))


def history_line(t: Translator, line: HistoryLine) -> str:
    """One change on the card: when, what, and the decision or the reason behind it."""
    change, name = line.change, line.by_name or "—"
    when = t.date(change.at)
    if change.kind == "extend":
        return t(
            "task_changes.history_extend",
            date=when,
            old=deadline_text(t, change.old_deadline),
            new=deadline_text(t, change.new_deadline),
            basis=change_basis(t, change, line.by_name),
        )
    if change.kind == "cancel":
        return t(
            "task_changes.history_cancel", date=when, basis=change_basis(t, change, line.by_name)
        )
    if change.kind == "accept":
        return t("task_changes.history_accept", date=when, name=name)
    return t("task_changes.history_return", date=when, name=name, comment=change.reason or "")


def report_summary(
    t: Translator, info: TaskInfo, comment: str, file_name: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        t("tasks.summary_title"),
        t("tasks.summary_task", id=info.id, text=short(info.task.text, 200)),
        t("tasks.summary_comment", comment=comment),
        t("tasks.summary_file", name=file_name) if file_name else t("tasks.summary_no_file"),
    ]
    rows = [
        [
            button(t("common.confirm"), TaskCb(action="confirm", task=info.id)),
            button(t("common.cancel"), TaskCb(action="cancel", task=info.id)),
        ]
    ]
    return "\n".join(lines), markup(rows)


def skip_keyboard(t: Translator, task_id: int) -> InlineKeyboardMarkup:
    return markup([[button(t("tasks.skip"), TaskCb(action="skip", task=task_id))]])


# Setting the owner (the secretariat)


def owner_menu(t: Translator, choices: OwnerChoices) -> tuple[str, InlineKeyboardMarkup]:
    info = choices.info
    text = "\n".join(
        [
            t("tasks.assign_title", id=info.id),
            t("tasks.text", text=info.task.text),
            t("tasks.card_owner", owner=owner_text(t, info)),
            "",
            t("tasks.assign_hint"),
        ]
    )
    rows = [
        [
            button(t("tasks.pick_unit"), TaskCb(action="units", task=info.id)),
            button(t("tasks.pick_person"), TaskCb(action="people", task=info.id)),
        ],
        [button(t("common.back"), TaskCb(action="card", task=info.id))],
    ]
    return text, markup(rows)


def units_picker(
    t: Translator, choices: OwnerChoices, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    units = choices.units
    page, start, end = page_bounds(len(units), page)
    lines = [t("tasks.units_title", id=choices.info.id)]
    if not units:
        lines.append(t("tasks.no_units"))
    rows = [
        [button(u.name, TaskCb(action="setu", task=choices.info.id, ref=u.id))]
        for u in units[start:end]
    ]
    rows.append(pager_row(page, len(units), TaskCb, action="units", task=choices.info.id))
    rows.append([button(t("common.back"), TaskCb(action="assign", task=choices.info.id))])
    return "\n".join(lines), markup(rows)


def people_picker(
    t: Translator, choices: OwnerChoices, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    people = choices.people
    page, start, end = page_bounds(len(people), page)
    rows = [
        [
            button(
                m.display_name + (f" ({m.unit_name})" if m.unit_name else ""),
                TaskCb(action="setp", task=choices.info.id, ref=m.person.id),
            )
        ]
        for m in people[start:end]
    ]
    rows.append(pager_row(page, len(people), TaskCb, action="people", task=choices.info.id))
    rows.append([button(t("common.back"), TaskCb(action="assign", task=choices.info.id))])
    return t("tasks.people_title", id=choices.info.id), markup(rows)


# Notices


def open_keyboard(t: Translator, task_id: int) -> InlineKeyboardMarkup:
    return markup([[button(t("tasks.open_card"), TaskCb(action="card", task=task_id))]])


def new_task(t: Translator, info: TaskInfo) -> str:
    return "\n".join([t("tasks.new_title"), *facts(t, info), "", t("tasks.report_hint")])


def reminder(t: Translator, info: TaskInfo, days: int) -> str:
    return "\n".join(
        [
            t("tasks.reminder_title"),
            *facts(t, info),
            t.plural("tasks.days_left", days),
            "",
            t("tasks.report_hint"),
        ]
    )


def overdue_staff(t: Translator, info: TaskInfo) -> str:
    return "\n".join([t("tasks.overdue_title"), *facts(t, info), "", t("tasks.overdue_staff_hint")])


def overdue_owner(t: Translator, info: TaskInfo) -> str:
    return "\n".join([t("tasks.overdue_title"), *facts(t, info), "", t("tasks.overdue_owner_hint")])


def unowned(t: Translator, number: str, infos: list[TaskInfo]) -> str:
    lines = [t("tasks.unowned_title"), t("tasks.unowned_intro", number=number)]
    lines += [
        t("tasks.unowned_line", id=i.id, text=short(i.task.text), owner=i.task.owner) for i in infos
    ]
    lines += ["", t("tasks.unowned_hint")]
    return "\n".join(lines)


def unowned_keyboard(t: Translator, infos: list[TaskInfo]) -> InlineKeyboardMarkup:
    return markup(
        [
            [button(t("tasks.open_numbered", id=i.id), TaskCb(action="card", task=i.id))]
            for i in infos
        ]
    )


def done_notice(t: Translator, info: TaskInfo) -> str:
    task = info.task
    lines = [
        t("tasks.done_title"),
        t("tasks.text", text=task.text),
        source(t, info),
        t(
            "tasks.done_by",
            name=info.done_by_name or "—",
            date=t.date(task.done_at) if task.done_at else "—",
        ),
        t("tasks.card_report", text=task.report_text or ""),
    ]
    return "\n".join(lines)


def agenda_offer(t: Translator, info: TaskInfo) -> tuple[str, str]:
    """Stored as the agenda item's own text, which the agenda escapes when it shows it."""
    task = info.task
    title = t.plain("tasks.offer_title", text=short(task.text, 150))
    description = t.plain(
        "tasks.offer_description",
        text=task.text,
        number=task.protocol_number,
        item=task.item_number,
        owner=info.owner_name,
        deadline=t.date(task.deadline) if task.deadline else t.plain("tasks.no_deadline"),
    )
    return title, description


def _with_card(text: Callable[..., str]) -> Renderer:
    """A notice about one task, with the button that opens its card."""

    def render(t: Translator, *, info: TaskInfo, **data: Any) -> Rendered:
        return Rendered(text(t, info, **data), open_keyboard(t, info.id))

    return render


def _unowned(t: Translator, *, number: str, infos: list[TaskInfo]) -> Rendered:
    return Rendered(unowned(t, number, infos), unowned_keyboard(t, infos))


def _offer_title(t: Translator, *, info: TaskInfo) -> str:
    return agenda_offer(t, info)[0]


def _offer_description(t: Translator, *, info: TaskInfo) -> str:
    return agenda_offer(t, info)[1]


# The notices of tasks, by name (joined in bot.views.notices).
RENDERERS: dict[str, Renderer] = {
    "tasks.new": _with_card(new_task),
    "tasks.reminder": _with_card(reminder),
    "tasks.overdue_owner": _with_card(overdue_owner),
    "tasks.overdue_staff": _with_card(overdue_staff),
    "tasks.done": _with_card(done_notice),
    "tasks.unowned": _unowned,
    "tasks.offer_title": _offer_title,
    "tasks.offer_description": _offer_description,
}
