"""Meeting rules (regulation cl. 11-14): presiding, scheduling, quorum, venue, reminders,
RSVP forecasts and the monthly rule across the time zones of Russia and beyond."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.meetings import (
    DEFAULT_REMINDER_OFFSETS,
    Absence,
    MeetingFormat,
    MonthVerdict,
    ReminderFate,
    Rsvp,
    VenueError,
    chair_absent,
    count_for_quorum,
    has_quorum,
    is_late,
    last_months,
    may_change_rsvp,
    may_decide,
    may_schedule,
    month_bounds,
    month_compliant,
    month_end_check_time,
    month_of,
    month_verdict,
    needs_warning,
    presiding_role,
    quorum_forecast,
    quorum_needed,
    reminder_fate,
    reminder_times,
    validate_venue,
    warning_times,
)
from bot.domain.roles import Role

MOSCOW = ZoneInfo("Europe/Moscow")  # UTC+3
KALININGRAD = ZoneInfo("Europe/Kaliningrad")  # UTC+2
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")  # UTC+10
KAMCHATKA = ZoneInfo("Asia/Kamchatka")  # UTC+12
BERLIN = ZoneInfo("Europe/Berlin")  # CET/CEST
HAVANA = ZoneInfo("America/Havana")  # clocks go back at 01:00 -> 00:00, midnight repeats
ASUNCION = ZoneInfo("America/Asuncion")  # clocks went forward at midnight on some 1 Octobers
ZONES = [
    MOSCOW,
    KALININGRAD,
    VLADIVOSTOK,
    KAMCHATKA,
    BERLIN,
    ZoneInfo("America/New_York"),
    HAVANA,
    ASUNCION,
    ZoneInfo("Australia/Lord_Howe"),  # half-hour DST
    ZoneInfo("Pacific/Chatham"),  # UTC+12:45 / +13:45
]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _utc(year: int, month: int, day: int, hour: int) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


# --- cl. 14 quorum ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("present", "total", "expected"),
    [
        (0, 0, False),  # no members, no decision
        (1, 0, False),
        (0, 1, False),
        (1, 1, True),
        (0, 2, False),
        (1, 2, True),  # exactly half is enough
        (1, 3, False),
        (2, 3, True),
        (4, 9, False),
        (5, 9, True),
        (4, 8, True),
        (3, 8, False),
        (12, 10, True),  # removed from the roster mid-meeting: still at least half
    ],
)
def test_cl14_quorum_is_at_least_half_of_all_members(
    present: int, total: int, expected: bool
) -> None:
    """cl. 14 quorum: 2 x present >= total, and nothing is decided without members."""
    assert has_quorum(present, total) is expected


@pytest.mark.parametrize(("total", "needed"), [(1, 1), (2, 1), (3, 2), (4, 2), (9, 5), (10, 5)])
def test_cl14_quorum_needed(total: int, needed: int) -> None:
    assert quorum_needed(total) == needed


def test_cl14_quorum_rejects_negative_counts() -> None:
    with pytest.raises(ValueError):
        has_quorum(-1, 3)
    with pytest.raises(ValueError):
        has_quorum(1, -3)
    with pytest.raises(ValueError):
        quorum_needed(-1)


def test_cl14_empty_group_needs_one_yet_never_has_quorum() -> None:
    """cl. 14 quorum: without members nothing is decided, even if the display says "1"."""
    assert quorum_needed(0) == 1
    assert not has_quorum(quorum_needed(0), 0)


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_cl14_quorum_is_monotone_in_present(a: int, b: int, total: int) -> None:
    """cl. 14 quorum: one more member present never loses a quorum."""
    low, high = sorted((a, b))
    assert not has_quorum(low, total) or has_quorum(high, total)


@given(st.integers(1, 10_000))
def test_cl14_quorum_needed_is_the_smallest_count_with_quorum(total: int) -> None:
    needed = quorum_needed(total)
    assert has_quorum(needed, total)
    assert not has_quorum(needed - 1, total)


def test_cl14_only_members_count_for_quorum() -> None:
    """cl. 14 quorum: chair and deputy count as members; secretariat, unit representatives,
    guests and unknown people never count."""
    attendees: list[Role | None] = [
        Role.CHAIR,
        Role.DEPUTY_CHAIR,
        Role.MEMBER,
        Role.MEMBER,
        Role.SECRETARIAT,
        Role.UNIT_REPRESENTATIVE,
        Role.GUEST,
        None,
    ]
    assert count_for_quorum(attendees) == 4
    assert count_for_quorum([]) == 0
    assert count_for_quorum(iter([Role.GUEST, Role.SECRETARIAT])) == 0


# --- cl. 11 presiding ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chair", "deputy", "expected"),
    [
        (True, True, Role.CHAIR),
        (True, False, Role.CHAIR),
        (False, True, Role.DEPUTY_CHAIR),
        (False, False, None),
    ],
)
def test_cl11_presiding_role(chair: bool, deputy: bool, expected: Role | None) -> None:
    """cl. 11: the chair presides, else the deputy, else nobody."""
    assert presiding_role(chair, deputy) is expected


def test_cl11_cl14_no_decisions_without_presiding_or_quorum() -> None:
    """cl. 11 and cl. 14: deciding needs someone presiding and a quorum."""
    assert may_decide(chair_present=False, deputy_present=True, present_members=3, total_members=5)
    assert not may_decide(
        chair_present=False, deputy_present=False, present_members=5, total_members=5
    )
    assert not may_decide(
        chair_present=True, deputy_present=True, present_members=2, total_members=5
    )


# --- cl. 13 scheduling -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "absent", "expected"),
    [
        (Role.CHAIR, False, True),
        (Role.CHAIR, True, True),
        (Role.DEPUTY_CHAIR, False, False),
        (Role.DEPUTY_CHAIR, True, True),
        (Role.MEMBER, True, False),
        (Role.SECRETARIAT, True, False),
        (Role.UNIT_REPRESENTATIVE, True, False),
        (Role.GUEST, True, False),
        (None, True, False),
    ],
)
def test_cl13_who_may_schedule(role: Role | None, absent: bool, expected: bool) -> None:
    """cl. 13: the chair always; the deputy only while the chair is absent; nobody else."""
    assert may_schedule(role, chair_absent=absent) is expected


ABSENCE = Absence(
    starts_at=datetime(2026, 12, 10, 0, 0, tzinfo=UTC),
    ends_at=datetime(2026, 12, 20, 0, 0, tzinfo=UTC),
)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (ABSENCE.starts_at - timedelta(microseconds=1), False),
        (ABSENCE.starts_at, True),  # absent from the first instant
        (ABSENCE.ends_at - timedelta(microseconds=1), True),
        (ABSENCE.ends_at, False),  # back at the end instant
    ],
)
def test_cl13_chair_absence_is_half_open(now: datetime, expected: bool) -> None:
    """cl. 13: an absence covers [starts_at, ends_at)."""
    assert chair_absent([ABSENCE], now) is expected


def test_cl13_chair_absent_with_several_or_no_absences() -> None:
    later = Absence(ABSENCE.ends_at + timedelta(days=5), ABSENCE.ends_at + timedelta(days=6))
    assert not chair_absent([], NOW)
    assert chair_absent([ABSENCE, later], later.starts_at)
    assert not chair_absent([ABSENCE, later], ABSENCE.ends_at + timedelta(days=1))


def test_cl13_chair_absence_in_another_zone_compares_instants() -> None:
    """cl. 13: bounds in local time compare as instants, whatever zone they carry."""
    local = Absence(
        datetime(2026, 12, 10, 9, 0, tzinfo=VLADIVOSTOK),  # 23:00 UTC on the 9th
        datetime(2026, 12, 11, 9, 0, tzinfo=VLADIVOSTOK),
    )
    assert chair_absent([local], datetime(2026, 12, 9, 23, 0, tzinfo=UTC))
    assert not chair_absent([local], datetime(2026, 12, 9, 22, 59, tzinfo=UTC))


def test_absence_must_be_aware_and_end_after_it_starts() -> None:
    with pytest.raises(ValueError):
        Absence(NOW, NOW)
    with pytest.raises(ValueError):
        Absence(NOW, NOW - timedelta(hours=1))
    with pytest.raises(ValueError):
        Absence(datetime(2026, 12, 1), NOW)  # noqa: DTZ001 - the naive case under test


# --- venue -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "place", "link", "expected"),
    [
        (MeetingFormat.IN_PERSON, "Каб. 305", None, None),
        (MeetingFormat.IN_PERSON, None, None, VenueError.PLACE_REQUIRED),
        (MeetingFormat.IN_PERSON, "   ", None, VenueError.PLACE_REQUIRED),
        (MeetingFormat.IN_PERSON, "Каб. 305", "https://meet.example/abc", None),  # hybrid
        (MeetingFormat.IN_PERSON, "Каб. 305", "ftp://x", VenueError.LINK_INVALID),
        (MeetingFormat.REMOTE, None, None, None),  # link is optional
        (MeetingFormat.REMOTE, None, "  ", None),
        (MeetingFormat.REMOTE, None, "https://telemost.yandex.ru/j/123", None),
        (MeetingFormat.REMOTE, None, " http://vks.gov.example:8080/room?id=1 ", None),
        (MeetingFormat.REMOTE, None, "telemost.yandex.ru/j/123", VenueError.LINK_INVALID),
        (MeetingFormat.REMOTE, None, "javascript:alert(1)", VenueError.LINK_INVALID),
        (MeetingFormat.REMOTE, None, "https://", VenueError.LINK_INVALID),
        (MeetingFormat.REMOTE, None, "https://a b.example", VenueError.LINK_INVALID),
        (MeetingFormat.REMOTE, "Каб. 305", None, None),
    ],
)
def test_venue_rules(
    fmt: MeetingFormat, place: str | None, link: str | None, expected: VenueError | None
) -> None:
    assert validate_venue(fmt, place, link) == expected


def test_venue_error_codes_are_the_documented_strings() -> None:
    assert validate_venue(MeetingFormat.IN_PERSON, None, None) == "place_required"
    assert validate_venue(MeetingFormat.REMOTE, None, "x") == "link_invalid"
    assert MeetingFormat("remote") is MeetingFormat.REMOTE


# --- reminders -------------------------------------------------------------------------------

STARTS = datetime(2026, 12, 10, 12, 0, tzinfo=UTC)


def test_reminders_three_days_and_one_hour_before() -> None:
    assert reminder_times(STARTS, DEFAULT_REMINDER_OFFSETS, NOW) == [
        (timedelta(days=3), datetime(2026, 12, 7, 12, 0, tzinfo=UTC)),
        (timedelta(hours=1), datetime(2026, 12, 10, 11, 0, tzinfo=UTC)),
    ]


@pytest.mark.parametrize(
    ("now", "offsets_left"),
    [
        (STARTS - timedelta(days=3, seconds=1), [timedelta(days=3), timedelta(hours=1)]),
        (STARTS - timedelta(days=3), [timedelta(hours=1)]),  # due exactly now: not future
        (STARTS - timedelta(days=2), [timedelta(hours=1)]),
        (STARTS - timedelta(hours=1), []),
        (STARTS + timedelta(hours=1), []),
    ],
)
def test_reminders_only_in_the_future(now: datetime, offsets_left: list[timedelta]) -> None:
    assert [o for o, _ in reminder_times(STARTS, DEFAULT_REMINDER_OFFSETS, now)] == offsets_left


def test_reminders_sorted_deduplicated_and_never_negative() -> None:
    offsets = [timedelta(hours=1), timedelta(days=1), timedelta(hours=1), timedelta(0)]
    assert [o for o, _ in reminder_times(STARTS, offsets, NOW)] == [
        timedelta(days=1),
        timedelta(hours=1),
        timedelta(0),
    ]
    with pytest.raises(ValueError):
        reminder_times(STARTS, [timedelta(minutes=-5)], NOW)


@pytest.mark.parametrize(
    ("now", "fate"),
    [
        (STARTS - timedelta(hours=2), ReminderFate.SEND),  # early or on time
        (STARTS - timedelta(minutes=1), ReminderFate.SEND),  # late, meeting still ahead
        (STARTS, ReminderFate.SKIP),  # meeting has started
        (STARTS + timedelta(days=1), ReminderFate.SKIP),
    ],
)
def test_late_reminder_after_restart_is_skipped_once_the_meeting_started(
    now: datetime, fate: ReminderFate
) -> None:
    due = STARTS - timedelta(hours=1)
    assert reminder_fate(due, STARTS, now) is fate


@pytest.mark.parametrize(
    ("delay", "late"),
    [
        (timedelta(0), False),
        (timedelta(minutes=5), False),  # exactly the grace: on time
        (timedelta(minutes=5, seconds=1), True),
        (timedelta(hours=3), True),
        (timedelta(minutes=-1), False),  # fired early
    ],
)
def test_is_late_after_grace(delay: timedelta, late: bool) -> None:
    due = STARTS - timedelta(hours=1)
    assert is_late(due, due + delay) is late


def test_is_late_with_custom_grace() -> None:
    due = STARTS - timedelta(hours=1)
    assert is_late(due, due + timedelta(seconds=2), grace=timedelta(seconds=1))


# --- cl. 12 monthly rule ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "tz", "month"),
    [
        # 23:30 UTC on 31 March is 02:30 on 1 April in Moscow: counts for April.
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), MOSCOW, (2026, 4)),
        (datetime(2026, 3, 31, 23, 30, tzinfo=UTC), KALININGRAD, (2026, 4)),
        (datetime(2026, 3, 31, 20, 59, tzinfo=UTC), MOSCOW, (2026, 3)),
        (datetime(2026, 3, 31, 21, 0, tzinfo=UTC), MOSCOW, (2026, 4)),
        (datetime(2026, 3, 31, 21, 59, tzinfo=UTC), KALININGRAD, (2026, 3)),
        (datetime(2026, 3, 31, 22, 0, tzinfo=UTC), KALININGRAD, (2026, 4)),
        (datetime(2026, 3, 31, 13, 59, tzinfo=UTC), VLADIVOSTOK, (2026, 3)),
        (datetime(2026, 3, 31, 14, 0, tzinfo=UTC), VLADIVOSTOK, (2026, 4)),
        # Year boundary: New Year arrives in Vladivostok seven hours before Moscow.
        (datetime(2026, 12, 31, 14, 0, tzinfo=UTC), VLADIVOSTOK, (2027, 1)),
        (datetime(2026, 12, 31, 14, 0, tzinfo=UTC), MOSCOW, (2026, 12)),
        (datetime(2026, 12, 31, 21, 0, tzinfo=UTC), MOSCOW, (2027, 1)),
        (datetime(2027, 1, 1, 2, 0, tzinfo=VLADIVOSTOK), MOSCOW, (2026, 12)),
    ],
)
def test_cl12_month_of_a_meeting_is_the_groups_calendar_month(
    moment: datetime, tz: ZoneInfo, month: tuple[int, int]
) -> None:
    """cl. 12: a meeting counts for the calendar month in the group's time zone."""
    assert month_of(moment, tz) == month


