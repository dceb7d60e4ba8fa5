"""The agenda at the dispatcher level, issue #12 findings 6-8: votes on additional items close
only with quorum and consensus needs every member present (cl. 13-14); ballots show the
result; approval waits for undecided proposals (cl. 13); while the chair is absent the deputy,
and only the deputy, decides proposals and approves the agenda (cl. 11, 13)."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.callbacks import AgendaCb, VoteCb
from storage.models import AgendaItem, AuditEntry, Meeting, Person
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.agenda import (
    agenda_items,
    propose_additional_item,
    propose_item,
    vote_on_item,
)
from tests.support.steps.guests import invite_guest, make_outsider
from tests.support.steps.meetings import open_meeting_with, schedule_meeting
from tests.support.steps.onboarding import working_group


async def _put_to_vote(world: World, chair: FakeUser, title: str) -> None:
    await world.client.send(chair, "/agenda")
    await world.client.click(chair, f"На голосование: {title}")


async def _status(world: World, item_id: int) -> str:
    async with world.db.session() as s:
        item = await s.get(AgendaItem, item_id)
        assert item is not None
        return item.status


async def _actions(world: World) -> list[str]:
    async with world.db.session() as s:
        return list(await s.scalars(select(AuditEntry.action)))


# Finding 6: quorum when a vote closes, consensus, the ballots


async def test_cl14_a_vote_does_not_close_without_quorum_by_itself_or_by_the_presiding_person(
    world: World,
) -> None:
    """Finding 6: with 1 of 5 members present, one «за» made the item included «на основе
    консенсуса». Now the vote stays open and closing it is refused with the reason."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await open_meeting_with(world, p, ["chair", "deputy", "m0"])  # 3 of 5: quorum
    item = await propose_additional_item(world, p, "Без кворума при закрытии")
    await _put_to_vote(world, p["chair"], "Без кворума при закрытии")
    await world.deliver()
    for key in ("deputy", "m0"):
        await c.click(p[key], "Покинуть заседание")
    # The only member present votes: everyone present has voted, but 1 of 5 is no quorum.
    answer = await vote_on_item(world, p["chair"], item, "for")
    assert "Кворума нет: голосование продолжается" in answer
    assert await _status(world, item) == "voting"

    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Завершить голосование: Без кворума при закрытии")
    assert c.alerts(p["chair"])[-1] == (
        "Завершить голосование нельзя: нет кворума — присутствуют 1 из 5 членов рабочей "
        "группы, нужно не менее 3 (п. 14 Положения). Голосование продолжается."
    )
    assert await _status(world, item) == "voting"
    assert "vote_closed" not in await _actions(world)

    # Quorum is back: the presiding person closes it, and it is decided on those present.
    await c.click(p["m0"], "Отметиться")
    await c.click(p["deputy"], "Отметиться")
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Завершить голосование: Без кворума при закрытии")
    assert c.callback_answers(p["chair"])[-1].text == "Вопрос не включён в повестку дня."
    assert await _status(world, item) == "not_included"


