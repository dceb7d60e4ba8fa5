"""The composition root: every service is built here, and only here.

Handlers reach the services through the per-update context (`ctx.meetings`, ...), scheduler
jobs and benchmarks through `Services(session, app)`. Each is built on first use, on the one
session of the update or job, with its settings and collaborators taken from `AppContext`;
so a service's constructor changes in one place, and nothing else re-wires it.
"""

from __future__ import annotations

from datetime import timedelta
from functools import cached_property

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.services.agenda import AgendaService
from bot.services.broadcasts import BroadcastService
from bot.services.chats import ChatService
from bot.services.compliance import ComplianceService
from bot.services.composition import CompositionService
from bot.services.due import DueService, DueTexts
from bot.services.guests import GuestService
from bot.services.invites import InviteService
from bot.services.meetings import MeetingService
from bot.services.notifier import Notifier
from bot.services.protocols import ProtocolService
from bot.services.registers import RegisterService
from bot.services.reporting import ReportingService
from bot.services.reporting import due_handlers as reporting_due_handlers
from bot.services.roster import RosterService
from bot.services.tasks import TaskService
from bot.services.tasks import due_handlers as task_due_handlers
from bot.views import agenda as agenda_views
from bot.views import guests as guest_views
from bot.views import meetings as meeting_views
from bot.views import protocols as protocol_views
from bot.views import reporting as reporting_views
from bot.views import tasks as task_views
from bot.views.notices import RENDERERS

DUE_TEXTS = DueTexts(
    reminder=meeting_views.reminder,
    rsvp_keyboard=meeting_views.rsvp_keyboard,
    warning=meeting_views.warning,
    consent_reminder=protocol_views.consent_reminder,
    consent_keyboard=protocol_views.consent_keyboard,
)


class Services:
    """The services of one session (an update's or a job's), built lazily."""

    def __init__(self, session: AsyncSession, app: AppContext) -> None:
        self.session = session
        self.app = app

    @cached_property
    def notifier(self) -> Notifier:
        return Notifier(
            self.session,
            self.app.clock,
            translator=self.app.translator,
            default_locale=self.app.settings.default_locale,
            renderers=RENDERERS,
        )

    @cached_property
    def roster(self) -> RosterService:
        return RosterService(self.session, self.app.clock)

    @cached_property
    def invites(self) -> InviteService:
        return InviteService(self.session, self.app.clock, self.app.invite_ttl)

    @cached_property
    def chats(self) -> ChatService:
        return ChatService(self.session, self.app.clock)

    @cached_property
    def composition(self) -> CompositionService:
        return CompositionService(self.session, self.app.clock, self.app.tz)

    @cached_property
    def broadcasts(self) -> BroadcastService:
        return BroadcastService(self.session, self.app.clock)

    @cached_property
    def meetings(self) -> MeetingService:
        return MeetingService(
            self.session,
            self.app.clock,
            self.app.tz,
            open_early=self.app.settings.meeting_open_early,
        )

    @cached_property
    def compliance(self) -> ComplianceService:
        return ComplianceService(self.session, self.app.clock, self.app.tz)

    @cached_property
    def agenda(self) -> AgendaService:
        return AgendaService(
            self.session,
            self.app.clock,
            self.app.tz,
            render=self.app.translator,
            default_locale=self.app.settings.default_locale,
            texts=agenda_views.TEXTS,
        )

    @cached_property
    def guests(self) -> GuestService:
        return GuestService(
            self.session,
            self.app.clock,
            render=self.app.translator,
            default_locale=self.app.settings.default_locale,
            notices=guest_views.NOTICES,
        )

    @cached_property
    def protocols(self) -> ProtocolService:
        settings = self.app.settings
        return ProtocolService(
            self.session,
            self.app.clock,
            self.app.tz,
            body_name=settings.body_name,
            group_name=self.app.group_name,
            render=self.app.translator,
            default_locale=settings.default_locale,
            texts=protocol_views.TEXTS,
            consent_period=timedelta(days=settings.consent_period_days),
        )

    @cached_property
    def registers(self) -> RegisterService:
        return RegisterService(self.session, self.app.clock, self.app.tz, notifier=self.notifier)

    @cached_property
    def reporting(self) -> ReportingService:
        settings = self.app.settings
        return ReportingService(
            self.session,
            self.app.clock,
            self.app.tz,
            deadline_days=settings.report_deadline_days,
            body_name=settings.body_name,
            group_name=self.app.group_name,
        )

    @cached_property
    def tasks(self) -> TaskService:
        return TaskService(
            self.session,
            self.app.clock,
            self.app.tz,
            render=self.app.translator,
            default_locale=self.app.settings.default_locale,
            texts=task_views.TEXTS,
            file_max_mb=self.app.settings.report_file_max_mb,
        )

    @cached_property
    def due(self) -> DueService:
        """What fell due (reminders, deadlines, reporting cycles), with every kind's handler."""
        settings = self.app.settings
        return DueService(
            self.session,
            self.app.clock,
            self.app.tz,
            render=self.app.translator,
            default_locale=settings.default_locale,
            texts=DUE_TEXTS,
            handlers={
                **task_due_handlers(task_views.TEXTS, settings.task_reminder_days),
                **reporting_due_handlers(
                    reporting_views.TEXTS,
                    body_name=settings.body_name,
                    group_name=self.app.group_name,
                ),
            },
        )
