"""The adaptive questionnaire: which unanswered fact settles most, asked first. Pure.

Every regime's evaluation already says which facts are still missing for which open
outcome (``RegimeResult.pending``, ``rule_missing`` and the scope trace). This module turns
that into one ranked list of questions across the chosen regimes:

1. a fact that could settle whether a regime applies comes first (a "no" settles every
   outcome of that regime at once);
2. then facts that could settle a more severe tier (prohibited before high-risk before
   the rest); among those, the fact whose answer is expected to settle most (a one-step
   lookahead: each value it could take is tried on the open rules, equally likely), then
   the one that touches more open outcomes (weighted by tier severity);
3. then facts that only refine roles, labels or obligations, or the tier a regime would have
   if it applied when nothing left to ask can settle whether it applies;
4. ties keep the static order of ``facts.yaml`` (its sections are the questionnaire order).

Skip logic: a fact whose ``ask_when`` is false is never asked; while ``ask_when`` is unknown
its first open parent is asked in its stead (it inherits its weight). "I don't know" is an
answer: facts in ``unknown`` are never asked again, and a dependent fact whose parents are
all unknown is asked directly. A fact that cannot change any result is never asked.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fenji.engine.evaluate import evaluate_pack
from fenji.engine.explain import candidate_values
from fenji.engine.loader import LoadedPack, PackSet
from fenji.engine.logic import (
    AllNode,
    AnyNode,
    FactNode,
    Node,
    NotNode,
    RuleNode,
    TierNode,
    compile_condition,
    unique,
)
from fenji.errors import Issue, PackSchemaError, RulePackError, did_you_mean
from fenji.model.conditions import ConditionParser, FactTest, walk
from fenji.model.facts import Fact, QuestionGroup, Vocabulary
from fenji.model.result import RegimeResult, Status

Facts = Mapping[str, Any]

# How decisive an open outcome is; the highest level a fact touches ranks it first.
SEVERITY_LEVEL = {"prohibited": 4, "high": 3, "medium": 2, "low": 1, "none": 0}
SCOPE_LEVEL = 5
# Weight of one open outcome when counting how much a fact settles.
SEVERITY_WEIGHT = {"prohibited": 16, "high": 8, "medium": 4, "low": 2, "none": 2}
REFINING_WEIGHT = {"tier_if_applies": 4, "roles": 3, "labels": 2, "obligations": 1}
SETTLING = ("scope", "tier")
LOOKAHEAD_VALUES = 8  # values tried per fact when estimating what its answer settles


@dataclass(frozen=True)
class Question:
    """One fact to ask, with why it matters."""

    fact: Fact
    affects: str  # scope | tier (settling) or tier_if_applies | roles | labels | obligations (refining)
    severity: str  # the most severe open outcome it could settle: scope, prohibited, high, ... none
    score: int  # settling: expected weight its answer settles; refining: weighted count of outcomes it touches
    regimes: tuple[str, ...]  # regimes whose result it could change
    unlocks: tuple[str, ...] = ()  # dependent facts it is asked for (their ask_when needs it)
    group: QuestionGroup | None = None  # the checklist it is asked in, if any
    direct: bool = True  # a rule reads it (not only asked in stead of a dependent fact)

    @property
    def id(self) -> str:
        return self.fact.id

    @property
    def settling(self) -> bool:
        """Could this answer settle whether a regime applies, or its tier?"""
        return self.affects in SETTLING


@dataclass(frozen=True)
class Screen:
    """One step of a questionnaire: a single question, or the open members of one group as a
    checklist answered at once (ticked = yes, not ticked = no, or "I don't know" per item)."""

    questions: tuple[Question, ...]
    group: QuestionGroup | None = None

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    def follow_ups(self, answers: Facts) -> list[str]:
        """Gate items these answers tick: each one's own question follows the checklist."""
        if self.group is None:
            return []
        items = [self.group.item(f) for f in self.facts]
        return [i.fact for i in items if i.gated and i.fact in answers and answers[i.fact] != i.none]


