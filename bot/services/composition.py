"""The approved composition (cl. 9): the acts of the body and the members in force under them.

The secretariat (and administrators) record each act that approves or changes the personal
composition, include members by an act (they need not have joined the bot yet) and complete
the initial act that the migration made for a roster which existed before acts were kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from bot.domain import fields
from bot.domain.composition import (
    ActDetails,
    ActKind,
    CompositionRuleError,
    check_included_role,
    check_signed_on,
    clean_number,
    number_clashes,
    replaces_holder,
)
from bot.domain.dates import DateInputError, parse_local_date
from bot.domain.roles import Capability, Role, clean_name, demoted_role
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.errors import InvalidInput, NeedsConfirmation, NotFound
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import CompositionActView, MemberView
from storage.repositories.composition import CompositionRepository
from storage.repositories.roster import RosterRepository


def _invalid(error: CompositionRuleError) -> InvalidInput:
    # The number's refusal names its limit, as its question does.
    return InvalidInput(f"composition.{error.code.value}", max=fields.ACT_NUMBER.max_length)


def _included_role(role: Role) -> Role:
    try:
        return check_included_role(role)
    except CompositionRuleError as bad:
        raise _invalid(bad) from bad


@dataclass(eq=False)
class CompositionService(ZonedService):
    def __post_init__(self) -> None:
        self.repo = CompositionRepository(self.session)
        self.roster = RosterRepository(self.session)

    def _today(self) -> date:
        return self.clock.now().astimezone(self.tz).date()

    # Reading
    async def acts(self, actor: Actor) -> list[CompositionActView]:
        actor.require(Capability.MANAGE_ROSTER)
        async with read(self.session):
            return await self.repo.acts(actor.group_id)

    async def act(self, actor: Actor, act_id: int) -> CompositionActView:
        actor.require(Capability.MANAGE_ROSTER)
        async with read(self.session):
            return await self._act(actor.group_id, act_id)

    async def _act(self, group_id: int, act_id: int) -> CompositionActView:
        act = await self.repo.act(group_id, act_id)
        if act is None:
            raise NotFound("errors.stale")
        return act

    # Checks of one dialog step each, so a bad answer is refused at its own question
    def check_kind(self, actor: Actor, raw: str) -> ActKind:
        actor.require(Capability.MANAGE_ROSTER)
        try:
            return ActKind(raw)
        except ValueError as bad:
            raise InvalidInput("errors.stale") from bad

    def check_number(self, actor: Actor, raw: str) -> str:
        actor.require(Capability.MANAGE_ROSTER)
        try:
            return clean_number(raw)
        except CompositionRuleError as bad:
            raise _invalid(bad) from bad

    def check_date(self, actor: Actor, raw: str) -> date:
        actor.require(Capability.MANAGE_ROSTER)
        try:
            typed = parse_local_date(raw, self.tz, self.clock.now())
        except DateInputError as bad:
            raise InvalidInput(f"composition.date_{bad.code.value}") from bad
        try:
            return check_signed_on(typed, self._today())
        except CompositionRuleError as bad:
            raise _invalid(bad) from bad

    def check_name(self, actor: Actor, raw: str) -> str:
        actor.require(Capability.MANAGE_ROSTER)
        name = clean_name(raw)
        if name is None:
            raise InvalidInput("errors.name_invalid", max=fields.PERSON_NAME.max_length)
        return name

    def check_member_role(self, actor: Actor, raw: str) -> Role:
        actor.require(Capability.MANAGE_ROSTER)
        try:
            role = Role(raw)
        except ValueError as bad:
            raise InvalidInput("errors.stale") from bad
        return _included_role(role)

    # Changes
    async def record(
        self,
        actor: Actor,
        *,
        kind: str,
        number: str,
        signed_on: date,
        document: dict[str, Any] | None,
        act_id: int | None = None,
    ) -> CompositionActView:
        """A new act, or the missing details of an existing one (`act_id`)."""
        actor.require(Capability.MANAGE_ROSTER)
        act_kind = self.check_kind(actor, kind)
        try:
            details = ActDetails(
                act_kind, clean_number(number), check_signed_on(signed_on, self._today())
            )
        except CompositionRuleError as bad:
            raise _invalid(bad) from bad
        now = self.clock.now()
        async with write(self.session):
            acts = await self.repo.acts(actor.group_id)
            others = [
                ActDetails(ActKind(a.kind), a.number, a.signed_on) for a in acts if a.id != act_id
            ]
            if number_clashes(details, others):
                raise InvalidInput("composition.number_taken")
            fields = {
                "kind": act_kind.value,
                "number": details.number,
                "signed_on": signed_on,
            }
            audit = Auditor(self.session, actor, now)
            logged = {**fields, "signed_on": signed_on.isoformat()}
            if act_id is None:
                act_id = await self.repo.add(
                    group_id=actor.group_id,
                    document=document,
                    created_by=actor.telegram_id,
                    now=now,
                    **fields,  # type: ignore[arg-type]
                )
                await audit("composition_act_recorded", "composition_act", act_id, **logged)
            else:
                existing = await self._act(actor.group_id, act_id)
                await self.repo.update(
                    act_id,
                    document=document if document is not None else existing.document,
                    **fields,  # type: ignore[arg-type]
                )
                await audit(
                    "composition_act_completed",
                    "composition_act",
                    act_id,
                    old_number=existing.number,
                    old_signed_on=existing.signed_on.isoformat() if existing.signed_on else None,
                    **logged,
                )
            return await self._act(actor.group_id, act_id)

    async def include(
        self,
        actor: Actor,
        *,
        act_id: int,
        full_name: str,
        role: Role,
        unit_id: int | None,
        confirmed: bool = False,
    ) -> tuple[MemberView, MemberView | None]:
        """A member included in the composition by an act; they join the bot later by an invite
        made from their roster row and count in the quorum total from now on."""
        actor.require(Capability.MANAGE_ROSTER)
        _included_role(role)
        name = clean_name(full_name)
        if name is None:
            raise InvalidInput("errors.name_invalid", max=fields.PERSON_NAME.max_length)
        now = self.clock.now()
        async with write(self.session):
            act = await self._act(actor.group_id, act_id)
            if not act.complete:
                raise InvalidInput("composition.act_incomplete")
            if unit_id is not None and await self.roster.unit(actor.group_id, unit_id) is None:
                raise NotFound("errors.stale")
            audit = Auditor(self.session, actor, now)
            replaced: MemberView | None = None
            if replaces_holder(role):
                holder = await self.roster.holder(actor.group_id, role)
                if holder is not None:
                    if not confirmed:
                        raise NeedsConfirmation(
                            "composition.confirm_replace", holder=holder.display_name
                        )
                    await self.roster.end_membership(holder.membership_id, now)
                    await self.roster.start_membership(
                        group_id=actor.group_id,
                        person_id=holder.person.id,
                        role=demoted_role(role),
                        unit_id=holder.unit_id,
                        now=now,
                        extra_roles=holder.extra_roles,
                        act_id=holder.act_id,
                    )
                    await audit(
                        "role_changed",
                        "person",
                        holder.person.id,
                        old=holder.role.value,
                        new=demoted_role(role).value,
                        reason="replaced",
                    )
                    replaced = await self.roster.member_by_person(actor.group_id, holder.person.id)
            # Not in the bot yet: the name stands in for the Telegram name until they join.
            person_id = await self.roster.add_person(
                telegram_id=None,
                telegram_name=name,
                username=None,
                full_name=name,
                language=None,
                now=now,
            )
            await self.roster.start_membership(
                group_id=actor.group_id,
                person_id=person_id,
                role=role,
                unit_id=unit_id,
                now=now,
                act_id=act_id,
            )
            await audit("member_included", "person", person_id, role=role.value, act_id=act_id)
            member = await self.roster.member_by_person(actor.group_id, person_id)
            assert member is not None
            return member, replaced