def test_cl12_month_of_refuses_naive_time() -> None:
    with pytest.raises(ValueError):
        month_of(datetime(2026, 3, 31, 23, 30), MOSCOW)  # noqa: DTZ001 - the naive case


@pytest.mark.parametrize(
    ("year", "month", "tz", "start", "end"),
    [
        (2026, 4, MOSCOW, _utc(2026, 3, 31, 21), _utc(2026, 4, 30, 21)),
        (2026, 4, KALININGRAD, _utc(2026, 3, 31, 22), _utc(2026, 4, 30, 22)),
        (2026, 4, VLADIVOSTOK, _utc(2026, 3, 31, 14), _utc(2026, 4, 30, 14)),
        (2026, 12, MOSCOW, _utc(2026, 11, 30, 21), _utc(2026, 12, 31, 21)),
        (2027, 1, VLADIVOSTOK, _utc(2026, 12, 31, 14), _utc(2027, 1, 31, 14)),
        (2028, 2, MOSCOW, _utc(2028, 1, 31, 21), _utc(2028, 2, 29, 21)),
        # Berlin switches to summer time within March: end is at the +2 offset.
        (2026, 3, BERLIN, _utc(2026, 2, 28, 23), _utc(2026, 3, 31, 22)),
        # Havana: midnight of 1 Nov 2026 happens twice; the month starts at the first one.
        (2026, 11, HAVANA, _utc(2026, 11, 1, 4), _utc(2026, 12, 1, 5)),
        # Asuncion: clocks jumped from 00:00 to 01:00 on 1 Oct 2023; the month starts at 01:00.
        (2023, 10, ASUNCION, _utc(2023, 10, 1, 4), _utc(2023, 11, 1, 3)),
    ],
)
def test_cl12_month_bounds_in_utc(
    year: int, month: int, tz: ZoneInfo, start: datetime, end: datetime
) -> None:
    """cl. 12: a calendar month of the group's zone as UTC [start, end)."""
    assert month_bounds(year, month, tz) == (start, end)
    assert month_end_check_time(year, month, tz) == end


