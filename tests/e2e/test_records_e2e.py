"""Issue #18 "Done when", over HTTP, as the people would: the bot runs with SMTP (a local
aiosmtpd server) and a СЭД export folder. A protocol is held, agreed and signed in Telegram;
the Telegram members receive it there, the member without Telegram by e-mail with the same
DOCX; the package written for the document system validates against its own schemas and
its checksums name that same DOCX; the secretariat gets the package from the card too, and
the audit log, verified from /audit, is intact after all of it (cl. 15)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from tests.conftest import ADMIN_ID, make_settings
from tests.e2e.conftest import RunningBot, start_bot
from tests.support.fake_api import FakeTelegram
from tests.support.smtp import SmtpServer, mail_to
from tests.support.steps.conversations import (
    document_after,
    hold_meeting,
    include_in_composition,
    invite_and_join,
    open_card,
    open_member,
    press,
    record_composition_act,
    say,
    schedule_meeting,
    sent_after,
    tap,
)
from tests.support.steps.edms import check_package

FROM = "wg-bot@example.gov.ru"
MAILBOX = "pochtov@example.gov.ru"
DOCX = "Протокол № 1-2026 от 05.12.2026.docx"


@pytest.fixture
async def bot_with_records(
    telegram: FakeTelegram, tmp_path: Path, clock: FrozenClock, smtp: SmtpServer
) -> AsyncIterator[RunningBot]:
    (tmp_path / "edms").mkdir()
    settings = make_settings(
        f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        telegram_api_url=telegram.base_url,
        smtp_url=smtp.url,
        smtp_from=FROM,
        edms_export_dir=tmp_path / "edms",
    )
    bot = await start_bot(telegram, settings, clock)
    try:
        yield bot
    finally:
        if not bot.task.done():
            await bot.shutdown()


async def package_in(folder: Path, within_s: float = 120.0) -> Path:
    # LibreOffice renders the PDF first: seconds on a busy machine.
    for _ in range(int(within_s / 0.1)):
        done = await asyncio.to_thread(lambda: sorted(folder.glob("*.zip")))
        if done:
            return done[0]
        await asyncio.sleep(0.1)
    raise AssertionError(f"no package in {folder} within {within_s} s")


async def test_issue18_done_when_a_signed_protocol_reaches_telegram_email_and_the_edms(
    bot_with_records: RunningBot, smtp: SmtpServer, tmp_path: Path
) -> None:
    tg, clock = bot_with_records.server, bot_with_records.clock
    admin = tg.user(ADMIN_ID, "Админ")
    chair, clerk = tg.user(9501, "Chair"), tg.user(9502, "Clerk")
    m0, m1 = tg.user(9510, "M0"), tg.user(9511, "M1")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "член рабочей группы", m0, "Член Ольга")
    await invite_and_join(tg, admin, "член рабочей группы", m1, "Член Марк")
    # A member without Telegram, included by the act, reached by e-mail only.
    await record_composition_act(tg, admin, "распоряжение", "45-р", "25.11.2026")
    await include_in_composition(
        tg,
        admin,
        "распоряжение № 45-р от 25 ноября 2026 г.",
        "Почтов Павел Петрович",
        "член рабочей группы",
        "без подразделения",
    )
    await open_member(tg, admin, "Почтов Павел Петрович")
    await tap(tg, admin, "✉️ Электронная почта", "Введите адрес электронной почты")
    await say(tg, admin, MAILBOX, "Адрес электронной почты сохранён")

    await schedule_meeting(tg, chair, "Декабрьское заседание", "Зал коллегии", "05.12.2026 15:00")
    card = await hold_meeting(
        tg,
        clock,
        chair,
        clerk,
        (chair, m0, m1),
        item="О стандарте обслуживания",
        opens_at=datetime(2026, 12, 5, 11, 58, tzinfo=UTC),
    )
    card = await press(tg, clerk, card, "Протокол", "Протокол № 1/2026")
    await press(tg, clerk, card, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ", "СЛУШАЛИ")
    start = tg.mark()
    await tg.send_text(clerk, "Член Ольга о проекте стандарта")
    spoke = await sent_after(tg, start, clerk.id, "ВЫСТУПИЛИ")
    await press(tg, clerk, spoke, "Пропустить", "РЕШИЛИ")
    await tg.send_text(clerk, "Одобрить стандарт обслуживания.")
    tasks = await sent_after(tg, start, clerk.id, "Поручения")
    await press(tg, clerk, tasks, "Без поручений", "Протокол № 1/2026")
    card = await sent_after(tg, start, clerk.id, "Протокол № 1/2026")
    start = tg.mark()
    await press(tg, clerk, card, "Направить на согласование", "на согласовании")
    for user in (chair, m0, m1):
        asked = await sent_after(tg, start, user.id, "Согласование протокола")
        mode = await press(
            tg, user, asked, "Подтверждаю устное согласие", "В какой форме вы участвовали"
        )
        await press(tg, user, mode, "Очно", "Устное согласие записано")

    card = await open_card(tg, chair, "/protocols", "Протокол № 1/2026", "на согласовании")
    start = tg.mark()
    confirm = await press(tg, chair, card, "Подписать протокол", "изменить нельзя")
    await press(tg, chair, confirm, "Подтвердить", "подписан")

    # Telegram members: the signed DOCX in their chat.
    for user in (chair, clerk, m0, m1):
        got = await sent_after(tg, start, user.id, "Подписан протокол № 1/2026")
        assert got.method == "sendDocument"
    upload = next(
        c for c in tg.calls_since(start) if c.method == "sendDocument" and "document" in c.files
    )
    name, signed = upload.files["document"]
    assert name == DOCX

    # The member without Telegram: the same DOCX by e-mail, with a subject a clerk can file.
    mail = await mail_to(smtp, MAILBOX, subject_has="Протокол")
    assert mail.message["From"] == FROM
    assert mail.message["Subject"].startswith("Протокол заседания рабочей группы № 1/2026")
    assert "<b>" not in mail.body
    [(attached, content_type, data)] = mail.attachments()
    assert attached == DOCX and "wordprocessingml" in content_type
    assert data == signed

    # The document system's folder: a whole package (never a half-written one), valid
    # against its schemas, with the DOCX members received and a PDF rendering of it.
    package = await package_in(tmp_path / "edms")
    files, card_json = check_package(package.read_bytes())
    assert files[DOCX] == signed
    assert card_json["files"]["docx"]["sha256"] == hashlib.sha256(signed).hexdigest()
    assert card_json["document"]["number"] == "1/2026"
    assert card_json["signed_by"]["name"] == "Председатель Пётр"
    addressees = {a["name"] for a in card_json["addressees"]}
    assert {"Член Ольга", "Член Марк", "Почтов Павел Петрович"} <= addressees
    assert card_json["pdf_absent_reason"] is None
    pdf = files[card_json["files"]["pdf"]["name"]]
    assert pdf.startswith(b"%PDF")

    # The secretariat gets the same package from the protocol's card.
    card = await open_card(tg, clerk, "/protocols", "Протокол № 1/2026", "подписан")
    start = tg.mark()
    await tg.click_button(clerk, (clerk.id, card.result["message_id"]), "Пакет для СЭД")
    sent = await document_after(tg, start, clerk.id)
    zip_name, zipped = sent.files["document"]
    assert zip_name.endswith("(СЭД).zip")
    assert check_package(zipped)[0][DOCX] == signed

    # All of it is in the audit log, and the log is intact.
    start = tg.mark()
    await tg.send_text(clerk, "/audit")
    log = await sent_after(tg, start, clerk.id, "Журнал")
    checked = await press(tg, clerk, log, "🔐 Проверить журнал", "Журнал цел")
    assert "записей проверено" in (checked.text or "")
