"""Broadcasts from the secretariat: audience, delivery through the outbox, progress, report,
acknowledgements (cl. 15: the secretariat proves who received what)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.delivery.policy import FINAL, Status, fold_statuses
from bot.domain.broadcasts import Audience, in_audience
from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.errors import InvalidInput, NotAllowed, NotFound
from bot.services.notifier import Delivery, Notice, Notifier
from bot.services.outbox import Envelope, enqueue_edit
from bot.services.roster import Auditor
from storage.db import read, write
from storage.dto import MemberView
from storage.repositories.broadcasts import BroadcastRepository, BroadcastView, DeliveryLine
from storage.repositories.protocols import ProtocolRepository
from storage.repositories.roster import RosterRepository


@dataclass(frozen=True, slots=True)
class Draft:
    text: str | None
    document: dict[str, Any] | None


@dataclass(frozen=True, slots=True)
class Progress:
    total: int
    sent: int
    blocked: int
    failed: int
    unknown: int
    acknowledged: int

    @property
    def done(self) -> int:
        return self.sent + self.blocked + self.failed + self.unknown

    @property
    def finished(self) -> bool:
        return self.done >= self.total


def subject(broadcast_id: int) -> str:
    return f"broadcast:{broadcast_id}"


def select_audience(
    members: list[MemberView], audience: Audience, unit_id: int | None
) -> list[MemberView]:
    """Who a broadcast reaches; the linked chat is not a person and is handled apart."""
    return [m for m in members if in_audience(audience, m.roles, m.unit_id, unit_id)]


def reachable(members: list[MemberView]) -> list[MemberView]:
    """Those with a chat: a member of the composition who has not joined the bot yet gets
    nothing, and is not counted as a recipient whose delivery the report waits for."""
    return [m for m in members if m.connected]


def progress_of(lines: list[DeliveryLine]) -> Progress:
    folded = [fold_statuses(line.statuses) for line in lines]
    return Progress(
        total=len(lines),
        sent=folded.count(Status.SENT),
        blocked=folded.count(Status.BLOCKED),
        failed=folded.count(Status.FAILED),
        unknown=folded.count(Status.UNKNOWN),
        acknowledged=sum(1 for line in lines if line.acknowledged_at is not None),
    )


@dataclass(eq=False)
class BroadcastService(Service):
    notifier: Notifier

    def __post_init__(self) -> None:
        self.repo = BroadcastRepository(self.session)
        self.roster = RosterRepository(self.session)

    async def recipients(
        self, actor: Actor, audience: Audience, unit_id: int | None
    ) -> list[MemberView]:
        actor.require(Capability.BROADCAST)
        async with read(self.session):
            return reachable(
                select_audience(await self.roster.members(actor.group_id), audience, unit_id)
            )

    async def linked_chat(self, actor: Actor) -> tuple[int, str | None] | None:
        actor.require(Capability.BROADCAST)
        async with read(self.session):
            return await self.roster.linked_chat(actor.group_id)

    async def start(
        self,
        actor: Actor,
        draft: Draft,
        audience: Audience,
        unit_id: int | None,
        *,
        progress_card: tuple[int, int] | None = None,
    ) -> BroadcastView:
        """Creates the broadcast and every recipient's outbox row in one transaction.

        `progress_card` (chat id, message id) is the card that shows the progress: stored in
        the same transaction, so that a restart at any moment still finds it."""
        actor.require(Capability.BROADCAST)
        if not (draft.text or draft.document):
            raise InvalidInput("broadcasts.empty")
        now = self.clock.now()
        async with write(self.session):
            members = reachable(
                select_audience(await self.roster.members(actor.group_id), audience, unit_id)
            )
            chat = await self.roster.linked_chat(actor.group_id)
            if audience is Audience.CHAT and chat is None:
                raise InvalidInput("broadcasts.no_chat")
            if audience is Audience.UNIT and (
                unit_id is None or await self.roster.unit(actor.group_id, unit_id) is None
            ):
                raise NotFound("errors.stale")
            total = len(members) + (1 if audience is Audience.CHAT else 0)
            if total == 0:
                raise InvalidInput("broadcasts.no_recipients")
            broadcast = await self.repo.add(
                group_id=actor.group_id,
                author_telegram_id=actor.telegram_id,
                audience=audience.value,
                unit_id=unit_id,
                text=draft.text,
                document=draft.document,
                total=total,
                created_at=now,
                progress_chat_id=progress_card[0] if progress_card else None,
                progress_message_id=progress_card[1] if progress_card else None,
            )
            notice = Notice("broadcasts.message", draft=draft, broadcast_id=broadcast.id)
            delivery = Delivery(
                kind="broadcast", document=draft.document, broadcast_id=broadcast.id
            )
            key = f"broadcast:{broadcast.id}"
            envelopes = self.notifier.to_people(members, notice, key=key, delivery=delivery)
            if audience is Audience.CHAT and chat is not None:
                envelopes.append(
                    self.notifier.to_chat(chat[0], notice, key=f"{key}:chat", delivery=delivery)
                )
            await self.notifier.send(envelopes)
            await Auditor(self.session, actor, now)(
                "broadcast_started",
                "broadcast",
                broadcast.id,
                audience=audience.value,
                unit_id=unit_id,
                recipients=total,
            )
        return broadcast

    async def set_progress_message(
        self, actor: Actor, broadcast_id: int, chat_id: int, message_id: int
    ) -> None:
        async with write(self.session):
            await self.repo.update(
                broadcast_id, progress_chat_id=chat_id, progress_message_id=message_id
            )

    async def acknowledge(self, actor: Actor, broadcast_id: int) -> bool:
        """ "Ознакомлен(а)" from the person pressing, whoever's chat the button is in."""
        if actor.person_id is None or not actor.roles:
            raise InvalidInput("gate.not_in_roster_short")
        now = self.clock.now()
        async with write(self.session):
            await self._require_addressee(actor, broadcast_id)
            first = await self.repo.acknowledge(subject(broadcast_id), actor.person_id, now)
            if first:
                await Auditor(self.session, actor, now)("acknowledged", "broadcast", broadcast_id)
        return first

    async def _require_addressee(self, actor: Actor, broadcast_id: int) -> None:
        """Inside the caller's transaction: only the people a broadcast was sent to may
        acknowledge it (#14 finding 11); a broadcast to the linked chat was sent to whoever
        reads that chat, so anyone in the roster pressing under it counts."""
        broadcast = await self.repo.get(actor.group_id, broadcast_id)
        if broadcast is None:
            raise NotFound("errors.stale")
        if broadcast.audience == Audience.CHAT:
            return
        if actor.person_id is None or not await self.repo.addressed_to(
            broadcast_id, actor.person_id
        ):
            raise NotAllowed("broadcasts.not_addressed")

    async def report(
        self, actor: Actor, broadcast_id: int
    ) -> tuple[BroadcastView, list[DeliveryLine]]:
        actor.require(Capability.BROADCAST)
        async with read(self.session):
            broadcast = await self.repo.get(actor.group_id, broadcast_id)
            if broadcast is None:
                raise NotFound("errors.stale")
            return broadcast, await self.repo.lines(broadcast_id, subject(broadcast_id))

    async def history(self, actor: Actor, page: int, size: int) -> list[BroadcastView]:
        actor.require(Capability.BROADCAST)
        async with read(self.session):
            return await self.repo.latest(actor.group_id, size, page * size)

    async def tick(self) -> int:
        """Edits each running broadcast's progress message; finishes the ones that are done.

        Runs every two seconds, so the progress message changes at most that often.
        """
        async with read(self.session):
            if not await self.repo.unfinished():
                return 0
        now = self.clock.now()
        finished = 0
        async with write(self.session):
            for broadcast in await self.repo.unfinished():
                lines = await self.repo.lines(broadcast.id, subject(broadcast.id))
                progress = progress_of(lines)
                author = await self.roster.person_by_telegram(broadcast.author_telegram_id)
                locale = author.locale(self.notifier.default_locale) if author else None
                if broadcast.progress_chat_id and broadcast.progress_message_id:
                    await enqueue_edit(
                        self.session,
                        key=f"progress:{broadcast.id}",
                        kind="progress",
                        chat_id=broadcast.progress_chat_id,
                        message_id=broadcast.progress_message_id,
                        text=self.notifier.text(
                            Notice("broadcasts.progress", broadcast=broadcast, progress=progress),
                            locale,
                        ),
                        keyboard=None,
                        now=now,
                    )
                if all(Status(s) in FINAL for line in lines for s in line.statuses):
                    finished += 1
                    await self.repo.update(broadcast.id, finished_at=now)
                    await self.notifier.send(await self._reports(broadcast, lines, locale))
                    await Auditor(self.session, None, now)(
                        "broadcast_finished",
                        "broadcast",
                        broadcast.id,
                        sent=progress.sent,
                        blocked=progress.blocked,
                        failed=progress.failed,
                        unknown=progress.unknown,
                    )
        return finished

    async def _reports(
        self, broadcast: BroadcastView, lines: list[DeliveryLine], locale: str | None
    ) -> list[Envelope]:
        """The delivery report for the author, in the author's language; a protocol's
        distribution is the secretariat's record (cl. 15), so its report goes to the
        secretariat as well. Sent by chat: a report is not a message to a person whose
        delivery is tracked."""
        report = Notice("broadcasts.report", broadcast=broadcast, lines=lines)
        delivery = Delivery(kind="report")
        reports = [
            self.notifier.to_chat(
                broadcast.author_telegram_id,
                report,
                key=f"report:{broadcast.id}",
                delivery=delivery,
                locale=locale,
            )
        ]
        group = await ProtocolRepository(self.session).distribution_group(broadcast.id)
        for m in await self.roster.members(group) if group is not None else []:
            if m.can(Capability.KEEP_RECORD) and m.person.telegram_id not in (
                None,
                broadcast.author_telegram_id,
            ):
                reports.append(
                    self.notifier.to_chat(
                        m.person.telegram_id,
                        report,
                        key=f"report:{broadcast.id}:{m.person.id}",
                        delivery=delivery,
                        locale=m.person.locale(self.notifier.default_locale),
                    )
                )
        return reports
