"""Evaluate facts against rule packs as of a date. Pure: no I/O, no clock, no globals.

Per pack:
1. classification rules (topological order; rules may reference rules);
2. the headline tier: the first tier in the pack's order (most severe first) with an
   applying rule, else the pack's default tier; more severe tiers whose rules are still
   indeterminate become ``could_be`` and make the result provisional;
3. scope (may reference rules, e.g. the open-source exclusion that yields to Art. 5);
4. obligations, gated by their addressee's role and allowed to test the tier;
5. pending questions: the missing facts that could settle open outcomes, severest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from fenji.engine.loader import LoadedPack, LoadedRule, PackSet
from fenji.engine.logic import Node, TierState, unique
from fenji.model.card import Waiver
from fenji.model.facts import Text, Vocabulary
from fenji.model.result import (
    ObligationResult,
    Pending,
    RegimeResult,
    RuleTrace,
    Status,
)

Facts = Mapping[str, Any]

# Order of pending categories: what could change the tier comes first.
AFFECTS_RANK = {"scope": 0, "tier": 0, "roles": 1, "labels": 2, "obligations": 3}


def is_active(rule: LoadedRule, as_of: dt.date) -> bool:
    r = rule.rule
    if r.deprecated or r.effective_from > as_of:
        return False
    return r.superseded_on is None or as_of < r.superseded_on


class _AllUnknownRules(dict[str, bool | None]):
    """Rule results before any rule is evaluated: every rule is unknown."""

    def get(self, key: str, default: bool | None = None) -> bool | None:  # type: ignore[override]
        return None


_ALL_UNKNOWN = _AllUnknownRules()


def _out_of_scope(lp: LoadedPack, facts: Facts, results: Mapping[str, bool | None]) -> RegimeResult:
    pack = lp.pack
    scope_trace = RuleTrace(
        rule_id=f"{pack.id}:scope",
        status=Status.DOES_NOT_APPLY,
        citation=pack.instrument,
        title=Text(pack.scope_note.en, pack.scope_note.zh),
        facts_used={},
        failed=lp.scope.failed(facts, results or _ALL_UNKNOWN, None),
    )
    return RegimeResult(
        regime=pack.id,
        title=Text(pack.title.en, pack.title.zh),
        applies=False,
        determined=True,
        tier=pack.out_of_scope_tier,
        labels=[],
        could_be=[],
        roles=[],
        obligations=[],
        pending=[],
        trace=[scope_trace],
        rule_status={
            **dict.fromkeys(lp.rules, Status.DOES_NOT_APPLY),
            **{rid: Status.of(v) for rid, v in results.items()},
        },
    )


def _active(lp: LoadedPack, as_of: dt.date) -> frozenset[str]:
    """The rules in force on as_of (memoised per pack: the same dates recur across an inventory)."""
    cached = lp.active_cache.get(as_of)
    if cached is None:
        cached = frozenset(rid for rid in lp.order if is_active(lp.rules[rid], as_of))
        lp.active_cache[as_of] = cached
    return cached


def _and(a: bool | None, b: bool | None) -> bool | None:
    if a is False or b is False:
        return False
    if a is None or b is None:
        return None
    return True


def _or(values: Iterable[bool | None]) -> bool | None:
    unknown = False
    for v in values:
        if v is True:
            return True
        if v is None:
            unknown = True
    return None if unknown else False


def add_working_days(start: dt.date, days: int) -> dt.date:
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


@dataclass
class _Run:
    lp: LoadedPack
    facts: Facts
    as_of: dt.date
    results: dict[str, bool | None]
    missing_cache: dict[str, tuple[str, ...]]
    tier: TierState | None = None
    role_status: dict[str, bool | None] = field(default_factory=dict)

    def missing_for(self, rule_id: str) -> tuple[str, ...]:
        """Facts whose answers could settle an indeterminate rule (for an obligation: also its addressee's role)."""
        if rule_id in self.missing_cache:
            return self.missing_cache[rule_id]
        lr = self.lp.rules[rule_id]
        for dep in lr.deps:
            if self.results.get(dep) is None and dep in self.lp.rules:
                self.missing_for(dep)
        tier = self.tier if lr.rule.kind == "obligation" else None
        missing = lr.node.missing(self.facts, self.results, tier, self.missing_cache)
        role = str(lr.rule.addressee)
        if lr.rule.kind == "obligation" and self.role_status.get(role, False) is None:
            for role_rule in self.lp.rules_by_role.get(role, ()):
                if self.results.get(role_rule) is None:
                    missing.extend(self.missing_for(role_rule))
        self.missing_cache[rule_id] = unique(missing)
        return self.missing_cache[rule_id]


def evaluate_pack(
    lp: LoadedPack,
    facts: Facts,
    as_of: dt.date,
    vocab: Vocabulary,
    waivers: Iterable[Waiver] = (),
) -> RegimeResult:
    pack = lp.pack
    run = _Run(lp, facts, as_of, {}, {})
    results = run.results
    active = _active(lp, as_of)

    # Out of scope whatever the rules say (e.g. market.eu is false): stop before evaluating them.
    if lp.scope.ev(facts, _ALL_UNKNOWN, None) is False:
        return _out_of_scope(lp, facts, results)

    for lr in lp.classification_rules:
        rid = lr.id
        results[rid] = lr.node.ev(facts, results, None) if rid in active else False

    established: str | None = None
    could_be: list[str] = []
    for tier_def in pack.tiers:
        values = [results[rid] for rid in lp.rules_by_tier.get(tier_def.id, ())]
        if True in values:
            established = tier_def.id
            break
        if None in values:
            could_be.append(tier_def.id)
    if established is None:
        established = pack.default_tier
        could_be = [t for t in could_be if lp.tier_index(t) < lp.tier_index(established)]
    terminal = next((t.terminal for t in pack.tiers if t.id == established), False)
    tier_missing: tuple[str, ...] = ()
    if could_be:
        tier_missing = unique(
            [
                f
                for t in could_be
                for rid in lp.rules_by_tier.get(t, ())
                if results.get(rid) is None
                for f in run.missing_for(rid)
            ]
        )
    run.tier = TierState(established, tuple(could_be), tier_missing)

    in_scope = lp.scope.ev(facts, results, established)
    if in_scope is False:
        return _out_of_scope(lp, facts, results)
    scope_trace = RuleTrace(
        rule_id=f"{pack.id}:scope",
        status=Status.of(in_scope),
        citation=pack.instrument,
        title=Text(pack.scope_note.en, pack.scope_note.zh),
        facts_used={},
        missing=unique(lp.scope.missing(facts, results, established, _Lazy(run))) if in_scope is None else (),
    )

    role_status = {role.id: _or(results[r] for r in lp.rules_by_role.get(role.id, ())) for role in pack.roles}
    run.role_status = role_status

    waived = {w.rule: w for w in waivers if w.expires >= as_of}
    obligations: list[ObligationResult] = []
    for lr in lp.obligation_rules:
        rid = lr.id
        rule = lr.rule
        role = role_status.get(str(rule.addressee), False) if rule.addressee != "any" else True
        required = lr.required_tier
        if rid not in active or role is False or (required and required != established and required not in could_be):
            results[rid] = False
            continue
        value = _and(lr.node.ev(facts, results, run.tier), role)
        results[rid] = value
        if value is False:
            continue
        status = Status.of(value)
        if value is True and rid in waived:
            status = Status.WAIVED
        obligations.append(_obligation(lr, status, run, waived.get(rid)))

    labels: list[str] = []
    trace: list[RuleTrace] = [scope_trace]
    established_index = lp.tier_index(established)
    for rid in lp.order:
        lr = lp.rules[rid]
        outcome = lr.rule.outcome
        value = results.get(rid)
        if outcome is not None and value is True and outcome.label and (not terminal or outcome.tier == established):
            labels.append(outcome.label)
        # the trace explains the classification; obligations carry their own status and missing facts
        if outcome is not None and rid in active and value is not False:
            trace.append(_trace(lr, value, run))
    trace.extend(_tiers_not_reached(lp, results, active, established_index))

    pending = _pending(run, could_be, in_scope, role_status, terminal, vocab)
    determined = in_scope is True and not could_be
    return RegimeResult(
        regime=pack.id,
        title=Text(pack.title.en, pack.title.zh),
        applies=in_scope,
        determined=determined,
        tier=established,
        labels=sorted(set(labels)),
        could_be=could_be,
        roles=[r for r, v in role_status.items() if v is True],
        obligations=obligations,
        pending=pending,
        trace=trace,
        rule_status={
            rid: (Status.WAIVED if rid in waived and results.get(rid) is True else Status.of(v))
            for rid, v in results.items()
        },
        rule_missing={rid: run.missing_for(rid) for rid, v in results.items() if v is None},
    )


class _Lazy(Mapping[str, tuple[str, ...]]):
    """rule_id -> missing facts, computed on first use."""

    def __init__(self, run: _Run) -> None:
        self.run = run

    def __getitem__(self, key: str) -> tuple[str, ...]:
        if key not in self.run.lp.rules:
            raise KeyError(key)
        return self.run.missing_for(key)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.run.lp.rules)

    def __len__(self) -> int:
        return len(self.run.lp.rules)


