"""Expert groups and project committees (cl. 10) and outside specialists (cl. 16 в) at the
dispatcher level: forming one from a signed protocol's item and each refusal, the card, the
people, the specialist's link and what a specialist may not do, /menu, the head's report."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bot.callbacks import MembersCb, SubgroupCb
from storage.models import AgendaItem, AgendaOffer, AuditEntry, Membership, Person, WorkingGroup
from storage.repositories.roster import RosterRepository
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.people import Member
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import working_group
from tests.support.steps.subgroups import (
    COMMITTEE,
    DECISION,
    committee_with_specialist,
    form_committee,
    insert_protocol,
    invite_specialist,
)

NO_DECISIONS = "Подписанных протоколов с решениями пока нет."
NOT_SIGNED = "Протокол ещё не подписан"
NO_ITEM = "В протоколе нет такого пункта."


async def _rows(world: World, model: Any) -> list[Any]:
    async with world.db.session() as s:
        return list(await s.scalars(select(model).order_by(model.id)))


async def _count(world: World, model: Any) -> int:
    async with world.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def _snapshot(world: World) -> tuple[int, int, int]:
    return (
        await _count(world, WorkingGroup),
        await _count(world, Membership),
        await _count(world, AuditEntry),
    )


async def _committee(world: World, p: dict[str, FakeUser]) -> WorkingGroup:
    groups = [g for g in await _rows(world, WorkingGroup) if g.parent_id is not None]
    assert len(groups) == 1
    return groups[0]


async def test_cl10_secretariat_forms_a_project_committee_from_a_signed_protocol_item(
    world: World,
) -> None:
    """cl. 10: formed by a decision (an item of a signed protocol) with its kind, name,
    purpose, head and members; the card names the decision and the working group."""
    p = await working_group(world)
    await insert_protocol(world.db, world.clock.now(), ["Утвердить план.", DECISION])
    card = await form_committee(
        world,
        p["clerk"],
        head="Член 0",
        members=("Член 1", "Член 2"),
        decision="Протокол № 7/2026, п. 2",
    )
    assert f"Проектный комитет «{COMMITTEE}»" in card
    assert "В структуре рабочей группы: Рабочая группа" in card
    assert "Образована решением: протокол № 7/2026 от 30 ноября 2026 г., пункт 2" in card
    assert "Руководитель: Член 0" in card
    assert "Члены рабочей группы в составе: Член 1, Член 2" in card
    group = await _committee(world, p)
    assert (group.kind, group.protocol_id, group.item_number) == ("project_committee", 1, 2)
    assert group.parent_id == world.app.group_id
    roles = sorted(
        (m.role, m.person_id) for m in await _rows(world, Membership) if m.group_id == group.id
    )
    assert [r for r, _ in roles] == ["chair", "member", "member"]
    actions = [a.action for a in await _rows(world, AuditEntry)]
    assert "subgroup_formed" in actions
    await world.deliver()
    assert any("Вы включены в состав" in t for t in world.client.texts(p["m1"]))


async def test_cl10_no_decision_behind_it_is_refused_and_nothing_changes(world: World) -> None:
    """cl. 10: without a signed protocol there is nothing to form a subgroup by."""
    p = await working_group(world)
    await insert_protocol(world.db, world.clock.now(), [DECISION], status="draft")
    before = await _snapshot(world)
    clerk = Member(world.client, p["clerk"])
    await clerk.sends("/subgroups")
    await clerk.presses("Образовать группу по решению")
    assert any(NO_DECISIONS in a for a in clerk.alerts())
    assert await _snapshot(world) == before


async def test_cl10_a_protocol_not_signed_or_an_item_it_lacks_is_refused(world: World) -> None:
    """cl. 10, 14: a forged or outdated choice of an unsigned protocol, or of an item the
    protocol does not have, is refused with the reason; the dialog stays, nothing changes."""
    p = await working_group(world)
    signed = await insert_protocol(world.db, world.clock.now(), [DECISION])
    draft = await insert_protocol(
        world.db, world.clock.now(), ["Проект."], status="draft", sequence=8
    )
    c = world.client
    clerk = Member(c, p["clerk"])
    await clerk.sends("/subgroups")
    await clerk.presses("Образовать группу по решению")
    before = await _snapshot(world)
    under = c.last_message(p["clerk"])
    await c.click_data(p["clerk"], under, SubgroupCb(action="dec", protocol=draft, item=1).pack())
    assert NOT_SIGNED in c.alerts(p["clerk"])[-1]
    await c.click_data(p["clerk"], under, SubgroupCb(action="dec", protocol=signed, item=5).pack())
    assert NO_ITEM in c.alerts(p["clerk"])[-1]
    await c.click_data(p["clerk"], under, SubgroupCb(action="dec", protocol=0, item=0).pack())
    assert "только решением рабочей группы" in c.alerts(p["clerk"])[-1]
    assert await _snapshot(world) == before


async def test_cl10_a_member_may_not_form_a_subgroup(world: World) -> None:
    p = await working_group(world)
    await insert_protocol(world.db, world.clock.now(), [DECISION])
    before = await _snapshot(world)
    c = world.client
    await c.send(p["m0"], "/subgroups")
    assert "Образовать группу по решению" not in str(c.buttons(c.last_message(p["m0"])))
    await c.click_data(p["m0"], c.last_message(p["m0"]), SubgroupCb(action="new").pack())
    assert "председатель" in c.alerts(p["m0"])[-1]
    assert await _snapshot(world) == before


async def test_cl16v_specialist_joins_by_link_into_that_subgroup_only(world: World) -> None:
    """cl. 16 в: the personal link makes its holder a specialist of the subgroup only; the
    card shows them; they are not in the working group's roster."""
    p = await working_group(world)
    specialist = await committee_with_specialist(world, p)
    c = world.client
    assert "привлечённый специалист" in c.last_text(specialist)
    assert f"«{COMMITTEE}»" in c.last_text(specialist)
    group = await _committee(world, p)
    people = {m.person_id: m for m in await _rows(world, Membership) if m.ended_at is None}
    persons = {x.telegram_id: x.id for x in await _rows(world, Person)}
    mine = [m for m in people.values() if m.person_id == persons[specialist.id]]
    assert [(m.group_id, m.role) for m in mine] == [(group.id, "specialist")]
    await c.send(specialist, "/subgroups")
    await c.click(specialist, COMMITTEE)
    card = c.last_text(specialist)
    assert "Привлечённые специалисты: Эксперт Эльвира" in card
    assert "В структуре рабочей группы" in card
    assert "Включить члена" not in str(c.buttons(c.last_message(specialist)))


