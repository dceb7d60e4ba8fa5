"""A quarter's reporting over HTTP (cl. 4 г), with the clock moved: three units get their
deadline, one submits early, one late, one never; reminders and the escalation arrive at
their moments and not twice over a restart; the summary DOCX is right; the review is on
the next meeting's agenda."""

from __future__ import annotations

import asyncio
import io
import re
from datetime import UTC, datetime

import docx

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_api import Call, FakeTelegram, FakeUser
from tests.support.steps.conversations import (
    click_and_see,
    invite_and_join,
    schedule_meeting,
    sent_after,
)

OPENS = datetime(2026, 12, 27, 7, 0, 1, tzinfo=UTC)  # 10:00 МСК, 14 days before 10.01
EARLY = datetime(2026, 12, 28, 9, 0, tzinfo=UTC)
SEVEN_BEFORE = datetime(2027, 1, 3, 7, 0, 1, tzinfo=UTC)
ONE_BEFORE = datetime(2027, 1, 9, 7, 0, 1, tzinfo=UTC)
LATE = datetime(2027, 1, 11, 9, 0, tzinfo=UTC)
OVERDUE_3 = datetime(2027, 1, 13, 7, 0, 1, tzinfo=UTC)
CLOSES = datetime(2027, 1, 24, 21, 0, 1, tzinfo=UTC)  # 25.01 00:00 МСК
UNITS = ("Отдел А", "Отдел Б", "Отдел В")


async def _unit(tg: FakeTelegram, admin: FakeUser, name: str) -> None:
    await tg.send_text(admin, "/units")
    card = await tg.wait_message(admin.id, "подразделения")
    await click_and_see(
        tg,
        admin,
        (admin.id, card.result["message_id"]),
        "Добавить подразделение",
        "название подразделения",
    )
    await tg.send_text(admin, name)
    await tg.wait_message(admin.id, name)


async def _representative(
    tg: FakeTelegram, admin: FakeUser, user: FakeUser, unit: str, name: str
) -> None:
    await tg.send_text(admin, "/invite")
    card = await tg.wait_message(admin.id, "Приглашения в состав")
    ref = (admin.id, card.result["message_id"])
    await click_and_see(tg, admin, ref, "Новое приглашение", "Выберите роль")
    await click_and_see(tg, admin, ref, "представитель структурного подразделения", "подразделение")
    await click_and_see(tg, admin, ref, unit, "Введите ФИО")
    await tg.send_text(admin, name)
    created = await tg.wait_message(admin.id, "Приглашение создано")
    link = re.search(r"start=(inv_[A-Za-z0-9_-]+)", created.text or "")
    assert link, created.text
    await tg.send_text(user, f"/start {link.group(1)}")
    await tg.wait_message(user.id, "Здравствуйте")


def _texts(tg: FakeTelegram, chat_id: int, contains: str) -> list[str]:
    return [
        c.text or ""
        for c in tg.calls
        if c.ok
        and c.chat_id == chat_id
        and c.method in ("sendMessage", "sendDocument")
        and contains in (c.text or "")
    ]


async def _submit(
    tg: FakeTelegram, rep: FakeUser, notice: Call, text: str, file: str | None
) -> Call:
    ref = (rep.id, notice.result["message_id"])
    start = tg.mark()
    await tg.click_button(rep, ref, "Представить сведения")
    asked = await sent_after(tg, start, rep.id, "Отправьте текст сводной информации")
    if file is not None:
        start = tg.mark()
        await tg.send_document(
            rep, "document-report-a", file, "application/pdf", 2048, b"%PDF-1.4 report"
        )
        skip = await sent_after(tg, start, rep.id, "сопроводительный текст")
    else:
        start = tg.mark()
        await tg.send_text(rep, text)
        skip = await sent_after(tg, start, rep.id, "Приложите файл")
    if file is not None:
        start = tg.mark()
        await tg.send_text(rep, text)
    else:
        start = tg.mark()
        await tg.click_button(rep, (rep.id, skip.result["message_id"]), "Пропустить")
    check = await sent_after(tg, start, rep.id, "Проверьте сведения")
    assert asked is not None
    start = tg.mark()
    await tg.click_button(rep, (rep.id, check.result["message_id"]), "Подтвердить")
    return await sent_after(tg, start, rep.id, "Сведения приняты")


