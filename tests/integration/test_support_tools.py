"""Tests for the dispatcher-level test tools (RecordingSession, BotClient)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F, Router, html
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.methods import (
    AnswerCallbackQuery,
    DeleteMessage,
    DeleteWebhook,
    EditMessageText,
    GetChat,
    GetChatMemberCount,
    SendChatAction,
    SendMessage,
    SetMyCommands,
    TelegramMethod,
)
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)

from tests.support.bot_client import BotClient
from tests.support.recording_session import (
    BOT_USERNAME,
    RecordingSession,
    bad_request,
    forbidden,
    make_bot,
    network_error,
    retry_after,
    server_error,
)

GROUP_ID = -100_500


def start_keyboard(code: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="Подтвердить", callback_data=f"confirm:{code}")],
            [
                InlineKeyboardButton(text="Отмена", callback_data="cancel"),
                InlineKeyboardButton(text="Сайт", url="https://example.org"),
            ],
        ]
    )


def build_dispatcher() -> Dispatcher:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message, command: CommandObject) -> None:
        assert message.from_user is not None
        name = html.bold(html.quote(message.from_user.first_name))
        code = command.args or "none"
        await message.answer(
            f"Привет, {name}! Код: {html.quote(code)}", reply_markup=start_keyboard(code)
        )

    @router.callback_query(F.data.startswith("confirm:"))
    async def confirm(callback: CallbackQuery, seen: list[str]) -> None:
        seen.append(callback.data or "")
        if isinstance(callback.message, Message):
            # No reply_markup: Telegram removes the keyboard on such an edit.
            await callback.message.edit_text("Подтверждено ✅")
        await callback.answer("Готово", show_alert=True)

    @router.callback_query()
    async def other_callback(callback: CallbackQuery, seen: list[str]) -> None:
        seen.append(callback.data or "")
        await callback.answer("Кнопка устарела")

    @router.message(Command("ping"))
    async def ping(message: Message) -> None:
        await message.answer("pong")

    @router.message(Command("say"))
    async def say(message: Message, command: CommandObject) -> None:
        # Deliberately unescaped: lets tests check Telegram-side HTML validation.
        await message.answer(command.args or "")

    @router.message(Command("menu"))
    async def menu(message: Message) -> None:
        keyboard = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Помощь")]])
        await message.answer("Меню", reply_markup=keyboard)

    @router.message(F.text == "Помощь")
    async def help_(message: Message) -> None:
        await message.answer("Справка")

    @router.message(Command("lazy"))
    async def lazy(message: Message) -> SendMessage:
        # Webhook-style answer: returned, not awaited.
        return message.answer("returned, not awaited")

    @router.message(F.document)
    async def document(message: Message, bot: Bot) -> None:
        assert message.document is not None
        name = message.document.file_name or "?"
        await message.answer(f"Файл {html.quote(name)} ({message.document.mime_type})")
        if message.caption == "download":
            downloaded = await bot.download(message.document)
            assert downloaded is not None
            await message.answer(f"bytes={downloaded.read().decode()}")

    @router.message(F.voice)
    async def voice(message: Message) -> None:
        assert message.voice is not None
        await message.answer(f"Голосовое {message.voice.duration} с")

    @router.message(F.chat.type == "supergroup")
    async def group_text(message: Message) -> None:
        assert message.from_user is not None
        await message.reply(f"В группе от {html.quote(message.from_user.first_name)}")

    dp = Dispatcher()
    dp["seen"] = []
    dp.include_router(router)
    return dp


@pytest.fixture
def session() -> RecordingSession:
    return RecordingSession()


@pytest.fixture
def bot(session: RecordingSession) -> Bot:
    return Bot("4242:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))


@pytest.fixture
def dp() -> Dispatcher:
    return build_dispatcher()


@pytest.fixture
def client(dp: Dispatcher, bot: Bot, session: RecordingSession) -> BotClient:
    return BotClient(dp, bot, session)


def seen_callbacks(dp: Dispatcher) -> list[str]:
    seen: list[str] = dp["seen"]
    return seen


# ---- send / last_text / buttons --------------------------------------------


async def test_send_start_replies_with_keyboard(client: BotClient) -> None:
    alice = client.user(1001, "Алиса", "Иванова", language_code="ru")

    requests = await client.send(alice, "/start inv_abc")

    assert [type(request) for request in requests] == [SendMessage]
    assert client.last_text(alice) == "Привет, <b>Алиса</b>! Код: inv_abc"
    assert client.buttons(client.last_message(alice)) == [
        [("Подтвердить", "confirm:inv_abc")],
        [("Отмена", "cancel"), ("Сайт", None)],
    ]
    assert client.sent_to(alice) == requests
    assert client.texts(alice) == ["Привет, <b>Алиса</b>! Код: inv_abc"]


async def test_command_text_gets_bot_command_entity(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    update = client.message_update(alice, "/старт args")

    assert update.message is not None
    entities = update.message.entities or []
    assert [(e.type, e.offset, e.length) for e in entities] == [("bot_command", 0, 6)]
    plain = client.message_update(alice, "hello")
    assert plain.message is not None and plain.message.entities is None


async def test_bot_messages_look_like_telegram_ones(
    client: BotClient, session: RecordingSession, bot: Bot
) -> None:
    alice = client.user(1001, "Алиса")
    await client.send(alice, "/ping")
    await client.send(alice, "/ping")

    user_ids = [u.message.message_id for u in client.updates if u.message is not None]
    bot_ids = [m.message_id for m in session.messages(alice.id)]
    # One id sequence per chat, shared by the user's and the bot's messages.
    assert user_ids == [1, 3]
    assert bot_ids == [2, 4]
    reply = client.last_message(alice)
    assert reply.chat.type == "private"
    assert reply.from_user is not None
    assert reply.from_user.id == bot.id == 4242
    assert reply.from_user.is_bot
    assert reply.date.tzinfo is not None

    returned = await bot.send_message(GROUP_ID, "hi group")
    assert returned.chat.type == "supergroup"
    assert returned.message_id == 1
    # The returned message is bound to the bot, so shortcuts work on it.
    await returned.edit_text("edited")
    assert client.last_text(GROUP_ID) == "edited"


async def test_update_ids_increase_and_feed_can_redeliver(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    first = client.message_update(alice, "/ping")
    second = client.message_update(alice, "/ping")
    assert (first.update_id, second.update_id) == (1, 2)
    assert client.next_update_id == 3

    assert len(await client.feed(first)) == 1
    again = await client.feed(first)

    assert [type(r) for r in again] == [SendMessage]
    assert client.texts(alice) == ["pong", "pong"]
    assert client.last_handled is True


async def test_unhandled_update_is_reported(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    requests = await client.send(alice, "просто текст")
    assert requests == []
    assert client.last_handled is False


async def test_handler_returning_method_is_executed(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    requests = await client.send(alice, "/lazy")
    assert [type(r) for r in requests] == [SendMessage]
    assert client.last_text(alice) == "returned, not awaited"


async def test_now_callable_sets_dates(dp: Dispatcher, bot: Bot, session: RecordingSession) -> None:
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    client = BotClient(dp, bot, session, now=lambda: moment)
    alice = client.user(1001, "Алиса")

    update = client.message_update(alice, "/ping")
    await client.feed(update)

    assert update.message is not None and update.message.date == moment
    assert client.last_message(alice).date == moment


# ---- click / alerts --------------------------------------------------------


async def test_click_edits_message_and_alerts(client: BotClient, dp: Dispatcher) -> None:
    alice = client.user(1001, "Алиса")
    bob = client.user(1002, "Боб")
    await client.send(alice, "/start inv_abc")
    await client.send(bob, "/start inv_bob")

    requests = await client.click(alice, "Подтвердить")

    assert [type(r) for r in requests] == [EditMessageText, AnswerCallbackQuery]
    assert client.last_text(alice) == "Подтверждено ✅"
    assert client.buttons(client.last_message(alice)) == []
    assert client.alerts(alice) == ["Готово"]
    assert client.alerts(bob) == []
    assert len(client.callback_answers(alice)) == 1
    assert seen_callbacks(dp) == ["confirm:inv_abc"]
    # Bob's message is untouched.
    assert client.last_text(bob).startswith("Привет")


async def test_click_uses_latest_message_with_that_button(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    await client.send(alice, "/start old")
    await client.send(alice, "/start new")

    await client.click(alice, "Подтвердить")

    assert client.texts(alice) == ["Привет, <b>Алиса</b>! Код: old", "Подтверждено ✅"]


async def test_click_sends_current_message_state(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    await client.send(alice, "/start x")
    message = client.last_message(alice)

    update = client.callback_update(alice, message, "cancel")

    assert update.callback_query is not None
    assert update.callback_query.message == message
    assert update.callback_query.from_user.id == alice.id


async def test_click_missing_button_lists_available(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    await client.send(alice, "/start inv_abc")

    with pytest.raises(AssertionError) as excinfo:
        await client.click(alice, "Удалить")

    text = str(excinfo.value)
    assert "'Удалить'" in text
    assert "Подтвердить" in text and "Отмена" in text


async def test_click_after_keyboard_removed_fails(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    await client.send(alice, "/start a")
    await client.click(alice, "Подтвердить")

    with pytest.raises(AssertionError, match="no inline keyboards"):
        await client.click(alice, "Подтвердить")


async def test_url_button_cannot_be_clicked(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    await client.send(alice, "/start a")
    with pytest.raises(AssertionError, match="Сайт"):
        await client.click(alice, "Сайт")


async def test_forged_click_data_reaches_handler(client: BotClient, dp: Dispatcher) -> None:
    alice = client.user(1001, "Алиса")
    await client.send(alice, "/start inv_abc")
    message = client.last_message(alice)

    requests = await client.click_data(alice, message, "confirm:someone_elses_invite")

    assert seen_callbacks(dp) == ["confirm:someone_elses_invite"]
    assert [type(r) for r in requests] == [EditMessageText, AnswerCallbackQuery]

    await client.click_data(alice, message.message_id, "garbage:\x00")
    assert seen_callbacks(dp)[-1] == "garbage:\x00"
    assert client.callback_answers(alice)[-1].text == "Кнопка устарела"
    assert client.alerts(alice) == ["Готово"]  # the last answer was not an alert


async def test_click_data_unknown_message_id(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    with pytest.raises(AssertionError, match="No bot message #77"):
        await client.click_data(alice, 77, "x")


async def test_press_reply_keyboard_button(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    await client.send(alice, "/menu")

    await client.press_reply(alice, "Помощь")

    assert client.last_text(alice) == "Справка"
    with pytest.raises(AssertionError, match="shown: \\['Помощь'\\]"):
        await client.press_reply(alice, "Настройки")


# ---- other update kinds ----------------------------------------------------


async def test_send_document_and_voice(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")

    await client.send_document(alice, file_name="отчёт.pdf", mime_type="application/pdf")
    assert client.last_text(alice) == "Файл отчёт.pdf (application/pdf)"
    document_update = client.updates[-1]
    assert document_update.message is not None and document_update.message.document is not None
    assert document_update.message.document.file_id
    assert document_update.message.document.file_unique_id

    await client.send_voice(alice, duration=7)
    assert client.last_text(alice) == "Голосовое 7 с"


async def test_sent_document_can_be_downloaded(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    await client.send_document(alice, file_name="a.txt", caption="download", content=b"hello")
    assert client.last_text(alice) == "bytes=hello"


async def test_send_in_group(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    client.group(GROUP_ID, "Рабочая группа")

    await client.send_in_group(alice, GROUP_ID, "всем привет")

    reply = client.last_message(GROUP_ID)
    assert reply.chat.type == "supergroup"
    assert reply.chat.title == "Рабочая группа"
    assert client.last_text(GROUP_ID) == "В группе от Алиса"
    assert client.messages(alice) == []


# ---- fault injection -------------------------------------------------------


async def test_fail_next_retry_after_propagates(
    client: BotClient, session: RecordingSession
) -> None:
    alice = client.user(1001, "Алиса")
    session.fail_next(SendMessage, partial(retry_after, seconds=7))

    with pytest.raises(TelegramRetryAfter) as excinfo:
        await client.send(alice, "/ping")

    assert excinfo.value.retry_after == 7
    assert isinstance(excinfo.value.method, SendMessage)
    assert [f.exception for f in session.failed] == [excinfo.value]
    assert session.requests == []
    # Only one call was meant to fail.
    assert [type(r) for r in await client.send(alice, "/ping")] == [SendMessage]
    assert session.pending_failures == 0


async def test_fail_next_by_name_count_and_chat(
    client: BotClient, session: RecordingSession
) -> None:
    alice = client.user(1001, "Алиса")
    bob = client.user(1002, "Боб")
    session.fail_next("sendMessage", forbidden, count=2, chat_id=bob.id)

    await client.send(alice, "/ping")
    for _ in range(2):
        with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
            await client.send(bob, "/ping")
    await client.send(bob, "/ping")

    assert client.texts(alice) == ["pong"]
    assert client.texts(bob) == ["pong"]
    assert len(session.failed) == 2


async def test_fail_next_rejects_unknown_method_name(session: RecordingSession) -> None:
    with pytest.raises(ValueError, match="sendMesage"):
        session.fail_next("sendMesage", forbidden)


async def test_fail_forever_until_cleared(session: RecordingSession, bot: Bot) -> None:
    session.fail_next(SendChatAction, server_error, count=None)
    for _ in range(3):
        with pytest.raises(TelegramServerError):
            await bot.send_chat_action(1001, "typing")
    session.clear_failures()
    assert await bot.send_chat_action(1001, "typing") is True


def test_exception_builders_use_real_aiogram_classes() -> None:
    method = SendMessage(chat_id=1, text="x")
    cases: list[tuple[Exception, type[Exception], str]] = [
        (retry_after(method, 3), TelegramRetryAfter, "Retry in 3 seconds"),
        (forbidden(method), TelegramForbiddenError, "Forbidden: bot was blocked by the user"),
        (bad_request(method), TelegramBadRequest, "Bad Request: chat not found"),
        (server_error(method), TelegramServerError, "Internal Server Error"),
        (network_error(method), TelegramNetworkError, "Cannot connect"),
    ]
    for exc, cls, fragment in cases:
        assert type(exc) is cls
        assert fragment in str(exc)
        assert getattr(exc, "method") is method  # noqa: B009 - not on the static type


# ---- session results ---------------------------------------------------------


async def test_simple_method_results(session: RecordingSession, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (4242, BOT_USERNAME, True)
    assert await bot.set_my_commands([]) is True
    assert await bot.delete_webhook() is True
    assert await bot.delete_my_commands() is True
    assert [type(r).__name__ for r in session.requests] == [
        "GetMe",
        "SetMyCommands",
        "DeleteWebhook",
        "DeleteMyCommands",
    ]
    assert session.requests_of(DeleteWebhook) == [session.requests[2]]
    assert session.requests_of("setMyCommands") == session.requests_of(SetMyCommands)


async def test_unknown_result_type_raises_not_implemented(
    session: RecordingSession, bot: Bot
) -> None:
    with pytest.raises(NotImplementedError, match="GetChat"):
        await bot.get_chat(1001)
    assert isinstance(session.failed[0].method, GetChat)


async def test_respond_with_supplies_custom_results(session: RecordingSession, bot: Bot) -> None:
    def member_count(method: TelegramMethod[Any]) -> int:
        assert isinstance(method, GetChatMemberCount)
        return 7 if method.chat_id == GROUP_ID else 1

    session.respond_with(GetChatMemberCount, member_count)
    assert await bot.get_chat_member_count(GROUP_ID) == 7
    assert await bot.get_chat_member_count(1001) == 1


async def test_delete_hides_message_and_double_delete_fails(
    client: BotClient, session: RecordingSession, bot: Bot
) -> None:
    alice = client.user(1001, "Алиса")
    await client.send(alice, "/ping")
    message = client.last_message(alice)

    assert await bot.delete_message(alice.id, message.message_id) is True
    assert client.messages(alice) == []
    assert session.messages(alice.id, include_deleted=True) == [message]
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot(DeleteMessage(chat_id=alice.id, message_id=message.message_id))
    with pytest.raises(AssertionError, match="has not sent anything"):
        client.last_text(alice)


async def test_sent_to_ignores_chat_actions(client: BotClient, bot: Bot) -> None:
    await bot.send_chat_action(1001, "typing")
    await bot.send_document(1001, BufferedInputFile(b"data", filename="r.csv"), caption="отчёт")
    sent = client.sent_to(1001)
    assert [type(r).__name__ for r in sent] == ["SendDocument"]
    document = client.last_message(1001).document
    assert document is not None and document.file_name == "r.csv" and document.file_size == 4
    assert client.last_text(1001) == "отчёт"


async def test_stream_content_serves_registered_bytes(session: RecordingSession, bot: Bot) -> None:
    session.add_file("file-1", b"x" * 10, file_path="documents/file_1.bin")
    buffer = await bot.download("file-1")
    assert buffer is not None and buffer.read() == b"x" * 10

    session.files["https://example.org/raw"] = b"raw"
    chunks = [chunk async for chunk in session.stream_content("https://example.org/raw")]
    assert chunks == [b"raw"]

    with pytest.raises(FileNotFoundError):
        async for _ in session.stream_content("https://example.org/missing"):
            pass
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")
    await session.close()


# ---- Telegram-side validation ---------------------------------------------


async def test_unescaped_html_is_rejected_like_telegram(client: BotClient) -> None:
    alice = client.user(1001, "Алиса")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await client.send(alice, "/say 1 <2 and 3>")
    with pytest.raises(TelegramBadRequest, match='Unsupported start tag "br"'):
        await client.send(alice, "/say a<br>b")
    with pytest.raises(TelegramBadRequest, match="end tag"):
        await client.send(alice, "/say <b>bold")

    await client.send(alice, "/say 1 &lt;2 <b>ok</b> &amp; <a href='x'>l</a>")
    assert client.last_text(alice) == "1 &lt;2 <b>ok</b> &amp; <a href='x'>l</a>"


async def test_markdown_v2_reserved_characters(bot: Bot, session: RecordingSession) -> None:
    with pytest.raises(TelegramBadRequest, match="Character '!' is reserved"):
        await bot.send_message(1, "Привет!", parse_mode="MarkdownV2")
    await bot.send_message(
        1, r"Привет\! *жирный* [ссылка](https://e.org/a_b)", parse_mode="MarkdownV2"
    )
    assert len(session.requests) == 1


async def test_limits_enforced(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(1, "я" * 4097)
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(1, "<b> </b>")
    long_data = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="d" * 65)]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1, "x", reply_markup=long_data)


async def test_edit_with_same_content_is_not_modified(client: BotClient, bot: Bot) -> None:
    alice = client.user(1001, "Алиса")
    await client.send(alice, "/ping")
    message_id = client.last_message(alice).message_id

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(text="pong", chat_id=alice.id, message_id=message_id)


async def test_validation_can_be_disabled() -> None:
    bot, session = make_bot(validate=False)
    await bot.send_message(1, "Привет!", parse_mode="MarkdownV2")
    await bot.send_message(1, "<broken", parse_mode="HTML")
    assert len(session.requests) == 2