def test_cl12_month_end_check_time_across_the_year_boundary() -> None:
    """cl. 12: December's check runs at local midnight of 1 January."""
    check = month_end_check_time(2026, 12, MOSCOW)
    assert check == datetime(2026, 12, 31, 21, 0, tzinfo=UTC)
    assert check.tzinfo is UTC
    assert month_of(check, MOSCOW) == (2027, 1)
    assert month_of(check - timedelta(microseconds=1), MOSCOW) == (2026, 12)


@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive
        max_value=datetime(2099, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    tz=st.sampled_from(ZONES),
)
def test_cl12_month_bounds_contain_exactly_the_months_moments(
    moment: datetime, tz: ZoneInfo
) -> None:
    """cl. 12: month_of and month_bounds agree for any instant in any zone."""
    year, month = month_of(moment, tz)
    start, end = month_bounds(year, month, tz)
    assert start <= moment < end
    assert start.tzinfo is UTC and end.tzinfo is UTC
    assert month_of(start, tz) == (year, month)
    assert month_of(start - timedelta(microseconds=1), tz) != (year, month)
    assert month_of(end - timedelta(microseconds=1), tz) == (year, month)
    assert month_of(end, tz) != (year, month)


@pytest.mark.parametrize("tz", [MOSCOW, KALININGRAD, VLADIVOSTOK, KAMCHATKA])
def test_cl12_warning_times_from_the_15th_every_three_days_at_10_local(tz: ZoneInfo) -> None:
    """cl. 12: warnings at 10:00 local on 15, 18, 21, 24, 27, 30 (a 31-day month)."""
    times = warning_times(2026, 12, tz)
    local = [t.astimezone(tz) for t in times]
    assert [t.day for t in local] == [15, 18, 21, 24, 27, 30]
    assert all((t.hour, t.minute) == (10, 0) for t in local)
    assert all(t.tzinfo is UTC for t in times)


