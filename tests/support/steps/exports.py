"""A working group's realistic history for the secretariat's exports (issue #18 item 2), and
getting an export as the secretariat would: /export, a table, a period.

The history (frozen clock from 1 December 2026, Moscow):
- units «Отдел А», «Отдел Б», «Отдел В», with representatives Анна, Борис, Вера;
- the meeting «Заседание по клиентоцентричности» on 5 December 2026, 15:00: the deputy,
  Член 0 and Член 1 check in (the deputy presides), Член 2 answers «Не смогу» with the
  reason «В командировке», the chair does not come; an additional item «О графике приёма»
  is voted on (deputy and Член 0 for, Член 1 against) and included;
- protocol № 1/2026: item 1 sets two tasks, item 2 «Принять к сведению.»; the deputy and
  Член 0 consent, Член 1 objects to item 2 («Нужно указать срок»), the conciliation meeting
  of 8 December keeps the text, the deputy signs;
- Отдел Б's representative reports its task done on 10 December, before its deadline
  (15 December 2026);
- the fourth quarter's cycle: Отдел А submits on 27 December (on time), Отдел Б on
  11 January 2027 (late), Отдел В never;
- on 12 January 2027 the administrator records распоряжение № 45-р of 25 November 2026,
  includes «Дмитриев Дмитрий Дмитриевич» (Отдел А) by it, and makes Член 2 also a secretariat
  officer.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile

from bot.documents.csv_table import read_csv
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.agenda import propose_additional_item, vote_on_item
from tests.support.steps.composition import include_member, record_act
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import add_unit, create_invite, join, working_group
from tests.support.steps.protocols import (
    hold_conciliation,
    open_protocol,
    sign_protocol,
    write_protocol_item,
)
from tests.support.steps.tasks import report_done

REP = "представитель структурного подразделения"
MEETING = "Заседание по клиентоцентричности"
CONCIL = "Согласительное совещание: протокол № 1/2"
ADDITIONAL = "О графике приёма"
ACT = "распоряжение № 45-р от 25 ноября 2026 г."
TASKS = "Подготовить методичку; Отдел А; 31.01.2027\nРазработать регламент; Отдел Б; 15.12.2026"
OPENS = datetime(2026, 12, 27, 7, 0, tzinfo=UTC)  # the Q4 cycle's first day, 10:00 МСК
AFTER_DEADLINE = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)


async def _rep(world: World, uid: int, name: str, unit: str) -> FakeUser:
    user = world.client.user(uid, name, language_code="ru")
    payload = await create_invite(world, world.admin(), REP, unit_button=unit, name=name)
    await join(world, user, payload)
    return user


async def _held_meeting(world: World, p: dict[str, FakeUser]) -> None:
    c = world.client
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    await c.click(p["m2"], "Не смогу")
    await c.send(p["m2"], "В командировке")
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "О стандарте обслуживания; Член 0")
    await c.send(p["chair"], "Проект стандарта разослан заранее.")
    await c.click(p["chair"], "Готово")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "О плане мероприятий")
    await c.click(p["chair"], "Готово")
    await c.click(p["chair"], "Утвердить повестку дня")
    await world.deliver()
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {MEETING}")
    await c.click(p["clerk"], "Открыть заседание")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await c.click(p[key], "Отметиться")
    await world.deliver()
    item = await propose_additional_item(world, p, ADDITIONAL)
    await c.send(p["deputy"], "/agenda")
    await c.click(p["deputy"], f"На голосование: {ADDITIONAL}")
    await world.deliver()
    await vote_on_item(world, p["m0"], item, "for")
    await vote_on_item(world, p["m1"], item, "against")
    await vote_on_item(world, p["deputy"], item, "for")
    await world.deliver()
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {MEETING}")
    await c.click(p["clerk"], "Прикрепить аудиозапись")
    await c.send_audio(p["clerk"], file_name="rec.mp3", content=b"mp3", file_size=3)
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {MEETING}")
    await c.click(p["clerk"], "Закрыть заседание")
    world.clock.set(datetime(2026, 12, 5, 14, 0, tzinfo=UTC))


async def _signed_protocol(world: World, p: dict[str, FakeUser]) -> None:
    c = world.client
    clerk = p["clerk"]
    await open_protocol(world, clerk)
    await write_protocol_item(world, clerk, 1, "Одобрить стандарт.", TASKS)
    await write_protocol_item(world, clerk, 2, "Принять к сведению.")
    await write_protocol_item(world, clerk, 3, "Утвердить график приёма.")
    await c.click(clerk, "Направить на согласование")
    await world.deliver()
    for key in ("deputy", "m0"):
        await c.click(p[key], "Подтверждаю устное согласие")
        await world.deliver()
        await c.click(p[key], "Очно")
    await c.click(p["m1"], "Заявить возражение")
    await c.click(p["m1"], "2")
    await c.send(p["m1"], "Нужно указать срок")
    await world.deliver()
    await c.click(p["chair"], "Назначить согласительное совещание (вопрос 2)")
    await c.send(p["chair"], "08.12.2026 10:00")
    await world.deliver()
    await hold_conciliation(world, p, CONCIL)
    await c.send(p["chair"], "/protocols")
    await c.click(p["chair"], "Протокол № 1/2026")
    await c.click(p["chair"], "Итог: оставить без изменений")
    await world.deliver()
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    await sign_protocol(world, p["deputy"])
    assert "подписан" in c.last_text(p["deputy"])
    await world.deliver()
    await world.run_jobs()


async def _task_done(world: World) -> None:
    world.clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=UTC))
    boris = world.client.user(9102, "Борис Бобров", language_code="ru")
    await report_done(world, boris, 2, "Регламент разработан.")


async def _submit(world: World, user: FakeUser, text: str) -> None:
    c = world.client
    await c.send(user, "/report")
    await c.click(user, next(b for row in c.buttons(c.last_message(user)) for b, _ in row))
    await c.send(user, text)
    await c.click(user, "Пропустить")
    await c.click(user, "Подтвердить")


async def history(world: World) -> dict[str, FakeUser]:
    """The history described above; the clock ends on 12 January 2027, 12:00 МСК."""
    p = await working_group(world)
    for unit in ("Отдел А", "Отдел Б", "Отдел В"):
        await add_unit(world, world.admin(), unit)
    p["a"] = await _rep(world, 9101, "Анна Арсеньева", "Отдел А")
    p["b"] = await _rep(world, 9102, "Борис Бобров", "Отдел Б")
    p["c"] = await _rep(world, 9103, "Вера Власова", "Отдел В")
    await _held_meeting(world, p)
    await _signed_protocol(world, p)
    await _task_done(world)
    world.clock.set(OPENS)
    await world.run_jobs()
    await _submit(world, p["a"], "Проведён опрос клиентов.")
    world.clock.set(AFTER_DEADLINE)
    await world.run_jobs()
    await _submit(world, p["b"], "Обновлён регламент.")
    world.clock.set(datetime(2027, 1, 12, 9, 0, tzinfo=UTC))
    await world.run_jobs()
    # The composition's act, a member included by it who is not in the bot yet, and an
    # extra role (cl. 7, 9).
    admin = world.admin()
    await record_act(world, admin)
    await include_member(world, admin, ACT, "Дмитриев Дмитрий Дмитриевич", unit_button="Отдел А")
    c = world.client
    await c.send(admin, "/members")
    await c.click(admin, "Член 2")
    await c.click(admin, "Дополнительные роли")
    await c.click(admin, "сотрудник секретариата")
    return p


def documents_to(world: World, user: FakeUser, since: int = 0) -> list[BufferedInputFile]:
    """Files the bot uploaded to the person's chat, from request number ``since`` on."""
    return [
        r.document
        for r in world.session.requests[since:]
        if isinstance(r, SendDocument)
        and r.chat_id == user.id
        and isinstance(r.document, BufferedInputFile)
    ]


async def export(
    world: World, user: FakeUser, table: str, period: str | None = None, typed: str | None = None
) -> tuple[str, list[list[str]]]:
    """/export, the table's button, then a period button or «Указать период» and the typed
    period; the file's name and rows (the header first)."""
    c = world.client
    before = len(world.session.requests)
    await c.send(user, "/export")
    await c.click(user, table)
    if typed is not None:
        await c.click(user, "Указать период")
        await c.send(user, typed)
    elif period is not None:
        await c.click(user, period)
    files = documents_to(world, user, before)
    assert len(files) == 1, c.last_text(user)
    return files[0].filename or "", read_csv(files[0].data)
