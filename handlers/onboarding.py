"""/start: a greeting for people in the roster, an invitation's redemption for newcomers."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import CommandObject, CommandStart
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.domain.roles import Standing
from bot.filters import private_chat
from bot.i18n import Translator
from bot.menu_commands import apply_person_commands
from bot.middlewares import telegram_name
from bot.services.actor import Actor
from bot.services.guests import GUEST_PREFIX
from bot.services.invites import INVITE_PREFIX, InviteService, Newcomer
from bot.update_context import Ctx
from bot.views.menu import greeting, main_menu, role_name
from handlers.attendance import CHECKIN_PREFIX, check_in_link
from handlers.guests import guest_link, guest_start


async def start_with_invite(
    message: Message,
    command: CommandObject,
    actor: Actor,
    session: AsyncSession,
    app: AppContext,
    bot: Bot,
) -> None:
    assert message.from_user is not None and command.args is not None
    user = message.from_user
    service = InviteService(session, app.clock, app.invite_ttl)
    joined = await service.redeem(
        actor, command.args, Newcomer(user.id, telegram_name(user), user.username, actor.locale)
    )
    t = app.translator(actor.locale)
    standing = Standing(
        role=joined.member.role, is_admin=actor.is_admin, extra_roles=joined.member.extra_roles
    )
    lines = [greeting(t, joined.member.display_name, standing, joined.member.unit_name)]
    if joined.replaced is not None:
        lines.append(
            t(
                "start.replaced",
                name=joined.replaced.display_name,
                role=role_name(t, joined.replaced.role),
            )
        )
    lines.append(t("start.menu_hint"))
    await message.answer("\n\n".join(lines), reply_markup=main_menu(t, standing))
    await apply_person_commands(bot, user.id, standing, actor.locale)


async def start(
    message: Message,
    actor: Actor,
    t: Translator,
    session: AsyncSession,
    app: AppContext,
    ctx: Ctx,
) -> None:
    if not actor.in_roster:
        if not await guest_start(ctx):
            await message.answer(t("gate.welcome_outsider", name=actor.telegram_name))
        return
    text = greeting(t, actor.display_name, actor.standing, actor.unit_name)
    await message.answer(
        text + "\n\n" + t("start.menu_hint"), reply_markup=main_menu(t, actor.standing)
    )


def router() -> Router:
    """A fresh router: a router can belong to one dispatcher only, and tests build many."""
    r = Router(name="onboarding")
    r.message.filter(private_chat())
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
