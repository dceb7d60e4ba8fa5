"""E-mail addresses on the roster (issue #18 item 3): the secretariat sets or clears a
member's and a unit's address; an address that is not one is refused with the reason and
nothing is written; every change is audited."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

from sqlalchemy import update

from bot.domain.email import AddressError, normalize_address
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.errors import InvalidInput
from bot.services.roster import Auditor, RosterService
from storage.db import roster_changed, write
from storage.dto import MemberView, UnitView
from storage.models import Person, StructuralUnit


def checked_address(raw: str) -> str:
    """The normalised address, or InvalidInput naming what is wrong."""
    try:
        return normalize_address(raw)
    except AddressError as bad:
        raise InvalidInput(f"email.bad_{bad.reason}") from None


@dataclass(eq=False)
class EmailAddressService(Service):
    _: KW_ONLY
    roster: RosterService

    async def set_person(self, actor: Actor, person_id: int, raw: str | None) -> MemberView:
        """A member's address, or none (`raw` None); returns the member as the card shows."""
        actor.require(Capability.MANAGE_ROSTER)
        address = None if raw is None else checked_address(raw)
        member = await self.roster.member(actor, person_id)
        now = self.clock.now()
        async with write(self.session):
            await self.session.execute(
                update(Person).where(Person.id == person_id).values(email=address)
            )
            roster_changed(self.session, person_id)
            await Auditor(self.session, actor, now)(
                "email_set" if address else "email_cleared",
                "person",
                person_id,
                old=member.person.email,
                new=address,
            )
        return await self.roster.member(actor, person_id)

    async def set_unit(self, actor: Actor, unit_id: int, raw: str | None) -> UnitView:
        actor.require(Capability.MANAGE_ROSTER)
        address = None if raw is None else checked_address(raw)
        unit = await self.roster.unit(actor, unit_id)
        now = self.clock.now()
        async with write(self.session):
            await self.session.execute(
                update(StructuralUnit).where(StructuralUnit.id == unit.id).values(email=address)
            )
            await Auditor(self.session, actor, now)(
                "email_set" if address else "email_cleared",
                "structural_unit",
                unit.id,
                old=unit.email,
                new=address,
            )
        return await self.roster.unit(actor, unit_id)
