"""Meetings of expert groups and project committees (cl. 10) at the dispatcher level: the
same rules as the working group's (cl. 11-15) over the subgroup's own members."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy import func, select

from bot.callbacks import MeetingCb
from storage.models import Attendance, Meeting, MonthCompliance, Rsvp
from tests.conftest import World
from tests.support.docx_reading import blocks, open_docx
from tests.support.steps.meetings import open_meeting_with
from tests.support.steps.protocols import sign_protocol, write_protocol_item
from tests.support.steps.subgroup_meetings import (
    COMMITTEE,
    TITLE,
    committee,
    committee_protocol_for_consent,
    open_committee_meeting,
    record_and_close,
    schedule_committee_meeting,
    schedule_group_meeting,
)

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
    assert "Председательствующий: Член 0 (руководитель проектного комитета)" in live

    await record_and_close(world, p["clerk"])
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Протокол")
    card = c.last_text(p["clerk"])
    assert HEADING in card and "Протокол № 1/2026" in card, card
    await write_protocol_item(world, p["clerk"], 1, "Одобрить концепцию цифровых сервисов.")
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    asked = [t for t in c.texts(p["specialist"]) if "Согласование протокола" in t]
    assert asked and HEADING in asked[-1]
    for key in ("m0", "specialist"):
        await c.click(p[key], "Подтверждаю устное согласие")
        await world.deliver()
        await c.click(p[key], "Очно")
    # Consent is asked of those present only: the absent member of the committee is not asked.
    assert all("Подтверждаю" not in t for t in c.texts(p["m1"]))

    await c.send(p["m0"], "/protocols")
    await c.click(p["m0"], f"Протокол № 1/2026 — {COMMITTEE}")
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
    assert all(HEADING in (r.caption or "") for r in signed)
    upload = next(r for r in signed if isinstance(r.document, BufferedInputFile))
    assert isinstance(upload.document, BufferedInputFile)
    text = "\n".join(blocks(open_docx(upload.document.data)))
    assert f"заседания проектного комитета «{COMMITTEE}»" in text
    assert "рабочей группы по вопросам" not in text
    assert "руководитель проектного комитета" in text
    assert "2 из 3 членов группы. Кворум имеется." in text
    # cl. 16 в: the record says in what capacity the specialist took part.
    assert "Специалистова Светлана Сергеевна — привлечённый специалист" in text


async def _present(world: World, meeting_title: str) -> set[int]:
    async with world.db.session() as s:
        rows = await s.execute(
            select(Attendance.person_id)
            .join(Meeting, Meeting.id == Attendance.meeting_id)
            .where(Meeting.title == meeting_title, Attendance.left_at.is_(None))
        )
        return {row[0] for row in rows.all()}


async def test_cl10_16v_a_specialists_check_in_counts_for_the_committee_never_for_the_group(
    world: World,
) -> None:
    """cl. 10, 14, 16 в: the committee's quorum counts its specialist; at the working group's
    meeting, open at the same time, the specialist's buttons are refused with the reason, the
    working group's count does not move, and the check-in code of its room is refused too."""
    p = await committee(world)
    c = world.client
    await schedule_group_meeting(world, p["chair"])
    await schedule_committee_meeting(world, p["m0"])
    # The specialist answers the committee's invitation like any member (cl. 12).
    await c.click(p["specialist"], "Буду дистанционно")
    async with world.db.session() as s:
        answers = (await s.scalars(select(Rsvp.answer))).all()
    assert answers == ["remote"]
    # Elsewhere in the bot the specialist is refused with the reason, and nothing opens.
    for command in ("/plan", "/tasks", "/members"):
        await c.send(p["specialist"], command)
        assert "привлечённый специалист" in c.last_text(p["specialist"]), command
    wg_invitation = c.find_button_message(p["clerk"], "Буду очно")
    assert wg_invitation is not None
    await open_meeting_with(world, p, ["m2"])
    await open_committee_meeting(world, p["clerk"])
    await c.click(p["specialist"], "Отметиться")
    await world.deliver()
    assert "Присутствует 1 из 3 членов группы" in c.last_text(p["clerk"])

    # The working group's meeting: its open notice never reached the specialist; a forged
    # press on its buttons is refused with the reason, and nothing changes.
    async with world.db.session() as s:
        wg_meeting = await s.scalar(
            select(Meeting.id).where(Meeting.title == "Заседание по клиентоцентричности")
        )
        token = await s.scalar(select(Meeting.checkin_token).where(Meeting.id == wg_meeting))
    assert wg_meeting is not None and token is not None
    before = await _present(world, "Заседание по клиентоцентричности")
    own = c.find_button_message(p["specialist"], "Отметиться")
    for action in ("checkin", "card", "rsvp"):
        data = MeetingCb(action=action, meeting=wg_meeting, arg="in_person").pack()
        await c.click_data(p["specialist"], own, data)
        assert "привлечённый специалист" in c.alerts(p["specialist"])[-1], action
    await c.send(p["specialist"], f"/start chk_{token}")
    assert await _present(world, "Заседание по клиентоцентричности") == before
    assert len(before) == 1


async def test_cl10_a_working_group_member_outside_the_committee_is_refused_its_buttons(
    world: World,
) -> None:
    """cl. 10: a member of the working group who does not sit in the committee is refused its
    meeting's buttons with the committee's name, and nothing changes."""
    p = await committee(world)
    c = world.client
    await schedule_committee_meeting(world, p["m0"])
    await open_committee_meeting(world, p["clerk"])
    async with world.db.session() as s:
        meeting_id = await s.scalar(select(Meeting.id).where(Meeting.title == TITLE))
    assert meeting_id is not None
    await c.send(p["m2"], "/meetings")
    listing = c.last_message(p["m2"])
    assert TITLE not in (listing.text or "")
    await c.click_data(p["m2"], listing, MeetingCb(action="checkin", meeting=meeting_id).pack())
    assert f"не входите в состав проектного комитета «{COMMITTEE}»" in c.alerts(p["m2"])[-1]
    assert await _present(world, TITLE) == set()


