"""A live card edited in place while its previous text is in flight (cl. 14: the quorum the
secretariat sees must be the latest): the newer text is never lost."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bot.delivery.policy import Decision, Status
from bot.services.outbox import enqueue_edit, record
from storage.db import Database, write
from storage.migrate import migrate
from storage.models import OutboxMessage
from storage.repositories.outbox import OutboxRepository

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


async def _edit(db: Database, text: str) -> None:
    async with db.session() as s, write(s):
        await enqueue_edit(
            s,
            key="live-edit:1:501",
            kind="progress",
            chat_id=501,
            message_id=77,
            text=text,
            keyboard=None,
            now=NOW,
        )


async def test_a_newer_text_arriving_while_the_older_is_sent_goes_out_after_it(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/edits.db"
    await migrate(url)
    db = Database(url)
    try:
        await _edit(db, "Присутствуют 4 из 7")
        async with db.session() as s, write(s):
            claimed = await OutboxRepository(s).claim(NOW, [])
        assert claimed is not None and claimed.text == "Присутствуют 4 из 7"
        # The fifth check-in commits while the fourth's edit is with Telegram.
        await _edit(db, "Присутствуют 5 из 7")
        async with db.session() as s, write(s):
            await record(s, claimed, Decision(Status.SENT), now=NOW, message_id=77)
        async with db.session() as s:
            row = await s.scalar(select(OutboxMessage).where(OutboxMessage.key == claimed.key))
        assert row is not None
        assert (row.status, row.text) == (Status.PENDING.value, "Присутствуют 5 из 7")
        async with db.session() as s, write(s):
            again = await OutboxRepository(s).claim(NOW, [])
        assert again is not None and again.text == "Присутствуют 5 из 7"
        async with db.session() as s, write(s):
            await record(s, again, Decision(Status.SENT), now=NOW, message_id=77)
        async with db.session() as s:
            row = await s.scalar(select(OutboxMessage).where(OutboxMessage.key == claimed.key))
        assert row is not None and row.status == Status.SENT.value
    finally:
        await db.dispose()
