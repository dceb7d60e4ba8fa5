"""The registers in the Mini App (issue #19, item 4; cl. 4 а–к) through its HTTP calls, as
the page's script makes them: everyone in the roster reads the tables and an entry's page;
the secretariat adds and changes entries with the chat's rules, naming a decision or none;
a member or a forged request is refused with the chat's text and nothing changes."""

from __future__ import annotations

from typing import Any

from tests.support.steps.webapp_registers import (
    EVENTS,
    entry_id,
    plan_of_events,
    project_with_roadmap,
    snapshot,
)
from tests.support.webapp import Served

NOT_ALLOWED = "Вести реестры может только секретариат рабочей группы."
STALE = "Кнопка устарела или данные уже изменились. Откройте раздел заново."


async def test_a_member_reads_the_plan_as_a_table_without_forms(served: Served) -> None:
    """Cl. 4 б, е: everyone in the roster reads the Plan; the secretariat keeps it."""
    p = await plan_of_events(served.world)
    page = await served.call("GET", "view/registers", user=p["m0"])
    assert page.status == 200
    html = page.text
    assert "План мероприятий рабочей группы" in html
    for title, _ in EVENTS:
        assert title in html
    # Ordered by due date, as /plan lists them.
    order = [html.index(title) for title in (EVENTS[2][0], EVENTS[0][0], EVENTS[1][0])]
    assert order == sorted(order)
    assert "10 декабря 2026 г." in html and ">запланировано<" in html
    assert "Показано записей: 3 из 3" in html
    assert "<form" not in html and "Добавить мероприятие" not in html
    assert "Реестры ведёт секретариат рабочей группы" in html

    clerk = await served.call("GET", "view/registers/events", user=p["clerk"])
    assert "Добавить мероприятие" in clerk.text and "?v=/registers/add/events" in clerk.text


async def test_every_register_has_its_tab(served: Served) -> None:
    p = await plan_of_events(served.world)
    for book, heading in (
        ("measures", "Перечень первоочередных мероприятий"),
        ("projects", "Приоритетные проекты"),
        ("documents", "Документы рабочей группы"),
    ):
        page = await served.call("GET", f"view/registers/{book}", user=p["m1"])
        assert page.status == 200 and heading in page.text
        assert 'aria-current="page"' in page.text
    unknown = await served.call("GET", "view/registers/secret", user=p["m1"])
    assert unknown.status == 404 and STALE in unknown.text


async def test_the_secretariat_adds_an_entry_as_the_chat_dialog_does(served: Served) -> None:
    """Cl. 4 б: an event entered by the decision that approved it; the chat shows it too."""
    p = await plan_of_events(served.world)
    form = await served.call("GET", "view/registers/add/events", user=p["clerk"])
    assert form.status == 200
    assert "№ 7/2026, вопрос 1: Включить семинар в План мероприятий." in form.text
    assert "Отдел качества" in form.text and "Член 0" in form.text
    decision = _option(form.text, "№ 7/2026, вопрос 1")
    unit = _option(form.text, "Отдел качества")
    answer = await served.call(
        "POST",
        "api/registers/events",
        user=p["clerk"],
        body={
            "title": "  Круглый стол   с заявителями ",
            "unit": unit,
            "responsible": "",
            "due": "2027-02-25",
            "decision": decision,
        },
    )
    assert answer.status == 200, answer.text
    assert answer.json()["message"] == "Запись добавлена."
    view = answer.json()["view"]
    page = await served.call("GET", "view" + view, user=p["m0"])
    assert "Круглый стол с заявителями" in page.text
    assert "25 февраля 2027 г." in page.text and "Отдел качества" in page.text
    assert "протокол № 7/2026, вопрос 1" in page.text

    c = served.world.client
    await c.send(p["m0"], "/plan")
    assert "Круглый стол с заявителями — срок: 25 февраля 2027 г." in c.last_text(p["m0"])


