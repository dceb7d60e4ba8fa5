"""Telegram's limits by construction (issue #14, finding 8): every card and notice that
quotes a person's text, rendered with each field at its longest, fits 4,096 characters
(a message) or 1,024 (a caption), as Telegram counts what it shows."""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.domain import fields
from bot.domain.broadcasts import Audience
from bot.domain.protocol import ItemRecord
from bot.domain.roles import Role
from bot.i18n import Translator, translator
from bot.services.agenda import AgendaState
from bot.services.broadcasts import Draft
from bot.views import agenda as agenda_views
from bot.views import broadcasts as broadcast_views
from bot.views import meetings as meeting_views
from bot.views import protocols as protocol_views
from bot.views import reporting as report_views
from storage.repositories.agenda import ItemView
from storage.repositories.meetings import MeetingView
from storage.repositories.protocols import DisagreementView, ProtocolView
from storage.repositories.reporting import CycleView
from tests.support.telegram_model import MAX_CAPTION_LENGTH, MAX_TEXT_LENGTH, html_visible_text

HELD = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)
# Wide letters and the characters HTML escapes: an escaped «<» is four characters in the
# text the bot sends and one in what Telegram counts.
LONGEST = "Щ<&>"


def longest(field: fields.TextField) -> str:
    return (LONGEST * field.max_length)[: field.max_length]


def meeting() -> MeetingView:
    return MeetingView(
        3,
        1,
        longest(fields.MEETING_TITLE),
        "in_person",
        longest(fields.MEETING_PLACE),
        "https://example.org/" + "a" * (fields.MEETING_LINK.max_length - 20),
        HELD,
        "scheduled",
        1,
        "x",
        None,
        None,
        extraordinary=True,
    )


PROTOCOL = ProtocolView(7, 3, 2026, 1, "consent", 2, HELD, None, None, None)
OBJECTION = DisagreementView(4, 7, 9, 1, longest(fields.PROTOCOL_TEXT), "open", None)
ITEMS_ON_AN_AGENDA = 8


def item(position: int) -> ItemView:
    return ItemView(
        id=position,
        meeting_id=3,
        position=position,
        title=longest(fields.ITEM_TITLE),
        speaker=longest(fields.PERSON_NAME),
        description=longest(fields.ITEM_DESCRIPTION),
        document=None,
        source="chair",
        status="included",
        proposed_by=None,
        reject_reason=longest(fields.AGENDA_REASON),
        votes_for=None,
        votes_against=None,
        votes_abstain=None,
        present_at_close=None,
        basis=None,
    )


def record(number: int) -> ItemRecord:
    text = longest(fields.PROTOCOL_TEXT)
    return ItemRecord(number, longest(fields.ITEM_TITLE), text, text, text)


def typed_html(field: fields.TextField) -> str:
    """A broadcast keeps the HTML aiogram rebuilt from the author's message: escaped."""
    return html.escape(longest(field), quote=False)


def broadcast_preview(t: Translator, *, with_document: bool) -> str:
    # With a document the text is its caption (bounded by the caption's field).
    field = fields.BROADCAST_CAPTION if with_document else fields.BROADCAST_TEXT
    document = {"file_id": "f", "file_name": longest(fields.FILE_NAME)} if with_document else None
    draft = Draft(text=typed_html(field), document=document)
    label = broadcast_views.audience_label(t, Audience.UNIT, longest(fields.UNIT_NAME))
    return broadcast_views.preview(t, draft, label, 1000, Audience.UNIT, 1)[0]


def agenda_card(t: Translator) -> str:
    state = AgendaState(
        meeting=meeting(),
        items=[item(i) for i in range(1, ITEMS_ON_AN_AGENDA + 1)],
        version=1,
        approved=False,
        presiding_person_id=None,
    )
    return agenda_views.agenda_card(t, state)[0]


def report_check(t: Translator) -> str:
    cycle = CycleView(1, 1, 2026, 4, date(2027, 1, 15), HELD, HELD, "open", HELD, None, None)
    return report_views.check_text(
        t,
        cycle,
        longest(fields.UNIT_NAME),
        longest(fields.REPORT_TEXT),
        longest(fields.FILE_NAME),
        late=True,
    )


MESSAGES: dict[str, Callable[[Translator], str]] = {
    "broadcast preview": lambda t: broadcast_preview(t, with_document=False),
    "broadcast preview, document": lambda t: broadcast_preview(t, with_document=True),
    "broadcast message": lambda t: broadcast_views.message_text(
        t, Draft(text=typed_html(fields.BROADCAST_TEXT), document=None)
    ),
    "meeting invitation": lambda t: meeting_views.invitation(t, meeting(), "changed"),
    "agenda card": agenda_card,
    "proposal to the chair": lambda t: agenda_views.proposal_for_chair(
        t, meeting(), item(1), longest(fields.PERSON_NAME)
    ),
    "decision to the proposer": lambda t: agenda_views.decision_for_proposer(
        t, replace(item(1), status="rejected"), Role.CHAIR
    ),
    "objection notice": lambda t: (
        protocol_views.objection_notice(
            t, PROTOCOL, OBJECTION, longest(fields.PERSON_NAME), conciliation=True
        ).text
    ),
    "objection outcome": lambda t: protocol_views.outcome_notice(
        t, PROTOCOL, replace(OBJECTION, status="unchanged")
    ),
    "consent request": lambda t: (
        protocol_views.consent_request(
            t, PROTOCOL, "a" * 64, [record(i) for i in range(1, ITEMS_ON_AN_AGENDA + 1)]
        ).text
    ),
    "report check": report_check,
}

CAPTIONS: dict[str, Callable[[Translator], str]] = {
    "broadcast document": lambda t: broadcast_views.message_text(
        t, Draft(text=typed_html(fields.BROADCAST_CAPTION), document={"file_id": "f"})
    ),
}


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_a_message_quoting_the_longest_texts_fits_telegram(name: str, language: str) -> None:
    """#14 finding 8: a card quotes an excerpt; the message Telegram is given is never
    longer than 4,096 characters."""
    text = MESSAGES[name](translator(language, "Europe/Moscow"))
    assert len(html_visible_text(text)) <= MAX_TEXT_LENGTH


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize("name", sorted(CAPTIONS))
def test_a_caption_quoting_the_longest_text_fits_telegram(name: str, language: str) -> None:
    """#14 finding 8: a document's caption with its heading is never longer than 1,024."""
    text = CAPTIONS[name](translator(language, "Europe/Moscow"))
    assert len(html_visible_text(text)) <= MAX_CAPTION_LENGTH
