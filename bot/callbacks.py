"""Inline button payloads: ids and short codes only (64 bytes, no free text)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class MenuCb(CallbackData, prefix="m"):
    section: str


class LangCb(CallbackData, prefix="lg"):
    code: str


class MembersCb(CallbackData, prefix="mb"):
    """Roster actions; `role` is a Role value, `unit` a unit id (0 = none)."""

    action: str
    person: int = 0
    page: int = 0
    role: str = ""
    unit: int = 0


class InviteCb(CallbackData, prefix="iv"):
    action: str
    invite: int = 0
    role: str = ""
    unit: int = 0


class GuestCb(CallbackData, prefix="gs"):
    """Guests of one meeting (cl. 16 а): the organisers' list and the guest's own card."""

    action: str
    meeting: int = 0
    guest: int = 0
    page: int = 0


class UnitCb(CallbackData, prefix="un"):
    action: str
    unit: int = 0


class CompositionCb(CallbackData, prefix="cp"):
    """The approved composition (cl. 9): acts, including members by an act, a member's
    extra roles, invitation and removal by an act; `role` is a Role or act kind value."""

    action: str
    act: int = 0
    person: int = 0
    page: int = 0
    role: str = ""
    unit: int = 0


# The capability behind each family of buttons, so that a refusal can say "not allowed"
# rather than "stale" when the role is what is missing.
RESTRICTED_PREFIXES: dict[str, str] = {
    "mb": "manage_roster",
    "iv": "manage_roster",
    "un": "manage_roster",
    "cp": "manage_roster",
}


class BroadcastCb(CallbackData, prefix="bc"):
    action: str
    audience: str = ""
    unit: int = 0
    broadcast: int = 0
    page: int = 0


class AckCb(CallbackData, prefix="ack"):
    """ "Ознакомлен(а)" under a broadcast; acknowledges for whoever presses it."""

    broadcast: int


class LinkCb(CallbackData, prefix="lk"):
    action: str


RESTRICTED_PREFIXES.update({"bc": "broadcast", "lk": "link_chat"})


class MeetingCb(CallbackData, prefix="mt"):
    """Meeting actions; `arg` is a short code (an RSVP answer, a format), never free text."""

    action: str
    meeting: int = 0
    arg: str = ""


class NewMeetingCb(CallbackData, prefix="nm"):
    """Steps of the /newmeeting dialog: format, quick date and time picks, confirmation."""

    action: str
    arg: str = ""


RESTRICTED_PREFIXES.update({"nm": "schedule"})


class AgendaCb(CallbackData, prefix="ag"):
    """Agenda actions; `version` ties a decision to the agenda the button was made for."""

    action: str
    meeting: int = 0
    item: int = 0
    version: int = 0


class VoteCb(CallbackData, prefix="vt"):
    item: int
    choice: str


class ProtocolCb(CallbackData, prefix="pr"):
    """Protocol actions; `version` binds a consent or objection to the text it was made on."""

    action: str
    protocol: int = 0
    version: int = 0
    arg: str = ""
    disagreement: int = 0


class TaskCb(CallbackData, prefix="tk"):
    """Tasks set by decisions: list pages, a task's card, its owner's completion report;
    `ref` is the unit or person chosen as a task's owner."""

    action: str
    task: int = 0
    page: int = 0
    ref: int = 0


class RegisterCb(CallbackData, prefix="rg"):
    """Registers of the work programme; `book` is measures/events/projects/documents."""

    action: str
    book: str = ""
    entry: int = 0
    page: int = 0
    arg: str = ""


class ReportCb(CallbackData, prefix="rp"):
    """Quarterly reporting: a cycle's card, a unit's submission."""

    action: str
    cycle: int = 0
    unit: int = 0
    page: int = 0
