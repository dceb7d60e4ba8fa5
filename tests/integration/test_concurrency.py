"""Concurrent and repeated presses (issue #14, findings 5, 6 and 12b): of two presses that
arrive together, through the real dispatcher, exactly one changes the state and the other
is told it already happened and writes nothing; a press repeated with the same answer
changes nothing and writes no audit entry. Each test runs on SQLite and on PostgreSQL
(where TEST_POSTGRES_URL is set): SQLite serializes writers, PostgreSQL needs the row
locks that the transitions take."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from aiogram.methods import AnswerCallbackQuery
from aiogram.types import Update
from sqlalchemy import func, select

from bot.callbacks import VoteCb
from bot.domain.agenda import Choice
from bot.services.actor import load_actor
from storage.models import (
    AuditEntry,
    Meeting,
    Person,
    ProcessedUpdate,
    Protocol,
    ProtocolAnswer,
    Rsvp,
    Vote,
)
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.agenda import propose_additional_item, vote_on_item
from tests.support.steps.meetings import (
    at_meeting_start,
    open_meeting_card,
    open_meeting_with,
    schedule_meeting,
)
from tests.support.steps.onboarding import working_group
from tests.support.steps.protocols import held_meeting, open_protocol, write_protocol_item

ALREADY_OPEN = "Заседание уже открыто."
ALREADY_CLOSED = "Заседание уже закрыто."
ALREADY_CANCELLED = "Заседание уже отменено."
AGENDA_APPROVED_BEFORE = "Повестка дня уже утверждена."
SIGNED = "Протокол подписан и не может быть изменён."
ASK_MODE = "В какой форме вы участвовали в заседании?"
CONSENT_REQUESTED_BEFORE = "Проект протокола уже направлен на согласование"
VOTE_CLOSED = "Голосование по этому вопросу завершено."
ONLY_PRESENT_VOTE = "Голосуют только члены рабочей группы, отметившиеся на заседании."


def _press(world: World, user: FakeUser, label: str) -> Update:
    """The press of the button labelled ``label`` on the user's newest message having it,
    built but not fed: presses built before any is fed are presses on the same screen."""
    c = world.client
    message = c.find_button_message(user, label)
    data = next(d for row in c.buttons(message) for text, d in row if text == label and d)
    return c.callback_update(user, message, data)


async def _together(world: World, *presses: Update) -> None:
    """The presses fed at once, as two people (or one person twice) pressing together."""
    await asyncio.gather(*(world.client.feed(press) for press in presses))


def _answers(world: World, *presses: Update) -> list[str]:
    """What each press was answered (toasts and alerts alike)."""
    ids = {p.callback_query.id for p in presses if p.callback_query is not None}
    return [
        request.text or ""
        for request in world.session.requests
        if isinstance(request, AnswerCallbackQuery) and request.callback_query_id in ids
    ]


async def _audits(world: World, action: str) -> int:
    async with world.db.session() as s:
        found = await s.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        )
    return int(found or 0)


async def _meeting_status(world: World) -> str:
    async with world.db.session() as s:
        return (await s.scalars(select(Meeting.status))).one()


async def _on_card(world: World, *users: FakeUser) -> None:
    for user in users:
        await open_meeting_card(world, user)


async def _changed_once(
    world: World, presses: list[Update], *, audit: str, status: str, refusal: str
) -> None:
    """Of the presses at once, one changed the meeting (one audit entry, the new status)
    and another was told it had already happened."""
    assert await _audits(world, audit) == 1
    assert await _meeting_status(world) == status
    assert refusal in _answers(world, *presses)


async def test_finding5_two_people_open_the_meeting_at_once(any_world: World) -> None:
    """#14 finding 5 (cl. 12): the chair and the secretariat press «Открыть заседание»
    together: it is opened once, members are told once, the other is told it is open."""
    world = any_world
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await at_meeting_start(world)
    await _on_card(world, p["chair"], p["clerk"])
    presses = [_press(world, p[k], "Открыть заседание") for k in ("chair", "clerk")]

    await _together(world, *presses)

    await _changed_once(world, presses, audit="meeting_opened", status="open", refusal=ALREADY_OPEN)
    await world.deliver()
    opened = [t for t in world.client.texts(p["m0"]) if "Заседание открыто" in t]
    assert len(opened) == 1, opened


async def test_finding5_the_meeting_is_closed_once(any_world: World) -> None:
    """#14 finding 5 (cl. 12): «Закрыть заседание» pressed by two people at once."""
    world = any_world
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    c = world.client
    await at_meeting_start(world)
    await open_meeting_card(world, p["clerk"])
    await c.click(p["clerk"], "Открыть заседание")
    await open_meeting_card(world, p["clerk"])
    await c.click(p["clerk"], "Прикрепить аудиозапись")
    await c.send_audio(p["clerk"], file_name="rec.mp3", content=b"mp3", file_size=3)
    await _on_card(world, p["chair"], p["clerk"])
    presses = [_press(world, p[k], "Закрыть заседание") for k in ("chair", "clerk")]

    await _together(world, *presses)

    await _changed_once(
        world, presses, audit="meeting_closed", status="closed", refusal=ALREADY_CLOSED
    )


