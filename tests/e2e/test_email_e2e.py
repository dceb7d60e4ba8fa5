"""Issue #18 item 3 over HTTP: the bot runs with SMTP_URL pointing at a local SMTP server
(aiosmtpd); the secretariat includes a member without Telegram by the act and types their
address on the card (a bad one is refused first); the chair schedules a meeting; the member
without Telegram gets the invitation by e-mail with the .ics, the Telegram member by
Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from tests.conftest import ADMIN_ID, make_settings
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_api import FakeTelegram
from tests.support.smtp import SmtpServer, mail_to
from tests.support.steps.conversations import (
    include_in_composition,
    invite_and_join,
    open_member,
    record_composition_act,
    say,
    schedule_meeting,
    sent_after,
    tap,
)

FROM = "wg-bot@example.gov.ru"


@pytest.fixture
async def mailing(
    telegram: FakeTelegram, tmp_path: Path, clock: FrozenClock, smtp: SmtpServer
) -> AsyncIterator[RunningBot]:
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        telegram_api_url=telegram.base_url,
        smtp_url=smtp.url,
        smtp_from=FROM,
    )
    bot = await start_bot(telegram, settings, clock)
    try:
        yield bot
    finally:
        if not bot.task.done():
            await bot.shutdown()


async def test_issue18_item3_an_invitation_reaches_a_member_without_telegram_by_email(
    mailing: RunningBot, smtp: SmtpServer
) -> None:
    tg = mailing.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, member = tg.user(9401, "Chair"), tg.user(9402, "Member")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "член рабочей группы", member, "Член Марк")
    act = "распоряжение № 45-р от 25 ноября 2026 г."
    await record_composition_act(tg, admin, "распоряжение", "45-р", "25.11.2026")
    await include_in_composition(
        tg, admin, act, "Почтов Павел Петрович", "член рабочей группы", "без подразделения"
    )

    card = await open_member(tg, admin, "Почтов Павел Петрович")
    assert "Электронная почта: не указана" in (card.text or "")
    await tap(tg, admin, "✉️ Электронная почта", "Введите адрес электронной почты")
    await say(tg, admin, "pochtov@", "Это не адрес электронной почты")
    saved = await say(tg, admin, "pochtov@example.gov.ru", "Адрес электронной почты сохранён")
    assert "Электронная почта: pochtov@example.gov.ru" in (saved.text or "")

    start = tg.mark()
    await schedule_meeting(tg, chair, "Заседание о стандартах", "каб. 305", "05.12.2026 15:00")
    told = await sent_after(tg, start, member.id, "Назначено заседание")
    assert "Заседание о стандартах" in (told.text or "")

    mail = await mail_to(smtp, "pochtov@example.gov.ru")
    assert mail.message["From"] == FROM
    assert mail.message["Subject"] == (
        "Приглашение на заседание рабочей группы «Заседание о стандартах» 5 декабря 2026 г."
    )
    assert "Назначено заседание" in mail.body and "<b>" not in mail.body
    [(name, content_type, data)] = mail.attachments()
    assert name.endswith(".ics") and content_type == "text/calendar"
    assert b"METHOD:REQUEST" in data and "Заседание о стандартах".encode() in data
    # Only the address on the roster got mail: the Telegram-only members got none.
    assert {r for m in smtp.mailbox.received for r in m.rcpt_tos} == {"pochtov@example.gov.ru"}
