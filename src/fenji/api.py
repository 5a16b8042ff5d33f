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
import os
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from fenji import assist, reporting
from fenji.assist import llm as assist_llm
from fenji.checks import nyc_bias
from fenji.engine.consistency import find_contradictions
from fenji.engine.crosswalk import crosswalk_for
from fenji.engine.diff import Side, diff_card
from fenji.engine.evaluate import evaluate
from fenji.engine.explain import Explanation
from fenji.engine.explain import explain as _explain
from fenji.engine.findings import exit_code, findings
from fenji.engine.loader import PackSet, load_packs
from fenji.engine.plan import build_plan
from fenji.engine.questions import Question, Screen, Survey
from fenji.engine.questions import next_questions as _next_questions
from fenji.engine.questions import survey as _survey
from fenji.engine.timeline import build_timeline
from fenji.errors import CardError, CardParseError, CardValidationError, FenjiError, Issue
from fenji.model.card import SystemCard, card_from_data, load_card_text
from fenji.model.controls import CatalogueView
from fenji.model.diff import DiffReport
from fenji.model.facts import FactValue, ValueProblem, Vocabulary, coerce_value, is_unknown, vocabulary
from fenji.model.result import Assessment, Finding, ProposedFact
from fenji.model.timeline import Timeline

__all__ = [
    "Assessment",
    "Finding",
    "PackSet",
    "SystemCard",
    "assess",
    "card_from_mapping",
    "card_from_text",
    "check_findings",
    "check_exit_code",
    "default_packs",
    "get_vocabulary",
    "load_card",
    "load_card_text",
    "parse_fact_assignments",
    "packs_from",
    "ProposedFact",
    "assess_text",
    "card_from_description",
    "propose_facts",
    "Explanation",
    "Question",
    "Screen",
    "Survey",
    "explain",
    "next_questions",
    "survey",
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


def card_from_text(text: str, source: str = "<card>") -> SystemCard:
    """A card from YAML or JSON text (an upload, a form field). Raises CardError with line numbers."""
    card = load_card_text(text, source, vocabulary())
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
    facts_json = card.facts_json()
    plan = build_plan(
        regimes, packs.controls, card.evidence, crosswalk=crosswalk_for(packs), facts=card.facts, as_of=when
    )
    return Assessment(
        as_of=when,
        system_id=card.id,
        system_name=card.name,
        packs={pid: {"version": lp.pack.version, "digest": lp.digest} for pid, lp in packs.packs.items()},
        regimes=regimes,
        plan=plan,
        card_digest=card.digest(facts_json),
        facts=facts_json,
        decision_id=str(uuid.uuid4()) if with_decision_id else None,
    )


def check_findings(
    card: SystemCard, assessment: Assessment, packs: PackSet | None = None, require_evidence: bool = False
) -> list[Finding]:
    return findings(card, assessment, packs or default_packs(), require_evidence)


def check_exit_code(all_findings: Iterable[Finding], fail_on: str) -> int:
    return exit_code(all_findings, fail_on)


def nyc_bias_audit(path: str | Path, *, min_share: float | None = None) -> nyc_bias.BiasAudit:
    """NYC Local Law 144 bias-audit figures from a candidate CSV file (``fenji us nyc-bias-audit``).

    Returns a ``fenji.checks.nyc_bias.BiasAudit``; raises ``BiasAuditInputError`` (with line and column) when the
    file cannot be used.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise nyc_bias.BiasAuditInputError("no such file", hint="check the path") from None
    except UnicodeDecodeError as exc:
        line = p.read_bytes()[: exc.start].count(b"\n") + 1
        raise nyc_bias.BiasAuditInputError("not UTF-8 text", line=line, hint="save the CSV as UTF-8") from None
    share = nyc_bias.MIN_SHARE if min_share is None else min_share
    return nyc_bias.audit_csv(text, min_share=share)


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


# --- adaptive questionnaire and explanations (engine.questions, engine.explain) ----------


def survey(
    facts: Mapping[str, FactValue],
    *,
    packs: PackSet | None = None,
    as_of: dt.date | None = None,
    regimes: Iterable[str] | None = None,
    unknown: Iterable[str] = (),
) -> Survey:
    """Every chosen regime's result on the answers so far, and the open questions ranked."""
    return _survey(facts, packs or default_packs(), as_of or dt.date.today(), regimes, frozenset(unknown))


def next_questions(
    facts: Mapping[str, FactValue],
    *,
    packs: PackSet | None = None,
    as_of: dt.date | None = None,
    regimes: Iterable[str] | None = None,
    unknown: Iterable[str] = (),
    limit: int | None = None,
) -> list[Question]:
    """The unanswered facts that settle most, first; facts in ``unknown`` ("I don't know") are never asked."""
    return _next_questions(
        facts, packs or default_packs(), as_of or dt.date.today(), regimes, limit, frozenset(unknown)
    )


def explain(
    card: SystemCard, regime: str, *, packs: PackSet | None = None, as_of: dt.date | None = None
) -> Explanation:
    """Why ``regime`` gives the card its tier, and the smallest changes of answers that would change it."""
    packs = packs or default_packs()
    if regime not in packs.packs:
        from fenji.errors import RulePackError, did_you_mean

        raise RulePackError(
            f"no such regime {regime!r}",
            [Issue("unknown regime", hint=did_you_mean(regime, packs.packs) or f"regimes: {', '.join(packs.packs)}")],
        )
    return _explain(card.facts, packs, as_of or dt.date.today(), regime)


# --- plan, timeline, law-change impact, catalogue (issue 5) ---------------------------------------


def control_catalogue(packs: PackSet | None = None) -> CatalogueView:
    """The common control catalogue with each control's sources (for OSCAL and docs)."""
    return crosswalk_for(packs or default_packs()).view


def timeline(
    card: SystemCard,
    *,
    packs: PackSet | None = None,
    as_of: dt.date | None = None,
    facts: Mapping[str, FactValue | None] | None = None,
) -> Timeline:
    """Every dated obligation of the card per regime, past / current / upcoming as of a date."""
    card = apply_facts(card, facts or {})
    return build_timeline(
        packs or default_packs(),
        card.facts,
        as_of or dt.date.today(),
        card.waivers,
        system_id=card.id,
        system_name=card.name,
    )


def diff(
    cards: Sequence[SystemCard],
    *,
    old_packs: PackSet,
    new_packs: PackSet,
    old_as_of: dt.date,
    new_as_of: dt.date,
    labels: tuple[str, str] = ("before", "after"),
) -> DiffReport:
    """Per card, tier changes and obligations gained, lost or moved between two pack sets or dates."""
    old, new = Side(old_packs, old_as_of), Side(new_packs, new_as_of)
    return DiffReport(
        old_label=labels[0],
        new_label=labels[1],
        cards=[
            diff_card(card.facts, old, new, card.waivers, system_id=card.id, system_name=card.name) for card in cards
        ],
    )


# --- reports and filing packs (issue 8) ------------------------------------------------------------


def report_kinds() -> list[str]:
    """``assessment`` and every filing or documentation pack ``render_report`` can produce."""
    return reporting.report_kinds()


def render_report(
    card: SystemCard,
    kind: str = "assessment",
    fmt: str = "md",
    lang: str = "en",
    *,
    packs: PackSet | None = None,
    as_of: dt.date | None = None,
    facts: Mapping[str, FactValue | None] | None = None,
    evidence: str | Path | None = None,
) -> bytes:
    """The assessment report or a pre-filled filing pack as md | html | docx | pdf | json (bytes).

    ``evidence``: the figures file of ``fenji cn check-evidence`` (cn-genai-self-assessment) or the candidate CSV of
    ``fenji us nyc-bias-audit`` (us-nyc-bias-summary).
    """
    packs = packs or default_packs()
    card = apply_facts(card, facts or {})
    result = assess(card, packs=packs, as_of=as_of)
    return reporting.render_report(card, result, packs, kind, fmt, lang, evidence)


def render_portfolio(
    folder: str | Path,
    fmt: str = "md",
    lang: str = "en",
    *,
    packs: PackSet | None = None,
    as_of: dt.date | None = None,
) -> bytes:
    """The portfolio report over every card in ``folder`` as md | html | pdf | xlsx | json; unreadable cards are
    listed in the report, not fatal."""
    packs = packs or default_packs()
    when = as_of or dt.date.today()
    items, skipped = [], []
    for path in reporting.card_files(folder):
        try:
            card = load_card(path)
        except CardError as exc:
            skipped.append((str(path), exc.message))
            continue
        items.append((card, assess(card, packs=packs, as_of=when)))
    return reporting.render_portfolio(items, packs, when, fmt, lang, skipped)


# --- text assist (issue 9) ------------------------------------------------------------------------------------------

LLM_URL_ENV = "FENJI_LLM_URL"


def _known(given: Mapping[str, FactValue | None] | None) -> dict[str, FactValue]:
    return {k: v for k, v in (given or {}).items() if v is not None}


def _ask_llm(text: str, url: str) -> list[ProposedFact]:
    try:
        answer = assist_llm.ask(
            text,
            url,
            vocabulary(),
            model=os.environ.get("FENJI_LLM_MODEL", "default"),
            api_key=os.environ.get("FENJI_LLM_API_KEY"),
        )
    except assist_llm.LlmError as exc:
        hint = f"unset {LLM_URL_ENV} to use the offline assist"
        raise FenjiError("the LLM endpoint failed", [Issue(str(exc), field=LLM_URL_ENV, hint=hint)]) from None
    return answer.accepted


def propose_facts(
    text: str,
    *,
    given: Mapping[str, FactValue | None] | None = None,
    llm_url: str | None = None,
    presumptions: bool = True,
) -> list[ProposedFact]:
    """Facts proposed for a plain description (English or Chinese), each with its evidence span and confidence.

    Offline by default; when ``llm_url`` or the environment variable ``FENJI_LLM_URL`` names an OpenAI-compatible
    endpoint, its facts that pass the acceptance filter fill facts the offline path left open. Facts in ``given``
    (e.g. ``--fact`` overrides) are never proposed; facts the text does not settle stay unknown. With
    ``presumptions`` (the default) the legal defaults for facts the text is silent on are proposed at a confidence
    of at most 0.5 (e.g. an Annex III use is presumed to pose a significant risk unless Art. 6(3) is documented).
    """
    known = _known(given)
    proposals = assist.propose(text, given=known, presumptions=presumptions)
    url = llm_url if llm_url is not None else os.environ.get(LLM_URL_ENV)
    if url:
        proposals = assist_llm.merge_llm(proposals, _ask_llm(text, url), skip=given or {})
    return proposals


def _drop_contradictions(facts: dict[str, FactValue], proposed: set[str]) -> dict[str, FactValue]:
    """Leave out proposed facts named in a contradiction (the user's own answers are kept and reported)."""
    for issue in find_contradictions(facts, vocabulary()):
        named = [f.removeprefix("facts.") for f in (issue.field or "").split(", ")]
        for fact_id in named:
            if fact_id in proposed:
                facts.pop(fact_id, None)
    return facts


def card_from_description(
    text: str,
    *,
    item_id: str = "text",
    given: Mapping[str, FactValue | None] | None = None,
    llm_url: str | None = None,
    presumptions: bool = True,
) -> tuple[SystemCard, list[ProposedFact]]:
    """A card built from the facts proposed for ``text`` (``given`` facts win), and the proposals themselves."""
    if not text.strip():
        raise CardValidationError("empty description", [Issue("the text is empty", hint="describe the system")])
    proposals = propose_facts(text, given=given, llm_url=llm_url, presumptions=presumptions)
    facts = _drop_contradictions(assist.merge(proposals), {p.fact for p in proposals})
    name = text.strip().splitlines()[0][:80]
    card = SystemCard(id=item_id, name=name, facts=facts, description=text)
    kept = [p for p in proposals if p.fact in facts]
    return apply_facts(card, given or {}), kept


def assess_text(
    text: str,
    *,
    packs: PackSet | None = None,
    as_of: dt.date | None = None,
    facts: Mapping[str, FactValue | None] | None = None,
    item_id: str = "text",
    presumptions: bool = True,
) -> tuple[SystemCard, Assessment]:
    """Assess a plain description: the proposed facts plus ``facts`` (which win); ``facts.proposed`` is filled."""
    card, proposals = card_from_description(text, item_id=item_id, given=facts, presumptions=presumptions)
    result = assess(card, packs=packs, as_of=as_of)
    result.proposed = proposals
    return card, result
