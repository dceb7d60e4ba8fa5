"""How a subgroup (cl. 10) is named on cards: «Проектный комитет «…»», «Экспертная группа
«…»»; the working group's own cards stay as they were."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import NewMeetingCb
from bot.domain.group_scope import is_subgroup
from bot.i18n import Translator
from bot.keyboards import button, markup
from storage.dto import GroupView


def group_title(t: Translator, kind: str | None, name: str | None) -> str | None:
    """A subgroup's title as a card's heading names it; None for the working group."""
    if kind is None or name is None or not is_subgroup(kind):
        return None
    return t.plain(f"group_scope.title_{kind}", name=name)


def heading(t: Translator, kind: str | None, name: str | None) -> list[str]:
    """The card's first line naming its subgroup, or nothing for the working group."""
    title = group_title(t, kind, name)
    return [t("group_scope.heading", group=title)] if title else []


def group_choice(t: Translator, groups: list[GroupView]) -> tuple[str, InlineKeyboardMarkup]:
    """/newmeeting for someone who may set meetings for several groups: which one."""
    rows = [
        [
            button(
                group_title(t, g.kind, g.name) or t.plain("group_scope.the_working_group"),
                NewMeetingCb(action="group", arg=str(g.id)),
            )
        ]
        for g in groups
    ]
    return t("group_scope.ask_group"), markup(rows)
