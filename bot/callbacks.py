"""Inline button payloads: ids and short codes only (64 bytes, no free text).

Every payload class derives from `Payload`, which decodes a pressed button into typed
values within range: an id or page number outside what the database can hold (a forged or
corrupted button) does not decode, so no handler matches it and the press is answered as
out of date by the fallback router, instead of reaching the database and failing there.
"""

from __future__ import annotations

from typing import Any

from aiogram.filters.callback_data import CallbackData
from pydantic import field_validator

from bot.domain.agenda import Choice

# Integer primary keys are 32-bit on PostgreSQL (and every id, page and version we pack is
# one of those or smaller); 0 stands for "none".
MAX_ID = 2**31 - 1


class Payload(CallbackData, prefix="_"):
    """The base of every payload class: values out of range do not decode."""

    @field_validator("*", mode="after")
    @classmethod
    def _within_range(cls, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= MAX_ID:
            raise ValueError(f"{value} is outside 0..{MAX_ID}")
        return value


class MenuCb(Payload, prefix="m"):
    section: str


class LangCb(Payload, prefix="lg"):
    code: str


class MembersCb(Payload, prefix="mb"):
    """Roster actions; `role` is a Role value, `unit` a unit id (0 = none)."""

    action: str
    person: int = 0
    page: int = 0
    role: str = ""
    unit: int = 0


class InviteCb(Payload, prefix="iv"):
    action: str
    invite: int = 0
    role: str = ""
    unit: int = 0


class GuestCb(Payload, prefix="gs"):
    """Guests of one meeting (cl. 16 а): the organisers' list and the guest's own card."""

    action: str
    meeting: int = 0
    guest: int = 0
    page: int = 0


class UnitCb(Payload, prefix="un"):
    action: str
    unit: int = 0


class CompositionCb(Payload, prefix="cp"):
    """The approved composition (cl. 9): acts, including members by an act, a member's
    extra roles, invitation and removal by an act; `role` is a Role or act kind value."""

    action: str
    act: int = 0
    person: int = 0
    page: int = 0
    role: str = ""
    unit: int = 0


class BroadcastCb(Payload, prefix="bc"):
    action: str
    audience: str = ""
    unit: int = 0
    broadcast: int = 0
    page: int = 0


class AckCb(Payload, prefix="ack"):
    """ "Ознакомлен(а)" under a broadcast; acknowledges for whoever presses it."""

    broadcast: int


class LinkCb(Payload, prefix="lk"):
    action: str


class MeetingCb(Payload, prefix="mt"):
    """Meeting actions; `arg` is a short code (an RSVP answer, a format), never free text."""

    action: str
    meeting: int = 0
    arg: str = ""


class NewMeetingCb(Payload, prefix="nm"):
    """Steps of the /newmeeting dialog: format, quick date and time picks, confirmation."""

    action: str
    arg: str = ""


class AgendaCb(Payload, prefix="ag"):
    """Agenda actions; `version` ties a decision to the agenda the button was made for."""

    action: str
    meeting: int = 0
    item: int = 0
    version: int = 0


class VoteCb(Payload, prefix="vt"):
    item: int
    choice: Choice


class ProtocolCb(Payload, prefix="pr"):
    """Protocol actions; `version` binds a consent or objection to the text it was made on."""

    action: str
    protocol: int = 0
    version: int = 0
    arg: str = ""
    disagreement: int = 0


class TaskCb(Payload, prefix="tk"):
    """Tasks set by decisions: list pages, a task's card, its owner's completion report;
    `ref` is the unit or person chosen as a task's owner."""

    action: str
    task: int = 0
    page: int = 0
    ref: int = 0


class RegisterCb(Payload, prefix="rg"):
    """Registers of the work programme; `book` is measures/events/projects/documents."""

    action: str
    book: str = ""
    entry: int = 0
    page: int = 0
    arg: str = ""


class ReportCb(Payload, prefix="rp"):
    """Quarterly reporting: a cycle's card, a unit's submission."""

    action: str
    cycle: int = 0
    unit: int = 0
    page: int = 0


class TaskChangeCb(Payload, prefix="tc"):
    """Tasks decided again (cl. 4 д–е, 14): extend or cancel a task by a decision (`protocol`,
    `item`) or by the chair with a reason; accept or return a completion report."""

    action: str
    task: int = 0
    protocol: int = 0
    item: int = 0
    page: int = 0


class DocVersionCb(Payload, prefix="dv"):
    """Versions of a register entry's document (cl. 4 б, в, к, 5): add a draft, get a
    version's file, approve a draft by a decision (protocol, item)."""

    action: str
    entry: int = 0
    version: int = 0
    protocol: int = 0
    item: int = 0
    page: int = 0


class KpiCb(Payload, prefix="kp"):
    """Effectiveness indicators (cl. 3 в, 4 ж): `entry` is the project (0: the Plan),
    `kpi` the indicator; a value's button names both, and the service checks they agree."""

    action: str
    kpi: int = 0
    entry: int = 0
    arg: str = ""


class DelegationCb(Payload, prefix="dg"):
    """Delegations to outside events (cl. 16 б): the list, a card, the recording dialog's
    pickers (a delegate `person`, a decision `protocol` and `item`), move, cancel, report,
    offer to the agenda."""

    action: str
    delegation: int = 0
    page: int = 0
    person: int = 0
    protocol: int = 0
    item: int = 0


class SubgroupCb(Payload, prefix="sg"):
    """Expert groups and project committees (cl. 10): the list, a subgroup's card, the
    forming dialog (`protocol`, `item` name the decision), its people (`person`)."""

    action: str
    group: int = 0
    protocol: int = 0
    item: int = 0
    person: int = 0
    arg: str = ""


class ExportCb(Payload, prefix="ex"):
    """The secretariat's exports (issue #18 item 2): a table (`kind`), then a period button
    (`arg`: year, last, all) or a typed period."""

    action: str
    kind: str = ""
    arg: str = ""


class EdmsCb(Payload, prefix="ed"):
    """The signed protocol's package for the document system (СЭД, issue #18 item 4):
    `zip` sends it."""

    action: str
    protocol: int = 0


class EmailCb(Payload, prefix="em"):
    """E-mail addresses (issue #18 item 3): "person"/"pclear" set or clear a member's,
    "unit"/"uclear" a unit's; `page` is the roster page the member's card came from."""

    action: str
    person: int = 0
    unit: int = 0
    page: int = 0


class AnnualCb(Payload, prefix="ar"):
    """The annual report (issue #18 item 6): `get` sends the year's DOCX, `intro` begins the
    secretariat's dialog for the year's introduction."""

    action: str
    year: int = 0


class AuditCb(Payload, prefix="au"):
    """The audit log (issue #18 item 1): the list with its filters (a `person`, a `kind`,
    a period as two days `first`, `last` in YYYYMMDD), pickers, verify, CSV."""

    action: str
    page: int = 0
    person: int = 0
    kind: str = ""
    first: int = 0
    last: int = 0
