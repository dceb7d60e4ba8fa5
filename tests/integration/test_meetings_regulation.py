"""Meetings as the regulation holds them (issue #12): opened at their time, quorum over the
composition recorded at opening, the monthly rule over meetings held with quorum, the chair's
absence recorded by the secretariat, extraordinary meetings, recordings the bot cannot
download."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import GetFile, SendDocument, SendMessage
from aiogram.types import BufferedInputFile
from sqlalchemy import select, update

from bot.clock import FrozenClock
from bot.domain.roles import Role
from bot.services.meetings import MeetingService
from storage.models import (
    AuditEntry,
    ChairAbsence,
    Meeting,
    Membership,
    MonthCompliance,
    Person,
    Recording,
)
from tests.conftest import World, build_world
from tests.support.bot_client import FakeUser
from tests.support.steps.meetings import open_meeting_card, schedule_meeting
from tests.support.steps.onboarding import joined_person, working_group

# schedule_meeting's meeting: 5 December 2026, 15:00 МСК.
STARTS = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


async def _open(world: World, clerk: FakeUser) -> str:
    await open_meeting_card(world, clerk)
    await world.client.click(clerk, "Открыть заседание")
    return world.client.last_text(clerk) or ""


async def _meeting_row(world: World) -> Meeting:
    async with world.db.session() as s:
        meeting = await s.scalar(select(Meeting).order_by(Meeting.id.desc()))
    assert meeting is not None
    return meeting


async def _add_roster_member(world: World, name: str, role: str = "member") -> int:
    """A member of the composition who has not joined the bot: no Telegram account yet."""
    now = world.clock.now()
    async with world.db.session() as s, s.begin():
        person = Person(telegram_id=None, telegram_name=name, full_name=name, created_at=now)
        s.add(person)
        await s.flush()
        s.add(
            Membership(
                group_id=world.app.group_id,
                person_id=person.id,
                role=role,
                extra_roles=[],
                started_at=now,
            )
        )
    world.db.roster_generation += 1  # as the roster service does after a change
    return person.id


async def _give_extra_role(world: World, user: FakeUser, role: Role) -> None:
    async with world.db.session() as s, s.begin():
        person_id = await s.scalar(select(Person.id).where(Person.telegram_id == user.id))
        await s.execute(
            update(Membership)
            .where(Membership.person_id == person_id, Membership.ended_at.is_(None))
            .values(extra_roles=[role.value])
        )
    world.db.roster_generation += 1


async def _attach_and_close(world: World, clerk: FakeUser) -> None:
    c = world.client
    await open_meeting_card(world, clerk)
    await c.click(clerk, "Прикрепить аудиозапись")
    audio = b"ID3 recording"
    await c.send_audio(clerk, file_name="rec.mp3", content=audio, file_size=len(audio))
    await open_meeting_card(world, clerk)
    await c.click(clerk, "Закрыть заседание")
    assert "Статус: ✅ проведено" in (c.last_text(clerk) or "")


# --- Finding 4: a meeting opens at most 30 minutes before its start (cl. 12) -----------------


async def test_cl12_a_meeting_opened_too_early_is_refused_with_the_time_it_may_open(
    world: World,
) -> None:
    """cl. 12: opened on 1 December for 5 December, the record would be dated before the
    meeting; the secretariat is told from when it may be opened, and nothing changes."""
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    before = len(world.session.requests)
    await _open(world, p["clerk"])
    assert world.client.alerts(p["clerk"])[-1] == (
        "Заседание ещё нельзя открыть: открыть его можно не раньше чем за 30 мин. до начала, "
        "то есть с 5 декабря 2026 г., 14:30 (МСК)."
    )
    # One minute before that moment: still refused.
    world.clock.set(datetime(2026, 12, 5, 11, 29, tzinfo=UTC))
    await _open(world, p["clerk"])
    assert "14:30 (МСК)" in world.client.alerts(p["clerk"])[-1]
    meeting = await _meeting_row(world)
    assert meeting.status == "scheduled" and meeting.opened_at is None
    await world.deliver()
    opened_notices = [
        r
        for r in world.session.requests[before:]
        if isinstance(r, SendMessage) and "Заседание открыто" in r.text
    ]
    assert opened_notices == []

    # From 14:30 МСК on, it opens, and the moment it opened is on record.
    world.clock.set(datetime(2026, 12, 5, 11, 30, tzinfo=UTC))
    assert "Идёт заседание" in await _open(world, p["clerk"])
    meeting = await _meeting_row(world)
    assert meeting.status == "open"
    assert meeting.opened_at is not None
    assert meeting.opened_at.replace(tzinfo=UTC) == datetime(2026, 12, 5, 11, 30, tzinfo=UTC)


async def test_cl12_opening_margin_is_a_setting(tmp_path: Path) -> None:
    """MEETING_OPEN_EARLY_MINUTES=10: at 14:45 МСК a 15:00 meeting is still too early."""
    clock = FrozenClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    world = await build_world(
        f"sqlite+aiosqlite:///{tmp_path}/bot.db", clock, meeting_open_early_minutes=10
    )
    try:
        p = await working_group(world)
        await schedule_meeting(world, p["chair"])
        clock.set(datetime(2026, 12, 5, 11, 45, tzinfo=UTC))
        await _open(world, p["clerk"])
        assert (
            "за 10 мин. до начала, то есть с 5 декабря 2026 г., 14:50 (МСК)"
            in (world.client.alerts(p["clerk"])[-1])
        )
        clock.set(datetime(2026, 12, 5, 11, 50, tzinfo=UTC))
        assert "Идёт заседание" in await _open(world, p["clerk"])
    finally:
        await world.db.dispose()


async def test_opened_and_closed_times_are_on_the_meeting_view(world: World) -> None:
    """The protocol prints the date it was held and when it opened and closed (cl. 12)."""
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    world.clock.set(datetime(2026, 12, 5, 12, 10, tzinfo=UTC))  # opened ten minutes late
    await _open(world, p["clerk"])
    world.clock.set(datetime(2026, 12, 5, 13, 40, tzinfo=UTC))
    await _attach_and_close(world, p["clerk"])
    async with world.db.session() as s:
        view = await MeetingService(s, world.clock, world.app.tz).repo.get(world.app.group_id, 1)
    assert view is not None
    assert view.opened_at == datetime(2026, 12, 5, 12, 10, tzinfo=UTC)
    assert view.closed_at == datetime(2026, 12, 5, 13, 40, tzinfo=UTC)


# --- The quorum total is the composition recorded at opening (cl. 9, 14) ----------------------


async def test_cl14_quorum_total_is_the_composition_at_opening_joined_or_not(
    world: World,
) -> None:
    """cl. 14: 7 members, one of whom never joined the bot: the total is 7 and quorum needs 4;
    a roster change during the meeting does not move the total recorded at opening."""
    p = await working_group(world)  # chair, deputy, 3 members (+ the secretariat, not a member)
    await _add_roster_member(world, "Член без Telegram")
    # A seventh member who joins normally.
    p["m3"] = await joined_person(world, 9013, "член рабочей группы", "Член 3")
    await schedule_meeting(world, p["chair"])
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    live = await _open(world, p["clerk"])
    assert "Присутствует 0 из 7 членов рабочей группы (кворум — не менее 4)" in live
    assert (await _meeting_row(world)).composition_total == 7

    c = world.client
    await world.deliver()
    for key in ("m0", "m1", "m2"):
        await c.click(p[key], "Отметиться")
    assert c.callback_answers(p["m2"])[-1].text == "✅ Вы отмечены. Присутствует 3 из 7."
    await world.deliver()
    assert "Кворум отсутствует" in (c.last_text(p["clerk"]) or "")

    # Someone is added to the roster mid-meeting: the total stays what it was at opening.
    await _add_roster_member(world, "Новый член")
    await c.click(p["m3"], "Отметиться")
    assert c.callback_answers(p["m3"])[-1].text == "✅ Вы отмечены. Присутствует 4 из 7."
    await world.deliver()
    live = c.last_text(p["clerk"]) or ""
    assert (
        "4 из 7 членов рабочей группы (кворум — не менее 4)" in live and "✅ Кворум имеется" in live
    )


async def test_cl11_presiding_is_the_deputy_in_their_capacity(world: World) -> None:
    """cl. 11: without the chair the deputy presides, named with the deputy's role even when
    they hold another role too."""
    p = await working_group(world)
    await _give_extra_role(world, p["deputy"], Role.SECRETARIAT)
    await schedule_meeting(world, p["chair"])
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await _open(world, p["clerk"])
    await world.deliver()
    await world.client.click(p["deputy"], "Отметиться")
    await world.deliver()
    live = world.client.last_text(p["clerk"]) or ""
    assert "Председательствующий: Заместитель Зоя (заместитель председателя)" in live
    await world.client.click(p["chair"], "Отметиться")
    await world.deliver()
    live = world.client.last_text(p["clerk"]) or ""
    assert "Председательствующий: Председатель Пётр (председатель рабочей группы)" in live


async def test_a_member_working_in_the_secretariat_attaches_the_recording(world: World) -> None:
    """cl. 7: roles add up; a member who also works in the secretariat attaches the
    recording as the secretariat does."""
    p = await working_group(world)
    await _give_extra_role(world, p["m0"], Role.SECRETARIAT)
    await schedule_meeting(world, p["chair"])
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await _open(world, p["clerk"])
    c = world.client
    await open_meeting_card(world, p["m0"])
    await c.click(p["m0"], "Прикрепить аудиозапись")
    audio = b"ID3 the member's recording"
    await c.send_audio(p["m0"], file_name="rec.mp3", content=audio, file_size=len(audio))
    assert hashlib.sha256(audio).hexdigest() in (c.last_text(p["m0"]) or "")
    async with world.db.session() as s:
        assert await s.scalar(select(Recording)) is not None


# --- Finding 5: the monthly rule counts own meetings held with quorum (cl. 12) ---------------


async def test_cl12_a_meeting_without_quorum_and_a_conciliation_meeting_do_not_count(
    world: World,
) -> None:
    """cl. 12: December has a meeting closed without quorum and a conciliation meeting held
    with quorum; neither is the month's meeting, so December is recorded as missed."""
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await _open(world, p["clerk"])
    await world.deliver()
    await world.client.click(p["m0"], "Отметиться")  # 1 of 5: no quorum
    await _attach_and_close(world, p["clerk"])
    assert (await _meeting_row(world)).quorum_at_close is False
    async with world.db.session() as s, s.begin():
        s.add(
            Meeting(
                group_id=world.app.group_id,
                kind="conciliation",
                title="Согласительное совещание",
                format="remote",
                starts_at=datetime(2026, 12, 10, 12, 0, tzinfo=UTC),
                status="closed",
                sequence=0,
                checkin_token="conciliation-token",
                created_by=p["chair"].id,
                created_at=world.clock.now(),
                quorum_at_close=True,
            )
        )

    await world.run_jobs()  # the running bot plans the month's verdict
    await world.client.send(p["clerk"], "/compliance")
    assert "⏳ За декабрь 2026 г. заседание ещё не проведено" in (
        world.client.last_text(p["clerk"]) or ""
    )
    world.clock.set(datetime(2026, 12, 31, 21, 0, 5, tzinfo=UTC))
    await world.run_jobs()
    await world.client.send(p["clerk"], "/compliance")
    compliance = world.client.last_text(p["clerk"]) or ""
    assert "❌ За декабрь 2026 г. заседания с кворумом не проводились" in compliance
    async with world.db.session() as s:
        month = await s.scalar(select(MonthCompliance).where(MonthCompliance.month == 12))
    assert month is not None and month.compliant is False and month.meetings_held == 0


