"""China: evidence checks for the generative-AI security self-assessment, and the algorithm filing form.

Pure functions over data (this module imports only ``fenji.model`` and the standard library):

- :func:`load_thresholds` reads ``src/fenji/rules/cn/thresholds.yaml``: the TC260-003 / GB/T 45654-2025 figures
  (soft law; carry-over into GB/T 45654 unconfirmed) and the 31-risk taxonomy. No threshold lives in Python.
- :func:`parse_evidence` reads the figures a filing team has (YAML or CSV, format in ``docs/cn-evidence.md``) and
  raises :class:`EvidenceInputError` with file, line and field for anything it cannot use.
- :func:`check_evidence` compares them with the thresholds: one :class:`ItemResult` per requirement, with the
  threshold, the actual figure and the citation.
- :func:`filing_form` lists the fields of the Internet Information Service Algorithm Filing System
  (《算法推荐管理规定》第二十四条) filled from a card and its ``cn`` result, ``TODO`` where the facts do not say.

::

    >>> from fenji.checks import cn_security as cs
    >>> report = cs.check_evidence(cs.parse_evidence(text, "figures.yaml"), cs.load_thresholds())
    >>> report.passed
    False
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from fenji.model.card import SystemCard, parse_yaml
from fenji.model.facts import Text, Vocabulary
from fenji.model.result import RegimeResult, Status

THRESHOLDS_FILE = Path(__file__).resolve().parent.parent / "rules" / "cn" / "thresholds.yaml"
META_KEYS = ("fenji_evidence", "version", "system", "date", "notes")
ItemStatus = Literal["pass", "fail", "missing", "skipped"]
Path_ = tuple[str, ...]


# --------------------------------------------------------------------------------------------- errors


class EvidenceInputError(ValueError):
    """Input that cannot be checked; says where (file, line, field) and how to fix it."""

    def __init__(
        self, message: str, file: str, line: int | None = None, field: str | None = None, hint: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        self.hint = hint

    def render(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        head = f"{where} {self.field}" if self.field else where
        text = f"{head}: {self.message}"
        return text + (f" — {self.hint}" if self.hint else "")

    def __str__(self) -> str:
        return self.render()


# --------------------------------------------------------------------------------------------- thresholds


@dataclass(frozen=True)
class Risk:
    id: str
    risk_class: str
    title: Text


@dataclass(frozen=True)
class Check:
    id: str
    kind: str
    path: Path_
    title: Text
    section: str
    required: bool = True
    basis: str = "standard"
    limit: Fraction | None = None  # min / max / percent
    keys: tuple[str, ...] = ()  # min_each: risk classes or "aspects"
    numerator: str | None = None
    denominator: str | None = None
    of: Path_ | None = None


@dataclass(frozen=True)
class Thresholds:
    checks: tuple[Check, ...]
    risks: tuple[Risk, ...]
    risk_classes: tuple[Risk, ...]
    aspects: tuple[Risk, ...]
    standard: Text
    confidence_note: Text
    soft_law: bool
    citation_prefix: str
    citation_suffix: str

    def citation(self, check: Check) -> str:
        return f"{self.citation_prefix}{check.section}{self.citation_suffix}"

    def keys_for(self, check: Check) -> tuple[str, ...]:
        if check.keys == ("aspects",):
            return tuple(a.id for a in self.aspects)
        return tuple(r.id for r in self.risks if r.risk_class in check.keys)

    def known_keys(self, check: Check) -> tuple[str, ...]:
        if check.keys == ("aspects",):
            return tuple(a.id for a in self.aspects)
        return tuple(r.id for r in self.risks)


def _text(data: Any) -> Text:
    return Text.from_data(data)


def _split(path: str) -> Path_:
    return tuple(p for p in str(path).split(".") if p)


def load_thresholds(path: str | Path | None = None) -> Thresholds:
    """The thresholds shipped with the cn pack (or another file of the same shape)."""
    file = Path(path) if path else THRESHOLDS_FILE
    data, _ = parse_yaml(file.read_text(encoding="utf-8"), str(file))
    checks = []
    for item in data["checks"]:
        limit = item.get("min", item.get("max", item.get("percent")))
        checks.append(
            Check(
                id=str(item["id"]),
                kind=str(item["kind"]),
                path=_split(item["path"]),
                title=_text(item["title"]),
                section=str(item["section"]),
                required=bool(item.get("required", True)),
                basis=str(item.get("basis", "standard")),
                limit=Fraction(str(limit)) if limit is not None else None,
                keys=tuple(str(k) for k in item.get("keys", ())),
                numerator=item.get("numerator"),
                denominator=item.get("denominator"),
                of=_split(item["of"]) if item.get("of") else None,
            )
        )
    return Thresholds(
        checks=tuple(checks),
        risks=tuple(Risk(str(r["id"]), str(r["class"]), _text(r)) for r in data["risks"]),
        risk_classes=tuple(Risk(str(r["id"]), str(r["id"]), _text(r)) for r in data["risk_classes"]),
        aspects=tuple(Risk(str(a["id"]), "aspect", _text(a)) for a in data["aspects"]),
        standard=_text(data["standard"]),
        confidence_note=_text(data["confidence_note"]),
        soft_law=bool(data.get("soft_law", True)),
        citation_prefix=str(data.get("citation_prefix", "")),
        citation_suffix=str(data.get("citation_suffix", "")),
    )


# --------------------------------------------------------------------------------------------- input

# shape of an input path, derived from the checks: number | per-key counts | rate pair | list of rate pairs
Shape = Literal["number", "counts", "pair", "pairs"]


def _shapes(th: Thresholds) -> dict[Path_, tuple[Shape, Check]]:
    out: dict[Path_, tuple[Shape, Check]] = {}
    for c in th.checks:
        if c.kind in ("min_value", "max_value", "min_share"):
            out[c.path] = ("number", c)
            if c.of:
                out[c.of] = ("number", c)
        elif c.kind == "min_each":
            out[c.path] = ("counts", c)
        elif c.kind in ("min_rate", "max_rate"):
            out[c.path] = ("pair", c)
        elif c.kind == "max_rate_each":
            out[c.path] = ("pairs", c)
    # a rate pair also declares its two numbers; a sample size check on pair.denominator is the same number
    for p, (shape, c) in list(out.items()):
        if shape == "pair":
            for leaf in (c.numerator, c.denominator):
                out.pop(p + (str(leaf),), None)
    return out


@dataclass
class Evidence:
    """Validated figures: path -> value, with the line each came from."""

    source: str
    values: dict[Path_, Any] = field(default_factory=dict)
    lines: dict[Path_, int] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    def get(self, path: Path_) -> Any:
        return self.values.get(path)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


class _Reader:
    def __init__(self, th: Thresholds, source: str, lines: Mapping[Path_, int]) -> None:
        self.th = th
        self.source = source
        self.lines = lines
        self.shapes = _shapes(th)
        self.prefixes = {p[:i] for p in self.shapes for i in range(1, len(p))}
        self.evidence = Evidence(source)

    def fail(self, path: Path_, message: str, hint: str | None = None) -> EvidenceInputError:
        line = None
        for n in range(len(path), -1, -1):
            if path[:n] in self.lines:
                line = self.lines[path[:n]]
                break
        return EvidenceInputError(message, self.source, line, ".".join(path) or None, hint)

    def unknown(self, path: Path_, choices: Iterable[str]) -> EvidenceInputError:
        close = difflib.get_close_matches(path[-1], list(choices), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "see docs/cn-evidence.md for the keys"
        return self.fail(path, f"unknown key {path[-1]!r}", hint)

    def walk(self, data: Any, path: Path_) -> None:
        if path in self.shapes:
            self.leaf(data, path)
            return
        if not isinstance(data, Mapping):
            raise self.fail(path, "expected a mapping of sections", "see docs/cn-evidence.md")
        children = {
            p[len(path)]
            for p in list(self.shapes) + list(self.prefixes)
            if p[: len(path)] == path and len(p) > len(path)
        }
        for key, value in data.items():
            key = str(key)
            if not path and key in META_KEYS:
                self.evidence.meta[key] = str(value)
                continue
            if key not in children:
                raise self.unknown(path + (key,), sorted(children) + ([] if path else list(META_KEYS)))
            if value is None:
                continue
            self.walk(value, path + (key,))

    def leaf(self, value: Any, path: Path_) -> None:
        shape, check = self.shapes[path]
        self.evidence.lines[path] = self.line_of(path)
        if shape == "number":
            days = path[-1].endswith("_days")
            if not (_is_number(value) if days else _is_count(value)):
                kind = "number" if days else "whole number"
                raise self.fail(path, f"expected a non-negative {kind}, got {value!r}")
            self.evidence.values[path] = value
        elif shape == "counts":
            if not isinstance(value, Mapping):
                raise self.fail(path, "expected a mapping of IDs to counts", "e.g. {A1-1: 250, A1-2: 240}")
            known = self.th.known_keys(check)
            counts: dict[str, int] = {}
            for key, count in value.items():
                key = str(key)
                if key not in known:
                    raise self.unknown(path + (key,), known)
                if not _is_count(count):
                    raise self.fail(path + (key,), f"expected a non-negative whole number, got {count!r}")
                counts[key] = count
            self.evidence.values[path] = counts
        elif shape == "pair":
            num, den = self.pair(value, path, check)
            self.evidence.values[path] = (num, den)
            # the sample size (and count) are also figures of their own, e.g. a minimum sample size
            self.evidence.values[path + (str(check.denominator),)] = den
            self.evidence.values[path + (str(check.numerator),)] = num
        else:
            if not isinstance(value, Sequence) or isinstance(value, str):
                raise self.fail(
                    path, "expected a list of sources", "e.g. [{name: web-crawl, sampled: 1000, harmful: 12}]"
                )
            items = []
            for i, item in enumerate(value):
                if not isinstance(item, Mapping):
                    raise self.fail(path + (str(i),), "expected {name, sampled, harmful}")
                rest = {k: v for k, v in item.items() if k != "name"}
                pair = self.pair(rest, path + (str(i),), check)
                items.append((str(item.get("name", f"#{i + 1}")), pair[0], pair[1]))
            self.evidence.values[path] = items

    def pair(self, value: Any, path: Path_, check: Check) -> tuple[int, int]:
        num, den = str(check.numerator), str(check.denominator)
        if not isinstance(value, Mapping):
            raise self.fail(path, f"expected {{{den}: N, {num}: M}}")
        for key in value:
            if str(key) not in (num, den):
                raise self.unknown(path + (str(key),), [num, den])
        for key in (num, den):
            if key not in value:
                raise self.fail(path + (key,), f"missing {key!r}", f"give both {den} and {num}")
            if not _is_count(value[key]):
                raise self.fail(path + (key,), f"expected a non-negative whole number, got {value[key]!r}")
        if value[num] > value[den]:
            raise self.fail(path + (num,), f"{num} ({value[num]}) is larger than {den} ({value[den]})")
        return int(value[num]), int(value[den])

    def line_of(self, path: Path_) -> int:
        return self.lines.get(path, 0)


def parse_evidence(text: str, source: str, thresholds: Thresholds | None = None) -> Evidence:
    """Read figures from YAML, or from CSV (``key,value`` rows; chosen by a ``.csv`` name or a ``key,value`` header)."""
    th = thresholds or load_thresholds()
    first = text.lstrip("\ufeff").lstrip().splitlines()[0].strip().lower() if text.strip() else ""
    if source.lower().endswith(".csv") or first.replace(" ", "").startswith("key,value"):
        data, lines = _csv_data(text.lstrip("\ufeff"), source, th)
    else:
        try:
            data, raw_lines = parse_yaml(text, source)
        except Exception as exc:  # parse_yaml raises fenji's card parse error; keep its line
            issues = getattr(exc, "issues", [])
            line = getattr(issues[0], "line", None) if issues else None
            message = getattr(issues[0], "message", str(exc)) if issues else str(exc)
            raise EvidenceInputError(f"not valid YAML: {message}", source, line) from None
        lines = {tuple(k): v for k, v in raw_lines.items()}
    if data is None:
        raise EvidenceInputError("the file is empty", source, None, None, "see examples/evidence/")
    reader = _Reader(th, source, lines)
    reader.walk(data, ())
    return reader.evidence


def _csv_data(text: str, source: str, th: Thresholds) -> tuple[dict[str, Any], dict[Path_, int]]:
    shapes = _shapes(th)
    data: dict[str, Any] = {}
    lines: dict[Path_, int] = {}
    rows = csv.reader(io.StringIO(text))
    for line_no, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if line_no == 1 and [c.strip().lower() for c in row[:2]] == ["key", "value"]:
            continue
        if len(row) < 2:
            raise EvidenceInputError("expected two columns: key,value", source, line_no)
        key, raw = row[0].strip(), row[1].strip()
        path = _split(key)
        value: Any
        try:
            value = int(raw)
        except ValueError:
            try:
                value = float(raw)
            except ValueError:
                value = raw
        # list of pairs: corpus.sources.<name>.<field> -> [{name, field: value}]
        for p, (shape, _) in shapes.items():
            if shape == "pairs" and path[: len(p)] == p and len(path) == len(p) + 2:
                items = data.setdefault("\0" + ".".join(p), {})
                items.setdefault(path[len(p)], {})[path[-1]] = value
                lines[p] = lines.get(p, line_no)
                lines[p + (path[len(p)],)] = line_no
                break
        else:
            node = data
            for part in path[:-1]:
                nxt = node.setdefault(part, {})
                if not isinstance(nxt, dict):
                    raise EvidenceInputError(f"{key!r} conflicts with an earlier row", source, line_no, key)
                node = nxt
            if path[-1] in node:
                raise EvidenceInputError(f"{key!r} is given twice", source, line_no, key)
            node[path[-1]] = value
            for n in range(1, len(path) + 1):
                lines.setdefault(path[:n], line_no)
    for marker in [k for k in data if k.startswith("\0")]:
        p = _split(marker[1:])
        node = data
        for part in p[:-1]:
            node = node.setdefault(part, {})
        node[p[-1]] = [{"name": name, **fields} for name, fields in data.pop(marker).items()]
        for i, name in enumerate(node[p[-1]]):
            lines[p + (str(i),)] = lines.get(p + (name["name"],), lines.get(p, 0))
    return data, lines


# --------------------------------------------------------------------------------------------- checking


@dataclass(frozen=True)
class ItemResult:
    id: str
    title: Text
    status: ItemStatus
    actual: Text
    threshold: Text
    citation: str
    basis: str
    failing: tuple[str, ...] = ()

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title.as_dict(),
            "status": self.status,
            "actual": self.actual.get(lang),
            "threshold": self.threshold.get(lang),
            "citation": self.citation,
            "basis": self.basis,
        }
        if self.failing:
            data["failing"] = list(self.failing)
        return data


@dataclass(frozen=True)
class EvidenceReport:
    source: str
    items: tuple[ItemResult, ...]
    standard: Text
    confidence_note: Text
    soft_law: bool
    system: str | None = None

    @property
    def passed(self) -> bool:
        """Every required item passed (skipped optional items do not count against)."""
        return all(i.status in ("pass", "skipped") for i in self.items)

    def count(self, status: ItemStatus) -> int:
        return sum(1 for i in self.items if i.status == status)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "source": self.source,
            "lang": lang,
            "system": self.system,
            "passed": self.passed,
            "soft_law": self.soft_law,
            "standard": self.standard.as_dict(),
            "confidence_note": self.confidence_note.as_dict(),
            "summary": {s: self.count(s) for s in ("pass", "fail", "missing", "skipped")},
            "items": [i.to_dict(lang) for i in self.items],
        }


def _pct(value: Fraction) -> str:
    text = f"{float(value * 100):.2f}".rstrip("0").rstrip(".")
    return f"{text} %"


def _num(value: Fraction | int | float) -> str:
    if isinstance(value, Fraction):
        return str(value.numerator) if value.denominator == 1 else f"{float(value):g}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def check_evidence(evidence: Evidence, thresholds: Thresholds | None = None) -> EvidenceReport:
    """Compare the figures with every threshold; one result per requirement, in the thresholds' order."""
    th = thresholds or load_thresholds()
    items = [_check_one(c, evidence, th) for c in th.checks]
    return EvidenceReport(
        source=evidence.source,
        items=tuple(items),
        standard=th.standard,
        confidence_note=th.confidence_note,
        soft_law=th.soft_law,
        system=evidence.meta.get("system"),
    )


