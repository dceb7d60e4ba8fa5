"""Issue #18 item 1 over HTTP: the secretariat opens /audit, verifies the log («Журнал цел»)
and exports a period as CSV with Russian columns; the export is itself in the log."""

from __future__ import annotations

from bot.documents.csv_table import read_csv
from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.steps.conversations import invite_and_join, press, sent_after


async def test_issue18_secretariat_verifies_and_exports_the_audit_log(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    clerk = tg.user(9401, "Clerk")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")

    start = tg.mark()
    await tg.send_text(clerk, "/audit")
    card = await sent_after(tg, start, clerk.id, "Журнал аудита")
    assert "вступил в рабочую группу" in (card.text or "")

    verdict = await press(tg, clerk, card, "🔐 Проверить журнал", "Журнал цел")
    assert "записи проверено" in (verdict.text or "") or "записей проверено" in (verdict.text or "")

    asked = await press(tg, clerk, card, "📄 Выгрузить CSV", "Введите период выгрузки")
    assert asked.ok
    start = tg.mark()
    await tg.send_text(clerk, "2026")
    upload = await tg.wait_for(
        lambda call: call.method == "sendDocument" and call.chat_id == clerk.id, since=start
    )
    name, data = upload.files["document"]
    assert name == "audit_2026-01-01_2026-12-31.csv"
    rows = read_csv(data)
    assert rows[0][:5] == ["№", "Дата и время", "Кто", "Telegram ID", "Действие"]
    assert len(rows) > 3 and rows[1][0] == "1"
    assert "Журнал аудита с 1 января 2026 г. по 31 декабря 2026 г." in (upload.text or "")

    # The export is in the log: a second verification counts one entry more.
    before = int(next(w for w in (verdict.text or "").split() if w.isdigit()))
    start = tg.mark()
    await tg.send_text(clerk, "/audit")
    card = await sent_after(tg, start, clerk.id, "выгружен журнал аудита")
    again = await press(tg, clerk, card, "🔐 Проверить журнал", "Журнал цел")
    assert f"Журнал цел: {before + 1} запис" in (again.text or "")
