"""Drafting (cl. 14): the secretariat opens a closed meeting's protocol, writes it item by
item (СЛУШАЛИ, ВЫСТУПИЛИ, РЕШИЛИ and tasks), each save a new version bound by its hash, and
sends the current version to the members present for their consent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from bot.domain import fields
from bot.domain.protocol import TaskLine, canonical_text, version_hash
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.errors import InvalidInput, NotAllowed, NotFound, checked, checked_optional
from bot.services.notifier import Delivery, Notice
from bot.services.protocols.record import DOCX_MIME, ProtocolJob, ProtocolState
from storage.db import read, write
from storage.repositories.due import DueRepository
from storage.repositories.files import FileRepository
from storage.repositories.meetings import MeetingView
from storage.repositories.protocols import ProtocolView


def parse_tasks(text: str) -> tuple[TaskLine, ...]:
    """One task a line: «what; who; 31.01.2027» (the deadline may be left out)."""
    tasks = []
    for line in text.splitlines():
        parts = [fields.visible_text(p) for p in line.split(";")]
        if not parts[0]:
            continue
        if len(parts) < 2 or not parts[1]:
            raise InvalidInput("protocol.task_format")
        deadline = None
        if len(parts) > 2 and parts[2]:
            try:
                day, month, year = (int(x) for x in parts[2].split("."))
                deadline = date(year, month, day)
            except (ValueError, OverflowError) as exc:  # 31.02.2027, a year past 9999
                raise InvalidInput("protocol.task_format") from exc
        tasks.append(TaskLine(parts[0], checked(fields.TASK_OWNER, parts[1]), deadline))
    return tuple(tasks)


def check_keeps_record(actor: Actor) -> None:
    if not actor.can(Capability.KEEP_RECORD):
        raise NotAllowed("protocol.secretariat_only")


class ProtocolDrafting(ProtocolJob):
    async def open_draft(self, actor: Actor, meeting_id: int) -> ProtocolView:
        """The secretariat starts (or returns to) the protocol of a closed meeting."""
        check_keeps_record(actor)
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
            await self.audit(actor, now, "protocol_created", protocol.id, meeting_id=meeting_id)
        return protocol

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
        check_keeps_record(actor)
        heard = checked(fields.PROTOCOL_TEXT, heard)
        spoke = checked_optional(fields.PROTOCOL_TEXT, spoke) or ""
        if not fields.visible_text(decided):
            raise InvalidInput("protocol.decided_required")
        decided = checked(fields.PROTOCOL_TEXT, decided)
        now = self.clock.now()
        async with write(self.session):
            protocol, meeting, items = await self._editable_item(
                actor, protocol_id, number, lock=True
            )
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
            content = await self.record.content(meeting, items)
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
            await self.audit(
                actor,
                now,
                "protocol_version",
                protocol.id,
                version=new,
                sha256=version_hash(content),
                item=number,
            )
            if protocol.status == "consent":
                await self._request(actor, protocol.id, now)
            return await self.record.load(actor, protocol.id)

    async def check_item(self, actor: Actor, protocol_id: int, number: int) -> None:
        """At «Вопрос N: СЛУШАЛИ / РЕШИЛИ», before the first question: what `save_item`
        checks again when the item is saved (#14 finding 4)."""
        check_keeps_record(actor)
        async with read(self.session):
            await self._editable_item(actor, protocol_id, number)

    async def _editable_item(
        self, actor: Actor, protocol_id: int, number: int, *, lock: bool = False
    ) -> tuple[ProtocolView, MeetingView, dict[str, Any]]:
        """Inside the caller's transaction: the protocol is not signed and has item `number`;
        its meeting and the current version's items (a copy, to be changed). `lock` when the
        caller writes: a concurrent save or signature waits for it (#14 finding 5)."""
        protocol, meeting = await self.record.protocol(actor, protocol_id, lock=lock)
        if protocol.status == "signed":
            raise InvalidInput("protocol.signed_immutable")
        current = await self.repo.version(protocol.id, protocol.current_version)
        items = dict(current.items) if current else {}
        content = await self.record.content(meeting, items)
        if not 1 <= number <= len(content.items):
            raise NotFound("errors.stale")
        return protocol, meeting, items

    async def request_consent(self, actor: Actor, protocol_id: int) -> ProtocolState:
        check_keeps_record(actor)
        now = self.clock.now()
        async with write(self.session):
            protocol, _ = await self.record.protocol(actor, protocol_id, lock=True)
            if protocol.status == "signed":
                raise InvalidInput("protocol.signed_immutable")
            if protocol.status == "consent":
                # Asked already (a second press): a new version asks again by itself.
                raise InvalidInput("protocol.consent_requested_before")
            if protocol.current_version == 0:
                raise InvalidInput("protocol.nothing_written")
            await self._request(actor, protocol_id, now)
            return await self.record.load(actor, protocol_id)

    async def _request(self, actor: Actor, protocol_id: int, now: datetime) -> None:
        """Every member who was present gets this version, as text and DOCX, with buttons."""
        await self.repo.update(protocol_id, status="consent", consent_requested_at=now)
        state = await self.record.load(actor, protocol_id)
        protocol = state.protocol
        # python-docx is loaded for the first document, not by an idle bot (issue #15 item 9).
        from bot.documents.protocol_docx import protocol_filename, render_protocol

        docx = render_protocol(
            state.content,
            version_hash=state.version.sha256 if state.version else "",
            signed_by=None,
            signed_on=None,
        )
        name = protocol_filename(protocol.number, state.content.meeting_date)
        stored = await FileRepository(self.session).add(
            file_name=name, mime_type=DOCX_MIME, content=docx, now=now
        )
        sha = state.version.sha256 if state.version else ""
        present = await self.meetings.attendance_history(state.meeting.id)
        await self.notifier.tell(
            [
                m
                for m in await self.roster.meeting_people(state.meeting.group_id)
                if m.person.id in present and m.is_member
            ],
            Notice(
                "protocols.consent_request",
                protocol=protocol,
                sha=sha,
                items=state.content.items,
                subgroup=(state.content.subgroup_kind, state.content.subgroup_name),
            ),
            key=f"protocol:{protocol_id}:v{protocol.current_version}:consent",
            delivery=Delivery(document={"stored_file_id": stored, "file_name": name}),
        )
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
        await self.audit(
            actor,
            now,
            "consent_requested",
            protocol_id,
            version=protocol.current_version,
            sha256=sha,
        )
