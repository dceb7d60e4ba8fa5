"""The protocol as a legal record (issue #12): a signed protocol is frozen, every item has its
decision, the consent record is truthful, signing is confirmed, conciliation outcomes are
recorded by the right person at the right time, and the conciliation series is numbered
apart."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from aiogram.methods import SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from docx import Document
from sqlalchemy import select, update

from bot.callbacks import ProtocolCb
from storage.models import (
    AgendaItem,
    ChairAbsence,
    Disagreement,
    Meeting,
    Membership,
    Person,
    Protocol,
)
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.protocols import (
    held_meeting,
    hold_conciliation,
    open_protocol,
    sign_protocol,
    write_protocol_item,
)

CONCIL = "Согласительное совещание: протокол № 1/2"


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


async def _draft_and_request(world: World, p: dict[str, FakeUser], *, items: int = 2) -> None:
    await open_protocol(world, p["clerk"])
    for number in range(1, items + 1):
        await write_protocol_item(world, p["clerk"], number, f"Решение по вопросу {number}.")
    await world.client.click(p["clerk"], "Направить на согласование")
    await world.deliver()


async def _consent(world: World, user: FakeUser, mode: str = "Очно") -> None:
    await world.client.click(user, "Подтверждаю устное согласие")
    await world.deliver()  # the mode question comes through the outbox
    await world.client.click(user, mode)


async def _deputy_card(world: World, p: dict[str, FakeUser]) -> str:
    await world.client.send(p["deputy"], "/protocols")
    await world.client.click(p["deputy"], "Протокол № 1/2026")
    return world.client.last_text(p["deputy"]) or ""


async def _download(world: World, user: FakeUser) -> bytes:
    before = len(world.session.requests)
    await world.client.click(user, "Скачать DOCX")
    doc = next(
        r
        for r in world.session.requests[before:]
        if isinstance(r, SendDocument) and r.chat_id == user.id
    )
    assert isinstance(doc.document, BufferedInputFile)
    return doc.document.data


async def _object(world: World, user: FakeUser, item: str, reason: str) -> None:
    await world.client.click(user, "Заявить возражение")
    await world.client.click(user, item)
    await world.client.send(user, reason)
    await world.deliver()


async def test_finding1_signed_docx_is_frozen_against_later_roster_changes(world: World) -> None:
    """cl. 14: the signed protocol is the document signed; removing a member and renaming
    another afterwards changes neither the downloads nor the card."""
    p = await held_meeting(world)
    await _draft_and_request(world, p)
    for key in ("deputy", "m0", "m1"):
        await _consent(world, p[key])
    await _deputy_card(world, p)
    before = len(world.session.requests)
    await sign_protocol(world, p["deputy"])
    await world.deliver()
    distributed = next(
        r
        for r in world.session.requests[before:]
        if isinstance(r, SendDocument) and isinstance(r.document, BufferedInputFile)
    )
    assert isinstance(distributed.document, BufferedInputFile)
    signed_bytes = distributed.document.data
    text = _docx_text(signed_bytes)
    assert "Присутствовали 3 из 5 членов рабочей группы. Кворум имеется." in text
    assert "Член 0" in text

    # After signing: Член 2 leaves the composition, Член 0 is renamed.
    async with world.db.session() as s, s.begin():
        m2 = await s.scalar(select(Person).where(Person.telegram_id == p["m2"].id))
        m0 = await s.scalar(select(Person).where(Person.telegram_id == p["m0"].id))
        assert m2 is not None and m0 is not None
        await s.execute(
            update(Membership)
            .where(Membership.person_id == m2.id)
            .values(ended_at=datetime(2026, 12, 6, tzinfo=UTC))
        )
        await s.execute(update(Person).where(Person.id == m0.id).values(full_name="Иной Иван"))

    card = await _deputy_card(world, p)
    assert "3 из 5" in card
    downloaded = await _download(world, p["deputy"])
    assert downloaded == signed_bytes
    assert "Иной Иван" not in _docx_text(downloaded)
    async with world.db.session() as s:
        protocol = await s.scalar(select(Protocol))
        assert protocol is not None and protocol.document_file_id is not None
        assert protocol.snapshot is not None
        assert protocol.snapshot["content"]["total_members"] == 5


async def test_finding1_quorum_total_is_the_composition_at_opening(world: World) -> None:
    """cl. 9, 14: the quorum total is the composition in force when the meeting opened."""
    p = await held_meeting(world)
    async with world.db.session() as s, s.begin():
        await s.execute(update(Meeting).where(Meeting.id == 1).values(composition_total=6))
    await _draft_and_request(world, p)
    card = await _deputy_card(world, p)
    assert "Присутствовали члены рабочей группы: 3 из 6 — кворум имелся" in card
    text = _docx_text(await _download(world, p["deputy"]))
    assert "Присутствовали 3 из 6 членов рабочей группы. Кворум имеется." in text


async def test_finding2_an_item_without_decision_blocks_signing(world: World) -> None:
    """cl. 14: every item of the protocol carries its decision (РЕШИЛИ) before signing."""
    p = await held_meeting(world)
    await _draft_and_request(world, p, items=1)
    for key in ("deputy", "m0", "m1"):
        await _consent(world, p[key])
    card = await _deputy_card(world, p)
    assert "• решения (РЕШИЛИ) по вопросам: 2" in card
    await world.client.click(p["deputy"], "Подписать протокол")
    alert = world.client.alerts(p["deputy"])[-1]
    assert "Подписать нельзя" in alert and "по вопросам: 2" in alert
    async with world.db.session() as s:
        protocol = await s.scalar(select(Protocol))
        assert protocol is not None and protocol.status == "consent"


async def test_finding3_settled_objection_is_recorded_with_its_outcome(world: World) -> None:
    """cl. 15: an objection kept «без изменений» at the conciliation meeting is on record as
    such, not as silence; the objector is told the outcome."""
    p = await held_meeting(world)
    await _draft_and_request(world, p)
    await _consent(world, p["m0"])
    await _consent(world, p["deputy"], "По видеосвязи")
    await _object(world, p["m1"], "2", "Нужно указать срок")
    await world.client.click(p["chair"], "Назначить согласительное совещание (вопрос 2)")
    await world.client.send(p["chair"], "08.12.2026 10:00")
    await world.deliver()
    await hold_conciliation(world, p, CONCIL)
    await world.client.send(p["chair"], "/protocols")
    await world.client.click(p["chair"], "Протокол № 1/2026")
    await world.client.click(p["chair"], "Итог: оставить без изменений")
    await world.deliver()
    told = world.client.last_text(p["m1"]) or ""
    assert "Возражение к протоколу № 1/2026, вопрос 2" in told
    assert "текст оставлен без изменений" in told
    assert "текст оставлен без изменений" in (world.client.last_text(p["clerk"]) or "")

    # Nobody waits for the objector, whose position is on record: signing goes ahead.
    await _deputy_card(world, p)
    await sign_protocol(world, p["deputy"])
    card = world.client.last_text(p["deputy"]) or ""
    assert "Статус: ✅ подписан" in card
    assert "Член 1 — возражение по вопросу 2 рассмотрено на согласительном совещании" in card
    text = _docx_text(await _download(world, p["deputy"]))
    assert "Член 0 — устное согласие (очно)" in text
    assert "Заместитель Зоя — устное согласие (по видеосвязи)" in text
    assert (
        "Член 1 — возражение по вопросу 2 рассмотрено на согласительном совещании от "
        "8 декабря 2026 г., текст оставлен без изменений"
    ) in text
    assert "Не выразили позицию в срок" not in text
    assert "не выражена" not in text


async def test_finding10_signing_asks_for_confirmation_and_refuses_a_stale_one(
    world: World,
) -> None:
    """cl. 14: signing cannot be undone, so it is confirmed; a confirmation for an older
    version, or from someone else, is refused and nothing is signed."""
    p = await held_meeting(world)
    await _draft_and_request(world, p)
    for key in ("deputy", "m0", "m1"):
        await _consent(world, p[key])
    await _deputy_card(world, p)
    await world.client.click(p["deputy"], "Подписать протокол")
    confirm = world.client.last_text(p["deputy"]) or ""
    assert "Подписать протокол № 1/2026?" in confirm
    assert "После подписания протокол изменить нельзя" in confirm
    async with world.db.session() as s:
        protocol = await s.scalar(select(Protocol))
        assert protocol is not None and protocol.status == "consent"
    await world.client.click(p["deputy"], "Отмена")
    assert "Статус: ⏳ на согласовании" in (world.client.last_text(p["deputy"]) or "")

    card = world.client.last_message(p["deputy"])
    stale = ProtocolCb(action="signok", protocol=1, version=1).pack()
    # The secretariat saves a new version meanwhile: the confirmation of version 2 is stale.
    await world.client.send(p["clerk"], "/protocols")
    await world.client.click(p["clerk"], "Протокол № 1/2026")
    await write_protocol_item(world, p["clerk"], 2, "Решение по вопросу 2, уточнённое.")
    await world.client.click_data(
        p["deputy"], card, ProtocolCb(action="signok", protocol=1, version=2).pack()
    )
    assert "Текст протокола изменился" in world.client.alerts(p["deputy"])[-1]
    # A forged confirmation by a member who did not preside is refused too.
    await world.client.click_data(p["m0"], card, stale)
    assert "председательствовавший" in world.client.alerts(p["m0"])[-1]
    async with world.db.session() as s:
        protocol = await s.scalar(select(Protocol))
        assert protocol is not None and protocol.status == "consent"
        assert protocol.document_file_id is None


async def test_finding12_delivery_report_goes_to_the_secretariat_and_the_signer(
    world: World,
) -> None:
    """cl. 15: the protocol's distribution report reaches the secretariat, not only the signer."""
    p = await held_meeting(world)
    await _draft_and_request(world, p)
    for key in ("deputy", "m0", "m1"):
        await _consent(world, p[key])
    await _deputy_card(world, p)
    before = len(world.session.requests)
    await sign_protocol(world, p["deputy"])
    await world.deliver()
    reports = {
        r.chat_id
        for r in world.session.requests[before:]
        if isinstance(r, SendMessage) and "Отчёт о доставке" in r.text
    }
    assert reports == {p["clerk"].id, p["deputy"].id}


