"""Delegations to outside events (cl. 16 б): recording one, and a delegate's report back,
the way people do it in the chat (dispatcher level)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Delegation, DueTask
from tests.conftest import World
from tests.support.bot_client import FakeUser

TITLE = "Форум «Открытое правительство»"
MSK = ZoneInfo("Europe/Moscow")


async def record_delegation(
    world: World,
    by: FakeUser,
    delegates: list[str],
    *,
    when: str = "10.12.2026",
    title: str = TITLE,
    organiser: str = "Минэкономразвития России",
    place: str = "г. Москва, Краснопресненская наб., д. 12",
    topic: str = "Опыт внедрения принципов клиентоцентричности",
    basis: str = "Без решения",
    confirm: bool = True,
) -> str:
    """The secretariat (or the chair) records a delegation from /delegations; returns the
    last text the recorder sees (the card after confirmation, else the summary)."""
    c = world.client
    await c.send(by, "/delegations")
    await c.click(by, "Направить представителей")
    for answer in (title, organiser, when, place, topic):
        await c.send(by, answer)
    for name in delegates:
        await c.click(by, name)
    await c.click(by, "Готово")
    await c.click(by, basis)
    if confirm:
        await c.click(by, "Подтвердить")
    return c.last_text(by)


async def report_back(
    world: World,
    delegate: FakeUser,
    text: str | None,
    *,
    file_name: str | None = None,
    content: bytes = b"%PDF-1.4 report",
) -> str:
    """A delegate presses «Представить отчёт» under the newest message having it, sends a
    text and/or a file, and confirms; returns the last text they see."""
    c = world.client
    await c.click(delegate, "Представить отчёт")
    if file_name is not None:
        await c.send_document(delegate, file_name=file_name, content=content)
        if text is None:
            await c.click(delegate, "Пропустить")
        else:
            await c.send(delegate, text)
    else:
        assert text is not None
        await c.send(delegate, text)
        await c.click(delegate, "Пропустить")
    await c.click(delegate, "Подтвердить")
    return c.last_text(delegate)


async def delegation_rows(world: World) -> list[Delegation]:
    async with world.db.session() as s:
        return list(await s.scalars(select(Delegation).order_by(Delegation.id)))


async def delegation_due(world: World) -> list[tuple[str, datetime, str]]:
    """(kind, due at in Moscow time, status) of the delegations' due rows."""
    async with world.db.session() as s:
        rows = await s.scalars(
            select(DueTask).where(DueTask.kind.startswith("delegation_")).order_by(DueTask.id)
        )
        return [(r.kind, r.due_at.astimezone(MSK), r.status) for r in rows]
