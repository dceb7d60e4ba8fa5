"""Issue #19, done-when: a protocol written in the Mini App is signed and distributed through
the chat exactly as one written in chat — the same version hash, the same signed DOCX."""

from __future__ import annotations

from pathlib import Path

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile

from bot.clock import FrozenClock
from tests.conftest import START, World, build_world
from tests.support.bot_client import FakeUser
from tests.support.docx_reading import blocks, open_docx
from tests.support.steps.protocols import open_protocol, sign_protocol, write_protocol_item
from tests.support.steps.webapp_protocols import (
    consent_in_chat,
    item,
    meeting_of_three,
    versions,
)
from tests.support.webapp import Served

DECIDED = ("Одобрить стандарт.", "Принять план к сведению.", "Утвердить порядок.")
# The same tasks as the chat's dialog takes them, and as the editor's rows send them.
CHAT_TASKS = ("Подготовить методичку; Отдел качества; 31.01.2027", "Обновить план; Член 1", None)
ROWS: tuple[tuple[tuple[str, str, str], ...], ...] = (
    (("Подготовить методичку", "Отдел качества", "2027-01-31"),),
    (("Обновить план", "Член 1", ""),),
    (),
)


async def consent_and_sign(world: World, p: dict[str, FakeUser]) -> bytes:
    """Everyone present consents in chat, the deputy (who presided) signs; the signed DOCX
    as it went out to the members."""
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await consent_in_chat(world, p[key])
    await world.client.send(p["deputy"], "/protocols")
    await world.client.click(p["deputy"], "Протокол № 1/2026")
    await sign_protocol(world, p["deputy"])
    await world.deliver()
    sent = [
        r.document.data
        for r in world.session.requests
        if isinstance(r, SendDocument)
        and "Подписан протокол № 1/2026" in (r.caption or "")
        and isinstance(r.document, BufferedInputFile)
    ]
    assert sent, "the signed protocol was not distributed"
    return sent[0]


async def test_cl14_a_protocol_written_in_the_mini_app_signs_to_the_same_docx_as_in_chat(
    served: Served, tmp_path: Path
) -> None:
    # Written in the Mini App: three items in one save, sent for consent from the editor.
    app_world = served.world
    p = await meeting_of_three(app_world)
    clerk = p["clerk"]
    assert (await served.call("POST", "api/protocols/start/1", user=clerk)).status == 200
    body = {
        "base": 0,
        "items": {
            str(n): item(DECIDED[n - 1], heard=f"Докладчик по вопросу {n}", tasks=ROWS[n - 1])
            for n in (1, 2, 3)
        },
    }
    assert (await served.call("PUT", "api/protocols/1", user=clerk, body=body)).status == 200
    assert (await served.call("POST", "api/protocols/1/request", user=clerk)).status == 200
    from_app = await consent_and_sign(app_world, p)

    # Written in chat, item by item, on a bot of its own with the same history.
    (tmp_path / "chat").mkdir()
    chat_world = await build_world(
        f"sqlite+aiosqlite:///{tmp_path}/chat/bot.db", FrozenClock(START)
    )
    try:
        q = await meeting_of_three(chat_world)
        await open_protocol(chat_world, q["clerk"])
        for n in (1, 2, 3):
            await write_protocol_item(chat_world, q["clerk"], n, DECIDED[n - 1], CHAT_TASKS[n - 1])
        await chat_world.client.click(q["clerk"], "Направить на согласование")
        from_chat = await consent_and_sign(chat_world, q)
        chat_versions = await versions(chat_world)
    finally:
        await chat_world.db.dispose()

    app_versions = await versions(app_world)
    # One version from the editor, three from the chat's three saves; the text is the same.
    assert [n for n, _ in app_versions] == [1] and [n for n, _ in chat_versions] == [1, 2, 3]
    assert app_versions[-1][1] == chat_versions[-1][1]
    app_text, chat_text = blocks(open_docx(from_app)), blocks(open_docx(from_chat))
    assert app_text == chat_text
    joined = "\n".join(app_text)
    for expected in (
        "СЛУШАЛИ",
        "Докладчик по вопросу 3",
        "Утвердить порядок.",
        "Подготовить методичку",
    ):
        assert expected in joined, expected
    assert app_versions[-1][1] in joined
