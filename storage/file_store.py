"""Files kept by the bot under DATA_DIR/files, named by their SHA-256 (`files/ab/abcdef...`).

Naming a file by its content makes a write idempotent (the same bytes land on the same path
once) and lets anyone check a kept file against the checksum the database recorded. The
folder is archived by `python -m bot backup`, so a backup holds the files themselves and
does not depend on Telegram keeping them.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# Temporary files start with a dot: never taken for a kept file.
_TEMP_PREFIX = ".incoming-"
_CHUNK = 1024 * 1024


class CorruptFile(Exception):
    """A kept file whose bytes no longer match the SHA-256 it is named by."""

    def __init__(self, path: Path, actual: str) -> None:
        super().__init__(f"{path}: content has SHA-256 {actual}, not the one it is named by")
        self.path = path
        self.actual = actual


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


class FileStore:
    """Content-addressed files in `root`; blocking I/O runs in a worker thread, because a
    recording may be 20 MB (and more through a local Bot API server)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, sha256: str) -> Path:
        if not _SHA256.match(sha256):
            raise ValueError(f"not a lowercase hex SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    async def put(self, content: bytes) -> str:
        """Keeps `content`; returns its SHA-256, under which it can be read back."""
        return await asyncio.to_thread(self.put_sync, content)

    async def read(self, sha256: str) -> bytes:
        """The kept bytes, checked against their name (CorruptFile if they differ;
        FileNotFoundError if nothing is kept under it)."""
        return await asyncio.to_thread(self.read_sync, sha256)

    async def has(self, sha256: str) -> bool:
        return await asyncio.to_thread(self.path_of(sha256).is_file)

    def put_sync(self, content: bytes) -> str:
        digest = sha256_of(content)
        path = self.path_of(digest)
        if path.is_file() and self._intact(path, digest, len(content)):
            return digest
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its final place and renamed: a reader (or a backup) sees either no
        # file or the whole file, never a part, even if the bot stops mid-write.
        fd, temp = tempfile.mkstemp(prefix=_TEMP_PREFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        _fsync_dir(path.parent)
        return digest

    def read_sync(self, sha256: str) -> bytes:
        path = self.path_of(sha256)
        content = path.read_bytes()
        actual = sha256_of(content)
        if actual != sha256:
            raise CorruptFile(path, actual)
        return content

    @staticmethod
    def _intact(path: Path, digest: str, size: int) -> bool:
        """A file already there is reused only if it is whole (a damaged one is rewritten)."""
        if path.stat().st_size != size:
            return False
        hasher = hashlib.sha256()
        with path.open("rb") as existing:
            while chunk := existing.read(_CHUNK):
                hasher.update(chunk)
        return hasher.hexdigest() == digest


def _fsync_dir(folder: Path) -> None:
    """The rename itself survives a power cut only once the folder is synced (POSIX)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
