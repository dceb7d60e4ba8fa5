"""Protocols (cl. 14-15): drafting by the secretariat, versions bound by hash, oral consent,
objections settled at conciliation meetings, the presiding person's signature, distribution."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.documents.protocol_docx import protocol_filename, render_protocol
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
    canonical_text,
    check_signature,
    consent_record,
    consent_state,
    consents_from_data,
    consents_to_data,
    content_from_data,
    content_to_data,
    empty_decisions,
    version_hash,
)
from bot.domain.roles import Role
from bot.i18n import Translator
from bot.services.actor import Actor
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.meetings import meeting_calendar
from bot.services.outbox import Envelope, enqueue
from bot.services.roster import Auditor
from bot.services.tasks import create_tasks
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.agenda import AgendaRepository
from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.due import DueRepository
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

TEXT_MAX = 4000
MODES = ("in_person", "video", "audio")
OUTCOMES = ("changed", "unchanged", "withdrawn")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True, slots=True)
class ProtocolTexts:
    consent_request: Callable[[Translator, ProtocolView, str, str], str]
    consent_keyboard: Callable[[Translator, ProtocolView], InlineKeyboardMarkup]
    objection_for_chair: Callable[[Translator, ProtocolView, DisagreementView, str], str]
    conciliation_keyboard: Callable[[Translator, DisagreementView], InlineKeyboardMarkup]
    conciliation_notice: Callable[[Translator, ProtocolView, MeetingView], str]
    signed_notice: Callable[[Translator, ProtocolView, MeetingView], str]
    ack_keyboard: Callable[[Translator, int], InlineKeyboardMarkup]
    # The outcome of an objection, for the objector and the secretariat (cl. 15).
    outcome_notice: Callable[[Translator, ProtocolView, DisagreementView], str]


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


@dataclass(frozen=True, slots=True)
class Objected:
    disagreement: DisagreementView
    considering: MemberView | None


def parse_tasks(text: str) -> tuple[TaskLine, ...]:
    """One task a line: «what; who; 31.01.2027» (the deadline may be left out)."""
    tasks = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(";")]
        if not parts[0]:
            continue
        if len(parts) < 2 or not parts[1]:
            raise InvalidInput("protocol.task_format")
        deadline = None
        if len(parts) > 2 and parts[2]:
            try:
                day, month, year = (int(x) for x in parts[2].split("."))
                deadline = date(year, month, day)
            except ValueError as exc:
                raise InvalidInput("protocol.task_format") from exc
        tasks.append(TaskLine(parts[0], parts[1], deadline))
    return tuple(tasks)


class ProtocolService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        tz: ZoneInfo,
        *,
        body_name: str,
        group_name: str,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: ProtocolTexts,
        consent_period: timedelta = DEFAULT_CONSENT_PERIOD,
    ) -> None:
        self.session = session
        self.clock = clock
        self.tz = tz
        self.body_name = body_name
        self.group_name = group_name
        self.render = render
        self.default_locale = default_locale
        self.texts = texts
        self.consent_period = consent_period
        self.repo = ProtocolRepository(session)
        self.meetings = MeetingRepository(session)
        self.roster = RosterRepository(session)

    @staticmethod
    def _secretariat(actor: Actor) -> None:
        if not actor.has(Role.SECRETARIAT) and not actor.is_admin:
            raise NotAllowed("protocol.secretariat_only")

    async def _considering(self, group_id: int) -> MemberView | None:
        """Cl. 11, 15: objections go to the chair; while the chair is recorded absent, to
        the deputy acting for them."""
        members = await self.roster.members(group_id)
        chair = next((m for m in members if m.has(Role.CHAIR)), None)
        deputy = next((m for m in members if m.has(Role.DEPUTY_CHAIR)), None)
        absences = [Absence(s, e) for s, e in await self.meetings.absences(group_id)]
        if chair is None or chair_absent(absences, self.clock.now()):
            return deputy or chair
        return chair

    async def _protocol(self, actor: Actor, protocol_id: int) -> tuple[ProtocolView, MeetingView]:
        protocol = await self.repo.get(protocol_id)
        if protocol is None:
            raise NotFound("errors.stale")
        meeting = await self.meetings.get(actor.group_id, protocol.meeting_id)
        if meeting is None:
            raise NotFound("errors.stale")
        return protocol, meeting

    async def open_draft(self, actor: Actor, meeting_id: int) -> ProtocolView:
        """The secretariat starts (or returns to) the protocol of a closed meeting."""
        self._secretariat(actor)
        now = self.clock.now()
        async with write(self.session):
            meeting = await self.meetings.get(actor.group_id, meeting_id)
            if meeting is None:
                raise NotFound("errors.stale")
            if meeting.status != "closed":
                raise InvalidInput("protocol.meeting_not_closed")
            existing = await self.repo.by_meeting(meeting_id)
            if existing is not None:
                return existing
            held = meeting.opened_at or meeting.starts_at
            protocol = await self.repo.add(
                meeting_id,
                held.astimezone(self.tz).year,
                now,
                group_id=actor.group_id,
                # A conciliation meeting's protocol has its own series (cl. 15), so the
                # numbers of the group's meetings stay gapless.
                series="conciliation" if meeting.kind == "conciliation" else "regular",
            )
            await Auditor(self.session, actor, now)(
                "protocol_created", "protocol", protocol.id, meeting_id=meeting_id
            )
        return protocol

    async def _content(
        self, meeting: MeetingView, items: dict[str, Any], *, written_by: int | None = None
    ) -> ProtocolContent:
        protocol = await self.repo.by_meeting(meeting.id)
        record = await self.repo.meeting_record(meeting.id)
        roster = await self.roster.members(meeting.group_id)
        members = [m for m in roster if m.is_member]
        attendees_ids = await self.meetings.attendance_history(meeting.id)
        present = [m for m in members if m.person.id in attendees_ids]
        presiding = next((m for m in present if m.person.id == meeting.presiding_person_id), None)
        # The secretariat person who was there: one who checked in, else the one who wrote
        # the protocol, else whoever holds the role.
        clerks = [m for m in roster if m.has(Role.SECRETARIAT)]
        secretary = (
            next((m for m in clerks if m.person.id in attendees_ids), None)
            or next((m for m in clerks if m.person.telegram_id == written_by), None)
            or next(iter(clerks), None)
        )
        t = self.render(self.default_locale)
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
            number=protocol.number if protocol else "—",
            meeting_date=opened.date(),
            meeting_time=opened.strftime("%H:%M"),
            closed_time=closed.strftime("%H:%M") if closed else None,
            place=meeting.place if meeting.format == MeetingFormat.IN_PERSON.value else None,
            presiding=presiding.display_name if presiding else "—",
            presiding_role=t(f"roles.{presiding.role.value}") if presiding else "—",
            attendees=tuple(Attendee(m.display_name, m.unit_name) for m in present),
            guests=tuple(await GuestRepository(self.session).attended(meeting.id)),
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

    async def state(self, actor: Actor, protocol_id: int) -> ProtocolState:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            return await self._state(actor, protocol_id)

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

    async def _state(self, actor: Actor, protocol_id: int) -> ProtocolState:
        protocol, meeting = await self._protocol(actor, protocol_id)
        version = await self.repo.version(protocol.id, protocol.current_version)
        disagreements = await self.repo.disagreements(protocol.id)
        considering = await self._considering(meeting.group_id)
        conciliations = {}
        for d in disagreements:
            if d.conciliation_meeting_id is not None:
                concil = await self.meetings.get(meeting.group_id, d.conciliation_meeting_id)
                if concil is not None:
                    conciliations[d.id] = concil
        if protocol.status == "signed" and protocol.snapshot is not None:
            # Signed: what was signed, never the live roster (cl. 14).
            content = content_from_data(protocol.snapshot["content"])
            frozen = consents_from_data(protocol.snapshot["consents"])
            silent = tuple(e.name for e in frozen if e.state is ConsentState.SILENT)
            agreed = sum(
                1 for e in frozen if e.state in (ConsentState.CONSENTED, ConsentState.CHANGED)
            )
            return ProtocolState(
                protocol,
                meeting,
                version,
                content,
                SignatureCheck((), frozenset()),
                silent,
                agreed,
                content.present_members,
                disagreements,
                frozen,
                considering,
                conciliations,
            )
        content = await self._content(
            meeting,
            version.items if version else {},
            written_by=version.created_by if version else None,
        )
        answers = [
            a for a in await self.repo.answers(protocol.id) if a.version == protocol.current_version
        ]
        present_ids = await self.meetings.attendance_history(meeting.id)
        members = {
            m.person.id: m for m in await self.roster.members(meeting.group_id) if m.is_member
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
        silent = tuple(sorted(members[p].display_name for p in check.silent if p in members))
        ordered = [
            (m.person.id, m.display_name) for m in members.values() if m.person.id in present
        ]
        return ProtocolState(
            protocol,
            meeting,
            version,
            content,
            check,
            silent,
            len(set(consents) & present),
            len(present),
            disagreements,
            consent_record(ordered, consents, objections),
            considering,
            conciliations,
        )

    async def save_item(
        self,
        actor: Actor,
        protocol_id: int,
        number: int,
        *,
        heard: str,
        spoke: str,
        decided: str,
        tasks: tuple[TaskLine, ...],
    ) -> ProtocolState:
        """Each save is a new version with its own hash; earlier consents stay in history but
        do not count for it, and consent is asked again if it was being collected."""
        self._secretariat(actor)
        for text in (heard, spoke, decided):
            if len(text) > TEXT_MAX:
                raise InvalidInput("protocol.text_too_long", max=TEXT_MAX)
        if not decided.strip():
            raise InvalidInput("protocol.decided_required")
        now = self.clock.now()
        async with write(self.session):
            protocol, meeting = await self._protocol(actor, protocol_id)
            if protocol.status == "signed":
                raise InvalidInput("protocol.signed_immutable")
            current = await self.repo.version(protocol.id, protocol.current_version)
            items = dict(current.items) if current else {}
            content_before = await self._content(meeting, items)
            if not 1 <= number <= len(content_before.items):
                raise NotFound("errors.stale")
            items[str(number)] = {
                "heard": heard,
                "spoke": spoke,
                "decided": decided,
                "tasks": [
                    {
                        "text": x.text,
                        "owner": x.owner,
                        "deadline": x.deadline.isoformat() if x.deadline else None,
                    }
                    for x in tasks
                ],
            }
            content = await self._content(meeting, items)
            new = protocol.current_version + 1
            await self.repo.add_version(
                protocol_id=protocol.id,
                number=new,
                items=items,
                canonical=canonical_text(content),
                sha256=version_hash(content),
                created_by=actor.telegram_id,
                created_at=now,
            )
            await self.repo.update(protocol.id, current_version=new)
            await Auditor(self.session, actor, now)(
                "protocol_version",
                "protocol",
                protocol.id,
                version=new,
                sha256=version_hash(content),
                item=number,
            )
            if protocol.status == "consent":
                await self._request(actor, protocol.id, now)
            return await self._state(actor, protocol.id)

    async def request_consent(self, actor: Actor, protocol_id: int) -> ProtocolState:
        self._secretariat(actor)
        now = self.clock.now()
        async with write(self.session):
            protocol, _ = await self._protocol(actor, protocol_id)
            if protocol.status == "signed":
                raise InvalidInput("protocol.signed_immutable")
            if protocol.current_version == 0:
                raise InvalidInput("protocol.nothing_written")
            await self._request(actor, protocol_id, now)
            return await self._state(actor, protocol_id)

    async def _request(self, actor: Actor, protocol_id: int, now: datetime) -> None:
        """Every member who was present gets this version, as text and DOCX, with buttons."""
        await self.repo.update(protocol_id, status="consent", consent_requested_at=now)
        state = await self._state(actor, protocol_id)
        protocol = state.protocol
        docx = render_protocol(
            state.content,
            version_hash=state.version.sha256 if state.version else "",
            signed_by=None,
            signed_on=None,
        )
        name = protocol_filename(protocol.number, state.content.meeting_date)
        stored = await FileRepository(self.session).add(
            file_name=name,
            mime_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            content=docx,
            now=now,
        )
        sha = state.version.sha256 if state.version else ""
        envelopes = []
        for member in await self.roster.members(state.meeting.group_id):
            if member.person.id not in await self.meetings.attendance_history(state.meeting.id):
                continue
            if not member.is_member or member.person.telegram_id is None:
                continue
            t = self.render(member.person.locale(self.default_locale))
            envelopes.append(
                Envelope(
                    key=f"protocol:{protocol_id}:v{protocol.current_version}:consent:{member.person.id}",
                    kind="announcement",
                    chat_id=member.person.telegram_id,
                    person_id=member.person.id,
                    text=self.texts.consent_request(t, protocol, sha, self._summary(t, state)),
                    document={"stored_file_id": stored, "file_name": name},
                    keyboard=self.texts.consent_keyboard(t, protocol),
                )
            )
        await enqueue(self.session, envelopes, now)
        # Reminders to those who have not answered: a day and two days after the request.
        await DueRepository(self.session).add(
            [
                {
                    "key": f"consent-reminder:{protocol_id}:v{protocol.current_version}:{days}",
                    "kind": "consent_reminder",
                    "group_id": state.meeting.group_id,
                    "due_at": now + timedelta(days=days),
                    "payload": {"protocol": protocol_id, "version": protocol.current_version},
                    "status": "pending",
                }
                for days in (1, 2)
            ]
        )
        await Auditor(self.session, actor, now)(
            "consent_requested",
            "protocol",
            protocol_id,
            version=protocol.current_version,
            sha256=sha,
        )

    def _summary(self, t: Translator, state: ProtocolState) -> str:
        return "\n".join(
            t("protocol.summary_item", number=i.number, title=i.title, decided=i.decided or "—")
            for i in state.content.items
        )

    async def _present_member(self, actor: Actor, meeting: MeetingView) -> int:
        if actor.person_id is None or not actor.is_member:
            raise NotAllowed("protocol.only_present")
        if actor.person_id not in await self.meetings.attendance_history(meeting.id):
            raise NotAllowed("protocol.only_present")
        return actor.person_id

    async def consent(self, actor: Actor, protocol_id: int, version: int, mode: str) -> None:
        """Cl. 14: oral consent, recorded against the exact version's hash."""
        if mode not in MODES:
            raise InvalidInput("errors.stale")
        now = self.clock.now()
        async with write(self.session):
            protocol, meeting = await self._protocol(actor, protocol_id)
            person = await self._present_member(actor, meeting)
            if protocol.status != "consent":
                raise InvalidInput("protocol.not_collecting")
            if version != protocol.current_version:
                raise InvalidInput("protocol.outdated_version")
            current = await self.repo.version(protocol_id, version)
            assert current is not None
            await self.repo.add_answer(
                protocol_id=protocol_id,
                version=version,
                sha256=current.sha256,
                person_id=person,
                kind="consent",
                mode=mode,
                at=now,
            )
            await Auditor(self.session, actor, now)(
                "consented",
                "protocol",
                protocol_id,
                version=version,
                sha256=current.sha256,
                mode=mode,
            )

    async def object(
        self, actor: Actor, protocol_id: int, version: int, item_number: int, reason: str
    ) -> Objected:
        """Cl. 15: an objection names the item and a reason and opens a disagreement; it goes
        to whoever considers it (the chair, or the deputy while the chair is absent) with
        the conciliation button, and to the secretariat."""
        reason = reason.strip()
        if not reason:
            raise InvalidInput("protocol.reason_required")
        if len(reason) > TEXT_MAX:
            raise InvalidInput("protocol.text_too_long", max=TEXT_MAX)
        now = self.clock.now()
        async with write(self.session):
            protocol, meeting = await self._protocol(actor, protocol_id)
            person = await self._present_member(actor, meeting)
            if protocol.status != "consent":
                raise InvalidInput("protocol.not_collecting")
            if version != protocol.current_version:
                raise InvalidInput("protocol.outdated_version")
            current = await self.repo.version(protocol_id, version)
            assert current is not None
            content = await self._content(meeting, current.items)
            if not 1 <= item_number <= len(content.items):
                raise InvalidInput("protocol.no_such_item")
            answer = await self.repo.add_answer(
                protocol_id=protocol_id,
                version=version,
                sha256=current.sha256,
                person_id=person,
                kind="objection",
                item_number=item_number,
                reason=reason,
                at=now,
            )
            disagreement_id = await self.repo.add_disagreement(
                protocol_id=protocol_id,
                answer_id=answer,
                item_number=item_number,
                reason=reason,
                status="open",
            )
            disagreement = await self.repo.disagreement(disagreement_id)
            assert disagreement is not None
            considering = await self._considering(meeting.group_id)
            for member in await self.roster.members(meeting.group_id):
                is_considering = (
                    considering is not None and member.person.id == considering.person.id
                )
                if not is_considering and not member.has(Role.SECRETARIAT):
                    continue
                if not member.connected:
                    continue
                assert member.person.telegram_id is not None
                t = self.render(member.person.locale(self.default_locale))
                keyboard = (
                    self.texts.conciliation_keyboard(t, disagreement) if is_considering else None
                )
                await enqueue(
                    self.session,
                    [
                        Envelope(
                            key=f"disagreement:{disagreement_id}:{member.person.id}",
                            kind="announcement",
                            chat_id=member.person.telegram_id,
                            person_id=member.person.id,
                            text=self.texts.objection_for_chair(
                                t, protocol, disagreement, actor.display_name
                            ),
                            keyboard=keyboard,
                        )
                    ],
                    now,
                )
            await Auditor(self.session, actor, now)(
                "objected",
                "protocol",
                protocol_id,
                version=version,
                item=item_number,
                disagreement=disagreement_id,
                considering=considering.person.id if considering else None,
            )
        return Objected(disagreement, considering)

    async def call_conciliation(
        self, actor: Actor, disagreement_id: int, starts_at: datetime
    ) -> MeetingView:
        """Cl. 15: the chair calls a conciliation meeting with the parties."""
        if not actor.has(Role.CHAIR, Role.DEPUTY_CHAIR):
            raise NotAllowed("protocol.chair_only")
        if starts_at <= self.clock.now():
            raise InvalidInput("dates.past")
        now = self.clock.now()
        async with write(self.session):
            disagreement = await self.repo.disagreement(disagreement_id)
            if disagreement is None or disagreement.status != "open":
                raise InvalidInput("protocol.disagreement_closed")
            protocol, _ = await self._protocol(actor, disagreement.protocol_id)
            t = self.render(self.default_locale)
            meeting = await self.meetings.add(
                group_id=actor.group_id,
                kind="conciliation",
                title=t(
                    "protocol.conciliation_title",
                    number=protocol.number,
                    item=disagreement.item_number,
                ),
                format=MeetingFormat.REMOTE.value,
                place=None,
                link=None,
                starts_at=starts_at,
                status="scheduled",
                sequence=0,
                checkin_token=secrets.token_urlsafe(12),
                created_by=actor.telegram_id,
                created_at=now,
            )
            await self.repo.update_disagreement(disagreement_id, conciliation_meeting_id=meeting.id)
            # The parties' calendars get it like any meeting.
            file_name, content = meeting_calendar(meeting, self.tz, now)
            stored = await FileRepository(self.session).add(
                file_name=file_name, mime_type="text/calendar", content=content, now=now
            )
            calendar = {"stored_file_id": stored, "file_name": file_name}
            parties = {disagreement.person_id}
            for member in await self.roster.members(actor.group_id):
                if member.has(Role.CHAIR, Role.DEPUTY_CHAIR, Role.SECRETARIAT) or (
                    member.person.id in parties
                ):
                    if member.person.telegram_id is None:
                        continue
                    tm = self.render(member.person.locale(self.default_locale))
                    await enqueue(
                        self.session,
                        [
                            Envelope(
                                key=f"conciliation:{meeting.id}:{member.person.id}",
                                kind="announcement",
                                chat_id=member.person.telegram_id,
                                person_id=member.person.id,
                                text=self.texts.conciliation_notice(tm, protocol, meeting),
                                document=calendar,
                            )
                        ],
                        now,
                    )
            await Auditor(self.session, actor, now)(
                "conciliation_called",
                "protocol",
                protocol.id,
                disagreement=disagreement_id,
                meeting=meeting.id,
            )
        return meeting

    async def resolve(self, actor: Actor, disagreement_id: int, outcome: str) -> DisagreementView:
        """Cl. 15: the outcome of an objection. «Text changed» or «unchanged» is recorded by
        the person who presided the conciliation meeting, once it was held; «withdrawn» only
        by the objector. The objector and the secretariat are told."""
        if outcome not in OUTCOMES:
            raise InvalidInput("errors.stale")
        now = self.clock.now()
        async with write(self.session):
            disagreement = await self.repo.disagreement(disagreement_id)
            if disagreement is None:
                raise NotFound("errors.stale")
            protocol, _ = await self._protocol(actor, disagreement.protocol_id)
            if protocol.status == "signed":
                raise InvalidInput("protocol.signed_immutable")
            if disagreement.status != "open":
                raise InvalidInput("protocol.disagreement_closed")
            if outcome == "withdrawn":
                if actor.person_id is None or actor.person_id != disagreement.person_id:
                    raise NotAllowed("protocol.withdraw_own_only")
            else:
                concil = (
                    await self.meetings.get(actor.group_id, disagreement.conciliation_meeting_id)
                    if disagreement.conciliation_meeting_id is not None
                    else None
                )
                if concil is None or concil.status != "closed":
                    raise InvalidInput("protocol.conciliation_not_held")
                if actor.person_id is None or actor.person_id != concil.presiding_person_id:
                    raise NotAllowed("protocol.conciliation_presiding_only")
            await self.repo.update_disagreement(
                disagreement_id,
                status=outcome,
                resolved_at=now,
                resolved_by=actor.telegram_id,
                resolved_by_person_id=actor.person_id,
                resolved_version=protocol.current_version if outcome == "changed" else None,
            )
            resolved = await self.repo.disagreement(disagreement_id)
            assert resolved is not None
            envelopes = []
            for member in await self.roster.members(actor.group_id):
                objector = member.person.id == disagreement.person_id
                if not objector and not member.has(Role.SECRETARIAT):
                    continue
                if not member.connected or member.person.id == actor.person_id:
                    continue
                assert member.person.telegram_id is not None
                t = self.render(member.person.locale(self.default_locale))
                envelopes.append(
                    Envelope(
                        key=f"disagreement:{disagreement_id}:outcome:{member.person.id}",
                        kind="announcement",
                        chat_id=member.person.telegram_id,
                        person_id=member.person.id,
                        text=self.texts.outcome_notice(t, protocol, resolved),
                    )
                )
            await enqueue(self.session, envelopes, now)
            await Auditor(self.session, actor, now)(
                "disagreement_resolved",
                "protocol",
                disagreement.protocol_id,
                disagreement=disagreement_id,
                outcome=outcome,
                version=protocol.current_version,
            )
        return resolved

    async def check_sign(self, actor: Actor, protocol_id: int) -> ProtocolState:
        """What «Подписать» checks before asking for confirmation: the same refusals as
        signing itself, so that nobody confirms what cannot be signed."""
        async with read(self.session):
            protocol, meeting = await self._protocol(actor, protocol_id)
            return await self._sign_checked(actor, protocol, meeting)

    async def _sign_checked(
        self, actor: Actor, protocol: ProtocolView, meeting: MeetingView
    ) -> ProtocolState:
        if protocol.status == "signed":
            raise InvalidInput("protocol.signed_immutable")
        if actor.person_id is None or actor.person_id != meeting.presiding_person_id:
            raise NotAllowed("protocol.presiding_only")
        state = await self._state(actor, protocol.id)
        if not state.check.may_sign:
            t = self.render(actor.locale)
            reasons = []
            for m in state.check.missing:
                if m.value == "decision":
                    items = ", ".join(str(n) for n in state.check.empty_items)
                    reasons.append(t.plain("protocol.missing_decision_items", items=items))
                else:
                    reasons.append(t.plain(f"protocol.missing_{m.value}"))
            raise InvalidInput("protocol.cannot_sign", missing=", ".join(reasons))
        return state

    async def sign(
        self, actor: Actor, protocol_id: int, version: int | None = None
    ) -> ProtocolState:
        """Cl. 14: the presiding person of that meeting signs, when nothing is missing; the
        signed protocol is immutable and goes to every member and the secretariat (cl. 15).

        ``version`` is the one the signer confirmed: a confirmation for another version
        (the text changed since) is refused. The DOCX is rendered here, once, from this
        version and a snapshot of everything it shows; every later copy is these bytes."""
        now = self.clock.now()
        async with write(self.session):
            protocol, meeting = await self._protocol(actor, protocol_id)
            if actor.person_id is None or actor.person_id != meeting.presiding_person_id:
                raise NotAllowed("protocol.presiding_only")
            if (
                version is not None
                and protocol.status != "signed"
                and (version != protocol.current_version)
            ):
                raise InvalidInput("protocol.sign_stale")
            state = await self._sign_checked(actor, protocol, meeting)
            assert state.version is not None
            local = now.astimezone(self.tz).date()
            docx = render_protocol(
                state.content,
                version_hash=state.version.sha256,
                signed_by=actor.display_name,
                signed_on=local,
                consents=state.consents,
            )
            name = protocol_filename(protocol.number, state.content.meeting_date)
            stored = await FileRepository(self.session).add(
                file_name=name, mime_type=DOCX_MIME, content=docx, now=now
            )
            snapshot = {
                "version": state.version.number,
                "sha256": state.version.sha256,
                "signed_by": actor.display_name,
                "signed_on": local.isoformat(),
                "content": content_to_data(state.content),
                "consents": consents_to_data(state.consents),
            }
            await self.repo.update(
                protocol_id,
                status="signed",
                signed_at=now,
                signed_by=actor.person_id,
                document_file_id=stored,
                snapshot=snapshot,
            )
            await create_tasks(
                self.session, actor, protocol_id, state.content.items, tz=self.tz, now=now
            )
            document = {"stored_file_id": stored, "file_name": name}
            broadcast = await BroadcastRepository(self.session).add(
                group_id=actor.group_id,
                author_telegram_id=actor.telegram_id,
                audience="everyone",
                unit_id=None,
                text=None,
                document=document,
                total=0,
                created_at=now,
            )
            envelopes = []
            for member in await self.roster.members(actor.group_id):
                if not member.is_member and not member.has(Role.SECRETARIAT):
                    continue
                if not member.connected:
                    continue
                assert member.person.telegram_id is not None
                t = self.render(member.person.locale(self.default_locale))
                envelopes.append(
                    Envelope(
                        key=f"broadcast:{broadcast.id}:{member.person.id}",
                        kind="broadcast",
                        chat_id=member.person.telegram_id,
                        person_id=member.person.id,
                        broadcast_id=broadcast.id,
                        text=self.texts.signed_notice(t, protocol, meeting),
                        document=document,
                        keyboard=self.texts.ack_keyboard(t, broadcast.id),
                    )
                )
            chat = await self.roster.linked_chat(actor.group_id)
            if chat is not None:
                t = self.render(self.default_locale)
                envelopes.append(
                    Envelope(
                        key=f"protocol:{protocol_id}:signed:chat",
                        kind="announcement",
                        chat_id=chat[0],
                        text=self.texts.signed_notice(t, protocol, meeting),
                    )
                )
            await BroadcastRepository(self.session).update(broadcast.id, total=len(envelopes))
            await enqueue(self.session, envelopes, now)
            await self.repo.update(protocol_id, broadcast_id=broadcast.id)
            await Auditor(self.session, actor, now)(
                "protocol_signed",
                "protocol",
                protocol_id,
                version=protocol.current_version,
                sha256=state.version.sha256,
                silent=list(state.silent_names),
                broadcast=broadcast.id,
                document_sha256=hashlib.sha256(docx).hexdigest(),
            )
            return await self._state(actor, protocol_id)

    async def listing(self, actor: Actor) -> list[tuple[ProtocolView, MeetingView]]:
        if not actor.in_roster:
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            meetings = {m.id: m for m in await self.meetings.listing(actor.group_id, limit=200)}
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
            protocol, _ = await self._protocol(actor, protocol_id)
            if protocol.status == "signed" and protocol.document_file_id is not None:
                stored = await FileRepository(self.session).get(protocol.document_file_id)
                assert stored is not None
                return stored.file_name, stored.content
            state = await self._state(actor, protocol_id)
        signed = state.protocol.status == "signed"
        # Signed before documents were frozen: rendered as before, from the live record.
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
