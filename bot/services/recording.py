"""The meeting's audio recording (cl. 12): the secretariat attaches it, by the file itself
or, when the bot cannot download it, by where it is kept and its checksum."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

from bot.domain import fields
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.errors import InvalidInput, NotAllowed
from bot.services.meetings import MeetingService
from bot.services.roster import Auditor
from storage.db import read, write
from storage.repositories.meetings import RecordingView


@dataclass(eq=False)
class RecordingService(Service):
    _: KW_ONLY
    meetings: MeetingService

    def __post_init__(self) -> None:
        self.repo = self.meetings.repo

    @staticmethod
    def check_keeper(actor: Actor) -> None:
        if not actor.can(Capability.KEEP_RECORD):
            raise NotAllowed("meetings.recording_secretariat")

    async def check_attachable(self, actor: Actor, meeting_id: int) -> None:
        """Before the file is asked for: the meeting is the group's, the actor may run it."""
        actor.require(Capability.RUN_MEETING)
        async with read(self.session):
            await self.meetings.load(actor.group_id, meeting_id)

    async def attach(
        self,
        actor: Actor,
        meeting_id: int,
        *,
        file_id: str | None,
        file_unique_id: str | None,
        file_name: str | None,
        mime_type: str | None,
        size: int | None,
        duration: int | None,
        sha256: str | None,
        storage_ref: str | None = None,
        kept_sha256: str | None = None,
    ) -> RecordingView:
        """Cl. 12: every meeting is recorded; the secretariat attaches the file."""
        self.check_keeper(actor)
        now = self.clock.now()
        async with write(self.session):
            meeting = await self.meetings.load(actor.group_id, meeting_id)
            if meeting.status == "cancelled":
                raise InvalidInput("meetings.cancelled")
            await self.repo.add_recording(
                meeting_id=meeting_id,
                file_id=file_id,
                file_unique_id=file_unique_id,
                # Telegram gives names up to 255 characters; stored shortened, never refused.
                file_name=None if file_name is None else fields.file_name(file_name, "recording"),
                mime_type=mime_type,
                size=size,
                duration=duration,
                sha256=sha256,
                storage_ref=storage_ref,
                kept_sha256=kept_sha256,
                attached_by=actor.telegram_id,
                attached_at=now,
            )
            await Auditor(self.session, actor, now)(
                "recording_attached",
                "meeting",
                meeting_id,
                size=size,
                sha256=sha256,
                storage_ref=storage_ref,
                kept=kept_sha256 is not None,
            )
            recording = await self.repo.recording(meeting_id)
        assert recording is not None
        return recording