async def test_cl16v_specialist_is_refused_working_group_actions(world: World) -> None:
    """cl. 16 в: a specialist is not in the working group: its commands and buttons are
    refused with the reason, and nothing changes."""
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    specialist = await committee_with_specialist(world, p)
    c = world.client
    before = await _snapshot(world)
    for command in ("/newmeeting", "/members", "/tasks"):
        await c.send(specialist, command)
        assert "не входите в состав рабочей группы" in c.last_text(specialist), command
    await c.click_data(specialist, c.last_message(specialist), MembersCb(action="page").pack())
    assert "не входите в состав рабочей группы" in c.alerts(specialist)[-1]
    assert await _snapshot(world) == before
    await c.send(specialist, "/menu")
    assert COMMITTEE in str(c.buttons(c.last_message(specialist)))


async def test_cl16v_a_specialist_never_counts_for_the_working_groups_quorum(
    world: World,
) -> None:
    """cl. 16 в, 14: the working group's members (the quorum's total) are the same after a
    specialist joined a subgroup; nor do the subgroup's members count twice."""
    p = await working_group(world)
    async with world.db.session() as s:
        total = await RosterRepository(s).members(world.app.group_id)
    await committee_with_specialist(world, p)
    async with world.db.session() as s:
        after = await RosterRepository(s).members(world.app.group_id)
    assert [m.person.id for m in after] == [m.person.id for m in total]
    assert not any(m.is_member for m in after if m.person.full_name == "Эксперт Эльвира")