def _tiers_not_reached(
    lp: LoadedPack, results: Mapping[str, bool | None], active: frozenset[str], established_index: int
) -> list[RuleTrace]:
    """One line per tier more severe than the one established: which of its rules were checked and failed."""
    out = []
    for tier_def in lp.pack.tiers[:established_index]:
        failed = [rid for rid in lp.rules_by_tier.get(tier_def.id, ()) if rid in active and results.get(rid) is False]
        if failed:
            out.append(
                RuleTrace(
                    rule_id=f"{lp.pack.id}:tier:{tier_def.id}",
                    status=Status.DOES_NOT_APPLY,
                    citation=lp.pack.instrument,
                    title=Text(tier_def.title.en, tier_def.title.zh),
                    facts_used={},
                    failed=f"none of {len(failed)} rules applies ({', '.join(failed)})",
                )
            )
    return out


def _trace(lr: LoadedRule, value: bool | None, run: _Run) -> RuleTrace:
    rule = lr.rule
    tier = run.tier if rule.kind == "obligation" else None
    facts = run.facts
    used = {f: facts[f] for f in lr.sorted_facts if f in facts}
    return RuleTrace(
        rule_id=rule.id,
        status=Status.of(value),
        citation=rule.citation.short,
        title=lr.title_text,
        facts_used=used,
        missing=run.missing_for(rule.id) if value is None else (),
        failed=lr.node.failed(run.facts, run.results, tier) if value is False else None,
        note="unconfirmed" if rule.confidence == "unconfirmed" else None,
    )


