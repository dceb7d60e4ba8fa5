"""E-mail through SMTP (issue #18 item 3): the settings' SMTP_URL, the message built from an
outbox row, and one attempt sorted into the outbox's outcomes (bot/delivery/policy.py).

SMTP_URL is `smtp://[user:password@]host[:port][?starttls=1|0]` (port 25 by default; STARTTLS
when the server offers it, required with starttls=1, never with starttls=0) or
`smtps://[user:password@]host[:port]` (TLS from the start, port 465 by default).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, unquote, urlsplit

from bot.delivery.policy import Outcome

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger(__name__)

SCHEMES = ("smtp", "smtps")


class SmtpUrlError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class SmtpConfig:
    host: str
    port: int
    use_tls: bool = False
    # None: STARTTLS when the server offers it; True: required; False: never.
    start_tls: bool | None = None
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


def parse_smtp_url(url: str, timeout: float = 30.0) -> SmtpConfig:
    """SMTP_URL as the mailer uses it; SmtpUrlError names what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in SCHEMES:
        raise SmtpUrlError("the scheme must be smtp:// or smtps://")
    if not parts.hostname:
        raise SmtpUrlError("no host")
    try:
        port = parts.port
    except ValueError:
        raise SmtpUrlError("the port is not a number from 1 to 65535") from None
    query = parse_qs(parts.query)
    starttls: bool | None = None
    if "starttls" in query:
        value = query["starttls"][-1].lower()
        if value not in ("1", "0", "true", "false", "yes", "no"):
            raise SmtpUrlError("starttls must be 1 or 0")
        starttls = value in ("1", "true", "yes")
    tls = parts.scheme == "smtps"
    if tls and starttls:
        raise SmtpUrlError("smtps:// is TLS from the start; starttls=1 is for smtp://")
    return SmtpConfig(
        host=parts.hostname,
        port=port or (465 if tls else 25),
        use_tls=tls,
        start_tls=False if tls else starttls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        timeout=timeout,
    )


@dataclass(frozen=True, slots=True)
class Attachment:
    file_name: str
    content: bytes
    mime_type: str | None = None


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    body: str,
    key: str,
    now: datetime,
    attachment: Attachment | None = None,
) -> EmailMessage:
    """A plain-text message (UTF-8) with at most one attachment. Its Message-ID comes from
    the outbox key, so a message sent twice after an unknown outcome is recognisably one."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    domain = sender.rpartition("@")[2].strip("> ") or "localhost"
    message["Message-ID"] = f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"
    message.set_content(body, subtype="plain", charset="utf-8")
    if attachment is not None:
        mime = attachment.mime_type or mimetypes.guess_type(attachment.file_name)[0]
        maintype, _, subtype = (mime or "application/octet-stream").partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.file_name,
        )
    return message


@dataclass(frozen=True, slots=True)
class MailResult:
    outcome: Outcome
    error: str | None = None


def _code_outcome(code: int, text: str) -> MailResult:
    """5xx: the server refuses for good; anything else may pass on a later try."""
    error = f"SMTP {code}: {text}"[:300]
    if 500 <= code < 600:
        return MailResult(Outcome.REJECTED, error)
    return MailResult(Outcome.SERVER_ERROR, error)


class Mailer:
    def __init__(self, config: SmtpConfig, sender: str) -> None:
        self.config = config
        self.sender = sender

    async def send(self, message: EmailMessage) -> MailResult:
        """One attempt; never raises."""
        # Loaded on the first mail, not at start-up: most installations send none.
        import aiosmtplib

        c = self.config
        try:
            _, response = await aiosmtplib.send(
                message,
                hostname=c.host,
                port=c.port,
                username=c.username,
                password=c.password,
                use_tls=c.use_tls,
                start_tls=c.start_tls,
                timeout=c.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            worst = max(exc.recipients, key=lambda r: r.code)
            return _code_outcome(worst.code, worst.message)
        except aiosmtplib.SMTPResponseException as exc:
            return _code_outcome(exc.code, exc.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            # Refused connection, timeout, TLS trouble, a dropped line: try again later.
            return MailResult(Outcome.SERVER_ERROR, f"{type(exc).__name__}: {exc}"[:300])
        log.debug("smtp: %s", response)
        return MailResult(Outcome.SENT)


def mailer_from_settings(settings: Settings) -> Mailer | None:
    """The mailer, or None when SMTP_URL is not set (then nothing goes by e-mail)."""
    if settings.smtp_url is None:
        return None
    config = parse_smtp_url(settings.smtp_url.get_secret_value(), settings.smtp_timeout_s)
    return Mailer(config, settings.smtp_from or "")
