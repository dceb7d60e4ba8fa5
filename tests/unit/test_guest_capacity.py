"""Pure rules for the capacity of an invitation to one meeting: a guest (cl. 16 а) or an
outside specialist brought in for that meeting (cl. 16 в)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.guests import GuestCapacity, parse_capacity, protocol_guest_name
from bot.i18n import Translator
from bot.views.guests import CAPACITY_ACTIONS, guest_line
from storage.repositories.guests import GuestView

MSK = ZoneInfo("Europe/Moscow")
NAME = "Петров Пётр Петрович, АО «Городские сервисы»"


def _guest(capacity: str, *, used: bool = False) -> GuestView:
    at = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    return GuestView(
        id=1,
        meeting_id=1,
        code="x",
        full_name=NAME,
        created_by=1,
        created_at=at,
        used_at=at if used else None,
        person_id=None,
        revoked_at=None,
        capacity=capacity,
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("guest", GuestCapacity.GUEST),
        ("specialist", GuestCapacity.SPECIALIST),
        ("", None),
        ("Specialist", None),
        ("member", None),
        ("chair", None),
    ],
)
def test_cl16v_only_the_two_offered_capacities_are_accepted(
    raw: str, expected: GuestCapacity | None
) -> None:
    assert parse_capacity(raw) is expected


def test_cl16v_the_protocol_names_a_specialist_with_the_capacity() -> None:
    label = "привлечённый специалист"
    assert protocol_guest_name(NAME, "specialist", label) == f"{NAME} — привлечённый специалист"


def test_cl16a_a_plain_guest_keeps_the_protocol_line_as_before() -> None:
    """Old protocols' texts and hashes stay the same: a guest is named as the inviter typed."""
    assert protocol_guest_name(NAME, "guest", "привлечённый специалист") == NAME


def test_cl16v_the_capacity_buttons_name_each_capacity_once() -> None:
    assert sorted(CAPACITY_ACTIONS.values()) == sorted(c.value for c in GuestCapacity)
    for locale, labels in (
        ("ru", {"Приглашённое лицо", "Привлечённый специалист"}),
        ("en", {"Invited guest", "Outside specialist"}),
    ):
        t = Translator(locale, MSK)
        assert {t(f"guests.capacity_{action}") for action in CAPACITY_ACTIONS} == labels


def test_cl16v_the_guests_list_marks_a_specialist() -> None:
    t = Translator("ru", MSK)
    assert guest_line(t, _guest("specialist")) == (
        f"⏳ {NAME} (привлечённый специалист) — ссылка ещё не открыта"
    )
    assert guest_line(t, _guest("guest")) == f"⏳ {NAME} — ссылка ещё не открыта"
    assert "(outside specialist)" in guest_line(Translator("en", MSK), _guest("specialist"))
