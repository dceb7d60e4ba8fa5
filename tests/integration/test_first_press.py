"""Permission at the first press (issue #14 findings 4, 7, 11): a forged button is refused
before any confirmation card or dialog, with the reason, in one answer; a per-person action
is accepted only from the people the object was addressed to."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import CallbackQuery
from sqlalchemy import func, select

from bot.callbacks import AckCb, AgendaCb, MeetingCb, ProtocolCb
from bot.services.errors import NotAllowed
from bot.update_context import Ctx
from storage.models import Acknowledgement, AuditEntry, FsmRecord
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import joined_person, working_group
from tests.support.steps.protocols import held_meeting, open_protocol

STALE = "Кнопка устарела или данные уже изменились. Откройте раздел заново."


async def _press(world: World, user: FakeUser, data: str) -> list[AnswerCallbackQuery]:
    """A forged press under the user's last message: the answers it got."""
    c = world.client
    requests = await c.click_data(user, c.last_message(user), data)
    return [r for r in requests if isinstance(r, AnswerCallbackQuery)]


async def _dialog_state(world: World, user: FakeUser) -> str | None:
    async with world.db.session() as s:
        rows = (await s.scalars(select(FsmRecord))).all()
    mine = [row for row in rows if f":{user.id}:{user.id}" in row.key]
    return next((row.state for row in mine if row.state), None)


def _refused(answers: list[AnswerCallbackQuery]) -> str:
    """The one answer a refused press gets: an alert with the reason."""
    assert len(answers) == 1, answers
    assert answers[0].show_alert and answers[0].text, answers[0]
    return answers[0].text


async def test_finding_4_a_members_forged_meeting_changes_stop_at_the_press(
    world: World,
) -> None:
    """#14 finding 4, cl. 11: a member's «Отменить заседание», «Перенести» and «Изменить
    ссылку» are refused at the press: no confirmation card, no question, no dialog."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    member = p["m0"]
    await c.send(member, "/meetings")
    card = c.last_text(member)
    for action in ("cancel", "move", "venue"):
        reason = _refused(await _press(world, member, MeetingCb(action=action, meeting=1).pack()))
        assert "председател" in reason, (action, reason)
        assert c.last_text(member) == card, f"{action}: a confirmation or question was shown"
        assert await _dialog_state(world, member) is None, action


async def test_finding_4_a_cancelled_meeting_cannot_be_cancelled_or_moved_again(
    world: World,
) -> None:
    """#14 finding 4: the object's state is checked at the press too: the chair's old
    «Перенести» under a cancelled meeting's card asks nothing."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    chair = p["chair"]
    await c.send(chair, "/meetings")
    await c.click_data(
        chair, c.last_message(chair), MeetingCb(action="cancel_ok", meeting=1).pack()
    )
    for action in ("cancel", "move", "venue"):
        reason = _refused(await _press(world, chair, MeetingCb(action=action, meeting=1).pack()))
        assert reason == "Заседание уже отменено.", (action, reason)
        assert await _dialog_state(world, chair) is None, action


