"""The per-update context: what a handler needs, in one object.

A handler's signature is the event, its callback data (if any) and `ctx`:

    async def agenda_refresh(query: CallbackQuery, callback_data: AgendaCb, ctx: Ctx) -> None:
        await ctx.show(*await agenda_card(ctx, callback_data.meeting))

`ctx` carries who is acting, their translator, the update's session and the services built on
it (`ctx.meetings`, `ctx.agenda`, ... from the composition root, `bot.wiring`), and the ways a
handler answers: `show` a card, `toast` a short answer to the button, `say` a message.

A pressed button that the handler leaves unanswered is answered (empty) after the update has
been handled and committed, so no handler writes a bare `query.answer()`; a refusal raised
before that is still shown as an alert, since nothing has answered the button yet.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message, Update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.delivery.replies import button_answered
from bot.i18n import Translator
from bot.services.actor import Actor
from bot.services.vote_batch import VoteBatcher
from bot.wiring import Services


class Ctx(Services):
    """One update's actor, language, session and services, and its replies."""

    def __init__(
        self,
        update: Update,
        *,
        actor: Actor,
        t: Translator,
        session: AsyncSession,
        app: AppContext,
        bot: Bot,
        state: FSMContext | None = None,
        votes: VoteBatcher | None = None,
    ) -> None:
        super().__init__(session, app)
        self.actor = actor
        self.t = t
        self.bot = bot
        self._state = state
        self._votes = votes
        self.query: CallbackQuery | None = update.callback_query
        message = update.message
        if message is None and self.query is not None:
            # The message under the pressed button; None when Telegram no longer has it.
            message = self.query.message if isinstance(self.query.message, Message) else None
        self.message: Message | None = message

    @property
    def state(self) -> FSMContext:
        """The person's dialog state in this chat (aiogram's FSM, stored with the update)."""
        if self._state is None:
            raise LookupError("this update has no chat, so no dialog state")
        return self._state

    @property
    def votes(self) -> VoteBatcher:
        """The dispatcher's vote batcher: ballots arriving together commit together."""
        if self._votes is None:
            raise LookupError("no vote batcher in this dispatcher")
        return self._votes

    @property
    def update_id(self) -> int | None:
        return self.session.info.get("update_id")

    # Answers
    async def answer(self, text: str | None = None, *, alert: bool = False) -> None:
        """Answers the pressed button once (a later call does nothing)."""
        if self.query is not None and not button_answered():
            await self.query.answer(text, show_alert=alert)

    async def toast(self, key: str, *, alert: bool = False, **params: Any) -> None:
        """A short answer to the pressed button: a passing note, or an alert to dismiss."""
        await self.answer(self.t.plain(key, **params), alert=alert)

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """A card: edited in place under a pressed button (answered first), sent anew in
        reply to a message. A double tap that changes nothing is not an error."""
        await self.answer()
        target: Message | CallbackQuery | None = self.query or self.message
        if target is not None:
            await edit_or_send(target, text, markup)

    async def send(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """A new message in the chat of the update (below the card when a button was
        pressed)."""
        await self.answer()
        if self.message is not None:
            await self.message.answer(text, reply_markup=markup)

    async def say(
        self, key: str, markup: InlineKeyboardMarkup | None = None, **params: Any
    ) -> None:
        """`send` of one text from the locales."""
        await self.send(self.t(key, **params), markup)


async def edit_or_send(target: Message | CallbackQuery, text: str, markup: Any = None) -> None:
    """Cards are edited in place when a button was pressed, sent anew otherwise.

    A double tap edits to the same text and Telegram answers "message is not modified":
    that is success, not an error.
    """
    if isinstance(target, CallbackQuery):
        message = target.message
        if isinstance(message, Message) and message.text is None:
            # A document or photo with a caption is not a card: answer below it instead.
            await message.answer(text, reply_markup=markup)
            return
        if isinstance(message, Message):
            try:
                await message.edit_text(text, reply_markup=markup)
            except TelegramBadRequest as exc:
                if "message is not modified" not in exc.message:
                    raise
        return
    await target.answer(text, reply_markup=markup)
