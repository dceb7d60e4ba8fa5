"""The protocol (cl. 14-15): its content, the hash that consent binds to, and what a
signature needs. Pure: no clock, no storage."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from bot.domain.roles import Role

DEFAULT_CONSENT_PERIOD = timedelta(days=3)
# How a member took part when consenting orally (cl. 14).
MODES = ("in_person", "video", "audio")
# How an objection ends (cl. 15): the text changed or kept at conciliation, or withdrawn.
OUTCOMES = ("changed", "unchanged", "withdrawn")


@dataclass(frozen=True, slots=True)
class TaskLine:
    """A task (поручение) set by a decision: what, who, by when."""

    text: str
    owner: str
    deadline: date | None


@dataclass(frozen=True, slots=True)
class InclusionVote:
    """Cl. 13: the vote of the members present on putting an additional item on the agenda."""

    votes_for: int
    against: int
    abstain: int
    present: int
    basis: str | None  # consensus, majority; None when not included
    included: bool


@dataclass(frozen=True, slots=True)
class ItemRecord:
    number: int
    title: str
    heard: str  # СЛУШАЛИ: who reported, about what
    spoke: str  # ВЫСТУПИЛИ: may be empty
    decided: str  # РЕШИЛИ
    tasks: tuple[TaskLine, ...] = ()
    vote: str = ""  # for additional items: how the vote went
    inclusion: InclusionVote | None = None


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
    extraordinary: bool = False
    closed_time: str | None = None  # "16:40": when the meeting closed
    # Additional items put to the vote and not included (cl. 13): title and the vote.
    rejected: tuple[tuple[str, InclusionVote], ...] = ()
    series: str = "regular"  # conciliation: a conciliation meeting's protocol
    # A subgroup's meeting (cl. 10): the subgroup's kind and name, which the heading names.
    subgroup_kind: str | None = None
    subgroup_name: str | None = None


def canonical_text(content: ProtocolContent) -> str:
    """The text a consent binds to: every field of substance, encoded without ambiguity
    (JSON with sorted keys), so that any change makes a different hash and nothing else
    does. `extra` and line-ending differences are not substance."""

    def norm(text: str | None) -> str | None:
        return None if text is None else text.replace("\r\n", "\n").replace("\r", "\n")

    data: dict[str, Any] = {
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
    # Facts added later enter the canonical form only when set, so that the versions saved
    # before keep the hash their consents were bound to.
    for i, item in zip(data["items"], content.items, strict=True):
        if item.inclusion is not None:
            i["inclusion"] = _vote_data(item.inclusion)
    if content.extraordinary:
        data["extraordinary"] = True
    if content.closed_time is not None:
        data["closed"] = content.closed_time
    if content.rejected:
        data["rejected"] = [[norm(title), _vote_data(v)] for title, v in content.rejected]
    if content.series != "regular":
        data["series"] = content.series
    if content.subgroup_name is not None:
        data["subgroup"] = [content.subgroup_kind, norm(content.subgroup_name)]
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _vote_data(vote: InclusionVote) -> dict[str, Any]:
    return {
        "for": vote.votes_for,
        "against": vote.against,
        "abstain": vote.abstain,
        "present": vote.present,
        "basis": vote.basis,
        "included": vote.included,
    }


def _vote_from(data: Mapping[str, Any]) -> InclusionVote:
    return InclusionVote(
        int(data["for"]),
        int(data["against"]),
        int(data["abstain"]),
        int(data["present"]),
        data.get("basis"),
        bool(data["included"]),
    )


def version_hash(content: ProtocolContent) -> str:
    return hashlib.sha256(canonical_text(content).encode("utf-8")).hexdigest()


class Missing(StrEnum):
    RECORDING = "recording"
    QUORUM = "quorum"
    DECISION = "decision"
    DISAGREEMENT = "disagreement"
    NEW_VERSION = "new_version"
    CONSENT = "consent"
    CONSENT_REQUEST = "consent_request"


@dataclass(frozen=True, slots=True)
class SignatureCheck:
    missing: tuple[Missing, ...]
    silent: frozenset[int]  # present members who neither consented nor objected
    empty_items: tuple[int, ...] = ()  # items whose РЕШИЛИ is empty

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
    empty_items: Sequence[int] = (),
    settled: Set[int] = frozenset(),
    must_consent: Set[int] = frozenset(),
    awaiting_new_version: bool = False,
) -> SignatureCheck:
    """Cl. 12, 14, 15: a protocol is signed only with the recording attached, every decision
    taken with quorum, every item with its decision (РЕШИЛИ) written, no disagreement open,
    and every member present consenting to this exact version — or the consent period over
    with no objection to it; those who did not answer are then named in the record.

    ``settled``: present members whose objection a conciliation meeting settled without
    changing the text, or who withdrew it: their position is on record, nobody waits for
    them. ``must_consent``: objectors whose text was changed; their consent to the new
    version is what settles it, so the end of the period does not excuse them.
    ``awaiting_new_version``: a conciliation meeting decided to change the text and no newer
    version has been saved since."""
    missing: list[Missing] = []
    if not has_recording:
        missing.append(Missing.RECORDING)
    if not decisions_with_quorum:
        missing.append(Missing.QUORUM)
    if empty_items:
        missing.append(Missing.DECISION)
    if open_disagreements:
        missing.append(Missing.DISAGREEMENT)
    if awaiting_new_version:
        missing.append(Missing.NEW_VERSION)
    silent = frozenset(present_members - consented - objected - settled)
    if consent_requested_at is None:
        missing.append(Missing.CONSENT_REQUEST)
    elif (
        objected & present_members
        or (silent and now < consent_requested_at + consent_period)
        or (must_consent & present_members) - consented
    ):
        missing.append(Missing.CONSENT)
    return SignatureCheck(tuple(missing), silent, tuple(empty_items))


def empty_decisions(items: Sequence[ItemRecord]) -> tuple[int, ...]:
    """Cl. 14: the numbers of items whose decision (РЕШИЛИ) is still blank."""
    return tuple(i.number for i in items if not i.decided.strip())


# --- the consent record (cl. 14-15) ------------------------------------------------------


class ConsentState(StrEnum):
    CONSENTED = "consented"
    # Objected; the conciliation meeting changed the text and the member consented to it.
    CHANGED = "changed"
    # Objected; the conciliation meeting considered it and kept the text.
    UNCHANGED = "unchanged"
    # Objected, then withdrew the objection themself.
    WITHDRAWN = "withdrawn"
    # Neither consented nor objected within the consent period.
    SILENT = "silent"


@dataclass(frozen=True, slots=True)
class Objection:
    person_id: int
    item_number: int
    outcome: str  # open, changed, unchanged, withdrawn
    conciliation_on: date | None = None  # the day the conciliation meeting was held


@dataclass(frozen=True, slots=True)
class ConsentEntry:
    name: str
    state: ConsentState
    mode: str | None = None  # in_person, video, audio
    item_number: int | None = None
    conciliation_on: date | None = None


def consent_state(
    person_id: int, consents: Mapping[int, str], objections: Sequence[Objection]
) -> tuple[ConsentState, Objection | None]:
    """Cl. 14-15: the one state a member present ends in. ``consents`` maps those who
    consented to the signed version to how they took part; ``objections`` are every
    objection to the protocol, in the order made. The latest settled objection decides:
    a changed text counts only with the objector's consent to it (otherwise they did not
    state a position on the text signed); a kept text or a withdrawal is their position
    whether or not they consented afterwards."""
    own = [o for o in objections if o.person_id == person_id and o.outcome != "open"]
    last = own[-1] if own else None
    if last is not None and last.outcome in ("unchanged", "withdrawn"):
        return ConsentState(last.outcome), last
    if person_id in consents:
        if last is not None and last.outcome == "changed":
            return ConsentState.CHANGED, last
        return ConsentState.CONSENTED, None
    return ConsentState.SILENT, None


def position_settled(person_id: int, objections: Sequence[Objection]) -> bool:
    """Cl. 15: an objection considered at a conciliation meeting with the text kept, or
    withdrawn by the objector, is the member's position on record: nobody waits for their
    consent, and they are not reminded to give it."""
    own = [o for o in objections if o.person_id == person_id and o.outcome != "open"]
    return bool(own) and own[-1].outcome in ("unchanged", "withdrawn")


def consent_record(
    present: Sequence[tuple[int, str]],
    consents: Mapping[int, str],
    objections: Sequence[Objection],
) -> tuple[ConsentEntry, ...]:
    """Each member present (id, name), in the given order, with exactly one state."""
    entries = []
    for person_id, name in present:
        state, objection = consent_state(person_id, consents, objections)
        entries.append(
            ConsentEntry(
                name=name,
                state=state,
                mode=consents.get(person_id)
                if state in (ConsentState.CONSENTED, ConsentState.CHANGED)
                else None,
                item_number=objection.item_number if objection else None,
                conciliation_on=objection.conciliation_on if objection else None,
            )
        )
    return tuple(entries)


# --- the snapshot taken at signature ----------------------------------------------------


def content_to_data(content: ProtocolContent) -> dict[str, Any]:
    """Everything the signed document shows, as JSON-ready data (see ``content_from_data``)."""

    def vote(v: InclusionVote | None) -> dict[str, Any] | None:
        return None if v is None else _vote_data(v)

    return {
        "body_name": content.body_name,
        "group_name": content.group_name,
        "number": content.number,
        "meeting_date": content.meeting_date.isoformat(),
        "meeting_time": content.meeting_time,
        "closed_time": content.closed_time,
        "place": content.place,
        "presiding": content.presiding,
        "presiding_role": content.presiding_role,
        "attendees": [[a.name, a.unit] for a in content.attendees],
        "guests": list(content.guests),
        "secretary": content.secretary,
        "present_members": content.present_members,
        "total_members": content.total_members,
        "quorum": content.quorum,
        "extraordinary": content.extraordinary,
        "series": content.series,
        "subgroup_kind": content.subgroup_kind,
        "subgroup_name": content.subgroup_name,
        "items": [
            {
                "number": i.number,
                "title": i.title,
                "heard": i.heard,
                "spoke": i.spoke,
                "decided": i.decided,
                "vote": i.vote,
                "inclusion": vote(i.inclusion),
                "tasks": [
                    [t.text, t.owner, t.deadline.isoformat() if t.deadline else None]
                    for t in i.tasks
                ],
            }
            for i in content.items
        ],
        "rejected": [[title, _vote_data(v)] for title, v in content.rejected],
    }


def content_from_data(data: Mapping[str, Any]) -> ProtocolContent:
    return ProtocolContent(
        body_name=data["body_name"],
        group_name=data["group_name"],
        number=data["number"],
        meeting_date=date.fromisoformat(data["meeting_date"]),
        meeting_time=data["meeting_time"],
        closed_time=data.get("closed_time"),
        place=data.get("place"),
        presiding=data["presiding"],
        presiding_role=data["presiding_role"],
        attendees=tuple(Attendee(name, unit) for name, unit in data["attendees"]),
        guests=tuple(data["guests"]),
        secretary=data.get("secretary"),
        present_members=int(data["present_members"]),
        total_members=int(data["total_members"]),
        quorum=bool(data["quorum"]),
        extraordinary=bool(data.get("extraordinary", False)),
        series=data.get("series", "regular"),
        subgroup_kind=data.get("subgroup_kind"),
        subgroup_name=data.get("subgroup_name"),
        items=tuple(
            ItemRecord(
                number=int(i["number"]),
                title=i["title"],
                heard=i["heard"],
                spoke=i["spoke"],
                decided=i["decided"],
                vote=i.get("vote", ""),
                inclusion=_vote_from(i["inclusion"]) if i.get("inclusion") else None,
                tasks=tuple(
                    TaskLine(text, owner, date.fromisoformat(d) if d else None)
                    for text, owner, d in i["tasks"]
                ),
            )
            for i in data["items"]
        ),
        rejected=tuple((title, _vote_from(v)) for title, v in data.get("rejected", [])),
    )


def consents_to_data(entries: Sequence[ConsentEntry]) -> list[dict[str, Any]]:
    return [
        {
            "name": e.name,
            "state": e.state.value,
            "mode": e.mode,
            "item": e.item_number,
            "conciliation_on": e.conciliation_on.isoformat() if e.conciliation_on else None,
        }
        for e in entries
    ]


def consents_from_data(data: Sequence[Mapping[str, Any]]) -> tuple[ConsentEntry, ...]:
    return tuple(
        ConsentEntry(
            name=e["name"],
            state=ConsentState(e["state"]),
            mode=e.get("mode"),
            item_number=e.get("item"),
            conciliation_on=date.fromisoformat(e["conciliation_on"])
            if e.get("conciliation_on")
            else None,
        )
        for e in data
    )


# --- who considers objections (cl. 11, 15) -----------------------------------------------


class HasRoles(Protocol):
    @property
    def roles(self) -> frozenset[Role]: ...


M = TypeVar("M", bound=HasRoles)


def considering(members: Sequence[M], *, chair_absent: bool) -> M | None:
    """Cl. 11, 15: objections go to the chair; while the chair is recorded absent (or there
    is no chair), to the deputy acting for them."""
    chair = next((m for m in members if Role.CHAIR in m.roles), None)
    deputy = next((m for m in members if Role.DEPUTY_CHAIR in m.roles), None)
    if chair is None or chair_absent:
        return deputy or chair
    return chair


def acting_as(roles: Set[Role]) -> Role:
    """The capacity in which whoever considers objections does so: chair, else deputy."""
    return Role.CHAIR if Role.CHAIR in roles else Role.DEPUTY_CHAIR


# --- numbering ---------------------------------------------------------------------------

CONCILIATION_PREFIX = "С-"


def protocol_number(sequence: int, year: int, series: str = "regular") -> str:
    """N/YYYY, sequential per year; a conciliation meeting's protocol is numbered in a
    series of its own, «С-N/YYYY», so the group's own numbering stays gapless."""
    prefix = CONCILIATION_PREFIX if series == "conciliation" else ""
    return f"{prefix}{sequence}/{year}"
