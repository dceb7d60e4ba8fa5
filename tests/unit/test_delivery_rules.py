"""Pure rules of the delivery engine: pacing, retry decisions, splitting long texts."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.delivery.limits import RateLimiter
from bot.delivery.policy import (
    MAX_SERVER_ATTEMPTS,
    Outcome,
    Status,
    backoff,
    decide,
)
from bot.delivery.split import all_balanced, split_text


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_overall_pace_is_even_and_never_thirty_one_in_a_second() -> None:
    t = FakeTime()
    limiter = RateLimiter(clock=t)  # the default: Telegram's 30 a second
    for chat in range(30):
        t.now = 1000.0 + chat / 30
        assert limiter.delay(chat) == pytest.approx(0, abs=1e-9)
        limiter.reserve(chat)
        t.now += 0.005  # a 5 ms round trip
        limiter.answered()
        if chat < 29:
            assert limiter.overall_delay() == pytest.approx(1 / 30 - 0.005)
    # The 31st keeps the even pace only if the 1st was answered a second before: it was
    # answered at 1000.005, so it waits those 5 ms more.
    t.now = 1000.0 + 30 / 30
    assert limiter.overall_delay() == pytest.approx(0.005)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(0.0005, 0.3),  # round trip
            st.floats(0.0, 1.0),  # share of it before Telegram counts the message
            st.floats(0.0, 0.05),  # claiming the row before the send
            st.booleans(),  # answered with 429
        ),
        min_size=31,
        max_size=150,
    ),
    st.sampled_from([30.0, 29.5, 5.0]),
)
def test_telegram_never_counts_more_than_the_limit_in_a_second(
    sends: list[tuple[float, float, float, bool]], per_second: float
) -> None:
    """However the network's delay varies, the messages Telegram delivered (429s deliver
    nothing) never exceed per_second in any second as Telegram sees them."""
    t = FakeTime()
    limiter = RateLimiter(per_second, clock=t)
    seen: list[float] = []
    for chat, (round_trip, way_in, claim, refused) in enumerate(sends):
        t.now += limiter.overall_delay() + claim
        t.now += limiter.overall_delay()  # the sender checks again once the row is claimed
        limiter.reserve(chat)
        if not refused:
            seen.append(t.now + round_trip * way_in)
        t.now += round_trip
        if refused:
            limiter.refused(chat, 1.0)
        else:
            limiter.answered()
    seen.sort()
    most = max(len([a for a in seen if start <= a < start + 1.0]) for start in seen)
    assert most <= per_second


def test_a_fast_link_keeps_close_to_thirty_a_second() -> None:
    t = FakeTime()
    limiter = RateLimiter(clock=t)
    started = t.now
    for chat in range(300):
        t.now += limiter.overall_delay()
        limiter.reserve(chat)
        t.now += 0.005
        limiter.answered()
    assert 300 / (t.now - started) > 29.8


def test_one_message_a_second_per_private_chat_and_three_seconds_per_group() -> None:
    t = FakeTime()
    limiter = RateLimiter(1000.0, clock=t)
    limiter.reserve(5)
    limiter.reserve(-100)
    assert limiter.delay(5) == pytest.approx(1.0)
    assert limiter.delay(-100) == pytest.approx(3.0)  # 20 a minute in a group chat
    assert set(limiter.busy_chats()) == {5, -100}
    t.now += 1.0
    assert limiter.busy_chats() == [-100]


def test_a_429_gives_back_the_overall_slot_and_holds_the_chat() -> None:
    t = FakeTime()
    limiter = RateLimiter(10.0, clock=t)
    limiter.reserve(7)
    limiter.refused(7, 2.5)
    assert limiter.overall_delay() == 0.0
    assert limiter.delay(7) == pytest.approx(2.5)
    assert limiter.delay(8) == 0.0


def test_a_429_hands_back_its_slot_so_the_pace_keeps_to_the_schedule() -> None:
    t = FakeTime()
    limiter = RateLimiter(10.0, clock=t)
    limiter.reserve(1)  # slot at 1000.0
    t.now += 0.1
    limiter.reserve(2)  # slot at 1000.1, refused after a 30 ms round trip
    t.now += 0.03
    limiter.refused(2, 1.0)
    assert limiter.overall_delay() == 0.0
    limiter.reserve(3)  # takes the handed-back slot of 1000.1, 30 ms late
    # The next one keeps to the schedule (1000.2), not 100 ms after the late send.
    assert limiter.overall_delay() == pytest.approx(0.07)
    t.now += 0.07
    limiter.reserve(4)
    assert limiter.overall_delay() == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (Outcome.SENT, Status.SENT),
        (Outcome.BLOCKED, Status.BLOCKED),
        (Outcome.REJECTED, Status.FAILED),
    ],
)
def test_final_outcomes(outcome: Outcome, status: Status) -> None:
    assert decide(outcome, kind="broadcast", attempts=1, unknown_count=0).status is status


def test_retry_after_is_obeyed_to_the_second() -> None:
    decision = decide(
        Outcome.RETRY_AFTER, kind="broadcast", attempts=1, unknown_count=0, retry_after=17
    )
    assert decision.status is Status.PENDING and decision.retry_in == timedelta(seconds=17)


def test_server_errors_retry_until_the_limit() -> None:
    rng = random.Random(1)
    for attempt in range(1, MAX_SERVER_ATTEMPTS):
        d = decide(Outcome.SERVER_ERROR, kind="x", attempts=attempt, unknown_count=0, rng=rng)
        assert d.status is Status.PENDING and d.retry_in is not None
    last = decide(Outcome.SERVER_ERROR, kind="x", attempts=MAX_SERVER_ATTEMPTS, unknown_count=0)
    assert last.status is Status.FAILED


def test_unknown_is_resent_per_kind_policy() -> None:
    assert decide(Outcome.UNKNOWN, kind="broadcast", attempts=1, unknown_count=1).status is (
        Status.PENDING
    )
    assert decide(Outcome.UNKNOWN, kind="broadcast", attempts=2, unknown_count=2).status is (
        Status.UNKNOWN
    )
    assert decide(Outcome.UNKNOWN, kind="progress", attempts=3, unknown_count=3).status is (
        Status.PENDING
    )


@given(st.integers(min_value=1, max_value=40), st.integers(min_value=0, max_value=2**32))
def test_backoff_grows_and_stays_capped(attempt: int, seed: int) -> None:
    delay = backoff(attempt, random.Random(seed))
    assert timedelta(seconds=0.9) <= delay <= timedelta(seconds=600)
    if attempt >= 2:
        assert delay >= backoff(1, random.Random(seed)) - timedelta(seconds=1)


paragraph = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd"), whitelist_characters=" .,"),
    min_size=1,
    max_size=900,
).map(lambda s: f"<b>{s[:10]}</b> {s}")


@given(st.lists(paragraph, min_size=1, max_size=20), st.sampled_from([200, 1024, 4096]))
def test_split_parts_fit_keep_order_and_tags(paragraphs: list[str], limit: int) -> None:
    text = "\n\n".join(paragraphs)
    parts = split_text(text, limit)
    assert all(len(p) <= limit for p in parts)
    assert "".join(parts).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )
    assert all_balanced(parts)


def test_short_text_is_one_part() -> None:
    assert split_text("Короткий текст") == ["Короткий текст"]
