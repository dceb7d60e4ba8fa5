"""Delegations on both engines (cl. 16 б): the delegates come back in the order chosen, the
report back is recorded once however often it is sent, and only this delegation's pending
follow-up is dropped (delegation 1 is not a prefix of delegation 10)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.delegations import EventWhen
from bot.domain.roles import Role
from bot.services.delegations import due_rows
from storage.db import Database, write
from storage.models import DueTask
from storage.repositories.delegations import DelegationRepository
from storage.repositories.due import DueRepository
from storage.repositories.roster import RosterRepository

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _setup(db: Database) -> tuple[int, list[int]]:
    async with db.session() as s, write(s):
        roster = RosterRepository(s)
        group = await roster.add_group(
            kind="working_group", name="РГ", timezone="Europe/Moscow", now=NOW
        )
        people = []
        for n in range(2):
            person = await roster.add_person(
                telegram_id=100 + n,
                telegram_name=f"Член {n}",
                username=None,
                full_name=None,
                language="ru",
                now=NOW,
            )
            await roster.start_membership(
                group_id=group, person_id=person, role=Role.MEMBER, unit_id=None, now=NOW
            )
            people.append(person)
    return group, people


def _values(group: int, title: str) -> dict[str, object]:
    return {
        "group_id": group,
        "title": title,
        "organiser": "Организатор",
        "place": "Москва",
        "topic": "Тема",
        "event_day": date(2026, 12, 10),
        "event_at": None,
        "status": "planned",
        "plan": 1,
        "created_at": NOW,
        "updated_at": NOW,
    }


async def test_cl16b_delegates_in_order_and_the_report_recorded_once(any_db: Database) -> None:
    group, (first, second) = await _setup(any_db)
    async with any_db.session() as s, write(s):
        repo = DelegationRepository(s)
        delegation = await repo.add([second, first], **_values(group, "Форум"))
        assert await repo.report(
            delegation, report_text="Первый", reported_by=second, reported_at=NOW
        )
        assert not await repo.report(
            delegation,
            report_text="Второй",
            reported_by=first,
            reported_at=NOW + timedelta(minutes=1),
        )
    async with any_db.session() as s:
        found = await DelegationRepository(s).get(group, delegation)
        assert found is not None
        assert found.delegates == (second, first)
        assert found.report_text == "Первый" and found.reported_by == second
        assert await DelegationRepository(s).get(group + 1, delegation) is None


async def test_cl16b_dropping_the_follow_up_touches_only_that_delegation(
    any_db: Database,
) -> None:
    group, people = await _setup(any_db)
    async with any_db.session() as s, write(s):
        repo = DelegationRepository(s)
        ids = [await repo.add(people, **_values(group, f"Мероприятие {n}")) for n in range(10)]
        for delegation_id in ids:
            d = await repo.get(group, delegation_id)
            assert d is not None
            await DueRepository(s).add(due_rows(d, 1, EventWhen(d.event_day), MSK))
        assert ids[0] == 1 and ids[9] == 10
        await repo.cancel_follow_ups(1, NOW)
    async with any_db.session() as s:
        rows = list(await s.scalars(select(DueTask).order_by(DueTask.id)))
        cancelled = {r.key for r in rows if r.status == "cancelled"}
        assert cancelled == {
            "delegation:1:1:delegation_ask",
            "delegation:1:1:delegation_remind",
            "delegation:1:1:delegation_escalate",
        }
        assert sum(r.status == "pending" for r in rows) == 27