async def test_cl13_one_for_and_an_early_close_is_not_a_consensus(world: World) -> None:
    """Finding 6: consensus means every member present voted and nobody against."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await open_meeting_with(world, p, ["chair", "deputy", "m0"])
    item = await propose_additional_item(world, p, "Досрочное закрытие")
    await _put_to_vote(world, p["chair"], "Досрочное закрытие")
    await world.deliver()
    await vote_on_item(world, p["m0"], item, "for")
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Завершить голосование: Досрочное закрытие")
    assert c.callback_answers(p["chair"])[-1].text == "Вопрос не включён в повестку дня."
    async with world.db.session() as s:
        closed = await s.get(AgendaItem, item)
        assert closed is not None
        assert (closed.status, closed.basis, closed.votes_for, closed.present_at_close) == (
            "not_included",
            None,
            1,
            3,
        )
        assert closed.quorum_at_close is True


async def test_cl9_cl14_quorum_at_closing_is_counted_over_the_composition_recorded_at_opening(
    world: World,
) -> None:
    """The total is meeting.composition_total when the meeting recorded it (members who never
    joined the bot count), else today's members."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await open_meeting_with(world, p, ["chair", "deputy", "m0"])  # 3 of 5 today
    async with world.db.session() as s:
        await s.execute(update(Meeting).values(composition_total=8))  # 3 never joined
        await s.commit()
    item = await propose_additional_item(world, p, "Состав из восьми")
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "На голосование: Состав из восьми")
    assert "нет кворума" in c.alerts(p["chair"])[-1]  # 3 of 8 cannot even start it
    async with world.db.session() as s:
        await s.execute(update(Meeting).values(composition_total=6))  # 3 of 6: quorum
        await s.commit()
    await _put_to_vote(world, p["chair"], "Состав из восьми")
    await world.deliver()
    async with world.db.session() as s:
        await s.execute(update(Meeting).values(composition_total=7))  # 3 of 7: none
        await s.commit()
    for key in ("chair", "deputy", "m0"):
        answer = await vote_on_item(world, p[key], item, "for")
    assert "Кворума нет" in answer
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Завершить голосование: Состав из восьми")
    assert "присутствуют 3 из 7" in c.alerts(p["chair"])[-1]
    assert await _status(world, item) == "voting"