async def test_a_status_change_naming_a_decision_shows_on_the_page_and_in_chat(
    served: Served,
) -> None:
    """Cl. 4 е: a change made by a decision links the entry to it and leaves a note."""
    p = await plan_of_events(served.world)
    seminar = await entry_id(served.world, EVENTS[0][0])
    page = await served.call("GET", f"view/registers/entry/{seminar}", user=p["clerk"])
    decision = _option(page.text, "№ 7/2026, вопрос 2")
    answer = await served.call(
        "POST",
        f"api/registers/entry/{seminar}/status",
        user=p["clerk"],
        body={"status": "in_progress", "decision": decision},
    )
    assert answer.status == 200 and answer.json()["message"] == "Статус изменён."
    page = await served.call("GET", f"view/registers/entry/{seminar}", user=p["m1"])
    assert '<span class="badge warn">в работе</span>' in page.text
    assert "Статус изменён: ⏳ в работе." in page.text
    assert "(основание: протокол № 7/2026, вопрос 2)" in page.text
    assert "<form" not in page.text

    c = served.world.client
    await c.send(p["m1"], "/plan")
    await c.click(p["m1"], f"2. {EVENTS[0][0]}")
    card = c.last_text(p["m1"])
    assert "Статус: ⏳ в работе" in card and "Основание: протокол № 7/2026, вопрос 2" in card


async def test_due_owner_and_note_are_changed_with_the_chat_rules(served: Served) -> None:
    p = await plan_of_events(served.world)
    audit = await entry_id(served.world, EVENTS[2][0])
    clerk = p["clerk"]
    page = await served.call("GET", f"view/registers/entry/{audit}", user=clerk)
    unit, person = _option(page.text, "Отдел качества"), _option(page.text, "Член 1")
    due = await served.call(
        "POST", f"api/registers/entry/{audit}/due", user=clerk, body={"due": "28.02.2027"}
    )
    assert due.status == 200 and due.json()["message"] == "Срок изменён."
    owner = await served.call(
        "POST",
        f"api/registers/entry/{audit}/owner",
        user=clerk,
        body={"unit": unit, "responsible": person, "decision": ""},
    )
    assert owner.status == 200, owner.text
    note = await served.call(
        "POST",
        f"api/registers/entry/{audit}/note",
        user=clerk,
        body={"text": "Проверены два отдела.\nЗамечаний нет.", "decision": ""},
    )
    assert note.status == 200 and note.json()["message"] == "Запись о ходе исполнения добавлена."
    page = await served.call("GET", f"view/registers/entry/{audit}", user=p["m2"])
    assert "28 февраля 2027 г." in page.text
    assert "Отдел качества" in page.text and "Член 1" in page.text
    assert "Секретарь Сергей:</span> Проверены два отдела.\nЗамечаний нет." in page.text


async def test_a_member_calling_the_secretariats_endpoints_is_refused_and_nothing_changes(
    served: Served,
) -> None:
    """Issue #19 item 2: a member who edits the page's requests gets the chat's refusal."""
    p = await plan_of_events(served.world)
    seminar = await entry_id(served.world, EVENTS[0][0])
    before = await snapshot(served.world)
    member = p["m0"]
    calls: list[tuple[str, dict[str, Any]]] = [
        ("api/registers/events", {"title": "Чужое мероприятие", "due": "2027-01-10"}),
        (f"api/registers/entry/{seminar}/status", {"status": "done"}),
        (f"api/registers/entry/{seminar}/due", {"due": "2027-01-10"}),
        (f"api/registers/entry/{seminar}/owner", {"unit": "", "responsible": ""}),
        (f"api/registers/entry/{seminar}/note", {"text": "Сделано"}),
    ]
    for path, body in calls:
        answer = await served.call("POST", path, user=member, body=body)
        assert answer.status == 403, path
        assert answer.json() == {"error": NOT_ALLOWED}
    form = await served.call("GET", "view/registers/add/events", user=member)
    assert form.status == 403 and NOT_ALLOWED in form.text
    assert await snapshot(served.world) == before


