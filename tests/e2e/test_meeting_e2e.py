"""A whole meeting over HTTP (cl. 11-14): the chair schedules, members answer, reminders
arrive, members check in, the quorum appears and disappears, the deputy presides while the
chair is away, the recording is attached, the meeting closes, the month counts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.fake_api import Call, FakeTelegram, FakeUser
from tests.support.steps.conversations import (
    answered_after,
    click_and_see,
    invite_and_join,
    sent_after,
)


async def _press(tg: FakeTelegram, user: FakeUser, call: Call, button: str) -> int:
    start = tg.mark()
    await tg.click_button(user, (user.id, call.result["message_id"]), button)
    return start


async def test_a_whole_meeting_over_http(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, deputy, clerk = tg.user(9101, "Chair"), tg.user(9102, "Deputy"), tg.user(9103, "Clerk")
    members = [tg.user(9110 + i, f"M{i}") for i in range(3)]
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "заместитель председателя", deputy, "Заместитель Зоя")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    for i, m in enumerate(members):
        await invite_and_join(tg, admin, "член рабочей группы", m, f"Член {i}")

    # The chair schedules a meeting with the day and time buttons.
    await tg.send_text(chair, "/newmeeting")
    await tg.wait_message(chair.id, "Тема заседания")
    await tg.send_text(chair, "Декабрьское заседание")
    fmt = await tg.wait_message(chair.id, "Формат заседания")
    await click_and_see(
        tg, chair, (chair.id, fmt.result["message_id"]), "Дистанционное", "Ссылка на подключение"
    )
    await tg.send_text(chair, "https://meet.example.org/wg")
    when = await tg.wait_message(chair.id, "Дата и время")
    await click_and_see(
        tg, chair, (chair.id, when.result["message_id"]), "5 декабря 2026 г.", "Выберите время"
    )
    await tg.click_button(chair, (chair.id, when.result["message_id"]), "15:00")
    preview = await tg.wait_message(chair.id, "Проверьте заседание")
    assert "5 декабря 2026 г., 15:00 (МСК)" in (preview.text or "")
    await click_and_see(
        tg, chair, (chair.id, preview.result["message_id"]), "Подтвердить", "Заседание назначено"
    )

    invitations = {m.id: await tg.wait_message(m.id, "Назначено заседание") for m in members}
    invitations[deputy.id] = await tg.wait_message(deputy.id, "Назначено заседание")
    # The .ics is uploaded once; the other invitations reuse Telegram's file_id.
    uploads = [
        c.files["document"]
        for c in tg.calls
        if c.method == "sendDocument" and "document" in c.files
    ]
    assert len(uploads) == 1 and uploads[0][0].endswith(".ics")
    assert b"METHOD:REQUEST" in uploads[0][1]
    for user in (*members, deputy):
        start = await _press(tg, user, invitations[user.id], "Буду дистанционно")
        await answered_after(tg, start, "Ответ сохранён")

    # The chair is away that day: the deputy will preside.
    await tg.send_text(chair, "/absence")
    await tg.wait_message(chair.id, "Период отсутствия")
    await tg.send_text(chair, "05.12.2026 - 05.12.2026")
    await tg.wait_message(chair.id, "Отсутствие председателя записано")

    # Three days before: the reminder; the chair, who did not answer, is nudged.
    start = tg.mark()
    running.clock.set(datetime(2026, 12, 2, 12, 0, 1, tzinfo=UTC))
    await sent_after(tg, start, members[0].id, "Напоминание о заседании")
    nudge = await sent_after(tg, start, chair.id, "Напоминание о заседании")
    assert "Сообщите, пожалуйста, примете ли вы участие" in (nudge.text or "")

    # The meeting opens; people check in; the quorum appears and disappears.
    running.clock.set(datetime(2026, 12, 5, 11, 58, tzinfo=UTC))
    await tg.send_text(clerk, "/meetings")
    listing = await tg.wait_message(clerk.id, "Заседания")
    ref = (clerk.id, listing.result["message_id"])
    await click_and_see(tg, clerk, ref, "Открыть: Декабрьское заседание", "Статус")
    live = await click_and_see(tg, clerk, ref, "Открыть заседание", "Идёт заседание")
    assert "0 из 5" in (live.text or "")

    opened = {u.id: await tg.wait_message(u.id, "Заседание открыто") for u in (*members, deputy)}
    for user in (members[0], members[1]):
        start = await _press(tg, user, opened[user.id], "Отметиться")
        await sent_after(tg, start, clerk.id, "членов рабочей группы (кворум")
    start = await _press(tg, tg.user(deputy.id, "Deputy"), opened[deputy.id], "Отметиться")
    with_quorum = await sent_after(tg, start, clerk.id, "✅ Кворум имеется")
    assert "3 из 5" in (with_quorum.text or "")
    assert "Председательствующий: Заместитель Зоя" in (with_quorum.text or "")
    start = await _press(tg, members[1], opened[members[1].id], "Покинуть заседание")
    without = await sent_after(tg, start, clerk.id, "Кворум отсутствует")
    assert "2 из 5" in (without.text or "")
    start = await _press(tg, members[2], opened[members[2].id], "Отметиться")
    await sent_after(tg, start, clerk.id, "✅ Кворум имеется")

    # The recording, then the close.
    await tg.send_text(clerk, "/meetings")
    listing = await tg.wait_message(clerk.id, "Заседания")
    ref = (clerk.id, listing.result["message_id"])
    await click_and_see(tg, clerk, ref, "Открыть: Декабрьское заседание", "Статус")
    await click_and_see(tg, clerk, ref, "Прикрепить аудиозапись", "Отправьте аудиозапись")
    await tg.send_audio(clerk, "AUDIO1", "2026-12-05.mp3", "audio/mpeg", 11, b"meeting-mp3")
    saved = await tg.wait_message(clerk.id, "Аудиозапись прикреплена")
    assert "SHA-256:" in (saved.text or "")
    await tg.send_text(clerk, "/meetings")
    listing = await tg.wait_message(clerk.id, "Заседания")
    ref = (clerk.id, listing.result["message_id"])
    await click_and_see(tg, clerk, ref, "Открыть: Декабрьское заседание", "Статус")
    await click_and_see(tg, clerk, ref, "Закрыть заседание", "проведено")

    # The month ends: December is compliant.
    running.clock.set(datetime(2026, 12, 31, 21, 0, 2, tzinfo=UTC))
    await asyncio.sleep(2.5)  # the ticker's next passes record the month
    await tg.send_text(clerk, "/compliance")
    report = await tg.wait_message(clerk.id, "Заседания по месяцам")
    assert "✅ За декабрь 2026 г. проведено заседаний: 1" in (report.text or "")
