"""Shared steps for tests of tasks set by decisions (cl. 4 д–е): a signed protocol whose
item 1 sets tasks with owners in the roster, a task's card opened from /tasks, and what a
user read, without the markup."""

from __future__ import annotations

import html
import re

from aiogram.methods import SendMessage
from sqlalchemy import func, select

from bot.callbacks import TaskCb
from storage.models import AuditEntry, DueTask, OutboxMessage, Task, TaskChange
from tests.conftest import World
from tests.support.bot_client import BotClient, FakeUser
from tests.support.steps.onboarding import add_unit, create_invite, join
from tests.support.steps.protocols import held_meeting, open_protocol, write_protocol_item

UNIT = "Отдел качества"
# Item 1's tasks: a unit's (31 January 2027) and a person's (15 December 2026).
TASKS = (
    "Подготовить методичку; Отдел качества; 31.01.2027\n"
    "Разработать регламент; Петрова А. С.; 15.12.2026"
)


async def person(world: World, uid: int, role: str, name: str, unit: str) -> FakeUser:
    user = world.client.user(uid, name.split()[1], language_code="ru")
    payload = await create_invite(world, world.admin(), role, name=name, unit_button=unit)
    await join(world, user, payload)
    return user


async def signed_with_tasks(world: World, tasks: str = TASKS) -> dict[str, FakeUser]:
    """A held meeting (chair, deputy, clerk of the secretariat, members m0–m2), a unit with
    its representative «rep», a member «petrova» without a unit; protocol № 1/2026 item 1
    sets `tasks`, item 2 «Принять к сведению.»; the deputy signs on 5 December 2026. The
    owners' notices are delivered."""
    p = await held_meeting(world)
    c = world.client
    await add_unit(world, world.admin(), UNIT)
    p["rep"] = await person(
        world, 9020, "представитель структурного подразделения", "Иванов Иван Иванович", UNIT
    )
    p["petrova"] = await person(
        world, 9022, "член рабочей группы", "Петрова Анна Сергеевна", "без подразделения"
    )
    clerk = p["clerk"]
    await open_protocol(world, clerk)
    await write_protocol_item(world, clerk, 1, "Одобрить стандарт.", tasks)
    await write_protocol_item(world, clerk, 2, "Принять к сведению.")
    await c.click(clerk, "Направить на согласование")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await c.click(p[key], "Подтверждаю устное согласие")
        await world.deliver()
        await c.click(p[key], "Очно")
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    await c.click(p["deputy"], "Подписать протокол")
    await c.click(p["deputy"], "Подтвердить")
    assert "Статус: ✅ подписан" in shown(c.last_text(p["deputy"]))
    await world.deliver()
    await world.run_jobs()
    return p


def shown(text: str) -> str:
    """A text as the user sees it, without the markup."""
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def read_last(c: BotClient, user: FakeUser) -> str:
    return shown(c.last_text(user))


def sent_since(world: World, start: int, user: FakeUser) -> list[str]:
    """The messages the user received since request number `start`, as shown."""
    return [
        shown(r.text or "")
        for r in world.session.requests[start:]
        if isinstance(r, SendMessage) and r.chat_id == user.id
    ]


async def open_task(world: World, user: FakeUser, task_id: int) -> str:
    """The task's card, as its button in a list or a notice opens it."""
    c = world.client
    await c.send(user, "/tasks")
    await c.click_data(user, c.last_message(user), TaskCb(action="card", task=task_id).pack())
    return read_last(c, user)


async def report_done(world: World, user: FakeUser, task_id: int, comment: str) -> None:
    """The owner reports completion from the task's card, without a file."""
    c = world.client
    await open_task(world, user, task_id)
    await c.click(user, "Сообщить об исполнении")
    await c.send(user, comment)
    await c.click(user, "Пропустить")
    await c.click(user, "Подтвердить")
    await world.deliver()


async def task_state(world: World) -> tuple[object, ...]:
    """What a refused change must leave as it was: the tasks, their changes, the audit log,
    what is due and what is queued to be sent."""
    async with world.db.session() as s:
        tasks = (
            await s.execute(
                select(
                    Task.id, Task.status, Task.deadline, Task.done_at, Task.report_text
                ).order_by(Task.id)
            )
        ).all()
        changes = (await s.execute(select(TaskChange.id, TaskChange.kind))).all()
        audit = await s.scalar(select(func.count()).select_from(AuditEntry))
        due = await s.scalar(select(func.count()).select_from(DueTask))
        outbox = await s.scalar(select(func.count()).select_from(OutboxMessage))
    return (tuple(tasks), tuple(changes), audit, due, outbox)
