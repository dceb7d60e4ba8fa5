"""CSV for Excel in Russian (issue #18): UTF-8 with BOM, `;`, and typed text never a formula."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.documents.csv_table import csv_bytes, read_csv


def test_file_starts_with_a_bom_and_uses_semicolons_and_crlf() -> None:
    data = csv_bytes(["Ф.И.О.", "Роль"], [["Иванов И. И.", "член рабочей группы"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "Ф.И.О.;Роль\r\nИванов И. И.;член рабочей группы\r\n"


def test_values_with_separators_and_quotes_read_back_unchanged() -> None:
    rows = [["a;b", 'say "yes"', "two\nlines"]]
    assert read_csv(csv_bytes(["x", "y", "z"], rows))[1] == rows[0]


def test_dates_are_written_as_people_read_them_and_none_is_empty() -> None:
    row = [date(2026, 3, 1), datetime(2026, 3, 1, 15, 30, tzinfo=UTC), None, 7]
    assert read_csv(csv_bytes(["a", "b", "c", "d"], [row]))[1] == [
        "01.03.2026",
        "01.03.2026 15:30",
        "",
        "7",
    ]


def test_text_that_looks_like_a_formula_stays_text_but_numbers_stay_numbers() -> None:
    got = read_csv(csv_bytes(["a", "b", "c"], [["=HYPERLINK(1)", "@cmd", "-5"]]))[1]
    assert got == ["'=HYPERLINK(1)", "'@cmd", "-5"]
