"""Conversations about the approved composition (cl. 9), written as the secretariat does them."""

from __future__ import annotations

from tests.conftest import World
from tests.support.bot_client import FakeUser


async def record_act(
    world: World,
    by: FakeUser,
    *,
    number: str = "45-р",
    signed_on: str = "25.11.2026",
    kind: str = "распоряжение",
    file: bool = False,
) -> str:
    """/composition → «Внести акт» → kind, number, date, file or none → «Подтвердить»;
    returns the last text the secretariat saw."""
    c = world.client
    await c.send(by, "/composition")
    await c.click(by, "Внести акт")
    await c.click(by, kind)
    await c.send(by, number)
    await c.send(by, signed_on)
    if file:
        await c.send_document(by, file_name="Распоряжение 45-р.pdf")
    else:
        await c.click(by, "Без файла")
    await c.click(by, "Подтвердить")
    return c.last_text(by) or ""


async def include_member(
    world: World,
    by: FakeUser,
    act_button: str,
    name: str,
    role_button: str = "член рабочей группы",
    unit_button: str = "без подразделения",
) -> str:
    """From an act's card: «Включить в состав» → name → role → unit → «Подтвердить»."""
    c = world.client
    await c.send(by, "/composition")
    await c.click(by, act_button)
    await c.click(by, "Включить в состав")
    await c.send(by, name)
    await c.click(by, role_button)
    await c.click(by, unit_button)
    await c.click(by, "Подтвердить")
    return c.last_text(by) or ""