async def test_finding13_outcome_only_after_the_meeting_and_by_its_presiding_person(
    world: World,
) -> None:
    """cl. 15: the outcome is recorded by whoever presided the conciliation meeting, after it
    was held; «withdrawn» by the objector alone; «text changed» needs a newer version."""
    p = await held_meeting(world)
    await _draft_and_request(world, p)
    for key in ("deputy", "m0"):
        await _consent(world, p[key])
    await _object(world, p["m1"], "2", "Нужно указать срок")
    c = world.client
    await c.click(p["chair"], "Назначить согласительное совещание (вопрос 2)")
    await c.send(p["chair"], "08.12.2026 10:00")
    await world.deliver()
    card = c.last_message(p["chair"])

    def resolve(outcome: str) -> str:
        return ProtocolCb(action="resolve", protocol=1, disagreement=1, arg=outcome).pack()

    # Not held yet: refused, even for the chair.
    await c.click_data(p["chair"], card, resolve("unchanged"))
    assert "после того, как согласительное совещание проведено" in c.alerts(p["chair"])[-1]
    # The secretariat cannot withdraw for the objector.
    await c.click_data(p["clerk"], card, resolve("withdrawn"))
    assert "только заявивший его" in c.alerts(p["clerk"])[-1]
    await hold_conciliation(world, p, CONCIL)
    # Held, but the deputy did not preside it: refused.
    await c.click_data(p["deputy"], card, resolve("changed"))
    assert "председательствовавший на согласительном" in c.alerts(p["deputy"])[-1]
    async with world.db.session() as s:
        d = await s.scalar(select(Disagreement))
        assert d is not None and d.status == "open"

    await c.click_data(p["chair"], card, resolve("changed"))
    await world.deliver()
    assert "текст будет изменён" in (c.last_text(p["m1"]) or "")
    async with world.db.session() as s:
        d = await s.scalar(select(Disagreement))
        assert d is not None and (d.status, d.resolved_version) == ("changed", 2)
    # No newer version yet: signing is refused and the card says why.
    card_text = await _deputy_card(world, p)
    assert "новой редакции текста" in card_text
    await c.click(p["deputy"], "Подписать протокол")
    assert "новой редакции текста" in c.alerts(p["deputy"])[-1]


