"""/compliance: the monthly rule (cl. 12) over the last twelve months."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.filters import private_router
from bot.update_context import Ctx
from bot.views import meetings as views


async def compliance_command(message: Message, ctx: Ctx) -> None:
    await ctx.send(views.compliance(ctx.t, await ctx.compliance.last_year(ctx.actor)))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("compliance")
    r.message.register(compliance_command, Command("compliance"))
    return r
