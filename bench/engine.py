"""Engine throughput: assess N generated cards against every pack on one core.

    python bench/engine.py [--cards 10000] [--seed 7] [--json]

Prints cards/second and p50/p99 latency per card (assessment plus the JSON result). Target:
>= 2,000 cards/s and p99 < 5 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from typing import Any

from fenji import api
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


def generate(n: int, seed: int) -> list[api.SystemCard]:
    rng = random.Random(seed)
    return [api.SystemCard(id=f"gen-{i}", name=f"generated {i}", facts=random_facts(rng)) for i in range(n)]


def run(n: int, seed: int) -> dict[str, Any]:
    packs = api.default_packs()
    cards = generate(n, seed)
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
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.cards, args.seed)
    if args.json:
        print(json.dumps(result))
        return
    width = max(len(k) for k in result)
    print("fenji engine benchmark (one process, one core)")
    for key, value in result.items():
        print(f"{key.ljust(width)}  {value}")


if __name__ == "__main__":
    main()
