"""An outside specialist brought in for one meeting (cl. 16 в), built on the guests of a
meeting (cl. 16 а): invited in that capacity, joins by the personal link, checks in, never
counts for quorum (cl. 14), and the protocol names them as such; a forged capacity changes
nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from docx import Document
from sqlalchemy import func, select

from bot.services.actor import load_actor
from bot.services.errors import InvalidInput
from bot.wiring import Services
from storage.models import AuditEntry, Meeting, MeetingGuest
from tests.conftest import World
from tests.support.steps.guests import (
    GUEST_NAME,
    TITLE,
    invite_guest,
    make_outsider,
    open_guests_card,
)
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import working_group

SPECIALIST = "Сидорова Светлана Сергеевна, НИУ ВШЭ"


async def _guests(world: World) -> list[MeetingGuest]:
    async with world.db.session() as s:
        return list(await s.scalars(select(MeetingGuest).order_by(MeetingGuest.id)))


async def test_cl16v_a_specialist_invited_for_one_meeting_joins_checks_in_is_not_counted_and_is_named_in_the_protocol(  # noqa: E501
    world: World,
) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await world.deliver()

    # The secretariat invites a plain guest and a specialist: the link says the capacity.
    await invite_guest(world, p["clerk"])
    payload = await invite_guest(world, p["clerk"], SPECIALIST, capacity="specialist")
    created = c.last_text(p["clerk"]) or ""
    assert "Приглашается на заседание как привлечённый специалист." in created
    assert SPECIALIST in created
    rows = await _guests(world)
    assert [(r.full_name, r.capacity) for r in rows] == [
        (GUEST_NAME, "guest"),
        (SPECIALIST, "specialist"),
    ]
    async with world.db.session() as s:
        details = list(
            await s.scalars(
                select(AuditEntry.details)
                .where(AuditEntry.action == "guest_invited")
                .order_by(AuditEntry.id)
            )
        )
    assert [d["capacity"] for d in details] == ["guest", "specialist"]

    # The specialist opens the link: the card and the greeting say in what capacity.
    specialist = make_outsider(world, 7710)
    await c.send(specialist, f"/start {payload}")
    card = c.texts(specialist)[-2]  # then the .ics
    assert "Вы приглашены на заседание рабочей группы как привлечённый специалист" in card
    assert "как привлечённый специалист: в голосовании не участвуете и в кворуме" in card
    await c.send(specialist, "/start")
    assert f"{TITLE} — 5 декабря 2026 г., 15:00 (МСК) (как привлечённый специалист)" in (
        c.last_text(specialist) or ""
    )
    # The organisers' list marks them.
    await world.deliver()
    await open_guests_card(world, p["clerk"])
    listing = c.last_text(p["clerk"]) or ""
    assert f"✅ {SPECIALIST} (привлечённый специалист) — приглашение принято" in listing
    assert f"⏳ {GUEST_NAME} — ссылка ещё не открыта" in listing

    # The meeting opens; the specialist checks in first and is not counted (cl. 14, 16 в).
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "О стандарте обслуживания")
    await c.click(p["chair"], "Готово")
    await c.click(p["chair"], "Утвердить повестку дня")
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Открыть заседание")
    await world.deliver()
    await c.click(specialist, "Отметиться")
    assert c.callback_answers(specialist)[-1].text == (
        f"✅ Отмечено: вы присутствуете на заседании «{TITLE}» как привлечённый специалист."
    )
    await c.click(p["deputy"], "Отметиться")
    assert c.callback_answers(p["deputy"])[-1].text == "✅ Вы отмечены. Присутствует 1 из 5."
    for key in ("m0", "m1"):
        await c.click(p[key], "Отметиться")
    assert c.callback_answers(p["m1"])[-1].text == "✅ Вы отмечены. Присутствует 3 из 5."

    # The protocol: 3 of 5 present, the specialist under «Приглашённые» named as such.
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Прикрепить аудиозапись")
    await c.send_audio(p["clerk"], file_name="rec.mp3", content=b"mp3", file_size=3)
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Закрыть заседание")
    world.clock.set(datetime(2026, 12, 5, 14, 0, tzinfo=UTC))
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Протокол")
    await c.click(p["clerk"], "Вопрос 1: СЛУШАЛИ / РЕШИЛИ")
    await c.send(p["clerk"], "Докладчик")
    await c.click(p["clerk"], "Пропустить")
    await c.send(p["clerk"], "Одобрить стандарт.")
    await c.click(p["clerk"], "Без поручений")
    before = len(world.session.requests)
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    draft = next(
        r
        for r in world.session.requests[before:]
        if isinstance(r, SendDocument) and isinstance(r.document, BufferedInputFile)
    )
    assert isinstance(draft.document, BufferedInputFile)
    lines = [par.text for par in Document(io.BytesIO(draft.document.data)).paragraphs]
    text = "\n".join(lines)
    assert "Присутствовали 3 из 5 членов рабочей группы. Кворум имеется." in text
    assert "Приглашённые:" in text
    assert any(line.endswith(f"{SPECIALIST} — привлечённый специалист") for line in lines)
    # The plain guest never came: not listed.
    assert GUEST_NAME not in text


async def test_cl16v_a_forged_capacity_is_refused_and_changes_nothing(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await open_guests_card(world, p["clerk"])
    await c.click(p["clerk"], "Пригласить на заседание")
    await c.send(p["clerk"], SPECIALIST)
    asked = c.last_message(p["clerk"])
    assert "В каком качестве приглашается?" in (asked.text or "")

    # A button we never made: refused by the gate, nothing written.
    stale = "Кнопка устарела или данные уже изменились. Откройте раздел заново."
    await c.click_data(p["clerk"], asked, "gs:aschair:1:0:0")
    assert c.alerts(p["clerk"])[-1] == stale
    assert await _guests(world) == []
    # A capacity button of another meeting: refused, nothing written.
    await c.click_data(p["clerk"], asked, "gs:asspec:99:0:0")
    assert len(c.alerts(p["clerk"])) == 2 and c.alerts(p["clerk"])[-1] == stale
    assert await _guests(world) == []

    # The service itself refuses a capacity it never offered, with the reason.
    async with world.db.session() as s:
        meeting_id = await s.scalar(select(Meeting.id))
        actor = await load_actor(
            s,
            group_id=world.app.group_id,
            telegram_id=p["clerk"].id,
            telegram_name=p["clerk"].first_name,
            language_code="ru",
            admin_ids=frozenset(),
            default_locale="ru",
        )
        assert meeting_id is not None
        with pytest.raises(InvalidInput) as refused:
            await Services(s, world.app).guests.invite(actor, meeting_id, SPECIALIST, "chair")
    assert refused.value.key == "guests.capacity_invalid"
    assert world.app.translator("ru")(refused.value.key) == (
        "Такого качества участия нет: выберите «Приглашённое лицо» или «Привлечённый специалист»."
    )
    async with world.db.session() as s:
        assert await s.scalar(select(func.count()).select_from(MeetingGuest)) == 0
        audited = await s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "guest_invited")
        )
    assert audited == 0

    # The dialog is still waiting: the right button creates exactly one invitation.
    await c.click(p["clerk"], "Привлечённый специалист")
    assert "как привлечённый специалист" in (c.last_text(p["clerk"]) or "")
    assert [(r.full_name, r.capacity) for r in await _guests(world)] == [(SPECIALIST, "specialist")]
