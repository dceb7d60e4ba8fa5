"""Who may press each button the bot shows: one row per (payload prefix, action).

`GRANTS` in `roles.py` says who holds a capability; this table says which capability (or
which kind of person) each button needs, so that a press is refused at once, before any
confirmation or dialog, by whoever lacks it. The services run the finer rule (the chair's
absence, the presiding person of that meeting, the people a broadcast was addressed to)
at the first press and again when the change is written. The role walk
(tests/integration/test_role_walk.py) presses every registered button as every role against
this table, and fails when a button is registered without a row here; the README's "Who may
do what" is generated from it.
"""

from __future__ import annotations

from enum import StrEnum

from bot.domain.roles import GRANTS, ROLE_ORDER, Capability, Standing, can


class Audience(StrEnum):
    """Buttons that no capability governs: who may press them depends on the object."""

    # Anyone in the roster: reading, paging, one's own language and dialogs.
    ROSTER = "roster"
    # Only the people the object was addressed to: a broadcast's recipients, the members
    # present at a vote or asked for consent, a task's owner (#14 finding 11).
    ADDRESSEE = "addressee"
    # The guest the invitation was made for (cl. 16 а); guests are outside the roster.
    GUEST = "guest"
    # A subgroup's own (cl. 10): its head, or the secretariat or chair, as the service says.
    SUBGROUP = "subgroup"


Rule = Capability | Audience

# Payloads without an action (a vote's choice, an acknowledgement, a language) are keyed
# by their prefix and "".
ANY = ""

_ROSTER = Capability.MANAGE_ROSTER
_REGISTERS = Capability.EDIT_REGISTERS


def _rows(prefix: str, rule: Rule, *actions: str) -> dict[tuple[str, str], Rule]:
    return {(prefix, action): rule for action in actions}


