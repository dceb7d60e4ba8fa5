"""The path of an update: session and error boundary, then actor, then language."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.types import Message, TelegramObject, Update, User
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.delivery.replies import button_answered, replying
from bot.domain.roles import Capability, holders
from bot.i18n import Translator, normalize_locale
from bot.services.actor import Actor, load_actor
from bot.services.errors import RoleRefusal, ServiceError
from bot.services.roster import RosterService
from bot.update_context import Ctx, edit_or_send
from bot.views.menu import holders_text
from storage.db import discard_deferred, flush_deferred, read, update_scope
from storage.repositories.updates import UpdateRepository

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def telegram_name(user: User) -> str:
    return " ".join(p for p in (user.first_name, user.last_name) if p) or str(user.id)


class SessionMiddleware(BaseMiddleware):
    """One database session per update, the redelivery check, and the error boundary.

    Nothing escapes this middleware: a refusal is shown in the reader's language, anything
    else is logged with the update id and answered with a neutral apology, so polling goes
    on and no traceback reaches a user.
    """

    def __init__(self, app: AppContext) -> None:
        self.app = app
        # Update ids only grow. An id above every id seen so far cannot have been handled,
        # so the database is asked only about ids at or below this mark (redeliveries).
        self._high_water: int | None = None

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        with replying():
            return await self._handle(handler, event, data)

    async def _handle(self, handler: Handler, event: Update, data: dict[str, Any]) -> Any:
        async with self.app.db.session() as session:
            session.info.update(
                update_id=event.update_id,
                received_at=self.app.clock.now(),
                group_id=self.app.group_id,
            )
            data["session"] = session
            data["app"] = self.app
            try:
                if await self._seen(session, event.update_id):
                    log.info("update %s was handled before; skipped", event.update_id)
                    return None
                with update_scope(session):
                    result = await handler(event, data)
                # Dialog steps not committed by a service's write commit now, with the
                # update's mark: a redelivered step is then skipped instead of applied twice.
                await flush_deferred(session)
                # Only now, with everything committed, is a press nobody answered answered
                # (empty): the spinner stops, and a refusal above could still be an alert.
                if event.callback_query is not None and not button_answered():
                    await event.callback_query.answer()
                return result
            except ServiceError as refusal:
                await session.rollback()
                # A refusal is an answer: the dialog stays where the handler put it.
                try:
                    await flush_deferred(session)
                except Exception:
                    log.exception("update %s: dialog state not saved", event.update_id)
                who = refusal.capability if isinstance(refusal, RoleRefusal) else None
                await _tell(event, data, refusal.key, refusal.params, who=who)
            except TelegramRetryAfter as refusal:
                # Telegram held a reply back for longer than the person would wait (the
                # session middleware already waited what it could); an apology would be
                # held back too. The update's work is done but for this reply: its dialog
                # step stays with the changes it made.
                await session.rollback()
                try:
                    await flush_deferred(session)
                except Exception:
                    log.exception("update %s: dialog state not saved", event.update_id)
                log.warning(
                    "update %s: a reply was not sent, Telegram asked to wait %s s",
                    event.update_id,
                    refusal.retry_after,
                )
            except Exception:
                await session.rollback()
                # Half a step is no step: the dialog stays where it was before the update.
                discard_deferred(session)
                log.exception("update %s failed", event.update_id)
                await _tell(event, data, "errors.internal", {})
        return None

    async def _seen(self, session: AsyncSession, update_id: int) -> bool:
        if self._high_water is not None and update_id > self._high_water:
            self._high_water = update_id
            return False
        async with read(session):
            repo = UpdateRepository(session)
            if self._high_water is None:
                self._high_water = await repo.highest()
            if update_id > self._high_water:
                self._high_water = update_id
                return False
            return await repo.seen(update_id)


async def _tell(
    update: Update,
    data: dict[str, Any],
    key: str,
    params: dict[str, Any],
    *,
    who: Capability | None = None,
) -> None:
    bot: Bot | None = data.get("bot")
    app: AppContext | None = data.get("app")
    t: Translator | None = data.get("t")
    if t is None and app is not None:
        # The failure came before the reader's language was known: use the default.
        t = app.translator(app.settings.default_locale)
    if t is None or bot is None:
        return
    if who is not None:
        # Who may do it, in the reader's language: the roles granted the capability.
        params = {**params, "who": holders_text(t, holders(who))}
    try:
        query = update.callback_query
        if query is not None and button_answered() and isinstance(query.message, Message):
            # The handler answered the press before it failed: Telegram would refuse a
            # second answer (a press is answered once), so the reason comes as a message.
            await query.message.answer(t(key, **params))
        elif query is not None:
            await query.answer(t.plain(key, **params), show_alert=True)
        elif update.message is not None:
            await update.message.answer(t(key, **params))
    except TelegramAPIError:
        log.exception("update %s: could not tell the user about a failure", update.update_id)


class ActorMiddleware(BaseMiddleware):
    """Who is acting, from the roster; never from what the update claims.

    The answer is cached until the next write in this process (see Database.roster_generation),
    which is exact where the database has one writer process and off elsewhere.
    """

    def __init__(self) -> None:
        # (roster generation, the person's own generation, actor)
        self._cache: dict[tuple[int, str, str | None], tuple[int, int, Actor]] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        data["actor"] = None
        if user is not None and not user.is_bot:
            actor = await self._actor(data["app"], data["session"], user)
            client = normalize_locale(user.language_code, data["app"].settings.default_locale)
            if actor.blocked_bot or (
                actor.person_id is not None and actor.stored_client_language != client
            ):
                # Rare writes: the person is reachable again, or their client's language
                # changed (messages sent later on the bot's own initiative use it).
                await RosterService(data["session"], data["app"].clock).refresh_person(
                    actor, client
                )
                actor = replace(actor, blocked_bot=False, stored_client_language=client)
            data["actor"] = actor
        return await handler(event, data)

    async def _actor(self, app: AppContext, session: AsyncSession, user: User) -> Actor:
        key = (user.id, telegram_name(user), user.language_code)
        db = app.db
        cached = self._cache.get(key)
        if cached is not None and cached[0] == db.roster_generation:
            generation, own, actor = cached
            if actor.person_id is None or db.person_generation.get(actor.person_id, 0) == own:
                return actor
        generation, changes = db.roster_generation, db.person_changes
        async with read(session):
            actor = await load_actor(
                session,
                group_id=app.group_id,
                telegram_id=user.id,
                telegram_name=key[1],
                language_code=user.language_code,
                admin_ids=app.settings.admin_ids,
                default_locale=app.settings.default_locale,
            )
        # A change to someone's own row that committed while this one loaded may have been
        # this person's: then the answer is used once but not kept.
        if db.caches_are_exact and db.person_changes == changes:
            if len(self._cache) > 10_000:
                self._cache.clear()
            own = db.person_generation.get(actor.person_id, 0) if actor.person_id else 0
            self._cache[key] = (generation, own, actor)
        return actor


class I18nMiddleware(BaseMiddleware):
    """The reader's language, and the per-update context handlers take as `ctx`."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        app: AppContext = data["app"]
        actor = data.get("actor")
        if actor is not None:
            locale = actor.locale
        else:
            user: User | None = data.get("event_from_user")
            locale = normalize_locale(
                user.language_code if user else None, app.settings.default_locale
            )
        t = data["t"] = app.translator(locale)
        if actor is not None and isinstance(event, Update):
            data["ctx"] = Ctx(
                event,
                actor=actor,
                t=t,
                session=data["session"],
                app=app,
                bot=data["bot"],
                state=data.get("state"),
                votes=data.get("votes"),
            )
        return await handler(event, data)


__all__ = ["ActorMiddleware", "I18nMiddleware", "SessionMiddleware", "edit_or_send"]
