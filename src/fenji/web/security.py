"""Passwords, sessions, CSRF tokens, roles and the login rate limit.

- Passwords: argon2id (``argon2-cffi``), rehashed on login when the parameters change.
- Browser sessions: a random token in an ``HttpOnly``, ``SameSite=Lax`` cookie (``Secure`` unless serving
  plain http on loopback); the database keeps only its SHA-256, so a leaked database opens no session.
- API clients: ``Authorization: Bearer <token>`` from ``POST /api/session``; no cookie, so no CSRF.
- CSRF (double submit, signed): every page sets a random ``fenji_csrf`` cookie; forms carry
  ``sign(cookie)`` (itsdangerous, keyed with the secret key) and every unsafe request made with a session
  cookie must present it (form field ``csrf_token`` or header ``X-CSRF-Token``).
- Roles: viewer < editor < reviewer < admin; each route states the least role it needs.
- Login rate limit: after ``login_max_failures`` failures within ``login_window`` for one user name or one
  client address, further attempts get 429 until the window passes.
"""

from __future__ import annotations

import datetime as dt
import hmac
import secrets
import threading
from collections import deque
from collections.abc import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "fenji_session"
CSRF_COOKIE = "fenji_csrf"
LANG_COOKIE = "fenji_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MIN_PASSWORD = 8

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# A hash to verify against when the user does not exist, so both cases take the same time.
DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"at least {MIN_PASSWORD} characters"
    if len(password) > 1000:
        return "at most 1000 characters"
    return None


class Csrf:
    """Signed double-submit tokens."""

    def __init__(self, secret_key: str, max_age: dt.timedelta = dt.timedelta(hours=12)) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="fenji-csrf")
        self._max_age = int(max_age.total_seconds())

    @staticmethod
    def new_cookie() -> str:
        return secrets.token_urlsafe(24)

    def token(self, cookie: str) -> str:
        return self._serializer.dumps(cookie)

    def valid(self, cookie: str | None, token: str | None) -> bool:
        if not cookie or not token:
            return False
        try:
            value = self._serializer.loads(token, max_age=self._max_age)
        except BadSignature:
            return False
        return isinstance(value, str) and hmac.compare_digest(value, cookie)


class LoginLimiter:
    """Failed logins per key (user name, client address) in a sliding window. Per process."""

    def __init__(self, max_failures: int, window: dt.timedelta, clock: Callable[[], float] | None = None) -> None:
        import time

        self.max_failures = max_failures
        self.window = window.total_seconds()
        self._clock = clock or time.monotonic
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def blocked(self, *keys: str) -> float | None:
        """Seconds until the next attempt is allowed, or None when it is allowed now."""
        now = self._clock()
        with self._lock:
            waits = []
            for key in keys:
                q = self._recent(key, now)
                if len(q) >= self.max_failures:
                    waits.append(q[0] + self.window - now)
            return max(waits) if waits else None

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # forget idle keys
                for key in [k for k, q in self._failures.items() if not q or q[-1] <= now - self.window]:
                    del self._failures[key]

    def succeeded(self, username_key: str) -> None:
        with self._lock:
            self._failures.pop(username_key, None)