async def test_finding13_the_objector_withdraws_from_their_own_message(world: World) -> None:
    """cl. 15: the objector withdraws the objection themself; the secretariat is told."""
    p = await held_meeting(world)
    await _draft_and_request(world, p)
    await _object(world, p["m1"], "1", "Неточная формулировка")
    c = world.client
    assert "Рассмотрит на согласительном совещании: Председатель Пётр" in (
        c.last_text(p["m1"]) or ""
    )
    await c.click(p["m1"], "Отозвать возражение (вопрос 1)")
    await world.deliver()
    assert "Возражение отозвано заявителем" in (c.last_text(p["clerk"]) or "")
    async with world.db.session() as s:
        d = await s.scalar(select(Disagreement))
        assert d is not None and d.status == "withdrawn"


async def test_finding8_while_the_chair_is_absent_the_deputy_considers_objections(
    world: World,
) -> None:
    """cl. 11, 15: while the chair is recorded absent, objections and the conciliation
    button go to the deputy, and the objector is told so."""
    p = await held_meeting(world)
    async with world.db.session() as s, s.begin():
        s.add(
            ChairAbsence(
                group_id=1,
                starts_at=datetime(2026, 12, 5, tzinfo=UTC),
                ends_at=datetime(2026, 12, 20, tzinfo=UTC),
                created_by=p["chair"].id,
                created_at=datetime(2026, 12, 5, tzinfo=UTC),
            )
        )
    await _draft_and_request(world, p)
    chair_before = len(world.client.texts(p["chair"]))
    await _object(world, p["m1"], "1", "Неточная формулировка")
    told = world.client.last_text(p["m1"]) or ""
    assert "Рассмотрит на согласительном совещании: Заместитель Зоя (заместитель председателя)" in (
        told
    )
    assert "председатель рассмотрит" not in told.lower()
    notice = world.client.find_button_message(
        p["deputy"], "Назначить согласительное совещание (вопрос 1)"
    )
    assert "Возражение к протоколу № 1/2026" in (notice.text or "")
    assert not any(
        "Возражение к протоколу" in t for t in world.client.texts(p["chair"])[chair_before:]
    )


