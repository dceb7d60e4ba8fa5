"""Roles and capabilities (regulation cl. 6-9, 16)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import fields
from bot.domain.commands import commands_for, may_use
from bot.domain.roles import (
    MEMBER_ROLES,
    ROSTER_ROLES,
    SINGLE_HOLDER_ROLES,
    Capability,
    Role,
    Standing,
    can,
    clean_name,
    demoted_role,
)


def test_cl7_chair_and_deputy_are_members_of_the_group() -> None:
    """cl. 7: the chair and the deputy chair are members and count wherever members count."""
    assert {Role.CHAIR, Role.DEPUTY_CHAIR, Role.MEMBER} == MEMBER_ROLES
    assert Standing(Role.CHAIR).is_member
    assert Standing(Role.DEPUTY_CHAIR).is_member


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.GUEST, Role.UNIT_REPRESENTATIVE])
def test_cl16_secretariat_guests_and_representatives_are_not_members(role: Role) -> None:
    """cl. 16 and 10: the supporting unit's staff and invited guests are not members."""
    assert not Standing(role).is_member


def test_cl7_one_chair_and_one_deputy_at_a_time() -> None:
    """cl. 7: the group has one chair and one deputy; a replaced holder becomes a member."""
    assert {Role.CHAIR, Role.DEPUTY_CHAIR} == SINGLE_HOLDER_ROLES
    assert demoted_role(Role.CHAIR) is Role.MEMBER
    assert demoted_role(Role.DEPUTY_CHAIR) is Role.MEMBER
    assert demoted_role(Role.SECRETARIAT) is Role.SECRETARIAT


def test_cl16_roster_is_managed_by_the_secretariat_and_administrators_only() -> None:
    """cl. 16: the responsible unit (secretariat) keeps the group's records."""
    assert can(Standing(Role.SECRETARIAT), Capability.MANAGE_ROSTER)
    assert can(Standing(None, is_admin=True), Capability.MANAGE_ROSTER)
    for role in (Role.CHAIR, Role.DEPUTY_CHAIR, Role.MEMBER, Role.UNIT_REPRESENTATIVE, Role.GUEST):
        assert not can(Standing(role), Capability.MANAGE_ROSTER)
    assert not can(Standing(None), Capability.USE_BOT)


def test_guests_are_never_handed_out_by_roster_invites() -> None:
    assert Role.GUEST not in ROSTER_ROLES


def test_commands_follow_the_role() -> None:
    member = commands_for(Standing(Role.MEMBER))
    secretary = commands_for(Standing(Role.SECRETARIAT))
    outsider = commands_for(Standing(None))
    assert "members" not in member and "invite" not in member
    assert {"members", "invite", "units"} <= set(secretary)
    assert set(outsider) == {"start", "help", "language"}
    assert not may_use(Standing(Role.CHAIR), "members")
    assert may_use(Standing(Role.CHAIR), "help")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Иванов   Иван  Иванович ", "Иванов Иван Иванович"),
        ("", None),
        ("   \n ", None),
        ("x" * fields.PERSON_NAME.max_length, "x" * fields.PERSON_NAME.max_length),
        ("x" * (fields.PERSON_NAME.max_length + 1), None),
    ],
)
def test_names_are_trimmed_and_limited(raw: str, expected: str | None) -> None:
    assert clean_name(raw) == expected


@given(st.text(max_size=300))
def test_clean_name_never_returns_blank_or_overlong(raw: str) -> None:
    name = clean_name(raw)
    if name is not None:
        assert name.strip() == name and name
        assert len(name) <= fields.PERSON_NAME.max_length


def test_who_may_is_told_from_the_same_table_that_decides() -> None:
    """The "who may" of a refused command and the decision itself never disagree: for every
    capability, the roles named are exactly those that `can` lets through."""
    from bot.domain.commands import COMMAND_AUDIENCE, COMMAND_CAPABILITY
    from bot.domain.roles import GRANTS, ROSTER_ROLES, Standing, can, holders

    for capability in GRANTS:
        named = holders(capability)
        for role in ROSTER_ROLES:
            assert can(Standing(role=role), capability) == (role in named), (capability, role)
        assert can(Standing(role=None, is_admin=True), capability) == ("admin" in named)
    assert COMMAND_AUDIENCE["absence"] == (Role.CHAIR, Role.SECRETARIAT)
    assert COMMAND_AUDIENCE["members"] == (Role.SECRETARIAT, "admin")
    assert set(COMMAND_AUDIENCE) == set(COMMAND_CAPABILITY)