async def test_finding5_a_double_tap_cancels_the_meeting_once(any_world: World) -> None:
    """#14 finding 5 (cl. 13): the chair confirms the cancellation twice at once: one
    cancellation, one notice to each member."""
    world = any_world
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    await open_meeting_card(world, p["chair"])
    await world.client.click(p["chair"], "Отменить заседание")
    presses = [_press(world, p["chair"], "Подтвердить") for _ in range(2)]

    await _together(world, *presses)

    await _changed_once(
        world, presses, audit="meeting_cancelled", status="cancelled", refusal=ALREADY_CANCELLED
    )
    await world.deliver()
    cancelled = [t for t in world.client.texts(p["m0"]) if "Заседание отменено" in t]
    assert len(cancelled) == 1, cancelled


async def test_finding5_a_double_tap_approves_the_agenda_once(any_world: World) -> None:
    """#14 finding 5 (cl. 13): «Утвердить повестку» twice at once: one approval, one
    announcement."""
    world = any_world
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    c = world.client
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "О стандарте обслуживания")
    await c.click(p["chair"], "Готово")
    presses = [_press(world, p["chair"], "Утвердить повестку дня") for _ in range(2)]

    await _together(world, *presses)

    assert await _audits(world, "agenda_approved") == 1
    assert AGENDA_APPROVED_BEFORE in _answers(world, *presses)


async def _ready_to_sign(world: World) -> dict[str, FakeUser]:
    """A held meeting whose protocol everyone present consented to."""
    p = await held_meeting(world)
    c = world.client
    await open_protocol(world, p["clerk"])
    await write_protocol_item(world, p["clerk"], 1, "Одобрить стандарт.")
    await write_protocol_item(world, p["clerk"], 2, "Принять к сведению.")
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await c.click(p[key], "Подтверждаю устное согласие")
        await world.deliver()
        await c.click(p[key], "Очно")
    return p


async def test_finding5_a_double_tap_signs_the_protocol_once(any_world: World) -> None:
    """#14 finding 5 (cl. 14): the presiding person confirms the signature twice at once:
    one signature, one distribution, the second press told it is signed."""
    world = any_world
    p = await _ready_to_sign(world)
    c = world.client
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    await c.click(p["deputy"], "Подписать протокол")
    presses = [_press(world, p["deputy"], "Подтвердить") for _ in range(2)]

    await _together(world, *presses)

    assert await _audits(world, "protocol_signed") == 1
    assert SIGNED in _answers(world, *presses)
    async with world.db.session() as s:
        assert (await s.scalars(select(Protocol.status))).one() == "signed"


async def test_finding6_the_consent_mode_pressed_twice_is_recorded_once(any_world: World) -> None:
    """#14 finding 6 (cl. 14): «Очно» twice at once records one consent and one audit
    entry; pressed once more later, it changes nothing either."""
    world = any_world
    p = await held_meeting(world)
    c = world.client
    await open_protocol(world, p["clerk"])
    await write_protocol_item(world, p["clerk"], 1, "Одобрить стандарт.")
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    await c.click(p["m0"], "Подтверждаю устное согласие")
    await world.deliver()
    first, second, later = (_press(world, p["m0"], "Очно") for _ in range(3))

    await _together(world, first, second)
    await c.feed(later)  # the same button, pressed again after the answer was shown

    async with world.db.session() as s:
        answers = (await s.scalars(select(ProtocolAnswer))).all()
    assert [(a.kind, a.mode) for a in answers] == [("consent", "in_person")]
    assert await _audits(world, "consented") == 1


