"""Issue #15 item 4 at the dispatcher level: files people send are kept byte for byte under
DATA_DIR/files (named by SHA-256) besides their Telegram ids, so nothing depends on Telegram
keeping them; what the bot generates is kept there too. Over the cloud Bot API's 20 MB only
the reference is kept, and a failed download or write never loses what the person did."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
from aiogram.methods import GetFile
from sqlalchemy import select

from storage.file_store import FileStore
from storage.models import Recording, ReportSubmission, StoredFile, Task
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.meetings import at_meeting_start, open_meeting_card, schedule_meeting
from tests.support.steps.onboarding import add_unit, create_invite, join, working_group
from tests.support.steps.protocols import held_meeting, open_protocol, write_protocol_item

UNIT = "Отдел качества"
REP = "представитель структурного подразделения"
REPORTS_OPEN = datetime(2026, 12, 27, 7, 0, tzinfo=UTC)
NOT_KEPT = "Бот не смог сохранить у себя копию файла"


def _kept(world: World) -> dict[str, bytes]:
    """Every file under DATA_DIR/files, by its name (the SHA-256), with its bytes."""
    root = world.app.settings.files_dir
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    for path in files:
        assert path.parent.name == path.name[:2], path  # the two-level fan-out
    return {path.name: path.read_bytes() for path in files}


async def _sent_by_people(world: World) -> dict[str, bytes]:
    """The kept files other than the documents the bot generated (an .ics, a DOCX...)."""
    async with world.db.session() as s:
        generated = set((await s.scalars(select(StoredFile.sha256))).all())
    return {name: data for name, data in _kept(world).items() if name not in generated}


def _payload(seed: str, size: int = 300_000) -> bytes:
    block = hashlib.sha256(seed.encode()).digest()
    return (block * (size // len(block) + 1))[:size]


async def _recording_prompt(world: World) -> dict[str, FakeUser]:
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await at_meeting_start(world)
    await open_meeting_card(world, p["clerk"])
    await world.client.click(p["clerk"], "Открыть заседание")
    await open_meeting_card(world, p["clerk"])
    await world.client.click(p["clerk"], "Прикрепить аудиозапись")
    return p


async def _recording(world: World) -> Recording:
    async with world.db.session() as s:
        row = await s.scalar(select(Recording))
    assert row is not None
    return row


async def test_cl12_a_sent_recording_is_kept_byte_for_byte(world: World) -> None:
    p = await _recording_prompt(world)
    audio = _payload("recording", 2 * 1024 * 1024)
    digest = hashlib.sha256(audio).hexdigest()
    await world.client.send_audio(p["clerk"], file_name="Заседание.mp3", content=audio)
    assert world.client.last_text(p["clerk"]) == f"✅ Аудиозапись прикреплена. SHA-256: {digest}"
    assert await _sent_by_people(world) == {digest: audio}
    recording = await _recording(world)
    assert (recording.sha256, recording.kept_sha256) == (digest, digest)
    assert recording.file_id is not None  # Telegram's reference is kept as well
    assert await FileStore(world.app.settings.files_dir).read(digest) == audio


async def test_cl12_a_recording_over_20_mb_keeps_only_its_reference(world: World) -> None:
    p = await _recording_prompt(world)
    await world.client.send_audio(p["clerk"], file_name="long.mp3", file_size=300 * 1024 * 1024)
    assert "больше 20 МБ" in world.client.last_text(p["clerk"])
    digest = "ab" * 32
    await world.client.send(p["clerk"], f"//archive/audio/2026-12-05.mp3 {digest}")
    recording = await _recording(world)
    assert (recording.sha256, recording.kept_sha256) == (digest, None)
    assert recording.storage_ref == "//archive/audio/2026-12-05.mp3"
    assert not any(isinstance(r, GetFile) for r in world.session.requests)
    assert await _sent_by_people(world) == {}


async def test_cl12_a_recording_the_disk_refuses_is_attached_with_its_checksum(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Downloaded, but DATA_DIR/files cannot be written (full disk): the recording and its
    checksum are kept, the secretariat is told the bot has no copy of its own."""
    p = await _recording_prompt(world)

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    before = _kept(world)
    monkeypatch.setattr(os, "replace", disk_full)
    audio = _payload("full disk")
    digest = hashlib.sha256(audio).hexdigest()
    await world.client.send_audio(p["clerk"], file_name="rec.mp3", content=audio)
    said = world.client.texts(p["clerk"])[-2:]
    assert said[0] == f"✅ Аудиозапись прикреплена. SHA-256: {digest}"
    assert said[1].startswith(f"⚠️ {NOT_KEPT} «rec.mp3» (причина: OSError)")
    recording = await _recording(world)
    assert (recording.sha256, recording.kept_sha256) == (digest, None)
    assert _kept(world) == before


# --- quarterly reports (cl. 4 г) ---------------------------------------------------------


async def _representative(world: World) -> FakeUser:
    await add_unit(world, world.admin(), UNIT)
    rep = world.client.user(9101, "Анна", language_code="ru")
    payload = await create_invite(
        world, world.admin(), REP, unit_button=UNIT, name="Анна Арсеньева"
    )
    await join(world, rep, payload)
    world.clock.set(REPORTS_OPEN)
    await world.run_jobs()
    return rep


