"""The Mini App's protocols (issue #19 items 3 and 6): the list, the secretariat's editor
with versions, their difference and the live consent of those present, and a read-only
view of signed protocols for everyone in the roster.

Every call goes to the services the chat's handlers use (bot/services/protocols), which
check who may do what; this module only reads the page's requests and renders the answers.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.domain import fields
from bot.domain.protocol import MODES, ConsentEntry, ConsentState
from bot.domain.roles import Capability
from bot.i18n import Translator
from bot.services.errors import InvalidInput, NotAllowed
from bot.services.protocols.record import ProtocolState
from bot.views.protocols import held_on, missing_reasons
from bot.webapp.pages.protocols_diff import compare
from bot.webapp.pages.protocols_form import read_items
from bot.webapp.server import Routes, WebCtx

routes = Routes()


# The list
@routes.view("/protocols")
async def listing(w: WebCtx) -> web.StreamResponse:
    keeps = w.actor.can(Capability.KEEP_RECORD)
    found = await w.protocols.listing(w.actor)
    if not keeps:
        # Members read protocols once signed; drafts are the secretariat's work (item 6).
        found = [(p, m) for p, m in found if p.status == "signed"]
    unwritten = await w.protocol_drafts.unwritten(w.actor) if keeps else []
    return w.render(
        "protocols_list.html",
        rows=[(p, m, held_on(m)) for p, m in found],
        unwritten=[(m, held_on(m)) for m in unwritten],
        keeps=keeps,
    )


@routes.api("POST", "/protocols/start/{meeting}")
async def start(w: WebCtx) -> web.StreamResponse:
    """«Составить протокол» of a closed meeting: as the meeting card's «Протокол» in chat."""
    protocol = await w.protocol_drafts.open_draft(w.actor, w.int_param("meeting"))
    return w.json({"view": f"/protocols/{protocol.id}"})


# One protocol: the editor, or the signed text
@routes.view("/protocols/{id}")
async def protocol(w: WebCtx) -> web.StreamResponse:
    state = await w.protocols.state(w.actor, w.int_param("id"))
    if state.protocol.status == "signed":
        return w.render("protocols_signed.html", s=state, consents=_record_lines(w.t, state))
    if not state.may_draft:
        raise NotAllowed("webapp_protocols.not_signed_yet")
    state, entries = await w.protocol_drafts.consent_board(w.actor, state.protocol.id)
    history = await w.protocol_drafts.history(w.actor, state.protocol.id)
    people, units = await w.protocol_drafts.owners(w.actor)
    return w.render(
        "protocols_editor.html",
        s=state,
        history=list(reversed(history)),
        board=_board(w.t, state, entries),
        people=people,
        units=units,
        missing=missing_reasons(w.t, state.check) if state.check.missing else "",
        limit=fields.PROTOCOL_TEXT.max_length,
        # The two versions the comparison offers first: the last two saved.
        versions=[v.number for v, _ in history],
        a=max(state.protocol.current_version - 1, 1),
        b=state.protocol.current_version,
        may_request=state.version is not None and state.protocol.status == "draft",
    )


@routes.api("PUT", "/protocols/{id}")
async def save(w: WebCtx) -> web.StreamResponse:
    """«Сохранить»: every item the editor sends, in one version (or none, if unchanged)."""
    protocol_id = w.int_param("id")
    drafts, base = read_items(w.t, await w.body())
    state = await w.protocol_drafts.save_items(w.actor, protocol_id, drafts, base_version=base)
    assert state.version is not None
    if base is not None and state.version.number == base:
        message = w.t.plain("webapp_protocols.unchanged", version=base)
    else:
        message = w.t.plain(
            "protocol.saved", version=state.version.number, sha=state.version.sha256[:12]
        )
    return w.json({"message": message, "view": f"/protocols/{protocol_id}"})


@routes.api("POST", "/protocols/{id}/request")
async def request_consent(w: WebCtx) -> web.StreamResponse:
    """«Направить на согласование», with the chat's rules (the page asked to confirm)."""
    protocol_id = w.int_param("id")
    await w.protocol_drafts.request_consent(w.actor, protocol_id)
    return w.json({"message": w.t.plain("protocol.requested"), "view": f"/protocols/{protocol_id}"})


@routes.api("GET", "/protocols/{id}/consents")
async def consents(w: WebCtx) -> web.StreamResponse:
    """The live list: polled by the editor every two seconds while it is open."""
    state, entries = await w.protocol_drafts.consent_board(w.actor, w.int_param("id"))
    return w.json(_board(w.t, state, entries))


# Versions
@routes.view("/protocols/{id}/diff")
async def diff(w: WebCtx) -> web.StreamResponse:
    protocol_id = w.int_param("id")
    a, b = w.int_param("a"), w.int_param("b")
    # Who may compare is the service's answer, asked before anything about the versions.
    history = await w.protocol_drafts.history(w.actor, protocol_id)
    if a == b:
        raise InvalidInput("webapp_protocols.same_version")
    state = await w.protocols.state(w.actor, protocol_id)
    old, new = await w.protocol_drafts.compare(w.actor, protocol_id, a, b)
    return w.render(
        "protocols_diff.html",
        s=state,
        a=a,
        b=b,
        items=compare(w.t, old, new),
        versions=[v.number for v, _ in history],
    )


# The consent of those present
def _mode(t: Translator, entry: ConsentEntry) -> str:
    return t.plain(f"protocol.mode_{entry.mode}").lower() if entry.mode in MODES else "—"


def _record_line(t: Translator, e: ConsentEntry) -> str:
    """One member's line of the consent record, in the chat card's words (without its bullet)."""
    return t.plain(
        f"protocol.record_{e.state.value}",
        name=e.name,
        mode=_mode(t, e),
        item=e.item_number or "—",
        date=t.date(e.conciliation_on) if e.conciliation_on else "—",
    ).removeprefix("• ")


def _record_lines(t: Translator, s: ProtocolState) -> list[str]:
    """A signed protocol's consent record, as the chat's card lists it."""
    return [_record_line(t, e) for e in s.consents]


def _board(
    t: Translator, s: ProtocolState, entries: list[tuple[ConsentEntry, int | None]]
) -> dict[str, Any]:
    """Who consented, who objected (and to which item), who has not answered yet."""
    collecting = s.protocol.status == "consent"
    rows = []
    for entry, objected_item in entries:
        if objected_item is not None:
            kind = "objected"
            text = t.plain("webapp_protocols.consent_objected", name=entry.name, item=objected_item)
        elif entry.state is ConsentState.SILENT:
            kind = "silent"
            waiting = "consent_waiting" if collecting else "consent_none"
            text = t.plain(f"webapp_protocols.{waiting}", name=entry.name)
        else:
            agreed = entry.state in (ConsentState.CONSENTED, ConsentState.CHANGED)
            kind = "consented" if agreed else "settled"
            text = _record_line(t, entry)
        rows.append({"state": kind, "text": text})
    version = s.version.number if s.version else 0
    return {
        "status": t.plain(f"protocol.status_{s.protocol.status}"),
        "collecting": collecting,
        "version": version,
        "summary": t.plain(
            "webapp_protocols.consent_summary", consented=s.consented, present=s.present
        ),
        "entries": rows,
    }
