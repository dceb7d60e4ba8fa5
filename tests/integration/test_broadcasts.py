"""Broadcasts through the delivery engine (cl. 15: the secretariat proves who received what)."""

from __future__ import annotations

from aiogram.methods import EditMessageText, SendMessage
from sqlalchemy import select

from bot.callbacks import AckCb, BroadcastCb, LinkCb
from storage.models import Acknowledgement, AuditEntry, Broadcast, OutboxMessage
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.recording_session import forbidden
from tests.support.steps.onboarding import add_unit, create_invite, join

GROUP_CHAT = -100500


async def _person(
    world: World, uid: int, role: str, name: str, lang: str = "ru", unit: str = "без подразделения"
) -> FakeUser:
    user = world.client.user(uid, name, language_code=lang)
    payload = await create_invite(world, world.admin(), role, name=name, unit_button=unit)
    await join(world, user, payload)
    return user


async def _compose(world: World, clerk: FakeUser, text: str, audience_button: str) -> None:
    c = world.client
    await c.send(clerk, "/broadcast")
    await c.send(clerk, text)
    await c.click(clerk, audience_button)


async def test_cl15_secretariat_broadcasts_to_members_who_acknowledge(world: World) -> None:
    clerk = await _person(world, 7100, "сотрудник секретариата", "Секретарь Сидорова")
    anna = await _person(world, 7101, "член рабочей группы", "Анна")
    boris = await _person(world, 7102, "председатель рабочей группы", "Борис", lang="en")
    await _compose(
        world, clerk, "Заседание переносится на <b>пятницу</b>", "Членам рабочей группы (2)"
    )
    preview = world.client.last_text(clerk) or ""
    assert "Предпросмотр" in preview and "2 получателя" in preview
    await world.client.click(clerk, "Подтвердить")
    assert "Рассылка № 1: отправлено 0 из 2" in (world.client.last_text(clerk) or "")

    await world.deliver()
    received = world.client.last_text(anna) or ""
    assert received.startswith("<b>Сообщение секретариата</b>")
    assert "&lt;b&gt;пятницу&lt;/b&gt;" in received  # typed tags are text, not markup
    assert world.client.last_message(anna) is not None

    # The progress message was edited in place to the final figures; a report arrived.
    edits = [
        r
        for r in world.session.requests
        if isinstance(r, EditMessageText) and r.chat_id == clerk.id
    ]
    assert "Рассылка № 1 завершена: доставлено 2 из 2" in (edits[-1].text or "")
    report = world.client.last_text(clerk) or ""
    assert "Отчёт о доставке: рассылка № 1" in report
    assert "Анна — ✅ доставлено" in report and "Борис — ✅ доставлено" in report

    await world.client.click(anna, "Ознакомлен(а)")
    assert world.client.callback_answers(anna)[-1].text == "✅ Отмечено: вы ознакомлены."
    await world.client.click(anna, "Ознакомлен(а)")
    assert world.client.callback_answers(anna)[-1].text == "Вы уже отметили, что ознакомлены."

    # /deliveries shows who acknowledged and when.
    await world.client.send(clerk, "/deliveries")
    assert "№ 1 от 1 декабря 2026 г., 12:00 (МСК) — 2 получателя, завершена" in (
        world.client.last_text(clerk) or ""
    )
    await world.client.click(clerk, "Отчёт по рассылке № 1")
    card = world.client.last_text(clerk) or ""
    assert "Ознакомились: 1 из 2." in card
    assert "Анна — ✅ доставлено, ознакомлен(а) 1 декабря 2026 г., 12:00 (МСК)" in card
    # Boris reads English: the header is in his language.
    assert (world.client.last_text(boris) or "").startswith("<b>Message from the secretariat</b>")


async def test_blocked_and_failed_recipients_are_named_in_the_report(world: World) -> None:
    clerk = await _person(world, 7110, "сотрудник секретариата", "Секретарь")
    blocker = await _person(world, 7111, "член рабочей группы", "Блокирующий")
    await _person(world, 7112, "член рабочей группы", "Читающий")
    world.session.fail_next("sendMessage", forbidden, chat_id=blocker.id)
    await _compose(world, clerk, "Важное объявление", "Членам рабочей группы (2)")
    await world.client.click(clerk, "Подтвердить")
    await world.deliver()
    report = world.client.last_text(clerk) or ""
    assert "Блокирующий — ⛔ заблокировал(а) бота" in report
    assert "Доставлено: 1 из 2. Заблокировали бота: 1." in report
    await world.client.send(clerk, "/members")
    assert "Блокирующий</b> — член рабочей группы — ⚠️ заблокировал(а) бота" in (
        world.client.last_text(clerk) or ""
    )
    # Writing to the bot again clears the mark.
    await world.client.send(blocker, "/menu")
    await world.client.send(clerk, "/members")
    assert "заблокировал(а) бота" not in (world.client.last_text(clerk) or "")


async def test_broadcast_to_one_unit(world: World) -> None:
    admin = world.admin()
    await add_unit(world, admin, "Отдел А")
    clerk = await _person(world, 7120, "сотрудник секретариата", "Секретарь")
    inside = await _person(world, 7121, "член рабочей группы", "Внутри", unit="Отдел А")
    outside = await _person(world, 7122, "член рабочей группы", "Снаружи")
    await _compose(world, clerk, "Только для отдела", "Подразделению…")
    await world.client.click(clerk, "Отдел А")
    assert "Подразделению «Отдел А» — 1 получатель" in (world.client.last_text(clerk) or "")
    await world.client.click(clerk, "Подтвердить")
    await world.deliver()
    assert "Только для отдела" in (world.client.last_text(inside) or "")
    assert "Только для отдела" not in "".join(world.client.texts(outside))


