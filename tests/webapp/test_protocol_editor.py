"""The protocol editor of the Mini App over HTTP (issue #19 items 3 and 6): the same services
as the chat, so the same versions, hashes and refusals; members read signed protocols only.

Each refusal is checked for its text in the person's language and for nothing changed."""

from __future__ import annotations

import re

from tests.support.bot_client import FakeUser
from tests.support.steps.protocols import held_meeting, open_protocol, write_protocol_item
from tests.support.steps.webapp_protocols import (
    ITEMS,
    consent_in_chat,
    item,
    meeting_of_three,
    protocol_count,
    versions,
)
from tests.support.webapp import Served


async def started(served: Served) -> dict[str, FakeUser]:
    """A held meeting of two items; the secretariat starts its protocol from the list."""
    p = await held_meeting(served.world)
    listing = await served.call("GET", "view/protocols", user=p["clerk"])
    assert "Заседания без протокола" in listing.text
    meeting = re.search(r'data-api="/protocols/start/(\d+)"', listing.text)
    assert meeting is not None
    answer = await served.call("POST", f"api/protocols/start/{meeting[1]}", user=p["clerk"])
    assert answer.status == 200 and answer.json()["view"] == "/protocols/1"
    return p


async def test_the_secretariat_starts_a_protocol_and_sees_every_item_with_the_three_fields(
    served: Served,
) -> None:
    p = await started(served)
    editor = await served.call("GET", "view/protocols/1", user=p["clerk"])
    assert editor.status == 200
    assert "Протокол № 1/2026" in editor.text
    assert "Вопрос 1. О стандарте обслуживания" in editor.text
    assert "Вопрос 2. О плане мероприятий" in editor.text
    for label in ("СЛУШАЛИ", "ВЫСТУПИЛИ", "РЕШИЛИ", "Поручения", "Добавить поручение"):
        assert label in editor.text, label
    # Owners offered as the chat would take them: the roster's people and the units.
    assert '<option value="Член 0"' in editor.text
    # Nothing written yet: nothing to send for consent.
    assert "сначала сохраните хотя бы один вопрос" in editor.text
    listing = await served.call("GET", "view/protocols", user=p["clerk"])
    assert "Заседания без протокола" not in listing.text
    assert "1/2026" in listing.text and "проект" in listing.text
    # Started twice (a second press): the same protocol.
    again = await served.call("POST", "api/protocols/start/1", user=p["clerk"])
    assert again.json()["view"] == "/protocols/1" and await protocol_count(served.world) == 1


async def test_cl14_one_save_of_several_items_is_one_version_and_an_unchanged_save_none(
    served: Served,
) -> None:
    p = await started(served)
    body = {
        "base": 0,
        "items": {
            "1": item(
                "Одобрить стандарт.",
                heard="Член 0 о проекте стандарта",
                tasks=(("Подготовить методичку", "Отдел качества", "2027-01-31"),),
            ),
            "2": item("Принять к сведению.", heard="Докладчик по вопросу 2"),
        },
    }
    saved = await served.call("PUT", "api/protocols/1", user=p["clerk"], body=body)
    assert saved.status == 200, saved.text
    assert saved.json()["message"].startswith("✅ Сохранено: версия 1, SHA-256")
    assert [n for n, _ in await versions(served.world)] == [1]

    # The same text again (the page sends what it shows): no new version.
    body["base"] = 1
    same = await served.call("PUT", "api/protocols/1", user=p["clerk"], body=body)
    assert same.status == 200 and "Изменений нет" in same.json()["message"]
    assert [n for n, _ in await versions(served.world)] == [1]

    editor = await served.call("GET", "view/protocols/1", user=p["clerk"])
    assert "Член 0 о проекте стандарта" in editor.text
    assert 'value="Подготовить методичку"' in editor.text and 'value="2027-01-31"' in editor.text
    assert "Версия 1, SHA-256" in editor.text


