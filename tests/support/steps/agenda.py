"""The agenda: proposals and the members' votes on additional items."""

from __future__ import annotations

from sqlalchemy import select

from bot.callbacks import VoteCb
from storage.models import AgendaItem
from tests.conftest import World
from tests.support.bot_client import FakeUser


async def propose_item(world: World, user: FakeUser, title: str) -> None:
    c = world.client
    await c.send(user, "/propose")
    await c.send(user, title)
    await c.click(user, "Пропустить")
    await c.click(user, "Пропустить")


async def agenda_items(world: World) -> list[AgendaItem]:
    async with world.db.session() as s:
        return list((await s.scalars(select(AgendaItem).order_by(AgendaItem.id))).all())


async def propose_additional_item(world: World, p: dict[str, FakeUser], title: str) -> int:
    await propose_item(world, p["m2"], title)
    assert "дополнительный вопрос" in (world.client.last_text(p["m2"]) or "")
    items = [i for i in await agenda_items(world) if i.title == title]
    return items[0].id


async def vote_on_item(world: World, user: FakeUser, item: int, choice: str) -> str:
    message = world.client.last_message(user)
    assert message is not None
    await world.client.click_data(user, message, VoteCb(item=item, choice=choice).pack())
    return world.client.callback_answers(user)[-1].text or ""
