"""A delegation's card and notices stay within Telegram's limits with every field at its
longest (cl. 16 б): a card within 4,096 characters, the notice that carries the file within
a caption's 1,024."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.delivery.split import CAPTION_LIMIT, MESSAGE_LIMIT
from bot.domain import delegations as rules
from bot.domain.delegations import EventWhen
from bot.i18n import translator
from bot.services.delegations import Card
from bot.services.registers import Basis
from bot.views import delegations as views
from bot.views.limits import shown_length
from storage.repositories.delegations import DelegationView

AT = datetime(2026, 12, 10, 7, 0, tzinfo=UTC)


def _longest() -> DelegationView:
    return DelegationView(
        id=1,
        group_id=1,
        title="Т" * rules.TITLE.max_length,
        organiser="О" * rules.ORGANISER.max_length,
        place="М" * rules.PLACE.max_length,
        topic="<&>" * (rules.TOPIC.max_length // 3),
        event_day=date(2026, 12, 10),
        event_at=AT,
        protocol_id=1,
        item_number=12,
        status="planned",
        plan=1,
        report_text="Ж" * rules.REPORT.max_length,
        report_document={"telegram_file_id": "F", "file_name": "Ф" * 200},
        reported_by=1,
        reported_at=AT,
        offered_at=AT,
        created_at=AT,
        delegates=tuple(range(10)),
    )


def test_the_longest_card_fits_a_message_in_both_languages() -> None:
    d = _longest()
    card = Card(
        delegation=d,
        when=EventWhen(d.event_day, d.event_at),
        delegates=["Я" * 120] * 10,
        basis=Basis(1, "12/2026", 12),
        reporter="Я" * 120,
        past=True,
        may_manage=True,
        may_report=False,
    )
    for locale in ("ru", "en"):
        text, _ = views.card(translator(locale, "Europe/Moscow"), card)
        assert shown_length(text) <= MESSAGE_LIMIT
        assert "<&>" in text.replace("&lt;&amp;&gt;", "<&>")


def test_the_report_notice_fits_a_caption() -> None:
    d = _longest()
    for locale in ("ru", "en"):
        rendered = views.RENDERERS["delegations.reported"](
            translator(locale, "Europe/Moscow"), delegation=d, by="Я" * 120
        )
        assert not isinstance(rendered, str)
        assert shown_length(rendered.text) <= CAPTION_LIMIT


def test_a_day_without_a_time_reads_as_a_date_and_with_one_as_a_moment() -> None:
    t = translator("ru", "Europe/Moscow")
    assert views.when_text(t, EventWhen(date(2026, 12, 10))) == "10 декабря 2026 г."
    assert views.when_text(t, EventWhen(date(2026, 12, 10), AT)) == (
        "10 декабря 2026 г., 10:00 (МСК)"
    )
