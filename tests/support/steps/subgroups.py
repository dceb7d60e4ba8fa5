"""Expert groups and project committees (cl. 10) and outside specialists (cl. 16 в): a signed
decision to form one from, and forming a project committee with a head, two members and an
outside specialist — at the dispatcher level (`World`) and over HTTP (`FakeTelegram`)."""

from __future__ import annotations

import re

from bot.domain import fields
from tests.conftest import World, invite_payload
from tests.support.fake_api import Call, FakeTelegram
from tests.support.people import Member, Speaker
from tests.support.steps.decisions import insert_protocol
from tests.support.telegram_model import FakeUser

COMMITTEE = "Единое окно"
PURPOSE = "Подготовка предложений по единому окну приёма обращений."
SPECIALIST = "Эксперт Эльвира"
DECISION = "Образовать проектный комитет «Единое окно»."


def button_starting(world: World, user: FakeUser, prefix: str) -> str:
    """The label of the newest inline button to `user` that starts with `prefix`."""
    for message in reversed(world.client.messages(user)):
        for row in world.client.buttons(message):
            for label, _ in row:
                if label.startswith(prefix):
                    return label
    raise AssertionError(f"no button starting with {prefix!r}")


async def form_committee(
    world: World,
    by: FakeUser,
    *,
    head: str,
    members: tuple[str, ...],
    name: str = COMMITTEE,
    purpose: str = PURPOSE,
    decision: str = "Протокол № 7/2026, п. 1",
) -> str:
    """/subgroups → «Образовать группу по решению» → the decision → «Проектный комитет» →
    name → purpose → head → members → «Готово» → «Образовать»; returns the card."""
    who = Member(world.client, by)
    await who.sends("/subgroups")
    await who.presses("Образовать группу по решению")
    await who.presses(button_starting(world, by, decision))
    await who.presses("Проектный комитет")
    await who.sends(name)
    await who.sends(purpose)
    await who.presses(head)
    for member in members:
        await who.presses(member)
    await who.presses("Готово")
    return await who.presses("Образовать")


async def invite_specialist(world: World, by: FakeUser, name: str = SPECIALIST) -> str:
    """From the subgroup's card (the last message): «Пригласить специалиста» → the name;
    returns the invite link's payload."""
    who = Member(world.client, by)
    await who.presses("Пригласить специалиста")
    return invite_payload(await who.sends(name))


async def committee_with_specialist(
    world: World, p: dict[str, FakeUser], uid: int = 9050
) -> FakeUser:
    """The whole set-up: a signed decision; the secretariat forms the project committee
    «Единое окно» headed by «Член 0» with «Член 1» and «Член 2»; an outside specialist joins
    by the link. `p` is `tests.support.steps.onboarding.working_group`'s cast."""
    await insert_protocol(world.db, world.clock.now(), [DECISION])
    await form_committee(world, p["clerk"], head="Член 0", members=("Член 1", "Член 2"))
    payload = await invite_specialist(world, p["clerk"])
    specialist = world.client.user(uid, "Эльвира", language_code="ru")
    await world.client.send(specialist, f"/start {payload}")
    return specialist


def decision_label(number: str, item: int, decided: str) -> str:
    """The label of a decision's button in the forming dialog, as the bot shortens it."""
    return fields.fits(" ".join(f"Протокол № {number}, п. {item}: {decided}".split()), 60)


# Over HTTP
async def form_project_committee_http(
    tg: FakeTelegram,
    clerk: FakeUser,
    specialist: FakeUser,
    *,
    decision: str,
    head: str,
    members: tuple[str, str],
    name: str = COMMITTEE,
    purpose: str = PURPOSE,
    specialist_name: str = SPECIALIST,
) -> Call:
    """A project committee with a head, two members and an outside specialist, formed by
    the secretariat (or the chair) `clerk` from the decision whose button is `decision`
    (its full label); the specialist opens the link. Returns the specialist's greeting."""
    who = Speaker(tg, clerk)
    await who.sends("/subgroups", "Экспертные группы и проектные комитеты")
    await who.presses("Образовать группу по решению", "Выберите решение")
    await who.presses(decision, "Что образуется?")
    await who.presses("Проектный комитет", "наименование группы")
    await who.sends(name, "цель группы")
    await who.sends(purpose, "руководителя группы")
    await who.presses(head, "Отметьте членов")
    for member in members:
        await who.presses(member, "Отметьте членов")
    await who.presses("Готово", "Проверьте перед образованием")
    await who.presses("Образовать", "Образована решением")
    await who.presses("Пригласить специалиста", "ФИО привлечённого специалиста")
    made = await who.sends(specialist_name, "start=inv_")
    link = re.search(r"start=(inv_[A-Za-z0-9_-]+)", made.text or "")
    assert link, made.text
    return await Speaker(tg, specialist).sends(f"/start {link.group(1)}", "привлечённый специалист")
