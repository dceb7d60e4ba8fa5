"""The approved composition for the secretariat and administrators: /composition (cl. 9).

Acts are recorded and completed one question at a time (kind, number, date, file), members
are included by an act, and from a member's card the secretariat sets the roles held besides
the main one, invites a member who has not joined and withdraws a member by an act.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any, TypeVar

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message

from bot.callbacks import CompositionCb
from bot.dialogs import ActDialog, IncludeDialog
from bot.domain.files import file_problem
from bot.domain.roles import Capability, Role, Standing
from bot.filters import Inline, NotCommand, section_router
from bot.menu_commands import apply_person_commands
from bot.services.errors import InvalidInput, NeedsConfirmation
from bot.services.invites import INVITE_PREFIX
from bot.update_context import Ctx
from bot.views.composition import (
    act_card,
    act_summary,
    acts_card,
    date_question,
    file_question,
    include_summary,
    kind_question,
    name_question,
    number_question,
    removal_acts,
    removal_confirm,
    role_question,
    unit_question,
)
from bot.views.invites import created_card
from bot.views.roster import extra_roles_picker, member_card, members_card
from handlers.asking import attached
from handlers.kept_files import keep_document
from handlers.roster import refresh_menu

# An act's scan or signed copy: the same limit as any document the bot keeps by reference.
ACT_FILE_MAX_MB = 20

# A question of a dialog: its text and its buttons.
Question = tuple[str, Any]
Handler = Callable[..., Awaitable[None]]
_T = TypeVar("_T")


async def _again(ctx: Ctx, reason: str, question: Question) -> None:
    """The reason and the same question again; earlier answers are kept (UX.md, Dialogs)."""
    prompt, keyboard = question
    await ctx.send(reason + "\n\n" + prompt, keyboard)


async def _checked(ctx: Ctx, check: Callable[[], _T], question: Question) -> _T | None:
    """A typed answer as the service's check returns it; None after asking again."""
    try:
        return check()
    except InvalidInput as bad:
        await _again(ctx, ctx.t(bad.key, **bad.params), question)
        return None


async def _next(ctx: Ctx, step: State, question: Question, **answer: Any) -> None:
    """Keeps the answer and asks the dialog's next question."""
    await ctx.state.update_data(**answer)
    await ctx.state.set_state(step)
    await ctx.send(*question)


async def composition_list(event: Message | CallbackQuery, ctx: Ctx) -> None:
    """/composition, the menu's button and «back»: the acts, and the members under them."""
    await ctx.state.clear()
    acts = await ctx.composition.acts(ctx.actor)
    await ctx.show(*acts_card(ctx.t, acts, await ctx.roster.members(ctx.actor)))


