"""Meetings at the dispatcher level (cl. 11-14): scheduling, answers, reminders, check-in,
quorum, presiding person, recording, closing, the monthly rule."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy import select

from bot.callbacks import MeetingCb
from storage.models import Attendance, DueTask, Meeting, Recording
from tests.conftest import World
from tests.support.steps.meetings import at_meeting_start, open_meeting_card, schedule_meeting
from tests.support.steps.onboarding import working_group


async def test_cl13_chair_schedules_and_every_member_gets_an_invitation_with_ics(
    world: World,
) -> None:
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    assert "Заседание назначено" in (world.client.last_text(p["chair"]) or "")
    await world.deliver()
    docs = [r for r in world.session.requests if isinstance(r, SendDocument)]
    # Chair, deputy, three members and the secretariat.
    assert {d.chat_id for d in docs} == {u.id for u in p.values()}
    invitation = docs[0]
    assert "Назначено заседание" in (invitation.caption or "")
    assert "5 декабря 2026 г., 15:00 (МСК)" in (invitation.caption or "")
    assert "ул. Тверская, д. 1, каб. 305" in (invitation.caption or "")
    assert isinstance(invitation.document, BufferedInputFile)
    assert b"METHOD:REQUEST" in invitation.document.data
    assert (invitation.document.filename or "").endswith(".ics")


async def test_cl13_member_and_deputy_cannot_schedule_while_the_chair_is_present(
    world: World,
) -> None:
    p = await working_group(world)
    await world.client.send(p["m0"], "/newmeeting")
    assert world.client.last_text(p["m0"]) == (
        "Назначать и переносить заседания может председатель, а в его отсутствие — "
        "заместитель (п. 13 Положения)."
    )
    await world.client.send(p["deputy"], "/newmeeting")
    assert "только на время отсутствия председателя" in (world.client.last_text(p["deputy"]) or "")
    # The chair records an absence; from then on the deputy acts.
    await world.client.send(p["chair"], "/absence")
    await world.client.send(p["chair"], "01.12.2026 - 10.12.2026")
    assert "Отсутствие председателя записано" in (world.client.last_text(p["chair"]) or "")
    await schedule_meeting(world, p["deputy"])
    assert "Заседание назначено" in (world.client.last_text(p["deputy"]) or "")


async def test_bad_dates_and_a_missing_place_are_asked_again(world: World) -> None:
    p = await working_group(world)
    c = world.client
    chair = p["chair"]
    await c.send(chair, "/newmeeting")
    await c.send(chair, "Тема")
    await c.click(chair, "Очное")
    await c.send(chair, "   ")
    assert "нужно указать место" in (c.last_text(chair) or "")
    await c.send(chair, "Зал заседаний")
    for typed, reason in (
        ("завтра днём", "Не удалось разобрать"),
        ("31.02.2027 10:00", "не существует"),
        ("30.11.2026 10:00", "уже прошла"),
    ):
        await c.send(chair, typed)
        assert reason in (c.last_text(chair) or ""), typed
    async with world.db.session() as s:
        assert (await s.scalars(select(Meeting))).first() is None


async def test_a_whole_meeting_from_invitation_to_compliance(world: World) -> None:
    """cl. 11-14 together, as the issue's "done when" plays it."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    for key in ("m0", "m1"):
        await c.click(p[key], "Буду очно")
        assert c.callback_answers(p[key])[-1].text == "Ответ сохранён: Буду очно."
    await c.click(p["deputy"], "Буду дистанционно")
    await c.click(p["m2"], "Не смогу")
    await c.click(p["m2"], "Буду дистанционно")  # answers may change before the start

    await open_meeting_card(world, p["clerk"])
    await c.click(p["clerk"], "Ответы участников")
    overview = c.last_text(p["clerk"]) or ""
    assert "Председатель Пётр — ⏳ нет ответа" in overview
    assert "Ожидается членов рабочей группы: 4 из 5 (кворум — не менее 3)." in overview

    # Three days before: a reminder to everyone; the chair, who has not answered, is nudged.
    world.clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    await world.run_jobs()
    assert "Напоминание о заседании" in (c.last_text(p["m0"]) or "")
    assert "Сообщите, пожалуйста, примете ли вы участие" not in (c.last_text(p["m0"]) or "")
    assert "Сообщите, пожалуйста, примете ли вы участие" in (c.last_text(p["chair"]) or "")

    # The meeting: the secretariat opens it; the chair is absent from the room.
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await open_meeting_card(world, p["clerk"])
    await c.click(p["clerk"], "Открыть заседание")
    live = c.last_text(p["clerk"]) or ""
    assert "Присутствует 0 из 5 членов рабочей группы" in live and "Кворум отсутствует" in live
    await world.deliver()
    assert "Заседание открыто" in (c.last_text(p["m0"]) or "")
    await c.click(p["m0"], "Отметиться")  # the button in the "meeting opened" notice
    await c.click(p["m1"], "Отметиться")
    await world.deliver()  # the live message is edited through the outbox
    live = c.last_text(p["clerk"]) or ""
    assert "2 из 5" in live and "Кворум отсутствует" in live and "Нет председательствующего" in live
    await c.click(p["deputy"], "Отметиться")
    await world.deliver()
    live = c.last_text(p["clerk"]) or ""
    assert "3 из 5" in live and "✅ Кворум имеется" in live
    assert "Председательствующий: Заместитель Зоя (заместитель председателя)" in live
    await c.click(p["deputy"], "Отметиться")
    assert c.callback_answers(p["deputy"])[-1].text == "Вы уже отмечены. Присутствует 3 из 5."
    # cl. 14: the quorum goes when a member leaves, and comes back when another arrives.
    await c.click(p["m1"], "Покинуть заседание")
    await world.deliver()
    assert "2 из 5" in (c.last_text(p["clerk"]) or "")
    assert "Кворум отсутствует" in (c.last_text(p["clerk"]) or "")
    await c.click(p["m2"], "Отметиться")
    await world.deliver()
    assert "3 из 5" in (c.last_text(p["clerk"]) or "")
    assert "✅ Кворум имеется" in (c.last_text(p["clerk"]) or "")

    # Closing needs the recording (cl. 12).
    await open_meeting_card(world, p["clerk"])
    await c.click(p["clerk"], "Закрыть заседание")
    assert "без аудиозаписи" in c.alerts(p["clerk"])[-1]
    await c.click(p["clerk"], "Прикрепить аудиозапись")
    await c.send_document(p["clerk"], file_name="minutes.pdf", mime_type="application/pdf")
    assert "Файл не распознан как аудиозапись." in (c.last_text(p["clerk"]) or "")
    audio = b"ID3 fake audio of the meeting"
    await c.send_audio(p["clerk"], file_name="2026-12-05.mp3", content=audio, file_size=len(audio))
    digest = hashlib.sha256(audio).hexdigest()
    assert digest in (c.last_text(p["clerk"]) or "")
    await open_meeting_card(world, p["clerk"])
    await c.click(p["clerk"], "Закрыть заседание")
    assert "Статус: ✅ проведено" in (c.last_text(p["clerk"]) or "")
    # Under «✅ Заседание закрыто» the live message records what was, in the past tense.
    await world.deliver()
    live = next(text for text in c.texts(p["clerk"]) if "Заседание закрыто" in text)
    assert "Присутствовало 3 из 5 членов рабочей группы (кворум — не менее 3)." in live
    assert "✅ Кворум имелся" in live
    assert "Председательствующий: Заместитель Зоя (заместитель председателя)" in live
    assert "Присутствовали:\n" in live
    assert "Присутствует " not in live and "Кворум имеется" not in live
    async with world.db.session() as s:
        recording = await s.scalar(select(Recording))
        assert recording is not None and recording.sha256 == digest
        rows = (await s.scalars(select(Attendance))).all()
        assert len(rows) == 4 and sum(r.left_at is not None for r in rows) == 1

    # The month ends: December counts as compliant.
    world.clock.set(datetime(2026, 12, 31, 21, 0, 5, tzinfo=UTC))
    await world.run_jobs()
    await c.send(p["clerk"], "/compliance")
    assert "✅ За декабрь 2026 г. проведено заседаний: 1" in (c.last_text(p["clerk"]) or "")


