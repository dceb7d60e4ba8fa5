"""Groups, structural units, people and their memberships."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from sqlalchemy import func, select, type_coerce, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.domain.roles import Role
from storage.db import roster_changed
from storage.dto import CompositionActView, GroupView, MemberView, PersonView, UnitView
from storage.models import (
    CompositionAct,
    Membership,
    Person,
    StructuralUnit,
    UTCDateTime,
    WorkingGroup,
)


def act_view(row: CompositionAct, included: int = 0, removed: int = 0) -> CompositionActView:
    return CompositionActView(
        id=row.id,
        group_id=row.group_id,
        kind=row.kind,
        number=row.number,
        signed_on=row.signed_on,
        document=row.document,
        created_at=row.created_at,
        included=included,
        removed=removed,
    )


def group_view(row: WorkingGroup) -> GroupView:
    return GroupView(
        id=row.id,
        name=row.name,
        timezone=row.timezone,
        kind=row.kind,
        parent_id=row.parent_id,
        purpose=row.purpose,
        protocol_id=row.protocol_id,
        item_number=row.item_number,
        dissolved_at=row.dissolved_at,
    )


def extra_roles_of(membership: Membership) -> frozenset[Role]:
    return frozenset(Role(r) for r in membership.extra_roles or ())


def person_view(row: Person) -> PersonView:
    return PersonView(
        id=row.id,
        telegram_id=row.telegram_id,
        full_name=row.full_name,
        telegram_name=row.telegram_name,
        language=row.language,
        blocked_bot_at=row.blocked_bot_at,
        client_language=row.client_language,
        email=row.email,
    )


# A change of role or unit starts a new membership row that keeps the act: the member has been
# in the composition since the first row under that act (cl. 9). Built once: the listing is
# read on most updates, and composing the subquery each time showed in the pipeline profile.
_earlier = aliased(Membership)
_IN_COMPOSITION_SINCE = type_coerce(
    select(func.min(_earlier.started_at))
    .where(
        _earlier.person_id == Membership.person_id,
        _earlier.group_id == Membership.group_id,
        _earlier.act_id == Membership.act_id,
    )
    .correlate(Membership)
    .scalar_subquery(),
    UTCDateTime(),
)


class RosterRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Groups
    async def first_group(self) -> GroupView | None:
        row = await self.session.scalar(
            select(WorkingGroup).where(WorkingGroup.parent_id.is_(None)).order_by(WorkingGroup.id)
        )
        return group_view(row) if row else None

    async def group(self, group_id: int) -> GroupView | None:
        row = await self.session.get(WorkingGroup, group_id)
        return group_view(row) if row else None

    async def subgroups(self, parent_id: int, *, dissolved: bool = False) -> list[GroupView]:
        """The expert groups and project committees under a group (cl. 10), oldest first."""
        query = select(WorkingGroup).where(WorkingGroup.parent_id == parent_id)
        if not dissolved:
            query = query.where(WorkingGroup.dissolved_at.is_(None))
        rows = await self.session.scalars(query.order_by(WorkingGroup.id))
        return [group_view(row) for row in rows]

    async def add_group(
        self,
        *,
        kind: str,
        name: str,
        timezone: str,
        now: datetime,
        parent_id: int | None = None,
        purpose: str | None = None,
        protocol_id: int | None = None,
        item_number: int | None = None,
    ) -> int:
        row = WorkingGroup(
            kind=kind,
            name=name,
            timezone=timezone,
            created_at=now,
            parent_id=parent_id,
            purpose=purpose,
            protocol_id=protocol_id,
            item_number=item_number,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def linked_chat(self, group_id: int) -> tuple[int, str | None] | None:
        row = await self.session.get(WorkingGroup, group_id)
        if row is None or row.linked_chat_id is None:
            return None
        return row.linked_chat_id, row.linked_chat_title

    async def set_linked_chat(self, group_id: int, chat_id: int | None, title: str | None) -> None:
        await self.session.execute(
            update(WorkingGroup)
            .where(WorkingGroup.id == group_id)
            .values(linked_chat_id=chat_id, linked_chat_title=title)
        )

    # Units
    async def units(self, group_id: int) -> list[UnitView]:
        counts = (
            select(Membership.unit_id, func.count().label("n"))
            .where(Membership.group_id == group_id, Membership.ended_at.is_(None))
            .group_by(Membership.unit_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(
                StructuralUnit.id,
                StructuralUnit.name,
                func.coalesce(counts.c.n, 0),
                StructuralUnit.email,
            )
            .outerjoin(counts, counts.c.unit_id == StructuralUnit.id)
            .where(StructuralUnit.group_id == group_id, StructuralUnit.archived_at.is_(None))
            .order_by(StructuralUnit.name)
        )
        return [UnitView(id=i, name=n, member_count=c, email=e) for i, n, c, e in rows.all()]

    async def unit(self, group_id: int, unit_id: int) -> UnitView | None:
        for unit in await self.units(group_id):
            if unit.id == unit_id:
                return unit
        return None

    async def unit_name_taken(self, group_id: int, name: str) -> bool:
        # Compared in Python: SQLite's lower() folds only ASCII, and unit names are Cyrillic.
        names = await self.session.scalars(
            select(StructuralUnit.name).where(
                StructuralUnit.group_id == group_id, StructuralUnit.archived_at.is_(None)
            )
        )
        wanted = name.casefold()
        return any(existing.casefold() == wanted for existing in names)

    async def add_unit(self, group_id: int, name: str, now: datetime) -> int:
        roster_changed(self.session)
        row = StructuralUnit(group_id=group_id, name=name, created_at=now)
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def archive_unit(self, unit_id: int, now: datetime) -> None:
        roster_changed(self.session)
        await self.session.execute(
            update(StructuralUnit).where(StructuralUnit.id == unit_id).values(archived_at=now)
        )

    # People
    async def person_by_telegram(self, telegram_id: int) -> PersonView | None:
        row = await self.session.scalar(select(Person).where(Person.telegram_id == telegram_id))
        return person_view(row) if row else None

    async def add_person(
        self,
        *,
        telegram_id: int | None,
        telegram_name: str,
        username: str | None,
        full_name: str | None,
        language: str | None,
        now: datetime,
        client_language: str | None = None,
    ) -> int:
        roster_changed(self.session)
        row = Person(
            telegram_id=telegram_id,
            telegram_name=telegram_name,
            username=username,
            full_name=full_name,
            language=language,
            client_language=client_language,
            created_at=now,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def update_person(self, person_id: int, **values: object) -> None:
        roster_changed(self.session, person_id)
        await self.session.execute(update(Person).where(Person.id == person_id).values(**values))

    async def person(self, person_id: int) -> PersonView | None:
        row = await self.session.get(Person, person_id)
        return person_view(row) if row else None

    async def bind_telegram(
        self,
        person_id: int,
        *,
        telegram_id: int,
        telegram_name: str,
        username: str | None,
        client_language: str | None,
    ) -> None:
        """A member of the composition joins the bot: their roster row gets the account."""
        roster_changed(self.session)
        await self.session.execute(
            update(Person)
            .where(Person.id == person_id)
            .values(
                telegram_id=telegram_id,
                telegram_name=telegram_name,
                username=username,
                client_language=client_language,
            )
        )

    # Memberships
    def _members_query(self, group_id: int):  # type: ignore[no-untyped-def]
        return (
            select(
                Membership,
                Person,
                StructuralUnit.name,
                CompositionAct,
                _IN_COMPOSITION_SINCE,
            )
            .join(Person, Person.id == Membership.person_id)
            .outerjoin(StructuralUnit, StructuralUnit.id == Membership.unit_id)
            .outerjoin(CompositionAct, CompositionAct.id == Membership.act_id)
            .where(Membership.group_id == group_id, Membership.ended_at.is_(None))
        )

    @staticmethod
    def _member_view(
        membership: Membership,
        person: Person,
        unit_name: str | None,
        act: CompositionAct | None = None,
        since: datetime | None = None,
    ) -> MemberView:
        return MemberView(
            membership_id=membership.id,
            person=person_view(person),
            role=Role(membership.role),
            unit_id=membership.unit_id,
            unit_name=unit_name,
            since=since or membership.started_at,
            extra_roles=extra_roles_of(membership),
            act_id=membership.act_id,
            act=act_view(act) if act is not None else None,
        )

    async def members(self, group_id: int) -> list[MemberView]:
        rows = await self.session.execute(self._members_query(group_id))
        return [self._member_view(*row) for row in rows.all()]

    async def member_by_person(self, group_id: int, person_id: int) -> MemberView | None:
        rows = await self.session.execute(
            self._members_query(group_id).where(Membership.person_id == person_id)
        )
        found = rows.first()
        return self._member_view(*found) if found else None

    async def subgroup_seats(
        self, parent_id: int, person_id: int
    ) -> list[tuple[GroupView, MemberView]]:
        """A person's current memberships in the subgroups of a group (cl. 10)."""
        rows = await self.session.execute(
            select(WorkingGroup, Membership, Person)
            .join(Membership, Membership.group_id == WorkingGroup.id)
            .join(Person, Person.id == Membership.person_id)
            .where(
                WorkingGroup.parent_id == parent_id,
                WorkingGroup.dissolved_at.is_(None),
                Membership.person_id == person_id,
                Membership.ended_at.is_(None),
            )
            .order_by(WorkingGroup.id)
        )
        return [(group_view(g), self._member_view(m, p, None)) for g, m, p in rows.all()]

    async def meeting_people(self, group_id: int) -> list[MemberView]:
        """Everyone a group's meetings concern: its members and, for a subgroup (cl. 10), the
        working group's secretariat, which serves it too (added with the secretariat's role
        only, so that they never count for its quorum)."""
        members = await self.members(group_id)
        group = await self.session.get(WorkingGroup, group_id)
        if group is None or group.parent_id is None:
            return members
        by_person = {m.person.id: i for i, m in enumerate(members)}
        for officer in await self.members(group.parent_id):
            if Role.SECRETARIAT not in officer.roles:
                continue
            index = by_person.get(officer.person.id)
            if index is None:
                members.append(
                    replace(officer, role=Role.SECRETARIAT, extra_roles=frozenset(), act=None)
                )
            else:
                member = members[index]
                members[index] = replace(
                    member, extra_roles=member.extra_roles | {Role.SECRETARIAT}
                )
        return members

    async def person_and_member(
        self, group_id: int, telegram_id: int
    ) -> tuple[PersonView | None, MemberView | None]:
        """Who a Telegram account is, in one query: it runs for every update."""
        rows = await self.session.execute(
            select(Person, Membership, StructuralUnit.name)
            .outerjoin(
                Membership,
                (Membership.person_id == Person.id)
                & (Membership.group_id == group_id)
                & Membership.ended_at.is_(None),
            )
            .outerjoin(StructuralUnit, StructuralUnit.id == Membership.unit_id)
            .where(Person.telegram_id == telegram_id)
        )
        found = rows.first()
        if found is None:
            return None, None
        person, membership, unit_name = found
        if membership is None:
            return person_view(person), None
        return person_view(person), self._member_view(membership, person, unit_name)

    async def menu_targets(
        self, group_id: int
    ) -> list[tuple[PersonView, Role | None, frozenset[Role], str | None]]:
        """Everyone with a chat whose menu the bot may have set: the person, their current
        main role (None once they left), their extra roles and the digest of the menu last
        synced at start-up."""
        rows = await self.session.execute(
            select(Person, Membership.role, Membership.extra_roles)
            .outerjoin(
                Membership,
                (Membership.person_id == Person.id)
                & (Membership.group_id == group_id)
                & Membership.ended_at.is_(None),
            )
            .where(Person.telegram_id.is_not(None))
            .order_by(Person.id)
        )
        return [
            (
                person_view(person),
                Role(role) if role else None,
                frozenset(Role(r) for r in extra or ()) if role else frozenset(),
                person.menu_fingerprint,
            )
            for person, role, extra in rows.all()
        ]

    async def set_menu_fingerprint(self, person_id: int, fingerprint: str) -> None:
        # Not a roster change: the actor cache keeps nothing of the menu.
        await self.session.execute(
            update(Person).where(Person.id == person_id).values(menu_fingerprint=fingerprint)
        )

    async def holder(self, group_id: int, role: Role) -> MemberView | None:
        rows = await self.session.execute(
            self._members_query(group_id).where(Membership.role == role.value)
        )
        found = rows.first()
        return self._member_view(*found) if found else None

    async def start_membership(
        self,
        *,
        group_id: int,
        person_id: int,
        role: Role,
        unit_id: int | None,
        now: datetime,
        extra_roles: Iterable[Role] = (),
        act_id: int | None = None,
    ) -> int:
        roster_changed(self.session)
        extra = sorted(r.value for r in extra_roles)
        row = Membership(
            group_id=group_id,
            person_id=person_id,
            role=role.value,
            unit_id=unit_id,
            started_at=now,
            extra_roles=extra or None,
            act_id=act_id,
        )
        self.session.add(row)
        await self.session.flush()
        return row.id

    async def set_extra_roles(self, membership_id: int, roles: Iterable[Role]) -> None:
        roster_changed(self.session)
        extra = sorted(r.value for r in roles)
        await self.session.execute(
            update(Membership)
            .where(Membership.id == membership_id)
            .values(extra_roles=extra or None)
        )

    async def move_membership(self, membership_id: int, person_id: int) -> None:
        """A composition member joins with an account the bot already knew (say, an
        administrator who chose a language): the membership moves to that person."""
        roster_changed(self.session)
        await self.session.execute(
            update(Membership).where(Membership.id == membership_id).values(person_id=person_id)
        )
        await self.session.flush()

    async def end_membership(
        self, membership_id: int, now: datetime, *, end_act_id: int | None = None
    ) -> None:
        roster_changed(self.session)
        values: dict[str, object] = {"ended_at": now}
        if end_act_id is not None:
            values["end_act_id"] = end_act_id
        await self.session.execute(
            update(Membership).where(Membership.id == membership_id).values(**values)
        )
        # The unique "one current membership" index must see the end before a new row.
        await self.session.flush()
