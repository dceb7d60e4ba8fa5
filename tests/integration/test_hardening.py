"""Hardening at the dispatcher level: a dialog step delivered twice is applied once
(issue #12, finding 15), out-of-range button data is "out of date" (issue #14, finding 1),
a reply refused with 429 is sent again (issue #14, finding 10), and a broadcast's progress
card is found again after a restart (issue #14, finding 13)."""

from __future__ import annotations

import logging
import re
import time
from enum import Enum
from functools import partial
from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.callbacks import MAX_ID, Payload
from bot.clock import FrozenClock
from bot.delivery.replies import MAX_WAIT_S
from bot.services.outbox import Envelope, enqueue
from storage.db import write
from storage.models import FsmRecord, Meeting, OutboxMessage, ProcessedUpdate
from tests.conftest import World, build_world
from tests.support.bot_client import FakeUser
from tests.support.payloads import payload_classes
from tests.support.recording_session import network_error, retry_after
from tests.support.steps.onboarding import create_invite, join


async def _person(world: World, uid: int, role: str, name: str) -> FakeUser:
    user = world.client.user(uid, name, language_code="ru")
    await join(world, user, await create_invite(world, world.admin(), role, name=name))
    return user


async def test_a_meeting_title_delivered_twice_does_not_become_the_venue(any_world: World) -> None:
    """Telegram delivers the title step again after the chair has moved on (the bot was
    killed before it confirmed the batch): the redelivery changes nothing."""
    world = any_world
    c = world.client
    chair = await _person(world, 9101, "председатель рабочей группы", "Председатель Пётр")
    await c.send(chair, "/newmeeting")
    title = c.message_update(chair, "Заседание по клиентоцентричности")
    await c.feed(title)
    await c.click(chair, "Очное")
    asked_for_venue = c.last_text(chair)
    sent_before = len(c.sent_to(chair))

    await c.feed(title)  # the same update_id once more

    assert len(c.sent_to(chair)) == sent_before, "the redelivered step was answered again"
    assert c.last_text(chair) == asked_for_venue
    await c.send(chair, "ул. Тверская, д. 1, каб. 305")
    await c.send(chair, "05.12.2026 15:00")
    preview = c.last_text(chair)
    assert "Проверьте заседание" in preview
    assert "ул. Тверская, д. 1, каб. 305" in preview
    await c.click(chair, "Подтвердить")
    async with world.db.session() as s:
        meeting = (await s.scalars(select(Meeting))).one()
        assert meeting.title == "Заседание по клиентоцентричности"
        assert meeting.place == "ул. Тверская, д. 1, каб. 305"


async def test_a_step_that_failed_half_way_leaves_the_dialog_where_it_was(world: World) -> None:
    """The title is taken but the question that follows cannot be sent (an unexpected
    error): the person is told "nothing changed", and indeed the dialog still waits for the
    title, so sending it again carries on."""
    c = world.client
    chair = await _person(world, 9101, "председатель рабочей группы", "Председатель Пётр")
    await c.send(chair, "/newmeeting")
    asked_for_title = c.last_text(chair)
    world.session.fail_next(SendMessage, network_error, chat_id=chair.id)
    await c.send(chair, "Тема заседания")
    assert INTERNAL in c.last_text(chair)
    async with world.db.session() as s:
        rows = (await s.scalars(select(FsmRecord))).all()
        assert all("title" not in row.data for row in rows)

    await c.send(chair, "Тема заседания")
    assert c.last_text(chair) != asked_for_title
    await c.click(chair, "Очное")


async def test_a_dialog_step_commits_with_the_update_mark(world: World) -> None:
    """The step and the update's redelivery mark are one commit: after the title step the
    dialog row and the mark are both there, and a fresh storage (a restart) sees the step."""
    c = world.client
    chair = await _person(world, 9101, "председатель рабочей группы", "Председатель Пётр")
    await c.send(chair, "/newmeeting")
    title = c.message_update(chair, "Тема заседания")
    await c.feed(title)
    async with world.db.session() as s:
        rows = (await s.scalars(select(FsmRecord))).all()
        row = next(r for r in rows if r.key.split(":")[1:3] == [str(chair.id)] * 2)
        assert row.data.get("title") == "Тема заседания"
        assert await s.get(ProcessedUpdate, title.update_id) is not None


# --- finding 1: button data out of range -------------------------------------------------

STALE = "Кнопка устарела или данные уже изменились. Откройте раздел заново."
NOT_ALLOWED = "У вас нет прав на это действие."
# A button the presser's roles rule out says who may press it (UX.md: a refusal says why).
ROLE_FORBIDDEN = "Это действие доступно только ролям: "
INTERNAL = "внутренней ошибки"


