"""The running application: migrate, greet Telegram, poll until told to stop."""

from __future__ import annotations

import asyncio
import gc
import logging

from aiogram.client.session.base import BaseSession
from aiohttp import web
from sqlalchemy.exc import OperationalError

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.context import DEFAULT_GROUP_NAME, AppContext
from bot.delivery.limits import RateLimiter
from bot.delivery.mail import mailer_from_settings
from bot.delivery.sender import Sender
from bot.factory import create_bot, create_dispatcher
from bot.health import Health
from bot.menu_commands import setup_default_commands, sync_person_menus
from bot.polling import poll
from bot.services.setup import ensure_default_group
from bot.startup import (
    PROBE_TIMEOUT_S,
    Stopped,
    check_database,
    describe_database_error,
    until_reachable,
)
from bot.webhook import WebhookHandler, build_app, listen, webhook_path
from scheduler.ticker import Ticker
from storage.db import Database
from storage.migrate import migrate

log = logging.getLogger(__name__)


async def run(
    settings: Settings,
    stop: asyncio.Event,
    *,
    clock: Clock | None = None,
    session: BaseSession | None = None,
    poll_timeout: int = 25,
) -> None:
    clock = clock or SystemClock()
    if not settings.admin_ids:
        log.warning(
            "ADMIN_IDS is empty: nobody can invite anybody until it names at least one "
            "Telegram user id"
        )
    # An SQLite database's folder (DATA_DIR by default) is checked with the database; a
    # PostgreSQL deployment needs DATA_DIR only for backups and stored files, made on demand.
    await check_database(settings.database_url)
    try:
        await migrate(settings.database_url, backups_dir=settings.data_dir / "backups")
    except (OSError, OperationalError) as exc:
        # The database went away or became read-only between the check and the migration;
        # any other error is a bug in a migration and keeps its traceback.
        raise describe_database_error(settings.database_url, exc) from None
    db = Database(settings.database_url, files_dir=settings.files_dir)
    bot = create_bot(settings, session)
    ticker: Ticker | None = None
    sender_task: asyncio.Task[None] | None = None
    menus_task: asyncio.Task[int] | None = None
    sender_stop = asyncio.Event()
    menus_stop = asyncio.Event()
    server: web.AppRunner | None = None
    try:
        async with db.session() as s:
            group = await ensure_default_group(
                s, name=DEFAULT_GROUP_NAME, timezone=settings.timezone, now=clock.now()
            )
        # Everything that asks Telegram before polling waits for the network: a bot started
        # during an outage comes up by itself once Telegram answers.
        me = await until_reachable(
            "getMe", lambda: bot.get_me(request_timeout=PROBE_TIMEOUT_S), stop
        )
        sender = Sender(
            db,
            bot,
            clock,
            RateLimiter(settings.send_rate_per_second),
            mailer=mailer_from_settings(settings),
        )
        # Every committed write that added outbox rows wakes the sender (storage.db.write).
        db.outbox_committed = sender.wake
        app = AppContext(
            settings=settings,
            db=db,
            clock=clock,
            group_id=group.id,
            timezone=group.timezone,
            bot_username=me.username or str(me.id),
            group_name=group.name,
        )
        dp = create_dispatcher(app)
        health = Health(db, mode="webhook" if settings.webhook_url else "polling")
        dp.update.outer_middleware(health.middleware())
        await until_reachable(
            "setMyCommands",
            lambda: setup_default_commands(bot, settings.default_locale, group.timezone),
            stop,
        )
        # The server (webhooks, or /healthz alone) binds before anything runs in the
        # background: a port in use is one line at start, with nothing to wind down.
        webhook_secret = (
            settings.webhook_secret.get_secret_value()
            if settings.webhook_url and settings.webhook_secret is not None
            else None
        )
        webapp = None
        if settings.webapp_url:
            # Imported only when configured: an idle bot without it never loads it.
            from bot.webapp.server import WebApp

            webapp = WebApp(app, settings.webapp_url)
        if webhook_secret is not None and settings.webhook_url:
            server = await listen(
                build_app(
                    health=health.handle,
                    webhook=WebhookHandler(bot, dp, webhook_secret),
                    path=webhook_path(settings.webhook_url),
                    webapp=webapp,
                ),
                settings.webhook_listen,
                settings.webhook_port,
            )
        elif settings.health_port is not None or webapp is not None:
            # In polling mode the Mini App is served beside /healthz: on HEALTH_PORT, or on
            # WEBHOOK_PORT when only WEBAPP_URL asks for a server.
            server = await listen(
                build_app(health=health.handle, webapp=webapp),
                settings.webhook_listen,
                settings.health_port or settings.webhook_port,
            )
        menus_task = asyncio.create_task(
            sync_person_menus(
                db,
                bot,
                group_id=group.id,
                admin_ids=settings.admin_ids,
                default_locale=settings.default_locale,
                stop=menus_stop,
                home=app.webapp_link("/home"),
            ),
            name="menus",
        )
        sender_task = asyncio.create_task(sender.run(sender_stop), name="sender")
        ticker = Ticker(app)
        ticker.start()
        health.sender = sender_task
        health.ticker_running = lambda: ticker is not None and ticker.scheduler.running
        # Everything loaded at start lives as long as the process: keeping it out of the
        # garbage collector's full passes halved the cost of bursts of updates.
        gc.freeze()
        if webhook_secret is not None and settings.webhook_url:
            url = settings.webhook_url
            await until_reachable(
                "setWebhook",
                lambda: bot.set_webhook(
                    url,
                    secret_token=webhook_secret,
                    allowed_updates=dp.resolve_used_update_types(),
                    drop_pending_updates=False,
                ),
                stop,
            )
            log.info(
                "@%s receives webhooks at %s (listening on %s:%s; GET /healthz)",
                app.bot_username,
                url,
                settings.webhook_listen,
                settings.webhook_port,
            )
            # The webhook stays set at exit: Telegram keeps the updates until the bot is back.
            await stop.wait()
        else:
            await until_reachable(
                "deleteWebhook", lambda: bot.delete_webhook(drop_pending_updates=False), stop
            )
            log.info("@%s is polling", app.bot_username)
            await poll(
                bot,
                dp,
                stop,
                poll_timeout=poll_timeout,
                allowed_updates=dp.resolve_used_update_types(),
            )
        log.info("stopped cleanly")
    except Stopped:
        log.info("stopped cleanly before Telegram answered")
    finally:
        if server is not None:
            # Requests under way finish (their updates are committed); no new ones come in.
            await server.cleanup()
        menus_stop.set()
        if menus_task is not None:
            # It stops between two people, so a menu sent is also recorded; the rest are
            # synced at the next start.
            try:
                await asyncio.wait_for(menus_task, timeout=10)
            except Exception:
                log.exception("the command menus could not be synced")
        if ticker is not None:
            ticker.shutdown()
        sender_stop.set()
        if sender_task is not None:
            # The message in flight finishes and is recorded; nothing new is claimed.
            await asyncio.wait_for(sender_task, timeout=30)
        await bot.session.close()
        await db.dispose()
