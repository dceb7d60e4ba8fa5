"""Bounded inputs and dialogs that keep their answers (issue #14, findings 2, 3, 9, 12a).

Every free-text answer is checked when it is typed, against the one table of fields
(bot/domain/fields.py): the refusal names the limit and the length, the same question
follows (stating the limit), and the dialog keeps what was answered before. The same input
is accepted or refused alike on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest
from aiogram.types import PhotoSize
from sqlalchemy import select

from bot.domain import fields
from storage.models import Meeting, ProtocolVersion, Recording
from tests.conftest import World
from tests.support.bot_client import FakeUser
from tests.support.steps.meetings import at_meeting_start, open_meeting_card, schedule_meeting
from tests.support.steps.onboarding import create_invite, join, working_group
from tests.support.steps.protocols import held_meeting, open_protocol

ZWSP = "\u200b"
TEXT_EXPECTED = "Ожидается текстовое сообщение."
EMPTY = "В тексте нет видимых символов. Отправьте текст ещё раз."


def too_long(limit: int, length: int) -> str:
    return (
        f"Текст длиннее допустимого: можно не более {limit} символов, в отправленном — "
        f"{length}. Сократите его и отправьте ещё раз."
    )


async def _chair(world: World) -> FakeUser:
    chair = world.client.user(9301, "Председатель Пётр", language_code="ru")
    invite = await create_invite(
        world, world.admin(), "председатель рабочей группы", name="Председатель Пётр"
    )
    await join(world, chair, invite)
    return chair


async def send_photo(world: World, user: FakeUser) -> None:
    photo = [PhotoSize(file_id="ph1", file_unique_id="u-ph1", width=90, height=90)]
    await world.client.feed(world.client.message_update(user, None, photo=photo))


async def test_a_600_character_link_is_refused_on_both_engines(any_world: World) -> None:
    """#14 finding 2: the link is checked against its field's limit when it is typed, the
    same way on SQLite and PostgreSQL (PostgreSQL's varchar(500) refused it with the
    internal-error apology); the question states the limit and comes again."""
    world, c = any_world, any_world.client
    chair = await _chair(world)
    await c.send(chair, "/newmeeting")
    await c.send(chair, "Заседание по клиентоцентричности")
    await c.click(chair, "Дистанционное")
    question = c.last_text(chair)
    assert "не более 500 символов" in question
    link = "https://example.org/" + "a" * 580
    await c.send(chair, link)
    assert c.last_text(chair) == too_long(500, 600) + "\n\n" + question
    assert "Пропустить" in str(c.buttons(c.last_message(chair)))
    # The dialog stayed at the link, with the subject kept.
    await c.send(chair, "https://example.org/join")
    assert c.last_text(chair).startswith("Дата и время")
    await c.send(chair, "05.12.2026 15:00")
    assert "Заседание по клиентоцентричности" in c.last_text(chair)
    await c.click(chair, "Подтвердить")
    async with world.db.session() as s:
        stored = (await s.scalars(select(Meeting))).one()
    assert stored.link == "https://example.org/join"


async def test_a_recording_with_a_252_character_name_is_kept_on_both_engines(
    any_world: World,
) -> None:
    """#14 finding 2: a stored file's name is shortened to the field's width with its
    extension kept, never refused, the same on both engines."""
    world, c = any_world, any_world.client
    p = await working_group(world)
    clerk = p["clerk"]
    await schedule_meeting(world, p["chair"])
    await at_meeting_start(world)
    await open_meeting_card(world, clerk)
    await c.click(clerk, "Открыть заседание")
    await open_meeting_card(world, clerk)
    await c.click(clerk, "Прикрепить аудиозапись")
    name = "запись-" + "x" * 241 + ".mp3"
    assert len(name) == 252
    await c.send_audio(clerk, file_name=name, content=b"mp3", file_size=3)
    assert c.last_text(clerk).startswith("✅ Аудиозапись прикреплена.")
    async with world.db.session() as s:
        recording = (await s.scalars(select(Recording))).one()
    assert recording.file_name is not None
    assert len(recording.file_name) == fields.FILE_NAME.max_length
    assert recording.file_name.endswith(".mp3")


@pytest.mark.parametrize("typed", [ZWSP * 5, f" {ZWSP}\u2060 {ZWSP} "])
async def test_a_subject_of_zero_width_spaces_is_empty(world: World, typed: str) -> None:
    """#14 finding 3: text of only zero-width characters has nothing visible: refused with
    the reason, and the same question."""
    c = world.client
    chair = await _chair(world)
    await c.send(chair, "/newmeeting")
    question = c.last_text(chair)
    assert "не более 200 символов" in question
    await c.send(chair, typed)
    assert c.last_text(chair) == EMPTY + "\n\n" + question
    await c.send(chair, "Заседание по клиентоцентричности")
    assert "Очное" in str(c.buttons(c.last_message(chair)))


async def test_a_photo_where_the_subject_is_asked_gets_the_reason_and_the_question(
    world: World,
) -> None:
    """#14 finding 12a: a photo or a file where a dialog expects text is told that text is
    expected, and the same question follows; the dialog stays where it was."""
    c = world.client
    chair = await _chair(world)
    await c.send(chair, "/newmeeting")
    question = c.last_text(chair)
    await send_photo(world, chair)
    assert c.last_text(chair) == TEXT_EXPECTED + "\n\n" + question
    await c.send_document(chair)
    assert c.last_text(chair) == TEXT_EXPECTED + "\n\n" + question
    await c.send(chair, "Заседание по клиентоцентричности")
    assert "Очное" in str(c.buttons(c.last_message(chair)))


async def test_a_too_long_heard_is_refused_at_its_own_step(world: World) -> None:
    """#14 finding 9 (cl. 14, the protocol's СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ): each step
    checks its own text when it is typed; a refused step is asked again and the answers
    before it are kept, so the item is saved with them."""
    c = world.client
    p = await held_meeting(world)
    clerk = p["clerk"]
    await open_protocol(world, clerk)
    await c.click(clerk, "Вопрос 1: СЛУШАЛИ / РЕШИЛИ")
    heard_question = c.last_text(clerk)
    assert "не более 4000 символов" in heard_question
    await c.send(clerk, "С" * 4001)
    assert c.last_text(clerk) == too_long(4000, 4001) + "\n\n" + heard_question
    await c.send(clerk, "Докладчик по вопросу 1")
    spoke_question = c.last_text(clerk)
    assert spoke_question.startswith("ВЫСТУПИЛИ")
    await c.send(clerk, "В" * 4005)
    assert c.last_text(clerk) == too_long(4000, 4005) + "\n\n" + spoke_question
    assert "Пропустить" in str(c.buttons(c.last_message(clerk)))
    await send_photo(world, clerk)
    assert c.last_text(clerk) == TEXT_EXPECTED + "\n\n" + spoke_question
    await c.send(clerk, "Член 0")
    decided_question = c.last_text(clerk)
    await c.send(clerk, ZWSP * 3)
    assert c.last_text(clerk) == "Текст решения не может быть пустым.\n\n" + decided_question
    await c.send(clerk, "Р" * 4001)
    assert c.last_text(clerk) == too_long(4000, 4001) + "\n\n" + decided_question
    await c.send(clerk, "Одобрить проект стандарта.")
    tasks_question = c.last_text(clerk)
    await c.send(clerk, "Доработать; " + "О" * 301)
    assert c.last_text(clerk) == too_long(300, 301) + "\n\n" + tasks_question
    assert "Без поручений" in str(c.buttons(c.last_message(clerk)))
    await c.click(clerk, "Без поручений")
    assert "Сохранено" in c.texts(clerk)[-2]
    async with world.db.session() as s:
        version = (await s.scalars(select(ProtocolVersion))).one()
    assert version.items["1"]["heard"] == "Докладчик по вопросу 1"
    assert version.items["1"]["spoke"] == "Член 0"
    assert version.items["1"]["decided"] == "Одобрить проект стандарта."


async def _joined(world: World, uid: int, role: str, name: str) -> FakeUser:
    user = world.client.user(uid, name, language_code="ru")
    await join(world, user, await create_invite(world, world.admin(), role, name=name))
    return user


async def test_a_broadcast_of_the_longest_text_fits_telegram_and_a_longer_one_is_refused(
    world: World,
) -> None:
    """#14 finding 8: a broadcast of 4,096 characters was accepted and its preview card,
    edited to 4,196, refused by Telegram. The text's limit leaves room for the heading
    and the preview; the longest allowed text goes through the preview, the progress card
    and the delivery (the fakes refuse anything longer than Telegram takes)."""
    c = world.client
    clerk = await _joined(world, 9401, "сотрудник секретариата", "Секретарь Сидорова")
    await _joined(world, 9402, "член рабочей группы", "Анна")
    await c.send(clerk, "/broadcast")
    question = c.last_text(clerk)
    assert "не более 3500 символов" in question and "не более 900 символов" in question
    await c.send(clerk, "Щ" * 4096)
    assert c.last_text(clerk) == too_long(3500, 4096) + "\n\n" + question
    await c.send_document(clerk, caption="П" * 1000)
    assert c.last_text(clerk) == too_long(900, 1000) + "\n\n" + question
    longest = "Щ" * fields.BROADCAST_TEXT.max_length
    await c.send(clerk, longest)
    await c.click(clerk, "Членам рабочей группы (1)")
    assert "Предпросмотр" in c.last_text(clerk)
    await c.click(clerk, "Подтвердить")
    assert "Рассылка № 1: отправлено 0 из 1" in c.last_text(clerk)
    await world.deliver()
    anna = world.client.user(9402, "Анна", language_code="ru")
    assert c.last_text(anna).endswith(longest)


async def test_names_and_texts_of_zero_width_spaces_are_empty(world: World) -> None:
    """#14 finding 3: a unit's name, a proposal's title and a person's name made only of
    zero-width characters have nothing visible: refused with the same question."""
    c = world.client
    admin = world.admin()
    await c.send(admin, "/units")
    await c.click(admin, "Добавить подразделение")
    question = c.last_text(admin)
    assert "не более 120 символов" in question
    await c.send(admin, ZWSP * 4)
    assert c.last_text(admin) == (
        "Название или ФИО должно содержать от 1 до 120 символов.\n\n" + question
    )
    await send_photo(world, admin)
    assert c.last_text(admin) == TEXT_EXPECTED + "\n\n" + question
    chair = await _chair(world)
    await schedule_meeting(world, chair)
    member = await _joined(world, 9403, "член рабочей группы", "Член Иванов")
    await c.send(member, "/propose")
    question = c.last_text(member)
    assert "не более 200 символов" in question
    await c.send(member, f"{ZWSP}\u2060{ZWSP}")
    assert c.last_text(member) == (
        "Формулировка должна содержать от 1 до 200 символов.\n\n" + question
    )
    await c.send(member, "О графике приёма граждан")
    await c.send(member, "Д" * 2001)
    description_question = c.last_text(member).split("\n\n", 1)[1]
    assert c.last_text(member) == too_long(2000, 2001) + "\n\n" + description_question
    assert "не более 2000 символов" in description_question
