"""Versions of the documents the working group approves (regulation cl. 4 б, в, к, 5).

The Plan of events, a priority project's roadmap, the interaction rules (Регламент),
methodical documents, training programmes and legislative proposals are documents: each
carries its files as versions. A version is a draft until a decision of the group (an item
of a signed protocol) approves it; approving one supersedes the version approved before, so
an entry has at most one approved version and keeps the others as its history.

Pure rules: no clock, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Protocol, TypeVar

from bot.domain.registers import ProjectKind, Register


class VersionStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    SUPERSEDED = "superseded"


class VersionProblem(StrEnum):
    # The entry is not a document that carries versions (a milestone, a priority measure).
    NOT_VERSIONED = "not_versioned"
    # Approval names no decision (cl. 4 к, 5: the group approves by its decision).
    NO_DECISION = "no_decision"
    # Only a draft is approved; an approved or superseded version stays as it is.
    NOT_DRAFT = "not_draft"


class VersionRuleError(ValueError):
    def __init__(self, problem: VersionProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def carries_versions(register: str, kind: str | None) -> bool:
    """Which register entries carry files and versions: every document (the interaction
    rules, methodical documents, training programmes, legislative proposals; cl. 4 в, з, и,
    к, 5), the Plan of events (cl. 4 б, е) and a priority project, whose file is its roadmap
    (cl. 4 б, д). A milestone is a point of its project's roadmap, and a priority measure is
    a line of a list, not a document."""
    if register in (Register.DOCUMENTS.value, Register.EVENTS.value):
        return True
    return register == Register.PROJECTS.value and kind == ProjectKind.PROJECT.value


def check_versioned(register: str, kind: str | None) -> None:
    if not carries_versions(register, kind):
        raise VersionRuleError(VersionProblem.NOT_VERSIONED)


def approval(
    versions: Iterable[tuple[int, str]], version_id: int, *, has_decision: bool
) -> dict[int, VersionStatus]:
    """The status changes that approving ``version_id`` makes among an entry's
    ``versions`` (id, status) (cl. 4 к, 5):

    * a decision is required: nothing is approved without one;
    * only a draft is approved;
    * the draft becomes approved, and the version approved before becomes superseded;
      drafts and superseded versions stay as they are.
    """
    if not has_decision:
        raise VersionRuleError(VersionProblem.NO_DECISION)
    statuses = dict(versions)
    if statuses.get(version_id) != VersionStatus.DRAFT.value:
        raise VersionRuleError(VersionProblem.NOT_DRAFT)
    changes = {
        vid: VersionStatus.SUPERSEDED
        for vid, status in statuses.items()
        if status == VersionStatus.APPROVED.value
    }
    changes[version_id] = VersionStatus.APPROVED
    return changes


def next_number(numbers: Iterable[int]) -> int:
    """Versions are numbered 1, 2, 3… per entry, in the order they were added."""
    return max(numbers, default=0) + 1


class _Versioned(Protocol):
    @property
    def number(self) -> int: ...

    @property
    def status(self) -> str: ...


_V = TypeVar("_V", bound=_Versioned)


def card_order(versions: Sequence[_V]) -> tuple[_V | None, list[_V]]:
    """What an entry's card shows: the approved version first, then the history (drafts and
    superseded versions), the newest first."""
    approved = next((v for v in versions if v.status == VersionStatus.APPROVED.value), None)
    history = sorted(
        (v for v in versions if v is not approved), key=lambda v: v.number, reverse=True
    )
    return approved, history
