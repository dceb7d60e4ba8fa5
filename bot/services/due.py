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
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime

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
from bot.domain.roles import Capability
from bot.services.base import ZonedService
from bot.services.notifier import Delivery, Notice, Notifier, Rendered
from bot.services.outbox import Envelope
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.due import DueRepository, DueView
from storage.repositories.guests import GuestRepository
from storage.repositories.meetings import MeetingRepository
from storage.repositories.protocols import ProtocolRepository
from storage.repositories.roster import RosterRepository

log = logging.getLogger(__name__)

BATCH = 100
ACTIVE = ("scheduled", "open", "closed")
REMINDER = Delivery(kind="reminder")


# Later features add their own kinds (task reminders, reporting cycles) without this module
# knowing them: a handler gets the service (session, clock, zone, notifier) and the task, and
# answers (status, note) like the built-in kinds.
DueHandler = Callable[["DueService", DueView], Awaitable[tuple[str, str | None]]]


@dataclass(eq=False)
class DueService(ZonedService):
    _: KW_ONLY
    notifier: Notifier
    handlers: Mapping[str, DueHandler] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.meetings = MeetingRepository(self.session)
        self.roster = RosterRepository(self.session)
        # Work a handler leaves for after its batch's transaction has committed: what takes
        # seconds (a PDF conversion, a file written) never holds the database's lock. Such a
        # handler leases its row (pending, due later) and records the outcome itself.
        self.after_commit: list[Callable[[], Awaitable[None]]] = []

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
            self.after_commit = []
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
            deferred, self.after_commit = self.after_commit, []
            for job in deferred:
                await job()
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
        waiting = [
            member
            for member in await self.roster.meeting_people(task.group_id)
            if member.is_member
            and member.person.id in present
            and member.person.id not in answered
            and not position_settled(member.person.id, objections)
        ]
        await self.notifier.tell(
            waiting,
            Notice("reminders.consent", protocol=protocol),
            key=f"consent-reminder:{task.id}",
            delivery=REMINDER,
        )
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
        renders: dict[tuple[int, bool], dict[str, Rendered]] = {}
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
                rosters[task.group_id] = [
                    m
                    for m in await self.roster.meeting_people(task.group_id)
                    if m.can(Capability.ATTEND_MEETINGS)
                ]
            # Those who have not answered get the buttons again: the nudge. A guest is not
            # asked to answer: the reminder without the nudge.
            has_answered = answered.get(meeting.id, set())
            members = rosters[task.group_id]
            for answered_yet, people in (
                (True, [m for m in members if m.person.id in has_answered]),
                (False, [m for m in members if m.person.id not in has_answered]),
                (True, guests.get(meeting.id, [])),
            ):
                envelopes += self.notifier.to_people(
                    people,
                    Notice("reminders.meeting", meeting=meeting, answered=answered_yet),
                    key=f"reminder:{task.id}",
                    delivery=REMINDER,
                    # Several reminders of one meeting in a batch read the same.
                    renders=renders.setdefault((meeting.id, answered_yet), {}),
                )
            outcomes[task.id] = ("done", None)
        await self.notifier.send(envelopes)
        return outcomes

    async def _warning(self, task: DueView) -> tuple[str, str | None]:
        now = self.clock.now()
        year, month = int(task.payload["year"]), int(task.payload["month"])
        start, end = month_bounds(year, month, self.tz)
        meetings = await self.meetings.in_period(task.group_id, start, end, ACTIVE)
        if not needs_warning(any(may_yet_hold_month(m) for m in meetings)):
            return "done", "the month has a meeting"
        late = is_late(task.due_at, now)
        # Whoever answers for the monthly meeting (cl. 12): the chair, the deputy and the
        # secretariat, who see the group's compliance.
        await self.notifier.tell(
            [
                m
                for m in await self.roster.meeting_people(task.group_id)
                if m.can(Capability.VIEW_COMPLIANCE)
            ],
            Notice("reminders.month_warning", year=year, month=month, late=late),
            key=f"warning:{task.id}",
        )
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
