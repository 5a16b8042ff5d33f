"""``fenji serve --demo``: a store to look around in. Seeds the example cards (``examples/cards`` of the
source checkout, or ``FENJI_DEMO_CARDS``) when the organisation has no systems yet, and, when the store
has no users, one user per role, all with the password ``fenji-demo`` (never use ``--demo`` in production)."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

from fenji.errors import FenjiError
from fenji.store import ROLES, Session
from fenji.web.deps import AppContext
from fenji.web.security import hash_password

DEMO_PASSWORD = "fenji-demo"
log = logging.getLogger("fenji.web")


def cards_dir() -> Path | None:
    env = os.environ.get("FENJI_DEMO_CARDS")
    candidates = [Path(env)] if env else []
    candidates.append(Path(__file__).resolve().parents[3] / "examples" / "cards")
    return next((p for p in candidates if p.is_dir()), None)


def seed(context: AppContext) -> list[str]:
    """Seed users and systems; returns what was done, one line each."""
    store = context.store
    done: list[str] = []
    if store.count_users() == 0:
        for role in ROLES:
            store.create_user(role, hash_password(DEMO_PASSWORD), role, actor="demo")
        done.append(f"users {', '.join(ROLES)} with password {DEMO_PASSWORD!r}")
    admin = store.user_by_name("admin") or next(u for u in store.list_users() if u.role == "admin")
    who = Session(admin, "api", "", dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    if store.count_systems(admin.org_id):
        return done
    directory = cards_dir()
    if directory is None:
        log.warning("--demo: no examples/cards directory found; set FENJI_DEMO_CARDS")
        return done
    count = 0
    for path in sorted(directory.glob("*.yaml")):
        try:
            card = context.inventory.parse_card(path.read_text(encoding="utf-8"), path.name)
            context.inventory.create_system(who, card, note=f"demo: {path.name}")
            count += 1
        except FenjiError as exc:
            log.warning("--demo: skipped %s: %s", path.name, exc.message)
    done.append(f"{count} example systems from {directory}")
    for line in done:
        log.warning("--demo: %s", line)
    return done
