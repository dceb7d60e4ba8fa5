"""Cards of expert groups and project committees (cl. 10): the list, a subgroup's card, the
forming dialog's questions, and the notices about them. Every card names the group the
subgroup belongs to."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import MenuCb, SubgroupCb
from bot.domain import fields
from bot.domain.subgroups import SUBGROUP_NAME, SUBGROUP_PURPOSE, SUBGROUP_REPORT
from bot.i18n import Raw, Translator
from bot.keyboards import button, markup
from bot.services.notifier import Renderer
from bot.services.subgroups import Basis, Decision, Listed, SubgroupCard
from storage.dto import GroupView, InviteView, MemberView

LABEL = 60


def _label(text: str) -> str:
    return fields.fits(" ".join(text.split()), LABEL)


def kind_name(t: Translator, kind: str) -> str:
    return t(f"subgroups.kind_{kind}")


def title(t: Translator, group: GroupView) -> str:
    """«Проектный комитет «Единое окно»»."""
    return t("subgroups.name", kind=Raw(t(f"subgroups.heading_{group.kind}")), name=group.name)


def basis_text(t: Translator, basis: Basis | None) -> str:
    if basis is None:
        return t("subgroups.card_no_basis")
    return t(
        "subgroups.card_basis",
        number=basis.protocol_number,
        date=t.date(basis.held_on),
        item=basis.item_number,
    )


def _people(t: Translator, people: Sequence[MemberView]) -> str:
    if not people:
        return t("subgroups.nobody")
    return ", ".join(m.display_name for m in people)


def listing(
    t: Translator, items: Sequence[Listed], may_form: bool
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [t("subgroups.title"), ""]
    if not items:
        lines.append(t("subgroups.none_all" if may_form else "subgroups.none_mine"))
    rows: list[list[InlineKeyboardButton]] = []
    for item in items:
        lines.append("• " + title(t, item.group))
        rows.append(
            [button(_label(item.group.name), SubgroupCb(action="card", group=item.group.id))]
        )
    if may_form:
        rows.append([button(t("subgroups.form"), SubgroupCb(action="new"))])
    rows.append([button(t("common.back"), MenuCb(section="main"))])
    return "\n".join(lines), markup(rows)


def card(t: Translator, c: SubgroupCard) -> tuple[str, InlineKeyboardMarkup]:
    g = c.group
    lines = [
        f"<b>{title(t, g)}</b>",
        t("subgroups.card_parent", parent=c.parent.name),
        basis_text(t, c.basis),
        "",
        t("subgroups.card_purpose", purpose=g.purpose or ""),
        t(
            "subgroups.card_head",
            name=c.head.display_name if c.head else Raw(t("subgroups.nobody")),
        ),
        t("subgroups.card_members", names=Raw(_people(t, c.members))),
        t("subgroups.card_specialists", names=Raw(_people(t, c.specialists))),
    ]
    if g.dissolved_at is not None:
        lines += ["", t("subgroups.card_dissolved", date=t.date(g.dissolved_at))]
    rows: list[list[InlineKeyboardButton]] = []
    if c.may_report:
        rows.append([button(t("subgroups.report"), SubgroupCb(action="report", group=g.id))])
    if c.may_manage:
        rows.append(
            [
                button(t("subgroups.add_member"), SubgroupCb(action="add", group=g.id)),
                button(t("subgroups.add_specialist"), SubgroupCb(action="spec", group=g.id)),
            ]
        )
        rows.append(
            [
                button(t("subgroups.remove_member"), SubgroupCb(action="rm", group=g.id)),
                button(t("subgroups.dissolve"), SubgroupCb(action="dis", group=g.id)),
            ]
        )
    rows.append([button(t("subgroups.all"), SubgroupCb(action="list"))])
    return "\n".join(lines), markup(rows)


def menu_rows(t: Translator, items: Sequence[Listed]) -> list[list[InlineKeyboardButton]]:
    """/menu: a button per subgroup the person belongs to («Мои группы»)."""
    return [
        [
            button(
                t("subgroups.menu_button", name=_label(i.group.name)),
                SubgroupCb(action="card", group=i.group.id),
            )
        ]
        for i in items
    ]


def with_rows(
    base: InlineKeyboardMarkup, rows: list[list[InlineKeyboardButton]]
) -> InlineKeyboardMarkup:
    return markup([*rows, *base.inline_keyboard]) if rows else base


def outsider_menu(t: Translator, items: Sequence[Listed]) -> tuple[str, InlineKeyboardMarkup]:
    """The menu of someone outside the working group who is in a subgroup: an outside
    specialist (cl. 16 в) sees their subgroups, help and the language."""
    rows = menu_rows(t, items)
    rows.append(
        [
            button(t("menu.help"), MenuCb(section="help")),
            button(t("menu.language"), MenuCb(section="language")),
        ]
    )
    return t("subgroups.outsider_menu"), markup(rows)


# The forming dialog
def _cancel() -> list[InlineKeyboardButton]:
    return [button("✖", SubgroupCb(action="list"))]


def decision_picker(
    t: Translator, decisions: Sequence[Decision]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = []
    for d in decisions[:30]:
        b = d.basis
        label = t.plain("subgroups.decision_button", number=b.protocol_number, item=b.item_number)
        text = " ".join(d.text.split())
        rows.append(
            [
                button(
                    _label(f"{label}: {text}" if text else label),
                    SubgroupCb(action="dec", protocol=b.protocol_id, item=b.item_number),
                )
            ]
        )
    rows.append([button(t("common.cancel"), SubgroupCb(action="list"))])
    return t("subgroups.ask_decision"), markup(rows)


def kind_picker(t: Translator) -> tuple[str, InlineKeyboardMarkup]:
    rows = [
        [button(t(f"subgroups.heading_{kind}"), SubgroupCb(action="kind", arg=kind))]
        for kind in ("expert_group", "project_committee")
    ]
    rows.append([button(t("common.cancel"), SubgroupCb(action="list"))])
    return t("subgroups.ask_kind"), markup(rows)


def ask_name(t: Translator) -> str:
    return t("subgroups.ask_name", max=SUBGROUP_NAME.max_length)


def ask_purpose(t: Translator) -> str:
    return t("subgroups.ask_purpose", max=SUBGROUP_PURPOSE.max_length)


def ask_report(t: Translator, group: GroupView) -> str:
    return t("subgroups.ask_report", group=Raw(title(t, group)), max=SUBGROUP_REPORT.max_length)


def _person_rows(
    people: Sequence[MemberView], action: str, group: int = 0, chosen: Collection[int] = ()
) -> list[list[InlineKeyboardButton]]:
    return [
        [
            button(
                ("✅ " if m.person.id in chosen else "") + _label(m.display_name),
                SubgroupCb(action=action, group=group, person=m.person.id),
            )
        ]
        for m in people[:40]
    ]


def head_picker(t: Translator, people: Sequence[MemberView]) -> tuple[str, InlineKeyboardMarkup]:
    rows = _person_rows(people, "head")
    rows.append([button(t("common.cancel"), SubgroupCb(action="list"))])
    return t("subgroups.ask_head"), markup(rows)


def members_picker(
    t: Translator, people: Sequence[MemberView], chosen: Collection[int]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = _person_rows(people, "mem", chosen=chosen)
    rows.append([button(t("subgroups.members_done"), SubgroupCb(action="memok"))])
    rows.append([button(t("common.cancel"), SubgroupCb(action="list"))])
    return t("subgroups.ask_members"), markup(rows)


def summary(
    t: Translator,
    *,
    kind: str,
    name: str,
    purpose: str,
    basis: Basis,
    head: str,
    members: Sequence[str],
) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        t("subgroups.summary_title"),
        t("subgroups.name", kind=Raw(t(f"subgroups.heading_{kind}")), name=name),
        basis_text(t, basis),
        t("subgroups.card_purpose", purpose=purpose),
        t("subgroups.card_head", name=head),
        t("subgroups.card_members", names=", ".join(members) or Raw(t("subgroups.nobody"))),
    ]
    rows = [
        [
            button(t("subgroups.save"), SubgroupCb(action="save")),
            button(t("common.cancel"), SubgroupCb(action="list")),
        ]
    ]
    return "\n".join(lines), markup(rows)


# Managing its people
def add_picker(
    t: Translator, group: GroupView, people: Sequence[MemberView]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = _person_rows(people, "addp", group.id)
    rows.append([button(t("common.back"), SubgroupCb(action="card", group=group.id))])
    text = t("subgroups.ask_add", group=Raw(title(t, group)))
    if not people:
        text += "\n" + t("subgroups.nobody_to_add")
    return text, markup(rows)


def remove_picker(
    t: Translator, group: GroupView, people: Sequence[MemberView]
) -> tuple[str, InlineKeyboardMarkup]:
    rows = _person_rows(people, "rmp", group.id)
    rows.append([button(t("common.back"), SubgroupCb(action="card", group=group.id))])
    text = t("subgroups.ask_remove", group=Raw(title(t, group)))
    if not people:
        text += "\n" + t("subgroups.nobody_to_remove")
    return text, markup(rows)


def confirm_dissolve(t: Translator, group: GroupView) -> tuple[str, InlineKeyboardMarkup]:
    return t("subgroups.confirm_dissolve", group=Raw(title(t, group))), markup(
        [
            [
                button(t("common.confirm"), SubgroupCb(action="disok", group=group.id)),
                button(t("common.cancel"), SubgroupCb(action="card", group=group.id)),
            ]
        ]
    )


def ask_specialist(t: Translator, group: GroupView) -> tuple[str, InlineKeyboardMarkup]:
    return t(
        "subgroups.ask_specialist", group=Raw(title(t, group)), max=fields.PERSON_NAME.max_length
    ), markup([[button(t("common.cancel"), SubgroupCb(action="card", group=group.id))]])


def specialist_link(
    t: Translator, group: GroupView, invite: InviteView, link: str
) -> tuple[str, InlineKeyboardMarkup]:
    text = t(
        "subgroups.specialist_link",
        group=Raw(title(t, group)),
        name=invite.full_name or "",
        until=t.datetime(invite.expires_at),
        link=link,
    )
    return text, markup([[button(t("common.back"), SubgroupCb(action="card", group=group.id))]])


# Notices
def included(t: Translator, group: GroupView) -> str:
    return t("subgroups.included", group=Raw(title(t, group)))


def report_title(t: Translator, group: GroupView) -> str:
    return t.plain(
        "subgroups.report_title", kind=t.plain(f"subgroups.report_of_{group.kind}"), name=group.name
    )


def report_description(t: Translator, group: GroupView, author: str, text: str | None) -> str:
    if not text:
        return t.plain("subgroups.report_description_file", author=author)
    return t.plain("subgroups.report_description", author=author, text=text)


RENDERERS: dict[str, Renderer] = {
    "subgroups.included": included,
    "subgroups.report_title": report_title,
    "subgroups.report_description": report_description,
}
