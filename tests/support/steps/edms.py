"""The СЭД package (issue #18 item 4): a signed protocol to make one of, the export folder
as the document system sees it, and the package opened and checked against its schemas."""

from __future__ import annotations

import io
import json
import os
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from lxml import etree
from sqlalchemy import select

from bot.documents.edms import CARD_JSON, CARD_XML, JSON_SCHEMA, XML_SCHEMA
from storage.models import DueTask
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.protocols import (
    held_meeting,
    open_protocol,
    sign_protocol,
    write_protocol_item,
)

SIGNED_ZIP = "Протокол № 1-2026 от 05.12.2026 (СЭД).zip"
SIGNED_DOCX = "Протокол № 1-2026 от 05.12.2026.docx"
# Most tests need no PDF: each conversion costs seconds. A path that is not there: no PDF.
NO_SOFFICE = "/nonexistent/soffice"


async def signed_protocol(world: World) -> dict[str, FakeUser]:
    """A held meeting's protocol, its two decisions written, sent for consent, signed by the
    presiding deputy after the consent period, and delivered."""
    p = await held_meeting(world)
    c = world.client
    await open_protocol(world, p["clerk"])
    await write_protocol_item(world, p["clerk"], 1, "Одобрить стандарт.")
    await write_protocol_item(world, p["clerk"], 2, "Принять к сведению.")
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    world.clock.advance(timedelta(days=3, seconds=1))
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    await sign_protocol(world, p["deputy"])
    assert "Статус: ✅ подписан" in (c.last_text(p["deputy"]) or "")
    await world.deliver()
    return p


def signed_docx(world: World) -> bytes:
    """The DOCX every member got when the protocol was signed."""
    upload = next(
        r.document
        for r in world.session.requests
        if isinstance(r, SendDocument)
        and "Подписан протокол № 1/2026" in (r.caption or "")
        and isinstance(r.document, BufferedInputFile)
    )
    assert isinstance(upload, BufferedInputFile)
    return upload.data


# The folder's side, as the document system sees it (plain functions: no event loop here).
def folder_names(folder: Path) -> list[str]:
    return sorted(f.name for f in folder.iterdir())


def break_folder(folder: Path) -> None:
    """The folder made unwritable. root writes into a read-only folder regardless: then a
    file in the folder's place, which cannot be written into either."""
    if os.geteuid() == 0:
        folder.rmdir()
        folder.write_bytes(b"")
    else:
        folder.chmod(0o555)


def fix_folder(folder: Path) -> None:
    if folder.is_file():
        folder.unlink()
        folder.mkdir()
    else:
        folder.chmod(0o755)


def check_package(data: bytes) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The ZIP's files by name, and its card once it validated against both schemas."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    card = json.loads(files[CARD_JSON])
    jsonschema.validate(card, json.loads(JSON_SCHEMA.read_text("utf-8")))
    etree.XMLSchema(etree.parse(str(XML_SCHEMA))).assertValid(etree.fromstring(files[CARD_XML]))
    return files, card


async def export_task(world: World) -> DueTask:
    async with world.db.session() as s:
        task = await s.scalar(select(DueTask).where(DueTask.kind == "edms_export"))
        assert task is not None
        return task
