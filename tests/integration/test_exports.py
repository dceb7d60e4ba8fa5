"""Issue #18 item 2: the secretariat's CSV exports and the calendar feed, at the dispatcher
level. «Done when: every CSV opens with the right columns and counts» — each table is read
back and compared, row by row, with the history that made it (tests/support/steps/exports.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.methods import SendDocument
from icalendar import Calendar
from sqlalchemy import select

from bot.callbacks import ExportCb
from storage.models import AuditEntry, Meeting, StoredFile
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.exports import documents_to, export, history
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import working_group
from tests.support.steps.subgroup_meetings import committee, schedule_committee_meeting

WG = "Рабочая группа"
MEETING = "Заседание по клиентоцентричности"
CONCIL = "Согласительное совещание: протокол № 1/2026, вопрос 2"
AT = "05.12.2026 15:00"


async def _exports_audited(world: World) -> list[dict[str, object]]:
    async with world.db.session() as s:
        rows = await s.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "records_exported")
            .order_by(AuditEntry.id)
        )
        return [dict(r.details) for r in rows]


async def test_issue18_item2_every_csv_has_its_columns_and_the_historys_rows(
    world: World,
) -> None:
    """Issue #18 item 2, cl. 7-9, 4 г, 4 д–е, 13-15: the six tables of a realistic history,
    in Russian, dates in the group's zone (Moscow), values in words; each export audited."""
    p = await history(world)
    clerk = p["clerk"]

    name, rows = await export(world, clerk, "Состав рабочей группы")
    assert name == "sostav_2027-01-12.csv"
    act = "распоряжение № 45-р от 25.11.2026"
    assert rows == [
        [
            "Участник",
            "Основная роль",
            "Дополнительные роли",
            "Структурное подразделение",
            "В составе с",
            "Акт о включении в состав",
        ],
        ["Председатель Пётр", "председатель рабочей группы", "", "", "01.12.2026", ""],
        ["Заместитель Зоя", "заместитель председателя", "", "", "01.12.2026", ""],
        ["Секретарь Сергей", "сотрудник секретариата", "", "", "01.12.2026", ""],
        ["Член 0", "член рабочей группы", "", "", "01.12.2026", ""],
        ["Член 1", "член рабочей группы", "", "", "01.12.2026", ""],
        [
            "Член 2",
            "член рабочей группы",
            "сотрудник секретариата",
            "",
            "01.12.2026",
            "",
        ],
        [
            "Анна Арсеньева",
            "представитель структурного подразделения",
            "",
            "Отдел А",
            "01.12.2026",
            "",
        ],
        [
            "Борис Бобров",
            "представитель структурного подразделения",
            "",
            "Отдел Б",
            "01.12.2026",
            "",
        ],
        [
            "Вера Власова",
            "представитель структурного подразделения",
            "",
            "Отдел В",
            "01.12.2026",
            "",
        ],
        ["Дмитриев Дмитрий Дмитриевич", "член рабочей группы", "", "Отдел А", "12.01.2027", act],
    ]

    # «Прошлый год» on 12 January 2027 is 2026: both meetings of December.
    name, rows = await export(world, clerk, "Участие в заседаниях и кворум", "Прошлый год")
    assert name == "uchastie_2026-01-01_2026-12-31.csv"
    assert rows[0] == [
        "Группа",
        "Заседание",
        "Дата и время заседания",
        "Участник",
        "Участие",
        "Причина отсутствия",
        "Присутствовали",
        "Членов в составе",
        "Кворум",
    ]
    quorum = ["3", "5", "да"]
    assert rows[1:6] == [
        [WG, MEETING, AT, "Председатель Пётр", "отсутствовал(а)", "", *quorum],
        [WG, MEETING, AT, "Заместитель Зоя", "дистанционно", "", *quorum],
        [WG, MEETING, AT, "Член 0", "дистанционно", "", *quorum],
        [WG, MEETING, AT, "Член 1", "дистанционно", "", *quorum],
        [WG, MEETING, AT, "Член 2", "отсутствовал(а)", "В командировке", *quorum],
    ]
    # The conciliation meeting: the chair and the objector (cl. 15).
    assert [(r[1], r[2], r[3], r[4]) for r in rows[6:] if r[4] != "отсутствовал(а)"] == [
        (CONCIL, "08.12.2026 10:00", "Председатель Пётр", "дистанционно"),
        (CONCIL, "08.12.2026 10:00", "Член 1", "дистанционно"),
    ]
    assert len(rows) == 11

    name, rows = await export(world, clerk, "Голосование по дополнительным вопросам", "Прошлый год")
    assert name == "golosovaniya_2026-01-01_2026-12-31.csv"
    included = "включён в повестку дня"
    assert rows == [
        [
            "Группа",
            "Заседание",
            "Дата и время заседания",
            "Вопрос",
            "Участник",
            "Голос",
            "Итог голосования",
        ],
        [WG, MEETING, AT, "О графике приёма", "Член 0", "за", included],
        [WG, MEETING, AT, "О графике приёма", "Член 1", "против", included],
        [WG, MEETING, AT, "О графике приёма", "Заместитель Зоя", "за", included],
    ]

    # A typed period: December 2026.
    name, rows = await export(world, clerk, "Согласие с протоколами", typed="01.12.2026–31.12.2026")
    assert name == "soglasovanie_2026-12-01_2026-12-31.csv"
    signed = ["1/2026", "05.12.2026", "08.12.2026"]
    assert rows == [
        [
            "Группа",
            "Протокол №",
            "Дата заседания",
            "Дата подписания",
            "Участник",
            "Ответ",
            "Пункт",
            "Замечание",
            "Когда",
        ],
        [WG, *signed, "Заместитель Зоя", "согласие", "", "", "05.12.2026 17:00"],
        [WG, *signed, "Член 0", "согласие", "", "", "05.12.2026 17:00"],
        [WG, *signed, "Член 1", "возражение", "2", "Нужно указать срок", "05.12.2026 17:00"],
    ]

    name, rows = await export(world, clerk, "Поручения", "Весь период")
    assert name == "porucheniya_all.csv"
    assert rows == [
        [
            "Группа",
            "Протокол №",
            "Пункт",
            "Поручение",
            "Ответственный",
            "Дата постановки",
            "Срок",
            "Статус",
            "Дата исполнения",
            "Просрочено",
        ],
        [
            WG,
            "1/2026",
            "1",
            "Подготовить методичку",
            "Отдел А",
            "08.12.2026",
            "31.01.2027",
            "на исполнении",
            "",
            "нет",
        ],
        [
            WG,
            "1/2026",
            "1",
            "Разработать регламент",
            "Отдел Б",
            "08.12.2026",
            "15.12.2026",
            "исполнено",
            "10.12.2026",
            "нет",
        ],
    ]

    # The fourth quarter's deadline (10 January 2027) is in the current year.
    name, rows = await export(world, clerk, "Ежеквартальная сводная информация", "Текущий год")
    assert name == "otchetnost_2027-01-01_2027-12-31.csv"
    quarter = ["IV квартал 2026 г."]
    assert rows == [
        [
            "Отчётный период",
            "Структурное подразделение",
            "Срок представления",
            "Представлено",
            "Отметка",
        ],
        [*quarter, "Отдел А", "10.01.2027", "27.12.2026 10:00", "в срок"],
        [*quarter, "Отдел Б", "10.01.2027", "11.01.2027 12:00", "с опозданием"],
        [*quarter, "Отдел В", "10.01.2027", "", "не представлено"],
    ]
    # Nothing of 2027 is a meeting: the table has its header only.
    _, rows = await export(world, clerk, "Участие в заседаниях и кворум", "Текущий год")
    assert len(rows) == 1

    assert await _exports_audited(world) == [
        {"kind": "composition", "first": None, "last": None, "rows": 10},
        {"kind": "attendance", "first": "2026-01-01", "last": "2026-12-31", "rows": 10},
        {"kind": "votes", "first": "2026-01-01", "last": "2026-12-31", "rows": 3},
        {"kind": "consents", "first": "2026-12-01", "last": "2026-12-31", "rows": 3},
        {"kind": "tasks", "first": None, "last": None, "rows": 2},
        {"kind": "submissions", "first": "2027-01-01", "last": "2027-12-31", "rows": 3},
        {"kind": "attendance", "first": "2027-01-01", "last": "2027-12-31", "rows": 0},
    ]


