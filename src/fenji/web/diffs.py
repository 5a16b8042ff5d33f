"""Differences between two card versions or two stored assessments (pure, on the stored JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Change:
    what: str  # fact | field | evidence | waivers | tier | status | obligation_gained | obligation_lost | pack
    key: str
    before: Any = None
    after: Any = None


def _flat_card(card: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("id", "name", "description"):
        if card.get(key) is not None:
            out[f"field:{key}"] = card[key]
    facts = card.get("facts") or {}
    for section, values in facts.items():
        if isinstance(values, dict):
            for name, value in values.items():
                out[f"fact:{section}.{name}"] = value
        else:
            out[f"fact:{section}"] = values
    out["evidence:count"] = len(card.get("evidence") or [])
    out["waivers:count"] = len(card.get("waivers") or [])
    return out


def card_changes(a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    before, after = _flat_card(a), _flat_card(b)
    changes = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            what, _, name = key.partition(":")
            changes.append(Change(what, name, old, new))
    return changes


def _applying(regime: dict[str, Any]) -> dict[str, str]:
    return {o["id"]: o.get("citation", "") for o in regime.get("obligations", []) if o.get("status") == "applies"}


def assessment_changes(a: dict[str, Any], b: dict[str, Any]) -> list[Change]:
    changes: list[Change] = []
    if a.get("as_of") != b.get("as_of"):
        changes.append(Change("as_of", "as_of", a.get("as_of"), b.get("as_of")))
    packs_a, packs_b = a.get("packs", {}), b.get("packs", {})
    for pid in sorted(set(packs_a) | set(packs_b)):
        va, vb = (packs_a.get(pid) or {}).get("version"), (packs_b.get(pid) or {}).get("version")
        if va != vb:
            changes.append(Change("pack", pid, va, vb))
    regimes_a, regimes_b = a.get("regimes", {}), b.get("regimes", {})
    for rid in sorted(set(regimes_a) | set(regimes_b)):
        ra, rb = regimes_a.get(rid) or {}, regimes_b.get(rid) or {}
        if ra.get("tier") != rb.get("tier"):
            changes.append(Change("tier", rid, ra.get("tier"), rb.get("tier")))
        if ra.get("status") != rb.get("status"):
            changes.append(Change("status", rid, ra.get("status"), rb.get("status")))
        oa, ob = _applying(ra), _applying(rb)
        for oid in sorted(set(ob) - set(oa)):
            changes.append(Change("obligation_gained", f"{rid}:{oid}", None, ob[oid]))
        for oid in sorted(set(oa) - set(ob)):
            changes.append(Change("obligation_lost", f"{rid}:{oid}", oa[oid], None))
    return changes