async def test_finding12b_a_double_consent_press_asks_the_mode_once(any_world: World) -> None:
    """#14 finding 12b (cl. 14): «Подтверждаю устное согласие» twice sends the question of
    how the member took part once."""
    world = any_world
    p = await held_meeting(world)
    c = world.client
    await open_protocol(world, p["clerk"])
    await write_protocol_item(world, p["clerk"], 1, "Одобрить стандарт.")
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    presses = [_press(world, p["m0"], "Подтверждаю устное согласие") for _ in range(2)]

    await _together(world, *presses)
    await world.deliver()

    asked = [t for t in c.texts(p["m0"]) if ASK_MODE in t]
    assert len(asked) == 1, asked


async def test_finding6_the_same_rsvp_twice_writes_one_audit_entry(any_world: World) -> None:
    """#14 finding 6 (cl. 12): «Буду очно» pressed twice (and twice at once) keeps the
    answer and audits it once; another answer is a change and is audited."""
    world = any_world
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    presses = [_press(world, p["m0"], "Буду очно") for _ in range(2)]

    await _together(world, *presses)
    await world.client.feed(_press(world, p["m0"], "Буду очно"))

    assert await _audits(world, "rsvp") == 1
    await world.client.feed(_press(world, p["m0"], "Буду дистанционно"))
    assert await _audits(world, "rsvp") == 2
    async with world.db.session() as s:
        assert (await s.scalars(select(Rsvp.answer))).one() == "remote"


async def test_finding6_a_double_check_in_is_counted_once(any_world: World) -> None:
    """#14 finding 6 (cl. 14): «Отметиться» twice at once: present once, audited once."""
    world = any_world
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await open_meeting_card(world, p["clerk"])
    await world.client.click(p["clerk"], "Открыть заседание")
    await world.deliver()
    presses = [_press(world, p["m0"], "Отметиться") for _ in range(2)]

    await _together(world, *presses)

    assert await _audits(world, "checked_in") == 1


async def test_finding5_a_double_tap_sends_the_draft_for_consent_once(any_world: World) -> None:
    """#14 finding 5 (cl. 14): «Направить на согласование» twice at once: one request, one
    audit entry, one stored draft; the second press is told it was sent."""
    world = any_world
    p = await held_meeting(world)
    await open_protocol(world, p["clerk"])
    await write_protocol_item(world, p["clerk"], 1, "Одобрить стандарт.")
    presses = [_press(world, p["clerk"], "Направить на согласование") for _ in range(2)]

    await _together(world, *presses)

    assert await _audits(world, "consent_requested") == 1
    assert CONSENT_REQUESTED_BEFORE in " ".join(_answers(world, *presses))


async def test_finding5_a_vote_is_started_and_closed_once(any_world: World) -> None:
    """#14 finding 5 (cl. 13-14): the presiding person puts an additional item to the vote
    twice at once, then closes it twice at once: one start, one result."""
    world = any_world
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await open_meeting_with(world, p, ["chair", "deputy", "m0"])
    item = await propose_additional_item(world, p, "Дополнительный вопрос")
    await world.client.send(p["chair"], "/agenda")
    started = [_press(world, p["chair"], "На голосование: Дополнительный вопрос") for _ in "12"]

    await _together(world, *started)

    assert await _audits(world, "vote_started") == 1
    await world.deliver()
    await vote_on_item(world, p["m0"], item, "for")
    await world.client.send(p["chair"], "/agenda")
    closing = [
        _press(world, p["chair"], "Завершить голосование: Дополнительный вопрос") for _ in "12"
    ]

    await _together(world, *closing)

    assert await _audits(world, "vote_closed") == 1
    assert VOTE_CLOSED in _answers(world, *closing)


