"""The registers in a real browser (issue #19, items 4 and 7): the secretariat opens the
Plan, sorts and filters it, adds an event with the form, changes an entry's status naming
a decision and sees it in the table and in the chat's card; a member sees the table and no
forms. Screenshots of a register and an entry at phone and desktop widths."""

from __future__ import annotations

from typing import Any

from tests.support.steps.webapp_registers import (
    EVENTS,
    entry_id,
    plan_of_events,
    project_with_roadmap,
)
from tests.support.webapp import Served

WIDTHS = (360, 1280)


async def _titles(page: Any) -> list[str]:
    return await page.locator("#reg-table tbody tr:not([hidden]) td.reg-title").all_inner_texts()


async def _no_page_overflow(page: Any) -> None:
    """Nothing wider than the screen: a wide table scrolls inside .table-wrap."""
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


async def test_the_secretariat_keeps_the_plan_in_the_browser(
    served: Served, browser: Any, shots: Any
) -> None:
    """Cl. 4 б, е: the Plan kept by the secretariat; a change made by a decision names it."""
    p = await plan_of_events(served.world)
    clerk = p["clerk"]
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    await page.goto(served.page_url(clerk, "/registers"))
    await page.wait_for_selector("text=План мероприятий рабочей группы")
    # By due date, as /plan lists them.
    assert await _titles(page) == [EVENTS[2][0], EVENTS[0][0], EVENTS[1][0]]

    await page.click("th[data-col='1'] button")
    assert await _titles(page) == sorted(t for t, _ in EVENTS)
    await page.click("th[data-col='5'] button")
    await page.click("th[data-col='5'] button")
    assert await _titles(page) == [EVENTS[1][0], EVENTS[0][0], EVENTS[2][0]]
    assert await page.get_attribute("th[data-col='5']", "aria-sort") == "descending"

    await page.fill("#reg-q", "семинар")
    assert await _titles(page) == [EVENTS[0][0]]
    assert await page.inner_text("[data-shown]") == "Показано записей: 1 из 3"
    await page.fill("#reg-q", "")
    await page.select_option("#reg-s", "done")
    assert await _titles(page) == []
    assert await page.is_visible("text=Ни одна запись не соответствует условиям поиска.")
    await page.select_option("#reg-s", "")

    # Adding an event with the form, by the decision that approved it.
    await page.click("text=Добавить мероприятие")
    await page.wait_for_selector("#reg-add")
    await page.fill("#reg-add-title", "Круглый стол с заявителями")
    await page.select_option("#reg-add-unit", label="Отдел качества")
    await page.fill("#reg-add-due", "2027-02-25")
    await page.select_option(
        "#reg-add-decision", label="№ 7/2026, вопрос 1: Включить семинар в План мероприятий."
    )
    await page.click("#reg-add button[type=submit]")
    await page.wait_for_selector("h1:has-text('Круглый стол с заявителями')")
    assert await page.inner_text("#notice") == "Запись добавлена."
    assert "протокол № 7/2026, вопрос 1" in await page.inner_text("[data-field=basis]")

    # Changing the seminar's status, naming decision 2.
    seminar = await entry_id(served.world, EVENTS[0][0])
    await page.goto(served.page_url(clerk, f"/registers/entry/{seminar}"))
    await page.wait_for_selector("#reg-status")
    await page.select_option("#reg-status-value", "in_progress")
    await page.select_option(
        "#reg-status-decision", label="№ 7/2026, вопрос 2: Продлить анкетирование."
    )
    await page.click("#reg-status button[type=submit]")
    await page.wait_for_selector("[data-field=status]:has-text('в работе')")
    assert "Статус изменён: ⏳ в работе." in await page.inner_text(".reg-notes")

    await page.click("text=К реестру «План мероприятий»")
    await page.wait_for_selector("#reg-table")
    assert "Круглый стол с заявителями" in await _titles(page)
    await page.select_option("#reg-s", "in_progress")
    assert await _titles(page) == [EVENTS[0][0]]
    await page.close()

    # The chat's card of that entry says the same.
    c = served.world.client
    await c.send(clerk, "/plan")
    await c.click(clerk, f"2. {EVENTS[0][0]}")
    card = c.last_text(clerk)
    assert "Статус: ⏳ в работе" in card and "Основание: протокол № 7/2026, вопрос 2" in card

    for width in WIDTHS:
        page = await browser.new_page(viewport={"width": width, "height": 800}, locale="ru-RU")
        await page.goto(served.page_url(clerk, "/registers/events"))
        await page.wait_for_selector("#reg-table")
        await _no_page_overflow(page)
        await shots(page, f"registers-plan-{width}")
        await page.goto(served.page_url(clerk, f"/registers/entry/{seminar}"))
        await page.wait_for_selector("#reg-status")
        await _no_page_overflow(page)
        await shots(page, f"registers-entry-{width}")
        await page.goto(served.page_url(clerk, "/registers/add/documents"))
        await page.wait_for_selector("#reg-add")
        await _no_page_overflow(page)
        await shots(page, f"registers-add-{width}")
        await page.close()


async def test_a_member_sees_the_tables_and_no_forms(
    served: Served, browser: Any, shots: Any
) -> None:
    p = await plan_of_events(served.world)
    await project_with_roadmap(served.world, p["clerk"])
    member = p["m0"]
    project = await entry_id(served.world, "Единое окно")
    for width in WIDTHS:
        page = await browser.new_page(viewport={"width": width, "height": 800}, locale="ru-RU")
        await page.goto(served.page_url(member, "/registers/projects"))
        await page.wait_for_selector("#reg-table")
        assert await _titles(page) == ["Единое окно"]
        assert await page.locator("form").count() == 0
        assert not await page.is_visible("text=Добавить проект")
        await page.click("text=Единое окно")
        await page.wait_for_selector("text=Дорожная карта")
        assert await page.is_visible("text=Утверждено техническое задание")
        assert await page.is_visible("text=Доля обращений в срок")
        assert await page.locator("form").count() == 0
        await _no_page_overflow(page)
        await shots(page, f"registers-project-member-{width}")
        await page.close()

    # The secretariat enters a value of the project's indicator with the form (cl. 3 в).
    page = await browser.new_page(viewport={"width": 360, "height": 800}, locale="ru-RU")
    await page.goto(served.page_url(p["clerk"], f"/registers/entry/{project}"))
    await page.wait_for_selector("#reg-kpi-value")
    await page.fill("#reg-kpi-value-v", "81,5")
    await page.click("#reg-kpi-value button[type=submit]")
    await page.wait_for_selector(".reg-kpis td:has-text('81,5 на 1 декабря 2026 г.')")
    assert "Значение показателя «Доля обращений в срок, %» внесено: 81,5" in await page.inner_text(
        "#notice"
    )
    await _no_page_overflow(page)
    await shots(page, "registers-project-clerk-360")
    await page.close()
