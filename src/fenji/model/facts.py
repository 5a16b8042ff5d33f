"""The fact vocabulary: one registry of typed facts shared by every rule pack.

The registry and the use-case catalogue are data (``facts.yaml``, ``use_cases.yaml``
beside this file). This module gives them types and validates answers against them.
A fact that is absent from a card is *unknown*; unknown is a value, never a default.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Literal

import yaml

from fenji.errors import Issue, did_you_mean

FactType = Literal["bool", "enum", "multi", "number", "date"]
FACT_TYPES: tuple[str, ...] = ("bool", "enum", "multi", "number", "date")
FACT_ID_RE = re.compile(r"^[a-z]+\.[a-z0-9_]+$")
UNKNOWN_WORDS = frozenset({"unknown", "不知道", "未知", "?"})

# A fact value after validation: bool, str (enum), frozenset[str] (multi), float (number), date.
FactValue = bool | str | frozenset[str] | float | dt.date


@dataclass(frozen=True)
class Text:
    """A bilingual text; English is the fallback."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" and self.zh else self.en

    @classmethod
    def from_data(cls, data: Any) -> Text:
        if isinstance(data, Mapping):
            return cls(en=str(data.get("en", "")), zh=str(data.get("zh", "")))
        return cls(en=str(data or ""), zh="")

    def as_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh": self.zh}


@dataclass(frozen=True)
class Choice:
    id: str
    label: Text


@dataclass(frozen=True)
class Fact:
    id: str
    type: FactType
    question: Text
    help: Text
    values: tuple[Choice, ...] = ()
    unit: str | None = None
    judgement: bool = False
    ask_when: Any = None  # raw condition data; parsed by model.conditions
    cites: tuple[str, ...] = ()
    hints: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    deprecated: bool = False
    replaced_by: tuple[str, ...] = ()

    @property
    def section(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def value_ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.values)

    def label_of(self, value_id: str, lang: str) -> str:
        for choice in self.values:
            if choice.id == value_id:
                return choice.label.get(lang)
        return value_id


@dataclass(frozen=True)
class UseCase:
    id: str
    title: Text
    covers: Text
    columns: Mapping[str, Any]  # eu, eu_cond, co, nyc, omb, kr, cn, pipl, ccpa, effect_domains ...
    note: Text | None = None

    @property
    def domain(self) -> str:
        return self.id.split(".", 1)[0]


@dataclass(frozen=True)
class Section:
    id: str
    title: Text


@dataclass(frozen=True)
class GroupItem:
    """One checklist line. A yes/no fact is simply ticked or not. Any other fact is a gate: not
    ticked gives its ``none`` value (e.g. ``none`` or an empty set), ticked asks the fact itself next."""

    fact: str
    label: Text  # short checklist wording of the fact's question
    none: Any = None  # for a non-bool fact: its value when not ticked

    @property
    def gated(self) -> bool:
        return self.none is not None


@dataclass(frozen=True)
class QuestionGroup:
    """Facts asked together as one checklist ("tick every one that applies").

    A questionnaire shows the group's open members on one screen: ticked means yes, not
    ticked means no, and each item can be answered "I don't know". A ticked gate item
    (a non-bool fact) is followed by the fact's own question."""

    id: str
    question: Text
    help: Text
    items: tuple[GroupItem, ...]

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(item.fact for item in self.items)

    def item(self, fact_id: str) -> GroupItem:
        return next(item for item in self.items if item.fact == fact_id)


