"""What the editor's form sends, read into the drafting service's `ItemDraft`s.

Nothing the page sends is trusted: the shape is checked here (a forged body is «not
understood»), the texts by the service exactly as in the chat. A refusal about one item
names the item, so the secretariat knows which of ten to correct.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from bot.i18n import Translator
from bot.services.errors import InvalidInput, NotFound
from bot.services.protocols.drafting import ItemDraft, clean_draft, task_line

# More than any agenda holds or anyone writes into one item: beyond it, a forged body.
MAX_ITEMS = 100
MAX_TASKS = 100
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("webapp.bad_request")
    return value


def _deadline(raw: str) -> date | None:
    """<input type=date> sends YYYY-MM-DD, or nothing when no deadline was picked."""
    raw = raw.strip()
    if not raw:
        return None
    if not _ISO_DAY.fullmatch(raw):
        raise InvalidInput("protocol.task_format")
    try:
        return date.fromisoformat(raw)
    except ValueError:  # 2027-02-31
        raise InvalidInput("protocol.task_format") from None


def _draft(data: Any) -> ItemDraft:
    if not isinstance(data, dict):
        raise InvalidInput("webapp.bad_request")
    rows = data.get("tasks") or []
    if not isinstance(rows, list) or len(rows) > MAX_TASKS:
        raise InvalidInput("webapp.bad_request")
    tasks = []
    for row in rows:
        if not isinstance(row, dict):
            raise InvalidInput("webapp.bad_request")
        task = task_line(
            _text(row.get("text")), _text(row.get("owner")), _deadline(_text(row.get("deadline")))
        )
        if task is not None:
            tasks.append(task)
    draft = ItemDraft(
        heard=_text(data.get("heard")),
        spoke=_text(data.get("spoke")),
        decided=_text(data.get("decided")),
        tasks=tuple(tasks),
    )
    # The service checks again when it saves; here, to say which item is wrong.
    clean_draft(draft)
    return draft


def read_items(t: Translator, body: dict[str, Any]) -> tuple[dict[int, ItemDraft], int | None]:
    """The items sent (by number) and the version the editor started from."""
    items = body.get("items")
    base = body.get("base")
    if not isinstance(items, dict) or len(items) > MAX_ITEMS:
        raise InvalidInput("webapp.bad_request")
    if base is not None and (not isinstance(base, int) or isinstance(base, bool) or base < 0):
        raise InvalidInput("webapp.bad_request")
    drafts: dict[int, ItemDraft] = {}
    for key, data in items.items():
        # An item number the page never showed is a forged one, as a forged button.
        if not isinstance(key, str) or not key.isdigit() or len(key) > 6:
            raise NotFound("errors.stale")
        number = int(key)
        try:
            drafts[number] = _draft(data)
        except InvalidInput as bad:
            if bad.key == "webapp.bad_request":
                raise
            raise InvalidInput(
                "webapp_protocols.in_item", item=number, text=t.plain(bad.key, **bad.params)
            ) from None
    return drafts, base
