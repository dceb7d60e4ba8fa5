"""Logging that never prints the bot token, whatever an exception's text contains."""

from __future__ import annotations

import logging
import sys

REDACTED = "<redacted-token>"


class RedactingFormatter(logging.Formatter):
    """Redacts secrets from the fully formatted record, tracebacks included.

    Library exceptions may embed request URLs, and Bot API URLs carry the token in their
    path; filtering the final text is the only place that catches every route.
    """

    def __init__(self, fmt: str, secrets: list[str]) -> None:
        super().__init__(fmt)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
            # The numeric bot id alone is public; the part after the colon is the secret.
            _, _, tail = secret.partition(":")
            if tail:
                text = text.replace(tail, REDACTED)
        return text


def setup_logging(level: str, token: str, stream: object = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", [token])
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
