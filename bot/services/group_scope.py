"""Which group an update acts in (cl. 10): a person's standing in a meeting is their standing
in that meeting's group — the working group, or one of its expert groups and project
committees."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.domain.group_scope import specialist_may_reach, specialist_own
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.errors import NotAllowed
from storage.db import read
from storage.dto import GroupView
from storage.repositories.group_scope import GroupScopeRepository
from storage.repositories.roster import RosterRepository

# A dialog's step is in the group of the object its state keeps (the state's group name,
# then the key in its data and what that key names).
_STATE_KEYS: dict[str, tuple[str, str]] = {
    "MeetingDialog": ("group", "group"),
    "RescheduleDialog": ("meeting", "meeting"),
    "VenueDialog": ("meeting", "meeting"),
    "RecordingDialog": ("meeting", "meeting"),
    "GuestDialog": ("meeting", "meeting"),
    "RsvpReasonDialog": ("meeting", "meeting"),
    "ProposalDialog": ("meeting", "meeting"),
    "AgendaItemDialog": ("meeting", "meeting"),
    "RejectDialog": ("item", "item"),
    "ProtocolItemDialog": ("protocol", "protocol"),
    "ObjectionDialog": ("protocol", "protocol"),
    "ConciliationDialog": ("disagreement", "disagreement"),
}


@dataclass(eq=False)
class GroupScopeService(Service):
    def __post_init__(self) -> None:
        self.repo = GroupScopeRepository(self.session)
        self.roster = RosterRepository(self.session)

    async def group_of(self, kind: str, object_id: int) -> GroupView | None:
        """The group of a meeting, an agenda item, a protocol or a disagreement."""
        if object_id <= 0:
            return None
        async with read(self.session):
            if kind == "meeting":
                return await self.repo.of_meeting(object_id)
            if kind == "item":
                return await self.repo.of_item(object_id)
            if kind == "protocol":
                return await self.repo.of_protocol(object_id)
            if kind == "disagreement":
                return await self.repo.of_disagreement(object_id)
            if kind == "group":
                return await self.repo.of_group(object_id)
        return None

    async def group_of_state(self, state: str | None, data: Mapping[str, Any]) -> GroupView | None:
        if not state:
            return None
        found = _STATE_KEYS.get(state.split(":", 1)[0])
        if found is None:
            return None
        key, kind = found
        value = data.get(key)
        return await self.group_of(kind, int(value)) if isinstance(value, int) else None

    def scope(self, actor: Actor, group: GroupView | None, *, reach: str) -> Actor:
        """The actor as the group of the object sees them. A subgroup's object: their
        standing in that subgroup, refused with its name when they have none there. The
        working group's: as they are, but a person who is only in subgroups (an outside
        specialist, cl. 16 в) is refused with the reason; elsewhere, with nothing to scope
        by, such a person reaches only their meetings, agendas and protocols."""
        if group is not None and group.parent_id == actor.group_id:
            scoped = actor.in_subgroup(group)
            if not scoped.in_roster:
                raise NotAllowed(f"group_scope.not_in_{group.kind}", name=group.name)
            return scoped
        if actor.in_roster or not actor.subgroups:
            return actor
        if group is not None:
            raise NotAllowed("group_scope.working_group_only")
        if specialist_own(reach):
            return actor
        seat = actor.subgroups[0]
        if not specialist_may_reach(reach):
            raise NotAllowed("group_scope.working_group_only")
        home = GroupView(
            id=seat.group_id, name=seat.name, timezone="", kind=seat.kind, parent_id=actor.group_id
        )
        return actor.in_subgroup(home)

    async def schedulable(self, actor: Actor, *, may_in_working_group: bool) -> list[GroupView]:
        """The groups the person may set a meeting for: the working group (as its rule says)
        and each subgroup where `group_scope.scoped_can` lets them (its head; the working
        group's chair and secretariat for every subgroup)."""
        async with read(self.session):
            wg = await self.roster.group(actor.group_id)
            subgroups = await self.roster.subgroups(actor.group_id)
        found = [wg] if may_in_working_group and wg is not None else []
        found += [g for g in subgroups if actor.in_subgroup(g).can(Capability.SCHEDULE)]
        return found

    async def subgroups_seen(self, actor: Actor) -> list[GroupView]:
        """Subgroups whose meetings the person sees in /meetings: their own, or every one for
        the working group's chair, deputy and secretariat (they oversee them)."""
        async with read(self.session):
            subgroups = await self.roster.subgroups(actor.group_id)
        if actor.scoped:
            return [g for g in subgroups if g.id == actor.group_id]
        if actor.can(Capability.RUN_MEETING):
            return subgroups
        mine = {s.group_id for s in actor.subgroups}
        return [g for g in subgroups if g.id in mine]

    async def enter(self, actor: Actor, group_id: int) -> Actor:
        """The actor in a meeting's group, for a command that found the meeting itself
        (/agenda, /propose): as a press on that meeting's button would be taken."""
        if group_id == actor.group_id:
            return actor
        return self.scope(actor, await self.group_of("group", group_id), reach="")

    async def in_group_of(self, actor: Actor, group_id: int) -> Actor:
        """The actor in a meeting's group, without a refusal: for a guest of a subgroup's
        meeting (cl. 16 а), who has no standing there and needs none to check in."""
        if group_id == actor.group_id:
            return actor
        group = await self.group_of("group", group_id)
        return actor.in_subgroup(group) if group is not None else actor
