"""Group commit for votes: the votes that arrive together are written in one transaction.

A burst of votes (a thousand members pressing within seconds) would otherwise queue on
SQLite's single write lock one transaction at a time. Each vote keeps its own checks and
its own refusal; its update mark and audit entry commit with it, so a redelivered update
still changes nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain.agenda import Choice, may_vote, vote_complete
from bot.services.actor import Actor
from bot.services.agenda import AgendaService, VoteOutcome
from bot.services.errors import InvalidInput, NotAllowed, NotFound, ServiceError
from storage import upsert
from storage.db import Database, write
from storage.models import ProcessedUpdate
from storage.repositories.agenda import AgendaRepository, ItemView
from storage.repositories.audit import AuditRepository
from storage.repositories.meetings import MeetingRepository

log = logging.getLogger(__name__)

BATCH = 200


@dataclass
class _Ballot:
    actor: Actor
    item_id: int
    choice: Choice
    update_id: int | None
    received_at: datetime
    done: asyncio.Future[VoteOutcome] = field(repr=False)


class VoteBatcher:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        *,
        agenda: Callable[[AsyncSession], AgendaService],
    ) -> None:
        self.db = db
        self.clock = clock
        # The agenda service on the batch's own session, built by the composition root.
        self.agenda = agenda
        self._pending: list[_Ballot] = []
        self._worker: asyncio.Task[None] | None = None

    async def submit(
        self,
        actor: Actor,
        item_id: int,
        choice: Choice,
        *,
        update_id: int | None,
        received_at: datetime,
    ) -> VoteOutcome:
        done: asyncio.Future[VoteOutcome] = asyncio.get_running_loop().create_future()
        self._pending.append(_Ballot(actor, item_id, choice, update_id, received_at, done))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain(), name="vote-batcher")
        return await done

    async def _drain(self) -> None:
        while self._pending:
            batch, self._pending = self._pending[:BATCH], self._pending[BATCH:]
            try:
                await self._write(batch)
            except Exception as exc:
                log.exception("a batch of %s votes failed", len(batch))
                for ballot in batch:
                    if not ballot.done.done():
                        ballot.done.set_exception(exc)

    async def _write(self, batch: list[_Ballot]) -> None:
        now = self.clock.now()
        results: dict[int, VoteOutcome | ServiceError] = {}
        async with self.db.session() as session:
            agenda = AgendaRepository(session)
            meetings = MeetingRepository(session)
            async with write(session):
                items = await self._items(agenda, batch)
                present = await self._present(meetings, items, batch)
                # Updates already handled: a redelivered copy whose first copy committed in an
                # earlier batch (both passed the middleware before either was marked). Batches
                # are written one at a time, so what an earlier one committed is seen here.
                seen = await self._handled(session, batch)
                # The same few statements for a batch of any size: the write lock is held
                # for milliseconds even while hundreds of presses wait on the event loop.
                accepted: dict[tuple[int, int], str] = {}
                marked: set[int] = set()
                audits: list[dict[str, Any]] = []
                marks: list[dict[str, Any]] = []
                for n, ballot in enumerate(batch):
                    item = items[ballot.item_id]
                    person = ballot.actor.person_id
                    if item is None:
                        results[n] = NotFound("errors.stale")
                        continue
                    if item.status != "voting":
                        results[n] = InvalidInput("agenda.vote_closed")
                        continue
                    checked_in = person is not None and person in present[item.meeting_id]
                    if person is None or not may_vote(ballot.actor.roles, checked_in=checked_in):
                        results[n] = NotAllowed("agenda.only_present_members_vote")
                        continue
                    if ballot.update_id in seen:
                        # Its vote and audit entry are written already; a later vote of the
                        # same member must not be overwritten by this old copy.
                        continue
                    # A later press of the same member in the batch is the vote that stands.
                    accepted[(item.id, person)] = ballot.choice.value
                    if ballot.update_id in marked:
                        continue  # the same update delivered twice: one audit entry, one mark
                    # Each vote's own update: its audit entry and its redelivery mark.
                    audits.append(_audit(ballot, item.id, now))
                    if ballot.update_id is not None:
                        marked.add(ballot.update_id)
                        marks.append(
                            {"update_id": ballot.update_id, "handled_at": ballot.received_at}
                        )
                await agenda.set_votes(
                    [(item, person, choice) for (item, person), choice in accepted.items()], now
                )
                await AuditRepository(session).record_many(audits)
                if marks:
                    # Left as it is if another writer marked the update meanwhile.
                    await session.execute(
                        upsert.insert(session, ProcessedUpdate).on_conflict_do_nothing(), marks
                    )
                # Counts per item once for the whole batch; a complete vote closes if there is
                # quorum (cl. 14), else it stays open.
                service = self.agenda(session)
                outcomes: dict[int, VoteOutcome] = {}
                for item_id, item in items.items():
                    if item is None or item.status != "voting":
                        continue
                    count = await agenda.tally_present(item_id, item.meeting_id)
                    if vote_complete(count):
                        closing = next(b for b in batch if b.item_id == item_id)
                        closer = closing.actor
                        # The closing entry in the audit log names the update that closed it.
                        session.info["update_id"] = closing.update_id
                        meeting = await meetings.get(closer.group_id, item.meeting_id)
                        if meeting is not None:
                            outcomes[item_id] = await service.close_counted(
                                closer, item, meeting, now
                            )
                            continue
                    outcomes[item_id] = VoteOutcome(item, count, False, None)
        for n, ballot in enumerate(batch):
            result = results.get(n) or outcomes[ballot.item_id]
            if isinstance(result, ServiceError):
                ballot.done.set_exception(result)
            else:
                ballot.done.set_result(result)

    @staticmethod
    async def _handled(session: AsyncSession, batch: list[_Ballot]) -> set[int]:
        ids = {b.update_id for b in batch if b.update_id is not None}
        if not ids:
            return set()
        query = select(ProcessedUpdate.update_id).where(ProcessedUpdate.update_id.in_(ids))
        return set((await session.scalars(query)).all())

    @staticmethod
    async def _items(agenda: AgendaRepository, batch: list[_Ballot]) -> dict[int, ItemView | None]:
        """Locked, once per item and batch: a vote closed by the presiding person meanwhile
        takes no more ballots, and is not closed twice."""
        items: dict[int, ItemView | None] = {}
        for ballot in batch:
            if ballot.item_id not in items:
                items[ballot.item_id] = await agenda.item(ballot.item_id, lock=True)
        return items

    @staticmethod
    async def _present(
        meetings: MeetingRepository, items: dict[int, ItemView | None], batch: list[_Ballot]
    ) -> dict[int, set[int]]:
        """Who among the batch's voters is checked in, per meeting: one query each."""
        voters: dict[int, set[int]] = {}
        for ballot in batch:
            item = items[ballot.item_id]
            if item is not None and ballot.actor.person_id is not None:
                voters.setdefault(item.meeting_id, set()).add(ballot.actor.person_id)
        present: dict[int, set[int]] = {}
        for meeting_id in {i.meeting_id for i in items.values() if i is not None}:
            present[meeting_id] = await meetings.present_among(
                meeting_id, voters.get(meeting_id, set())
            )
        return present


def _audit(ballot: _Ballot, item_id: int, now: datetime) -> dict[str, Any]:
    """The entry ``Auditor`` would write for this vote, as a row of a batch insert."""
    actor = ballot.actor
    return {
        "at": now,
        "group_id": actor.group_id,
        "actor_telegram_id": actor.telegram_id,
        "actor_person_id": actor.person_id,
        "action": "voted",
        "object_type": "agenda_item",
        "object_id": item_id,
        "details": {"choice": ballot.choice.value},
        "update_id": ballot.update_id,
    }