@pytest.mark.parametrize(
    ("year", "month", "days"),
    [
        (2026, 2, [15, 18, 21, 24, 27]),  # 28 days
        (2028, 2, [15, 18, 21, 24, 27]),  # leap year, 29 is not on the step
        (2026, 4, [15, 18, 21, 24, 27, 30]),  # 30 days
    ],
)
def test_cl12_warning_times_stay_within_the_month(year: int, month: int, days: list[int]) -> None:
    """cl. 12: no warning time falls into the next month."""
    times = warning_times(year, month, MOSCOW)
    assert [t.astimezone(MOSCOW).day for t in times] == days
    start, end = month_bounds(year, month, MOSCOW)
    assert all(start <= t < end for t in times)


def test_cl12_warning_times_custom_start_and_step() -> None:
    """cl. 12: the first warning day and the step are settings."""
    custom = warning_times(2026, 2, VLADIVOSTOK, from_day=20, every_days=5)
    assert [t.astimezone(VLADIVOSTOK).day for t in custom] == [20, 25]
    assert warning_times(2026, 2, MOSCOW, from_day=29) == []
    assert warning_times(2026, 12, MOSCOW, from_day=1, every_days=31)[0] == datetime(
        2026, 12, 1, 7, 0, tzinfo=UTC
    )
    with pytest.raises(ValueError):
        warning_times(2026, 2, MOSCOW, every_days=0)
    with pytest.raises(ValueError):
        warning_times(2026, 2, MOSCOW, from_day=0)


