"""The per-update context: a press nobody answered is answered once, after the update; a
refusal raised by a handler is still an alert; outbox rows wake the sender after commit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery

from bot.callbacks import AgendaCb
from bot.clock import FrozenClock
from bot.i18n import Translator, translator
from bot.services.notifier import Delivery, Notice, Notifier, Rendered
from bot.services.outbox import Envelope, enqueue
from storage.db import Database, write
from storage.dto import PersonView
from storage.migrate import migrate
from storage.models import OutboxMessage
from tests.conftest import World
from tests.support.steps.meetings import schedule_meeting
from tests.support.steps.onboarding import working_group


async def test_a_card_refreshed_by_a_button_answers_the_press_exactly_once(world: World) -> None:
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    requests = await c.click(p["m0"], "Повестка дня")  # the main menu's button
    answers = [r for r in requests if isinstance(r, AnswerCallbackQuery)]
    assert len(answers) == 1
    assert not answers[0].show_alert
    assert "Заседание по клиентоцентричности" in c.last_text(p["m0"])


async def test_a_refusal_is_still_an_alert_when_the_handler_answers_nothing_itself(
    world: World,
) -> None:
    """Cl. 13: only the chair approves the agenda; a member's forged press is refused with
    an alert (the default answer must not have answered the press empty first)."""
    p = await working_group(world)
    c = world.client
    await schedule_meeting(world, p["chair"])
    await c.send(p["m0"], "/agenda")
    card = c.last_message(p["m0"])
    requests = await c.click_data(
        p["m0"], card, AgendaCb(action="approve", meeting=1, version=1).pack()
    )
    answers = [r for r in requests if isinstance(r, AnswerCallbackQuery)]
    assert len(answers) == 1
    assert answers[0].show_alert
    assert "председател" in (answers[0].text or "")


def _person(pid: int, telegram_id: int | None, language: str | None) -> PersonView:
    return PersonView(
        id=pid, telegram_id=telegram_id, full_name=f"P{pid}", telegram_name="x", language=language
    )


@pytest.fixture
async def db(tmp_path: Path) -> Database:
    url = f"sqlite+aiosqlite:///{tmp_path}/wake.db"
    await migrate(url)
    return Database(url)


NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


async def test_the_sender_is_woken_once_after_a_write_that_added_rows_commits(
    db: Database,
) -> None:
    woken: list[bool] = []
    db.outbox_committed = lambda: woken.append(True)
    async with db.session() as session:
        async with write(session):
            row = Envelope(key="a", kind="announcement", chat_id=1, text="x")
            await enqueue(session, [row], NOW)
            assert woken == [], "not before the commit"
        assert woken == [True]
        async with write(session):
            pass  # nothing added: nothing to wake for
        assert woken == [True]
        with pytest.raises(RuntimeError):
            async with write(session):
                await enqueue(
                    session, [Envelope(key="b", kind="announcement", chat_id=1, text="y")], NOW
                )
                raise RuntimeError("rolled back")
        assert woken == [True], "a rolled-back change wakes nobody"
        async with session.begin():
            keys = (await session.scalars(OutboxMessage.__table__.select())).all()
        assert len(keys) == 1
    await db.dispose()


async def test_the_notifier_renders_in_each_language_and_skips_the_unreachable(
    db: Database,
) -> None:
    def renderer(t: Translator, *, title: str) -> Rendered:
        return Rendered(f"[{t.locale}] {title}")

    async with db.session() as session:
        notifier = Notifier(
            session,
            FrozenClock(NOW),
            translator=lambda code: translator(code, "Europe/Moscow"),
            default_locale="ru",
            renderers={"test.notice": renderer},
        )
        people = [_person(1, 101, "en"), _person(2, None, "ru"), _person(3, 103, None)]
        envelopes = notifier.to_people(
            people, Notice("test.notice", title="Заседание"), key="k", skip=3
        )
        assert [(e.key, e.chat_id, e.text) for e in envelopes] == [("k:1", 101, "[en] Заседание")]
        chat = notifier.to_chat(
            -5, Notice("test.notice", title="T"), key="k:chat", delivery=Delivery(kind="x")
        )
        assert (chat.key, chat.text, chat.kind) == ("k:chat", "[ru] T", "x")
        with pytest.raises(LookupError):
            notifier.render(Notice("test.missing"))
    await db.dispose()
