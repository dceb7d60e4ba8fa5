"""Meetings of expert groups and project committees (cl. 10) at the dispatcher level: the
same rules as the working group's (cl. 11-15) over the subgroup's own members."""

from __future__ import annotations

from aiogram.methods import SendDocument
from sqlalchemy import func, select

from storage.models import Attendance, Meeting
from tests.conftest import World
from tests.support.steps.protocols import sign_protocol, write_protocol_item
from tests.support.steps.subgroup_meetings import (
    COMMITTEE,
    TITLE,
    committee,
    open_committee_meeting,
    record_and_close,
    schedule_committee_meeting,
)
from tests.support.steps.meetings import open_meeting_with, schedule_meeting

HEADING = f"Проектный комитет «{COMMITTEE}»"


async def _count(world: World, model: type) -> int:
    async with world.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_cl10_a_committee_meeting_from_scheduling_to_a_signed_and_distributed_protocol(
    world: World,
) -> None:
    """cl. 10-15: the head sets the committee's meeting; its members, its specialist and the
    secretariat are invited, nobody else; quorum is over the committee's three members; the
    head presides and signs; the signed protocol goes to the committee and the secretariat."""
    p = await committee(world)
    c = world.client
    await schedule_committee_meeting(world, p["m0"])
    for key in ("m1", "specialist", "clerk"):
        invitation = c.last_text(p[key])
        assert HEADING in invitation, key
        assert TITLE in invitation
    for key in ("m2", "deputy", "chair"):
        assert all(TITLE not in text for text in c.texts(p[key])), key

    # The head keeps the agenda (cl. 13) as the chair does the working group's.
    await c.send(p["m0"], "/meetings")
    await c.click(p["m0"], f"Открыть: {TITLE}")
    assert HEADING in c.last_text(p["m0"])
    await c.send(p["m0"], "/agenda")
    assert HEADING in c.last_text(p["m0"])
    await c.click(p["m0"], "Добавить вопрос")
    await c.send(p["m0"], "О концепции цифровых сервисов; Член 0")
    await c.click(p["m0"], "Пропустить")
    await c.click(p["m0"], "Готово")
    await c.click(p["m0"], "Утвердить повестку дня")
    await world.deliver()
    assert "О концепции цифровых сервисов" in c.last_text(p["specialist"])

    await open_committee_meeting(world, p["clerk"])
    live = c.last_text(p["clerk"])
    assert HEADING in live
    assert "Присутствует 0 из 3 членов группы" in live
    await c.click(p["m0"], "Отметиться")
    await c.click(p["specialist"], "Отметиться")
    await world.deliver()
    live = c.last_text(p["clerk"])
    assert "Присутствует 2 из 3 членов группы" in live, live
    assert "✅ Кворум имеется" in live
    assert "Председательствующий: Член 0 (руководитель группы)" in live

    await record_and_close(world, p["clerk"])
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Протокол")
    card = c.last_text(p["clerk"])
    assert HEADING in card and "Протокол № 1/2026" in card, card
    await write_protocol_item(world, p["clerk"], 1, "Одобрить концепцию цифровых сервисов.")
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    for key in ("m0", "specialist"):
        await c.click(p[key], "Подтверждаю устное согласие")
        await world.deliver()
        await c.click(p[key], "Очно")
    # Consent is asked of those present only: the absent member of the committee is not asked.
    assert all("Подтверждаю" not in t for t in c.texts(p["m1"]))

    await c.send(p["m0"], "/protocols")
    await c.click(p["m0"], "Протокол № 1/2026")
    await sign_protocol(world, p["m0"])
    assert "Статус: ✅ подписан" in c.last_text(p["m0"])
    await world.deliver()
    signed = [
        r
        for r in world.session.requests
        if isinstance(r, SendDocument) and "Подписан протокол № 1/2026" in (r.caption or "")
    ]
    expected = {p[k].id for k in ("m0", "m1", "specialist", "clerk")}
    assert {int(r.chat_id) for r in signed} == expected