async def test_cl10_the_chair_choosing_between_the_group_and_its_committee(world: World) -> None:
    """cl. 10, 13: the working group's chair may set meetings of the group and of each
    subgroup, and is asked which; the committee's meeting reaches only the committee."""
    p = await committee(world)
    c = world.client
    asked = await schedule_committee_meeting(world, p["chair"], choose=True)
    assert "Для какой группы назначается заседание?" in asked
    assert HEADING in c.last_text(p["m1"])
    assert all(TITLE not in text for text in c.texts(p["m2"]))


async def test_cl10_a_committee_member_may_not_set_its_meetings(world: World) -> None:
    """cl. 10, 13: a member of the committee (not its head) who may not set the working
    group's meetings either is refused /newmeeting with the rule, and no dialog starts."""
    p = await committee(world)
    c = world.client
    await c.send(p["m1"], "/newmeeting")
    assert "Назначать и переносить заседания может председатель" in c.last_text(p["m1"])
    await c.send(p["m1"], "Заседание без права")
    assert await _count(world, Meeting) == 0


async def test_cl10_12_committee_meetings_do_not_count_for_the_monthly_rule(
    world: World,
) -> None:
    """cl. 10, 12: the monthly rule binds the working group; a committee meeting held with
    quorum in December leaves the group's December without a meeting, and /compliance says
    the rule does not count subgroups."""
    p = await committee(world)
    c = world.client
    await schedule_committee_meeting(world, p["m0"])
    await open_committee_meeting(world, p["clerk"])
    await c.click(p["m0"], "Отметиться")
    await c.click(p["m1"], "Отметиться")
    await record_and_close(world, p["clerk"])
    async with world.db.session() as s:
        held = await s.scalar(select(Meeting.quorum_at_close).where(Meeting.title == TITLE))
    assert held is True
    await world.run_jobs()  # the running bot plans the month's verdict
    world.clock.set(datetime(2026, 12, 31, 21, 0, 5, tzinfo=UTC))
    await world.run_jobs()
    await c.send(p["clerk"], "/compliance")
    compliance = c.last_text(p["clerk"])
    assert "❌ За декабрь 2026 г. заседания с кворумом не проводились" in compliance
    assert "заседания экспертных групп и проектных комитетов в нём не учитываются" in compliance
    async with world.db.session() as s:
        month = await s.scalar(select(MonthCompliance).where(MonthCompliance.month == 12))
    assert month is not None and month.compliant is False and month.meetings_held == 0


async def test_cl10_15_an_objection_to_a_committee_protocol_goes_to_its_head(
    world: World,
) -> None:
    """cl. 10, 15: the specialist objects; the committee's head — not the working group's
    chair — is told and calls the conciliation meeting, which is the committee's own."""
    p = await committee_protocol_for_consent(world)
    c = world.client
    await c.click(p["specialist"], "Заявить возражение")
    await c.click(p["specialist"], "1")
    await c.send(p["specialist"], "Нужно указать срок внедрения")
    await world.deliver()
    assert "Возражение к протоколу № 1/2026" in c.last_text(p["m0"])
    assert all("Возражение к протоколу" not in t for t in c.texts(p["chair"]))
    await c.click(p["m0"], "Назначить согласительное совещание (вопрос 1)")
    await c.send(p["m0"], "08.12.2026 10:00")
    assert "Согласительное совещание назначено" in c.last_text(p["m0"])
    async with world.db.session() as s:
        conciliation = await s.scalar(select(Meeting).where(Meeting.kind == "conciliation"))
        committee_meeting = await s.scalar(select(Meeting).where(Meeting.title == TITLE))
    assert conciliation is not None and committee_meeting is not None
    assert conciliation.group_id == committee_meeting.group_id != world.app.group_id


async def test_cl10_16a_the_head_invites_a_guest_to_the_committees_meeting(world: World) -> None:
    """cl. 10, 16 а: guests of a committee's meeting are invited by its head as the chair
    invites the working group's; the guest opens the link and sees the committee's card."""
    p = await committee(world)
    c = world.client
    await schedule_committee_meeting(world, p["m0"])
    await c.send(p["m0"], "/meetings")
    await c.click(p["m0"], f"Открыть: {TITLE}")
    await c.click(p["m0"], "Приглашённые")
    await c.click(p["m0"], "Пригласить на заседание")
    await c.send(p["m0"], "Петров Пётр Петрович, АО «Городские сервисы»")
    await c.click(p["m0"], "Приглашённое лицо")  # the capacity (cl. 16 а, в)
    text = c.last_text(p["m0"])
    assert "Приглашение на заседание создано" in text, text
    found = re.search(r"start=(gst_[A-Za-z0-9_-]+)", text)
    assert found is not None
    guest = c.user(7700, "Пётр", "Петров", language_code="ru")
    await c.send(guest, f"/start {found.group(1)}")
    assert any(HEADING in t and TITLE in t for t in c.texts(guest)), c.texts(guest)
    # At the meeting the guest checks in: present for the protocol, never counted (cl. 14).
    await open_committee_meeting(world, p["clerk"])
    await c.click(guest, "Отметиться")
    assert "Присутствует 0 из 3 членов группы" in c.last_text(p["clerk"])
    assert len(await _present(world, TITLE)) == 1
