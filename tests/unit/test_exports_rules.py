"""Issue #18 item 2, pure rules of the exports: the period buttons in the group's zone, the
ASCII file names, who an attendance table lists and how quorum is counted, where a unit
stands in a cycle, and the calendar feed's events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from bot.domain.exports import ExportKind, PeriodChoice, chosen_period, file_name
from bot.domain.periods import Period
from bot.services.exports import calendar_feed, presence_lines, submission_lines
from storage.repositories.exports import (
    AbsenceNote,
    AttendanceData,
    CycleRow,
    MeetingRow,
    PresenceRow,
    SeatRow,
    SubmissionData,
    SubmittedRow,
    UnitRow,
)
from storage.repositories.meetings import MeetingView

MSK = ZoneInfo("Europe/Moscow")
START = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
EARLIER = START - timedelta(days=30)


def test_the_period_buttons_are_years_of_the_groups_zone() -> None:
    """31 December 2026, 22:00 UTC is already 2027 in Moscow."""
    now = datetime(2026, 12, 31, 22, 0, tzinfo=UTC)
    assert chosen_period(PeriodChoice.THIS_YEAR, now, MSK) == Period(
        date(2027, 1, 1), date(2027, 12, 31)
    )
    assert chosen_period(PeriodChoice.LAST_YEAR, now, MSK) == Period(
        date(2026, 1, 1), date(2026, 12, 31)
    )
    assert chosen_period(PeriodChoice.ALL, now, MSK) is None


def test_file_names_are_ascii_with_the_period() -> None:
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    today = date(2026, 12, 7)
    assert file_name(ExportKind.ATTENDANCE, year, today) == "uchastie_2026-01-01_2026-12-31.csv"
    assert file_name(ExportKind.TASKS, None, today) == "porucheniya_all.csv"
    assert file_name(ExportKind.COMPOSITION, year, today) == "sostav_2026-12-07.csv"
    for kind in ExportKind:
        assert file_name(kind, year, today).isascii()


def _seat(
    person: int, role: str, *, started: datetime = EARLIER, ended: datetime | None = None
) -> SeatRow:
    return SeatRow(1, person, f"P{person}", role, (), started, ended)


def test_cl14_attendance_lists_the_composition_then_and_counts_who_stayed() -> None:
    """Members in the composition at the meeting are listed (one who left it before is not,
    nor one who joined after); the secretariat is listed only if it checked in, and never
    counts; a member who left early is present but not counted for quorum."""
    data = AttendanceData(
        meetings=[MeetingRow(10, 1, "Заседание", START, "closed", None, True)],
        seats=[
            _seat(1, "chair"),
            _seat(2, "member"),
            _seat(3, "member"),
            _seat(4, "member", ended=START - timedelta(days=1)),
            _seat(5, "member", started=START + timedelta(hours=1)),
            _seat(6, "secretariat"),
        ],
        presence=[
            PresenceRow(10, 1, "P1", "in_person", None),
            PresenceRow(10, 2, "P2", "remote", START + timedelta(minutes=30)),
            PresenceRow(10, 6, "P6", "in_person", None),
        ],
        answers=[AbsenceNote(10, 3, "absent", "Болезнь")],
    )
    lines = presence_lines(data, {1: "РГ"})
    assert [(x.person, x.presence, x.absence_reason) for x in lines] == [
        ("P1", "in_person", None),
        ("P2", "remote", None),
        ("P3", "absent", "Болезнь"),
        ("P6", "in_person", None),
    ]
    assert {(x.present, x.total, x.quorum) for x in lines} == {(1, 3, True)}


def test_cl4g_a_unit_not_in_yet_before_the_deadline_is_pending() -> None:
    deadline = datetime(2027, 1, 10, 21, tzinfo=UTC)
    data = SubmissionData(
        cycles=[CycleRow(1, 2026, 4, date(2027, 1, 10), deadline, EARLIER)],
        units=[
            UnitRow(1, "А", EARLIER - timedelta(days=1), None),
            UnitRow(2, "Б", EARLIER - timedelta(days=1), None),
            UnitRow(3, "Архивный", EARLIER - timedelta(days=1), EARLIER - timedelta(hours=1)),
            UnitRow(4, "Новый", deadline + timedelta(days=1), None),
        ],
        submitted=[SubmittedRow(1, 1, EARLIER, False)],
    )
    before = submission_lines(data, deadline - timedelta(days=1))
    assert [(x.unit, x.standing) for x in before] == [("А", "on_time"), ("Б", "pending")]
    after = submission_lines(data, deadline)
    assert [(x.unit, x.standing) for x in after] == [("А", "on_time"), ("Б", "missing")]


def test_the_feed_is_one_publish_calendar_with_the_invitations_uids() -> None:
    def meeting(mid: int, sequence: int) -> MeetingView:
        return MeetingView(
            mid,
            1,
            f"T{mid}",
            "in_person",
            "Зал",
            None,
            START,
            "scheduled",
            sequence,
            "x",
            None,
            None,
        )

    data = calendar_feed([(meeting(3, 0), "Первое"), (meeting(7, 2), "Второе")], START)
    calendar = Calendar.from_ical(data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert [(str(e["UID"]), str(e["SUMMARY"]), int(str(e["SEQUENCE"]))) for e in events] == [
        ("meeting-3@wg-bot.local", "Первое", 0),
        ("meeting-7@wg-bot.local", "Второе", 2),
    ]
    assert all(e.walk("VALARM") for e in events)
