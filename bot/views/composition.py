"""Cards of the approved composition (cl. 9): the acts, one act, the dialogs' questions."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import CompositionCb, MembersCb
from bot.domain import fields
from bot.domain.composition import INCLUDED_ROLES, ActKind
from bot.domain.roles import Role
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.views.menu import role_name
from storage.dto import CompositionActView, MemberView, UnitView

# A removal names a recent act; older ones are reached through /composition.
ACT_CHOICES = 8


def kind_name(t: Translator, kind: str) -> str:
    return t(f"composition.kind_{kind}")


def act_title(t: Translator, act: CompositionActView) -> str:
    """«приказ № 12 от 1 декабря 2026 г.»; the initial act says what it lacks."""
    kind = kind_name(t, act.kind)
    if act.number and act.signed_on:
        return t("composition.act_title", kind=kind, number=act.number, date=t.date(act.signed_on))
    return t("composition.act_title_incomplete", kind=kind)


def acts_card(
    t: Translator, acts: list[CompositionActView], members: list[MemberView]
) -> tuple[str, InlineKeyboardMarkup]:
    in_composition = [m for m in members if m.is_member]
    waiting = sum(1 for m in in_composition if not m.connected)
    lines = [
        t("composition.title"),
        t.plural("composition.members_total", len(in_composition)),
    ]
    if waiting:
        lines.append(t.plural("composition.not_connected_total", waiting))
    lines.append("")
    if not acts:
        lines.append(t("composition.no_acts"))
    for act in acts:
        line = t(
            "composition.act_line",
            act=act_title(t, act),
            included=act.included,
            removed=act.removed,
        )
        if not act.complete:
            line += t("composition.incomplete_mark")
        lines.append(line)
    rows = [[button(_short(t, act), CompositionCb(action="act", act=act.id))] for act in acts]
    rows.append([button(t("composition.new_act"), CompositionCb(action="new"))])
    rows.append([button(t("menu.members"), MembersCb(action="page"))])
    return "\n".join(lines), markup(rows)


def _short(t: Translator, act: CompositionActView) -> str:
    title = act_title(t, act)
    return ("⚠️ " + title) if not act.complete else title


def act_card(t: Translator, act: CompositionActView) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        t("composition.act_card_title", act=act_title(t, act)),
        t("composition.card_kind", kind=kind_name(t, act.kind)),
        t("composition.card_number", number=act.number or t("composition.not_given")),
        t(
            "composition.card_date",
            date=t.date(act.signed_on) if act.signed_on else t("composition.not_given"),
        ),
        t(
            "composition.card_file",
            file=(act.document or {}).get("file_name") or t("composition.no_file"),
        ),
        t("composition.card_counts", included=act.included, removed=act.removed),
    ]
    rows = []
    if not act.complete:
        lines += ["", t("composition.incomplete_hint")]
        rows.append([button(t("composition.complete"), CompositionCb(action="edit", act=act.id))])
    else:
        rows.append([button(t("composition.include"), CompositionCb(action="include", act=act.id))])
        rows.append([button(t("composition.edit"), CompositionCb(action="edit", act=act.id))])
    if act.document:
        rows.append([button(t("composition.show_file"), CompositionCb(action="file", act=act.id))])
    rows.append([button(t("common.back"), CompositionCb(action="list"))])
    return "\n".join(lines), markup(rows)


def cancel_row(t: Translator) -> list[Any]:
    return [button(t("common.cancel"), CompositionCb(action="list"))]


def kind_question(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(kind_name(t, kind.value), CompositionCb(action="kind", role=kind.value))]
        for kind in ActKind
    ]
    rows.append(cancel_row(t))
    return t("composition.ask_kind"), markup(rows)


def number_question(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    return t("composition.ask_number", max=fields.ACT_NUMBER.max_length), markup([cancel_row(t)])


def date_question(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    return t("composition.ask_date"), markup([cancel_row(t)])


def file_question(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    return t("composition.ask_file"), markup(
        [[button(t("composition.skip_file"), CompositionCb(action="nofile"))], cancel_row(t)]
    )


def act_summary(
    t: Translator, kind: str, number: str, signed_on: date, file_name: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(
        [
            t("composition.confirm_act"),
            t("composition.card_kind", kind=kind_name(t, kind)),
            t("composition.card_number", number=number),
            t("composition.card_date", date=t.date(signed_on)),
            t("composition.card_file", file=file_name or t("composition.no_file")),
        ]
    )
    return text, markup(
        [
            [
                button(t("common.confirm"), CompositionCb(action="save")),
                button(t("common.cancel"), CompositionCb(action="list")),
            ]
        ]
    )


def name_question(t: Translator, act: CompositionActView) -> tuple[str, InlineKeyboardMarkup]:
    return t(
        "composition.ask_name", act=act_title(t, act), max=fields.PERSON_NAME.max_length
    ), markup([cancel_row(t)])


def role_question(t: Translator, name: str) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(role_name(t, role), CompositionCb(action="role", role=role.value))]
        for role in INCLUDED_ROLES
    ]
    rows.append(cancel_row(t))
    return t("composition.ask_role", name=name), markup(rows)


def unit_question(
    t: Translator, name: str, units: list[UnitView]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[button(u.name, CompositionCb(action="unit", unit=u.id))] for u in units]
    rows.append([button(t("roster.no_unit"), CompositionCb(action="unit", unit=0))])
    rows.append(cancel_row(t))
    return t("composition.ask_unit", name=name), markup(rows)


def include_summary(
    t: Translator,
    act: CompositionActView,
    name: str,
    role: Role,
    unit: str | None,
    holder: str | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        t("composition.confirm_include"),
        t("composition.summary_name", name=name),
        t("roster.card_role", role=role_name(t, role)),
        t("roster.card_unit", unit=unit or t("roster.no_unit")),
        t("composition.summary_act", act=act_title(t, act)),
    ]
    if holder is not None:
        lines += ["", t("composition.confirm_replace", holder=holder, role=role_name(t, role))]
    action = "include_ok_replace" if holder is not None else "include_ok"
    return "\n".join(lines), markup(
        [
            [
                button(t("common.confirm"), CompositionCb(action=action)),
                button(t("common.cancel"), CompositionCb(action="list")),
            ]
        ]
    )


def removal_acts(
    t: Translator, member: MemberView, acts: list[CompositionActView], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """Which act withdraws the member (cl. 9): recent acts with number and date."""
    person = member.person.id
    usable = [a for a in acts if a.complete][:ACT_CHOICES]
    rows = [
        [
            button(
                act_title(t, act),
                CompositionCb(action="rm_act", person=person, act=act.id, page=page),
            )
        ]
        for act in usable
    ]
    rows.append([button(t("common.back"), MembersCb(action="open", person=person, page=page))])
    text = t("composition.pick_removal_act", name=member.display_name)
    if not usable:
        text += "\n\n" + t("composition.no_complete_acts")
    return text, markup(rows)


def removal_confirm(
    t: Translator, member: MemberView, act: CompositionActView, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    person = member.person.id
    text = t(
        "composition.confirm_removal",
        name=member.display_name,
        role=role_name(t, member.role),
        act=act_title(t, act),
    )
    return text, markup(
        [
            [
                button(
                    t("common.confirm"),
                    CompositionCb(action="rm_ok", person=person, act=act.id, page=page),
                ),
                button(t("common.cancel"), MembersCb(action="open", person=person, page=page)),
            ]
        ]
    )
