"""The one facade the CLI, the web app and Python users call.

    >>> from fenji import api
    >>> card = api.load_card("examples/cards/cv-screening.yaml")
    >>> result = api.assess(card, as_of=datetime.date(2026, 11, 22))
    >>> result.regimes["eu_ai_act"].tier
    'high_risk'

The engine is pure; this module adds what it must not do itself: reading files, the
clock (default ``as_of`` is today), decision IDs.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fenji.engine.consistency import find_contradictions
from fenji.engine.evaluate import evaluate
from fenji.engine.findings import exit_code, findings
from fenji.engine.loader import PackSet, load_packs
from fenji.engine.plan import build_plan
from fenji.errors import CardError, CardParseError, CardValidationError, Issue
from fenji.model.card import SystemCard, card_from_data, load_card_text
from fenji.model.facts import FactValue, ValueProblem, Vocabulary, coerce_value, is_unknown, vocabulary
from fenji.model.result import Assessment, Finding

__all__ = [
    "Assessment",
    "Finding",
    "PackSet",
    "SystemCard",
    "assess",
    "card_from_mapping",
    "check_findings",
    "check_exit_code",
    "default_packs",
    "get_vocabulary",
    "load_card",
    "load_card_text",
    "parse_fact_assignments",
    "packs_from",
]


def get_vocabulary() -> Vocabulary:
    return vocabulary()


@functools.cache
def default_packs() -> PackSet:
    """The rule packs shipped with fenji, loaded and validated once per process."""
    return load_packs()


def packs_from(path: str | Path | None = None, only: Iterable[str] | None = None) -> PackSet:
    """Packs from a directory (or the built-in ones), optionally only some regimes."""
    if path is None and only is None:
        return default_packs()
    return load_packs(path, only=list(only) if only else None)


def load_card(path: str | Path) -> SystemCard:
    """Read a YAML or JSON card file. Raises CardError with file:line on bad input."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CardParseError(
            f"{path}: no such file", [Issue("file not found", str(path), hint="check the path")]
        ) from None
    except UnicodeDecodeError:
        raise CardParseError(
            f"{path}: not UTF-8 text", [Issue("the card must be UTF-8 YAML or JSON", str(path))]
        ) from None
    card = load_card_text(text, str(path), vocabulary())
    _check_consistent(card)
    return card


def card_from_mapping(data: Any, source: str | None = None) -> SystemCard:
    card = card_from_data(data, vocabulary(), source=source)
    _check_consistent(card)
    return card


def _check_consistent(card: SystemCard) -> None:
    issues = find_contradictions(card.facts, vocabulary(), source=card.source, lines=card.lines)
    if issues:
        raise CardValidationError(f"{card.source or card.id}: contradictory answers", issues)


def parse_fact_assignments(items: Sequence[str]) -> dict[str, FactValue | None]:
    """``["market.eu=true", "use.setting=workplace,online_service"]`` -> facts.
    ``ID=unknown`` makes a fact unknown (value None)."""
    vocab = vocabulary()
    out: dict[str, FactValue | None] = {}
    issues: list[Issue] = []
    for item in items:
        fact_id, sep, raw = item.partition("=")
        fact_id = fact_id.strip()
        where = f"--fact {item}"
        if not sep:
            issues.append(Issue("expected ID=VALUE", field=where, hint="e.g. --fact market.eu=true"))
            continue
        fact = vocab.facts.get(fact_id)
        if fact is None:
            issues.append(vocab.unknown_fact_issue(fact_id, field=where))
            continue
        if is_unknown(raw):
            out[fact_id] = None
            continue
        value: Any = raw
        if fact.type == "multi" and raw.strip() in ("[]", ""):
            value = []
        try:
            out[fact_id] = coerce_value(fact, value)
        except ValueProblem as exc:
            issues.append(Issue(str(exc), field=where, hint=exc.hint))
    if issues:
        raise CardValidationError("invalid --fact option", issues)
    return out


def apply_facts(card: SystemCard, overrides: Mapping[str, FactValue | None]) -> SystemCard:
    if not overrides:
        return card
    updated = card.with_facts(overrides)
    _check_consistent(updated)
    return updated


def assess(
    card: SystemCard,
    *,
    packs: PackSet | None = None,
    as_of: dt.date | None = None,
    facts: Mapping[str, FactValue | None] | None = None,
    with_decision_id: bool = False,
) -> Assessment:
    """Assess one card against every pack, as of a date (default: today)."""
    packs = packs or default_packs()
    when = as_of or dt.date.today()
    if facts:
        card = apply_facts(card, facts)
    regimes = evaluate(packs, card.facts, when, card.waivers)
    plan = build_plan(regimes, packs.controls, card.evidence)
    return Assessment(
        as_of=when,
        system_id=card.id,
        system_name=card.name,
        packs={pid: {"version": lp.pack.version, "digest": lp.digest} for pid, lp in packs.packs.items()},
        regimes=regimes,
        plan=plan,
        card_digest=card.digest(),
        facts=card.facts_json(),
        decision_id=str(uuid.uuid4()) if with_decision_id else None,
    )


def check_findings(
    card: SystemCard, assessment: Assessment, packs: PackSet | None = None, require_evidence: bool = False
) -> list[Finding]:
    return findings(card, assessment, packs or default_packs(), require_evidence)


def check_exit_code(all_findings: Iterable[Finding], fail_on: str) -> int:
    return exit_code(all_findings, fail_on)


def batch_line(line: str, line_no: int, source: str) -> tuple[str, SystemCard | None, dict[str, Any] | None]:
    """Parse one JSONL batch line -> (id, card, per-line facts). Errors name the line."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise CardParseError(
            f"{source}:{line_no}: not JSON", [Issue(exc.msg, source, line_no, hint="one JSON object per line")]
        ) from None
    if not isinstance(data, dict):
        raise CardValidationError(
            f"{source}:{line_no}: expected an object", [Issue('expected {"id": …, "card": {…}}', source, line_no)]
        )
    item_id = str(data.get("id", line_no))
    facts = data.get("facts")
    if "card" in data:
        try:
            card = card_from_mapping(data["card"], source=f"{source}:{line_no}")
        except CardError as exc:
            raise type(exc)(
                exc.message, [Issue(i.message, source, line_no, i.field, i.hint) for i in exc.issues]
            ) from None
        return item_id, card, facts
    if "text" in data:
        return item_id, None, facts
    raise CardValidationError(
        f"{source}:{line_no}: needs 'card' or 'text'",
        [
            Issue(
                "each line needs a 'card' object or a 'text' string",
                source,
                line_no,
                hint='{"id": "a", "card": {"facts": {...}}}',
            )
        ],
    )