@dataclass(frozen=True)
class Survey:
    """Where a questionnaire stands: every chosen regime's result and the ranked questions."""

    results: dict[str, RegimeResult]
    questions: tuple[Question, ...]

    @property
    def determined(self) -> bool:
        return all_determined(self.results)

    @property
    def settling(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.settling)

    @property
    def done(self) -> bool:
        """Nothing left that could settle a regime: every regime is determined, or only unknowns remain."""
        return self.determined or not self.settling

    def next(self) -> Question | None:
        """The question a wizard asks now: the top settling one, else the top refining one."""
        return self.questions[0] if self.questions else None

    def screen(self, first: Question) -> Screen:
        """What to show with ``first``: every open member of its group on one checklist, or it alone."""
        if first.group is None:
            return Screen((first,))
        # a settling question brings only the group's other settling ones (refining them can wait),
        # and only those a rule reads itself, not parents asked in stead of a dependent fact
        open_members = {
            q.id: q
            for q in self.questions
            if q.group is first.group and (q is first or (q.direct and q.settling >= first.settling))
        }
        members = tuple(open_members[f] for f in first.group.facts if f in open_members)
        return Screen(members, first.group) if len(members) > 1 else Screen((first,))

    def next_screen(self) -> Screen | None:
        """The step a wizard shows now (see ``next`` and ``screen``)."""
        first = self.next()
        return None if first is None else self.screen(first)


def all_determined(results: Mapping[str, RegimeResult]) -> bool:
    """True when every regime's applicability and tier are settled."""
    return all(r.determined for r in results.values())


def open_regimes(results: Mapping[str, RegimeResult]) -> list[str]:
    return [rid for rid, r in results.items() if not r.determined]


# --- evaluation of the chosen regimes ----------------------------------------------------


def chosen_packs(packs: PackSet, regimes: Iterable[str] | None) -> list[LoadedPack]:
    """The packs named in ``regimes`` (all when None), in the pack set's order."""
    if regimes is None:
        return list(packs.packs.values())
    wanted = list(dict.fromkeys(regimes))
    unknown = [r for r in wanted if r not in packs.packs]
    if unknown:
        issues = [Issue(f"unknown regime {r!r}", hint=did_you_mean(r, packs.packs)) for r in unknown]
        raise RulePackError(f"no such rule pack: {', '.join(unknown)}; packs: {', '.join(packs.packs)}", issues)
    return [lp for pid, lp in packs.packs.items() if pid in wanted]


def evaluate_regimes(
    facts: Facts, packs: PackSet, as_of: dt.date, regimes: Iterable[str] | None = None
) -> dict[str, RegimeResult]:
    return {lp.id: evaluate_pack(lp, facts, as_of, packs.vocab) for lp in chosen_packs(packs, regimes)}


# --- open outcomes of one regime ---------------------------------------------------------


@dataclass(frozen=True)
class OpenOutcome:
    """One open outcome of a regime and the facts that could settle it."""

    regime: str
    affects: str
    severity: str
    weight: int
    facts: tuple[str, ...]
    tier_index: int = -1  # for tier outcomes: the tier's place in the pack (0 = most severe)
    rule: str | None = None  # for tier outcomes: the open rule


def _scope_missing(result: RegimeResult) -> tuple[str, ...]:
    scope_id = f"{result.regime}:scope"
    return next((t.missing for t in result.trace if t.rule_id == scope_id), ())


def _tier_severity(lp: LoadedPack, tier: str) -> str:
    return next((t.severity for t in lp.pack.tiers if t.id == tier), "none")


def _tier_outcomes(lp: LoadedPack, result: RegimeResult) -> Iterator[OpenOutcome]:
    for tier in result.could_be:
        severity = _tier_severity(lp, tier)
        for rule_id in lp.rules_by_tier.get(tier, ()):
            if result.rule_status.get(rule_id) is Status.INDETERMINATE:
                missing = result.rule_missing.get(rule_id, ())
                index = lp.tier_index(tier)
                yield OpenOutcome(lp.id, "tier", severity, SEVERITY_WEIGHT[severity], missing, index, rule_id)


def _refining_outcomes(lp: LoadedPack, result: RegimeResult) -> Iterator[OpenOutcome]:
    for pending in result.pending:
        if pending.affects in REFINING_WEIGHT:
            weight = REFINING_WEIGHT[pending.affects] * pending.weight
            yield OpenOutcome(lp.id, pending.affects, "none", weight, (pending.fact,))


