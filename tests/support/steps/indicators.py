"""Effectiveness indicators (cl. 3 в, 4 ж): a priority project with its owner unit, an
indicator set by the secretariat, a value entered as the bot asks for it."""

from __future__ import annotations

import re

from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.fake_api import Call, FakeTelegram
from tests.support.fake_api import FakeUser as HttpUser
from tests.support.steps.conversations import press, sent_after

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


# --- the same over HTTP, against the fake Bot API ------------------------------------------


async def _typed(tg: FakeTelegram, user: HttpUser, text: str, expect: str) -> Call:
    start = tg.mark()
    await tg.send_text(user, text)
    return await sent_after(tg, start, user.id, expect)


async def _pressed(tg: FakeTelegram, user: HttpUser, on: Call, button: str, expect: str) -> Call:
    return await press(tg, user, on, button, expect)


async def http_add_project(
    tg: FakeTelegram, clerk: HttpUser, unit: str, title: str = PROJECT
) -> Call:
    """The secretariat adds a priority project owned by `unit`; returns its card."""
    listing = await _typed(tg, clerk, "/projects", "Приоритетные проекты")
    asked = await _pressed(tg, clerk, listing, "Добавить проект", "Наименование приоритетного")
    units = await _typed(tg, clerk, title, "Ответственное структурное подразделение")
    people = await _pressed(tg, clerk, units, unit, "Ответственный исполнитель")
    await _pressed(tg, clerk, people, "Пропустить", "Срок исполнения")
    basis = await _typed(tg, clerk, "31.12.2027", "Решение рабочей группы")
    summary = await _pressed(tg, clerk, basis, "Без решения", "Проверьте запись")
    assert asked is not None
    return await _pressed(tg, clerk, summary, "Подтвердить", "Дорожная карта")


async def http_add_indicator(
    tg: FakeTelegram, clerk: HttpUser, card: Call, name: str = KPI
) -> Call:
    """From the project's card: baseline 70 %, target 90 % by 31.12.2027; returns the
    indicator's card."""
    await _pressed(tg, clerk, card, "Добавить показатель", "Введите наименование показателя")
    await _typed(tg, clerk, name, "Введите единицу измерения")
    await _typed(tg, clerk, "%", "Введите базовое значение")
    await _typed(tg, clerk, "70", "Введите целевое значение")
    await _typed(tg, clerk, "90", "Введите дату, к которой")
    return await _typed(tg, clerk, "31.12.2027", "Показатель (критерий) эффективности")


async def http_answer_value(tg: FakeTelegram, user: HttpUser, value: str) -> Call:
    """Answers a value's questions: the number, «Сегодня», «Без источника»; returns the
    confirmation."""
    day = await _typed(tg, user, value, "Введите дату измерения")
    source = await _pressed(tg, user, day, "Сегодня", "Укажите источник данных")
    return await _pressed(tg, user, source, "Без источника", "внесено")


async def http_unit(tg: FakeTelegram, admin: HttpUser, name: str) -> None:
    """A structural unit added by the administrator with /units."""
    card = await _typed(tg, admin, "/units", "подразделения")
    await _pressed(tg, admin, card, "Добавить подразделение", "название подразделения")
    await _typed(tg, admin, name, name)


async def http_representative(
    tg: FakeTelegram, admin: HttpUser, user: HttpUser, unit: str, name: str
) -> None:
    """A unit's representative invited by the administrator, joined by the link."""
    card = await _typed(tg, admin, "/invite", "Приглашения в состав")
    await _pressed(tg, admin, card, "Новое приглашение", "Выберите роль")
    await _pressed(tg, admin, card, "представитель структурного подразделения", "подразделение")
    await _pressed(tg, admin, card, unit, "Введите ФИО")
    created = await _typed(tg, admin, name, "Приглашение создано")
    link = re.search(r"start=(inv_[A-Za-z0-9_-]+)", created.text or "")
    assert link, created.text
    await _typed(tg, user, f"/start {link.group(1)}", "Здравствуйте")


async def http_quarterly_report(tg: FakeTelegram, rep: HttpUser, notice: Call, text: str) -> Call:
    """The representative submits a text report from the cycle's notice; returns the first
    question of an indicator's value that follows it."""
    asked = await _pressed(tg, rep, notice, "Представить сведения", "Отправьте текст")
    assert asked is not None
    skip = await _typed(tg, rep, text, "Приложите файл")
    check = await _pressed(tg, rep, skip, "Пропустить", "Проверьте сведения")
    start = tg.mark()
    await tg.click_button(rep, (rep.id, check.result["message_id"]), "Подтвердить")
    await sent_after(tg, start, rep.id, "Сведения приняты")
    return await sent_after(tg, start, rep.id, "Внесите значение показателя")
