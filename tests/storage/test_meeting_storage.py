"""The meetings repository on SQLite and PostgreSQL: the month's meetings held (cl. 12), the
columns of issue #12 on the view, the chair's absence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.meetings import month_bounds
from bot.services.setup import ensure_default_group
from storage.db import Database, write
from storage.repositories.meetings import MeetingRepository

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
MOSCOW = ZoneInfo("Europe/Moscow")


async def test_cl12_count_held_counts_own_meetings_closed_with_quorum(any_db: Database) -> None:
    """cl. 12: regular and extraordinary meetings closed with quorum count; a conciliation
    meeting, a meeting closed without quorum, a cancelled or a scheduled one do not."""
    async with any_db.session() as s:
        group = await ensure_default_group(s, name="РГ", timezone="Europe/Moscow", now=NOW)
        repo = MeetingRepository(s)
        async with write(s):
            for n, (kind, extraordinary, status, quorum) in enumerate(
                [
                    ("regular", False, "closed", True),
                    ("regular", True, "closed", True),
                    ("regular", False, "closed", False),
                    ("conciliation", False, "closed", True),
                    ("regular", False, "cancelled", None),
                    ("regular", False, "scheduled", None),
                ]
            ):
                await repo.add(
                    group_id=group.id,
                    kind=kind,
                    extraordinary=extraordinary,
                    title=f"Заседание {n}",
                    format="remote",
                    starts_at=datetime(2026, 12, 3 + n, 12, 0, tzinfo=UTC),
                    status=status,
                    sequence=0,
                    checkin_token=f"token-{n}",
                    created_by=1,
                    created_at=NOW,
                    quorum_at_close=quorum,
                    composition_total=7 if status == "closed" else None,
                )
            absence = await repo.add_absence(
                group_id=group.id,
                starts_at=NOW,
                ends_at=NOW + timedelta(days=3),
                created_by=1,
                created_at=NOW,
            )
        start, end = month_bounds(2026, 12, MOSCOW)
        async with s.begin():
            assert await repo.count_held(group.id, start, end) == 2
            assert await repo.count_held(group.id, *month_bounds(2027, 1, MOSCOW)) == 0
            views = {m.title: m for m in await repo.listing(group.id)}
            assert await repo.absences(group.id) == [(NOW, NOW + timedelta(days=3))]
        assert isinstance(absence, int)
        assert views["Заседание 1"].extraordinary is True
        assert views["Заседание 0"].extraordinary is False
        assert views["Заседание 0"].composition_total == 7
        assert views["Заседание 5"].composition_total is None
        assert views["Заседание 0"].agenda_approved_by is None