async def test_cl10_menu_lists_the_subgroups_a_member_belongs_to(world: World) -> None:
    p = await working_group(world)
    await committee_with_specialist(world, p)
    c = world.client
    await c.send(p["m1"], "/menu")
    assert f"👥 {COMMITTEE}" in str(c.buttons(c.last_message(p["m1"])))
    await c.click(p["m1"], f"👥 {COMMITTEE}")
    assert "Руководитель: Член 0" in c.last_text(p["m1"])
    await c.send(p["deputy"], "/menu")
    assert f"👥 {COMMITTEE}" not in str(c.buttons(c.last_message(p["deputy"])))


async def test_cl10_heads_report_becomes_an_offer_for_the_next_agenda(world: World) -> None:
    """cl. 10, 13: the head's report waits as an offer, and becomes a proposed item on the
    working group's next draft agenda; a member who is not the head may not report."""
    p = await working_group(world)
    await committee_with_specialist(world, p)
    c = world.client
    before = await _snapshot(world)
    await c.send(p["m1"], "/menu")
    await c.click(p["m1"], f"👥 {COMMITTEE}")
    assert "Направить доклад рабочей группе" not in str(c.buttons(c.last_message(p["m1"])))
    group = await _committee(world, p)
    await c.click_data(
        p["m1"], c.last_message(p["m1"]), SubgroupCb(action="report", group=group.id).pack()
    )
    assert "руководитель группы" in c.alerts(p["m1"])[-1]
    assert await _snapshot(world) == before
    await c.send(p["m0"], "/subgroups")
    await c.click(p["m0"], COMMITTEE)
    await c.click(p["m0"], "Направить доклад рабочей группе")
    await c.send(p["m0"], "Проект регламента единого окна подготовлен.")
    assert "как только будет назначено заседание" in c.last_text(p["m0"])
    offers = await _rows(world, AgendaOffer)
    assert [o.title for o in offers] == [f"Доклад проектного комитета «{COMMITTEE}»"]
    assert "Проект регламента единого окна подготовлен." in (offers[0].description or "")
    await schedule_meeting(world, p["chair"])
    items = await _rows(world, AgendaItem)
    assert [(i.title, i.status) for i in items] == [
        (f"Доклад проектного комитета «{COMMITTEE}»", "proposed")
    ]
    assert "subgroup_reported" in [a.action for a in await _rows(world, AuditEntry)]


async def test_cl10_head_adds_and_removes_members_and_dissolves(world: World) -> None:
    p = await working_group(world)
    await committee_with_specialist(world, p)
    c = world.client
    head = Member(c, p["m0"])
    await head.sends("/subgroups")
    await head.presses(COMMITTEE)
    await head.presses("Включить члена")
    card = await head.presses("Заместитель Зоя")
    assert "Заместитель Зоя" in card
    await head.presses("Исключить из состава")
    card = await head.presses("Член 2")
    assert "Член 2" not in card
    await head.presses("Прекратить деятельность")
    card = await head.presses("Подтвердить")
    assert "Деятельность прекращена" in card
    actions = [a.action for a in await _rows(world, AuditEntry)]
    for action in ("subgroup_member_added", "subgroup_member_removed", "subgroup_dissolved"):
        assert action in actions
    group = await _committee(world, p)
    assert group.dissolved_at is not None


