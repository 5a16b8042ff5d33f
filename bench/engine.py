"""Engine throughput: assess N generated cards against every pack on one core.

    python bench/engine.py [--cards 10000] [--seed 7] [--json]

Prints cards/second and p50/p99 latency per card (assessment plus the JSON result). Target:
>= 2,000 cards/s and p99 < 5 ms.
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
        "market.us_states": frozenset(rng.sample(["CA", "CO", "IL", "NY", "TX", "UT", "other_us"],
                                                 rng.choice([0, 0, 1, 2]))),
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


def run(n: int, seed: int, profile: str) -> dict[str, Any]:
    packs = api.default_packs()
    cards = generate(n, seed, profile)
    for card in cards[:50]:  # warm-up
        api.assess(card, packs=packs, as_of=AS_OF).to_dict()
    timings = []
    start = time.perf_counter()
    for card in cards:
        t0 = time.perf_counter()
        json.dumps(api.assess(card, packs=packs, as_of=AS_OF).to_dict(), ensure_ascii=False)
        timings.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    timings.sort()
    return {
        "profile": profile,
        "cards": n,
        "packs": len(packs.packs),
        "rules": sum(len(lp.rules) for lp in packs.packs.values()),
        "seconds": round(total, 3),
        "cards_per_second": round(n / total, 1),
        "p50_ms": round(statistics.median(timings) * 1000, 3),
        "p99_ms": round(timings[int(0.99 * (n - 1))] * 1000, 3),
        "max_ms": round(timings[-1] * 1000, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", choices=["realistic", "stress"], default="realistic",
                        help="realistic: questionnaire-path cards, 5%% unknown; stress: every fact random, 30%% unknown")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.cards, args.seed, args.profile)
    if args.json:
        print(json.dumps(result))
        return
    width = max(len(k) for k in result)
    print("fenji engine benchmark (one process, one core)")
    for key, value in result.items():
        print(f"{key.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