def _obligation(lr: LoadedRule, status: Status, run: _Run, waiver: Waiver | None) -> ObligationResult:
    rule = lr.rule
    due_date = None
    if rule.due is not None and rule.due.after_fact:
        start = run.facts.get(rule.due.after_fact)
        if isinstance(start, dt.date):
            due_date = (
                add_working_days(start, rule.due.days)
                if rule.due.working_days
                else start + dt.timedelta(days=rule.due.days)
            )
    lighter = lr.lighter_node is not None and lr.lighter_node.ev(run.facts, run.results, run.tier) is True
    applies_from = rule.applies_from
    for node, date in lr.date_nodes:
        if node.ev(run.facts, run.results, run.tier) is True:
            applies_from = date
            break
    assert lr.info is not None  # the loader sets info on every obligation rule
    return ObligationResult(
        info=lr.info,
        status=status,
        applies_from=applies_from,
        due_date=due_date,
        lighter=lighter,
        missing=run.missing_for(rule.id) if status is Status.INDETERMINATE else (),
        waiver_reason=waiver.reason if waiver and status is Status.WAIVED else None,
    )


def askable(facts_missing: Iterable[str], facts: Facts, ask_when: Mapping[str, Node]) -> list[str]:
    """Turn missing facts into questions that can be asked now: a fact whose skip condition is still
    open is replaced by the open facts of that condition (parents first), leaving out parents that are
    themselves skipped. A missing fact whose own condition is false stays, so that nothing a rule needs
    is hidden."""
    out: list[str] = []
    seen: set[str] = set()

    def visit(fact: str, needed_by_rule: bool) -> None:
        if fact in seen:
            return
        seen.add(fact)
        node = ask_when.get(fact)
        status = True if node is None else node.ev(facts, {}, None)
        if status is True or (status is False and needed_by_rule):
            out.append(fact)
        elif status is None and node is not None:
            for parent in node.missing(facts, {}, None, {}):
                visit(parent, False)

    for fact in facts_missing:
        visit(fact, True)
    return out


