"""Jobs the ticker wakes: each asks a service what is due and lets it enqueue outbox rows."""

from __future__ import annotations

from bot.context import AppContext
from bot.services.broadcasts import BroadcastService
from bot.services.compliance import ComplianceService
from bot.services.due import DueService
from bot.services.setup import prune_update_marks
from bot.views.broadcasts import progress_text, report_text
from bot.views.meetings import DUE_TEXTS


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


async def due_tasks(app: AppContext) -> None:
    async with app.db.session() as session:
        handed = await DueService(
            session,
            app.clock,
            app.tz,
            render=app.translator,
            default_locale=app.settings.default_locale,
            texts=DUE_TEXTS,
        ).run()
    if handed:
        app.wake_sender()


async def plan_months(app: AppContext) -> None:
    async with app.db.session() as session:
        await ComplianceService(session, app.clock, app.tz).plan(app.group_id)
