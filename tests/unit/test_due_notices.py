"""Every notice that tasks, reporting, due reminders and broadcasts name has a renderer in
the one table (bot.views.notices), so no due task fails at run time on a missing name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.views.notices import RENDERERS

ROOT = Path(__file__).resolve().parents[2]
SERVICES = (
    "bot/services/tasks.py",
    "bot/services/task_due.py",
    "bot/services/reporting.py",
    "bot/services/report_cycles.py",
    "bot/services/due.py",
    "bot/services/broadcasts.py",
)
NAMED = re.compile(r'Notice\(\s*"([a-z_.]+)"')


def _names(path: str) -> list[str]:
    return NAMED.findall((ROOT / path).read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", SERVICES)
def test_every_notice_a_service_names_has_a_renderer(path: str) -> None:
    missing = [name for name in _names(path) if name not in RENDERERS]
    assert not missing, f"{path} names notices without a renderer: {missing}"


def test_the_services_do_name_their_notices() -> None:
    assert sum(len(_names(path)) for path in SERVICES) >= 20
