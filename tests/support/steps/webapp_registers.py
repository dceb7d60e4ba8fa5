"""The registers for the Mini App's tests: a Plan of events kept in chat by the secretariat,
a priority project with a milestone and an indicator, a signed decision to name, and what a
person would check in the database to see that nothing changed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from storage.models import AuditEntry, RegisterEntry, RegisterNote
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.decisions import insert_protocol
from tests.support.steps.indicators import add_indicator, add_project
from tests.support.steps.onboarding import add_unit, working_group

# Three events of the Plan, added in this order: the table's own order is by due date.
EVENTS = (
    ("Семинар по клиентоцентричности", "20.12.2026"),
    ("Анкетирование заявителей", "15.01.2027"),
    ("Аудит стандарта обслуживания", "10.12.2026"),
)
DECISIONS = ["Включить семинар в План мероприятий.", "Продлить анкетирование."]
UNIT = "Отдел качества"


async def add_event(world: World, clerk: FakeUser, title: str, due: str) -> None:
    """The chat's add dialog of the Plan, without an owner or a decision."""
    c = world.client
    await c.send(clerk, "/plan")
    await c.click(clerk, "Добавить мероприятие")
    await c.send(clerk, title)
    await c.click(clerk, "Без подразделения")
    await c.click(clerk, "Пропустить")
    await c.send(clerk, due)
    await c.click(clerk, "Без решения")
    await c.click(clerk, "Подтвердить")


async def plan_of_events(world: World) -> dict[str, FakeUser]:
    """The working group, a unit, the three events of the Plan, and a signed protocol
    № 7/2026 with two decided items to name as a basis."""
    p = await working_group(world)
    await add_unit(world, world.admin(), UNIT)
    for title, due in EVENTS:
        await add_event(world, p["clerk"], title, due)
    await insert_protocol(world.db, world.clock.now(), DECISIONS)
    return p


async def project_with_roadmap(world: World, clerk: FakeUser) -> None:
    """«Единое окно» with a milestone and an indicator, kept in chat."""
    await add_project(world, clerk)
    c = world.client
    await c.click(clerk, "Добавить контрольную точку")
    await c.send(clerk, "Утверждено техническое задание")
    await c.click(clerk, "Без подразделения")
    await c.send(clerk, "01.03.2027")
    await c.click(clerk, "Без решения")
    await c.click(clerk, "Подтвердить")
    await add_indicator(world, clerk)


async def entry_id(world: World, title: str) -> int:
    async with world.db.session() as s:
        found = await s.scalar(select(RegisterEntry.id).where(RegisterEntry.title == title))
    assert found is not None, title
    return found


@dataclass(frozen=True)
class Snapshot:
    """What a change would touch: entries (with their status, due date and owner), notes,
    the audit log."""

    entries: tuple[tuple[object, ...], ...]
    notes: int
    audit: int


async def snapshot(world: World) -> Snapshot:
    async with world.db.session() as s:
        rows = await s.execute(
            select(
                RegisterEntry.id,
                RegisterEntry.title,
                RegisterEntry.status,
                RegisterEntry.due,
                RegisterEntry.unit_id,
                RegisterEntry.responsible_id,
                RegisterEntry.protocol_id,
            ).order_by(RegisterEntry.id)
        )
        notes = await s.scalar(select(func.count()).select_from(RegisterNote))
        audit = await s.scalar(select(func.count()).select_from(AuditEntry))
    return Snapshot(tuple(tuple(r) for r in rows), int(notes or 0), int(audit or 0))
