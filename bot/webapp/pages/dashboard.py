"""The Mini App's dashboard (issue #19)."""

from __future__ import annotations

from bot.webapp.server import Routes

routes = Routes()
