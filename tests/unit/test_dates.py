"""Typed dates and times (UX.md, Text: dates), read in the group's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.dates import (
    DateErrorCode,
    DateInputError,
    exists_locally,
    format_input,
    local_instant,
    parse_local_date,
    parse_local_datetime,
)

MOSCOW = ZoneInfo("Europe/Moscow")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
KALININGRAD = ZoneInfo("Europe/Kaliningrad")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
ZONES = [
    MOSCOW,
    VLADIVOSTOK,
    KALININGRAD,
    ZoneInfo("Asia/Kamchatka"),
    BERLIN,
    NEW_YORK,
    ZoneInfo("America/Havana"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Pacific/Chatham"),
]
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
EXPECTED = datetime(2026, 12, 25, 12, 0, tzinfo=UTC)  # 25.12.2026 15:00 in Moscow


@pytest.mark.parametrize(
    "text",
    [
        "25.12.2026 15:00",
        "25.12.26 15:00",
        "25.12 15:00",
        "25/12/2026 15:00",
        "25/12/26 15:00",
        "25/12 15:00",
        "25.12.2026 15.00",
        "25.12 15.00",
        "  25.12.2026   15:00  ",
        "25.12.2026\t15:00",
        "25.12.2026\u00a015:00",  # a non-breaking space pasted from elsewhere
        "\n25.12.2026 15:00\n",
    ],
)
def test_accepted_forms(text: str) -> None:
    assert parse_local_datetime(text, tz=MOSCOW, now=NOW) == EXPECTED


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("25.12.2026 9:05", datetime(2026, 12, 25, 9, 5)),  # noqa: DTZ001 - wall times
        ("5.1.2027 09:05", datetime(2027, 1, 5, 9, 5)),  # noqa: DTZ001
        ("05.01.27 0:00", datetime(2027, 1, 5, 0, 0)),  # noqa: DTZ001
        ("29.02.2028 23:59", datetime(2028, 2, 29, 23, 59)),  # noqa: DTZ001
        ("1.1 00:00", datetime(2026, 1, 1, 0, 0)),  # noqa: DTZ001 - current year, even if past
    ],
)
def test_short_fields_and_the_current_year(text: str, local: datetime) -> None:
    assert parse_local_datetime(text, tz=MOSCOW, now=NOW) == local.replace(tzinfo=MOSCOW)


def test_result_is_utc_and_depends_on_the_groups_zone() -> None:
    text = "25.12.2026 15:00"
    moscow = parse_local_datetime(text, tz=MOSCOW, now=NOW)
    vladivostok = parse_local_datetime(text, tz=VLADIVOSTOK, now=NOW)
    kaliningrad = parse_local_datetime(text, tz=KALININGRAD, now=NOW)
    assert moscow.tzinfo is UTC
    assert moscow == datetime(2026, 12, 25, 12, 0, tzinfo=UTC)
    assert vladivostok == datetime(2026, 12, 25, 5, 0, tzinfo=UTC)
    assert kaliningrad == datetime(2026, 12, 25, 13, 0, tzinfo=UTC)


def test_current_year_is_the_groups_year_not_utcs() -> None:
    """At 15:00 UTC on 31 Dec it is already 1 January in Vladivostok."""
    now = datetime(2026, 12, 31, 15, 0, tzinfo=UTC)
    assert parse_local_datetime("10.01 10:00", tz=VLADIVOSTOK, now=now).year == 2027
    assert parse_local_datetime("10.01 10:00", tz=MOSCOW, now=now).year == 2026


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "завтра",
        "25.12.2026",  # a time is required
        "25.12",
        "15:00",
        "25.12.2026 15",
        "25.12.2026 15:0",
        "25.12.2026 15:000",
        "25.12.2026 15-00",
        "25.12.2026T15:00",
        "25.12.2026, 15:00",
        "2026-12-25 15:00",
        "25.12/2026 15:00",  # mixed separators
        "25-12-2026 15:00",
        "25.12.202 15:00",
        "25.12.20266 15:00",
        "125.12.2026 15:00",
        "25.12.2026 15:00 MSK",
        "25.12.2026 115:00",
        "٢٥.١٢.٢٠٢٦ 15:00",  # non-ASCII digits
    ],
)
def test_not_understood_is_format(text: str) -> None:
    with pytest.raises(DateInputError) as err:
        parse_local_datetime(text, tz=MOSCOW, now=NOW)
    assert err.value.code is DateErrorCode.FORMAT
    assert err.value.code == "format"


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2026 10:00",
        "29.02.2026 10:00",  # not a leap year
        "31.04.2026 10:00",
        "00.12.2026 10:00",
        "25.00.2026 10:00",
        "25.13.2026 10:00",
        "25.12.2026 25:00",
        "25.12.2026 24:00",
        "25.12.2026 24:60",
        "25.12.2026 23:60",
        "25.12.0000 10:00",
        "01.01.0001 05:00",  # before the first instant UTC can hold, in a zone east of it
    ],
)
def test_no_such_date_or_time_is_impossible(text: str) -> None:
    with pytest.raises(DateInputError) as err:
        parse_local_datetime(text, tz=VLADIVOSTOK, now=NOW)
    assert err.value.code is DateErrorCode.IMPOSSIBLE


def test_past_only_with_not_before() -> None:
    """Without not_before a past date is returned; the caller decides."""
    past = parse_local_datetime("01.01.2026 10:00", tz=MOSCOW, now=NOW)
    assert past < NOW
    with pytest.raises(DateInputError) as err:
        parse_local_datetime("01.01.2026 10:00", tz=MOSCOW, now=NOW, not_before=NOW)
    assert err.value.code is DateErrorCode.PAST


@pytest.mark.parametrize(
    ("text", "past"),
    [
        ("01.06.2026 11:59", True),
        ("01.06.2026 12:00", True),  # exactly now (09:00 UTC = 12:00 MSK) is not after now
        ("01.06.2026 12:01", False),
    ],
)
def test_past_boundary(text: str, past: bool) -> None:
    if past:
        with pytest.raises(DateInputError) as err:
            parse_local_datetime(text, tz=MOSCOW, now=NOW, not_before=NOW)
        assert err.value.code is DateErrorCode.PAST
    else:
        assert parse_local_datetime(text, tz=MOSCOW, now=NOW, not_before=NOW) > NOW


def test_format_and_impossible_win_over_past() -> None:
    with pytest.raises(DateInputError) as err:
        parse_local_datetime("31.02.2020 10:00", tz=MOSCOW, now=NOW, not_before=NOW)
    assert err.value.code is DateErrorCode.IMPOSSIBLE


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError) as err:
        parse_local_datetime("25.12 15:00", tz=MOSCOW, now=datetime(2026, 6, 1))  # noqa: DTZ001
    assert not isinstance(err.value, DateInputError)


# --- daylight saving time (not in Russia since 2014, but the group's zone is a setting) -------


def test_time_skipped_by_dst_is_impossible() -> None:
    """29.03.2026: Berlin's clocks jump from 02:00 to 03:00, so 02:30 never happens."""
    with pytest.raises(DateInputError) as err:
        parse_local_datetime("29.03.2026 02:30", tz=BERLIN, now=NOW)
    assert err.value.code is DateErrorCode.IMPOSSIBLE
    assert parse_local_datetime("29.03.2026 03:00", tz=BERLIN, now=NOW) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )
    assert parse_local_datetime("29.03.2026 01:59", tz=BERLIN, now=NOW) == datetime(
        2026, 3, 29, 0, 59, tzinfo=UTC
    )


