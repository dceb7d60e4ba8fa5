"""/start: a greeting for people in the roster, an invitation's redemption for newcomers."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message

from bot.domain.roles import Capability, Standing
from bot.domain.subgroups import is_specialist
from bot.filters import private_router
from bot.menu_commands import apply_person_commands
from bot.middlewares import telegram_name
from bot.services.guests import GUEST_PREFIX
from bot.services.invites import INVITE_PREFIX, Newcomer
from bot.update_context import Ctx
from bot.views.menu import greeting, main_menu, role_name
from handlers.attendance import CHECKIN_PREFIX, check_in_link
from handlers.guests import guest_link, guest_start
from handlers.subgroups import specialist_joined


async def start_with_invite(message: Message, command: CommandObject, ctx: Ctx) -> None:
    assert message.from_user is not None and command.args is not None
    user, actor, t = message.from_user, ctx.actor, ctx.t
    joined = await ctx.invites.redeem(
        actor, command.args, Newcomer(user.id, telegram_name(user), user.username, actor.locale)
    )
    member = joined.member
    if is_specialist(member.role):
        # An outside specialist joined a subgroup, not the working group (cl. 16 в).
        await specialist_joined(ctx, member.display_name, member.person.id)
        return
    standing = Standing(role=member.role, is_admin=actor.is_admin, extra_roles=member.extra_roles)
    lines = [greeting(t, member.display_name, standing, member.unit_name)]
    if joined.replaced is not None:
        replaced = joined.replaced
        lines.append(
            t("start.replaced", name=replaced.display_name, role=role_name(t, replaced.role))
        )
    lines.append(t("start.menu_hint"))
    await ctx.send("\n\n".join(lines), main_menu(t, standing))
    await apply_person_commands(
        ctx.bot, user.id, standing, actor.locale, home=ctx.app.webapp_link("/home")
    )


async def start(message: Message, ctx: Ctx) -> None:
    actor, t = ctx.actor, ctx.t
    if not actor.can(Capability.USE_BOT):
        # Someone outside the roster: a guest sees the meetings they are invited to, an
        # outside specialist their subgroups (cl. 16 в).
        if await ctx.subgroups.belongs_anywhere(actor):
            await specialist_joined(ctx, actor.display_name, actor.person_id)
        elif not await guest_start(ctx):
            await ctx.say("gate.welcome_outsider", name=actor.telegram_name)
        return
    text = greeting(t, actor.display_name, actor.standing, actor.unit_name)
    await ctx.send(text + "\n\n" + t("start.menu_hint"), main_menu(t, actor.standing))


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = private_router("onboarding")
    r.message.register(
        start_with_invite, CommandStart(deep_link=True, magic=F.args.startswith(INVITE_PREFIX))
    )
    # The QR code in the meeting room: a /start variant, so it is routed here, before the
    # plain greeting; outsiders get the check-in refusal, which says who may check in.
    r.message.register(
        check_in_link, CommandStart(deep_link=True, magic=F.args.startswith(CHECKIN_PREFIX))
    )
    # A guest's link to one meeting (cl. 16 а): also a /start variant.
    r.message.register(
        guest_link, CommandStart(deep_link=True, magic=F.args.startswith(GUEST_PREFIX))
    )
    r.message.register(start, CommandStart())
    return r
