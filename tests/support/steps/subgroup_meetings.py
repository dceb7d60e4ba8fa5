"""Meetings of a subgroup (cl. 10): a project committee under the working group with its head,
a member and an outside specialist, and its meeting from scheduling to a closed meeting."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.domain.roles import Role
from bot.domain.subgroups import GroupKind
from storage.db import Database, write
from storage.models import Person
from storage.repositories.roster import RosterRepository
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.onboarding import working_group

COMMITTEE = "Цифровые сервисы"
TITLE = "Заседание комитета по цифровым сервисам"
SPECIALIST_ID = 9050


async def _person_id(world: World, telegram_id: int) -> int:
    async with world.db.session() as s:
        found = await s.scalar(select(Person.id).where(Person.telegram_id == telegram_id))
    assert found is not None
    return found


async def add_subgroup(
    world: World,
    members: dict[FakeUser, Role],
    *,
    name: str = COMMITTEE,
    kind: GroupKind = GroupKind.PROJECT_COMMITTEE,
    outsiders: dict[FakeUser, str] | None = None,
) -> int:
    """A subgroup under the working group, with memberships written directly: the people of
    the working group by their account, and outside specialists as new people with an
    account (the formation dialog is the `subgroups` feature's)."""
    ids = {user: await _person_id(world, user.id) for user in members}
    async with world.db.session() as s, write(s):
        roster = RosterRepository(s)
        now = world.clock.now()
        group_id = await roster.add_group(
            kind=kind.value,
            name=name,
            timezone=world.app.timezone,
            now=now,
            parent_id=world.app.group_id,
            purpose="Цифровизация государственных услуг",
        )
        for user, role in members.items():
            await roster.start_membership(
                group_id=group_id, person_id=ids[user], role=role, unit_id=None, now=now
            )
        for user, full_name in (outsiders or {}).items():
            person_id = await roster.add_person(
                telegram_id=user.id,
                telegram_name=full_name,
                username=None,
                full_name=full_name,
                language="ru",
                now=now,
            )
            await roster.start_membership(
                group_id=group_id,
                person_id=person_id,
                role=Role.SPECIALIST,
                unit_id=None,
                now=now,
            )
    return group_id


async def committee(world: World) -> dict[str, FakeUser]:
    """The working group of `working_group` and a project committee: «Член 0» its head,
    «Член 1» its member, «Специалист Светлана» its outside specialist. The committee has
    three members, so two present make its quorum."""
    p = await working_group(world)
    p["specialist"] = world.client.user(SPECIALIST_ID, "Специалист Светлана", language_code="ru")
    await add_subgroup(
        world,
        {p["m0"]: Role.CHAIR, p["m1"]: Role.MEMBER},
        outsiders={p["specialist"]: "Специалистова Светлана Сергеевна"},
    )
    return p


async def schedule_committee_meeting(
    world: World, head: FakeUser, *, choose: bool = False, when: str = "05.12.2026 15:00"
) -> str:
    """The head sets the committee's meeting; `choose`: they are asked which group first."""
    c = world.client
    await c.send(head, "/newmeeting")
    asked = c.last_text(head)
    if choose:
        await c.click(head, f"Проектный комитет «{COMMITTEE}»")
    await c.send(head, TITLE)
    await c.click(head, "Дистанционное")
    await c.click(head, "Пропустить")
    await c.send(head, when)
    preview = c.last_text(head)
    assert "Проверьте заседание" in preview, preview
    assert f"Проектный комитет «{COMMITTEE}»" in preview, preview
    await c.click(head, "Подтвердить")
    await world.deliver()
    return asked


async def open_committee_meeting(world: World, by: FakeUser) -> None:
    c = world.client
    world.clock.set(datetime(2026, 12, 5, 11, 55, tzinfo=UTC))
    await c.send(by, "/meetings")
    await c.click(by, f"Открыть: {TITLE}")
    await c.click(by, "Открыть заседание")
    await world.deliver()


async def record_and_close(world: World, clerk: FakeUser) -> None:
    c = world.client
    await c.send(clerk, "/meetings")
    await c.click(clerk, f"Открыть: {TITLE}")
    await c.click(clerk, "Прикрепить аудиозапись")
    await c.send_audio(clerk, file_name="committee.mp3", content=b"mp3", file_size=3)
    await c.send(clerk, "/meetings")
    await c.click(clerk, f"Открыть: {TITLE}")
    await c.click(clerk, "Закрыть заседание")
    world.clock.set(datetime(2026, 12, 5, 14, 0, tzinfo=UTC))


async def schedule_group_meeting(world: World, chair: FakeUser) -> None:
    """The working group's own meeting of `steps.meetings.schedule_meeting`, set by the chair
    who, with a subgroup in place, is first asked which group it is for."""
    c = world.client
    await c.send(chair, "/newmeeting")
    await c.click(chair, "Рабочая группа")
    await c.send(chair, "Заседание по клиентоцентричности")
    await c.click(chair, "Очное")
    await c.send(chair, "ул. Тверская, д. 1, каб. 305")
    await c.send(chair, "05.12.2026 15:00")
    await c.click(chair, "Подтвердить")


async def add_committee_to_database(
    database_url: str, members: dict[int, Role], specialist: tuple[int, str], *, now: datetime
) -> None:
    """Over HTTP the bot runs in its own task: the committee is written through a second
    connection to its database — the people of the working group by their Telegram id, the
    outside specialist as a new person with an account."""
    db = Database(database_url)
    try:
        async with db.session() as s, write(s):
            roster = RosterRepository(s)
            parent = await roster.first_group()
            assert parent is not None
            group_id = await roster.add_group(
                kind=GroupKind.PROJECT_COMMITTEE.value,
                name=COMMITTEE,
                timezone=parent.timezone,
                now=now,
                parent_id=parent.id,
            )
            for telegram_id, role in members.items():
                person = await roster.person_by_telegram(telegram_id)
                assert person is not None
                await roster.start_membership(
                    group_id=group_id, person_id=person.id, role=role, unit_id=None, now=now
                )
            telegram_id, full_name = specialist
            person_id = await roster.add_person(
                telegram_id=telegram_id,
                telegram_name=full_name,
                username=None,
                full_name=full_name,
                language="ru",
                now=now,
            )
            await roster.start_membership(
                group_id=group_id, person_id=person_id, role=Role.SPECIALIST, unit_id=None, now=now
            )
    finally:
        await db.dispose()


async def committee_protocol_for_consent(world: World) -> dict[str, FakeUser]:
    """`committee`, and its meeting held by the head with one approved item: the head and the
    specialist present, recorded, closed, its protocol drafted and sent for consent."""
    p = await committee(world)
    c = world.client
    head = p["m0"]
    await schedule_committee_meeting(world, head)
    await c.send(head, "/agenda")
    await c.click(head, "Добавить вопрос")
    await c.send(head, "О концепции цифровых сервисов")
    await c.click(head, "Пропустить")
    await c.click(head, "Готово")
    await c.click(head, "Утвердить повестку дня")
    await world.deliver()
    await open_committee_meeting(world, p["clerk"])
    await c.click(head, "Отметиться")
    await c.click(p["specialist"], "Отметиться")
    await record_and_close(world, p["clerk"])
    await c.send(p["clerk"], "/meetings")
    await c.click(p["clerk"], f"Открыть: {TITLE}")
    await c.click(p["clerk"], "Протокол")
    await c.click(p["clerk"], "Вопрос 1: СЛУШАЛИ / РЕШИЛИ")
    await c.send(p["clerk"], "Член 0 о концепции")
    await c.click(p["clerk"], "Пропустить")
    await c.send(p["clerk"], "Одобрить концепцию.")
    await c.click(p["clerk"], "Без поручений")
    await c.click(p["clerk"], "Направить на согласование")
    await world.deliver()
    return p
