"""What every service is built on: the session it owns transactions on, and the clock.

A service declares itself a dataclass on one of these bases and states only what it adds:
its own positional settings, then after `_: KW_ONLY` its collaborators; the repositories
it reads through are made in `__post_init__`, on the same session. The generated
constructor keeps the order every caller relies on: `(session, clock[, tz], ...)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock


# eq=False: a service is an identity bound to one session, never a value to compare or hash
# by its fields.
@dataclass(eq=False)
class Service:
    session: AsyncSession
    clock: Clock


@dataclass(eq=False)
class ZonedService(Service):
    """A service that tells days and months, in the group's zone."""

    tz: ZoneInfo