BUTTONS: dict[tuple[str, str], Rule] = {
    # The main menu's sections, each as its command needs (bot/domain/commands.py).
    **_rows("m", Audience.ROSTER, "help", "language", "main", "meetings", "agenda"),
    **_rows("m", Audience.ROSTER, "protocols", "tasks", "plan", "projects", "documents"),
    **_rows("m", _ROSTER, "members", "invites", "units", "composition"),
    **_rows("m", Capability.BROADCAST, "broadcast", "deliveries"),
    **_rows("m", Capability.SUBMIT_REPORT, "report"),
    **_rows("m", Capability.VIEW_REPORTS, "reports"),
    **_rows("lg", Audience.ROSTER, ANY),
    # The roster, invitations, units and the approved composition (cl. 6-9).
    **_rows("mb", _ROSTER, "page", "open", "roles", "setrole", "setrole_ok", "units"),
    **_rows("mb", _ROSTER, "setunit", "remove", "remove_ok"),
    **_rows("iv", _ROSTER, "list", "new", "role", "unit", "revoke", "noname", "confirm"),
    **_rows("un", _ROSTER, "list", "open", "add", "archive"),
    **_rows("cp", _ROSTER, "list", "act", "file", "edit", "new", "kind", "nofile", "save"),
    **_rows("cp", _ROSTER, "include", "role", "unit", "include_ok", "include_ok_replace"),
    **_rows("cp", _ROSTER, "extra", "extra_off", "extra_on", "invite", "rm", "rm_act", "rm_ok"),
    # Meetings (cl. 11-12): setting them, running them, attending them.
    **_rows("nm", Capability.SCHEDULE, "fmt", "nolink", "day", "time", "kind"),
    **_rows("mt", Capability.SCHEDULE, "create", "cancel", "cancel_ok", "move", "venue"),
    **_rows("mt", Audience.ROSTER, "drop", "list", "card"),
    **_rows("mt", Capability.ATTEND_MEETINGS, "rsvp", "checkin", "leave"),
    **_rows("mt", Capability.RUN_MEETING, "answers", "start", "close", "qr", "rec"),
    **_rows("mt", Capability.KEEP_RECORD, "protocol"),
    # The agenda (cl. 13): whoever holds it (the chair, or the deputy in the chair's absence),
    # proposals by members, votes by the members present.
    **_rows("ag", Audience.ROSTER, "show"),
    **_rows("ag", Capability.ATTEND_MEETINGS, "propose", "skip", "done"),
    **_rows("ag", Capability.SCHEDULE, "inc", "rej", "noreason", "approve", "up", "down", "add"),
    **_rows("ag", Capability.PRESIDE, "vote", "close"),
    **_rows("vt", Audience.ADDRESSEE, ANY),
    # Protocols (cl. 14-15).
    **_rows("pr", Audience.ROSTER, "card"),
    **_rows("pr", Capability.KEEP_RECORD, "item", "skip", "notasks", "request", "docx"),
    **_rows("pr", Audience.ADDRESSEE, "consent", "mode", "object", "objitem"),
    **_rows("pr", Capability.PRESIDE, "concil", "resolve", "sign", "signok"),
    # Broadcasts and the group's chat.
    **_rows("bc", Capability.BROADCAST, "aud", "unit", "confirm", "cancel", "hist", "open"),
    **_rows("ack", Audience.ADDRESSEE, ANY),
    **_rows("lk", Capability.LINK_CHAT, "link", "unlink"),
    # Quarterly reporting (cl. 4 г).
    **_rows("rp", Capability.SUBMIT_REPORT, "submit", "skip", "confirm", "cancel"),
    **_rows("rp", Capability.VIEW_REPORTS, "cycle", "list", "unit", "file", "docx"),
    # Tasks set by decisions (cl. 4 д–е): the owner reports, the secretariat sets owners.
    **_rows("tk", Audience.ROSTER, "my", "open", "overdue", "done", "card"),
    **_rows("tk", Audience.ADDRESSEE, "report", "skip", "confirm", "cancel"),
    **_rows("tk", Capability.KEEP_RECORD, "assign", "people", "units", "setp", "setu"),
    # Registers of the work programme (cl. 4).
    **_rows("rg", Audience.ROSTER, "list", "card"),
    **_rows("rg", _REGISTERS, "upage", "ppage", "bpage", "add", "addms", "kind", "unit"),
    **_rows("rg", _REGISTERS, "resp", "basis", "ok", "no", "status", "setst", "due"),
    **_rows("rg", _REGISTERS, "note", "owner"),
    # Guests of a meeting (cl. 16 а): the organisers' list, the guest's own card.
    **_rows("gs", Capability.INVITE_GUESTS, "list", "new", "revoke"),
    **_rows("gs", Audience.GUEST, "card", "docs", "checkin"),
    # Tasks decided again (cl. 4 д–е, 14): extended or cancelled by a decision or by the chair
    # with a reason; completion reports accepted or returned by the secretariat.
    **_rows("tc", Capability.CHANGE_TASKS, "extend", "cancel", "basis", "bpage", "nobasis"),
    **_rows("tc", Capability.CHANGE_TASKS, "ok", "no"),
    **_rows("tc", Capability.KEEP_RECORD, "accept", "return"),
    # Versions of the documents in the registers (cl. 4 б, в, к, 5).
    **_rows("dv", Audience.ROSTER, "file", "cancel"),
    **_rows("dv", _REGISTERS, "add", "approve", "pick", "ok"),
    # Effectiveness indicators (cl. 3 в, 4 ж): the secretariat keeps them; a value is entered
    # by the secretariat or by the representative of the unit responsible for the project.
    **_rows("kp", Audience.ROSTER, "card"),
    **_rows("kp", _REGISTERS, "add", "edit", "arch", "archok"),
    **_rows("kp", Audience.ADDRESSEE, "val", "skip", "today", "nosrc"),
    # Delegations to outside events (cl. 16 б): the secretariat and the chair record, move,
    # cancel and offer them; a delegate reports back.
    **_rows("m", Audience.ROSTER, "delegations"),
    **_rows("dg", Audience.ROSTER, "list", "card", "file"),
    **_rows("dg", Capability.MANAGE_DELEGATIONS, "new", "pick", "dpage", "picked", "bpage"),
    **_rows("dg", Capability.MANAGE_DELEGATIONS, "basis", "ok", "no", "move", "cancel"),
    **_rows("dg", Capability.MANAGE_DELEGATIONS, "cancel_ok", "offer"),
    **_rows("dg", Audience.ADDRESSEE, "report", "skip", "rok", "rno"),
    # Expert groups and project committees (cl. 10, 16 в).
    **_rows("sg", Audience.ROSTER, "list", "card"),
    **_rows("sg", Capability.FORM_SUBGROUPS, "new", "dec", "kind", "head", "mem", "memok"),
    **_rows("sg", Capability.FORM_SUBGROUPS, "save"),
    **_rows("sg", Audience.SUBGROUP, "add", "addp", "spec", "rm", "rmp", "dis", "disok"),
    **_rows("sg", Audience.SUBGROUP, "report"),
    # Meetings of expert groups and project committees (cl. 10): which group a new meeting
    # is for; the service offers and checks only the groups the person may set meetings for.
    **_rows("nm", Audience.ROSTER, "group"),
    # An outside specialist brought in for one meeting (cl. 16 в): the invitation's capacity.
    **_rows("gs", Capability.INVITE_GUESTS, "asguest", "asspec"),
    # The secretariat's exports (issue #18 item 2): a table, then its period.
    **_rows("ex", Capability.EXPORT_RECORDS, "menu", "kind", "period", "type"),
    # The signed protocol's package for the document system (СЭД, cl. 15; issue #18 item 4):
    # the secretariat and administrators, who keep the record.
    **_rows("ed", Capability.KEEP_RECORD, "zip"),
    # E-mail addresses on the roster (issue #18 item 3): the secretariat sets or clears a
    # member's and a unit's address from their cards.
    **_rows("em", _ROSTER, "person", "pclear", "unit", "uclear"),
    # The annual report (issue #18 item 6): its DOCX for those who see the dashboard, the
    # introduction for the secretariat, who keeps the record.
    **_rows("ar", Capability.VIEW_DASHBOARD, "get"),
    **_rows("ar", Capability.KEEP_RECORD, "intro"),
    # The audit log (issue #18 item 1): secretariat and administrators.
    **_rows("au", Capability.VIEW_AUDIT, "list", "people", "kinds", "period", "clear"),
    **_rows("au", Capability.VIEW_AUDIT, "verify", "csv"),
}


