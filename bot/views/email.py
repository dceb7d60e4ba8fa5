"""E-mail (issue #18 item 3): subjects and plain-text bodies of the notices that also go by
e-mail, and the texts of the address dialogs on the member's and the unit's cards."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import EmailCb, MembersCb, UnitCb
from bot.domain.email import plain_text
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.views.protocols import held_on

MEETING_NEWS = ("new", "changed", "cancelled")

# A notice's subject line, by the notice's name: only these notices go by e-mail.
Subject = Callable[..., str]


def _protocol_subject(t: Translator, *, protocol: Any, meeting: Any, **_: Any) -> str:
    return t.plain("email.subject_protocol", number=protocol.number, date=t.date(held_on(meeting)))


def _meeting_subject(t: Translator, *, meeting: Any, kind: str, **_: Any) -> str:
    # "new", "changed" or "cancelled" (the invitation's kinds); any other reads as new.
    news = kind if kind in MEETING_NEWS else "new"
    return t.plain(
        f"email.subject_meeting_{news}", title=meeting.title, date=t.date(meeting.starts_at)
    )


def _task_subject(t: Translator, *, info: Any, **_: Any) -> str:
    task = info.task
    return t.plain(
        "email.subject_task_reminder",
        number=task.protocol_number,
        item=task.item_number,
        date=t.date(task.deadline) if task.deadline else "—",
    )


SUBJECTS: dict[str, Subject] = {
    "protocols.signed": _protocol_subject,
    "meetings.invitation": _meeting_subject,
    "meetings.guest_invitation": _meeting_subject,
    "tasks.reminder": _task_subject,
}


def email_body(t: Translator, telegram_text: str) -> str:
    """The notice as an e-mail reads it: plain text, and a footer naming the bot."""
    return plain_text(telegram_text) + "\n\n-- \n" + t.plain("email.footer")


# The address dialogs.


def ask_person_email(
    t: Translator, name: str, current: str | None, person: int, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    text = t("email.ask_person", name=name) + "\n" + _current(t, current)
    rows = []
    if current:
        rows.append([button(t("email.clear"), EmailCb(action="pclear", person=person, page=page))])
    rows.append([button(t("common.cancel"), MembersCb(action="open", person=person, page=page))])
    return text, markup(rows)


def ask_unit_email(
    t: Translator, name: str, current: str | None, unit: int
) -> tuple[str, InlineKeyboardMarkup]:
    text = t("email.ask_unit", name=name) + "\n" + _current(t, current)
    rows = []
    if current:
        rows.append([button(t("email.clear"), EmailCb(action="uclear", unit=unit))])
    rows.append([button(t("common.cancel"), UnitCb(action="open", unit=unit))])
    return text, markup(rows)


def _current(t: Translator, current: str | None) -> str:
    return t("email.current", address=current) if current else t("email.current_none")


def refusal(t: Translator, reason: str) -> str:
    return t(f"email.bad_{reason}")
