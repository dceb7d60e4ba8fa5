"""Issue #15 item 9: an idle bot does not load what only some actions need. Documents
(python-docx and lxml), calendar files, QR codes and Alembic are imported when first
used; `benchmarks/startup.py` measures what that saves."""

from __future__ import annotations

import subprocess
import sys

# Each is loaded by the action that needs it: a protocol or summary, a meeting's .ics, a
# check-in QR code, a migration that is due.
NOT_AT_START = (
    "docx",
    "lxml",
    "icalendar",
    "segno",
    "alembic",
    # Issue #18: charts, e-mail and the СЭД package load their libraries when first used.
    "matplotlib",
    "numpy",
    "aiosmtplib",
    "email_validator",
    # Issue #19: the Mini App's templates, only for a bot with WEBAPP_URL once a page is asked.
    "jinja2",
    "bot.webapp.server",
)


def test_the_running_bot_imports_no_library_only_some_actions_need() -> None:
    probe = (
        "import sys\n"
        "import bot.app, bot.__main__\n"
        f"print(','.join(m for m in {NOT_AT_START!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
