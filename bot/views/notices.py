"""Every notice the services may send, by name: the one table the Notifier renders from.

Each views module keeps the renderers of its own notices in a `RENDERERS` dict (names start
with the module's domain, e.g. ``"meetings.absence"``); this module only joins them, and a
test checks that every name a service uses has a renderer here.
"""

from __future__ import annotations

from bot.services.notifier import Renderer
from bot.views import (
    agenda,
    broadcasts,
    delegations,
    guests,
    meetings,
    protocols,
    registers,
    reminders,
    reporting,
    subgroups,
    task_changes,
    tasks,
)

RENDERERS: dict[str, Renderer] = {
    **meetings.RENDERERS,
    **agenda.RENDERERS,
    **guests.RENDERERS,
    **broadcasts.RENDERERS,
    **protocols.RENDERERS,
    **registers.RENDERERS,
    **reminders.RENDERERS,
    **reporting.RENDERERS,
    **tasks.RENDERERS,
    **task_changes.RENDERERS,
    **delegations.RENDERERS,
    **subgroups.RENDERERS,
}
