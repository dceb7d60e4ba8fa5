"""Issue #18 item 3: e-mail through the outbox, against a local SMTP server (aiosmtpd) the
tests start. A signed protocol reaches a Telegram member and an e-mail-only member (the
message, its subject, its body and the DOCX); an invitation carries the .ics; a task
reminder arrives; an unreachable server leaves the row pending and a later run delivers it
once; a 5xx refusal is final; a bad address is refused at input; no SMTP, no e-mail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy import select

from bot.clock import FrozenClock
from storage.models import AuditEntry, OutboxMessage, Person, Protocol, StoredFile
from tests.conftest import World, build_world
from tests.support.bot_client import FakeUser
from tests.support.smtp import SmtpServer
from tests.support.steps.composition import include_member, record_act
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import add_unit, working_group
from tests.support.steps.protocols import held_meeting, open_protocol, write_protocol_item
from tests.support.steps.tasks import shown, signed_with_tasks

FROM = "wg-bot@example.gov.ru"
ACT = "распоряжение № 45-р от 25 ноября 2026 г."


async def _mail_world(tmp_path: Path, clock: FrozenClock, url: str) -> World:
    return await build_world(
        f"sqlite+aiosqlite:///{tmp_path}/bot.db", clock, smtp_url=url, smtp_from=FROM
    )


@pytest.fixture
async def mail_world(tmp_path: Path, clock: FrozenClock, smtp: SmtpServer) -> AsyncIterator[World]:
    w = await _mail_world(tmp_path, clock, smtp.url)
    try:
        yield w
    finally:
        await w.db.dispose()


async def set_member_email(world: World, name: str, address: str) -> str:
    """/members → the member → «✉️ Электронная почта» → the address; the reply as shown."""
    c = world.client
    admin = world.admin()
    await c.send(admin, "/members")
    await c.click(admin, name)
    await c.click(admin, "✉️ Электронная почта")
    await c.send(admin, address)
    return shown(c.last_text(admin))


async def email_rows(world: World) -> list[OutboxMessage]:
    async with world.db.session() as s:
        return list(
            await s.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.channel == "email")
                .order_by(OutboxMessage.id)
            )
        )


async def sign(world: World, p: dict[str, FakeUser]) -> None:
    """Protocol № 1/2026 of the held meeting drafted, agreed by those present, signed by
    the deputy who presided, and delivered."""
    c = world.client
    clerk = p["clerk"]
    await open_protocol(world, clerk)
    await write_protocol_item(world, clerk, 1, "Одобрить стандарт.")
    await write_protocol_item(world, clerk, 2, "Принять к сведению.")
    await c.click(clerk, "Направить на согласование")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await c.click(p[key], "Подтверждаю устное согласие")
        await world.deliver()
        await c.click(p[key], "Очно")
    await c.send(p["deputy"], "/protocols")
    await c.click(p["deputy"], "Протокол № 1/2026")
    await c.click(p["deputy"], "Подписать протокол")
    assert not c.alerts(p["deputy"]), c.alerts(p["deputy"])
    await c.click(p["deputy"], "Подтвердить")
    assert "Статус: ✅ подписан" in shown(c.last_text(p["deputy"]))
    await world.deliver()


async def test_issue18_item3_signed_protocol_reaches_telegram_and_email_only_members(
    mail_world: World, smtp: SmtpServer
) -> None:
    """Issue #18 item 3: the secretariat types addresses on the cards (a bad one is refused
    with the reason and nothing is written); the signed protocol then reaches a Telegram
    member by Telegram and by e-mail, a member included by the act without Telegram by
    e-mail only, and a unit's mailbox: plain text, the subject, the same DOCX."""
    world = mail_world
    c = world.client
    admin = world.admin()
    p = await held_meeting(world)
    await record_act(world, admin)
    await include_member(world, admin, ACT, "Почтов Павел Петрович")

    # Bad input: refused with the reason, nothing written, asked again.
    await c.send(admin, "/members")
    await c.click(admin, "Почтов Павел Петрович")
    assert "Электронная почта: не указана" in shown(c.last_text(admin))
    await c.click(admin, "✉️ Электронная почта")
    await c.send(admin, "pochtov at example.gov.ru")
    assert "Адрес не должен содержать пробелов." in shown(c.last_text(admin))
    await c.send(admin, "pochtov.example.gov.ru")
    assert "в нём нет символа «@»" in shown(c.last_text(admin))
    await c.send(admin, "pochtov@example")
    assert "Это не адрес электронной почты" in shown(c.last_text(admin))
    async with world.db.session() as s:
        assert (await s.scalar(select(Person).where(Person.email.is_not(None)))) is None
    # A good address is saved (its domain in lower case), shown on the card and audited.
    await c.send(admin, "Pochtov@Example.GOV.ru")
    reply = shown(c.last_text(admin))
    assert "Адрес электронной почты сохранён: Pochtov@example.gov.ru" in reply
    assert "Электронная почта: Pochtov@example.gov.ru" in reply
    async with world.db.session() as s:
        audit = await s.scalar(select(AuditEntry).where(AuditEntry.action == "email_set"))
    assert audit is not None and audit.details["new"] == "Pochtov@example.gov.ru"
    assert "сохранён" in await set_member_email(world, "Член 0", "m0@example.gov.ru")

    # A unit's address, from the unit's card.
    await add_unit(world, admin, "Отдел качества")
    await c.send(admin, "/units")
    await c.click(admin, "Отдел качества")
    await c.click(admin, "✉️ Электронная почта")
    await c.send(admin, "otdel@example.gov.ru")
    assert "Электронная почта: otdel@example.gov.ru" in shown(c.last_text(admin))

    await sign(world, p)

    # Telegram: every connected member, as before.
    signed = [
        r
        for r in world.session.requests
        if isinstance(r, SendDocument) and "Подписан протокол № 1/2026" in (r.caption or "")
    ]
    assert p["m0"].id in {r.chat_id for r in signed}
    upload = next(r for r in signed if isinstance(r.document, BufferedInputFile))
    assert isinstance(upload.document, BufferedInputFile)
    async with world.db.session() as s:
        protocol = await s.scalar(select(Protocol))
        assert protocol is not None and protocol.document_file_id is not None
        stored = await s.get(StoredFile, protocol.document_file_id)
        assert stored is not None
    assert upload.document.data == stored.content

    # E-mail: the member without Telegram, the Telegram member, the unit; once each.
    subject = "Протокол заседания рабочей группы № 1/2026 от 5 декабря 2026 г."
    for address in ("Pochtov@example.gov.ru", "m0@example.gov.ru", "otdel@example.gov.ru"):
        mails = smtp.mailbox.to(address)
        assert len(mails) == 1, address
        mail = mails[0]
        assert mail.mail_from == FROM
        assert mail.message["From"] == FROM
        assert mail.message["To"] == address
        assert mail.message["Subject"] == subject
        assert "Подписан протокол № 1/2026" in mail.body
        assert "<b>" not in mail.body and "&" not in mail.body
        [(name, content_type, data)] = mail.attachments()
        assert name == stored.file_name and name.endswith(".docx")
        assert content_type == stored.mime_type
        assert data == stored.content
    assert len(smtp.mailbox.received) == 3
    # The ledger: e-mail rows with their channel, sent, in the protocol's broadcast.
    rows = await email_rows(world)
    assert {(r.address, r.status, r.kind) for r in rows} == {
        ("Pochtov@example.gov.ru", "sent", "broadcast"),
        ("m0@example.gov.ru", "sent", "broadcast"),
        ("otdel@example.gov.ru", "sent", "broadcast"),
    }
    assert all(r.key.endswith("@email") and r.broadcast_id == protocol.broadcast_id for r in rows)
    # The delivery report names the e-mail copies by their channel.
    report = "\n".join(shown(t) for t in c.texts(p["clerk"]) if "Отчёт" in t or "доставк" in t)
    assert "Почтов Павел Петрович (эл. почта)" in report