class Vocabulary:
    """Facts, sections and the use-case catalogue, with lookup helpers."""

    def __init__(
        self,
        facts: list[Fact],
        sections: list[Section],
        use_cases: list[UseCase],
        domains: list[Section],
        groups: list[QuestionGroup] | None = None,
    ) -> None:
        self.facts: dict[str, Fact] = {f.id: f for f in facts}
        self.groups: dict[str, QuestionGroup] = {g.id: g for g in groups or []}
        self._group_of = {fid: g for g in self.groups.values() for fid in g.facts}
        self.sections = sections
        self.use_cases: dict[str, UseCase] = {u.id: u for u in use_cases}
        self.domains = domains
        use_cases_fact = self.facts.get("use.cases")
        if use_cases_fact is not None and not use_cases_fact.values:
            # use.cases takes its values from the catalogue
            choices = tuple(Choice(u.id, u.title) for u in use_cases)
            self.facts["use.cases"] = Fact(**{**use_cases_fact.__dict__, "values": choices})

    def fact(self, fact_id: str) -> Fact:
        return self.facts[fact_id]

    def group_of(self, fact_id: str) -> QuestionGroup | None:
        """The checklist group the fact is asked in, if any."""
        return self._group_of.get(fact_id)

    def group_issues(self) -> list[Issue]:
        """Problems with the question groups: members must be known facts in one group only; a
        non-bool member needs a valid ``none`` value (the answer when not ticked)."""
        issues: list[Issue] = []
        seen: set[str] = set()
        for group in self.groups.values():
            for item in group.items:
                fid = item.fact
                place = f"groups.{group.id}.{fid}"
                fact = self.facts.get(fid)
                if fact is None:
                    issues.append(self.unknown_fact_issue(fid, file="facts.yaml", field=place))
                elif (fact.type == "bool") == item.gated or not _valid_none(fact, item.none):
                    hint = "bool facts take no 'none'; enum facts need one of their values, multi facts []"
                    message = f"{fid}: invalid 'none' for a {fact.type} fact"
                    issues.append(Issue(message, file="facts.yaml", field=place, hint=hint))
                if fid in seen:
                    issues.append(Issue(f"{fid} is in more than one group", file="facts.yaml", field=place))
                seen.add(fid)
        return issues

    def unknown_fact_issue(self, fact_id: str, **where: Any) -> Issue:
        return Issue(
            message=f"unknown fact {fact_id!r}",
            hint=did_you_mean(fact_id, self.facts) or "run `fenji facts` for the vocabulary",
            **where,
        )

    def expand_values(self, fact_id: str, values: list[Any]) -> list[str]:
        """Expand set expressions for ``use.cases``: ``domain.*`` and ``@column[=value]``."""
        out: list[str] = []
        for raw in values:
            item = str(raw)
            if fact_id == "use.cases" and item.endswith(".*"):
                prefix = item[:-1]
                out.extend(k for k in self.use_cases if k.startswith(prefix))
            elif fact_id == "use.cases" and item.startswith("@"):
                out.extend(self.catalogue_set(item))
            else:
                out.append(item)
        return list(dict.fromkeys(out))

    def catalogue_set(self, expr: str) -> list[str]:
        """``@col`` = rows with a (conditional or plain) mapping in col; ``@col=v`` = plain only."""
        body = expr[1:]
        column, _, wanted = body.partition("=")
        keys = []
        for key, case in self.use_cases.items():
            if wanted:
                plain = case.columns.get(column)
                if isinstance(plain, list) and wanted in plain:
                    keys.append(key)
            else:
                for col in (column, column + "_cond"):
                    val = case.columns.get(col)
                    if val is True or (isinstance(val, list) and val):
                        keys.append(key)
                        break
        return keys


def _load_yaml_resource(name: str) -> Any:
    text = resources.files("fenji.model").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _parse_fact(data: Mapping[str, Any]) -> Fact:
    hints = data.get("hints") or {}
    return Fact(
        id=str(data["id"]),
        type=data["type"],
        question=Text.from_data(data.get("question")),
        help=Text.from_data(data.get("help")),
        values=tuple(Choice(str(v["id"]), Text.from_data(v)) for v in data.get("values") or []),
        unit=data.get("unit"),
        judgement=bool(data.get("judgement", False)),
        ask_when=data.get("ask_when"),
        cites=tuple(data.get("cites") or ()),
        hints={lang: tuple(words) for lang, words in hints.items()},
        deprecated=bool(data.get("deprecated", False)),
        replaced_by=tuple(data.get("replaced_by") or ()),
    )


