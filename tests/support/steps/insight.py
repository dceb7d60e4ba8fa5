"""A year of the working group's history written straight into the database, for the
dashboard and the annual report (issue #18 items 5, 6): meetings with attendance, monthly
verdicts, quarterly cycles with the units' submissions, tasks with their outcomes, registers'
entries and, when asked, an indicator with a value. Much quicker than living through it in
the chat; the people and units are made through the bot first (`working_group`).

The frozen clock stands at 1 December 2026, 12:00 in Moscow. `EXPECTED` is what the
database holds, counted by hand from the rows below."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select, update

from storage.models import (
    Attendance,
    Kpi,
    KpiValue,
    Meeting,
    Membership,
    MonthCompliance,
    Person,
    Protocol,
    RegisterEntry,
    ReportCycle,
    ReportSubmission,
    StructuralUnit,
    Task,
    WorkingGroup,
)
from tests.conftest import ADMIN_ID, World
from tests.support.bot_client import FakeUser
from tests.support.steps.onboarding import add_unit, working_group

LONG_AGO = datetime(2025, 1, 1, tzinfo=UTC)
# The fourth member joins in May 2026: earlier meetings are not theirs.
LATE_JOIN = datetime(2026, 5, 1, tzinfo=UTC)
UNITS = ("Отдел обращений граждан", "Правовой отдел")


def at(day: date, hour: int = 12) -> datetime:
    """Noon in Moscow (09:00 UTC) on `day`."""
    return datetime(day.year, day.month, day.day, hour - 3, tzinfo=UTC)


# Meetings: (day, status, kind, quorum at close, attendance by person key and mode).
MEETINGS: list[tuple[date, str, str, bool | None, dict[str, str]]] = [
    (date(2026, 1, 20), "closed", "regular", True, {"chair": "in_person", "m0": "remote"}),
    (
        date(2026, 3, 12),
        "closed",
        "regular",
        True,
        {"chair": "in_person", "deputy": "in_person", "m0": "in_person"},
    ),
    # Held, but without quorum at its close: it does not count for March (cl. 12).
    (date(2026, 3, 26), "closed", "regular", False, {"deputy": "remote"}),
    (
        date(2026, 6, 18),
        "closed",
        "regular",
        True,
        {"chair": "in_person", "m1": "remote", "m2": "in_person"},
    ),
    # A conciliation meeting (cl. 15) is not a meeting of the group: left out everywhere.
    (date(2026, 6, 25), "closed", "conciliation", True, {"chair": "in_person"}),
    (date(2026, 7, 15), "cancelled", "regular", None, {}),
    (
        date(2026, 11, 5),
        "closed",
        "regular",
        True,
        {"chair": "remote", "deputy": "in_person", "m0": "in_person", "m2": "remote"},
    ),
]

# Months with a meeting held (with quorum at its close, cl. 12); the others held none.
HELD = {(2026, 1): 1, (2026, 3): 1, (2026, 6): 1, (2026, 11): 1}
# The month-end check (cl. 12) has recorded January to November; December is not over.
RECORDED = {(2026, m): (HELD.get((2026, m), 0), (2026, m) in HELD) for m in range(1, 12)}

NAMES = {
    "chair": "Председатель Пётр",
    "deputy": "Заместитель Зоя",
    "clerk": "Секретарь Сергей",
    "m0": "Член 0",
    "m1": "Член 1",
    "m2": "Член 2",
}

EXPECTED = {
    # January .. December 2026 (the current month last).
    "held_by_month": HELD,
    # name: (held while in the composition, in person, remote). Held = closed, conciliation
    # left out: 20.01, 12.03, 26.03, 18.06, 05.11 — five; m2 joined for the last two. The
    # secretariat's officer is not a member (cl. 14) and has no line.
    "attendance": {
        "Председатель Пётр": (5, 3, 1),
        "Заместитель Зоя": (5, 2, 1),
        "Член 0": (5, 2, 1),
        "Член 1": (5, 0, 1),
        "Член 2": (2, 1, 1),
    },
    # unit: (on time, late, missing) over Q2 and Q3 2026 (Q1's deadline is in April too).
    "punctuality": {
        "Отдел обращений граждан": (3, 0, 0),
        "Правовой отдел": (1, 1, 1),
    },
    "cycles": 3,
    "tasks": {"on_time": 2, "late": 1, "overdue": 1, "open": 1, "cancelled": 1},
}


async def _ids(world: World) -> tuple[int, dict[str, int], dict[str, int]]:
    async with world.db.session() as s:
        group = await s.scalar(
            select(WorkingGroup.id)
            .where(WorkingGroup.parent_id.is_(None))
            .order_by(WorkingGroup.id)
        )
        assert group is not None
        people = {
            key: int(await s.scalar(select(Person.id).where(Person.full_name == name)) or 0)
            for key, name in NAMES.items()
        }
        units = {
            name: int(
                await s.scalar(select(StructuralUnit.id).where(StructuralUnit.name == name)) or 0
            )
            for name in UNITS
        }
    return group, people, units


async def seeded_group(world: World) -> dict[str, FakeUser]:
    """The working group (chair, deputy, clerk, three members) and two units, made through
    the bot, with the year's history written under them."""
    admin = world.admin()
    for unit in UNITS:
        await add_unit(world, admin, unit)
    people = await working_group(world)
    group, ids, units = await _ids(world)
    async with world.db.session() as s, s.begin():
        await s.execute(update(Membership).values(started_at=LONG_AGO))
        await s.execute(
            update(Membership).where(Membership.person_id == ids["m2"]).values(started_at=LATE_JOIN)
        )
        await s.execute(update(StructuralUnit).values(created_at=LONG_AGO))
        meetings = []
        for n, (day, status, kind, quorum, marks) in enumerate(MEETINGS):
            meeting = Meeting(
                group_id=group,
                title=f"Заседание {n}",
                format="in_person",
                place="Зал",
                starts_at=at(day, 15),
                status=status,
                kind=kind,
                quorum_at_close=quorum,
                checkin_token=f"history-{n}",
                created_by=ADMIN_ID,
                created_at=LONG_AGO,
                closed_at=at(day, 17) if status == "closed" else None,
            )
            s.add(meeting)
            await s.flush()
            meetings.append(meeting.id)
            for key, mode in marks.items():
                s.add(
                    Attendance(
                        meeting_id=meeting.id,
                        person_id=ids[key],
                        mode=mode,
                        checked_in_at=at(day, 15),
                    )
                )
        for (year, month), (held, ok) in RECORDED.items():
            s.add(
                MonthCompliance(
                    group_id=group,
                    year=year,
                    month=month,
                    meetings_held=held,
                    compliant=ok,
                    recorded_at=LONG_AGO,
                )
            )
        # Quarterly cycles: Q1 (deadline 10 April), Q2 (10 July), Q3 (10 October); Q4's
        # deadline (January 2027) has not come and is left out.
        a, b = units[UNITS[0]], units[UNITS[1]]
        cycles = {
            (2026, 1): (date(2026, 4, 10), {a: date(2026, 4, 3), b: date(2026, 4, 9)}),
            (2026, 2): (date(2026, 7, 10), {a: date(2026, 7, 1), b: date(2026, 7, 14)}),
            (2026, 3): (date(2026, 10, 10), {a: date(2026, 10, 2)}),
            (2026, 4): (date(2027, 1, 10), {a: date(2026, 11, 30)}),
        }
        for (year, quarter), (deadline, sent) in cycles.items():
            cycle = ReportCycle(
                group_id=group,
                year=year,
                quarter=quarter,
                deadline_day=deadline,
                deadline=at(deadline, 24),
                closes_at=at(deadline, 24),
                status="closed" if deadline.year == 2026 else "open",
                opened_at=LONG_AGO if quarter < 4 else at(date(2026, 11, 27)),
            )
            s.add(cycle)
            await s.flush()
            for unit_id, day in sent.items():
                moment = at(day)
                s.add(
                    ReportSubmission(
                        cycle_id=cycle.id,
                        unit_id=unit_id,
                        text="Сведения",
                        submitted_by=ids["m0"],
                        submitted_at=moment,
                        updated_at=moment,
                        late=moment >= at(deadline, 24),
                    )
                )
        # Tasks under the protocol of the March meeting.
        protocol = Protocol(
            meeting_id=meetings[1],
            year=2026,
            sequence=3,
            status="signed",
            current_version=1,
            signed_at=at(date(2026, 3, 16)),
            created_at=at(date(2026, 3, 13)),
        )
        s.add(protocol)
        await s.flush()
        tasks: list[tuple[str, str, date | None, date | None]] = [
            ("Подготовить анализ обращений", "open", date(2026, 4, 30), None),
            ("Актуализировать регламент", "done", date(2026, 5, 31), date(2026, 5, 20)),
            ("Провести обучение", "done", None, date(2026, 6, 1)),
            ("Обновить раздел сайта", "done", date(2026, 6, 30), date(2026, 7, 3)),
            ("Разработать анкету", "open", date(2026, 12, 20), None),
            ("Согласовать план", "cancelled", date(2026, 5, 1), None),
        ]
        for n, (text, state, due_day, done) in enumerate(tasks, 1):
            s.add(
                Task(
                    group_id=group,
                    protocol_id=protocol.id,
                    item_number=n,
                    text=text,
                    owner="Отдел обращений граждан",
                    deadline=due_day,
                    status=state,
                    created_at=at(date(2026, 3, 16)),
                    done_at=at(done) if done else None,
                )
            )
        entries: list[tuple[str, str | None, str, str, date | None]] = [
            ("events", None, "Мероприятие 1", "done", date(2026, 6, 1)),
            ("events", None, "Мероприятие 2", "in_progress", date(2026, 9, 1)),
            ("events", None, "Мероприятие 3", "planned", date(2027, 3, 1)),
            ("measures", None, "Первоочередное 1", "in_progress", None),
            ("projects", "project", "Проект 1", "in_progress", date(2027, 6, 1)),
        ]
        for register, entry_kind, title, status, due in entries:
            s.add(
                RegisterEntry(
                    group_id=group,
                    register=register,
                    kind=entry_kind,
                    title=title,
                    status=status,
                    due=due,
                    created_at=LONG_AGO,
                    updated_at=LONG_AGO,
                )
            )
    return people


async def add_indicator_with_value(world: World) -> None:
    """An indicator of the Plan: baseline 40, target 80 by the end of 2027, 60 measured."""
    group, ids, _ = await _ids(world)
    async with world.db.session() as s, s.begin():
        kpi = Kpi(
            group_id=group,
            entry_id=None,
            name="Доля обращений, рассмотренных в срок",
            measure="%",
            baseline=40.0,
            target=80.0,
            start_on=date(2026, 1, 1),
            target_on=date(2027, 12, 31),
            created_by=ids["clerk"],
            created_at=LONG_AGO,
            updated_at=LONG_AGO,
        )
        s.add(kpi)
        await s.flush()
        s.add(
            KpiValue(
                kpi_id=kpi.id,
                value=60.0,
                measured_on=date(2026, 10, 1),
                entered_by=ids["clerk"],
                entered_at=at(date(2026, 10, 1)),
            )
        )
