"""Why a regime's tier is what it is, and what would change it. Pure.

``explain`` returns the rules that decided the tier (with citations and the facts they read),
the rules of more severe tiers that were ruled out, the ones still open, and counterfactuals:
the smallest changes of answers (one fact; pairs of facts when no single change is enough)
that would give a different tier. The search tries each value of a bool or enum fact, each
relevant value added to or removed from a multi fact, and a few boundary values around
the thresholds that rules test for numbers and dates.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fenji.engine.consistency import find_contradictions
from fenji.engine.evaluate import evaluate_pack
from fenji.engine.loader import LoadedPack, PackSet
from fenji.engine.logic import unique
from fenji.model.conditions import All, AnyOf, Condition, FactTest, Not, RuleRef, walk
from fenji.model.facts import Fact, FactValue, Text, Vocabulary
from fenji.model.result import RegimeResult, Status

Facts = Mapping[str, Any]
MAX_PAIR_EVALUATIONS = 4000
SCOPE = "scope"


@dataclass(frozen=True)
class Reason:
    """One rule (or the regime's scope) and how it came out on these facts."""

    rule_id: str
    status: Status
    citation: str
    title: Text
    tier: str | None = None
    label: str | None = None
    facts_used: tuple[tuple[str, Any], ...] = ()
    missing: tuple[str, ...] = ()
    failed: str | None = None


@dataclass(frozen=True)
class Change:
    fact: str
    before: FactValue | None  # None: unknown
    after: FactValue


@dataclass(frozen=True)
class Counterfactual:
    changes: tuple[Change, ...]
    tier: str
    determined: bool
    now_apply: tuple[str, ...]  # rules (or "scope") that would newly apply
    no_longer_apply: tuple[str, ...]  # rules (or "scope") that apply now and would not


@dataclass(frozen=True)
class Explanation:
    regime: str
    title: Text
    as_of: dt.date
    result: RegimeResult
    scope: Reason
    decided_by: tuple[Reason, ...]  # applying rules of the tier, and the rules they rely on
    ruled_out: tuple[Reason, ...]  # rules of more severe tiers that do not apply
    still_open: tuple[Reason, ...]  # rules of more severe tiers still indeterminate
    counterfactuals: tuple[Counterfactual, ...]

    @property
    def tier(self) -> str:
        return self.result.tier


# --- reasons -----------------------------------------------------------------------------


def _results_of(result: RegimeResult) -> dict[str, bool | None]:
    values = {Status.APPLIES: True, Status.WAIVED: True, Status.DOES_NOT_APPLY: False}
    return {rid: values.get(status) for rid, status in result.rule_status.items()}


def _reason(lp: LoadedPack, rule_id: str, facts: Facts, result: RegimeResult) -> Reason:
    lr = lp.rules[rule_id]
    status = result.rule_status.get(rule_id, Status.DOES_NOT_APPLY)
    tier = result.tier if lr.rule.kind == "obligation" else None
    outcome = lr.rule.outcome
    failed = lr.node.failed(facts, _results_of(result), tier) if status is Status.DOES_NOT_APPLY else None
    return Reason(
        rule_id=rule_id,
        status=status,
        citation=lr.rule.citation.short,
        title=Text(lr.rule.title.en, lr.rule.title.zh),
        tier=outcome.tier if outcome else None,
        label=outcome.label if outcome else None,
        facts_used=tuple((f, facts[f]) for f in sorted(lr.facts) if f in facts),
        missing=result.rule_missing.get(rule_id, ()),
        failed=failed,
    )


def _scope_reason(lp: LoadedPack, facts: Facts, result: RegimeResult) -> Reason:
    trace = next(t for t in result.trace if t.rule_id == f"{lp.id}:scope")
    used = tuple((f, facts[f]) for f in sorted(_condition_facts(lp, [])) if f in facts)
    return Reason(
        rule_id=trace.rule_id,
        status=trace.status,
        citation=trace.citation,
        title=trace.title,
        facts_used=used,
        missing=trace.missing,
        failed=trace.failed,
    )


def _with_dependencies(lp: LoadedPack, rule_ids: Iterable[str]) -> list[str]:
    """The rules and, after each, the rules its condition references (transitively)."""
    out: list[str] = []

    def visit(rule_id: str) -> None:
        if rule_id in out or rule_id not in lp.rules:
            return
        out.append(rule_id)
        for dep in sorted(lp.rules[rule_id].deps):
            visit(dep)

    for rule_id in rule_ids:
        visit(rule_id)
    return out


def _references(cond: Condition, negated: bool = False) -> Iterator[tuple[str, bool]]:
    """(rule, referenced under a not) for every rule reference in a condition."""
    if isinstance(cond, RuleRef):
        yield cond.rule, negated
    elif isinstance(cond, Not):
        yield from _references(cond.item, not negated)
    elif isinstance(cond, All | AnyOf):
        for item in cond.items:
            yield from _references(item, negated)


def _supporting(lp: LoadedPack, result: RegimeResult, rule_ids: Iterable[str]) -> list[str]:
    """The rules and the referenced rules whose outcome supports them: a referenced rule that
    applies, or an excluding rule (referenced under a not) that does not apply."""
    out: list[str] = []

    def visit(rule_id: str) -> None:
        if rule_id in out or rule_id not in lp.rules:
            return
        out.append(rule_id)
        for dep, negated in _references(lp.rules[rule_id].condition):
            status = result.rule_status.get(dep)
            if status is (Status.DOES_NOT_APPLY if negated else Status.APPLIES):
                visit(dep)

    for rule_id in rule_ids:
        visit(rule_id)
    return out


def _tier_rules(lp: LoadedPack, tiers: Iterable[str]) -> list[str]:
    return [rid for tier in tiers for rid in lp.rules_by_tier.get(tier, ())]


def _severer_tiers(lp: LoadedPack, tier: str) -> list[str]:
    return [t.id for t in lp.pack.tiers if lp.tier_index(t.id) < lp.tier_index(tier)]


def _with_status(result: RegimeResult, rule_ids: Iterable[str], status: Status) -> list[str]:
    return [rid for rid in rule_ids if result.rule_status.get(rid) is status]


def decisive_rules(lp: LoadedPack, result: RegimeResult) -> tuple[list[str], list[str], list[str]]:
    """(rules that decided the tier with what they rely on, severer rules ruled out, severer rules open)."""
    if result.applies is False:
        return [], [], []
    applying = _with_status(result, _tier_rules(lp, [result.tier]), Status.APPLIES)
    severer = _tier_rules(lp, _severer_tiers(lp, result.tier))
    return (
        _supporting(lp, result, applying),
        _with_status(result, severer, Status.DOES_NOT_APPLY),
        _with_status(result, severer, Status.INDETERMINATE),
    )


# --- counterfactual search -----------------------------------------------------------------


def _condition_facts(lp: LoadedPack, rule_ids: Iterable[str]) -> list[str]:
    """Facts read by the scope and by these rules (scope first, in rule order)."""
    conditions = [lp.scope_condition] + [lp.rules[rid].condition for rid in rule_ids]
    return list(unique([c.fact for cond in conditions for c in walk(cond) if isinstance(c, FactTest)]))


def _tested_values(lp: LoadedPack, rule_ids: Iterable[str], fact_id: str) -> list[Any]:
    conditions = [lp.scope_condition] + [lp.rules[rid].condition for rid in rule_ids]
    return [c.value for cond in conditions for c in walk(cond) if isinstance(c, FactTest) and c.fact == fact_id]


def _boundaries(threshold: Any) -> list[Any]:
    if isinstance(threshold, dt.date):
        day = dt.timedelta(days=1)
        return [threshold - day, threshold, threshold + day]
    if isinstance(threshold, int | float):
        step = max(1.0, abs(float(threshold)) * 0.01)
        return [float(threshold) - step, float(threshold), float(threshold) + step]
    return []


def _multi_values(current: Any, tested: list[Any], fact: Fact) -> list[frozenset[str]]:
    relevant: list[str] = []
    for value in tested:
        items = sorted(value) if isinstance(value, frozenset) else [value] if isinstance(value, str) else []
        relevant.extend(v for v in items if v in fact.value_ids)
    held = current if isinstance(current, frozenset) else frozenset()
    options = [held | {v} for v in unique(relevant) if v not in held]
    options += [held - {v} for v in sorted(held)]
    options.append(frozenset())
    return options


def candidate_values(fact: Fact, current: Any, tested: list[Any]) -> list[FactValue]:
    """The values worth trying for ``fact`` instead of ``current`` (None: unknown)."""
    options: list[Any]
    if fact.type == "bool":
        options = [True, False]
    elif fact.type == "enum":
        options = list(fact.value_ids)
    elif fact.type == "multi":
        options = _multi_values(current, tested, fact)
    else:
        options = [b for t in tested for b in _boundaries(t)]
    out: list[FactValue] = []
    for value in options:
        if value != current and value not in out:
            out.append(value)
    return out


@dataclass(frozen=True)
class _Search:
    lp: LoadedPack
    facts: Facts
    as_of: dt.date
    vocab: Vocabulary
    base: RegimeResult
    watched: tuple[str, ...]  # rules whose change of status a counterfactual reports

    def try_changes(self, changes: tuple[Change, ...]) -> Counterfactual | None:
        changed = {**self.facts, **{c.fact: c.after for c in changes}}
        if find_contradictions(changed, self.vocab):
            return None
        result = evaluate_pack(self.lp, changed, self.as_of, self.vocab)
        if result.tier == self.base.tier:
            return None
        now, before = _applying(result, self.watched), _applying(self.base, self.watched)
        return Counterfactual(
            changes=changes,
            tier=result.tier,
            determined=result.determined,
            now_apply=tuple(r for r in now if r not in before),
            no_longer_apply=tuple(r for r in before if r not in now),
        )


def _applying(result: RegimeResult, watched: Iterable[str]) -> list[str]:
    scope = [SCOPE] if result.applies is True else []
    return scope + [rid for rid in watched if result.rule_status.get(rid) in (Status.APPLIES, Status.WAIVED)]


def single_changes(
    lp: LoadedPack, facts: Facts, vocab: Vocabulary, rule_ids: list[str], extra: Iterable[str]
) -> list[Change]:
    """Every one-fact change worth trying: facts read by the scope and these rules, plus ``extra``."""
    changes = []
    for fact_id in unique(_condition_facts(lp, rule_ids) + list(extra)):
        fact = vocab.facts.get(fact_id)
        if fact is None:
            continue
        current = facts.get(fact_id)
        for value in candidate_values(fact, current, _tested_values(lp, lp.rules, fact_id)):
            changes.append(Change(fact_id, current, value))
    return changes


def _pairs(lp: LoadedPack, singles: list[Change], rule_ids: list[str]) -> Iterator[tuple[Change, Change]]:
    """Pairs of changes to two facts that are read together by one rule (or the scope)."""
    groups = [_condition_facts(lp, [])] + [_condition_facts(lp, _with_dependencies(lp, [rid])) for rid in rule_ids]
    seen: set[tuple[Change, Change]] = set()
    for group in groups:
        members = set(group)
        in_group = [c for c in singles if c.fact in members]
        for first, second in itertools.combinations(in_group, 2):
            if first.fact != second.fact and (first, second) not in seen:
                seen.add((first, second))
                yield first, second


def counterfactuals(
    lp: LoadedPack, facts: Facts, as_of: dt.date, vocab: Vocabulary, base: RegimeResult
) -> list[Counterfactual]:
    """The smallest changes of answers that would change the tier: single facts, else pairs."""
    decided, ruled_out, still_open = decisive_rules(lp, base)
    relevant = _with_dependencies(lp, decided + ruled_out + still_open + _applying_tier_rules(lp, base))
    search = _Search(lp, facts, as_of, vocab, base, tuple(relevant))
    pending = [p.fact for p in base.pending]
    singles = single_changes(lp, facts, vocab, relevant, pending)
    found = [cf for change in singles if (cf := search.try_changes((change,))) is not None]
    if found:
        return _ordered(lp, found)
    pair_found = []
    for count, pair in enumerate(_pairs(lp, singles, relevant)):
        if count >= MAX_PAIR_EVALUATIONS:
            break
        cf = search.try_changes(pair)
        if cf is not None:
            pair_found.append(cf)
    return _ordered(lp, pair_found)


def _ordered(lp: LoadedPack, found: list[Counterfactual]) -> list[Counterfactual]:
    """Most severe new tier first; leaving the regime's scope last; otherwise as found."""

    def key(item: tuple[int, Counterfactual]) -> tuple[int, int, int]:
        index, cf = item
        leaves_scope = cf.tier == lp.pack.out_of_scope_tier
        return (int(leaves_scope), lp.tier_index(cf.tier), index)

    return [cf for _, cf in sorted(enumerate(found), key=key)]


def _applying_tier_rules(lp: LoadedPack, result: RegimeResult) -> list[str]:
    """Rules of the established and more severe tiers (what must flip for the tier to change)."""
    tiers = _severer_tiers(lp, result.tier) + [result.tier]
    return _tier_rules(lp, tiers)


def explain(facts: Facts, packs: PackSet, as_of: dt.date, regime: str) -> Explanation:
    """Why ``regime`` gives its tier on these facts, and what would change it."""
    lp = packs.packs[regime]
    result = evaluate_pack(lp, facts, as_of, packs.vocab)
    decided, ruled_out, still_open = decisive_rules(lp, result)
    return Explanation(
        regime=regime,
        title=Text(lp.pack.title.en, lp.pack.title.zh),
        as_of=as_of,
        result=result,
        scope=_scope_reason(lp, facts, result),
        decided_by=tuple(_reason(lp, rid, facts, result) for rid in decided),
        ruled_out=tuple(_reason(lp, rid, facts, result) for rid in ruled_out),
        still_open=tuple(_reason(lp, rid, facts, result) for rid in still_open),
        counterfactuals=tuple(counterfactuals(lp, facts, as_of, packs.vocab, result)),
    )