def test_cl12_warning_needed_only_without_a_meeting() -> None:
    """cl. 12: warn while the month has no meeting scheduled or held."""
    assert needs_warning(False)
    assert not needs_warning(True)


@pytest.mark.parametrize(
    ("held", "over", "verdict"),
    [
        (0, False, MonthVerdict.PENDING),
        (0, True, MonthVerdict.MISSED),
        (1, False, MonthVerdict.COMPLIANT),
        (1, True, MonthVerdict.COMPLIANT),
        (3, True, MonthVerdict.COMPLIANT),  # extra meetings do no harm
    ],
)
def test_cl12_month_verdict(held: int, over: bool, verdict: MonthVerdict) -> None:
    """cl. 12: at least one meeting held in every calendar month."""
    assert month_compliant(held) is (held >= 1)
    assert month_verdict(held, month_over=over) is verdict


@pytest.mark.parametrize(
    ("now", "tz", "expected"),
    [
        (datetime(2026, 3, 15, tzinfo=UTC), MOSCOW, [(2026, 3), (2026, 2), (2026, 1)]),
        (datetime(2026, 2, 15, tzinfo=UTC), MOSCOW, [(2026, 2), (2026, 1), (2025, 12)]),
        # 14:00 UTC on 31 Dec is already January in Vladivostok, still December in Moscow.
        (datetime(2026, 12, 31, 14, tzinfo=UTC), VLADIVOSTOK, [(2027, 1), (2026, 12), (2026, 11)]),
        (datetime(2026, 12, 31, 14, tzinfo=UTC), MOSCOW, [(2026, 12), (2026, 11), (2026, 10)]),
    ],
)
def test_cl12_last_months_newest_first(
    now: datetime, tz: ZoneInfo, expected: list[tuple[int, int]]
) -> None:
    """cl. 12: the compliance report covers the current month and the ones before."""
    assert last_months(now, tz, n=3) == expected


