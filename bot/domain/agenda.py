"""The agenda (cl. 13): who holds it, who may vote on an additional item, when a vote closes
and when the item is included."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.meetings import Absence, has_quorum
from bot.domain.roles import Role, holds_member_role


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


# ---------------------------------------------------------------------------------------------
# Who holds the agenda (cl. 11, 13)


class HolderRefusal(StrEnum):
    """Why a person may not draft, decide or approve the agenda right now."""

    CHAIR_ABSENT = "chair_absent"  # the chair, while their recorded absence holds
    CHAIR_PRESENT = "chair_present"  # the deputy, while the chair is not absent
    NOT_HOLDER = "not_holder"  # anybody else


def agenda_holder(*, chair_absent: bool) -> Role:
    """Cl. 13: the agenda is the chair's; while the chair's absence holds, the deputy's. One
    holder at a time, so that a proposal is never decided by two people."""
    return Role.DEPUTY_CHAIR if chair_absent else Role.CHAIR


def deputy_acts(holder: Role | None) -> bool:
    """Whether the agenda is held, or a decision was taken, by the deputy for an absent chair
    (cl. 11, 13): the texts say so."""
    return holder is Role.DEPUTY_CHAIR


def agenda_refusal(roles: Set[Role], *, chair_absent: bool) -> HolderRefusal | None:
    """None when the person holds the agenda now; otherwise why not. A chair's button pressed
    during their absence is refused: the deputy acts meanwhile (cl. 11)."""
    if agenda_holder(chair_absent=chair_absent) in roles:
        return None
    if Role.CHAIR in roles:
        return HolderRefusal.CHAIR_ABSENT
    if Role.DEPUTY_CHAIR in roles:
        return HolderRefusal.CHAIR_PRESENT
    return HolderRefusal.NOT_HOLDER


def holds_agenda(roles: Set[Role], *, chair_absent: bool) -> bool:
    """Whether the person holds the agenda now: whom a proposal is offered to (cl. 13)."""
    return agenda_refusal(roles, chair_absent=chair_absent) is None


def absent_until(absences: Iterable[Absence], now: datetime) -> datetime | None:
    """When the chair's absence that covers ``now`` ends (the latest end if several overlap),
    or None when the chair is not absent."""
    ends = [a.ends_at for a in absences if a.covers(now)]
    return max(ends) if ends else None


# ---------------------------------------------------------------------------------------------
# Votes on additional items (cl. 13, 14)


def may_vote(roles: Set[Role], *, checked_in: bool) -> bool:
    """Cl. 13-14: the members present vote (chair and deputy are members, whatever other roles
    they hold); guests and secretariat staff who are not members never do."""
    return holds_member_role(roles) and checked_in


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
    """Cl. 13: an additional item is included by consensus — every member present voted, none
    against, somebody for — or by a simple majority of the members present: votes for
    > present / 2. Abstaining and not voting are not "for"; a vote closed before everyone
    present voted is never a consensus. None: not included."""
    if t.present == 0:
        return None
    if t.voted >= t.present and t.against == 0 and t.voted_for > 0:
        return Basis.CONSENSUS
    if 2 * t.voted_for > t.present:
        return Basis.MAJORITY
    return None


def vote_complete(t: Tally) -> bool:
    """Everyone present has voted."""
    return t.present > 0 and t.voted >= t.present


def quorum_total(recorded: int | None, current_members: int) -> int:
    """Cl. 9, 14: quorum is counted over the composition in force when the meeting opened, as
    recorded then; a meeting opened before that was recorded falls back to today's members."""
    return recorded if recorded is not None else current_members


def may_close_vote(*, present_members: int, total_members: int) -> bool:
    """Cl. 14: a vote closes only while there is quorum; without it the vote stays open."""
    return has_quorum(present_members, total_members)


def closes_by_itself(t: Tally, *, quorum: bool) -> bool:
    """Cl. 13-14: the vote closes once everyone present has voted, and only with quorum."""
    return quorum and vote_complete(t)


def may_start_vote(*, has_presiding: bool, present_members: int, total_members: int) -> bool:
    """Cl. 11 and 14: without a presiding person or without quorum nothing is put to a vote."""
    return has_presiding and has_quorum(present_members, total_members)
