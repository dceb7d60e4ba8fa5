"""Router-level filters on the roster standing of whoever sent the update."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from bot.domain.roles import Capability, can
from bot.services.actor import Actor


class InRoster(Filter):
    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and actor.in_roster


class HasCapability(Filter):
    def __init__(self, capability: Capability) -> None:
        self.capability = capability

    async def __call__(self, event: TelegramObject, actor: Actor | None = None) -> bool:
        return actor is not None and can(actor.standing, self.capability)
