"""The signed protocol's package for the body's document system (СЭД, cl. 15; issue #18
item 4): sent as a ZIP from the protocol's card to the secretariat, and, with
`EDMS_EXPORT_DIR` set, written to that folder when the protocol is signed, through a due task.

LibreOffice's conversion takes seconds: it is never run inside a database transaction. A
press reads what it needs in one short transaction, converts, then audits in another; the
due task takes a lease on its row in the ticker's transaction and does the work after that
transaction has committed (`DueService.after_commit`), then records the outcome: done, or
pending again later with the reason when the folder could not be written."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import KW_ONLY, dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.documents.edms import (
    Package,
    PackageSource,
    PdfResult,
    build_package,
    card_text,
    convert_to_pdf,
    find_soffice,
    write_atomically,
)
from bot.documents.texts import DocumentTexts
from bot.domain.protocol import ProtocolContent, content_from_data
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.due import DueHandler, DueService
from bot.services.errors import InvalidInput, NotFound
from bot.services.protocols.record import ProtocolRecord
from bot.services.roster import Auditor
from storage.db import read, write
from storage.repositories.broadcasts import BroadcastRepository
from storage.repositories.due import DueRepository, DueView
from storage.repositories.files import FileRepository
from storage.repositories.protocols import ProtocolRepository, ProtocolView

log = logging.getLogger(__name__)

EXPORT_KIND = "edms_export"
# While the package is being made after the ticker's transaction, the row waits this long
# before another tick may take it again (a crash in between is retried after it).
LEASE = timedelta(minutes=10)
# An unwritable folder is tried again after this long.
RETRY_AFTER = timedelta(minutes=5)


def export_row(group_id: int, protocol_id: int, now: datetime) -> dict[str, Any]:
    """The due row that writes a signed protocol's package to the export folder."""
    return {
        "key": f"edms:{protocol_id}",
        "kind": EXPORT_KIND,
        "group_id": group_id,
        "due_at": now,
        "payload": {"protocol": protocol_id},
        "status": "pending",
    }


def protocol_title(content: ProtocolContent) -> str:
    """«Протокол заседания рабочей группы по …», the heading of the document in one line;
    a subgroup's protocol names the subgroup (cl. 10)."""
    tx = DocumentTexts()
    if content.subgroup_name is not None and content.series != "conciliation":
        extraordinary = "extraordinary_" if content.extraordinary else ""
        heading = tx(
            f"group_scope.{extraordinary}of_{content.subgroup_kind}", name=content.subgroup_name
        )
    elif content.series == "conciliation":
        heading = tx("protocol.of_conciliation")
    elif content.extraordinary:
        heading = tx("protocol.of_extraordinary")
    else:
        heading = tx("protocol.of_meeting")
    return card_text("title", heading=heading)


@dataclass(eq=False)
class EdmsService(Service):
    _: KW_ONLY
    record: ProtocolRecord
    export_dir: Path | None = None
    soffice_path: str | None = None
    timeout: float = 60.0

    def __post_init__(self) -> None:
        self.protocols = ProtocolRepository(self.session)

    # The button on the signed protocol's card
    async def source(self, actor: Actor, protocol_id: int) -> PackageSource:
        """What the package of a signed protocol is made from; refused to whoever does not
        keep the record, and for a protocol not signed."""
        actor.require(Capability.KEEP_RECORD)
        async with read(self.session):
            protocol, _ = await self.record.protocol(actor, protocol_id)
            return await self._source(protocol)

    async def package(self, actor: Actor, source: PackageSource) -> Package:
        """The ZIP, its PDF made outside any transaction; the sending is audited."""
        package = await self._build(source)
        async with write(self.session):
            await Auditor(self.session, actor, self.clock.now())(
                "edms_package_sent",
                "protocol",
                source.protocol_id,
                file_name=package.file_name,
                pdf=package.card["files"]["pdf"] is not None,
            )
        return package

    # The export folder
    def handlers(self) -> dict[str, DueHandler]:
        return {EXPORT_KIND: self.export_due}

    async def export_due(self, service: DueService, due: DueView) -> tuple[str, str | None]:
        """In the ticker's transaction: the row is leased, and the package is made and written
        once that transaction has committed."""
        if self.export_dir is None:
            return "skipped", "EDMS_EXPORT_DIR is not set"
        protocol = await self.protocols.get(int(due.payload["protocol"]))
        if protocol is None or protocol.status != "signed":
            return "skipped", "the protocol is not signed"
        source = await self._source(protocol)
        await DueRepository(self.session).reschedule(due.id, self.clock.now() + LEASE)
        service.after_commit.append(lambda: self._export(due, source))
        return "pending", "the package is being written"

    async def _export(self, due: DueView, source: PackageSource) -> None:
        assert self.export_dir is not None
        package = await self._build(source)
        try:
            path = await asyncio.to_thread(
                write_atomically, self.export_dir, package.file_name, package.content
            )
        except OSError as error:
            reason = f"the export folder is not writable: {error}"[:300]
            log.warning(
                "EDMS package of protocol %s not written, retried in %s: %s",
                source.number,
                RETRY_AFTER,
                reason,
            )
            async with write(self.session):
                await DueRepository(self.session).reschedule(
                    due.id, self.clock.now() + RETRY_AFTER, note=reason
                )
            return
        log.info("EDMS package of protocol %s written to %s", source.number, path)
        now = self.clock.now()
        async with write(self.session):
            await DueRepository(self.session).finish(due.id, "done", now, None)
            await Auditor(self.session, None, now)(
                "edms_exported",
                "protocol",
                source.protocol_id,
                file_name=package.file_name,
                pdf=package.card["files"]["pdf"] is not None,
            )

    # Shared
    async def _build(self, source: PackageSource) -> Package:
        soffice = find_soffice(self.soffice_path)
        pdf: PdfResult = await convert_to_pdf(
            source.docx, source.docx_name, soffice=soffice, seconds=self.timeout
        )
        return build_package(source, pdf)

    async def _source(self, protocol: ProtocolView) -> PackageSource:
        """Inside the caller's transaction: the frozen DOCX and snapshot of a signed
        protocol, and the people it was sent to."""
        if (
            protocol.status != "signed"
            or protocol.snapshot is None
            or protocol.document_file_id is None
        ):
            raise InvalidInput("edms.not_signed")
        stored = await FileRepository(self.session).get(protocol.document_file_id)
        if stored is None:
            raise NotFound("errors.stale")
        snapshot = protocol.snapshot
        content = content_from_data(snapshot["content"])
        addressees: list[str] = []
        if protocol.broadcast_id is not None:
            lines = await BroadcastRepository(self.session).lines(
                protocol.broadcast_id, f"broadcast:{protocol.broadcast_id}"
            )
            addressees = [line.name for line in lines if line.person_id is not None]
        signed_on = snapshot.get("signed_on")
        return PackageSource(
            protocol_id=protocol.id,
            number=content.number,
            meeting_date=content.meeting_date,
            signed_on=date.fromisoformat(signed_on) if signed_on else content.meeting_date,
            title=protocol_title(content),
            organisation=content.body_name,
            group=content.group_name,
            subgroup_kind=content.subgroup_kind,
            subgroup_name=content.subgroup_name,
            signer_name=str(snapshot.get("signed_by") or content.presiding),
            signer_role=content.presiding_role,
            addressees=tuple(addressees),
            docx_name=stored.file_name,
            docx=stored.content,
        )