async def test_chat_and_mini_app_show_one_protocol(served: Served) -> None:
    """Item 5: a save in the Mini App is on the chat's card; a save in chat is in the editor."""
    p = await started(served)
    c = served.world.client
    clerk = p["clerk"]
    body = {
        "base": 0,
        "items": {"1": item("Одобрить стандарт в редакции секретариата.", heard="Член 0")},
    }
    assert (await served.call("PUT", "api/protocols/1", user=clerk, body=body)).status == 200
    await c.send(clerk, "/protocols")
    await c.click(clerk, "Протокол № 1/2026")
    card = c.last_text(clerk) or ""
    assert "РЕШИЛИ: Одобрить стандарт в редакции секретариата." in card
    assert "Версия 1" in card

    await write_protocol_item(served.world, clerk, 2, "Принять план к сведению (из чата).")
    editor = await served.call("GET", "view/protocols/1", user=clerk)
    assert "Принять план к сведению (из чата)." in editor.text
    assert "Версия 2, SHA-256" in editor.text
    # The editor that still shows version 1 does not overwrite the chat's version 2.
    stale = await served.call("PUT", "api/protocols/1", user=clerk, body=body | {"base": 1})
    assert stale.status == 400 and "сейчас версия 2" in stale.json()["error"]
    assert [n for n, _ in await versions(served.world)] == [1, 2]


async def test_bad_input_is_refused_with_the_chats_text_and_nothing_is_saved(
    served: Served,
) -> None:
    p = await started(served)
    clerk = p["clerk"]

    async def refused(body: object, status: int, text: str) -> None:
        answer = await served.call("PUT", "api/protocols/1", user=clerk, body=body)
        assert answer.status == status, answer.text
        assert text in answer.json()["error"], answer.json()["error"]
        assert await versions(served.world) == []

    task = ("Подготовить методичку", "Отдел качества")
    # A malformed deadline, a day that does not exist: the chat's refusal, naming the item.
    for deadline in ("31.01.2027", "2027-02-31", "завтра"):
        await refused(
            {"items": {"1": item("Одобрить.", heard="Член 0", tasks=((*task, deadline),))}},
            400,
            "Вопрос 1: Поручение записывается так",
        )
    # A task with no owner.
    await refused(
        {"items": {"2": item("Одобрить.", heard="Член 0", tasks=(("Методичка", " ", ""),))}},
        400,
        "Вопрос 2: Поручение записывается так",
    )
    # Text over the limit of the chat's dialog.
    await refused(
        {"items": {"1": item("Р" * 4001, heard="Член 0")}},
        400,
        "можно не более 4000 символов, в отправленном — 4001",
    )
    # An empty РЕШИЛИ, or one of invisible characters only (cl. 14).
    await refused(
        {"items": {"1": item(" \u200b ", heard="Член 0")}},
        400,
        "Текст решения не может быть пустым",
    )
    await refused({"items": {"1": item("Одобрить.")}}, 400, "В тексте нет видимых символов")
    # Forged items and bodies.
    await refused({"items": {"3": item("Одобрить.", heard="Член 0")}}, 404, "Кнопка устарела")
    await refused({"items": {"-1": item("Одобрить.", heard="Член 0")}}, 404, "Кнопка устарела")
    await refused({"items": [item("Одобрить.", heard="Член 0")]}, 400, "Запрос не распознан")
    await refused({"items": {"1": {"heard": 1, "decided": "x"}}}, 400, "Запрос не распознан")
    await refused({"items": {}}, 400, "Сначала заполните хотя бы один вопрос")
    await refused([1, 2], 400, "Запрос не распознан")


async def test_forged_ids_are_refused_as_stale(served: Served) -> None:
    p = await started(served)
    clerk = p["clerk"]
    for path in ("view/protocols/99", "view/protocols/1x", "view/protocols/1/diff?a=1&b=9"):
        answer = await served.call("GET", path, user=clerk)
        assert answer.status == 404 and "Кнопка устарела" in answer.text, path
    body = {"items": {"1": item("Одобрить.", heard="Член 0")}}
    for method, path in (
        ("PUT", "api/protocols/99"),
        ("POST", "api/protocols/99/request"),
        ("GET", "api/protocols/99/consents"),
        ("POST", "api/protocols/start/99"),
    ):
        answer = await served.call(method, path, user=clerk, body=body)
        assert answer.status == 404 and "Кнопка устарела" in answer.json()["error"], path
    assert await versions(served.world) == [] and await protocol_count(served.world) == 1


