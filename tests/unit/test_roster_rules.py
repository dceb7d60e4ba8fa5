"""The roster's rules as pure functions (cl. 6-9, 16), and the router helpers that decide
who reaches a section from the capability table alone."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from aiogram.filters import Command
from aiogram.types import Chat

from bot.domain.commands import RESTRICTED_COMMANDS
from bot.domain.roles import ROSTER_ROLES, Capability, Role, can
from bot.domain.roster import (
    any_role,
    assignment_refusal,
    extra_role_choices,
    extra_role_toggles,
    has_single_holder,
    in_roster_order,
    is_roster_role,
    kept_extra_roles,
    lacks_unit,
    needs_unit,
    role_change_refusal,
    role_choices,
    roster_role,
    sort_members,
)
from bot.filters import HasCapability, InRoster, section_router
from bot.services.actor import Actor
from handlers import invites, roster, units


def test_the_roster_hands_out_every_role_but_a_guests_and_a_specialists() -> None:
    """cl. 16 а, в: guests come to one meeting, specialists into a subgroup, not the roster."""
    outside = {Role.GUEST, Role.SPECIALIST}
    assert {r for r in Role if is_roster_role(r)} == set(ROSTER_ROLES) == set(Role) - outside
    assert roster_role("chair") is Role.CHAIR
    assert roster_role("guest") is None
    assert roster_role("nonsense") is None
    # A button may name a guest; the service then says why that role is not given.
    assert any_role("guest") is Role.GUEST
    assert any_role("nonsense") is None


def test_why_a_role_may_not_be_given() -> None:
    """Cl. 14, 16 а: a guest is invited to one meeting and is never a member."""
    assert assignment_refusal(Role.GUEST) == "composition.guest_not_member"
    assert all(assignment_refusal(r) is None for r in ROSTER_ROLES)
    assert role_change_refusal(Role.MEMBER, Role.MEMBER, 1) == "roster.role_unchanged"
    assert role_change_refusal(Role.MEMBER, Role.UNIT_REPRESENTATIVE, None) == (
        "roster.unit_required"
    )
    assert role_change_refusal(Role.MEMBER, Role.UNIT_REPRESENTATIVE, 3) is None
    assert role_change_refusal(Role.MEMBER, Role.CHAIR, None) is None


def test_a_unit_representative_needs_a_unit() -> None:
    assert needs_unit(Role.UNIT_REPRESENTATIVE)
    assert not needs_unit(Role.MEMBER)
    assert needs_unit({Role.MEMBER, Role.UNIT_REPRESENTATIVE})  # held besides the main role
    assert lacks_unit({Role.MEMBER, Role.UNIT_REPRESENTATIVE}, None)
    assert not lacks_unit({Role.MEMBER, Role.UNIT_REPRESENTATIVE}, 7)
    assert not lacks_unit(Role.SECRETARIAT, None)


def test_chair_and_deputy_have_one_holder_each() -> None:
    """Cl. 7."""
    assert [r for r in Role if has_single_holder(r)] == [Role.CHAIR, Role.DEPUTY_CHAIR]


def test_extra_roles_kept_through_a_change_of_main_role() -> None:
    extra = {Role.SECRETARIAT, Role.UNIT_REPRESENTATIVE}
    assert kept_extra_roles(extra, Role.MEMBER, 1) == frozenset(extra)
    # The new main role is no longer held "besides" itself.
    assert kept_extra_roles(extra, Role.SECRETARIAT, 1) == {Role.UNIT_REPRESENTATIVE}
    # Without a unit there is nothing to represent.
    assert kept_extra_roles(extra, Role.MEMBER, None) == {Role.SECRETARIAT}


def test_pickers_offer_only_what_changes_something() -> None:
    assert Role.MEMBER not in role_choices(Role.MEMBER)
    assert set(role_choices(Role.MEMBER)) == set(ROSTER_ROLES) - {Role.MEMBER}
    assert extra_role_choices(Role.MEMBER) == (Role.UNIT_REPRESENTATIVE, Role.SECRETARIAT)
    assert extra_role_choices(Role.SECRETARIAT) == (Role.UNIT_REPRESENTATIVE,)
    assert extra_role_toggles(Role.MEMBER, {Role.SECRETARIAT}) == (
        (Role.UNIT_REPRESENTATIVE, False),
        (Role.SECRETARIAT, True),
    )


@dataclass(frozen=True)
class _Listed:
    role: Role
    display_name: str


def test_the_listing_is_by_role_then_name() -> None:
    people = [
        _Listed(Role.MEMBER, "boris"),
        _Listed(Role.SECRETARIAT, "Anna"),
        _Listed(Role.MEMBER, "Alla"),
        _Listed(Role.CHAIR, "Zoya"),
    ]
    assert [p.display_name for p in sort_members(people)] == ["Zoya", "Alla", "boris", "Anna"]
    assert in_roster_order({Role.SECRETARIAT, Role.CHAIR}) == [Role.CHAIR, Role.SECRETARIAT]


def _actor(role: Role | None, *, is_admin: bool = False) -> Actor:
    return Actor(
        telegram_id=1,
        telegram_name="x",
        person_id=1 if role else None,
        display_name="x",
        role=role,
        unit_name=None,
        is_admin=is_admin,
        locale="ru",
        group_id=1,
    )


@pytest.mark.parametrize(
    ("role", "is_admin"),
    [(None, False), (None, True), (Role.MEMBER, False), (Role.SECRETARIAT, False)],
)
async def test_router_filters_follow_the_capability_table(
    role: Role | None, is_admin: bool
) -> None:
    actor = _actor(role, is_admin=is_admin)
    event = Chat(id=1, type="private")  # any event: the filters look at the actor alone
    for capability in Capability:
        assert await HasCapability(capability)(event, actor) is can(actor.standing, capability)
    assert await InRoster()(event, actor) is can(actor.standing, Capability.USE_BOT)
    assert not await HasCapability(Capability.MANAGE_ROSTER)(event, None)
    assert not await InRoster()(event, None)


def test_a_section_router_guards_its_command_and_buttons() -> None:
    async def entry() -> None: ...

    r = section_router("s", Capability.MANAGE_ROSTER, section="members", command=entry)
    for observer in (r.message, r.callback_query):
        guards = [f.callback for f in observer._handler.filters or []]
        assert any(
            isinstance(g, HasCapability) and g.capability is Capability.MANAGE_ROSTER
            for g in guards
        )
        assert [h.callback for h in observer.handlers] == [entry]


def test_every_section_command_is_a_command_of_the_menu() -> None:
    """/members, /units, /invite: each section router answers its own command."""
    for module in (roster, invites, units):
        commands = {
            c
            for h in module.router().message.handlers
            for f in h.filters or []
            if isinstance(f.callback, Command)
            for c in f.callback.commands
        }
        assert commands and commands <= set(RESTRICTED_COMMANDS), (module.__name__, commands)
