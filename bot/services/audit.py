"""/audit (issue #18 item 1): the latest entries of the audit log, filtered by person, kind
and period and paged; verification of the whole hash chain; export of entries as CSV (the
export itself is audited). Secretariat and administrators (Capability.VIEW_AUDIT)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.audit_chain import Verdict, verify
from bot.domain.audit_kinds import KINDS, kind_prefixes
from bot.domain.periods import Period, PeriodInputError, parse_period
from bot.domain.roles import Capability
from bot.keyboards import PAGE_SIZE
from bot.services.actor import Actor
from bot.services.base import ZonedService
from bot.services.errors import InvalidInput, NotFound
from bot.services.roster import Auditor
from storage.db import read, write
from storage.repositories.audit import AuditFilter, AuditLine, AuditRepository

# The most entries one CSV holds: a larger period is refused with the count, to be split.
EXPORT_MAX = 100_000


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """A reader's filters as the buttons carry them: a person id (0: anyone), a kind ("":
    any), a period as two days (None: all time)."""

    person: int = 0
    kind: str = ""
    period: Period | None = None


@dataclass(frozen=True, slots=True)
class AuditPage:
    query: AuditQuery
    lines: list[AuditLine]
    total: int
    page: int
    person_name: str | None


@dataclass(eq=False)
class AuditService(ZonedService):
    def __post_init__(self) -> None:
        self.repo = AuditRepository(self.session)

    def query(self, person: int, kind: str, first: int, last: int) -> AuditQuery:
        """The filters from a button: days as YYYYMMDD numbers; a forged value is stale."""
        if kind and kind not in KINDS:
            raise NotFound("errors.stale")
        period = None
        if first or last:
            try:
                period = Period(_day(first), _day(last))
            except ValueError:
                raise NotFound("errors.stale") from None
            if period.last < period.first:
                raise NotFound("errors.stale")
        return AuditQuery(person=max(person, 0), kind=kind, period=period)

    def check_period(self, typed: str) -> Period:
        try:
            return parse_period(typed, self.tz, self.clock.now())
        except PeriodInputError as bad:
            raise InvalidInput(f"audit.period_{bad.code.value}") from None

    def _filter(self, query: AuditQuery) -> AuditFilter:
        start = end = None
        if query.period is not None:
            start, end = query.period.bounds(self.tz)
        return AuditFilter(
            person_id=query.person or None,
            prefixes=kind_prefixes(query.kind),
            start=start,
            end=end,
        )

    async def page(self, actor: Actor, query: AuditQuery, page: int = 0) -> AuditPage:
        actor.require(Capability.VIEW_AUDIT)
        where = self._filter(query)
        async with read(self.session):
            total = await self.repo.count(where)
            pages = max(1, -(-total // PAGE_SIZE))
            page = min(max(page, 0), pages - 1)
            lines = await self.repo.lines(where, offset=page * PAGE_SIZE, limit=PAGE_SIZE)
            name = None
            if query.person:
                name = dict(await self.repo.actors_named()).get(query.person)
        return AuditPage(query, lines, total, page, name)

    async def people(self, actor: Actor) -> list[tuple[int, str]]:
        actor.require(Capability.VIEW_AUDIT)
        async with read(self.session):
            return await self.repo.actors_named()

    async def verify(self, actor: Actor) -> Verdict:
        """The whole chain, from the first entry to the head."""
        actor.require(Capability.VIEW_AUDIT)
        async with read(self.session):
            seq, head = await self.repo.head()
            return verify([entry async for entry in self.repo.chained()], seq, head)

    async def export(self, actor: Actor, query: AuditQuery) -> list[AuditLine]:
        """The entries of the query, oldest first; the export is itself an entry."""
        actor.require(Capability.VIEW_AUDIT)
        if query.period is None:
            raise InvalidInput("audit.export_needs_period")
        where = self._filter(query)
        now = self.clock.now()
        async with write(self.session):
            total = await self.repo.count(where)
            if total > EXPORT_MAX:
                raise InvalidInput("audit.export_too_large", count=total, max=EXPORT_MAX)
            lines = await self.repo.lines(where, newest=False)
            await Auditor(self.session, actor, now)(
                "audit_exported",
                "audit_log",
                None,
                first=query.period.first.isoformat(),
                last=query.period.last.isoformat(),
                person=query.person or None,
                kind=query.kind or None,
                count=len(lines),
            )
        return lines


def _day(number: int) -> date:
    return date(number // 10000, number // 100 % 100, number % 100)


def day_number(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day
