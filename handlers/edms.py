"""The signed protocol's package for the document system (СЭД, cl. 15; issue #18 item 4):
«Пакет для СЭД» on the card sends the ZIP to the secretariat or an administrator."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import BufferedInputFile, CallbackQuery

from bot.callbacks import EdmsCb
from bot.filters import on_buttons, private_router
from bot.update_context import Ctx


async def send_package(query: CallbackQuery, callback_data: EdmsCb, ctx: Ctx) -> None:
    # Refusals come first, as an alert on the button; the conversion takes seconds, so the
    # button is answered before it starts.
    source = await ctx.edms.source(ctx.actor, callback_data.protocol)
    await ctx.toast("edms.preparing")
    package = await ctx.edms.package(ctx.actor, source)
    if ctx.message is None:
        return
    reason = package.card["pdf_absent_reason"]
    caption = (
        ctx.t("edms.caption", number=source.number)
        if reason is None
        else ctx.t("edms.caption_no_pdf", number=source.number, reason=reason)
    )
    await ctx.message.answer_document(
        BufferedInputFile(package.content, filename=package.file_name), caption=caption
    )


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("edms")
    on_buttons(r, EdmsCb, {"zip": send_package})
    return r
