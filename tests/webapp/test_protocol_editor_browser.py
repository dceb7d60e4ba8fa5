"""The protocol editor in a real browser (issue #19 item 3, "Tests in a real browser"): the
secretariat writes a protocol of three items with two tasks, saves, changes an item, saves
again, compares versions 1 and 2, sends the draft for consent, and sees a member's consent
given in chat arrive on the open page without a reload. Screenshots at 360 and 1280 px."""

from __future__ import annotations

from typing import Any

from tests.support.steps.webapp_protocols import ITEMS, consent_in_chat, meeting_of_three, versions
from tests.support.webapp import Served

# The editor as rendered after version N was saved (the notice says "версия N" too, and a
# text selector would find it there before the page is replaced).
EDITOR = 'form#protocol-form[data-base="{}"]'
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# The elements that reach past the screen's right edge, to name them when one does.
WIDE = """[...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter((e) => e.getBoundingClientRect().width > 1)
  .map((e) => e.tagName + "." + e.className).slice(0, 5)"""


async def shot(shots: Any, page: Any, name: str) -> None:
    """The whole page in a window as tall as it is: a full-page capture of a shorter window
    draws the sticky bars (the header, «Сохранить») where that window's edges were."""
    size = page.viewport_size
    height = await page.evaluate("document.documentElement.scrollHeight")
    await page.set_viewport_size({"width": size["width"], "height": height})
    await shots(page, name)
    await page.set_viewport_size(size)


async def no_overflow(page: Any) -> None:
    wide = await page.evaluate(WIDE)
    assert await page.evaluate(OVERFLOW) <= 0, f"the page is wider than the screen: {wide}"


async def add_task(page: Any, item: int, what: str, owner: str, deadline: str) -> None:
    fieldset = page.locator(f'fieldset[data-number="{item}"]')
    await fieldset.get_by_role("button", name="Добавить поручение").click()
    row = fieldset.locator(".ptask").last
    await row.locator('[name="text"]').fill(what)
    await row.locator('[name="owner"]').fill(owner)
    if deadline:
        await row.locator('[name="deadline"]').fill(deadline)


async def test_cl14_the_secretariat_writes_compares_and_sends_a_protocol_in_the_browser(
    served: Served, browser: Any, shots: Any
) -> None:
    world = served.world
    p = await meeting_of_three(world)
    clerk = p["clerk"]
    page = await browser.new_page(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page.on("dialog", lambda dialog: dialog.accept())
    await page.goto(served.page_url(clerk, "/protocols"))
    await page.wait_for_selector("text=Заседания без протокола")
    await shot(shots, page, "protocols-list-empty-1280")
    await page.get_by_role("button", name="Составить протокол").click()
    await page.wait_for_selector(f"text=Вопрос 3. {ITEMS[2]}")
    # The fields carry the protocol's own words.
    labels = await page.locator('fieldset[data-number="1"] label[for]').all_inner_texts()
    assert [x.split()[0] for x in labels] == ["СЛУШАЛИ", "ВЫСТУПИЛИ", "РЕШИЛИ"]

    for n in (1, 2, 3):
        await page.fill(f"#heard-{n}", f"Докладчик по вопросу {n}")
        await page.fill(f"#decided-{n}", f"Решение по вопросу {n}.")
    await page.fill("#spoke-1", "Член 1 поддержал проект.")
    await add_task(page, 1, "Подготовить методичку", "Отдел качества", "2027-01-31")
    await add_task(page, 2, "Обновить план", "Член 1", "")
    # A row added by mistake is removed before saving.
    await add_task(page, 3, "Лишнее поручение", "Член 0", "")
    await page.locator('fieldset[data-number="3"] [data-remove-task]').click()
    await page.get_by_role("button", name="Сохранить").click()
    await page.wait_for_selector("#notice >> text=Сохранено: версия 1")
    await page.wait_for_selector(EDITOR.format(1))
    assert [n for n, _ in await versions(world)] == [1]
    assert await page.locator('fieldset[data-number="1"] [name="deadline"]').input_value() == (
        "2027-01-31"
    )
    assert await page.locator('fieldset[data-number="3"] .ptask').count() == 0

    await page.fill("#decided-2", "Принять план к сведению с изменениями.")
    await page.get_by_role("button", name="Сохранить").click()
    await page.wait_for_selector("#notice >> text=Сохранено: версия 2")
    await page.wait_for_selector(EDITOR.format(2))
    await shot(shots, page, "protocols-editor-1280")

    await page.get_by_role("link", name="Сравнить с версией 1").click()
    await page.wait_for_selector("text=сравнение версий 1 и 2")
    assert await page.locator(".diff del").first.inner_text() == "Решение по вопросу 2"
    assert await page.locator(".diff ins").first.inner_text() == (
        "Принять план к сведению с изменениями"
    )
    # Two columns side by side on a desktop.
    old, new = page.locator(".diff .pane.old").first, page.locator(".diff .pane.new").first
    assert (await old.bounding_box())["y"] == (await new.bounding_box())["y"]
    await shot(shots, page, "protocols-diff-1280")
    await page.go_back()
    await page.wait_for_selector(EDITOR.format(2))

    await page.get_by_role("button", name="Направить на согласование").click()
    await page.wait_for_selector("#notice >> text=Проект направлен")
    # The editor rendered again, without the button (the draft is on consent now).
    await page.wait_for_selector('form[data-api$="/request"]', state="detached")
    await page.wait_for_selector("[data-status] >> text=на согласовании")
    await world.deliver()
    # Something typed and not saved yet: the live list must leave it alone.
    await page.fill("#spoke-3", "Не сохранённый текст")
    waiting = page.locator("li.consent-silent")
    assert await waiting.count() == 3
    await consent_in_chat(world, p["m0"])
    await page.wait_for_selector("li.consent-consented >> text=Член 0 — устное согласие (очно)")
    assert await page.locator("[data-summary]").inner_text() == (
        "Устное согласие подтвердили: 1 из 3 присутствовавших."
    )
    assert await page.input_value("#spoke-3") == "Не сохранённый текст"
    await shot(shots, page, "protocols-consent-1280")
    await page.close()

    # A phone: the list, the editor, the difference stacked in one column.
    phone = await browser.new_page(viewport={"width": 360, "height": 800}, locale="ru-RU")
    await phone.goto(served.page_url(clerk, "/protocols"))
    await phone.wait_for_selector("text=1/2026")
    await no_overflow(phone)
    await shot(shots, phone, "protocols-list-360")
    await phone.goto(served.page_url(clerk, "/protocols/1"))
    await phone.wait_for_selector(EDITOR.format(2))
    await no_overflow(phone)
    await shot(shots, phone, "protocols-editor-360")
    await phone.goto(served.page_url(clerk, "/protocols/1/diff?a=1%26b=2"))
    await phone.wait_for_selector("text=сравнение версий 1 и 2")
    old, new = phone.locator(".diff .pane.old").first, phone.locator(".diff .pane.new").first
    assert (await old.bounding_box())["y"] < (await new.bounding_box())["y"]
    await no_overflow(phone)
    await shot(shots, phone, "protocols-diff-360")
    await phone.close()

    # A member: only the signed protocols, and nothing to edit.
    member = await browser.new_page(viewport={"width": 360, "height": 800}, locale="ru-RU")
    await member.goto(served.page_url(p["m0"], "/protocols"))
    await member.wait_for_selector("text=подписанные протоколы")
    assert await member.locator("textarea, [data-api]").count() == 0
    await shot(shots, member, "protocols-list-member-360")
    await member.close()
