"""Expert groups and project committees (cl. 10) and outside specialists (cl. 16 в):
/subgroups, a subgroup's card, the forming dialog (a signed protocol's item, the kind, the
name, the purpose, the head, the members), its people, the head's report.

Outside specialists are not in the working group's roster: the gate lets them reach only
their subgroups' cards, /subgroups, /menu and /help (`outsider_handlers`); everything of the
working group is refused to them with the reason."""

from __future__ import annotations

from typing import Any

from aiogram import F, Router
from aiogram.filters import Command, Filter, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.callbacks import LangCb, MenuCb, SubgroupCb
from bot.domain.roles import Standing
from bot.domain.subgroups import SUBGROUP_NAME, SUBGROUP_PURPOSE
from bot.filters import NotCommand, private_router
from bot.i18n import Raw
from bot.menu_commands import apply_person_commands
from bot.services.errors import InvalidInput
from bot.services.invites import INVITE_PREFIX
from bot.services.subgroups import Draft
from bot.update_context import Ctx
from bot.views import subgroups as views
from handlers.asking import attached, text_answer
from handlers.common import cancel_command, language_chosen, language_command
from handlers.kept_files import keep_document


class SubgroupDialog(StatesGroup):
    decision = State()
    kind = State()
    name = State()
    purpose = State()
    head = State()
    members = State()
    confirm = State()
    specialist = State()
    report = State()


# Reading
async def show_list(event: Message | CallbackQuery, ctx: Ctx) -> None:
    items = await ctx.subgroups.listing(ctx.actor)
    await ctx.show(*views.listing(ctx.t, items, ctx.subgroups.may_form(ctx.actor)))


