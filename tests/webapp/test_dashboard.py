"""The dashboard in the Mini App (issue #19 item 5): the charts of `/dashboard` drawn in the
page from JSON computed by the very calls the chat's PNG charts are drawn from.

The seeded year is tests/support/steps/insight.py's (frozen clock: 1 December 2026); its
figures were counted by hand there (`EXPECTED`)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.documents.charts import Chart
from bot.i18n import Translator
from bot.services.insight import Dashboard
from bot.services.insight_json import dashboard_json
from bot.views import insight as chart_views
from tests.support.steps.insight import EXPECTED, add_indicator_with_value, seeded_group
from tests.support.steps.onboarding import working_group
from tests.support.webapp import Served

NIGHT = (
    '{"bg_color":"#17212b","text_color":"#f5f5f5","hint_color":"#708499",'
    '"link_color":"#6ab3f3","button_color":"#5288c1","button_text_color":"#ffffff",'
    '"secondary_bg_color":"#232e3c"}'
)


@pytest.fixture
def png_inputs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Dashboard, list[Chart]]]:
    """Every Dashboard the chart code is given, with the charts it makes of it."""
    seen: list[tuple[Dashboard, list[Chart]]] = []
    original = chart_views.dashboard_charts

    def spy(t: Translator, d: Dashboard, today: Any) -> list[Chart]:
        charts = original(t, d, today)
        seen.append((d, charts))
        return charts

    monkeypatch.setattr(chart_views, "dashboard_charts", spy)
    return seen


async def test_issue_19_item_5_the_json_has_the_figures_the_png_charts_are_drawn_from(
    served: Served, png_inputs: list[tuple[Dashboard, list[Chart]]]
) -> None:
    """Months by the rule of cl. 12, reports by cl. 4 г, tasks by cl. 4 д–е, indicators by
    cl. 3 в: the page's figures are the chat's, counted once, by the same calls."""
    world = served.world
    people = await seeded_group(world)
    await add_indicator_with_value(world)
    chair = people["chair"]
    await world.client.send(chair, "/dashboard")
    assert len(png_inputs) == 1
    given, png_charts = png_inputs[0]

    answer = await served.call("GET", "api/dashboard", user=chair)
    assert answer.status == 200
    data = answer.json()
    # The figures are the Dashboard the PNG path received, number for number.
    assert data["figures"] == dashboard_json(given)
    figures = data["figures"]
    held = {tuple(map(int, r["month"].split("-"))): r["held"] for r in figures["compliance"]}
    assert {k: v for k, v in held.items() if v} == EXPECTED["held_by_month"]
    assert {
        x["name"]: (x["held"], x["in_person"], x["remote"]) for x in figures["attendance"]
    } == EXPECTED["attendance"]
    assert {
        x["name"]: (x["on_time"], x["late"], x["missing"]) for x in figures["punctuality"]
    } == EXPECTED["punctuality"]
    assert figures["cycles"] == EXPECTED["cycles"] and figures["tasks"] == EXPECTED["tasks"]
    assert [(k["name"], k["latest"], k["status"]) for k in figures["indicators"]] == [
        ("Доля обращений, рассмотренных в срок", 60.0, "on_track")
    ]
    # The charts the page draws say what the PNGs say: titles, categories, values, texts.
    charts = data["charts"]
    assert [c["title"] for c in charts] == [c.title for c in png_charts]
    for drawn, png in zip(charts, png_charts, strict=True):
        assert drawn["categories"] == list(png.categories)
        assert [s["values"] for s in drawn["series"]] == [list(s.values) for s in png.series]
        assert [s["label"] for s in drawn["series"]] == [s.label for s in png.series]
        assert drawn["axis"] == png.axis_label
    assert charts[4]["series"][0]["texts"] == ["60 (цель 80): 50 %"]


async def test_issue_19_item_5_a_group_with_no_history_gets_the_charts_says_why_they_are_empty(
    served: Served,
) -> None:
    """No meeting held, no reporting deadline come (cl. 12, cl. 4 г), no indicator: the page
    says so in the PNGs' words instead of drawing empty charts."""
    p = await working_group(served.world)
    page = await served.call("GET", "view/dashboard", user=p["clerk"])
    assert page.status == 200
    assert "За этот период заседания не проводились." in page.text
    assert "За этот период сроки представления информации не наступали." in page.text
    assert "Показатели эффективности не установлены" in page.text
    # The months and the tasks are still drawn: twelve months of nothing is a finding.
    assert page.text.count('class="chart-canvas"') == 2
    data = (await served.call("GET", "api/dashboard", user=p["clerk"])).json()
    assert [m["held"] for m in data["figures"]["compliance"]] == [0] * 12
    assert data["figures"]["attendance"] == [] and data["figures"]["indicators"] == []


async def test_issue_19_item_5_in_english_for_an_english_reader(served: Served) -> None:
    world = served.world
    await seeded_group(world)
    reader = world.client.user(9003, "Секретарь", "Сергей", language_code="en")
    answer = await served.call("GET", "api/dashboard", user=reader)
    assert answer.status == 200
    titles = [c["title"] for c in answer.json()["charts"]]
    assert titles[0] == "Monthly meetings (cl. 12), January 2026 – December 2026"
    page = await served.call("GET", "view/dashboard", user=reader)
    assert "The working group&#39;s dashboard" in page.text or "working group's" in page.text
    assert "Requirement of cl. 12" in page.text and "requirement met" in page.text


