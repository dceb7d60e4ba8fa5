"""Jobs the ticker wakes: each asks a service what is due and lets it enqueue outbox rows."""

from __future__ import annotations

import logging

from bot.context import AppContext
from bot.services.setup import prune_update_marks
from bot.wiring import Services
from storage.db import read, write
from storage.repositories.agenda import AgendaRepository

log = logging.getLogger(__name__)


async def housekeeping(app: AppContext) -> None:
    async with app.db.session() as session:
        await prune_update_marks(session, app.clock.now())


async def broadcast_progress(app: AppContext) -> None:
    async with app.db.session() as session:
        await Services(session, app).broadcasts.tick()


async def due_tasks(app: AppContext) -> None:
    async with app.db.session() as session:
        handed = await Services(session, app).due.run()
    if handed:
        # Routine ticks stay silent at INFO; a task that fell due is what an operator looks for.
        log.info("%d due task(s) fired and handed to the outbox", handed)


async def plan_calendar(app: AppContext) -> None:
    """The month's warnings and verdict (cl. 12) and the quarters' reporting cycles (cl. 4 г)."""
    async with app.db.session() as session:
        services = Services(session, app)
        await services.compliance.plan(app.group_id)
        await services.reporting.plan(app.group_id)


async def live_votes(app: AppContext) -> None:
    """The live messages of meetings with a vote under way show its running count."""
    async with app.db.session() as session:
        async with read(session):
            meeting_ids = await AgendaRepository(session).voting_meetings()
        if not meeting_ids:
            return
        services = Services(session, app)
        async with write(session):
            for meeting_id in meeting_ids:
                meeting = await services.meetings.load(app.group_id, meeting_id)
                presence = await services.attendance.presence(app.group_id, meeting_id)
                await services.attendance.refresh_live(meeting, presence, app.clock.now())
