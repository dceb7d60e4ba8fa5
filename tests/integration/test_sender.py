"""The delivery engine against a recording Bot API that fails on demand (cl. 15: the
secretariat must be able to prove who received what)."""

from __future__ import annotations

import functools
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.methods import EditMessageText, SendDocument, SendMessage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select

from bot.clock import FrozenClock
from bot.delivery.limits import RateLimiter
from bot.delivery.policy import MAX_SERVER_ATTEMPTS, Status
from bot.delivery.sender import Sender
from bot.factory import create_bot
from bot.services.outbox import Envelope, enqueue, enqueue_edit
from storage.db import Database, write
from storage.migrate import migrate
from storage.models import AuditEntry, OutboxMessage, Person
from tests.conftest import make_settings
from tests.support.recording_session import (
    RecordingSession,
    bad_request,
    forbidden,
    network_error,
    retry_after,
    server_error,
)


@dataclass
class Rig:
    db: Database
    session: RecordingSession
    sender: Sender
    clock: FrozenClock

    async def put(self, *envelopes: Envelope) -> None:
        async with self.db.session() as s, write(s):
            await enqueue(s, list(envelopes), self.clock.now())

    async def rows(self) -> list[OutboxMessage]:
        async with self.db.session() as s:
            return list((await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())

    def sent_texts(self, chat_id: int) -> list[str]:
        return [
            r.text
            for r in self.session.requests
            if isinstance(r, SendMessage) and r.chat_id == chat_id
        ]


@pytest.fixture
async def rig(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[Rig]:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.db"
    await migrate(url)
    db = Database(url)
    session = RecordingSession(now=clock.now)
    bot = create_bot(make_settings(url), session)
    # Pacing is not what these tests look at (the limiter has its own); a 429's hold on a
    # chat is, so the limiter reads the same frozen clock as the database.
    limiter = RateLimiter(
        1e9, private_interval=0, group_interval=0, clock=lambda: clock.now().timestamp()
    )
    sender = Sender(db, bot, clock, limiter, rng=random.Random(7))
    try:
        yield Rig(db, session, sender, clock)
    finally:
        await db.dispose()


def msg(key: str, chat_id: int = 101, text: str = "Текст", **kw: object) -> Envelope:
    return Envelope(key=key, kind="broadcast", chat_id=chat_id, text=text, **kw)  # type: ignore[arg-type]


async def test_cl15_enqueued_messages_are_sent_and_recorded(rig: Rig) -> None:
    await rig.put(msg("a:1", 101, "Первое"), msg("a:2", 102, "Второе"))
    assert await rig.sender.drain() == 2
    assert rig.sent_texts(101) == ["Первое"] and rig.sent_texts(102) == ["Второе"]
    rows = await rig.rows()
    assert [r.status for r in rows] == ["sent", "sent"]
    assert all(r.telegram_message_id and r.sent_at for r in rows)
    async with rig.db.session() as s:
        actions = list(await s.scalars(select(AuditEntry.action)))
    assert actions.count("delivery_sending") == 2 and actions.count("delivery_sent") == 2


async def test_enqueuing_the_same_key_twice_sends_once(rig: Rig) -> None:
    await rig.put(msg("same:1"))
    await rig.put(msg("same:1", text="другой текст"))
    await rig.sender.drain()
    assert rig.sent_texts(101) == ["Текст"]


async def test_messages_of_a_rolled_back_change_are_never_sent(rig: Rig) -> None:
    with pytest.raises(RuntimeError):
        async with rig.db.session() as s, write(s):
            await enqueue(s, [msg("lost:1")], rig.clock.now())
            raise RuntimeError("the business change failed")
    assert await rig.sender.drain() == 0
    assert rig.session.requests == []


async def test_retry_after_waits_for_that_chat_and_then_sends(rig: Rig) -> None:
    rig.session.fail_next("sendMessage", functools.partial(retry_after, seconds=3), chat_id=101)
    await rig.put(msg("r:1", 101), msg("r:2", 202))
    await rig.sender.drain()
    assert rig.sent_texts(101) == [] and rig.sent_texts(202) == ["Текст"]
    first = (await rig.rows())[0]
    assert first.status == "pending" and first.next_attempt_at == rig.clock.now() + timedelta(
        seconds=3
    )
    rig.clock.advance(timedelta(seconds=3))
    await rig.sender.drain()
    assert rig.sent_texts(101) == ["Текст"]


async def test_forbidden_marks_the_person_blocked_and_stops_trying(rig: Rig) -> None:
    async with rig.db.session() as s, write(s):
        person = Person(telegram_id=101, telegram_name="Blocker", created_at=rig.clock.now())
        s.add(person)
        await s.flush()
        person_id = person.id
    rig.session.fail_next("sendMessage", forbidden, chat_id=101)
    await rig.put(msg("f:1", 101, person_id=person_id), msg("f:2", 101, person_id=person_id))
    await rig.sender.drain()
    rows = await rig.rows()
    assert [r.status for r in rows] == ["blocked", "blocked"]
    assert len(rig.session.failed) == 1  # the second was not tried at all
    async with rig.db.session() as s:
        blocked = await s.get(Person, person_id)
        assert blocked is not None and blocked.blocked_bot_at == rig.clock.now()


async def test_bad_request_fails_with_the_reason(rig: Rig) -> None:
    rig.session.fail_next("sendMessage", bad_request, chat_id=101)
    await rig.put(msg("b:1", 101))
    await rig.sender.drain()
    row = (await rig.rows())[0]
    assert row.status == "failed" and "chat not found" in (row.last_error or "")


async def test_server_errors_back_off_and_give_up_after_the_limit(rig: Rig) -> None:
    rig.session.fail_next("sendMessage", server_error, count=None)
    await rig.put(msg("s:1", 101))
    for attempt in range(1, MAX_SERVER_ATTEMPTS + 1):
        await rig.sender.drain()
        row = (await rig.rows())[0]
        assert row.attempts == attempt
        if attempt < MAX_SERVER_ATTEMPTS:
            assert row.status == "pending" and row.next_attempt_at > rig.clock.now()
            rig.clock.set(row.next_attempt_at)
    assert row.status == "failed"


async def test_unknown_delivery_is_resent_once_then_reported_unknown(rig: Rig) -> None:
    """A timeout may or may not have delivered: one resend, then the report says unknown."""
    rig.session.fail_next("sendMessage", network_error, count=2)
    await rig.put(msg("u:1", 101))
    await rig.sender.drain()
    row = (await rig.rows())[0]
    assert row.status == "pending" and row.unknown_count == 1
    rig.clock.set(row.next_attempt_at)
    await rig.sender.drain()
    row = (await rig.rows())[0]
    assert row.status == Status.UNKNOWN.value and row.unknown_count == 2


async def test_in_flight_rows_after_a_crash_are_resent(rig: Rig) -> None:
    await rig.put(msg("c:1", 101))
    async with rig.db.session() as s, write(s):
        row = await s.scalar(select(OutboxMessage))
        assert row is not None
        row.status = "sending"  # as a sender killed between claim and record leaves it
    assert await rig.sender.recover() == 1
    row_after = (await rig.rows())[0]
    assert row_after.status == "pending" and row_after.unknown_count == 1
    rig.clock.set(row_after.next_attempt_at)
    await rig.sender.drain()
    assert rig.sent_texts(101) == ["Текст"]


async def test_long_text_is_split_in_order_with_the_keyboard_on_the_last_part(rig: Rig) -> None:
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="Ознакомлен(а)", callback_data="ack:1")]]
    )
    paragraphs = [f"Абзац {i}. " + "слово " * 150 for i in range(12)]
    await rig.put(msg("long:1", 101, "\n\n".join(paragraphs), keyboard=keyboard))
    await rig.sender.drain()
    sent = [r for r in rig.session.requests if isinstance(r, SendMessage)]
    assert len(sent) >= 3
    assert all(len(r.text) <= 4096 for r in sent)
    assert "\n\n".join(r.text for r in sent) == "\n\n".join(paragraphs)
    assert [r.reply_markup is not None for r in sent] == [False] * (len(sent) - 1) + [True]


