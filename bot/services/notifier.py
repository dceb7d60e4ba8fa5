"""Telling people things: "these people, this notice" becomes outbox rows.

A service names what to say (a `Notice`: a name and its data) and whom to tell; how it
looks is a renderer in `bot.views.notices`, chosen by the name and called in each
recipient's language. The rows are written in the service's own transaction, so they go out
only if its change commits, and the sender is woken after that commit (storage.db.write).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import KW_ONLY, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from bot.i18n import Translator
from bot.services.base import Service
from bot.services.outbox import Envelope, Markup, enqueue
from storage.dto import PersonView


@dataclass(frozen=True, slots=True)
class Rendered:
    """A notice as one recipient reads it."""

    text: str
    keyboard: Markup | None = None


# A renderer takes the reader's translator and the notice's data.
Renderer = Callable[..., "Rendered | str"]


class Notice:
    """What to say: the renderer's name in `bot.views.notices` and what it needs."""

    __slots__ = ("data", "name")

    def __init__(self, name: str, /, **data: Any) -> None:
        self.name = name
        self.data = data

    def __repr__(self) -> str:
        return f"Notice({self.name!r}, {sorted(self.data)!r})"


class HasPerson(Protocol):
    @property
    def person(self) -> PersonView: ...


@dataclass(frozen=True, slots=True)
class Delivery:
    """How the rows travel: the same for every recipient of one notice."""

    kind: str = "announcement"
    document: dict[str, Any] | None = None
    not_before: datetime | None = None
    broadcast_id: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def envelope(
        self, rendered: Rendered, *, key: str, chat_id: int, person_id: int | None = None
    ) -> Envelope:
        """The rendered notice as one message to `chat_id`, travelling this way."""
        return Envelope(
            key=key,
            kind=self.kind,
            chat_id=chat_id,
            person_id=person_id,
            text=rendered.text,
            document=self.document,
            keyboard=rendered.keyboard,
            not_before=self.not_before,
            broadcast_id=self.broadcast_id,
            extra=self.extra,
        )


@dataclass(eq=False)
class Notifier(Service):
    _: KW_ONLY
    translator: Callable[[str], Translator]
    default_locale: str
    renderers: Mapping[str, Renderer]

    def render(self, notice: Notice, locale: str | None = None) -> Rendered:
        """The notice in `locale` (the group's language when none is given)."""
        try:
            renderer = self.renderers[notice.name]
        except KeyError:
            raise LookupError(f"no renderer for notice {notice.name!r}") from None
        out = renderer(self.translator(locale or self.default_locale), **notice.data)
        return out if isinstance(out, Rendered) else Rendered(out)

    def text(self, notice: Notice, locale: str | None = None) -> str:
        return self.render(notice, locale).text

    def to_person(
        self,
        person: PersonView,
        notice: Notice,
        *,
        key: str,
        delivery: Delivery = Delivery(),
    ) -> list[Envelope]:
        """One message in the person's language, keyed `{key}:{person id}`; none if they
        cannot be reached. The key's shape is the same whichever way someone is reached
        (member, guest, delegate), so news reaching one person two ways is sent once."""
        return self.to_people([person], notice, key=key, delivery=delivery)

    def to_people(
        self,
        people: Iterable[PersonView | HasPerson],
        notice: Notice,
        *,
        key: str,
        delivery: Delivery = Delivery(),
        skip: int | None = None,
        renders: dict[str, Rendered] | None = None,
    ) -> list[Envelope]:
        """The notice to each person (members and guests alike), but `skip` (a person id,
        usually whoever caused it). Rendered once per language: a reminder to a whole roster
        costs a few renders, not one per person. A caller sending the same notice several
        times (a batch of reminders of one meeting) may share `renders` (language ->
        rendered) between the calls."""
        renders = {} if renders is None else renders
        envelopes: list[Envelope] = []
        for someone in people:
            person = someone if isinstance(someone, PersonView) else someone.person
            if person.id == skip or person.telegram_id is None:
                continue
            locale = person.locale(self.default_locale)
            if locale not in renders:
                renders[locale] = self.render(notice, locale)
            envelopes.append(
                delivery.envelope(
                    renders[locale],
                    key=f"{key}:{person.id}",
                    chat_id=person.telegram_id,
                    person_id=person.id,
                )
            )
        return envelopes

    def to_chat(
        self,
        chat_id: int,
        notice: Notice,
        *,
        key: str,
        delivery: Delivery = Delivery(),
        locale: str | None = None,
    ) -> Envelope:
        """A group chat (or anyone by chat id) reads the notice in `locale`, by default the
        group's language; `key` is used as it is."""
        return delivery.envelope(self.render(notice, locale), key=key, chat_id=chat_id)

    async def send(self, envelopes: list[Envelope]) -> int:
        """Writes the rows inside the caller's write transaction."""
        return await enqueue(self.session, envelopes, self.clock.now())

    async def tell(
        self,
        people: Iterable[PersonView | HasPerson],
        notice: Notice,
        *,
        key: str,
        delivery: Delivery = Delivery(),
        skip: int | None = None,
    ) -> int:
        """`to_people`, written: the usual one-step case."""
        return await self.send(
            self.to_people(people, notice, key=key, delivery=delivery, skip=skip)
        )
