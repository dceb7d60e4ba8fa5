"""APScheduler only ticks; what is due lives in our tables and the jobs claim it.

The in-memory job store is deliberate: a job here holds no state of its own, so a restart
loses nothing, and fixed ids with replace_existing keep one copy of each job.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.context import AppContext
from scheduler import jobs

log = logging.getLogger(__name__)

Job = Callable[[AppContext], Awaitable[None]]

# (id, seconds between ticks, job). Progress at most every 2 s, as the issue asks.
SCHEDULE: tuple[tuple[str, float, Job], ...] = (
    ("housekeeping", 3600.0, jobs.housekeeping),
    ("broadcast_progress", 2.0, jobs.broadcast_progress),
    ("live_votes", 2.0, jobs.live_votes),
    # Reminders are handed to the outbox well within a second of falling due.
    ("due_tasks", 0.5, jobs.due_tasks),
    ("plan_calendar", 3600.0, jobs.plan_calendar),
)


class Ticker:
    def __init__(self, app: AppContext) -> None:
        self.app = app
        self.scheduler = AsyncIOScheduler(timezone="UTC")

    def start(self) -> None:
        for job_id, seconds, job in SCHEDULE:
            self.scheduler.add_job(
                self._guarded(job_id, job),
                "interval",
                seconds=seconds,
                id=job_id,
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                # The first run at once, not one interval after start: what fell due while
                # the bot was down is handled immediately.
                next_run_time=datetime.now(UTC),
            )
        self.scheduler.start()
        # Planning runs once at start too, so a fresh month has its warnings and a quarter its
        # reporting cycle at once.
        self.scheduler.add_job(
            self._guarded("plan_calendar_now", jobs.plan_calendar),
            id="plan_now",
            replace_existing=True,
        )

    def _guarded(self, job_id: str, job: Job) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            try:
                await job(self.app)
            except Exception:
                log.exception("scheduled job %s failed; it runs again at its next tick", job_id)

        return run

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