async def test_finding_4_protocol_items_are_for_the_secretariat_and_must_exist(
    world: World,
) -> None:
    """#14 finding 4, cl. 14: a member's «Вопрос 1: СЛУШАЛИ / РЕШИЛИ» is refused at the
    press; the secretariat's press for an item the protocol does not have
    (`pr:item:…:999999`) is out of date, not a dialog about «Вопрос 999999»."""
    p = await held_meeting(world)
    c = world.client
    clerk, member = p["clerk"], p["m0"]
    await open_protocol(world, clerk)
    await c.send(member, "/protocols")
    item_1 = ProtocolCb(action="item", protocol=1, arg="1").pack()
    reason = _refused(await _press(world, member, item_1))
    assert "секретариат" in reason
    assert await _dialog_state(world, member) is None
    for arg in ("999999", "0", "x"):
        forged = ProtocolCb(action="item", protocol=1, arg=arg).pack()
        assert _refused(await _press(world, clerk, forged)) == STALE, arg
        assert "Вопрос 999999" not in (c.last_text(clerk) or "")
        assert await _dialog_state(world, clerk) is None, arg
    await c.click(clerk, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ")  # the real button still works
    assert await _dialog_state(world, clerk) is not None


async def test_finding_4_objecting_is_for_the_members_present(world: World) -> None:
    """#14 findings 4, 11, cl. 14-15: a member who was not present cannot begin an
    objection (the item's button asks no reason), and nobody consents for them."""
    p = await held_meeting(world)
    c = world.client
    clerk, absent = p["clerk"], p["m2"]  # m2 did not check in
    await open_protocol(world, clerk)
    await c.click(clerk, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ")
    await c.send(clerk, "Докладчик")
    await c.click(clerk, "Пропустить")
    await c.send(clerk, "Принять к сведению")
    await c.click(clerk, "Без поручений")
    await c.click(clerk, "Направить на согласование")
    await c.send(absent, "/protocols")
    for action, arg in (("object", ""), ("objitem", "1"), ("consent", "")):
        data = ProtocolCb(action=action, protocol=1, version=1, arg=arg).pack()
        reason = _refused(await _press(world, absent, data))
        assert "присутствовав" in reason, (action, reason)
        assert await _dialog_state(world, absent) is None, action


async def test_finding_4_proposals_are_for_members(world: World) -> None:
    """#14 finding 4, cl. 13: members propose; an administrator outside the composition
    pressing «Предложить вопрос» is refused before the title is asked."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    admin = world.admin()
    await c.send(admin, "/menu")
    data = AgendaCb(action="propose", meeting=1).pack()
    assert "член" in _refused(await _press(world, admin, data)).lower()
    assert await _dialog_state(world, admin) is None


async def test_finding_11_a_members_forged_acknowledgement_is_refused(world: World) -> None:
    """#14 finding 11: «Ознакомлен(а)» for a broadcast sent to the secretariat only,
    forged by a member, is refused and nothing is stored; the secretariat's counts."""
    clerk = await joined_person(world, 9301, "сотрудник секретариата", "Секретарь")
    member = await joined_person(world, 9302, "член рабочей группы", "Член Группы")
    c = world.client
    await c.send(clerk, "/broadcast")
    await c.send(clerk, "Только для секретариата")
    await c.click(clerk, "Секретариату (1)")
    await c.click(clerk, "Подтвердить")
    await world.deliver()
    await c.send(member, "/menu")

    reason = _refused(await _press(world, member, AckCb(broadcast=1).pack()))
    assert (
        reason == "Эта рассылка направлялась не вам, поэтому отметка об ознакомлении не ставится."
    )
    async with world.db.session() as s:
        assert (await s.scalars(select(Acknowledgement))).all() == []
        acks = (
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "acknowledged")
        )
        assert await s.scalar(acks) == 0

    await c.click(clerk, "Ознакомлен(а)")
    assert c.callback_answers(clerk)[-1].text == "✅ Отмечено: вы ознакомлены."


async def _answers_then_refuses(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.toast("broadcasts.acked")
    raise NotAllowed("errors.not_allowed")


async def test_finding_7_a_press_answered_before_a_refusal_is_not_answered_twice(
    world: World,
) -> None:
    """#14 finding 7: when a handler has answered the press and then is refused, the
    refusal is not a second answer (Telegram rejects it and the person never sees why):
    the press has exactly one answer, and the reason comes as a message."""
    member = await joined_person(world, 9303, "член рабочей группы", "Член Группы")
    router = Router(name="answers_then_refuses")
    router.callback_query.register(_answers_then_refuses, F.data == "anything")
    world.dp.sub_routers.insert(0, router)
    router._parent_router = world.dp
    c = world.client
    await c.send(member, "/menu")
    requests = await c.click_data(member, c.last_message(member), "anything")
    answers = [r for r in requests if isinstance(r, AnswerCallbackQuery)]
    assert len(answers) == 1
    said = [r.text for r in requests if isinstance(r, SendMessage)]
    assert said == ["У вас нет прав на это действие."]