def _check_one(c: Check, ev: Evidence, th: Thresholds) -> ItemResult:
    assert c.limit is not None
    limit = c.limit
    value = ev.get(c.path)
    failing: tuple[str, ...] = ()
    none = Text("—", "—")

    def result(status: ItemStatus, actual: Text, threshold: Text) -> ItemResult:
        return ItemResult(c.id, c.title, status, actual, threshold, th.citation(c), c.basis, failing)

    def absent(threshold: Text) -> ItemResult:
        return result("missing" if c.required else "skipped", none, threshold)

    if c.kind in ("min_value", "max_value"):
        sign = "≥" if c.kind == "min_value" else "≤"
        threshold = Text(f"{sign} {_num(limit)}", f"{sign} {_num(limit)}")
        if value is None:
            return absent(threshold)
        ok = Fraction(str(value)) >= limit if c.kind == "min_value" else Fraction(str(value)) <= limit
        return result("pass" if ok else "fail", Text(_num(value), _num(value)), threshold)

    if c.kind == "min_each":
        keys = th.keys_for(c)
        group_en = "/".join(c.keys) if c.keys != ("aspects",) else "aspects"
        group_zh = "、".join(c.keys) if c.keys != ("aspects",) else "各方面"
        threshold = Text(
            f"≥ {_num(limit)} each ({group_en}, {len(keys)})", f"每项 ≥ {_num(limit)}（{group_zh}，共 {len(keys)} 项）"
        )
        if value is None:
            return absent(threshold)
        counts: Mapping[str, int] = value
        failing = tuple(f"{k}={counts.get(k, 0)}" for k in keys if counts.get(k, 0) < limit)
        lowest = min((counts.get(k, 0) for k in keys), default=0)
        below = ", ".join(failing)
        actual = Text(
            f"lowest {lowest} of {len(keys)}" + (f"; below: {below}" if failing else ""),
            f"最少 {lowest}（共 {len(keys)} 项）" + (f"；不足：{below}" if failing else ""),
        )
        return result("fail" if failing else "pass", actual, threshold)

    if c.kind in ("min_rate", "max_rate"):
        sign = "≥" if c.kind == "min_rate" else "≤"
        threshold = Text(f"{sign} {_pct(limit / 100)}", f"{sign} {_pct(limit / 100)}")
        if value is None:
            return absent(threshold)
        num, den = value
        if den == 0:
            return result("fail", Text(f"no {c.denominator} items", f"{c.denominator} 为 0"), threshold)
        rate = Fraction(num, den)
        ok = rate >= limit / 100 if c.kind == "min_rate" else rate <= limit / 100
        shown = f"{_pct(rate)} ({num}/{den})"
        return result("pass" if ok else "fail", Text(shown, shown), threshold)

    if c.kind == "max_rate_each":
        threshold = Text(f"≤ {_pct(limit / 100)} per source", f"每个来源 ≤ {_pct(limit / 100)}")
        if value is None:
            return absent(threshold)
        entries: list[tuple[str, int, int]] = value
        failing = tuple(
            f"{name}={_pct(Fraction(n, d)) if d else 'n/a'}"
            for name, n, d in entries
            if d == 0 or Fraction(n, d) > limit / 100
        )
        worst = _pct(max((Fraction(n, d) for _, n, d in entries if d), default=Fraction(0)))
        above = ", ".join(failing)
        actual = Text(
            f"highest {worst} of {len(entries)} source(s)" + (f"; above: {above}" if failing else ""),
            f"最高 {worst}（共 {len(entries)} 个来源）" + (f"；超标：{above}" if failing else ""),
        )
        return result("fail" if failing else "pass", actual, threshold)

    if c.kind == "min_share":
        assert c.of is not None
        of = ".".join(c.of)
        threshold = Text(f"≥ {_pct(limit / 100)} of {of}", f"≥ {of} 的 {_pct(limit / 100)}")
        total = ev.get(c.of)
        if value is None or total is None:
            return absent(threshold)
        if total == 0:
            return result("fail", Text(f"{of} is 0", f"{of} 为 0"), threshold)
        share = Fraction(int(value), int(total))
        shown = f"{_pct(share)} ({value}/{total})"
        return result("pass" if share >= limit / 100 else "fail", Text(shown, shown), threshold)

    raise ValueError(f"unknown check kind {c.kind!r} in {c.id}")  # pragma: no cover - thresholds are data we ship


