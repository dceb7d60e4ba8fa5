"""The Mini App's routes on the bot's aiohttp server, under the path of WEBAPP_URL.

    GET  <prefix>/              the shell: one page that loads static/app.js
    GET  <prefix>/static/...    scripts, styles (shipped in the package; no CDN)
    GET  <prefix>/view/...      HTML fragments, rendered in the person's language
    *    <prefix>/api/...       JSON

Every `view` and `api` request carries Telegram's initData in the `X-Telegram-Init-Data`
header; it is checked (bot.webapp.identity) before anything else, the person is looked up in
the roster as in chat, and the section's handler calls the same services as the chat
handlers, so the same refusals follow. A refusal is the chat's text, in the person's language.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.context import AppContext
from bot.domain.roles import holders
from bot.i18n import SUPPORTED, Translator
from bot.services.actor import Actor, load_actor
from bot.services.errors import (
    InvalidInput,
    NeedsConfirmation,
    NotFound,
    RoleRefusal,
    ServiceError,
)
from bot.views.menu import holders_text
from bot.webapp.identity import InitDataRefused, authenticate
from bot.wiring import Services

if TYPE_CHECKING:
    from jinja2 import Environment
    from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"
INIT_DATA_HEADER = "X-Telegram-Init-Data"
# A protocol of ten items with long texts is well under this; more is not a person typing.
MAX_BODY = 512 * 1024
# Texts the script itself shows (bot/webapp/static/app.js).
CLIENT_TEXTS = ("offline", "loading", "saved")
# The sections, each a module of bot.webapp.pages with a `routes` (a `Routes`).
SECTIONS = ("home", "protocols", "registers", "dashboard")
# Telegram's web client shows a Mini App in a frame of its own pages; nothing else may frame it.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'self' https://web.telegram.org "
    "https://*.telegram.org; base-uri 'none'; form-action 'self'"
)

# A refusal's HTTP status; any other refusal (NotAllowed, RoleRefusal) is 403.
_STATUS: dict[type[ServiceError], int] = {
    InvalidInput: 400,
    NotFound: 404,
    NeedsConfirmation: 409,
}

Handler = Callable[["WebCtx"], Awaitable[web.StreamResponse]]


class Routes:
    """A section's routes: `view` pages under `<prefix>/view`, `api` calls under
    `<prefix>/api`."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, str, Handler]] = []

    def view(self, path: str) -> Callable[[Handler], Handler]:
        return self._add("GET", f"/view{path}")

    def api(self, method: str, path: str) -> Callable[[Handler], Handler]:
        return self._add(method, f"/api{path}")

    def _add(self, method: str, path: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.entries.append((method, path, fn))
            return fn

        return register


class WebCtx(Services):
    """One request's person, language, session and services (as `ctx` is for an update)."""

    def __init__(
        self,
        request: web.Request,
        *,
        actor: Actor,
        t: Translator,
        session: AsyncSession,
        app: AppContext,
        webapp: WebApp,
    ) -> None:
        super().__init__(session, app)
        self.request = request
        self.actor = actor
        self.t = t
        self.webapp = webapp

    def int_param(self, name: str) -> int:
        """A number in the path or the query; a forged one is «stale», as a forged button."""
        raw = self.request.match_info.get(name) or self.request.query.get(name, "")
        if not raw.isdigit() or len(raw) > 12:
            raise NotFound("errors.stale")
        return int(raw)

    async def body(self) -> dict[str, Any]:
        """The JSON object sent; anything else is refused as a malformed request."""
        try:
            data = await self.request.json()
        except ValueError:
            raise InvalidInput("webapp.bad_request") from None
        if not isinstance(data, dict):
            raise InvalidInput("webapp.bad_request")
        return data

    def render(self, template: str, /, status: int = 200, **values: Any) -> web.Response:
        """An HTML fragment from `templates/`, in the person's language."""
        html = self.webapp.render(template, self.t, actor=self.actor, w=self, **values)
        return web.Response(text=html, content_type="text/html", status=status)

    def json(self, data: Any, status: int = 200) -> web.Response:
        return web.json_response(data, status=status)


class WebApp:
    """The Mini App of one running bot."""

    def __init__(self, app: AppContext, url: str) -> None:
        self.app = app
        self.url = url.rstrip("/") + "/"
        self.prefix = urlsplit(url).path.rstrip("/")
        self._env: Environment | None = None
        self._static_version = _fingerprint(STATIC_DIR)

    # Pages
    @property
    def env(self) -> Environment:
        # Jinja is loaded with the first page, not by a bot nobody opens the Mini App of.
        if self._env is None:
            from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

            self._env = Environment(
                loader=FileSystemLoader(TEMPLATES_DIR),
                autoescape=select_autoescape(default=True, default_for_string=True),
                undefined=StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
            )
        return self._env

    def render(self, template: str, t: Translator, /, **values: Any) -> str:
        from markupsafe import Markup

        def text(key: str, /, **params: Any) -> Markup:
            # Locale texts are HTML already, with every parameter escaped (bot.i18n).
            return Markup(t(key, **params))

        def plural(key: str, n: int, /, **params: Any) -> Markup:
            return Markup(t.plural(key, n, **params))

        return self.env.get_template(template).render(
            t=text, plural=plural, tr=t, locale=t.locale, **values
        )

    # Server
    def add_routes(self, server: web.Application) -> None:
        p = self.prefix
        server.router.add_get(f"{p}/", self.shell)
        if p:
            server.router.add_get(p, self.shell)
        server.router.add_static(f"{p}/static", STATIC_DIR, append_version=False)
        for name in SECTIONS:
            module = importlib.import_module(f"bot.webapp.pages.{name}")
            routes: Routes = module.routes
            for method, path, fn in routes.entries:
                server.router.add_route(method, f"{p}{path}", self._wrap(fn))

    async def shell(self, _request: web.Request) -> web.Response:
        t = self.app.translator(self.app.settings.default_locale)
        # What the script says before a page arrives (no connection), in both languages: the
        # person's is known only once the server has checked who they are.
        texts = {
            locale: {
                key: self.app.translator(locale).plain(f"webapp.{key}") for key in CLIENT_TEXTS
            }
            for locale in SUPPORTED
        }
        # The sections' scripts after the frame's (deferred scripts run in order).
        scripts = sorted(p.name for p in STATIC_DIR.glob("*.js") if p.name != "app.js")
        html = self.render(
            "shell.html", t, version=self._static_version, texts=texts, scripts=scripts
        )
        return web.Response(text=html, content_type="text/html", headers=_headers())

    def _wrap(self, fn: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handle(request: web.Request) -> web.StreamResponse:
            response = await self._handle(request, fn)
            response.headers.update(_headers())
            return response

        return handle

    async def _handle(self, request: web.Request, fn: Handler) -> web.StreamResponse:
        settings = self.app.settings
        default = self.app.translator(settings.default_locale)
        as_json = "/api/" in request.path
        if request.content_length is not None and request.content_length > MAX_BODY:
            return self._refusal(default, "webapp.too_large", {}, 413, as_json)
        try:
            user = authenticate(
                request.headers.get(INIT_DATA_HEADER),
                settings.bot_token.get_secret_value(),
                now=self.app.clock.now(),
                max_age=settings.webapp_auth_max_age,
            )
        except InitDataRefused as refused:
            log.warning("Mini App request %s refused: initData %s", request.path, refused.reason)
            return self._refusal(default, f"webapp.auth_{refused.reason}", {}, 401, as_json)
        async with self.app.db.session() as session:
            actor = await load_actor(
                session,
                group_id=self.app.group_id,
                telegram_id=user.id,
                telegram_name=" ".join(x for x in (user.first_name, user.last_name) if x),
                language_code=user.language_code,
                admin_ids=settings.admin_ids,
                default_locale=settings.default_locale,
            )
            t = self.app.translator(actor.locale)
            if not actor.in_roster:
                return self._refusal(t, "errors.not_allowed", {}, 403, as_json)
            ctx = WebCtx(request, actor=actor, t=t, session=session, app=self.app, webapp=self)
            try:
                return await fn(ctx)
            except ServiceError as refusal:
                await session.rollback()
                params = dict(refusal.params)
                if isinstance(refusal, RoleRefusal):
                    params["who"] = holders_text(t, holders(refusal.capability))
                status = _STATUS.get(type(refusal), 403)
                return self._refusal(t, refusal.key, params, status, as_json)
            except web.HTTPException:
                raise
            except Exception:
                await session.rollback()
                # Logged with the path and the person, never with initData or the token.
                log.exception(
                    "Mini App request %s %s failed (user %s)", request.method, request.path, user.id
                )
                return self._refusal(t, "errors.internal", {}, 500, as_json)

    def _refusal(
        self, t: Translator, key: str, params: dict[str, Any], status: int, as_json: bool
    ) -> web.Response:
        text = t.plain(key, **params)
        if as_json:
            return web.json_response({"error": text}, status=status)
        html = self.render("refusal.html", t, text=text)
        return web.Response(text=html, content_type="text/html", status=status)


def _headers() -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


def _fingerprint(folder: Path) -> str:
    """Changes when any shipped script or style does, so a client never runs a stale one."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
