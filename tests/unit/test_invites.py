"""Invitations: single use, revocable, expiring (cl. 6-9: the roster is a record)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain.invites import InviteState, invite_state

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_active_until_the_expiry_instant() -> None:
    later = NOW + timedelta(seconds=1)
    assert invite_state(used=False, revoked=False, expires_at=later, now=NOW) is InviteState.ACTIVE
    assert invite_state(used=False, revoked=False, expires_at=NOW, now=NOW) is InviteState.EXPIRED


def test_used_wins_over_revoked_and_expired() -> None:
    past = NOW - timedelta(days=1)
    assert invite_state(used=True, revoked=True, expires_at=past, now=NOW) is InviteState.USED
    assert invite_state(used=False, revoked=True, expires_at=past, now=NOW) is InviteState.REVOKED
