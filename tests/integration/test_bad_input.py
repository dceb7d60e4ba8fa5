"""Bad input gets a clear answer in the user's language and changes nothing."""

from __future__ import annotations

import io
import logging

import pytest
from aiogram.types import Message
from sqlalchemy import func, select

from bot.callbacks import InviteCb, MembersCb
from bot.logging_setup import setup_logging
from bot.services.roster import RosterService
from storage.models import AuditEntry, Invite, Membership, Person, ProcessedUpdate
from tests.conftest import TOKEN, World
from tests.support.bot_client import FakeUser
from tests.support.steps.onboarding import create_invite, join

TABLES = (Person, Membership, Invite, AuditEntry)


async def _snapshot(world: World) -> tuple[int, ...]:
    async with world.db.session() as s:
        return tuple(
            [int(await s.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES]
        )


async def _member(world: World, uid: int, role_button: str = "член рабочей группы") -> FakeUser:
    user = world.client.user(uid, f"User{uid}", language_code="ru")
    await join(world, user, await create_invite(world, world.admin(), role_button))
    return user


async def test_outsider_writing_is_told_how_to_join(world: World) -> None:
    stranger = world.client.user(8001, "Stranger", language_code="ru")
    before = await _snapshot(world)
    for text in ("привет", "/members", "/help", "/language"):
        await world.client.send(stranger, text)
        assert "попросите у секретариата" in (world.client.last_text(stranger) or "")
    assert await _snapshot(world) == before


async def test_outsider_pressing_a_button_gets_an_alert(world: World) -> None:
    stranger = world.client.user(8002, "Stranger", language_code="en")
    member = await _member(world, 8003)
    before = await _snapshot(world)
    forged = MembersCb(action="remove_ok", person=1).pack()
    message = await _any_bot_message(world, member)
    await world.client.click_data(stranger, message, forged)
    assert world.client.alerts(stranger) == [
        "You are not in the working group. Ask the secretariat for an invitation link."
    ]
    assert await _snapshot(world) == before


async def test_member_pressing_secretariat_buttons_is_refused(world: World) -> None:
    member = await _member(world, 8004)
    victim = await _member(world, 8005)
    before = await _snapshot(world)
    message = await _any_bot_message(world, member)
    for data in (
        MembersCb(action="remove_ok", person=2).pack(),
        MembersCb(action="setrole_ok", person=2, role="chair").pack(),
        InviteCb(action="new").pack(),
    ):
        await world.client.click_data(member, message, data)
    assert (
        world.client.alerts(member)
        == ["Это действие доступно только ролям: сотрудник секретариата, администратор."] * 3
    )
    assert await _snapshot(world) == before
    await world.client.send(victim, "/menu")
    assert "член рабочей группы" in (world.client.last_text(victim) or "")


async def test_member_using_a_secretariat_command_learns_who_may(world: World) -> None:
    member = await _member(world, 8006)
    await world.client.send(member, "/members")
    assert world.client.last_text(member) == (
        "Команда /members («Состав рабочей группы») доступна только ролям: "
        "сотрудник секретариата, администратор."
    )


@pytest.mark.parametrize(
    "data",
    [
        MembersCb(action="open", person=987654).pack(),  # unknown id
        MembersCb(action="setrole", person=987654, role="chair").pack(),
        "mb:open:notanumber:0::0",  # malformed payload
        "mb",  # truncated
        "zz:whatever",  # unknown family
        MembersCb(action="setrole", person=1, role="emperor").pack(),  # unknown role
    ],
)
async def test_forged_or_stale_buttons_change_nothing(world: World, data: str) -> None:
    admin = world.admin()
    await _member(world, 8007)
    before = await _snapshot(world)
    message = await _any_bot_message(world, admin)
    await world.client.click_data(admin, message, data)
    assert world.client.alerts(admin)[-1] == (
        "Кнопка устарела или данные уже изменились. Откройте раздел заново."
    )
    assert await _snapshot(world) == before


async def test_revoking_an_invite_twice_is_refused_the_second_time(world: World) -> None:
    admin = world.admin()
    await create_invite(world, admin, "член рабочей группы")
    message = world.client.last_message(admin)
    assert message is not None
    await world.client.click(admin, "Отозвать приглашение")
    before = await _snapshot(world)
    await world.client.click_data(admin, message, InviteCb(action="revoke", invite=1).pack())
    assert world.client.alerts(admin)[-1] == (
        "Это приглашение отозвано. Попросите у секретариата новую ссылку."
    )
    assert await _snapshot(world) == before


async def test_redelivered_update_changes_nothing_twice(world: World) -> None:
    admin = world.admin()
    payload = await create_invite(world, admin, "член рабочей группы")
    newcomer = world.client.user(8008, "Twice")
    update = world.client.message_update(newcomer, f"/start {payload}")
    first = await world.client.feed(update)
    assert any("Здравствуйте" in str(getattr(r, "text", "")) for r in first)
    before = await _snapshot(world)
    second = await world.client.feed(update)
    assert second == []  # skipped: no reply, no "already used" complaint
    assert await _snapshot(world) == before
    async with world.db.session() as s:
        marked = await s.get(ProcessedUpdate, update.update_id)
    assert marked is not None


async def test_internal_error_reaches_the_user_as_an_apology_and_is_logged(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    admin = world.admin()

    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database exploded " + TOKEN)

    monkeypatch.setattr(RosterService, "members", broken)
    update = world.client.message_update(admin, "/members")
    with caplog.at_level(logging.ERROR):
        await world.client.feed(update)
    reply = world.client.last_text(admin) or ""
    assert reply == (
        "Не удалось выполнить действие из-за внутренней ошибки. Ничего не изменено; "
        "попробуйте ещё раз позже."
    )
    assert "Traceback" not in reply and "exploded" not in reply
    assert f"update {update.update_id} failed" in caplog.text


def test_token_never_appears_in_log_output() -> None:
    stream = io.StringIO()
    handler = setup_logging("INFO", TOKEN, stream)
    try:
        log = logging.getLogger("bot.test")
        log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
        try:
            raise RuntimeError(f"ClientResponseError url=https://api.telegram.org/bot{TOKEN}/x")
        except RuntimeError:
            log.exception("update 42 failed")
    finally:
        logging.getLogger().removeHandler(handler)
    output = stream.getvalue()
    assert "update 42 failed" in output and "RuntimeError" in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert "<redacted-token>" in output


async def _any_bot_message(world: World, user: FakeUser) -> Message:
    """A message of the bot in the user's chat to hang a (forged) button press on."""
    message = world.client.last_message(user)
    if message is None:
        await world.client.send(user, "/start")
        message = world.client.last_message(user)
    assert message is not None
    return message
