"""Versions of a register entry's document (cl. 4 б, в, к, 5): a protocol to approve them
by, a document entry, a draft sent as a file, an approval by a decision."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import AuditEntry, DocumentVersion
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.fake_api import Call, FakeTelegram
from tests.support.steps.conversations import press, sent_after
from tests.support.steps.decisions import insert_protocol as insert_decision


async def insert_protocol(
    world: World, decided: list[str], *, sequence: int = 7, signed: bool = True
) -> int:
    """A protocol № <sequence>/2026 of a meeting held yesterday, written straight into the
    database (signed, or still a draft). Returns the protocol's id."""
    status = "signed" if signed else "draft"
    return await insert_decision(
        world.db, world.clock.now(), decided, status=status, sequence=sequence
    )


async def add_document(
    world: World, clerk: FakeUser, kind: str, title: str, due: str = "15.02.2027"
) -> None:
    """The secretariat adds a document of ``kind`` (its heading, «Методические документы»)
    without a decision; its card is then the clerk's last message."""
    c = world.client
    await c.send(clerk, "/documents")
    await c.click(clerk, "Добавить документ")
    await c.click(clerk, kind)
    await c.send(clerk, title)
    await c.click(clerk, "Без подразделения")
    await c.click(clerk, "Пропустить")
    await c.send(clerk, due)
    await c.click(clerk, "Без решения")
    await c.click(clerk, "Подтвердить")


async def add_version(
    world: World, clerk: FakeUser, file_name: str, content: bytes = b"%PDF-1.4 version"
) -> None:
    """From the entry's card: «Добавить версию документа», then the file."""
    c = world.client
    await c.click(clerk, "Добавить версию документа")
    await c.send_document(clerk, file_name=file_name, content=content, mime_type="application/pdf")


async def approve_version(world: World, clerk: FakeUser, number: int, decision: str) -> None:
    """From the entry's card: approve version ``number`` by the decision button
    ``decision`` («№ 7/2026, вопрос 1: …») and confirm."""
    c = world.client
    await c.click(clerk, f"Утвердить версию № {number}")
    await c.click(clerk, decision)
    await c.click(clerk, "Подтвердить")


async def versions(world: World) -> list[tuple[int, str, int | None, int | None]]:
    """(number, status, protocol, item) of every version, in the order they were added."""
    async with world.db.session() as s:
        rows = await s.scalars(select(DocumentVersion).order_by(DocumentVersion.id))
        return [(v.number, v.status, v.protocol_id, v.item_number) for v in rows]


async def version_audit(world: World) -> list[str]:
    async with world.db.session() as s:
        rows = await s.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "document_version")
            .order_by(AuditEntry.id)
        )
        return list(rows)


# Over HTTP (tests/e2e): the same steps against the running bot.
async def add_document_over_http(
    tg: FakeTelegram, clerk: FakeUser, kind: str, title: str, due: str = "15.02.2027"
) -> Call:
    """The secretariat adds a document of ``kind`` without a decision; returns its card."""
    start = tg.mark()
    await tg.send_text(clerk, "/documents")
    listing = await sent_after(tg, start, clerk.id, "Документы рабочей группы")
    picker = await press(tg, clerk, listing, "Добавить документ", "Вид документа")
    await press(tg, clerk, picker, kind, "Наименование документа")
    start = tg.mark()
    await tg.send_text(clerk, title)
    units = await sent_after(tg, start, clerk.id, "подразделение")
    people = await press(tg, clerk, units, "Без подразделения", "Ответственный")
    await press(tg, clerk, people, "Пропустить", "Срок исполнения")
    start = tg.mark()
    await tg.send_text(clerk, due)
    basis = await sent_after(tg, start, clerk.id, "подписанного протокола")
    summary = await press(tg, clerk, basis, "Без решения", "Проверьте запись")
    return await press(tg, clerk, summary, "Подтвердить", "Версии документа")


async def add_version_over_http(
    tg: FakeTelegram, clerk: FakeUser, card: Call, file_id: str, file_name: str, content: bytes
) -> Call:
    """From the entry's card, a new version's file; returns the card that shows it."""
    await press(tg, clerk, card, "Добавить версию документа", "Новая версия документа")
    start = tg.mark()
    await tg.send_document(clerk, file_id, file_name, "application/pdf", len(content), content)
    await sent_after(tg, start, clerk.id, "Версия добавлена как проект")
    return await sent_after(tg, start, clerk.id, "История версий")


async def approve_version_over_http(
    tg: FakeTelegram, clerk: FakeUser, card: Call, number: int, decision: str
) -> Call:
    """From the entry's card: approve version ``number`` by the decision button
    ``decision`` and confirm; returns the card showing it as the approved version."""
    picker = await press(tg, clerk, card, f"Утвердить версию № {number}", "Выберите решение")
    summary = await press(tg, clerk, picker, decision, "Проверьте утверждение версии")
    return await press(tg, clerk, summary, "Подтвердить", f"Действующая версия № {number}")
