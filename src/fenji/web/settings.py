"""Settings of the web app, from the environment (``Settings.from_env``) or given directly (tests)."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from fenji.store import data_dir, default_database_url

MIB = 1024 * 1024


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secret_key(directory: Path) -> str:
    """``FENJI_SECRET_KEY``, else a key kept in the data directory (created once, readable by the owner only)."""
    env = os.environ.get("FENJI_SECRET_KEY")
    if env:
        return env
    path = directory / "secret_key"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    evidence_dir: Path | None = None  # None: evidence files are kept in the database
    secure_cookies: bool = True  # Secure flag on cookies (off only for plain http on loopback)
    session_ttl: dt.timedelta = dt.timedelta(hours=8)
    api_token_ttl: dt.timedelta = dt.timedelta(days=30)
    max_upload_bytes: int = 10 * MIB
    max_card_bytes: int = 256 * 1024
    login_max_failures: int = 5
    login_window: dt.timedelta = dt.timedelta(minutes=5)
    as_of: dt.date | None = None  # a fixed "today" for assessments and deadlines (demos, tests)
    page_size: int = 50
    demo: bool = False

    @classmethod
    def from_env(cls, *, host: str = "127.0.0.1", demo: bool = False) -> Settings:
        """FENJI_DATABASE_URL, FENJI_SECRET_KEY, FENJI_EVIDENCE_DIR, FENJI_SECURE_COOKIES (1/0), FENJI_AS_OF."""
        directory = data_dir()
        url = default_database_url()
        evidence_env = os.environ.get("FENJI_EVIDENCE_DIR")
        if evidence_env:
            evidence_dir: Path | None = Path(evidence_env)
        elif url.startswith("sqlite"):
            evidence_dir = directory / "evidence"
        else:
            evidence_dir = None  # teams on PostgreSQL: files live in the database every server shares
        secure_env = os.environ.get("FENJI_SECURE_COOKIES")
        secure = secure_env == "1" if secure_env in ("0", "1") else not _loopback(host)
        as_of_env = os.environ.get("FENJI_AS_OF")
        return cls(
            database_url=url,
            secret_key=_secret_key(directory),
            evidence_dir=evidence_dir,
            secure_cookies=secure,
            as_of=dt.date.fromisoformat(as_of_env) if as_of_env else None,
            demo=demo,
        )

    def with_(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def today(self) -> dt.date:
        return self.as_of or dt.date.today()
