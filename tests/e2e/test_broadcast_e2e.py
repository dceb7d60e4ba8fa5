"""A broadcast over HTTP: the secretariat composes, confirms, watches progress, reads the
report; three members receive it and acknowledge (cl. 15)."""

from __future__ import annotations

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.fake_api import Call
from tests.support.people import Speaker
from tests.support.steps.conversations import click_and_see, invite_and_join


async def test_secretariat_broadcasts_to_three_members_who_acknowledge(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    clerk = tg.user(7301, "Clerk")
    members = [tg.user(7310 + i, f"Member{i}") for i in range(3)]
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Петрова")
    for i, member in enumerate(members):
        await invite_and_join(tg, admin, "член рабочей группы", member, f"Член Номер{i}")

    await tg.send_text(clerk, "/broadcast")
    await tg.wait_message(clerk.id, "Отправьте текст")
    await tg.send_text(clerk, "Материалы к заседанию размещены в системе.")
    menu = await tg.wait_message(clerk.id, "Кому отправить?")
    ref = (clerk.id, menu.result["message_id"])
    await click_and_see(tg, clerk, ref, "Членам рабочей группы (3)", "3 получателя")
    await click_and_see(tg, clerk, ref, "Подтвердить", "Рассылка № 1: отправлено 0 из 3")

    for member in members:
        got = await tg.wait_message(member.id, "Материалы к заседанию", timeout=10)
        assert "Сообщение секретариата" in (got.text or "")
        await Speaker(tg, member).is_answered("Ознакомлен(а)", "Отмечено", on=got)

    # Progress is edited in place, and the report arrives when everything is delivered.
    def finished(call: Call) -> bool:
        return (
            call.method == "editMessageText"
            and call.chat_id == clerk.id
            and "завершена: доставлено 3 из 3" in (call.text or "")
        )

    await tg.wait_for(finished, timeout=15)
    report = await tg.wait_message(clerk.id, "Отчёт о доставке", timeout=10)
    assert "Доставлено: 3 из 3" in (report.text or "")

    await tg.send_text(clerk, "/deliveries")
    history = await tg.wait_message(clerk.id, "Рассылки")
    card = await click_and_see(
        tg,
        clerk,
        (clerk.id, history.result["message_id"]),
        "Отчёт по рассылке № 1",
        "Ознакомились: 3 из 3",
    )
    for i in range(3):
        assert f"Член Номер{i} — ✅ доставлено, ознакомлен(а)" in (card.text or "")


async def test_broadcast_in_english_for_an_english_speaking_clerk(running: RunningBot) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    clerk = tg.user(7320, "Clerk", language_code="en")
    member = tg.user(7321, "Member", language_code="en")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Clerk Smith")
    await invite_and_join(tg, admin, "член рабочей группы", member, "Member Jones")
    await tg.send_text(clerk, "/broadcast")
    await tg.wait_message(clerk.id, "Send the text")
    await tg.send_text(clerk, "Agenda is ready.")
    menu = await tg.wait_message(clerk.id, "Who should receive it?")
    ref = (clerk.id, menu.result["message_id"])
    await click_and_see(tg, clerk, ref, "Members of the working group (1)", "1 recipient")
    await click_and_see(tg, clerk, ref, "Confirm", "Broadcast No. 1")
    got = await tg.wait_message(member.id, "Agenda is ready.", timeout=10)
    assert "Message from the secretariat" in (got.text or "")
    report = await tg.wait_message(clerk.id, "Delivery report", timeout=15)
    assert "Delivered: 1 of 1" in (report.text or "")