def regime_outcomes(lp: LoadedPack, result: RegimeResult, reach: Reach) -> list[OpenOutcome]:
    """The open outcomes of one regime; a scope fact weighs as much as everything it could settle.

    An outcome that can no longer help determine the regime only refines the tier it would
    have (``tier_if_applies``) and stops being settling: every tier outcome when no answer
    still to come can make the regime apply, and the outcomes of tiers less severe than an
    open tier rule that no answer still to come can make false (the regime is then determined
    only if that tier or a more severe one is established)."""
    if result.applies is False:
        return []
    outcomes = _with_stuck_tiers_demoted(list(_tier_outcomes(lp, result)), reach)
    outcomes += list(_refining_outcomes(lp, result))
    if result.applies is True:
        return outcomes
    if not reach.can_become(lp.scope, True):
        outcomes = [_demoted(o) for o in outcomes]
    if reach.can_become(lp.scope, True) or reach.can_become(lp.scope, False):
        total = 1 + sum(o.weight for o in outcomes if o.affects in SETTLING)
        outcomes.insert(0, OpenOutcome(lp.id, "scope", "scope", total, _scope_missing(result)))
    return outcomes


def _with_stuck_tiers_demoted(outcomes: list[OpenOutcome], reach: Reach) -> list[OpenOutcome]:
    stuck = [o.tier_index for o in outcomes if o.rule and not reach.can_become(reach.rule_node(o.rule), False)]
    if not stuck:
        return outcomes
    limit = min(stuck)
    return [_demoted(o) if o.tier_index > limit else o for o in outcomes]


@dataclass
class Reach:
    """Which values conditions can still take: facts still to be asked can take any value,
    facts that cannot be asked (answered "I don't know", or excluded by ``ask_when``) stay unknown."""

    lp: LoadedPack
    facts: Facts
    results: Mapping[str, bool | None]
    can_ask: Callable[[str], bool]
    tier: str | None
    memo: dict[tuple[str, bool], bool] = field(default_factory=dict)

    def rule_node(self, rule_id: str) -> Node:
        return self.lp.rules[rule_id].node

    def can_become(self, node: Node, want: bool) -> bool:
        if isinstance(node, FactNode):
            value = self.facts.get(node.fact)
            return self.can_ask(node.fact) if value is None else node.fn(value, node.value) is want
        if isinstance(node, NotNode):
            return self.can_become(node.item, not want)
        if isinstance(node, AllNode | AnyNode):
            parts = (self.can_become(item, want) for item in node.items)
            every = isinstance(node, AllNode) == want
            return all(parts) if every else any(parts)
        if isinstance(node, RuleNode):
            return self._rule_can_become(node.rule, want)
        if isinstance(node, TierNode):
            return (self.tier == node.tier) is want
        return True

    def _rule_can_become(self, rule_id: str, want: bool) -> bool:
        known = self.results.get(rule_id, False)
        if known is not None or rule_id not in self.lp.rules:
            return known is want
        key = (rule_id, want)
        if key not in self.memo:
            self.memo[key] = self.can_become(self.rule_node(rule_id), want)
        return self.memo[key]


def _demoted(outcome: OpenOutcome) -> OpenOutcome:
    if outcome.affects != "tier":
        return outcome
    return OpenOutcome(outcome.regime, "tier_if_applies", "none", REFINING_WEIGHT["tier_if_applies"], outcome.facts)


# --- skip logic (ask_when) ---------------------------------------------------------------


@functools.cache
def relevance_conditions(vocab: Vocabulary) -> dict[str, Node]:
    """fact -> its compiled ``ask_when`` (facts without one are always relevant)."""
    parser = ConditionParser(vocab, file="facts.yaml")
    nodes = {
        fact.id: compile_condition(parser.parse(fact.ask_when, f"{fact.id}.ask_when"))
        for fact in vocab.facts.values()
        if fact.ask_when
    }
    if parser.issues:
        raise PackSchemaError("facts.yaml has an invalid ask_when", parser.issues)
    return nodes


