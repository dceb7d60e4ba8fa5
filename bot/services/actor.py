"""Who is acting: the person behind a Telegram account as the roster sees them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.group_scope import roles_in_subgroup, scoped_can
from bot.domain.roles import Capability, Role, Standing, can
from bot.i18n import normalize_locale
from bot.services.errors import NotAllowed, RoleRefusal
from storage.dto import GroupView
from storage.repositories.roster import RosterRepository


@dataclass(frozen=True, slots=True)
class SubgroupSeat:
    """A person's membership in an expert group or project committee (cl. 10)."""

    group_id: int
    kind: str
    name: str
    role: Role
    extra_roles: frozenset[Role] = frozenset()


@dataclass(frozen=True, slots=True)
class Actor:
    telegram_id: int
    telegram_name: str
    person_id: int | None
    display_name: str
    role: Role | None
    unit_name: str | None
    is_admin: bool
    locale: str
    group_id: int
    blocked_bot: bool = False
    # What the roster remembers of the client's language, to notice when it changes.
    stored_client_language: str | None = None
    # Roles besides the main one (cl. 7): what the person may do is the union.
    extra_roles: frozenset[Role] = frozenset()
    # The expert groups and project committees the person belongs to (cl. 10).
    subgroups: tuple[SubgroupSeat, ...] = ()
    # Scoped to a subgroup (see `in_subgroup`): its kind and name, and the person's roles in
    # the working group above it; None while acting in the working group itself.
    parent_roles: frozenset[Role] | None = None
    group_kind: str | None = None
    group_name: str | None = None

    @property
    def scoped(self) -> bool:
        """Whether this is the person's standing in a subgroup rather than the working group."""
        return self.parent_roles is not None

    def in_subgroup(self, group: GroupView) -> Actor:
        """The person's standing in a subgroup of their working group (cl. 10): their own
        membership there, and the secretariat's role if they work in the working group's
        secretariat; what they may do there follows `group_scope.scoped_can`."""
        if group.id == self.group_id:
            return self
        parent = self.parent_roles if self.parent_roles is not None else self.roles
        seat = next((s for s in self.subgroups if s.group_id == group.id), None)
        own = frozenset({seat.role, *seat.extra_roles}) if seat else frozenset()
        roles = roles_in_subgroup(own, parent)
        return replace(
            self,
            group_id=group.id,
            role=seat.role if seat else None,
            extra_roles=roles - ({seat.role} if seat else set()),
            unit_name=None,
            parent_roles=parent,
            group_kind=group.kind,
            group_name=group.name,
        )

    @property
    def standing(self) -> Standing:
        return Standing(role=self.role, is_admin=self.is_admin, extra_roles=self.extra_roles)

    @property
    def roles(self) -> frozenset[Role]:
        return self.standing.roles

    @property
    def is_member(self) -> bool:
        """Counts for quorum, votes and consents (cl. 14)."""
        return self.standing.is_member

    @property
    def in_roster(self) -> bool:
        if self.parent_roles is not None:
            return self.can(Capability.USE_BOT)
        return self.standing.in_roster

    def can(self, capability: Capability) -> bool:
        if self.parent_roles is not None:
            return scoped_can(
                self.roles, capability, is_admin=self.is_admin, parent_roles=self.parent_roles
            )
        return can(self.standing, capability)

    def require(self, capability: Capability) -> None:
        """Server-side check for every action: a button's payload is never trusted."""
        if not self.can(capability):
            if capability is Capability.USE_BOT:
                raise NotAllowed("errors.not_allowed")  # not in the roster: no role to name
            raise RoleRefusal(capability)


async def load_actor(
    session: AsyncSession,
    *,
    group_id: int,
    telegram_id: int,
    telegram_name: str,
    language_code: str | None,
    admin_ids: frozenset[int],
    default_locale: str,
) -> Actor:
    roster = RosterRepository(session)
    person, member = await roster.person_and_member(group_id, telegram_id)
    seats: tuple[SubgroupSeat, ...] = ()
    if person is not None:
        seats = tuple(
            SubgroupSeat(g.id, g.kind, g.name, m.role, m.extra_roles)
            for g, m in await roster.subgroup_seats(group_id, person.id)
        )
    # An explicit choice made with /language wins over the Telegram client's language.
    locale = normalize_locale(
        person.language if person and person.language else language_code, default_locale
    )
    return Actor(
        telegram_id=telegram_id,
        telegram_name=telegram_name,
        person_id=person.id if person else None,
        display_name=person.display_name if person else telegram_name,
        role=member.role if member else None,
        extra_roles=member.extra_roles if member else frozenset(),
        unit_name=member.unit_name if member else None,
        is_admin=telegram_id in admin_ids,
        locale=locale,
        group_id=group_id,
        blocked_bot=bool(person and person.blocked_bot_at),
        stored_client_language=person.client_language if person else None,
        subgroups=seats,
    )
