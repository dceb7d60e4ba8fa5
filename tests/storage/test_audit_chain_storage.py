"""Issue #18 item 1 on both engines: the audit log is append-only (the database refuses
UPDATE and DELETE), and when an attacker with the owner's rights turns the protection off and
edits or deletes a row, verification names that entry; concurrent writers on PostgreSQL
produce one unbroken chain."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from bot.domain.audit_chain import Break, Verdict, verify
from bot.services.setup import ensure_default_group
from storage.db import Database, write
from storage.repositories.audit import AuditRepository

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def _fill(db: Database, n: int = 5) -> None:
    async with db.session() as session:
        group = (await ensure_default_group(session, name="WG", timezone="UTC", now=NOW)).id
    for i in range(n):
        async with db.session() as session, write(session):
            repo = AuditRepository(session)
            if i % 2:
                await repo.record_many(
                    [
                        {
                            "at": NOW + timedelta(minutes=i),
                            "group_id": group,
                            "actor_telegram_id": 10 + i,
                            "actor_person_id": None,
                            "action": "voted",
                            "object_type": "agenda_item",
                            "object_id": i,
                            "details": {"choice": "за", "n": i},
                            "update_id": 1000 + i,
                        }
                    ]
                )
            else:
                await repo.record(
                    at=NOW + timedelta(minutes=i),
                    group_id=group,
                    actor_telegram_id=10 + i,
                    actor_person_id=None,
                    action="unit_added",
                    object_type="unit",
                    object_id=i,
                    details={"name": f"Отдел {i}"},
                )


async def _verify(db: Database) -> Verdict:
    async with db.session() as session:
        repo = AuditRepository(session)
        seq, head = await repo.head()
        return verify([e async for e in repo.chained()], seq, head)


async def _raw(db: Database, sql: str) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text(sql))


async def _unprotect(db: Database) -> None:
    """What someone with the owner's rights could do: turn the triggers off."""
    if db.engine.dialect.name == "postgresql":
        await _raw(db, "ALTER TABLE audit_log DISABLE TRIGGER USER")
        await _raw(db, "ALTER TABLE audit_chain_head DISABLE TRIGGER USER")
    else:
        for name in ("audit_log_no_update", "audit_log_no_delete", "audit_chain_head_forward"):
            await _raw(db, f"DROP TRIGGER {name}")


async def test_an_intact_log_verifies(any_db: Database) -> None:
    await _fill(any_db)
    verdict = await _verify(any_db)
    # ensure_default_group audits the group's creation too.
    assert verdict.intact and verdict.checked == 6


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_log SET action = 'nothing' WHERE seq = 2",
        "DELETE FROM audit_log WHERE seq = 2",
        "DELETE FROM audit_log",
        "UPDATE audit_chain_head SET seq = 1",
        "DELETE FROM audit_chain_head",
    ],
)
async def test_the_database_refuses_changes(any_db: Database, sql: str) -> None:
    await _fill(any_db)
    with pytest.raises(DBAPIError):
        await _raw(any_db, sql)
    assert (await _verify(any_db)).intact


async def test_truncate_refused_on_postgres(any_db: Database) -> None:
    if any_db.engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    await _fill(any_db)
    with pytest.raises(DBAPIError):
        await _raw(any_db, "TRUNCATE audit_log CASCADE")
    assert (await _verify(any_db)).intact


async def test_an_edited_row_is_named(any_db: Database) -> None:
    await _fill(any_db)
    await _unprotect(any_db)
    await _raw(any_db, "UPDATE audit_log SET object_id = 99 WHERE seq = 3")
    verdict = await _verify(any_db)
    assert (verdict.broken_seq, verdict.problem) == (3, Break.CHANGED)
    assert verdict.broken_at == NOW + timedelta(minutes=1)


async def test_a_deleted_row_is_named(any_db: Database) -> None:
    await _fill(any_db)
    await _unprotect(any_db)
    await _raw(any_db, "DELETE FROM audit_log WHERE seq = 4")
    verdict = await _verify(any_db)
    assert (verdict.broken_seq, verdict.problem, verdict.checked) == (4, Break.MISSING, 3)


async def test_deleted_last_rows_are_noticed(any_db: Database) -> None:
    await _fill(any_db)
    await _unprotect(any_db)
    await _raw(any_db, "DELETE FROM audit_log WHERE seq >= 5")
    verdict = await _verify(any_db)
    assert (verdict.broken_seq, verdict.problem, verdict.checked) == (5, Break.MISSING, 4)


async def test_concurrent_writers_make_one_chain(any_db: Database) -> None:
    """On PostgreSQL transactions really overlap; the head row's lock orders them."""
    await _fill(any_db, 1)

    async def writer(k: int) -> None:
        for i in range(5):
            async with any_db.session() as session, write(session):
                repo = AuditRepository(session)
                await repo.record(
                    at=NOW,
                    group_id=None,
                    actor_telegram_id=k,
                    actor_person_id=None,
                    action="concurrent",
                    object_type="test",
                    object_id=i,
                )
                await asyncio.sleep(0)
                await repo.record_many(
                    [
                        {
                            "at": NOW,
                            "group_id": None,
                            "actor_telegram_id": k,
                            "actor_person_id": None,
                            "action": "voted",
                            "object_type": "test",
                            "object_id": i,
                            "update_id": None,
                        }
                    ]
                    * 2
                )

    await asyncio.gather(*(writer(k) for k in range(6)))
    verdict = await _verify(any_db)
    assert verdict.intact and verdict.checked == 2 + 6 * 5 * 3
