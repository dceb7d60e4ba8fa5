"""The rules of a person's standing in a subgroup (cl. 10, 14, 16 в): who counts for its
quorum, who presides, who may set its meetings, and what an outside specialist reaches."""

from __future__ import annotations

import pytest

from bot.domain.group_scope import (
    SubgroupScheduleRefusal,
    counts_for_monthly_rule,
    counts_for_quorum,
    is_subgroup,
    roles_in_subgroup,
    scoped_can,
    specialist_may_reach,
    specialist_own,
    subgroup_schedule_refusal,
)
from bot.domain.meetings import count_for_quorum, has_quorum, presiding_role
from bot.domain.roles import Capability, Role
from bot.services.actor import Actor, SubgroupSeat
from storage.dto import GroupView

WG_MEMBER = frozenset({Role.MEMBER})
WG_CHAIR = frozenset({Role.CHAIR})
WG_SECRETARIAT = frozenset({Role.SECRETARIAT})
NOTHING: frozenset[Role] = frozenset()


def test_cl10_14_a_subgroups_quorum_counts_its_head_members_and_specialists() -> None:
    """cl. 10, 14: the head, a member and a specialist of a committee of three: two present
    make the quorum, one does not; the secretariat serving it never counts."""
    committee = [{Role.CHAIR}, {Role.MEMBER}, {Role.SPECIALIST}]
    assert all(counts_for_quorum(frozenset(r)) for r in committee)
    assert count_for_quorum(committee) == 3
    present = [{Role.SPECIALIST}, {Role.CHAIR}, {Role.SECRETARIAT}]
    assert count_for_quorum(present) == 2
    assert has_quorum(count_for_quorum(present), 3)
    assert not has_quorum(count_for_quorum([{Role.SPECIALIST}, {Role.SECRETARIAT}]), 3)
    assert not counts_for_quorum(WG_SECRETARIAT)


@pytest.mark.parametrize(
    ("present", "total", "quorum"), [(0, 0, False), (1, 1, True), (1, 3, False), (2, 4, True)]
)
def test_cl14_a_subgroups_quorum_is_half_of_its_own_members(
    present: int, total: int, quorum: bool
) -> None:
    assert has_quorum(present, total) is quorum


def test_cl10_11_the_subgroups_head_presides() -> None:
    """cl. 10, 11: the head holds the chair's role in the subgroup, so presides when present;
    without the head (and no deputy) nobody presides and nothing is decided."""
    assert presiding_role(chair_present=True, deputy_present=False) is Role.CHAIR
    assert presiding_role(chair_present=False, deputy_present=False) is None
    head = roles_in_subgroup({Role.CHAIR}, WG_MEMBER)
    assert scoped_can(head, Capability.PRESIDE, is_admin=False, parent_roles=WG_MEMBER)


def test_cl10_the_working_groups_chair_sets_a_subgroups_meetings_but_does_not_preside() -> None:
    roles = roles_in_subgroup(NOTHING, WG_CHAIR)
    assert scoped_can(roles, Capability.SCHEDULE, is_admin=False, parent_roles=WG_CHAIR)
    assert scoped_can(roles, Capability.USE_BOT, is_admin=False, parent_roles=WG_CHAIR)
    assert not scoped_can(roles, Capability.PRESIDE, is_admin=False, parent_roles=WG_CHAIR)
    assert not scoped_can(roles, Capability.ATTEND_MEETINGS, is_admin=False, parent_roles=WG_CHAIR)


def test_cl10_the_secretariat_serves_every_subgroup() -> None:
    roles = roles_in_subgroup(NOTHING, WG_SECRETARIAT)
    assert roles == WG_SECRETARIAT
    for capability in (Capability.RUN_MEETING, Capability.KEEP_RECORD, Capability.SCHEDULE):
        assert scoped_can(roles, capability, is_admin=False, parent_roles=WG_SECRETARIAT)
    assert not counts_for_quorum(roles)


def test_cl16v_a_specialist_attends_the_subgroup_and_has_no_standing_in_the_working_group() -> None:
    specialist = roles_in_subgroup({Role.SPECIALIST}, NOTHING)
    assert scoped_can(specialist, Capability.ATTEND_MEETINGS, is_admin=False, parent_roles=NOTHING)
    assert not scoped_can(specialist, Capability.SCHEDULE, is_admin=False, parent_roles=NOTHING)
    # In the working group the specialist holds no role at all.
    for capability in (Capability.USE_BOT, Capability.ATTEND_MEETINGS):
        assert not scoped_can(NOTHING, capability, is_admin=False, parent_roles=None)