async def test_finding14_conciliation_protocols_have_their_own_series(world: World) -> None:
    """cl. 15: a conciliation meeting's protocol is «С-1/2026»; the group's series goes on
    without a gap."""
    p = await held_meeting(world)
    await _draft_and_request(world, p)
    await _object(world, p["m1"], "1", "Неточная формулировка")
    await world.client.click(p["chair"], "Назначить согласительное совещание (вопрос 1)")
    await world.client.send(p["chair"], "08.12.2026 10:00")
    await world.deliver()
    await hold_conciliation(world, p, "Согласительное совещание: протокол № 1/2")
    c = world.client
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], "Открыть: Согласительное совещание: протокол № 1/2")
    await c.click(p["clerk"], "Протокол")
    card = c.last_text(p["clerk"]) or ""
    assert "Протокол № С-1/2026" in card
    assert "Согласительное совещание" in card
    async with world.db.session() as s:
        rows = (await s.scalars(select(Protocol).order_by(Protocol.id))).all()
        assert [(r.series, r.sequence) for r in rows] == [("regular", 1), ("conciliation", 1)]


async def test_cl13_additional_items_and_the_day_actually_held_are_in_the_protocol(
    world: World,
) -> None:
    """cl. 12-14: the protocol gives the day and hours the meeting was actually held, says
    it was extraordinary, and records every additional item put to the vote, included or
    not, with the counts."""
    p = await held_meeting(world)
    async with world.db.session() as s, s.begin():
        await s.execute(
            update(Meeting)
            .where(Meeting.id == 1)
            .values(
                extraordinary=True,
                opened_at=datetime(2026, 12, 6, 7, 0, tzinfo=UTC),
                closed_at=datetime(2026, 12, 6, 8, 30, tzinfo=UTC),
            )
        )
        now = datetime(2026, 12, 6, 7, 30, tzinfo=UTC)
        for position, title, status, votes in (
            (3, "О пилотном проекте", "included", (3, 0, 0, "consensus")),
            (4, "О выездном совещании", "not_included", (1, 2, 0, None)),
        ):
            s.add(
                AgendaItem(
                    meeting_id=1,
                    position=position,
                    title=title,
                    source="additional",
                    status=status,
                    created_at=now,
                    votes_for=votes[0],
                    votes_against=votes[1],
                    votes_abstain=votes[2],
                    present_at_close=3,
                    quorum_at_close=True,
                    basis=votes[3],
                )
            )
    await open_protocol(world, p["clerk"])
    card = world.client.last_text(p["clerk"]) or ""
    assert "Внеочередное заседание" in card
    assert "Проведено: 6 декабря 2026 г., 10:00–11:30 (МСК)" in card
    assert "3. О пилотном проекте" in card
    assert "«за» — 3, «против» — 0, «воздержались» — 0 из 3 присутствовавших" in card
    assert "включён консенсусом" in card
    assert "Не включены в повестку дня" in card and "О выездном совещании" in card
    assert "не включён" in card
    await write_protocol_item(world, p["clerk"], 1, "Решение 1.")
    text = _docx_text(await _download(world, p["clerk"]))
    assert "6 декабря 2026 г.\t№ " in text
    assert "Время проведения: 10:00–11:30" in text
    assert "внеочередного заседания" in text
    assert (
        "ГОЛОСОВАЛИ о включении в повестку дня: «за» — 3, «против» — 0, «воздержались» — 0 "
        "(присутствовавших членов рабочей группы — 3). Вопрос включён в повестку дня "
        "консенсусом."
    ) in text
    assert "Не включены в повестку дня:" in text
    assert "«за» — 1, «против» — 2" in text and "Вопрос не включён в повестку дня." in text


