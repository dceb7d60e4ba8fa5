"""The meetings' notices and card: every notice a service names has a renderer, and the
card's buttons are what its state says the viewer may do."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from bot.callbacks import MeetingCb
from bot.i18n import translator
from bot.services.meetings import CardState
from bot.views import meetings as views
from bot.views.notices import RENDERERS
from storage.repositories.meetings import MeetingView

SERVICES = [
    "absence",
    "agenda",
    "attendance",
    "guests",
    "meetings",
    "recording",
    "scheduling",
]


def test_every_notice_the_meeting_services_name_has_a_renderer() -> None:
    root = Path(__file__).resolve().parents[2] / "bot" / "services"
    names = {
        name
        for service in SERVICES
        for name in re.findall(r'Notice\(\s*"([^"]+)"', (root / f"{service}.py").read_text())
    }
    assert len(names) >= 12  # the walk did see the notices
    assert names <= RENDERERS.keys(), names - RENDERERS.keys()


def _meeting(status: str) -> MeetingView:
    return MeetingView(
        id=7,
        group_id=1,
        title="Заседание",
        format="remote",
        place=None,
        link=None,
        starts_at=datetime(2026, 12, 10, 9, 0, tzinfo=UTC),
        status=status,
        sequence=0,
        checkin_token="x",
        opened_at=None,
        closed_at=None,
    )


def _actions(state: CardState) -> set[str]:
    _, keyboard = views.card(translator("ru", "Europe/Moscow"), state)
    data = [b.callback_data or "" for row in keyboard.inline_keyboard for b in row]
    prefix = MeetingCb.__prefix__ + ":"
    return {MeetingCb.unpack(d).action for d in data if d.startswith(prefix)}


def test_the_card_shows_only_what_the_viewer_may_do() -> None:
    plain = CardState(_meeting("scheduled"), None, False)
    assert "rsvp" not in _actions(plain) and "start" not in _actions(plain)
    member = CardState(_meeting("scheduled"), None, False, may_answer=True)
    assert "rsvp" in _actions(member) and "start" not in _actions(member)
    chair = CardState(_meeting("scheduled"), None, False, may_run=True, may_schedule=True)
    assert {"answers", "start", "move", "cancel", "venue"} <= _actions(chair)
    open_member = CardState(_meeting("open"), None, False, may_check_in=True)
    assert "checkin" in _actions(open_member) and "close" not in _actions(open_member)
