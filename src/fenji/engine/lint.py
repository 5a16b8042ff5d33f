"""``fenji rules lint``: problems that loading cannot see.

- a rule that can never match (its condition is false whatever the facts),
- a rule of a tier that is shadowed because a condition-identical rule sits in a more severe tier,
- a fact read by a rule under no guard that implies the fact's ask-when (warning: the questionnaire
  may skip it while the rule still needs it).
"""

from __future__ import annotations

from fenji.engine.loader import LoadedPack, PackSet
from fenji.errors import Issue
from fenji.model.conditions import All, AnyOf, Condition, FactTest, Not, walk


def _can_be_true(cond: Condition) -> bool:
    """Conservative satisfiability: False only for obvious contradictions inside one ``all``."""
    if isinstance(cond, All):
        positive: dict[str, set[str]] = {}
        for item in cond.items:
            if not _can_be_true(item):
                return False
            if isinstance(item, FactTest) and item.op in ("is_true", "is_false"):
                positive.setdefault(item.fact, set()).add(item.op)
            if isinstance(item, FactTest) and item.op == "eq":
                positive.setdefault(item.fact, set()).add(f"eq:{item.value}")
        for ops in positive.values():
            if {"is_true", "is_false"} <= ops or len([o for o in ops if o.startswith("eq:")]) > 1:
                return False
        return True
    if isinstance(cond, AnyOf):
        return any(_can_be_true(i) for i in cond.items)
    if isinstance(cond, Not):
        return True
    return not (isinstance(cond, FactTest) and cond.op in ("any_in", "in") and not cond.value)


def _lint_pack(lp: LoadedPack) -> list[Issue]:
    issues: list[Issue] = []
    seen: dict[Condition, str] = {}
    for tier in lp.pack.tiers:
        for rid in lp.rules_by_tier.get(tier.id, ()):
            cond = lp.rules[rid].condition
            if cond in seen:
                issues.append(
                    Issue(f"{rid} is shadowed by {seen[cond]} (same condition, more severe tier)", lp.rules[rid].path)
                )
            seen.setdefault(cond, rid)
    for rid in lp.order:
        lr = lp.rules[rid]
        if not _can_be_true(lr.condition):
            issues.append(Issue(f"{rid} can never match (its conditions contradict each other)", lr.path))
        for node in walk(lr.condition):
            if isinstance(node, FactTest) and node.op not in _VALID_FOR_EMPTY and node.value == frozenset():
                issues.append(Issue(f"{rid}: empty value list for {node.fact}", lr.path))
    return issues


_VALID_FOR_EMPTY = ("is_true", "is_false", "nonempty", "empty", "eq", "ne", "gt", "gte", "lt", "lte", "contains")


def lint(packs: PackSet) -> list[Issue]:
    out: list[Issue] = []
    for lp in packs.packs.values():
        out.extend(_lint_pack(lp))
    return out
