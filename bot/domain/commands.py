"""Which commands each role sees in the menu and may use (UX.md, Commands)."""

from __future__ import annotations

from bot.domain.roles import Capability, Role, Standing, can, holders

EVERYONE: tuple[str, ...] = (
    "start",
    "help",
    "menu",
    "language",
    "cancel",
    "meetings",
    "agenda",
    "propose",
    "protocols",
    "tasks",
    "plan",
    "projects",
    "documents",
    "delegations",
    "subgroups",
    "calendar",
)
# Shown to those whose role allows them, in this order.
RESTRICTED_COMMANDS: tuple[str, ...] = (
    "newmeeting",
    "absence",
    "members",
    "composition",
    "invite",
    "units",
    "broadcast",
    "deliveries",
    "compliance",
    "report",
    "reports",
    "export",
    "dashboard",
    "annual",
    "audit",
)

# The capability each restricted command needs; the rest are open to everyone in the roster.
COMMAND_CAPABILITY: dict[str, Capability] = {
    "members": Capability.MANAGE_ROSTER,
    "composition": Capability.MANAGE_ROSTER,
    "invite": Capability.MANAGE_ROSTER,
    "units": Capability.MANAGE_ROSTER,
    "broadcast": Capability.BROADCAST,
    "deliveries": Capability.BROADCAST,
    "newmeeting": Capability.SCHEDULE,
    "absence": Capability.RECORD_ABSENCE,
    "compliance": Capability.VIEW_COMPLIANCE,
    "report": Capability.SUBMIT_REPORT,
    "reports": Capability.VIEW_REPORTS,
    "export": Capability.EXPORT_RECORDS,
    "dashboard": Capability.VIEW_DASHBOARD,
    "annual": Capability.VIEW_DASHBOARD,
    "audit": Capability.VIEW_AUDIT,
}

# Who may use a restricted command, as shown to someone who may not: from the same table.
COMMAND_AUDIENCE: dict[str, tuple[Role | str, ...]] = {
    command: holders(capability) for command, capability in COMMAND_CAPABILITY.items()
}


def commands_for(standing: Standing) -> tuple[str, ...]:
    """Commands in the order they appear in the person's menu."""
    if not standing.in_roster:
        return ("start", "help", "language")
    extra = tuple(c for c in RESTRICTED_COMMANDS if can(standing, COMMAND_CAPABILITY[c]))
    return EVERYONE + extra


def may_use(standing: Standing, command: str) -> bool:
    capability = COMMAND_CAPABILITY.get(command)
    if capability is None:
        return True
    return can(standing, capability)
