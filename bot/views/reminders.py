"""What the due-task runner says on its own: meeting reminders, the monthly warning
(cl. 12) and consent reminders (cl. 14). The texts and buttons are the meetings' and the
protocols' own; this module only names them as notices."""

from __future__ import annotations

from bot.i18n import Translator
from bot.services.notifier import Rendered, Renderer
from bot.views import meetings, protocols
from storage.repositories.meetings import MeetingView
from storage.repositories.protocols import ProtocolView


def meeting_reminder(t: Translator, *, meeting: MeetingView, answered: bool) -> Rendered:
    # Those who have not answered get the buttons again: the nudge.
    keyboard = None if answered else meetings.rsvp_keyboard(t, meeting.id)
    return Rendered(meetings.reminder(t, meeting, answered), keyboard)


def month_warning(t: Translator, *, year: int, month: int, late: bool) -> str:
    return meetings.warning(t, year, month, late)


def consent_reminder(t: Translator, *, protocol: ProtocolView) -> Rendered:
    return Rendered(
        protocols.consent_reminder(t, protocol), protocols.consent_keyboard(t, protocol)
    )


# The notices of due reminders, by name (joined in bot.views.notices).
RENDERERS: dict[str, Renderer] = {
    "reminders.meeting": meeting_reminder,
    "reminders.month_warning": month_warning,
    "reminders.consent": consent_reminder,
}
