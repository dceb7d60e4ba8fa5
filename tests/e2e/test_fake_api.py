"""Checks that the fake Bot API behaves like Telegram as seen through a real aiogram Bot."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.types import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from tests.support.fake_api import FakeTelegram, FakeUser

TOKEN = "123456:" + "A" * 35


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(text=label, callback_data=f"cb:{label}")] for label in labels]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def make_bot(server: FakeTelegram, token: str = TOKEN) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))
    return Bot(token, session=session)


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN, first_name="Test Bot") as fake:
        yield fake


@pytest.fixture
async def bot(server: FakeTelegram) -> AsyncIterator[Bot]:
    bot = make_bot(server)
    yield bot
    await bot.session.close()


@pytest.fixture
def alice(server: FakeTelegram) -> FakeUser:
    return server.user(1001, "Alice", username="alice")


async def test_get_me_returns_identity(server: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.first_name, me.is_bot) == (
        123456,
        "wg_test_bot",
        "Test Bot",
        True,
    )
    assert server.base_url.startswith("http://127.0.0.1:")
    assert [call.method for call in server.calls] == ["getMe"]


async def test_send_message_round_trips_inline_keyboard(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    markup = keyboard("Yes", "No")

    first = await bot.send_message(alice.id, "Ready?", reply_markup=markup)
    second = await bot.send_message(alice.id, "Second")

    # Objects parsed from a response are bound to the bot, so compare their data.
    assert first.reply_markup is not None
    assert first.reply_markup.model_dump() == markup.model_dump()
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.type == "private" and first.chat.first_name == "Alice"
    assert first.from_user is not None and first.from_user.id == server.bot_id
    assert abs(first.date.timestamp() - time.time()) < 5
    call = await server.wait_message(alice.id)
    assert call.method == "sendMessage" and call.ok
    assert call.params["chat_id"] == alice.id and call.params["text"] == "Ready?"
    assert call.params["reply_markup"]["inline_keyboard"][1][0]["callback_data"] == "cb:No"
    assert [m["text"] for m in server.messages(alice.id)] == ["Ready?", "Second"]
    assert "reply_markup" not in server.last_message(alice.id)


async def test_group_chat_ids_get_group_types(server: FakeTelegram, bot: Bot) -> None:
    supergroup = await bot.send_message(-1001234567890, "hi")
    group = await bot.send_message(-4242, "hi")

    assert (supergroup.chat.type, group.chat.type) == ("supergroup", "group")


async def test_user_text_arrives_with_offset_semantics(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    first_id = await server.send_text(alice, "/start ref")
    second_id = await server.send_text(alice, "hello")

    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [first_id, second_id]
    command = updates[0].message
    assert command is not None and command.text == "/start ref"
    assert command.from_user is not None and command.from_user.username == "alice"
    assert command.chat.id == alice.id and command.chat.type == "private"
    assert command.entities is not None
    assert (command.entities[0].type, command.entities[0].length) == ("bot_command", 6)

    # Asking from second_id confirms (drops) the first update only.
    again = await bot.get_updates(offset=second_id)
    assert [u.update_id for u in again] == [second_id]
    assert server.confirmed_offset == second_id
    assert await bot.get_updates(offset=second_id + 1) == []
    assert server.confirmed_offset == second_id + 1
    await server.wait_idle(timeout=2)


async def test_long_polling_wakes_up_when_update_is_queued(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    server.max_poll_wait = 5.0
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await asyncio.sleep(0.1)
    assert not poll.done()

    await server.send_text(alice, "wake up")
    updates = await asyncio.wait_for(poll, 2)

    assert [u.message.text for u in updates if u.message] == ["wake up"]
    assert time.monotonic() - started < 1.0


async def test_long_polling_is_capped(server: FakeTelegram, bot: Bot) -> None:
    server.max_poll_wait = 0.2
    started = time.monotonic()

    assert await bot.get_updates(timeout=30) == []
    assert 0.15 < time.monotonic() - started < 1.5


async def test_fail_next_429_raises_retry_after(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    server.fail_next("sendMessage", error_code=429, retry_after=7)

    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(alice.id, "too fast")
    assert caught.value.retry_after == 7
    assert "Too Many Requests" in caught.value.message

    await bot.send_message(alice.id, "later")  # the fault is used up
    assert [(c.status, c.params["text"]) for c in server.calls] == [
        (429, "too fast"),
        (200, "later"),
    ]
    assert [m["text"] for m in server.messages(alice.id)] == ["later"]


async def test_fail_next_403_only_for_given_chat(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    server.fail_next("sendMessage", error_code=403, chat_id=alice.id, count=2)

    await bot.send_message(2002, "other chat is fine")
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await bot.send_message(alice.id, "blocked")
    await bot.send_message(alice.id, "unblocked")


async def test_other_error_codes(server: FakeTelegram, bot: Bot) -> None:
    server.fail_next("sendMessage", error_code=400)
    server.fail_next("getChat", error_code=500)

    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(1, "x")
    with pytest.raises(TelegramServerError, match="Internal Server Error"):
        await bot.get_chat(1)


async def test_edit_message_text_updates_the_stored_message(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    sent = await bot.send_message(alice.id, "Step 1", reply_markup=keyboard("Next"))

    edited = await bot.edit_message_text(
        text="Step 2", chat_id=alice.id, message_id=sent.message_id, reply_markup=keyboard("Done")
    )
    assert not isinstance(edited, bool)
    assert edited.text == "Step 2" and edited.edit_date is not None
    assert server.last_message(alice.id)["reply_markup"]["inline_keyboard"][0][0]["text"] == "Done"

    # Telegram drops the keyboard when an edit omits it, and rejects a no-op edit.
    await bot.edit_message_text(text="Final", chat_id=alice.id, message_id=sent.message_id)
    stored = server.last_message(alice.id)
    assert stored["text"] == "Final" and "reply_markup" not in stored
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(text="Final", chat_id=alice.id, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=alice.id, message_id=99)

    assert await bot.edit_message_text(text="inline", inline_message_id="abc") is True
    await bot.edit_message_reply_markup(
        chat_id=alice.id, message_id=sent.message_id, reply_markup=keyboard("Again")
    )
    assert server.last_message(alice.id)["reply_markup"]["inline_keyboard"][0][0]["text"] == "Again"
    assert await bot.delete_message(alice.id, sent.message_id) is True
    assert server.messages(alice.id) == []


async def test_html_is_validated_and_rendered(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    sent = await bot.send_message(alice.id, "<b>Total:</b> 5 &lt; 7", parse_mode="HTML")

    assert sent.text == "Total: 5 < 7"
    # wait_message matches the visible text too, while Call.text keeps the markup.
    call = await server.wait_message(alice.id, contains="Total: 5")
    assert call.text == "<b>Total:</b> 5 &lt; 7"
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(alice.id, "5 < 7", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(alice.id, "<b>open", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(alice.id, "<i></i>", parse_mode="HTML")


async def test_document_upload_is_recorded_with_bytes(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    payload = b"id;name\n1;Alice\n"

    sent = await bot.send_document(
        alice.id, BufferedInputFile(payload, filename="report.csv"), caption="Report"
    )

    assert sent.document is not None and sent.document.file_name == "report.csv"
    assert sent.caption == "Report"
    call = await server.wait_message(alice.id, contains="Report")
    assert call.method == "sendDocument"
    assert call.files["document"] == ("report.csv", payload)
    assert str(call.params["document"]).startswith("attach://")

    # The uploaded file can be fetched back and re-sent by file_id, as on Telegram.
    file = await bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == payload
    resent = await bot.send_document(alice.id, sent.document.file_id)
    assert resent.document is not None and resent.document.file_id == sent.document.file_id


async def test_photo_and_audio_uploads(server: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    photo = await bot.send_photo(alice.id, BufferedInputFile(b"\x89PNG", filename="chart.png"))
    audio = await bot.send_audio(
        alice.id, BufferedInputFile(b"ID3", filename="memo.mp3"), duration=3, title="Memo"
    )

    assert photo.photo is not None and photo.photo[0].file_size == 4
    assert audio.audio is not None and audio.audio.duration == 3 and audio.audio.title == "Memo"
    upload = await server.wait_for(lambda call: call.method == "sendAudio")
    assert upload.files["audio"] == ("memo.mp3", b"ID3")


async def test_user_document_can_be_downloaded(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    await server.send_document(alice, "doc-1", "notes.txt", "text/plain", 5, content=b"notes")
    await server.send_voice(alice, "voice-1", 3, content=b"ogg")
    server.add_file("big-1", None, file_name="huge.bin", file_size=30 * 1024 * 1024)

    updates = await bot.get_updates()
    document = updates[0].message.document if updates[0].message else None
    assert document is not None
    assert (document.file_name, document.mime_type, document.file_size) == (
        "notes.txt",
        "text/plain",
        5,
    )
    voice = updates[1].message.voice if updates[1].message else None
    assert voice is not None and voice.mime_type == "audio/ogg"

    file = await bot.get_file("doc-1")
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None and downloaded.read() == b"notes"
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file("big-1")
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_wrong_token_is_unauthorized(server: FakeTelegram) -> None:
    intruder = make_bot(server, token="654321:" + "B" * 35)
    try:
        with pytest.raises(TelegramUnauthorizedError, match="Unauthorized"):
            await intruder.get_me()
    finally:
        await intruder.session.close()
    assert server.calls == []


async def test_click_button_produces_callback_query(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    sent = await bot.send_message(alice.id, "Choose", reply_markup=keyboard("Yes", "No"))
    call = await server.wait_message(alice.id)

    update_id = await server.click_button(alice, call, "No")

    updates = await bot.get_updates()
    assert [u.update_id for u in updates] == [update_id]
    query = updates[0].callback_query
    assert query is not None and query.data == "cb:No" and query.from_user.id == alice.id
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query.id, text="ok") is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query.id)

    await server.click(alice, (alice.id, sent.message_id), "raw")
    assert (await bot.get_updates(offset=update_id + 1))[0].callback_query is not None
    with pytest.raises(AssertionError, match="'Yes' -> 'cb:Yes'"):
        await server.click_button(alice, call, "Maybe")


async def test_wait_message_reads_conversation_in_order(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    async def converse() -> None:
        for text in ("one", "two", "three"):
            await asyncio.sleep(0.05)
            await bot.send_message(alice.id, text)

    task = asyncio.create_task(converse())
    assert (await server.wait_message(alice.id)).text == "one"
    assert (await server.wait_message(alice.id, contains="thr")).text == "three"
    await task
    with pytest.raises(AssertionError, match="'two'") as caught:
        await server.wait_message(alice.id, timeout=0.2)
    assert "* sendMessage" not in str(caught.value)  # everything was already read

    found = await server.wait_for(lambda c: c.params.get("text") == "two", timeout=1)
    assert found.method == "sendMessage"
    await server.wait_idle(timeout=2)


async def test_commands_are_kept_per_scope_and_language(bot: Bot) -> None:
    commands = [BotCommand(command="start", description="Start")]
    private = BotCommandScopeAllPrivateChats()

    assert await bot.set_my_commands(commands, scope=private, language_code="ru") is True
    got = await bot.get_my_commands(scope=private, language_code="ru")
    assert [c.model_dump() for c in got] == [c.model_dump() for c in commands]
    assert await bot.get_my_commands() == []
    await bot.delete_my_commands(scope=private, language_code="ru")
    assert await bot.get_my_commands(scope=private, language_code="ru") == []
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Start", description="x")])


async def test_get_chat_and_delete_webhook(server: FakeTelegram, bot: Bot, alice: FakeUser) -> None:
    group = {"id": -1005550000000, "type": "supergroup", "title": "Working group"}
    await server.send_text(alice, "hi all", chat=group)

    assert await bot.delete_webhook(drop_pending_updates=False) is True
    chat = await bot.get_chat(-1005550000000)
    assert (chat.type, chat.title) == ("supergroup", "Working group")
    private = await bot.get_chat(alice.id)
    assert private.first_name == "Alice"
    message = (await bot.get_updates())[0].message
    assert message is not None and message.chat.title == "Working group"


async def test_delay_makes_the_bot_time_out(server: FakeTelegram, bot: Bot) -> None:
    server.delay("getMe", 1.5)

    with pytest.raises(TelegramNetworkError, match="timeout"):
        await bot.get_me(request_timeout=1)
    server.delay("getMe", 0)
    await bot.get_me()


async def test_raw_json_form_and_unknown_method(server: FakeTelegram, bot: Bot) -> None:
    url = f"{server.base_url}/bot{TOKEN}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{url}/sendMessage", json={"chat_id": 5, "text": "json"}) as resp:
            assert resp.status == 200 and (await resp.json())["result"]["text"] == "json"
        async with http.post(f"{url}/sendMessage", data={"chat_id": "5", "text": "42"}) as resp:
            assert (await resp.json())["result"]["text"] == "42"
        async with http.post(f"{url}/noSuchMethod") as resp:
            assert resp.status == 404
            assert await resp.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
    # Both ways of posting name the chat as a number.
    assert [(await server.wait_message(5)).params["chat_id"] for _ in range(2)] == [5, 5]
    with pytest.raises(TelegramNotFound):
        await bot.get_webhook_info()


async def test_dispatcher_polling_conversation(
    server: FakeTelegram, bot: Bot, alice: FakeUser
) -> None:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Welcome! Continue?", reply_markup=keyboard("Yes"))

    @router.callback_query(F.data == "cb:Yes")
    async def yes(query: CallbackQuery) -> None:
        await query.answer()
        if isinstance(query.message, Message):
            await query.message.edit_text("Great")

    dp = Dispatcher()
    dp.include_router(router)
    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        await server.send_text(alice, "/start")
        welcome = await server.wait_message(alice.id, contains="Welcome")
        await server.click_button(alice, welcome, "Yes")
        await server.wait_for(lambda c: c.method == "editMessageText")
        await server.wait_idle(timeout=3)
        assert server.last_message(alice.id)["text"] == "Great"
        assert "reply_markup" not in server.last_message(alice.id)
        assert any(c.method == "answerCallbackQuery" and c.ok for c in server.calls)
    finally:
        await dp.stop_polling()
        await polling
