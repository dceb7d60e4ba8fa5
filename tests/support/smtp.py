"""A local SMTP server for the e-mail tests (issue #18 item 3): aiosmtpd on 127.0.0.1 at a
free port, keeping every message it accepts; addresses listed in `refuse` get a 550."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None
        text: str = part.get_content()
        return text

    def attachments(self) -> list[tuple[str, str, bytes]]:
        """(file name, content type, bytes) of each attachment."""
        out = []
        for a in self.message.iter_attachments():
            data = a.get_payload(decode=True)
            assert isinstance(data, bytes)
            out.append((a.get_filename() or "", a.get_content_type(), data))
        return out


@dataclass
class Mailbox:
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


class SmtpServer:
    """`start()`/`stop()` around aiosmtpd's Controller, on a port chosen beforehand (so a
    test can point the bot at it while nothing is listening yet)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?starttls=0"

    def start(self) -> None:
        self._controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


async def mail_to(
    server: SmtpServer, address: str, *, subject_has: str = "", within_s: float = 30.0
) -> Received:
    """The first message to `address` whose subject has `subject_has`, waiting for the bot's
    sender to deliver it."""
    for _ in range(int(within_s / 0.05)):
        for mail in server.mailbox.to(address):
            if subject_has in str(mail.message["Subject"]):
                return mail
        await asyncio.sleep(0.05)
    raise AssertionError(f"no mail to {address} within {within_s} s")
