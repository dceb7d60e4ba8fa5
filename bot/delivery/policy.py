"""What to do after each kind of failure; pure, so the rules are tested without Telegram."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

MAX_SERVER_ATTEMPTS = 8
BACKOFF_BASE_S = 2.0
BACKOFF_CAP_S = 600.0


class Outcome(StrEnum):
    SENT = "sent"
    RETRY_AFTER = "retry_after"  # 429
    BLOCKED = "blocked"  # 403: the person blocked the bot or left the chat
    REJECTED = "rejected"  # 400 and other definite refusals
    SERVER_ERROR = "server_error"  # 5xx: Telegram did not take it
    UNKNOWN = "unknown"  # timeout or network error: Telegram may or may not have delivered


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    BLOCKED = "blocked"
    UNKNOWN = "unknown"


FINAL: frozenset[Status] = frozenset({Status.SENT, Status.FAILED, Status.BLOCKED, Status.UNKNOWN})

# How many times a message whose delivery is unknown is sent again, per kind. A second copy
# is visible but harmless (acknowledgements are per person, edits are idempotent); a lost
# protocol or broadcast is not (cl. 15: every member must receive it). After that many
# unknowns the row stays "unknown" and the delivery report names the recipient.
UNKNOWN_RESENDS: dict[str, int] = {
    "broadcast": 1,
    "announcement": 1,
    "report": 1,
    "progress": 3,
}
DEFAULT_UNKNOWN_RESENDS = 1


@dataclass(frozen=True, slots=True)
class Decision:
    status: Status
    retry_in: timedelta | None = None
    counts_unknown: bool = False


def backoff(attempt: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter: spreads retries so they do not come in waves."""
    ceiling = min(BACKOFF_CAP_S, BACKOFF_BASE_S * (2 ** max(0, attempt - 1)))
    return timedelta(seconds=(rng or random).uniform(ceiling / 2, ceiling))


def decide(
    outcome: Outcome,
    *,
    kind: str,
    attempts: int,
    unknown_count: int,
    retry_after: float = 0.0,
    rng: random.Random | None = None,
) -> Decision:
    """The row's next status; `attempts` and `unknown_count` include the attempt just made."""
    if outcome is Outcome.SENT:
        return Decision(Status.SENT)
    if outcome is Outcome.RETRY_AFTER:
        return Decision(Status.PENDING, timedelta(seconds=retry_after))
    if outcome is Outcome.BLOCKED:
        return Decision(Status.BLOCKED)
    if outcome is Outcome.REJECTED:
        return Decision(Status.FAILED)
    if outcome is Outcome.SERVER_ERROR:
        if attempts >= MAX_SERVER_ATTEMPTS:
            return Decision(Status.FAILED)
        return Decision(Status.PENDING, backoff(attempts, rng))
    resends = UNKNOWN_RESENDS.get(kind, DEFAULT_UNKNOWN_RESENDS)
    if unknown_count > resends:
        return Decision(Status.UNKNOWN, counts_unknown=True)
    return Decision(Status.PENDING, backoff(attempts, rng), counts_unknown=True)


def fold_statuses(statuses: tuple[str, ...] | list[str]) -> Status:
    """One recipient's outcome from the rows of their message (a long text has several)."""
    seen = {Status(s) for s in statuses}
    for worst in (Status.BLOCKED, Status.FAILED, Status.UNKNOWN):
        if worst in seen:
            return worst
    if seen & {Status.PENDING, Status.SENDING}:
        return Status.PENDING
    return Status.SENT
