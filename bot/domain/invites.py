"""When an invitation may still be used."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum


class InviteState(StrEnum):
    ACTIVE = "active"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"


def invite_state(*, used: bool, revoked: bool, expires_at: datetime, now: datetime) -> InviteState:
    """Single use, revocable, expiring; a used invite reports "used" even after expiry."""
    if used:
        return InviteState.USED
    if revoked:
        return InviteState.REVOKED
    if now >= expires_at:
        return InviteState.EXPIRED
    return InviteState.ACTIVE