async def _press(world: World, user: FakeUser, data: str) -> list[str]:
    """Presses a forged button under the user's last message; returns the alerts it got."""
    c = world.client
    before = len(c.callback_answers(user))
    await c.feed(c.callback_update(user, c.last_message(user), data))
    return [answer.text or "" for answer in c.callback_answers(user)[before:]]


async def test_reported_out_of_range_presses_are_out_of_date(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The payloads of the report: a vote on item 10^30 and a meeting card 10^30."""
    admin = world.admin()
    await world.client.send(admin, "/start")
    huge = "1" + "0" * 30
    for data in (f"vt:{huge}:for", f"mt:card:{huge}:", "vt:2147483648:for", "mt:card:-5:"):
        assert await _press(world, admin, data) == [STALE], data
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not any(INTERNAL in text for text in world.client.texts(admin))


PREFIXES = sorted(cls.__prefix__ for cls in payload_classes())
HANDLERS = Path(__file__).resolve().parents[2] / "handlers"


def _codes_in_filters() -> dict[str, list[str]]:
    """The short codes the handlers match per payload class (`XCb.filter(F.action == "card")`),
    so that a fuzzed press reaches a real handler rather than only the fallback."""
    codes: dict[str, set[str]] = {}
    for source in HANDLERS.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        for found in re.finditer(r"(\w+Cb)\.filter\(", text):
            window = text[found.end() : found.end() + 200].split("\n\n", 1)[0]
            codes.setdefault(found.group(1), set()).update(re.findall(r'"(\w+)"', window))
    return {name: sorted(values) for name, values in codes.items()}


CODES = _codes_in_filters()


def _valid_part(cls: type[Payload], name: str) -> st.SearchStrategy[str]:
    annotation = cls.model_fields[name].annotation
    if annotation is int:
        return st.integers(0, 50).map(str)
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return st.sampled_from([str(member.value) for member in annotation])
    return st.sampled_from(["", *CODES.get(cls.__name__, [])])


GARBAGE = st.one_of(
    st.integers(max_value=-1).map(str),
    st.integers(min_value=MAX_ID + 1).map(str),
    st.text(st.characters(codec="ascii", exclude_characters=":"), max_size=6),
)


_PRESSERS: dict[int, list[FakeUser]] = {}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=st.data())
async def test_fuzz_every_prefix_a_press_that_does_not_decode_is_out_of_date(
    world: World, case: st.DataObject
) -> None:
    """Over every payload prefix: an id out of range (or a part that is not a number, or a
    wrong count of parts) is answered "out of date" (or "not allowed" for a family of
    buttons the presser's role may not use), never with the internal-error apology."""
    admin = world.admin()
    if not world.client.messages(admin):
        await world.client.send(admin, "/start")
        # People of the roster (an administrator outside it is told so by the gate).
        _PRESSERS[id(world)] = [
            await _person(world, 9101, "председатель рабочей группы", "Председатель Пётр"),
            await _person(world, 9103, "сотрудник секретариата", "Секретарь Сергей"),
        ]
    presser = case.draw(st.sampled_from(_PRESSERS[id(world)]))
    prefix = case.draw(st.sampled_from(PREFIXES))
    cls = next(c for c in payload_classes() if c.__prefix__ == prefix)
    names = list(cls.model_fields)
    ints = [n for n in names if cls.model_fields[n].annotation is int]
    out_of_range = st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_ID + 1))
    parts = case.draw(
        st.one_of(
            # A real press (codes the handlers know, small ids) with one id out of range.
            st.sampled_from(ints or names).flatmap(
                lambda bad: st.tuples(
                    *(
                        out_of_range.map(str) if n == bad and ints else _valid_part(cls, n)
                        for n in names
                    )
                )
            ),
            # Anything at all after the prefix.
            st.lists(GARBAGE, max_size=len(names) + 1).map(tuple),
        )
    )
    data = ":".join((prefix, *parts))
    alerts = await _press(world, presser, data)
    assert len(alerts) <= 1, (data, alerts)
    assert not any(INTERNAL in text for text in alerts), data
    if _out_of_range(cls, parts) or not _decodes(cls, data):
        refused_for_role = len(alerts) == 1 and alerts[0].startswith(ROLE_FORBIDDEN)
        assert alerts in ([STALE], [NOT_ALLOWED]) or refused_for_role, (data, alerts)


def _out_of_range(cls: type[Payload], parts: tuple[str, ...]) -> bool:
    """What must not decode, judged apart from the decoder: a wrong count of parts, or a
    number in an id field beyond what the database holds."""
    if len(parts) != len(cls.model_fields):
        return True
    for name, part in zip(cls.model_fields, parts, strict=True):
        number = cls.model_fields[name].annotation is int and re.fullmatch(r"-?[0-9]+", part)
        if number and not 0 <= int(part) <= MAX_ID:
            return True
    return False


