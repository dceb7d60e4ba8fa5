"""Who an act includes (cl. 7-9, 16 а), as the inclusion dialog offers and checks it."""

from __future__ import annotations

import pytest

from bot.domain.composition import (
    INCLUDED_ROLES,
    CompositionError,
    CompositionRuleError,
    check_included_role,
    replaces_holder,
)
from bot.domain.roles import Role


def test_the_dialog_offers_chair_deputy_and_member_in_roster_order() -> None:
    assert INCLUDED_ROLES == (Role.CHAIR, Role.DEPUTY_CHAIR, Role.MEMBER)


def test_a_guest_is_refused_by_name_and_the_secretariat_as_not_a_member() -> None:
    with pytest.raises(CompositionRuleError) as guest:
        check_included_role(Role.GUEST)
    assert guest.value.code is CompositionError.GUEST_NOT_MEMBER
    with pytest.raises(CompositionRuleError) as staff:
        check_included_role(Role.SECRETARIAT)
    assert staff.value.code is CompositionError.NOT_A_MEMBER_ROLE
    for role in INCLUDED_ROLES:
        assert check_included_role(role) is role


def test_including_a_chair_or_deputy_replaces_the_holder_a_member_does_not() -> None:
    assert replaces_holder(Role.CHAIR) and replaces_holder(Role.DEPUTY_CHAIR)
    assert not replaces_holder(Role.MEMBER)
