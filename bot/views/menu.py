"""The main menu and the greeting: only the sections the person's role may use."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import LangCb, MenuCb
from bot.domain.commands import commands_for
from bot.domain.roles import Capability, Role, Standing
from bot.domain.roster import in_roster_order
from bot.i18n import SUPPORTED, Translator
from bot.keyboards import button, markup


def role_name(t: Translator, role: Role | None, *, is_admin: bool = False) -> str:
    if role is None:
        return t("roles.admin") if is_admin else t("roles.none")
    return t(f"roles.{role.value}")


def holders_text(t: Translator, holders: Iterable[Role | str]) -> str:
    """Who may, as `bot.domain.roles.holders` names them: roles, then "admin"."""
    return ", ".join(
        role_name(t, None, is_admin=True) if h == "admin" else t(f"roles.{h}") for h in holders
    )


def roles_text(
    t: Translator, role: Role | None, extra: Iterable[Role] = (), *, is_admin: bool = False
) -> str:
    """The main role first, then the roles held besides it (cl. 7), in the roster's order."""
    others = set(extra) - {role} if role is not None else set(extra)
    names = [role_name(t, role, is_admin=is_admin)]
    names += [role_name(t, r) for r in in_roster_order(others)]
    return ", ".join(names)


def standing_roles(t: Translator, standing: Standing) -> str:
    return roles_text(t, standing.role, standing.extra_roles, is_admin=standing.is_admin)


def main_menu(t: Translator, standing: Standing) -> InlineKeyboardMarkup:
    rows = []
    if standing.can(Capability.MANAGE_ROSTER):
        rows.append(
            [
                button(t("menu.members"), MenuCb(section="members")),
                button(t("menu.invites"), MenuCb(section="invites")),
            ]
        )
        rows.append(
            [
                button(t("menu.composition"), MenuCb(section="composition")),
                button(t("menu.units"), MenuCb(section="units")),
            ]
        )
    if standing.can(Capability.BROADCAST):
        rows.append(
            [
                button(t("menu.broadcast"), MenuCb(section="broadcast")),
                button(t("menu.deliveries"), MenuCb(section="deliveries")),
            ]
        )
    if standing.can(Capability.SUBMIT_REPORT):
        rows.insert(0, [button(t("menu.report"), MenuCb(section="report"))])
    if standing.can(Capability.VIEW_REPORTS):
        rows.insert(0, [button(t("menu.reports"), MenuCb(section="reports"))])
    if standing.can(Capability.USE_BOT):
        rows[0:0] = [
            [
                button(t("menu.meetings"), MenuCb(section="meetings")),
                button(t("menu.agenda"), MenuCb(section="agenda")),
                button(t("menu.protocols"), MenuCb(section="protocols")),
            ],
            [
                button(t("menu.tasks"), MenuCb(section="tasks")),
                button(t("menu.plan"), MenuCb(section="plan")),
                button(t("menu.projects"), MenuCb(section="projects")),
                button(t("menu.documents"), MenuCb(section="documents")),
            ],
        ]
    # Delegations to outside events (cl. 16 б): everyone in the roster reads them.
    if standing.can(Capability.USE_BOT):
        rows.append([button(t("menu.delegations"), MenuCb(section="delegations"))])
    rows.append(
        [
            button(t("menu.help"), MenuCb(section="help")),
            button(t("menu.language"), MenuCb(section="language")),
        ]
    )
    return markup(rows)


def greeting(t: Translator, name: str, standing: Standing, unit: str | None) -> str:
    role = standing_roles(t, standing)
    if unit:
        return t("start.greeting_unit", name=name, role=role, unit=unit)
    return t("start.greeting", name=name, role=role)


def help_text(t: Translator, standing: Standing) -> str:
    lines = [t("help.title")]
    for command in commands_for(standing):
        lines.append(t("help.line", command=command, description=t(f"commands.{command}")))
    if not standing.can(Capability.USE_BOT):
        lines.append("")
        lines.append(t("gate.not_in_roster"))
    return "\n".join(lines)


def menu_text(t: Translator, name: str, standing: Standing) -> str:
    return t("menu.title", name=name, role=standing_roles(t, standing))


def language_picker(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[button(t(f"language.name_{code}"), LangCb(code=code))] for code in SUPPORTED]
    return t("language.pick"), markup(rows)