async def test_cl10_heads_report_with_a_file_goes_with_the_proposed_item(world: World) -> None:
    """cl. 10: a report may be a file (with a caption); the proposed agenda item carries it.
    A file the bot does not take, or an empty text, is refused with the reason and nothing
    is offered."""
    p = await working_group(world)
    await committee_with_specialist(world, p)
    await schedule_meeting(world, p["chair"])
    c = world.client
    await c.send(p["m0"], "/subgroups")
    await c.click(p["m0"], COMMITTEE)
    await c.click(p["m0"], "Направить доклад рабочей группе")
    before = await _snapshot(world)
    await c.send_document(p["m0"], file_name="report.exe", mime_type="application/x-msdownload")
    assert "не принимается" in c.last_text(p["m0"])
    await c.send(p["m0"], " \u200b ")
    assert "нет видимых символов" in c.last_text(p["m0"])
    assert await _snapshot(world) == before and await _count(world, AgendaOffer) == 0
    await c.send_document(
        p["m0"], file_name="Доклад.pdf", caption="Итоги работы за квартал.", content=b"%PDF"
    )
    assert "предложен для включения в повестку дня" in c.last_text(p["m0"])
    items = await _rows(world, AgendaItem)
    assert [(i.title, (i.document or {}).get("file_name")) for i in items] == [
        (f"Доклад проектного комитета «{COMMITTEE}»", "Доклад.pdf")
    ]
    assert "Итоги работы за квартал." in (items[0].description or "")


async def test_cl10_refusals_on_a_subgroups_people_change_nothing(world: World) -> None:
    """A member who is not the head may not manage it; the head cannot be removed; a
    dissolved subgroup takes no changes; a specialist's /help says they are not in the
    working group."""
    p = await working_group(world)
    specialist = await committee_with_specialist(world, p)
    group = await _committee(world, p)
    c = world.client
    persons = {x.full_name: x.id for x in await _rows(world, Person)}
    before = await _snapshot(world)
    under = c.last_message(p["m1"])
    await c.click_data(p["m1"], under, SubgroupCb(action="add", group=group.id).pack())
    assert "руководитель" in c.alerts(p["m1"])[-1]
    head_id = persons["Член 0"]
    await c.click_data(
        p["clerk"],
        c.last_message(p["clerk"]),
        SubgroupCb(action="rmp", group=group.id, person=head_id).pack(),
    )
    assert "Руководителя нельзя исключить" in c.alerts(p["clerk"])[-1]
    assert await _snapshot(world) == before
    await c.send(specialist, "/help")
    assert "не в состав рабочей группы" in c.last_text(specialist)
    assert "/subgroups" in c.last_text(specialist)
    clerk = Member(c, p["clerk"])
    await clerk.sends("/subgroups")
    await clerk.presses(COMMITTEE)
    await clerk.presses("Прекратить деятельность")
    await clerk.presses("Подтвердить")
    after = await _snapshot(world)
    await c.click_data(
        p["clerk"],
        c.last_message(p["clerk"]),
        SubgroupCb(action="addp", group=group.id, person=persons["Заместитель Зоя"]).pack(),
    )
    assert "прекращена" in c.alerts(p["clerk"])[-1]
    assert await _snapshot(world) == after
    # Once it is dissolved, its specialist is outside everything.
    await c.send(specialist, "/subgroups")
    assert "Вы пока не в составе рабочей группы" in c.last_text(specialist)


async def test_cl16v_a_working_group_member_cannot_become_a_specialist_by_a_link(
    world: World,
) -> None:
    """cl. 10, 16 в: a specialist's link opened by a member of the working group is refused
    with the reason; the link stays unused and no membership is added."""
    p = await working_group(world)
    await insert_protocol(world.db, world.clock.now(), [DECISION])
    await form_committee(world, p["clerk"], head="Член 0", members=("Член 1",))
    payload = await invite_specialist(world, p["clerk"])
    before = await _snapshot(world)
    await world.client.send(p["m2"], f"/start {payload}")
    assert "Вы член рабочей группы" in world.client.last_text(p["m2"])
    assert await _snapshot(world) == before


async def test_cl16v_a_specialists_start_shows_their_subgroups(world: World) -> None:
    p = await working_group(world)
    specialist = await committee_with_specialist(world, p)
    await world.client.send(specialist, "/start")
    text = world.client.last_text(specialist)
    assert "привлечённый специалист" in text and COMMITTEE in text
