"""Roles of the working group and what each may do (regulation cl. 6-9, 16)."""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from enum import StrEnum

from bot.domain import fields
from bot.domain.fields import FieldError, TextField


class Role(StrEnum):
    CHAIR = "chair"
    DEPUTY_CHAIR = "deputy_chair"
    MEMBER = "member"
    SECRETARIAT = "secretariat"
    UNIT_REPRESENTATIVE = "unit_representative"
    # An outside specialist (cl. 16 в): a member of an expert group or project committee
    # (cl. 10), never of the working group, so never counted for its quorum.
    SPECIALIST = "specialist"
    GUEST = "guest"


# Chair and deputy are members of the group (cl. 7); they count wherever members count.
MEMBER_ROLES: frozenset[Role] = frozenset({Role.CHAIR, Role.DEPUTY_CHAIR, Role.MEMBER})

# Only one person holds each of these at a time (cl. 7).
SINGLE_HOLDER_ROLES: frozenset[Role] = frozenset({Role.CHAIR, Role.DEPUTY_CHAIR})

# Roles that belong to a structural unit; others may have one but need not.
UNIT_REQUIRED_ROLES: frozenset[Role] = frozenset({Role.UNIT_REPRESENTATIVE})

# Order in which the roster is listed: presiding roles first, guests last.
ROLE_ORDER: tuple[Role, ...] = (
    Role.CHAIR,
    Role.DEPUTY_CHAIR,
    Role.MEMBER,
    Role.UNIT_REPRESENTATIVE,
    Role.SECRETARIAT,
    Role.SPECIALIST,
    Role.GUEST,
)

# Roles that the roster hands out; guests are invited to one meeting, not to the roster, and
# specialists only into a subgroup (cl. 10, 16 в).
ROSTER_ROLES: tuple[Role, ...] = tuple(
    r for r in ROLE_ORDER if r not in (Role.GUEST, Role.SPECIALIST)
)


class Capability(StrEnum):
    USE_BOT = "use_bot"
    MANAGE_ROSTER = "manage_roster"
    BROADCAST = "broadcast"
    LINK_CHAT = "link_chat"
    # Scheduling also depends on the chair's absence (cl. 13); see domain.meetings.may_schedule.
    SCHEDULE = "schedule"
    RUN_MEETING = "run_meeting"
    RECORD_ABSENCE = "record_absence"
    VIEW_COMPLIANCE = "view_compliance"
    # Registers of the work programme (cl. 4): the secretariat keeps them.
    EDIT_REGISTERS = "edit_registers"
    # A structural unit's quarterly report (cl. 4 г).
    SUBMIT_REPORT = "submit_report"
    VIEW_REPORTS = "view_reports"
    # Guests for one meeting (cl. 16 а): who sets the meeting, and who organises it.
    INVITE_GUESTS = "invite_guests"
    # Audiences and duties that are not commands (see GRANTS).
    ATTEND_MEETINGS = "attend_meetings"
    PRESIDE = "preside"
    KEEP_RECORD = "keep_record"
    # Tasks decided again (cl. 4 д–е, 14): extended or cancelled by a decision, or by the chair.
    CHANGE_TASKS = "change_tasks"
    # Delegations to outside events (cl. 16 б): the secretariat and the chair record them.
    MANAGE_DELEGATIONS = "manage_delegations"
    # Expert groups and project committees (cl. 10): formed by a decision.
    FORM_SUBGROUPS = "form_subgroups"
    # Records and insight (issue #18): the audit log, the secretariat's exports, the dashboard.
    VIEW_AUDIT = "view_audit"
    EXPORT_RECORDS = "export_records"
    VIEW_DASHBOARD = "view_dashboard"


# Roles a person may hold besides their main one (cl. 7): a member (or the chair, or the
# deputy) may also represent their unit for reporting and work in the secretariat.
EXTRA_ROLES: frozenset[Role] = frozenset({Role.UNIT_REPRESENTATIVE, Role.SECRETARIAT})


def role_set(main: Role | None, extra: Iterable[Role | str] = ()) -> frozenset[Role]:
    """All roles a person holds: the main one and the extra ones."""
    roles = {Role(r) for r in extra}
    if main is not None:
        roles.add(main)
    return frozenset(roles)


def holds_member_role(roles: AbstractSet[Role]) -> bool:
    """Only members (chair and deputy included) count for quorum, vote and consent (cl. 14);
    in an expert group or project committee its outside specialists too (cl. 10, 16 в): the
    role exists only in a subgroup's memberships, so it never counts for the working group."""
    return not roles.isdisjoint(MEMBER_ROLES) or Role.SPECIALIST in roles