_STATUS = {
    "en": {"pass": "PASS", "fail": "FAIL", "missing": "MISSING", "skipped": "skipped"},
    "zh": {"pass": "通过", "fail": "不通过", "missing": "缺少数据", "skipped": "未提供（可选）"},
}


def render_report_text(report: EvidenceReport, lang: str = "en") -> str:
    zh = lang == "zh"
    lines = [
        ("大模型备案安全自评估指标核对：" if zh else "Generative-AI security self-assessment figures: ")
        + report.source,
        ("依据：" if zh else "Basis: ")
        + report.standard.get(lang)
        + (("（推荐性标准，软法）" if zh else "; soft law") if report.soft_law else ""),
        ("置信度：" if zh else "Confidence: ") + report.confidence_note.get(lang),
        "",
    ]
    for item in report.items:
        mark = _STATUS["zh" if zh else "en"][item.status]
        required = f"{'要求' if zh else 'required'} {item.threshold.get(lang)}"
        lines.append(f"[{mark}] {item.title.get(lang)}: {item.actual.get(lang)} ({required})")
        basis = (" · 据实践报道" if zh else " · practice reports") if item.basis == "reported" else ""
        lines.append(f"    {item.id} · {item.citation}{basis}")
    lines.append("")
    counts = {s: report.count(s) for s in ("pass", "fail", "missing", "skipped")}
    if zh:
        lines.append(
            f"结果：{'全部通过' if report.passed else '未全部通过'}（通过 {counts['pass']}，不通过 {counts['fail']}，"
            f"缺少数据 {counts['missing']}，跳过 {counts['skipped']}）"
        )
    else:
        lines.append(
            f"Result: {'all passed' if report.passed else 'not all passed'} ({counts['pass']} pass, "
            f"{counts['fail']} fail, {counts['missing']} missing, {counts['skipped']} skipped)"
        )
    return "\n".join(lines) + "\n"