async def test_document_with_a_long_text_goes_after_the_text(rig: Rig) -> None:
    text = "Пояснение. " * 200
    await rig.put(msg("doc:1", 101, text, document={"file_id": "F1", "file_name": "a.pdf"}))
    await rig.sender.drain()
    kinds = [type(r).__name__ for r in rig.session.requests]
    assert kinds == ["SendMessage", "SendDocument"]
    document = rig.session.requests[-1]
    assert isinstance(document, SendDocument) and document.caption is None


async def test_short_caption_travels_with_the_document(rig: Rig) -> None:
    await rig.put(msg("doc:2", 101, "Протокол", document={"file_id": "F2", "file_name": "p.docx"}))
    await rig.sender.drain()
    document = rig.session.requests[-1]
    assert isinstance(document, SendDocument) and document.caption == "Протокол"


async def test_edits_keep_only_the_latest_text_and_not_modified_is_success(rig: Rig) -> None:
    sent = await rig.sender.bot.send_message(101, "Отправлено 0 из 3")
    for done in (1, 2):
        async with rig.db.session() as s, write(s):
            await enqueue_edit(
                s,
                key="progress:1",
                kind="progress",
                chat_id=101,
                message_id=sent.message_id,
                text=f"Отправлено {done} из 3",
                keyboard=None,
                now=rig.clock.now(),
            )
    await rig.sender.drain()
    edits = [r for r in rig.session.requests if isinstance(r, EditMessageText)]
    assert [e.text for e in edits] == ["Отправлено 2 из 3"]
    # The same text again is not even queued; a "not modified" answer counts as delivered.
    rig.session.fail_next(
        "editMessageText",
        functools.partial(bad_request, message="Bad Request: message is not modified"),
    )
    async with rig.db.session() as s, write(s):
        await enqueue_edit(
            s,
            key="progress:1",
            kind="progress",
            chat_id=101,
            message_id=sent.message_id,
            text="Отправлено 3 из 3",
            keyboard=None,
            now=rig.clock.now(),
        )
    await rig.sender.drain()
    row = next(r for r in await rig.rows() if r.key == "progress:1")
    assert row.status == "sent"


