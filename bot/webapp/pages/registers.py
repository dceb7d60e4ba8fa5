"""The Mini App's registers (issue #19, item 4; cl. 4 а–к): each register as a table that the
page sorts and filters (static/registers.js), an entry's page as the chat card has it, and
the secretariat's forms (their calls are in `registers_api`).

Everything is read through the same services as the chat's /plan, /projects, /documents and
an entry's card, so a member reads what the chat shows them and the forms appear only for
those the register service lets edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.domain import fields
from bot.domain.indicators import KPI_MEASURE, KPI_NAME
from bot.domain.registers import (
    DOCUMENT_KINDS,
    STORED_STATUSES,
    ProjectKind,
    Register,
    Status,
)
from bot.services.errors import NotFound
from bot.services.registers import Decision, EntryCard, Listed, is_milestone, is_project
from bot.views.indicators import number as kpi_number
from bot.views.registers import decision_label
from bot.webapp.pages import registers_api
from bot.webapp.server import Routes, WebCtx
from storage.dto import MemberView, UnitView
from storage.repositories.registers import EntryView

routes = Routes()
routes.entries += registers_api.routes.entries

# The tabs, the Plan first: it is what the group works by (cl. 4 б, е); /plan opens it.
TABS: tuple[Register, ...] = (
    Register.EVENTS,
    Register.MEASURES,
    Register.PROJECTS,
    Register.DOCUMENTS,
)
# Sorting by status puts what needs attention first.
STATUS_ORDER: tuple[Status, ...] = (
    Status.OVERDUE,
    Status.IN_PROGRESS,
    Status.PLANNED,
    Status.DONE,
    Status.CANCELLED,
)
# Entries without a due date sort after every dated one, as in the chat's lists.
NO_DUE = "9999-12-31"
# The class of a status's badge (app.css): the colour only repeats the word beside it.
BADGE = {
    Status.DONE: "ok",
    Status.IN_PROGRESS: "warn",
    Status.OVERDUE: "bad",
}


@dataclass(frozen=True, slots=True)
class Row:
    """One line of a register's table, with what the script sorts and filters it by."""

    number: int
    listed: Listed
    status_rank: int
    due_key: str

    @property
    def entry(self) -> EntryView:
        return self.listed.entry


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    label: str


def register_named(book: str) -> Register:
    """The register a path names; anything else is a forged or outdated address."""
    try:
        return Register(book)
    except ValueError:
        raise NotFound("errors.stale") from None


def rows(items: list[Listed]) -> list[Row]:
    return [
        Row(
            number=n,
            listed=item,
            status_rank=STATUS_ORDER.index(item.status),
            due_key=item.entry.due.isoformat() if item.entry.due else NO_DUE,
        )
        for n, item in enumerate(items, start=1)
    ]


def people(members: list[MemberView]) -> list[Person]:
    """People as the chat's picker shows them: «Имя (подразделение)»."""
    return [
        Person(m.person.id, f"{m.display_name} ({m.unit_name})" if m.unit_name else m.display_name)
        for m in members
    ]


def _common(w: WebCtx) -> dict[str, Any]:
    return {
        "tabs": TABS,
        "badge": BADGE,
        "status_order": STATUS_ORDER,
        "kpi_number": lambda value: kpi_number(w.t, value),
        "is_project": is_project,
        "is_milestone": is_milestone,
    }


@routes.view("/registers")
async def first(w: WebCtx) -> web.StreamResponse:
    return await _register(w, Register.EVENTS)


@routes.view("/registers/{book}")
async def register(w: WebCtx) -> web.StreamResponse:
    return await _register(w, register_named(w.request.match_info["book"]))


async def _register(w: WebCtx, register: Register) -> web.StreamResponse:
    listing = await w.registers.listing(w.actor, register)
    # The Plan as a whole carries effectiveness indicators (cl. 3 в, 4 ж), as in /plan.
    kpis = await w.indicators.section(w.actor, None) if register is Register.EVENTS else None
    return w.render(
        "registers.html",
        register=register,
        listing=listing,
        rows=rows(listing.items),
        kpis=kpis,
        **_common(w),
    )


@routes.view("/registers/entry/{id}")
async def entry(w: WebCtx) -> web.StreamResponse:
    entry_id = w.int_param("id")
    card = await w.registers.card(w.actor, entry_id)
    versions = await w.document_versions.section(w.actor, entry_id)
    kpis = await w.indicators.section(w.actor, entry_id)
    values: dict[str, Any] = {}
    if card.may_edit:
        values = await _edit_choices(w, card)
    return w.render(
        "registers_entry.html",
        card=card,
        e=card.entry,
        roadmap=rows(card.roadmap),
        versions=versions,
        kpis=kpis,
        note_max=fields.REGISTER_NOTE.max_length,
        kpi_name_max=KPI_NAME.max_length,
        kpi_measure_max=KPI_MEASURE.max_length,
        today=w.registers.today(),
        **values,
        **_common(w),
    )


async def _edit_choices(w: WebCtx, card: EntryCard) -> dict[str, Any]:
    """What the chat's change dialogs offer: statuses, units, people, decisions."""
    return {
        "statuses": [s for s in STORED_STATUSES if s.value != card.entry.status],
        "units": await w.registers.units(w.actor),
        "persons": people(await w.registers.people(w.actor, None)),
        "decisions": _decisions(w, await w.registers.decisions(w.actor)),
    }


def _decisions(w: WebCtx, decisions: list[Decision]) -> list[tuple[str, str]]:
    """(value, label) of the decision picker; the value is the chat button's «protocol-item»."""
    return [
        (f"{d.basis.protocol_id}-{d.basis.item_number}", decision_label(w.t, d)) for d in decisions
    ]


@routes.view("/registers/add/{book}")
async def add_form(w: WebCtx) -> web.StreamResponse:
    book = register_named(w.request.match_info["book"])
    return await _add_form(w, book, parent=None)


@routes.view("/registers/entry/{id}/milestone")
async def add_milestone_form(w: WebCtx) -> web.StreamResponse:
    """From a project's page: a milestone of its roadmap (cl. 4 б, д)."""
    project_id = w.int_param("id")
    title = await w.registers.project_title(w.actor, project_id)
    return await _add_form(w, Register.PROJECTS, parent=(project_id, title))


async def _add_form(
    w: WebCtx, book: Register, parent: tuple[int, str] | None
) -> web.StreamResponse:
    units: list[UnitView] = await w.registers.units(w.actor)
    return w.render(
        "registers_add.html",
        book=book,
        parent=parent,
        kinds=DOCUMENT_KINDS if book is Register.DOCUMENTS else (),
        units=units,
        # A milestone is a point of the roadmap: owner unit and date, as the chat asks.
        persons=[] if parent else people(await w.registers.people(w.actor, None)),
        decisions=_decisions(w, await w.registers.decisions(w.actor)),
        title_max=fields.REGISTER_TITLE.max_length,
        today=w.registers.today(),
        milestone=ProjectKind.MILESTONE.value,
        **_common(w),
    )
