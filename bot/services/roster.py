"""The roster: structural units, roles and the composition of the group (cl. 6-9, 16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import fields
from bot.domain.composition import CompositionRuleError, check_extra_roles
from bot.domain.roles import Capability, Role, clean_name, demoted_role
from bot.domain.roster import (
    assignment_refusal,
    has_single_holder,
    kept_extra_roles,
    lacks_unit,
    role_change_refusal,
    sort_members,
)
from bot.i18n import SUPPORTED
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.errors import InvalidInput, NeedsConfirmation, NotFound
from storage.db import Database, read, write
from storage.dto import MemberView, UnitView
from storage.repositories.audit import AuditRepository
from storage.repositories.composition import CompositionRepository
from storage.repositories.roster import RosterRepository


@dataclass(frozen=True, slots=True)
class RoleChange:
    member: MemberView
    replaced: MemberView | None


__all__ = ["Auditor", "ReplacesHolder", "RoleChange", "RosterService", "existing", "sort_members"]

T = TypeVar("T")


def existing(found: T | None, key: str = "errors.stale") -> T:
    """What a lookup found; a button pointing at something gone is told it is stale."""
    if found is None:
        raise NotFound(key)
    return found


class ReplacesHolder(NeedsConfirmation):
    """Giving the role replaces its one holder: asked first. The member comes along, so the
    question is drawn without a second read."""

    def __init__(self, member: MemberView, holder: MemberView) -> None:
        super().__init__("roster.confirm_replace", holder=holder.display_name)
        self.member = member


class Auditor:
    """Writes audit entries for one actor inside the caller's transaction."""

    def __init__(self, session: AsyncSession, actor: Actor | None, now: datetime) -> None:
        self.repo = AuditRepository(session)
        self.actor = actor
        self.now = now

    async def __call__(
        self, action: str, object_type: str, object_id: int | None, **details: Any
    ) -> None:
        await self.repo.record(
            at=self.now,
            group_id=self.actor.group_id if self.actor else None,
            actor_telegram_id=self.actor.telegram_id if self.actor else None,
            actor_person_id=self.actor.person_id if self.actor else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            details=details,
        )


