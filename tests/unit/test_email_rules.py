"""Issue #18 item 3: the pure parts of e-mail — addresses, SMTP_URL, the MIME message, the
plain-text body, the outbox rows of an e-mail and how an SMTP answer is sorted."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes, policy

import pytest

from bot.delivery.mail import (
    Attachment,
    SmtpUrlError,
    _code_outcome,
    build_message,
    parse_smtp_url,
)
from bot.delivery.policy import Outcome, Status, decide
from bot.domain.email import (
    AddressError,
    email_chat_id,
    email_key,
    is_email_chat,
    normalize_address,
    plain_text,
)
from bot.services.outbox import Envelope, rows_for

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("ivanov at example.gov.ru", "spaces"),
        ("ivanov.example.gov.ru", "no_at"),
        ("ivanov@example", "invalid"),
        ("ivanov@@example.gov.ru", "invalid"),
        ("@example.gov.ru", "invalid"),
        ("a" * 250 + "@example.ru", "too_long"),
    ],
)
def test_issue18_item3_an_address_that_is_not_one_is_refused_with_the_reason(
    raw: str, reason: str
) -> None:
    with pytest.raises(AddressError) as refused:
        normalize_address(raw)
    assert refused.value.reason == reason


def test_issue18_item3_an_address_is_kept_normalised() -> None:
    assert normalize_address("  Ivanov@Example.GOV.ru ") == "Ivanov@example.gov.ru"
    assert normalize_address("иванов@пример.рф") == "иванов@пример.рф"


def test_issue18_item3_an_email_row_has_its_own_key_and_a_chat_no_telegram_chat_has() -> None:
    assert email_key("broadcast:3:17") == "broadcast:3:17@email"
    a, b = email_chat_id("a@example.gov.ru"), email_chat_id("b@example.gov.ru")
    assert a != b and a == email_chat_id("A@example.gov.ru")
    assert is_email_chat(a) and is_email_chat(b)
    # Supergroups and channels are about -10**12 to -10**13; users are positive.
    assert not is_email_chat(-1_009_999_999_999) and not is_email_chat(10**12)
    assert a > -(2**63)


def test_issue18_item3_telegram_html_becomes_plain_text() -> None:
    text = (
        "<b>Подписан протокол № 1/2026</b>\nО стандарте &amp; плане, 5 декабря 2026 г.<br>"
        '<a href="https://example.gov.ru/m">ссылка</a> <i>курсив</i> '
        '<a href="tg://user?id=5">Иванов</a> &lt;тег&gt;'
    )
    assert plain_text(text) == (
        "Подписан протокол № 1/2026\nО стандарте & плане, 5 декабря 2026 г.\n"
        "ссылка (https://example.gov.ru/m) курсив Иванов <тег>"
    )


def test_issue18_item3_smtp_url_forms() -> None:
    plain = parse_smtp_url("smtp://mail.example.gov.ru")
    assert (plain.host, plain.port, plain.use_tls, plain.start_tls) == (
        "mail.example.gov.ru",
        25,
        False,
        None,
    )
    submission = parse_smtp_url("smtp://bot%40gov:p%3Ass@mail.gov.ru:587?starttls=1", 10)
    assert (submission.port, submission.start_tls, submission.timeout) == (587, True, 10)
    assert (submission.username, submission.password) == ("bot@gov", "p:ss")
    tls = parse_smtp_url("smtps://u:p@mail.gov.ru")
    assert (tls.port, tls.use_tls, tls.start_tls) == (465, True, False)
    assert parse_smtp_url("smtp://127.0.0.1:2525?starttls=0").start_tls is False
    for bad in (
        "http://mail.gov.ru",
        "smtp://",
        "smtp://mail.gov.ru:99999",
        "smtp://h?starttls=maybe",
        "smtps://h?starttls=1",
    ):
        with pytest.raises(SmtpUrlError):
            parse_smtp_url(bad)


def test_issue18_item3_the_mime_message_has_headers_body_and_attachment() -> None:
    docx = b"PK\x03\x04 protocol bytes"
    message = build_message(
        sender="wg-bot@example.gov.ru",
        to="Иванов@example.gov.ru",
        subject="Протокол заседания рабочей группы № 1/2026 от 5 декабря 2026 г.",
        body="Подписан протокол № 1/2026\nДокумент — во вложении.",
        key="broadcast:1:7@email",
        now=NOW,
        attachment=Attachment(
            "Протокол 1-2026.docx",
            docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    )
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert parsed["From"] == "wg-bot@example.gov.ru"
    assert parsed["To"] == "Иванов@example.gov.ru"
    assert parsed["Subject"] == "Протокол заседания рабочей группы № 1/2026 от 5 декабря 2026 г."
    assert parsed["Date"] == "Sat, 05 Dec 2026 12:00:00 +0000"
    assert parsed["Message-ID"].endswith("@example.gov.ru>")
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None and body.get_content() == (
        "Подписан протокол № 1/2026\nДокумент — во вложении.\n"
    )
    [attachment] = list(parsed.iter_attachments())
    assert attachment.get_filename() == "Протокол 1-2026.docx"
    assert attachment.get_content_type().endswith("wordprocessingml.document")
    assert attachment.get_payload(decode=True) == docx
    # The same key gives the same Message-ID: a resent copy is recognisably the same.
    again = build_message(
        sender="wg-bot@example.gov.ru",
        to="x@example.gov.ru",
        subject="s",
        body="b",
        key="broadcast:1:7@email",
        now=NOW,
    )
    assert again["Message-ID"] == message["Message-ID"]
    assert not list(again.iter_attachments())


def test_issue18_item3_an_ics_attachment_is_a_calendar() -> None:
    message = build_message(
        sender="a@example.gov.ru",
        to="b@example.gov.ru",
        subject="s",
        body="b",
        key="k",
        now=NOW,
        attachment=Attachment("meeting.ics", b"BEGIN:VCALENDAR", None),
    )
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"


def test_issue18_item3_an_email_envelope_is_one_row_whatever_its_length() -> None:
    envelope = Envelope(
        key="broadcast:1:7@email",
        kind="broadcast",
        chat_id=email_chat_id("m@example.gov.ru"),
        text="х" * 10_000,
        document={"stored_file_id": 3, "file_name": "p.docx"},
        person_id=7,
        broadcast_id=1,
        channel="email",
        address="m@example.gov.ru",
        subject="Тема",
    )
    [row] = rows_for(envelope, NOW)
    assert row["key"] == "broadcast:1:7@email"
    assert (row["channel"], row["address"], row["subject"]) == (
        "email",
        "m@example.gov.ru",
        "Тема",
    )
    assert row["text"] == envelope.text and row["reply_markup"] is None
    assert row["document"] == {"stored_file_id": 3, "file_name": "p.docx"}
    # A Telegram envelope carries the channel too, so one executemany takes both.
    telegram = rows_for(Envelope(key="k", kind="announcement", chat_id=5, text="т"), NOW)
    assert telegram[0]["channel"] == "telegram" and set(telegram[0]) == set(row)


def test_issue18_item3_smtp_answers_follow_the_retry_policy() -> None:
    """4xx and a failed connection stay pending (retried with backoff); a 5xx is final."""
    soft = _code_outcome(451, "try later")
    assert soft.outcome is Outcome.SERVER_ERROR
    assert decide(soft.outcome, kind="broadcast", attempts=1, unknown_count=0).status is (
        Status.PENDING
    )
    hard = _code_outcome(550, "no such user")
    assert hard.outcome is Outcome.REJECTED and hard.error == "SMTP 550: no such user"
    assert decide(hard.outcome, kind="broadcast", attempts=1, unknown_count=0).status is (
        Status.FAILED
    )


def test_issue18_item3_smtp_settings_are_checked_at_start() -> None:
    """SMTP_URL needs SMTP_FROM; a URL or a sender that is not one stops the start."""
    from pydantic import ValidationError

    from tests.conftest import make_settings

    url = "sqlite+aiosqlite:///./x.db"
    assert make_settings(url).smtp_url is None
    ok = make_settings(url, smtp_url="smtp://mail.gov.ru:587?starttls=1", smtp_from="b@gov.ru")
    assert ok.smtp_url is not None and ok.smtp_from == "b@gov.ru"
    assert make_settings(url, smtp_url="  ", smtp_from="").smtp_url is None
    for bad in (
        {"smtp_url": "smtp://mail.gov.ru"},
        {"smtp_url": "http://mail.gov.ru", "smtp_from": "b@gov.ru"},
        {"smtp_url": "smtp://mail.gov.ru", "smtp_from": "not an address"},
    ):
        with pytest.raises(ValidationError):
            make_settings(url, **bad)