async def test_cl12_a_scheduled_conciliation_meeting_does_not_silence_the_warning(
    world: World,
) -> None:
    """cl. 12: only the group's own meetings provide for the month; a conciliation meeting
    scheduled in it leaves the chair, deputy and secretariat warned."""
    p = await working_group(world)
    async with world.db.session() as s, s.begin():
        s.add(
            Meeting(
                group_id=world.app.group_id,
                kind="conciliation",
                title="Согласительное совещание",
                format="remote",
                starts_at=datetime(2026, 12, 20, 12, 0, tzinfo=UTC),
                status="scheduled",
                sequence=0,
                checkin_token="conciliation-token",
                created_by=p["chair"].id,
                created_at=world.clock.now(),
            )
        )
    world.clock.set(datetime(2026, 12, 15, 7, 0, 30, tzinfo=UTC))  # 10:00 МСК on the 15th
    await world.run_jobs()
    for key in ("chair", "deputy", "clerk"):
        assert "Ежемесячное заседание" in (world.client.last_text(p[key]) or "")


async def test_cl12_an_extraordinary_meeting_held_with_quorum_counts(world: World) -> None:
    """cl. 12: an extraordinary meeting is the group's own meeting; held with quorum, the month
    complies."""
    p = await working_group(world)
    c = world.client
    await c.send(p["chair"], "/newmeeting")
    await c.send(p["chair"], "Срочный вопрос")
    await c.click(p["chair"], "Дистанционное")
    await c.click(p["chair"], "Пропустить")
    await c.send(p["chair"], "05.12.2026 15:00")
    await c.click(p["chair"], "Сделать внеочередным")
    await c.click(p["chair"], "Подтвердить")
    await world.deliver()
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], "Открыть: Срочный вопрос")
    await c.click(p["clerk"], "Открыть заседание")
    await world.deliver()
    for key in ("chair", "m0", "m1"):
        await c.click(p[key], "Отметиться")
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], "Открыть: Срочный вопрос")
    await c.click(p["clerk"], "Прикрепить аудиозапись")
    audio = b"ID3 extraordinary"
    await c.send_audio(p["clerk"], file_name="rec.mp3", content=audio, file_size=len(audio))
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], "Открыть: Срочный вопрос")
    await c.click(p["clerk"], "Закрыть заседание")
    meeting = await _meeting_row(world)
    assert meeting.extraordinary and meeting.quorum_at_close is True
    await c.send(p["clerk"], "/compliance")
    assert "✅ За декабрь 2026 г. проведено заседаний: 1" in (c.last_text(p["clerk"]) or "")


