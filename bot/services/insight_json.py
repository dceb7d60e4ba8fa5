"""The dashboard's figures as plain JSON-able data (issue #19 item 5).

The Mini App draws its charts from the very `Dashboard` that `/dashboard` draws its PNG charts
from (`InsightService.dashboard`): nothing is counted again here, the figures are only
written out as numbers, names and the rules' verdicts (their enum values), so that a page or
a test can read them without Python's types. Texts in a language are the page's concern.
"""

from __future__ import annotations

from typing import Any

from bot.domain.insight import TaskOutcome
from bot.services.insight import Dashboard


def dashboard_json(d: Dashboard) -> dict[str, Any]:
    """The five series of the dashboard: months oldest first, people and units by name,
    indicators in the order of the summary."""
    return {
        "window": {
            "first": _month(*d.window.first),
            "last": _month(*d.window.last),
        },
        "compliance": [
            {"month": _month(r.year, r.month), "held": r.held, "verdict": r.verdict.value}
            for r in d.compliance
        ],
        "attendance": [
            {
                "person_id": x.person_id,
                "name": x.name,
                "held": x.held,
                "in_person": x.in_person,
                "remote": x.remote,
                "absent": x.absent,
            }
            for x in d.attendance
        ],
        "punctuality": [
            {
                "unit_id": x.unit_id,
                "name": x.name,
                "on_time": x.on_time,
                "late": x.late,
                "missing": x.missing,
            }
            for x in d.punctuality
        ],
        "cycles": d.cycles,
        "tasks": {o.value: d.tasks.of(o) for o in TaskOutcome},
        "indicators": [
            {
                "id": k.line.kpi.id,
                "project": k.project,
                "name": k.line.kpi.name,
                "measure": k.line.kpi.measure,
                "baseline": k.line.kpi.baseline,
                "target": k.line.kpi.target,
                "target_on": k.line.kpi.target_on.isoformat(),
                "latest": k.line.latest.value if k.line.latest else None,
                "latest_on": k.line.latest.measured_on.isoformat() if k.line.latest else None,
                "status": k.line.status.value,
            }
            for k in d.indicators
        ],
    }


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"
