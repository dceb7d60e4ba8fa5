"""Issue #15 item 4: the store of files the bot keeps under DATA_DIR/files, named by SHA-256."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pytest

from storage.file_store import CorruptFile, FileStore

CONTENT = bytes(range(256)) * 4096  # 1 MiB that is not all one byte
DIGEST = hashlib.sha256(CONTENT).hexdigest()


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


async def test_a_file_is_kept_under_two_levels_named_by_its_sha256(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "files")
    assert await store.put(CONTENT) == DIGEST
    kept = tmp_path / "files" / DIGEST[:2] / DIGEST
    assert _files(tmp_path) == [kept]
    assert kept.read_bytes() == CONTENT
    assert await store.read(DIGEST) == CONTENT
    assert await store.has(DIGEST)


async def test_the_same_content_twice_is_written_once(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    await store.put(CONTENT)
    kept = store.path_of(DIGEST)
    before = kept.stat()
    assert await store.put(CONTENT) == DIGEST
    after = kept.stat()
    # The same inode, untouched: no second write, no rename over it.
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert _files(tmp_path) == [kept]


async def test_different_contents_get_different_paths(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    first, second = await store.put(b"first"), await store.put(b"second")
    assert first != second
    assert await store.read(first) == b"first" and await store.read(second) == b"second"
    assert len(_files(tmp_path)) == 2


async def test_an_empty_file_is_kept_too(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    digest = await store.put(b"")
    assert digest == hashlib.sha256(b"").hexdigest()
    assert await store.read(digest) == b""


async def test_a_write_that_fails_leaves_neither_a_part_nor_a_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Atomic: the file appears whole by a rename, or not at all."""
    store = FileStore(tmp_path)

    def power_cut(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError, match="No space left"):
        await store.put(CONTENT)
    assert _files(tmp_path) == []
    assert not await store.has(DIGEST)


async def test_the_bytes_are_synced_before_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        # The temporary file sits beside its final place (same folder: a rename, no copy).
        assert Path(src).parent == Path(dst).parent
        assert Path(src).name.startswith(".")
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    await FileStore(tmp_path).put(CONTENT)
    assert events[:2] == ["fsync", "rename"]


async def test_a_kept_file_whose_bytes_changed_is_refused_on_reading(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    await store.put(CONTENT)
    kept = store.path_of(DIGEST)
    kept.write_bytes(CONTENT[:-1] + b"\x00")
    with pytest.raises(CorruptFile) as refused:
        await store.read(DIGEST)
    assert refused.value.path == kept
    assert refused.value.actual == hashlib.sha256(kept.read_bytes()).hexdigest()


async def test_a_damaged_file_is_written_again_when_its_content_comes_back(
    tmp_path: Path,
) -> None:
    store = FileStore(tmp_path)
    await store.put(CONTENT)
    store.path_of(DIGEST).write_bytes(CONTENT[: len(CONTENT) // 2])  # a torn copy
    assert await store.put(CONTENT) == DIGEST
    assert await store.read(DIGEST) == CONTENT


async def test_a_missing_file_is_reported_as_missing(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    assert not await store.has(DIGEST)
    with pytest.raises(FileNotFoundError):
        await store.read(DIGEST)


@pytest.mark.parametrize("name", ["", "../../etc/passwd", DIGEST.upper(), DIGEST[:-1], "g" * 64])
def test_only_a_lowercase_sha256_names_a_file(tmp_path: Path, name: str) -> None:
    """A name from the database never leads outside the store."""
    with pytest.raises(ValueError, match="SHA-256"):
        FileStore(tmp_path).path_of(name)


async def test_writing_and_reading_run_off_the_event_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 20 MB recording must not stall every other chat while it is written and hashed."""
    loop_thread = threading.get_ident()
    seen: list[int] = []
    store = FileStore(tmp_path)
    real_put, real_read = store.put_sync, store.read_sync

    def put_sync(content: bytes) -> str:
        seen.append(threading.get_ident())
        return real_put(content)

    def read_sync(sha256: str) -> bytes:
        seen.append(threading.get_ident())
        return real_read(sha256)

    monkeypatch.setattr(store, "put_sync", put_sync)
    monkeypatch.setattr(store, "read_sync", read_sync)
    await store.read(await store.put(CONTENT))
    assert len(seen) == 2 and loop_thread not in seen
