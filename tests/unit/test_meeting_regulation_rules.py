"""Meeting rules added for issue #12: opening no sooner than a margin before the start
(cl. 12), the month's meeting held with quorum (cl. 12), presiding and quorum over all of a
person's roles (cl. 7, 11, 14), the quorum total recorded at opening, who records the chair's
absence (cl. 11); and the settings and Bot API server that go with them."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import Settings, load_settings
from bot.domain.meetings import (
    DEFAULT_OPEN_EARLY,
    count_for_quorum,
    held_for_month,
    may_open,
    may_record_absence,
    may_schedule,
    may_yet_hold_month,
    opens_from,
    presiding_among,
    quorum_needed,
    quorum_total,
)
from bot.domain.roles import Role
from bot.factory import create_bot

STARTS = datetime(2026, 12, 25, 12, 0, tzinfo=UTC)  # 15:00 МСК
GOOD_TOKEN = "123456:" + "A" * 35


# --- cl. 12: a meeting opens at its time -----------------------------------------------------


def test_cl12_default_opening_margin_is_thirty_minutes() -> None:
    assert timedelta(minutes=30) == DEFAULT_OPEN_EARLY
    assert opens_from(STARTS) == datetime(2026, 12, 25, 11, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 12, 21, 9, 0, tzinfo=UTC), False),  # days before: the finding's case
        (datetime(2026, 12, 25, 11, 29, 59, tzinfo=UTC), False),
        (datetime(2026, 12, 25, 11, 30, tzinfo=UTC), True),  # exactly the margin
        (datetime(2026, 12, 25, 12, 0, tzinfo=UTC), True),
        (datetime(2026, 12, 25, 14, 0, tzinfo=UTC), True),  # late opening is allowed
    ],
)
def test_cl12_a_meeting_opens_at_most_the_margin_before_its_start(
    now: datetime, expected: bool
) -> None:
    """cl. 12: opened sooner, the record would say it was held before it was called for."""
    assert may_open(STARTS, now) is expected


def test_cl12_opening_margin_is_configurable_and_compares_instants() -> None:
    """cl. 12: the margin is a setting; a start given in another zone is the same instant."""
    from zoneinfo import ZoneInfo

    local_start = STARTS.astimezone(ZoneInfo("Asia/Vladivostok"))
    assert not may_open(
        local_start, datetime(2026, 12, 25, 11, 49, tzinfo=UTC), timedelta(minutes=10)
    )
    assert may_open(local_start, datetime(2026, 12, 25, 11, 50, tzinfo=UTC), timedelta(minutes=10))
    assert not may_open(STARTS, datetime(2026, 12, 25, 11, 59, tzinfo=UTC), timedelta(0))
    assert may_open(STARTS, STARTS, timedelta(0))


def test_cl12_opening_rule_refuses_naive_times_and_negative_margins() -> None:
    with pytest.raises(ValueError):
        may_open(STARTS, datetime(2026, 12, 25, 12, 0))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError):
        opens_from(datetime(2026, 12, 25, 12, 0))  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError):
        opens_from(STARTS, timedelta(minutes=-1))


@given(
    offset=st.integers(min_value=-10_000, max_value=10_000),
    margin=st.integers(min_value=0, max_value=180),
)
def test_cl12_may_open_is_exactly_from_the_margin_on(offset: int, margin: int) -> None:
    now = STARTS + timedelta(minutes=offset)
    assert may_open(STARTS, now, timedelta(minutes=margin)) is (offset >= -margin)


# --- cl. 12: the month's meeting -------------------------------------------------------------


@dataclass(frozen=True)
class _M:
    kind: str = "regular"
    status: str = "closed"
    quorum_at_close: bool | None = True


@pytest.mark.parametrize(
    ("meeting", "held", "provides"),
    [
        (_M(), True, True),  # regular (or extraordinary: same kind) held with quorum
        (_M(quorum_at_close=False), False, False),  # held without quorum: decided nothing
        (_M(quorum_at_close=None), False, False),  # never recorded: not proven held
        (_M(kind="conciliation"), False, False),  # conciliation meetings never count
        (_M(kind="conciliation", status="scheduled", quorum_at_close=None), False, False),
        (_M(status="scheduled", quorum_at_close=None), False, True),  # may yet be held
        (_M(status="open", quorum_at_close=None), False, True),
        (_M(status="cancelled", quorum_at_close=None), False, False),
    ],
)
def test_cl12_only_own_meetings_held_with_quorum_count_for_the_month(
    meeting: _M, held: bool, provides: bool
) -> None:
    """cl. 12: the month's meeting is the group's own (regular or extraordinary) meeting
    held with quorum; the warning is silenced only by such a meeting held, or by one of the
    group's own meetings still ahead or under way."""
    assert held_for_month(meeting) is held
    assert may_yet_hold_month(meeting) is provides


# --- cl. 7, 11, 14: all of a person's roles ----------------------------------------------------


def test_cl14_a_member_who_also_works_in_the_secretariat_counts_once() -> None:
    """cl. 14 quorum over role sets: a member with an extra role counts once; secretariat
    staff and unit representatives who are not members never count."""
    attendees = [
        frozenset({Role.MEMBER, Role.SECRETARIAT}),
        frozenset({Role.CHAIR, Role.UNIT_REPRESENTATIVE}),
        frozenset({Role.SECRETARIAT, Role.UNIT_REPRESENTATIVE}),
        frozenset(),
        None,
    ]
    assert count_for_quorum(attendees) == 2