def test_time_repeated_by_dst_means_the_first_occurrence() -> None:
    """01.11.2026: New York's clocks go back from 02:00 to 01:00; 01:30 is the EDT one."""
    first = parse_local_datetime("01.11.2026 01:30", tz=NEW_YORK, now=NOW)
    assert first == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # UTC-4, not 06:30 at UTC-5


def test_exists_locally_and_local_instant() -> None:
    assert not exists_locally(datetime(2026, 3, 29, 2, 30), BERLIN)  # noqa: DTZ001
    assert exists_locally(datetime(2026, 10, 25, 2, 30), BERLIN)  # noqa: DTZ001 - repeated
    assert exists_locally(datetime(2026, 3, 29, 2, 30), MOSCOW)  # noqa: DTZ001
    with pytest.raises(ValueError):
        local_instant(datetime(2026, 3, 29, 2, 30, tzinfo=UTC), BERLIN)


# --- dates without time ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25.12.2026", date(2026, 12, 25)),
        ("25.12.26", date(2026, 12, 25)),
        ("25.12", date(2026, 12, 25)),
        ("25/12/2026", date(2026, 12, 25)),
        ("5.1", date(2026, 1, 5)),
        (" 29.02.28 ", date(2028, 2, 29)),
    ],
)
def test_parse_local_date(text: str, expected: date) -> None:
    assert parse_local_date(text, MOSCOW, NOW) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("25.12.2026 15:00", DateErrorCode.FORMAT),  # a time is refused, not dropped
        ("2026-12-25", DateErrorCode.FORMAT),
        ("", DateErrorCode.FORMAT),
        ("31.02.2026", DateErrorCode.IMPOSSIBLE),
        ("00.01", DateErrorCode.IMPOSSIBLE),
    ],
)
def test_parse_local_date_errors(text: str, code: DateErrorCode) -> None:
    with pytest.raises(DateInputError) as err:
        parse_local_date(text, tz=MOSCOW, now=NOW)
    assert err.value.code is code