def _invitation_to(world: World, user: FakeUser) -> SendDocument:
    return next(
        r for r in world.session.requests if isinstance(r, SendDocument) and r.chat_id == user.id
    )


def _uploaded_ics(world: World) -> bytes:
    """The .ics is uploaded once; the other recipients get Telegram's file id."""
    upload = next(
        r.document
        for r in world.session.requests
        if isinstance(r, SendDocument) and isinstance(r.document, BufferedInputFile)
    )
    assert isinstance(upload, BufferedInputFile)
    return upload.data


# --- Extraordinary meetings (cl. 12) ------------------------------------------------------------


async def test_cl12_extraordinary_meeting_is_labelled_on_invitation_ics_card_and_reminder(
    world: World,
) -> None:
    """cl. 12: the chair chooses an extraordinary meeting on the preview; the invitation, its
    .ics, the card and the reminder say «Внеочередное заседание»."""
    p = await working_group(world)
    c = world.client
    chair = p["chair"]
    await c.send(chair, "/newmeeting")
    await c.send(chair, "Срочный вопрос")
    await c.click(chair, "Очное")
    await c.send(chair, "Зал коллегии")
    await c.send(chair, "05.12.2026 15:00")
    preview = c.last_text(chair) or ""
    assert "Проверьте заседание" in preview and "Внеочередное заседание" not in preview
    await c.click(chair, "Сделать внеочередным")
    assert "Внеочередное заседание\nТема: Срочный вопрос" in (c.last_text(chair) or "")
    # The choice can be taken back, and made again, before confirming.
    await c.click(chair, "Сделать очередным")
    assert "Внеочередное заседание" not in (c.last_text(chair) or "")
    await c.click(chair, "Сделать внеочередным")
    await c.click(chair, "Подтвердить")
    assert "Внеочередное заседание" in (c.last_text(chair) or "")
    assert (await _meeting_row(world)).extraordinary is True

    await world.deliver()
    invitation = _invitation_to(world, p["m0"])
    assert "Назначено заседание" in (invitation.caption or "")
    assert "Внеочередное заседание" in (invitation.caption or "")
    ics = _uploaded_ics(world).decode()
    assert "SUMMARY:Внеочередное заседание: Срочный вопрос" in ics.replace("\r\n ", "")

    await c.send(p["m0"], "/meetings")
    await c.click(p["m0"], "Открыть: Срочный вопрос")
    assert (c.last_text(p["m0"]) or "").startswith("Внеочередное заседание\n")

    world.clock.set(datetime(2026, 12, 2, 12, 0, tzinfo=UTC))
    await world.run_jobs()
    reminder = c.last_text(p["m0"]) or ""
    assert "Напоминание о заседании" in reminder and "Внеочередное заседание" in reminder