def rule_for(data: str) -> Rule | None:
    """The rule of a pressed button's raw callback data, or None for a button we never
    made (a forged prefix or action)."""
    prefix, _, rest = data.partition(":")
    action = rest.split(":", 1)[0]
    return BUTTONS.get((prefix, action), BUTTONS.get((prefix, ANY)))


def lacks(standing: Standing, data: str) -> bool:
    """Whether the presser's roles alone rule the button out: a capability they do not
    hold. Audience rules depend on the object and are the service's to check."""
    rule = rule_for(data)
    return isinstance(rule, Capability) and not can(standing, rule)


def who_may(rule: Rule) -> str:
    """Who may press, as the README's table says it: roles in roster order, then admins."""
    if isinstance(rule, Audience):
        return {
            Audience.ROSTER: "everyone in the roster",
            Audience.ADDRESSEE: "only the people it was addressed to",
            Audience.GUEST: "the invited guest",
            Audience.SUBGROUP: "the subgroup's head; chair, secretariat",
        }[rule]
    roles, admins = GRANTS[rule]
    names = [role.value for role in ROLE_ORDER if role in roles]
    if admins:
        names.append("admin")
    return ", ".join(names)


def readme_rows() -> list[str]:
    """The README's "Who may do what" table: the buttons of one prefix under one rule in a
    row, in the table's order."""
    groups: dict[tuple[str, Rule], list[str]] = {}
    for (prefix, action), rule in BUTTONS.items():
        groups.setdefault((prefix, rule), []).append(action or "…")
    rows = ["| buttons (`prefix:action`) | rule | who may |", "|---|---|---|"]
    for (prefix, rule), actions in groups.items():
        rows.append(f"| `{prefix}:` {', '.join(actions)} | {rule.value} | {who_may(rule)} |")
    return rows
