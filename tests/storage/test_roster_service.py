"""The roster through its services, on both engines: who may change it, what a change
leaves behind, and which rules the database itself holds.

Regulation: the secretariat keeps the records of the group's composition (cl. 16), so
only administrators and the secretariat change the roster; there is one chair and one
deputy chair at a time (cl. 7). Every change keeps the history and leaves an audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.clock import FrozenClock
from bot.domain.roles import Capability, Role
from bot.services.actor import Actor, load_actor
from bot.services.errors import (
    InvalidInput,
    NeedsConfirmation,
    NotAllowed,
    NotFound,
    ServiceError,
)
from bot.services.invites import INVITE_PREFIX, InviteService, Joined, Newcomer
from bot.services.roster import RosterService
from bot.services.setup import ensure_default_group
from storage.db import Database, read, write
from storage.dto import InviteView, MemberView, UnitView
from storage.models import AuditEntry, Invite, Membership, Person, StructuralUnit

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ADMIN = 900_001
TTL = timedelta(days=7)
STEP = timedelta(minutes=5)

# (membership id, person id, role, unit id, started_at, ended_at)
MembershipRow = tuple[int, int, str, int | None, datetime, datetime | None]
# (action, object type, object id, actor telegram id, actor person id, details)
AuditRow = tuple[str, str, int | None, int | None, int | None, dict[str, Any]]


@contextmanager
def refused(error: type[ServiceError], key: str) -> Iterator[None]:
    """A refusal of this kind with this message key: the key is what the user is shown."""
    with pytest.raises(error) as caught:
        yield
    assert caught.value.key == key


async def _actor(db: Database, group_id: int, telegram_id: int, name: str) -> Actor:
    """The actor as ActorMiddleware loads it for an incoming update."""
    async with db.session() as session, read(session):
        return await load_actor(
            session,
            group_id=group_id,
            telegram_id=telegram_id,
            telegram_name=name,
            language_code="en",
            admin_ids=frozenset({ADMIN}),
            default_locale="ru",
        )


@dataclass
class Roster:
    """A migrated database with the default group, a frozen clock and the administrator."""

    db: Database
    clock: FrozenClock
    group_id: int
    admin: Actor

    async def actor(self, telegram_id: int, name: str = "Someone") -> Actor:
        return await _actor(self.db, self.group_id, telegram_id, name)

    async def create_invite(
        self,
        role: Role,
        *,
        by: Actor | None = None,
        unit_id: int | None = None,
        full_name: str | None = None,
        confirmed: bool = False,
    ) -> InviteView:
        async with self.db.session() as session:
            return await InviteService(session, self.clock, TTL).create(
                by or self.admin,
                role=role,
                unit_id=unit_id,
                full_name=full_name,
                confirmed=confirmed,
            )

    async def redeem(self, invite: InviteView, telegram_id: int, name: str = "New") -> Joined:
        newcomer = await self.actor(telegram_id, name)
        async with self.db.session() as session:
            return await InviteService(session, self.clock, TTL).redeem(
                newcomer,
                INVITE_PREFIX + invite.code,
                Newcomer(telegram_id=telegram_id, telegram_name=name, username=None),
            )

    async def join(
        self,
        role: Role,
        telegram_id: int,
        full_name: str,
        *,
        unit_id: int | None = None,
        confirmed: bool = False,
    ) -> MemberView:
        invite = await self.create_invite(
            role, unit_id=unit_id, full_name=full_name, confirmed=confirmed
        )
        return (await self.redeem(invite, telegram_id)).member

    async def roster_call(self, method: str, actor: Actor, *args: Any, **kwargs: Any) -> Any:
        """One RosterService call in its own session, as one handler would make it."""
        async with self.db.session() as session:
            service = RosterService(session, self.clock)
            return await getattr(service, method)(actor, *args, **kwargs)

    async def memberships(self, person_id: int | None = None) -> list[MembershipRow]:
        query = select(
            Membership.id,
            Membership.person_id,
            Membership.role,
            Membership.unit_id,
            Membership.started_at,
            Membership.ended_at,
        ).order_by(Membership.id)
        if person_id is not None:
            query = query.where(Membership.person_id == person_id)
        async with self.db.session() as session:
            return [(i, p, r, u, s, e) for i, p, r, u, s, e in (await session.execute(query)).all()]

    async def current_roles(self) -> dict[int, str]:
        """Person id -> role, for the current composition."""
        return {p: r for _, p, r, _, _, ended in await self.memberships() if ended is None}

    async def audit(self) -> list[AuditRow]:
        async with self.db.session() as session:
            rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
            return [
                (
                    e.action,
                    e.object_type,
                    e.object_id,
                    e.actor_telegram_id,
                    e.actor_person_id,
                    e.details,
                )
                for e in rows
            ]

    async def snapshot(self) -> tuple[object, ...]:
        """Everything a roster change could touch, to prove a refusal touched nothing."""
        async with self.db.session() as session:
            invites = (
                await session.execute(select(Invite.id, Invite.used_at, Invite.revoked_at))
            ).all()
            units = (
                await session.execute(select(StructuralUnit.id, StructuralUnit.archived_at))
            ).all()
            people = (await session.execute(select(Person.id, Person.full_name))).all()
        return (
            await self.memberships(),
            sorted(invites),
            sorted(units),
            sorted(people),
            await self.audit(),
        )


@pytest.fixture
async def roster(any_db: Database) -> Roster:
    clock = FrozenClock(START)
    async with any_db.session() as session:
        group = await ensure_default_group(
            session, name="Working group", timezone="Europe/Moscow", now=clock.now()
        )
    admin = await _actor(any_db, group.id, ADMIN, "Admin")
    return Roster(db=any_db, clock=clock, group_id=group.id, admin=admin)


# Actors


async def test_administrator_manages_the_roster_without_being_in_it(roster: Roster) -> None:
    """Administrators come from configuration; the database need not know them."""
    admin = roster.admin
    assert admin.is_admin
    assert admin.person_id is None and admin.role is None
    assert admin.in_roster
    assert admin.display_name == "Admin"
    admin.require(Capability.MANAGE_ROSTER)  # does not raise
    assert await roster.roster_call("members", admin) == []


async def test_stranger_may_not_use_the_bot(roster: Roster) -> None:
    stranger = await roster.actor(555, "Stranger")
    assert not stranger.is_admin and not stranger.in_roster
    assert stranger.person_id is None and stranger.role is None
    for capability in (Capability.USE_BOT, Capability.MANAGE_ROSTER):
        with pytest.raises(NotAllowed):
            stranger.require(capability)


async def test_member_actor_comes_from_the_roster(roster: Roster) -> None:
    """Role, unit and name are what the roster says; a member does not manage it, the
    secretariat does (cl. 16)."""
    unit = await roster.roster_call("add_unit", roster.admin, "Claims")
    rep = await roster.join(Role.UNIT_REPRESENTATIVE, 101, "Ivan Petrov", unit_id=unit.id)
    clerk = await roster.join(Role.SECRETARIAT, 102, "Clara Clerk")

    actor = await roster.actor(101, "ivan_tg")
    assert (actor.person_id, actor.role, actor.unit_name) == (
        rep.person.id,
        Role.UNIT_REPRESENTATIVE,
        "Claims",
    )
    assert actor.display_name == "Ivan Petrov"
    assert not actor.is_admin
    actor.require(Capability.USE_BOT)
    with pytest.raises(NotAllowed):
        actor.require(Capability.MANAGE_ROSTER)

    clerk_actor = await roster.actor(102)
    assert clerk_actor.role is Role.SECRETARIAT and clerk_actor.person_id == clerk.person.id
    clerk_actor.require(Capability.MANAGE_ROSTER)
    names = [m.display_name for m in await roster.roster_call("members", clerk_actor)]
    assert sorted(names) == ["Clara Clerk", "Ivan Petrov"]


# Invitations


async def test_invite_is_created_and_redeemed_once(roster: Roster) -> None:
    invite = await roster.create_invite(Role.MEMBER, full_name="  Anna   Smirnova ")
    assert invite.full_name == "Anna Smirnova"  # spaces folded
    assert invite.expires_at == START + TTL
    async with roster.db.session() as session:
        pending = await InviteService(session, roster.clock, TTL).pending(roster.admin)
    assert [p.id for p in pending] == [invite.id]

    roster.clock.advance(STEP)
    joined = await roster.redeem(invite, 201, "anna_tg")
    assert joined.replaced is None
    assert joined.member.role is Role.MEMBER
    assert joined.member.display_name == "Anna Smirnova"
    assert joined.member.since == START + STEP

    async with roster.db.session() as session:
        row = await session.get_one(Invite, invite.id)
        assert row.used_at == START + STEP
        assert row.used_by_person_id == joined.member.person.id
        assert await InviteService(session, roster.clock, TTL).pending(roster.admin) == []

    person_id = joined.member.person.id
    assert await roster.audit() == [
        ("group_created", "working_group", roster.group_id, None, None, {}),
        ("invite_created", "invite", invite.id, ADMIN, None, {"role": "member", "unit_id": None}),
        (
            "invite_redeemed",
            "invite",
            invite.id,
            201,
            None,
            {"person_id": person_id, "role": "member"},
        ),
        ("member_joined", "person", person_id, 201, None, {"role": "member"}),
    ]


async def test_invite_refusals_change_nothing(roster: Roster) -> None:
    used = await roster.create_invite(Role.MEMBER)
    await roster.redeem(used, 301)
    revoked = await roster.create_invite(Role.MEMBER)
    async with roster.db.session() as session:
        await InviteService(session, roster.clock, TTL).revoke(roster.admin, revoked.id)
    expiring = await roster.create_invite(Role.MEMBER)
    fresh = await roster.create_invite(Role.MEMBER)
    roster.clock.advance(STEP)
    # Created after the clock moved, so it is still valid when `expiring` has run out.
    later = await roster.create_invite(Role.MEMBER)
    roster.clock.advance(TTL - STEP)
    before = await roster.snapshot()

    expectations: list[tuple[InviteView, int, type[ServiceError], str]] = [
        (used, 302, InvalidInput, "invites.used"),
        (revoked, 302, InvalidInput, "invites.revoked"),
        (expiring, 302, InvalidInput, "invites.expired"),
        (fresh, 302, InvalidInput, "invites.expired"),
        # The person who joined with `used` cannot join a second time.
        (later, 301, InvalidInput, "invites.already_member"),
    ]
    for invite, telegram_id, error, key in expectations:
        with refused(error, key):
            await roster.redeem(invite, telegram_id)

    newcomer = await roster.actor(302)
    for payload in ("inv_doesnotexist123", "inv_!!", "garbage"):
        async with roster.db.session() as session:
            with pytest.raises(NotFound):
                await InviteService(session, roster.clock, TTL).redeem(
                    newcomer, payload, Newcomer(302, "x", None)
                )
    assert await roster.snapshot() == before


async def test_invite_revoke(roster: Roster) -> None:
    invite = await roster.create_invite(Role.MEMBER)
    roster.clock.advance(STEP)
    async with roster.db.session() as session:
        service = InviteService(session, roster.clock, TTL)
        await service.revoke(roster.admin, invite.id)
        assert await service.pending(roster.admin) == []
    async with roster.db.session() as session:
        assert (await session.get_one(Invite, invite.id)).revoked_at == START + STEP
    assert (await roster.audit())[-1] == ("invite_revoked", "invite", invite.id, ADMIN, None, {})

    # Revoking twice, or an unknown invite, is refused and records nothing more.
    before = await roster.snapshot()
    async with roster.db.session() as session:
        service = InviteService(session, roster.clock, TTL)
        with refused(InvalidInput, "invites.revoked"):
            await service.revoke(roster.admin, invite.id)
        with pytest.raises(NotFound):
            await service.revoke(roster.admin, invite.id + 1000)
    assert await roster.snapshot() == before


async def test_invite_for_a_unit_role_needs_a_live_unit(roster: Roster) -> None:
    with refused(InvalidInput, "roster.unit_required"):
        await roster.create_invite(Role.UNIT_REPRESENTATIVE)
    with pytest.raises(NotFound):
        await roster.create_invite(Role.MEMBER, unit_id=4242)
    with refused(InvalidInput, "errors.stale"):
        await roster.create_invite(Role.GUEST)  # guests are invited to meetings, not the roster


# Who may change the roster (cl. 16)


async def test_non_manager_is_refused_everywhere_and_nothing_changes(roster: Roster) -> None:
    """Cl. 16: the secretariat keeps the records, so a plain member (even the chair) who
    presses a stale or forged button is refused on the server for every roster change,
    and the database is exactly as before."""
    unit = await roster.roster_call("add_unit", roster.admin, "Claims")
    empty = await roster.roster_call("add_unit", roster.admin, "Empty")
    await roster.join(Role.MEMBER, 401, "Member One")
    target = await roster.join(Role.MEMBER, 402, "Member Two")
    await roster.join(Role.CHAIR, 403, "The Chair")
    invite = await roster.create_invite(Role.MEMBER)
    before = await roster.snapshot()

    for telegram_id in (401, 403):
        actor = await roster.actor(telegram_id)
        attempts: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
            ("members", (), {}),
            ("change_role", (target.person.id, Role.SECRETARIAT), {"confirmed": True}),
            ("set_unit", (target.person.id, unit.id), {}),
            ("remove", (target.person.id,), {}),
            ("add_unit", ("Sales",), {}),
            ("archive_unit", (empty.id,), {}),
        ]
        for method, args, kwargs in attempts:
            with pytest.raises(NotAllowed):
                await roster.roster_call(method, actor, *args, **kwargs)
        with pytest.raises(NotAllowed):
            await roster.create_invite(Role.SECRETARIAT, by=actor)
        async with roster.db.session() as session:
            with pytest.raises(NotAllowed):
                await InviteService(session, roster.clock, TTL).revoke(actor, invite.id)

    assert await roster.snapshot() == before


# Roles


async def test_role_change_keeps_history_and_is_audited(roster: Roster) -> None:
    member = await roster.join(Role.MEMBER, 501, "Boris")
    person_id = member.person.id
    roster.clock.advance(STEP)

    change = await roster.roster_call("change_role", roster.admin, person_id, Role.SECRETARIAT)
    assert change.replaced is None
    assert change.member.role is Role.SECRETARIAT
    assert change.member.since == START + STEP

    rows = await roster.memberships(person_id)
    assert [(role, started, ended) for _, _, role, _, started, ended in rows] == [
        ("member", START, START + STEP),
        ("secretariat", START + STEP, None),
    ]
    assert (await roster.audit())[-1] == (
        "role_changed",
        "person",
        person_id,
        ADMIN,
        None,
        {"old": "member", "new": "secretariat"},
    )

    # The same role again is a no-op refusal, not a new history row.
    with refused(InvalidInput, "roster.role_unchanged"):
        await roster.roster_call("change_role", roster.admin, person_id, Role.SECRETARIAT)
    assert len(await roster.memberships(person_id)) == 2

    # Someone not in the roster has no role to change.
    with pytest.raises(NotFound):
        await roster.roster_call("change_role", roster.admin, person_id + 1000, Role.MEMBER)


async def test_unit_representative_role_needs_a_unit(roster: Roster) -> None:
    member = await roster.join(Role.MEMBER, 502, "Vera")
    before = await roster.snapshot()
    with refused(InvalidInput, "roster.unit_required"):
        await roster.roster_call(
            "change_role", roster.admin, member.person.id, Role.UNIT_REPRESENTATIVE
        )
    assert await roster.snapshot() == before


@pytest.mark.parametrize("role", [Role.CHAIR, Role.DEPUTY_CHAIR])
async def test_one_holder_at_a_time_when_changing_roles(roster: Roster, role: Role) -> None:
    """Cl. 7: one chair and one deputy chair. Naming a second asks first; once confirmed,
    the previous holder becomes a member, in the same transaction."""
    holder = await roster.join(role, 601, "Old Holder")
    other = await roster.join(Role.MEMBER, 602, "New Holder")
    before = await roster.snapshot()

    with pytest.raises(NeedsConfirmation) as asked:
        await roster.roster_call("change_role", roster.admin, other.person.id, role)
    assert asked.value.params == {"holder": "Old Holder"}
    assert await roster.snapshot() == before

    roster.clock.advance(STEP)
    change = await roster.roster_call(
        "change_role", roster.admin, other.person.id, role, confirmed=True
    )
    assert change.member.role is role
    assert change.replaced is not None and change.replaced.role is Role.MEMBER
    assert await roster.current_roles() == {holder.person.id: "member", other.person.id: role.value}

    audit = (await roster.audit())[-2:]
    assert audit == [
        (
            "role_changed",
            "person",
            holder.person.id,
            ADMIN,
            None,
            {"old": role.value, "new": "member", "reason": "replaced"},
        ),
        (
            "role_changed",
            "person",
            other.person.id,
            ADMIN,
            None,
            {"old": "member", "new": role.value},
        ),
    ]


async def test_one_chair_at_a_time_through_invitations(roster: Roster) -> None:
    """Cl. 7 on the invitation path: replacing needs confirmation when the invite is made,
    and an invite made while the seat was free cannot later unseat a new chair."""
    early = await roster.create_invite(Role.CHAIR)  # seat free: no confirmation needed
    assert not early.replaces_holder
    first = await roster.join(Role.CHAIR, 701, "First Chair")

    with pytest.raises(NeedsConfirmation):
        await roster.create_invite(Role.CHAIR)
    before = await roster.snapshot()
    with refused(InvalidInput, "invites.role_taken"):
        await roster.redeem(early, 702)
    assert await roster.snapshot() == before

    replacing = await roster.create_invite(Role.CHAIR, confirmed=True)
    assert replacing.replaces_holder
    joined = await roster.redeem(replacing, 703)
    assert joined.replaced is not None and joined.replaced.person.id == first.person.id
    assert await roster.current_roles() == {
        first.person.id: "member",
        joined.member.person.id: "chair",
    }


@pytest.mark.parametrize("role", [Role.CHAIR, Role.DEPUTY_CHAIR])
async def test_database_refuses_a_second_current_holder(roster: Roster, role: Role) -> None:
    """Cl. 7 held by the database too: even code that bypasses the service (or two
    concurrent assignments that both passed the service's check) cannot seat two."""
    holder = await roster.join(role, 801, "Holder")
    other = await roster.join(Role.MEMBER, 802, "Other")
    third = await roster.join(Role.MEMBER, 803, "Third")
    now = roster.clock.now()

    # A past holder is history, not a second holder: that row is accepted.
    async with roster.db.session() as session, write(session):
        session.add(
            Membership(
                group_id=roster.group_id,
                person_id=third.person.id,
                role=role.value,
                started_at=now - timedelta(days=30),
                ended_at=now - timedelta(days=1),
            )
        )

    async with roster.db.session() as session:
        with pytest.raises(IntegrityError):
            async with write(session):
                # End the other's current membership first, so that only the
                # single-holder index, not the one-membership-per-person index, can object.
                await session.execute(
                    update(Membership)
                    .where(Membership.id == other.membership_id)
                    .values(ended_at=now)
                )
                session.add(
                    Membership(
                        group_id=roster.group_id,
                        person_id=other.person.id,
                        role=role.value,
                        started_at=now,
                    )
                )
                await session.flush()

    assert await roster.current_roles() == {
        holder.person.id: role.value,
        other.person.id: "member",
        third.person.id: "member",
    }


async def test_database_refuses_two_current_memberships_of_one_person(roster: Roster) -> None:
    member = await roster.join(Role.MEMBER, 851, "Dora")
    async with roster.db.session() as session:
        with pytest.raises(IntegrityError):
            async with write(session):
                session.add(
                    Membership(
                        group_id=roster.group_id,
                        person_id=member.person.id,
                        role=Role.SECRETARIAT.value,
                        started_at=roster.clock.now(),
                    )
                )
                await session.flush()
    assert await roster.current_roles() == {member.person.id: "member"}


# Units and membership in them


async def test_set_unit_keeps_history_and_checks_the_unit(roster: Roster) -> None:
    unit = await roster.roster_call("add_unit", roster.admin, "Claims")
    member = await roster.join(Role.MEMBER, 901, "Egor")
    rep = await roster.join(Role.UNIT_REPRESENTATIVE, 902, "Rita", unit_id=unit.id)
    roster.clock.advance(STEP)

    moved = await roster.roster_call("set_unit", roster.admin, member.person.id, unit.id)
    assert (moved.unit_id, moved.unit_name, moved.role) == (unit.id, "Claims", Role.MEMBER)
    rows = await roster.memberships(member.person.id)
    assert [(u, ended) for _, _, _, u, _, ended in rows] == [(None, START + STEP), (unit.id, None)]
    assert (await roster.audit())[-1] == (
        "unit_changed",
        "person",
        member.person.id,
        ADMIN,
        None,
        {"old": None, "new": unit.id},
    )
    units = await roster.roster_call("units", roster.admin)
    assert [(u.name, u.member_count) for u in units] == [("Claims", 2)]

    before = await roster.snapshot()
    # The same unit again changes nothing and records nothing.
    same = await roster.roster_call("set_unit", roster.admin, member.person.id, unit.id)
    assert same.membership_id == moved.membership_id
    # A unit representative cannot be left without a unit; an unknown unit is refused.
    with refused(InvalidInput, "roster.unit_required"):
        await roster.roster_call("set_unit", roster.admin, rep.person.id, None)
    with pytest.raises(NotFound):
        await roster.roster_call("set_unit", roster.admin, member.person.id, unit.id + 1000)
    assert await roster.snapshot() == before


async def test_remove_keeps_the_membership_in_history(roster: Roster) -> None:
    member = await roster.join(Role.SECRETARIAT, 1001, "Gleb")
    roster.clock.advance(STEP)

    removed = await roster.roster_call("remove", roster.admin, member.person.id)
    assert removed.person.id == member.person.id

    rows = await roster.memberships(member.person.id)
    assert [(role, started, ended) for _, _, role, _, started, ended in rows] == [
        ("secretariat", START, START + STEP)
    ]
    assert await roster.roster_call("members", roster.admin) == []
    assert (await roster.audit())[-1] == (
        "member_removed",
        "person",
        member.person.id,
        ADMIN,
        None,
        {"role": "secretariat"},
    )
    # The removed person keeps their Person row but loses access at once.
    gone = await roster.actor(1001)
    assert gone.person_id == member.person.id and gone.role is None
    with pytest.raises(NotAllowed):
        gone.require(Capability.USE_BOT)

    with pytest.raises(NotFound):
        await roster.roster_call("remove", roster.admin, member.person.id)

    # Invited again later, they start a new period; the old one stays.
    roster.clock.advance(STEP)
    await roster.redeem(await roster.create_invite(Role.MEMBER), 1001)
    rows = await roster.memberships(member.person.id)
    assert [(role, ended) for _, _, role, _, _, ended in rows] == [
        ("secretariat", START + STEP),
        ("member", None),
    ]


async def test_add_and_archive_unit(roster: Roster) -> None:
    unit: UnitView = await roster.roster_call("add_unit", roster.admin, "  Claims   Office ")
    assert unit.name == "Claims Office"
    assert (await roster.audit())[-1] == (
        "unit_added",
        "unit",
        unit.id,
        ADMIN,
        None,
        {"name": "Claims Office"},
    )

    before = await roster.snapshot()
    with refused(InvalidInput, "units.duplicate"):
        await roster.roster_call("add_unit", roster.admin, "claims office")
    with refused(InvalidInput, "errors.name_invalid"):
        await roster.roster_call("add_unit", roster.admin, "   ")
    with refused(InvalidInput, "errors.name_invalid"):
        await roster.roster_call("add_unit", roster.admin, "x" * 121)
    assert await roster.snapshot() == before

    # A unit with people in it stays until they are moved.
    member = await roster.join(Role.MEMBER, 1101, "Inna", unit_id=unit.id)
    before = await roster.snapshot()
    with refused(InvalidInput, "units.not_empty"):
        await roster.roster_call("archive_unit", roster.admin, unit.id)
    assert await roster.snapshot() == before

    await roster.roster_call("set_unit", roster.admin, member.person.id, None)
    roster.clock.advance(STEP)
    archived = await roster.roster_call("archive_unit", roster.admin, unit.id)
    assert archived.id == unit.id
    assert await roster.roster_call("units", roster.admin) == []
    async with roster.db.session() as session:
        assert (await session.get_one(StructuralUnit, unit.id)).archived_at == roster.clock.now()
    assert (await roster.audit())[-1] == ("unit_archived", "unit", unit.id, ADMIN, None, {})

    # An archived unit is gone for every purpose: not archived twice, not assignable,
    # and its name is free again.
    with pytest.raises(NotFound):
        await roster.roster_call("archive_unit", roster.admin, unit.id)
    with pytest.raises(NotFound):
        await roster.roster_call("set_unit", roster.admin, member.person.id, unit.id)
    again = await roster.roster_call("add_unit", roster.admin, "Claims Office")
    assert again.id != unit.id


async def test_nobody_joins_an_archived_unit(roster: Roster) -> None:
    """An invite made for a unit that is archived before the invite is used must not put
    the newcomer into that unit: either archiving waits for the invite, or the redemption
    is refused. Both fixes satisfy this test."""
    unit = await roster.roster_call("add_unit", roster.admin, "Claims")
    invite = await roster.create_invite(Role.UNIT_REPRESENTATIVE, unit_id=unit.id)
    with pytest.raises(ServiceError):
        await roster.roster_call("archive_unit", roster.admin, unit.id)
        await roster.redeem(invite, 1201)

    async with roster.db.session() as session:
        stranded = await session.scalar(
            select(Membership.id)
            .join(StructuralUnit, StructuralUnit.id == Membership.unit_id)
            .where(Membership.ended_at.is_(None), StructuralUnit.archived_at.is_not(None))
        )
    assert stranded is None