async def test_cancelled_broadcast_sends_nothing(world: World) -> None:
    clerk = await _person(world, 7130, "сотрудник секретариата", "Секретарь")
    member = await _person(world, 7131, "член рабочей группы", "Член")
    await _compose(world, clerk, "Не отправлять", "Членам рабочей группы (1)")
    await world.client.click(clerk, "Отмена")
    assert await world.deliver() == 0
    assert "Не отправлять" not in "".join(world.client.texts(member))
    async with world.db.session() as s:
        assert (await s.scalars(select(Broadcast))).first() is None


async def test_linked_group_chat_gets_the_broadcast_and_acks_count_per_presser(
    world: World,
) -> None:
    admin = world.admin()
    clerk = await _person(world, 7140, "сотрудник секретариата", "Секретарь")
    member = await _person(world, 7141, "член рабочей группы", "Член Группы")
    c = world.client
    await c.send_in_group(member, GROUP_CHAT, "/link")
    ask = c.last_message(GROUP_CHAT)
    assert ask is not None and "Привязать этот чат" in (ask.text or "")
    # A member may not link the chat; only an administrator.
    await c.click_data(member, ask, LinkCb(action="link").pack())
    assert c.alerts(member)[-1] == "Это действие доступно только ролям: администратор."
    await c.click_data(admin, ask, LinkCb(action="link").pack())
    assert "Чат привязан" in (c.last_text(GROUP_CHAT) or "")

    await _compose(world, clerk, "Объявление для всех", "В чат «Test group -100500»")
    await c.click(clerk, "Подтвердить")
    await world.deliver()
    posted = c.last_message(GROUP_CHAT)
    assert posted is not None and "Объявление для всех" in (posted.text or "")
    await c.click_data(member, posted, AckCb(broadcast=1).pack())
    assert c.callback_answers(member)[-1].text == "✅ Отмечено: вы ознакомлены."
    # The answer went to the presser only: nothing new was posted in the group chat.
    assert c.last_message(GROUP_CHAT) == posted
    async with world.db.session() as s:
        acks = (await s.scalars(select(Acknowledgement))).all()
    assert [a.subject for a in acks] == ["broadcast:1"]


async def test_member_cannot_broadcast_or_press_broadcast_buttons(world: World) -> None:
    member = await _person(world, 7150, "член рабочей группы", "Член")
    await world.client.send(member, "/broadcast")
    assert "доступна только ролям" in (world.client.last_text(member) or "")
    message = world.client.last_message(member)
    assert message is not None
    await world.client.click_data(
        member, message, BroadcastCb(action="confirm", audience="members").pack()
    )
    assert world.client.alerts(member)[-1] == (
        "Это действие доступно только ролям: сотрудник секретариата, администратор."
    )
    async with world.db.session() as s:
        assert (await s.scalars(select(OutboxMessage))).first() is None


async def test_forged_ack_for_an_unknown_broadcast_is_stale(world: World) -> None:
    member = await _person(world, 7160, "член рабочей группы", "Член")
    await world.client.send(member, "/menu")
    message = world.client.last_message(member)
    assert message is not None
    await world.client.click_data(member, message, AckCb(broadcast=999).pack())
    assert world.client.alerts(member)[-1].startswith("Кнопка устарела")


async def test_every_delivery_state_change_is_audited(world: World) -> None:
    clerk = await _person(world, 7170, "сотрудник секретариата", "Секретарь")
    await _person(world, 7171, "член рабочей группы", "Член")
    await _compose(world, clerk, "Текст", "Членам рабочей группы (1)")
    await world.client.click(clerk, "Подтвердить")
    await world.deliver()
    async with world.db.session() as s:
        actions = list(await s.scalars(select(AuditEntry.action)))
    assert "broadcast_started" in actions and "broadcast_finished" in actions
    assert actions.count("delivery_sent") >= 3  # message, progress edit, report


async def test_progress_is_edited_only_by_the_ticker(world: World) -> None:
    """One progress message, edited in place at most once per tick (every 2 s)."""
    clerk = await _person(world, 7180, "сотрудник секретариата", "Секретарь")
    for i in range(3):
        await _person(world, 7181 + i, "член рабочей группы", f"Член {i}")
    await _compose(world, clerk, "Текст", "Членам рабочей группы (3)")
    await world.client.click(clerk, "Подтвердить")

    def progress_edits() -> int:
        return sum(
            isinstance(r, EditMessageText) and "Рассылка № 1" in (r.text or "")
            for r in world.session.requests
        )

    assert progress_edits() == 1  # the preview card became the progress message
    await world.sender.drain()
    assert progress_edits() == 1  # the sender alone never edits it: only the 2 s ticker
    await world.deliver()
    sends_to_clerk = [
        r for r in world.session.requests if isinstance(r, SendMessage) and r.chat_id == clerk.id
    ]
    assert sum("Отчёт о доставке" in r.text for r in sends_to_clerk) == 1