async def test_bad_input_gets_the_chats_refusal_and_changes_nothing(served: Served) -> None:
    """Malformed and past dates, a title over the limit, forged ids, a stale owner, a
    decision that is no signed item: the chat's texts, nothing written."""
    p = await plan_of_events(served.world)
    seminar = await entry_id(served.world, EVENTS[0][0])
    clerk = p["clerk"]
    before = await snapshot(served.world)
    cases: list[tuple[str, dict[str, Any], int, str]] = [
        (
            "api/registers/events",
            {"title": "Семинар", "due": "завтра"},
            400,
            "Не удалось разобрать дату. Пример: 25.12.2026",
        ),
        (
            "api/registers/events",
            {"title": "Семинар", "due": "2027-02-30"},
            400,
            "Такой даты не существует. Проверьте число и месяц.",
        ),
        (
            "api/registers/events",
            {"title": "Семинар", "due": "2026-11-30"},
            400,
            "Срок не может быть раньше сегодняшнего дня (1 декабря 2026 г.).",
        ),
        (
            "api/registers/events",
            {"title": "С" * 501, "due": "2027-01-10"},
            400,
            "Наименование должно быть не длиннее",
        ),
        ("api/registers/events", {"title": "   ", "due": "2027-01-10"}, 400, "пустым"),
        (
            "api/registers/events",
            {"title": "Семинар", "due": "2027-01-10", "unit": "999"},
            404,
            STALE,
        ),
        (
            "api/registers/events",
            {"title": "Семинар", "due": "2027-01-10", "decision": "999-1"},
            400,
            "Это решение нельзя указать основанием",
        ),
        (
            "api/registers/events",
            {"title": "Семинар", "due": "2027-01-10", "parent": "1"},
            404,
            STALE,
        ),
        ("api/registers/secret", {"title": "Семинар", "due": "2027-01-10"}, 404, STALE),
        ("api/registers/entry/99999/status", {"status": "done"}, 404, STALE),
        ("api/registers/entry/abc/status", {"status": "done"}, 404, STALE),
        (
            f"api/registers/entry/{seminar}/status",
            {"status": "planned"},
            400,
            "У записи уже этот статус.",
        ),
        (f"api/registers/entry/{seminar}/status", {"status": "overdue"}, 400, STALE),
        (f"api/registers/entry/{seminar}/status", {"status": "done", "decision": "x"}, 404, STALE),
        (f"api/registers/entry/{seminar}/due", {"due": "2026-11-01"}, 400, "раньше сегодняшнего"),
        (
            f"api/registers/entry/{seminar}/due",
            {"due": "32.13.2027"},
            400,
            "Такой даты не существует",
        ),
        (f"api/registers/entry/{seminar}/owner", {"unit": "12345"}, 404, STALE),
        (f"api/registers/entry/{seminar}/owner", {"responsible": "777"}, 404, STALE),
        (
            f"api/registers/entry/{seminar}/note",
            {"text": "З" * 2001},
            400,
            "Запись должна быть не длиннее",
        ),
        (f"api/registers/entry/{seminar}/note", {"text": 5}, 400, "Запрос не распознан"),
    ]
    for path, body, status, text in cases:
        answer = await served.call("POST", path, user=clerk, body=body)
        assert answer.status == status, (path, body, answer.text)
        assert text in answer.json()["error"], (path, body, answer.text)
    not_json = await served.call(
        "POST", f"api/registers/entry/{seminar}/note", user=clerk, body=[1]
    )
    assert not_json.status == 400
    assert await snapshot(served.world) == before


