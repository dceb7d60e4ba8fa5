"""The chair's absence (cl. 11, 13): recorded by the chair or, when the chair cannot be
reached, by the secretariat; the deputy acts meanwhile."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from datetime import datetime, timedelta

from bot.domain.meetings import (
    absence_recorded_as,
    may_record_absence,
    presiding_pair_told_of_absence,
)
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.errors import InvalidInput, NotAllowed
from bot.services.notifier import Notice, Notifier
from bot.services.roster import Auditor
from storage.db import write
from storage.repositories.meetings import MeetingRepository
from storage.repositories.roster import RosterRepository


@dataclass(eq=False)
class AbsenceService(ZonedService):
    _: KW_ONLY
    notifier: Notifier

    def __post_init__(self) -> None:
        self.repo = MeetingRepository(self.session)
        self.roster = RosterRepository(self.session)

    @staticmethod
    def check_recorder(actor: Actor) -> None:
        """Refused before the dialog starts, with who may record it."""
        if not may_record_absence(actor.roles):
            raise NotAllowed("meetings.absence_not_allowed")

    async def set_absence(self, actor: Actor, starts_at: datetime, ends_at: datetime) -> None:
        """When the secretariat records it, the chair and the deputy are told who did and
        for which days."""
        self.check_recorder(actor)
        if ends_at <= starts_at:
            raise InvalidInput("meetings.absence_order")
        now = self.clock.now()
        recorded_as = absence_recorded_as(actor.roles)
        async with write(self.session):
            absence_id = await self.repo.add_absence(
                group_id=actor.group_id,
                starts_at=starts_at,
                ends_at=ends_at,
                created_by=actor.telegram_id,
                created_at=now,
            )
            if presiding_pair_told_of_absence(recorded_as):
                presiding = [
                    m
                    for m in await self.roster.meeting_people(actor.group_id)
                    if m.can(Capability.PRESIDE)
                ]
                notice = Notice(
                    "meetings.absence",
                    recorded_by=actor.display_name,
                    first=starts_at.astimezone(self.tz).date(),
                    # ends_at is the first instant the chair is back; the last day is the one
                    # before.
                    last=(ends_at - timedelta(microseconds=1)).astimezone(self.tz).date(),
                )
                await self.notifier.tell(
                    presiding, notice, key=f"absence:{absence_id}", skip=actor.person_id
                )
            await Auditor(self.session, actor, now)(
                "chair_absence",
                "working_group",
                actor.group_id,
                absence=absence_id,
                starts_at=starts_at.isoformat(),
                ends_at=ends_at.isoformat(),
                recorded_by=actor.person_id,
                recorded_as=recorded_as.value,
            )
