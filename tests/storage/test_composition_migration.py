"""Migration 0009 carries an existing roster over into the approved composition (cl. 9)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.migrate import upgrade
from tests.support.database import inspect_on

NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _seed_at_0008(conn: Connection) -> None:
    """A group with a chair, two members and a secretariat officer, as 0008 stored them."""
    conn.execute(
        text(
            "INSERT INTO working_group (id, kind, name, timezone, created_at) "
            "VALUES (1, 'working_group', 'Рабочая группа', 'Europe/Moscow', :now)"
        ),
        {"now": NOW},
    )
    people = [(1, "Председатель", "chair"), (2, "Член Один", "member"), (3, "Член Два", "member")]
    people.append((4, "Сотрудник Секретариата", "secretariat"))
    for person_id, name, role in people:
        conn.execute(
            text(
                "INSERT INTO person (id, telegram_id, full_name, telegram_name, created_at) "
                "VALUES (:id, :tg, :name, :name, :now)"
            ),
            {"id": person_id, "tg": 5000 + person_id, "name": name, "now": NOW},
        )
        conn.execute(
            text(
                "INSERT INTO membership (group_id, person_id, role, started_at) "
                "VALUES (1, :id, :role, :now)"
            ),
            {"id": person_id, "role": role, "now": NOW},
        )
    conn.commit()


def _acts_and_members(
    conn: Connection,
) -> tuple[list[tuple[object, ...]], list[tuple[int, object]]]:
    acts = [
        tuple(r)
        for r in conn.execute(
            text("SELECT id, group_id, kind, number, signed_on FROM composition_act")
        )
    ]
    members = [
        (int(r[0]), r[1])
        for r in conn.execute(
            text("SELECT person_id, act_id FROM membership WHERE ended_at IS NULL ORDER BY 1")
        )
    ]
    return acts, members


async def test_cl9_migration_0009_makes_the_existing_members_an_initial_act(
    any_db_url: str,
) -> None:
    """cl. 9: on a database at 0008 with a group, a chair and two members, upgrading to head
    gives one initial act, with no number and date, whose members are exactly those three;
    the secretariat officer, who is not a member, is not in it."""
    await asyncio.to_thread(upgrade, any_db_url, "0008")
    await inspect_on(any_db_url, _seed_at_0008)
    await asyncio.to_thread(upgrade, any_db_url)
    acts, members = await inspect_on(any_db_url, _acts_and_members)
    assert len(acts) == 1
    act_id, group_id, kind, number, signed_on = acts[0]
    assert (group_id, kind, number, signed_on) == (1, "order", None, None)
    assert members == [(1, act_id), (2, act_id), (3, act_id), (4, None)]
