"""Expert groups and project committees (cl. 10) and the outside specialists in them
(cl. 16 в).

A subgroup is formed by a decision — an existing item of a signed protocol of the working
group — by the secretariat or the chair. It is a `working_group` row under the working group;
its people are memberships in the subgroup's own group id: the head as `Role.CHAIR`, members
of the working group as `Role.MEMBER`, outside specialists as `Role.SPECIALIST` (joined by a
personal invite link made for the subgroup). Its head reports to the working group: the
report becomes an offer for the working group's next agenda (`bot.services.offers`).
"""

from __future__ import annotations

import secrets
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.domain import fields
from bot.domain.files import file_problem
from bot.domain.roles import MEMBER_ROLES, Capability, Role, clean_name
from bot.domain.subgroups import (
    HEAD_ROLE,
    MEMBER_ROLE,
    SPECIALIST_ROLE,
    SUBGROUP_NAME,
    SUBGROUP_PURPOSE,
    SUBGROUP_REPORT,
    GroupKind,
    SubgroupRuleError,
    check_people,
    decision_problem,
    is_head,
    is_plain_member,
    is_specialist,
    may_form,
    may_manage,
    may_report,
    may_see_all,
    subgroup_kind,
)
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.decisions import DecisionBook
from bot.services.errors import InvalidInput, NotAllowed, NotFound, checked, checked_optional
from bot.services.notifier import Notice, Notifier
from bot.services.offers import offer
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import GroupView, InviteView, MemberView
from storage.repositories.invites import InviteRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.protocols import ProtocolRepository
from storage.repositories.roster import RosterRepository
from storage.repositories.subgroups import SubgroupRepository


@dataclass(frozen=True, slots=True)
class Basis:
    """The decision that formed a subgroup: «протокол № 1/2026 от 5 декабря 2026 г., пункт 2»."""

    protocol_id: int
    protocol_number: str
    held_on: datetime
    item_number: int


@dataclass(frozen=True, slots=True)
class Decision:
    """A decided item of a signed protocol, offered as the basis of a new subgroup."""

    basis: Basis
    text: str


@dataclass(frozen=True, slots=True)
class Draft:
    """A new subgroup as the forming dialog collected it; checked again when saved."""

    protocol_id: int | None
    item_number: int | None
    kind: str
    name: str
    purpose: str
    head_id: int | None
    member_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Listed:
    group: GroupView
    # The reader's role in it (None: they see it as the secretariat or the chair).
    role: Role | None


@dataclass(frozen=True, slots=True)
class SubgroupCard:
    group: GroupView
    parent: GroupView
    basis: Basis | None
    head: MemberView | None
    members: list[MemberView]
    specialists: list[MemberView]
    may_manage: bool
    may_report: bool


