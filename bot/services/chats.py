"""The group's own Telegram chat: linked by an administrator, used for announcements."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.roles import Capability
from bot.services.actor import Actor
from bot.services.base import Service
from bot.services.roster import Auditor
from storage.db import write
from storage.repositories.roster import RosterRepository


@dataclass(eq=False)
class ChatService(Service):
    def __post_init__(self) -> None:
        self.roster = RosterRepository(self.session)

    async def link(self, actor: Actor, chat_id: int, title: str | None) -> None:
        """The chat id comes from the message the button is in, never from its payload."""
        actor.require(Capability.LINK_CHAT)
        now = self.clock.now()
        async with write(self.session):
            await self.roster.set_linked_chat(actor.group_id, chat_id, title)
            await Auditor(self.session, actor, now)(
                "chat_linked", "working_group", actor.group_id, chat_id=chat_id
            )

    async def unlink(self, actor: Actor, chat_id: int) -> bool:
        actor.require(Capability.LINK_CHAT)
        now = self.clock.now()
        async with write(self.session):
            current = await self.roster.linked_chat(actor.group_id)
            if current is None or current[0] != chat_id:
                return False
            await self.roster.set_linked_chat(actor.group_id, None, None)
            await Auditor(self.session, actor, now)(
                "chat_unlinked", "working_group", actor.group_id, chat_id=chat_id
            )
        return True
