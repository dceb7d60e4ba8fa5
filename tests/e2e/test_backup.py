"""Issue #15 item 5: a backup of a running bot, restored into a new folder, gives everything back.

The bot runs as `python -m bot` (SQLite in WAL mode) while `python -m bot backup` copies it;
the copy is restored into an empty data folder, a new bot starts from it and shows the
meeting, and the database's rows and files are identical byte for byte.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import ADMIN_ID, TOKEN
from tests.support.fake_api import FakeTelegram
from tests.support.process import bot_env, run_to_end, running
from tests.support.steps.conversations import invite_and_join, schedule_meeting, sent_after

TABLES = ("meeting", "person", "stored_file", "outbox", "audit_log")


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in TABLES
            if table in names
        }


async def test_backup_of_a_running_bot_restores_into_a_new_folder(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    archive = tmp_path / "backup" / "wg.tar.gz"
    title = "Заседание для резервной копии"
    when = (datetime.now(UTC) + timedelta(days=40)).strftime("%d.%m.%Y 15:00")
    # A file kept by the bot under DATA_DIR/files, named by its SHA-256.
    payload = bytes(range(256)) * 1000
    digest = hashlib.sha256(payload).hexdigest()
    stored = Path("files") / digest[:2] / digest

    async with FakeTelegram(TOKEN) as tg:
        env = bot_env(tmp_path, TELEGRAM_API_URL=tg.base_url, DATA_DIR=str(first))
        async with running(env, tmp_path) as proc:
            await proc.until_polling(tg)
            admin = tg.user(ADMIN_ID, "Админ")
            chair = tg.user(9301, "Chair")
            await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Пётр Петров")
            await schedule_meeting(tg, chair, title, "Зал коллегии", when)
            (first / stored).parent.mkdir(parents=True)
            (first / stored).write_bytes(payload)

            # While the bot runs (WAL mode, its connections open): the online backup.
            code, out, err = await run_to_end(env, tmp_path, "backup", str(archive))
            assert code == 0, err
            assert "Backup written" in out and "1 stored file" in out
            assert await proc.stop() == 0, proc.log
        before = _rows(first / "bot.db")
        assert any(title in str(row) for row in before["meeting"])
        assert before["stored_file"], "the meeting's .ics is a stored file"

        restore_env = {**env, "DATA_DIR": str(second)}
        code, out, err = await run_to_end(restore_env, tmp_path, "restore", str(archive))
        assert code == 0, err
        assert (second / stored).read_bytes() == payload
        assert _rows(second / "bot.db") == before

        # A second restore would overwrite a working installation: refused, one line.
        code, _, err = await run_to_end(restore_env, tmp_path, "restore", str(archive))
        assert code == 4
        assert (
            err.strip()
            .splitlines()[-1]
            .endswith(
                "restore only into an empty folder (set DATA_DIR to a new one, or move the old one "
                "aside)"
            )
        )

        mark = tg.mark()
        async with running(restore_env, tmp_path) as proc:
            await proc.until_polling(tg, since=mark)
            start = tg.mark()
            await tg.send_text(chair, "/meetings")
            listing = await sent_after(tg, start, chair.id, "Заседания", wait_s=30)
            assert title in (listing.text or "") + str(listing.params.get("reply_markup"))
            assert await proc.stop() == 0, proc.log
