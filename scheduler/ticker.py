"""APScheduler only ticks; what is due lives in our tables and the jobs claim it.

The in-memory job store is deliberate: a job here holds no state of its own, so a restart
loses nothing, and fixed ids with replace_existing keep one copy of each job.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.clock import Clock
from bot.services.setup import prune_update_marks
from storage.db import Database

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class Ticker:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self.scheduler = AsyncIOScheduler(timezone="UTC")

    def every(self, job_id: str, seconds: float, job: Job) -> None:
        self.scheduler.add_job(
            self._guarded(job_id, job),
            "interval",
            seconds=seconds,
            id=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
        )

    def _guarded(self, job_id: str, job: Job) -> Job:
        async def run() -> None:
            try:
                await job()
            except Exception:
                log.exception("scheduled job %s failed; it runs again at its next tick", job_id)

        return run

    def start(self) -> None:
        self.every("housekeeping", 3600, self.housekeeping)
        self.scheduler.start()

    async def housekeeping(self) -> None:
        async with self.db.session() as session:
            pruned = await prune_update_marks(session, self.clock.now())
        if pruned:
            log.info("pruned %s old update marks", pruned)

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
