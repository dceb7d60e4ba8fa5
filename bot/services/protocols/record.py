"""A protocol as it stands (cl. 14-15): its content, the consents to its current version, what
a signature still needs, and what the person looking at it may do. The drafting, consent and
signing services build on these reads."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain.guests import protocol_guest_name
from bot.domain.meetings import Absence, MeetingFormat, chair_absent
from bot.domain.protocol import (
    DEFAULT_CONSENT_PERIOD,
    Attendee,
    ConsentEntry,
    ConsentState,
    InclusionVote,
    ItemRecord,
    Objection,
    ProtocolContent,
    SignatureCheck,
    TaskLine,
    check_signature,
    consent_record,
    consent_state,
    consents_from_data,
    considering,
    content_from_data,
    empty_decisions,
)
from bot.domain.roles import Capability, Role
from bot.domain.subgroups import is_specialist
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.errors import NotAllowed, NotFound
from bot.services.notifier import Notice, Notifier
from bot.services.roster import Auditor
from storage.db import read
from storage.dto import MemberView
from storage.repositories.agenda import AgendaRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.files import FileRepository
from storage.repositories.guests import GuestRepository
from storage.repositories.meetings import MeetingRepository, MeetingView
from storage.repositories.protocols import (
    DisagreementView,
    ProtocolRepository,
    ProtocolView,
    VersionView,
)
from storage.repositories.roster import RosterRepository

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True, slots=True)
class ProtocolState:
    protocol: ProtocolView
    meeting: MeetingView
    version: VersionView | None
    content: ProtocolContent
    check: SignatureCheck
    silent_names: tuple[str, ...]
    consented: int
    present: int
    disagreements: list[DisagreementView]
    # Every member present with their one state (cl. 14-15): frozen once signed.
    consents: tuple[ConsentEntry, ...] = ()
    # The person who considers objections now: the chair, or the deputy while the chair
    # is recorded absent (cl. 11, 15).
    considering: MemberView | None = None
    # Disagreement id → its conciliation meeting, once called.
    conciliations: dict[int, MeetingView] = field(default_factory=dict)
    # Who is looking, and what they may do here: the card's buttons follow these.
    viewer_id: int | None = None
    may_draft: bool = False  # keeps the record (the secretariat, administrators)
    is_presiding: bool = False  # presided the meeting, so signs its protocol (cl. 14)


def is_person(person_id: int | None, other: int | None) -> bool:
    """Whether someone known to the roster is that person (an unknown one never is)."""
    return person_id is not None and person_id == other


@dataclass(eq=False)
class ProtocolRecord(ZonedService):
    _: KW_ONLY
    notifier: Notifier
    body_name: str
    group_name: str
    consent_period: timedelta = DEFAULT_CONSENT_PERIOD

    def __post_init__(self) -> None:
        self.repo = ProtocolRepository(self.session)
        self.meetings = MeetingRepository(self.session)
        self.roster = RosterRepository(self.session)

    # Reads for the card, the listing and the document
    async def state(self, actor: Actor, protocol_id: int) -> ProtocolState:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            return await self.load(actor, protocol_id)

    async def listing(self, actor: Actor) -> list[tuple[ProtocolView, MeetingView]]:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            found = await self.meetings.listing(actor.group_id, limit=200)
            if not actor.scoped:
                # With the protocols of the subgroups the person sits in or oversees (cl. 10).
                for group in await self.roster.subgroups(actor.group_id):
                    if actor.in_subgroup(group).in_roster:
                        found += await self.meetings.listing(group.id, limit=200)
            meetings = {m.id: m for m in found}
            return [(p, meetings[p.meeting_id]) for p in await self.repo.listing(list(meetings))]

    async def for_meeting(self, actor: Actor, meeting_id: int) -> ProtocolView | None:
        async with read(self.session):
            return await self.repo.by_meeting(meeting_id)

    async def docx(self, actor: Actor, protocol_id: int) -> tuple[str, bytes]:
        """A signed protocol: the very file frozen at signature. Otherwise the current
        version as a draft, for anyone in the roster to read."""
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            protocol, _ = await self.protocol(actor, protocol_id)
            if protocol.status == "signed" and protocol.document_file_id is not None:
                stored = await FileRepository(self.session).get(protocol.document_file_id)
                assert stored is not None
                return stored.file_name, stored.content
            state = await self.load(actor, protocol_id)
        signed = state.protocol.status == "signed"
        # Signed before documents were frozen: rendered as before, from the live record.
        # python-docx is loaded for the first document, not by an idle bot (issue #15 item 9).
        from bot.documents.protocol_docx import protocol_filename, render_protocol

        content = render_protocol(
            state.content,
            version_hash=state.version.sha256 if state.version else "",
            signed_by=state.content.presiding if signed else None,
            signed_on=state.protocol.signed_at.astimezone(self.tz).date()
            if signed and state.protocol.signed_at
            else None,
            silent=state.silent_names if signed else (),
        )
        return protocol_filename(state.protocol.number, state.content.meeting_date), content

    # Inside the caller's transaction
    async def protocol(
        self, actor: Actor, protocol_id: int, *, lock: bool = False
    ) -> tuple[ProtocolView, MeetingView]:
        """``lock``: a transition; the protocol's row is locked first (see `for_update`)."""
        protocol = await self.repo.get(protocol_id, lock=lock)
        if protocol is None:
            raise NotFound("errors.stale")
        meeting = await self.meetings.get(actor.group_id, protocol.meeting_id)
        if meeting is None:
            raise NotFound("errors.stale")
        return protocol, meeting

    async def considering(self, group_id: int) -> MemberView | None:
        """Cl. 11, 15: who considers objections now (the chair, or the acting deputy)."""
        members = await self.roster.meeting_people(group_id)
        absences = [Absence(s, e) for s, e in await self.meetings.absences(group_id)]
        return considering(members, chair_absent=chair_absent(absences, self.clock.now()))

    async def content(self, meeting: MeetingView, items: dict[str, Any]) -> ProtocolContent:
        protocol = await self.repo.by_meeting(meeting.id)
        record = await self.repo.meeting_record(meeting.id)
        roster = await self.roster.meeting_people(meeting.group_id)
        members = [m for m in roster if m.is_member]
        attendees_ids = await self.meetings.attendance_history(meeting.id)
        present = [m for m in members if m.person.id in attendees_ids]
        presiding = next((m for m in present if m.person.id == meeting.presiding_person_id), None)
        # «Секретарь» is a secretariat officer who was at the meeting: one who checked in
        # (a member who also works in the secretariat), else the officer who opened or
        # closed it (only members check in). Nobody is named for a meeting they missed.
        clerks = {m.person.id: m for m in roster if m.can(Capability.KEEP_RECORD)}
        ran = await AuditRepository(self.session).actors(
            "meeting", meeting.id, ("meeting_opened", "meeting_closed")
        )
        secretary = next(
            (clerks[p] for p in [*sorted(attendees_ids), *ran] if p in clerks),
            None,
        )
        records = []
        rejected: list[tuple[str, InclusionVote]] = []
        agenda = [
            i
            for i in await AgendaRepository(self.session).items(meeting.id)
            if i.status in ("included", "not_included")
        ]
        number = 0
        for item in agenda:
            inclusion = None
            if item.source == "additional":
                inclusion = InclusionVote(
                    votes_for=item.votes_for or 0,
                    against=item.votes_against or 0,
                    abstain=item.votes_abstain or 0,
                    present=item.present_at_close or 0,
                    basis=item.basis if item.status == "included" else None,
                    included=item.status == "included",
                )
            if item.status != "included":
                if inclusion is not None:
                    rejected.append((item.title, inclusion))
                continue
            number += 1
            written = items.get(str(number), {})
            tasks = tuple(
                TaskLine(
                    x["text"],
                    x["owner"],
                    date.fromisoformat(x["deadline"]) if x.get("deadline") else None,
                )
                for x in written.get("tasks", [])
            )
            records.append(
                ItemRecord(
                    number,
                    item.title,
                    written.get("heard", ""),
                    written.get("spoke", ""),
                    written.get("decided", ""),
                    tasks,
                    inclusion=inclusion,
                )
            )
        # The day and hours the meeting was actually held, not the ones it was called for.
        opened = (record.opened_at or meeting.starts_at).astimezone(self.tz)
        closed = record.closed_at.astimezone(self.tz) if record.closed_at else None
        return ProtocolContent(
            body_name=self.body_name,
            group_name=self.group_name,
            subgroup_kind=meeting.group_kind,
            subgroup_name=meeting.group_name,
            number=protocol.number if protocol else "—",
            meeting_date=opened.date(),
            meeting_time=opened.strftime("%H:%M"),
            closed_time=closed.strftime("%H:%M") if closed else None,
            place=meeting.place if meeting.format == MeetingFormat.IN_PERSON.value else None,
            presiding=presiding.display_name if presiding else "—",
            # In the group's language: the record's text is the same for every reader.
            presiding_role=self.notifier.text(
                Notice("protocols.subgroup_head", kind=meeting.group_kind)
                if meeting.group_kind
                else Notice("protocols.role", role=presiding.role)
            )
            if presiding
            else "—",
            attendees=tuple(self._attendee(m) for m in present),
            guests=tuple(
                protocol_guest_name(name, capacity, self._specialist_label())
                for name, capacity in await GuestRepository(self.session).attended(meeting.id)
            ),
            secretary=secretary.display_name if secretary else None,
            present_members=len(present),
            # Quorum is counted over the composition in force when the meeting opened.
            total_members=record.composition_total
            if record.composition_total is not None
            else len(members),
            quorum=bool(meeting.quorum_at_close),
            items=tuple(records),
            extraordinary=record.extraordinary,
            rejected=tuple(rejected),
            series=protocol.series if protocol else "regular",
        )

    def _specialist_label(self) -> str:
        """«привлечённый специалист» in the group's language, as the record names the role."""
        return self.notifier.text(Notice("protocols.role", role=Role.SPECIALIST))

    def _attendee(self, member: MemberView) -> Attendee:
        """Who was there as the record names them: with their unit, and an outside specialist
        (cl. 16 в) as such, in the group's language, so the protocol says in what capacity
        they took part."""
        if is_specialist(member.role):
            return Attendee(member.display_name, self._specialist_label())
        return Attendee(member.display_name, member.unit_name)

    async def _objections(
        self, group_id: int, disagreements: list[DisagreementView]
    ) -> list[Objection]:
        objections = []
        for d in disagreements:
            held_on = None
            if d.conciliation_meeting_id is not None:
                concil = await self.meetings.get(group_id, d.conciliation_meeting_id)
                if concil is not None and concil.status == "closed":
                    held_on = (concil.opened_at or concil.starts_at).astimezone(self.tz).date()
            objections.append(Objection(d.person_id, d.item_number, d.status, held_on))
        return objections

    async def load(self, actor: Actor, protocol_id: int) -> ProtocolState:
        """The protocol as `actor` sees it, inside the caller's transaction."""
        protocol, meeting = await self.protocol(actor, protocol_id)
        version = await self.repo.version(protocol.id, protocol.current_version)
        disagreements = await self.repo.disagreements(protocol.id)
        conciliations = {}
        for d in disagreements:
            if d.conciliation_meeting_id is not None:
                concil = await self.meetings.get(meeting.group_id, d.conciliation_meeting_id)
                if concil is not None:
                    conciliations[d.id] = concil
        common: dict[str, Any] = {
            "protocol": protocol,
            "meeting": meeting,
            "version": version,
            "disagreements": disagreements,
            "considering": await self.considering(meeting.group_id),
            "conciliations": conciliations,
            "viewer_id": actor.person_id,
            "may_draft": actor.can(Capability.KEEP_RECORD),
            "is_presiding": is_person(actor.person_id, meeting.presiding_person_id),
        }
        if protocol.status == "signed" and protocol.snapshot is not None:
            # Signed: what was signed, never the live roster (cl. 14).
            content = content_from_data(protocol.snapshot["content"])
            frozen = consents_from_data(protocol.snapshot["consents"])
            return ProtocolState(
                content=content,
                check=SignatureCheck((), frozenset()),
                silent_names=tuple(e.name for e in frozen if e.state is ConsentState.SILENT),
                consented=sum(
                    1 for e in frozen if e.state in (ConsentState.CONSENTED, ConsentState.CHANGED)
                ),
                present=content.present_members,
                consents=frozen,
                **common,
            )
        content = await self.content(meeting, version.items if version else {})
        answers = [
            a for a in await self.repo.answers(protocol.id) if a.version == protocol.current_version
        ]
        present_ids = await self.meetings.attendance_history(meeting.id)
        members = {
            m.person.id: m
            for m in await self.roster.meeting_people(meeting.group_id)
            if m.is_member
        }
        present = {p for p in present_ids if p in members}
        open_objectors = {d.person_id for d in disagreements if d.status == "open"}
        consents = {a.person_id: a.mode or "" for a in answers if a.kind == "consent"}
        objections = await self._objections(meeting.group_id, disagreements)
        settled: set[int] = set()
        must_consent: set[int] = set()
        for person in present:
            state, _ = consent_state(person, consents, objections)
            if state in (ConsentState.UNCHANGED, ConsentState.WITHDRAWN):
                settled.add(person)
            last = [o for o in objections if o.person_id == person and o.outcome != "open"]
            if last and last[-1].outcome == "changed":
                must_consent.add(person)
        check = check_signature(
            has_recording=await self.meetings.recording(meeting.id) is not None,
            # Decisions are taken at the meeting, whose quorum is recorded at its close;
            # additional items cannot even be put to the vote without quorum (cl. 13-14).
            decisions_with_quorum=bool(meeting.quorum_at_close),
            open_disagreements=sum(1 for d in disagreements if d.status == "open"),
            present_members=present,
            consented=set(consents),
            objected=open_objectors & present,
            consent_requested_at=protocol.consent_requested_at,
            now=self.clock.now(),
            consent_period=self.consent_period,
            empty_items=empty_decisions(content.items),
            settled=settled,
            must_consent=must_consent,
            # «Text changed» needs a version saved after the outcome was recorded (cl. 15).
            awaiting_new_version=any(
                d.status == "changed"
                and d.resolved_version is not None
                and protocol.current_version <= d.resolved_version
                for d in disagreements
            ),
        )
        ordered = [
            (m.person.id, m.display_name) for m in members.values() if m.person.id in present
        ]
        return ProtocolState(
            content=content,
            check=check,
            silent_names=tuple(
                sorted(members[p].display_name for p in check.silent if p in members)
            ),
            consented=len(set(consents) & present),
            present=len(present),
            consents=consent_record(ordered, consents, objections),
            **common,
        )


class ProtocolJob:
    """What drafting, consent and signing share: the record's reads, on its session, clock
    and zone, and the notifier that tells people."""

    def __init__(self, record: ProtocolRecord, notifier: Notifier) -> None:
        self.record = record
        self.notifier = notifier
        self.session, self.clock, self.tz = record.session, record.clock, record.tz
        self.repo, self.meetings, self.roster = record.repo, record.meetings, record.roster

    async def audit(
        self, actor: Actor, now: datetime, action: str, protocol_id: int, **details: Any
    ) -> None:
        """An entry in the audit log about the protocol, in the caller's transaction."""
        await Auditor(self.session, actor, now)(action, "protocol", protocol_id, **details)
