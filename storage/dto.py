"""Plain, immutable views that repositories return; services and handlers never see ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.domain.roles import Capability, Role, Standing, can, holds_member_role, role_set


@dataclass(frozen=True, slots=True)
class GroupView:
    id: int
    name: str
    timezone: str
    # working_group, or a subgroup under it (cl. 10): expert_group, project_committee
    kind: str = "working_group"
    parent_id: int | None = None
    purpose: str | None = None
    protocol_id: int | None = None
    item_number: int | None = None
    dissolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UnitView:
    id: int
    name: str
    member_count: int
    email: str | None = None


@dataclass(frozen=True, slots=True)
class PersonView:
    id: int
    telegram_id: int | None
    full_name: str | None
    telegram_name: str
    language: str | None
    blocked_bot_at: datetime | None = None
    client_language: str | None = None
    # Issue #18 item 3: where e-mail goes when SMTP is configured.
    email: str | None = None

    @property
    def display_name(self) -> str:
        return self.full_name or self.telegram_name

    def locale(self, default: str) -> str:
        """For messages the bot sends on its own: the chosen language, else the client's."""
        return self.language or self.client_language or default


@dataclass(frozen=True, slots=True)
class MemberView:
    """A person's current membership in a group."""

    membership_id: int
    person: PersonView
    role: Role
    unit_id: int | None
    unit_name: str | None
    since: datetime
    # Roles besides the main one (cl. 7); see bot.domain.roles.EXTRA_ROLES.
    extra_roles: frozenset[Role] = frozenset()
    # The composition act that included the member (cl. 9), if any.
    act_id: int | None = None
    act: CompositionActView | None = None

    @property
    def display_name(self) -> str:
        return self.person.display_name

    @property
    def roles(self) -> frozenset[Role]:
        return role_set(self.role, self.extra_roles)

    def can(self, capability: Capability) -> bool:
        """What the roster row allows (administrators are not rows: see Actor.can)."""
        return can(Standing(role=self.role, extra_roles=self.extra_roles), capability)

    @property
    def is_member(self) -> bool:
        """Counts for quorum, votes and consents (cl. 14)."""
        return holds_member_role(self.roles)

    @property
    def connected(self) -> bool:
        """Whether the person has joined the bot (a member of the composition may not yet)."""
        return self.person.telegram_id is not None


@dataclass(frozen=True, slots=True)
class InviteView:
    id: int
    code: str
    role: Role
    unit_id: int | None
    unit_name: str | None
    full_name: str | None
    replaces_holder: bool
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    revoked_at: datetime | None
    # The roster row the invite connects (a member of the composition not yet in the bot).
    person_id: int | None = None


@dataclass(frozen=True, slots=True)
class CompositionActView:
    """An act approving or changing the composition (cl. 9)."""

    id: int
    group_id: int
    kind: str
    number: str | None
    signed_on: date | None
    document: dict[str, Any] | None
    created_at: datetime
    included: int = 0
    removed: int = 0

    @property
    def complete(self) -> bool:
        return bool(self.number) and self.signed_on is not None
