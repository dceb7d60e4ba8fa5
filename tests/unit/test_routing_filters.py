"""Every filter of every router runs in the event loop.

aiogram 3.31 runs a plain callable filter (a bare magic filter such as
`F.chat.type == "private"`) in a worker thread; one at router level costs a thread hop for
every update that passes the router. `bot.filters.Inline` resolves it in the loop instead.
"""

from __future__ import annotations

from aiogram import Router

from handlers import routers


def _filters(router: Router) -> list[tuple[str, str, object]]:
    found: list[tuple[str, str, object]] = []
    for name, observer in router.observers.items():
        for f in observer._handler.filters or []:
            found.append((router.name, f"{name} (router level)", f))
        for handler in observer.handlers:
            for f in handler.filters or []:
                found.append((router.name, f"{name} → {handler.callback.__name__}", f))
    return found


def test_no_filter_costs_a_thread_hop() -> None:
    slow = [
        (router, where)
        for r in routers()
        for router, where, f in _filters(r)
        if not getattr(f, "awaitable", True)
    ]
    assert not slow, slow
    assert sum(len(_filters(r)) for r in routers()) > 100  # the walk did see the filters