async def act_open(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    await ctx.show(*act_card(ctx.t, await ctx.composition.act(ctx.actor, callback_data.act)))


async def act_file(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    act = await ctx.composition.act(ctx.actor, callback_data.act)
    if not act.document:
        await ctx.toast("errors.stale", alert=True)
        return
    await ctx.answer()
    if ctx.message is not None:
        await ctx.message.answer_document(act.document["file_id"])


# Recording an act, or completing the initial one
async def act_start(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    act_id = None
    if callback_data.action == "edit":
        act_id = (await ctx.composition.act(ctx.actor, callback_data.act)).id
    await ctx.state.set_state(ActDialog.kind)
    await ctx.state.set_data({"act": act_id})
    await ctx.show(*kind_question(ctx.t))


async def act_kind(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    kind = ctx.composition.check_kind(ctx.actor, callback_data.role)
    await ctx.state.update_data(kind=kind.value)
    await ctx.state.set_state(ActDialog.number)
    await ctx.show(*number_question(ctx.t))


async def act_number(message: Message, ctx: Ctx) -> None:
    typed = message.text or ""
    number = await _checked(
        ctx, lambda: ctx.composition.check_number(ctx.actor, typed), number_question(ctx.t)
    )
    if number is not None:
        await _next(ctx, ActDialog.signed_on, date_question(ctx.t), number=number)


async def act_date(message: Message, ctx: Ctx) -> None:
    typed = message.text or ""
    signed_on = await _checked(
        ctx, lambda: ctx.composition.check_date(ctx.actor, typed), date_question(ctx.t)
    )
    if signed_on is not None:
        await _next(ctx, ActDialog.document, file_question(ctx.t), signed_on=signed_on.isoformat())


async def act_document(message: Message, ctx: Ctx) -> None:
    doc = message.document
    if doc is None:
        await _again(ctx, ctx.t("composition.file_expected"), file_question(ctx.t))
        return
    problem = file_problem(doc.file_name, doc.file_size, ACT_FILE_MAX_MB)
    if problem is not None:
        reason = ctx.t(f"files.{problem.value}", name=doc.file_name or "—", max=ACT_FILE_MAX_MB)
        await _again(ctx, reason, file_question(ctx.t))
        return
    document = {**attached(doc), "mime_type": doc.mime_type, "size": doc.file_size}
    await ctx.state.update_data(document=await keep_document(ctx, document, doc.file_size))
    await _next(ctx, ActDialog.confirm, await _act_summary(ctx))


async def act_no_file(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.state.update_data(document=None)
    await ctx.state.set_state(ActDialog.confirm)
    await ctx.show(*await _act_summary(ctx))


async def _act_summary(ctx: Ctx) -> Question:
    data = await ctx.state.get_data()
    return act_summary(
        ctx.t,
        data["kind"],
        data["number"],
        date.fromisoformat(data["signed_on"]),
        (data.get("document") or {}).get("file_name"),
    )


async def act_save(query: CallbackQuery, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    act = await ctx.composition.record(
        ctx.actor,
        kind=data["kind"],
        number=data["number"],
        signed_on=date.fromisoformat(data["signed_on"]),
        document=data.get("document"),
        act_id=data.get("act"),
    )
    await ctx.state.clear()
    await ctx.toast("composition.saved")
    await ctx.show(*act_card(ctx.t, act))


# Including a member by an act
async def include_start(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    act = await ctx.composition.act(ctx.actor, callback_data.act)
    if not act.complete:
        await ctx.toast("composition.act_incomplete", alert=True)
        return
    await ctx.state.set_state(IncludeDialog.full_name)
    await ctx.state.set_data({"act": act.id})
    await ctx.show(*name_question(ctx.t, act))


async def include_name(message: Message, ctx: Ctx) -> None:
    typed = message.text or ""
    act = await ctx.composition.act(ctx.actor, int((await ctx.state.get_data())["act"]))
    name = await _checked(
        ctx, lambda: ctx.composition.check_name(ctx.actor, typed), name_question(ctx.t, act)
    )
    if name is not None:
        await _next(ctx, IncludeDialog.role, role_question(ctx.t, name), name=name)


async def include_role(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    role = ctx.composition.check_member_role(ctx.actor, callback_data.role)
    data = await ctx.state.get_data()
    await ctx.state.update_data(role=role.value)
    await ctx.state.set_state(IncludeDialog.unit)
    units = await ctx.roster.units(ctx.actor)
    await ctx.show(*unit_question(ctx.t, str(data["name"]), units))


async def include_unit(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    unit_name = None
    if callback_data.unit:
        unit_name = (await ctx.roster.unit(ctx.actor, callback_data.unit)).name
    await ctx.state.update_data(unit=callback_data.unit or None, unit_name=unit_name)
    await ctx.state.set_state(IncludeDialog.confirm)
    await ctx.show(*await _include_summary(ctx))


async def _include_summary(ctx: Ctx, holder: str | None = None) -> Question:
    """The inclusion as the dialog collected it; with the holder it replaces, if asked."""
    data = await ctx.state.get_data()
    act = await ctx.composition.act(ctx.actor, int(data["act"]))
    name, role = str(data["name"]), Role(data["role"])
    return include_summary(ctx.t, act, name, role, data.get("unit_name"), holder)


async def include_save(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    try:
        member, replaced = await ctx.composition.include(
            ctx.actor,
            act_id=int(data["act"]),
            full_name=str(data["name"]),
            role=Role(data["role"]),
            unit_id=data.get("unit"),
            confirmed=callback_data.action == "include_ok_replace",
        )
    except NeedsConfirmation as ask:
        await ctx.show(*await _include_summary(ctx, ask.params["holder"]))
        return
    await ctx.state.clear()
    await ctx.toast("composition.included", name=member.display_name)
    await ctx.show(*member_card(ctx.t, member, 0))
    if replaced is not None:
        # The replaced chair or deputy loses the presiding commands.
        await refresh_menu(ctx, replaced)


# A member's card: extra roles, invitation, withdrawal by an act
async def extra_roles(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    member = await ctx.roster.member(ctx.actor, callback_data.person)
    await ctx.show(*extra_roles_picker(ctx.t, member, callback_data.page))


async def extra_role_toggle(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    try:
        role = Role(callback_data.role)
    except ValueError:
        await ctx.toast("errors.stale", alert=True)
        return
    member = await ctx.roster.set_extra_role(
        ctx.actor, callback_data.person, role, held=callback_data.action == "extra_on"
    )
    await ctx.toast("composition.extra_saved")
    await ctx.show(*extra_roles_picker(ctx.t, member, callback_data.page))
    await refresh_menu(ctx, member)


async def member_invite(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    invite = await ctx.invites.create_for_member(ctx.actor, callback_data.person)
    link = ctx.app.deep_link(INVITE_PREFIX + invite.code)
    await ctx.show(*created_card(ctx.t, invite, link))


async def removal_pick_act(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    member = await ctx.roster.member(ctx.actor, callback_data.person)
    acts = await ctx.composition.acts(ctx.actor)
    await ctx.show(*removal_acts(ctx.t, member, acts, callback_data.page))


async def removal_ask(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    member = await ctx.roster.member(ctx.actor, callback_data.person)
    act = await ctx.composition.act(ctx.actor, callback_data.act)
    if not act.complete:
        await ctx.toast("composition.act_incomplete", alert=True)
        return
    await ctx.show(*removal_confirm(ctx.t, member, act, callback_data.page))


async def removal_done(query: CallbackQuery, callback_data: CompositionCb, ctx: Ctx) -> None:
    removed = await ctx.roster.remove(ctx.actor, callback_data.person, act_id=callback_data.act)
    members = await ctx.roster.members(ctx.actor)
    await ctx.toast("composition.withdrawn", name=removed.display_name)
    await ctx.show(*members_card(ctx.t, members, callback_data.page))
    if removed.person.telegram_id is not None:
        # Withdrawn: no role, so only the commands of someone outside the roster.
        await apply_person_commands(
            ctx.bot,
            removed.person.telegram_id,
            Standing(role=None),
            removed.person.locale(ctx.app.settings.default_locale),
            home=ctx.app.webapp_link("/home"),
        )


async def not_text(message: Message, ctx: Ctx) -> None:
    await ctx.say("errors.text_expected")


def _on(r: Router, handler: Handler, actions: str | set[str], *states: State) -> None:
    """`handler` for the composition's buttons `actions`, in one of `states` (if any)."""
    wanted = {actions} if isinstance(actions, str) else actions
    filters: list[Any] = [CompositionCb.filter(F.action.in_(wanted))]
    if states:
        filters.append(StateFilter(*states))
    r.callback_query.register(handler, *filters)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = section_router(
        "composition", Capability.MANAGE_ROSTER, section="composition", command=composition_list
    )
    _on(r, composition_list, "list")
    _on(r, act_open, "act")
    _on(r, act_file, "file")
    # Recording an act
    _on(r, act_start, {"new", "edit"})
    _on(r, act_kind, "kind", ActDialog.kind)
    typed = (Inline(F.text), NotCommand())
    r.message.register(act_number, StateFilter(ActDialog.number), *typed)
    r.message.register(act_date, StateFilter(ActDialog.signed_on), *typed)
    r.message.register(act_document, StateFilter(ActDialog.document), NotCommand())
    _on(r, act_no_file, "nofile", ActDialog.document)
    _on(r, act_save, "save", ActDialog.confirm)
    # Including a member
    _on(r, include_start, "include")
    r.message.register(include_name, StateFilter(IncludeDialog.full_name), *typed)
    _on(r, include_role, "role", IncludeDialog.role)
    _on(r, include_unit, "unit", IncludeDialog.unit)
    _on(r, include_save, {"include_ok", "include_ok_replace"}, IncludeDialog.confirm)
    # A member's card
    _on(r, extra_roles, "extra")
    _on(r, extra_role_toggle, {"extra_on", "extra_off"})
    _on(r, member_invite, "invite")
    _on(r, removal_pick_act, "rm")
    _on(r, removal_ask, "rm_act")
    _on(r, removal_done, "rm_ok")
    r.message.register(
        not_text,
        StateFilter(ActDialog.number, ActDialog.signed_on, IncludeDialog.full_name),
        NotCommand(),
    )
    return r
