"""Invitations into the roster: created by the secretariat, redeemed by a deep link (cl. 6-9)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import fields
from bot.domain.invites import InviteState, invite_state
from bot.domain.roles import Capability, Role, clean_name, demoted_role
from bot.domain.roster import has_single_holder, is_roster_role, lacks_unit
from bot.domain.subgroups import is_specialist
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.errors import InvalidInput, NeedsConfirmation, NotFound
from bot.services.roster import Auditor, existing
from storage.db import read, write
from storage.dto import InviteView, MemberView
from storage.repositories.invites import InviteRepository
from storage.repositories.roster import RosterRepository

INVITE_PREFIX = "inv_"
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{8,40}$")

STATE_ERRORS: dict[InviteState, str] = {
    InviteState.USED: "invites.used",
    InviteState.REVOKED: "invites.revoked",
    InviteState.EXPIRED: "invites.expired",
}


@dataclass(frozen=True, slots=True)
class Joined:
    member: MemberView
    replaced: MemberView | None


@dataclass(frozen=True, slots=True)
class Newcomer:
    """The Telegram account opening an invite link."""

    telegram_id: int
    telegram_name: str
    username: str | None
    client_language: str | None = None


def _state(invite: InviteView, now: datetime) -> InviteState:
    return invite_state(
        used=invite.used_at is not None,
        revoked=invite.revoked_at is not None,
        expires_at=invite.expires_at,
        now=now,
    )


@dataclass(eq=False)
class InviteService(Service):
    ttl: timedelta

    def __post_init__(self) -> None:
        self.invites = InviteRepository(self.session)
        self.roster = RosterRepository(self.session)

    async def create(
        self,
        actor: Actor,
        *,
        role: Role,
        unit_id: int | None,
        full_name: str | None,
        confirmed: bool = False,
    ) -> InviteView:
        actor.require(Capability.MANAGE_ROSTER)
        if not is_roster_role(role):
            raise InvalidInput("errors.stale")
        name: str | None = None
        if full_name is not None:
            name = clean_name(full_name)
            if name is None:
                raise InvalidInput("errors.name_invalid", max=fields.PERSON_NAME.max_length)
        if lacks_unit(role, unit_id):
            raise InvalidInput("roster.unit_required")
        now = self.clock.now()
        async with write(self.session):
            if unit_id is not None:
                existing(await self.roster.unit(actor.group_id, unit_id))
            replaces = False
            if has_single_holder(role):
                holder = await self.roster.holder(actor.group_id, role)
                if holder is not None and not confirmed:
                    raise NeedsConfirmation("invites.confirm_replace", holder=holder.display_name)
                replaces = holder is not None
            invite = await self._add(
                actor, now, role=role, unit_id=unit_id, full_name=name, replaces_holder=replaces
            )
            await Auditor(self.session, actor, now)(
                "invite_created", "invite", invite.id, role=role.value, unit_id=unit_id
            )
        return invite

    async def create_for_member(self, actor: Actor, person_id: int) -> InviteView:
        """An invite that connects a member of the composition who has not joined the bot:
        redeeming it binds the account to their roster row, whose roles and unit stand."""
        actor.require(Capability.MANAGE_ROSTER)
        now = self.clock.now()
        async with write(self.session):
            member = existing(await self.roster.member_by_person(actor.group_id, person_id))
            if member.connected:
                raise InvalidInput("composition.already_connected", name=member.display_name)
            invite = await self._add(
                actor,
                now,
                role=member.role,
                unit_id=member.unit_id,
                full_name=member.person.full_name,
                person_id=person_id,
            )
            await Auditor(self.session, actor, now)(
                "invite_created", "invite", invite.id, role=member.role.value, person_id=person_id
            )
        return invite

    async def _add(
        self,
        actor: Actor,
        now: datetime,
        *,
        role: Role,
        unit_id: int | None,
        full_name: str | None,
        replaces_holder: bool = False,
        person_id: int | None = None,
    ) -> InviteView:
        """A fresh single-use code, valid for the configured time from `now`."""
        return await self.invites.add(
            code=secrets.token_urlsafe(12),
            group_id=actor.group_id,
            role=role,
            unit_id=unit_id,
            full_name=full_name,
            replaces_holder=replaces_holder,
            created_by=actor.telegram_id,
            now=now,
            expires_at=now + self.ttl,
            person_id=person_id,
        )

    async def pending(self, actor: Actor) -> list[InviteView]:
        actor.require(Capability.MANAGE_ROSTER)
        async with read(self.session):
            return await self.invites.pending(actor.group_id, self.clock.now())

    async def revoke(self, actor: Actor, invite_id: int) -> InviteView:
        actor.require(Capability.MANAGE_ROSTER)
        now = self.clock.now()
        async with write(self.session):
            invite = existing(await self.invites.by_id(actor.group_id, invite_id))
            state = _state(invite, now)
            if state is not InviteState.ACTIVE or not await self.invites.revoke(invite_id, now):
                raise InvalidInput(STATE_ERRORS.get(state, "invites.used"))
            await Auditor(self.session, actor, now)("invite_revoked", "invite", invite_id)
        return invite

    async def redeem(self, actor: Actor, payload: str, newcomer: Newcomer) -> Joined:
        """Binds the Telegram account to the roster with the invite's role and unit."""
        code = payload.removeprefix(INVITE_PREFIX)
        if not CODE_RE.match(code):
            raise NotFound("invites.unknown")
        now = self.clock.now()
        async with write(self.session):
            invite, group_id = existing(await self.invites.by_code(code), "invites.unknown")
            state = _state(invite, now)
            if state is not InviteState.ACTIVE:
                raise InvalidInput(STATE_ERRORS[state])
            if invite.person_id is not None:
                return await self._connect(actor, group_id, invite, newcomer)
            if (
                invite.unit_id is not None
                and await self.roster.unit(group_id, invite.unit_id) is None
            ):
                # The unit was removed from the list after the invitation was made.
                raise InvalidInput("invites.unit_archived")
            person = await self.roster.person_by_telegram(newcomer.telegram_id)
            if person is not None and await self.roster.member_by_person(group_id, person.id):
                raise InvalidInput("invites.already_member")
            if person is not None and is_specialist(invite.role):
                # A member of the working group joins a subgroup as a member, not by an
                # outside specialist's link (cl. 10, 16 в).
                group = await self.roster.group(group_id)
                parent = group.parent_id if group else None
                if parent is not None and await self.roster.member_by_person(parent, person.id):
                    raise InvalidInput("subgroups.specialist_is_member")
            replaced = await self._free_single_role(actor, group_id, invite)
            if person is None:
                person_id = await self.roster.add_person(
                    telegram_id=newcomer.telegram_id,
                    telegram_name=newcomer.telegram_name,
                    username=newcomer.username,
                    full_name=invite.full_name,
                    language=None,
                    now=now,
                    client_language=newcomer.client_language,
                )
            else:
                person_id = person.id
                if invite.full_name:
                    await self.roster.update_person(person_id, full_name=invite.full_name)
            if not await self.invites.mark_used(invite.id, person_id, now):
                raise InvalidInput("invites.used")
            await self.roster.start_membership(
                group_id=group_id,
                person_id=person_id,
                role=invite.role,
                unit_id=invite.unit_id,
                now=now,
            )
            member = await self._redeemed(actor, now, group_id, invite, person_id, "member_joined")
        return Joined(member=member, replaced=replaced)

    async def _connect(
        self, actor: Actor, group_id: int, invite: InviteView, newcomer: Newcomer
    ) -> Joined:
        """Binds the account to the roster row the invite was made for; the roles and the
        unit are the roster's, whatever the invite said when it was made."""
        assert invite.person_id is not None
        now = self.clock.now()
        member = await self.roster.member_by_person(group_id, invite.person_id)
        if member is None:
            raise InvalidInput("invites.member_gone")
        if member.connected:
            raise InvalidInput("invites.used")
        known = await self.roster.person_by_telegram(newcomer.telegram_id)
        if known is not None:
            if await self.roster.member_by_person(group_id, known.id) is not None:
                raise InvalidInput("invites.already_member")
            # The account is known already (an administrator who chose a language, a former
            # member): the membership moves to it, so the account keeps one roster row.
            person_id = known.id
            await self.roster.move_membership(member.membership_id, person_id)
            await self.roster.update_person(person_id, full_name=member.person.full_name)
        else:
            person_id = member.person.id
            await self.roster.bind_telegram(
                person_id,
                telegram_id=newcomer.telegram_id,
                telegram_name=newcomer.telegram_name,
                username=newcomer.username,
                client_language=newcomer.client_language,
            )
        if not await self.invites.mark_used(invite.id, person_id, now):
            raise InvalidInput("invites.used")
        joined = await self._redeemed(actor, now, group_id, invite, person_id, "member_connected")
        return Joined(member=joined, replaced=None)

    async def _redeemed(
        self,
        actor: Actor,
        now: datetime,
        group_id: int,
        invite: InviteView,
        person_id: int,
        action: str,
    ) -> MemberView:
        """The member the invite made (or connected), with both entries in the audit."""
        member = await self.roster.member_by_person(group_id, person_id)
        assert member is not None
        audit = Auditor(self.session, actor, now)
        await audit(
            "invite_redeemed", "invite", invite.id, person_id=person_id, role=member.role.value
        )
        await audit(action, "person", person_id, role=member.role.value)
        return member

    async def _free_single_role(
        self, actor: Actor, group_id: int, invite: InviteView
    ) -> MemberView | None:
        """Demotes the current chair or deputy if the invite's creator confirmed it."""
        if not has_single_holder(invite.role):
            return None
        holder = await self.roster.holder(group_id, invite.role)
        if holder is None:
            return None
        if not invite.replaces_holder:
            # Another invite filled the role after this one was made; nobody confirmed a swap.
            raise InvalidInput("invites.role_taken")
        now = self.clock.now()
        await self.roster.end_membership(holder.membership_id, now)
        await self.roster.start_membership(
            group_id=group_id,
            person_id=holder.person.id,
            role=demoted_role(invite.role),
            unit_id=holder.unit_id,
            now=now,
            extra_roles=holder.extra_roles,
            act_id=holder.act_id,
        )
        await Auditor(self.session, actor, now)(
            "role_changed",
            "person",
            holder.person.id,
            old=holder.role.value,
            new=demoted_role(invite.role).value,
            reason="replaced",
        )
        return holder
