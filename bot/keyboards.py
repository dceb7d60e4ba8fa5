"""Small keyboard builders shared by every card."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Message, WebAppInfo

PAGE_SIZE = 10


def button(text: str, data: CallbackData | str) -> InlineKeyboardButton:
    payload = data if isinstance(data, str) else data.pack()
    return InlineKeyboardButton(text=text, callback_data=payload)


def url_button(text: str, url: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, url=url)


def web_app_button(text: str, url: str) -> InlineKeyboardButton:
    """Opens the Mini App at `url` inside Telegram, which signs who opened it (issue #19)."""
    return InlineKeyboardButton(text=text, web_app=WebAppInfo(url=url))


def in_private(link: str | None, where: Message | Chat | None) -> str | None:
    """`link` when a web_app button may be put under a message in `where`, else None.

    Telegram accepts web_app buttons in private chats only (a group's message with one is
    refused), so a chat that is not known to be private gets no button; nor does a bot
    without the Mini App (`link` None, see AppContext.webapp_link)."""
    chat = where.chat if isinstance(where, Message) else where
    if link is None or chat is None or chat.type != "private":
        return None
    return link


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