def render_report_json(report: EvidenceReport, lang: str = "en") -> str:
    return json.dumps(report.to_dict(lang), ensure_ascii=False, indent=2) + "\n"


# --------------------------------------------------------------------------------------------- filing form

ALGORITHM_TYPES_ZH = {
    "algorithm_type:generation_synthesis": "生成合成类",
    "algorithm_type:personalized_push": "个性化推送类",
    "algorithm_type:ranking_selection": "排序精选类",
    "algorithm_type:search_filtering": "检索过滤类（信息检索类 / 内容过滤类）",
    "algorithm_type:dispatching_decision": "调度决策类",
    "deep_synthesis:service_provider": "深度合成-服务提供者",
    "deep_synthesis:technical_supporter": "深度合成-服务技术支持者",
}
# user-rights obligations summarised in the self-assessment outline (算法推荐规定第十六条至第二十二条)
RIGHTS_RULES = (
    "CN-ALG-ART16",
    "CN-ALG-ART17-1",
    "CN-ALG-ART17-2",
    "CN-ALG-ART17-3",
    "CN-ALG-ART18",
    "CN-ALG-ART19",
    "CN-ALG-ART20",
    "CN-ALG-ART21",
    "CN-ALG-ART22",
)


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    value: str | None
    hint: str = ""
    source: str = ""

    @property
    def todo(self) -> bool:
        return self.value is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "value": self.value,
            "todo": self.todo,
            "hint": self.hint,
            "source": self.source,
        }


