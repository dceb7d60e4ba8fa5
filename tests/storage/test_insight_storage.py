"""Issue #18 item 5: the data behind each of the dashboard's charts equals what the database
holds for a seeded year (tests/support/steps/insight.py), on SQLite and PostgreSQL; the
annual introduction is one row per group and year, rewritten in place."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select

from bot.domain.meetings import MonthVerdict
from bot.domain.registers import Register, Status
from bot.wiring import Services
from storage.db import read, write
from storage.models import AnnualIntro
from storage.repositories.insight import InsightRepository
from tests.conftest import World
from tests.support.steps.insight import EXPECTED, add_indicator_with_value, seeded_group


async def test_issue_18_item_5_each_series_equals_the_database(any_world: World) -> None:
    await seeded_group(any_world)
    await add_indicator_with_value(any_world)
    group = any_world.app.group_id
    async with any_world.db.session() as s:
        insight = Services(s, any_world.app).insight
        window = insight.last_twelve_months()
        assert (window.first, window.last) == ((2026, 1), (2026, 12))
        async with read(s):
            months = await insight.compliance_series(group, window)
            attendance = await insight.attendance_series(group, window)
            punctuality, cycles = await insight.punctuality_series(group, window)
            tasks = await insight.task_series(group, window)
            indicators = await insight.indicator_series(group)
            registers = await insight.register_series(group)
            # The same rule as /compliance (cl. 12), not a second count.
            same = await insight.compliance.verdicts(group, [(m.year, m.month) for m in months])

    assert months == same
    held = {(m.year, m.month): m.held for m in months}
    assert {k: v for k, v in held.items() if v} == EXPECTED["held_by_month"]
    verdicts = {(m.year, m.month): m.verdict for m in months}
    assert verdicts[(2026, 1)] is MonthVerdict.COMPLIANT
    assert verdicts[(2026, 2)] is MonthVerdict.MISSED
    assert verdicts[(2026, 12)] is MonthVerdict.PENDING

    assert {x.name: (x.held, x.in_person, x.remote) for x in attendance} == EXPECTED["attendance"]
    assert all(x.absent == x.held - x.in_person - x.remote for x in attendance)

    assert {x.name: (x.on_time, x.late, x.missing) for x in punctuality} == EXPECTED["punctuality"]
    assert cycles == EXPECTED["cycles"]

    expected_tasks = EXPECTED["tasks"]
    assert isinstance(expected_tasks, dict)
    assert {o: getattr(tasks, o) for o in expected_tasks} == expected_tasks

    assert [
        (k.line.kpi.name, k.line.latest.value if k.line.latest else None) for k in indicators
    ] == [("Доля обращений, рассмотренных в срок", 60.0)]
    by_register = {r.register: {s: n for s, n in r.counts.items() if n} for r in registers}
    assert by_register == {
        Register.EVENTS: {Status.DONE: 1, Status.OVERDUE: 1, Status.PLANNED: 1},
        Register.MEASURES: {Status.IN_PROGRESS: 1},
        Register.PROJECTS: {Status.IN_PROGRESS: 1},
    }


async def test_issue_18_item_6_one_introduction_per_group_and_year(any_world: World) -> None:
    group = any_world.app.group_id
    first = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    async with any_world.db.session() as s:
        repo = InsightRepository(s)
        async with write(s):
            await repo.save_intro(group, 2026, "Первый текст", None, first)
        async with write(s):
            await repo.save_intro(group, 2026, "Второй текст", None, first)
        async with write(s):
            await repo.save_intro(group, 2025, "За прошлый год", None, first)
        async with read(s):
            this = await repo.intro(group, 2026)
            last = await repo.intro(group, 2025)
            rows = await s.scalar(select(func.count()).select_from(AnnualIntro))
    assert this is not None and this.text == "Второй текст"
    assert last is not None and last.text == "За прошлый год"
    assert rows == 2
