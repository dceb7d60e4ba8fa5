"""Versions of the documents in the registers (cl. 4 б, в, к, 5): the secretariat adds a
draft with its file and approves it by a decision of the group (a signed protocol's item);
everyone in the roster sees the approved version and the history and gets each file."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import datetime
from typing import Any

from bot.domain.document_versions import (
    VersionProblem,
    VersionRuleError,
    VersionStatus,
    approval,
    card_order,
    carries_versions,
    next_number,
)
from bot.domain.files import file_problem
from bot.domain.registers import Register
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.decisions import DecisionBook, DecisionError, DecisionProblem
from bot.services.errors import InvalidInput, NotFound
from bot.services.registers import Decision, RegisterService
from bot.services.roster import Auditor
from storage.db import read, write
from storage.repositories.document_versions import DocumentVersionRepository, VersionView
from storage.repositories.meetings import MeetingRepository
from storage.repositories.protocols import ProtocolRepository
from storage.repositories.registers import EntryView, RegisterRepository


@dataclass(frozen=True, slots=True)
class Approval:
    """The decision that approved a version: «протокол № 7/2026 от 30 ноября 2026 г.,
    пункт 1»; ``held_on`` is when the meeting was held."""

    protocol_id: int
    protocol_number: str
    held_on: datetime
    item_number: int


@dataclass(frozen=True, slots=True)
class VersionLine:
    version: VersionView
    approval: Approval | None


@dataclass(frozen=True, slots=True)
class VersionsSection:
    """The versions part of an entry's card: the approved version first, then the history
    (the newest first); whether the reader may add and approve versions."""

    entry_id: int
    approved: VersionLine | None
    history: list[VersionLine]
    may_edit: bool
    # An entry of /documents is a document itself: its card always has the section. The
    # Plan's and a project's entries show it once they have a version.
    is_document: bool = True

    @property
    def drafts(self) -> list[VersionView]:
        return [
            line.version
            for line in self.history
            if line.version.status == VersionStatus.DRAFT.value
        ]


@dataclass(frozen=True, slots=True)
class ApprovalSummary:
    """What «Подтвердить» will do: approve ``version`` by ``approval``, superseding
    ``superseded`` if a version was approved before."""

    entry: EntryView
    version: VersionView
    approval: Approval
    superseded: VersionView | None


@dataclass(eq=False)
class DocumentVersionService(ZonedService):
    _: KW_ONLY
    registers: RegisterService
    # The limit of files people attach (settings.report_file_max_mb): the cloud Bot API lets
    # the bot download up to 20 MB, so a larger file could not be kept.
    file_max_mb: int

    def __post_init__(self) -> None:
        self.repo = DocumentVersionRepository(self.session)
        self.entries = RegisterRepository(self.session)
        self.protocols = ProtocolRepository(self.session)
        self.meetings = MeetingRepository(self.session)

    # Who may do what: as for the registers the documents belong to (the secretariat edits,
    # everyone in the roster reads).
    def can_edit(self, actor: Actor) -> bool:
        return self.registers.can_edit(actor)

    def require_editor(self, actor: Actor) -> None:
        self.registers.require_editor(actor)

    def _require_reader(self, actor: Actor) -> None:
        self.registers.require_reader(actor)

    # Reading
    async def section(self, actor: Actor, entry_id: int) -> VersionsSection | None:
        """The versions part of the entry's card; None for an entry that carries no
        document (a milestone, a priority measure)."""
        self._require_reader(actor)
        async with read(self.session):
            entry = await self.entries.entry(actor.group_id, entry_id)
            if entry is None or not carries_versions(entry.register, entry.kind):
                return None
            approved, history = card_order(await self.repo.versions(entry.id))
            return VersionsSection(
                entry_id=entry.id,
                approved=await self._line(actor, approved) if approved else None,
                history=[await self._line(actor, v) for v in history],
                may_edit=self.can_edit(actor),
                is_document=entry.register == Register.DOCUMENTS.value,
            )

    async def _line(self, actor: Actor, version: VersionView) -> VersionLine:
        found = None
        if version.protocol_id is not None and version.item_number is not None:
            protocol = await self.protocols.get(version.protocol_id)
            meeting = None
            if protocol is not None:
                meeting = await self.meetings.get(actor.group_id, protocol.meeting_id)
            if protocol is not None and meeting is not None:
                found = Approval(
                    protocol.id,
                    protocol.number,
                    meeting.opened_at or meeting.starts_at,
                    version.item_number,
                )
        return VersionLine(version, found)

    async def file(self, actor: Actor, version_id: int) -> VersionView:
        """The version whose file is asked for; its ``document`` has the Telegram id."""
        self._require_reader(actor)
        async with read(self.session):
            version = await self._version(actor, version_id)
        if not version.document.get("file_id"):
            raise NotFound("errors.stale")
        return version

    async def _version(self, actor: Actor, version_id: int) -> VersionView:
        version = await self.repo.version(actor.group_id, version_id)
        if version is None:
            raise NotFound("errors.stale")
        return version

    async def _versioned_entry(self, actor: Actor, entry_id: int) -> EntryView:
        entry = await self.entries.entry(actor.group_id, entry_id)
        if entry is None or not carries_versions(entry.register, entry.kind):
            # Only a forged or outdated button names such an entry.
            raise NotFound("errors.stale")
        return entry

    # Adding a draft
    async def entry_for_draft(self, actor: Actor, entry_id: int) -> EntryView:
        """The entry a new version is added to: the secretariat's, a document's entry."""
        self.require_editor(actor)
        async with read(self.session):
            return await self._versioned_entry(actor, entry_id)

    def check_file(self, name: str | None, size: int | None) -> None:
        """The file types and size limit of every file people attach (bot.domain.files)."""
        problem = file_problem(name, size, self.file_max_mb)
        if problem is not None:
            raise InvalidInput(f"files.{problem.value}", name=name or "—", max=self.file_max_mb)

    async def add_draft(self, actor: Actor, entry_id: int, document: dict[str, Any]) -> int:
        """Cl. 4 к, 5: the secretariat puts a new version (a draft) with its file on the
        entry. Checked again here: the dialog's answers are only what was sent."""
        self.require_editor(actor)
        if not document.get("file_id"):
            raise NotFound("errors.stale")
        self.check_file(document.get("file_name"), document.get("size"))
        now = self.clock.now()
        async with write(self.session):
            entry = await self._versioned_entry(actor, entry_id)
            await self.repo.lock_entry(entry.id)
            number = next_number(await self.repo.numbers(entry.id))
            version_id = await self.repo.add(
                entry_id=entry.id,
                number=number,
                status=VersionStatus.DRAFT.value,
                document=document,
                created_by=actor.person_id,
                created_at=now,
            )
            await Auditor(self.session, actor, now)(
                "document_version_added",
                "document_version",
                version_id,
                entry=entry.id,
                number=number,
                file=document.get("file_name"),
                size=document.get("size"),
                kept=document.get("kept_sha256") is not None,
            )
        return version_id

    # Approving by a decision
    async def decisions(self, actor: Actor, version_id: int) -> tuple[VersionView, list[Decision]]:
        """The draft to approve and the decisions that may approve it: items of the group's
        signed protocols. With none, there is nothing to approve it by (cl. 4 к, 5)."""
        self.require_editor(actor)
        async with read(self.session):
            version = await self._version(actor, version_id)
        self._check_draft(version)
        found = await self.registers.decisions(actor)
        if not found:
            raise InvalidInput("document_versions.no_decisions")
        return version, found

    @staticmethod
    def _check_draft(version: VersionView) -> None:
        if version.status != VersionStatus.DRAFT.value:
            raise InvalidInput("document_versions.not_draft", number=version.number)

    async def preview(
        self, actor: Actor, version_id: int, decision: tuple[int, int] | None
    ) -> ApprovalSummary:
        """What approving would do, checked as the approval itself checks it."""
        self.require_editor(actor)
        async with read(self.session):
            return await self._summary(actor, version_id, decision)

    async def _summary(
        self, actor: Actor, version_id: int, decision: tuple[int, int] | None
    ) -> ApprovalSummary:
        version = await self._version(actor, version_id)
        entry = await self._versioned_entry(actor, version.entry_id)
        versions = await self.repo.versions(entry.id)
        try:
            approval([(v.id, v.status) for v in versions], version.id, has_decision=bool(decision))
        except VersionRuleError as error:
            if error.problem is VersionProblem.NO_DECISION:
                raise InvalidInput("document_versions.no_decision") from error
            raise InvalidInput("document_versions.not_draft", number=version.number) from error
        assert decision is not None
        basis = await self._decision(actor, *decision)
        superseded = next((v for v in versions if v.status == VersionStatus.APPROVED.value), None)
        return ApprovalSummary(entry, version, basis, superseded)

    async def _decision(self, actor: Actor, protocol_id: int, item_number: int) -> Approval:
        """Cl. 14: only a signed protocol records the group's decisions; the item named must
        be one of its items."""
        try:
            d = await DecisionBook(self.session).find(actor.group_id, protocol_id, item_number)
        except DecisionError as error:
            number = error.protocol_number
            if error.problem is DecisionProblem.NOT_SIGNED:
                raise InvalidInput(
                    "document_versions.protocol_not_signed", number=number
                ) from error
            if error.problem is DecisionProblem.NO_ITEM:
                raise InvalidInput(
                    "document_versions.item_missing", number=number, item=item_number
                ) from error
            raise NotFound("errors.stale") from error
        return Approval(d.protocol_id, d.protocol_number, d.held_at, d.item_number)

    async def approve(
        self, actor: Actor, version_id: int, decision: tuple[int, int] | None
    ) -> ApprovalSummary:
        """Cl. 4 к, 5: the draft becomes the approved version, named by the decision that
        approved it; the version approved before becomes superseded. Audited."""
        self.require_editor(actor)
        now = self.clock.now()
        async with write(self.session):
            version = await self._version(actor, version_id)
            await self.repo.lock_entry(version.entry_id)
            summary = await self._summary(actor, version_id, decision)
            versions = await self.repo.versions(summary.entry.id)
            changes = approval([(v.id, v.status) for v in versions], version.id, has_decision=True)
            basis = summary.approval
            audit = Auditor(self.session, actor, now)
            for changed_id, status in sorted(changes.items()):
                if status is VersionStatus.SUPERSEDED:
                    await self.repo.update(changed_id, status=status.value, superseded_at=now)
                    await audit(
                        "document_version_superseded",
                        "document_version",
                        changed_id,
                        entry=summary.entry.id,
                        by=version.id,
                    )
            await self.repo.update(
                version.id,
                status=VersionStatus.APPROVED.value,
                protocol_id=basis.protocol_id,
                item_number=basis.item_number,
                approved_at=now,
            )
            await audit(
                "document_version_approved",
                "document_version",
                version.id,
                entry=summary.entry.id,
                number=version.number,
                protocol=basis.protocol_id,
                item=basis.item_number,
                superseded=summary.superseded.id if summary.superseded else None,
            )
        return summary
