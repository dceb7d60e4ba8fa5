"""Versions of the registers' documents on both engines (cl. 4 б, в, к, 5): what the
database guarantees (one number per version of an entry, another group's version out of
reach) and what the entry's lock keeps when two approvals come at once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from bot.callbacks import DocVersionCb
from storage.db import Database, write
from storage.models import RegisterEntry
from storage.repositories.document_versions import DocumentVersionRepository
from storage.repositories.roster import RosterRepository
from tests.conftest import World
from tests.support.steps.document_versions import (
    add_document,
    add_version,
    insert_protocol,
    version_audit,
    versions,
)
from tests.support.steps.onboarding import joined_person

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
DOCUMENT = {"file_id": "f1", "file_name": "Регламент.pdf", "size": 10}


async def _entry(db: Database, group_name: str = "РГ") -> tuple[int, int]:
    async with db.session() as s, write(s):
        group = await RosterRepository(s).add_group(
            kind="working_group", name=group_name, timezone="Europe/Moscow", now=NOW
        )
        entry = RegisterEntry(
            group_id=group,
            register="documents",
            kind="interaction_rules",
            title="Регламент взаимодействия",
            status="planned",
            created_at=NOW,
            updated_at=NOW,
        )
        s.add(entry)
        await s.flush()
        return group, entry.id


async def test_cl4k_a_version_number_is_taken_once_per_entry(any_db: Database) -> None:
    group, entry = await _entry(any_db)
    async with any_db.session() as s, write(s):
        repo = DocumentVersionRepository(s)
        first = await repo.add(
            entry_id=entry, number=1, status="draft", document=DOCUMENT, created_at=NOW
        )
        await repo.add(entry_id=entry, number=2, status="draft", document=DOCUMENT, created_at=NOW)
        found = await repo.version(group, first)
        assert (
            found is not None and found.document == DOCUMENT and found.file_name == "Регламент.pdf"
        )
        assert [v.number for v in await repo.versions(entry)] == [1, 2]
        assert sorted(await repo.numbers(entry)) == [1, 2]
    with pytest.raises(IntegrityError):
        async with any_db.session() as s, write(s):
            await DocumentVersionRepository(s).add(
                entry_id=entry, number=2, status="draft", document=DOCUMENT, created_at=NOW
            )


async def test_a_version_of_another_groups_entry_is_out_of_reach(any_db: Database) -> None:
    _, entry = await _entry(any_db)
    other, _ = await _entry(any_db, "Другая РГ")
    async with any_db.session() as s, write(s):
        repo = DocumentVersionRepository(s)
        version = await repo.add(
            entry_id=entry, number=1, status="draft", document=DOCUMENT, created_at=NOW
        )
        assert await repo.version(other, version) is None


async def test_cl4k_cl5_two_drafts_approved_at_once_leave_one_approved_version(
    any_world: World,
) -> None:
    """Two officers of the secretariat confirm approvals of two drafts together: the
    entry's lock orders them, so the later one supersedes the earlier (cl. 4 к, 5: one
    version in force)."""
    world = any_world
    clerk = await joined_person(world, 9303, "сотрудник секретариата", "Секретарь Сергей")
    other = await joined_person(world, 9304, "сотрудник секретариата", "Секретарь Ольга")
    protocol = await insert_protocol(world, ["Утвердить регламент.", "Утвердить редакцию."])
    await add_document(world, clerk, "Регламент взаимодействия", "Регламент взаимодействия")
    await add_version(world, clerk, "Регламент.pdf")
    await add_version(world, clerk, "Регламент, ред. 2.pdf")
    c = world.client
    await c.send(other, "/documents")
    await c.click(other, "1. Регламент взаимодействия")
    presses = [
        c.callback_update(
            user,
            c.last_message(user),
            DocVersionCb(action="ok", version=number, protocol=protocol, item=number).pack(),
        )
        for user, number in ((clerk, 1), (other, 2))
    ]
    await asyncio.gather(*(c.feed(press) for press in presses))
    statuses = sorted(status for _, status, _, _ in await versions(world))
    assert statuses == ["approved", "superseded"]
    assert (await version_audit(world)).count("document_version_approved") == 2


async def test_cl4k_one_draft_approved_twice_at_once_is_approved_once(any_world: World) -> None:
    world = any_world
    clerk = await joined_person(world, 9303, "сотрудник секретариата", "Секретарь Сергей")
    protocol = await insert_protocol(world, ["Утвердить регламент."])
    await add_document(world, clerk, "Регламент взаимодействия", "Регламент взаимодействия")
    await add_version(world, clerk, "Регламент.pdf")
    c = world.client
    data = DocVersionCb(action="ok", version=1, protocol=protocol, item=1).pack()
    card = c.last_message(clerk)
    presses = [c.callback_update(clerk, card, data) for _ in range(2)]
    await asyncio.gather(*(c.feed(press) for press in presses))
    assert await versions(world) == [(1, "approved", protocol, 1)]
    assert await version_audit(world) == ["document_version_added", "document_version_approved"]
    assert "Версия № 1 не является проектом: утвердить можно только проект." in c.alerts(clerk)