async def list_button(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    await ctx.state.clear()
    await show_list(query, ctx)


async def show_card(ctx: Ctx, group_id: int) -> None:
    await ctx.show(*views.card(ctx.t, await ctx.subgroups.card(ctx.actor, group_id)))


async def card_button(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    await ctx.state.clear()
    await show_card(ctx, callback_data.group)


# Forming (cl. 10): the secretariat or the chair, from a signed protocol's item
async def form_start(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    decisions = await ctx.subgroups.decisions(ctx.actor)
    await ctx.state.clear()
    if not decisions:
        raise InvalidInput("subgroups.no_decisions")
    await ctx.state.set_state(SubgroupDialog.decision)
    await ctx.show(*views.decision_picker(ctx.t, decisions))


async def decision_chosen(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    basis = await ctx.subgroups.check_decision(
        ctx.actor, callback_data.protocol or None, callback_data.item or None
    )
    await ctx.state.update_data(protocol=basis.protocol_id, item=basis.item_number)
    await ctx.state.set_state(SubgroupDialog.kind)
    await ctx.show(*views.kind_picker(ctx.t))


async def kind_chosen(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    kind = ctx.subgroups.check_kind(ctx.actor, callback_data.arg)
    await ctx.state.update_data(kind=kind.value)
    await ctx.state.set_state(SubgroupDialog.name)
    await ctx.show(views.ask_name(ctx.t))


async def name_typed(message: Message, ctx: Ctx) -> None:
    question = views.ask_name(ctx.t)
    typed = await text_answer(ctx, message, "subgroups.ask_name", max=SUBGROUP_NAME.max_length)
    if typed is None:
        return
    try:
        name = ctx.subgroups.check_name(typed)
    except InvalidInput as bad:
        await ctx.send(ctx.t(bad.key, **bad.params) + "\n\n" + question)
        return
    await ctx.state.update_data(name=name)
    await ctx.state.set_state(SubgroupDialog.purpose)
    await ctx.send(views.ask_purpose(ctx.t))


async def purpose_typed(message: Message, ctx: Ctx) -> None:
    question = views.ask_purpose(ctx.t)
    typed = await text_answer(
        ctx, message, "subgroups.ask_purpose", max=SUBGROUP_PURPOSE.max_length
    )
    if typed is None:
        return
    try:
        purpose = ctx.subgroups.check_purpose(typed)
    except InvalidInput as bad:
        await ctx.send(ctx.t(bad.key, **bad.params) + "\n\n" + question)
        return
    await ctx.state.update_data(purpose=purpose)
    await ctx.state.set_state(SubgroupDialog.head)
    await ctx.send(*views.head_picker(ctx.t, await ctx.subgroups.candidates(ctx.actor)))


async def head_chosen(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    people = await ctx.subgroups.candidates(ctx.actor)
    if callback_data.person not in {m.person.id for m in people}:
        raise InvalidInput("subgroups.not_a_member")
    await ctx.state.update_data(head=callback_data.person, members=[])
    await ctx.state.set_state(SubgroupDialog.members)
    others = [m for m in people if m.person.id != callback_data.person]
    await ctx.show(*views.members_picker(ctx.t, others, ()))


async def member_toggled(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    people = [m for m in await ctx.subgroups.candidates(ctx.actor) if m.person.id != data["head"]]
    if callback_data.person not in {m.person.id for m in people}:
        raise InvalidInput("subgroups.not_a_member")
    chosen: list[int] = list(data.get("members", []))
    if callback_data.person in chosen:
        chosen.remove(callback_data.person)
    else:
        chosen.append(callback_data.person)
    await ctx.state.update_data(members=chosen)
    await ctx.show(*views.members_picker(ctx.t, people, chosen))


async def members_done(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    basis = await ctx.subgroups.check_decision(ctx.actor, data["protocol"], data["item"])
    people = {m.person.id: m.display_name for m in await ctx.subgroups.candidates(ctx.actor)}
    await ctx.state.set_state(SubgroupDialog.confirm)
    await ctx.show(
        *views.summary(
            ctx.t,
            kind=data["kind"],
            name=data["name"],
            purpose=data["purpose"],
            basis=basis,
            head=people.get(data["head"], ""),
            members=[people[p] for p in data.get("members", []) if p in people],
        )
    )


def _draft(data: dict[str, Any]) -> Draft:
    return Draft(
        protocol_id=data.get("protocol"),
        item_number=data.get("item"),
        kind=str(data.get("kind", "")),
        name=str(data.get("name", "")),
        purpose=str(data.get("purpose", "")),
        head_id=data.get("head"),
        member_ids=tuple(data.get("members", [])),
    )


async def save(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    group = await ctx.subgroups.form(ctx.actor, _draft(await ctx.state.get_data()))
    await ctx.state.clear()
    await ctx.toast("subgroups.formed")
    await show_card(ctx, group.id)


# Its people: the head, the chair or the secretariat
async def add_start(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    group = await ctx.subgroups.check_manager(ctx.actor, callback_data.group)
    people = await ctx.subgroups.candidates(ctx.actor, group.id)
    await ctx.show(*views.add_picker(ctx.t, group, people))


async def add_chosen(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    member = await ctx.subgroups.add_member(ctx.actor, callback_data.group, callback_data.person)
    await ctx.toast("subgroups.added", name=member.display_name)
    await show_card(ctx, callback_data.group)


async def remove_start(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    group = await ctx.subgroups.check_manager(ctx.actor, callback_data.group)
    people = await ctx.subgroups.removable(ctx.actor, group.id)
    await ctx.show(*views.remove_picker(ctx.t, group, people))


async def remove_chosen(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    member = await ctx.subgroups.remove_member(ctx.actor, callback_data.group, callback_data.person)
    await ctx.toast("subgroups.removed", name=member.display_name)
    await show_card(ctx, callback_data.group)


async def dissolve_start(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    group = await ctx.subgroups.check_manager(ctx.actor, callback_data.group)
    await ctx.show(*views.confirm_dissolve(ctx.t, group))


async def dissolve_confirmed(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    await ctx.subgroups.dissolve(ctx.actor, callback_data.group)
    await ctx.toast("subgroups.dissolved_done")
    await show_card(ctx, callback_data.group)


async def specialist_start(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    group = await ctx.subgroups.check_manager(ctx.actor, callback_data.group)
    await ctx.state.clear()
    await ctx.state.set_state(SubgroupDialog.specialist)
    await ctx.state.update_data(group=group.id)
    await ctx.show(*views.ask_specialist(ctx.t, group))


async def specialist_named(message: Message, ctx: Ctx) -> None:
    data = await ctx.state.get_data()
    group = await ctx.subgroups.check_manager(ctx.actor, int(data["group"]))
    question, keyboard = views.ask_specialist(ctx.t, group)
    if message.text is None:
        await ctx.send(ctx.t("errors.text_expected") + "\n\n" + question, keyboard)
        return
    try:
        invite = await ctx.subgroups.invite_specialist(ctx.actor, group.id, message.text)
    except InvalidInput as bad:
        await ctx.send(ctx.t(bad.key, **bad.params) + "\n\n" + question, keyboard)
        return
    await ctx.state.clear()
    link = ctx.app.deep_link(INVITE_PREFIX + invite.code)
    await ctx.send(*views.specialist_link(ctx.t, group, invite, link))


# The head's report to the working group (cl. 10)
async def report_start(query: CallbackQuery, callback_data: SubgroupCb, ctx: Ctx) -> None:
    group = await ctx.subgroups.check_reporter(ctx.actor, callback_data.group)
    await ctx.state.clear()
    await ctx.state.set_state(SubgroupDialog.report)
    await ctx.state.update_data(group=group.id)
    await ctx.send(views.ask_report(ctx.t, group))


async def report_typed(message: Message, ctx: Ctx) -> None:
    """The report: a text, or a file with or without a caption."""
    data = await ctx.state.get_data()
    group = await ctx.subgroups.check_reporter(ctx.actor, int(data["group"]))
    question = views.ask_report(ctx.t, group)
    text = message.text or message.caption
    document = (
        {**attached(message.document), "size": message.document.file_size}
        if message.document is not None
        else None
    )
    if text is None and document is None:
        await ctx.send(ctx.t("errors.text_expected") + "\n\n" + question)
        return
    try:
        ctx.subgroups.check_report(text, document)
    except InvalidInput as bad:
        await ctx.send(ctx.t(bad.key, **bad.params) + "\n\n" + question)
        return
    if document is not None and message.document is not None:
        document = await keep_document(ctx, document, message.document.file_size)
    meeting = await ctx.subgroups.report(ctx.actor, group.id, text, document)
    await ctx.state.clear()
    await ctx.say("subgroups.reported_to_meeting" if meeting else "subgroups.reported_waiting")


def _on(r: Router, handler: Any, *actions: str, state: State | None = None) -> None:
    filters: list[Any] = [SubgroupCb.filter(F.action.in_(set(actions)))]
    if state is not None:
        filters.append(StateFilter(state))
    r.callback_query.register(handler, *filters)


# What an outside specialist reaches (cl. 16 в): the gate routes them here
class InSubgroup(Filter):
    """Someone outside the working group's roster who is in one of its subgroups."""

    async def __call__(self, event: TelegramObject, ctx: Ctx | None = None) -> bool:
        return ctx is not None and await ctx.subgroups.belongs_anywhere(ctx.actor)


async def outsider_menu(event: Message | CallbackQuery, ctx: Ctx) -> None:
    await ctx.show(*views.outsider_menu(ctx.t, await ctx.subgroups.mine(ctx.actor)))


async def specialist_joined(ctx: Ctx, name: str, person_id: int | None) -> None:
    """After an outside specialist's invite link: their subgroup, not the working group."""
    items = await ctx.subgroups.mine(ctx.actor, person_id)
    _, keyboard = views.outsider_menu(ctx.t, items)
    groups = ", ".join(views.title(ctx.t, i.group) for i in items)
    await ctx.send(ctx.t("subgroups.specialist_welcome", name=name, groups=Raw(groups)), keyboard)
    await apply_person_commands(
        ctx.bot,
        ctx.actor.telegram_id,
        Standing(None),
        ctx.actor.locale,
        home=ctx.app.webapp_link("/home"),
    )


async def outsider_help(event: Message | CallbackQuery, ctx: Ctx) -> None:
    """/help for an outside specialist: their own commands, and that they are not in the
    working group (not how to join it)."""
    t = ctx.t
    lines = [t("help.title")]
    for command in SPECIALIST_COMMANDS:
        lines.append(t("help.line", command=command, description=t(f"commands.{command}")))
    await ctx.send("\n".join([*lines, "", t("subgroups.outsider_help")]))


async def outsider_refused(message: Message, ctx: Ctx) -> None:
    """A command of the working group: a specialist is not in it (cl. 16 в)."""
    # One reason wherever a specialist meets the working group (bot/services/group_scope.py).
    await ctx.say("group_scope.working_group_only")


async def outsider_button_refused(query: CallbackQuery, ctx: Ctx) -> None:
    await ctx.toast("subgroups.specialist_refused_short", alert=True)


def outsider_handlers(r: Router) -> None:
    """Registered in the gate, before its refusals: an outside specialist's own commands
    and their subgroup's buttons; anything else of the working group is refused with the
    reason."""
    flt = InSubgroup()
    r.message.register(show_list, Command("subgroups"), flt)
    r.message.register(outsider_menu, Command("menu"), flt)
    r.message.register(outsider_help, Command("help"), flt)
    r.message.register(language_command, Command("language"), flt)
    r.message.register(cancel_command, Command("cancel"), flt)
    r.callback_query.register(outsider_menu, MenuCb.filter(F.section == "main"), flt)
    r.callback_query.register(outsider_help, MenuCb.filter(F.section == "help"), flt)
    r.callback_query.register(language_command, MenuCb.filter(F.section == "language"), flt)
    r.callback_query.register(language_chosen, LangCb.filter(), flt)
    r.callback_query.register(list_button, SubgroupCb.filter(F.action == "list"), flt)
    r.callback_query.register(card_button, SubgroupCb.filter(F.action == "card"), flt)
    r.message.register(outsider_refused, Command(ignore_case=True, commands=_WG_COMMANDS), flt)
    r.callback_query.register(outsider_button_refused, flt)


# What an outside specialist may use (cl. 16 в).
SPECIALIST_COMMANDS = ("start", "help", "menu", "language", "cancel", "subgroups")

_WG_COMMANDS = (
    "newmeeting",
    "meetings",
    "agenda",
    "propose",
    "protocols",
    "tasks",
    "plan",
    "projects",
    "documents",
    "members",
    "composition",
    "invite",
    "units",
    "broadcast",
    "deliveries",
    "compliance",
    "report",
    "reports",
    "absence",
)


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("subgroups")
    r.message.register(show_list, Command("subgroups"))
    _on(r, list_button, "list")
    _on(r, card_button, "card")
    _on(r, form_start, "new")
    _on(r, decision_chosen, "dec", state=SubgroupDialog.decision)
    _on(r, kind_chosen, "kind", state=SubgroupDialog.kind)
    r.message.register(name_typed, StateFilter(SubgroupDialog.name), NotCommand())
    r.message.register(purpose_typed, StateFilter(SubgroupDialog.purpose), NotCommand())
    _on(r, head_chosen, "head", state=SubgroupDialog.head)
    _on(r, member_toggled, "mem", state=SubgroupDialog.members)
    _on(r, members_done, "memok", state=SubgroupDialog.members)
    _on(r, save, "save", state=SubgroupDialog.confirm)
    _on(r, add_start, "add")
    _on(r, add_chosen, "addp")
    _on(r, remove_start, "rm")
    _on(r, remove_chosen, "rmp")
    _on(r, dissolve_start, "dis")
    _on(r, dissolve_confirmed, "disok")
    _on(r, specialist_start, "spec")
    r.message.register(specialist_named, StateFilter(SubgroupDialog.specialist), NotCommand())
    _on(r, report_start, "report")
    r.message.register(report_typed, StateFilter(SubgroupDialog.report), NotCommand())
    return r