def is_relevant(fact_id: str, facts: Facts, vocab: Vocabulary) -> bool | None:
    """The fact's ``ask_when`` on these answers: True, False or None (unknown)."""
    node = relevance_conditions(vocab).get(fact_id)
    return True if node is None else node.ev(facts, {}, None)


def askable_for(fact_id: str, facts: Facts, unknown: Collection[str], vocab: Vocabulary) -> tuple[str, ...]:
    """The facts to ask so that ``fact_id`` gets settled: itself when relevant, its first open
    parent while its relevance is unknown, nothing when it is irrelevant."""
    return tuple(unique(_route(fact_id, facts, unknown, vocab, frozenset())))


def _route(fact_id: str, facts: Facts, unknown: Collection[str], vocab: Vocabulary, seen: frozenset[str]) -> list[str]:
    node = relevance_conditions(vocab).get(fact_id)
    relevant = True if node is None else node.ev(facts, {}, None)
    if relevant is False:
        return []
    if relevant is True or node is None:
        return [fact_id]
    # the first open parent that can be asked: its answer may settle the condition or name the next one
    parents = [p for p in unique(node.missing(facts, {}, None, {})) if p not in unknown and p not in seen]
    for parent in parents:
        routed = _route(parent, facts, unknown, vocab, seen | {fact_id})
        if routed:
            return routed
    return [fact_id]


# --- lookahead: how much one answer would settle ----------------------------------------


@dataclass
class _RegimeView:
    """One regime's open tier outcomes, to replay a single answer on its rules."""

    lp: LoadedPack
    result: RegimeResult
    base: dict[str, bool | None]
    open_rules: dict[str, tuple[int, int]]  # open tier rule -> (tier index, weight)
    affected: dict[str, list[str]] = field(default_factory=dict)  # fact -> classification rules to recompute

    @property
    def total(self) -> int:
        return 1 + sum(weight for _, weight in self.open_rules.values())

    def reads(self, fact_id: str) -> bool:
        return bool(self.rules_reading(fact_id)) or (
            self.result.applies is None and fact_id in _scope_missing(self.result)
        )

    def rules_reading(self, fact_id: str) -> list[str]:
        """Classification rules that read the fact or rely on a rule that does (topological order)."""
        if fact_id not in self.affected:
            hit: set[str] = set()
            for rule_id in self.lp.order:
                lr = self.lp.rules[rule_id]
                if lr.rule.kind == "classification" and (fact_id in lr.facts or not hit.isdisjoint(lr.deps)):
                    hit.add(rule_id)
            self.affected[fact_id] = [rid for rid in self.lp.order if rid in hit]
        return self.affected[fact_id]

    def settled_by(self, fact_id: str, value: Any, facts: Facts) -> int:
        """The weight of the open outcomes that answering ``fact_id`` with ``value`` would settle."""
        changed = {**facts, fact_id: value}
        results = dict(self.base)
        for rule_id in self.rules_reading(fact_id):
            if self.base.get(rule_id) is None:
                results[rule_id] = self.lp.rules[rule_id].node.ev(changed, results, None)
        if self.result.applies is None:
            in_scope = self.lp.scope.ev(changed, results, self.result.tier)
            if in_scope is False:
                return self.total
        settled = [self.open_rules[r] for r in self.open_rules if results.get(r) is not None]
        established = min((index for r, (index, _) in self.open_rules.items() if results.get(r)), default=None)
        dropped = [w for index, w in self.open_rules.values() if established is not None and index >= established]
        return max(sum(w for _, w in settled), sum(dropped))


def _rule_results(result: RegimeResult) -> dict[str, bool | None]:
    known = {Status.APPLIES: True, Status.WAIVED: True, Status.DOES_NOT_APPLY: False}
    return {rid: known.get(status) for rid, status in result.rule_status.items()}


def _reach(lp: LoadedPack, result: RegimeResult, asker: _Asker) -> Reach:
    return Reach(lp, asker.facts, _rule_results(result), asker.can_ask, result.tier)


