"""The Mini App: its server around a dispatcher-level world, and a real browser.

The browser is Debian's Chromium (/usr/bin/chromium, or CHROMIUM_PATH), driven through
Playwright's Python API; Playwright's own browser download is never used. Without Chromium
the browser tests skip with that reason, unless REQUIRE_BROWSER=1 (CI) makes it a failure.
Screenshots go to WEBAPP_SCREENSHOTS (docs/screenshots when refreshing them), else tmp_path.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FrozenClock
from tests.support.webapp import Served, serving

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# Looked up once, at collection: the fixtures are async and should not touch the disk.
HAVE_CHROMIUM = CHROMIUM.exists()
NO_BROWSER = f"{CHROMIUM} is not installed (apt-get install chromium): browser tests skipped"


@pytest.fixture
async def served(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[Served]:
    async with serving(tmp_path, clock) as s:
        yield s


class RussianBrowser:
    """The browser of a Russian official: pages open with the ru-RU locale (the language the
    page is told, Intl formatting). The date picker's own placeholder follows headless
    Chromium's interface language, which stays English (mm/dd/yyyy) whatever is asked."""

    def __init__(self, chromium: Any) -> None:
        self._chromium = chromium

    async def new_page(self, **options: Any) -> Any:
        return await self._chromium.new_page(**{"locale": "ru-RU", **options})

    def __getattr__(self, name: str) -> Any:
        return getattr(self._chromium, name)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not HAVE_CHROMIUM:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(NO_BROWSER + " (REQUIRE_BROWSER=1)")
        pytest.skip(NO_BROWSER)
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield RussianBrowser(chromium)
        finally:
            await chromium.close()


@pytest.fixture
def shots(tmp_path: Path) -> Callable[[Any, str], Awaitable[Path]]:
    """Saves a full-page screenshot named `<name>.png` and returns its path."""
    folder = Path(os.environ.get("WEBAPP_SCREENSHOTS", tmp_path / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)

    async def take(page: Any, name: str) -> Path:
        path = folder / f"{name}.png"
        # From the top: a sticky bar would otherwise be drawn where the page was scrolled to.
        await page.evaluate("window.scrollTo(0, 0)")
        await page.screenshot(path=str(path), full_page=True)
        return path

    return take
