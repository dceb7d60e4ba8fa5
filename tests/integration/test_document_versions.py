"""Versions of the documents in the registers at the dispatcher level (cl. 4 б, в, к, 5):
the secretariat adds a draft with its file and approves it by a decision of the group; the
card shows the approved version first, then the history; each refusal changes nothing."""

from __future__ import annotations

from aiogram.methods import SendDocument
from sqlalchemy import select

from bot.callbacks import DocVersionCb
from storage.models import DocumentVersion
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.document_versions import (
    add_document,
    add_version,
    approve_version,
    insert_protocol,
    version_audit,
    versions,
)
from tests.support.steps.onboarding import create_invite, join, joined_person

METHODICAL = "Методические документы"
TITLE = "Рекомендации по ответам заявителям"
DECISION_1 = "№ 7/2026, вопрос 1: Утвердить методические рекомендации."
DECISION_2 = "№ 7/2026, вопрос 2: Утвердить новую редакцию рекомендаций."
NOT_ALLOWED = "Вести реестры может только секретариат рабочей группы."


async def _people(world: World) -> dict[str, FakeUser]:
    return {
        "clerk": await joined_person(world, 9203, "сотрудник секретариата", "Секретарь Сергей"),
        "member": await joined_person(world, 9210, "член рабочей группы", "Член Мария"),
    }


def _labels(world: World, user: FakeUser) -> list[str]:
    return [
        label for row in world.client.buttons(world.client.last_message(user)) for label, _ in row
    ]


def _answers(world: World, user: FakeUser) -> list[str]:
    return [a.text or "" for a in world.client.callback_answers(user) if a.text]


async def _document_with_draft(world: World) -> dict[str, FakeUser]:
    p = await _people(world)
    await add_document(world, p["clerk"], METHODICAL, TITLE)
    await add_version(world, p["clerk"], "Рекомендации.pdf")
    return p


async def test_cl4k_cl5_a_draft_approved_by_a_decision_then_a_new_draft_and_its_approval(
    world: World,
) -> None:
    """cl. 4 к, 5: a methodical document gets a draft with its file, the group's decision
    (a signed protocol's item) approves it, a new draft follows; approving that one
    supersedes the first. The card shows the approved version first, then the history;
    everyone in the roster gets each file; every change is audited."""
    p = await _people(world)
    await insert_protocol(
        world, ["Утвердить методические рекомендации.", "Утвердить новую редакцию рекомендаций."]
    )
    c = world.client
    clerk, member = p["clerk"], p["member"]
    await add_document(world, clerk, METHODICAL, TITLE)
    card = c.last_text(clerk)
    assert "<b>Версии документа</b>\nВерсий документа пока нет." in card
    assert "Добавить версию документа" in _labels(world, clerk)

    await c.click(clerk, "Добавить версию документа")
    assert c.last_text(clerk).startswith(f"Новая версия документа «{TITLE}».")
    assert "не более 20 МБ" in c.last_text(clerk)
    await c.send_document(clerk, file_name="Рекомендации.pdf", content=b"%PDF-1 first")
    assert "Версия добавлена как проект." in c.texts(clerk)[-2]
    card = c.last_text(clerk)
    assert "Утверждённой версии пока нет." in card
    assert "История версий:\n• № 1 от 1 декабря 2026 г., ✏️ проект: Рекомендации.pdf" in card
    assert "📄 Версия № 1 — ✏️ проект" in _labels(world, clerk)
    assert await versions(world) == [(1, "draft", None, None)]

    await c.click(clerk, "Утвердить версию № 1")
    assert "Выберите решение рабочей группы" in c.last_text(clerk)
    await c.click(clerk, DECISION_1)
    summary = c.last_text(clerk)
    assert "Проверьте утверждение версии" in summary
    assert "Решение: протокол № 7/2026 от 30 ноября 2026 г., пункт 1" in summary
    assert "утратит силу" not in summary
    assert await versions(world) == [(1, "draft", None, None)]  # nothing before «Подтвердить»
    await c.click(clerk, "Подтвердить")
    assert "Версия № 1 утверждена." in _answers(world, clerk)
    card = c.last_text(clerk)
    assert (
        "Действующая версия № 1 от 1 декабря 2026 г.: Рекомендации.pdf\n"
        "утверждена решением: протокол № 7/2026 от 30 ноября 2026 г., пункт 1"
    ) in card
    assert "История версий" not in card
    assert "Утвердить версию № 1" not in _labels(world, clerk)

    await add_version(world, clerk, "Рекомендации, ред. 2.pdf", b"%PDF-1 second")
    card = c.last_text(clerk)
    approved = card.index("Действующая версия № 1")
    history = card.index("• № 2 от 1 декабря 2026 г., ✏️ проект: Рекомендации, ред. 2.pdf")
    assert approved < history
    labels = _labels(world, clerk)
    assert labels.index("📄 Версия № 1 — ✅ действующая") < labels.index("📄 Версия № 2 — ✏️ проект")
    assert await versions(world) == [(1, "approved", 1, 1), (2, "draft", None, None)]

    await c.click(clerk, "Утвердить версию № 2")
    await c.click(clerk, DECISION_2)
    assert "⚠️ Действующая сейчас версия № 1 утратит силу." in c.last_text(clerk)
    await c.click(clerk, "Подтвердить")
    assert await versions(world) == [(1, "superseded", 1, 1), (2, "approved", 1, 2)]

    # A member reads the card: the approved version first, the superseded one in the history.
    await c.send(member, "/documents")
    await c.click(member, f"1. {TITLE}")
    card = c.last_text(member)
    assert (
        "Действующая версия № 2 от 1 декабря 2026 г.: Рекомендации, ред. 2.pdf\n"
        "утверждена решением: протокол № 7/2026 от 30 ноября 2026 г., пункт 2"
    ) in card
    assert (
        "• № 1 от 1 декабря 2026 г., утратила силу: Рекомендации.pdf "
        "(утверждена решением: протокол № 7/2026 от 30 ноября 2026 г., пункт 1)"
    ) in card
    labels = _labels(world, member)
    assert labels == ["📄 Версия № 2 — ✅ действующая", "📄 Версия № 1 — утратила силу", "◀ Назад"]
    await c.click(member, "📄 Версия № 1 — утратила силу")
    sent = [m for m in c.sent_to(member) if isinstance(m, SendDocument)]
    async with world.db.session() as s:
        first = (await s.scalars(select(DocumentVersion).where(DocumentVersion.number == 1))).one()
    assert [m.document for m in sent] == [first.document["file_id"]]
    assert sent[0].caption == "Версия № 1 — утратила силу"
    assert first.document["file_name"] == "Рекомендации.pdf"
    assert first.document.get("kept_sha256")  # the bot keeps its own copy of the file

    assert await version_audit(world) == [
        "document_version_added",
        "document_version_approved",
        "document_version_added",
        "document_version_superseded",
        "document_version_approved",
    ]


