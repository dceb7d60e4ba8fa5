"""Reporting cycles, submissions and agenda offers on both engines (cl. 4 г, cl. 13): what the
database itself guarantees when the same thing happens twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.domain.quarters import cycle_for
from bot.domain.roles import Role
from bot.services.offers import offer
from storage.db import Database, write
from storage.models import AgendaItem, AgendaOffer, Meeting
from storage.repositories.reporting import ReportingRepository
from storage.repositories.roster import RosterRepository

MSK = ZoneInfo("Europe/Moscow")
NOW = datetime(2026, 12, 27, 7, 0, tzinfo=UTC)


async def _setup(db: Database) -> tuple[int, int, int]:
    async with db.session() as s, write(s):
        roster = RosterRepository(s)
        group = await roster.add_group(
            kind="working_group", name="РГ", timezone="Europe/Moscow", now=NOW
        )
        unit = await roster.add_unit(group, "Отдел А", NOW)
        person = await roster.add_person(
            telegram_id=1,
            telegram_name="Анна",
            username=None,
            full_name="Анна Арсеньева",
            language="ru",
            now=NOW,
        )
        await roster.start_membership(
            group_id=group, person_id=person, role=Role.UNIT_REPRESENTATIVE, unit_id=unit, now=NOW
        )
    return group, unit, person


async def test_cl4g_a_quarter_has_one_cycle_however_often_it_is_opened(any_db: Database) -> None:
    group, unit, _ = await _setup(any_db)
    plan = cycle_for(2026, 4, MSK)
    async with any_db.session() as s, write(s):
        repo = ReportingRepository(s)
        first = await repo.open_cycle(group, plan, NOW)
        second = await repo.open_cycle(group, plan, NOW + timedelta(minutes=1))
        assert first is not None and second is None
        assert first.deadline == plan.deadline and first.deadline_day == plan.deadline_day
        assert await repo.representatives(group) == {unit: [1]}


async def test_cl4g_an_edit_keeps_the_first_submission_time_and_its_late_mark(
    any_db: Database,
) -> None:
    group, unit, person = await _setup(any_db)
    async with any_db.session() as s, write(s):
        repo = ReportingRepository(s)
        cycle = await repo.open_cycle(group, cycle_for(2026, 4, MSK), NOW)
        assert cycle is not None
        await repo.save_submission(
            cycle.id, unit, text="Первая", document=None, person_id=person, now=NOW, late=False
        )
        later = NOW + timedelta(days=3)
        await repo.save_submission(
            cycle.id,
            unit,
            text="Вторая",
            document={"file_id": "f", "file_name": "a.pdf"},
            person_id=person,
            now=later,
            late=True,
        )
        saved = await repo.submission(cycle.id, unit)
    assert saved is not None
    assert (saved.text, saved.submitted_at, saved.updated_at) == ("Вторая", NOW, later)
    assert saved.late is False
    assert saved.document == {"file_id": "f", "file_name": "a.pdf"}


async def test_cl13_an_offer_waits_for_a_meeting_and_is_attached_once(any_db: Database) -> None:
    group, _, _ = await _setup(any_db)
    async with any_db.session() as s, write(s):
        assert await offer(s, group, "quarterly-review:1", "Обзор", "Итоги", NOW) is None
        assert await offer(s, group, "quarterly-review:1", "Обзор", "Итоги", NOW) is None
        meeting = Meeting(
            group_id=group,
            title="Заседание",
            format="in_person",
            place="каб. 1",
            starts_at=NOW + timedelta(days=10),
            status="scheduled",
            sequence=0,
            checkin_token="tok",
            created_by=1,
            created_at=NOW,
        )
        s.add(meeting)
        await s.flush()
        assert await offer(s, group, "task:7", "Поручение", None, NOW) == meeting.id
        items = list(await s.scalars(select(AgendaItem).order_by(AgendaItem.id)))
        offers = list(await s.scalars(select(AgendaOffer).order_by(AgendaOffer.id)))
    assert [(i.title, i.status, i.proposed_by) for i in items] == [
        ("Обзор", "proposed", None),
        ("Поручение", "proposed", None),
    ]
    assert [o.item_id for o in offers] == [items[0].id, items[1].id]
