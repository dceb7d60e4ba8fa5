"""The agenda (cl. 13): who may vote on an additional item, and when it is included."""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.meetings import has_quorum
from bot.domain.roles import MEMBER_ROLES, Role

TITLE_MAX = 200
DESCRIPTION_MAX = 2000


class Choice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


class Basis(StrEnum):
    CONSENSUS = "consensus"
    MAJORITY = "majority"


@dataclass(frozen=True, slots=True)
class Tally:
    present: int
    voted_for: int
    against: int
    abstained: int

    @property
    def voted(self) -> int:
        return self.voted_for + self.against + self.abstained


def may_vote(role: Role | None, *, checked_in: bool) -> bool:
    """Cl. 13: the members present vote; guests and secretariat staff never do."""
    return role in MEMBER_ROLES and checked_in


def tally(votes: Mapping[int, Choice], present: Set[int]) -> Tally:
    """Counts the votes of members present now; a vote of someone who left does not count."""
    counted = [choice for person, choice in votes.items() if person in present]
    return Tally(
        present=len(present),
        voted_for=counted.count(Choice.FOR),
        against=counted.count(Choice.AGAINST),
        abstained=counted.count(Choice.ABSTAIN),
    )


def decide_additional_item(t: Tally) -> Basis | None:
    """Cl. 13: an additional item is included by consensus — no member present votes against
    (and somebody votes for) — or by a simple majority of the members present: votes for
    > present / 2. Abstaining and not voting are not "for". None: not included."""
    if t.present == 0:
        return None
    if t.against == 0 and t.voted_for > 0:
        return Basis.CONSENSUS
    if 2 * t.voted_for > t.present:
        return Basis.MAJORITY
    return None


def vote_complete(t: Tally) -> bool:
    """The vote closes by itself once everyone present has voted."""
    return t.present > 0 and t.voted >= t.present


def may_start_vote(*, has_presiding: bool, present_members: int, total_members: int) -> bool:
    """Cl. 11 and 14: without a presiding person or without quorum nothing is put to a vote."""
    return has_presiding and has_quorum(present_members, total_members)