def _view(lp: LoadedPack, result: RegimeResult) -> _RegimeView:
    base = _rule_results(result)
    open_rules = {}
    for tier in result.could_be:
        severity = _tier_severity(lp, tier)
        for rule_id in lp.rules_by_tier.get(tier, ()):
            if base.get(rule_id, False) is None:
                open_rules[rule_id] = (lp.tier_index(tier), SEVERITY_WEIGHT[severity])
    return _RegimeView(lp, result, base, open_rules)


def _tested_values(packs: Iterable[LoadedPack]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {}
    for lp in packs:
        conditions = [lp.scope_condition] + [lr.condition for lr in lp.rules.values()]
        for cond in conditions:
            for leaf in walk(cond):
                if isinstance(leaf, FactTest):
                    out.setdefault(leaf.fact, []).append(leaf.value)
    return out


@dataclass
class _Lookahead:
    """Expected weight of open outcomes one answer settles, each tried value equally likely."""

    views: list[_RegimeView]
    facts: Facts
    vocab: Vocabulary
    tested: dict[str, list[Any]]
    cache: dict[str, float] = field(default_factory=dict)

    def gain(self, fact_id: str) -> float:
        if fact_id not in self.cache:
            self.cache[fact_id] = self._gain(fact_id)
        return self.cache[fact_id]

    def _gain(self, fact_id: str) -> float:
        fact = self.vocab.facts.get(fact_id)
        views = [v for v in self.views if v.reads(fact_id)]
        if fact is None or not views:
            return 0.0
        values = candidate_values(fact, None, self.tested.get(fact_id, []))[:LOOKAHEAD_VALUES]
        if not values:
            return 0.0
        total = sum(view.settled_by(fact_id, value, self.facts) for view in views for value in values)
        return total / len(values)


# --- ranking -----------------------------------------------------------------------------


@dataclass
class _Tally:
    score: int = 0
    gain: float = 0.0
    level: int = -1
    severity: str = "none"
    settling: bool = False
    refining_rank: int = 99
    affects: str = "obligations"
    regimes: list[str] = field(default_factory=list)
    unlocks: list[str] = field(default_factory=list)
    direct: bool = False

    def add(self, outcome: OpenOutcome, via: str | None) -> None:
        self.score += outcome.weight
        self.direct = self.direct or via is None
        if outcome.regime not in self.regimes:
            self.regimes.append(outcome.regime)
        if via is not None and via not in self.unlocks:
            self.unlocks.append(via)
        level = SCOPE_LEVEL if outcome.affects == "scope" else SEVERITY_LEVEL[outcome.severity]
        if outcome.affects in SETTLING:
            self.settling = True
            if level > self.level:
                self.level, self.severity, self.affects = level, outcome.severity, outcome.affects
        elif not self.settling and list(REFINING_WEIGHT).index(outcome.affects) < self.refining_rank:
            self.refining_rank = list(REFINING_WEIGHT).index(outcome.affects)
            self.affects = outcome.affects


@dataclass
class _Asker:
    """Which facts may still be asked, given the answers and the "don't know"s."""

    facts: Facts
    unknown: Collection[str]
    vocab: Vocabulary

    def targets(self, fact_id: str) -> list[str]:
        if fact_id in self.unknown or fact_id in self.facts:
            return []
        routed = askable_for(fact_id, self.facts, self.unknown, self.vocab)
        return [t for t in routed if t not in self.facts and t not in self.unknown]

    def can_ask(self, fact_id: str) -> bool:
        return bool(self.targets(fact_id))


def _tally(outcomes: Iterable[OpenOutcome], asker: _Asker, lookahead: _Lookahead) -> dict[str, _Tally]:
    tallies: dict[str, _Tally] = {}
    credited: set[tuple[str, str]] = set()
    for outcome in outcomes:
        for missing in unique(list(outcome.facts)):
            for target in asker.targets(missing):
                tally = tallies.setdefault(target, _Tally())
                tally.add(outcome, None if target == missing else missing)
                if outcome.affects in SETTLING and (target, missing) not in credited:
                    credited.add((target, missing))
                    tally.gain += lookahead.gain(missing)
    return tallies


def _static_order(vocab: Vocabulary) -> dict[str, int]:
    section_index = {s.id: i for i, s in enumerate(vocab.sections)}
    return {
        fid: section_index.get(fact.section, len(section_index)) * 10_000 + i
        for i, (fid, fact) in enumerate(vocab.facts.items())
    }


def _rank(tallies: Mapping[str, _Tally], vocab: Vocabulary) -> list[Question]:
    order = _static_order(vocab)

    def key(fid: str) -> tuple[int, int, float, int, int]:
        t = tallies[fid]
        if t.settling:
            return (0, -t.level, -t.gain, -t.score, order.get(fid, 1 << 30))
        return (1, -t.refining_rank, -t.score, 0, order.get(fid, 1 << 30))

    questions = []
    for fid in sorted(tallies, key=key):
        fact = vocab.facts.get(fid)
        if fact is None or fact.deprecated:
            continue
        t = tallies[fid]
        severity = t.severity if t.settling else "none"
        score = round(t.gain) if t.settling else t.score
        group = vocab.group_of(fid)
        regimes, unlocks = tuple(t.regimes), tuple(t.unlocks)
        questions.append(Question(fact, t.affects, severity, score, regimes, unlocks, group, t.direct))
    return questions


def survey(
    facts: Facts,
    packs: PackSet,
    as_of: dt.date,
    regimes: Iterable[str] | None = None,
    unknown: Collection[str] = frozenset(),
) -> Survey:
    """Evaluate the chosen regimes on the answers so far and rank the open questions."""
    chosen = chosen_packs(packs, regimes)
    results = {lp.id: evaluate_pack(lp, facts, as_of, packs.vocab) for lp in chosen}
    asker = _Asker(facts, frozenset(unknown), packs.vocab)
    outcomes = [o for lp in chosen for o in regime_outcomes(lp, results[lp.id], _reach(lp, results[lp.id], asker))]
    views = [_view(lp, results[lp.id]) for lp in chosen if results[lp.id].applies is not False]
    lookahead = _Lookahead(views, facts, packs.vocab, _tested_values(chosen))
    return Survey(results=results, questions=tuple(_rank(_tally(outcomes, asker, lookahead), packs.vocab)))


def next_questions(
    facts: Facts,
    packs: PackSet,
    as_of: dt.date,
    regimes: Iterable[str] | None = None,
    limit: int | None = None,
    unknown: Collection[str] = frozenset(),
) -> list[Question]:
    """The unanswered facts ranked by how much they settle (see the module docstring).

    ``unknown`` holds the facts answered "I don't know": they stay unknown and are never asked again.
    """
    questions = survey(facts, packs, as_of, regimes, unknown).questions
    return list(questions if limit is None else questions[:limit])


def is_determined(facts: Facts, packs: PackSet, as_of: dt.date, regimes: Iterable[str] | None = None) -> bool:
    """True when every chosen regime's applicability and tier are settled by these answers."""
    return all_determined(evaluate_regimes(facts, packs, as_of, regimes))


# --- replaying a questionnaire against known answers (tests, bench) -----------------------


@dataclass(frozen=True)
class Replay:
    asked: tuple[str, ...]
    screens: int
    determined: bool
    results: dict[str, RegimeResult]


def replay(
    answers: Facts,
    packs: PackSet,
    as_of: dt.date,
    regimes: Iterable[str] | None = None,
    max_questions: int = 200,
) -> Replay:
    """Run the questionnaire, answering each screen from ``answers`` ("I don't know" where
    they are silent), until every regime is determined or nothing left could settle one.
    ``asked`` holds the facts in the order asked; ``screens`` counts the steps (a checklist is one)."""
    chosen = [lp.id for lp in chosen_packs(packs, regimes)]
    facts: dict[str, Any] = {}
    unknown: set[str] = set()
    asked: list[str] = []
    screens = 0
    state = survey(facts, packs, as_of, chosen, unknown)
    while not state.done and screens < max_questions:
        screen = state.screen(state.settling[0])
        screens += 1 + len(screen.follow_ups(answers))
        for fact_id in screen.facts:
            asked.append(fact_id)
            if fact_id in answers:
                facts[fact_id] = answers[fact_id]
            else:
                unknown.add(fact_id)
        state = survey(facts, packs, as_of, chosen, unknown)
    return Replay(tuple(asked), screens, state.determined, state.results)
