"""Who is acting: the person behind a Telegram account as the roster sees them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.roles import Capability, Role, Standing, can
from bot.i18n import normalize_locale
from bot.services.errors import NotAllowed, RoleRefusal
from storage.repositories.roster import RosterRepository


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
        return self.standing.in_roster

    def can(self, capability: Capability) -> bool:
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
    person, member = await RosterRepository(session).person_and_member(group_id, telegram_id)
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
    )
