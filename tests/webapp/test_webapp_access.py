"""Who may open the Mini App (issue #19 item 2): Telegram's signed initData on every request,
its age, the roster; the frame itself, and the first page each role sees."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.support.steps.onboarding import working_group
from tests.support.webapp import Served, sign_init_data


async def test_the_frame_is_served_without_sign_in_with_a_strict_content_policy(
    served: Served,
) -> None:
    answer = await served.call("GET", "")
    assert answer.status == 200
    assert '<script src="static/app.js?h=' in answer.text
    assert "Загрузка…" in answer.text
    script = await served.call("GET", "static/app.js")
    assert script.status == 200 and "X-Telegram-Init-Data" in script.text
    async with served.http.get(served.url) as response:
        policy = response.headers["Content-Security-Policy"]
    # Nothing but this server's own scripts, styles and requests (item 1: no CDN).
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy


async def test_missing_forged_and_stale_init_data_are_refused_in_russian(served: Served) -> None:
    p = await working_group(served.world)
    clerk = p["clerk"]
    missing = await served.call("GET", "view/home")
    assert missing.status == 401 and "Откройте приложение из Telegram" in missing.text
    api_missing = await served.call("GET", "api/nothing-here")
    # No route: nothing is told about what exists to a caller who has not signed in.
    assert api_missing.status in (401, 404)

    good = served.init_data(clerk)
    forged = good.replace("hash=", "hash=0")
    refused = await served.call("GET", "view/home", init_data=forged)
    assert refused.status == 401 and "Не удалось подтвердить" in refused.text

    other_bot = sign_init_data(
        clerk, signed_at=served.world.clock.now(), token="654321:" + "B" * 35
    )
    assert (await served.call("GET", "view/home", init_data=other_bot)).status == 401

    two_days_ago = sign_init_data(clerk, signed_at=served.world.clock.now() - timedelta(days=2))
    stale = await served.call("GET", "view/home", init_data=two_days_ago)
    assert stale.status == 401 and "Сеанс работы устарел" in stale.text

    from_the_future = sign_init_data(clerk, signed_at=served.world.clock.now() + timedelta(hours=1))
    assert (await served.call("GET", "view/home", init_data=from_the_future)).status == 401

    ok = await served.call("GET", "view/home", init_data=good)
    assert ok.status == 200 and "Здравствуйте, Секретарь Сергей." in ok.text


async def test_someone_not_in_the_roster_is_refused(served: Served) -> None:
    stranger = served.world.client.user(7777, "Посторонний", language_code="ru")
    answer = await served.call("GET", "view/home", user=stranger)
    assert answer.status == 403
    assert "Протоколы" not in answer.text


async def test_the_first_page_shows_the_sections_a_role_may_open(served: Served) -> None:
    p = await working_group(served.world)
    member = await served.call("GET", "view/home", user=p["m0"])
    assert member.status == 200
    assert "Протоколы" in member.text and "Реестры" in member.text
    # The dashboard is for those who lead the group's work (issue #18), not every member.
    assert "Показатели" not in member.text
    clerk = await served.call("GET", "view/home", user=p["clerk"])
    assert "Показатели" in clerk.text
    english = served.world.client.user(9003, "Секретарь", "Сергей", language_code="en")
    # The person chose nothing with /language: the client's language decides.
    answer = await served.call("GET", "view/home", user=english)
    assert "Minutes" in answer.text and "Dashboard" in answer.text
    assert 'data-lang="en"' in answer.text


async def test_the_page_opens_in_a_browser_at_phone_and_desktop_widths(
    served: Served, browser: Any, shots: Any
) -> None:
    p = await working_group(served.world)
    # Telegram Desktop's night theme, as the client sends it.
    theme = (
        '{"bg_color":"#17212b","text_color":"#f5f5f5","hint_color":"#708499",'
        '"link_color":"#6ab3f3","button_color":"#5288c1","button_text_color":"#ffffff",'
        '"secondary_bg_color":"#232e3c"}'
    )
    for width in (360, 1280):
        page = await browser.new_page(viewport={"width": width, "height": 800})
        await page.goto(served.page_url(p["clerk"], theme=theme))
        await page.wait_for_selector("text=Здравствуйте, Секретарь Сергей.")
        tiles = await page.locator(".tile strong").all_inner_texts()
        assert tiles == ["Протоколы", "Реестры", "Показатели"]
        # Telegram's theme colours are the page's (item 7).
        background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(23, 33, 43)"
        # Nothing wider than the phone's screen.
        overflow = await page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        await shots(page, f"home-{width}")
        await page.close()

    # Opened outside Telegram (no signed data): the person is told how to open it.
    page = await browser.new_page(viewport={"width": 360, "height": 800})
    await page.goto(served.url)
    await page.wait_for_selector("text=Откройте приложение из Telegram")
    await page.close()
