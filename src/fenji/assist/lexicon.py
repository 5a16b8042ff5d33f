"""The assist's lexicon: cues (patterns that propose facts), negation words and derivations.

All of it is data in YAML beside this module (``cues/*.yaml``, ``negation.yaml``, ``derivations.yaml``); this module
loads it, compiles the patterns and checks every fact and value against the vocabulary.

Pattern conventions (English): a space matches any run of spaces or hyphens, ``~`` an optional space or hyphen,
`` … `` (an ellipsis between spaces) up to five other words, and every pattern is matched as whole words,
case-insensitively. Chinese patterns are regular expressions in which ``…`` stands for up to twelve characters of
the same clause.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from fenji.model.facts import Fact, FactValue, ValueProblem, Vocabulary, coerce_value

LANGS = ("en", "zh")
SEPARATOR = r"[\s\-\u2010\u2011\u2012\u2013/]"
GAP_EN = r"(?:[\w'\u2019\u2010\u2011&]+" + SEPARATOR + "+){0,5}"
GAP_ZH = r"[^，。；;,.！？（）()\n]{0,12}?"
CUE_DIR = "cues"


class LexiconError(ValueError):
    """The lexicon data is invalid (names the cue and the problem)."""


@dataclass(frozen=True)
class Setting:
    """One fact value a cue or derivation proposes. For multi facts ``value`` is one item (or None for "none")."""

    fact: str
    value: FactValue | None
    confidence: float
    when_negated: FactValue | None = None


@dataclass(frozen=True)
class Test:
    """A condition on the facts proposed so far: ``op`` is any_in, is, known or unknown."""

    fact: str
    op: str
    values: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Cue:
    id: str
    settings: tuple[Setting, ...]
    patterns: Mapping[str, re.Pattern[str]]
    group: str | None = None
    requires: tuple[Test, ...] = ()  # the cue counts only when these tests pass on the other proposals


@dataclass(frozen=True)
class Derivation:
    id: str
    tests: tuple[Test, ...]
    then: Setting
    presumption: bool
    note: str


@dataclass(frozen=True)
class Negation:
    before: Mapping[str, re.Pattern[str]]
    after: Mapping[str, re.Pattern[str]]
    breakers: Mapping[str, re.Pattern[str]]
    boundary: re.Pattern[str]
    window: Mapping[str, int]


@dataclass(frozen=True)
class Lexicon:
    cues: tuple[Cue, ...]
    derivations: tuple[Derivation, ...]
    negation: Negation
    group_margin: float


def _read(name: str) -> Any:
    return yaml.safe_load(resources.files("fenji.assist").joinpath(name).read_text(encoding="utf-8"))


def _cue_files() -> list[tuple[str, Any]]:
    """(name, parsed YAML) of every ``cues/*.yaml`` file, in name order."""
    folder = resources.files("fenji.assist").joinpath(CUE_DIR)
    names = sorted(f.name for f in folder.iterdir() if f.name.endswith(".yaml"))
    return [(n, yaml.safe_load(folder.joinpath(n).read_text(encoding="utf-8"))) for n in names]


def _english_part(pattern: str) -> str:
    gap = "\0"  # placeholder so the gap's own separators are not rewritten
    body = pattern.replace(" … ", gap).replace(" ", SEPARATOR + "+").replace("~", SEPARATOR + "?")
    return body.replace(gap, SEPARATOR + "+" + GAP_EN)


def compile_english(patterns: list[str]) -> re.Pattern[str]:
    parts = [_english_part(p) for p in patterns]
    body = "|".join(f"(?:{p})" for p in parts)
    return re.compile(rf"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])", re.IGNORECASE)


LATIN_EDGE = "(?:(?<![A-Za-z])|(?![A-Za-z]))"  # a Latin word inside a Chinese pattern is matched whole ("APP")


def compile_chinese(patterns: list[str]) -> re.Pattern[str]:
    body = "|".join(f"(?:{p.replace('…', GAP_ZH)})" for p in patterns)
    return re.compile(f"{LATIN_EDGE}(?:{body}){LATIN_EDGE}", re.IGNORECASE)


def _compile(lang: str, patterns: list[str]) -> re.Pattern[str]:
    return compile_english(patterns) if lang == "en" else compile_chinese(patterns)


def _value(fact: Fact, raw: Any, where: str) -> FactValue | None:
    """Canonical value of one setting; multi facts keep a single item (None = the empty list)."""
    try:
        if fact.type == "multi":
            if raw == []:
                return None
            coerce_value(fact, [raw])
            return str(raw)
        return coerce_value(fact, raw)
    except ValueProblem as exc:
        raise LexiconError(f"{where}: {fact.id}: {exc}") from None


def _setting(data: Mapping[str, Any], vocab: Vocabulary, default_conf: float, where: str) -> Setting:
    fact_id = str(data["fact"])
    fact = vocab.facts.get(fact_id)
    if fact is None:
        raise LexiconError(f"{where}: unknown fact {fact_id!r}")
    negated = data.get("when_negated")
    if "when_negated" not in data and fact.type == "bool":
        negated = not data.get("value", True)  # a negated yes/no cue proposes the opposite
    return Setting(
        fact=fact_id,
        value=_value(fact, data.get("value", True), where),
        confidence=float(data.get("confidence", default_conf)),
        when_negated=None if negated is None else _value(fact, negated, where),
    )


def _cue(data: Mapping[str, Any], vocab: Vocabulary) -> Cue:
    cue_id = str(data["id"])
    conf = float(data.get("confidence", 0.8))
    settings = tuple(_setting(s, vocab, conf, f"cue {cue_id}") for s in data["sets"])
    patterns = {lang: _compile(lang, list(data[lang])) for lang in LANGS if data.get(lang)}
    if not patterns:
        raise LexiconError(f"cue {cue_id}: no patterns")
    requires = tuple(_test(t, vocab, f"cue {cue_id}") for t in data.get("requires") or [])
    return Cue(cue_id, settings, patterns, data.get("group"), requires)


def _hint_cues(spec: Mapping[str, Any], vocab: Vocabulary) -> list[Cue]:
    """Cues built from the vocabulary's own ``hints`` keywords for the listed yes/no facts."""
    out = []
    for fact_id in spec.get("facts", []):
        fact = vocab.facts[fact_id]
        if fact.type != "bool" or not fact.hints:
            raise LexiconError(f"hints: {fact_id} is not a yes/no fact with hints")
        setting = Setting(fact_id, True, float(spec.get("confidence", 0.55)), False)
        patterns = {
            lang: _compile(lang, [re.escape(w).replace(r"\ ", " ") for w in words])
            for lang, words in fact.hints.items()
            if lang in LANGS and words
        }
        out.append(Cue(f"hint.{fact_id}", (setting,), patterns))
    return out


def _expand(vocab: Vocabulary, fact_id: str, values: list[Any]) -> tuple[Any, ...]:
    return tuple(vocab.expand_values(fact_id, values)) if fact_id == "use.cases" else tuple(values)


def _test(data: Mapping[str, Any], vocab: Vocabulary, where: str) -> Test:
    fact_id = str(data["fact"])
    if fact_id not in vocab.facts:
        raise LexiconError(f"{where}: unknown fact {fact_id!r}")
    for op in ("any_in", "is", "known", "unknown"):
        if op in data:
            raw = data[op]
            values = _expand(vocab, fact_id, list(raw)) if op == "any_in" else (raw,)
            return Test(fact_id, op, values)
    raise LexiconError(f"{where}: a test needs any_in, is, known or unknown")


def _derivation(data: Mapping[str, Any], vocab: Vocabulary) -> Derivation:
    did = str(data["id"])
    where = f"derivation {did}"
    presumption = bool(data.get("presumption", False))
    default_conf = 0.45 if presumption else 0.7
    return Derivation(
        id=did,
        tests=tuple(_test(t, vocab, where) for t in data["if"]),
        then=_setting(data["then"], vocab, float(data.get("confidence", default_conf)), where),
        presumption=presumption,
        note=str(data.get("note", "")),
    )


def _catalogue_derivations(specs: list[Mapping[str, Any]], vocab: Vocabulary) -> list[Derivation]:
    """One derivation per use case and item of a catalogue column (e.g. effect_domains)."""
    out = []
    for spec in specs:
        column, fact_id = str(spec["column"]), str(spec["fact"])
        for case in vocab.use_cases.values():
            for item in case.columns.get(column) or []:
                out.append(
                    Derivation(
                        id=f"catalogue.{column}.{case.id}.{item}",
                        tests=(Test("use.cases", "any_in", (case.id,)),),
                        then=_setting({"fact": fact_id, "value": item}, vocab, float(spec["confidence"]), column),
                        presumption=False,
                        note=f"use_cases.yaml column {column}",
                    )
                )
    return out


def _negation(data: Mapping[str, Any]) -> Negation:
    return Negation(
        before={lang: _compile(lang, data["before"][lang]) for lang in LANGS},
        after={lang: _compile(lang, data["after"][lang]) for lang in LANGS},
        breakers={lang: _compile(lang, data["breakers"][lang]) for lang in LANGS},
        boundary=re.compile(data["boundary"]),
        window={lang: int(data["window"][lang]) for lang in LANGS},
    )


def _all_cues(vocab: Vocabulary) -> list[Cue]:
    cues: list[Cue] = []
    for name, doc in _cue_files():
        try:
            cues.extend(_cue(c, vocab) for c in doc.get("cues") or [])
            if doc.get("hints"):
                cues.extend(_hint_cues(doc["hints"], vocab))
        except (KeyError, TypeError, re.error) as exc:
            raise LexiconError(f"{CUE_DIR}/{name}: {exc}") from None
    seen: set[str] = set()
    for cue in cues:
        if cue.id in seen:
            raise LexiconError(f"cue {cue.id}: duplicate id")
        seen.add(cue.id)
    return cues


@functools.cache
def load_lexicon(vocab: Vocabulary) -> Lexicon:
    """The lexicon shipped with the package, validated against ``vocab`` (loaded once)."""
    deriv_doc = _read("derivations.yaml")
    derivations = [_derivation(d, vocab) for d in deriv_doc["derivations"]]
    derivations.extend(_catalogue_derivations(deriv_doc.get("from_catalogue", []), vocab))
    return Lexicon(
        cues=tuple(_all_cues(vocab)),
        derivations=tuple(derivations),
        negation=_negation(_read("negation.yaml")),
        group_margin=float(deriv_doc.get("group_margin", 0.1)),
    )
