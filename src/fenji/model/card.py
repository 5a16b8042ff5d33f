"""The system card: one description of one AI system (or model) seen from one organisation.

::

    fenji_card: 1
    id: talentrank-cv
    name: TalentRank CV screening
    facts:                     # nested by section, so the dotted ID is the path
      market: {eu: true}
      use: {cases: [employment.recruitment_screening]}
    evidence: []               # proof for controls (never changes a tier)
    waivers: []                # {rule, reason, approved_by, expires}

A fact that is absent, ``null`` or ``unknown`` is unknown. ``[]`` for a multi fact means
"none of these", a known answer. Every problem is reported with file, line and field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from fenji.errors import CardParseError, CardValidationError, Issue, did_you_mean
from fenji.model.facts import (
    FactValue,
    ValueProblem,
    Vocabulary,
    coerce_value,
    is_unknown,
    value_to_json,
)

CARD_KEYS = (
    "fenji_card",
    "id",
    "name",
    "description",
    "owner",
    "version",
    "facts",
    "evidence",
    "waivers",
    "notes",
)
EVIDENCE_KEYS = ("control", "ref", "date", "owner", "status", "note")
EVIDENCE_STATUSES = ("planned", "in_progress", "done", "expired")
WAIVER_KEYS = ("rule", "reason", "approved_by", "expires")


@dataclass(frozen=True)
class Evidence:
    control: str
    ref: str
    date: dt.date | None = None
    owner: str | None = None
    status: str = "done"
    note: str | None = None


@dataclass(frozen=True)
class Waiver:
    rule: str
    reason: str
    approved_by: str
    expires: dt.date


@dataclass
class SystemCard:
    id: str
    name: str
    facts: dict[str, FactValue]
    source: str | None = None
    lines: dict[str, int] = field(default_factory=dict)
    description: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    waivers: list[Waiver] = field(default_factory=list)

    def with_facts(self, overrides: Mapping[str, FactValue | None]) -> SystemCard:
        """A copy with facts set (a None value makes the fact unknown)."""
        facts = dict(self.facts)
        for key, value in overrides.items():
            if value is None:
                facts.pop(key, None)
            else:
                facts[key] = value
        return SystemCard(
            id=self.id,
            name=self.name,
            facts=facts,
            source=self.source,
            lines=self.lines,
            description=self.description,
            evidence=self.evidence,
            waivers=self.waivers,
        )

    def facts_json(self) -> dict[str, Any]:
        return {k: value_to_json(v) for k, v in sorted(self.facts.items())}

    def to_data(self) -> dict[str, Any]:
        """The card as a plain mapping, facts nested by section (the YAML shape)."""
        nested: dict[str, dict[str, Any]] = {}
        for key, value in sorted(self.facts.items()):
            section, name = key.split(".", 1)
            nested.setdefault(section, {})[name] = value_to_json(value)
        data: dict[str, Any] = {"fenji_card": 1, "id": self.id, "name": self.name}
        if self.description:
            data["description"] = self.description
        data["facts"] = nested
        if self.evidence:
            data["evidence"] = [
                {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in e.__dict__.items() if v is not None}
                for e in self.evidence
            ]
        if self.waivers:
            data["waivers"] = [{**w.__dict__, "expires": w.expires.isoformat()} for w in self.waivers]
        return data

    def digest(self, facts_json: dict[str, Any] | None = None) -> str:
        """sha256 of the facts (pass facts_json() when it is at hand, to compute it once)."""
        blob = json.dumps(
            facts_json if facts_json is not None else self.facts_json(), sort_keys=True, ensure_ascii=False
        )
        return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


# --- YAML with line numbers -------------------------------------------------------------

# libyaml's loader when PyYAML was built with it (several times faster for the rule packs); same marks.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line_map(node: yaml.Node, path: tuple[str, ...], out: dict[tuple[str, ...], int]) -> None:
    out.setdefault(path, node.start_mark.line + 1)  # a key's own line wins over its value's
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            out[path + (key,)] = key_node.start_mark.line + 1
            _line_map(value_node, path + (key,), out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, path + (str(i),), out)


def parse_yaml(text: str, source: str) -> tuple[Any, dict[tuple[str, ...], int]]:
    """Parse YAML (or JSON) text; returns the data and a path -> line map."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
        if node is None:
            return None, {}
        loader = _LOADER(text)
        try:
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = mark.column + 1 if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        raise CardParseError(
            f"{source}: cannot parse the card",
            [
                Issue(
                    message=f"{problem} (column {column})" if column else problem,
                    file=source,
                    line=line,
                    hint="check indentation, colons and quotes around this line",
                )
            ],
        ) from None
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked YAML errors are rare
        raise CardParseError(f"{source}: cannot parse the card", [Issue(str(exc), source)]) from None
    lines: dict[tuple[str, ...], int] = {}
    _line_map(node, (), lines)
    return data, lines


