"""Command menus over HTTP: a member whose menu an earlier release set (without /tasks and
/plan) finds the current menu after the bot restarts; a restart with nothing changed sends
no menus."""

from __future__ import annotations

import asyncio

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_api import Call
from tests.support.steps.conversations import invite_and_join


def _to(call: Call, chat_id: int) -> bool:
    scope = call.params.get("scope")
    return isinstance(scope, dict) and scope.get("chat_id") == chat_id


async def test_a_restart_brings_every_members_menu_up_to_date(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    member = tg.user(9501, "Member")
    await invite_and_join(tg, admin, "член рабочей группы", member, "Член Мария")
    await tg.wait_for(lambda call: call.method == "setMyCommands" and _to(call, member.id))
    assert "tasks" in tg.chat_menu(member.id)

    await running.shutdown()
    tg.set_chat_menu(member.id, ["start", "help", "meetings"])  # an older release's menu
    restarted = tg.mark()
    again = await start_bot(tg, running.settings, running.clock)
    try:
        await tg.wait_for(
            lambda call: call.method == "setMyCommands" and _to(call, member.id),
            timeout=10,
            since=restarted,
        )
        assert {"tasks", "plan", "propose", "protocols"} <= set(tg.chat_menu(member.id))
    finally:
        await again.shutdown()

    # Nothing changed since: the next start sends no one's menu.
    start = tg.mark()
    third = await start_bot(tg, running.settings, running.clock)
    try:
        await asyncio.sleep(0.5)
        assert not [
            call
            for call in tg.calls_since(start)
            if call.method == "setMyCommands" and _to(call, member.id)
        ]
    finally:
        await third.shutdown()
