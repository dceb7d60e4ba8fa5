"""Effectiveness indicators at the dispatcher level (cl. 3 в, 4 ж): the secretariat sets a
priority project's indicator; the representative of the unit responsible for the project is
asked for its value after each quarterly report; the card shows the latest value against the
target with its status; bad input is refused with the reason and changes nothing.

The frozen clock starts on 1 December 2026; the fourth quarter's cycle opens on 27 December,
the first quarter's of 2027 on 27 March 2027.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import docx
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy import func, select

from bot.callbacks import KpiCb, ReportCb
from storage.models import AuditEntry, Kpi, KpiValue
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.indicators import (
    KPI,
    PROJECT,
    add_indicator,
    add_project,
    answer_value,
    open_project,
)
from tests.support.steps.onboarding import add_unit, create_invite, join, joined_person

REP = "представитель структурного подразделения"
Q4_OPENS = datetime(2026, 12, 27, 7, 0, tzinfo=UTC)
Q1_OPENS = datetime(2027, 3, 27, 7, 0, tzinfo=UTC)
Q4_CLOSES = datetime(2027, 1, 24, 21, 0, tzinfo=UTC)
NOT_A_NUMBER = "Значение должно быть числом.\n\nВведите число, например 12,5"


async def _group(world: World) -> dict[str, FakeUser]:
    admin = world.admin()
    for unit in ("Отдел А", "Отдел Б"):
        await add_unit(world, admin, unit)
    people = {
        "clerk": await joined_person(world, 9103, "сотрудник секретариата", "Секретарь Сергей"),
        "member": await joined_person(world, 9110, "член рабочей группы", "Член Мария"),
    }
    for key, uid, unit, name in (
        ("a", 9201, "Отдел А", "Анна Арсеньева"),
        ("b", 9202, "Отдел Б", "Борис Бобров"),
    ):
        user = world.client.user(uid, name, language_code="ru")
        await join(world, user, await create_invite(world, admin, REP, unit_button=unit, name=name))
        people[key] = user
    await add_project(world, people["clerk"], unit="Отдел А")
    return people


async def _counts(world: World) -> tuple[int, int, int]:
    async with world.db.session() as s:
        kpis = int(await s.scalar(select(func.count()).select_from(Kpi)) or 0)
        values = int(await s.scalar(select(func.count()).select_from(KpiValue)) or 0)
        audit = int(await s.scalar(select(func.count()).select_from(AuditEntry)) or 0)
    return kpis, values, audit


async def _submit_report(world: World, user: FakeUser, text: str) -> None:
    c = world.client
    await c.send(user, "/report")
    await c.click(user, next(b for row in c.buttons(c.last_message(user)) for b, _ in row))
    await c.send(user, text)
    await c.click(user, "Пропустить")
    await c.click(user, "Подтвердить")


async def _at(world: World, moment: datetime) -> None:
    world.clock.set(moment)
    await world.run_jobs()


async def test_cl3v_the_secretariat_adds_an_indicator_to_a_project_and_the_card_shows_it(
    world: World,
) -> None:
    p = await _group(world)
    card = await add_indicator(world, p["clerk"])
    assert "Показатель эффективности добавлен" in world.client.texts(p["clerk"])[-2]
    assert f"<b>{KPI}</b>" in card
    assert f"Приоритетный проект: «{PROJECT}»" in card
    assert "Базовое значение: 70 (на 1 декабря 2026 г.)" in card
    assert "Целевое значение: 90 к 31 декабря 2027 г." in card
    assert "Статус: значения ещё не внесены" in card
    project = await open_project(world, p["member"])
    assert "<b>Показатели эффективности</b>" in project
    assert (
        f"1. {KPI}, %: базовое значение 70 — цель 90 к 31 декабря 2027 г.; значения ещё не внесены"
    ) in project
    async with world.db.session() as s:
        (kpi,) = (await s.scalars(select(Kpi))).all()
        actions = list(
            await s.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "kpi"))
        )
    assert (kpi.baseline, kpi.target, kpi.target_on) == (70, 90, date(2027, 12, 31))
    assert actions == ["kpi_added"]


async def test_cl3v_the_plan_as_a_whole_carries_indicators_too(world: World) -> None:
    p = await _group(world)
    await add_indicator(
        world,
        p["clerk"],
        name="Удовлетворённость",
        measure="баллов",
        baseline="3,5",
        target="4,5",
        project=None,
    )
    await world.client.send(p["member"], "/plan")
    plan = world.client.last_text(p["member"])
    assert "<b>Показатели эффективности</b>" in plan
    assert "1. Удовлетворённость, баллов: базовое значение 3,5 — цель 4,5" in plan


async def test_cl3v_cl4g_two_quarterly_values_via_the_reporting_flow_and_the_status(
    world: World,
) -> None:
    """The unit responsible for the project is asked after each quarterly report; the unit
    that is not responsible is not. The card shows the latest value against the target."""
    p = await _group(world)
    await add_indicator(world, p["clerk"])
    c = world.client

    await _at(world, Q4_OPENS)
    await _submit_report(world, p["a"], "Сведения за IV квартал.")
    asked = c.last_text(p["a"])
    assert "Показатели эффективности проектов подразделения</b> — 1 из 1" in asked
    assert f"Внесите значение показателя «{KPI}» (%)" in asked
    assert f"Приоритетный проект: «{PROJECT}»." in asked
    assert "Введите число, например 12,5" in asked
    await answer_value(world, p["a"], "75,5", measured_on="25.12.2026", source="Статистика")
    texts = c.texts(p["a"])
    assert f"Значение показателя «{KPI}, %» внесено: 75,5." in texts[-2]
    assert "✅ Сведения приняты" not in texts[-1]
    assert texts[-1] == "Значения показателей эффективности внесены. Благодарим."

    await _submit_report(world, p["b"], "Сведения отдела Б.")
    assert "Показатели эффективности" not in c.last_text(p["b"])

    await _at(world, Q1_OPENS)
    await _submit_report(world, p["a"], "Сведения за I квартал.")
    await answer_value(world, p["a"], "72")

    card = await open_project(world, p["member"])
    assert (
        f"1. {KPI}, %: 72 на 27 марта 2027 г. — цель 90 к 31 декабря 2027 г.; ⚠️ отставание от плана"
    ) in card
    await c.click(p["member"], f"📈 1. {KPI}")
    kpi_card = c.last_text(p["member"])
    assert "27 марта 2027 г.: 72; внесено: Анна Арсеньева, 27 марта 2027 г." in kpi_card
    assert "25 декабря 2026 г.: 75,5; внесено: Анна Арсеньева, 27 декабря 2026 г." in kpi_card
    assert "Источник: Статистика." in kpi_card
    assert "Внести значение" not in str(c.buttons(c.last_message(p["member"])))
    async with world.db.session() as s:
        values = (await s.execute(select(KpiValue.value, KpiValue.cycle_id))).all()
    assert sorted(v for v, _ in values) == [72, 75.5]
    assert all(cycle is not None for _, cycle in values)


async def test_cl3v_the_secretariat_enters_a_value_and_a_good_one_is_reached(
    world: World,
) -> None:
    p = await _group(world)
    await add_indicator(
        world, p["clerk"], name="Срок ответа", measure="дней", baseline="30", target="10"
    )
    c = world.client
    await c.click(p["clerk"], "Внести значение")
    await answer_value(world, p["clerk"], "9")
    assert "Статус: ✅ целевое значение достигнуто" in c.last_text(p["clerk"])
    assert "Чем меньше значение, тем лучше." in c.last_text(p["clerk"])


async def test_cl4g_the_summary_docx_includes_the_indicators_and_their_status(
    world: World,
) -> None:
    p = await _group(world)
    await add_indicator(world, p["clerk"])
    await _at(world, Q4_OPENS)
    await _submit_report(world, p["a"], "Сведения за IV квартал.")
    await answer_value(world, p["a"], "85")
    await _at(world, Q4_CLOSES)
    upload = next(
        m.document
        for m in world.session.requests
        if isinstance(m, SendDocument)
        and isinstance(m.document, BufferedInputFile)
        and (m.document.filename or "").startswith("Сводная информация")
    )
    assert isinstance(upload, BufferedInputFile)
    document = docx.Document(io.BytesIO(upload.data))
    body = "\n".join(par.text for par in document.paragraphs)
    assert "Показатели эффективности" in body
    rows = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
    assert rows[1][0] == f"Приоритетный проект «{PROJECT}»"
    assert rows[2] == [
        f"{KPI}, %",
        "70",
        "90 к 31 декабря 2027 г.",
        "85 на 27 декабря 2026 г.",
        "в соответствии с планом",
    ]


# --- refusals: the reason, and nothing changes -------------------------------------------


async def test_cl3v_a_value_that_is_not_a_number_is_refused_and_asked_again(
    world: World,
) -> None:
    p = await _group(world)
    await add_indicator(world, p["clerk"])
    c = world.client
    await c.click(p["clerk"], "Внести значение")
    before = await _counts(world)
    await c.send(p["clerk"], "восемьдесят")
    assert c.last_text(p["clerk"]) == NOT_A_NUMBER
    assert await _counts(world) == before
    # The dialog stays at its question: a number is taken, with the decimal comma.
    await answer_value(world, p["clerk"], "80,25")
    assert "80,25" in c.last_text(p["clerk"])


async def test_cl3v_a_value_measured_in_the_future_is_refused(world: World) -> None:
    p = await _group(world)
    await add_indicator(world, p["clerk"])
    c = world.client
    await c.click(p["clerk"], "Внести значение")
    await c.send(p["clerk"], "80")
    before = await _counts(world)
    await c.send(p["clerk"], "02.12.2026")
    assert c.last_text(p["clerk"]).startswith(
        "Дата измерения не может быть позже сегодняшнего дня."
    )
    assert await _counts(world) == before


async def test_cl3v_a_value_on_a_project_that_has_no_such_indicator_is_refused(
    world: World,
) -> None:
    """A forged button: the indicator of the Plan named as if it were the project's."""
    p = await _group(world)
    await add_indicator(world, p["clerk"], project=None, name="Удовлетворённость")
    async with world.db.session() as s:
        kpi_id = await s.scalar(select(Kpi.id))
    c = world.client
    await open_project(world, p["clerk"])
    before = await _counts(world)
    message = c.last_message(p["clerk"])
    forged = KpiCb(action="val", kpi=int(kpi_id or 0), entry=1).pack()
    await c.feed(c.callback_update(p["clerk"], message, forged))
    assert c.alerts(p["clerk"])[-1] == (
        "У этого проекта нет такого показателя. Откройте карточку проекта заново."
    )
    assert await _counts(world) == before
    await c.send(p["clerk"], "80")
    assert "внесено" not in c.last_text(p["clerk"])


