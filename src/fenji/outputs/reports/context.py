"""What a report is built from, and the two small languages the form files use to read it.

*Sources* name a value: ``card.name``, ``fact:org.size_class``, ``tier:eu_ai_act``, ``labels:eu_ai_act:annex_iii``,
``roles:cn``, ``obligation:EU-AIA-ART11``, ``use_cases:titles`` / ``use_cases:domains``,
``evidence:risk_management_system``, ``extra:cn_filing.algorithm_type``.
A source that the card does not answer gives ``None`` (shown as TODO).

*Conditions* decide whether a section, field or text applies: ``{fact: ID, eq|in|any_of|known: …}``,
``{label: REGIME:LABEL}`` (a trailing ``*`` matches a prefix), ``{role: REGIME:ROLE}``, ``{tier: REGIME:T1|T2}``,
``{applies: REGIME}``, ``{obligation: ID}``, ``{extra: KEY}``, and ``all`` / ``any`` / ``not``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fenji.model.card import SystemCard
from fenji.model.facts import Vocabulary
from fenji.model.result import Assessment, ObligationResult, RegimeResult, Status
from fenji.model.rule import Pack
from fenji.outputs.reports.words import joiner, w, yes_no

PLACEHOLDER = re.compile(r"\{([a-z_]+(?:[.:][^{}]+)?)\}")
SOURCE_KINDS = ("card", "fact", "tier", "labels", "roles", "obligation", "evidence", "extra", "pending", "use_cases")
CONDITION_KEYS = ("fact", "label", "role", "tier", "applies", "obligation", "extra", "all", "any", "not")


class FormError(ValueError):
    """A form file that does not follow the form format (a bug in fenji's data, caught by the tests)."""


@dataclass(frozen=True)
class ReportInput:
    """Everything a report may show: the card, its assessment, the fact vocabulary, the packs' metadata and
    the results of evidence checks (``extras``, plain data prepared by the caller)."""

    card: SystemCard
    assessment: Assessment
    vocab: Vocabulary
    packs: Mapping[str, Pack]
    extras: Mapping[str, Any] = field(default_factory=dict)

    def regime(self, regime_id: str) -> RegimeResult | None:
        return self.assessment.regimes.get(regime_id)

    def obligation(self, ob_id: str) -> ObligationResult | None:
        for r in self.assessment.regimes.values():
            for ob in r.obligations:
                if ob.id == ob_id:
                    return ob
        return None

    def tier_title(self, regime_id: str, tier: str, lang: str) -> str:
        pack = self.packs.get(regime_id)
        if pack is not None:
            for t in pack.tiers:
                if t.id == tier:
                    return t.title.get(lang)
        return tier

    def role_title(self, regime_id: str, role: str, lang: str) -> str:
        pack = self.packs.get(regime_id)
        if pack is not None:
            for r in pack.roles:
                if r.id == role:
                    return r.title.get(lang)
        return role

    def regime_title(self, regime_id: str, lang: str) -> str:
        r = self.regime(regime_id)
        return r.title.get(lang) if r is not None else regime_id


# --------------------------------------------------------------------------------------------- values


def fact_text(inp: ReportInput, fact_id: str, lang: str) -> str | None:
    """A fact's value in words (choice labels in ``lang``), or None when the card does not say."""
    if fact_id not in inp.card.facts:
        return None
    value = inp.card.facts[fact_id]
    fact = inp.vocab.facts.get(fact_id)
    if isinstance(value, bool):
        return yes_no(value, lang)
    if isinstance(value, frozenset):
        if not value:
            return w("none", lang)
        return joiner(lang).join(fact.label_of(v, lang) if fact else v for v in sorted(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | int):
        return f"{value:g}" if isinstance(value, float) else str(value)
    text = str(value)
    return fact.label_of(text, lang) if fact and fact.values else text


def _obligation_text(ob: ObligationResult, lang: str) -> str:
    text = f"{ob.applies_from.isoformat()} 起" if lang == "zh" else f"from {ob.applies_from.isoformat()}"
    if ob.due_date:
        text += f"，期限 {ob.due_date.isoformat()}" if lang == "zh" else f", due {ob.due_date.isoformat()}"
    if ob.due_text:
        text += f"（{ob.due_text.get(lang)}）" if lang == "zh" else f" ({ob.due_text.get(lang)})"
    return text


def _evidence_text(inp: ReportInput, control: str, lang: str) -> str | None:
    items = [e for e in inp.card.evidence if e.control == control]
    if not items:
        return None
    parts = []
    for e in items:
        status = w(f"ev_{e.status}", lang)
        when = f", {e.date.isoformat()}" if e.date else ""
        parts.append(f"{e.ref} ({status}{when})")
    return "; ".join(parts)


def _extra(inp: ReportInput, path: str, lang: str) -> str | None:
    value: Any = inp.extras
    for part in path.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, Mapping) and ("en" in value or "zh" in value):
        return str(value.get(lang) or value.get("en"))
    if isinstance(value, list):
        return joiner(lang).join(str(v) for v in value)
    if isinstance(value, bool):
        return yes_no(value, lang)
    return str(value)


def _labels(inp: ReportInput, arg: str, lang: str) -> str | None:
    regime_id, _, prefix = arg.partition(":")
    r = inp.regime(regime_id)
    if r is None:
        return None
    chosen = [lb for lb in r.labels if lb.startswith(prefix)]
    return joiner(lang).join(chosen) if chosen else None


def _roles(inp: ReportInput, regime_id: str, lang: str) -> str | None:
    r = inp.regime(regime_id)
    if r is None or not r.roles:
        return None
    return joiner(lang).join(inp.role_title(regime_id, role, lang) for role in r.roles)


def _tier(inp: ReportInput, regime_id: str, lang: str) -> str | None:
    r = inp.regime(regime_id)
    if r is None:
        return None
    text = inp.tier_title(regime_id, r.tier, lang)
    return text if r.determined else f"{text} ({w('provisional', lang)})"


def _pending(inp: ReportInput, regime_id: str, lang: str) -> str | None:
    r = inp.regime(regime_id)
    if r is None or not r.pending:
        return None
    return "; ".join(f"{p.question.get(lang)} ({p.fact})" for p in r.pending)


def _use_cases(inp: ReportInput, what: str, lang: str) -> str | None:
    raw = inp.card.facts.get("use.cases")
    cases = (
        [inp.vocab.use_cases[c] for c in sorted(raw) if c in inp.vocab.use_cases] if isinstance(raw, frozenset) else []
    )
    if not cases:
        return None
    if what == "titles":
        return joiner(lang).join(c.title.get(lang) for c in cases)
    titles = {d.id: d.title.get(lang) for d in inp.vocab.domains}
    return joiner(lang).join(dict.fromkeys(titles.get(c.domain, c.domain) for c in cases))


def _card(inp: ReportInput, name: str) -> str | None:
    if name == "name":
        return inp.card.name
    if name == "id":
        return inp.card.id
    if name == "description":
        return inp.card.description
    if name == "as_of":
        return inp.assessment.as_of.isoformat()
    raise FormError(f"unknown card source card.{name}")


def source(inp: ReportInput, expr: str, lang: str) -> str | None:
    """The value a source expression names, in ``lang``; None when the card does not say."""
    if expr.startswith("card."):
        return _card(inp, expr[5:])
    kind, sep, arg = expr.partition(":")
    if not sep:
        raise FormError(f"bad source {expr!r}: expected KIND:ARG or card.NAME")
    if kind == "fact":
        return fact_text(inp, arg, lang)
    if kind == "obligation":
        ob = inp.obligation(arg)
        return _obligation_text(ob, lang) if ob is not None and ob.status is not Status.DOES_NOT_APPLY else None
    if kind == "evidence":
        return _evidence_text(inp, arg, lang)
    if kind == "extra":
        return _extra(inp, arg, lang)
    handlers = {"tier": _tier, "labels": _labels, "roles": _roles, "pending": _pending, "use_cases": _use_cases}
    if kind not in handlers:
        raise FormError(f"unknown source kind {kind!r} in {expr!r}")
    return handlers[kind](inp, arg, lang)


def fill(inp: ReportInput, template: str, lang: str) -> str | None:
    """``template`` with each ``{source}`` replaced; None when any source is unanswered."""
    missing = False

    def repl(match: re.Match[str]) -> str:
        nonlocal missing
        value = source(inp, match.group(1), lang)
        if value is None:
            missing = True
            return ""
        return value

    text = PLACEHOLDER.sub(repl, template)
    return None if missing else text


# --------------------------------------------------------------------------------------------- conditions


def _fact_cond(inp: ReportInput, node: Mapping[str, Any]) -> bool:
    fact_id = str(node["fact"])
    value = inp.card.facts.get(fact_id)
    if "known" in node:
        return (value is not None) is bool(node["known"])
    if value is None:
        return False
    if "eq" in node:
        return bool(value == node["eq"])
    if "in" in node:
        return value in set(node["in"])
    if "any_of" in node:
        return isinstance(value, frozenset) and bool(value & set(node["any_of"]))
    return value is True


def _label_cond(inp: ReportInput, arg: str) -> bool:
    regime_id, _, label = arg.partition(":")
    r = inp.regime(regime_id)
    if r is None:
        return False
    if label.endswith("*"):
        return any(lb.startswith(label[:-1]) for lb in r.labels)
    return label in r.labels


def _regime_cond(inp: ReportInput, key: str, arg: str) -> bool:
    regime_id, _, rest = arg.partition(":")
    r = inp.regime(regime_id)
    if r is None:
        return False
    if key == "applies":
        return r.applies is True
    if key == "role":
        return rest in r.roles
    return r.tier in rest.split("|")


def _obligation_cond(inp: ReportInput, ob_id: str) -> bool:
    ob = inp.obligation(ob_id)
    return ob is not None and ob.status is Status.APPLIES


def check(inp: ReportInput, node: Any) -> bool:
    """Evaluate a condition node (see the module docstring); ``None`` is true."""
    if node is None:
        return True
    if not isinstance(node, Mapping) or not node:
        raise FormError(f"a condition must be a mapping, got {node!r}")
    key = next((k for k in CONDITION_KEYS if k in node), None)
    if key is None:
        raise FormError(f"unknown condition {dict(node)!r}; use one of {', '.join(CONDITION_KEYS)}")
    if key == "all":
        return all(check(inp, n) for n in node["all"])
    if key == "any":
        return any(check(inp, n) for n in node["any"])
    if key == "not":
        return not check(inp, node["not"])
    if key == "fact":
        return _fact_cond(inp, node)
    if key == "label":
        return _label_cond(inp, str(node["label"]))
    if key == "obligation":
        return _obligation_cond(inp, str(node["obligation"]))
    if key == "extra":
        return str(node["extra"]) in inp.extras
    return _regime_cond(inp, key, str(node[key]))
