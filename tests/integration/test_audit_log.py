"""Issue #18 item 1 at the dispatcher: /audit for the secretariat — the latest entries in
words, paged; filters by kind, person and a typed period (an end before the start refused
with the reason); «Проверить журнал»; CSV of a period with Russian columns and the right
count, itself audited. A member gets the refusal; a forged button changes nothing."""

from __future__ import annotations

from aiogram.methods import SendDocument
from aiogram.types import BufferedInputFile
from sqlalchemy import func, select

from bot.callbacks import AuditCb
from bot.documents.csv_table import read_csv
from storage.models import AuditEntry
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.onboarding import add_unit, joined_person

HEADER_RU = [
    "№",
    "Дата и время",
    "Кто",
    "Telegram ID",
    "Действие",
    "Код действия",
    "Объект",
    "Номер объекта",
    "Подробности",
    "Хеш записи (SHA-256)",
]


async def _entries(world: World, action: str | None = None) -> int:
    async with world.db.session() as s:
        query = select(func.count()).select_from(AuditEntry)
        if action:
            query = query.where(AuditEntry.action == action)
        return int(await s.scalar(query) or 0)


async def _setup(world: World) -> tuple[FakeUser, FakeUser]:
    clerk = await joined_person(world, 9103, "сотрудник секретариата", "Секретарь Сергей")
    member = await joined_person(world, 9110, "член рабочей группы", "Член Мария")
    for i in range(8):
        await add_unit(world, world.admin(), f"Отдел {i + 1}")
    return clerk, member


def _documents(world: World, user: FakeUser) -> list[BufferedInputFile]:
    return [
        m.document
        for m in world.session.requests
        if isinstance(m, SendDocument)
        and str(m.chat_id) == str(user.id)
        and isinstance(m.document, BufferedInputFile)
    ]


async def test_secretariat_reads_pages_and_filters_the_log(world: World) -> None:
    clerk, _member = await _setup(world)
    c = world.client
    total = await _entries(world)
    assert total > 10
    await c.send(clerk, "/audit")
    text = c.last_text(clerk)
    assert "Журнал аудита" in text and "Отбор не задан" in text
    assert f"Всего {total} записей" in text or f"Всего {total} записи" in text
    # The newest first, in words, with who did it.
    assert f"№ {total} ·" in text and "добавлено подразделение" in text
    assert f"№ {total - 10} ·" not in text
    await c.click(clerk, "▶")
    assert f"№ {total - 10} ·" in c.last_text(clerk)

    # By kind: the roster's entries only.
    await c.click(clerk, "🗂 Раздел")
    await c.click(clerk, "Поручения")
    assert "Записей, отвечающих отбору, нет." in c.last_text(clerk)
    await c.click(clerk, "🗂 Раздел")
    await c.click(clerk, "Состав и приглашения")
    text = c.last_text(clerk)
    assert "раздел — Состав и приглашения" in text and "добавлено подразделение" in text

    # By person: the clerk's own entries (accepting the invitation).
    await c.click(clerk, "✖ Сбросить отбор")
    await c.click(clerk, "👤 Участник")
    await c.click(clerk, "Секретарь Сергей")
    text = c.last_text(clerk)
    assert "участник — Секретарь Сергей" in text
    assert "добавлено подразделение" not in text and "Секретарь Сергей:" in text

    # By period: an end before the start is refused with the reason, then a right one.
    await c.click(clerk, "✖ Сбросить отбор")
    await c.click(clerk, "📅 Период")
    await c.send(clerk, "31.12.2026–01.12.2026")
    assert "Дата окончания периода раньше даты начала" in c.last_text(clerk)
    await c.send(clerk, "01.11.2026–30.11.2026")
    assert "Записей, отвечающих отбору, нет." in c.last_text(clerk)
    await c.click(clerk, "✖ Сбросить отбор")
    await c.click(clerk, "📅 Период")
    await c.send(clerk, "2026")
    text = c.last_text(clerk)
    assert "период — с 1 января 2026 г. по 31 декабря 2026 г." in text
    assert f"№ {total} ·" in text


async def test_secretariat_verifies_and_exports(world: World) -> None:
    clerk, _member = await _setup(world)
    c = world.client
    total = await _entries(world)
    await c.send(clerk, "/audit")
    await c.click(clerk, "🔐 Проверить журнал")
    assert f"Журнал цел: {total} записей проверено." in c.last_text(clerk)

    # Without a period the export asks for one; a wrong one is refused and nothing is sent.
    await c.click(clerk, "📄 Выгрузить CSV")
    assert "Введите период выгрузки" in c.last_text(clerk)
    await c.send(clerk, "01.12.2026-31.11.2026")
    assert "Такой даты не существует" in c.last_text(clerk)
    await c.send(clerk, "01.12.2026–31.12.2026")
    [upload] = _documents(world, clerk)
    assert upload.filename == "audit_2026-12-01_2026-12-31.csv"
    rows = read_csv(upload.data)
    assert rows[0] == HEADER_RU
    assert len(rows) - 1 == total
    assert [int(r[0]) for r in rows[1:]] == list(range(1, total + 1))
    assert any(r[4] == "добавлено подразделение" and r[5] == "unit_added" for r in rows[1:])
    assert "1 декабря 2026 г." in c.last_text(clerk)
    # The export is itself in the log, and the chain still holds.
    assert await _entries(world, "audit_exported") == 1
    await c.send(clerk, "/audit")
    await c.click(clerk, "🔐 Проверить журнал")
    assert f"Журнал цел: {total + 1} запис" in c.last_text(clerk)


async def test_english_reader_gets_english_columns(world: World) -> None:
    clerk, _member = await _setup(world)
    c = world.client
    en = c.user(clerk.id, "Secretary", language_code="en")
    await c.send(en, "/language")
    await c.click(en, "English")
    await c.send(en, "/audit")
    await c.click(en, "📅 Period")
    await c.send(en, "2026")
    await c.click(en, "📄 Export CSV")
    upload = _documents(world, en)[-1]
    assert read_csv(upload.data)[0][:3] == ["No.", "Date and time", "Who"]


async def test_member_is_refused_and_forged_buttons_change_nothing(world: World) -> None:
    clerk, member = await _setup(world)
    c = world.client
    await c.send(member, "/audit")
    assert "/audit" in c.last_text(member) and "доступна только ролям" in c.last_text(member)
    before = await _entries(world)
    await c.send(clerk, "/audit")
    message = c.last_message(clerk)
    # A member pressing an export button made for someone else: refused, nothing sent.
    forged = AuditCb(action="csv", first=20261201, last=20261231).pack()
    await c.click_data(member, message, forged)
    assert _documents(world, member) == []
    await c.click_data(member, message, AuditCb(action="verify").pack())
    assert "Журнал цел" not in "\n".join(c.texts(member))
    # The clerk pressing buttons nobody made: a kind or a period that cannot be.
    for data in (
        AuditCb(action="list", kind="nonsense").pack(),
        AuditCb(action="csv", first=20261231, last=20261201).pack(),
        AuditCb(action="csv", first=20261399, last=20261401).pack(),
    ):
        await c.click_data(clerk, message, data)
    assert _documents(world, clerk) == []
    assert await _entries(world) == before