async def _voting_on_additional_item(world: World) -> tuple[dict[str, FakeUser], int]:
    """A meeting with the chair, the deputy, m0 and m1 checked in (m2 is not), voting on
    an additional item m2 proposed."""
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await open_meeting_with(world, p, ["chair", "deputy", "m0", "m1"])
    item = await propose_additional_item(world, p, "Дополнительный вопрос")
    await world.client.send(p["chair"], "/agenda")
    await world.client.click(p["chair"], "На голосование: Дополнительный вопрос")
    return p, item


async def test_votes_pressed_together_count_once_each(any_world: World) -> None:
    """Cl. 13-14: members present vote on an additional item at the same moment (the votes
    are written together in one transaction). Each counts once, a member who pressed twice
    keeps one vote, an update delivered twice writes one vote and one audit entry, a member
    not checked in is refused, and nobody gets the internal-error apology."""
    world = any_world
    p, item = await _voting_on_additional_item(world)
    await world.deliver()
    c = world.client

    def vote(user: FakeUser, choice: str) -> Update:
        message = c.last_message(user)
        assert message is not None
        return c.callback_update(user, message, VoteCb(item=item, choice=choice).pack())

    deputy_vote = vote(p["deputy"], "against")
    presses = [
        vote(p["m0"], "for"),
        vote(p["m1"], "abstain"),
        vote(p["m1"], "abstain"),
        deputy_vote,
        deputy_vote,  # the same update, delivered twice
        vote(p["m2"], "for"),  # not checked in
    ]

    await _together(world, *presses)

    async with world.db.session() as s:
        stored = dict((await s.execute(select(Vote.person_id, Vote.choice))).all())
        names = dict((await s.execute(select(Person.id, Person.full_name))).all())
    assert sorted((names[person], choice) for person, choice in stored.items()) == [
        ("Заместитель Зоя", "against"),
        ("Член 0", "for"),
        ("Член 1", "abstain"),
    ]
    assert await _audits(world, "voted") == 4  # m0, m1 twice, the deputy once
    async with world.db.session() as s:
        audited = (
            await s.execute(
                select(AuditEntry.details, AuditEntry.update_id).where(AuditEntry.action == "voted")
            )
        ).all()
    # Each entry names its own update and the choice pressed.
    assert len({update_id for _, update_id in audited if update_id is not None}) == 4
    assert sorted(details["choice"] for details, _ in audited) == [
        "abstain",
        "abstain",
        "against",
        "for",
    ]
    answers = _answers(world, *presses)
    assert not [a for a in answers if "внутренней ошибки" in a]
    assert sum(a.startswith("Голос учтён") for a in answers) >= 4
    assert answers.count(ONLY_PRESENT_VOTE) == 1


async def test_a_vote_redelivered_after_its_batch_committed_does_not_fail_the_next_batch(
    any_world: World,
) -> None:
    """Cl. 13-14: the redelivery mark of a vote can be committed by one batch just after
    the same update, delivered again, passed the redelivery check. Its second copy then
    arrives in the next batch with other members' votes: those still count, and the vote
    is not counted twice."""
    world = any_world
    p, item = await _voting_on_additional_item(world)
    now = world.clock.now()
    async with world.db.session() as s:
        actors = [
            await load_actor(
                s,
                group_id=world.app.group_id,
                telegram_id=p[key].id,
                telegram_name=p[key].first_name,
                language_code="ru",
                admin_ids=frozenset(),
                default_locale="ru",
            )
            for key in ("m0", "m1")
        ]
    batcher = world.dp["votes"]
    await batcher.submit(actors[0], item, Choice.FOR, update_id=777_001, received_at=now)

    await asyncio.gather(
        batcher.submit(actors[0], item, Choice.FOR, update_id=777_001, received_at=now),
        batcher.submit(actors[1], item, Choice.AGAINST, update_id=777_002, received_at=now),
    )

    async with world.db.session() as s:
        stored = sorted((await s.execute(select(Vote.choice))).scalars())
        marks = await s.scalar(
            select(func.count())
            .select_from(ProcessedUpdate)
            .where(ProcessedUpdate.update_id.in_([777_001, 777_002]))
        )
    assert stored == ["against", "for"]
    assert marks == 2
