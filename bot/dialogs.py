"""Dialog states; their data lives in the database so a dialog survives a restart."""

from __future__ import annotations

from aiogram.fsm.state import State, StatesGroup


class InviteDialog(StatesGroup):
    full_name = State()
    confirm = State()


class GuestDialog(StatesGroup):
    full_name = State()
    capacity = State()


class UnitDialog(StatesGroup):
    name = State()


class BroadcastDialog(StatesGroup):
    content = State()
    audience = State()


class MeetingDialog(StatesGroup):
    title = State()
    venue = State()
    when = State()
    confirm = State()


class RescheduleDialog(StatesGroup):
    when = State()


class RecordingDialog(StatesGroup):
    file = State()
    reference = State()


class AbsenceDialog(StatesGroup):
    period = State()


class ProposalDialog(StatesGroup):
    title = State()
    description = State()
    document = State()


class AgendaItemDialog(StatesGroup):
    title = State()
    materials = State()


class RejectDialog(StatesGroup):
    reason = State()


class ProtocolItemDialog(StatesGroup):
    heard = State()
    spoke = State()
    decided = State()
    tasks = State()


class ObjectionDialog(StatesGroup):
    reason = State()


class ConciliationDialog(StatesGroup):
    when = State()


class VenueDialog(StatesGroup):
    text = State()


class RsvpReasonDialog(StatesGroup):
    reason = State()


class ReportDialog(StatesGroup):
    """A unit's quarterly report: text or file first, then the other one optionally."""

    content = State()
    more = State()
    confirm = State()


class RegisterDialog(StatesGroup):
    """A new entry of a register (cl. 4): kind (documents), title, owner unit, responsible,
    due date, the decision behind it, confirmation."""

    kind = State()
    title = State()
    unit = State()
    responsible = State()
    due = State()
    basis = State()
    confirm = State()


class RegisterChangeDialog(StatesGroup):
    """A change to an entry, then the decision that made it (or none)."""

    unit = State()
    responsible = State()
    due = State()
    note = State()
    basis = State()


class TaskReportDialog(StatesGroup):
    comment = State()
    file = State()
    confirm = State()


class ActDialog(StatesGroup):
    """An act of the composition (cl. 9): its kind, number, date of signing, file."""

    kind = State()
    number = State()
    signed_on = State()
    document = State()
    confirm = State()


class IncludeDialog(StatesGroup):
    """A member included by an act: name, role, unit, confirmation."""

    full_name = State()
    role = State()
    unit = State()
    confirm = State()


class TaskChangeDialog(StatesGroup):
    """A task extended or cancelled (cl. 4 д–е, 14): the new deadline (an extension), the
    decision behind it or the chair's reason, the confirmation."""

    deadline = State()
    basis = State()
    reason = State()
    confirm = State()


class TaskReturnDialog(StatesGroup):
    """The secretariat's comment on a completion report it returns."""

    comment = State()


class DocVersionDialog(StatesGroup):
    """A new version of a register entry's document: its file (cl. 4 к, 5)."""

    file = State()


class KpiDialog(StatesGroup):
    """A new effectiveness indicator (cl. 3 в): name, unit of measure, baseline, target value,
    target date."""

    name = State()
    measure = State()
    baseline = State()
    target = State()
    target_on = State()


class KpiTargetDialog(StatesGroup):
    """A new target value and date of an indicator."""

    target = State()
    target_on = State()


class KpiValueDialog(StatesGroup):
    """A measured value of an indicator: the number, the day measured, the source."""

    value = State()
    measured_on = State()
    source = State()


class DelegationDialog(StatesGroup):
    """A delegation to an outside event (cl. 16 б): title, organiser, date, place, topic,
    the delegates, the decision behind it, confirmation."""

    title = State()
    organiser = State()
    when = State()
    place = State()
    topic = State()
    delegates = State()
    basis = State()
    confirm = State()


class DelegationMoveDialog(StatesGroup):
    when = State()


class DelegationReportDialog(StatesGroup):
    """A delegate's report back: text or file first, then the other one optionally."""

    content = State()
    more = State()
    confirm = State()


class ExportDialog(StatesGroup):
    """An export over a typed period (issue #18 item 2): the period."""

    period = State()


class EmailDialog(StatesGroup):
    """A member's or a unit's e-mail address typed by the secretariat (issue #18 item 3)."""

    address = State()


class AnnualIntroDialog(StatesGroup):
    """The secretariat's introduction to a year's report (issue #18 item 6)."""

    text = State()


class AuditDialog(StatesGroup):
    """/audit (issue #18 item 1): a period typed to filter the list, or to export as CSV."""

    period = State()
    export = State()
