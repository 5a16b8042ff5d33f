"""How many questions the adaptive questionnaire needs until every regime is determined.

Runs the wizard's logic (``fenji.engine.questions.replay``: always the screen of the top-ranked
settling question) for every example card and for generated cards, answering from the card and
"I don't know" where the card is silent, and prints per regime set the number of questions
asked: median, p90, max (and how many cards stayed undetermined because of unknowns).

A question is one screen: a single fact, or a checklist of a group in ``facts.yaml`` (ticked =
yes, not ticked = no). A ticked gate item (an enum or multi fact with a ``none`` value) is
followed by its own question, which counts as one more.

Generated cards are random but seeded: a background of plausible answers for every fact
in the vocabulary (a yes/no fact is "yes" 15 % of the time, 50 % for market, org and role facts;
a gate fact is "none" as often as a yes/no fact is "no"), then one or two classification rules of
the packs made to fire, in scope, by choosing fact values that satisfy their conditions and their
pack's scope.

    python bench/questions.py                 # 200 generated cards, seed 6
    python bench/questions.py --uniform-gates # gate facts drawn like any enum/multi fact (harsher)
    python bench/questions.py --cards 500 --seed 1 --json
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fenji import api
from fenji.engine.consistency import find_contradictions
from fenji.engine.evaluate import evaluate_pack
from fenji.engine.loader import LoadedPack, PackSet
from fenji.engine.questions import Replay, is_determined, is_relevant, replay
from fenji.model.conditions import All, AnyOf, Condition, FactTest, Not, RuleRef
from fenji.model.facts import Fact, Vocabulary
from fenji.model.result import Status

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "cards"
AS_OF = dt.date(2026, 11, 22)
TARGET = {"median": 12, "max": 25}  # for EU + CN + US together (issue 6)
LIKELY_TRUE_SECTIONS = ("market", "org", "role")


# --- regime sets -----------------------------------------------------------------------------


def regime_sets(packs: PackSet) -> dict[str, list[str]]:
    ids = list(packs.packs)
    eu = [p for p in ids if p == "eu_ai_act"]
    eu_cn_us = eu + [p for p in ids if p.startswith(("cn", "us"))]
    return {"EU only": eu, "EU+CN+US": eu_cn_us, "all": ids}


# --- generated cards -------------------------------------------------------------------------


@dataclass
class Generator:
    packs: PackSet
    rng: random.Random
    silent: float = 0.1
    uniform_gates: bool = False  # draw gate facts like any enum/multi fact (no "none" preference)

    @property
    def vocab(self) -> Vocabulary:
        return self.packs.vocab

    def card(self) -> dict[str, Any]:
        """A full set of answers with one or two rules made to fire, a share of it then left unsaid."""
        for _ in range(20):
            world = self.background()
            for lp, rule_id in self.targets():
                self.satisfy(lp, lp.scope_condition, True, world)
                self.satisfy(lp, lp.rules[rule_id].condition, True, world)
            if not find_contradictions(world, self.vocab):
                return {k: v for k, v in world.items() if self.rng.random() >= self.silent}
        return {}

    def targets(self) -> list[tuple[LoadedPack, str]]:
        rules = [(lp, rid) for lp in self.packs.packs.values() for rid in lp.order if _is_classification(lp, rid)]
        return self.rng.sample(rules, k=min(len(rules), self.rng.choice((1, 1, 2))))

    def background(self) -> dict[str, Any]:
        world: dict[str, Any] = {}
        for fact in self.vocab.facts.values():
            if not fact.deprecated:
                world[fact.id] = self.any_value(fact)
        return world

    def any_value(self, fact: Fact) -> Any:
        rng = self.rng
        yes = 0.5 if fact.section in LIKELY_TRUE_SECTIONS else 0.15
        if fact.type == "bool":
            return rng.random() < yes
        group = self.vocab.group_of(fact.id)
        if group is not None and not self.uniform_gates and rng.random() >= yes:
            return group.item(fact.id).none  # a "no" of a gate fact is as likely as a yes/no fact's "no"
        if fact.type == "enum":
            return rng.choice(fact.value_ids)
        if fact.type == "multi":
            count = rng.choice((0, 0, 1, 1, 2))
            return frozenset(rng.sample(fact.value_ids, k=min(count, len(fact.value_ids))))
        if fact.type == "number":
            return float(10 ** rng.uniform(0, 27))
        return dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 6))

    def satisfy(self, lp: LoadedPack, cond: Condition, want: bool, world: dict[str, Any], depth: int = 0) -> None:
        """Change ``world`` so that ``cond`` comes out as ``want`` (best effort)."""
        if depth > 12:
            return
        if isinstance(cond, Not):
            self.satisfy(lp, cond.item, not want, world, depth + 1)
        elif isinstance(cond, All | AnyOf):
            every = isinstance(cond, All) == want
            chosen = cond.items if every else [self.rng.choice(cond.items)]
            for item in chosen:
                self.satisfy(lp, item, want, world, depth + 1)
        elif isinstance(cond, RuleRef) and cond.rule in lp.rules:
            self.satisfy(lp, lp.rules[cond.rule].condition, want, world, depth + 1)
        elif isinstance(cond, FactTest) and cond.fact in self.vocab.facts:
            world[cond.fact] = self.value_for(self.vocab.facts[cond.fact], cond, want, world.get(cond.fact))

    def value_for(self, fact: Fact, test: FactTest, want: bool, current: Any) -> Any:
        op, value, rng = test.op, test.value, self.rng
        positive = want != (op in ("is_false", "ne", "not_in", "none_in", "empty"))
        if op in ("is_true", "is_false"):
            return positive
        if op in ("gt", "gte", "lt", "lte"):
            return _beyond(value, above=(op in ("gt", "gte")) == want)
        wanted = sorted(value) if isinstance(value, frozenset) else [value] if value is not None else []
        if fact.type == "enum":
            pool = wanted if positive else [v for v in fact.value_ids if v not in wanted]
            return rng.choice(pool) if pool else current
        held = current if isinstance(current, frozenset) else frozenset()
        if op in ("nonempty", "empty"):
            return held | {rng.choice(fact.value_ids)} if positive else frozenset()
        return held | {rng.choice(wanted)} if positive else held - set(wanted)


def _beyond(threshold: Any, above: bool) -> Any:
    if isinstance(threshold, dt.date):
        return threshold + dt.timedelta(days=30 if above else -30)
    number = float(threshold)
    return number * 2 + 1 if above else number / 2 - 1


def _is_classification(lp: LoadedPack, rule_id: str) -> bool:
    rule = lp.rules[rule_id].rule
    return rule.kind == "classification" and not rule.deprecated


def generated_cards(
    packs: PackSet, count: int, seed: int, silent: float = 0.1, uniform_gates: bool = False
) -> list[tuple[str, dict[str, Any]]]:
    generator = Generator(packs, random.Random(seed), silent, uniform_gates)
    return [(f"generated-{i:03d}", generator.card()) for i in range(count)]


def example_cards() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for path in sorted(EXAMPLES.glob("**/*.yaml")):
        card = api.load_card(path)
        out.append((str(path.relative_to(ROOT)), dict(card.facts)))
    return out


# --- measuring -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    card: str
    asked: int  # questions (screens): a checklist of yes/no facts counts once
    facts: int  # facts answered (or answered "I don't know") on those screens
    determined: bool
    irredundant: int | None  # size of an irredundant subset of the answers that still settles everything
    not_askable: tuple[str, ...]  # regime:fact still needed but excluded by the fact's ask_when


def measure(
    cards: Iterable[tuple[str, Mapping[str, Any]]], packs: PackSet, regimes: list[str], as_of: dt.date
) -> list[Run]:
    runs = []
    for name, facts in cards:
        result = replay(facts, packs, as_of, regimes)
        answered = {f: facts[f] for f in result.asked if f in facts}
        irredundant = len(irredundant_answers(answered, packs, regimes, as_of)) if result.determined else None
        runs.append(
            Run(
                name,
                result.screens,
                len(result.asked),
                result.determined,
                irredundant,
                _not_askable(result, answered, packs),
            )
        )
    return runs


def irredundant_answers(
    answers: Mapping[str, Any], packs: PackSet, regimes: list[str], as_of: dt.date
) -> dict[str, Any]:
    """Drop answers one by one (last asked first) while every regime stays determined: what is
    left is a set of answers none of which can be spared (not necessarily the smallest)."""
    kept = dict(answers)
    for fact_id in reversed(list(answers)):
        trial = {k: v for k, v in kept.items() if k != fact_id}
        if is_determined(trial, packs, as_of, regimes):
            kept = trial
    return kept


def _not_askable(result: Replay, answered: Mapping[str, Any], packs: PackSet) -> tuple[str, ...]:
    stuck = []
    for regime, outcome in result.results.items():
        if outcome.determined:
            continue
        for pending in outcome.pending:
            settling = pending.affects in ("scope", "tier") and pending.fact not in result.asked
            if settling and is_relevant(pending.fact, answered, packs.vocab) is False:
                stuck.append(f"{regime}:{pending.fact}")
    return tuple(stuck)


def p90(values: list[int]) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))])


def summary(runs: list[Run]) -> dict[str, Any]:
    counts = [r.asked for r in runs]
    settled = [r for r in runs if r.determined]
    irredundant = [r.irredundant for r in settled if r.irredundant is not None]
    stuck = Counter(item for r in runs for item in set(r.not_askable))
    return {
        "cards": len(runs),
        "median": statistics.median(counts) if counts else 0,
        "p90": p90(counts) if counts else 0,
        "max": max(counts) if counts else 0,
        "determined": len(settled),
        "determined_median": statistics.median([r.asked for r in settled]) if settled else 0,
        "determined_max": max((r.asked for r in settled), default=0),
        "irredundant_median": statistics.median(irredundant) if irredundant else 0,
        "undetermined": len(runs) - len(settled),
        "undetermined_not_askable": sum(1 for r in runs if r.not_askable),
        "not_askable_facts": dict(stuck.most_common(8)),
    }


def fired_share(cards: list[tuple[str, dict[str, Any]]], packs: PackSet, as_of: dt.date) -> float:
    """Share of generated cards on which at least one tier rule applies (sanity check of the generator)."""
    fired = 0
    for _, facts in cards:
        for lp in packs.packs.values():
            result = evaluate_pack(lp, facts, as_of, packs.vocab)
            tier_rules = [rid for rids in lp.rules_by_tier.values() for rid in rids]
            if any(result.rule_status.get(rid) is Status.APPLIES for rid in tier_rules):
                fired += 1
                break
    return fired / len(cards) if cards else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=200, help="generated cards (default 200)")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--as-of", default=AS_OF.isoformat())
    parser.add_argument("--silent", type=float, default=0.1, help="share of facts a generated card leaves unsaid")
    parser.add_argument(
        "--uniform-gates",
        action="store_true",
        help="draw checklist gate facts (enum/multi with a 'none' value) uniformly instead of 'none' as often as 'no'",
    )
    parser.add_argument("--packs", help="rule packs directory (default: the built-in packs)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--worst", type=int, default=0, help="also list the N cards needing most questions")
    args = parser.parse_args(argv)
    as_of = dt.date.fromisoformat(args.as_of)
    packs = api.packs_from(args.packs)
    examples = example_cards()
    generated = generated_cards(packs, args.cards, args.seed, args.silent, args.uniform_gates)
    report: dict[str, Any] = {"as_of": as_of.isoformat(), "packs": list(packs.packs), "silent": args.silent, "sets": {}}
    report["generated_cards_firing_a_tier_rule"] = round(fired_share(generated, packs, as_of), 3)
    worst: dict[str, list[Run]] = {}
    for label, regimes in regime_sets(packs).items():
        runs = measure(examples + generated, packs, regimes, as_of)
        report["sets"][label] = {"regimes": regimes, **summary(runs)}
        worst[label] = sorted(runs, key=lambda r: -r.asked)[: args.worst]
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table(report, len(examples), len(generated), worst)
    return 0


def print_table(report: dict[str, Any], examples: int, generated: int, worst: dict[str, list[Run]]) -> None:
    print(f"questions until every regime is determined — as of {report['as_of']}, packs: {', '.join(report['packs'])}")
    print(
        f"cards: {examples} examples + {generated} generated (firing a tier rule: "
        f"{report['generated_cards_firing_a_tier_rule']:.0%}; silent facts answered unknown: {report['silent']:.0%})"
    )
    head = ("regime set", "cards", "median", "p90", "max", "determined", "det.median", "det.max", "irredundant")
    print("{:<10} {:>5} {:>6} {:>5} {:>5} {:>10} {:>10} {:>7} {:>11}".format(*head))
    for label, row in report["sets"].items():
        cells = (label, row["cards"], row["median"], row["p90"], row["max"], row["determined"])
        cells += (row["determined_median"], row["determined_max"], row["irredundant_median"])
        print("{:<10} {:>5} {:>6} {:>5.0f} {:>5} {:>10} {:>10} {:>7} {:>11}".format(*cells))
    target = report["sets"].get("EU+CN+US")
    if target:
        ok = target["median"] <= TARGET["median"] and target["max"] <= TARGET["max"]
        print(f"target EU+CN+US: median <= {TARGET['median']}, max <= {TARGET['max']}: {'met' if ok else 'NOT met'}")
    for label, row in report["sets"].items():
        if row["not_askable_facts"]:
            stuck = ", ".join(f"{k} ({v})" for k, v in row["not_askable_facts"].items())
            print(f"{label}: {row['undetermined_not_askable']} runs need a fact its ask_when excludes: {stuck}")
    for label, runs in worst.items():
        for run in runs:
            print(f"  worst {label}: {run.card} {run.asked} questions{'' if run.determined else ' (undetermined)'}")


if __name__ == "__main__":
    sys.exit(main())
