"""A methodical document's versions over HTTP (cl. 4 к, 5): a meeting's signed protocol
decides to approve it; the secretariat sends the draft, approves it by that decision, then
sends a new draft; a member sees the approved version first and gets its file."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.conftest import ADMIN_ID
from tests.e2e.conftest import RunningBot
from tests.support.steps.conversations import (
    hold_meeting,
    invite_and_join,
    open_card,
    press,
    schedule_meeting,
    sent_after,
)
from tests.support.steps.document_versions import (
    add_document_over_http,
    add_version_over_http,
    approve_version_over_http,
)

TITLE = "Рекомендации по ответам заявителям"


async def test_a_methodical_document_approved_by_a_decision_then_a_new_draft_over_http(
    running: RunningBot,
) -> None:
    tg = running.server
    admin = tg.user(ADMIN_ID, "Админ")
    chair, clerk, member = tg.user(9501, "Chair"), tg.user(9502, "Clerk"), tg.user(9503, "M")
    await invite_and_join(tg, admin, "председатель рабочей группы", chair, "Председатель Пётр")
    await invite_and_join(tg, admin, "сотрудник секретариата", clerk, "Секретарь Сергей")
    await invite_and_join(tg, admin, "член рабочей группы", member, "Член 0")

    # The meeting decides to approve the methodical recommendations; the chair signs.
    await schedule_meeting(tg, chair, "Декабрьское заседание", "Зал коллегии", "05.12.2026 15:00")
    card = await hold_meeting(
        tg,
        running.clock,
        chair,
        clerk,
        (chair, member),
        item="О методических рекомендациях",
        opens_at=datetime(2026, 12, 5, 11, 58, tzinfo=UTC),
    )
    card = await press(tg, clerk, card, "Протокол", "Протокол № 1/2026")
    await press(tg, clerk, card, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ", "СЛУШАЛИ")
    start = tg.mark()
    await tg.send_text(clerk, "Член 0 о проекте рекомендаций")
    spoke = await sent_after(tg, start, clerk.id, "ВЫСТУПИЛИ")
    await press(tg, clerk, spoke, "Пропустить", "РЕШИЛИ")
    await tg.send_text(clerk, "Утвердить методические рекомендации.")
    tasks = await sent_after(tg, start, clerk.id, "Поручения")
    card = await press(tg, clerk, tasks, "Без поручений", "Протокол № 1/2026")
    await press(tg, clerk, card, "Направить на согласование", "на согласовании")
    running.clock.set(datetime(2026, 12, 8, 15, 0, tzinfo=UTC))
    card = await open_card(tg, chair, "/protocols", "Протокол № 1/2026", "на согласовании")
    confirm = await press(tg, chair, card, "Подписать протокол", "изменить нельзя")
    await press(tg, chair, confirm, "Подтвердить", "подписан")

    # The secretariat enters the document, sends its draft and approves it by the decision.
    card = await add_document_over_http(tg, clerk, "Методические документы", TITLE)
    assert "Версий документа пока нет." in (card.text or "")
    card = await add_version_over_http(
        tg, clerk, card, "doc-v1", "Рекомендации.pdf", b"%PDF-1.4 first"
    )
    assert "• № 1 от 8 декабря 2026 г., ✏️ проект: Рекомендации.pdf" in (card.text or "")
    card = await approve_version_over_http(
        tg, clerk, card, 1, "№ 1/2026, вопрос 1: Утвердить методические рекомендации."
    )
    assert (
        "Действующая версия № 1 от 8 декабря 2026 г.: Рекомендации.pdf\n"
        "утверждена решением: протокол № 1/2026 от 5 декабря 2026 г., пункт 1"
    ) in (card.text or "")

    # A new draft: the approved version stays first, the draft goes to the history.
    running.clock.set(datetime(2026, 12, 10, 9, 0, tzinfo=UTC))
    card = await add_version_over_http(
        tg, clerk, card, "doc-v2", "Рекомендации, ред. 2.pdf", b"%PDF-1.4 second"
    )
    text = card.text or ""
    assert text.index("Действующая версия № 1") < text.index(
        "• № 2 от 10 декабря 2026 г., ✏️ проект: Рекомендации, ред. 2.pdf"
    )

    # A member opens the card and gets the approved file.
    start = tg.mark()
    await tg.send_text(member, "/documents")
    listing = await sent_after(tg, start, member.id, "Документы рабочей группы")
    card = await press(tg, member, listing, f"1. {TITLE}", "Действующая версия № 1")
    assert "утверждена решением: протокол № 1/2026 от 5 декабря 2026 г., пункт 1" in (
        card.text or ""
    )
    start = tg.mark()
    await tg.click_button(
        member, (member.id, card.result["message_id"]), "📄 Версия № 1 — ✅ действующая"
    )
    sent = await sent_after(tg, start, member.id, "Версия № 1 — ✅ действующая")
    assert sent.method == "sendDocument"
    assert sent.params["document"] == "doc-v1"
