"""Issue #15 items 4-5: a backup of a running bot, restored into a new folder, gives
everything back.

The bot runs as `python -m bot` (SQLite in WAL mode) while `python -m bot backup` copies it;
the copy is restored into an empty data folder, a new bot starts from it and shows the
meeting, and the database's rows and files are identical byte for byte: the document a person
sent (kept by the bot under DATA_DIR/files) and the documents the bot made (the .ics).
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tests.conftest import ADMIN_ID, TOKEN
from tests.support.fake_api import FakeTelegram, FakeUser
from tests.support.process import bot_env, run_to_end, running
from tests.support.steps.conversations import (
    click_and_see,
    invite_and_join,
    schedule_meeting,
    sent_after,
)

TABLES = ("meeting", "person", "stored_file", "outbox", "audit_log", "broadcast")


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in TABLES
            if table in names
        }


async def _settled(db: Path, wait_s: float = 30) -> None:
    """Until two reads of the tables half a second apart are the same."""
    previous = _rows(db)
    for _ in range(int(wait_s * 2)):
        await asyncio.sleep(0.5)
        now = _rows(db)
        if now == previous:
            return
        previous = now
    raise AssertionError(f"{db} kept changing for {wait_s} s")


def _kept(data_dir: Path) -> dict[str, bytes]:
    """DATA_DIR/files: each file by its name (its SHA-256), checked against that name."""
    files = {p.name: p.read_bytes() for p in (data_dir / "files").rglob("*") if p.is_file()}
    for name, content in files.items():
        assert hashlib.sha256(content).hexdigest() == name
    return files


async def _broadcast_document(tg: FakeTelegram, admin: FakeUser, payload: bytes) -> None:
    """/broadcast → a document with a caption → the members → «Подтвердить» (cl. 15)."""
    await tg.send_text(admin, "/broadcast")
    await tg.wait_message(admin.id, "Отправьте текст")
    await tg.send_document(
        admin,
        "DOC-materials",
        "Материалы.pdf",
        "application/pdf",
        len(payload),
        payload,
        caption="Материалы к заседанию",
    )
    menu = await tg.wait_message(admin.id, "Кому отправить?")
    ref = (admin.id, menu.result["message_id"])
    await click_and_see(tg, admin, ref, "Членам рабочей группы (1)", "1 получатель")
    await click_and_see(tg, admin, ref, "Подтвердить", "Рассылка № 1")


async def test_backup_of_a_running_bot_restores_into_a_new_folder(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    archive = tmp_path / "backup" / "wg.tar.gz"
    title = "Заседание для резервной копии"
    when = (datetime.now(UTC) + timedelta(days=40)).strftime("%d.%m.%Y 15:00")
    # A document the administrator sends: the bot keeps it under DATA_DIR/files, named by
    # its SHA-256, besides Telegram's id.
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
            await _broadcast_document(tg, admin, payload)
            await tg.wait_message(chair.id, "Материалы к заседанию", timeout=15)
            assert (first / stored).read_bytes() == payload
            # The broadcast's delivery report is the last thing the bot writes for it; once
            # it is out and recorded, nothing changes until the bot is stopped, so the copy
            # taken now is what the stopped bot leaves (compared below).
            await tg.wait_message(admin.id, "Отчёт о доставке", timeout=60)
            await _settled(first / "bot.db")

            # While the bot runs (WAL mode, its connections open): the online backup.
            code, out, err = await run_to_end(env, tmp_path, "backup", str(archive))
            assert code == 0, err
            kept = _kept(first)
            assert "Backup written" in out and f"{len(kept)} stored file(s)" in out
            assert await proc.stop() == 0, proc.log
        before = _rows(first / "bot.db")
        assert any(title in str(row) for row in before["meeting"])
        assert before["stored_file"], "the meeting's .ics is a stored file"
        broadcast_documents = [str(row) for row in before["broadcast"]]
        assert any(digest in row for row in broadcast_documents), "the row names its file"
        # Every document the bot made is a file as well, byte for byte as its row keeps it.
        with sqlite3.connect(first / "bot.db") as conn:
            generated = dict(conn.execute("SELECT sha256, content FROM stored_file").fetchall())
        assert set(kept) == set(generated) | {digest}
        for name, content in generated.items():
            assert kept[name] == content

        restore_env = {**env, "DATA_DIR": str(second)}
        code, out, err = await run_to_end(restore_env, tmp_path, "restore", str(archive))
        assert code == 0, err
        assert (second / stored).read_bytes() == payload
        assert _kept(second) == kept
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
