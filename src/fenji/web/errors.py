"""The web app's errors and the one mapping from any error to a status and the canonical body::

    {"error": {"code": "card.invalid", "message": "…", "field": "facts.market.eu"}}

User errors are 4xx; only a bug gives 500 (``internal.error``). ``docs/errors/<code>.md`` explains each code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fenji.errors import (
    CardError,
    EvaluationError,
    FenjiError,
    ReviewStateError,
    RulePackError,
    StoreConflictError,
    StoreDuplicateError,
    StoreError,
    StoreImportError,
    StoreNotFoundError,
)


class WebError(Exception):
    status = 400
    code = "request.error"

    def __init__(self, message: str, field: str | None = None, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = headers or {}


class AuthRequired(WebError):
    status = 401
    code = "auth.required"


class InvalidCredentials(WebError):
    status = 401
    code = "auth.invalid_credentials"


class Forbidden(WebError):
    status = 403
    code = "auth.forbidden"


class CsrfFailed(WebError):
    status = 403
    code = "csrf.invalid"


class RateLimited(WebError):
    status = 429
    code = "auth.rate_limited"


class RequestInvalid(WebError):
    status = 422
    code = "request.invalid"


class UploadTooLarge(WebError):
    status = 413
    code = "upload.too_large"


class UploadType(WebError):
    status = 415
    code = "upload.type"


class NotFound(WebError):
    status = 404
    code = "http.not_found"


WEB_ERROR_CLASSES: tuple[type[WebError], ...] = (
    AuthRequired,
    InvalidCredentials,
    Forbidden,
    CsrfFailed,
    RateLimited,
    RequestInvalid,
    UploadTooLarge,
    UploadType,
    NotFound,
)
# Codes the handler produces that have no class of their own.
OTHER_CODES = ("http.method_not_allowed", "http.error", "internal.error")


@dataclass(frozen=True)
class Problem:
    status: int
    code: str
    message: str
    field: str | None
    headers: dict[str, str]

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "field": self.field}}


def _fenji_status(exc: FenjiError) -> int:
    if isinstance(exc, StoreNotFoundError):
        return 404
    if isinstance(exc, StoreConflictError | StoreDuplicateError | ReviewStateError):
        return 409
    if isinstance(exc, CardError | StoreImportError | RulePackError):
        return 422
    if isinstance(exc, EvaluationError):
        return 500
    if isinstance(exc, StoreError):
        return 503
    return 400


def problem_of(exc: Exception) -> Problem:
    if isinstance(exc, WebError):
        return Problem(exc.status, exc.code, exc.message, exc.field, exc.headers)
    if isinstance(exc, FenjiError):
        field = next((i.field for i in exc.issues if i.field), None)
        details = "; ".join(i.render() for i in exc.issues[:5])
        message = f"{exc.message}: {details}" if details else exc.message
        return Problem(_fenji_status(exc), exc.code, message, field, {})
    return Problem(500, "internal.error", "an unexpected error; it has been logged", None, {})
