"""The protocol (cl. 14-15): its content, the hash that consent binds to, and what a
signature needs. Pure: no clock, no storage."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

DEFAULT_CONSENT_PERIOD = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class TaskLine:
    """A task (поручение) set by a decision: what, who, by when."""

    text: str
    owner: str
    deadline: date | None


@dataclass(frozen=True, slots=True)
class ItemRecord:
    number: int
    title: str
    heard: str  # СЛУШАЛИ: who reported, about what
    spoke: str  # ВЫСТУПИЛИ: may be empty
    decided: str  # РЕШИЛИ
    tasks: tuple[TaskLine, ...] = ()
    vote: str = ""  # for additional items: how the vote went


@dataclass(frozen=True, slots=True)
class Attendee:
    name: str
    unit: str | None


@dataclass(frozen=True, slots=True)
class ProtocolContent:
    body_name: str
    group_name: str
    number: str  # "3/2026"
    meeting_date: date  # in the group's time zone
    meeting_time: str  # "15:00"
    place: str | None  # None: remote
    presiding: str
    presiding_role: str
    attendees: tuple[Attendee, ...]
    guests: tuple[str, ...]
    secretary: str | None
    present_members: int
    total_members: int
    quorum: bool
    items: tuple[ItemRecord, ...]
    extra: dict[str, str] = field(default_factory=dict)


def canonical_text(content: ProtocolContent) -> str:
    """The text a consent binds to: every field of substance, encoded without ambiguity
    (JSON with sorted keys), so that any change makes a different hash and nothing else
    does. `extra` and line-ending differences are not substance."""

    def norm(text: str | None) -> str | None:
        return None if text is None else text.replace("\r\n", "\n").replace("\r", "\n")

    data = {
        "body": norm(content.body_name),
        "group": norm(content.group_name),
        "number": content.number,
        "date": content.meeting_date.isoformat(),
        "time": content.meeting_time,
        "place": norm(content.place),
        "presiding": [norm(content.presiding), norm(content.presiding_role)],
        "quorum": [content.present_members, content.total_members, content.quorum],
        "secretary": norm(content.secretary),
        "attendees": [[norm(a.name), norm(a.unit)] for a in content.attendees],
        "guests": [norm(g) for g in content.guests],
        "items": [
            {
                "number": i.number,
                "title": norm(i.title),
                "heard": norm(i.heard),
                "spoke": norm(i.spoke),
                "decided": norm(i.decided),
                "vote": norm(i.vote),
                "tasks": [
                    [norm(t.text), norm(t.owner), t.deadline.isoformat() if t.deadline else None]
                    for t in i.tasks
                ],
            }
            for i in content.items
        ],
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def version_hash(content: ProtocolContent) -> str:
    return hashlib.sha256(canonical_text(content).encode("utf-8")).hexdigest()


class Missing(StrEnum):
    RECORDING = "recording"
    QUORUM = "quorum"
    DISAGREEMENT = "disagreement"
    CONSENT = "consent"
    CONSENT_REQUEST = "consent_request"


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    missing: tuple[Missing, ...]
    silent: frozenset[int]  # present members who neither consented nor objected

    @property
    def may_sign(self) -> bool:
        return not self.missing


def check_signature(
    *,
    has_recording: bool,
    decisions_with_quorum: bool,
    open_disagreements: int,
    present_members: Set[int],
    consented: Set[int],
    objected: Set[int],
    consent_requested_at: datetime | None,
    now: datetime,
    consent_period: timedelta = DEFAULT_CONSENT_PERIOD,
) -> SignatureCheck:
    """Cl. 12, 14, 15: a protocol is signed only with the recording attached, every decision
    taken with quorum, no disagreement open, and every member present consenting to this
    exact version — or the consent period over with no objection to it; those who did not
    answer are then named in the record."""
    missing: list[Missing] = []
    if not has_recording:
        missing.append(Missing.RECORDING)
    if not decisions_with_quorum:
        missing.append(Missing.QUORUM)
    if open_disagreements:
        missing.append(Missing.DISAGREEMENT)
    silent = frozenset(present_members - consented - objected)
    if consent_requested_at is None:
        missing.append(Missing.CONSENT_REQUEST)
    elif objected & present_members or (silent and now < consent_requested_at + consent_period):
        missing.append(Missing.CONSENT)
    return SignatureCheck(tuple(missing), silent)


def protocol_number(sequence: int, year: int) -> str:
    """N/YYYY, sequential per year."""
    return f"{sequence}/{year}"
