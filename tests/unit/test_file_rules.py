"""Attachments to reports and task completions: documents yes, programs no, size capped."""

from __future__ import annotations

import pytest

from bot.domain.files import MB, FileProblem, file_problem


@pytest.mark.parametrize(
    "name", ["Отчёт за 1 квартал.docx", "scan.PDF", "таблица.xlsx", "photo.jpeg", "архив.zip"]
)
def test_documents_tables_archives_and_scans_are_accepted(name: str) -> None:
    assert file_problem(name, 3 * MB, 20) is None


@pytest.mark.parametrize("name", ["setup.exe", "run.sh", "macro.js", "no_extension", None])
def test_programs_and_unnamed_files_are_refused_by_type(name: str | None) -> None:
    assert file_problem(name, 1000, 20) is FileProblem.WRONG_TYPE


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_is_not() -> None:
    assert file_problem("report.pdf", 20 * MB, 20) is None
    assert file_problem("report.pdf", 20 * MB + 1, 20) is FileProblem.TOO_LARGE
    assert file_problem("report.pdf", 6 * MB, 5) is FileProblem.TOO_LARGE