async def test_a_chats_later_message_waits_for_its_earlier_one(rig: Rig) -> None:
    rig.session.fail_next("sendMessage", functools.partial(retry_after, seconds=5), chat_id=101)
    await rig.put(msg("o:1", 101, "первое"), msg("o:2", 101, "второе"))
    await rig.sender.drain()
    assert rig.sent_texts(101) == []  # "второе" did not overtake "первое"
    rig.clock.advance(timedelta(seconds=5))
    await rig.sender.drain()
    assert rig.sent_texts(101) == ["первое", "второе"]


async def test_a_file_the_bot_made_is_uploaded_once_then_sent_by_file_id(rig: Rig) -> None:
    from aiogram.types import BufferedInputFile

    from storage.repositories.files import FileRepository

    async with rig.db.session() as s, write(s):
        stored = await FileRepository(s).add(
            file_name="Заседание.ics",
            mime_type="text/calendar",
            content=b"BEGIN:VCALENDAR",
            now=rig.clock.now(),
        )
    document = {"stored_file_id": stored, "file_name": "Заседание.ics"}
    await rig.put(
        msg("ics:1", 101, "Приглашение", document=document),
        msg("ics:2", 102, "Приглашение", document=document),
    )
    await rig.sender.drain()
    sends = [r for r in rig.session.requests if isinstance(r, SendDocument)]
    assert len(sends) == 2
    assert isinstance(sends[0].document, BufferedInputFile)
    assert sends[0].document.filename == "Заседание.ics"
    assert isinstance(sends[1].document, str)  # Telegram's file_id: no second upload
