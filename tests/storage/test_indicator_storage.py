"""Effectiveness indicators and their values on both engines (cl. 3 в, 4 ж): the latest value
is the one measured last, whatever order values were entered in; archived indicators leave
the card; the Plan's indicators and a project's are kept apart; numbers read back exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from storage.db import Database, read, write
from storage.repositories.indicators import IndicatorRepository
from storage.repositories.registers import RegisterRepository
from storage.repositories.roster import RosterRepository

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _setup(db: Database) -> tuple[int, int]:
    async with db.session() as s, write(s):
        group = await RosterRepository(s).add_group(
            kind="working_group", name="РГ", timezone="Europe/Moscow", now=NOW
        )
        project = await RegisterRepository(s).add(
            group_id=group,
            register="projects",
            kind="project",
            parent_id=None,
            title="Единое окно",
            unit_id=None,
            responsible_id=None,
            due=None,
            status="planned",
            protocol_id=None,
            item_number=None,
            created_at=NOW,
            updated_at=NOW,
        )
    return group, project


def _kpi(group: int, entry: int | None, name: str) -> dict[str, object]:
    return {
        "group_id": group,
        "entry_id": entry,
        "name": name,
        "measure": "%",
        "baseline": 70.0,
        "target": 90.5,
        "start_on": date(2026, 12, 1),
        "target_on": date(2027, 12, 31),
        "created_by": None,
        "created_at": NOW,
        "updated_at": NOW,
    }


async def test_cl3v_the_latest_value_is_the_one_measured_last(any_db: Database) -> None:
    group, project = await _setup(any_db)
    async with any_db.session() as s, write(s):
        repo = IndicatorRepository(s)
        kpi = await repo.add(**_kpi(group, project, "Доля обращений «в срок»"))
        for value, on, entered in (
            (80.25, date(2027, 3, 31), NOW + timedelta(days=120)),
            # Entered later, measured earlier: a correction of the past, not the latest.
            (75.5, date(2026, 12, 31), NOW + timedelta(days=121)),
        ):
            await repo.add_value(
                kpi_id=kpi,
                value=value,
                measured_on=on,
                source="Статистика",
                cycle_id=None,
                entered_by=None,
                entered_at=entered,
            )
    async with any_db.session() as s, read(s):
        repo = IndicatorRepository(s)
        latest = await repo.latest(kpi)
        assert latest is not None
        assert (latest.value, latest.measured_on) == (80.25, date(2027, 3, 31))
        assert [v.value for v in await repo.values(kpi)] == [80.25, 75.5]
        shown = await repo.get(group, kpi)
        assert shown is not None
        assert (shown.name, shown.target, shown.target_on) == (
            "Доля обращений «в срок»",
            90.5,
            date(2027, 12, 31),
        )
        assert latest.entered_at.tzinfo is not None


async def test_cl3v_the_plans_and_a_projects_indicators_are_apart_and_archived_leave(
    any_db: Database,
) -> None:
    group, project = await _setup(any_db)
    async with any_db.session() as s, write(s):
        repo = IndicatorRepository(s)
        plan = await repo.add(**_kpi(group, None, "Удовлетворённость"))
        first = await repo.add(**_kpi(group, project, "Первый"))
        second = await repo.add(**_kpi(group, project, "Второй"))
        await repo.update(second, archived_at=NOW)
    async with any_db.session() as s, read(s):
        repo = IndicatorRepository(s)
        assert [k.id for k in await repo.of_entry(group, None)] == [plan]
        assert [k.id for k in await repo.of_entry(group, project)] == [first]
        assert [k.id for k in await repo.of_entries(group, [project])] == [first]
        assert [k.id for k in await repo.in_force(group)] == [plan, first]
        assert await repo.get(group + 1, plan) is None