async def test_cl15_a_settled_objector_is_not_reminded_to_consent_to_a_later_version(
    world: World,
) -> None:
    """cl. 15: an objection considered with the text kept is the member's position on record;
    when the text is later edited for another reason and consent is asked again, the others
    are reminded and the objector is not."""
    p = await held_meeting(world)
    await _draft_and_request(world, p)
    await _object(world, p["m1"], "2", "Нужно указать срок")
    await world.client.click(p["chair"], "Назначить согласительное совещание (вопрос 2)")
    await world.client.send(p["chair"], "08.12.2026 10:00")
    await world.deliver()
    await hold_conciliation(world, p, CONCIL)
    await world.client.send(p["chair"], "/protocols")
    await world.client.click(p["chair"], "Протокол № 1/2026")
    await world.client.click(p["chair"], "Итог: оставить без изменений")
    await world.deliver()
    # The secretariat corrects item 1: a new version, and consent is asked again.
    await write_protocol_item(world, p["clerk"], 1, "Решение по вопросу 1, уточнённое.")
    await world.deliver()
    before = len(world.session.requests)
    world.clock.advance(timedelta(days=1, seconds=1))
    await world.run_jobs()
    await world.deliver()
    reminded = {
        r.chat_id
        for r in world.session.requests[before:]
        if isinstance(r, SendMessage) and "Напоминание: согласование протокола" in r.text
    }
    assert p["m0"].id in reminded
    assert p["m1"].id not in reminded
