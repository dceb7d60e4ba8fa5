"""Dialog input shared by several routers: a refused answer is told with its reason and the
same question again, and earlier answers are kept."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.domain.dates import DateInputError, parse_local_datetime
from bot.update_context import Ctx


async def ask_again(ctx: Ctx, reason: str, question: str, **params: Any) -> None:
    """The refusal's reason and the same question, in the update's chat."""
    await ctx.send(ctx.t(reason, **params) + "\n\n" + ctx.t(question))


async def future_moment(ctx: Ctx, typed: str, question: str) -> datetime | None:
    """A typed date and time in the group's zone, strictly in the future; None after
    telling the person why it was refused."""
    now = ctx.app.clock.now()
    try:
        return parse_local_datetime(typed, tz=ctx.app.tz, now=now, not_before=now)
    except DateInputError as bad:
        await ask_again(ctx, f"dates.{bad.code.value}", question)
        return None
