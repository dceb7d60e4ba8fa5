"""Guests of a meeting (cl. 16 а): the organisers' list, the created link, the guest's card."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from bot.callbacks import GuestCb, MeetingCb
from bot.domain import fields
from bot.domain.guests import GuestCapacity, accepts_guests
from bot.i18n import Translator
from bot.keyboards import button, markup, page_bounds, pager_row
from bot.services.guests import GuestList, GuestVisit
from bot.services.notifier import Renderer
from bot.views.agenda import item_line
from bot.views.meetings import facts, status_label
from storage.repositories.guests import GuestView
from storage.repositories.meetings import MeetingView

# A revoke button names the guest; long names are cut so the button stays readable.
BUTTON_NAME_MAX = 40


def _short(name: str) -> str:
    return name if len(name) <= BUTTON_NAME_MAX else name[: BUTTON_NAME_MAX - 1] + "…"


# The capacity buttons of the invitation dialog (cl. 16 а, в): action → capacity.
CAPACITY_ACTIONS: dict[str, str] = {
    "asguest": GuestCapacity.GUEST.value,
    "asspec": GuestCapacity.SPECIALIST.value,
}


def is_specialist(guest: GuestView) -> bool:
    return guest.capacity == GuestCapacity.SPECIALIST


def _listed_name(t: Translator, guest: GuestView) -> str:
    """The name in the organisers' list, marked when an outside specialist (cl. 16 в)."""
    if is_specialist(guest):
        return t("guests.name_specialist", name=guest.full_name)
    return guest.full_name


def guest_line(t: Translator, guest: GuestView) -> str:
    name = _listed_name(t, guest)
    if guest.revoked_at is not None:
        return t("guests.line_revoked", name=name)
    if guest.used_at is not None:
        return t("guests.line_accepted", name=name, when=t.date(guest.used_at))
    return t("guests.line_waiting", name=name)


def list_card(t: Translator, found: GuestList, page: int = 0) -> tuple[str, InlineKeyboardMarkup]:
    meeting = found.meeting
    page, start, end = page_bounds(len(found.guests), page)
    shown = found.guests[start:end]
    lines = [
        t("guests.list_title", title=meeting.title),
        t("meetings.fact_when", when=t.datetime(meeting.starts_at)),
        "",
        t("guests.list_hint"),
        "",
    ]
    lines += [guest_line(t, g) for g in shown] or [t("guests.none")]
    rows = []
    if accepts_guests(meeting.status):
        rows.append([button(t("guests.invite"), GuestCb(action="new", meeting=meeting.id))])
        rows += [
            [
                button(
                    t("guests.revoke_one", name=_short(g.full_name)),
                    GuestCb(action="revoke", meeting=meeting.id, guest=g.id, page=page),
                )
            ]
            for g in shown
            if g.revoked_at is None
        ]
    rows.append(pager_row(page, len(found.guests), GuestCb, action="list", meeting=meeting.id))
    rows.append([button(t("common.back"), MeetingCb(action="card", meeting=meeting.id))])
    return "\n".join(lines), markup(rows)


def name_prompt(t: Translator, meeting_id: int) -> tuple[str, InlineKeyboardMarkup]:
    return t("guests.ask_name", max=fields.GUEST_NAME.max_length), markup(
        [[button(t("common.cancel"), GuestCb(action="list", meeting=meeting_id))]]
    )


def capacity_prompt(t: Translator, meeting_id: int, name: str) -> tuple[str, InlineKeyboardMarkup]:
    """After the name: a guest (cl. 16 а) or an outside specialist for this meeting (cl. 16 в)."""
    rows = [
        [button(t(f"guests.capacity_{action}"), GuestCb(action=action, meeting=meeting_id))]
        for action in CAPACITY_ACTIONS
    ]
    rows.append([button(t("common.cancel"), GuestCb(action="list", meeting=meeting_id))])
    return t("guests.ask_capacity", name=name), markup(rows)


def created_card(t: Translator, guest: GuestView, link: str) -> tuple[str, InlineKeyboardMarkup]:
    created = t("guests.created", name=guest.full_name)
    if is_specialist(guest):
        created += "\n" + t("guests.created_specialist")
    text = "\n".join([created, "", link, "", t("guests.how_to_share")])
    return text, markup(
        [
            [
                button(
                    t("guests.revoke"),
                    GuestCb(action="revoke", meeting=guest.meeting_id, guest=guest.id),
                )
            ],
            [button(t("guests.to_list"), GuestCb(action="list", meeting=guest.meeting_id))],
        ]
    )


def visit_card(t: Translator, visit: GuestVisit) -> tuple[str, InlineKeyboardMarkup]:
    """What the guest sees: the meeting's facts and, once approved, its agenda."""
    meeting = visit.meeting
    specialist = is_specialist(visit.guest)
    lines = [
        t("guests.visit_title_specialist" if specialist else "guests.visit_title"),
        *facts(t, meeting),
        t("meetings.fact_status", status=status_label(t, meeting)),
        "",
    ]
    if visit.agenda:
        lines.append(t("guests.agenda_title"))
        lines += [item_line(t, n, item) for n, item in enumerate(visit.agenda, 1)]
    else:
        lines.append(t("guests.agenda_not_yet"))
    lines += ["", t("guests.visit_rules_specialist" if specialist else "guests.visit_rules")]
    rows = []
    if meeting.status == "open":
        rows.append(
            [button(t("meetings.check_in"), GuestCb(action="checkin", guest=visit.guest.id))]
        )
    if any(item.document for item in visit.agenda):
        rows.append([button(t("guests.materials"), GuestCb(action="docs", guest=visit.guest.id))])
    rows.append([button(t("guests.refresh"), GuestCb(action="card", guest=visit.guest.id))])
    return "\n".join(lines), markup(rows)


def visits_card(
    t: Translator, name: str, visits: list[GuestVisit]
) -> tuple[str, InlineKeyboardMarkup]:
    """/start for a guest: the meetings they are invited to."""
    lines = [t("guests.greeting", name=name), ""]
    lines += [
        t(
            "guests.visit_line_specialist" if is_specialist(v.guest) else "guests.visit_line",
            title=v.meeting.title,
            when=t.datetime(v.meeting.starts_at),
        )
        for v in visits
    ]
    rows = [
        [button(_short(v.meeting.title), GuestCb(action="card", guest=v.guest.id))] for v in visits
    ]
    return "\n".join(lines), markup(rows)


def accepted(t: Translator, guest: GuestView, meeting: MeetingView) -> str:
    return t(
        "guests.accepted_notice",
        name=_listed_name(t, guest),
        title=meeting.title,
        when=t.datetime(meeting.starts_at),
    )


def revoked(t: Translator, meeting: MeetingView) -> str:
    return t("guests.revoked_notice", title=meeting.title, when=t.datetime(meeting.starts_at))


# Notices the guest service sends (see bot.views.notices).
RENDERERS: dict[str, Renderer] = {"guests.accepted": accepted, "guests.revoked": revoked}
