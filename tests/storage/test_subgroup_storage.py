"""Subgroups on both engines (cl. 10, 16 в): a person's subgroups with their role in each,
one head per subgroup held by the database, dissolution once, and an offer's file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.domain.roles import Role
from bot.services.offers import offer
from storage.db import Database, write
from storage.models import AgendaOffer
from storage.repositories.roster import RosterRepository
from storage.repositories.subgroups import SubgroupRepository

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


async def _setup(db: Database) -> tuple[int, int, int, int]:
    """The working group, a project committee under it, a member heading it and a
    specialist in it."""
    async with db.session() as s, write(s):
        roster = RosterRepository(s)
        group = await roster.add_group(
            kind="working_group", name="РГ", timezone="Europe/Moscow", now=NOW
        )
        sub = await roster.add_group(
            kind="project_committee",
            name="Единое окно",
            timezone="Europe/Moscow",
            now=NOW,
            parent_id=group,
            purpose="Цель",
            protocol_id=1,
            item_number=2,
        )
        people = []
        for n in (1, 2):
            people.append(
                await roster.add_person(
                    telegram_id=n,
                    telegram_name=f"P{n}",
                    username=None,
                    full_name=f"Человек {n}",
                    language="ru",
                    now=NOW,
                )
            )
        await roster.start_membership(
            group_id=group, person_id=people[0], role=Role.MEMBER, unit_id=None, now=NOW
        )
        await roster.start_membership(
            group_id=sub, person_id=people[0], role=Role.CHAIR, unit_id=None, now=NOW
        )
        await roster.start_membership(
            group_id=sub, person_id=people[1], role=Role.SPECIALIST, unit_id=None, now=NOW
        )
    return group, sub, people[0], people[1]


async def test_cl10_a_persons_subgroups_with_their_role_and_dissolution(any_db: Database) -> None:
    group, sub, head, specialist = await _setup(any_db)
    async with any_db.session() as s, write(s):
        repo = SubgroupRepository(s)
        assert [(g.id, r) for g, r in await repo.of_person(group, head)] == [(sub, Role.CHAIR)]
        assert [(g.id, r) for g, r in await repo.of_person(group, specialist)] == [
            (sub, Role.SPECIALIST)
        ]
        # cl. 16 в: the specialist is nowhere in the working group's own roster.
        members = await RosterRepository(s).members(group)
        assert [m.person.id for m in members] == [head]
        assert await repo.dissolve(sub, NOW) is True
        assert await repo.dissolve(sub, NOW + timedelta(hours=1)) is False
        assert await repo.of_person(group, head) == []


async def test_cl10_one_head_per_subgroup_is_held_by_the_database(any_db: Database) -> None:
    _, sub, _, specialist = await _setup(any_db)
    with pytest.raises(IntegrityError):
        async with any_db.session() as s, write(s):
            roster = RosterRepository(s)
            member = await roster.member_by_person(sub, specialist)
            assert member is not None
            await roster.end_membership(member.membership_id, NOW)
            await roster.start_membership(
                group_id=sub, person_id=specialist, role=Role.CHAIR, unit_id=None, now=NOW
            )


async def test_cl10_a_subgroups_report_keeps_its_file_on_the_offer(any_db: Database) -> None:
    group, *_ = await _setup(any_db)
    document = {"file_id": "F1", "file_name": "Доклад.pdf"}
    async with any_db.session() as s, write(s):
        assert (
            await offer(s, group, "subgroup_report:2:1", "Доклад", "Текст", NOW, document) is None
        )
    async with any_db.session() as s:
        row = await s.scalar(select(AgendaOffer))
        assert row is not None and row.document == document and row.item_id is None
