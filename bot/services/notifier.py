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

from bot.domain.email import EMAIL, email_chat_id, email_key
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
    # E-mail (issue #18 item 3), set only when SMTP is configured: the subject line of each
    # notice that also goes by e-mail (by the notice's name), and the plain-text body made
    # from the Telegram text. Without them nothing goes by e-mail.
    email_subjects: Mapping[str, Callable[..., str]] | None = None
    email_body: Callable[[Translator, str], str] | None = None

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
        mails: dict[str, tuple[str, str]] = {}
        by_mail = self.goes_by_email(notice)
        envelopes: list[Envelope] = []
        for someone in people:
            person = someone if isinstance(someone, PersonView) else someone.person
            if person.id == skip:
                continue
            address = person.email if by_mail else None
            if person.telegram_id is None and address is None:
                continue
            locale = person.locale(self.default_locale)
            if locale not in renders:
                renders[locale] = self.render(notice, locale)
            if person.telegram_id is not None:
                envelopes.append(
                    delivery.envelope(
                        renders[locale],
                        key=f"{key}:{person.id}",
                        chat_id=person.telegram_id,
                        person_id=person.id,
                    )
                )
            if address is not None:
                if locale not in mails:
                    mails[locale] = self._mail(notice, renders[locale], locale)
                envelopes.append(
                    self._email(
                        mails[locale],
                        address,
                        key=f"{key}:{person.id}",
                        delivery=delivery,
                        person_id=person.id,
                    )
                )
        return envelopes

    def goes_by_email(self, notice: Notice) -> bool:
        """Whether the notice has an e-mail copy: SMTP configured and the notice one of
        those that go by e-mail (signed protocols, invitations, task reminders)."""
        return self.email_subjects is not None and notice.name in self.email_subjects

    def to_addresses(
        self,
        addresses: Iterable[tuple[str, str]],
        notice: Notice,
        *,
        key: str,
        delivery: Delivery = Delivery(),
        locale: str | None = None,
    ) -> list[Envelope]:
        """The notice by e-mail alone to (name, address) pairs such as the units' mailboxes,
        in the group's language, keyed `{key}:{name}@email`; none without SMTP."""
        if not self.goes_by_email(notice):
            return []
        mail = self._mail(notice, self.render(notice, locale), locale or self.default_locale)
        return [
            self._email(mail, address, key=f"{key}:{name}", delivery=delivery)
            for name, address in addresses
        ]

    def _mail(self, notice: Notice, rendered: Rendered, locale: str) -> tuple[str, str]:
        """(subject, plain-text body) in `locale`."""
        assert self.email_subjects is not None and self.email_body is not None
        t = self.translator(locale)
        return self.email_subjects[notice.name](t, **notice.data), self.email_body(t, rendered.text)

    @staticmethod
    def _email(
        mail: tuple[str, str],
        address: str,
        *,
        key: str,
        delivery: Delivery,
        person_id: int | None = None,
    ) -> Envelope:
        subject, body = mail
        return Envelope(
            key=email_key(key),
            kind=delivery.kind,
            chat_id=email_chat_id(address),
            person_id=person_id,
            text=body,
            document=delivery.document,
            not_before=delivery.not_before,
            broadcast_id=delivery.broadcast_id,
            extra=delivery.extra,
            channel=EMAIL,
            address=address,
            subject=subject,
        )

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