@dataclass(frozen=True)
class FormSection:
    title: str
    fields: tuple[FormField, ...]


@dataclass(frozen=True)
class FilingForm:
    system_id: str
    system_name: str
    tier: str
    filing_required: bool | None
    status_line: str
    sections: tuple[FormSection, ...]

    @property
    def todo_count(self) -> int:
        return sum(1 for s in self.sections for f in s.fields if f.todo)

    def to_dict(self) -> dict[str, Any]:
        return {
            "form": "互联网信息服务算法备案",
            "legal_basis": "《互联网信息服务算法推荐管理规定》第二十四条",
            "system": {"id": self.system_id, "name": self.system_name},
            "tier": self.tier,
            "filing_required": self.filing_required,
            "status": self.status_line,
            "todo": self.todo_count,
            "sections": [{"title": s.title, "fields": [f.to_dict() for f in s.fields]} for s in self.sections],
        }


def _labels_of(vocab: Vocabulary, fact_id: str, values: Iterable[str]) -> list[str]:
    fact = vocab.facts.get(fact_id)
    return [fact.label_of(v, "zh") if fact else v for v in sorted(values)]


TIER_ZH = {
    "filing_required": "须备案",
    "registration_required": "须登记",
    "obligations_only": "仅有合规义务",
    "not_applicable": "不适用",
}