async def test_cl12_the_invitation_shows_the_answer_given_and_keeps_its_buttons(
    world: World,
) -> None:
    """cl. 12: a member answers the invitation and may change the answer until the start;
    the invitation itself says which answer stands, not only a passing pop-up."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    invitation = c.find_button_message(p["m0"], "Буду очно")
    assert "Назначено заседание" in (invitation.caption or "")
    assert "Ваш ответ" not in (invitation.caption or "")
    sent_before = len(c.messages(p["m0"]))

    await c.click(p["m0"], "Буду очно")
    shown = c.find_button_message(p["m0"], "Буду дистанционно")
    assert shown.message_id == invitation.message_id
    caption = shown.caption or ""
    assert "Назначено заседание" in caption and "5 декабря 2026 г., 15:00 (МСК)" in caption
    assert caption.endswith("Ваш ответ: Буду очно")
    assert [label for row in c.buttons(shown) for label, _ in row] == [
        "Буду очно",
        "Буду дистанционно",
        "Не смогу",
    ]

    await c.click(p["m0"], "Буду дистанционно")
    caption = c.find_button_message(p["m0"], "Буду очно").caption or ""
    assert caption.endswith("Ваш ответ: Буду дистанционно")
    assert "Ваш ответ: Буду очно" not in caption
    # Nothing new was sent: the invitation changed in place.
    assert len(c.messages(p["m0"])) == sent_before


async def test_check_in_refusals_change_nothing(world: World) -> None:
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    message = world.client.last_message(p["m0"])
    assert message is not None
    await world.client.click_data(p["m0"], message, MeetingCb(action="checkin", meeting=1).pack())
    assert "Заседание сейчас не идёт" in world.client.alerts(p["m0"])[-1]
    await at_meeting_start(world)
    await open_meeting_card(world, p["clerk"])
    await world.client.click(p["clerk"], "Открыть заседание")
    clerk_card = world.client.last_message(p["clerk"])
    assert clerk_card is not None
    await world.client.click_data(
        p["clerk"], clerk_card, MeetingCb(action="checkin", meeting=1).pack()
    )
    assert "только члены рабочей группы" in world.client.alerts(p["clerk"])[-1]
    async with world.db.session() as s:
        assert (await s.scalars(select(Attendance))).first() is None


async def test_member_cannot_open_or_close_a_meeting(world: World) -> None:
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await world.client.send(p["m0"], "/meetings")
    message = world.client.last_message(p["m0"])
    assert message is not None
    for action in ("start", "close", "answers"):
        await world.client.click_data(p["m0"], message, MeetingCb(action=action, meeting=1).pack())
        # UX.md: a refusal says who may (cl. 11-12: the chair, the deputy, the secretariat).
        assert world.client.alerts(p["m0"])[-1] == (
            "Это действие доступно только ролям: председатель рабочей группы, "
            "заместитель председателя, сотрудник секретариата."
        )
    async with world.db.session() as s:
        meeting = await s.scalar(select(Meeting))
        assert meeting is not None and meeting.status == "scheduled"


async def test_reschedule_raises_the_ics_sequence_and_cancel_sends_method_cancel(
    world: World,
) -> None:
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    await open_meeting_card(world, p["chair"])
    await world.client.click(p["chair"], "Перенести")
    await world.client.send(p["chair"], "06.12.2026 11:00")
    assert "Заседание перенесено" in (world.client.last_text(p["chair"]) or "")
    await world.deliver()
    await open_meeting_card(world, p["chair"])
    await world.client.click(p["chair"], "Отменить заседание")
    await world.client.click(p["chair"], "Подтвердить")
    await world.deliver()
    docs = [
        r for r in world.session.requests if isinstance(r, SendDocument) and r.chat_id == p["m0"].id
    ]
    captions = [d.caption or "" for d in docs]
    assert ["Назначено" in captions[0], "перенесено" in captions[1], "отменено" in captions[2]] == [
        True,
        True,
        True,
    ]
    assert "6 декабря 2026 г., 11:00 (МСК)" in captions[1]
    async with world.db.session() as s:
        tasks = (await s.scalars(select(DueTask).where(DueTask.kind == "reminder"))).all()
    assert {t.status for t in tasks} == {"cancelled"}


async def test_reminder_after_a_restart_for_a_started_meeting_is_skipped(world: World) -> None:
    """The bot was down across both reminder times and the start: nothing stale is sent."""
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    before = len(world.session.requests)
    world.clock.set(datetime(2026, 12, 5, 12, 30, tzinfo=UTC))  # after the start
    await world.run_jobs()
    reminders = [
        r for r in world.session.requests[before:] if "Напоминание" in str(getattr(r, "text", ""))
    ]
    assert reminders == []
    async with world.db.session() as s:
        tasks = (await s.scalars(select(DueTask).where(DueTask.kind == "reminder"))).all()
    assert {t.status for t in tasks} == {"skipped"}
    assert all("already started" in (t.note or "") for t in tasks)


async def test_cl12_monthly_warning_goes_to_chair_deputy_and_secretariat(world: World) -> None:
    p = await working_group(world)
    world.clock.set(datetime(2026, 12, 15, 7, 0, 30, tzinfo=UTC))  # 10:00 МСК on the 15th
    await world.run_jobs()
    for key in ("chair", "deputy", "clerk"):
        assert "Ежемесячное заседание" in (world.client.last_text(p[key]) or "")
    assert "Ежемесячное заседание" not in (world.client.last_text(p["m0"]) or "")
    # Down for two days: the next warning arrives late and says so.
    world.clock.set(datetime(2026, 12, 18, 9, 0, tzinfo=UTC))
    await world.run_jobs()
    assert "с опозданием" in (world.client.last_text(p["chair"]) or "")
    world.clock.advance(timedelta(days=20))
    await world.run_jobs()
    await world.client.send(p["clerk"], "/compliance")
    compliance = world.client.last_text(p["clerk"]) or ""
    assert "❌ За декабрь 2026 г. заседания с кворумом не проводились" in compliance


async def test_live_message_in_the_group_chat_checks_in_whoever_presses(world: World) -> None:
    from bot.callbacks import LinkCb

    p = await working_group(world)
    c = world.client
    group = -100777
    await c.send_in_group(p["m0"], group, "/link")
    ask = c.last_message(group)
    assert ask is not None
    await c.click_data(world.admin(), ask, LinkCb(action="link").pack())
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    await at_meeting_start(world)
    await open_meeting_card(world, p["clerk"])
    await c.click(p["clerk"], "Открыть заседание")
    await world.deliver()
    live = c.last_message(group)
    assert live is not None and "Идёт заседание" in (live.text or "")
    await c.click_data(p["m1"], live, MeetingCb(action="checkin", meeting=1).pack())
    assert c.callback_answers(p["m1"])[-1].text == "✅ Вы отмечены. Присутствует 1 из 5."
    await world.deliver()
    live = c.last_message(group)
    assert live is not None and "1 из 5" in (live.text or "") and "Член 1" in (live.text or "")


async def test_qr_code_and_deep_link_check_in(world: World) -> None:
    from aiogram.methods import SendPhoto

    from storage.models import Meeting as MeetingRow

    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await at_meeting_start(world)
    await open_meeting_card(world, p["clerk"])
    await world.client.click(p["clerk"], "Открыть заседание")
    await open_meeting_card(world, p["clerk"])
    await world.client.click(p["clerk"], "QR-код для отметки")
    photo = [r for r in world.session.requests if isinstance(r, SendPhoto)][-1]
    async with world.db.session() as s:
        meeting = await s.scalar(select(MeetingRow))
        assert meeting is not None
        token = meeting.checkin_token
    assert f"https://t.me/wg_test_bot?start=chk_{token}" in (photo.caption or "")
    await world.client.send(p["m2"], f"/start chk_{token}")
    assert "Вы отмечены" in (world.client.last_text(p["m2"]) or "")
    await world.client.send(p["m2"], "/start chk_notarealtoken123")
    assert "Ссылка для отметки не найдена" in (world.client.last_text(p["m2"]) or "")


async def test_a_recording_too_large_to_download_is_kept_by_reference(world: World) -> None:
    """cl. 12 with the cloud Bot API: files over 20 MB cannot be downloaded for a checksum."""
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await at_meeting_start(world)
    await open_meeting_card(world, p["clerk"])
    await world.client.click(p["clerk"], "Открыть заседание")
    await open_meeting_card(world, p["clerk"])
    await world.client.click(p["clerk"], "Прикрепить аудиозапись")
    await world.client.send_audio(p["clerk"], file_name="long.mp3", file_size=300 * 1024 * 1024)
    assert "больше 20 МБ" in (world.client.last_text(p["clerk"]) or "")
    await world.client.send(p["clerk"], "//archive/audio/2026-12-05.mp3 not-a-checksum")
    assert "64 шестнадцатеричных" in (world.client.last_text(p["clerk"]) or "")
    digest = "ab" * 32
    await world.client.send(p["clerk"], f"//archive/audio/2026-12-05.mp3 {digest}")
    assert digest in (world.client.last_text(p["clerk"]) or "")
    async with world.db.session() as s:
        recording = await s.scalar(select(Recording))
    assert recording is not None
    assert recording.storage_ref == "//archive/audio/2026-12-05.mp3"
    assert recording.size == 300 * 1024 * 1024 and recording.sha256 == digest


async def test_cl11_the_deputy_cannot_record_the_chairs_absence(world: World) -> None:
    """cl. 11: the chair or the secretariat records the chair's absence; the deputy, who
    would then act, may not."""
    p = await working_group(world)
    await world.client.send(p["deputy"], "/absence")
    assert world.client.last_text(p["deputy"]) == (
        "Отсутствие председателя записывает председатель, а если с ним нет связи — "
        "секретариат (п. 11 Положения)."
    )
    await world.client.send(p["deputy"], "01.12.2026 - 10.12.2026")
    assert "Отсутствие председателя записано" not in (world.client.last_text(p["deputy"]) or "")


async def test_venue_change_notifies_everyone_with_a_new_ics(world: World) -> None:
    """cl. 13: the chair sets the place; a change reaches every member."""
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    await open_meeting_card(world, p["chair"])
    await world.client.click(p["chair"], "Изменить место")
    await world.client.send(p["chair"], "  ")
    assert "нужно указать место" in (world.client.last_text(p["chair"]) or "")
    await world.client.send(p["chair"], "Зал коллегии, 2 этаж")
    assert "Место или ссылка изменены" in (world.client.last_text(p["chair"]) or "")
    await world.deliver()
    docs = [
        r for r in world.session.requests if isinstance(r, SendDocument) and r.chat_id == p["m1"].id
    ]
    assert "Зал коллегии, 2 этаж" in (docs[-1].caption or "")
    assert "перенесено или изменено" in (docs[-1].caption or "")


async def test_cannot_attend_with_an_optional_reason_shown_to_the_secretariat(
    world: World,
) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    await c.click(p["m0"], "Не смогу")
    assert "причину отсутствия" in (c.last_text(p["m0"]) or "")
    await c.send(p["m0"], "В командировке")
    assert c.last_text(p["m0"]) == "Причина записана."
    await c.click(p["m1"], "Не смогу")  # and says nothing more: no reason, nothing asked
    await open_meeting_card(world, p["clerk"])
    await c.click(p["clerk"], "Ответы участников")
    overview = c.last_text(p["clerk"]) or ""
    assert "Член 0 — Не смогу (В командировке)" in overview
    assert "Член 1 — Не смогу" in overview


async def test_meetings_list_shows_attendance_and_recording(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await at_meeting_start(world)
    await open_meeting_card(world, p["clerk"])
    await c.click(p["clerk"], "Открыть заседание")
    await world.deliver()
    await c.click(p["m0"], "Отметиться")
    await c.send(p["clerk"], "/meetings")
    assert "присутствовали: 1, ⚠️ записи нет" in (c.last_text(p["clerk"]) or "")
