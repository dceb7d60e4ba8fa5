"""Every notice the protocol services name has a renderer in the one table, and the
renderers that carry a keyboard give it to the right readers."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from bot.i18n import translator
from bot.views.notices import RENDERERS
from bot.views.protocols import objection_notice, signed_notice
from storage.repositories.meetings import MeetingView
from storage.repositories.protocols import DisagreementView, ProtocolView

SERVICES = Path(__file__).resolve().parents[2] / "bot" / "services" / "protocols"


def test_every_notice_a_protocol_service_names_has_a_renderer() -> None:
    named = {
        name
        for path in SERVICES.glob("*.py")
        for name in re.findall(r'Notice\(\s*"([a-z_.]+)"', path.read_text(encoding="utf-8"))
    }
    assert named, "the scan found no notices: has the services' layout changed?"
    assert named <= set(RENDERERS), sorted(named - set(RENDERERS))


HELD = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
# Positionally, as the repositories build them: (id, meeting, year, sequence, status,
# version, consent requested, signed at, signed by, broadcast) and so on.
PROTOCOL = ProtocolView(7, 3, 2026, 1, "consent", 2, HELD, None, None, None)
MEETING = MeetingView(3, 1, "Заседание", "remote", None, None, HELD, "closed", 1, "x", HELD, HELD)
OBJECTION = DisagreementView(4, 7, 9, 1, "Неточно", "open", None)


def test_the_signed_protocol_carries_the_acknowledgement_button_only_to_members() -> None:
    t = translator("ru", "Europe/Moscow")
    to_member = signed_notice(t, PROTOCOL, MEETING, broadcast=11)
    to_chat = signed_notice(t, PROTOCOL, MEETING)
    assert to_member.text == to_chat.text
    assert "1/2026" in to_chat.text
    assert to_member.keyboard is not None
    assert to_chat.keyboard is None


def test_only_whoever_considers_an_objection_gets_the_conciliation_button() -> None:
    t = translator("ru", "Europe/Moscow")
    considering = objection_notice(t, PROTOCOL, OBJECTION, "Член 1", conciliation=True)
    secretariat = objection_notice(t, PROTOCOL, OBJECTION, "Член 1", conciliation=False)
    assert considering.text == secretariat.text
    assert "Неточно" in considering.text
    assert considering.keyboard is not None
    assert secretariat.keyboard is None