async def test_issue18_item3_invitation_carries_the_ics(
    mail_world: World, smtp: SmtpServer
) -> None:
    """Issue #18 item 3: a meeting invitation by e-mail has the text and the meeting's .ics,
    as the Telegram invitation does; the cancellation too."""
    world = mail_world
    p = await working_group(world)
    await set_member_email(world, "Член 0", "m0@example.gov.ru")
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    [mail] = smtp.mailbox.to("m0@example.gov.ru")
    assert mail.message["Subject"] == (
        "Приглашение на заседание рабочей группы «Заседание по клиентоцентричности» "
        "5 декабря 2026 г."
    )
    assert "Назначено заседание" in mail.body and "<b>" not in mail.body
    [(name, content_type, data)] = mail.attachments()
    assert name.endswith(".ics") and content_type == "text/calendar"
    assert b"METHOD:REQUEST" in data and b"DTSTART:20261205T120000Z" in data
    # The Telegram invitation carries the same file (uploaded once, then by its file id).
    assert any(
        isinstance(r, SendDocument) and r.chat_id == p["m0"].id for r in world.session.requests
    )
    uploads = [
        r.document.data
        for r in world.session.requests
        if isinstance(r, SendDocument) and isinstance(r.document, BufferedInputFile)
    ]
    assert uploads == [data]