async def test_a_stale_owner_is_refused_after_the_person_left(served: Served) -> None:
    """The page was opened before the person left the roster: the chat's «stale» refusal."""
    p = await plan_of_events(served.world)
    seminar = await entry_id(served.world, EVENTS[0][0])
    page = await served.call("GET", f"view/registers/entry/{seminar}", user=p["clerk"])
    person = _option(page.text, "Член 2")
    await _remove_member(served, "Член 2")
    before = await snapshot(served.world)
    answer = await served.call(
        "POST",
        f"api/registers/entry/{seminar}/owner",
        user=p["clerk"],
        body={"unit": "", "responsible": person},
    )
    assert answer.status == 404 and answer.json() == {"error": STALE}
    assert await snapshot(served.world) == before


async def test_a_project_page_shows_its_roadmap_and_indicators(served: Served) -> None:
    """Cl. 4 б, д, ж: a priority project with its milestones and indicators."""
    p = await plan_of_events(served.world)
    await project_with_roadmap(served.world, p["clerk"])
    listing = await served.call("GET", "view/registers/projects", user=p["m0"])
    assert "Единое окно" in listing.text and "Контрольные точки" in listing.text
    project = await entry_id(served.world, "Единое окно")
    page = await served.call("GET", f"view/registers/entry/{project}", user=p["m0"])
    assert "Дорожная карта" in page.text and "Утверждено техническое задание" in page.text
    assert "1 марта 2027 г." in page.text
    assert "Доля обращений в срок" in page.text and "90" in page.text
    assert "значения ещё не внесены" in page.text

    clerk = p["clerk"]
    kpi_page = await served.call("GET", f"view/registers/entry/{project}", user=clerk)
    kpi = _option(kpi_page.text, "Доля обращений в срок, %")
    value = await served.call(
        "POST",
        f"api/registers/entry/{project}/indicators/{kpi}/values",
        user=clerk,
        body={"value": "75,5", "measured_on": "2026-12-01", "source": ""},
    )
    assert value.status == 200, value.text
    assert "75,5" in value.json()["message"]
    added = await served.call(
        "POST",
        f"api/registers/entry/{project}/indicators",
        user=clerk,
        body={
            "name": "Срок ответа",
            "measure": "дней",
            "baseline": "30",
            "target": "15",
            "target_on": "2027-12-31",
        },
    )
    assert added.status == 200 and "Показатель эффективности добавлен" in added.json()["message"]
    page = await served.call("GET", f"view/registers/entry/{project}", user=p["m0"])
    assert "75,5 на 1 декабря 2026 г." in page.text and "Срок ответа" in page.text

    refused = await served.call(
        "POST",
        f"api/registers/entry/{project}/indicators",
        user=p["m0"],
        body={
            "name": "x",
            "measure": "x",
            "baseline": "1",
            "target": "2",
            "target_on": "2027-12-31",
        },
    )
    assert refused.status == 403
    assert (
        refused.json()["error"]
        == "Вести показатели эффективности может только секретариат рабочей группы."
    )


async def test_the_pages_are_in_english_for_an_english_reader(served: Served) -> None:
    await plan_of_events(served.world)
    english = served.world.client.user(9003, "Секретарь", "Сергей", language_code="en")
    page = await served.call("GET", "view/registers", user=english)
    assert "Plan of events of the working group" in page.text
    assert "Entries shown: 3 of 3" in page.text and "Add an event" in page.text
    seminar = await entry_id(served.world, EVENTS[0][0])
    entry = await served.call("GET", f"view/registers/entry/{seminar}", user=english)
    assert "Register: Plan of events" in entry.text and "Change the status" in entry.text
    assert "No decision" in entry.text and "No progress notes yet." in entry.text
    form = await served.call("GET", "view/registers/add/events", user=english)
    assert "New event of the Plan" in form.text
    refused = await served.call(
        "POST", "api/registers/events", user=english, body={"title": "x", "due": "soon"}
    )
    assert refused.status == 400 and "25.12.2026" in refused.json()["error"]


def _option(html: str, label: str) -> str:
    """The value of the <option> whose label starts with `label`, as a person picks it."""
    for chunk in html.split('<option value="')[1:]:
        value, _, rest = chunk.partition('"')
        shown = rest.split(">", 1)[1].split("</option>", 1)[0]
        if shown.startswith(label):
            return value
    raise AssertionError(f"no option {label!r}")