async def test_a_regular_meeting_carries_no_extraordinary_label(world: World) -> None:
    p = await working_group(world)
    await schedule_meeting(world, p["chair"])
    await world.deliver()
    assert "Внеочередное" not in (_invitation_to(world, p["m0"]).caption or "")
    ics = _uploaded_ics(world).decode().replace("\r\n ", "")
    assert "SUMMARY:Заседание по клиентоцентричности" in ics
    assert (await _meeting_row(world)).extraordinary is False


# --- Finding 9: the chair's absence, recorded by the secretariat (cl. 11) ----------------------


async def test_cl11_the_secretariat_records_the_chairs_absence_and_chair_and_deputy_are_told(
    world: World,
) -> None:
    """cl. 11: the chair cannot be reached; the secretariat records the absence, the chair
    and the deputy are told who recorded it, and the deputy may then schedule."""
    p = await working_group(world)
    c = world.client
    await c.send(p["clerk"], "/absence")
    assert "Период отсутствия председателя" in (c.last_text(p["clerk"]) or "")
    await c.send(p["clerk"], "01.12.2026 - 10.12.2026")
    assert "Отсутствие председателя записано" in (c.last_text(p["clerk"]) or "")
    await world.deliver()
    for key in ("chair", "deputy"):
        notice = c.last_text(p[key]) or ""
        assert "Отсутствие председателя" in notice
        assert "с 1 декабря 2026 г. по 10 декабря 2026 г." in notice
        assert "Записал(а): Секретарь Сергей" in notice
    assert "Отсутствие председателя" not in (c.last_text(p["m0"]) or "")
    async with world.db.session() as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "chair_absence"))
        clerk_id = await s.scalar(select(Person.id).where(Person.telegram_id == p["clerk"].id))
    assert entry is not None
    assert entry.actor_telegram_id == p["clerk"].id
    assert entry.details["recorded_by"] == clerk_id
    assert entry.details["recorded_as"] == "secretariat"

    await schedule_meeting(world, p["deputy"])
    assert "Заседание назначено" in (c.last_text(p["deputy"]) or "")