async def test_cl13_every_ballot_shows_the_result_and_loses_its_buttons(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await open_meeting_with(world, p, ["chair", "deputy", "m0", "m1"])
    item = await propose_additional_item(world, p, "Результат в бюллетене")
    await _put_to_vote(world, p["chair"], "Результат в бюллетене")
    await world.deliver()
    ballots = {key: c.find_button_message(p[key], "За") for key in ("chair", "deputy", "m0", "m1")}
    for key in ("chair", "deputy", "m0"):
        await vote_on_item(world, p[key], item, "for")
    assert "консенсус" in await vote_on_item(
        world, p["m1"], item, "abstain"
    )  # the last vote closes
    await world.deliver()
    for key, ballot in ballots.items():
        shown = next(m for m in c.messages(p[key]) if m.message_id == ballot.message_id)
        assert shown.text is not None, key
        assert "Голосование по дополнительному вопросу завершено" in shown.text
        assert "«Результат в бюллетене»" in shown.text
        assert "Вопрос включён в повестку дня консенсусом." in shown.text
        assert "За 3, против 0, воздержались 1; присутствовали 4." in shown.text
        assert c.buttons(shown) == [], key


async def test_cl13_a_ballot_not_sent_before_the_vote_closed_goes_out_with_the_result(
    world: World,
) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await open_meeting_with(world, p, ["chair", "deputy", "m0"])
    item = await propose_additional_item(world, p, "Без рассылки")
    await _put_to_vote(world, p["chair"], "Без рассылки")
    # Nothing delivered yet: members vote from the agenda's vote buttons elsewhere (the chat).
    for key in ("chair", "deputy", "m0"):
        card = c.last_message(p[key])
        await c.click_data(p[key], card, VoteCb(item=item, choice="for").pack())
    assert await _status(world, item) == "included"
    await world.deliver()
    for key in ("chair", "deputy", "m0"):
        ballot = next(
            m for m in c.messages(p[key]) if "по дополнительному вопросу" in (m.text or "")
        )
        assert "завершено" in (ballot.text or "") and c.buttons(ballot) == [], key
        assert "Вопрос включён в повестку дня консенсусом." in (ballot.text or "")


# Finding 7: undecided proposals at approval


async def test_cl13_approving_with_undecided_proposals_is_refused_with_their_list(
    world: World,
) -> None:
    """Finding 7: a proposal undecided at approval was stranded: neither decided nor voted."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "О плане мероприятий; Иванов И. И.")
    await c.click(p["chair"], "Готово")
    await propose_item(world, p["m0"], "О стандарте обслуживания")
    await propose_item(world, p["m1"], "О переносе сроков")
    await c.send(p["chair"], "/agenda")
    card = c.last_text(p["chair"])
    assert "Повестку дня можно утвердить после решения по каждому предложению" in card
    await c.click(p["chair"], "Утвердить повестку дня")
    assert c.alerts(p["chair"])[-1] == (
        "Повестку дня нельзя утвердить: нет решения по предложениям (2) — «О стандарте "
        "обслуживания», «О переносе сроков». Включите или отклоните каждое на карточке "
        "повестки дня."
    )
    async with world.db.session() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None and meeting.agenda_approved_at is None
    assert "agenda_approved" not in await _actions(world)
    # The card is shown again with a decision for each; once decided, approval goes through.
    await c.click(p["chair"], "Включить: О стандарте обслуживания")
    await c.click(p["chair"], "Отклонить")
    await c.click(p["chair"], "Не указывать причину")
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Утвердить повестку дня")
    assert "Утверждена председателем: Председатель Пётр" in c.last_text(p["chair"])
    assert [(i.title, i.status) for i in await agenda_items(world)] == [
        ("О плане мероприятий", "included"),
        ("О стандарте обслуживания", "included"),
        ("О переносе сроков", "rejected"),
    ]


async def test_the_refusal_lists_as_many_long_titles_as_an_alert_holds(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "Вопрос председателя")
    await c.click(p["chair"], "Готово")
    for n in range(4):
        await propose_item(world, p["m0"], f"Предложение {n} " + "о длинной формулировке " * 5)
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Утвердить повестку дня")
    alert = c.alerts(p["chair"])[-1]
    assert alert.startswith("Повестку дня нельзя утвердить: нет решения по предложениям (4)")
    assert len(alert) <= 200 and "…" in alert


# Finding 8: the deputy acting while the chair is absent


async def _absent(world: World, chair: FakeUser) -> None:
    await world.client.send(chair, "/absence")
    await world.client.send(chair, "01.12.2026 - 10.12.2026")
    assert "Отсутствие председателя записано" in world.client.last_text(chair)


async def _person_id(world: World, telegram_id: int) -> int:
    async with world.db.session() as s:
        found = await s.scalar(select(Person.id).where(Person.telegram_id == telegram_id))
        assert found is not None
        return found


async def test_cl11_cl13_while_the_chair_is_absent_the_deputy_alone_decides_and_approves(
    world: World,
) -> None:
    """Finding 8: during the absence the chair still got proposals with working buttons, and
    the card said «Утверждена председателем» after the deputy approved."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await propose_item(world, p["m0"], "До отсутствия")
    await world.deliver()
    before = c.find_button_message(p["chair"], "Включить")
    await _absent(world, p["chair"])

    # A proposal made during the absence reaches the deputy only.
    chair_messages = len(c.messages(p["chair"]))
    await propose_item(world, p["m1"], "Во время отсутствия")
    await world.deliver()
    assert len(c.messages(p["chair"])) == chair_messages
    assert "Во время отсутствия" in (c.find_button_message(p["deputy"], "Включить").text or "")

    # The chair's stale buttons are refused with the reason; nothing changes.
    refusal = (
        "Ваше отсутствие записано до 11 декабря 2026 г., 00:00 (МСК): предложения и повестку "
        "дня сейчас рассматривает заместитель председателя (пп. 11, 13 Положения)."
    )
    await c.click(p["chair"], "Включить")
    assert c.alerts(p["chair"])[-1] == refusal
    await c.click_data(p["chair"], before, AgendaCb(action="rej", item=1, version=0).pack())
    assert c.alerts(p["chair"])[-1] == refusal
    assert [i.status for i in await agenda_items(world)] == ["proposed", "proposed"]
    # The chair's card has no controls and says who acts.
    await c.send(p["chair"], "/agenda")
    card = c.last_message(p["chair"])
    assert "заместитель председателя" in (card.text or "")
    labels = [label for row in c.buttons(card) for label, _ in row]
    assert "Утвердить повестку дня" not in labels and "Добавить вопрос" not in labels
    await c.click_data(p["chair"], card, AgendaCb(action="approve", meeting=1, version=0).pack())
    assert c.alerts(p["chair"])[-1] == refusal

    # The deputy decides both; a second press is told it was decided already.
    await c.send(p["deputy"], "/agenda")
    assert "Предложения на рассмотрении заместителя председателя" in c.last_text(p["deputy"])
    await c.click(p["deputy"], "Включить: До отсутствия")
    notice = c.find_button_message(p["deputy"], "Включить")
    await c.click(p["deputy"], "Включить")
    await c.click_data(p["deputy"], notice, AgendaCb(action="inc", item=2, version=1).pack())
    assert c.alerts(p["deputy"])[-1] == (
        "Решение по этому предложению уже принято: вопрос включён в повестку дня."
    )
    await world.deliver()
    assert "Решение принято заместителем председателя" in c.last_text(p["m1"])

    await c.send(p["deputy"], "/agenda")
    await c.click(p["deputy"], "Утвердить повестку дня")
    assert "Утверждена заместителем председателя: Заместитель Зоя" in c.last_text(p["deputy"])
    await world.deliver()
    assert "Утверждена заместителем председателя: Заместитель Зоя" in c.last_text(p["m2"])
    await c.send(p["chair"], "/agenda")
    assert "Утверждена заместителем председателя: Заместитель Зоя" in c.last_text(p["chair"])
    async with world.db.session() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None
        assert meeting.agenda_approved_by == await _person_id(world, p["deputy"].id)


async def test_cl13_the_deputy_is_refused_while_the_chair_is_present(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await propose_item(world, p["m0"], "Вопрос")
    await world.deliver()
    # The proposal went to the chair only.
    assert not any("Вопрос" in text for text in c.texts(p["deputy"]) if "Предложение" in text)
    await c.send(p["deputy"], "/agenda")
    card = c.last_message(p["deputy"])
    await c.click_data(p["deputy"], card, AgendaCb(action="inc", item=1, version=0).pack())
    assert c.alerts(p["deputy"])[-1] == (
        "Заместитель председателя рассматривает предложения и утверждает повестку дня только "
        "на время отсутствия председателя (п. 13 Положения)."
    )
    assert [i.status for i in await agenda_items(world)] == ["proposed"]


async def test_cl13_cl16a_a_guest_checked_in_does_not_keep_a_vote_open(world: World) -> None:
    """Everyone present means every member present: a guest never votes (cl. 14, 16 а), so a
    guest checked in must not stop the vote from closing when all members have voted."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    guest = make_outsider(world)
    await c.send(guest, f"/start {await invite_guest(world, p['clerk'])}")
    await open_meeting_with(world, p, ["chair", "deputy", "m0"])
    await c.click(guest, "Отметиться")
    item = await propose_additional_item(world, p, "При приглашённом")
    await _put_to_vote(world, p["chair"], "При приглашённом")
    await world.deliver()
    assert "из 3" in await vote_on_item(world, p["m0"], item, "for")
    await vote_on_item(world, p["deputy"], item, "for")
    assert "консенсус" in await vote_on_item(world, p["chair"], item, "for")
    assert await _status(world, item) == "included"


async def test_cl13_a_proposal_stranded_by_an_earlier_approval_can_be_put_to_the_vote(
    world: World,
) -> None:
    """Finding 7, data from before the fix: a proposal left undecided by an approval is shown
    as an additional item and the presiding person can put it to the vote."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "Основной вопрос")
    await c.click(p["chair"], "Готово")
    await c.click(p["chair"], "Утвердить повестку дня")
    async with world.db.session() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None
        s.add(
            AgendaItem(
                meeting_id=meeting.id,
                position=0,
                title="Оставшееся без решения",
                source="proposal",
                status="proposed",
                created_at=world.clock.now(),
            )
        )
        await s.commit()
    await open_meeting_with(world, p, ["chair", "deputy", "m0"])
    await c.send(p["chair"], "/agenda")
    assert "⏳ Оставшееся без решения — ждёт голосования" in c.last_text(p["chair"])
    await c.click(p["chair"], "На голосование: Оставшееся без решения")
    await world.deliver()
    stranded = next(i.id for i in await agenda_items(world) if i.title == "Оставшееся без решения")
    for key in ("chair", "deputy", "m0"):
        answer = await vote_on_item(world, p[key], stranded, "for")
    assert "консенсус" in answer
    assert await _status(world, stranded) == "included"
