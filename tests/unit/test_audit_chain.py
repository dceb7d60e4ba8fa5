"""Issue #18 item 1: the audit log's hash chain detects an edited, a deleted (in the middle
and at the end) and a reordered entry; an intact chain verifies."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.audit_chain import (
    GENESIS,
    Break,
    ChainedEntry,
    ChainFields,
    chain,
    entry_hash,
    verify,
)

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _fields(seq: int) -> ChainFields:
    return ChainFields(
        seq=seq,
        at=T0 + timedelta(minutes=seq),
        group_id=1,
        actor_telegram_id=1000 + seq,
        actor_person_id=seq,
        action="vote.cast",
        object_type="agenda_item",
        object_id=10 + seq,
        details={"b": 2, "a": [1, "да"]},
        update_id=500 + seq,
    )


def _log(n: int = 5) -> tuple[list[ChainedEntry], int, str]:
    linked = chain(0, GENESIS, [_fields(i) for i in range(1, n + 1)])
    entries = [ChainedEntry(f, prev, digest, id=f.seq) for f, prev, digest in linked]
    return entries, n, entries[-1].hash


def test_intact_chain_verifies() -> None:
    entries, seq, head = _log()
    verdict = verify(entries, seq, head)
    assert verdict.intact and verdict.checked == 5 and verdict.last_hash == head


def test_empty_log_verifies() -> None:
    assert verify([], 0, GENESIS).intact


def test_details_key_order_and_zone_do_not_matter() -> None:
    f = _fields(1)
    other = replace(f, details={"a": [1, "да"], "b": 2}, at=f.at.astimezone())
    assert entry_hash(GENESIS, f) == entry_hash(GENESIS, other)


@pytest.mark.parametrize(
    "change",
    [
        {"at": T0 + timedelta(days=1)},
        {"group_id": 2},
        {"actor_telegram_id": 1},
        {"actor_person_id": 99},
        {"action": "vote.withdrawn"},
        {"object_type": "meeting"},
        {"object_id": 1},
        {"details": {"b": 3, "a": [1, "да"]}},
        {"update_id": None},
    ],
)
def test_an_edited_field_names_the_entry(change: dict[str, object]) -> None:
    entries, seq, head = _log()
    entries[2] = replace(entries[2], fields=replace(entries[2].fields, **change))  # type: ignore[arg-type]
    verdict = verify(entries, seq, head)
    assert (verdict.broken_seq, verdict.problem, verdict.checked) == (3, Break.CHANGED, 2)
    assert verdict.broken_at == entries[2].fields.at


def test_deletion_in_the_middle_is_missing() -> None:
    entries, seq, head = _log()
    del entries[1]
    verdict = verify(entries, seq, head)
    assert (verdict.broken_seq, verdict.problem) == (2, Break.MISSING)


def test_deletion_at_the_end_is_noticed_by_the_head() -> None:
    entries, seq, head = _log()
    del entries[-2:]
    verdict = verify(entries, seq, head)
    assert (verdict.broken_seq, verdict.problem, verdict.checked) == (4, Break.MISSING, 3)


def test_reordering_is_detected() -> None:
    entries, seq, head = _log()
    # The numbers of entries 2 and 3 swapped, as an UPDATE of the seq column would.
    a, b = entries[1], entries[2]
    entries[1] = replace(b, fields=replace(b.fields, seq=2))
    entries[2] = replace(a, fields=replace(a.fields, seq=3))
    verdict = verify(entries, seq, head)
    assert (verdict.broken_seq, verdict.problem) == (2, Break.ORDER)


def test_rechained_tail_against_the_head_is_changed() -> None:
    entries, seq, _head = _log()
    verdict = verify(entries, seq, "f" * 64)
    assert verdict.problem is Break.CHANGED


def test_chain_refuses_a_wrong_number() -> None:
    with pytest.raises(ValueError):
        chain(3, GENESIS, [_fields(5)])
