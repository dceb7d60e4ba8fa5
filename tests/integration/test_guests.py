"""Guests invited to one meeting (cl. 16 а) at the dispatcher level: the personal link, what
a guest sees and hears, check-in without counting for quorum (cl. 14), the protocol's list of
those invited, and every bad input."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from docx import Document
from sqlalchemy import func, select

from bot.callbacks import GuestCb
from storage.models import Attendance, AuditEntry, Meeting, MeetingGuest, Person
from tests.conftest import World
from tests.support.steps.guests import (
    GUEST_NAME,
    TITLE,
    invite_guest,
    make_outsider,
    open_guests_card,
)
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import working_group


async def _count(world: World, model: type) -> int:
    async with world.db.session() as s:
        return int(await s.scalar(select(func.count()).select_from(model)) or 0)


async def test_cl16a_secretariat_invites_a_guest_who_sees_that_meeting_only(
    world: World,
) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    payload = await invite_guest(world, p["clerk"])

    guest = make_outsider(world)
    before = len(world.session.requests)
    await c.send(guest, f"/start {payload}")
    card = c.texts(guest)[-2]  # then the .ics
    assert "Вы приглашены на заседание рабочей группы" in card
    assert TITLE in card and "5 декабря 2026 г., 15:00 (МСК)" in card
    assert "ул. Тверская, д. 1, каб. 305" in card
    assert "Повестка дня ещё не утверждена" in card
    assert "в голосовании не участвуете и в кворуме не учитываетесь" in card
    ics = [r for r in world.session.requests[before:] if isinstance(r, SendDocument)]
    assert len(ics) == 1 and ics[0].chat_id == guest.id
    assert isinstance(ics[0].document, BufferedInputFile)
    assert b"METHOD:REQUEST" in ics[0].document.data

    # The organiser hears that the guest accepted; the list shows it.
    await world.deliver()
    assert "принято. Приглашённое лицо: Петров Пётр Петрович, АО «Городские сервисы»." in (
        c.last_text(p["clerk"]) or ""
    )
    await open_guests_card(world, p["clerk"])
    assert "✅ Петров Пётр Петрович, АО «Городские сервисы» — приглашение принято" in (
        c.last_text(p["clerk"]) or ""
    )

    # A guest is not in the roster: the roster's sections stay closed, and the refusal
    # points to the guest's own meeting rather than to joining.
    for command in ("/meetings", "/members", "/agenda", "/protocols", "привет"):
        await c.send(guest, command)
        assert c.last_text(guest) == (
            "Вы приглашены на заседание рабочей группы в качестве приглашённого лица; другие "
            "разделы бота доступны членам рабочей группы. Ваше заседание, повестка дня и "
            "материалы: /start"
        )
    # /start shows the guest their invitation.
    await c.send(guest, "/start")
    greeting = c.last_text(guest) or ""
    assert "Вы приглашены на заседания рабочей группы" in greeting and TITLE in greeting
    await c.click(guest, TITLE)
    assert "Вы приглашены на заседание рабочей группы" in (c.last_text(guest) or "")
    async with world.db.session() as s:
        actions = set(await s.scalars(select(AuditEntry.action)))
        person = await s.scalar(select(Person).where(Person.telegram_id == guest.id))
    assert {"guest_invited", "guest_accepted"} <= actions
    assert person is not None


async def test_cl16a_guest_hears_of_the_agenda_changes_and_reminders_without_rsvp_buttons(
    world: World,
) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    guest = make_outsider(world)
    await c.send(guest, f"/start {await invite_guest(world, p['chair'])}")

    # The chair adds an item with a document and approves the agenda: the guest gets it.
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "О стандарте обслуживания; Петров П. П.")
    await c.send_document(p["chair"], file_name="standard.pdf", content=b"%PDF")
    await c.click(p["chair"], "Готово")
    await c.click(p["chair"], "Утвердить повестку дня")
    await world.deliver()
    approved = c.last_text(guest) or ""
    assert "Утверждена повестка дня" in approved and "1. О стандарте обслуживания" in approved

    # The guest's card now has the agenda and its materials.
    await c.send(guest, "/start")
    await c.click(guest, TITLE)
    assert "1. О стандарте обслуживания — докладчик: Петров П. П." in (c.last_text(guest) or "")
    before = len(world.session.requests)
    await c.click(guest, "Материалы к заседанию")
    docs = [r for r in world.session.requests[before:] if isinstance(r, SendDocument)]
    assert [d.chat_id for d in docs] == [guest.id]
    assert "Материалы к вопросу 1" in (docs[0].caption or "")

    # A change of place reaches the guest with the .ics, but no request to answer.
    await c.send(p["chair"], "/meetings")
    await c.click(p["chair"], f"Открыть: {TITLE}")
    await c.click(p["chair"], "Изменить место")
    await c.send(p["chair"], "ул. Тверская, д. 1, каб. 410")
    before = len(world.session.requests)
    await world.deliver()
    notice = next(
        r
        for r in world.session.requests[before:]
        if isinstance(r, SendDocument) and r.chat_id == guest.id
    )
    assert "каб. 410" in (notice.caption or "")
    assert "Вы приглашены на это заседание." in (notice.caption or "")
    assert "Ответьте" not in (notice.caption or "") and notice.reply_markup is None

    # The day-before reminder reaches the guest, without the RSVP buttons.
    world.clock.set(datetime(2026, 12, 4, 12, 5, tzinfo=UTC))
    await world.run_jobs()
    reminder = c.last_message(guest)
    assert reminder is not None and "Напоминание о заседании" in (reminder.text or "")
    assert reminder.reply_markup is None


async def test_cl14_cl16a_guest_checks_in_for_the_protocol_but_never_counts_for_quorum(
    world: World,
) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    guest = make_outsider(world)
    await c.send(guest, f"/start {await invite_guest(world, p['clerk'])}")
    await c.send(p["chair"], "/agenda")
    await c.click(p["chair"], "Добавить вопрос")
    await c.send(p["chair"], "О стандарте обслуживания")
    await c.click(p["chair"], "Готово")
    await c.click(p["chair"], "Утвердить повестку дня")
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Открыть заседание")
    await world.deliver()
    async with world.db.session() as s:
        meeting = await s.scalar(select(Meeting))
    assert meeting is not None

    # The guest is told the meeting is open, with a check-in button of their own (a remote
    # guest has no QR code to scan); the QR code in the room works for them too.
    opened = c.last_text(guest) or ""
    assert "Заседание открыто" in opened and "Вы приглашены на это заседание." in opened
    await c.click(guest, "Отметиться")
    assert c.callback_answers(guest)[-1].text == (
        f"✅ Отмечено: вы присутствуете на заседании «{TITLE}» в качестве приглашённого лица."
    )
    await c.send(guest, f"/start chk_{meeting.checkin_token}")
    assert "вы присутствуете на заседании" in (c.last_text(guest) or "")
    assert "в качестве приглашённого лица" in (c.last_text(guest) or "")
    # The first member to check in is the first one present: the guest is not counted.
    await c.click(p["deputy"], "Отметиться")
    assert c.callback_answers(p["deputy"])[-1].text == "✅ Вы отмечены. Присутствует 1 из 5."
    for key in ("m0", "m1"):
        await c.click(p[key], "Отметиться")
    assert await _count(world, Attendance) == 4

    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Прикрепить аудиозапись")
    await c.send_audio(p["clerk"], file_name="rec.mp3", content=b"mp3", file_size=3)
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Закрыть заседание")
    world.clock.set(datetime(2026, 12, 5, 14, 0, tzinfo=UTC))
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Протокол")
    await c.click(p["clerk"], "Вопрос 1: СЛУШАЛИ / РЕШИЛИ")
    await c.send(p["clerk"], "Докладчик")
    await c.click(p["clerk"], "Пропустить")
    await c.send(p["clerk"], "Одобрить стандарт.")
    await c.click(p["clerk"], "Без поручений")
    before = len(world.session.requests)
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    draft = next(
        r
        for r in world.session.requests[before:]
        if isinstance(r, SendDocument) and isinstance(r.document, BufferedInputFile)
    )
    assert isinstance(draft.document, BufferedInputFile)
    text = "\n".join(par.text for par in Document(io.BytesIO(draft.document.data)).paragraphs)
    assert "Приглашённые" in text and GUEST_NAME in text
    # The guest is not asked for consent: only members present are.
    assert all(
        r.chat_id != guest.id for r in world.session.requests[before:] if hasattr(r, "chat_id")
    )


async def test_cl16a_bad_guest_links_are_refused_and_change_nothing(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    payload = await invite_guest(world, p["clerk"])
    stranger = make_outsider(world, 7701)

    await c.send(stranger, "/start gst_NoSuchCode123")
    assert "Приглашение не найдено" in (c.last_text(stranger) or "")
    await c.send(stranger, "/start gst_<b>")
    assert "Приглашение не найдено" in (c.last_text(stranger) or "")

    # A member opening a guest link is pointed to their own view; the link stays unused.
    await c.send(p["m0"], f"/start {payload}")
    assert "Вы в составе рабочей группы" in (c.last_text(p["m0"]) or "")

    guest = make_outsider(world, 7702)
    await c.send(guest, f"/start {payload}")
    # The same link opened again by the guest shows the meeting; by someone else, refused.
    await c.send(guest, f"/start {payload}")
    assert "Вы приглашены на заседание" in c.texts(guest)[-2]  # then the .ics
    await c.send(stranger, f"/start {payload}")
    assert "уже принято" in (c.last_text(stranger) or "")
    async with world.db.session() as s:
        used = await s.scalar(select(MeetingGuest))
        strangers = await s.scalar(select(Person).where(Person.telegram_id == stranger.id))
    assert used is not None and used.person_id is not None
    assert strangers is None

    # A second link for the same person and meeting is refused.
    second = await invite_guest(world, p["clerk"], "Петров П. П.")
    await c.send(guest, f"/start {second}")
    assert "Вы уже приглашены на это заседание" in (c.last_text(guest) or "")


async def test_cl16a_revoking_tells_the_guest_and_the_link_stops_working(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    guest = make_outsider(world)
    await c.send(guest, f"/start {await invite_guest(world, p['clerk'])}")
    await world.deliver()
    await open_guests_card(world, p["clerk"])
    await c.click(p["clerk"], f"Отозвать: {GUEST_NAME[:39]}…")
    assert c.callback_answers(p["clerk"])[-1].text == f"Приглашение отозвано: {GUEST_NAME}"
    assert "❌ Петров Пётр Петрович" in (c.last_text(p["clerk"]) or "")
    await world.deliver()
    assert "Приглашение отозвано" in (c.last_text(guest) or "")
    # Not told of the meeting any more, and the card is closed to them.
    await c.send(guest, "/start")
    assert "Вы пока не в её составе" in (c.last_text(guest) or "")
    async with world.db.session() as s:
        row = await s.scalar(select(MeetingGuest))
    assert row is not None
    card = c.last_message(guest)
    await c.click_data(guest, card, GuestCb(action="card", guest=row.id).pack())
    assert "адресовано другому человеку или отозвано" in c.alerts(guest)[-1]
    # Revoking twice: refused with the reason.
    await open_guests_card(world, p["clerk"])
    message = c.last_message(p["clerk"])
    await c.click_data(
        p["clerk"], message, GuestCb(action="revoke", meeting=1, guest=row.id).pack()
    )
    assert c.alerts(p["clerk"])[-1] == "Это приглашение уже отозвано."


async def test_cl16a_links_of_a_cancelled_meeting_and_forged_buttons_change_nothing(
    world: World,
) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    payload = await invite_guest(world, p["clerk"])
    guests_card = c.last_message(p["clerk"])

    # A member pressing the organisers' buttons: refused, nothing created or revoked.
    for data in (
        GuestCb(action="list", meeting=1).pack(),
        GuestCb(action="new", meeting=1).pack(),
        GuestCb(action="revoke", meeting=1, guest=1).pack(),
    ):
        await c.click_data(p["m0"], guests_card, data)
    await c.send(p["m0"], "Иванов")
    assert await _count(world, MeetingGuest) == 1
    async with world.db.session() as s:
        row = await s.scalar(select(MeetingGuest))
    assert row is not None and row.revoked_at is None

    # Someone else's guest card, forged: refused.
    other = make_outsider(world, 7703)
    await c.click_data(other, guests_card, GuestCb(action="card", guest=1).pack())
    assert "адресовано другому человеку" in c.alerts(other)[-1]

    # An overlong name is asked again; a non-text answer is asked again.
    await open_guests_card(world, p["clerk"])
    await c.click(p["clerk"], "Пригласить на заседание")
    await c.send(p["clerk"], "Я" * 201)
    assert "от 1 до 200 символов" in (c.last_text(p["clerk"]) or "")
    await c.send_document(p["clerk"], file_name="x.pdf", content=b"%PDF")
    assert "Ожидается текстовое сообщение" in (c.last_text(p["clerk"]) or "")
    assert await _count(world, MeetingGuest) == 1

    # The meeting is cancelled: the link no longer opens anything.
    await c.send(p["chair"], "/meetings")
    await c.click(p["chair"], f"Открыть: {TITLE}")
    await c.click(p["chair"], "Отменить заседание")
    await c.click(p["chair"], "Подтвердить")
    world.clock.advance(timedelta(minutes=1))
    await c.send(other, f"/start {payload}")
    assert "уже прошло или отменено" in (c.last_text(other) or "")
    # The secretariat, still in the dialog, types a name: the meeting is gone, nobody added.
    await c.send(p["clerk"], "Сидоров Семён Семёнович")
    assert c.last_text(p["clerk"]) == (
        "Заседание уже закрыто или отменено: пригласить на него нельзя."
    )
    assert await _count(world, MeetingGuest) == 1
    # The old guests card's button on the cancelled meeting: refused before any question.
    await c.click_data(p["clerk"], guests_card, GuestCb(action="new", meeting=1).pack())
    assert c.alerts(p["clerk"])[-1] == (
        "Заседание уже закрыто или отменено: пригласить на него нельзя."
    )
    await c.send(p["clerk"], "Сидоров Семён Семёнович")
    assert await _count(world, MeetingGuest) == 1
    async with world.db.session() as s:
        row = await s.scalar(select(MeetingGuest))
    assert row is not None and row.used_at is None


async def test_cl16a_the_guests_card_and_notices_in_english(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    guest = make_outsider(world, 7704, language="en")
    await c.send(guest, f"/start {await invite_guest(world, p['clerk'])}")
    card = c.texts(guest)[-2]  # then the .ics
    assert "You are invited to a meeting of the working group" in card
    assert "5 December 2026, 15:00 (MSK)" in card
    assert "The agenda is not approved yet" in card
    await c.send(guest, "/start gst_NoSuchCode123")
    assert "Invitation not found" in (c.last_text(guest) or "")


async def test_a_long_guest_list_is_paged_by_ten(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    for n in range(12):
        await invite_guest(world, p["clerk"], f"Гость {n:02d}, организация")
    await open_guests_card(world, p["clerk"])
    first = c.last_text(p["clerk"]) or ""
    assert "Гость 09" in first and "Гость 10" not in first
    await c.click(p["clerk"], "▶")
    second = c.last_text(p["clerk"]) or ""
    assert "Гость 10" in second and "Гость 11" in second and "Гость 00" not in second
    # Revoking from the second page stays on the second page.
    await c.click(p["clerk"], "Отозвать: Гость 11, организация")
    after = c.last_text(p["clerk"]) or ""
    assert "❌ Гость 11, организация — приглашение отозвано" in after
    assert "Гость 00" not in after