async def _submit_file(world: World, rep: FakeUser, content: bytes | None) -> None:
    c = world.client
    await c.click(rep, "Представить сведения")
    await c.send_document(rep, file_name="Отчёт.pdf", content=content, file_size=4096)
    await c.click(rep, "Пропустить")
    assert "📎 Отчёт.pdf" in c.last_text(rep)
    await c.click(rep, "Подтвердить")


async def _submission(world: World) -> ReportSubmission:
    async with world.db.session() as s:
        row = await s.scalar(select(ReportSubmission))
    assert row is not None and row.document is not None
    return row


async def test_cl4g_a_report_attachment_is_kept_byte_for_byte(world: World) -> None:
    rep = await _representative(world)
    report = _payload("report")
    digest = hashlib.sha256(report).hexdigest()
    await _submit_file(world, rep, report)
    assert not any(NOT_KEPT in text for text in world.client.texts(rep))
    document = (await _submission(world)).document
    assert document is not None
    assert document["kept_sha256"] == digest and document["file_name"] == "Отчёт.pdf"
    assert document["file_id"]  # and by its Telegram id, as before
    assert await _sent_by_people(world) == {digest: report}


async def test_cl4g_a_failed_download_keeps_the_report_by_its_telegram_reference(
    world: World,
) -> None:
    rep = await _representative(world)
    world.session.fail_next(GetFile, lambda m: aiohttp.ClientConnectionError("reset"))
    await _submit_file(world, rep, _payload("lost"))
    assert any(
        text.startswith(f"⚠️ {NOT_KEPT} «Отчёт.pdf» (причина: ClientConnectionError)")
        for text in world.client.texts(rep)
    )
    document = (await _submission(world)).document
    assert document is not None and document["file_id"] and "kept_sha256" not in document
    assert await _sent_by_people(world) == {}


# --- task completion (cl. 4 д–е) and the documents the bot generates ----------------------


async def _signed_with_a_task(world: World) -> dict[str, FakeUser]:
    """A held meeting whose protocol sets one task to a unit; the deputy signs it."""
    p = await held_meeting(world)
    c = world.client
    await add_unit(world, world.admin(), UNIT)
    p["rep"] = world.client.user(9020, "Иван", language_code="ru")
    payload = await create_invite(
        world, world.admin(), REP, name="Иванов Иван Иванович", unit_button=UNIT
    )
    await join(world, p["rep"], payload)
    clerk = p["clerk"]
    await open_protocol(world, clerk)
    await write_protocol_item(
        world, clerk, 1, "Одобрить стандарт.", f"Подготовить методичку; {UNIT}; 31.01.2027"
    )
    await write_protocol_item(world, clerk, 2, "Принять к сведению.")
    await c.click(clerk, "Направить на согласование")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await c.click(p[key], "Подтверждаю устное согласие")
        await world.deliver()
        await c.click(p[key], "Очно")
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    await c.click(p["deputy"], "Подписать протокол")
    await c.click(p["deputy"], "Подтвердить")
    await world.deliver()
    return p


async def test_cl4e_a_task_completion_file_and_every_generated_document_are_kept(
    world: World,
) -> None:
    p = await _signed_with_a_task(world)
    c, rep = world.client, p["rep"]
    await world.run_jobs()
    await c.send(rep, "/tasks")
    await c.click(rep, "1. Подготовить методичку")
    await c.click(rep, "Сообщить об исполнении")
    await c.send(rep, "Методичка утверждена приказом № 12.")
    result = _payload("task result")
    digest = hashlib.sha256(result).hexdigest()
    await c.send_document(rep, file_name="Методичка.pdf", content=result)
    await c.click(rep, "Подтвердить")
    async with world.db.session() as s:
        task = await s.scalar(select(Task).where(Task.id == 1))
        generated = list((await s.scalars(select(StoredFile))).all())
    assert task is not None and task.status == "done"
    assert task.report_document is not None
    assert task.report_document["kept_sha256"] == digest
    assert task.report_document["telegram_file_id"]
    kept = _kept(world)
    assert kept[digest] == result
    # The recording of the held meeting (b"mp3"), the task's file, and each document the bot
    # made (the .ics, the protocol's DOCX...): all there, byte for byte as in the database.
    assert kept[hashlib.sha256(b"mp3").hexdigest()] == b"mp3"
    assert any(row.mime_type.endswith("wordprocessingml.document") for row in generated)
    for row in generated:
        assert kept[row.sha256] == row.content, row.file_name
    assert set(kept) == {digest, hashlib.sha256(b"mp3").hexdigest()} | {
        row.sha256 for row in generated
    }


async def test_a_document_the_disk_refuses_is_still_made_and_sent(
    world: World, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The bot's own documents keep their bytes in the database: a full disk does not stop
    a meeting from being scheduled (its .ics), and the operator finds it in the log."""

    def disk_full(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    async with world.db.session() as s:
        generated = list((await s.scalars(select(StoredFile))).all())
    assert generated, "the meeting's .ics is made"
    assert _kept(world) == {}
    assert any("not written to" in r.getMessage() for r in caplog.records)


def test_the_world_keeps_files_in_its_own_folder(world: World, tmp_path: Path) -> None:
    """Tests never write into the project's data/ folder."""
    assert world.app.settings.files_dir == tmp_path / "files"
