"""Soundness of unknowns: a result must never look safer than some answer to an open question could make it.

For random questionnaire-shaped cards (some answers "I don't know"), every pack's result is checked against
every single answer to each unknown fact the pack reads: if an answer gives a more severe tier than the one
established, the result must be provisional and name that tier (or a severer one) in ``could_be``. A
determined result must not change tier under any single answer. This is the "no wrong minimal" promise.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from fenji import api
from fenji.engine.evaluate import evaluate_pack
from fenji.engine.loader import LoadedPack
from fenji.model.conditions import facts_in
from fenji.model.facts import Fact, FactValue

AS_OF = dt.date(2026, 11, 22)
PACKS = api.default_packs()
VOCAB = PACKS.vocab


def _values(fact: Fact) -> list[FactValue]:
    if fact.type == "bool":
        return [True, False]
    if fact.type == "enum":
        return list(fact.value_ids)
    if fact.type == "multi":
        return [frozenset(), *(frozenset({v}) for v in fact.value_ids)]
    if fact.type == "number":
        return [0.0, 1e22, 5e24, 2e25, 5e26, 1e9]
    return [dt.date(2020, 1, 1), dt.date(2026, 1, 1), dt.date(2028, 1, 1)]


def _card(rng: random.Random) -> dict[str, FactValue]:
    facts: dict[str, Any] = {}
    for fact in VOCAB.facts.values():
        if rng.random() < 0.75:
            facts[fact.id] = rng.choice(_values(fact))
    return facts


def _pack_facts(lp: LoadedPack) -> list[str]:
    seen: set[str] = set(facts_in(lp.scope_condition))
    for lr in lp.rules.values():
        seen |= lr.facts
    return sorted(seen)


@pytest.mark.parametrize("pack_id", list(PACKS.packs))
def test_no_answer_to_an_open_question_gives_a_severer_tier(pack_id: str) -> None:
    lp = PACKS.packs[pack_id]
    read = _pack_facts(lp)
    rng = random.Random(f"soundness-{pack_id}")
    problems: list[str] = []
    for i in range(60):
        facts = _card(rng)
        base = evaluate_pack(lp, facts, AS_OF, VOCAB)
        base_index = lp.tier_index(base.tier) if base.applies is not False else len(lp.pack.tiers)
        open_facts = [f for f in read if f not in facts]
        for fact_id in open_facts:
            for value in _values(VOCAB.facts[fact_id]):
                other = evaluate_pack(lp, {**facts, fact_id: value}, AS_OF, VOCAB)
                if other.applies is False:
                    continue
                other_index = lp.tier_index(other.tier)
                if other_index >= base_index:
                    continue
                covered = any(lp.tier_index(t) <= other_index for t in base.could_be) or base.applies is None
                if base.determined or not covered:
                    problems.append(
                        f"card {i}: {base.tier} ({base.status}, could_be={base.could_be}) but "
                        f"{fact_id}={value!r} gives {other.tier}"
                    )
                    break
        if len(problems) > 5:
            break
    assert not problems, "\n".join(problems)
