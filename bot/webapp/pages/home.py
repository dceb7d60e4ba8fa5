"""The first page: the sections this person may open."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.domain.roles import Capability
from bot.webapp.server import Routes, WebCtx

routes = Routes()


@dataclass(frozen=True, slots=True)
class Section:
    view: str
    title: str
    hint: str
    needs: Capability


SECTIONS = (
    Section(
        "/protocols",
        "webapp.section_protocols",
        "webapp.section_protocols_hint",
        Capability.USE_BOT,
    ),
    Section(
        "/registers",
        "webapp.section_registers",
        "webapp.section_registers_hint",
        Capability.USE_BOT,
    ),
    Section(
        "/dashboard",
        "webapp.section_dashboard",
        "webapp.section_dashboard_hint",
        Capability.VIEW_DASHBOARD,
    ),
)


@routes.view("/home")
async def home(w: WebCtx) -> web.StreamResponse:
    shown = [s for s in SECTIONS if w.actor.can(s.needs)]
    return w.render("home.html", sections=shown)
