"""From cue hits to proposed facts: negation, competing cues, one value per fact, then derivations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from fenji.assist.lexicon import Derivation, Lexicon, Setting, Test
from fenji.assist.matcher import Hit
from fenji.model.facts import FactValue, Vocabulary

DERIVATION_PASSES = 6


@dataclass(frozen=True)
class Candidate:
    """One proposed value (for multi facts: one item, None = "none of these") with its evidence."""

    fact: str
    value: FactValue | None
    confidence: float
    span: tuple[int, int]
    group: str | None = None
    negated: bool = False
    source: str = ""  # cue or derivation id
    requires: tuple[Test, ...] = ()


def candidates(hits: Iterable[Hit]) -> list[Candidate]:
    out = []
    for hit in hits:
        for s in hit.cue.settings:
            value = s.when_negated if hit.negated else s.value
            if hit.negated and value is None:
                continue  # a negated item of a list settles nothing
            cand = Candidate(s.fact, value, s.confidence, hit.evidence, hit.cue.group, hit.negated, hit.cue.id)
            out.append(replace(cand, requires=hit.cue.requires))
    return out


def drop_weak_in_groups(cands: list[Candidate], margin: float) -> list[Candidate]:
    """In a group of competing cues (e.g. the CN algorithm types), keep the facts of the strongest cue.

    The strongest is the most confident, then the earliest in the text (a name comes before the details); another
    fact of the group stays only when its best cue is less than ``margin`` below the strongest.
    """
    winners: dict[str, Candidate] = {}
    best: dict[tuple[str, str], float] = {}
    for c in cands:
        if not c.group or c.negated:
            continue
        current = winners.get(c.group)
        if current is None or (-c.confidence, c.span[0]) < (-current.confidence, current.span[0]):
            winners[c.group] = c
        best[(c.group, c.fact)] = max(best.get((c.group, c.fact), 0.0), c.confidence)
    winning_facts = {(c.group, c.fact) for c in cands if c.group in winners and c.source == winners[c.group].source}
    return [
        c
        for c in cands
        if not c.group
        or c.negated
        or (c.group, c.fact) in winning_facts
        or winners[c.group].confidence - best[(c.group, c.fact)] < margin
    ]


def _rank(c: Candidate) -> tuple[float, int, int]:
    # stronger first; on a tie an explicit negation wins; then the earlier span
    return (-c.confidence, 0 if c.negated else 1, c.span[0])


def choose(cands: list[Candidate], vocab: Vocabulary) -> dict[str, list[Candidate]]:
    """fact -> chosen candidates: the best one for yes/no and choice facts; for lists the best per item.

    A list item that is negated anywhere is dropped; "none of these" only stands when no item is proposed.
    """
    by_fact: dict[str, list[Candidate]] = {}
    for c in sorted(cands, key=_rank):
        by_fact.setdefault(c.fact, []).append(c)
    chosen: dict[str, list[Candidate]] = {}
    for fact_id, group in by_fact.items():
        if vocab.facts[fact_id].type != "multi":
            chosen[fact_id] = [group[0]]
            continue
        items = _choose_items(group)
        if items:
            chosen[fact_id] = items
    return chosen


def _choose_items(group: list[Candidate]) -> list[Candidate]:
    negated = {c.value for c in group if c.negated}
    items: dict[FactValue, Candidate] = {}
    for c in group:
        if c.value is not None and c.value not in negated and not c.negated:
            items.setdefault(c.value, c)
    if items:
        return list(items.values())
    empty = [c for c in group if c.value is None]
    return empty[:1]


def _given_values(value: FactValue) -> set[object]:
    return set(value) if isinstance(value, frozenset) else {value}


@dataclass
class Known:
    """What the derivations see: the candidates chosen so far and the facts given by the caller (overrides)."""

    chosen: dict[str, list[Candidate]]
    given: Mapping[str, FactValue]

    def knows(self, fact_id: str) -> bool:
        return fact_id in self.chosen or fact_id in self.given

    def values(self, fact_id: str) -> set[object]:
        if fact_id in self.given:
            return _given_values(self.given[fact_id])
        return {c.value for c in self.chosen.get(fact_id, [])}


def _passes(test: Test, known: Known) -> bool:
    if test.op == "known":
        return known.knows(test.fact)
    if test.op == "unknown":
        return not known.knows(test.fact)
    values = known.values(test.fact)
    if test.op == "is":
        return test.values[0] in values
    return bool(values & set(test.values))


def _trigger(tests: Iterable[Test], chosen: Mapping[str, list[Candidate]]) -> Candidate | None:
    """The proposed candidate that made a test pass (its span becomes the derived fact's evidence).

    Facts given by the caller carry no span, so a derivation needs at least one passing test on a proposed fact.
    """
    for test in tests:
        group = chosen.get(test.fact)
        if test.op == "unknown" or not group:
            continue
        if test.op == "any_in":
            return next((c for c in group if c.value in test.values), None)
        if test.op == "is":
            return next((c for c in group if c.value == test.values[0]), None)
        return group[0]
    return None


def _apply(d: Derivation, known: Known, vocab: Vocabulary) -> bool:
    """Add the derivation's value when its tests pass and the fact is open (or is a list it can extend)."""
    s: Setting = d.then
    if s.fact in known.given:
        return False
    existing = known.chosen.get(s.fact)
    if existing is not None and not _can_extend(existing, s, vocab):
        return False
    if not all(_passes(t, known) for t in d.tests):
        return False
    base = _trigger(d.tests, known.chosen)
    if base is None:
        return False
    confidence = round(min(s.confidence, base.confidence), 2)
    known.chosen.setdefault(s.fact, []).append(Candidate(s.fact, s.value, confidence, base.span, source=d.id))
    return True


def _can_extend(existing: list[Candidate], s: Setting, vocab: Vocabulary) -> bool:
    if vocab.facts[s.fact].type != "multi" or s.value is None or existing[0].value is None:
        return False
    return all(c.value != s.value for c in existing)


def derive(
    chosen: dict[str, list[Candidate]],
    derivations: Iterable[Derivation],
    vocab: Vocabulary,
    presumptions: bool,
    given: Mapping[str, FactValue] | None = None,
) -> dict[str, list[Candidate]]:
    """Fill facts that follow from proposed (or given) ones, never overriding either, until nothing changes."""
    rules = [d for d in derivations if presumptions or not d.presumption]
    known = Known(chosen, given or {})
    for _ in range(DERIVATION_PASSES):
        added = [d.id for d in rules if _apply(d, known, vocab)]
        if not added:
            break
    return chosen


def resolve(
    hits: Iterable[Hit],
    lexicon: Lexicon,
    vocab: Vocabulary,
    presumptions: bool,
    given: Mapping[str, FactValue] | None = None,
) -> dict[str, list[Candidate]]:
    known = dict(given or {})
    cands = drop_weak_in_groups(candidates(hits), lexicon.group_margin)
    first = Known(choose(cands, vocab), known)
    supported = [c for c in cands if all(_passes(t, first) for t in c.requires)]
    chosen = choose(supported, vocab)
    for fact_id in known:
        chosen.pop(fact_id, None)  # the caller's answer wins over the text
    return derive(chosen, lexicon.derivations, vocab, presumptions, known)