async def test_cl3v_another_units_representative_may_not_enter_a_value(world: World) -> None:
    p = await _group(world)
    await add_indicator(world, p["clerk"])
    async with world.db.session() as s:
        kpi_id = int(await s.scalar(select(Kpi.id)) or 0)
    c = world.client
    await c.send(p["b"], "/projects")
    before = await _counts(world)
    forged = KpiCb(action="val", kpi=kpi_id, entry=1).pack()
    await c.feed(c.callback_update(p["b"], c.last_message(p["b"]), forged))
    assert "представитель подразделения, ответственного за проект" in c.alerts(p["b"])[-1]
    assert await _counts(world) == before


async def test_cl3v_only_the_secretariat_adds_indicators(world: World) -> None:
    p = await _group(world)
    c = world.client
    await c.send(p["member"], "/projects")
    before = await _counts(world)
    forged = KpiCb(action="add", entry=1).pack()
    await c.feed(c.callback_update(p["member"], c.last_message(p["member"]), forged))
    assert "секретариат" in c.alerts(p["member"])[-1]
    assert await _counts(world) == before


async def test_cl3v_a_target_equal_to_the_baseline_is_refused(world: World) -> None:
    p = await _group(world)
    c = world.client
    await open_project(world, p["clerk"])
    await c.click(p["clerk"], "Добавить показатель")
    for answer in (KPI, "%", "70"):
        await c.send(p["clerk"], answer)
    before = await _counts(world)
    await c.send(p["clerk"], "70")
    assert c.last_text(p["clerk"]).startswith("Целевое значение должно отличаться от базового.")
    assert await _counts(world) == before


