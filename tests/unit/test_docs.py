"""Issue #15 item 11: the Russian guides quote the bot's buttons exactly as it shows them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABEL = re.compile(r"\*\*\[(.+?)\]\*\*")


def _strings(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    return []


def russian_texts() -> set[str]:
    files = [ROOT / "locales" / "ru.toml", *sorted((ROOT / "locales" / "ru").glob("*.toml"))]
    return {s for path in files for s in _strings(tomllib.loads(path.read_text()))}


def test_the_admin_guide_exists_and_covers_the_operators_topics() -> None:
    guide = (ROOT / "docs" / "admin-guide.md").read_text()
    for heading in (
        "Установка на сервер",
        "Настройки",
        "Первый запуск",
        "Первый администратор",
        "Резервное копирование",
        "Обновление",
        "Журналы",
        "Вебхук за обратным прокси",
        "Если Telegram недоступен",
    ):
        assert re.search(rf"^## \d+\. {heading}", guide, re.MULTILINE), heading


def test_every_quoted_button_label_exists_in_the_locales() -> None:
    texts = russian_texts()
    quoted = {
        (path.name, label)
        for path in sorted((ROOT / "docs").glob("*.md"))
        for label in LABEL.findall(path.read_text())
    }
    assert quoted, "the guides quote the bot's buttons as **[label]**"
    missing = sorted(q for q in quoted if q[1] not in texts)
    assert not missing, missing


def test_the_documented_exit_codes_are_the_ones_the_bot_uses() -> None:
    from bot import startup

    guide = (ROOT / "docs" / "admin-guide.md").read_text()
    for code in (
        startup.EXIT_CONFIG,
        startup.EXIT_DATABASE,
        startup.EXIT_STORAGE,
        startup.EXIT_LISTEN,
    ):
        assert re.search(rf"^\| {code} \|", guide, re.MULTILINE), code
