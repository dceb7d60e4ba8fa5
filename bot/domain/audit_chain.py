"""The audit log's hash chain (issue #18 item 1): each entry carries its number in the chain
and the SHA-256 of the previous entry's hash followed by a canonical serialisation of its own
fields, so that editing, deleting or reordering entries is detectable.

Pure: no database, no clock. The repository feeds entries in chain order (by `seq`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

# The hash the first entry chains onto.
GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainFields:
    """What an entry's hash covers."""

    seq: int
    at: datetime
    group_id: int | None
    actor_telegram_id: int | None
    actor_person_id: int | None
    action: str
    object_type: str
    object_id: int | None
    details: Mapping[str, Any]
    update_id: int | None


@dataclass(frozen=True, slots=True)
class ChainedEntry:
    """An entry as stored: its fields, the hash it chained onto and its own hash."""

    fields: ChainFields
    prev_hash: str
    hash: str
    id: int = 0


class Break(StrEnum):
    """What is wrong with the first broken entry."""

    CHANGED = "changed"  # its fields no longer give its hash
    MISSING = "missing"  # entries before it (or at the end of the log) were removed
    ORDER = "order"  # it was chained after another entry than the one before it now


@dataclass(frozen=True, slots=True)
class Verdict:
    checked: int
    # The first broken entry: its number in the chain, its moment (None when the entries at
    # the end are missing) and what is wrong; None when the chain is intact.
    broken_seq: int | None = None
    broken_at: datetime | None = None
    problem: Break | None = None
    last_hash: str = GENESIS

    @property
    def intact(self) -> bool:
        return self.problem is None


def canonical(fields: ChainFields) -> str:
    """One line per entry, the same on every engine: the moment in UTC ISO (microseconds),
    the ids, the action and object, the details as sorted compact JSON, the update id."""
    at = fields.at.astimezone(UTC).isoformat(timespec="microseconds")
    body = [
        fields.seq,
        at,
        fields.group_id,
        fields.actor_telegram_id,
        fields.actor_person_id,
        fields.action,
        fields.object_type,
        fields.object_id,
        _json(fields.details),
        fields.update_id,
    ]
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _json(details: Mapping[str, Any]) -> str:
    return json.dumps(dict(details), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def entry_hash(prev_hash: str, fields: ChainFields) -> str:
    return hashlib.sha256((prev_hash + canonical(fields)).encode("utf-8")).hexdigest()


def chain(
    head_seq: int, head_hash: str, entries: Iterable[ChainFields]
) -> list[tuple[ChainFields, str, str]]:
    """Links new entries after the head: (fields, prev hash, hash) for each, in order; the
    entries' `seq` must follow the head's."""
    out = []
    prev, seq = head_hash, head_seq
    for fields in entries:
        seq += 1
        if fields.seq != seq:
            raise ValueError(f"entry numbered {fields.seq}, expected {seq}")
        digest = entry_hash(prev, fields)
        out.append((fields, prev, digest))
        prev = digest
    return out


def verify(entries: Iterable[ChainedEntry], head_seq: int, head_hash: str) -> Verdict:
    """Checks entries in chain order against each other and against the head (the last
    number and hash written), naming the first broken entry."""
    prev_hash, expected, checked = GENESIS, 1, 0
    for entry in entries:
        f = entry.fields
        if f.seq > expected:
            return Verdict(checked, expected, f.at, Break.MISSING, prev_hash)
        if f.seq < expected or entry.prev_hash != prev_hash:
            return Verdict(checked, f.seq, f.at, Break.ORDER, prev_hash)
        if entry_hash(prev_hash, f) != entry.hash:
            return Verdict(checked, f.seq, f.at, Break.CHANGED, prev_hash)
        prev_hash = entry.hash
        expected += 1
        checked += 1
    if head_seq >= expected:
        # The last entries were removed: the head remembers more than the log holds.
        return Verdict(checked, expected, None, Break.MISSING, prev_hash)
    if head_seq != checked or head_hash != prev_hash:
        return Verdict(checked, checked or None, None, Break.CHANGED, prev_hash)
    return Verdict(checked, last_hash=prev_hash)
