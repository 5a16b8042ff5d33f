"""Engine throughput: assess N generated cards against every pack on one core.

    python bench/engine.py [--cards 10000] [--seed 7] [--json]

Prints cards/second and p50/p99 latency per card for the assessment alone and for the assessment plus
its JSON result. Target: >= 2,000 cards/s and p99 < 5 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import random
import statistics
import time
from typing import Any

from fenji import api
from fenji.engine.logic import Node, compile_condition
from fenji.model.conditions import ConditionParser
from fenji.model.facts import FactValue

AS_OF = dt.date(2026, 11, 22)


def random_facts(rng: random.Random, unknown_share: float = 0.3) -> dict[str, FactValue]:
    """A card's facts: each fact known with probability 1 - unknown_share, values drawn uniformly."""
    vocab = api.get_vocabulary()
    facts: dict[str, FactValue] = {}
    for fact in vocab.facts.values():
        if rng.random() < unknown_share:
            continue
        if fact.type == "bool":
            facts[fact.id] = rng.random() < 0.3
        elif fact.type == "enum":
            facts[fact.id] = rng.choice(fact.value_ids)
        elif fact.type == "multi":
            k = rng.choice([0, 0, 1, 1, 2])
            facts[fact.id] = frozenset(rng.sample(fact.value_ids, min(k, len(fact.value_ids))))
        elif fact.type == "number":
            facts[fact.id] = 10 ** rng.uniform(3, 27)
        else:
            facts[fact.id] = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(4000))
    return facts


def _draw(fact: Any, rng: random.Random) -> FactValue:
    if fact.type == "bool":
        return rng.random() < 0.25
    if fact.type == "enum":
        return str(rng.choice(fact.value_ids))
    if fact.type == "multi":
        k = rng.choice([0, 0, 1, 1, 2])
        return frozenset(rng.sample(fact.value_ids, min(k, len(fact.value_ids))))
    if fact.type == "number":
        return float(10 ** rng.uniform(3, 27))
    return dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(4000))


def realistic_facts(rng: random.Random, unknown_share: float = 0.05) -> dict[str, FactValue]:
    """A card as the questionnaire would produce it: markets and use cases first, then every fact whose
    skip condition (ask_when) holds, answered at random; a few answers are "I don't know"."""
    vocab = api.get_vocabulary()
    facts: dict[str, FactValue] = {
        "market.eu": rng.random() < 0.6,
        "market.cn_public": rng.random() < 0.3,
        "market.kr": rng.random() < 0.1,
        "org.us_federal_agency": rng.random() < 0.05,
        "market.us_states": frozenset(
            rng.sample(["CA", "CO", "IL", "NY", "TX", "UT", "other_us"], rng.choice([0, 0, 1, 2]))
        ),
        "use.cases": frozenset(rng.sample(sorted(vocab.use_cases), rng.choice([1, 1, 2]))),
        "system.kind": rng.choice(["ai_system"] * 8 + ["gpai_model", "gpai_model_and_system"]),
    }
    skipped: set[str] = set()
    for _ in range(4):  # answers open new questions; a few passes reach the fixpoint
        for fact in vocab.facts.values():
            if fact.id in facts or fact.id in skipped:
                continue
            if asked(fact.id, facts) is not True:
                continue
            if rng.random() < unknown_share:
                skipped.add(fact.id)
                continue
            facts[fact.id] = _draw(fact, rng)
    return facts


@functools.cache
def _ask_when(fact_id: str) -> Node | None:
    vocab = api.get_vocabulary()
    raw = vocab.facts[fact_id].ask_when
    return compile_condition(ConditionParser(vocab).parse(raw)) if raw else None


def asked(fact_id: str, facts: dict[str, FactValue]) -> bool | None:
    node = _ask_when(fact_id)
    return True if node is None else node.ev(facts, {}, None)


def generate(n: int, seed: int, profile: str = "realistic") -> list[api.SystemCard]:
    rng = random.Random(seed)
    make = realistic_facts if profile == "realistic" else random_facts
    return [api.SystemCard(id=f"gen-{i}", name=f"generated {i}", facts=make(rng)) for i in range(n)]


def _measure(cards: list[api.SystemCard], packs: api.PackSet, with_json: bool) -> list[float]:
    timings = []
    for card in cards:
        t0 = time.perf_counter()
        result = api.assess(card, packs=packs, as_of=AS_OF)
        if with_json:
            json.dumps(result.to_dict(), ensure_ascii=False)
        timings.append(time.perf_counter() - t0)
    return timings


def _row(stage: str, timings: list[float]) -> dict[str, Any]:
    ordered = sorted(timings)
    n = len(ordered)
    return {
        "stage": stage,
        "cards_per_second": round(n / sum(ordered), 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(ordered[int(0.99 * (n - 1))] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def run(n: int, seed: int, profile: str) -> dict[str, Any]:
    """Two stages per card: the assessment (api.assess: every pack, plan, trace, pending questions) and the
    same plus the JSON result (to_dict + json.dumps)."""
    packs = api.default_packs()
    cards = generate(n, seed, profile)
    _measure(cards[:50], packs, True)  # warm-up
    return {
        "profile": profile,
        "cards": n,
        "packs": len(packs.packs),
        "rules": sum(len(lp.rules) for lp in packs.packs.values()),
        "rows": [_row("assess", _measure(cards, packs, False)), _row("assess + JSON", _measure(cards, packs, True))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--profile",
        choices=["realistic", "stress"],
        default="realistic",
        help="realistic: questionnaire-path cards, 5%% unknown; stress: every fact random, 30%% unknown",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.cards, args.seed, args.profile)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"fenji engine benchmark: {result['cards']} {result['profile']} cards, {result['packs']} packs, "
        f"{result['rules']} rules, one process on one core"
    )
    print(f"{'stage':<15}{'cards/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'max ms':>10}")
    for row in result["rows"]:
        print(
            f"{row['stage']:<15}{row['cards_per_second']:>10}{row['p50_ms']:>10}{row['p99_ms']:>10}{row['max_ms']:>10}"
        )


if __name__ == "__main__":
    main()
