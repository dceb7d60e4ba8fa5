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
from bot.services.absence import AbsenceService
from bot.services.agenda import AgendaService
from bot.services.attendance import AttendanceService
from bot.services.audit import AuditService
from bot.services.broadcasts import BroadcastService
from bot.services.chats import ChatService
from bot.services.compliance import ComplianceService
from bot.services.composition import CompositionService
from bot.services.delegations import DelegationDue, DelegationService
from bot.services.document_versions import DocumentVersionService
from bot.services.due import DueService
from bot.services.edms import EdmsService
from bot.services.email import EmailAddressService
from bot.services.exports import ExportService
from bot.services.group_scope import GroupScopeService
from bot.services.guests import GuestService
from bot.services.indicators import IndicatorService
from bot.services.insight import InsightService
from bot.services.invites import InviteService
from bot.services.meetings import MeetingService
from bot.services.notifier import Notifier
from bot.services.protocols.consent import ProtocolConsent
from bot.services.protocols.drafting import ProtocolDrafting
from bot.services.protocols.record import ProtocolRecord
from bot.services.protocols.signing import ProtocolSigning
from bot.services.recording import RecordingService
from bot.services.registers import RegisterService
from bot.services.report_cycles import ReportCycles
from bot.services.reporting import ReportingService
from bot.services.roster import RosterService
from bot.services.scheduling import SchedulingService
from bot.services.subgroups import SubgroupService
from bot.services.task_changes import TaskChangeService
from bot.services.task_due import TaskDue
from bot.services.tasks import TaskService
from bot.views.email import SUBJECTS as EMAIL_SUBJECTS
from bot.views.email import email_body
from bot.views.notices import RENDERERS