async def test_a_quarter_of_reporting_over_http(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    clerk, chair = tg.user(9201, "Clerk"), tg.user(9202, "Chair")
    reps = {unit: tg.user(9210 + i, f"Rep{i}") for i, unit in enumerate(UNITS)}
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    for unit in UNITS:
        await _unit(tg, admin, unit)
    names = {"Отдел А": "Анна Арсеньева", "Отдел Б": "Борис Бобров", "Отдел В": "Вера Власова"}
    for unit, rep in reps.items():
        await _representative(tg, admin, rep, unit, names[unit])
    a, b, c = (reps[u] for u in UNITS)

    # The quarter nears its end: the cycle opens and each unit hears its deadline.
    start = tg.mark()
    running.clock.set(OPENS)
    notices = {}
    for unit, rep in reps.items():
        notice = await sent_after(tg, start, rep.id, "Открыт отчётный период")
        assert f"Подразделение: {unit}" in (notice.text or "")
        assert "до 10 января 2027 г. включительно. Осталось 14 дней." in (notice.text or "")
        notices[unit] = notice
    await sent_after(tg, start, clerk.id, "Сведения представляют 3 подразделения")

    # Отдел А submits early, a file with a covering text.
    running.clock.set(EARLY)
    await _submit(tg, a, notices["Отдел А"], "Проведено обучение 40 сотрудников.", "Отчёт А.pdf")

    # Seven days before: only the two units that have not submitted are reminded.
    start = tg.mark()
    running.clock.set(SEVEN_BEFORE)
    await sent_after(tg, start, b.id, "Осталось 7 дней.")
    await sent_after(tg, start, c.id, "Осталось 7 дней.")
    await asyncio.sleep(1.5)  # several ticks: nothing for Отдел А
    assert not _texts(tg, a.id, "Напоминание")

    # The bot restarts in the middle of the cycle; what was sent is not sent again.
    await running.shutdown()
    again = await start_bot(tg, running.settings, running.clock)
    try:
        start = tg.mark()
        running.clock.set(ONE_BEFORE)
        await sent_after(tg, start, b.id, "Осталось 1 день.")
        await sent_after(tg, start, c.id, "Осталось 1 день.")
        await asyncio.sleep(1.5)
        for rep in (b, c):
            assert len(_texts(tg, rep.id, "Осталось 7 дней.")) == 1
            assert len(_texts(tg, rep.id, "Осталось 1 день.")) == 1
            assert len(_texts(tg, rep.id, "Открыт отчётный период")) == 1

        # Отдел Б submits the day after the deadline: accepted, marked late.
        running.clock.set(LATE)
        done = await _submit(tg, b, notices["Отдел Б"], "Обновлён регламент.", None)
        assert "с опозданием" in (done.text or "")

        # Three days overdue: Отдел В is reminded, the secretariat gets the escalation.
        start = tg.mark()
        running.clock.set(OVERDUE_3)
        overdue = await sent_after(tg, start, c.id, "Срок представления сводной информации истёк")
        assert "Просрочка — 3 дня." in (overdue.text or "")
        escalation = await sent_after(tg, start, clerk.id, "представлена не всеми")
        assert "❌ Отдел В" in (escalation.text or "")
        assert "Отдел А" not in (escalation.text or "")
        assert "Отдел Б" not in (escalation.text or "")

        # The cycle closes: the summary as a message and a DOCX.
        start = tg.mark()
        running.clock.set(CLOSES)
        summary = await sent_after(tg, start, clerk.id, "Итоги отчётного периода")
        text = summary.text or ""
        assert "✅ Отдел А — в срок, 28 декабря 2026 г., Анна Арсеньева" in text
        assert "⚠️ Отдел Б — с опозданием, 11 января 2027 г., Борис Бобров" in text
        assert "❌ Отдел В — не представлено" in text
        await sent_after(tg, start, clerk.id, "Сводная информация за IV квартал 2026 г.")
        upload = next(
            call.files["document"]
            for call in tg.calls_since(start)
            if call.method == "sendDocument" and "document" in call.files
        )
        assert upload[0] == "Сводная информация за IV квартал 2026 г.docx"
        document = docx.Document(io.BytesIO(upload[1]))
        rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
        assert rows[1][1:3] == ["Отдел А", "представлена в срок"]
        assert rows[2][1:3] == ["Отдел Б", "представлена с опозданием"]
        assert rows[3][1:3] == ["Отдел В", "не представлена"]
        body = "\n".join(p.text for p in document.paragraphs)
        assert "Приложение: Отчёт А.pdf" in body and "Обновлён регламент." in body

        # The next meeting's draft agenda carries the review.
        await schedule_meeting(
            tg, chair, "Февральское заседание", "ул. Тверская, д. 1", "05.02.2027 15:00"
        )
        start = tg.mark()
        await tg.send_text(chair, "/agenda")
        agenda = await sent_after(tg, start, chair.id, "Повестка")
        assert "Рассмотрение ежеквартальной сводной информации за IV квартал 2026 г." in (
            agenda.text or ""
        )
    finally:
        await again.shutdown()
