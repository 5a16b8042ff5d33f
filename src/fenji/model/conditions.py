"""The condition language shared by rules and questionnaire skip logic.

A condition is exactly one of::

    {all: [cond, ...]}   {any: [cond, ...]}   {not: cond}
    {fact: ID, op: OP[, value: V]}    # a test on one fact
    {rule: RULE-ID}                    # another rule of the same pack applies
    {tier: TIER}                       # the pack's headline tier is TIER (obligations only)

Operators form a closed list (``OPERATORS``), each valid for some fact types.
Evaluation is three-valued (Kleene) and lives in ``fenji.engine.logic``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fenji.errors import Issue, did_you_mean
from fenji.model.facts import Fact, FactValue, ValueProblem, Vocabulary, coerce_value

# op -> (fact types it accepts, value shape: "none" | "scalar" | "list")
OPERATORS: dict[str, tuple[frozenset[str], str]] = {
    "is_true": (frozenset({"bool"}), "none"),
    "is_false": (frozenset({"bool"}), "none"),
    "eq": (frozenset({"enum"}), "scalar"),
    "ne": (frozenset({"enum"}), "scalar"),
    "in": (frozenset({"enum"}), "list"),
    "not_in": (frozenset({"enum"}), "list"),
    "contains": (frozenset({"multi"}), "scalar"),
    "any_in": (frozenset({"multi", "enum"}), "list"),
    "none_in": (frozenset({"multi", "enum"}), "list"),
    "nonempty": (frozenset({"multi"}), "none"),
    "empty": (frozenset({"multi"}), "none"),
    "gt": (frozenset({"number", "date"}), "scalar"),
    "gte": (frozenset({"number", "date"}), "scalar"),
    "lt": (frozenset({"number", "date"}), "scalar"),
    "lte": (frozenset({"number", "date"}), "scalar"),
}

OPERATOR_DOCS: dict[str, str] = {
    "is_true": "bool fact is true",
    "is_false": "bool fact is false (unknown stays unknown)",
    "eq": "enum fact equals the value",
    "ne": "enum fact is known and differs from the value",
    "in": "enum fact is one of the values",
    "not_in": "enum fact is known and none of the values",
    "contains": "multi fact includes the value",
    "any_in": "multi fact includes at least one value (enum: is one of them)",
    "none_in": "multi fact includes none of the values (enum: is none of them)",
    "nonempty": "multi fact has at least one value",
    "empty": "multi fact is the empty list ([] = none of these)",
    "gt": "number/date fact is greater than the value",
    "gte": "number/date fact is greater than or equal to the value",
    "lt": "number/date fact is less than the value",
    "lte": "number/date fact is less than or equal to the value",
}


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    items: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    item: Condition


@dataclass(frozen=True)
class FactTest:
    fact: str
    op: str
    value: Any  # canonical: str, frozenset[str], float, date, or None


@dataclass(frozen=True)
class RuleRef:
    rule: str


@dataclass(frozen=True)
class TierIs:
    tier: str


Condition = All | AnyOf | Not | FactTest | RuleRef | TierIs


def walk(cond: Condition) -> Iterator[Condition]:
    yield cond
    if isinstance(cond, All | AnyOf):
        for item in cond.items:
            yield from walk(item)
    elif isinstance(cond, Not):
        yield from walk(cond.item)


def facts_in(cond: Condition) -> set[str]:
    return {c.fact for c in walk(cond) if isinstance(c, FactTest)}


def rules_in(cond: Condition) -> set[str]:
    return {c.rule for c in walk(cond) if isinstance(c, RuleRef)}


def tiers_in(cond: Condition) -> set[str]:
    return {c.tier for c in walk(cond) if isinstance(c, TierIs)}


class ConditionParser:
    """Parses condition data and reports every problem as an Issue (never raises)."""

    def __init__(self, vocab: Vocabulary, *, file: str | None = None) -> None:
        self.vocab = vocab
        self.file = file
        self.issues: list[Issue] = []

    def _issue(self, where: str, message: str, hint: str | None = None) -> None:
        self.issues.append(Issue(message=message, file=self.file, field=where, hint=hint))

    def parse(self, data: Any, where: str = "when") -> Condition:
        if not isinstance(data, dict) or len(data) == 0:
            self._issue(where, f"a condition must be a mapping, got {data!r}")
            return All(())
        keys = set(data)
        if keys <= {"all"} or keys <= {"any"}:
            key = next(iter(keys))
            items = data[key]
            if not isinstance(items, list) or not items:
                self._issue(where, f"'{key}' needs a non-empty list of conditions")
                return All(())
            parsed = tuple(self.parse(c, f"{where}.{key}[{i}]") for i, c in enumerate(items))
            return All(parsed) if key == "all" else AnyOf(parsed)
        if keys == {"not"}:
            return Not(self.parse(data["not"], f"{where}.not"))
        if keys == {"rule"}:
            return RuleRef(str(data["rule"]))
        if keys == {"tier"}:
            return TierIs(str(data["tier"]))
        if "fact" in keys and keys <= {"fact", "op", "value"}:
            return self._leaf(data, where)
        self._issue(
            where,
            f"unrecognised condition keys {sorted(keys)}",
            "use all/any/not, {fact, op, value}, {rule: ID} or {tier: TIER}",
        )
        return All(())

    def _leaf(self, data: dict[str, Any], where: str) -> Condition:
        fact_id = str(data["fact"])
        op = str(data.get("op", ""))
        fact = self.vocab.facts.get(fact_id)
        if fact is None:
            self.issues.append(
                Issue(
                    message=f"unknown fact {fact_id!r}",
                    file=self.file,
                    field=where,
                    hint=did_you_mean(fact_id, self.vocab.facts) or "run `fenji facts` to list the vocabulary",
                )
            )
            return FactTest(fact_id, op, None)
        if op not in OPERATORS:
            self._issue(
                where,
                f"unknown operator {op!r}",
                did_you_mean(op, OPERATORS) or f"use one of {', '.join(OPERATORS)}",
            )
            return FactTest(fact_id, op, None)
        types, shape = OPERATORS[op]
        if fact.type not in types:
            self._issue(
                where,
                f"operator {op!r} does not apply to {fact.type} fact {fact_id!r}",
                f"{op} takes {'/'.join(sorted(types))} facts",
            )
            return FactTest(fact_id, op, None)
        value = self._value(fact, shape, data.get("value"), where)
        return FactTest(fact_id, op, value)

    def _value(self, fact: Fact, shape: str, raw: Any, where: str) -> Any:
        if shape == "none":
            if raw is not None:
                self._issue(where, "this operator takes no value")
            return None
        if shape == "list":
            if not isinstance(raw, list) or not raw:
                self._issue(where, "this operator needs a non-empty list of values")
                return frozenset()
            expanded = self.vocab.expand_values(fact.id, raw)
            if not expanded:
                self._issue(where, f"the set expression(s) {raw} match no value")
            for item in expanded:
                self._check_choice(fact, item, where)
            return frozenset(expanded)
        # scalar
        if fact.type in ("number", "date"):
            try:
                coerced: FactValue = coerce_value(fact, raw)
            except ValueProblem as exc:
                self._issue(where, str(exc), exc.hint)
                return 0.0 if fact.type == "number" else dt.date.min
            return coerced
        self._check_choice(fact, str(raw), where)
        return str(raw)

    def _check_choice(self, fact: Fact, item: str, where: str) -> None:
        if item not in fact.value_ids:
            self._issue(
                where,
                f"{item!r} is not a value of fact {fact.id!r}",
                did_you_mean(item, fact.value_ids) or f"values: {', '.join(fact.value_ids)}",
            )