@dataclass(eq=False)
class SubgroupService(Service):
    _: KW_ONLY
    notifier: Notifier
    invite_ttl: timedelta = field(default=timedelta(days=7))
    file_max_mb: int = 20

    def __post_init__(self) -> None:
        self.roster = RosterRepository(self.session)
        self.repo = SubgroupRepository(self.session)
        self.protocols = ProtocolRepository(self.session)
        self.meetings = MeetingRepository(self.session)
        self.invites = InviteRepository(self.session)

    # Reading
    async def mine(self, actor: Actor, person_id: int | None = None) -> list[Listed]:
        """The subgroups the person belongs to, for /menu (`person_id`: someone who has
        just joined, whom the update's actor does not know yet)."""
        person_id = person_id or actor.person_id
        if person_id is None:
            return []
        async with read(self.session):
            found = await self.repo.of_person(actor.group_id, person_id)
        return [Listed(group, role) for group, role in found]

    async def belongs_anywhere(self, actor: Actor) -> bool:
        """Whether someone outside the roster is in a subgroup (an outside specialist)."""
        return bool(await self.mine(actor))

    async def listing(self, actor: Actor) -> list[Listed]:
        """The secretariat and the chair see every subgroup; others the ones they are in."""
        mine = await self.mine(actor)
        if not may_see_all(actor.standing):
            if not mine and not actor.in_roster:
                raise NotAllowed("errors.not_allowed")
            return mine
        roles = {item.group.id: item.role for item in mine}
        async with read(self.session):
            groups = await self.roster.subgroups(actor.group_id)
        return [Listed(group, roles.get(group.id)) for group in groups]

    async def _subgroup(self, actor: Actor, group_id: int) -> GroupView:
        group = await self.roster.group(group_id)
        if group is None or group.parent_id != actor.group_id:
            raise NotFound("subgroups.not_found")
        return group

    async def _role(self, actor: Actor, group_id: int) -> Role | None:
        if actor.person_id is None:
            return None
        member = await self.roster.member_by_person(group_id, actor.person_id)
        return member.role if member else None

    async def _basis(self, group: GroupView) -> Basis | None:
        if group.protocol_id is None or group.item_number is None:
            return None
        protocol = await self.protocols.get(group.protocol_id)
        if protocol is None:
            return None
        meeting = await self.meetings.get(group.parent_id or group.id, protocol.meeting_id)
        if meeting is None:
            return None
        return Basis(protocol.id, protocol.number, meeting.starts_at, group.item_number)

    async def card(self, actor: Actor, group_id: int) -> SubgroupCard:
        async with read(self.session):
            group = await self._subgroup(actor, group_id)
            role = await self._role(actor, group_id)
            if role is None and not may_see_all(actor.standing):
                raise NotAllowed("subgroups.not_yours")
            parent = await self.roster.group(actor.group_id)
            assert parent is not None
            people = await self.roster.members(group_id)
            basis = await self._basis(group)
        by_name = sorted(people, key=lambda m: m.display_name)
        active = group.dissolved_at is None
        return SubgroupCard(
            group=group,
            parent=parent,
            basis=basis,
            head=next((m for m in people if is_head(m.role)), None),
            members=[m for m in by_name if is_plain_member(m.role)],
            specialists=[m for m in by_name if is_specialist(m.role)],
            may_manage=active and may_manage(actor.standing, role),
            may_report=active and may_report(role),
        )

    # Forming (cl. 10)
    def require_former(self, actor: Actor) -> None:
        actor.require(Capability.FORM_SUBGROUPS)

    async def decisions(self, actor: Actor) -> list[Decision]:
        """Decided items of the working group's signed protocols, the newest first."""
        self.require_former(actor)
        async with read(self.session):
            signed = await DecisionBook(self.session).signed(actor.group_id)
        return [
            Decision(Basis(d.protocol_id, d.protocol_number, d.held_at, d.item_number), d.text)
            for d in signed
        ]

    async def _decision(self, actor: Actor, protocol_id: int | None, item: int | None) -> Basis:
        """The decision named: an existing item of a signed protocol of this group."""
        protocol = await self.protocols.get(protocol_id) if protocol_id else None
        meeting = await self.meetings.get(actor.group_id, protocol.meeting_id) if protocol else None
        items: list[int] = []
        if protocol is not None and meeting is not None:
            version = await self.protocols.version(protocol.id, protocol.current_version)
            items = [int(k) for k in version.items] if version else []
        status = protocol.status if protocol is not None and meeting is not None else None
        problem = decision_problem(status, item, items)
        if problem is not None:
            raise InvalidInput(problem.value)
        assert protocol is not None and meeting is not None and item is not None
        return Basis(protocol.id, protocol.number, meeting.starts_at, item)

    async def check_decision(
        self, actor: Actor, protocol_id: int | None, item: int | None
    ) -> Basis:
        self.require_former(actor)
        async with read(self.session):
            return await self._decision(actor, protocol_id, item)

    def check_kind(self, actor: Actor, raw: str) -> GroupKind:
        self.require_former(actor)
        try:
            return subgroup_kind(raw)
        except SubgroupRuleError as bad:
            raise NotFound("errors.stale") from bad

    def check_name(self, raw: str) -> str:
        return checked(SUBGROUP_NAME, raw)

    def check_purpose(self, raw: str) -> str:
        return checked(SUBGROUP_PURPOSE, raw)

    async def candidates(self, actor: Actor, group_id: int | None = None) -> list[MemberView]:
        """Members of the working group (chair and deputy included) to choose from; with
        `group_id`, those not yet in that subgroup."""
        async with read(self.session):
            members = [
                m
                for m in await self.roster.members(actor.group_id)
                if not m.roles.isdisjoint(MEMBER_ROLES)
            ]
            taken: set[int] = set()
            if group_id is not None:
                taken = {m.person.id for m in await self.roster.members(group_id)}
        return sorted(
            (m for m in members if m.person.id not in taken), key=lambda m: m.display_name
        )

    async def form(self, actor: Actor, draft: Draft) -> GroupView:
        """cl. 10: a subgroup formed by a decision, with its head and members."""
        self.require_former(actor)
        kind = self.check_kind(actor, draft.kind)
        name = self.check_name(draft.name)
        purpose = self.check_purpose(draft.purpose)
        members = tuple(dict.fromkeys(p for p in draft.member_ids if p != draft.head_id))
        now = self.clock.now()
        async with write(self.session):
            basis = await self._decision(actor, draft.protocol_id, draft.item_number)
            eligible = {m.person.id for m in await self.candidates_in_tx(actor)}
            try:
                check_people(draft.head_id, members, eligible)
            except SubgroupRuleError as bad:
                raise InvalidInput(bad.key) from bad
            assert draft.head_id is not None
            parent = await self.roster.group(actor.group_id)
            assert parent is not None
            group_id = await self.roster.add_group(
                kind=kind.value,
                name=name,
                timezone=parent.timezone,
                now=now,
                parent_id=parent.id,
                purpose=purpose,
                protocol_id=basis.protocol_id,
                item_number=basis.item_number,
            )
            await self.roster.start_membership(
                group_id=group_id, person_id=draft.head_id, role=HEAD_ROLE, unit_id=None, now=now
            )
            for person_id in members:
                await self.roster.start_membership(
                    group_id=group_id, person_id=person_id, role=MEMBER_ROLE, unit_id=None, now=now
                )
            await Auditor(self.session, actor, now)(
                "subgroup_formed",
                "working_group",
                group_id,
                kind=kind.value,
                protocol_id=basis.protocol_id,
                item_number=basis.item_number,
                head=draft.head_id,
                members=list(members),
            )
            group = await self.roster.group(group_id)
            assert group is not None
            people = await self.roster.members(group_id)
            await self.notifier.tell(
                people,
                Notice("subgroups.included", group=group),
                key=f"subgroup:{group_id}:formed",
                skip=actor.person_id,
            )
        return group

    async def candidates_in_tx(self, actor: Actor) -> list[MemberView]:
        return [
            m
            for m in await self.roster.members(actor.group_id)
            if not m.roles.isdisjoint(MEMBER_ROLES)
        ]

    # Managing its people
    async def _managed(self, actor: Actor, group_id: int) -> GroupView:
        group = await self._subgroup(actor, group_id)
        if not may_manage(actor.standing, await self._role(actor, group_id)):
            raise NotAllowed("subgroups.manage_forbidden")
        if group.dissolved_at is not None:
            raise InvalidInput("subgroups.dissolved")
        return group

    async def check_manager(self, actor: Actor, group_id: int) -> GroupView:
        async with read(self.session):
            return await self._managed(actor, group_id)

    async def add_member(self, actor: Actor, group_id: int, person_id: int) -> MemberView:
        now = self.clock.now()
        async with write(self.session):
            group = await self._managed(actor, group_id)
            member = next(
                (m for m in await self.candidates_in_tx(actor) if m.person.id == person_id), None
            )
            if member is None:
                raise InvalidInput("subgroups.not_a_member")
            if await self.roster.member_by_person(group_id, person_id) is not None:
                raise InvalidInput("subgroups.already_in", name=member.display_name)
            await self.roster.start_membership(
                group_id=group_id, person_id=person_id, role=MEMBER_ROLE, unit_id=None, now=now
            )
            await Auditor(self.session, actor, now)(
                "subgroup_member_added", "working_group", group_id, person_id=person_id
            )
            await self.notifier.tell(
                [member],
                Notice("subgroups.included", group=group),
                key=f"subgroup:{group_id}:added:{now.timestamp()}",
            )
        return member

    async def removable(self, actor: Actor, group_id: int) -> list[MemberView]:
        """Members and specialists the head or the secretariat may take off (not the head)."""
        async with read(self.session):
            await self._managed(actor, group_id)
            people = await self.roster.members(group_id)
        return sorted((m for m in people if not is_head(m.role)), key=lambda m: m.display_name)

    async def remove_member(self, actor: Actor, group_id: int, person_id: int) -> MemberView:
        now = self.clock.now()
        async with write(self.session):
            await self._managed(actor, group_id)
            member = await self.roster.member_by_person(group_id, person_id)
            if member is None:
                raise NotFound("errors.stale")
            if is_head(member.role):
                raise InvalidInput("subgroups.head_stays")
            await self.roster.end_membership(member.membership_id, now)
            await Auditor(self.session, actor, now)(
                "subgroup_member_removed",
                "working_group",
                group_id,
                person_id=person_id,
                role=member.role.value,
            )
        return member

    async def invite_specialist(self, actor: Actor, group_id: int, full_name: str) -> InviteView:
        """cl. 16 в: a personal link that makes its holder an outside specialist of this
        subgroup only (the invite machinery of the roster, with the subgroup's group id)."""
        name = clean_name(full_name)
        if name is None:
            raise InvalidInput("errors.name_invalid", max=fields.PERSON_NAME.max_length)
        now = self.clock.now()
        async with write(self.session):
            await self._managed(actor, group_id)
            invite = await self.invites.add(
                code=secrets.token_urlsafe(12),
                group_id=group_id,
                role=SPECIALIST_ROLE,
                unit_id=None,
                full_name=name,
                replaces_holder=False,
                created_by=actor.telegram_id,
                now=now,
                expires_at=now + self.invite_ttl,
            )
            await Auditor(self.session, actor, now)(
                "invite_created",
                "invite",
                invite.id,
                role=SPECIALIST_ROLE.value,
                subgroup_id=group_id,
            )
        return invite

    async def dissolve(self, actor: Actor, group_id: int) -> GroupView:
        now = self.clock.now()
        async with write(self.session):
            group = await self._managed(actor, group_id)
            if not await self.repo.dissolve(group_id, now):
                raise InvalidInput("subgroups.dissolved")
            await Auditor(self.session, actor, now)("subgroup_dissolved", "working_group", group_id)
        return group

    # Its report to the working group (cl. 10)
    async def check_reporter(self, actor: Actor, group_id: int) -> GroupView:
        async with read(self.session):
            group = await self._subgroup(actor, group_id)
            if not may_report(await self._role(actor, group_id)):
                raise NotAllowed("subgroups.report_forbidden")
            if group.dissolved_at is not None:
                raise InvalidInput("subgroups.dissolved")
        return group

    def check_report(self, raw: str | None, document: dict[str, Any] | None) -> str | None:
        """The report's text (optional with a file) and its file, as the head sent them."""
        if document is not None:
            problem = file_problem(
                document.get("file_name"), document.get("size"), self.file_max_mb
            )
            if problem is not None:
                name = document.get("file_name") or "—"
                raise InvalidInput(f"files.{problem.value}", name=name, max=self.file_max_mb)
            return checked_optional(SUBGROUP_REPORT, raw)
        return checked(SUBGROUP_REPORT, raw or "")

    async def report(
        self,
        actor: Actor,
        group_id: int,
        raw: str | None,
        document: dict[str, Any] | None = None,
    ) -> int | None:
        """The head's report (text and/or a file) becomes an offer for the working group's
        next agenda, the file going with the proposed item; returns the meeting it went to,
        or None while it waits for one."""
        text = self.check_report(raw, document)
        now = self.clock.now()
        async with write(self.session):
            group = await self._subgroup(actor, group_id)
            if not may_report(await self._role(actor, group_id)):
                raise NotAllowed("subgroups.report_forbidden")
            if group.dissolved_at is not None:
                raise InvalidInput("subgroups.dissolved")
            author = actor.display_name
            # The offer is written in the group's language: it becomes an agenda item's text.
            title = self.notifier.text(Notice("subgroups.report_title", group=group))
            about = self.notifier.text(
                Notice("subgroups.report_description", group=group, author=author, text=text)
            )
            key = f"subgroup_report:{group_id}:{int(now.timestamp())}"
            meeting = await offer(
                self.session, actor.group_id, key, title, about, now, document=document
            )
            await Auditor(self.session, actor, now)(
                "subgroup_reported",
                "working_group",
                group_id,
                offer_key=key,
                meeting=meeting,
                file=document.get("file_name") if document else None,
            )
        return meeting

    def may_form(self, actor: Actor) -> bool:
        return may_form(actor.standing)
