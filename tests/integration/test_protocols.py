"""Protocols at the dispatcher level (cl. 14-15): drafting, versions bound by hash, oral
consent, objections and a conciliation meeting, the presiding person's signature, DOCX,
distribution to everyone."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from docx import Document
from sqlalchemy import select

from bot.callbacks import ProtocolCb
from storage.models import Disagreement, Meeting, ProtocolAnswer, Task
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import working_group
from tests.support.steps.protocols import (
    held_meeting,
    hold_conciliation,
    open_protocol,
    sign_protocol,
    write_protocol_item,
)


async def test_cl14_cl15_protocol_from_draft_to_distribution(world: World) -> None:
    p = await held_meeting(world)
    c = world.client
    clerk = p["clerk"]
    await open_protocol(world, clerk)
    assert "Протокол № 1/2026" in (c.last_text(clerk) or "")
    await write_protocol_item(
        world, clerk, 1, "Одобрить стандарт.", "Подготовить методичку; Отдел качества; 31.01.2027"
    )
    assert any("Сохранено: версия 1, SHA-256" in text for text in c.texts(clerk))
    await write_protocol_item(world, clerk, 2, "Принять к сведению.")
    before = len(world.session.requests)
    await c.click(clerk, "Направить на согласование")
    await world.deliver()

    # Members present get the draft with the DOCX and the two buttons.
    docs = [
        r
        for r in world.session.requests[before:]
        if isinstance(r, SendDocument) and r.chat_id in (p["deputy"].id, p["m0"].id, p["m1"].id)
    ]
    assert {d.chat_id for d in docs} == {p["deputy"].id, p["m0"].id, p["m1"].id}
    assert all("Согласование протокола № 1/2026" in (d.caption or "") for d in docs)
    # The absent chair and member get no consent request.
    assert not any("Согласование протокола" in t for t in c.texts(p["m2"]))

    await c.click(p["m0"], "Подтверждаю устное согласие")

    await world.deliver()  # the mode question comes through the outbox
    await c.click(p["m0"], "Очно")
    assert "Устное согласие записано" in (c.last_text(p["m0"]) or "")

    # M1 objects to item 2; the chair calls a conciliation meeting; the text changes.
    await c.click(p["m1"], "Заявить возражение")
    await c.click(p["m1"], "2")
    await c.send(p["m1"], "   ")
    assert "должно содержать причину" in (c.last_text(p["m1"]) or "")
    await c.send(p["m1"], "Нужно указать срок")
    await world.deliver()
    assert "Возражение к протоколу № 1/2026" in (c.last_text(p["chair"]) or "")
    await c.click(p["chair"], "Назначить согласительное совещание (вопрос 2)")
    await c.send(p["chair"], "08.12.2026 10:00")
    assert "Согласительное совещание назначено" in (c.last_text(p["chair"]) or "")
    before = len(world.session.requests)
    await world.deliver()
    assert "Согласительное совещание по протоколу" in (c.last_text(p["m1"]) or "")
    # The parties, the chair, the deputy and the secretariat get it with the .ics.
    calendars = [
        r
        for r in world.session.requests[before:]
        if isinstance(r, SendDocument) and "Согласительное совещание" in (r.caption or "")
    ]
    assert {r.chat_id for r in calendars} == {p[k].id for k in ("m1", "chair", "deputy", "clerk")}
    ics = calendars[0].document
    assert isinstance(ics, BufferedInputFile) and b"METHOD:REQUEST" in ics.data
    assert b"DTSTART:20261208T070000Z" in ics.data
    async with world.db.session() as s:
        conciliation = await s.scalar(select(Meeting).where(Meeting.kind == "conciliation"))
        assert conciliation is not None

    # Signing is refused while the disagreement is open; the bot says what is missing.
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    card = c.last_text(p["deputy"]) or ""
    assert "урегулирования разногласий" in card
    await c.click(p["deputy"], "Подписать протокол")
    assert "Подписать нельзя" in c.alerts(p["deputy"])[-1]

    # The conciliation meeting is held; the chair, who presided it, records the outcome.
    await hold_conciliation(world, p, "Согласительное совещание: протокол № 1/2")
    await c.send(p["chair"], "/protocols")
    await c.click(p["chair"], "Протокол № 1/2026")
    await c.click(p["chair"], "Итог: изменить текст")
    await c.send(clerk, "/protocols")
    await c.click(clerk, "Протокол № 1/2026")
    await write_protocol_item(world, clerk, 2, "Принять к сведению; срок — до 31.12.2026.")
    await world.deliver()

    # The old consent of M0 does not count for the new version; everyone consents again.
    for key, mode in (("m0", "Очно"), ("m1", "По видеосвязи"), ("deputy", "По аудиосвязи")):
        await c.click(p[key], "Подтверждаю устное согласие")
        await world.deliver()  # the mode question comes through the outbox
        await c.click(p[key], mode)
    async with world.db.session() as s:
        answers = (await s.scalars(select(ProtocolAnswer))).all()
    assert {(a.version, a.kind) for a in answers} >= {(2, "objection"), (3, "consent")}
    assert len({a.sha256 for a in answers}) == 2  # answers on versions 2 and 3, two hashes

    # The deputy presided (the chair was absent): only the deputy signs.
    await c.send(p["chair"], "/protocols")
    chair_card = c.last_message(p["chair"])
    assert chair_card is not None
    await c.click_data(p["chair"], chair_card, ProtocolCb(action="sign", protocol=1).pack())
    assert "председательствовавший" in c.alerts(p["chair"])[-1]
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    await sign_protocol(world, p["deputy"])
    assert "Статус: ✅ подписан" in (c.last_text(p["deputy"]) or "")
    await world.deliver()

    # Every member and the secretariat get the signed protocol and its DOCX.
    signed = [
        r
        for r in world.session.requests
        if isinstance(r, SendDocument) and "Подписан протокол № 1/2026" in (r.caption or "")
    ]
    assert {r.chat_id for r in signed} == {u.id for u in p.values()}
    upload = next(r for r in signed if isinstance(r.document, BufferedInputFile))
    assert isinstance(upload.document, BufferedInputFile)
    document = Document(io.BytesIO(upload.document.data))
    text = "\n".join(par.text for par in document.paragraphs)
    for requisite in (
        "ПРОТОКОЛ",
        "Председательствующий",
        "Присутствовали",
        "Повестка дня",
        "СЛУШАЛИ",
        "РЕШИЛИ",
        "SHA-256",
    ):
        assert requisite in text, requisite
    assert "ПРОЕКТ" not in text
    async with world.db.session() as s:
        tasks = (await s.scalars(select(Task))).all()
    assert [(t.owner, t.deadline) for t in tasks] == [
        ("Отдел качества", datetime(2027, 1, 31, tzinfo=UTC).date())
    ]
    # A signed protocol is immutable.
    await c.send(clerk, "/protocols")
    clerk_card = c.last_message(clerk)
    assert clerk_card is not None
    # Refused at the press (issue #14 finding 4), before СЛУШАЛИ is asked.
    await c.click_data(clerk, clerk_card, ProtocolCb(action="item", protocol=1, arg="1").pack())
    assert "подписан и не может быть изменён" in c.alerts(clerk)[-1]


async def test_consent_by_someone_absent_or_on_an_old_version_is_refused(world: World) -> None:
    p = await held_meeting(world)
    c = world.client
    await open_protocol(world, p["clerk"])
    await write_protocol_item(world, p["clerk"], 1, "Решение 1")
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    # The chair was absent: not asked, and a forged consent is refused.
    await c.send(p["chair"], "/protocols")
    card = c.last_message(p["chair"])
    assert card is not None
    await c.click_data(
        p["chair"], card, ProtocolCb(action="mode", protocol=1, version=1, arg="in_person").pack()
    )
    assert "присутствовавшие на заседании" in c.alerts(p["chair"])[-1]
    # The text changes; a consent on the old version is refused and shows the new one.
    await c.send(p["clerk"], "/protocols")
    await c.click(p["clerk"], "Протокол № 1/2026")
    await write_protocol_item(world, p["clerk"], 1, "Решение 1, уточнённое")
    old = c.find_button_message(p["m0"], "Подтверждаю устное согласие")
    await c.click_data(
        p["m0"], old, ProtocolCb(action="mode", protocol=1, version=1, arg="in_person").pack()
    )
    assert "Текст протокола изменился" in c.alerts(p["m0"])[-1]
    assert "Решение 1, уточнённое" in (c.last_text(p["m0"]) or "")
    async with world.db.session() as s:
        assert (await s.scalars(select(ProtocolAnswer))).first() is None


async def test_consent_period_over_without_objection_allows_signing_and_names_the_silent(
    world: World,
) -> None:
    """cl. 14: after the consent period, members who did not answer are listed, not waited for."""
    p = await held_meeting(world)
    c = world.client
    await open_protocol(world, p["clerk"])
    await write_protocol_item(world, p["clerk"], 1, "Решение")
    # Every item needs its decision before signing (cl. 14, finding 2).
    await write_protocol_item(world, p["clerk"], 2, "Принять к сведению.")
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    await c.click(p["m0"], "Подтверждаю устное согласие")
    await world.deliver()  # the mode question comes through the outbox
    await c.click(p["m0"], "Очно")
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    assert "Не выразили позицию в срок:" in (c.last_text(p["deputy"]) or "")
    await c.click(p["deputy"], "Подписать протокол")
    assert "Подписать нельзя" in c.alerts(p["deputy"])[-1]
    # A day later those who have not answered are reminded; M0, who consented, is not.
    world.clock.advance(timedelta(days=1, seconds=1))
    await world.run_jobs()
    assert "Напоминание: согласование протокола № 1/2026" in (c.last_text(p["m1"]) or "")
    assert "Напоминание: согласование" not in (c.last_text(p["m0"]) or "")
    world.clock.advance(timedelta(days=2))
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    await sign_protocol(world, p["deputy"])
    assert "Статус: ✅ подписан" in (c.last_text(p["deputy"]) or "")


async def test_only_the_secretariat_drafts_and_only_after_the_meeting(world: World) -> None:
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await world.client.send(p["m0"], "/meetings")
    card = world.client.last_message(p["m0"])
    assert card is not None
    from bot.callbacks import MeetingCb

    await world.client.click_data(p["m0"], card, MeetingCb(action="protocol", meeting=1).pack())
    assert world.client.alerts(p["m0"])[-1] == "Протокол составляет секретариат."
    await world.client.click_data(p["clerk"], card, MeetingCb(action="protocol", meeting=1).pack())
    assert "после закрытия заседания" in world.client.alerts(p["clerk"])[-1]
    async with world.db.session() as s:
        assert (await s.scalars(select(Disagreement))).first() is None


async def test_the_card_shows_each_viewer_what_they_may_do(world: World) -> None:
    """The secretariat edits and sends for consent, the presiding person signs, a member
    present only reads: the card's state says which, not the handler."""
    p = await held_meeting(world)
    c = world.client
    await open_protocol(world, p["clerk"])
    await write_protocol_item(world, p["clerk"], 1, "Одобрить стандарт.")
    await c.click(p["clerk"], "Направить на согласование")

    def labels(user: FakeUser) -> set[str]:
        return {text for row in c.buttons(c.last_message(user)) for text, _ in row}

    assert {"Вопрос 1: СЛУШАЛИ / РЕШИЛИ", "Направить на согласование"} <= labels(p["clerk"])
    assert "Подписать протокол" not in labels(p["clerk"])
    for viewer in ("deputy", "m0"):
        await c.send(p[viewer], "/protocols")
        await c.click(p[viewer], "Протокол № 1/2026")
        assert "Скачать DOCX" in labels(p[viewer])
        assert "Вопрос 1: СЛУШАЛИ / РЕШИЛИ" not in labels(p[viewer])
    assert "Подписать протокол" in labels(p["deputy"])
    assert "Подписать протокол" not in labels(p["m0"])