def _labeling_value(card: SystemCard, labels: set[str]) -> str:
    if "labeling" not in labels:
        return "不涉及"
    parts = []
    if card.facts.get("technique.generates_content"):
        parts.append("显式标识、隐式标识（文件元数据）样例及用户协议中的标识条款")
    raw = card.facts.get("cn.platform_role")
    platform = raw if isinstance(raw, frozenset) else frozenset()
    if "content_dissemination_platform" in platform:
        parts.append("传播平台的隐式标识核验、提示标识和用户声明功能说明")
    if "app_distribution_platform" in platform:
        parts.append("应用上架审核中核验标识材料的流程")
    return "须提交：" + "；".join(parts)


def _outline_value(applies: bool, regime: RegimeResult, rule_id: str, text: str) -> str | None:
    """``text`` when the duty applies, 不涉及 when its rule does not apply, ``None`` (TODO) while open."""
    if applies:
        return text
    return "不涉及" if regime.rule_status.get(rule_id) is Status.DOES_NOT_APPLY else None


def filing_form(card: SystemCard, regime: RegimeResult, vocab: Vocabulary) -> FilingForm:
    """The algorithm filing system's fields, filled from the card's facts and its ``cn`` result (in Chinese)."""
    facts = card.facts
    labels = set(regime.labels)
    obligations = {o.id: o for o in regime.obligations}
    filing_status = regime.rule_status.get("CN-TIER-FILING")
    filing_required = (
        True if filing_status is Status.APPLIES else None if filing_status is Status.INDETERMINATE else False
    )
    if regime.applies is False:
        filing_required = False
    algorithm_filing = "algorithm_filing" in labels

    def fact(fact_id: str) -> Any:
        return facts.get(fact_id)

    # --- status line
    if algorithm_filing:
        status = "须办理算法备案"
    elif filing_required is None or regime.rule_status.get("CN-ALG-ART24") is Status.INDETERMINATE:
        pending = "、".join(p.fact for p in regime.pending[:5]) or "—"
        status = f"是否须办理算法备案：待定（请先回答：{pending}）"
    else:
        status = "按当前事实无须办理算法备案；以下字段仅供自愿备案或内部记录参考"

    # --- provider
    roles = []
    if "service_provider" in regime.roles:
        roles.append("服务提供者")
    if "technical_supporter" in regime.roles:
        roles.append("技术支持者")
    provider = FormSection(
        "一、服务提供者信息",
        (
            FormField(
                "provider_name", "服务提供者名称", None, "填写备案主体全称（与营业执照一致）", "卡片不含主体名称"
            ),
            FormField("credit_code", "统一社会信用代码", None, "填写 18 位统一社会信用代码", "卡片不含"),
            FormField(
                "provider_role",
                "主体角色",
                "、".join(roles) if roles else None,
                "服务提供者 / 技术支持者",
                "role.operates_end_user_service, role.technical_supporter",
            ),
            FormField("security_officer", "算法安全责任人及联系方式", None, "指定算法安全负责人（第七条）", "卡片不含"),
        ),
    )

    # --- algorithm / service
    types = [ALGORITHM_TYPES_ZH[lb] for lb in sorted(labels) if lb in ALGORITHM_TYPES_ZH]
    forms = fact("cn.service_forms")
    po = fact("cn.public_opinion_attributes")
    if forms:
        form_value: str | None = "、".join(_labels_of(vocab, "cn.service_forms", forms))
        po_value: str | None = f"是（开办{form_value}等信息服务，安全评估规定第二条第（一）项）"
    else:
        form_value = None
        po_value = (
            "是（经判断具有舆论属性或社会动员能力，安全评估规定第二条第（二）项）"
            if po is True
            else "否"
            if po is False and forms is not None
            else None
        )
    cases = sorted(fact("use.cases") or ())
    domains = []
    for case in cases:
        uc = vocab.use_cases.get(case)
        if uc is None:
            continue
        dom = next((d.title.get("zh") for d in vocab.domains if d.id == uc.domain), uc.domain)
        if dom not in domains:
            domains.append(dom)
    scenes = [vocab.use_cases[c].title.get("zh") for c in cases if c in vocab.use_cases]
    launch = fact("cn.service_launch_date")
    due = obligations.get("CN-ALG-ART24-1")
    due_value = (
        f"{due.due_date.isoformat()}（自提供服务之日起十个工作日内）" if due is not None and due.due_date else None
    )
    users = fact("cn.registered_users")
    mau = fact("cn.monthly_active_users")
    user_value = None
    if users is not None or mau is not None:
        parts = []
        if users is not None:
            parts.append(f"注册用户约 {int(users)}")
        if mau is not None:
            parts.append(f"月活跃用户约 {int(mau)}")
        user_value = "，".join(parts)
    algorithm = FormSection(
        "二、算法及服务信息",
        (
            FormField("algorithm_name", "算法名称", None, f"如“{card.name} + 算法用途 + 算法”", "卡片不含"),
            FormField("algorithm_type", "算法类型", "、".join(types) if types else None, "按第二条五类填写", "labels"),
            FormField("product", "应用产品", card.name, "核对 APP / 网站 / 小程序名称", "card.name"),
            FormField(
                "service_form", "服务形式", form_value, "如论坛、短视频、网络直播、小程序、API 等", "cn.service_forms"
            ),
            FormField("application_domain", "应用领域", "、".join(domains) if domains else None, "", "use.cases"),
            FormField("scenario", "应用场景（主要用途）", "；".join(scenes) if scenes else None, "", "use.cases"),
            FormField(
                "public_opinion",
                "是否具有舆论属性或社会动员能力",
                po_value,
                "",
                "cn.service_forms, cn.public_opinion_attributes",
            ),
            FormField(
                "launch_date",
                "提供服务之日",
                launch.isoformat() if isinstance(launch, dt.date) else None,
                "",
                "cn.service_launch_date",
            ),
            FormField("filing_deadline", "备案期限", due_value, "提供服务之日起十个工作日内", "CN-ALG-ART24-1"),
            FormField("user_scale", "用户规模", user_value, "注册用户、月活跃用户", "cn.registered_users"),
        ),
    )

    # --- self-assessment outline
    rights = [
        f"{obligations[r].title.zh}（{obligations[r].citation.split(' (')[0]}）"
        for r in RIGHTS_RULES
        if r in obligations and obligations[r].status is Status.APPLIES
    ]
    outline = [
        FormField("sa_principle", "1. 算法基本原理、模型与数据", None, "说明算法机制机理、模型、训练与输入数据", ""),
        FormField("sa_scenario", "2. 应用场景与目的意图", "；".join(scenes) if scenes else None, "", "use.cases"),
        FormField(
            "sa_risks",
            "3. 算法安全风险分析",
            None,
            "违法不良信息、诱导沉迷与过度消费、歧视与差别待遇、数据安全与个人信息、舆论操纵",
            "",
        ),
        FormField(
            "sa_measures",
            "4. 安全管理制度与技术措施（第七条至第十五条）",
            None,
            "算法机制机理审核、科技伦理审查、信息发布审核、数据安全和个人信息保护、反电诈、安全评估监测、应急处置",
            "",
        ),
        FormField(
            "sa_rights",
            "5. 用户权益保护（第十六条至第二十二条）",
            "；".join(rights) if rights else None,
            "",
            "obligations",
        ),
        FormField(
            "sa_labeling", "6. 生成合成内容标识（标识办法第十二条）", _labeling_value(card, labels), "", "labels"
        ),
        FormField(
            "sa_pipia",
            "7. 个人信息保护影响评估（个人信息保护法第五十五条）",
            _outline_value("pipia" in labels, regime, "CN-PIPL-ART55", "须开展并附评估结论"),
            "",
            "labels",
        ),
        FormField(
            "sa_security_assessment",
            "8. 安全评估（安全评估规定；全国互联网安全管理服务平台）",
            _outline_value("security_assessment" in labels, regime, "CN-SA-ART3", "须开展并提交安全评估报告"),
            "",
            "labels",
        ),
    ]
    if labels & {"deep_synthesis:service_provider", "deep_synthesis:technical_supporter"}:
        ds_items = ["训练数据管理（第十四条）", "生成合成算法定期审核（第十五条）", "标识与日志（第十六条、第十七条）"]
        if "CN-DS-ART14-2" in obligations:
            ds_items.append("人脸、人声编辑的单独同意（第十四条第二款）")
        if "CN-DS-ART15-2-ASSESS" in obligations:
            ds_items.append("生物识别编辑工具安全评估（第十五条第二款）")
        outline.append(FormField("sa_deep_synthesis", "9. 深度合成专项", "；".join(ds_items), "", "labels"))
    report = FormSection("三、算法自评估报告（提纲）", tuple(outline))

    # --- publicity
    publicity = FormSection(
        "四、拟公示内容",
        (
            FormField("pub_name", "算法名称", None, "与第二部分一致", ""),
            FormField("pub_principle", "算法基本原理", None, "以通俗语言说明", ""),
            FormField("pub_mechanism", "算法运行机制", None, "输入、处理、输出及人工干预环节", ""),
            FormField("pub_scenario", "算法应用场景", "；".join(scenes) if scenes else None, "", "use.cases"),
            FormField("pub_purpose", "算法目的意图", None, "说明服务目的及对用户的影响", ""),
        ),
    )
    return FilingForm(
        system_id=card.id,
        system_name=card.name,
        tier=regime.tier,
        filing_required=filing_required,
        status_line=status,
        sections=(provider, algorithm, report, publicity),
    )


