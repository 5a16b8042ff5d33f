"""``create_app(settings, store)``: the FastAPI application (no module-level app state).

One exception handler turns every error into the canonical JSON body under ``/api`` and into the error page
elsewhere; a small ASGI middleware adds security headers, caps request bodies and remembers ``?lang=``.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fenji._version import __version__
from fenji.errors import FenjiError
from fenji.store import Store, open_store
from fenji.web.deps import AppContext
from fenji.web.errors import AuthRequired, NotFound, Problem, RequestInvalid, UploadTooLarge, WebError, problem_of
from fenji.web.inventory import Inventory
from fenji.web.library import Catalog
from fenji.web.security import LANG_COOKIE, Csrf, LoginLimiter
from fenji.web.settings import Settings

HERE = Path(__file__).resolve().parent
log = logging.getLogger("fenji.web")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
# Swagger UI at /docs loads its script and style from a CDN and starts with an inline script.
DOCS_CSP = (
    "default-src 'self'; img-src 'self' data: https://fastapi.tiangolo.com; "
    "style-src 'self' https://cdn.jsdelivr.net; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "frame-ancestors 'none'"
)


class GuardMiddleware:
    """Security headers on every response, a cap on request bodies (413 before the app reads more than the
    largest upload allows), and the ``fenji_lang`` cookie when the URL chooses a language."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.max_body = settings.max_upload_bytes + 256 * 1024  # multipart overhead

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            problem = problem_of(UploadTooLarge(f"the request is larger than {self.max_body // 1024} KiB"))
            response = JSONResponse(problem.body(), status_code=413)
            await response(scope, receive, self._sender(scope, send, None))
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        lang = query.get("lang", [None])[0]
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise UploadTooLarge(f"the request is larger than {self.max_body // 1024} KiB")
            return message

        await self.app(scope, limited_receive, self._sender(scope, send, lang if lang in ("en", "zh") else None))

    def _sender(self, scope: Scope, send: Send, lang: str | None) -> Send:
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path in ("/docs", "/redoc") else CSP

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"content-security-policy", csp.encode()),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if lang:
                    cookie = f"{LANG_COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax"
                    if self.settings.secure_cookies:
                        cookie += "; Secure"
                    extra.append((b"set-cookie", cookie.encode()))
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        return wrapped


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "xml", "svg"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The web app over ``store`` (default: open and migrate ``settings.database_url``)."""
    owns_store = store is None
    the_store = store if store is not None else open_store(settings.database_url, evidence_dir=settings.evidence_dir)
    catalog = Catalog()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if the_store.search_index_digest() != catalog.digest:
            the_store.replace_search_index(catalog.search_docs(), catalog.digest)
        the_store.ensure_org()
        if settings.demo:
            from fenji.web.demo import seed

            seed(context)
        yield
        if owns_store:
            the_store.close()

    app = FastAPI(
        title="fenji",
        version=__version__,
        summary="AI inventory, assessments under EU, Chinese and US AI laws, evidence, reviews and audit log",
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
    )
    context = AppContext(
        settings=settings,
        store=the_store,
        catalog=catalog,
        inventory=Inventory(the_store, catalog, settings.as_of),
        csrf=Csrf(settings.secret_key),
        limiter=LoginLimiter(settings.login_max_failures, settings.login_window),
        templates=_templates(),
    )
    app.state.fenji = context

    from fenji.web.routes import api as api_routes
    from fenji.web.routes import pages

    app.include_router(api_routes.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_middleware(GuardMiddleware, settings=settings)

    async def handle(request: Request, exc: Exception) -> Response:
        if isinstance(exc, RequestValidationError):
            problem = _validation_problem(exc)
        elif isinstance(exc, StarletteHTTPException):
            problem = _http_problem(exc)
        else:
            problem = problem_of(exc)
            if problem.status >= 500:
                log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        if request.url.path.startswith("/api/") or request.url.path == "/api":
            return JSONResponse(problem.body(), status_code=problem.status, headers=problem.headers)
        if isinstance(exc, AuthRequired):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/login?next={_quote(target)}", status_code=303)
        return pages.error_page(request, problem)

    # Known errors are handled by the exception middleware (a 4xx, nothing re-raised or logged as a crash);
    # anything else reaches the catch-all, which answers 500 and lets the server log the traceback.
    app.add_exception_handler(FenjiError, handle)
    app.add_exception_handler(WebError, handle)
    app.add_exception_handler(Exception, handle)
    app.add_exception_handler(RequestValidationError, handle)
    app.add_exception_handler(StarletteHTTPException, handle)
    return app


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="/?=&")


def _validation_problem(exc: RequestValidationError) -> Problem:
    errors: list[Any] = list(exc.errors())
    first = errors[0] if errors else {}
    loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path", "header", "cookie")]
    message = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'request'}: {e.get('msg', 'invalid')}" for e in errors[:5]
    )
    return problem_of(RequestInvalid(message or "invalid request", field=".".join(loc) or None))


def _http_problem(exc: StarletteHTTPException) -> Problem:
    if isinstance(exc.__cause__, WebError):  # raised while FastAPI read the body (e.g. too large)
        return problem_of(exc.__cause__)
    if exc.status_code == 400 and exc.__cause__ is not None:
        return problem_of(RequestInvalid("the request body could not be read (malformed form or JSON)"))
    if exc.status_code == 404:
        return problem_of(NotFound("no such page or resource"))
    if exc.status_code == 405:
        return Problem(405, "http.method_not_allowed", "this method is not allowed here", None, dict(exc.headers or {}))
    return Problem(exc.status_code, "http.error", str(exc.detail), None, dict(exc.headers or {}))


def app_from_env() -> FastAPI:
    """The factory ``fenji serve`` hands uvicorn (``FENJI_*`` environment variables; see ``Settings.from_env``)."""
    import os

    return create_app(
        Settings.from_env(host=os.environ.get("FENJI_HOST", "127.0.0.1"), demo=os.environ.get("FENJI_DEMO") == "1")
    )