def load_card_text(text: str, source: str, vocab: Vocabulary) -> SystemCard:
    data, lines = parse_yaml(text, source)
    return card_from_data(data, vocab, source=source, lines=lines)


def _flatten_facts(
    facts: Any,
    vocab: Vocabulary,
    source: str | None,
    lines: dict[tuple[str, ...], int],
    issues: list[Issue],
) -> dict[str, tuple[Any, int | None]]:
    """facts mapping (nested or dotted) -> {fact_id: (raw value, line)}."""
    out: dict[str, tuple[Any, int | None]] = {}
    if facts is None:
        return out
    if not isinstance(facts, Mapping):
        issues.append(Issue("'facts' must be a mapping of sections", source, lines.get(("facts",)), "facts"))
        return out
    for key, value in facts.items():
        key = str(key)
        if "." in key:
            out[key] = (value, lines.get(("facts", key)))
            continue
        if isinstance(value, Mapping):
            for name, inner in value.items():
                fact_id = f"{key}.{name}"
                out[fact_id] = (inner, lines.get(("facts", key, str(name))))
        else:
            hint = "facts are nested by section, e.g. facts: {market: {eu: true}}"
            if key not in {s.id for s in vocab.sections}:
                guess = did_you_mean(key, [s.id for s in vocab.sections])
                hint = guess or hint
            issues.append(
                Issue(
                    f"{key!r} is not a fact section with a mapping of answers",
                    source,
                    lines.get(("facts", key)),
                    f"facts.{key}",
                    hint,
                )
            )
    return out


def _parse_date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            return None
    return None


def card_from_data(
    data: Any,
    vocab: Vocabulary,
    *,
    source: str | None = None,
    lines: dict[tuple[str, ...], int] | None = None,
) -> SystemCard:
    """Validate a card mapping. Raises CardValidationError listing every problem."""
    lines = lines or {}
    src = source or "<card>"
    issues: list[Issue] = []
    if not isinstance(data, Mapping):
        raise CardValidationError(
            f"{src}: a card must be a mapping",
            [Issue("expected keys like id, name, facts", source, 1, hint="see examples/cards/")],
        )
    for key in data:
        if str(key) not in CARD_KEYS:
            issues.append(
                Issue(
                    f"unknown key {key!r}",
                    source,
                    lines.get((str(key),)),
                    str(key),
                    did_you_mean(str(key), CARD_KEYS)
                    or f"allowed keys: {', '.join(CARD_KEYS)}; facts go under 'facts:'",
                )
            )
    version = data.get("fenji_card", 1)
    if version != 1:
        issues.append(
            Issue(
                f"unsupported card version {version!r}",
                source,
                lines.get(("fenji_card",)),
                "fenji_card",
                "this fenji reads fenji_card: 1",
            )
        )
    card_id = data.get("id")
    name = data.get("name")
    facts: dict[str, FactValue] = {}
    fact_lines: dict[str, int] = {}
    for fact_id, (raw, line) in _flatten_facts(data.get("facts"), vocab, source, lines, issues).items():
        field_name = f"facts.{fact_id}"
        fact = vocab.facts.get(fact_id)
        if fact is None:
            issues.append(vocab.unknown_fact_issue(fact_id, file=source, line=line, field=field_name))
            continue
        if line:
            fact_lines[fact_id] = line
        if is_unknown(raw):
            continue
        try:
            facts[fact_id] = coerce_value(fact, raw)
        except ValueProblem as exc:
            issues.append(Issue(str(exc), source, line, field_name, exc.hint))
    evidence = _evidence(data.get("evidence"), source, lines, issues)
    waivers = _waivers(data.get("waivers"), source, lines, issues)
    if issues:
        raise CardValidationError(f"{src}: the card has {len(issues)} problem(s)", issues)
    return SystemCard(
        id=str(card_id) if card_id is not None else _default_id(source),
        name=str(name) if name is not None else str(card_id or _default_id(source)),
        facts=facts,
        source=source,
        lines=fact_lines,
        description=str(data["description"]) if data.get("description") else None,
        evidence=evidence,
        waivers=waivers,
    )


