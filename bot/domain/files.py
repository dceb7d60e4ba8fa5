"""Which files people may attach to a report or a task's completion. Pure."""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePosixPath

# Office documents, plain text and tables, archives of them, scans and photos: what a unit
# sends to the secretariat. Executables and scripts are refused; the type is judged by the
# name, since the MIME type is whatever the sender's client claims.
ACCEPTED_SUFFIXES: frozenset[str] = frozenset(
    {
        ".pdf",
        ".doc",
        ".docx",
        ".odt",
        ".rtf",
        ".txt",
        ".xls",
        ".xlsx",
        ".ods",
        ".csv",
        ".ppt",
        ".pptx",
        ".odp",
        ".zip",
        ".7z",
        ".jpg",
        ".jpeg",
        ".png",
    }
)
MB = 1024 * 1024


class FileProblem(StrEnum):
    WRONG_TYPE = "wrong_type"
    TOO_LARGE = "too_large"


def file_problem(file_name: str | None, size: int | None, max_mb: int) -> FileProblem | None:
    """Why an attachment cannot be accepted, or None when it can."""
    suffix = PurePosixPath((file_name or "").lower()).suffix
    if suffix not in ACCEPTED_SUFFIXES:
        return FileProblem.WRONG_TYPE
    if size is not None and size > max_mb * MB:
        return FileProblem.TOO_LARGE
    return None