@dataclass(frozen=True, slots=True)
class Standing:
    """Who a person is for the rules: their roles in the group (or none) and admin status."""

    role: Role | None
    is_admin: bool = False
    extra_roles: frozenset[Role] = frozenset()

    @property
    def roles(self) -> frozenset[Role]:
        return role_set(self.role, self.extra_roles)

    def has(self, *roles: Role) -> bool:
        """Whether the person holds any of these roles, main or extra."""
        return not self.roles.isdisjoint(roles)

    def can(self, capability: Capability) -> bool:
        return can(self, capability)

    @property
    def in_roster(self) -> bool:
        return self.role is not None or self.is_admin

    @property
    def is_member(self) -> bool:
        return holds_member_role(self.roles)


# Who holds each capability: the roles that grant it, and whether administrators (from
# configuration) have it too. This table is the only place that says who may do what: the
# services check it, the command menus and the "who may" of a refusal are derived from it.
_PRESIDING = frozenset({Role.CHAIR, Role.DEPUTY_CHAIR})
_OVERSIGHT = frozenset({Role.CHAIR, Role.DEPUTY_CHAIR, Role.SECRETARIAT})
_SECRETARIAT = frozenset({Role.SECRETARIAT})
GRANTS: dict[Capability, tuple[frozenset[Role], bool]] = {
    # Administrators and the secretariat keep the roster and reach the members (cl. 15-16).
    Capability.MANAGE_ROSTER: (_SECRETARIAT, True),
    Capability.BROADCAST: (_SECRETARIAT, True),
    # Linking the group's chat is for administrators alone.
    Capability.LINK_CHAT: (frozenset(), True),
    Capability.SCHEDULE: (_PRESIDING, False),
    # Opening, recording and closing: the secretariat or whoever may preside (cl. 11-12).
    Capability.RUN_MEETING: (_OVERSIGHT, False),
    # The chair, or the secretariat when the chair cannot be reached (cl. 11).
    Capability.RECORD_ABSENCE: (frozenset({Role.CHAIR, Role.SECRETARIAT}), False),
    Capability.EDIT_REGISTERS: (_SECRETARIAT, True),
    Capability.INVITE_GUESTS: (_OVERSIGHT, True),
    Capability.SUBMIT_REPORT: (frozenset(UNIT_REQUIRED_ROLES), False),
    Capability.VIEW_COMPLIANCE: (_OVERSIGHT, True),
    Capability.VIEW_REPORTS: (_OVERSIGHT, True),
    # Meetings concern the members and the secretariat: invitations, reminders, RSVP (cl. 12).
    # ... and a subgroup's outside specialists, its meetings only (cl. 10, 16 в; group_scope).
    Capability.ATTEND_MEETINGS: (MEMBER_ROLES | _SECRETARIAT | {Role.SPECIALIST}, False),
    # The chair, or the deputy in the chair's absence, presides and signs (cl. 11, 15).
    Capability.PRESIDE: (_PRESIDING, False),
    # The secretariat keeps the record: protocols' drafts, delivery reports, escalations.
    Capability.KEEP_RECORD: (_SECRETARIAT, True),
    # The secretariat records a decision that changes a task; the chair may change one with a
    # written reason (cl. 4 д–е, 14).
    Capability.CHANGE_TASKS: (frozenset({Role.CHAIR, Role.SECRETARIAT}), True),
    Capability.MANAGE_DELEGATIONS: (frozenset({Role.CHAIR, Role.SECRETARIAT}), False),
    # The secretariat or the chair forms a subgroup from a signed decision (cl. 10).
    Capability.FORM_SUBGROUPS: (frozenset({Role.CHAIR, Role.SECRETARIAT}), False),
    # The audit log and the exports are the secretariat's records (cl. 15); the dashboard is for
    # those who lead the group's work (issue #18).
    Capability.VIEW_AUDIT: (_SECRETARIAT, True),
    Capability.EXPORT_RECORDS: (_SECRETARIAT, True),
    Capability.VIEW_DASHBOARD: (_OVERSIGHT, True),
}


def can(standing: Standing, capability: Capability) -> bool:
    if capability is Capability.USE_BOT:
        return standing.in_roster
    roles, admins = GRANTS[capability]
    return (admins and standing.is_admin) or not standing.roles.isdisjoint(roles)


def holders(capability: Capability) -> tuple[Role | str, ...]:
    """Who may, as told to someone who may not: the roles in roster order, then "admin"."""
    roles, admins = GRANTS[capability]
    named: tuple[Role | str, ...] = tuple(r for r in ROLE_ORDER if r in roles)
    return (*named, "admin") if admins else named


def demoted_role(role: Role) -> Role:
    """What the previous holder of a single-holder role becomes when replaced: a member."""
    return Role.MEMBER if role in SINGLE_HOLDER_ROLES else role


def clean_name(raw: str, field: TextField = fields.PERSON_NAME) -> str | None:
    """A person's name (or, with `fields.UNIT_NAME`, a unit's) as stored: invisible
    characters removed, spaces folded; None when nothing visible is left or it is too long."""
    try:
        return field.clean(raw)
    except FieldError:
        return None