def test_cl10_a_working_group_member_outside_the_subgroup_has_no_standing_in_it() -> None:
    roles = roles_in_subgroup(NOTHING, WG_MEMBER)
    assert not scoped_can(roles, Capability.USE_BOT, is_admin=False, parent_roles=WG_MEMBER)
    assert scoped_can(roles, Capability.USE_BOT, is_admin=True, parent_roles=WG_MEMBER)


def test_cl10_13_who_sets_a_subgroups_meetings() -> None:
    assert subgroup_schedule_refusal({Role.CHAIR}, WG_MEMBER) is None
    assert subgroup_schedule_refusal(NOTHING, WG_CHAIR) is None
    assert subgroup_schedule_refusal(WG_SECRETARIAT, WG_SECRETARIAT) is None
    refused = subgroup_schedule_refusal({Role.MEMBER}, WG_MEMBER)
    assert refused is SubgroupScheduleRefusal.ONLY_HEAD
    assert (
        subgroup_schedule_refusal({Role.SPECIALIST}, NOTHING) is SubgroupScheduleRefusal.ONLY_HEAD
    )


@pytest.mark.parametrize(
    ("reach", "allowed"),
    [
        ("mt:card:5", True),
        ("pr:consent:1:2", True),
        ("vt:3:for", True),
        ("m:meetings", True),
        ("m:plan", False),
        ("rg:list", False),
        ("tk:my", False),
        ("/meetings", True),
        ("/agenda@wg_bot", True),
        ("/tasks", False),
        ("/members", False),
        ("hello", False),
    ],
)
def test_cl16v_a_specialist_reaches_only_their_groups_meetings(reach: str, allowed: bool) -> None:
    assert specialist_may_reach(reach) is allowed


@pytest.mark.parametrize(
    ("reach", "own"),
    [
        ("/subgroups", True),
        ("/menu", True),
        ("/start", True),
        ("/cancel", True),
        ("sg:card:4", True),
        ("lg:ru", True),
        ("m:main", True),
        ("m:meetings", False),
        ("/meetings", False),
        ("/members", False),
        ("mt:card:5", False),
    ],
)
def test_cl16v_a_specialists_own_cards_menu_and_help_are_not_taken_in_a_group(
    reach: str, own: bool
) -> None:
    """Their subgroups' cards, the menu and help are served to them as they are (outside the
    working group's roster); only their group's meetings are taken in the subgroup."""
    assert specialist_own(reach) is own


def test_cl12_the_monthly_rule_binds_the_working_group_only() -> None:
    assert counts_for_monthly_rule("working_group")
    assert not counts_for_monthly_rule("project_committee")
    assert not counts_for_monthly_rule("expert_group")
    assert is_subgroup("expert_group") and not is_subgroup("nonsense")


def _actor(**kw: object) -> Actor:
    base: dict[str, object] = dict(
        telegram_id=1,
        telegram_name="x",
        person_id=7,
        display_name="x",
        role=Role.MEMBER,
        unit_name=None,
        is_admin=False,
        locale="ru",
        group_id=1,
    )
    base.update(kw)
    return Actor(**base)  # type: ignore[arg-type]


def test_cl10_an_actor_in_a_subgroup_is_its_member_there() -> None:
    committee = GroupView(id=5, name="Цифра", timezone="", kind="project_committee", parent_id=1)
    seat = SubgroupSeat(5, "project_committee", "Цифра", Role.CHAIR)
    head = _actor(subgroups=(seat,)).in_subgroup(committee)
    assert head.group_id == 5 and head.role is Role.CHAIR and head.scoped
    assert head.can(Capability.PRESIDE) and head.is_member
    outsider = _actor().in_subgroup(committee)
    assert not outsider.in_roster and not outsider.is_member
    specialist_only = _actor(
        role=None, subgroups=(SubgroupSeat(5, "project_committee", "Цифра", Role.SPECIALIST),)
    )
    assert not specialist_only.in_roster
    scoped = specialist_only.in_subgroup(committee)
    assert scoped.in_roster and scoped.is_member and scoped.can(Capability.ATTEND_MEETINGS)
