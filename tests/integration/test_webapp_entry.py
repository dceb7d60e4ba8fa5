"""The ways into the Mini App (issue #19 item 6), at the dispatcher level: the secretariat's
chat menu button, and «Открыть в редакторе» under protocol and register cards in private
chats. Only when WEBAPP_URL is set; never in a group chat (Telegram refuses web_app buttons
there); a person who leaves the secretariat gets Telegram's default menu button back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.methods import SetChatMenuButton
from aiogram.types import Chat, InlineKeyboardMarkup, MenuButtonDefault, MenuButtonWebApp, Message
from sqlalchemy import select

from bot.callbacks import LinkCb
from bot.clock import FrozenClock
from bot.keyboards import in_private
from bot.menu_commands import sync_person_menus
from storage.models import RegisterEntry
from tests.conftest import World, build_world
from tests.support.bot_client import FakeUser
from tests.support.steps.edms import signed_protocol
from tests.support.steps.insight import seeded_group
from tests.support.steps.onboarding import working_group
from tests.support.steps.protocols import held_meeting, open_protocol

APP = "https://wg.example.org/app/"
GROUP_CHAT = -100700
OPEN = "Открыть в редакторе"


@pytest.fixture
async def web_world(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[World]:
    """A bot whose settings name WEBAPP_URL (no server needed to build the links)."""
    w = await build_world(f"sqlite+aiosqlite:///{tmp_path}/bot.db", clock, webapp_url=APP)
    try:
        yield w
    finally:
        await w.db.dispose()


def menu_buttons(world: World, user: FakeUser, since: int = 0) -> list[object]:
    return [
        r.menu_button
        for r in world.session.requests[since:]
        if isinstance(r, SetChatMenuButton) and r.chat_id == user.id
    ]


def web_app_buttons(message: Message | None) -> list[tuple[str, str]]:
    if message is None or not isinstance(message.reply_markup, InlineKeyboardMarkup):
        return []
    return [
        (b.text, b.web_app.url)
        for row in message.reply_markup.inline_keyboard
        for b in row
        if b.web_app is not None
    ]


def all_web_app_buttons(world: World, chat: int) -> list[tuple[str, str]]:
    return [b for m in world.client.messages(chat) for b in web_app_buttons(m)]


# --- the menu button ------------------------------------------------------------------------


async def test_issue_19_item_6_the_secretariat_gets_the_mini_app_as_its_menu_button(
    web_world: World,
) -> None:
    p = await working_group(web_world)
    clerk = menu_buttons(web_world, p["clerk"])
    assert len(clerk) == 1 and isinstance(clerk[0], MenuButtonWebApp)
    assert clerk[0].text == "Рабочее место"
    assert clerk[0].web_app.url == APP + "?v=/home"
    # Members (the chair included) keep Telegram's default: the list of commands.
    for key in ("chair", "m0"):
        assert [type(b) for b in menu_buttons(web_world, p[key])] == [MenuButtonDefault]


async def test_issue_19_item_6_the_button_is_in_the_persons_language(web_world: World) -> None:
    p = await working_group(web_world)
    clerk = p["clerk"]
    await web_world.client.send(clerk, "/language")
    start = len(web_world.session.requests)
    await web_world.client.click(clerk, "English")
    (button,) = menu_buttons(web_world, clerk, start)
    assert isinstance(button, MenuButtonWebApp) and button.text == "Workspace"


async def test_issue_19_item_6_who_leaves_the_secretariat_gets_the_default_button_back(
    web_world: World,
) -> None:
    p = await working_group(web_world)
    admin = web_world.admin()
    c = web_world.client
    start = len(web_world.session.requests)
    await c.send(admin, "/members")
    await c.click(admin, "Секретарь Сергей")
    await c.click(admin, "Изменить роль")
    await c.click(admin, "член рабочей группы")
    assert "Роль: член рабочей группы" in c.last_text(admin)
    assert [type(b) for b in menu_buttons(web_world, p["clerk"], start)] == [MenuButtonDefault]


async def test_issue_19_item_6_without_webapp_url_nobody_gets_a_menu_button(world: World) -> None:
    await working_group(world)
    assert not [r for r in world.session.requests if isinstance(r, SetChatMenuButton)]


async def test_issue_19_item_6_start_up_sync_sets_and_takes_back_the_button(
    web_world: World,
) -> None:
    p = await working_group(web_world)

    async def sync(home: str | None) -> list[SetChatMenuButton]:
        before = len(web_world.session.requests)
        await sync_person_menus(
            web_world.db,
            web_world.client.bot,
            group_id=web_world.app.group_id,
            admin_ids=web_world.app.settings.admin_ids,
            default_locale="ru",
            pause=0,
            home=home,
        )
        return [r for r in web_world.session.requests[before:] if isinstance(r, SetChatMenuButton)]

    first = await sync(web_world.app.webapp_link("/home"))
    by_chat = {r.chat_id: r.menu_button for r in first}
    assert isinstance(by_chat[p["clerk"].id], MenuButtonWebApp)
    assert isinstance(by_chat[p["m0"].id], MenuButtonDefault)
    # Nothing changed: nothing is sent again.
    assert await sync(web_world.app.webapp_link("/home")) == []
    # WEBAPP_URL no longer set: the secretariat's button is taken back, nobody else's touched.
    gone = await sync(None)
    assert [(r.chat_id, type(r.menu_button)) for r in gone] == [(p["clerk"].id, MenuButtonDefault)]


# --- «Открыть в редакторе» under cards -----------------------------------------------------


async def test_issue_19_item_6_the_secretariat_opens_a_draft_protocol_in_the_editor(
    web_world: World,
) -> None:
    p = await held_meeting(web_world)
    await open_protocol(web_world, p["clerk"])
    card = web_world.client.last_message(p["clerk"])
    assert "Протокол" in (card.text or "")
    (button,) = web_app_buttons(card)
    assert button[0] == OPEN and button[1].startswith(APP + "?v=/protocols/")


async def test_issue_19_item_6_everyone_opens_the_signed_protocol_read_only(
    web_world: World,
) -> None:
    p = await signed_protocol(web_world)
    c = web_world.client
    for key in ("m0", "clerk"):
        await c.send(p[key], "/protocols")
        await c.click(p[key], "Протокол № 1/2026")
        card = c.last_message(p[key])
        assert "подписан" in (card.text or "")
        assert web_app_buttons(card) == [(OPEN, APP + "?v=/protocols/1")]


async def test_issue_19_item_6_a_member_opens_a_register_entry_in_the_mini_app(
    web_world: World,
) -> None:
    people = await seeded_group(web_world)
    member = people["m0"]
    c = web_world.client
    await c.send(member, "/plan")
    await c.click(member, "1. Мероприятие 1")
    async with web_world.db.session() as s:
        entry = await s.scalar(
            select(RegisterEntry.id).where(RegisterEntry.title == "Мероприятие 1")
        )
    card = c.last_message(member)
    assert "Мероприятие 1" in (card.text or "")
    assert web_app_buttons(card) == [(OPEN, f"{APP}?v=/registers/entry/{entry}")]


async def test_issue_19_item_6_without_webapp_url_cards_have_no_editor_button(
    world: World,
) -> None:
    p = await signed_protocol(world)
    c = world.client
    await c.send(p["m0"], "/protocols")
    await c.click(p["m0"], "Протокол № 1/2026")
    assert web_app_buttons(c.last_message(p["m0"])) == []
    await c.send(p["m0"], "/plan")
    assert all_web_app_buttons(world, p["m0"].id) == []


async def test_issue_19_item_6_no_web_app_button_ever_reaches_a_group_chat(
    web_world: World,
) -> None:
    """Telegram refuses web_app buttons outside private chats: the linked group chat gets the
    announcements of the protocol's life without one, and a card asked for in the group
    chat gets none."""
    admin = web_world.admin()
    c = web_world.client
    c.group(GROUP_CHAT)
    await c.send_in_group(admin, GROUP_CHAT, "/link")
    await c.click_data(admin, c.last_message(GROUP_CHAT), LinkCb(action="link").pack())
    p = await signed_protocol(web_world)
    for command in ("/protocols", "/plan", "/menu"):
        await c.send_in_group(p["m0"], GROUP_CHAT, command)
    await web_world.deliver()
    assert c.messages(GROUP_CHAT), "the group chat got the announcements"
    assert all_web_app_buttons(web_world, GROUP_CHAT) == []
    # The rule itself: a link only for a message in a private chat.
    link = web_world.app.webapp_link("/protocols/1")
    assert in_private(link, Chat(id=p["m0"].id, type="private")) == link
    for kind in ("group", "supergroup", "channel"):
        assert in_private(link, Chat(id=GROUP_CHAT, type=kind)) is None
    assert in_private(link, None) is None
    assert in_private(None, Chat(id=p["m0"].id, type="private")) is None
