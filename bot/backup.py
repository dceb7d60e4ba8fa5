"""`python -m bot backup [PATH]` and `python -m bot restore PATH`.

One archive (tar.gz) holds a consistent copy of the database and the stored files
(`DATA_DIR/files`), taken while the bot runs:

- SQLite: SQLite's online backup API, which copies a live WAL database page by page as one
  snapshot (copying the file, even with its -wal, can catch a half-written checkpoint);
- PostgreSQL: `pg_dump --format=custom` (one snapshot), restored with `pg_restore`.

Restore writes only into an empty data folder (and, for PostgreSQL, an empty database), so it
can never overwrite a working installation.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from bot.config import Settings
from bot.startup import EXIT_DATABASE, EXIT_STORAGE, EnvironmentFailure
from storage.migrate import sqlite_copy, sqlite_revision

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
FILES_MEMBER = "files"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    database_bytes: int
    files: int


def default_backup_path(settings: Settings, now: datetime | None = None) -> Path:
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    return settings.data_dir / "backups" / f"wg-bot-{stamp}.tar.gz"


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """libpq options for pg_dump/pg_restore; the password goes by environment, not argv."""
    args = ["--dbname", str(url.database)]
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run_tool(name: str, args: list[str], env: dict[str, str]) -> None:
    if shutil.which(name) is None:
        raise EnvironmentFailure(
            f"{name} is not installed; install the PostgreSQL client (Debian: postgresql-client)",
            EXIT_DATABASE,
        )
    result = subprocess.run(
        [name, *args], env=env, capture_output=True, text=True, check=False, stdin=None
    )
    if result.returncode != 0:
        first = (result.stderr.strip().splitlines() or ["no message"])[0]
        raise EnvironmentFailure(f"{name} failed: {first}", EXIT_DATABASE)


def _add_files(archive: tarfile.TarFile, files_dir: Path) -> int:
    """The kept files (storage.file_store), archived after the database copy: a file is
    written before the row naming it commits, so every file the copy names is already
    there. Files being written (dot-named, renamed into place when whole) are left out."""
    count = 0
    if not files_dir.is_dir():
        return 0
    for path in sorted(files_dir.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            archive.add(path, arcname=f"{FILES_MEMBER}/{path.relative_to(files_dir).as_posix()}")
            count += 1
    return count


def backup(settings: Settings, target: Path | None = None) -> BackupResult:
    """Writes the archive (to a temporary name first, so a half-written one never looks done)."""
    target = (target or default_backup_path(settings)).resolve()
    url = make_url(settings.database_url)
    engine = url.get_backend_name()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentFailure(
            f"Backup folder {target.parent} cannot be created ({exc.strerror})", EXIT_STORAGE
        ) from None
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".backup-") as tmp:
        work = Path(tmp)
        manifest: dict[str, object] = {
            "format": FORMAT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "engine": engine,
        }
        if engine == "sqlite":
            source = Path(str(url.database))
            if not source.exists():
                raise EnvironmentFailure(
                    f"SQLite database {source} does not exist; nothing to back up", EXIT_STORAGE
                )
            db_copy = work / SQLITE_MEMBER
            sqlite_copy(source, db_copy)
            manifest["revision"] = sqlite_revision(db_copy)
            member = SQLITE_MEMBER
        else:
            db_copy = work / PG_MEMBER
            args, env = _pg_args(url)
            _run_tool(
                "pg_dump", ["--format=custom", "--no-owner", "--file", str(db_copy), *args], env
            )
            member = PG_MEMBER
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(db_copy, arcname=member)
            files = _add_files(archive, settings.files_dir)
        size = db_copy.stat().st_size
        partial.replace(target)
    return BackupResult(target, engine, size, files)


def _is_empty(folder: Path) -> bool:
    return not folder.exists() or not any(folder.iterdir())


def restore(settings: Settings, source: Path) -> BackupResult:
    """Unpacks an archive into an empty data folder (and an empty PostgreSQL database)."""
    if not source.is_file():
        raise EnvironmentFailure(f"Backup {source} does not exist", EXIT_STORAGE)
    data_dir = settings.data_dir
    if not _is_empty(data_dir):
        raise EnvironmentFailure(
            f"Data folder {data_dir} is not empty; restore only into an empty folder "
            "(set DATA_DIR to a new one, or move the old one aside)",
            EXIT_STORAGE,
        )
    url = make_url(settings.database_url)
    engine = url.get_backend_name()
    try:
        archive = tarfile.open(source, "r:gz")  # noqa: SIM115 (closed by the `with` below)
    except (tarfile.TarError, OSError) as exc:
        raise EnvironmentFailure(f"Backup {source} cannot be read ({exc})", EXIT_STORAGE) from None
    with archive, tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        # The "data" filter refuses absolute paths, links out of the folder and devices.
        archive.extractall(work, filter="data")
        manifest = json.loads((work / MANIFEST).read_text())
        if manifest.get("engine") != engine:
            raise EnvironmentFailure(
                f"Backup {source} holds a {manifest.get('engine')} database but DATABASE_URL "
                f"is {engine}",
                EXIT_DATABASE,
            )
        data_dir.mkdir(parents=True, exist_ok=True)
        if engine == "sqlite":
            db_path = Path(str(url.database))
            if db_path.exists():
                raise EnvironmentFailure(
                    f"SQLite database {db_path} already exists; restore only into a new one",
                    EXIT_STORAGE,
                )
            db_path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(work / SQLITE_MEMBER, db_path)
            size = db_path.stat().st_size
        else:
            args, env = _pg_args(url)
            _run_tool(
                "pg_restore", ["--no-owner", "--exit-on-error", *args, str(work / PG_MEMBER)], env
            )
            size = (work / PG_MEMBER).stat().st_size
        files = 0
        extracted = work / FILES_MEMBER
        if extracted.is_dir():
            shutil.copytree(extracted, settings.files_dir)
            files = sum(1 for p in settings.files_dir.rglob("*") if p.is_file())
    return BackupResult(source, engine, size, files)
