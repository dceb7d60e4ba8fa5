"""Pure rules for guests invited to one meeting (cl. 16 а)."""

from __future__ import annotations

import pytest

from bot.domain import fields
from bot.domain.guests import (
    GuestLinkState,
    clean_guest_name,
    guest_link_state,
)
from bot.domain.roles import Capability, Role, Standing, can


@pytest.mark.parametrize(
    ("used", "revoked", "status", "own", "expected"),
    [
        (False, False, "scheduled", False, GuestLinkState.ACTIVE),
        (False, False, "open", False, GuestLinkState.ACTIVE),
        (True, False, "scheduled", False, GuestLinkState.USED),
        # The guest opening their own link again just sees the meeting.
        (True, False, "scheduled", True, GuestLinkState.ACTIVE),
        (False, True, "scheduled", False, GuestLinkState.REVOKED),
        (True, True, "scheduled", True, GuestLinkState.REVOKED),
        (False, False, "closed", False, GuestLinkState.MEETING_OVER),
        (True, False, "cancelled", True, GuestLinkState.MEETING_OVER),
    ],
)
def test_cl16a_a_guest_link_is_for_one_person_while_the_meeting_is_ahead(
    used: bool, revoked: bool, status: str, own: bool, expected: GuestLinkState
) -> None:
    assert guest_link_state(used=used, revoked=revoked, meeting_status=status, own=own) is expected


def test_guest_names_are_folded_and_bounded() -> None:
    assert clean_guest_name("  Петров   Пётр,\nАО «Сервисы» ") == "Петров Пётр, АО «Сервисы»"
    assert clean_guest_name("   ") is None
    assert (
        clean_guest_name("Я" * fields.GUEST_NAME.max_length) == "Я" * fields.GUEST_NAME.max_length
    )
    assert clean_guest_name("Я" * (fields.GUEST_NAME.max_length + 1)) is None


def test_cl16a_the_chair_deputy_and_secretariat_invite_guests_members_do_not() -> None:
    for role in (Role.CHAIR, Role.DEPUTY_CHAIR, Role.SECRETARIAT):
        assert can(Standing(role), Capability.INVITE_GUESTS)
    assert can(Standing(None, is_admin=True), Capability.INVITE_GUESTS)
    for role in (Role.MEMBER, Role.UNIT_REPRESENTATIVE, Role.GUEST):
        assert not can(Standing(role), Capability.INVITE_GUESTS)
    assert not can(Standing(None), Capability.INVITE_GUESTS)
