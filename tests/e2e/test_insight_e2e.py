"""The dashboard over HTTP (issue #18 item 5): the chair's /dashboard brings the charts as
PNG photos uploaded to the Bot API, in order, then the line that no indicator is set; a
member's /dashboard is refused and no photo goes to them."""

from __future__ import annotations

import struct

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.fake_api import Call
from tests.support.steps.conversations import invite_and_join, sent_after


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


async def test_issue_18_item_5_dashboard_over_http(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, member = tg.user(9401, "Chair"), tg.user(9402, "Member")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "член рабочей группы", member, "Член Мария")

    start = tg.mark()
    await tg.send_text(chair, "/dashboard")
    await sent_after(tg, start, chair.id, "Показатели эффективности не установлены", wait_s=60)
    photos: list[Call] = [
        call
        for call in tg.calls_since(start)
        if call.method == "sendPhoto" and str(call.params.get("chat_id")) == str(chair.id)
    ]
    assert [str(c.params.get("caption", ""))[:4] for c in photos] == [
        "1/4.",
        "2/4.",
        "3/4.",
        "4/4.",
    ]
    for call in photos:
        _, data = call.files["photo"]
        width, height = _png_size(data)
        assert 1000 <= width <= 1200 and height >= width

    start = tg.mark()
    await tg.send_text(member, "/dashboard")
    await sent_after(tg, start, member.id, "председател")
    assert not [
        call
        for call in tg.calls_since(start)
        if call.method == "sendPhoto" and str(call.params.get("chat_id")) == str(member.id)
    ]
