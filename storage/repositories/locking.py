"""Row locks for state transitions.

A transition reads the row it changes with `for_update` as the first thing it does to that
row in its write transaction. On PostgreSQL the second of two concurrent transactions waits
there until the first commits, then reads the row as the first left it, so its state check
refuses instead of repeating the change. SQLite renders no FOR UPDATE: its write
transactions begin with BEGIN IMMEDIATE and are serial already.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select

S = TypeVar("S", bound=Select[Any])


def for_update(statement: S) -> S:
    # populate_existing: an object already in the session's identity map would otherwise
    # keep the state read before the lock was granted.
    return statement.with_for_update().execution_options(populate_existing=True)
