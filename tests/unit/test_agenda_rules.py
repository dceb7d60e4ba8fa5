"""Agenda rules (cl. 13): who votes on additional items, consensus and simple majority."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.agenda import (
    Basis,
    Choice,
    HolderRefusal,
    Tally,
    absent_until,
    agenda_holder,
    agenda_refusal,
    closes_by_itself,
    decide_additional_item,
    may_close_vote,
    may_start_vote,
    may_vote,
    quorum_total,
    tally,
    vote_complete,
)
from bot.domain.meetings import Absence
from bot.domain.roles import Role


@pytest.mark.parametrize(
    ("roles", "checked_in", "expected"),
    [
        ({Role.MEMBER}, True, True),
        ({Role.CHAIR}, True, True),
        ({Role.DEPUTY_CHAIR}, True, True),
        ({Role.MEMBER}, False, False),
        ({Role.GUEST}, True, False),
        ({Role.SECRETARIAT}, True, False),
        (set(), True, False),
        # Several roles (cl. 7): a member who also works in the secretariat votes; a secretariat
        # officer who is also a unit's representative is still not a member.
        ({Role.MEMBER, Role.SECRETARIAT}, True, True),
        ({Role.SECRETARIAT, Role.UNIT_REPRESENTATIVE}, True, False),
    ],
)
def test_cl13_only_members_present_vote(roles: set[Role], checked_in: bool, expected: bool) -> None:
    assert may_vote(frozenset(roles), checked_in=checked_in) is expected


@pytest.mark.parametrize(
    ("present", "fr", "against", "abstain", "expected"),
    [
        (5, 2, 0, 3, Basis.CONSENSUS),  # everyone present voted, nobody objects
        (5, 1, 0, 0, None),  # closed early: four did not vote, so no consensus; 1 is no majority
        (5, 3, 0, 0, Basis.MAJORITY),  # not everyone voted: a majority, not a consensus
        (3, 1, 0, 1, None),  # one present did not vote: no consensus, 1 is not > 3 / 2
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
    # The objection of member 2, who left, does not block the item; member 4 is present and
    # did not vote, so it is a majority (2 > 3 / 2), not a consensus (cl. 13).
    assert decide_additional_item(result) is Basis.MAJORITY


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
    if basis is Basis.CONSENSUS:
        assert fr + against + abstain == present and against == 0  # cl. 13 consensus


def test_cl13_cl14_one_for_of_five_present_closed_early_is_not_consensus() -> None:
    """Finding 6: one «за» and an early close used to count as consensus."""
    assert decide_additional_item(Tally(present=5, voted_for=1, against=0, abstained=0)) is None


def test_cl14_a_vote_closes_only_with_quorum() -> None:
    """Cl. 14: present members ≥ half the composition; 1 of 5 is not enough."""
    assert not may_close_vote(present_members=1, total_members=5)
    assert not may_close_vote(present_members=2, total_members=5)
    assert may_close_vote(present_members=3, total_members=5)
    assert may_close_vote(present_members=2, total_members=4)


def test_cl13_cl14_a_complete_vote_closes_by_itself_only_with_quorum() -> None:
    everyone_voted = Tally(present=1, voted_for=1, against=0, abstained=0)
    assert not closes_by_itself(everyone_voted, quorum=False)
    assert closes_by_itself(everyone_voted, quorum=True)
    assert not closes_by_itself(Tally(3, 1, 0, 0), quorum=True)


def test_cl9_cl14_the_quorum_total_is_the_composition_recorded_at_opening() -> None:
    assert quorum_total(7, current_members=5) == 7  # recorded when the meeting opened
    assert quorum_total(None, current_members=5) == 5  # opened before it was recorded
    assert quorum_total(0, current_members=5) == 0


MOMENT = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
AWAY = Absence(datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 10, tzinfo=UTC))


def test_cl11_cl13_the_agenda_is_the_chairs_or_the_deputys_while_the_chair_is_absent() -> None:
    assert agenda_holder(chair_absent=False) is Role.CHAIR
    assert agenda_holder(chair_absent=True) is Role.DEPUTY_CHAIR
    chair, deputy = frozenset({Role.CHAIR}), frozenset({Role.DEPUTY_CHAIR, Role.SECRETARIAT})
    assert agenda_refusal(chair, chair_absent=False) is None
    assert agenda_refusal(deputy, chair_absent=True) is None
    # One holder at a time: the chair's stale button during the absence is refused.
    assert agenda_refusal(chair, chair_absent=True) is HolderRefusal.CHAIR_ABSENT
    assert agenda_refusal(deputy, chair_absent=False) is HolderRefusal.CHAIR_PRESENT
    for other in ({Role.MEMBER}, {Role.SECRETARIAT}, set()):
        assert agenda_refusal(frozenset(other), chair_absent=True) is HolderRefusal.NOT_HOLDER


def test_cl11_the_absence_that_covers_now_and_when_it_ends() -> None:
    later = Absence(datetime(2026, 12, 8, tzinfo=UTC), datetime(2026, 12, 20, tzinfo=UTC))
    assert absent_until([AWAY], MOMENT) == AWAY.ends_at
    assert absent_until([AWAY, later], datetime(2026, 12, 9, tzinfo=UTC)) == later.ends_at
    assert absent_until([AWAY], AWAY.ends_at) is None  # back at that instant
    assert absent_until([], MOMENT) is None
