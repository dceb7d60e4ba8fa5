"""The Bot and the Dispatcher, built the same way for production, tests and benchmarks."""

from __future__ import annotations

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.config import Settings
from bot.context import AppContext
from bot.delivery.replies import RetryReplies
from bot.middlewares import ActorMiddleware, I18nMiddleware, SessionMiddleware
from bot.scoping import GroupScopeMiddleware
from bot.services.vote_batch import VoteBatcher
from bot.wiring import Services
from handlers import routers
from storage.fsm import DatabaseStorage


def create_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    if session is None:
        # is_local: aiogram then reads downloaded files from the server's disk, as a
        # local-mode server hands out paths rather than URLs.
        # Government networks usually reach Telegram only through a proxy (aiogram ignores
        # HTTPS_PROXY).
        session = AiohttpSession(
            api=TelegramAPIServer.from_base(
                settings.telegram_api_url, is_local=settings.telegram_api_local
            ),
            proxy=settings.proxy_url.get_secret_value() if settings.proxy_url else None,
        )
    # Replies to a person refused with 429 are sent again (the outbox has its own policy).
    if not any(isinstance(m, RetryReplies) for m in session.middleware[:]):
        session.middleware(RetryReplies())
    return Bot(
        token=settings.bot_token.get_secret_value(),
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )


def create_dispatcher(app: AppContext) -> Dispatcher:
    dp = Dispatcher(storage=DatabaseStorage(app.db, app.clock))
    # Outer middlewares on the update run in this order, after aiogram's own user and FSM
    # context: session and error boundary, then who is acting, then in which language.
    dp.update.outer_middleware(SessionMiddleware(app))
    dp.update.outer_middleware(ActorMiddleware())
    dp.update.outer_middleware(I18nMiddleware())
    # Then the group the update acts in: a subgroup's meeting, agenda or protocol (cl. 10).
    dp.update.outer_middleware(GroupScopeMiddleware())
    dp.include_routers(*routers())
    # One per dispatcher: votes arriving together are committed together.
    dp["votes"] = VoteBatcher(
        app.db, app.clock, agenda=lambda session: Services(session, app).agenda
    )
    return dp