def render_form(form: FilingForm, fmt: str = "text") -> str:
    """``text`` | ``markdown`` | ``json``; field labels and values are in Chinese."""
    if fmt == "json":
        return json.dumps(form.to_dict(), ensure_ascii=False, indent=2) + "\n"
    md = fmt == "markdown"
    head = "互联网信息服务算法备案 · 备案信息表（依据《互联网信息服务算法推荐管理规定》第二十四条）"
    lines = [f"# {head}" if md else head, ""]
    lines.append(f"{'- ' if md else ''}系统：{form.system_name}（{form.system_id}）")
    lines.append(f"{'- ' if md else ''}结论：{form.status_line}（等级：{TIER_ZH.get(form.tier, form.tier)}）")
    lines.append(f"{'- ' if md else ''}待填写项：{form.todo_count}（标记为 TODO）")
    for section in form.sections:
        lines.append("")
        if md:
            lines += [f"## {section.title}", "", "| 字段 | 内容 | 来源 |", "|---|---|---|"]
        else:
            lines.append(section.title)
        for f in section.fields:
            value = f.value if f.value is not None else "TODO" + (f"（{f.hint}）" if f.hint else "")
            if md:
                lines.append(f"| {f.label} | {value.replace('|', '/')} | {f.source or '—'} |")
            else:
                lines.append(f"  {f.label}：{value}")
    lines += [
        "",
        "提示：备案信息变更的，十个工作日内办理变更；终止服务的，二十个工作日内注销备案；完成备案后在显著位置标明备案编号并提供公示信息链接（第二十四条、第二十六条）。",
    ]
    return "\n".join(lines) + "\n"