async def test_cl3v_an_archived_indicator_leaves_the_card_and_keeps_its_values(
    world: World,
) -> None:
    p = await _group(world)
    await add_indicator(world, p["clerk"])
    c = world.client
    await c.click(p["clerk"], "Внести значение")
    await answer_value(world, p["clerk"], "80")
    await c.click(p["clerk"], "Перенести в архив")
    await c.click(p["clerk"], "Подтвердить")
    assert "Показатели пока не установлены." in c.last_text(p["clerk"])
    _, values, _ = await _counts(world)
    assert values == 1
    async with world.db.session() as s:
        actions = list(
            await s.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.object_type == "kpi")
                .order_by(AuditEntry.id)
            )
        )
    assert actions == ["kpi_added", "kpi_value_added", "kpi_archived"]


async def test_cl4g_report_buttons_still_answer(world: World) -> None:
    """The quarterly report's confirmation without indicators ends as before."""
    p = await _group(world)
    await _at(world, Q4_OPENS)
    await _submit_report(world, p["a"], "Сведения.")
    assert "✅ Сведения приняты" in world.client.last_text(p["a"])
    assert ReportCb(action="confirm").pack()


async def test_cl3v_the_secretariat_changes_the_target_and_a_past_date_is_refused(
    world: World,
) -> None:
    p = await _group(world)
    await add_indicator(world, p["clerk"])
    c = world.client
    await c.click(p["clerk"], "Изменить целевое значение")
    assert "(сейчас: 90)" in c.last_text(p["clerk"])
    await c.send(p["clerk"], "95")
    before = await _counts(world)
    await c.send(p["clerk"], "30.11.2026")
    assert c.last_text(p["clerk"]).startswith(
        "Дата достижения целевого значения должна быть позже сегодняшнего дня."
    )
    assert await _counts(world) == before
    await c.send(p["clerk"], "30.06.2028")
    card = c.last_text(p["clerk"])
    assert "Целевое значение: 95 к 30 июня 2028 г." in card
    async with world.db.session() as s:
        (kpi,) = (await s.scalars(select(Kpi))).all()
        last = await s.scalar(
            select(AuditEntry).where(AuditEntry.object_type == "kpi").order_by(AuditEntry.id.desc())
        )
    assert (kpi.target, kpi.target_on) == (95, date(2028, 6, 30))
    assert last is not None and last.action == "kpi_target_changed"
    assert last.details["target_before"] == 90


async def test_cl3v_the_responsible_units_representative_enters_a_value_from_the_card(
    world: World,
) -> None:
    p = await _group(world)
    await add_indicator(world, p["clerk"])
    c = world.client
    await open_project(world, p["a"])
    await c.click(p["a"], f"📈 1. {KPI}")
    await c.click(p["a"], "Внести значение")
    await answer_value(world, p["a"], "74", source="Мониторинг")
    card = c.last_text(p["a"])
    assert "Статус: ⏳ в соответствии с планом" in card
    assert "1 декабря 2026 г.: 74; внесено: Анна Арсеньева" in card
    assert "Источник: Мониторинг." in card
    async with world.db.session() as s:
        entered = (await s.execute(select(KpiValue.cycle_id, KpiValue.source))).one()
    assert tuple(entered) == (None, "Мониторинг")
