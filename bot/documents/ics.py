"""iCalendar (RFC 5545 / iTIP RFC 5546) files for meeting invitations and cancellations.

Calendar clients match an update to the event they already hold by UID and apply it
only when SEQUENCE is higher, so the UID must be stable per meeting and the caller
raises SEQUENCE on every reschedule or cancellation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from icalendar import STATUS, Event, vCalAddress

PRODID = "-//wg-bot//Working group meetings//EN"
DEFAULT_DOMAIN = "wg-bot.local"
REMINDER_BEFORE = timedelta(hours=1)

# Characters Windows, macOS or Linux refuse in file names; Telegram keeps the name
# we send, so a title like "Итоги 1/2: бюджет" must not turn into a path.
_ILLEGAL_FILENAME_CHARS = re.compile(r'[<>:"/\\|?*]')
_MAX_FILENAME_CHARS = 80
_FALLBACK_TITLE = "meeting"


@dataclass(frozen=True)
class MeetingInvite:
    uid: str
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    location: str | None
    url: str | None
    description: str | None
    organizer_name: str | None
    dtstamp: datetime


def meeting_uid(meeting_id: int, domain: str = DEFAULT_DOMAIN) -> str:
    """UID that stays the same for the meeting's whole life, across reschedules."""
    return f"meeting-{meeting_id}@{domain}"


def invitation_ics(invite: MeetingInvite) -> bytes:
    """METHOD:REQUEST calendar that adds or updates the meeting in the user's calendar."""
    # icalendar is loaded when the first file is made, not by an idle bot (issue #15 item 9).
    from icalendar import STATUS, Alarm

    event = _event(invite, STATUS.CONFIRMED)
    # Relative trigger so the reminder follows the meeting if it is rescheduled.
    event.add_component(
        Alarm.new_display(description=invite.title.strip(), trigger=-REMINDER_BEFORE)
    )
    return _calendar("REQUEST", event)


def cancellation_ics(invite: MeetingInvite) -> bytes:
    """METHOD:CANCEL calendar; clients drop the event with the same UID.

    The caller passes the SEQUENCE already raised above the last invitation sent,
    otherwise clients treat the cancellation as stale and ignore it.
    """
    from icalendar import STATUS

    # No VALARM: a reminder for a cancelled meeting would only mislead.
    return _calendar("CANCEL", _event(invite, STATUS.CANCELLED))


def feed_ics(invites: list[MeetingInvite]) -> bytes:
    """METHOD:PUBLISH calendar of several meetings (the /calendar feed, issue #18): each
    event with the UID and SEQUENCE of its invitations, so that calendars merge them."""
    from icalendar import STATUS, Alarm

    events = []
    for invite in invites:
        event = _event(invite, STATUS.CONFIRMED)
        event.add_component(
            Alarm.new_display(description=invite.title.strip(), trigger=-REMINDER_BEFORE)
        )
        events.append(event)
    return _calendar("PUBLISH", *events)


def ics_filename(title: str, starts_local: date) -> str:
    """Human file name such as «Заседание 25.12.2026.ics», safe on every OS."""
    # NFC so a decomposed "й" (и + combining breve) is one character, not two.
    text = unicodedata.normalize("NFC", title)
    chars: list[str] = []
    for ch in text:
        if ch.isspace() or _ILLEGAL_FILENAME_CHARS.fullmatch(ch):
            # A line break in a title still separates words in the file name.
            chars.append(" ")
        # Control, format, private-use and unassigned characters (category C*) are
        # dropped: format ones include RIGHT-TO-LEFT OVERRIDE, which can disguise
        # the extension ("Отчёт\u202egpj.exe" is displayed as "Отчётexe.jpg").
        elif not unicodedata.category(ch).startswith("C"):
            chars.append(ch)
    text = " ".join("".join(chars).split())
    suffix = f" {starts_local:%d.%m.%Y}.ics"
    text = text[: _MAX_FILENAME_CHARS - len(suffix)]
    # Windows silently strips trailing dots and spaces, and a leading dot hides the
    # file on Unix-like systems.
    text = text.strip(" .") or _FALLBACK_TITLE
    return f"{text}{suffix}"


def _utc(value: datetime, field: str) -> datetime:
    # A naive datetime would become a "floating" time that every client reads in its
    # own zone, so a member abroad would see the wrong hour; refuse it outright.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{field} must be a timezone-aware datetime")
    # DATE-TIME has whole seconds; truncating here makes the checks below see
    # exactly the instants that end up in the file.
    return value.astimezone(UTC).replace(microsecond=0)


def _event(invite: MeetingInvite, status: STATUS) -> Event:
    from icalendar import Event

    starts_at = _utc(invite.starts_at, "starts_at")
    ends_at = _utc(invite.ends_at, "ends_at")
    dtstamp = _utc(invite.dtstamp, "dtstamp")
    if ends_at < starts_at:
        raise ValueError("ends_at must not be before starts_at")
    if invite.sequence < 0:
        raise ValueError("sequence must not be negative")
    if not invite.uid.strip():
        raise ValueError("uid must not be empty")
    title = invite.title.strip()
    if not title:
        # SUMMARY is what clients show in the grid and the alarm text needs it too.
        raise ValueError("title must not be empty")

    location = invite.location or invite.url
    event = Event.new(
        uid=invite.uid,
        sequence=invite.sequence,
        # Passed explicitly: Event.new would otherwise read the wall clock.
        stamp=dtstamp,
        start=starts_at,
        end=ends_at,
        summary=title,
        location=location,
        url=invite.url,
        description=_description(invite),
        status=status,
    )
    event.organizer = _organizer(invite)
    return event


def _description(invite: MeetingInvite) -> str | None:
    # Google Calendar ignores the URL property, so for a hybrid meeting (place in
    # LOCATION) the link would be invisible there unless it is also in the text.
    parts = [invite.description.strip()] if invite.description else []
    if invite.url and invite.url not in (invite.description or ""):
        parts.append(invite.url)
    return "\n\n".join(parts) or None


def _organizer(invite: MeetingInvite) -> vCalAddress:
    # iTIP requires ORGANIZER on REQUEST and CANCEL, and it must be a cal-address
    # (a URI); the bot has no mailbox, so use a no-reply address on the UID's domain.
    from icalendar import vCalAddress, vText

    _, _, domain = invite.uid.rpartition("@")
    organizer = vCalAddress(f"mailto:noreply@{domain or DEFAULT_DOMAIN}")
    if invite.organizer_name:
        organizer.params["CN"] = vText(invite.organizer_name)
    return organizer


def _calendar(method: str, *events: Event) -> bytes:
    # Plain Calendar() rather than Calendar.new(): in icalendar 7 the latter adds a
    # random RFC 7986 UID to VCALENDAR, which would make the output non-reproducible.
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    for event in events:
        calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