async def test_cl4k_without_signed_decisions_there_is_nothing_to_approve_by(world: World) -> None:
    """cl. 4 к, 5: a version is approved only by a decision; with no signed protocol the
    press is refused and nothing changes."""
    p = await _document_with_draft(world)
    c = world.client
    await c.click(p["clerk"], "Утвердить версию № 1")
    assert c.alerts(p["clerk"])[-1] == (
        "Версия утверждается только решением рабочей группы (пунктом подписанного "
        "протокола), а подписанных протоколов пока нет."
    )
    assert await versions(world) == [(1, "draft", None, None)]
    assert await version_audit(world) == ["document_version_added"]


async def test_cl4k_cl5_approval_without_decision_unsigned_protocol_or_missing_item_refused(
    world: World,
) -> None:
    """cl. 4 к, 5 and cl. 14: the approval names an item of a signed protocol of the group;
    a button naming none, a protocol still a draft, or an item the protocol does not have
    is refused with the reason, and nothing changes."""
    p = await _document_with_draft(world)
    signed = await insert_protocol(world, ["Утвердить методические рекомендации."])
    draft = await insert_protocol(world, ["Утвердить рекомендации."], sequence=8, signed=False)
    c = world.client
    clerk = p["clerk"]
    card = c.last_message(clerk)
    for data, reason in (
        (
            DocVersionCb(action="ok", version=1),
            "Версию нельзя утвердить без решения рабочей группы: укажите пункт подписанного "
            "протокола.",
        ),
        (
            DocVersionCb(action="pick", version=1),
            "Версию нельзя утвердить без решения рабочей группы: укажите пункт подписанного "
            "протокола.",
        ),
        (
            DocVersionCb(action="ok", version=1, protocol=draft, item=1),
            "Протокол № 8/2026 ещё не подписан: версию можно утвердить только решением из "
            "подписанного протокола.",
        ),
        (
            DocVersionCb(action="ok", version=1, protocol=signed, item=9),
            "В протоколе № 7/2026 нет пункта 9.",
        ),
        (
            DocVersionCb(action="pick", version=1, protocol=signed, item=9),
            "В протоколе № 7/2026 нет пункта 9.",
        ),
    ):
        await c.click_data(clerk, card, data.pack())
        assert c.alerts(clerk)[-1] == reason, data
    assert await versions(world) == [(1, "draft", None, None)]
    assert await version_audit(world) == ["document_version_added"]

    # The signed decision approves it; approving it again is refused.
    await c.click_data(
        clerk, card, DocVersionCb(action="ok", version=1, protocol=signed, item=1).pack()
    )
    await c.click_data(
        clerk, card, DocVersionCb(action="ok", version=1, protocol=signed, item=1).pack()
    )
    assert c.alerts(clerk)[-1] == "Версия № 1 не является проектом: утвердить можно только проект."
    assert await versions(world) == [(1, "approved", signed, 1)]
    assert await version_audit(world) == ["document_version_added", "document_version_approved"]