async def test_issue18_item2_columns_and_values_in_the_readers_language(world: World) -> None:
    """Issue #18 item 2: an administrator reading English gets English columns and words."""
    await working_group(world)
    admin = world.admin(language_code="en")
    before = len(world.session.requests)
    await world.client.send(admin, "/export")
    await world.client.click(admin, "Composition of the working group")
    files = documents_to(world, admin, before)
    assert len(files) == 1
    text = files[0].data.decode("utf-8")
    assert text.startswith("\ufeffParticipant;Main role;Additional roles;Structural unit;")
    assert "Председатель Пётр;chair of the working group;;;01.12.2026;" in text
    caption = next(
        r.caption
        for r in world.session.requests[before:]
        if isinstance(r, SendDocument) and r.chat_id == admin.id
    )
    assert caption == "Composition of the working group as of 1 December 2026. Rows: 6."


async def test_issue18_item2_a_period_ending_before_it_starts_is_refused(world: World) -> None:
    """Issue #18, bad input: a period whose end is before its start is refused with the
    reason and asked again; nothing is sent and nothing is audited. An impossible date too."""
    p = await working_group(world)
    c = world.client
    clerk = p["clerk"]
    before = len(world.session.requests)
    await c.send(clerk, "/export")
    await c.click(clerk, "Поручения")
    await c.click(clerk, "Указать период")
    await c.send(clerk, "31.12.2026–01.01.2026")
    said = c.last_text(clerk)
    assert "Дата окончания периода раньше даты начала. Файл не сформирован." in said
    assert "Введите период в виде ДД.ММ.ГГГГ–ДД.ММ.ГГГГ" in said
    await c.send(clerk, "31.02.2026–01.03.2026")
    assert "Такой даты не существует." in c.last_text(clerk)
    await c.send(clerk, "с начала года")
    assert "Период не распознан." in c.last_text(clerk)
    assert documents_to(world, clerk, before) == []
    assert await _exports_audited(world) == []
    # The dialog is still waiting: a right period now makes the file.
    await c.send(clerk, "01.12.2026-31.12.2026")
    files = documents_to(world, clerk, before)
    assert [f.filename for f in files] == ["porucheniya_2026-12-01_2026-12-31.csv"]
    assert len(await _exports_audited(world)) == 1


