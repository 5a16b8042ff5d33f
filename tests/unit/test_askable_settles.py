"""Answering every question the questionnaire would ask settles every regime.

A rule that reads a fact the vocabulary never asks in that situation (its ``ask_when`` is false) would leave
a result provisional forever. Cards are built the way the questionnaire builds them: every fact whose skip
condition holds is answered (at random), in passes until nothing new opens up.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from fenji import api
from fenji.engine.evaluate import evaluate
from fenji.model.facts import Fact, FactValue

AS_OF = dt.date(2026, 11, 22)
PACKS = api.default_packs()
VOCAB = PACKS.vocab
ASK_WHEN = next(iter(PACKS.packs.values())).ask_when


def _value(fact: Fact, rng: random.Random) -> FactValue:
    if fact.type == "bool":
        return rng.random() < 0.35
    if fact.type == "enum":
        return rng.choice(fact.value_ids)
    if fact.type == "multi":
        return frozenset(rng.sample(fact.value_ids, min(rng.choice([0, 1, 1, 2]), len(fact.value_ids))))
    if fact.type == "number":
        return float(10 ** rng.uniform(3, 27))
    return dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(4000))


def questionnaire_card(rng: random.Random) -> dict[str, FactValue]:
    facts: dict[str, FactValue] = {"system.kind": rng.choice(["ai_system", "gpai_model", "gpai_model_and_system"])}
    changed = True
    while changed:
        changed = False
        for fact in VOCAB.facts.values():
            node = ASK_WHEN.get(fact.id)
            if fact.id not in facts and (node is None or node.ev(facts, {}, None) is True):
                facts[fact.id] = _value(fact, rng)
                changed = True
    return facts


@pytest.mark.parametrize("seed", range(4))
def test_every_regime_is_determined_when_every_askable_question_is_answered(seed: int) -> None:
    rng = random.Random(f"askable-{seed}")
    problems = []
    for i in range(50):
        facts = questionnaire_card(rng)
        for regime, result in evaluate(PACKS, facts, AS_OF).items():
            if not result.determined:
                problems.append(
                    f"card {seed}/{i} {regime}: {result.status}, pending {[p.fact for p in result.pending]}"
                )
    assert not problems, "\n".join(sorted(set(p.split(": ", 1)[1] for p in problems))[:20])