@dataclass(eq=False)
class RosterService(Service):
    def __post_init__(self) -> None:
        self.repo = RosterRepository(self.session)
        self.acts = CompositionRepository(self.session)

    # Reading
    async def members(self, actor: Actor) -> list[MemberView]:
        """The composition, sorted; kept between updates where caches are exact (one SQLite
        process) until the next committed change to anyone in the roster, since the
        secretariat pages through it far more often than it changes."""
        actor.require(Capability.MANAGE_ROSTER)
        cache = self._cache()
        version = cache.roster_version if cache else None
        kept = self._kept(actor.group_id)
        if kept is not None:
            return list(kept)
        async with read(self.session):
            members = sort_members(await self.repo.members(actor.group_id))
        if cache is not None and version is not None and cache.roster_version == version:
            cache.roster_listings[actor.group_id] = (version, tuple(members))
        return members

    async def member(self, actor: Actor, person_id: int) -> MemberView:
        actor.require(Capability.MANAGE_ROSTER)
        kept = self._kept(actor.group_id)
        if kept is not None:
            for member in kept:
                if member.person.id == person_id:
                    return member
        async with read(self.session):
            return await self._member(actor.group_id, person_id)

    async def unit_choice(self, actor: Actor, person_id: int) -> tuple[MemberView, list[UnitView]]:
        """A member and the units they may be moved to, read together for the picker."""
        actor.require(Capability.MANAGE_ROSTER)
        async with read(self.session):
            member = await self._member(actor.group_id, person_id)
            return member, await self.repo.units(actor.group_id)

    def _cache(self) -> Database | None:
        db = self.session.info.get("database")
        return db if isinstance(db, Database) and db.caches_are_exact else None

    def _kept(self, group_id: int) -> tuple[MemberView, ...] | None:
        """The listing kept from an earlier update, if nothing in the roster changed since."""
        cache = self._cache()
        if cache is None:
            return None
        hit = cache.roster_listings.get(group_id)
        if hit is None or hit[0] != cache.roster_version:
            return None
        members: tuple[MemberView, ...] = hit[1]
        return members

    async def units(self, actor: Actor) -> list[UnitView]:
        actor.require(Capability.MANAGE_ROSTER)
        async with read(self.session):
            return await self.repo.units(actor.group_id)

    async def unit(self, actor: Actor, unit_id: int) -> UnitView:
        actor.require(Capability.MANAGE_ROSTER)
        async with read(self.session):
            return await self._unit(actor.group_id, unit_id)

    async def _member(self, group_id: int, person_id: int) -> MemberView:
        return existing(await self.repo.member_by_person(group_id, person_id))

    async def _unit(self, group_id: int, unit_id: int) -> UnitView:
        return existing(await self.repo.unit(group_id, unit_id))

    # Roles
    async def change_role(
        self, actor: Actor, person_id: int, role: Role, *, confirmed: bool = False
    ) -> RoleChange:
        """A new role for a current member; a chair or deputy being replaced becomes a member."""
        actor.require(Capability.MANAGE_ROSTER)
        refusal = assignment_refusal(role)
        if refusal is not None:
            raise InvalidInput(refusal)
        now = self.clock.now()
        audit = Auditor(self.session, actor, now)
        async with write(self.session):
            member = await self._member(actor.group_id, person_id)
            refusal = role_change_refusal(member.role, role, member.unit_id)
            if refusal is not None:
                raise InvalidInput(refusal)
            replaced: MemberView | None = None
            if has_single_holder(role):
                holder = await self.repo.holder(actor.group_id, role)
                if holder is not None:
                    if not confirmed:
                        raise ReplacesHolder(member, holder)
                    replaced = await self._reassign(
                        actor.group_id, holder, demoted_role(role), holder.unit_id
                    )
                    await audit(
                        "role_changed",
                        "person",
                        holder.person.id,
                        old=holder.role.value,
                        new=replaced.role.value,
                        reason="replaced",
                    )
            updated = await self._reassign(actor.group_id, member, role, member.unit_id)
            await audit("role_changed", "person", person_id, old=member.role.value, new=role.value)
        return RoleChange(member=updated, replaced=replaced)

    async def set_unit(self, actor: Actor, person_id: int, unit_id: int | None) -> MemberView:
        actor.require(Capability.MANAGE_ROSTER)
        now = self.clock.now()
        async with write(self.session):
            member = await self._member(actor.group_id, person_id)
            if unit_id is not None:
                await self._unit(actor.group_id, unit_id)
            elif lacks_unit(member.roles, unit_id):
                raise InvalidInput("roster.unit_required")
            if member.unit_id == unit_id:
                return member
            updated = await self._reassign(actor.group_id, member, member.role, unit_id)
            await Auditor(self.session, actor, now)(
                "unit_changed", "person", person_id, old=member.unit_id, new=unit_id
            )
        return updated

    async def set_extra_role(
        self, actor: Actor, person_id: int, role: Role, *, held: bool
    ) -> MemberView:
        """Adds or takes away a role held besides the main one (cl. 6-7): a member who is
        also their unit's reporting representative, or who works in the secretariat."""
        actor.require(Capability.MANAGE_ROSTER)
        now = self.clock.now()
        async with write(self.session):
            member = await self._member(actor.group_id, person_id)
            wanted = member.extra_roles | {role} if held else member.extra_roles - {role}
            if wanted == member.extra_roles:
                return member
            try:
                roles = check_extra_roles(member.role, wanted, member.unit_id)
            except CompositionRuleError as bad:
                raise InvalidInput(f"composition.{bad.code.value}") from bad
            await self.repo.set_extra_roles(member.membership_id, roles)
            await Auditor(self.session, actor, now)(
                "extra_role_added" if held else "extra_role_removed",
                "person",
                person_id,
                role=role.value,
            )
            return await self._member(actor.group_id, person_id)

    async def remove(self, actor: Actor, person_id: int, act_id: int | None = None) -> MemberView:
        """Takes a person out of the roster; the membership stays in the history. A member
        of the composition leaves it only by an act of the body (вывод из состава, cl. 9)."""
        actor.require(Capability.MANAGE_ROSTER)
        now = self.clock.now()
        async with write(self.session):
            member = await self._member(actor.group_id, person_id)
            if member.is_member:
                if act_id is None:
                    raise InvalidInput("composition.act_required")
                act = existing(
                    await CompositionRepository(self.session).act(actor.group_id, act_id)
                )
                if not act.complete:
                    raise InvalidInput("composition.act_incomplete")
            else:
                act_id = None
            await self.repo.end_membership(member.membership_id, now, end_act_id=act_id)
            details: dict[str, Any] = {"role": member.role.value}
            if act_id is not None:
                details["act_id"] = act_id
            await Auditor(self.session, actor, now)(
                "member_removed", "person", person_id, **details
            )
        return member

    async def _reassign(
        self, group_id: int, member: MemberView, role: Role, unit_id: int | None
    ) -> MemberView:
        """Closes the current membership and opens the changed one, keeping the history, the
        act that included the person and the roles held besides the main one."""
        now = self.clock.now()
        extra = kept_extra_roles(member.extra_roles, role, unit_id)
        await self.repo.end_membership(member.membership_id, now)
        await self.repo.start_membership(
            group_id=group_id,
            person_id=member.person.id,
            role=role,
            unit_id=unit_id,
            now=now,
            extra_roles=extra,
            act_id=member.act_id,
        )
        return await self._member(group_id, member.person.id)

    # Units
    async def add_unit(self, actor: Actor, raw_name: str) -> UnitView:
        actor.require(Capability.MANAGE_ROSTER)
        name = clean_name(raw_name, fields.UNIT_NAME)
        if name is None:
            raise InvalidInput("errors.name_invalid", max=fields.UNIT_NAME.max_length)
        now = self.clock.now()
        async with write(self.session):
            if await self.repo.unit_name_taken(actor.group_id, name):
                raise InvalidInput("units.duplicate", name=name)
            unit_id = await self.repo.add_unit(actor.group_id, name, now)
            await Auditor(self.session, actor, now)("unit_added", "unit", unit_id, name=name)
        return UnitView(id=unit_id, name=name, member_count=0)

    async def archive_unit(self, actor: Actor, unit_id: int) -> UnitView:
        actor.require(Capability.MANAGE_ROSTER)
        now = self.clock.now()
        async with write(self.session):
            unit = await self._unit(actor.group_id, unit_id)
            if unit.member_count:
                raise InvalidInput("units.not_empty", name=unit.name)
            await self.repo.archive_unit(unit_id, now)
            await Auditor(self.session, actor, now)("unit_archived", "unit", unit_id)
        return unit

    async def refresh_person(self, actor: Actor, client_language: str) -> None:
        """The person wrote to the bot: they no longer block it, and their client's language
        is remembered for messages the bot sends on its own initiative."""
        if actor.person_id is None:
            return
        now = self.clock.now()
        async with write(self.session):
            await self.repo.update_person(
                actor.person_id, blocked_bot_at=None, client_language=client_language
            )
            if actor.blocked_bot:
                await Auditor(self.session, actor, now)("unblocked_bot", "person", actor.person_id)

    # Preferences
    async def set_language(self, actor: Actor, locale: str, username: str | None) -> None:
        if locale not in SUPPORTED:
            raise InvalidInput("errors.stale")
        now = self.clock.now()
        async with write(self.session):
            person = await self.repo.person_by_telegram(actor.telegram_id)
            if person is None:
                # Administrators need not be in the roster; their choice still has to live
                # somewhere.
                await self.repo.add_person(
                    telegram_id=actor.telegram_id,
                    telegram_name=actor.telegram_name,
                    username=username,
                    full_name=None,
                    language=locale,
                    now=now,
                )
            else:
                await self.repo.update_person(person.id, language=locale)
            await Auditor(self.session, actor, now)(
                "language_changed", "person", actor.person_id, language=locale
            )
