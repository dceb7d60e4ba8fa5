"""INSERT … ON CONFLICT for the session's engine.

SQLite and PostgreSQL spell it alike, but each dialect has its own construct. The
PostgreSQL dialect is imported only when the engine is PostgreSQL, so a bot on SQLite
never loads it (issue #15 item 9: a lean start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PgInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert


def insert(session: AsyncSession, table: Any) -> PgInsert | SqliteInsert:
    """An INSERT into ``table`` that can take ``on_conflict_do_*`` on this session's engine."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)
