"""Cards of invitations: the pending list, the role and unit pickers, the created link."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import InviteCb
from bot.domain import fields
from bot.domain.roles import ROSTER_ROLES, Role
from bot.domain.roster import needs_unit
from bot.i18n import Translator
from bot.keyboards import button, markup
from bot.views.menu import role_name
from storage.dto import InviteView, UnitView


def invite_summary(t: Translator, invite: InviteView) -> str:
    parts = [role_name(t, invite.role)]
    if invite.unit_name:
        parts.append(invite.unit_name)
    if invite.full_name:
        parts.append(invite.full_name)
    return t("invites.summary", what=", ".join(parts), until=t.datetime(invite.expires_at))


def invites_card(t: Translator, invites: list[InviteView]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("invites.title"), ""]
    if not invites:
        lines.append(t("invites.none_pending"))
    for invite in invites:
        lines.append(invite_summary(t, invite))
    rows = [[button(t("invites.new"), InviteCb(action="new"))]]
    rows += [
        [
            button(
                t("invites.revoke_one", number=str(invite.id)),
                InviteCb(action="revoke", invite=invite.id),
            )
        ]
        for invite in invites
    ]
    return "\n".join(lines), markup(rows)


def role_choice(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(role_name(t, role), InviteCb(action="role", role=role.value))]
        for role in ROSTER_ROLES
    ]
    rows.append([button(t("common.cancel"), InviteCb(action="list"))])
    return t("invites.pick_role"), markup(rows)


def unit_choice(
    t: Translator, role: Role, units: list[UnitView]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(unit.name, InviteCb(action="unit", role=role.value, unit=unit.id))]
        for unit in units
    ]
    if not needs_unit(role):
        rows.append([button(t("roster.no_unit"), InviteCb(action="unit", role=role.value, unit=0))])
    rows.append([button(t("common.cancel"), InviteCb(action="list"))])
    text = t("invites.pick_unit", role=role_name(t, role))
    if not units:
        text += "\n" + t("units.none_yet")
    return text, markup(rows)


def name_prompt(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    return t("invites.ask_name", max=fields.PERSON_NAME.max_length), markup(
        [
            [button(t("invites.skip_name"), InviteCb(action="noname"))],
            [button(t("common.cancel"), InviteCb(action="list"))],
        ]
    )


def confirm_replace(t: Translator, holder: str, role: Role) -> tuple[str, InlineKeyboardMarkup]:
    return t("invites.confirm_replace", holder=holder, role=role_name(t, role)), markup(
        [
            [
                button(t("common.confirm"), InviteCb(action="confirm")),
                button(t("common.cancel"), InviteCb(action="list")),
            ]
        ]
    )


def created_card(t: Translator, invite: InviteView, link: str) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(
        [t("invites.created"), invite_summary(t, invite), "", link, "", t("invites.how_to_share")]
    )
    return text, markup(
        [
            [button(t("invites.revoke"), InviteCb(action="revoke", invite=invite.id))],
            [button(t("menu.invites"), InviteCb(action="list"))],
        ]
    )
