"""Delegations to outside events (cl. 16 б): recording one, and a delegate's report back,
the way people do it in the chat: at the dispatcher level (a ``World``) and over HTTP
against the running bot (``*_over_http``)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage.models import Delegation, DueTask
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.fake_api import Call, FakeTelegram
from tests.support.fake_api import FakeUser as HttpUser
from tests.support.people import Speaker

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


async def record_delegation_over_http(
    tg: FakeTelegram,
    by: HttpUser,
    delegates: list[str],
    *,
    when: str = "10.12.2026",
    title: str = TITLE,
    organiser: str = "Минэкономразвития России",
    place: str = "г. Москва, Краснопресненская наб., д. 12",
    topic: str = "Опыт внедрения принципов клиентоцентричности",
) -> Call:
    """/delegations → «Направить представителей» → the answers → the delegates → «Без
    решения» → «Подтвердить»; returns the delegation's card."""
    clerk = Speaker(tg, by)
    await clerk.sends("/delegations", "Направление представителей рабочей группы")
    await clerk.presses("Направить представителей", "Наименование мероприятия")
    await clerk.sends(title, "Организатор мероприятия")
    await clerk.sends(organiser, "Дата мероприятия")
    await clerk.sends(when, "Место проведения")
    await clerk.sends(place, "Тема участия")
    await clerk.sends(topic, "Выберите членов рабочей группы")
    for name in delegates:
        await clerk.presses(name, "Выбран")
    await clerk.presses("Готово", "Решение, на основании которого")
    await clerk.presses("Без решения", "Проверьте сведения о направлении представителей")
    return await clerk.presses("Подтвердить", "Статус: ⏳ ожидается")


async def report_back_over_http(
    tg: FakeTelegram,
    delegate: HttpUser,
    text: str,
    *,
    file_name: str = "Отчёт об участии.pdf",
    content: bytes = b"%PDF-1.4 delegation report",
) -> Call:
    """The delegate presses «Представить отчёт» under the newest message having it, sends
    the file, then the text, and confirms; returns the card showing the report."""
    speaker = Speaker(tg, delegate)
    await speaker.presses("Представить отчёт", "Отчёт об участии в мероприятии")
    speaker.since = tg.mark()
    await tg.send_document(
        delegate, "delegation-report", file_name, "application/pdf", len(content), content
    )
    await speaker.sees("Добавьте текст отчёта")
    await speaker.sends(text, "Проверьте отчёт")
    return await speaker.presses("Подтвердить", "Статус: ✅ отчёт представлен")
