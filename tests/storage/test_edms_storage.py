"""Issue #18 item 4 on both engines: the СЭД export's due task, added in the signing
transaction, is leased while the package is made after the ticker's transaction, left pending
with its reason when the folder cannot be written, and done once the package is there."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.clock import FrozenClock
from tests.conftest import build_world
from tests.support.steps.edms import (
    NO_SOFFICE,
    SIGNED_ZIP,
    break_folder,
    export_task,
    fix_folder,
    folder_names,
    signed_protocol,
)


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "edms"
    folder.mkdir()
    return folder


async def test_issue18_item4_export_task_retries_then_writes_on_each_engine(
    any_db_url: str, clock: FrozenClock, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    world = await build_world(
        any_db_url, clock, data_dir=tmp_path, edms_export_dir=folder, soffice_path=NO_SOFFICE
    )
    try:
        await signed_protocol(world)
        break_folder(folder)
        await world.run_jobs()
        failed = await export_task(world)
        assert failed.status == "pending"
        assert failed.note is not None and "not writable" in failed.note
        assert failed.due_at > world.clock.now()
        fix_folder(folder)
        world.clock.advance(timedelta(minutes=5, seconds=1))
        await world.run_jobs()
        assert folder_names(folder) == [SIGNED_ZIP]
        done = await export_task(world)
        assert done.status == "done"
        assert done.note is None
    finally:
        await world.db.dispose()