async def test_issue_19_bad_input_a_member_is_refused_the_dashboard_as_in_chat(
    served: Served,
) -> None:
    """Only those who lead the group's work see the dashboard (issue #18): the member who
    calls the page's addresses gets the chat's refusal, in their language, and no figures."""
    world = served.world
    people = await seeded_group(world)
    member = people["m0"]
    await world.client.send(member, "/dashboard")
    in_chat = world.client.last_text(member)
    assert "председател" in in_chat
    data = await served.call("GET", "api/dashboard", user=member)
    assert data.status == 403
    refusal = data.json()["error"]
    assert "председател" in refusal and "figures" not in data.text
    page = await served.call("GET", "view/dashboard", user=member)
    assert page.status == 403
    assert "председател" in page.text and "chart-canvas" not in page.text
    # A forged or missing signature is refused before anything is counted.
    assert (await served.call("GET", "api/dashboard")).status == 401


async def _numbers(page: Any, chart: str) -> list[list[str]]:
    rows = page.locator(f"#chart-{chart} table tbody tr")
    out = []
    for i in range(await rows.count()):
        cells = rows.nth(i).locator("th, td")
        out.append(
            [(await cells.nth(j).text_content() or "").strip() for j in range(await cells.count())]
        )
    return out


async def test_issue_19_item_5_the_dashboard_draws_its_charts_in_the_page(
    served: Served, browser: Any, shots: Any
) -> None:
    """The secretariat opens the dashboard at 360 px and 1280 px (and in Telegram's night
    theme): five charts drawn by the page, the figures of the seeded year (the months of
    cl. 12, the reports of cl. 4 г) in the tables and on the bars."""
    world = served.world
    people = await seeded_group(world)
    await add_indicator_with_value(world)
    clerk = people["clerk"]
    for width, theme in ((360, None), (1280, None), (360, NIGHT)):
        page = await browser.new_page(viewport={"width": width, "height": 900})
        await page.goto(served.page_url(clerk, "/dashboard", theme=theme))
        await page.wait_for_selector("text=Показатели работы рабочей группы")
        # Five charts, each an SVG drawn by the page's script, none from an image.
        await page.wait_for_function("document.querySelectorAll('.chart-canvas svg').length === 5")
        assert await page.locator("img").count() == 0
        titles = await page.locator(".chart h2").all_inner_texts()
        assert titles[0] == (
            "Ежемесячные заседания (п. 12 Положения), январь 2026 г. — декабрь 2026 г."
        )
        assert titles[4].startswith("Показатели эффективности: достижение целевых значений")
        assert "Период: январь 2026 г. — декабрь 2026 г." in await page.inner_text("main")

        # The figures as a person reads them in the tables under the charts.
        compliance = await _numbers(page, "compliance")
        assert compliance[0] == ["январь 2026 г.", "1", "требование соблюдено"]
        assert compliance[1] == ["февраль 2026 г.", "0", "требование не соблюдено"]
        assert compliance[11] == ["декабрь 2026 г.", "0", "месяц не завершён"]
        attendance = {row[0]: row[1:] for row in await _numbers(page, "attendance")}
        assert attendance["Член 2"] == ["2", "1", "1", "0"]
        assert attendance["Член 1"] == ["5", "0", "1", "4"]
        punctuality = {row[0]: row[1:] for row in await _numbers(page, "punctuality")}
        assert punctuality["Правовой отдел"] == ["1", "1", "1"]
        tasks = await _numbers(page, "tasks")
        assert [row[1] for row in tasks] == ["2", "1", "1", "1"]
        indicators = await _numbers(page, "indicators")
        assert indicators == [
            [
                "Доля обращений, рассмотренных в срок, %",
                "60 (цель 80): 50 %",
                "в соответствии с планом",
            ]
        ]
        # ... and on the charts themselves: the value at the indicator's bar, the legend.
        drawn = await page.locator("#chart-indicators svg text").all_text_contents()
        assert "60 (цель 80): 50 %" in drawn
        legend = await page.locator("#chart-attendance .legend li").all_inner_texts()
        assert legend == ["очно", "дистанционно", "отсутствовал(а)"]
        axis = await page.locator("#chart-tasks svg .axis-label").all_text_contents()
        assert axis == ["Поручений"]
        # Theme colours: a bar of a missed month is the theme's «danger» colour.
        fill = await page.evaluate(
            "getComputedStyle(document.querySelector('#chart-punctuality .tone-bad')).fill"
        )
        assert fill == "rgb(179, 38, 30)"
        # Nothing wider than the screen; the charts take the page's width.
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        svg_width = await page.evaluate(
            "document.querySelector('#chart-compliance svg').getBoundingClientRect().width"
        )
        assert svg_width <= width
        await page.locator("#chart-attendance details summary").click()
        name = f"dashboard-{width}" + ("-night" if theme else "")
        await shots(page, name)
        await page.close()