async def test_issue18_item3_task_reminder_arrives_by_email(
    mail_world: World, smtp: SmtpServer
) -> None:
    """Issue #18 item 3 with cl. 4 д–е: the reminder 7 days before a task's deadline also
    goes to its owner's address, and for a unit's task to the unit's mailbox."""
    world = mail_world
    await signed_with_tasks(world)
    await set_member_email(world, "Петрова Анна Сергеевна", "petrova@example.gov.ru")
    world.clock.set(datetime(2026, 12, 8, 7, 0, 1, tzinfo=UTC))
    await world.run_jobs()
    await world.run_jobs()
    [mail] = smtp.mailbox.to("petrova@example.gov.ru")
    assert mail.message["Subject"] == (
        "Напоминание о сроке исполнения поручения (протокол № 1/2026, п. 1): "
        "срок — 15 декабря 2026 г."
    )
    assert "Разработать регламент" in mail.body
    assert mail.attachments() == []

    # A unit's task: the unit's mailbox is reminded as well as its representative.
    c, admin = world.client, world.admin()
    await c.send(admin, "/units")
    await c.click(admin, "Отдел качества")
    await c.click(admin, "✉️ Электронная почта")
    await c.send(admin, "otdel@example.gov.ru")
    world.clock.set(datetime(2027, 1, 24, 7, 0, 1, tzinfo=UTC))
    await world.run_jobs()
    await world.run_jobs()
    [unit_mail] = smtp.mailbox.to("otdel@example.gov.ru")
    assert "Подготовить методичку" in unit_mail.body
    assert "31 января 2027 г." in unit_mail.message["Subject"]


async def test_issue18_item3_unreachable_smtp_keeps_the_row_and_delivers_it_later(
    tmp_path: Path, clock: FrozenClock
) -> None:
    """Issue #18 item 3, bad input: nothing listens at SMTP_URL. The invitation reaches
    Telegram; its e-mail row stays pending with the attempt counted and the reason; once the
    server is up, a later run delivers it, once."""
    server = SmtpServer()  # its port, nothing listening yet
    world = await _mail_world(tmp_path, clock, server.url)
    try:
        p = await working_group(world)
        await set_member_email(world, "Член 0", "m0@example.gov.ru")
        await schedule_meeting(world, p["chair"])
        await world.deliver()
        assert any("Назначено заседание" in t for t in world.client.texts(p["m0"]))
        [row] = await email_rows(world)
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.last_error and row.next_attempt_at > clock.now()
        server.start()
        try:
            await world.deliver()  # not due yet: the backoff holds it
            assert server.mailbox.received == []
            clock.set(clock.now() + timedelta(minutes=15))
            await world.deliver()
            clock.set(clock.now() + timedelta(hours=2))
            await world.deliver()
            assert len(server.mailbox.to("m0@example.gov.ru")) == 1
            [row] = await email_rows(world)
            assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
        finally:
            server.stop()
    finally:
        await world.db.dispose()


async def test_issue18_item3_a_5xx_refusal_of_the_address_is_final(
    mail_world: World, smtp: SmtpServer
) -> None:
    """Issue #18 item 3: the server refuses the address (550): the row fails with the
    server's reason and is not tried again."""
    world = mail_world
    smtp.mailbox.refuse.add("gone@example.gov.ru")
    p = await working_group(world)
    await set_member_email(world, "Член 0", "gone@example.gov.ru")
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    [row] = await email_rows(world)
    assert (row.status, row.attempts) == ("failed", 1)
    assert row.last_error is not None and "550" in row.last_error
    world.clock.set(world.clock.now() + timedelta(hours=3))
    await world.deliver()
    [row] = await email_rows(world)
    assert row.attempts == 1 and smtp.mailbox.received == []


async def test_issue18_item3_without_smtp_nothing_goes_by_email(world: World) -> None:
    """Issue #18 item 3: with no SMTP_URL an address may be kept, but no e-mail row is
    written and Telegram delivery is as before."""
    p = await working_group(world)
    assert "сохранён" in await set_member_email(world, "Член 0", "m0@example.gov.ru")
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    assert await email_rows(world) == []
    assert any("Назначено заседание" in t for t in world.client.texts(p["m0"]))
