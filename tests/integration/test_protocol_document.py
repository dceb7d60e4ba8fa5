"""The protocol's DOCX as the bot fills it in from a held meeting (issue #16): the heading
with the body's name and the group in the genitive, and «Секретарь» only for the
secretariat officer who attended the meeting."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from docx import Document

from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import working_group
from tests.support.steps.protocols import held_meeting, open_protocol, write_protocol_item

TITLE = "Заседание по клиентоцентричности"


async def _draft_lines(world: World, clerk: FakeUser) -> list[str]:
    await open_protocol(world, clerk)
    await write_protocol_item(world, clerk, 1, "Принять к сведению.")
    before = len(world.session.requests)
    await world.client.click(clerk, "Скачать DOCX")
    sent = next(
        r
        for r in world.session.requests[before:]
        if isinstance(r, SendDocument) and r.chat_id == clerk.id
    )
    assert isinstance(sent.document, BufferedInputFile)
    return [p.text for p in Document(io.BytesIO(sent.document.data)).paragraphs]


async def test_cl14_heading_names_the_body_and_the_group_in_the_genitive(world: World) -> None:
    """Cl. 14: ПРОТОКОЛ, then «заседания рабочей группы по вопросам внедрения принципов
    клиентоцентричности» (the group's stored name is nominative), the day it was held in
    words; the secretariat officer who opened and closed the meeting is the secretary."""
    p = await held_meeting(world)
    lines = await _draft_lines(world, p["clerk"])
    assert lines[0] == world.app.settings.body_name
    assert lines[1:4] == [
        "ПРОТОКОЛ",
        "заседания рабочей группы по вопросам внедрения принципов клиентоцентричности",
        "5 декабря 2026 г.\t№ 1/2026",
    ]
    assert lines[6].startswith("Председательствующий — Заместитель")
    assert lines[7:9] == ["Секретарь — Секретарь Сергей", "Присутствовали:"]
    # The officer is not a member: not among those present, not in the quorum.
    present = lines[9 : lines.index("Повестка дня:")]
    assert not any("Секретарь Сергей" in line for line in present)
    assert "Присутствовали 3 из 5 членов рабочей группы. Кворум имеется." in present


async def test_cl14_no_secretary_line_when_no_secretariat_officer_was_there(
    world: World,
) -> None:
    """The deputy opened and closed the meeting and no secretariat officer checked in:
    the protocol names no «Секретарь», not even the officer who attached the recording and
    writes the protocol afterwards."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "О стандарте обслуживания")
    await c.click(p["chair"], "Готово")
    await c.click(p["chair"], "Утвердить повестку дня")
    await world.deliver()
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    deputy = p["deputy"]
    await c.send(deputy, "/meetings")
    await c.click(deputy, f"Открыть: {TITLE}")
    await c.click(deputy, "Открыть заседание")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await c.click(p[key], "Отметиться")
    # Only the secretariat attaches the recording; that alone, done from anywhere, does
    # not make the officer present.
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Прикрепить аудиозапись")
    await c.send_audio(p["clerk"], file_name="rec.mp3", content=b"mp3", file_size=3)
    await c.send(deputy, "/meetings")
    await c.click(deputy, f"Открыть: {TITLE}")
    await c.click(deputy, "Закрыть заседание")
    world.clock.set(datetime(2026, 12, 5, 14, 0, tzinfo=UTC))

    lines = await _draft_lines(world, p["clerk"])
    assert lines[6].startswith("Председательствующий — Заместитель")
    assert lines[7] == "Присутствовали:"
    assert not any(line.startswith("Секретарь") for line in lines)
