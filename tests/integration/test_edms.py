"""Issue #18 item 4 (cl. 15: protocols go out electronically, through the body's document
system too): «Пакет для СЭД» on the signed protocol's card sends the secretariat a ZIP with
the DOCX as signed, its PDF and the registration card; with EDMS_EXPORT_DIR set, every signed
protocol's package is written to that folder by a due task, retried while the folder cannot
be written."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy import select

from bot.callbacks import EdmsCb
from bot.clock import FrozenClock
from bot.documents.edms import find_soffice
from storage.models import AuditEntry
from tests.conftest import World, build_world
from tests.support.steps.edms import (
    NO_SOFFICE,
    SIGNED_DOCX,
    SIGNED_ZIP,
    break_folder,
    check_package,
    export_task,
    fix_folder,
    folder_names,
    signed_docx,
    signed_protocol,
)
from tests.support.steps.protocols import held_meeting, open_protocol


async def _world(tmp_path: Path, clock: FrozenClock, **overrides: object) -> World:
    return await build_world(f"sqlite+aiosqlite:///{tmp_path}/bot.db", clock, **overrides)


@pytest.fixture
async def export_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "edms"
    folder.mkdir()
    return folder


@pytest.fixture
async def exporting(tmp_path: Path, clock: FrozenClock, export_dir: Path) -> AsyncIterator[World]:
    w = await _world(tmp_path, clock, edms_export_dir=export_dir, soffice_path=NO_SOFFICE)
    try:
        yield w
    finally:
        await w.db.dispose()


def _read(path: Path) -> bytes:
    return path.read_bytes()


def _remove(path: Path) -> None:
    path.unlink()


async def _actions(world: World, action: str) -> list[AuditEntry]:
    async with world.db.session() as s:
        return list(await s.scalars(select(AuditEntry).where(AuditEntry.action == action)))


@pytest.mark.skipif(find_soffice(None) is None, reason="LibreOffice is not installed")
async def test_issue18_item4_secretariat_gets_the_package_from_the_signed_card(
    world: World,
) -> None:
    """The secretariat presses «Пакет для СЭД»: the ZIP holds the DOCX exactly as signed, a
    PDF by LibreOffice and a card that validates, naming the signer and the addressees."""
    p = await signed_protocol(world)
    c = world.client
    clerk = p["clerk"]
    # Members do not see the button; the secretariat does, on the signed card only.
    await c.send(p["m0"], "/protocols")
    await c.click(p["m0"], "Протокол № 1/2026")
    assert "Пакет для СЭД" not in str(c.buttons(c.last_message(p["m0"])))
    await c.send(clerk, "/protocols")
    await c.click(clerk, "Протокол № 1/2026")
    before = len(world.session.requests)
    await c.click(clerk, "Пакет для СЭД")
    sent = [
        r
        for r in world.session.requests[before:]
        if isinstance(r, SendDocument) and r.chat_id == clerk.id
    ]
    assert len(sent) == 1
    assert isinstance(sent[0].document, BufferedInputFile)
    assert sent[0].document.filename == SIGNED_ZIP
    assert "Пакет для СЭД: протокол № 1/2026 (DOCX, PDF" in (sent[0].caption or "")
    files, card = check_package(sent[0].document.data)
    assert files[SIGNED_DOCX] == signed_docx(world)
    assert files["Протокол № 1-2026 от 05.12.2026.pdf"].startswith(b"%PDF")
    assert card["pdf_absent_reason"] is None
    assert card["signed_by"]["name"] == p["deputy"].full_name
    assert card["signed_by"]["capacity"] == "председательствующий"
    assert card["document"]["number"] == "1/2026"
    assert card["body"]["organisation"] == world.app.settings.body_name
    names = {a["name"] for a in card["addressees"]}
    assert p["m0"].full_name in names and p["clerk"].full_name in names
    assert [e.details["file_name"] for e in await _actions(world, "edms_package_sent")] == [
        SIGNED_ZIP
    ]


async def test_issue18_item4_a_member_pressing_a_forged_button_is_refused(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """Only the secretariat and administrators get the package (they keep the record); a
    forged `ed:` button is refused with the reason and sends nothing; one naming no protocol
    is stale."""
    world = await _world(tmp_path, clock, soffice_path=NO_SOFFICE)
    try:
        p = await signed_protocol(world)
        c = world.client
        await c.send(p["m0"], "/protocols")
        card = c.last_message(p["m0"])
        before = len(world.session.requests)
        await c.click_data(p["m0"], card, EdmsCb(action="zip", protocol=1).pack())
        refusal = c.alerts(p["m0"])[-1]
        assert refusal.startswith("Это действие доступно только ролям:")
        assert "секретариат" in refusal
        assert not any(isinstance(r, SendDocument) for r in world.session.requests[before:])
        assert await _actions(world, "edms_package_sent") == []
        # A protocol that does not exist: stale.
        await c.click_data(p["clerk"], card, EdmsCb(action="zip", protocol=99).pack())
        assert c.alerts(p["clerk"])[-1].startswith("Кнопка устарела")
        assert not any(isinstance(r, SendDocument) for r in world.session.requests[before:])
    finally:
        await world.db.dispose()


async def test_issue18_item4_no_package_for_a_protocol_not_signed(world: World) -> None:
    p = await held_meeting(world)
    c = world.client
    await open_protocol(world, p["clerk"])
    card = c.last_message(p["clerk"])
    assert "Пакет для СЭД" not in str(c.buttons(card))
    before = len(world.session.requests)
    await c.click_data(p["clerk"], card, EdmsCb(action="zip", protocol=1).pack())
    assert c.alerts(p["clerk"])[-1] == (
        "Пакет для СЭД формируется только для подписанного протокола (п. 15 Положения)."
    )
    assert not any(isinstance(r, SendDocument) for r in world.session.requests[before:])


async def test_issue18_item4_signed_protocol_is_written_to_the_export_folder(
    exporting: World, export_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With EDMS_EXPORT_DIR set, the due task added at signing writes the package there
    (whole, under its final name: no temporary file left), logs it and audits it. Without
    LibreOffice the card says the PDF is absent and why."""
    world = exporting
    await signed_protocol(world)
    with caplog.at_level(logging.INFO, logger="bot.services.edms"):
        await world.run_jobs()
    assert folder_names(export_dir) == [SIGNED_ZIP]
    files, card = check_package(_read(export_dir / SIGNED_ZIP))
    assert files[SIGNED_DOCX] == signed_docx(world)
    assert card["files"]["pdf"] is None
    assert card["pdf_absent_reason"] == "PDF не сформирован: LibreOffice не установлен"
    assert any("written to" in r.getMessage() for r in caplog.records)
    assert (await export_task(world)).status == "done"
    assert len(await _actions(world, "edms_exported")) == 1
    # A later tick writes nothing again.
    _remove(export_dir / SIGNED_ZIP)
    world.clock.advance(timedelta(hours=1))
    await world.run_jobs()
    assert folder_names(export_dir) == []


async def test_issue18_item4_unwritable_folder_leaves_the_task_to_retry(
    exporting: World, export_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A folder the bot cannot write to: nothing is lost; the task stays pending with the
    reason in its note and in the log, and the package is written once the folder is
    fixed."""
    world = exporting
    await signed_protocol(world)
    break_folder(export_dir)
    with caplog.at_level(logging.INFO, logger="bot.services.edms"):
        await world.run_jobs()
    task = await export_task(world)
    assert task.status == "pending"
    assert task.note is not None and "not writable" in task.note
    assert any(
        r.levelno == logging.WARNING and "not written" in r.getMessage() for r in caplog.records
    )
    assert await _actions(world, "edms_exported") == []
    # Fixed: the next try after the pause writes it.
    fix_folder(export_dir)
    await world.run_jobs()
    assert folder_names(export_dir) == []  # not yet: it waits before trying again
    world.clock.advance(timedelta(minutes=5, seconds=1))
    await world.run_jobs()
    assert folder_names(export_dir) == [SIGNED_ZIP]
    assert (await export_task(world)).status == "done"