def _decodes(cls: type[Payload], data: str) -> bool:
    try:
        cls.unpack(data)
    except (TypeError, ValueError):
        return False
    return True


# --- finding 10: a reply refused with 429 -------------------------------------------------


async def test_a_reply_refused_with_429_is_sent_again_after_retry_after(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The person gets their answer, not the apology; the 429 is a warning, not an error."""
    c = world.client
    member = await _person(world, 9104, "член рабочей группы", "Член Мария")
    await c.send(member, "/help")
    expected = c.last_text(member)
    world.session.fail_next(SendMessage, partial(retry_after, seconds=1), chat_id=member.id)
    caplog.clear()
    started = time.monotonic()

    await c.send(member, "/help")

    assert time.monotonic() - started >= 1.0, "sent again before retry_after ran out"
    assert c.last_text(member) == expected
    assert not any(INTERNAL in text for text in c.texts(member))
    assert [f.method for f in world.session.failed if isinstance(f.method, SendMessage)]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert any("429" in r.getMessage() for r in warnings)


async def test_a_press_answered_after_429_gets_its_alert(world: World) -> None:
    """A refusal shown as an alert is a reply too."""
    c = world.client
    member = await _person(world, 9104, "член рабочей группы", "Член Мария")
    await c.send(member, "/start")
    world.session.fail_next(AnswerCallbackQuery, partial(retry_after, seconds=1))
    assert await _press(world, member, "vt:2147483648:for") == [STALE]


async def test_a_429_longer_than_anyone_waits_is_given_up_with_a_warning(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    c = world.client
    member = await _person(world, 9104, "член рабочей группы", "Член Мария")
    world.session.fail_next(SendMessage, partial(retry_after, seconds=3600), chat_id=member.id)
    caplog.clear()
    started = time.monotonic()

    await c.send(member, "/help")

    assert time.monotonic() - started < MAX_WAIT_S
    assert not any(INTERNAL in text for text in c.texts(member))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("given up" in r.getMessage() for r in caplog.records)


async def test_the_outbox_sender_keeps_its_own_429_policy(world: World) -> None:
    """A message the bot sends on its own is not held by the reply retry: its row waits
    for `retry_after` in the outbox while the sender goes on."""
    c = world.client
    member = await _person(world, 9104, "член рабочей группы", "Член Мария")
    world.session.fail_next(SendMessage, partial(retry_after, seconds=3600), chat_id=member.id)
    async with world.db.session() as s, write(s):
        await enqueue(
            s,
            [Envelope(key="t:1", kind="broadcast", chat_id=member.id, text="Сообщение")],
            world.clock.now(),
        )
    started = time.monotonic()
    await world.sender.drain()
    assert time.monotonic() - started < 5
    async with world.db.session() as s:
        row = (await s.scalars(select(OutboxMessage).where(OutboxMessage.key == "t:1"))).one()
        assert row.status == "pending"
    assert "Сообщение" not in c.texts(member)


# --- finding 13: the progress card after a restart ---------------------------------------


class Killed(BaseException):
    """The process dies here (kill -9): nothing after this line runs."""


async def test_a_broadcasts_progress_card_is_found_again_after_a_restart(
    world: World, clock: FrozenClock
) -> None:
    """The bot is killed right after the first delivery, before it turned the preview card
    into the progress card: after the restart the card still shows the progress and ends
    with the final figures, not «отправлено 0 из 2» forever."""
    c = world.client
    clerk = await _person(world, 9103, "сотрудник секретариата", "Секретарь Сергей")
    await _person(world, 9104, "член рабочей группы", "Член Мария")
    await _person(world, 9105, "член рабочей группы", "Член Иван")
    await c.send(clerk, "/broadcast")
    await c.send(clerk, "Материалы к заседанию")
    await c.click(clerk, "Членам рабочей группы (2)")
    card = c.find_button_message(clerk, "Подтвердить")
    world.session.fail_next(EditMessageText, lambda method: Killed(), chat_id=clerk.id)
    with pytest.raises(Killed):
        await c.click(clerk, "Подтвердить")
    await world.sender.drain()  # the sender, woken by the commit, delivered before the kill
    await world.db.dispose()

    restarted = await build_world(world.db.url, clock)
    try:
        await restarted.deliver()
        edits = [
            r
            for r in restarted.session.requests
            if isinstance(r, EditMessageText) and r.chat_id == clerk.id
        ]
        assert edits, "the progress card was never edited after the restart"
        assert {e.message_id for e in edits} == {card.message_id}
        assert "Рассылка № 1 завершена: доставлено 2 из 2" in (edits[-1].text or "")
    finally:
        await restarted.db.dispose()