async def test_a_member_calling_the_editors_api_is_refused_as_in_chat_and_nothing_changes(
    served: Served,
) -> None:
    p = await started(served)
    member = p["m0"]
    clerk_body = {"items": {"1": item("Одобрить.", heard="Член 0")}}
    assert (
        await served.call("PUT", "api/protocols/1", user=p["clerk"], body=clerk_body)
    ).status == 200
    before = await versions(served.world)

    forged = {"items": {"1": item("Решение, которого не было.", heard="Член 0")}}
    for method, path, body in (
        ("PUT", "api/protocols/1", forged),
        ("POST", "api/protocols/1/request", None),
        ("GET", "api/protocols/1/consents", None),
        ("POST", "api/protocols/start/1", None),
    ):
        answer = await served.call(method, path, user=member, body=body)
        assert answer.status == 403, path
        # The chat's words for it (protocol.secretariat_only).
        assert answer.json()["error"] == "Протокол составляет секретариат.", path
    assert await versions(served.world) == before
    # Nobody was asked to consent.
    assert not any("Согласование протокола" in t for t in served.world.client.texts(p["m1"]))

    # The draft itself, its versions: not for members (item 6: signed protocols only).
    for path in ("view/protocols/1", "view/protocols/1/diff?a=1&b=1"):
        page = await served.call("GET", path, user=member)
        assert page.status == 403 and "Решение" not in page.text
    assert (
        "Протокол ещё не подписан"
        in (await served.call("GET", "view/protocols/1", user=member)).text
    )
    listing = await served.call("GET", "view/protocols", user=member)
    assert "1/2026" not in listing.text and "Составить протокол" not in listing.text
    assert "подписанные протоколы" in listing.text


async def test_cl14_request_for_consent_follows_the_chats_rules(served: Served) -> None:
    p = await started(served)
    clerk = p["clerk"]
    empty = await served.call("POST", "api/protocols/1/request", user=clerk)
    assert empty.status == 400 and "Сначала заполните хотя бы один вопрос" in empty.json()["error"]
    body = {"items": {str(n): item(f"Решение {n}.", heard=f"Докладчик {n}") for n in (1, 2)}}
    await served.call("PUT", "api/protocols/1", user=clerk, body=body)
    sent = await served.call("POST", "api/protocols/1/request", user=clerk)
    assert sent.status == 200
    assert "направлен присутствовавшим" in sent.json()["message"]
    await served.world.deliver()
    # The members present get the chat's request, the absent ones nothing.
    assert any("Согласование протокола № 1/2026" in t for t in served.world.client.texts(p["m0"]))
    assert not any("Согласование протокола" in t for t in served.world.client.texts(p["m2"]))
    again = await served.call("POST", "api/protocols/1/request", user=clerk)
    assert again.status == 400 and "уже направлен на согласование" in again.json()["error"]

    board = (await served.call("GET", "api/protocols/1/consents", user=clerk)).json()
    assert board["collecting"] and board["summary"].startswith(
        "Устное согласие подтвердили: 0 из 3"
    )
    assert [e["state"] for e in board["entries"]] == ["silent"] * 3
    await consent_in_chat(served.world, p["m0"])
    board = (await served.call("GET", "api/protocols/1/consents", user=clerk)).json()
    assert "Член 0 — устное согласие (очно)" in [e["text"] for e in board["entries"]]
    assert board["summary"].startswith("Устное согласие подтвердили: 1 из 3")

    # An objection in chat shows as one on the board, with its item (cl. 15).
    c = served.world.client
    await c.click(p["m1"], "Заявить возражение")
    await c.click(p["m1"], "2")
    await c.send(p["m1"], "Нужно указать срок")
    board = (await served.call("GET", "api/protocols/1/consents", user=clerk)).json()
    objected = [e for e in board["entries"] if e["state"] == "objected"]
    assert [e["text"] for e in objected] == ["Член 1 — возражение по вопросу 2"]


