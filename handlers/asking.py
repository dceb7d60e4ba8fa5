"""Dialog input shared by several routers: a refused answer is told with its reason and the
same question again, and earlier answers are kept."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from aiogram.types import Document, InlineKeyboardMarkup, Message

from bot.domain import fields
from bot.domain.dates import DateInputError, parse_local_datetime
from bot.domain.fields import FieldError, TextField, TextProblem
from bot.update_context import Ctx


async def ask_again(
    ctx: Ctx,
    reason: str,
    question: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    said: Mapping[str, Any] | None = None,
    **params: Any,
) -> None:
    """The refusal's reason and the same question (with its buttons), in the update's chat.
    `params` fill both (a question states the limit the refusal names); `said` only the
    reason (the limit of the part that was refused, the length typed)."""
    text = ctx.t(reason, **{**params, **(said or {})}) + "\n\n" + ctx.t(question, **params)
    await ctx.send(text, markup)


async def text_answer(
    ctx: Ctx,
    message: Message,
    question: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    **params: Any,
) -> str | None:
    """The message's text; None after telling that a text was expected (a file, a photo,
    a sticker where the dialog asks for text) and asking the same question. The dialog
    stays where it was."""
    if message.text is None:
        await ask_again(ctx, "errors.text_expected", question, markup=markup, **params)
    return message.text


async def field_answer(
    ctx: Ctx,
    message: Message,
    field: TextField,
    question: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    empty: str | None = None,
    refused: str | None = None,
    **params: Any,
) -> str | None:
    """The message's text as `field` takes it (invisible characters removed, within its
    limit); None after the field's refusal and the same question, which states the limit.
    Where it reads better, the dialog gives its own reason: `empty` for nothing visible,
    `refused` for either problem (it names the limit too)."""
    params = {"max": field.max_length, **params}
    raw = await text_answer(ctx, message, question, markup=markup, **params)
    if raw is None:
        return None
    try:
        return field.clean(raw)
    except FieldError as bad:
        reason = refused or bad.key
        if empty is not None and bad.problem is TextProblem.EMPTY:
            reason = empty
        await ask_again(ctx, reason, question, markup=markup, said=bad.params, **params)
        return None


async def future_moment(ctx: Ctx, typed: str, question: str) -> datetime | None:
    """A typed date and time in the group's zone, strictly in the future; None after
    telling the person why it was refused."""
    now = ctx.app.clock.now()
    try:
        return parse_local_datetime(typed, tz=ctx.app.tz, now=now, not_before=now)
    except DateInputError as bad:
        await ask_again(ctx, f"dates.{bad.code.value}", question)
        return None


def attached(document: Document) -> dict[str, Any]:
    """A sent document as a dialog keeps it: its id, and its name fit for storage
    (Telegram gives names up to 255 characters; shortened with the extension kept)."""
    return {
        "file_id": document.file_id,
        "file_name": fields.file_name(document.file_name, "document"),
    }
