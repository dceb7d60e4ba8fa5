"""The group an update acts in (cl. 10): after the actor and the language are known, a press
on a meeting's, an agenda's, a vote's or a protocol's button — or a step of a dialog about
one — is taken with the person's standing in that object's group. Everything after (the
router filters, the services) then sees the subgroup as "the group"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject, Update

from bot.callbacks import AgendaCb, GuestCb, MeetingCb, ProtocolCb, VoteCb
from bot.context import AppContext
from bot.services.actor import Actor
from bot.services.group_scope import GroupScopeService
from storage.dto import GroupView

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

_ORGANISER = frozenset({"list", "new", "revoke"})


def _object_of(data: str) -> tuple[str, int] | None:
    """The object a button of ours names: (kind, id), or None."""
    prefix = data.split(":", 1)[0]
    try:
        if prefix == "mt":
            return "meeting", MeetingCb.unpack(data).meeting
        if prefix == "ag":
            agenda = AgendaCb.unpack(data)
            return ("meeting", agenda.meeting) if agenda.meeting else ("item", agenda.item)
        if prefix == "vt":
            return "item", VoteCb.unpack(data).item
        if prefix == "gs":
            # The organiser's buttons of a meeting's guests; a guest's own buttons (outside
            # the roster) are the guest service's to check.
            guests = GuestCb.unpack(data)
            return ("meeting", guests.meeting) if guests.action in _ORGANISER else None
        if prefix == "pr":
            protocol = ProtocolCb.unpack(data)
            if protocol.protocol:
                return "protocol", protocol.protocol
            if protocol.disagreement:
                return "disagreement", protocol.disagreement
    except (TypeError, ValueError):
        return None
    return None


class GroupScopeMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        actor: Actor | None = data.get("actor")
        if actor is not None and isinstance(event, Update):
            app: AppContext = data["app"]
            service = GroupScopeService(data["session"], app.clock)
            group, reach = await self._group(service, event, data.get("state"))
            if group is not None or not actor.in_roster:
                scoped = service.scope(actor, group, reach=reach)
                data["actor"] = scoped
                ctx = data.get("ctx")
                if ctx is not None:
                    ctx.actor = scoped
        return await handler(event, data)

    async def _group(
        self, service: GroupScopeService, event: Update, state: FSMContext | None
    ) -> tuple[GroupView | None, str]:
        reach = ""
        if event.callback_query is not None:
            reach = event.callback_query.data or ""
            found = _object_of(reach)
            if found is not None and found[1] > 0:
                return await service.group_of(*found), reach
        elif event.message is not None:
            reach = event.message.text or ""
            if reach.startswith("/"):
                reach = reach.split(maxsplit=1)[0]
        else:
            return None, reach
        if state is None:
            return None, reach
        step = await state.get_state()
        if step is None:
            return None, reach
        group = await service.group_of_state(step, await state.get_data())
        return group, reach or step
