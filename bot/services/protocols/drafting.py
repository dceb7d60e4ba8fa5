"""Drafting (cl. 14): the secretariat opens a closed meeting's protocol, writes it item by
item (СЛУШАЛИ, ВЫСТУПИЛИ, РЕШИЛИ and tasks), each save a new version bound by its hash, and
sends the current version to the members present for their consent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from bot.domain import fields
from bot.domain.protocol import (
    ConsentEntry,
    ConsentState,
    ProtocolContent,
    TaskLine,
    canonical_text,
    version_hash,
)
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.errors import InvalidInput, NotAllowed, NotFound, checked, checked_optional
from bot.services.notifier import Delivery, Notice
from bot.services.protocols.record import DOCX_MIME, ProtocolJob, ProtocolState
from storage.db import read, write
from storage.repositories.due import DueRepository
from storage.repositories.files import FileRepository
from storage.repositories.meetings import MeetingView
from storage.repositories.protocols import ProtocolView, VersionView


@dataclass(frozen=True, slots=True)
class ItemDraft:
    """One item as the secretariat typed it: СЛУШАЛИ, ВЫСТУПИЛИ, РЕШИЛИ and tasks."""

    heard: str
    spoke: str
    decided: str
    tasks: tuple[TaskLine, ...] = ()


def clean_draft(draft: ItemDraft) -> ItemDraft:
    """The checks of every save (cl. 14): СЛУШАЛИ and РЕШИЛИ written, no text over the
    limit; the texts as they will be stored."""
    heard = checked(fields.PROTOCOL_TEXT, draft.heard)
    spoke = checked_optional(fields.PROTOCOL_TEXT, draft.spoke) or ""
    if not fields.visible_text(draft.decided):
        raise InvalidInput("protocol.decided_required")
    decided = checked(fields.PROTOCOL_TEXT, draft.decided)
    return ItemDraft(heard, spoke, decided, draft.tasks)


def item_data(draft: ItemDraft) -> dict[str, Any]:
    """An item as a version stores it."""
    return {
        "heard": draft.heard,
        "spoke": draft.spoke,
        "decided": draft.decided,
        "tasks": [
            {
                "text": x.text,
                "owner": x.owner,
                "deadline": x.deadline.isoformat() if x.deadline else None,
            }
            for x in draft.tasks
        ],
    }


def task_line(text: str, owner: str, deadline: date | None) -> TaskLine | None:
    """A task as the chat and the editor's rows both take it: None when nothing is written
    in «what», refused when the owner is missing or too long."""
    what = fields.visible_text(text)
    if not what:
        return None
    if len(what) > fields.PROTOCOL_TEXT.max_length:
        raise InvalidInput(
            "errors.text_too_long", max=fields.PROTOCOL_TEXT.max_length, length=len(what)
        )
    if not fields.visible_text(owner):
        raise InvalidInput("protocol.task_format")
    return TaskLine(what, checked(fields.TASK_OWNER, owner), deadline)


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
        task = task_line(parts[0], parts[1], deadline)
        if task is not None:
            tasks.append(task)
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
        """One item, as the chat's dialog writes it: `save_items` with that item alone."""
        draft = ItemDraft(heard=heard, spoke=spoke, decided=decided, tasks=tasks)
        return await self.save_items(actor, protocol_id, {number: draft})

    async def save_items(
        self,
        actor: Actor,
        protocol_id: int,
        drafts: Mapping[int, ItemDraft],
        *,
        base_version: int | None = None,
    ) -> ProtocolState:
        """Every item given, in ONE new version with its own hash (the chat saves one item,
        the Mini App all it shows); earlier consents stay in history but do not count for
        it, and consent is asked again if it was being collected. A save that changes
        nothing of substance (the same hash) makes no version. `base_version`: the version
        the editor started from; if another save came in between, nothing is overwritten."""
        check_keeps_record(actor)
        if not drafts:
            raise InvalidInput("protocol.nothing_written")
        cleaned = {number: clean_draft(d) for number, d in sorted(drafts.items())}
        now = self.clock.now()
        async with write(self.session):
            protocol, meeting, items, count = await self._editable(actor, protocol_id, lock=True)
            if base_version is not None and base_version != protocol.current_version:
                # Only the Mini App sends it, so the refusal's text is the Mini App's.
                raise InvalidInput(
                    "webapp_protocols.saved_meanwhile", version=protocol.current_version
                )
            if any(not 1 <= number <= count for number in cleaned):
                raise NotFound("errors.stale")
            for number, draft in cleaned.items():
                items[str(number)] = item_data(draft)
            content = await self.record.content(meeting, items)
            sha = version_hash(content)
            current = await self.repo.version(protocol.id, protocol.current_version)
            if current is not None and current.sha256 == sha:
                return await self.record.load(actor, protocol.id)
            new = protocol.current_version + 1
            await self.repo.add_version(
                protocol_id=protocol.id,
                number=new,
                items=items,
                canonical=canonical_text(content),
                sha256=sha,
                created_by=actor.telegram_id,
                created_at=now,
            )
            await self.repo.update(protocol.id, current_version=new)
            numbers = list(cleaned)
            await self.audit(
                actor,
                now,
                "protocol_version",
                protocol.id,
                version=new,
                sha256=sha,
                # One item as before (the chat); several as a list (the Mini App).
                **({"item": numbers[0]} if len(numbers) == 1 else {"items": numbers}),
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
        protocol, meeting, items, count = await self._editable(actor, protocol_id, lock=lock)
        if not 1 <= number <= count:
            raise NotFound("errors.stale")
        return protocol, meeting, items

    async def _editable(
        self, actor: Actor, protocol_id: int, *, lock: bool = False
    ) -> tuple[ProtocolView, MeetingView, dict[str, Any], int]:
        """As `_editable_item`, with the number of items instead of one item's check."""
        protocol, meeting = await self.record.protocol(actor, protocol_id, lock=lock)
        if protocol.status == "signed":
            raise InvalidInput("protocol.signed_immutable")
        current = await self.repo.version(protocol.id, protocol.current_version)
        items = dict(current.items) if current else {}
        content = await self.record.content(meeting, items)
        return protocol, meeting, items, len(content.items)

    # The secretariat's reads for the Mini App's editor (issue #19)
    async def history(self, actor: Actor, protocol_id: int) -> list[tuple[VersionView, str | None]]:
        """Every saved version, first to last, with the name of who saved it."""
        check_keeps_record(actor)
        async with read(self.session):
            protocol, meeting = await self.record.protocol(actor, protocol_id)
            names = {
                m.person.telegram_id: m.display_name
                for m in await self.roster.meeting_people(meeting.group_id)
            }
            found = []
            for n in range(1, protocol.current_version + 1):
                version = await self.repo.version(protocol.id, n)
                if version is None:
                    continue
                name = names.get(version.created_by)
                if name is None and version.created_by is not None:
                    # Someone no longer in the roster, or an administrator outside it.
                    person = await self.roster.person_by_telegram(version.created_by)
                    name = person.display_name if person else None
                found.append((version, name))
        return found

    async def consent_board(
        self, actor: Actor, protocol_id: int
    ) -> tuple[ProtocolState, list[tuple[ConsentEntry, int | None]]]:
        """The consent of everyone present (the card's entries), each silent one with the
        item of their open objection, if any: the editor's live list."""
        check_keeps_record(actor)
        async with read(self.session):
            state = await self.record.load(actor, protocol_id)
            names = {
                m.person.id: m.display_name
                for m in await self.roster.meeting_people(state.meeting.group_id)
            }
        # The entries carry names, not ids: an open objection is matched by its objector's.
        objecting: dict[str, int] = {}
        for d in state.disagreements:
            if d.status == "open" and d.person_id in names:
                objecting.setdefault(names[d.person_id], d.item_number)
        return state, [
            (e, objecting.get(e.name) if e.state is ConsentState.SILENT else None)
            for e in state.consents
        ]

    async def owners(self, actor: Actor) -> tuple[list[str], list[str]]:
        """Whom a task may be given to, as the editor suggests them: the people of the
        roster and the units. Any other owner may still be typed, as in the chat."""
        check_keeps_record(actor)
        async with read(self.session):
            people = [m.display_name for m in await self.roster.meeting_people(actor.group_id)]
            units = [u.name for u in await self.roster.units(actor.group_id)]
        return sorted(set(people)), units

    async def compare(
        self, actor: Actor, protocol_id: int, a: int, b: int
    ) -> tuple[ProtocolContent, ProtocolContent]:
        """Versions `a` and `b` as the record reads them (item titles from the agenda)."""
        check_keeps_record(actor)
        async with read(self.session):
            protocol, meeting = await self.record.protocol(actor, protocol_id)
            contents = []
            for number in (a, b):
                version = await self.repo.version(protocol.id, number)
                if version is None:
                    raise NotFound("errors.stale")
                contents.append(await self.record.content(meeting, dict(version.items)))
        return contents[0], contents[1]

    async def unwritten(self, actor: Actor) -> list[MeetingView]:
        """Closed meetings of the group with no protocol yet: the secretariat may start one."""
        check_keeps_record(actor)
        async with read(self.session):
            closed = [
                m
                for m in await self.meetings.listing(actor.group_id, limit=200)
                if m.status == "closed"
            ]
            started = {p.meeting_id for p in await self.repo.listing([m.id for m in closed])}
        return [m for m in closed if m.id not in started]

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
