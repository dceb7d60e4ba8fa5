"""Effectiveness indicators (cl. 3 в, 4 ж): a priority project with its owner unit, an
indicator set by the secretariat, a value entered as the bot asks for it."""

from __future__ import annotations

from tests.conftest import World
from tests.support.bot_client import FakeUser

PROJECT = "Единое окно"
KPI = "Доля обращений в срок"


async def add_project(
    world: World, clerk: FakeUser, title: str = PROJECT, unit: str = "Без подразделения"
) -> None:
    """A priority project owned by `unit`, without a responsible person or a decision."""
    c = world.client
    await c.send(clerk, "/projects")
    await c.click(clerk, "Добавить проект")
    await c.send(clerk, title)
    await c.click(clerk, unit)
    await c.click(clerk, "Пропустить")
    await c.send(clerk, "31.12.2027")
    await c.click(clerk, "Без решения")
    await c.click(clerk, "Подтвердить")


async def open_project(world: World, user: FakeUser, title: str = PROJECT) -> str:
    """The project's card as `user` sees it (the first project of the register)."""
    c = world.client
    await c.send(user, "/projects")
    await c.click(user, f"1. {title}")
    return c.last_text(user)


async def add_indicator(
    world: World,
    clerk: FakeUser,
    *,
    name: str = KPI,
    measure: str = "%",
    baseline: str = "70",
    target: str = "90",
    target_on: str = "31.12.2027",
    project: str | None = PROJECT,
) -> str:
    """The secretariat's dialog from the project's card (or, with no project, from the
    Plan's listing); returns the new indicator's card."""
    c = world.client
    if project is None:
        await c.send(clerk, "/plan")
    else:
        await open_project(world, clerk, project)
    await c.click(clerk, "Добавить показатель")
    for answer in (name, measure, baseline, target, target_on):
        await c.send(clerk, answer)
    return c.last_text(clerk)


async def answer_value(
    world: World,
    user: FakeUser,
    value: str,
    *,
    measured_on: str | None = None,
    source: str | None = None,
) -> None:
    """Answers the questions of a value once asked: the number, the day (today unless
    given), the source (none unless given)."""
    c = world.client
    await c.send(user, value)
    if measured_on is None:
        await c.click(user, "Сегодня")
    else:
        await c.send(user, measured_on)
    if source is None:
        await c.click(user, "Без источника")
    else:
        await c.send(user, source)
