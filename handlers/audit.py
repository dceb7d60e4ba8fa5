"""/audit (issue #18 item 1): the audit log for the secretariat and administrators: the
latest entries paged, filters by person, kind and typed period, «Проверить журнал», CSV."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, StateFilter
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from bot.callbacks import AuditCb
from bot.dialogs import AuditDialog
from bot.domain.roles import Capability
from bot.filters import HasCapability, NotCommand, Press, on_presses, private_router
from bot.services.audit import AuditQuery, day_number
from bot.services.errors import InvalidInput
from bot.update_context import Ctx
from bot.views import audit as views
from handlers.asking import ask_again, text_answer


def _query(ctx: Ctx, cb: AuditCb) -> AuditQuery:
    return ctx.audit.query(cb.person, cb.kind, cb.first, cb.last)


async def audit_command(message: Message, ctx: Ctx) -> None:
    shown = await ctx.audit.page(ctx.actor, AuditQuery())
    await ctx.state.clear()
    await ctx.send(*views.page(ctx.t, shown))


async def listed(query: CallbackQuery, callback_data: AuditCb, ctx: Ctx) -> None:
    wanted = _query(ctx, callback_data)
    shown = await ctx.audit.page(ctx.actor, wanted, callback_data.page)
    # A period typed and left unanswered is dropped once the list is back.
    await ctx.state.clear()
    await ctx.show(*views.page(ctx.t, shown))


async def cleared(query: CallbackQuery, ctx: Ctx) -> None:
    shown = await ctx.audit.page(ctx.actor, AuditQuery())
    await ctx.state.clear()
    await ctx.show(*views.page(ctx.t, shown))


async def people(query: CallbackQuery, callback_data: AuditCb, ctx: Ctx) -> None:
    wanted = _query(ctx, callback_data)
    found = await ctx.audit.people(ctx.actor)
    await ctx.show(*views.people_picker(ctx.t, wanted, found, callback_data.page))


async def kinds(query: CallbackQuery, callback_data: AuditCb, ctx: Ctx) -> None:
    wanted = _query(ctx, callback_data)
    ctx.actor.require(Capability.VIEW_AUDIT)
    await ctx.show(*views.kind_picker(ctx.t, wanted))


async def _ask_period(ctx: Ctx, cb: AuditCb, step: object, question: str) -> None:
    wanted = _query(ctx, cb)
    ctx.actor.require(Capability.VIEW_AUDIT)
    await ctx.state.clear()
    await ctx.state.set_state(step)  # type: ignore[arg-type]
    await ctx.state.set_data({"person": wanted.person, "kind": wanted.kind})
    await ctx.answer()
    await ctx.send(ctx.t(question))


async def period(query: CallbackQuery, callback_data: AuditCb, ctx: Ctx) -> None:
    await _ask_period(ctx, callback_data, AuditDialog.period, "audit.ask_period")


async def verify(query: CallbackQuery, ctx: Ctx) -> None:
    verdict = await ctx.audit.verify(ctx.actor)
    await ctx.answer()
    await ctx.send(views.verdict(ctx.t, verdict))


async def _export(ctx: Ctx, wanted: AuditQuery) -> None:
    lines = await ctx.audit.export(ctx.actor, wanted)
    name, content, caption = views.csv_file(ctx.t, wanted, lines)
    if ctx.message is not None:
        await ctx.message.answer_document(
            BufferedInputFile(content, filename=name), caption=caption
        )


async def csv(query: CallbackQuery, callback_data: AuditCb, ctx: Ctx) -> None:
    wanted = _query(ctx, callback_data)
    if wanted.period is None:
        await _ask_period(ctx, callback_data, AuditDialog.export, "audit.ask_export_period")
        return
    await ctx.answer()
    await _export(ctx, wanted)


async def _typed_period(message: Message, ctx: Ctx, question: str) -> AuditQuery | None:
    typed = await text_answer(ctx, message, question)
    if typed is None:
        return None
    try:
        chosen = ctx.audit.check_period(typed)
    except InvalidInput as bad:
        await ask_again(ctx, bad.key, question, said=bad.params)
        return None
    data = await ctx.state.get_data()
    await ctx.state.clear()
    return ctx.audit.query(
        int(data.get("person", 0)),
        str(data.get("kind", "")),
        day_number(chosen.first),
        day_number(chosen.last),
    )


async def typed_period(message: Message, ctx: Ctx) -> None:
    wanted = await _typed_period(message, ctx, "audit.ask_period")
    if wanted is not None:
        await ctx.send(*views.page(ctx.t, await ctx.audit.page(ctx.actor, wanted)))


async def typed_export_period(message: Message, ctx: Ctx) -> None:
    wanted = await _typed_period(message, ctx, "audit.ask_export_period")
    if wanted is not None:
        await _export(ctx, wanted)


PRESSES: tuple[Press, ...] = (
    (listed, "list", None),
    (cleared, "clear", None),
    (people, "people", None),
    (kinds, "kinds", None),
    (period, "period", None),
    (verify, "verify", None),
    (csv, "csv", None),
)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("audit")
    # Others fall through to the fallback router, which says who may use the command.
    r.message.register(audit_command, Command("audit"), HasCapability(Capability.VIEW_AUDIT))
    r.message.register(typed_period, StateFilter(AuditDialog.period), NotCommand())
    r.message.register(typed_export_period, StateFilter(AuditDialog.export), NotCommand())
    on_presses(r, AuditCb, PRESSES)
    return r
