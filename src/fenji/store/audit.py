"""The audit log's hash chain (pure).

Each entry's hash covers its own fields and the previous entry's hash::

    hash(n) = sha256( hash(n-1) + "\\n" + canonical_json({seq, at, actor, org_id, action, target, details}) )

with ``hash(0) = "0" * 64``. Changing, deleting or reordering any entry breaks every later link, and the
``audit_head`` row (the last seq and hash) catches a truncated tail. ``verify`` recomputes the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from fenji.store.records import AuditEntry, AuditReport

GENESIS = "0" * 64


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def timestamp(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    prev_hash: str,
    seq: int,
    at: dt.datetime,
    actor: str,
    org_id: int | None,
    action: str,
    target: str,
    details: dict[str, Any],
) -> str:
    payload = {
        "seq": seq,
        "at": timestamp(at),
        "actor": actor,
        "org_id": org_id,
        "action": action,
        "target": target,
        "details": details,
    }
    return hashlib.sha256((prev_hash + "\n" + canonical(payload)).encode("utf-8")).hexdigest()


def json_safe(value: Any) -> Any:
    """Details as plain JSON (dates as ISO strings), so they hash the same after a round trip."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(v) for v in value]
        return sorted(items, key=canonical) if isinstance(value, set | frozenset) else items
    if isinstance(value, dt.datetime):
        return timestamp(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def verify(entries: Iterable[AuditEntry], head: tuple[int, str] | None) -> AuditReport:
    """Recompute the chain; the first broken link is reported."""
    prev = GENESIS
    expected_seq = 1
    count = 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return AuditReport(False, count, prev, entry.seq, f"entry {expected_seq} is missing (found {entry.seq})")
        if entry.prev_hash != prev:
            return AuditReport(False, count, prev, entry.seq, "does not link to the entry before it")
        actual = entry_hash(
            prev, entry.seq, entry.at, entry.actor, entry.org_id, entry.action, entry.target, entry.details
        )
        if actual != entry.hash:
            return AuditReport(False, count, prev, entry.seq, "its content was changed after it was written")
        prev = entry.hash
        expected_seq += 1
    last = (expected_seq - 1, prev)
    if head is None:
        return AuditReport(False, count, prev, None, "the chain head is missing")
    if head != last:
        return AuditReport(
            False, count, prev, head[0], f"the chain head says entry {head[0]} but the log ends at {last[0]}"
        )
    return AuditReport(True, count, prev)
