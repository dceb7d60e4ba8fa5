"""Kinds of audit entries a reader filters /audit by (issue #18 item 1): each a few prefixes
of the action codes services write. An action matching none is still listed without a kind
filter and shown by its code."""

from __future__ import annotations

KINDS: dict[str, tuple[str, ...]] = {
    "roster": (
        "person",
        "member",
        "role",
        "extra_role",
        "unit",
        "invite",
        "composition",
        "group",
        "language",
        "unblocked",
        "chat",
    ),
    "meetings": ("meeting", "month", "rsvp", "recording", "chair_absence", "guest", "attend"),
    "agenda": ("agenda", "vote", "voted", "offer"),
    "protocols": ("protocol", "consent", "disagreement", "document"),
    "tasks": ("task",),
    "deliveries": ("delivery", "broadcast", "acknowledged", "outbox"),
    "registers": ("register", "kpi", "report", "delegation", "subgroup"),
    "audit": ("audit",),
}


def kind_prefixes(kind: str) -> tuple[str, ...]:
    """The action prefixes of a kind; () for no filter. Unknown kinds (a forged button) are
    refused by the caller."""
    return KINDS.get(kind, ()) if kind else ()
