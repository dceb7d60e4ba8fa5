"""Guests invited to one meeting (cl. 16 а): when their link works, what they may see."""

from __future__ import annotations

from enum import StrEnum

from bot.domain import fields
from bot.domain.roles import clean_name

# A meeting has guests while it is ahead or under way; closed or cancelled, it is over.
GUEST_MEETING_STATUSES: tuple[str, ...] = ("scheduled", "open")


class GuestLinkState(StrEnum):
    ACTIVE = "active"
    USED = "used"
    REVOKED = "revoked"
    MEETING_OVER = "meeting_over"


def guest_link_state(
    *, used: bool, revoked: bool, meeting_status: str, own: bool = False
) -> GuestLinkState:
    """A guest link is for one person and lives as long as its meeting is ahead or open.

    `own` is true when the account opening a used link is the one that used it: the guest
    opening their link again just sees the meeting.
    """
    if revoked:
        return GuestLinkState.REVOKED
    if not accepts_guests(meeting_status):
        return GuestLinkState.MEETING_OVER
    if used and not own:
        return GuestLinkState.USED
    return GuestLinkState.ACTIVE


def accepts_guests(meeting_status: str) -> bool:
    return meeting_status in GUEST_MEETING_STATUSES


def clean_guest_name(raw: str) -> str | None:
    """Name and organisation in one line, as protocols list invited guests: invisible
    characters removed, spaces folded; None when nothing visible is left or it is longer
    than a protocol's line allows."""
    return clean_name(raw, fields.GUEST_NAME)


class GuestCapacity(StrEnum):
    """In what capacity someone is invited to one meeting: a guest (cl. 16 а) or an outside
    specialist brought in for that meeting (cl. 16 в). Neither votes or counts for quorum."""

    GUEST = "guest"
    SPECIALIST = "specialist"


def parse_capacity(raw: str) -> GuestCapacity | None:
    """The capacity a button names, or None for a value we never offered (a forged one)."""
    try:
        return GuestCapacity(raw)
    except ValueError:
        return None


def protocol_guest_name(full_name: str, capacity: str, specialist_label: str) -> str:
    """How the protocol's «Приглашённые» list names an invited person: a guest by name and
    organisation as before (old protocols keep their text and hash), an outside specialist
    (cl. 16 в) with the capacity they took part in."""
    if capacity == GuestCapacity.SPECIALIST:
        return f"{full_name} — {specialist_label}"
    return full_name
