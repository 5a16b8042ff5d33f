"""Request-scoped helpers shared by the API and the pages: the app context, who is asking, role checks,
CSRF, language and upload reading."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, UploadFile
from jinja2 import Environment
from starlette.concurrency import run_in_threadpool

from fenji.store import Session, Store, role_at_least
from fenji.web.errors import AuthRequired, CsrfFailed, Forbidden, UploadTooLarge, UploadType
from fenji.web.i18n import pick_lang
from fenji.web.inventory import Inventory
from fenji.web.library import Catalog
from fenji.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    LANG_COOKIE,
    SAFE_METHODS,
    SESSION_COOKIE,
    Csrf,
    LoginLimiter,
)
from fenji.web.settings import Settings


@dataclass
class AppContext:
    """Everything a request needs, built by ``create_app`` (no module-level state)."""

    settings: Settings
    store: Store
    catalog: Catalog
    inventory: Inventory
    csrf: Csrf
    limiter: LoginLimiter
    templates: Environment


def ctx(request: Request) -> AppContext:
    context: AppContext = request.app.state.fenji
    return context


def lang_of(request: Request) -> str:
    return pick_lang(
        request.query_params.get("lang"), request.cookies.get(LANG_COOKIE), request.headers.get("accept-language")
    )


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def current_session(request: Request) -> tuple[Session | None, str]:
    """(session, how): how is "bearer", "cookie" or "" (anonymous). Cached on the request."""
    cached: tuple[Session | None, str] | None = getattr(request.state, "fenji_session", None)
    if cached is not None:
        return cached
    context = ctx(request)
    token = bearer_token(request)
    found: tuple[Session | None, str] = (None, "")
    if token:
        session = await run_in_threadpool(context.store.session, token)
        if session is None or session.kind != "api":
            raise AuthRequired("the bearer token is unknown or expired; log in again (POST /api/session)")
        found = (session, "bearer")
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie:
            session = await run_in_threadpool(context.store.session, cookie)
            if session is not None and session.kind == "browser":
                found = (session, "cookie")
    request.state.fenji_session = found
    return found


async def check_csrf(request: Request) -> None:
    """An unsafe request made with cookies must carry the signed CSRF token (header or form field)."""
    token = request.headers.get(CSRF_HEADER)
    if token is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            token = value if isinstance(value, str) else None
    if not ctx(request).csrf.valid(request.cookies.get(CSRF_COOKIE), token):
        raise CsrfFailed("the form is out of date or was not sent by this site; reload the page and try again")


class Need:
    """Dependency: the request's session, with at least ``role`` (CSRF-checked when it rides on a cookie)."""

    def __init__(self, role: str) -> None:
        self.role = role

    async def __call__(self, request: Request) -> Session:
        session, how = await current_session(request)
        if session is None:
            raise AuthRequired("log in first")
        if not role_at_least(session.user.role, self.role):
            raise Forbidden(f"this needs the {self.role} role; you are {session.user.role}")
        if how == "cookie" and request.method not in SAFE_METHODS:
            await check_csrf(request)
        return session


Viewer = Annotated[Session, Depends(Need("viewer"))]
Editor = Annotated[Session, Depends(Need("editor"))]
Reviewer = Annotated[Session, Depends(Need("reviewer"))]
Admin = Annotated[Session, Depends(Need("admin"))]
Ctx = Annotated[AppContext, Depends(ctx)]

# File types accepted as evidence: extension -> (media type, leading bytes it must start with, or None for text)
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
    ".txt": ("text/plain", None),
    ".md": ("text/markdown", None),
    ".csv": ("text/csv", None),
    ".json": ("application/json", None),
    ".yaml": ("application/yaml", None),
    ".yml": ("application/yaml", None),
}
CARD_TYPES = (".yaml", ".yml", ".json")


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await upload.read(64 * 1024)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            raise UploadTooLarge(f"the file is larger than {limit // 1024} KiB", field="file")
        chunks.append(chunk)
    return b"".join(chunks)


def safe_filename(name: str | None) -> str:
    base = (name or "upload").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*\x00').strip(" .")
    return cleaned[:200] or "upload"


def evidence_type(filename: str, content: bytes) -> str:
    """The media type of an accepted evidence file; UploadType when the name or the bytes do not fit."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    accepted = EVIDENCE_TYPES.get(suffix)
    if accepted is None:
        raise UploadType(
            f"{suffix or 'files without an extension'} not accepted; use one of " + ", ".join(sorted(EVIDENCE_TYPES)),
            field="file",
        )
    media, magic = accepted
    if magic is not None:
        if not content.startswith(magic):
            raise UploadType(f"the file's content is not {suffix[1:].upper()}", field="file")
    else:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            raise UploadType(f"a {suffix} file must be UTF-8 text", field="file") from None
    if not content:
        raise UploadType("the file is empty", field="file")
    return media


def card_text(filename: str, content: bytes) -> str:
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in CARD_TYPES:
        raise UploadType("a system card is a .yaml, .yml or .json file", field="file")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadType("the card must be UTF-8 text", field="file") from None