class Services:
    """The services of one session (an update's or a job's), built lazily."""

    def __init__(self, session: AsyncSession, app: AppContext) -> None:
        self.session = session
        self.app = app

    @cached_property
    def notifier(self) -> Notifier:
        mail = self.app.settings.smtp_url is not None
        return Notifier(
            self.session,
            self.app.clock,
            translator=self.app.translator,
            default_locale=self.app.settings.default_locale,
            renderers=RENDERERS,
            # E-mail copies only when SMTP is configured (issue #18 item 3).
            email_subjects=EMAIL_SUBJECTS if mail else None,
            email_body=email_body if mail else None,
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
        return BroadcastService(self.session, self.app.clock, self.notifier)

    # Meetings: the read side and answers, then one service per job built on it.

    @cached_property
    def meetings(self) -> MeetingService:
        return MeetingService(self.session, self.app.clock, self.app.tz)

    @cached_property
    def scheduling(self) -> SchedulingService:
        return SchedulingService(
            self.session, self.app.clock, meetings=self.meetings, notifier=self.notifier
        )

    @cached_property
    def attendance(self) -> AttendanceService:
        return AttendanceService(
            self.session,
            self.app.clock,
            meetings=self.meetings,
            notifier=self.notifier,
            open_early=self.app.settings.meeting_open_early,
        )

    @cached_property
    def recordings(self) -> RecordingService:
        return RecordingService(self.session, self.app.clock, meetings=self.meetings)

    @cached_property
    def absences(self) -> AbsenceService:
        return AbsenceService(self.session, self.app.clock, self.app.tz, notifier=self.notifier)

    @cached_property
    def compliance(self) -> ComplianceService:
        return ComplianceService(self.session, self.app.clock, self.app.tz)

    @cached_property
    def agenda(self) -> AgendaService:
        return AgendaService(
            self.session,
            self.app.clock,
            meetings=self.meetings,
            attendance=self.attendance,
            notifier=self.notifier,
        )

    @cached_property
    def guests(self) -> GuestService:
        return GuestService(self.session, self.app.clock, notifier=self.notifier)

    @cached_property
    def protocols(self) -> ProtocolRecord:
        """A protocol as it stands: the card, the listing, the document."""
        settings = self.app.settings
        return ProtocolRecord(
            self.session,
            self.app.clock,
            self.app.tz,
            notifier=self.notifier,
            body_name=settings.body_name,
            group_name=self.app.group_name,
            consent_period=timedelta(days=settings.consent_period_days),
        )

    @cached_property
    def protocol_drafts(self) -> ProtocolDrafting:
        return ProtocolDrafting(self.protocols, self.notifier)

    @cached_property
    def protocol_consent(self) -> ProtocolConsent:
        return ProtocolConsent(self.protocols, self.notifier)

    @cached_property
    def protocol_signing(self) -> ProtocolSigning:
        return ProtocolSigning(
            self.protocols,
            self.notifier,
            edms_export=self.app.settings.edms_export_dir is not None,
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
            notifier=self.notifier,
            file_max_mb=self.app.settings.report_file_max_mb,
        )

    @cached_property
    def due(self) -> DueService:
        """What fell due (reminders, deadlines, reporting cycles), with every kind's handler."""
        return DueService(
            self.session,
            self.app.clock,
            self.app.tz,
            notifier=self.notifier,
            handlers={
                **TaskDue(self.notifier, self.app.settings.task_reminder_days).handlers(),
                **ReportCycles(self.reporting, self.notifier).handlers(),
                **DelegationDue(self.notifier).handlers(),
                **self.edms.handlers(),
            },
        )

    @cached_property
    def task_changes(self) -> TaskChangeService:
        return TaskChangeService(
            self.session,
            self.app.clock,
            self.app.tz,
            notifier=self.notifier,
            reminder_days=self.app.settings.task_reminder_days,
        )

    @cached_property
    def document_versions(self) -> DocumentVersionService:
        """Versions of the documents in the registers (cl. 4 б, в, к, 5)."""
        return DocumentVersionService(
            self.session,
            self.app.clock,
            self.app.tz,
            registers=self.registers,
            file_max_mb=self.app.settings.report_file_max_mb,
        )

    @cached_property
    def indicators(self) -> IndicatorService:
        """Effectiveness indicators of priority projects and of the Plan (cl. 3 в, 4 ж)."""
        return IndicatorService(self.session, self.app.clock, self.app.tz)

    @cached_property
    def delegations(self) -> DelegationService:
        return DelegationService(self.session, self.app.clock, self.app.tz, notifier=self.notifier)

    @cached_property
    def subgroups(self) -> SubgroupService:
        """Expert groups and project committees (cl. 10), outside specialists (cl. 16 в)."""
        return SubgroupService(
            self.session,
            self.app.clock,
            notifier=self.notifier,
            invite_ttl=self.app.invite_ttl,
            file_max_mb=self.app.settings.report_file_max_mb,
        )

    @cached_property
    def group_scope(self) -> GroupScopeService:
        """Which group an action is in: the working group or a subgroup (cl. 10)."""
        return GroupScopeService(self.session, self.app.clock)

    @cached_property
    def exports(self) -> ExportService:
        """The secretariat's exports and the calendar feed (issue #18 item 2)."""
        return ExportService(self.session, self.app.clock, self.app.tz)

    @cached_property
    def edms(self) -> EdmsService:
        """The signed protocol's package for the document system (СЭД, issue #18 item 4)."""
        settings = self.app.settings
        return EdmsService(
            self.session,
            self.app.clock,
            record=self.protocols,
            export_dir=settings.edms_export_dir,
            soffice_path=settings.soffice_path,
            timeout=settings.edms_convert_timeout_seconds,
        )

    @cached_property
    def email_addresses(self) -> EmailAddressService:
        """E-mail addresses of members and units (issue #18 item 3)."""
        return EmailAddressService(self.session, self.app.clock, roster=self.roster)

    @cached_property
    def insight(self) -> InsightService:
        """The dashboard's series and the annual report (issue #18 items 5, 6)."""
        settings = self.app.settings
        return InsightService(
            self.session,
            self.app.clock,
            self.app.tz,
            body_name=settings.body_name,
            group_name=self.app.group_name,
        )

    @cached_property
    def audit(self) -> AuditService:
        """The audit log for the secretariat (issue #18 item 1): list, verify, export."""
        return AuditService(self.session, self.app.clock, self.app.tz)