async def test_versions_are_listed_and_compared_side_by_side(served: Served) -> None:
    p = await started(served)
    clerk = p["clerk"]
    first = {"base": 0, "items": {"1": item("Одобрить проект стандарта.", heard="Член 0")}}
    await served.call("PUT", "api/protocols/1", user=clerk, body=first)
    second = {
        "base": 1,
        "items": {
            "1": item(
                "Одобрить стандарт с изменениями.",
                heard="Член 0",
                tasks=(("Доработать стандарт", "Член 1", "2027-02-01"),),
            )
        },
    }
    await served.call("PUT", "api/protocols/1", user=clerk, body=second)
    editor = await served.call("GET", "view/protocols/1", user=clerk)
    assert "Сравнить с версией 1" in editor.text and "Секретарь Сергей" in editor.text

    diff = await served.call("GET", "view/protocols/1/diff?a=1&b=2", user=clerk)
    assert diff.status == 200
    assert "сравнение версий 1 и 2" in diff.text
    # Word by word: what version 2 removed, and what it added.
    assert "Одобрить <del>проект стандарта</del>." in diff.text
    assert "Одобрить <ins>стандарт с изменениями</ins>." in diff.text
    assert "<ins>Доработать стандарт — Член 1 — 1 февраля 2027 г.</ins>" in diff.text
    # Item 2 was not touched.
    assert "Без изменений." in diff.text
    same = await served.call("GET", "view/protocols/1/diff?a=2&b=2", user=clerk)
    assert same.status == 400 and "две разные версии" in same.text
    # The person's text is escaped in the difference as everywhere.
    third = {"base": 2, "items": {"1": item("<b>жирно</b> & точка", heard="Член 0")}}
    await served.call("PUT", "api/protocols/1", user=clerk, body=third)
    escaped = await served.call("GET", "view/protocols/1/diff?a=2&b=3", user=clerk)
    assert "<b>жирно" not in escaped.text and "&lt;b&gt;" in escaped.text


async def test_english_labels_follow_the_chats_english_locale(served: Served) -> None:
    p = await started(served)
    english = served.world.client.user(p["clerk"].id, "Секретарь", "Сергей", language_code="en")
    editor = await served.call("GET", "view/protocols/1", user=english)
    for label in ("HEARD", "SPOKE", "DECIDED", "Minutes No. 1/2026", "Add a task", "Save"):
        assert label in editor.text, label
    refused = await served.call(
        "PUT", "api/protocols/1", user=english, body={"items": {"1": item("", heard="x")}}
    )
    assert refused.json()["error"] == "Item 1: The decision text cannot be empty."


async def test_a_signed_protocol_is_read_only_for_everyone(served: Served) -> None:
    """Cl. 14: once signed, the text is frozen; members read it in the Mini App (item 6)."""
    p = await meeting_of_three(served.world)
    world = served.world
    clerk = p["clerk"]
    await open_protocol(world, clerk)
    for n in (1, 2, 3):
        await write_protocol_item(world, clerk, n, f"Решение по вопросу {n}.")
    await world.client.click(clerk, "Направить на согласование")
    await world.deliver()
    for key in ("deputy", "m0", "m1"):
        await consent_in_chat(world, p[key])
    await world.client.send(p["deputy"], "/protocols")
    await world.client.click(p["deputy"], "Протокол № 1/2026")
    await world.client.click(p["deputy"], "Подписать протокол")
    await world.client.click(p["deputy"], "Подтвердить")
    before = await versions(world)

    page = await served.call("GET", "view/protocols/1", user=p["m2"])
    assert page.status == 200
    assert f"Вопрос 3. {ITEMS[2]}" in page.text and "Решение по вопросу 3." in page.text
    assert "Член 0 — устное согласие (очно)" in page.text
    assert "<textarea" not in page.text and "data-api" not in page.text
    listing = await served.call("GET", "view/protocols", user=p["m2"])
    assert "1/2026" in listing.text and "подписан" in listing.text

    body = {"items": {"1": item("Другое решение.", heard="Член 0")}}
    answer = await served.call("PUT", "api/protocols/1", user=clerk, body=body)
    assert answer.status == 400
    assert answer.json()["error"] == "Протокол подписан и не может быть изменён."
    assert await versions(world) == before
