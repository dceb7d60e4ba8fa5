"""Small keyboard builders shared by every card."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

PAGE_SIZE = 10


def button(text: str, data: CallbackData | str) -> InlineKeyboardButton:
    payload = data if isinstance(data, str) else data.pack()
    return InlineKeyboardButton(text=text, callback_data=payload)


def url_button(text: str, url: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, url=url)


def markup(rows: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(inline_keyboard=[row for row in rows if row])


def page_bounds(total: int, page: int) -> tuple[int, int, int]:
    """Clamped page number and the slice [start, end) for a list of `total` items."""
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    start = page * PAGE_SIZE
    return page, start, min(start + PAGE_SIZE, total)


def pager_row(
    page: int, total: int, make: type[CallbackData], **fixed: object
) -> list[InlineKeyboardButton]:
    pages = max(1, -(-total // PAGE_SIZE))
    if pages == 1:
        return []
    row = []
    if page > 0:
        row.append(button("◀", make(page=page - 1, **fixed)))
    row.append(button(f"{page + 1}/{pages}", make(page=page, **fixed)))
    if page < pages - 1:
        row.append(button("▶", make(page=page + 1, **fixed)))
    return row