def test_cl12_last_months_default_is_a_year() -> None:
    months = last_months(datetime(2026, 12, 15, tzinfo=UTC), MOSCOW)
    assert len(months) == 12
    assert months[0] == (2026, 12)
    assert months[-1] == (2026, 1)
    assert last_months(NOW, MOSCOW, n=0) == []
    with pytest.raises(ValueError):
        last_months(NOW, MOSCOW, n=-1)


@given(st.integers(2000, 2100), st.integers(1, 12), st.integers(1, 40))
def test_cl12_last_months_are_consecutive(year: int, month: int, n: int) -> None:
    now = datetime(year, month, 15, 12, tzinfo=UTC)
    months = last_months(now, MOSCOW, n)
    assert len(months) == n
    assert months[0] == (year, month)
    for newer, older in itertools.pairwise(months):
        assert newer[0] * 12 + newer[1] - 1 == older[0] * 12 + older[1]
        assert 1 <= older[1] <= 12


# --- RSVP ------------------------------------------------------------------------------------

MEMBERS = {1, 2, 3, 4, 5}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({}, (0, False)),
        ({1: Rsvp.IN_PERSON, 2: Rsvp.REMOTE}, (2, False)),
        ({1: Rsvp.IN_PERSON, 2: Rsvp.REMOTE, 3: Rsvp.REMOTE}, (3, True)),
        ({1: Rsvp.IN_PERSON, 2: Rsvp.ABSENT, 3: Rsvp.ABSENT}, (1, False)),
        # Guests and secretariat staff answering do not count towards quorum.
        ({1: Rsvp.IN_PERSON, 2: Rsvp.IN_PERSON, 77: Rsvp.IN_PERSON, 88: Rsvp.REMOTE}, (2, False)),
    ],
)
def test_cl14_quorum_forecast_from_rsvp(
    answers: dict[int, Rsvp], expected: tuple[int, bool]
) -> None:
    """cl. 14 quorum forecast: in person and remote both count as present."""
    assert quorum_forecast(answers, MEMBERS) == expected


def test_cl14_quorum_forecast_with_no_members() -> None:
    assert quorum_forecast({1: Rsvp.IN_PERSON}, frozenset()) == (0, False)


@given(st.dictionaries(st.integers(1, 10), st.sampled_from(list(Rsvp))))
def test_cl14_quorum_forecast_matches_has_quorum(answers: dict[int, Rsvp]) -> None:
    members = set(range(1, 8))
    expected, reached = quorum_forecast(answers, members)
    assert 0 <= expected <= len(members)
    assert reached is has_quorum(expected, len(members))


def test_rsvp_may_change_until_the_start() -> None:
    assert may_change_rsvp(STARTS, STARTS - timedelta(seconds=1))
    assert not may_change_rsvp(STARTS, STARTS)
    assert not may_change_rsvp(STARTS, STARTS + timedelta(hours=1))


def test_cl12_recording_must_be_audio() -> None:
    """cl. 12: audio and voice messages are audio; a document must have an audio MIME type."""
    from bot.domain.meetings import is_audio

    assert is_audio(None, sent_as_document=False)
    assert is_audio("audio/mpeg", sent_as_document=True)
    assert not is_audio("application/pdf", sent_as_document=True)
    assert not is_audio(None, sent_as_document=True)


def test_cl12_recording_download_limit_of_the_cloud_bot_api() -> None:
    """cl. 12: over 20 MB the cloud Bot API cannot fetch the file for its checksum."""
    from bot.domain.meetings import CLOUD_DOWNLOAD_LIMIT, can_download

    assert can_download(CLOUD_DOWNLOAD_LIMIT, local_api=False)
    assert not can_download(CLOUD_DOWNLOAD_LIMIT + 1, local_api=False)
    assert can_download(2_000 * 1024 * 1024, local_api=True)
    assert can_download(None, local_api=False)
