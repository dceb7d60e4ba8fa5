"""The dashboard and the annual report at the dispatcher level (issue #18 items 5, 6).

`/dashboard` sends the charts as PNG photos in order (five, or four and one line when no
indicator is set); a member may not and nothing is sent. `/annual` asks for the year and sends
the DOCX, which reads back with its sections, the introduction the secretariat wrote and the
figures of the seeded year (tests/support/steps/insight.py); a year typed wrong is refused.
The frozen clock stands at 1 December 2026."""

from __future__ import annotations

import struct

from aiogram.methods import SendDocument, SendPhoto
from aiogram.types import BufferedInputFile
from sqlalchemy import select

from bot.domain.insight import ANNUAL_INTRO
from storage.models import AnnualIntro, AuditEntry
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.docx_reading import blocks, open_docx
from tests.support.steps.insight import add_indicator_with_value, seeded_group

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """The IHDR's width and height of a valid PNG (the signature, then IHDR first)."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


def photos(world: World, user: FakeUser, start: int = 0) -> list[SendPhoto]:
    return [m for m in world.client.sent_to(user)[start:] if isinstance(m, SendPhoto)]


def documents(world: World, user: FakeUser, start: int = 0) -> list[SendDocument]:
    return [m for m in world.client.sent_to(user)[start:] if isinstance(m, SendDocument)]


def content(method: SendPhoto | SendDocument) -> bytes:
    value = method.photo if isinstance(method, SendPhoto) else method.document
    assert isinstance(value, BufferedInputFile)
    return value.data


async def test_issue_18_item_5_dashboard_sends_four_charts_and_says_there_are_no_indicators(
    world: World,
) -> None:
    people = await seeded_group(world)
    chair = people["chair"]
    await world.client.send(chair, "/dashboard")
    sent = photos(world, chair)
    assert len(sent) == 4
    captions = [m.caption or "" for m in sent]
    assert captions[0].startswith("1/4. Ежемесячные заседания (п. 12 Положения)")
    assert "январь 2026 г. — декабрь 2026 г." in captions[0]
    assert captions[1].startswith("2/4. Участие членов рабочей группы в заседаниях")
    assert captions[2].startswith("3/4. Представление ежеквартальной информации")
    assert captions[3].startswith("4/4. Исполнение поручений")
    for method in sent:
        width, height = png_size(content(method))
        # Readable on a phone: about 1080 px wide, portrait.
        assert 1000 <= width <= 1200 and height >= width
    assert world.client.last_text(chair) == (
        "Показатели эффективности не установлены, поэтому график по ним не сформирован."
    )


async def test_issue_18_item_5_dashboard_sends_five_with_indicators(world: World) -> None:
    people = await seeded_group(world)
    await add_indicator_with_value(world)
    deputy = people["deputy"]
    await world.client.send(deputy, "/dashboard")
    sent = photos(world, deputy)
    assert len(sent) == 5
    assert (sent[4].caption or "").startswith("5/5. Показатели эффективности")
    assert all(png_size(content(m))[0] >= 1000 for m in sent)


async def test_issue_18_dashboard_in_english_for_an_english_reader(world: World) -> None:
    people = await seeded_group(world)
    clerk = people["clerk"]
    await world.client.send(clerk, "/language")
    await world.client.click(clerk, "English")
    start = len(world.client.sent_to(clerk))
    await world.client.send(clerk, "/dashboard")
    captions = [m.caption or "" for m in photos(world, clerk, start)]
    assert captions[0].startswith("1/4. Monthly meetings (cl. 12), January 2026 – December 2026")


async def test_issue_18_bad_input_a_member_is_refused_the_dashboard_and_nothing_is_sent(
    world: World,
) -> None:
    people = await seeded_group(world)
    member = people["m0"]
    await world.client.send(member, "/dashboard")
    assert photos(world, member) == []
    assert "председател" in world.client.last_text(member)
    await world.client.send(member, "/annual 2026")
    assert documents(world, member) == []


async def test_issue_18_item_6_annual_report_reads_back_with_its_sections(world: World) -> None:
    people = await seeded_group(world)
    c = world.client
    clerk = people["clerk"]
    await c.send(clerk, "/annual")
    assert "Годовой отчёт о работе рабочей группы" in c.last_text(clerk)
    await c.click(clerk, "Изменить введение (2026 год)")
    assert "Введение пока не подготовлено." in c.last_text(clerk)
    intro = "В 2026 году рабочая группа провела заседания и рассмотрела обращения."
    await c.send(clerk, intro)
    assert c.last_text(clerk) == "Введение к отчёту за 2026 год сохранено."
    await c.click(clerk, "Отчёт за 2026 год")
    sent = documents(world, clerk)
    assert len(sent) == 1
    document = sent[0].document
    assert isinstance(document, BufferedInputFile)
    assert document.filename == "Отчёт о работе рабочей группы за 2026 год.docx"
    text = blocks(open_docx(document.data))
    assert text[1:3] == [
        "ОТЧЁТ",
        "о работе рабочей группы по вопросам клиентоцентричности за 2026 год",
    ]
    for heading in (
        "1. Введение",
        "2. Заседания рабочей группы",
        "3. Участие членов рабочей группы в заседаниях",
        "4. Решения и поручения, их исполнение",
        "5. Представление ежеквартальной сводной информации",
        "6. Ход реализации мероприятий и проектов",
        "7. Показатели эффективности",
    ):
        assert heading in text
    assert intro in text
    assert "Январь | 1 | выполнено" in text
    assert "Февраль | 0 | не выполнено" in text
    assert "Март | 1 | выполнено" in text
    assert "Декабрь | 0 | месяц не завершён" in text
    assert (
        "Проведено заседаний: 5; подписано протоколов: 1. Требование о проведении заседания "
        "не реже одного раза в месяц (п. 12 Положения) выполнено в 4 мес., не выполнено в 7 мес."
    ) in text
    assert "Председатель Пётр | 5 | 3 | 1 | 1" in text
    assert "Правовой отдел | 1 | 1 | 1" in text
    assert any(
        "исполнено в срок: 2, исполнено с нарушением срока: 1, просрочено: 1" in line
        for line in text
    )
    assert (
        "Протокол № 3/2026, п. 4 | Обновить раздел сайта (Отдел обращений граждан) | "
        "30 июня 2026 г. | исполнено с нарушением срока"
    ) in text
    assert (
        "Статус | План мероприятий | Перечень первоочередных мероприятий | Приоритетные проекты"
    ) in text
    assert "Просрочено | 1 | 0 | 0" in text
    assert "В работе | 0 | 1 | 1" in text
    assert "Всего | 3 | 1 | 1" in text
    assert "Показатели эффективности не установлены." in text

    async with world.db.session() as s:
        stored = (await s.scalars(select(AnnualIntro))).all()
        audit = (
            await s.scalars(select(AuditEntry).where(AuditEntry.action == "annual_intro_saved"))
        ).all()
    assert [(x.year, x.text) for x in stored] == [(2026, intro)]
    assert len(audit) == 1 and audit[0].details["length"] == len(intro)


async def test_issue_18_item_6_chair_gets_the_report_but_may_not_edit_the_introduction(
    world: World,
) -> None:
    people = await seeded_group(world)
    c = world.client
    chair = people["chair"]
    await c.send(chair, "/annual")
    labels = [label for row in c.buttons(c.last_message(chair)) for label, _ in row]
    assert labels == ["Отчёт за 2026 год", "Отчёт за 2025 год"]
    await c.click(chair, "Отчёт за 2025 год")
    sent = documents(world, chair)
    assert len(sent) == 1
    text = blocks(open_docx(content(sent[0])))
    assert "Введение секретариатом не подготовлено." in text
    assert "Заседания в отчётном году не проводились." in text


async def test_issue_18_bad_input_a_year_typed_wrong_is_refused(world: World) -> None:
    people = await seeded_group(world)
    c = world.client
    clerk = people["clerk"]
    await c.send(clerk, "/annual 20x6")
    assert c.last_text(clerk) == "Год указывается четырьмя цифрами, например: /annual 2025"
    await c.send(clerk, "/annual 2027")
    assert c.last_text(clerk) == "Отчёт за год, который ещё не наступил, не формируется."
    await c.send(clerk, "/annual 1026")
    assert "сформировать нельзя" in c.last_text(clerk)
    assert documents(world, clerk) == []
    await c.send(clerk, "/annual 2025")
    assert len(documents(world, clerk)) == 1


async def test_issue_18_bad_input_an_introduction_too_long_is_refused_and_nothing_kept(
    world: World,
) -> None:
    people = await seeded_group(world)
    c = world.client
    clerk = people["clerk"]
    await c.send(clerk, "/annual")
    await c.click(clerk, "Изменить введение (2026 год)")
    await c.send(clerk, "а" * (ANNUAL_INTRO.max_length + 1))
    assert f"не более {ANNUAL_INTRO.max_length}" in c.last_text(clerk)
    async with world.db.session() as s:
        assert (await s.scalars(select(AnnualIntro))).all() == []
    # The dialog is still open: a text within the limit is taken.
    await c.send(clerk, "Краткое введение.")
    assert c.last_text(clerk) == "Введение к отчёту за 2026 год сохранено."
