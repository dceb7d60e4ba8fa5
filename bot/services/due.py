"""Due tasks handed to the outbox: reminders, monthly warnings, month verdicts.

Rules after a restart, per kind (nothing is lost silently):
- a reminder for a meeting that has already started is skipped, and the task says why;
- a monthly warning is sent late and says so;
- a month's verdict is recorded whenever it is reached.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain.meetings import (
    ReminderFate,
    is_late,
    may_yet_hold_month,
    month_bounds,
    month_compliant,
    needs_warning,
    reminder_fate,
)
from bot.domain.protocol import Objection, position_settled
from bot.domain.roles import MEMBER_ROLES, Role
from bot.i18n import Translator
from bot.services.guests import to_guests
from bot.services.outbox import Envelope, enqueue
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.due import DueRepository, DueView
from storage.repositories.guests import GuestRepository
from storage.repositories.meetings import MeetingRepository, MeetingView
from storage.repositories.protocols import ProtocolRepository, ProtocolView
from storage.repositories.roster import RosterRepository

log = logging.getLogger(__name__)

BATCH = 100
ACTIVE = ("scheduled", "open", "closed")


@dataclass(frozen=True, slots=True)
class DueTexts:
    reminder: Callable[[Translator, MeetingView, bool], str]
    rsvp_keyboard: Callable[[Translator, int], InlineKeyboardMarkup]
    warning: Callable[[Translator, int, int, bool], str]
    consent_reminder: Callable[[Translator, ProtocolView], str]
    consent_keyboard: Callable[[Translator, ProtocolView], InlineKeyboardMarkup]


# Later features add their own kinds (task reminders, reporting cycles) without this module
# knowing them: a handler gets the service (session, clock, zone, texts) and the task, and
# answers (status, note) like the built-in kinds.
DueHandler = Callable[["DueService", DueView], Awaitable[tuple[str, str | None]]]


class DueService:
    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        tz: ZoneInfo,
        *,
        render: Callable[[str], Translator],
        default_locale: str,
        texts: DueTexts,
        handlers: Mapping[str, DueHandler] | None = None,
    ) -> None:
        self.session = session
        self.handlers = dict(handlers or {})
        self.clock = clock
        self.tz = tz
        self.render = render
        self.default_locale = default_locale
        self.texts = texts
        self.meetings = MeetingRepository(session)
        self.roster = RosterRepository(session)

    async def run(self) -> int:
        """Claims what is due and hands it to the outbox, a small batch per transaction, so
        that handlers waiting to write get the lock between batches."""
        done = 0
        # The ticker asks twice a second; most of the time nothing is due, and a read
        # answers that without taking SQLite's write lock.
        async with read(self.session):
            if not await DueRepository(self.session).any_due(self.clock.now()):
                return 0
        while True:
            now = self.clock.now()
            async with write(self.session):
                repo = DueRepository(self.session)
                tasks = await repo.claim_due(now, BATCH)
                reminders = [t for t in tasks if t.kind == "reminder"]
                outcomes = await self._reminders(reminders, now)
                for task in tasks:
                    if task.kind == "reminder":
                        status, note = outcomes[task.id]
                    else:
                        status, note = await self._handle(task)
                    await repo.finish(task.id, status, now, note)
                    if status == "skipped":
                        log.info("due task %s skipped: %s", task.key, note)
            done += len(tasks)
            if len(tasks) < BATCH:
                return done
            await asyncio.sleep(0)

    async def _handle(self, task: DueView) -> tuple[str, str | None]:
        if task.kind == "monthly_warning":
            return await self._warning(task)
        if task.kind == "month_close":
            return await self._month_close(task)
        if task.kind == "consent_reminder":
            return await self._consent_reminder(task)
        handler = self.handlers.get(task.kind)
        if handler is not None:
            return await handler(self, task)
        return "skipped", f"unknown kind {task.kind}"

    async def _consent_reminder(self, task: DueView) -> tuple[str, str | None]:
        """Cl. 14: those present who have not answered this version are reminded."""
        now = self.clock.now()
        protocols = ProtocolRepository(self.session)
        protocol = await protocols.get(int(task.payload["protocol"]))
        version = int(task.payload["version"])
        if protocol is None or protocol.status != "consent":
            return "skipped", "the protocol is no longer awaiting consent"
        if protocol.current_version != version:
            return "skipped", "a newer version was sent for consent"
        answered = {
            a.person_id for a in await protocols.answers(protocol.id) if a.version == version
        }
        objections = [
            Objection(d.person_id, d.item_number, d.status)
            for d in await protocols.disagreements(protocol.id)
        ]
        present = await self.meetings.attendance_history(protocol.meeting_id)
        envelopes = []
        for member in await self.roster.members(task.group_id):
            if member.person.id not in present or member.person.id in answered:
                continue
            if position_settled(member.person.id, objections):
                continue
            if not member.is_member or member.person.telegram_id is None:
                continue
            t = self.render(member.person.locale(self.default_locale))
            envelopes.append(
                Envelope(
                    key=f"consent-reminder:{task.id}:{member.person.id}",
                    kind="reminder",
                    chat_id=member.person.telegram_id,
                    person_id=member.person.id,
                    text=self.texts.consent_reminder(t, protocol),
                    keyboard=self.texts.consent_keyboard(t, protocol),
                )
            )
        await enqueue(self.session, envelopes, now)
        return "done", None

    async def _reminders(
        self, tasks: list[DueView], now: datetime
    ) -> dict[int, tuple[str, str | None]]:
        """A batch of reminders with one query per kind of data and one insert of all rows."""
        if not tasks:
            return {}
        meeting_ids = sorted({t.meeting_id for t in tasks if t.meeting_id is not None})
        meetings = await self.meetings.get_many(meeting_ids)
        answered = await self.meetings.answered(meeting_ids)
        guests = await GuestRepository(self.session).contacts(meeting_ids)
        rosters: dict[int, list[MemberView]] = {}
        rendered: dict[tuple[int, str, bool], tuple[str, InlineKeyboardMarkup | None]] = {}
        outcomes: dict[int, tuple[str, str | None]] = {}
        envelopes: list[Envelope] = []
        for task in tasks:
            meeting = meetings.get(task.meeting_id or 0)
            if meeting is None or meeting.status != "scheduled":
                outcomes[task.id] = ("skipped", "the meeting is no longer scheduled")
                continue
            if reminder_fate(task.due_at, meeting.starts_at, now) is ReminderFate.SKIP:
                outcomes[task.id] = (
                    "skipped",
                    "the meeting had already started when the reminder came due",
                )
                continue
            if task.group_id not in rosters:
                rosters[task.group_id] = await self.roster.members(task.group_id)
            for member in rosters[task.group_id]:
                if not member.has(*MEMBER_ROLES, Role.SECRETARIAT):
                    continue
                if member.person.telegram_id is None:
                    continue
                locale = member.person.locale(self.default_locale)
                has_answered = member.person.id in answered.get(meeting.id, set())
                cache_key = (meeting.id, locale, has_answered)
                if cache_key not in rendered:
                    t = self.render(locale)
                    rendered[cache_key] = (
                        self.texts.reminder(t, meeting, has_answered),
                        # Those who have not answered get the buttons again: the nudge.
                        None if has_answered else self.texts.rsvp_keyboard(t, meeting.id),
                    )
                text, keyboard = rendered[cache_key]
                envelopes.append(
                    Envelope(
                        key=f"reminder:{task.id}:{member.person.id}",
                        kind="reminder",
                        chat_id=member.person.telegram_id,
                        person_id=member.person.id,
                        text=text,
                        keyboard=keyboard,
                    )
                )
            # A guest is not asked to answer: the reminder without the nudge.
            envelopes += to_guests(
                guests.get(meeting.id, []),
                key=f"reminder:{task.id}",
                kind="reminder",
                render=self.render,
                default_locale=self.default_locale,
                # Called at once, inside this iteration, so the loop variable is the right one.
                text=lambda t: self.texts.reminder(t, meeting, True),  # noqa: B023
            )
            outcomes[task.id] = ("done", None)
        await enqueue(self.session, envelopes, now)
        return outcomes

    async def _warning(self, task: DueView) -> tuple[str, str | None]:
        now = self.clock.now()
        year, month = int(task.payload["year"]), int(task.payload["month"])
        start, end = month_bounds(year, month, self.tz)
        meetings = await self.meetings.in_period(task.group_id, start, end, ACTIVE)
        if not needs_warning(any(may_yet_hold_month(m) for m in meetings)):
            return "done", "the month has a meeting"
        late = is_late(task.due_at, now)
        envelopes = []
        for member in await self.roster.members(task.group_id):
            if not member.has(Role.CHAIR, Role.DEPUTY_CHAIR, Role.SECRETARIAT):
                continue
            if member.person.telegram_id is None:
                continue
            t = self.render(member.person.locale(self.default_locale))
            envelopes.append(
                Envelope(
                    key=f"warning:{task.id}:{member.person.id}",
                    kind="announcement",
                    chat_id=member.person.telegram_id,
                    person_id=member.person.id,
                    text=self.texts.warning(t, year, month, late),
                )
            )
        await enqueue(self.session, envelopes, now)
        return "done", "sent late" if late else None

    async def _month_close(self, task: DueView) -> tuple[str, str | None]:
        now = self.clock.now()
        year, month = int(task.payload["year"]), int(task.payload["month"])
        start, end = month_bounds(year, month, self.tz)
        held = await self.meetings.count_held(task.group_id, start, end)
        compliant = month_compliant(held)
        await self.meetings.record_month(task.group_id, year, month, held, compliant, now)
        await Auditor(self.session, None, now)(
            "month_recorded",
            "working_group",
            task.group_id,
            year=year,
            month=month,
            held=held,
            compliant=compliant,
        )
        return "done", None