def test_parse_local_date_uses_the_groups_year_and_not_before() -> None:
    now = datetime(2026, 12, 31, 15, 0, tzinfo=UTC)  # already 2027 in Vladivostok
    assert parse_local_date("10.01", VLADIVOSTOK, now) == date(2027, 1, 10)
    today = date(2027, 1, 1)
    assert parse_local_date("01.01", VLADIVOSTOK, now, not_before=today) == today
    with pytest.raises(DateInputError) as err:
        parse_local_date("31.12.2026", VLADIVOSTOK, now, not_before=today)
    assert err.value.code is DateErrorCode.PAST


# --- round trip ------------------------------------------------------------------------------


def test_format_input() -> None:
    assert format_input(EXPECTED, MOSCOW) == "25.12.2026 15:00"
    assert format_input(datetime(2027, 1, 5, 0, 5, tzinfo=UTC), VLADIVOSTOK) == "05.01.2027 10:05"


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
        max_value=datetime(2099, 12, 31, 23, 59),  # noqa: DTZ001
        timezones=st.sampled_from(ZONES),
        allow_imaginary=False,
    ),
)
def test_parse_reads_back_what_format_writes(moment: datetime) -> None:
    """For any real local time, typing it back gives the same minute; a repeated time
    gives its first occurrence."""
    tz = moment.tzinfo
    assert isinstance(tz, ZoneInfo)
    local = moment.replace(second=0, microsecond=0)
    text = format_input(local, tz)
    parsed = parse_local_datetime(text, tz=tz, now=NOW)
    assert parsed.tzinfo is UTC
    assert format_input(parsed, tz) == text
    assert parsed == local.replace(fold=0).astimezone(UTC)
    assert parsed - local <= timedelta(0)  # never later than the moment meant


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    tz=st.sampled_from(ZONES),
    short_year=st.booleans(),
    sep=st.sampled_from([".", "/"]),
)
def test_parse_local_date_round_trip(day: date, tz: ZoneInfo, short_year: bool, sep: str) -> None:
    year = f"{day.year % 100:02d}" if short_year else str(day.year)
    text = f"{day.day}{sep}{day.month:02d}{sep}{year}"
    assert parse_local_date(text, tz, NOW) == day
