"""Agenda rules (cl. 13): who votes on additional items, consensus and simple majority."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.agenda import (
    Basis,
    Choice,
    Tally,
    decide_additional_item,
    may_start_vote,
    may_vote,
    tally,
    vote_complete,
)
from bot.domain.roles import Role


@pytest.mark.parametrize(
    ("role", "checked_in", "expected"),
    [
        (Role.MEMBER, True, True),
        (Role.CHAIR, True, True),
        (Role.DEPUTY_CHAIR, True, True),
        (Role.MEMBER, False, False),
        (Role.GUEST, True, False),
        (Role.SECRETARIAT, True, False),
        (None, True, False),
    ],
)
def test_cl13_only_members_present_vote(
    role: Role | None, checked_in: bool, expected: bool
) -> None:
    assert may_vote(role, checked_in=checked_in) is expected


@pytest.mark.parametrize(
    ("present", "fr", "against", "abstain", "expected"),
    [
        (5, 2, 0, 3, Basis.CONSENSUS),  # nobody present objects
        (5, 3, 2, 0, Basis.MAJORITY),  # 3 > 5 / 2
        (4, 2, 1, 1, None),  # 2 is not more than 4 / 2
        (4, 3, 1, 0, Basis.MAJORITY),
        (5, 0, 0, 5, None),  # all abstain: nobody is for it
        (5, 0, 0, 0, None),  # nobody voted
        (1, 1, 0, 0, Basis.CONSENSUS),
        (0, 0, 0, 0, None),
    ],
)
def test_cl13_consensus_or_simple_majority_of_those_present(
    present: int, fr: int, against: int, abstain: int, expected: Basis | None
) -> None:
    assert decide_additional_item(Tally(present, fr, against, abstain)) is expected


def test_cl13_votes_of_members_who_left_do_not_count() -> None:
    votes = {1: Choice.FOR, 2: Choice.AGAINST, 3: Choice.FOR}
    result = tally(votes, present={1, 3, 4})
    assert (result.voted_for, result.against, result.present) == (2, 0, 3)
    assert decide_additional_item(result) is Basis.CONSENSUS


def test_vote_closes_when_everyone_present_has_voted() -> None:
    assert vote_complete(Tally(3, 1, 1, 1))
    assert not vote_complete(Tally(3, 1, 1, 0))
    assert not vote_complete(Tally(0, 0, 0, 0))


def test_cl11_cl14_no_vote_without_presiding_person_or_quorum() -> None:
    assert may_start_vote(has_presiding=True, present_members=3, total_members=5)
    assert not may_start_vote(has_presiding=False, present_members=5, total_members=5)
    assert not may_start_vote(has_presiding=True, present_members=2, total_members=5)


@given(st.data())
def test_cl13_inclusion_properties(data: st.DataObject) -> None:
    present = data.draw(st.integers(min_value=1, max_value=60))
    fr = data.draw(st.integers(min_value=0, max_value=present))
    against = data.draw(st.integers(min_value=0, max_value=present - fr))
    abstain = data.draw(st.integers(min_value=0, max_value=present - fr - against))
    basis = decide_additional_item(Tally(present, fr, against, abstain))
    if 2 * fr > present:
        assert basis is not None  # a majority of those present always includes it
    if against > 0 and 2 * fr <= present:
        assert basis is None  # an objection blocks consensus; then only a majority helps
    if fr == 0:
        assert basis is None  # abstaining and not voting are never "for"