async def test_issue18_item2_a_member_may_not_export(world: World) -> None:
    """Issue #18, bad input: /export by a member is refused with who may use it; a forged
    export button is refused too; nothing is sent and nothing is audited."""
    p = await working_group(world)
    c = world.client
    member = p["m0"]
    before = len(world.session.requests)
    await c.send(member, "/export")
    said = c.last_text(member)
    assert "/export" in said and "сотрудник секретариата" in said
    message = c.last_message(member)
    assert message is not None
    await c.click_data(member, message, ExportCb(action="kind", kind="composition").pack())
    await c.click_data(member, message, ExportCb(action="period", kind="tasks", arg="all").pack())
    assert len(c.alerts(member)) == 2
    assert documents_to(world, member, before) == []
    assert await _exports_audited(world) == []


def _events(data: bytes) -> list[tuple[str, str, datetime, int]]:
    calendar = Calendar.from_ical(data)
    return [
        (str(e["UID"]), str(e["SUMMARY"]), e.decoded("DTSTART"), int(str(e["SEQUENCE"])))
        for e in calendar.walk("VEVENT")
    ]


async def _calendar(world: World, user: FakeUser) -> tuple[list[bytes], str]:
    before = len(world.session.requests)
    await world.client.send(user, "/calendar")
    return [f.data for f in documents_to(world, user, before)], world.client.last_text(user)


async def test_issue18_item2_calendar_has_exactly_the_upcoming_meetings_one_is_invited_to(
    world: World,
) -> None:
    """Issue #18 item 2: /calendar sends one .ics of the upcoming meetings the person is
    invited to — the working group's, and a project committee's to its members (cl. 10) —
    each with the UID of its invitation, so calendars merge them; a past meeting is not in it;
    with none upcoming it says so and sends no file."""
    p = await committee(world)
    await schedule_meeting(world, p["chair"])  # 5 December, 15:00
    await schedule_meeting(world, p["chair"], when="20.12.2026 15:00")
    await schedule_committee_meeting(world, p["m0"], when="10.12.2026 11:00")
    await world.deliver()
    world.clock.set(datetime(2026, 12, 6, 9, 0, tzinfo=UTC))
    async with world.db.session() as s:
        meetings = {m.starts_at: m for m in await s.scalars(select(Meeting))}
        invitations = [f.content for f in await s.scalars(select(StoredFile))]
    wg = meetings[datetime(2026, 12, 20, 12, 0, tzinfo=UTC)]
    sub = meetings[datetime(2026, 12, 10, 8, 0, tzinfo=UTC)]
    invited_uids = {uid for data in invitations for uid, *_ in _events(data)}

    files, caption = await _calendar(world, p["m0"])  # head of the committee
    assert len(files) == 1
    events = _events(files[0])
    assert [(uid, start) for uid, _, start, _ in events] == [
        (f"meeting-{sub.id}@wg-bot.local", sub.starts_at),
        (f"meeting-{wg.id}@wg-bot.local", wg.starts_at),
    ]
    assert {uid for uid, *_ in events} <= invited_uids
    assert [summary for _, summary, _, _ in events] == [
        "Заседание комитета по цифровым сервисам",
        MEETING,
    ]
    assert "Предстоящие заседания, на которые вы приглашены: 2." in caption
    assert Calendar.from_ical(files[0])["METHOD"] == "PUBLISH"

    files, _ = await _calendar(world, p["m2"])  # not in the committee
    assert [uid for uid, *_ in _events(files[0])] == [f"meeting-{wg.id}@wg-bot.local"]
    files, _ = await _calendar(world, p["clerk"])  # the secretariat serves the committee too
    assert len(_events(files[0])) == 2

    world.clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=UTC))
    files, said = await _calendar(world, p["m2"])
    assert files == []
    assert said == "Предстоящих заседаний, на которые вы приглашены, нет."
