"""The monthly rule (cl. 12): warnings while a month has no meeting, and each month's verdict."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.meetings import (
    MonthVerdict,
    last_months,
    month_bounds,
    month_end_check_time,
    month_of,
    month_verdict,
    warning_times,
)
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.errors import NotAllowed
from storage.db import read, write
from storage.repositories.due import DueRepository
from storage.repositories.meetings import MeetingRepository


@dataclass(frozen=True, slots=True)
class MonthRow:
    year: int
    month: int
    verdict: MonthVerdict
    held: int


@dataclass(eq=False)
class ComplianceService(ZonedService):
    def __post_init__(self) -> None:
        self.repo = MeetingRepository(self.session)

    async def plan(self, group_id: int) -> None:
        """This month's warnings and verdict as due tasks; planning twice adds nothing."""
        now = self.clock.now()
        year, month = month_of(now, self.tz)
        tasks = [
            {
                "key": f"warning:{group_id}:{year}-{month:02d}:{at.isoformat()}",
                "kind": "monthly_warning",
                "group_id": group_id,
                "due_at": at,
                "payload": {"year": year, "month": month},
                "status": "pending",
            }
            for at in warning_times(year, month, self.tz)
        ]
        tasks.append(
            {
                "key": f"month_close:{group_id}:{year}-{month:02d}",
                "kind": "month_close",
                "group_id": group_id,
                "due_at": month_end_check_time(year, month, self.tz),
                "payload": {"year": year, "month": month},
                "status": "pending",
            }
        )
        async with write(self.session):
            await DueRepository(self.session).add(tasks)

    async def last_year(self, actor: Actor) -> list[MonthRow]:
        if not (actor.can(Capability.RUN_MEETING) or actor.can(Capability.BROADCAST)):
            raise NotAllowed("errors.not_allowed")
        async with read(self.session):
            return await self.verdicts(actor.group_id, last_months(self.clock.now(), self.tz))

    async def verdicts(self, group_id: int, months: list[tuple[int, int]]) -> list[MonthRow]:
        """Each month's meetings held and verdict, in the order given; inside the caller's
        transaction (the dashboard and the annual report read the same rule, issue #18)."""
        current = month_of(self.clock.now(), self.tz)
        rows: list[MonthRow] = []
        recorded = await self.repo.months(group_id)
        for year, month in months:
            if (year, month) in recorded:
                held, _ = recorded[(year, month)]
            else:
                start, end = month_bounds(year, month, self.tz)
                held = await self.repo.count_held(group_id, start, end)
            over = (year, month) != current and (year, month) in recorded
            verdict = month_verdict(held, month_over=over)
            rows.append(MonthRow(year, month, verdict, held))
        return rows
