"""Quarterly reporting at the dispatcher level (cl. 4 г): a cycle opens by itself, units'
representatives get the deadline and reminders, submit, and the secretariat gets the summary.

The frozen clock starts on 1 December 2026; the fourth quarter's deadline is 10 January 2027
(Moscow), its first reminder 27 December, and the cycle closes on 25 January.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy import func, select

from bot.callbacks import ReportCb
from storage.models import AgendaItem, AuditEntry, OutboxMessage, ReportSubmission
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.onboarding import add_unit, create_invite, join

REP = "представитель структурного подразделения"
OPENS = datetime(2026, 12, 27, 7, 0, tzinfo=UTC)  # 10:00 МСК
SEVEN_BEFORE = datetime(2027, 1, 3, 7, 0, tzinfo=UTC)
ONE_BEFORE = datetime(2027, 1, 9, 7, 0, tzinfo=UTC)
ON_THE_DAY = datetime(2027, 1, 10, 7, 0, tzinfo=UTC)
AFTER_DEADLINE = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
OVERDUE_3 = datetime(2027, 1, 13, 7, 0, tzinfo=UTC)
CLOSES = datetime(2027, 1, 24, 21, 0, tzinfo=UTC)  # 25.01 00:00 МСК
STALE = "Кнопка устарела или данные уже изменились. Откройте раздел заново."


async def _person(
    world: World, uid: int, role: str, name: str, unit: str = "без подразделения"
) -> FakeUser:
    user = world.client.user(uid, name, language_code="ru")
    payload = await create_invite(world, world.admin(), role, unit_button=unit, name=name)
    await join(world, user, payload)
    return user


async def _group(world: World) -> dict[str, FakeUser]:
    for unit in ("Отдел А", "Отдел Б", "Отдел В"):
        await add_unit(world, world.admin(), unit)
    return {
        "clerk": await _person(world, 9003, "сотрудник секретариата", "Секретарь Сергей"),
        "chair": await _person(world, 9001, "председатель рабочей группы", "Председатель Пётр"),
        "m0": await _person(world, 9010, "член рабочей группы", "Член Ноль"),
        "a": await _person(world, 9101, REP, "Анна Арсеньева", "Отдел А"),
        "b": await _person(world, 9102, REP, "Борис Бобров", "Отдел Б"),
        "c": await _person(world, 9103, REP, "Вера Власова", "Отдел В"),
    }


async def _at(world: World, moment: datetime) -> None:
    world.clock.set(moment)
    await world.run_jobs()


def _texts_since(world: World, user: FakeUser, before: int) -> list[str]:
    return world.client.texts(user)[before:]


async def _submit_text(world: World, user: FakeUser, text: str) -> None:
    c = world.client
    await c.send(user, "/report")
    await c.click(user, next(b for row in c.buttons(c.last_message(user)) for b, _ in row))
    await c.send(user, text)
    await c.click(user, "Пропустить")
    await c.click(user, "Подтвердить")


async def test_cl4g_cycle_opens_with_the_deadline_for_each_units_representatives(
    world: World,
) -> None:
    p = await _group(world)
    await world.run_jobs()
    assert not any("Открыт отчётный период" in x for x in world.client.texts(p["a"]))
    await _at(world, OPENS)
    for key, unit in (("a", "Отдел А"), ("b", "Отдел Б"), ("c", "Отдел В")):
        text = world.client.last_text(p[key])
        assert "Открыт отчётный период" in text
        assert "IV квартал 2026 г." in text
        assert f"Подразделение: {unit}" in text
        assert "Срок: до 10 января 2027 г. включительно. Осталось 14 дней." in text
    clerk = world.client.last_text(p["clerk"])
    assert "Открыт отчётный период" in clerk and "Сведения представляют 3 подразделения" in clerk
    assert not any("отчётный период" in x.lower() for x in world.client.texts(p["m0"]))


async def test_cl4g_reminders_go_only_to_units_that_have_not_submitted(world: World) -> None:
    p = await _group(world)
    await _at(world, OPENS)
    await _submit_text(world, p["a"], "Проведено обучение 40 сотрудников.")
    assert "Сведения приняты" in world.client.last_text(p["a"])
    before = {k: len(world.client.texts(p[k])) for k in ("a", "b", "c")}
    await _at(world, SEVEN_BEFORE)
    assert not _texts_since(world, p["a"], before["a"])
    for key in ("b", "c"):
        (text,) = _texts_since(world, p[key], before[key])
        assert "Напоминание о сводной информации" in text and "Осталось 7 дней." in text
    await _at(world, ON_THE_DAY)
    assert "Сегодня последний день." in world.client.last_text(p["b"])


async def test_cl4g_a_restart_sends_nothing_twice_and_skips_overtaken_reminders(
    world: World,
) -> None:
    """After downtime from 27 December to 10 January only the on-the-day reminder goes out."""
    p = await _group(world)
    await _at(world, OPENS)
    before = len(world.client.texts(p["b"]))
    await _at(world, ON_THE_DAY)
    await world.run_jobs()  # the next tick, as after a restart: nothing new
    texts = _texts_since(world, p["b"], before)
    assert len(texts) == 1 and "Сегодня последний день." in texts[0]
    async with world.app.db.session() as s:
        keys = list(await s.scalars(select(OutboxMessage.key)))
    assert len(keys) == len(set(keys))


async def test_cl4g_late_submission_is_marked_and_overdue_units_are_escalated(
    world: World,
) -> None:
    p = await _group(world)
    await _at(world, OPENS)
    await _submit_text(world, p["a"], "Всё сделано в срок.")
    await _at(world, AFTER_DEADLINE)
    await _submit_text(world, p["b"], "Сдаём с опозданием.")
    assert "отмечены как представленные с опозданием" in world.client.last_text(p["b"])
    clerk_before = len(world.client.texts(p["clerk"]))
    c_before = len(world.client.texts(p["c"]))
    await _at(world, OVERDUE_3)
    (escalation,) = [x for x in _texts_since(world, p["clerk"], clerk_before) if "не всеми" in x]
    assert "❌ Отдел В" in escalation and "Отдел Б" not in escalation
    assert "Представили: 2 из 3." in escalation
    (overdue,) = _texts_since(world, p["c"], c_before)
    assert "Срок представления сводной информации истёк" in overdue
    assert "Просрочка — 3 дня." in overdue
    async with world.app.db.session() as s:
        late = dict(
            (await s.execute(select(ReportSubmission.unit_id, ReportSubmission.late))).all()
        )
    assert sorted(late.values()) == [False, True]


async def test_cl4g_submission_is_editable_until_the_deadline_then_locked(world: World) -> None:
    p = await _group(world)
    await _at(world, OPENS)
    await _submit_text(world, p["a"], "Первая редакция.")
    await world.client.send(p["a"], "/report")
    assert "Представлено 27 декабря 2026 г., в срок." in world.client.last_text(p["a"])
    await world.client.click(p["a"], "Изменить за IV квартал 2026 г.")
    await world.client.send(p["a"], "Вторая редакция.")
    await world.client.click(p["a"], "Пропустить")
    await world.client.click(p["a"], "Подтвердить")
    await _at(world, AFTER_DEADLINE)
    await world.client.send(p["a"], "/report")
    card = world.client.last_message(p["a"])
    assert "Изменить за IV квартал 2026 г." not in str(world.client.buttons(card))
    await world.client.click(p["a"], "Посмотреть за IV квартал 2026 г.")
    assert "Вторая редакция." in world.client.last_text(p["a"])
    assert "в срок" in world.client.last_text(p["a"])
    # The old button from the first card, pressed after the deadline, changes nothing.
    forged = ReportCb(action="submit", cycle=1, unit=1).pack()
    await world.client.click_data(p["a"], card, forged)
    assert world.client.alerts(p["a"])[-1] == (
        "Срок истёк: представленные сведения изменить уже нельзя."
    )


async def test_cl4g_closing_sends_the_summary_docx_and_offers_the_review(world: World) -> None:
    p = await _group(world)
    await _at(world, OPENS)
    await _submit_text(world, p["a"], "Проведён опрос клиентов.")
    await _at(world, AFTER_DEADLINE)
    await _submit_text(world, p["b"], "Обновлён регламент.")
    await _at(world, CLOSES)
    summary = next(x for x in world.client.texts(p["clerk"]) if "Итоги отчётного периода" in x)
    assert "✅ в срок: 1 · ⚠️ с опозданием: 1 · ❌ не представили: 1" in summary
    assert "✅ Отдел А — в срок, 27 декабря 2026 г., Анна Арсеньева" in summary
    assert "⚠️ Отдел Б — с опозданием, 11 января 2027 г., Борис Бобров" in summary
    assert "❌ Отдел В — не представлено" in summary
    assert "Проведён опрос клиентов." in summary
    docs = [
        r
        for r in world.session.requests
        if isinstance(r, SendDocument) and r.chat_id == p["clerk"].id
    ]
    assert docs and isinstance(docs[-1].document, BufferedInputFile)
    assert docs[-1].document.filename == "Сводная информация за IV квартал 2026 г.docx"
    body = "\n".join(x.text for x in docx.Document(io.BytesIO(docs[-1].document.data)).paragraphs)
    assert "Отдел В — не представлена" in body and "Обновлён регламент." in body
    assert any("Итоги отчётного периода" in x for x in world.client.texts(p["chair"]))
    # The review waits for the next meeting; scheduling one puts it on the draft agenda.
    await world.client.send(p["chair"], "/newmeeting")
    await world.client.send(p["chair"], "Заседание по клиентоцентричности")
    await world.client.click(p["chair"], "Очное")
    await world.client.send(p["chair"], "ул. Тверская, д. 1")
    await world.client.send(p["chair"], "05.02.2027 15:00")
    await world.client.click(p["chair"], "Подтвердить")
    async with world.app.db.session() as s:
        titles = list(await s.scalars(select(AgendaItem.title)))
    assert titles == ["Рассмотрение ежеквартальной сводной информации за IV квартал 2026 г."]
    await world.client.send(p["chair"], "/agenda")
    card = world.client.last_text(p["chair"])
    assert "Рассмотрение ежеквартальной сводной информации за IV квартал 2026 г." in card
    # Nothing is accepted after the close.
    await world.client.send(p["c"], "/report")
    assert "Не представлено; период закрыт." in world.client.last_text(p["c"])
    assert "Представить" not in str(world.client.buttons(world.client.last_message(p["c"])))


async def test_cl4g_reports_card_shows_where_each_unit_stands(world: World) -> None:
    p = await _group(world)
    await world.client.send(p["clerk"], "/reports")
    assert "Отчётных периодов пока не было" in world.client.last_text(p["clerk"])
    await _at(world, OPENS)
    await _submit_text(world, p["a"], "Сведения отдела А.")
    await world.client.send(p["clerk"], "/reports")
    card = world.client.last_text(p["clerk"])
    assert "Отчётный период: IV квартал 2026 г." in card
    assert "✅ Отдел А — в срок" in card and "❌ Отдел Б — не представлено" in card
    await world.client.click(p["clerk"], "Открыть: Отдел А")
    assert "Сведения отдела А." in world.client.last_text(p["clerk"])
    await world.client.click(p["clerk"], "◀ К отчётному периоду")
    await world.client.click(p["clerk"], "Сводная информация (DOCX)")
    assert isinstance(world.session.requests[-1], SendDocument)


# --- bad input: each refused with a reason, nothing changes ------------------------------


async def _submissions(world: World) -> int:
    async with world.app.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(ReportSubmission)) or 0)


async def test_cl4g_a_representative_cannot_submit_for_another_unit(world: World) -> None:
    p = await _group(world)
    await _at(world, OPENS)
    card = world.client.last_message(p["a"])
    forged = ReportCb(action="submit", cycle=1, unit=2).pack()  # Отдел Б's
    await world.client.click_data(p["a"], card, forged)
    assert world.client.alerts(p["a"])[-1] == (
        "Сведения представляет и видит только своё подразделение."
    )
    await world.client.click_data(p["a"], card, ReportCb(action="unit", cycle=1, unit=2).pack())
    assert world.client.alerts(p["a"])[-1].startswith("Сведения представляет и видит")
    assert await _submissions(world) == 0


async def test_cl4g_empty_too_long_wrong_type_and_too_large_are_refused(world: World) -> None:
    p = await _group(world)
    await _at(world, OPENS)
    c = world.client
    await c.click(p["a"], "Представить сведения")
    await c.send(p["a"], "   ")
    assert c.last_text(p["a"]).startswith("Сведения пустые: нужен текст или файл.")
    await c.send(p["a"], "я" * 3501)
    assert c.last_text(p["a"]).startswith("Текст длиннее 3500 символов.")
    await c.send_document(p["a"], file_name="setup.exe", mime_type="application/octet-stream")
    assert any("«setup.exe» не принимается" in x for x in c.texts(p["a"])[-2:])
    await c.send_document(p["a"], file_name="Отчёт.pdf", file_size=21 * 1024 * 1024)
    assert any("«Отчёт.pdf» больше 20 МБ" in x for x in c.texts(p["a"])[-2:])
    await c.send_document(p["a"], file_name="Отчёт.pdf", file_size=2 * 1024 * 1024)
    assert "сопроводительный текст" in c.last_text(p["a"])
    await c.click(p["a"], "Пропустить")
    assert "Проверьте сведения" in c.last_text(p["a"]) and "📎 Отчёт.pdf" in c.last_text(p["a"])
    await c.click(p["a"], "Отмена")
    assert await _submissions(world) == 0


async def test_cl4g_no_submission_to_a_closed_cycle(world: World) -> None:
    p = await _group(world)
    await _at(world, OPENS)
    await world.client.click(p["c"], "Представить сведения")
    await world.client.send(p["c"], "Почти успели.")
    await _at(world, CLOSES)
    await world.client.click(p["c"], "Пропустить")
    assert world.client.alerts(p["c"])[-1] == (
        "Отчётный период закрыт: сведения больше не принимаются."
    )
    assert await _submissions(world) == 0


async def test_cl4g_only_representatives_report_and_only_the_secretariat_sees_all(
    world: World,
) -> None:
    p = await _group(world)
    await world.client.send(p["m0"], "/report")
    assert "представитель структурного подразделения" in world.client.last_text(p["m0"])
    # A representative's /reports shows what concerns them: their unit's obligations.
    await world.client.send(p["a"], "/reports")
    assert "Сводная информация подразделения «Отдел А»" in world.client.last_text(p["a"])
    await _at(world, OPENS)
    await world.client.click_data(
        p["m0"], world.client.last_message(p["m0"]), ReportCb(action="cycle", cycle=1).pack()
    )
    assert world.client.alerts(p["m0"])[-1] == "У вас нет прав на это действие."
    async with world.app.db.session() as s:
        events = list(await s.scalars(select(AuditEntry.action)))
    assert "report_cycle_opened" in events


async def test_cl4g_a_bot_started_late_opens_the_cycle_at_once_but_not_after_its_deadline(
    world: World,
) -> None:
    p = await _group(world)
    await _at(world, datetime(2027, 1, 5, 9, 0, tzinfo=UTC))  # first planning: 5 days left
    assert "Осталось 5 дней." in world.client.last_text(p["a"])


async def test_cl4g_a_bot_started_after_the_deadline_does_not_chase_that_quarter(
    world: World,
) -> None:
    p = await _group(world)
    await _at(world, AFTER_DEADLINE)  # first planning after 10 January
    assert not any("Открыт отчётный период" in x for x in world.client.texts(p["a"]))
    await world.client.send(p["clerk"], "/reports")
    assert "Отчётных периодов пока не было" in world.client.last_text(p["clerk"])


async def test_cl4g_a_forged_cycle_or_unit_is_refused_as_stale(world: World) -> None:
    p = await _group(world)
    await _at(world, OPENS)
    card = world.client.last_message(p["clerk"])
    c = world.client
    for data in (
        ReportCb(action="cycle", cycle=99).pack(),
        ReportCb(action="unit", cycle=1, unit=99).pack(),
        ReportCb(action="docx", cycle=99).pack(),
        "rp:cycle:abc",
    ):
        await c.click_data(p["clerk"], card, data)
        assert c.alerts(p["clerk"])[-1] == STALE, data
    assert await _submissions(world) == 0
