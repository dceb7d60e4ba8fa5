"""Jobs the ticker wakes: each asks a service what is due and lets it enqueue outbox rows."""

from __future__ import annotations

import logging

from bot.context import AppContext
from bot.services.broadcasts import BroadcastService
from bot.services.compliance import ComplianceService
from bot.services.due import DueService, DueTexts
from bot.services.meetings import MeetingService
from bot.services.reporting import ReportingService
from bot.services.reporting import due_handlers as reporting_due_handlers
from bot.services.setup import prune_update_marks
from bot.services.tasks import due_handlers as task_due_handlers
from bot.views import meetings as meeting_views
from bot.views import protocols as protocol_views
from bot.views import reporting as reporting_views
from bot.views import tasks as task_views
from bot.views.broadcasts import progress_text, report_text
from storage.db import read, write
from storage.repositories.agenda import AgendaRepository

log = logging.getLogger(__name__)


async def housekeeping(app: AppContext) -> None:
    async with app.db.session() as session:
        await prune_update_marks(session, app.clock.now())


async def broadcast_progress(app: AppContext) -> None:
    async with app.db.session() as session:
        await BroadcastService(session, app.clock).tick(
            render=app.translator,
            default_locale=app.settings.default_locale,
            progress_text=progress_text,
            report_text=report_text,
        )
    # Progress edits and reports were just enqueued; the sender need not wait to see them.
    app.wake_sender()


DUE_TEXTS = DueTexts(
    reminder=meeting_views.reminder,
    rsvp_keyboard=meeting_views.rsvp_keyboard,
    warning=meeting_views.warning,
    consent_reminder=protocol_views.consent_reminder,
    consent_keyboard=protocol_views.consent_keyboard,
)


async def due_tasks(app: AppContext) -> None:
    async with app.db.session() as session:
        handed = await DueService(
            session,
            app.clock,
            app.tz,
            render=app.translator,
            default_locale=app.settings.default_locale,
            texts=DUE_TEXTS,
            handlers={
                **task_due_handlers(task_views.TEXTS, app.settings.task_reminder_days),
                **reporting_due_handlers(
                    reporting_views.TEXTS,
                    body_name=app.settings.body_name,
                    group_name=app.group_name,
                ),
            },
        ).run()
    if handed:
        # Routine ticks stay silent at INFO; a task that fell due is what an operator looks for.
        log.info("%d due task(s) fired and handed to the outbox", handed)
        app.wake_sender()


async def plan_calendar(app: AppContext) -> None:
    """The month's warnings and verdict (cl. 12) and the quarters' reporting cycles (cl. 4 г)."""
    async with app.db.session() as session:
        await ComplianceService(session, app.clock, app.tz).plan(app.group_id)
        await ReportingService(
            session, app.clock, app.tz, deadline_days=app.settings.report_deadline_days
        ).plan(app.group_id)


async def live_votes(app: AppContext) -> None:
    """The live messages of meetings with a vote under way show its running count."""
    async with app.db.session() as session:
        async with read(session):
            meeting_ids = await AgendaRepository(session).voting_meetings()
        if not meeting_ids:
            return
        service = MeetingService(session, app.clock, app.tz)
        async with write(session):
            for meeting_id in meeting_ids:
                meeting = await service.load(app.group_id, meeting_id)
                presence = await service.presence(app.group_id, meeting_id)
                await service.refresh_live(
                    meeting,
                    presence,
                    app.translator,
                    app.settings.default_locale,
                    meeting_views.TEXTS,
                    app.clock.now(),
                )
    app.wake_sender()
