"""The registers' views: the texts the register service names are in the one table of
renderers, and the listing and the card draw the editing buttons from the viewer's flag
that the service read, not from a role the handler would check."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import bot.services.registers as register_service
from bot.callbacks import RegisterCb
from bot.domain.registers import Register, Status
from bot.i18n import translator
from bot.services.notifier import Notice, Notifier
from bot.services.registers import EntryCard, Listed, RegisterListing
from bot.views import registers as views
from bot.views.notices import RENDERERS
from storage.repositories.registers import EntryView

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _notice_names(module: object) -> set[str]:
    """The literal names of the `Notice(...)`s a module builds."""
    tree = ast.parse(Path(str(getattr(module, "__file__", ""))).read_text(encoding="utf-8"))
    return {
        str(node.args[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Notice"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }


def test_every_text_the_register_service_names_has_a_renderer() -> None:
    used = _notice_names(register_service)
    assert used  # the walk did find them
    assert used <= set(RENDERERS)
    assert set(views.RENDERERS) <= set(RENDERERS)


@pytest.mark.parametrize("locale", ["ru", "en"])
def test_the_register_texts_render_in_each_language(locale: str) -> None:
    notifier = Notifier(
        None,  # type: ignore[arg-type]  # rendering reads nothing
        None,  # type: ignore[arg-type]
        translator=lambda code: translator(code, "Europe/Moscow"),
        default_locale="ru",
        renderers=RENDERERS,
    )
    texts = [
        notifier.text(Notice("registers.note_status", status="done"), locale),
        notifier.text(Notice("registers.note_due", due=date(2026, 12, 25)), locale),
        notifier.text(Notice("registers.note_owner", unit=None, person="Иванов"), locale),
        notifier.text(Notice("registers.date", day=date(2026, 12, 25)), locale),
    ]
    assert all(texts)
    assert "25" in texts[1] and "25" in texts[3]
    assert "Иванов" in texts[2]


def _entry(register: Register = Register.EVENTS) -> EntryView:
    return EntryView(
        id=1,
        group_id=1,
        register=register.value,
        kind=None,
        parent_id=None,
        title="Семинар",
        unit_id=None,
        unit_name=None,
        responsible_id=None,
        responsible_name=None,
        due=None,
        status=Status.PLANNED.value,
        protocol_id=None,
        item_number=None,
        created_at=NOW,
        updated_at=NOW,
    )


def _actions(keyboard: object) -> list[str]:
    """The register actions of a keyboard's buttons."""
    rows = getattr(keyboard, "inline_keyboard", [])
    data = [b.callback_data or "" for row in rows for b in row]
    return [RegisterCb.unpack(d).action for d in data if d.startswith(RegisterCb.__prefix__)]


@pytest.mark.parametrize("may_edit", [False, True])
def test_the_listing_offers_adding_only_to_a_viewer_who_may_edit(may_edit: bool) -> None:
    t = translator("ru", "Europe/Moscow")
    shown = RegisterListing(Register.EVENTS, [Listed(_entry(), Status.PLANNED)], may_edit)
    _, keyboard = views.listing(t, shown, 0)
    assert ("add" in _actions(keyboard)) is may_edit


@pytest.mark.parametrize("may_edit", [False, True])
def test_the_card_offers_changes_only_to_a_viewer_who_may_edit(may_edit: bool) -> None:
    t = translator("ru", "Europe/Moscow")
    card = EntryCard(_entry(), Status.PLANNED, None, [], [], None, may_edit=may_edit)
    _, keyboard = views.card(t, card)
    changes = {"status", "due", "note", "owner"} & set(_actions(keyboard))
    assert len(changes) == (4 if may_edit else 0)
