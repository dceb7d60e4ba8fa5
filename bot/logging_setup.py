"""Logging that never prints the bot token, whatever an exception's text contains.

At INFO an idle bot is silent: the ticker's routine runs (APScheduler logs every run of every
job at INFO, about seven lines a second here) and aiogram's line per handled update are kept
for DEBUG. `LOG_FORMAT=json` writes one JSON object a line for log collectors.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

REDACTED = "<redacted-token>"

# Loggers whose INFO lines are routine: shown at DEBUG only.
CHATTY = ("aiogram.event", "alembic.runtime.plugins")
# APScheduler also warns when a tick is skipped because the previous one still runs (a busy
# machine): by design here (coalesce, one instance), so not news. Our jobs' own failures are
# logged by scheduler/ticker.py, so nothing is lost by keeping only its errors.
SCHEDULER = "apscheduler"


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
        # The numeric bot id alone is public; the part after the colon is the secret.
        _, _, tail = secret.partition(":")
        if tail:
            text = text.replace(tail, REDACTED)
    return text


class RedactingFormatter(logging.Formatter):
    """Redacts secrets from the fully formatted record, tracebacks included.

    Library exceptions may embed request URLs, and Bot API URLs carry the token in their
    path; filtering the final text is the only place that catches every route.
    """

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return _redact(super().format(record), self.secrets)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, exception."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _redact(record.getMessage(), self.secrets),
        }
        if record.exc_info:
            entry["exception"] = _redact(self.formatException(record.exc_info), self.secrets)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(
    level: str, token: str, stream: object = None, *, fmt: str = "text", secrets: Sequence[str] = ()
) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    hidden = [token, *secrets]
    if fmt == "json":
        handler.setFormatter(JsonFormatter(hidden))
    else:
        handler.setFormatter(
            RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", hidden)
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    quiet = logging.getLevelName(level) > logging.DEBUG
    for name in CHATTY:
        logging.getLogger(name).setLevel(logging.WARNING if quiet else logging.NOTSET)
    logging.getLogger(SCHEDULER).setLevel(logging.ERROR if quiet else logging.NOTSET)
    return handler
