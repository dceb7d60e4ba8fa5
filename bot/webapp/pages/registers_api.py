"""The secretariat's calls on the registers from the Mini App: adding an entry and changing
one (status, due date, owner, progress note), each naming its decision or none; adding an
indicator to a project and entering its value.

Each call does what the chat's dialog does at its confirming step, with the same service
methods and in the same order of checks, so the refusals are the chat's: the dialog's
answers are collected here at once instead of one question at a time. Ids the page sends are
never trusted: a forged or outdated one is «stale», as a forged button is.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from aiohttp import web

from bot.domain.registers import ProjectKind, Register
from bot.services.errors import InvalidInput, NotFound
from bot.services.indicators import KpiDraft
from bot.services.registers import Draft
from bot.views.indicators import number, status_label
from bot.views.registers import parse_decision
from bot.webapp.server import Routes, WebCtx

routes = Routes()

# What a date field of the browser sends (<input type="date">); typed dates are read by the
# services as in chat («25.12.2026», «25.12»).
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidInput("webapp.bad_request")
    return value


def optional_id(body: dict[str, Any], name: str) -> int | None:
    """An id from a picker; empty or "0" is none (as the chat's «Без подразделения»)."""
    value = body.get(name)
    if value in (None, "", "0", 0):
        return None
    if isinstance(value, str) and value.isdigit() and len(value) <= 12:
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**12:
        return value
    raise NotFound("errors.stale")


def decision(body: dict[str, Any]) -> tuple[int, int] | None:
    """The decision a change names («protocol-item», as the chat's button), or none."""
    value = body.get("decision")
    if value in (None, "", "none"):
        return None
    parsed = parse_decision(value) if isinstance(value, str) else None
    if parsed is None:
        raise NotFound("errors.stale")
    return parsed


def typed_day(raw: str) -> str:
    """A date as a person types it in chat: the date field's ISO form is turned into
    «25.12.2026», so one parser (and its refusals) reads both."""
    found = _ISO_DAY.fullmatch(raw.strip())
    if found is None:
        return raw
    year, month, day = found.groups()
    return f"{day}.{month}.{year}"


def changed(w: WebCtx, change: str) -> web.Response:
    # The page reloads itself and shows the new state; the toast is the chat's.
    return w.json({"message": w.t.plain(f"registers.changed_{change}")})


def _kind(w: WebCtx, register: Register, body: dict[str, Any], parent: int | None) -> str | None:
    """The entry's kind as the chat's dialog sets it: a document's chosen kind, a project or
    (from a project's page) a milestone; the measures and the Plan have none."""
    if register is Register.DOCUMENTS:
        return w.registers.check_kind(w.actor, register, text(body, "kind") or None)
    if register is Register.PROJECTS:
        return ProjectKind.MILESTONE.value if parent else ProjectKind.PROJECT.value
    return None


@routes.api("POST", "/registers/{book}")
async def add(w: WebCtx) -> web.StreamResponse:
    """Cl. 4 а–к: the add dialog's answers at once; RegisterService.add checks them again."""
    w.registers.require_editor(w.actor)
    try:
        register = Register(w.request.match_info["book"])
    except ValueError:
        raise NotFound("errors.stale") from None
    body = await w.body()
    parent = optional_id(body, "parent")
    if parent is not None and register is not Register.PROJECTS:
        raise NotFound("errors.stale")
    kind = _kind(w, register, body, parent)
    title = w.registers.check_title(w.actor, text(body, "title"))
    unit = optional_id(body, "unit")
    # A milestone has an owner unit and a date only (the chat does not ask for a person).
    responsible = None if parent else optional_id(body, "responsible")
    due = await w.registers.check_due(w.actor, typed_day(text(body, "due")), parent_id=parent)
    protocol, item = decision(body) or (None, None)
    entry_id = await w.registers.add(
        w.actor,
        Draft(
            register=register,
            kind=kind,
            parent_id=parent,
            title=title,
            unit_id=unit,
            responsible_id=responsible,
            due=due,
            protocol_id=protocol,
            item_number=item,
        ),
    )
    return w.json({"message": w.t.plain("registers.added"), "view": f"/registers/entry/{entry_id}"})


@routes.api("POST", "/registers/entry/{id}/status")
async def change_status(w: WebCtx) -> web.StreamResponse:
    w.registers.require_editor(w.actor)
    entry_id = w.int_param("id")
    body = await w.body()
    entry = await w.registers.entry(w.actor, entry_id)
    status = w.registers.check_status(w.actor, entry, text(body, "status"))
    await w.registers.change_status(w.actor, entry.id, status, decision(body))
    return changed(w, "status")


@routes.api("POST", "/registers/entry/{id}/due")
async def change_due(w: WebCtx) -> web.StreamResponse:
    w.registers.require_editor(w.actor)
    entry_id = w.int_param("id")
    body = await w.body()
    due = await w.registers.check_due(w.actor, typed_day(text(body, "due")), entry_id=entry_id)
    await w.registers.change_due(w.actor, entry_id, due, decision(body))
    return changed(w, "due")


@routes.api("POST", "/registers/entry/{id}/owner")
async def change_owner(w: WebCtx) -> web.StreamResponse:
    w.registers.require_editor(w.actor)
    entry_id = w.int_param("id")
    body = await w.body()
    unit, responsible = optional_id(body, "unit"), optional_id(body, "responsible")
    await w.registers.change_owner(w.actor, entry_id, unit, responsible, decision(body))
    return changed(w, "owner")


@routes.api("POST", "/registers/entry/{id}/note")
async def add_note(w: WebCtx) -> web.StreamResponse:
    w.registers.require_editor(w.actor)
    entry_id = w.int_param("id")
    body = await w.body()
    note = w.registers.check_note(w.actor, text(body, "text"))
    await w.registers.add_note(w.actor, entry_id, note, decision(body))
    return changed(w, "note")


# Effectiveness indicators of a priority project (cl. 3 в, 4 ж)
@routes.api("POST", "/registers/entry/{id}/indicators")
async def add_indicator(w: WebCtx) -> web.StreamResponse:
    """The indicator dialog's answers at once, checked in its order; IndicatorService.add
    checks them again."""
    kpis = w.indicators
    entry_id = w.int_param("id")
    await kpis.check_entry(w.actor, entry_id)
    body = await w.body()
    name = kpis.check_name(text(body, "name"))
    measure = kpis.check_measure(text(body, "measure"))
    baseline = kpis.check_number(text(body, "baseline"))
    target = kpis.check_target(baseline, kpis.check_number(text(body, "target")))
    target_on = kpis.check_target_day(typed_day(text(body, "target_on")))
    await kpis.add(w.actor, KpiDraft(entry_id, name, measure, baseline, target, target_on))
    return w.json({"message": w.t.plain("kpi.added")})


@routes.api("POST", "/registers/entry/{id}/indicators/{kpi}/values")
async def add_value(w: WebCtx) -> web.StreamResponse:
    """A measured value: the secretariat, or the representative of the project's unit."""
    kpis = w.indicators
    entry_id, kpi_id = w.int_param("id"), w.int_param("kpi")
    kpi = await kpis.begin_value(w.actor, kpi_id, entry_id)
    body = await w.body()
    value = kpis.check_number(text(body, "value"))
    measured_on: date = kpis.check_measured_on(typed_day(text(body, "measured_on")))
    source = kpis.check_source(text(body, "source") or None)
    line = await kpis.add_value(w.actor, kpi.id, entry_id, value, measured_on, source)
    message = w.t.plain(
        "kpi.value_saved",
        name=kpi.name,
        measure=kpi.measure,
        value=number(w.t, value),
        status=status_label(w.t, line.status),
    )
    return w.json({"message": message})