@pytest.mark.parametrize(
    ("present", "expected"),
    [
        ([{Role.MEMBER}, {Role.CHAIR, Role.SECRETARIAT}, {Role.DEPUTY_CHAIR}], Role.CHAIR),
        ([{Role.MEMBER}, {Role.DEPUTY_CHAIR, Role.UNIT_REPRESENTATIVE}], Role.DEPUTY_CHAIR),
        ([{Role.MEMBER, Role.SECRETARIAT}, {Role.SECRETARIAT}], None),
        ([], None),
    ],
)
def test_cl11_presiding_over_everyone_present_with_all_their_roles(
    present: list[set[Role]], expected: Role | None
) -> None:
    """cl. 11: the chair if present (recorded absent or not), else the deputy, else nobody."""
    assert presiding_among(present) is expected


@pytest.mark.parametrize(
    ("roles", "absent", "expected"),
    [
        ({Role.CHAIR, Role.SECRETARIAT}, False, True),
        ({Role.DEPUTY_CHAIR, Role.UNIT_REPRESENTATIVE}, True, True),
        ({Role.DEPUTY_CHAIR, Role.SECRETARIAT}, False, False),
        ({Role.MEMBER, Role.SECRETARIAT}, True, False),
        (set(), True, False),
    ],
)
def test_cl13_who_may_schedule_with_several_roles(
    roles: set[Role], absent: bool, expected: bool
) -> None:
    """cl. 13 (and cl. 12 for extraordinary meetings): the chair; the deputy while the chair
    is absent; another role held besides changes nothing."""
    assert may_schedule(roles, chair_absent=absent) is expected


@pytest.mark.parametrize(
    ("roles", "expected"),
    [
        (Role.CHAIR, True),
        (Role.SECRETARIAT, True),
        ({Role.MEMBER, Role.SECRETARIAT}, True),
        (Role.DEPUTY_CHAIR, False),
        (Role.MEMBER, False),
        (Role.UNIT_REPRESENTATIVE, False),
        (Role.GUEST, False),
        (None, False),
    ],
)
def test_cl11_the_chair_or_the_secretariat_records_the_chairs_absence(
    roles: Role | set[Role] | None, expected: bool
) -> None:
    """cl. 11: a chair who cannot be reached must not leave the deputy unable to act."""
    assert may_record_absence(roles) is expected


def test_cl14_quorum_total_is_the_composition_recorded_at_opening() -> None:
    """cl. 14: 7 members (one never joined the bot) at opening: total 7, quorum needs 4;
    the roster now does not move it; before opening, the roster now is the total."""
    assert quorum_total(7, 9) == 7
    assert quorum_needed(quorum_total(7, 9)) == 4
    assert quorum_total(None, 6) == 6
    assert quorum_total(0, 5) == 0
    with pytest.raises(ValueError):
        quorum_total(-1, 5)
    with pytest.raises(ValueError):
        quorum_total(None, -1)


# --- Settings and the Bot API server ---------------------------------------------------------


@pytest.fixture
def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name in {"TELEGRAM_API_URL", "TELEGRAM_API_LOCAL", "MEETING_OPEN_EARLY_MINUTES"}:
            monkeypatch.delenv(name)
    monkeypatch.setenv("BOT_TOKEN", GOOD_TOKEN)
    monkeypatch.chdir(tmp_path)  # no stray .env


@pytest.mark.usefixtures("_env")
def test_any_server_keeps_the_cloud_download_limit_unless_it_is_declared_local(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A TELEGRAM_API_URL alone (a proxy, a server not in local mode) keeps the 20 MB limit."""
    assert Settings().uses_local_api is False
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081")
    assert Settings().uses_local_api is False
    monkeypatch.setenv("TELEGRAM_API_LOCAL", "true")
    assert Settings().uses_local_api is True


@pytest.mark.usefixtures("_env")
def test_a_local_server_flag_without_a_server_exits_2_naming_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_API_LOCAL", "true")
    with pytest.raises(SystemExit) as exit_info:
        load_settings()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "TELEGRAM_API_LOCAL is invalid" in err and "--local" in err


@pytest.mark.usefixtures("_env")
@pytest.mark.parametrize("value", ["-1", "181", "soon"])
def test_a_bad_opening_margin_exits_2_naming_it(
    value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MEETING_OPEN_EARLY_MINUTES", value)
    with pytest.raises(SystemExit):
        load_settings()
    assert "MEETING_OPEN_EARLY_MINUTES is invalid" in capsys.readouterr().err


@pytest.mark.usefixtures("_env")
def test_opening_margin_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().meeting_open_early == timedelta(minutes=30)
    monkeypatch.setenv("MEETING_OPEN_EARLY_MINUTES", "10")
    assert Settings().meeting_open_early == timedelta(minutes=10)


@pytest.mark.usefixtures("_env")
async def test_the_bot_reads_files_from_a_local_server_as_local(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """aiogram is told the server is local (TelegramAPIServer.is_local), so it reads the
    file path a local-mode server returns instead of asking for a URL."""
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081")
    bot = create_bot(Settings())
    assert bot.session.api.is_local is False
    await bot.session.close()
    monkeypatch.setenv("TELEGRAM_API_LOCAL", "true")
    bot = create_bot(Settings())
    assert bot.session.api.is_local is True
    assert bot.session.api.base.startswith("http://127.0.0.1:8081/bot")
    await bot.session.close()
