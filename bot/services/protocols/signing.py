"""Signing (cl. 14-15): the presiding person signs when nothing is missing; the document is
rendered once and frozen with a snapshot of all it shows, the tasks its decisions set are
created, and it goes to every member and the secretariat, and to the group's chat."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from bot.domain.protocol import consents_to_data, content_to_data
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.edms import export_row
from bot.services.errors import InvalidInput, NotAllowed
from bot.services.notifier import Delivery, Notice, Notifier
from bot.services.protocols.record import (
    DOCX_MIME,
    ProtocolJob,
    ProtocolRecord,
    ProtocolState,
    is_person,
)
from bot.services.tasks import create_tasks
from storage.db import read, write
from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.due import DueRepository
from storage.repositories.files import FileRepository
from storage.repositories.meetings import MeetingView
from storage.repositories.protocols import ProtocolView


class ProtocolSigning(ProtocolJob):
    def __init__(
        self, record: ProtocolRecord, notifier: Notifier, *, edms_export: bool = False
    ) -> None:
        super().__init__(record, notifier)
        # With EDMS_EXPORT_DIR set, each signed protocol's package is written there by a due
        # task added in the signing transaction (issue #18 item 4).
        self.edms_export = edms_export

    async def check_sign(self, actor: Actor, protocol_id: int) -> ProtocolState:
        """What «Подписать» checks before asking for confirmation: the same refusals as
        signing itself, so that nobody confirms what cannot be signed."""
        async with read(self.session):
            protocol, meeting = await self.record.protocol(actor, protocol_id)
            return await self._sign_checked(actor, protocol, meeting)

    async def _sign_checked(
        self, actor: Actor, protocol: ProtocolView, meeting: MeetingView
    ) -> ProtocolState:
        if protocol.status == "signed":
            raise InvalidInput("protocol.signed_immutable")
        if not is_person(actor.person_id, meeting.presiding_person_id):
            raise NotAllowed("protocol.presiding_only")
        state = await self.record.load(actor, protocol.id)
        if not state.check.may_sign:
            missing = self.notifier.text(
                Notice("protocols.missing", check=state.check), actor.locale
            )
            raise InvalidInput("protocol.cannot_sign", missing=missing)
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
            # Locked first: the second of two presses at once finds it signed.
            protocol, meeting = await self.record.protocol(actor, protocol_id, lock=True)
            if not is_person(actor.person_id, meeting.presiding_person_id):
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
            # python-docx is loaded for the first document, not by an idle bot (#15 item 9).
            from bot.documents.protocol_docx import protocol_filename, render_protocol

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
            broadcast = await self._distribute(actor, protocol, meeting, document, now)
            await self.repo.update(protocol_id, broadcast_id=broadcast)
            await self.audit(
                actor,
                now,
                "protocol_signed",
                protocol_id,
                version=protocol.current_version,
                sha256=state.version.sha256,
                silent=list(state.silent_names),
                broadcast=broadcast,
                document_sha256=hashlib.sha256(docx).hexdigest(),
            )
            if self.edms_export:
                await DueRepository(self.session).add(
                    [export_row(actor.group_id, protocol_id, now)]
                )
            return await self.record.load(actor, protocol_id)

    async def _distribute(
        self,
        actor: Actor,
        protocol: ProtocolView,
        meeting: MeetingView,
        document: dict[str, Any],
        now: datetime,
    ) -> int:
        """The signed document as a broadcast to the members and the secretariat, whose
        receipts are acknowledged like any broadcast's, and a notice in the group's chat.
        Returns the broadcast's id."""
        broadcasts = BroadcastRepository(self.session)
        broadcast = await broadcasts.add(
            group_id=actor.group_id,
            author_telegram_id=actor.telegram_id,
            audience="everyone",
            unit_id=None,
            text=None,
            document=document,
            total=0,
            created_at=now,
        )
        envelopes = self.notifier.to_people(
            [
                m
                for m in await self.roster.meeting_people(actor.group_id)
                if m.can(Capability.ATTEND_MEETINGS)
            ],
            Notice("protocols.signed", protocol=protocol, meeting=meeting, broadcast=broadcast.id),
            key=f"broadcast:{broadcast.id}",
            delivery=Delivery(kind="broadcast", document=document, broadcast_id=broadcast.id),
        )
        # Units with a mailbox get the signed document by e-mail (issue #18 item 3).
        envelopes += self.notifier.to_addresses(
            [
                (f"unit{unit.id}", unit.email)
                for unit in await self.roster.units(actor.group_id)
                if unit.email
            ],
            Notice("protocols.signed", protocol=protocol, meeting=meeting),
            key=f"broadcast:{broadcast.id}",
            delivery=Delivery(kind="broadcast", document=document, broadcast_id=broadcast.id),
        )
        chat = await self.roster.linked_chat(actor.group_id)
        if chat is not None:
            envelopes.append(
                self.notifier.to_chat(
                    chat[0],
                    Notice("protocols.signed", protocol=protocol, meeting=meeting),
                    key=f"protocol:{protocol.id}:signed:chat",
                )
            )
        await broadcasts.update(broadcast.id, total=len(envelopes))
        await self.notifier.send(envelopes)
        return broadcast.id
