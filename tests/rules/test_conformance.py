"""Conformance cases: tests/rules/cases/<pack>/<RULE-ID>.yaml, one file per rule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from fenji import api
from fenji.engine.evaluate import evaluate_pack

CASES = Path(__file__).parent / "cases"
DEFAULT_AS_OF = dt.date(2026, 11, 22)


def _case_files() -> list[Path]:
    return sorted(CASES.glob("*/*.yaml"))


def _cases() -> list[Any]:
    out = []
    for path in _case_files():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        for i, case in enumerate(doc["cases"]):
            out.append(
                pytest.param(path.parent.name, doc["rule"], case, id=f"{doc['rule']}#{i}:{case.get('note', '')[:40]}")
            )
    return out


@pytest.mark.parametrize(("pack_id", "rule_id", "case"), _cases())
def test_case(pack_id: str, rule_id: str, case: dict[str, Any]) -> None:
    packs = api.default_packs()
    lp = packs.packs[pack_id]
    assert rule_id in lp.rules, f"case file names unknown rule {rule_id}"
    card = api.card_from_mapping({"id": "case", "facts": case.get("card") or {}})
    as_of = case.get("as_of", DEFAULT_AS_OF)
    result = evaluate_pack(lp, card.facts, as_of, packs.vocab, card.waivers)
    status = result.rule_status[rule_id].value
    assert status == case["want"], (
        f"{rule_id}: want {case['want']}, got {status}; missing={result.rule_missing.get(rule_id)}"
    )
    if "want_missing" in case:
        missing = set(result.rule_missing.get(rule_id, ()))
        assert set(case["want_missing"]) <= missing, f"missing facts {missing}"
    if "want_tier" in case:
        assert result.tier == case["want_tier"]