@functools.cache
def vocabulary() -> Vocabulary:
    """The vocabulary shipped with the package (loaded once)."""
    facts_doc = _load_yaml_resource("facts.yaml")
    cases_doc = _load_yaml_resource("use_cases.yaml")
    facts = [_parse_fact(f) for f in facts_doc["facts"]]
    sections = [Section(str(s["id"]), Text.from_data(s["title"])) for s in facts_doc["sections"]]
    domains = [Section(str(d["id"]), Text.from_data(d)) for d in cases_doc.get("domains", [])]
    use_cases = []
    for row in cases_doc["use_cases"]:
        columns = {k: v for k, v in row.items() if k not in ("id", "title", "covers", "note")}
        use_cases.append(
            UseCase(
                id=str(row["id"]),
                title=Text.from_data(row["title"]),
                covers=Text.from_data(row.get("covers")),
                columns=columns,
                note=Text.from_data(row["note"]) if row.get("note") else None,
            )
        )
    groups = [_parse_group(g) for g in facts_doc.get("groups") or []]
    return Vocabulary(facts, sections, use_cases, domains, groups)


def _valid_none(fact: Fact, none: Any) -> bool:
    if fact.type == "enum":
        return bool(none in fact.value_ids)
    if fact.type == "multi":
        return bool(none == frozenset())
    return none is None


def _parse_group(data: Mapping[str, Any]) -> QuestionGroup:
    def none_value(raw: Any) -> Any:
        return frozenset(raw) if isinstance(raw, list) else raw

    raw_items = data.get("items") or []
    items = tuple(GroupItem(str(i["fact"]), Text.from_data(i), none_value(i.get("none"))) for i in raw_items)
    return QuestionGroup(str(data["id"]), Text.from_data(data.get("question")), Text.from_data(data.get("help")), items)


class ValueProblem(ValueError):
    """A value that does not fit its fact; message says how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def is_unknown(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip().lower() in UNKNOWN_WORDS)


_TRUE = {"true", "yes", "y", "1", "是", "on"}
_FALSE = {"false", "no", "n", "0", "否", "off"}


def coerce_value(fact: Fact, raw: Any) -> FactValue:
    """Validate one answer for ``fact`` and return it in canonical form.

    Accepts the natural YAML/JSON forms and the strings typed on a command line
    (``--fact market.eu=yes``, ``--fact use.setting=workplace,online_service``).
    Raises ValueProblem with a fix hint otherwise.
    """
    if fact.type == "bool":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
            return raw.strip().lower() in _TRUE
        raise ValueProblem(f"expected true or false, got {raw!r}", "write true, false or unknown")
    if fact.type == "enum":
        if not isinstance(raw, str):
            raise ValueProblem(f"expected one of {', '.join(fact.value_ids)}, got {raw!r}")
        value = raw.strip()
        if value not in fact.value_ids:
            raise ValueProblem(
                f"{value!r} is not a value of this fact",
                did_you_mean(value, fact.value_ids) or f"use one of: {', '.join(fact.value_ids)}",
            )
        return value
    if fact.type == "multi":
        if isinstance(raw, str):
            items = [p.strip() for p in raw.split(",") if p.strip()]
        elif isinstance(raw, list | tuple | set | frozenset):
            items = list(raw)
        else:
            raise ValueProblem(f"expected a list, got {raw!r}", "write a YAML list, e.g. [a, b], or [] for none")
        for item in items:
            if not isinstance(item, str) or item not in fact.value_ids:
                hint = did_you_mean(str(item), fact.value_ids)
                raise ValueProblem(
                    f"{item!r} is not a value of this fact",
                    hint or f"run `fenji facts {fact.id}` to list the values",
                )
        return frozenset(items)
    if fact.type == "number":
        if isinstance(raw, bool):
            raise ValueProblem(f"expected a number, got {raw!r}")
        if isinstance(raw, int | float):
            return float(raw)
        if isinstance(raw, str):
            try:
                return float(raw.strip().replace("_", ""))
            except ValueError:
                pass
        raise ValueProblem(f"expected a number, got {raw!r}", "write e.g. 3.0e+25 (with a sign in the exponent)")
    if fact.type == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, str):
            try:
                return dt.date.fromisoformat(raw.strip())
            except ValueError:
                pass
        raise ValueProblem(f"expected a date, got {raw!r}", "write YYYY-MM-DD")
    raise ValueProblem(f"fact type {fact.type!r} is not supported")  # pragma: no cover


def value_to_json(value: FactValue) -> Any:
    """The JSON form of a canonical fact value."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value