async def test_a_file_too_large_or_of_a_wrong_type_is_asked_again_and_nothing_is_added(
    world: World,
) -> None:
    """The limits of every attached file (settings.report_file_max_mb, bot.domain.files)."""
    p = await _people(world)
    c = world.client
    clerk = p["clerk"]
    await add_document(world, clerk, "Регламент взаимодействия", "Регламент взаимодействия")
    await c.click(clerk, "Добавить версию документа")
    await c.send_document(clerk, file_name="Регламент.pdf", file_size=21 * 1024 * 1024)
    answer = c.last_text(clerk)
    assert answer.startswith(
        "Файл «Регламент.pdf» больше 20 МБ. Сожмите его или разделите на части и отправьте снова."
    )
    assert answer.endswith(
        "Отправьте файл новой версии документом (не более 20 МБ).\nОтменить: /cancel"
    )
    await c.send_document(clerk, file_name="setup.exe", file_size=1000)
    assert c.last_text(clerk).startswith("Файл «setup.exe» не принимается")
    await c.send(clerk, "Вот текст вместо файла")
    assert c.last_text(clerk).startswith("Ожидается файл, отправленный документом.")
    assert await versions(world) == []
    assert await version_audit(world) == []
    # The dialog is still waiting: a proper file is taken.
    await c.send_document(clerk, file_name="Регламент.pdf", content=b"%PDF-1 rules")
    assert await versions(world) == [(1, "draft", None, None)]


async def test_a_member_sees_only_file_buttons_and_forged_edits_change_nothing(
    world: World,
) -> None:
    """Only the secretariat keeps the registers' documents; the service checks the role
    whatever a button says."""
    p = await _document_with_draft(world)
    signed = await insert_protocol(world, ["Утвердить методические рекомендации."])
    c = world.client
    member = p["member"]
    await c.send(member, "/documents")
    await c.click(member, f"1. {TITLE}")
    assert _labels(world, member) == ["📄 Версия № 1 — ✏️ проект", "◀ Назад"]
    card = c.last_message(member)
    for data in (
        DocVersionCb(action="add", entry=1),
        DocVersionCb(action="approve", version=1),
        DocVersionCb(action="pick", version=1, protocol=signed, item=1),
        DocVersionCb(action="ok", version=1, protocol=signed, item=1),
    ):
        await c.click_data(member, card, data.pack())
        assert c.alerts(member)[-1] == NOT_ALLOWED, data
    assert await versions(world) == [(1, "draft", None, None)]
    assert await version_audit(world) == ["document_version_added"]


async def test_cl4b_the_plan_and_a_project_carry_versions_a_measure_does_not(world: World) -> None:
    """cl. 4 б: the Plan of events and a priority project's roadmap carry files (their
    cards show the versions once there is one); a line of the priority measures is not a
    document."""
    p = await _people(world)
    c = world.client
    clerk = p["clerk"]
    for command, add in (("/plan", "Добавить мероприятие"), ("/projects", "Добавить проект")):
        await c.send(clerk, command)
        await c.click(clerk, add)
        await c.send(clerk, "План мероприятий на 2027 год")
        await c.click(clerk, "Без подразделения")
        await c.click(clerk, "Пропустить")
        await c.send(clerk, "31.12.2027")
        await c.click(clerk, "Без решения")
        await c.click(clerk, "Подтвердить")
        # No section until the entry has a version; the secretariat may add one.
        assert "Версии документа" not in c.last_text(clerk), command
        await add_version(world, clerk, "План.pdf")
        assert "<b>Версии документа</b>\nУтверждённой версии пока нет." in c.last_text(clerk)
    await c.send(clerk, "/plan")
    await c.click(clerk, "Перечень первоочередных мероприятий")
    await c.click(clerk, "Добавить мероприятие")
    await c.send(clerk, "Анкетирование заявителей")
    await c.click(clerk, "Без подразделения")
    await c.click(clerk, "Пропустить")
    await c.send(clerk, "31.12.2027")
    await c.click(clerk, "Без решения")
    await c.click(clerk, "Подтвердить")
    assert "Версии документа" not in c.last_text(clerk)
    assert "Добавить версию документа" not in _labels(world, clerk)
    measure = c.last_message(clerk)
    await c.click_data(clerk, measure, DocVersionCb(action="add", entry=3).pack())
    assert (
        c.alerts(clerk)[-1] == "Кнопка устарела или данные уже изменились. Откройте раздел заново."
    )


async def test_cl4k_an_english_reader_sees_the_approved_version_and_its_decision(
    world: World,
) -> None:
    p = await _document_with_draft(world)
    await insert_protocol(world, ["Утвердить методические рекомендации."])
    await approve_version(world, p["clerk"], 1, DECISION_1)
    c = world.client
    reader = c.user(9220, "Reader", language_code="en")
    await join(
        world,
        reader,
        await create_invite(world, world.admin(), "член рабочей группы", name="Reader"),
    )
    await c.send(reader, "/documents")
    await c.click(reader, f"1. {TITLE}")
    card = c.last_text(reader)
    assert (
        "Approved version No. 1 of 1 December 2026: Рекомендации.pdf\n"
        "approved by the decision: minutes No. 7/2026 of 30 November 2026, item 1"
    ) in card
    assert _labels(world, reader)[0] == "📄 Version No. 1 — ✅ approved"