async def test_cl11_the_chair_recording_their_own_absence_tells_nobody(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await c.send(p["chair"], "/absence")
    await c.send(p["chair"], "01.12.2026 - 10.12.2026")
    assert "Отсутствие председателя записано" in (c.last_text(p["chair"]) or "")
    before = len(world.session.requests)
    await world.deliver()
    assert world.session.requests[before:] == []


async def test_cl11_a_member_who_is_neither_chair_nor_secretariat_cannot_record_an_absence(
    world: World,
) -> None:
    """cl. 11: refused with who may record it; nothing is stored, nobody is told."""
    p = await working_group(world)
    c = world.client
    await c.send(p["m0"], "/absence")
    assert c.last_text(p["m0"]) == (
        "Отсутствие председателя записывает председатель, а если с ним нет связи — "
        "секретариат (п. 11 Положения)."
    )
    await c.send(p["m0"], "01.12.2026 - 10.12.2026")
    assert "Отсутствие председателя записано" not in (c.last_text(p["m0"]) or "")
    before = len(world.session.requests)
    await world.deliver()
    assert world.session.requests[before:] == []
    async with world.db.session() as s:
        assert (await s.scalars(select(ChairAbsence))).first() is None
    await c.send(p["deputy"], "/newmeeting")
    assert "только на время отсутствия председателя" in (c.last_text(p["deputy"]) or "")


async def test_cl11_a_member_working_in_the_secretariat_may_record_the_absence(
    world: World,
) -> None:
    p = await working_group(world)
    await _give_extra_role(world, p["m1"], Role.SECRETARIAT)
    await world.client.send(p["m1"], "/absence")
    await world.client.send(p["m1"], "01.12.2026 - 10.12.2026")
    assert "Отсутствие председателя записано" in (world.client.last_text(p["m1"]) or "")
    await world.deliver()
    assert "Записал(а): Член 1" in (world.client.last_text(p["chair"]) or "")


# --- Finding 11: recordings the bot cannot download (cl. 12) ---------------------------------


async def _recording_prompt(world: World, p: dict[str, FakeUser]) -> None:
    await schedule_meeting(world, p["chair"])
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await _open(world, p["clerk"])
    await open_meeting_card(world, p["clerk"])
    await world.client.click(p["clerk"], "Прикрепить аудиозапись")


async def test_cl12_a_non_local_api_server_keeps_the_20_mb_limit(tmp_path: Path) -> None:
    """A TELEGRAM_API_URL that is not a local-mode server: a 300 MB recording is not
    downloaded (the server would refuse); the reference and checksum are asked at once."""
    clock = FrozenClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    world = await build_world(
        f"sqlite+aiosqlite:///{tmp_path}/bot.db", clock, telegram_api_url="http://127.0.0.1:8081"
    )
    try:
        p = await working_group(world)
        await _recording_prompt(world, p)
        await world.client.send_audio(p["clerk"], file_name="long.mp3", file_size=300 * 1024 * 1024)
        text = world.client.last_text(p["clerk"]) or ""
        assert "больше 20 МБ" in text and "SHA-256 через пробел" in text
        assert not any(isinstance(r, GetFile) for r in world.session.requests)
        assert not any(isinstance(r, GetFile) for r in (f.method for f in world.session.failed))
    finally:
        await world.db.dispose()


async def test_cl12_a_refused_download_offers_the_reference_path_with_the_reason(
    tmp_path: Path,
) -> None:
    """TELEGRAM_API_LOCAL=true, yet the server refuses the file: instead of the internal-error
    apology the secretariat is told why and gives the reference and checksum, which are kept."""
    clock = FrozenClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    world = await build_world(
        f"sqlite+aiosqlite:///{tmp_path}/bot.db",
        clock,
        telegram_api_url="http://127.0.0.1:8081",
        telegram_api_local=True,
    )
    try:
        p = await working_group(world)
        await _recording_prompt(world, p)
        world.session.fail_next(
            GetFile,
            lambda m: TelegramBadRequest(method=m, message="Bad Request: file is too big"),
        )
        await world.client.send_audio(p["clerk"], file_name="long.mp3", file_size=300 * 1024 * 1024)
        text = world.client.last_text(p["clerk"]) or ""
        assert "Бот не смог скачать файл" in text
        assert "Bad Request: file is too big" in text
        assert "SHA-256 через пробел" in text
        assert "внутренней ошибки" not in text
        digest = "cd" * 32
        await world.client.send(p["clerk"], f"//archive/audio/2026-12-05.mp3 {digest}")
        assert digest in (world.client.last_text(p["clerk"]) or "")
        async with world.db.session() as s:
            recording = await s.scalar(select(Recording))
        assert recording is not None
        assert recording.storage_ref == "//archive/audio/2026-12-05.mp3"
        assert recording.sha256 == digest and recording.size == 300 * 1024 * 1024
    finally:
        await world.db.dispose()


async def test_cl12_a_broken_transfer_of_a_small_file_offers_the_reference_path(
    world: World,
) -> None:
    """Even under 20 MB a download may fail (network): the reference path, not an apology."""
    p = await working_group(world)
    await _recording_prompt(world, p)
    world.session.fail_next(GetFile, lambda m: aiohttp.ClientConnectionError("reset"))
    await world.client.send_audio(p["clerk"], file_name="short.mp3", file_size=1024)
    text = world.client.last_text(p["clerk"]) or ""
    assert "Бот не смог скачать файл" in text and "SHA-256 через пробел" in text
    await world.client.send(p["clerk"], "//archive/short.mp3 not-a-checksum")
    assert "64 шестнадцатеричных" in (world.client.last_text(p["clerk"]) or "")
    async with world.db.session() as s:
        assert await s.scalar(select(Recording)) is None