def _pending(
    run: _Run,
    could_be: list[str],
    in_scope: bool | None,
    role_status: Mapping[str, bool | None],
    terminal: bool,
    vocab: Vocabulary,
) -> list[Pending]:
    lp = run.lp
    found: dict[str, tuple[int, int, int]] = {}  # fact -> (rank, -weight, first seen)
    affects_of: dict[str, str] = {}
    counter = 0

    def add(facts_missing: Iterable[str], affects: str, severity: int = 0) -> None:
        nonlocal counter
        rank = AFFECTS_RANK[affects] * 100 + severity
        for fact in askable(facts_missing, run.facts, lp.ask_when):
            counter += 1
            if fact in found:
                old_rank, neg_weight, first = found[fact]
                if rank < old_rank:
                    affects_of[fact] = affects
                found[fact] = (min(rank, old_rank), neg_weight - 1, first)
            else:
                found[fact] = (rank, -1, counter)
                affects_of[fact] = affects

    if in_scope is None:
        add(lp.scope.missing(run.facts, run.results, run.tier, _Lazy(run)), "scope")
    for tier in could_be:
        severity = lp.tier_index(tier)
        for rid in lp.rules_by_tier.get(tier, ()):
            if run.results.get(rid) is None:
                add(run.missing_for(rid), "tier", severity)
    for role, status in role_status.items():
        if status is None:
            for rid in lp.rules_by_role.get(role, ()):
                if run.results.get(rid) is None:
                    add(run.missing_for(rid), "roles")
    if not terminal:
        for rid in lp.order:
            lr = lp.rules[rid]
            if run.results.get(rid) is not None:
                continue
            if lr.rule.kind == "classification" and lr.rule.outcome and lr.rule.outcome.label:
                add(run.missing_for(rid), "labels")
            elif lr.rule.kind == "obligation":
                add(run.missing_for(rid), "obligations")
    ordered = sorted(found, key=lambda f: found[f])
    out = []
    for fact_id in ordered:
        fact = vocab.facts.get(fact_id)
        if fact is None:  # pragma: no cover - loader guarantees facts exist
            continue
        out.append(
            Pending(fact=fact_id, question=fact.question, affects=affects_of[fact_id], weight=-found[fact_id][1])
        )
    return out


def evaluate(
    packs: PackSet,
    facts: Facts,
    as_of: dt.date,
    waivers: Iterable[Waiver] = (),
) -> dict[str, RegimeResult]:
    """Every pack's result for one set of facts."""
    waiver_list = list(waivers)
    return {pid: evaluate_pack(lp, facts, as_of, packs.vocab, waiver_list) for pid, lp in packs.packs.items()}
