"""Three-valued (Kleene) evaluation of conditions.

``True`` / ``False`` are known results, ``None`` is unknown. ``false & unknown = false``,
``true | unknown = true``, ``not unknown = unknown``. Conditions are compiled once into
small node objects; the same nodes answer "which facts are missing?" and "what failed?"
for the trace, so there is one implementation of the semantics.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fenji.engine.operators import OPERATOR_FUNCTIONS
from fenji.model.conditions import All, AnyOf, Condition, FactTest, Not, RuleRef, TierIs
from fenji.model.facts import value_to_json

Facts = Mapping[str, Any]
RuleResults = Mapping[str, bool | None]
Tri = bool | None


class TierState:
    """The headline tier as obligations see it: established, or still possible (``could_be``)."""

    __slots__ = ("established", "could_be", "missing")

    def __init__(self, established: str, could_be: tuple[str, ...] = (), missing: tuple[str, ...] = ()) -> None:
        self.established = established
        self.could_be = could_be
        self.missing = missing  # facts that would settle the open tiers

    def test(self, tier: str) -> Tri:
        if tier == self.established:
            return True
        return None if tier in self.could_be else False

    def __str__(self) -> str:
        return self.established


Tier = str | TierState | None


class Node:
    def ev(self, facts: Facts, rules: RuleResults, tier: Tier) -> Tri:
        raise NotImplementedError

    def missing(
        self, facts: Facts, rules: RuleResults, tier: Tier, rule_missing: Mapping[str, tuple[str, ...]]
    ) -> list[str]:
        """Facts whose answers could still change this (unknown) node."""
        return []

    def failed(self, facts: Facts, rules: RuleResults, tier: Tier) -> str | None:
        """For a false node: a short description of a condition that made it false."""
        return None


class FactNode(Node):
    __slots__ = ("fact", "op", "value", "fn")

    def __init__(self, test: FactTest) -> None:
        self.fact = test.fact
        self.op = test.op
        self.value = test.value
        self.fn = OPERATOR_FUNCTIONS[test.op]

    def ev(self, facts: Facts, rules: RuleResults, tier: Tier) -> Tri:
        v = facts.get(self.fact)
        if v is None:
            return None
        return self.fn(v, self.value)

    def missing(
        self, facts: Facts, rules: RuleResults, tier: Tier, rule_missing: Mapping[str, tuple[str, ...]]
    ) -> list[str]:
        return [self.fact] if self.fact not in facts else []

    def failed(self, facts: Facts, rules: RuleResults, tier: Tier) -> str | None:
        actual = value_to_json(facts[self.fact]) if self.fact in facts else "unknown"
        wanted = "" if self.value is None else f" {value_to_json(self.value)}"
        return f"{self.fact} {self.op}{wanted} is false ({self.fact} = {actual})"


class RuleNode(Node):
    __slots__ = ("rule",)

    def __init__(self, ref: RuleRef) -> None:
        self.rule = ref.rule

    def ev(self, facts: Facts, rules: RuleResults, tier: Tier) -> Tri:
        return rules.get(self.rule, False)

    def missing(
        self, facts: Facts, rules: RuleResults, tier: Tier, rule_missing: Mapping[str, tuple[str, ...]]
    ) -> list[str]:
        return list(rule_missing.get(self.rule, ()))

    def failed(self, facts: Facts, rules: RuleResults, tier: Tier) -> str | None:
        return f"{self.rule} does not apply"


class TierNode(Node):
    __slots__ = ("tier",)

    def __init__(self, test: TierIs) -> None:
        self.tier = test.tier

    def ev(self, facts: Facts, rules: RuleResults, tier: Tier) -> Tri:
        if isinstance(tier, TierState):
            return tier.test(self.tier)
        return tier == self.tier

    def missing(
        self, facts: Facts, rules: RuleResults, tier: Tier, rule_missing: Mapping[str, tuple[str, ...]]
    ) -> list[str]:
        return list(tier.missing) if isinstance(tier, TierState) else []

    def failed(self, facts: Facts, rules: RuleResults, tier: Tier) -> str | None:
        return f"tier is {tier}, not {self.tier}"


class NotNode(Node):
    __slots__ = ("item",)

    def __init__(self, item: Node) -> None:
        self.item = item

    def ev(self, facts: Facts, rules: RuleResults, tier: Tier) -> Tri:
        r = self.item.ev(facts, rules, tier)
        return None if r is None else not r

    def missing(
        self, facts: Facts, rules: RuleResults, tier: Tier, rule_missing: Mapping[str, tuple[str, ...]]
    ) -> list[str]:
        return self.item.missing(facts, rules, tier, rule_missing)

    def failed(self, facts: Facts, rules: RuleResults, tier: Tier) -> str | None:
        inner = self.item
        if isinstance(inner, RuleNode):
            return f"{inner.rule} applies"
        if isinstance(inner, FactNode):
            actual = value_to_json(facts[inner.fact]) if inner.fact in facts else "unknown"
            return f"not({inner.fact} {inner.op}) is false ({inner.fact} = {actual})"
        return "an excluding condition holds"


class AllNode(Node):
    __slots__ = ("items",)

    def __init__(self, items: list[Node]) -> None:
        self.items = tuple(items)

    def ev(self, facts: Facts, rules: RuleResults, tier: Tier) -> Tri:
        unknown = False
        for item in self.items:
            r = item.ev(facts, rules, tier)
            if r is False:
                return False
            if r is None:
                unknown = True
        return None if unknown else True

    def missing(
        self, facts: Facts, rules: RuleResults, tier: Tier, rule_missing: Mapping[str, tuple[str, ...]]
    ) -> list[str]:
        out: list[str] = []
        for item in self.items:
            if item.ev(facts, rules, tier) is None:
                out.extend(item.missing(facts, rules, tier, rule_missing))
        return out

    def failed(self, facts: Facts, rules: RuleResults, tier: Tier) -> str | None:
        for item in self.items:
            if item.ev(facts, rules, tier) is False:
                return item.failed(facts, rules, tier)
        return None


class AnyNode(Node):
    __slots__ = ("items",)

    def __init__(self, items: list[Node]) -> None:
        self.items = tuple(items)

    def ev(self, facts: Facts, rules: RuleResults, tier: Tier) -> Tri:
        unknown = False
        for item in self.items:
            r = item.ev(facts, rules, tier)
            if r is True:
                return True
            if r is None:
                unknown = True
        return None if unknown else False

    def missing(
        self, facts: Facts, rules: RuleResults, tier: Tier, rule_missing: Mapping[str, tuple[str, ...]]
    ) -> list[str]:
        out: list[str] = []
        for item in self.items:
            if item.ev(facts, rules, tier) is None:
                out.extend(item.missing(facts, rules, tier, rule_missing))
        return out

    def failed(self, facts: Facts, rules: RuleResults, tier: Tier) -> str | None:
        parts = [item.failed(facts, rules, tier) for item in self.items[:3]]
        text = "; ".join(p for p in parts if p)
        more = " …" if len(self.items) > 3 else ""
        return f"none of the alternatives holds ({text}{more})" if text else None


def compile_condition(cond: Condition) -> Node:
    if isinstance(cond, All):
        return AllNode([compile_condition(c) for c in cond.items])
    if isinstance(cond, AnyOf):
        return AnyNode([compile_condition(c) for c in cond.items])
    if isinstance(cond, Not):
        return NotNode(compile_condition(cond.item))
    if isinstance(cond, FactTest):
        return FactNode(cond)
    if isinstance(cond, RuleRef):
        return RuleNode(cond)
    return TierNode(cond)


def unique(items: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