async def _remove_member(served: Served, name: str) -> None:
    """The person leaves the roster (as /members does it), straight in the database."""
    from sqlalchemy import select, update

    from storage.models import Membership, Person

    async with served.world.db.session() as s, s.begin():
        person = await s.scalar(select(Person.id).where(Person.full_name == name))
        await s.execute(
            update(Membership)
            .where(Membership.person_id == person, Membership.ended_at.is_(None))
            .values(ended_at=served.world.clock.now())
        )


async def test_a_milestone_is_added_from_the_projects_page_within_its_due_date(
    served: Served,
) -> None:
    """Cl. 4 б, д: a milestone not after its project's due date, as the chat checks."""
    p = await plan_of_events(served.world)
    await project_with_roadmap(served.world, p["clerk"])
    project = await entry_id(served.world, "Единое окно")
    form = await served.call("GET", f"view/registers/entry/{project}/milestone", user=p["clerk"])
    assert form.status == 200
    assert "Новая контрольная точка проекта «Единое окно»" in form.text
    # A milestone asks no responsible person: the unit and the date make the roadmap.
    assert 'name="responsible"' not in form.text
    before = await snapshot(served.world)
    late = await served.call(
        "POST",
        "api/registers/projects",
        user=p["clerk"],
        body={"parent": str(project), "title": "Пилотный запуск", "due": "2028-01-31"},
    )
    assert late.status == 400
    assert late.json()["error"].startswith(
        "Контрольная точка не может быть позже срока проекта (31 декабря 2027 г.)."
    )
    assert await snapshot(served.world) == before
    added = await served.call(
        "POST",
        "api/registers/projects",
        user=p["clerk"],
        body={"parent": str(project), "title": "Пилотный запуск", "due": "30.06.2027"},
    )
    assert added.status == 200, added.text
    page = await served.call("GET", "view" + added.json()["view"], user=p["m0"])
    assert "Контрольная точка дорожной карты проекта «Единое окно»" in page.text
    assert "← К проекту «Единое окно»" in page.text
    roadmap = await served.call("GET", f"view/registers/entry/{project}", user=p["m0"])
    assert roadmap.text.index("Утверждено техническое задание") < roadmap.text.index(
        "Пилотный запуск"
    )
    # A project's due date may not move before its latest milestone.
    early = await served.call(
        "POST", f"api/registers/entry/{project}/due", user=p["clerk"], body={"due": "2027-05-01"}
    )
    assert early.status == 400
    assert (
        "Срок проекта не может быть раньше его последней контрольной точки"
        in (early.json()["error"])
    )


async def test_a_document_is_added_with_its_kind_and_shows_its_versions(served: Served) -> None:
    """Cl. 4 в, к: a document of one of the four kinds; its page has the versions part."""
    p = await plan_of_events(served.world)
    form = await served.call("GET", "view/registers/add/documents", user=p["clerk"])
    assert "Методические документы" in form.text
    forged = await served.call(
        "POST",
        "api/registers/documents",
        user=p["clerk"],
        body={"kind": "novel", "title": "Роман", "due": "2027-01-10"},
    )
    # The register service's own refusal of a kind no button offers.
    assert forged.status == 400 and forged.json()["error"] == STALE
    added = await served.call(
        "POST",
        "api/registers/documents",
        user=p["clerk"],
        body={"kind": "methodical", "title": "Методические рекомендации", "due": "2027-03-01"},
    )
    assert added.status == 200, added.text
    page = await served.call("GET", "view" + added.json()["view"], user=p["m0"])
    assert "Документ: методический документ" in page.text
    assert "Версии документа" in page.text and "Версий документа пока нет." in page.text
    listing = await served.call("GET", "view/registers/documents", user=p["m0"])
    assert "Вид документа" in listing.text and "Методические документы" in listing.text