def _default_id(source: str | None) -> str:
    if not source:
        return "card"
    stem = source.replace("\\", "/").rsplit("/", 1)[-1]
    return stem.rsplit(".", 1)[0] or "card"


def _evidence(raw: Any, source: str | None, lines: dict[tuple[str, ...], int], issues: list[Issue]) -> list[Evidence]:
    out: list[Evidence] = []
    if raw is None:
        return out
    if not isinstance(raw, list):
        issues.append(Issue("'evidence' must be a list", source, lines.get(("evidence",)), "evidence"))
        return out
    for i, item in enumerate(raw):
        where = f"evidence[{i}]"
        line = lines.get(("evidence", str(i)))
        if not isinstance(item, Mapping) or "control" not in item or "ref" not in item:
            issues.append(
                Issue(
                    "each evidence item needs 'control' and 'ref'",
                    source,
                    line,
                    where,
                    "e.g. {control: risk_management, ref: docs/rms.pdf, status: done}",
                )
            )
            continue
        extra = [k for k in item if k not in EVIDENCE_KEYS]
        if extra:
            issues.append(
                Issue(f"unknown evidence keys {extra}", source, line, where, f"allowed: {', '.join(EVIDENCE_KEYS)}")
            )
            continue
        status = str(item.get("status", "done"))
        if status not in EVIDENCE_STATUSES:
            issues.append(
                Issue(
                    f"unknown evidence status {status!r}",
                    source,
                    line,
                    where,
                    f"use one of {', '.join(EVIDENCE_STATUSES)}",
                )
            )
            continue
        out.append(
            Evidence(
                control=str(item["control"]),
                ref=str(item["ref"]),
                date=_parse_date(item.get("date")),
                owner=str(item["owner"]) if item.get("owner") else None,
                status=status,
                note=item.get("note"),
            )
        )
    return out


def _waivers(raw: Any, source: str | None, lines: dict[tuple[str, ...], int], issues: list[Issue]) -> list[Waiver]:
    out: list[Waiver] = []
    if raw is None:
        return out
    if not isinstance(raw, list):
        issues.append(Issue("'waivers' must be a list", source, lines.get(("waivers",)), "waivers"))
        return out
    for i, item in enumerate(raw):
        where = f"waivers[{i}]"
        line = lines.get(("waivers", str(i)))
        missing = [k for k in WAIVER_KEYS if not isinstance(item, Mapping) or not item.get(k)]
        if missing:
            issues.append(
                Issue(
                    f"waiver is missing {', '.join(missing)}",
                    source,
                    line,
                    where,
                    "a waiver needs rule, reason, approved_by and expires (YYYY-MM-DD)",
                )
            )
            continue
        expires = _parse_date(item["expires"])
        if expires is None:
            issues.append(
                Issue(f"bad expiry date {item['expires']!r}", source, line, f"{where}.expires", "write YYYY-MM-DD")
            )
            continue
        out.append(
            Waiver(
                rule=str(item["rule"]),
                reason=str(item["reason"]),
                approved_by=str(item["approved_by"]),
                expires=expires,
            )
        )
    return out
