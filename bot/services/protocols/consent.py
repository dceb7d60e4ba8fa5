"""Consent and objections (cl. 14-15): members present consent orally to the exact version,
or object to an item; an objection goes to whoever considers it, who calls a conciliation
meeting; its outcome is recorded by whoever presided it, or the objector withdraws it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.domain import fields
from bot.domain.meetings import MeetingFormat
from bot.domain.protocol import MODES, OUTCOMES
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.errors import InvalidInput, NotAllowed, NotFound, checked
from bot.services.meetings import meeting_calendar
from bot.services.notifier import Delivery, Notice
from bot.services.outbox import Envelope
from bot.services.protocols.record import ProtocolJob, is_person
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.files import FileRepository
from storage.repositories.meetings import MeetingView
from storage.repositories.outbox import OutboxRepository
from storage.repositories.protocols import (
    AnswerView,
    DisagreementView,
    ProtocolView,
    VersionView,
)


@dataclass(frozen=True, slots=True)
class Objected:
    disagreement: DisagreementView
    considering: MemberView | None


def check_may_call_conciliation(actor: Actor) -> None:
    """Cl. 15: the chair (or the deputy) calls a conciliation meeting; refused at the press,
    before the date is asked."""
    if not actor.can(Capability.PRESIDE):
        raise NotAllowed("protocol.chair_only")


class ProtocolConsent(ProtocolJob):
    async def _answerable(
        self, actor: Actor, protocol_id: int, version: int
    ) -> tuple[ProtocolView, MeetingView, int, VersionView]:
        """A member present answering the version being collected: the protocol, its
        meeting, the member's person id and that version."""
        protocol, meeting = await self.record.protocol(actor, protocol_id, lock=True)
        if actor.person_id is None or not actor.is_member:
            raise NotAllowed("protocol.only_present")
        if actor.person_id not in await self.meetings.attendance_history(meeting.id):
            raise NotAllowed("protocol.only_present")
        if protocol.status != "consent":
            raise InvalidInput("protocol.not_collecting")
        if version != protocol.current_version:
            raise InvalidInput("protocol.outdated_version")
        current = await self.repo.version(protocol_id, version)
        assert current is not None
        return protocol, meeting, actor.person_id, current

    async def _answers_of(self, protocol_id: int, version: int, person: int) -> list[AnswerView]:
        """The member's answers to this version, oldest first."""
        return [
            a
            for a in await self.repo.answers(protocol_id)
            if a.person_id == person and a.version == version
        ]

    async def check_answerable(
        self, actor: Actor, protocol_id: int, version: int, item_number: int | None = None
    ) -> None:
        """At «Подтверждаю устное согласие», «Есть возражение» and an item's button, before
        the mode or the reason is asked: only a member present may answer the version being
        collected (#14 findings 4, 11); `consent` and `object` check it again when the
        answer is written."""
        async with read(self.session):
            _, meeting, _, current = await self._answerable(actor, protocol_id, version)
            if item_number is not None:
                content = await self.record.content(meeting, current.items)
                if not 1 <= item_number <= len(content.items):
                    raise InvalidInput("protocol.no_such_item")

    async def _add_answer(
        self, protocol_id: int, version: VersionView, person: int, now: datetime, **fields: Any
    ) -> int:
        """The member's answer, bound to the exact version's hash (cl. 14)."""
        return await self.repo.add_answer(
            protocol_id=protocol_id,
            version=version.number,
            sha256=version.sha256,
            person_id=person,
            at=now,
            **fields,
        )

    async def ask_mode(self, actor: Actor, protocol_id: int, version: int) -> bool:
        """«Подтверждаю устное согласие»: the question of how the member took part (cl. 14),
        once per answer to give. Its outbox key counts the member's answers to the version,
        so a second press before answering sends nothing (False then), while a member who
        answered may press again and answer anew. Refused at the press, as the answer
        would be, when the member may not consent to this version."""
        async with write(self.session):
            _, _, person, _ = await self._answerable(actor, protocol_id, version)
            given = await self._answers_of(protocol_id, version, person)
            key = f"protocol-mode:{protocol_id}:v{version}:{person}:{len(given)}"
            if await OutboxRepository(self.session).by_key(key) is not None:
                return False
            rendered = self.notifier.render(
                Notice("protocols.ask_mode", protocol=protocol_id, version=version),
                actor.locale,
            )
            envelope = Envelope(
                key=key,
                kind="consent",
                chat_id=actor.telegram_id,
                person_id=person,
                text=rendered.text,
                keyboard=rendered.keyboard,
            )
            await self.notifier.send([envelope])
        return True

    async def consent(self, actor: Actor, protocol_id: int, version: int, mode: str) -> None:
        """Cl. 14: oral consent, recorded against the exact version's hash. The same consent
        again (a double tap on the mode) changes nothing and is not audited again."""
        if mode not in MODES:
            raise InvalidInput("errors.stale")
        now = self.clock.now()
        async with write(self.session):
            _, _, person, current = await self._answerable(actor, protocol_id, version)
            given = await self._answers_of(protocol_id, version, person)
            if given and (given[-1].kind, given[-1].mode) == ("consent", mode):
                return
            await self._add_answer(protocol_id, current, person, now, kind="consent", mode=mode)
            await self.audit(
                actor,
                now,
                "consented",
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
        if not fields.visible_text(reason):
            raise InvalidInput("protocol.reason_required")
        reason = checked(fields.PROTOCOL_TEXT, reason)
        now = self.clock.now()
        async with write(self.session):
            protocol, meeting, person, current = await self._answerable(actor, protocol_id, version)
            content = await self.record.content(meeting, current.items)
            if not 1 <= item_number <= len(content.items):
                raise InvalidInput("protocol.no_such_item")
            answer = await self._add_answer(
                protocol_id,
                current,
                person,
                now,
                kind="objection",
                item_number=item_number,
                reason=reason,
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
            considering = await self.record.considering(meeting.group_id)
            envelopes: list[Envelope] = []
            for member in await self.roster.meeting_people(meeting.group_id):
                # Whoever considers it gets the button that calls the conciliation meeting.
                considers = considering is not None and member.person.id == considering.person.id
                if considers or member.can(Capability.KEEP_RECORD):
                    envelopes += self.notifier.to_person(
                        member.person,
                        Notice(
                            "protocols.objection",
                            protocol=protocol,
                            disagreement=disagreement,
                            name=actor.display_name,
                            conciliation=considers,
                        ),
                        key=f"disagreement:{disagreement_id}",
                    )
            await self.notifier.send(envelopes)
            await self.audit(
                actor,
                now,
                "objected",
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
        check_may_call_conciliation(actor)
        if starts_at <= self.clock.now():
            raise InvalidInput("dates.past")
        now = self.clock.now()
        async with write(self.session):
            # Locked first: of two presses at once, the second finds it handled.
            disagreement = await self.repo.disagreement(disagreement_id, lock=True)
            if disagreement is None or disagreement.status != "open":
                raise InvalidInput("protocol.disagreement_closed")
            protocol, _ = await self.record.protocol(actor, disagreement.protocol_id)
            meeting = await self.meetings.add(
                group_id=actor.group_id,
                kind="conciliation",
                title=self.notifier.text(
                    Notice(
                        "protocols.conciliation_title",
                        number=protocol.number,
                        item=disagreement.item_number,
                    )
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
            await self.notifier.tell(
                [
                    m
                    for m in await self.roster.meeting_people(actor.group_id)
                    if m.can(Capability.PRESIDE)
                    or m.can(Capability.KEEP_RECORD)
                    or m.person.id == disagreement.person_id
                ],
                Notice("protocols.conciliation", protocol=protocol, meeting=meeting),
                key=f"conciliation:{meeting.id}",
                delivery=Delivery(document={"stored_file_id": stored, "file_name": file_name}),
            )
            await self.audit(
                actor,
                now,
                "conciliation_called",
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
            disagreement = await self.repo.disagreement(disagreement_id, lock=True)
            if disagreement is None:
                raise NotFound("errors.stale")
            protocol, _ = await self.record.protocol(actor, disagreement.protocol_id)
            if protocol.status == "signed":
                raise InvalidInput("protocol.signed_immutable")
            if disagreement.status != "open":
                raise InvalidInput("protocol.disagreement_closed")
            if outcome == "withdrawn":
                if not is_person(actor.person_id, disagreement.person_id):
                    raise NotAllowed("protocol.withdraw_own_only")
            else:
                concil = (
                    await self.meetings.get(actor.group_id, disagreement.conciliation_meeting_id)
                    if disagreement.conciliation_meeting_id is not None
                    else None
                )
                if concil is None or concil.status != "closed":
                    raise InvalidInput("protocol.conciliation_not_held")
                if not is_person(actor.person_id, concil.presiding_person_id):
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
            await self.notifier.tell(
                [
                    m
                    for m in await self.roster.meeting_people(actor.group_id)
                    if m.person.id == disagreement.person_id or m.can(Capability.KEEP_RECORD)
                ],
                Notice("protocols.outcome", protocol=protocol, disagreement=resolved),
                key=f"disagreement:{disagreement_id}:outcome",
                skip=actor.person_id,
            )
            await self.audit(
                actor,
                now,
                "disagreement_resolved",
                disagreement.protocol_id,
                disagreement=disagreement_id,
                outcome=outcome,
                version=protocol.current_version,
            )
        return resolved
