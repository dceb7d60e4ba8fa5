"""Cards of the roster: the composition, a member, structural units."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import CompositionCb, EmailCb, MembersCb, MenuCb, UnitCb
from bot.domain.roster import extra_role_toggles, in_roster_order, role_choices
from bot.i18n import Translator
from bot.keyboards import button, markup, page_bounds, pager_row
from bot.views.composition import act_title
from bot.views.menu import role_name, roles_text
from storage.dto import MemberView, UnitView


def member_line(t: Translator, member: MemberView) -> str:
    role = roles_text(t, member.role, member.extra_roles)
    if member.unit_name:
        line = t("roster.line_unit", name=member.display_name, role=role, unit=member.unit_name)
    else:
        line = t("roster.line", name=member.display_name, role=role)
    if not member.connected:
        # A member of the composition counts before joining the bot, but gets no messages.
        line += t("roster.not_connected_mark")
    elif member.person.blocked_bot_at is not None:
        # The secretariat needs to know who cannot be reached through the bot (cl. 15).
        line += t("roster.blocked_mark")
    return line


def members_card(
    t: Translator, members: list[MemberView], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    page, start, end = page_bounds(len(members), page)
    members_only = sum(1 for m in members if m.is_member)
    lines = [
        t("roster.title"),
        t.plural("roster.count", len(members))
        + " · "
        + t.plural("roster.members_count", members_only),
    ]
    waiting = sum(1 for m in members if not m.connected)
    if waiting:
        lines.append(t.plural("roster.not_connected_count", waiting))
    lines.append("")
    if not members:
        lines.append(t("roster.empty"))
    for number, member in enumerate(members[start:end], start=start + 1):
        lines.append(t("roster.numbered", number=number) + member_line(t, member))
    rows = [
        [button(member.display_name, MembersCb(action="open", person=member.person.id, page=page))]
        for member in members[start:end]
    ]
    rows.append(pager_row(page, len(members), MembersCb, action="page"))
    rows.append(
        [
            button(t("menu.invites"), MenuCb(section="invites")),
            button(t("menu.composition"), MenuCb(section="composition")),
        ]
    )
    return "\n".join(lines), markup(rows)


def member_card(t: Translator, member: MemberView, page: int) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        t("roster.card_title", name=member.display_name),
        t("roster.card_role", role=role_name(t, member.role)),
    ]
    if member.extra_roles:
        extra = in_roster_order(member.extra_roles)
        lines.append(t("roster.card_extra", roles=", ".join(role_name(t, r) for r in extra)))
    lines += [
        t("roster.card_unit", unit=member.unit_name or t("roster.no_unit")),
        t("roster.card_since", date=t.date(member.since)),
    ]
    if member.act is not None:
        act = act_title(t, member.act)
        if not member.act.complete:
            act += t("composition.incomplete_mark")
        lines.append(t("roster.card_act", act=act))
    elif member.is_member:
        lines.append(t("roster.card_no_act"))
    if not member.connected:
        lines.append(t("roster.card_not_connected"))
    elif member.person.full_name and member.person.full_name != member.person.telegram_name:
        lines.append(t("roster.card_telegram", name=member.person.telegram_name))
    lines.append(email_line(t, member.person.email))
    person = member.person.id
    rows = [
        [button(t("roster.change_role"), MembersCb(action="roles", person=person, page=page))],
        [button(t("roster.change_unit"), MembersCb(action="units", person=person, page=page))],
        [button(t("roster.extra_roles"), CompositionCb(action="extra", person=person, page=page))],
        [button(t("email.set"), EmailCb(action="person", person=person, page=page))],
    ]
    if not member.connected:
        rows.append(
            [button(t("roster.invite"), CompositionCb(action="invite", person=person, page=page))]
        )
    if member.is_member:
        remove = button(t("roster.withdraw"), CompositionCb(action="rm", person=person, page=page))
    else:
        remove = button(t("roster.remove"), MembersCb(action="remove", person=person, page=page))
    rows.append([remove])
    rows.append([button(t("common.back"), MembersCb(action="page", page=page))])
    return "\n".join(lines), markup(rows)


def extra_roles_picker(
    t: Translator, member: MemberView, page: int
) -> tuple[str, InlineKeyboardMarkup]:
    """Roles held besides the main one (cl. 6-7), each switched on or off by its button."""
    person = member.person.id
    rows = []
    for role, held in extra_role_toggles(member.role, member.extra_roles):
        mark = "✅ " if held else ""
        rows.append(
            [
                button(
                    mark + role_name(t, role),
                    CompositionCb(
                        action="extra_off" if held else "extra_on",
                        person=person,
                        page=page,
                        role=role.value,
                    ),
                )
            ]
        )
    rows.append([button(t("common.back"), MembersCb(action="open", person=person, page=page))])
    return t("roster.pick_extra", name=member.display_name), markup(rows)


def role_picker(t: Translator, member: MemberView, page: int) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [
            button(
                role_name(t, role),
                MembersCb(action="setrole", person=member.person.id, page=page, role=role.value),
            )
        ]
        for role in role_choices(member.role)
    ]
    rows.append(
        [button(t("common.back"), MembersCb(action="open", person=member.person.id, page=page))]
    )
    return t("roster.pick_role", name=member.display_name), markup(rows)


def unit_picker_for_member(
    t: Translator, member: MemberView, units: list[UnitView], page: int
) -> tuple[str, InlineKeyboardMarkup]:
    person = member.person.id
    rows = [
        [button(unit.name, MembersCb(action="setunit", person=person, page=page, unit=unit.id))]
        for unit in units
        if unit.id != member.unit_id
    ]
    if member.unit_id is not None:
        rows.append(
            [
                button(
                    t("roster.no_unit"),
                    MembersCb(action="setunit", person=person, page=page, unit=0),
                )
            ]
        )
    rows.append([button(t("common.back"), MembersCb(action="open", person=person, page=page))])
    text = t("roster.pick_unit", name=member.display_name)
    if not units:
        text += "\n" + t("units.none_yet")
    return text, markup(rows)


def confirm_keyboard(t: Translator, yes: MembersCb, no: MembersCb) -> InlineKeyboardMarkup:
    return markup([[button(t("common.confirm"), yes), button(t("common.cancel"), no)]])


def units_card(t: Translator, units: list[UnitView]) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("units.title"), ""]
    if not units:
        lines.append(t("units.none_yet"))
    for unit in units:
        lines.append(
            t("units.line", name=unit.name, count=t.plural("units.people", unit.member_count))
        )
    rows = [[button(unit.name, UnitCb(action="open", unit=unit.id))] for unit in units]
    rows.append([button(t("units.add"), UnitCb(action="add"))])
    return "\n".join(lines), markup(rows)


def unit_card(t: Translator, unit: UnitView) -> tuple[str, InlineKeyboardMarkup]:
    text = "\n".join(
        [
            t("units.card_title", name=unit.name),
            t.plural("units.people", unit.member_count),
            email_line(t, unit.email),
        ]
    )
    rows = [
        [button(t("email.set"), EmailCb(action="unit", unit=unit.id))],
        [button(t("units.archive"), UnitCb(action="archive", unit=unit.id))],
        [button(t("common.back"), UnitCb(action="list"))],
    ]
    return text, markup(rows)


def email_line(t: Translator, address: str | None) -> str:
    """The e-mail address as the member's and the unit's cards show it (issue #18 item 3)."""
    return t("email.card_line", address=address or t.plain("email.card_none"))
