"""Protocol numbering and the signed snapshot on both engines (cl. 14-15)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.domain.roles import Role
from storage.db import Database, write
from storage.models import Meeting
from storage.repositories.files import FileRepository
from storage.repositories.protocols import ProtocolRepository
from storage.repositories.roster import RosterRepository

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


async def _meeting(db: Database, group: int, kind: str, token: str) -> int:
    async with db.session() as s, write(s):
        row = Meeting(
            group_id=group,
            title=kind,
            format="remote",
            starts_at=NOW,
            status="closed",
            checkin_token=token,
            created_by=1,
            created_at=NOW,
            kind=kind,
        )
        s.add(row)
        await s.flush()
        return row.id


async def test_cl15_conciliation_protocols_are_numbered_apart_and_the_group_series_is_gapless(
    any_db: Database,
) -> None:
    """cl. 15 (finding 14): «С-1/2026» for the first conciliation protocol; the group's own
    protocols go 1, 2 without a gap; another group numbers from 1."""
    async with any_db.session() as s, write(s):
        roster = RosterRepository(s)
        group = await roster.add_group(
            kind="working_group", name="РГ", timezone="Europe/Moscow", now=NOW
        )
        other = await roster.add_group(
            kind="working_group", name="РГ-2", timezone="Europe/Moscow", now=NOW
        )
        person = await roster.add_person(
            telegram_id=1,
            telegram_name="Анна",
            username=None,
            full_name="Анна Арсеньева",
            language="ru",
            now=NOW,
        )
        await roster.start_membership(
            group_id=group, person_id=person, role=Role.SECRETARIAT, unit_id=None, now=NOW
        )
    numbers = []
    for g, kind, token in (
        (group, "regular", "a"),
        (group, "conciliation", "b"),
        (group, "regular", "c"),
        (other, "regular", "d"),
    ):
        meeting = await _meeting(any_db, g, kind, token)
        async with any_db.session() as s, write(s):
            series = "conciliation" if kind == "conciliation" else "regular"
            added = await ProtocolRepository(s).add(meeting, 2026, NOW, group_id=g, series=series)
            numbers.append(added.number)
    assert numbers == ["1/2026", "С-1/2026", "2/2026", "1/2026"]


async def test_cl14_the_signed_snapshot_and_document_are_stored_as_given(any_db: Database) -> None:
    """cl. 14 (finding 1): the snapshot and the frozen file come back exactly as stored."""
    async with any_db.session() as s, write(s):
        group = await RosterRepository(s).add_group(
            kind="working_group", name="РГ", timezone="Europe/Moscow", now=NOW
        )
    meeting = await _meeting(any_db, group, "regular", "x")
    snapshot = {"content": {"number": "1/2026", "total_members": 5}, "consents": []}
    async with any_db.session() as s, write(s):
        repo = ProtocolRepository(s)
        protocol = await repo.add(meeting, 2026, NOW, group_id=group)
        stored = await FileRepository(s).add(
            file_name="p.docx", mime_type="application/x", content=b"\x00bytes", now=NOW
        )
        await repo.update(protocol.id, document_file_id=stored, snapshot=snapshot)
    async with any_db.session() as s:
        got = await ProtocolRepository(s).get(protocol.id)
        assert got is not None
        assert got.snapshot == snapshot and got.document_file_id is not None
        file = await FileRepository(s).get(got.document_file_id)
        assert file is not None and file.content == b"\x00bytes"
