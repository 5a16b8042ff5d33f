"""NYC Local Law 144 bias-audit figures from a table of candidates. Pure: no file I/O, no clock.

Input is CSV text with a header row (see ``docs/us-nyc-bias-audit.md``): category columns ``sex`` and/or
``race_ethnicity`` and exactly one outcome column, ``selected`` (0/1) or ``score`` (a number).

What is computed follows the DCWP rules (6 RCNY § 5-300 et seq.):

- **selection rate** = selected / candidates in the category (``selected`` column);
- **scoring rate** = candidates in the category scoring *above the median score of the whole sample* / candidates
  in the category (``score`` column);
- **impact ratio** = a category's rate / the highest rate among the categories included in the calculation;
- per sex, per race/ethnicity, and per intersectional category (sex x race/ethnicity);
- a category with less than 2 % of the data (all candidates) may be left out of the impact-ratio calculation;
  it is reported as excluded, with its count and rate;
- candidates whose category is unknown are counted per dimension and left out of that dimension.

Ratios below 0.8 are flagged as the "four-fifths" indicator. Local Law 144 itself sets no pass mark: the flag is a
prompt for review, not a legal test.
"""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from fenji.model.facts import Text

FOUR_FIFTHS = 0.8
MIN_SHARE = 0.02
SEPARATOR = " / "
UNKNOWN_VALUES = frozenset({"", "unknown", "n/a", "na", "none", "not reported", "declined", "?", "未知"})
TRUE_VALUES = frozenset({"1", "true", "yes", "y"})
FALSE_VALUES = frozenset({"0", "false", "no", "n"})

Mode = Literal["selection", "scoring"]
Dimension = Literal["sex", "race_ethnicity", "intersectional"]
DIMENSIONS: tuple[Dimension, ...] = ("sex", "race_ethnicity", "intersectional")

# normalised header -> canonical column
_ALIASES: dict[str, str] = {
    "sex": "sex",
    "gender": "sex",
    "race_ethnicity": "race_ethnicity",
    "race_and_ethnicity": "race_ethnicity",
    "race": "race_ethnicity",
    "ethnicity": "race_ethnicity",
    "selected": "selected",
    "score": "score",
}


class BiasAuditInputError(ValueError):
    """The CSV cannot be used; ``line`` (1-based, header = 1) and ``column`` say where."""

    def __init__(self, message: str, line: int | None = None, column: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint

    def where(self, source: str | None = None) -> str:
        parts = [source] if source else []
        if self.line:
            parts.append(f"line {self.line}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def render(self, source: str | None = None) -> str:
        head = self.where(source)
        text = f"{head}: {self.message}" if head else self.message
        return text + (f" — {self.hint}" if self.hint else "")


@dataclass(frozen=True)
class Candidate:
    """One row: categories (None = unknown) and the outcome."""

    sex: str | None
    race_ethnicity: str | None
    selected: bool | None = None
    score: float | None = None
    line: int = 0


@dataclass(frozen=True)
class CategoryStat:
    category: str
    parts: tuple[str, ...]
    count: int
    positives: int  # selected, or scored above the median
    rate: float
    share: float  # of all candidates
    impact_ratio: float | None  # None when excluded or when no included category has a positive rate
    excluded: bool
    below_threshold: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "parts": list(self.parts),
            "count": self.count,
            "positives": self.positives,
            "rate": self.rate,
            "share": self.share,
            "impact_ratio": self.impact_ratio,
            "excluded": self.excluded,
            "below_four_fifths": self.below_threshold,
        }


@dataclass(frozen=True)
class DimensionResult:
    dimension: Dimension
    categories: tuple[CategoryStat, ...]
    unknown: int
    reference: tuple[str, ...] = ()  # the included categories with the highest rate (impact ratio 1.0)

    @property
    def flagged(self) -> tuple[CategoryStat, ...]:
        return tuple(c for c in self.categories if c.below_threshold)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dimension": self.dimension,
            "unknown": self.unknown,
            "reference": list(self.reference),
            "categories": [c.to_dict() for c in self.categories],
        }


@dataclass(frozen=True)
class BiasAudit:
    mode: Mode
    total: int
    positives: int
    median: float | None
    min_share: float
    threshold: float
    dimensions: tuple[DimensionResult, ...]
    notes: tuple[Text, ...] = field(default_factory=tuple)

    def dimension(self, name: Dimension) -> DimensionResult | None:
        return next((d for d in self.dimensions if d.dimension == name), None)

    @property
    def flagged(self) -> tuple[tuple[Dimension, CategoryStat], ...]:
        return tuple((d.dimension, c) for d in self.dimensions for c in d.flagged)

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": "nyc_ll144_bias_audit",
            "mode": self.mode,
            "total": self.total,
            "positives": self.positives,
            "median_score": self.median,
            "min_share": self.min_share,
            "four_fifths_threshold": self.threshold,
            "legal_threshold": None,
            "dimensions": [d.to_dict() for d in self.dimensions],
            "flagged": [
                {"dimension": dim, "category": c.category, "impact_ratio": c.impact_ratio} for dim, c in self.flagged
            ],
            "notes": [n.as_dict() for n in (*self.notes, NO_PASS_MARK)],
        }


NO_PASS_MARK = Text(
    "Local Law 144 sets no pass or fail threshold. Ratios below 0.8 are flagged as the four-fifths indicator "
    "(a rule of thumb from US employment-selection practice), a prompt for review rather than a legal test.",
    "第 144 号地方法并未设定合格或不合格的门槛。低于 0.8 的比率按“五分之四”指标标出（源自美国雇佣甄选实践的经验法则），"
    "仅提示需要复核，并非法律标准。",
)


# ----------------------------------------------------------------------------------------------- computation


def impact_ratios(rates: Mapping[str, float]) -> dict[str, float | None]:
    """Each rate divided by the highest rate; all None when the highest rate is 0 (ratios undefined)."""
    if not rates:
        return {}
    top = max(rates.values())
    if top <= 0:
        return dict.fromkeys(rates)
    return {k: v / top for k, v in rates.items()}


def _category_of(candidate: Candidate, dimension: Dimension) -> tuple[str, ...] | None:
    if dimension == "sex":
        return (candidate.sex,) if candidate.sex is not None else None
    if dimension == "race_ethnicity":
        return (candidate.race_ethnicity,) if candidate.race_ethnicity is not None else None
    if candidate.sex is None or candidate.race_ethnicity is None:
        return None
    return (candidate.sex, candidate.race_ethnicity)


def _dimension(
    dimension: Dimension,
    candidates: Sequence[Candidate],
    positive: Sequence[bool],
    min_share: float,
    threshold: float,
) -> DimensionResult:
    total = len(candidates)
    counts: dict[tuple[str, ...], int] = {}
    hits: dict[tuple[str, ...], int] = {}
    unknown = 0
    for cand, pos in zip(candidates, positive, strict=True):
        key = _category_of(cand, dimension)
        if key is None:
            unknown += 1
            continue
        counts[key] = counts.get(key, 0) + 1
        hits[key] = hits.get(key, 0) + int(pos)
    keys = sorted(counts)
    rates = {k: hits[k] / counts[k] for k in keys}
    shares = {k: counts[k] / total for k in keys}
    excluded = {k for k in keys if shares[k] < min_share}
    ratios = impact_ratios({SEPARATOR.join(k): rates[k] for k in keys if k not in excluded})
    top = max((rates[k] for k in keys if k not in excluded), default=0.0)
    reference = tuple(SEPARATOR.join(k) for k in keys if k not in excluded and top > 0 and rates[k] == top)
    stats = []
    for k in keys:
        label = SEPARATOR.join(k)
        ratio = ratios.get(label)
        stats.append(
            CategoryStat(
                category=label,
                parts=k,
                count=counts[k],
                positives=hits[k],
                rate=rates[k],
                share=shares[k],
                impact_ratio=ratio,
                excluded=k in excluded,
                below_threshold=ratio is not None and ratio < threshold,
            )
        )
    return DimensionResult(dimension=dimension, categories=tuple(stats), unknown=unknown, reference=reference)


def compute(
    candidates: Sequence[Candidate],
    mode: Mode,
    *,
    min_share: float = MIN_SHARE,
    threshold: float = FOUR_FIFTHS,
    dimensions: Iterable[Dimension] = DIMENSIONS,
) -> BiasAudit:
    """Selection or scoring rates and impact ratios for each dimension."""
    if not candidates:
        raise BiasAuditInputError("no candidates", hint="the table needs at least one data row")
    median: float | None = None
    if mode == "selection":
        if any(c.selected is None for c in candidates):
            raise BiasAuditInputError("every candidate needs a selected value in selection mode")
        positive = [bool(c.selected) for c in candidates]
    else:
        scores = [c.score for c in candidates]
        if any(s is None for s in scores):
            raise BiasAuditInputError("every candidate needs a score in scoring mode")
        known = [float(s) for s in scores if s is not None]
        median = float(statistics.median(known))
        positive = [s > median for s in known]
    wanted = list(dimensions)
    notes: list[Text] = []
    results = tuple(_dimension(d, candidates, positive, min_share, threshold) for d in wanted)
    for res in results:
        if res.categories and not res.reference:
            notes.append(
                Text(
                    f"{res.dimension}: no included category has a positive rate, so impact ratios are undefined.",
                    f"{res.dimension}：所有计入计算的类别比率均为 0，影响比率无法计算。",
                )
            )
        if any(c.excluded for c in res.categories):
            notes.append(
                Text(
                    f"{res.dimension}: categories under {min_share:.0%} of the data are excluded from the impact "
                    "ratios (DCWP rules allow this); a published summary must still give their counts and rates "
                    "and say why they were excluded.",
                    f"{res.dimension}：占数据不足 {min_share:.0%} 的类别未计入影响比率（DCWP 细则允许）；"
                    "公开摘要仍须列出其人数和比率，并说明排除理由。",
                )
            )
    if mode == "scoring" and median is not None:
        notes.append(
            Text(
                f"Scoring rate = share of candidates scoring above the median score of the whole sample ({median:g}).",
                f"评分率 = 得分高于全体样本中位数（{median:g}）的候选人所占比例。",
            )
        )
    return BiasAudit(
        mode=mode,
        total=len(candidates),
        positives=sum(positive),
        median=median,
        min_share=min_share,
        threshold=threshold,
        dimensions=results,
        notes=tuple(notes),
    )


# ----------------------------------------------------------------------------------------------- CSV input


def _norm_header(name: str) -> str:
    return re.sub(r"_+", "_", re.sub(r"[\s/\-&]+", "_", name.strip().lower().lstrip("\ufeff"))).strip("_")


def _category(raw: str) -> str | None:
    value = " ".join(raw.split())
    return None if value.lower() in UNKNOWN_VALUES else value


def parse_candidates(text: str) -> tuple[list[Candidate], Mode, tuple[Dimension, ...]]:
    """Candidates, the mode (selection/scoring) and the dimensions present, from CSV text.

    Raises BiasAuditInputError naming the line and column of the first problem.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise BiasAuditInputError(f"not valid CSV: {exc}", line=reader.line_num or 1) from None
    if header is None or not any(h.strip() for h in header):
        raise BiasAuditInputError(
            "empty file: the first line must be a header row", line=1, hint="e.g. sex,race_ethnicity,selected"
        )
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        canonical = _ALIASES.get(_norm_header(name))
        if canonical is None:
            continue
        if canonical in columns:
            raise BiasAuditInputError(
                f"two columns mean {canonical!r} ({header[columns[canonical]]!r} and {name!r})", line=1, column=name
            )
        columns[canonical] = index
    if ("selected" in columns) == ("score" in columns):
        raise BiasAuditInputError(
            "give exactly one outcome column: 'selected' (0/1) or 'score' (a number)",
            line=1,
            hint="selected for pass/fail tools, score for tools that score candidates",
        )
    if "sex" not in columns and "race_ethnicity" not in columns:
        raise BiasAuditInputError(
            "no category column: add 'sex' and/or 'race_ethnicity'", line=1, hint="LL 144 audits need both"
        )
    mode: Mode = "selection" if "selected" in columns else "scoring"
    out_col = columns["selected" if mode == "selection" else "score"]
    candidates: list[Candidate] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise BiasAuditInputError(f"not valid CSV: {exc}", line=reader.line_num) from None
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise BiasAuditInputError(
                f"expected {len(header)} fields like the header, found {len(row)}",
                line=line,
                hint="quote values that contain commas",
            )
        sex = _category(row[columns["sex"]]) if "sex" in columns else None
        race = _category(row[columns["race_ethnicity"]]) if "race_ethnicity" in columns else None
        raw = row[out_col].strip()
        column_name = header[out_col].strip()
        if mode == "selection":
            low = raw.lower()
            if low in TRUE_VALUES:
                selected = True
            elif low in FALSE_VALUES:
                selected = False
            else:
                raise BiasAuditInputError(f"expected 0 or 1, got {raw!r}", line=line, column=column_name)
            candidates.append(Candidate(sex, race, selected=selected, line=line))
        else:
            try:
                score = float(raw)
            except ValueError:
                raise BiasAuditInputError(f"expected a number, got {raw!r}", line=line, column=column_name) from None
            if not math.isfinite(score):
                raise BiasAuditInputError(f"expected a finite number, got {raw!r}", line=line, column=column_name)
            candidates.append(Candidate(sex, race, score=score, line=line))
    if not candidates:
        raise BiasAuditInputError("no data rows after the header", line=reader.line_num or 1)
    present: list[Dimension] = [d for d in ("sex", "race_ethnicity") if d in columns]
    if len(present) == 2:
        present.append("intersectional")
    return candidates, mode, tuple(present)


def audit_csv(text: str, *, min_share: float = MIN_SHARE, threshold: float = FOUR_FIFTHS) -> BiasAudit:
    """Parse CSV text and compute the audit figures."""
    candidates, mode, dims = parse_candidates(text)
    audit = compute(candidates, mode, min_share=min_share, threshold=threshold, dimensions=dims)
    if len(dims) < 3:
        missing = "race_ethnicity" if "sex" in dims else "sex"
        extra = Text(
            f"The table has no {missing} column, so only part of a Local Law 144 audit could be computed "
            "(it needs sex, race/ethnicity and their intersections).",
            f"表中没有 {missing} 列，因此只能计算第 144 号地方法审计的一部分"
            "（审计须包括性别、种族/族裔及其交叉类别）。",
        )
        audit = BiasAudit(
            mode=audit.mode,
            total=audit.total,
            positives=audit.positives,
            median=audit.median,
            min_share=audit.min_share,
            threshold=audit.threshold,
            dimensions=audit.dimensions,
            notes=(*audit.notes, extra),
        )
    return audit


# ----------------------------------------------------------------------------------------------- rendering

_UI: dict[str, Text] = {
    "title": Text("NYC Local Law 144 bias-audit figures", "纽约市第 144 号地方法偏见审计数据"),
    "selection": Text("selection rates", "入选率"),
    "scoring": Text("scoring rates", "评分率"),
    "candidates": Text("candidates", "名候选人"),
    "selected": Text("selected", "入选"),
    "above_median": Text("above median", "高于中位数"),
    "sex": Text("By sex", "按性别"),
    "race_ethnicity": Text("By race/ethnicity", "按种族/族裔"),
    "intersectional": Text("Intersectional (sex / race/ethnicity)", "交叉类别（性别 / 种族/族裔）"),
    "category": Text("Category", "类别"),
    "count": Text("Number", "人数"),
    "rate": Text("Rate", "比率"),
    "ratio": Text("Impact ratio", "影响比率"),
    "unknown": Text("unknown category", "类别不明"),
    "excluded": Text("excluded (< {share} of data)", "已排除（占数据不足 {share}）"),
    "flag": Text("below 0.8", "低于 0.8"),
    "flagged": Text("Flagged below the four-fifths indicator", "低于五分之四指标的类别"),
    "none_flagged": Text("No impact ratio below 0.8.", "没有低于 0.8 的影响比率。"),
    "ratio_def": Text(
        "Impact ratio = the category's rate / the highest rate among included categories.",
        "影响比率 = 该类别的比率 / 计入计算的类别中的最高比率。",
    ),
    "na": Text("n/a", "不适用"),
}


def _ui(key: str, lang: str) -> str:
    return _UI[key].get(lang)


def _fmt(value: float | None, lang: str) -> str:
    return _ui("na", lang) if value is None else f"{value:.3f}"


def _head(audit: BiasAudit, lang: str) -> str:
    positives = _ui("selected" if audit.mode == "selection" else "above_median", lang)
    title, mode, who = _ui("title", lang), _ui(audit.mode, lang), _ui("candidates", lang)
    if lang == "zh":
        return f"{title}（{mode}）：{audit.total} {who}，{positives} {audit.positives}"
    return f"{title} ({mode}): {audit.total} {who}, {audit.positives} {positives}"


def _status(c: CategoryStat, audit: BiasAudit, lang: str) -> str:
    if c.excluded:
        return _ui("excluded", lang).format(share=f"{audit.min_share:.0%}")
    return _ui("flag", lang) if c.below_threshold else ""


def render_text(audit: BiasAudit, lang: str = "en") -> str:
    lines = [_head(audit, lang), _ui("ratio_def", lang), ""]
    positives = _ui("selected" if audit.mode == "selection" else "above_median", lang)
    for dim in audit.dimensions:
        lines.append(f"{_ui(dim.dimension, lang)} ({_ui('unknown', lang)}: {dim.unknown})")
        width = max([len(_ui("category", lang))] + [len(c.category) for c in dim.categories]) + 2
        lines.append(
            f"  {_ui('category', lang):<{width}}{_ui('count', lang):>8}{positives:>14}{_ui('rate', lang):>8}"
            f"{_ui('ratio', lang):>14}"
        )
        for c in dim.categories:
            status = _status(c, audit, lang)
            lines.append(
                f"  {c.category:<{width}}{c.count:>8}{c.positives:>14}{_fmt(c.rate, lang):>8}"
                f"{_fmt(c.impact_ratio, lang):>14}" + (f"  {status}" if status else "")
            )
        lines.append("")
    flagged = audit.flagged
    if flagged:
        lines.append(f"{_ui('flagged', lang)}: {len(flagged)}")
        for dim_name, c in flagged:
            lines.append(f"  - {_ui(dim_name, lang)}: {c.category} ({_fmt(c.impact_ratio, lang)})")
    else:
        lines.append(_ui("none_flagged", lang))
    for note in (*audit.notes, NO_PASS_MARK):
        lines.append(f"* {note.get(lang)}")
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(audit: BiasAudit, lang: str = "en") -> str:
    positives = _ui("selected" if audit.mode == "selection" else "above_median", lang)
    stop, colon = ("。", "：") if lang == "zh" else (".", ": ")
    lines = [f"# {_ui('title', lang)}", "", _head(audit, lang) + stop, "", _ui("ratio_def", lang), ""]
    for dim in audit.dimensions:
        lines += [f"## {_ui(dim.dimension, lang)}", "", f"{_ui('unknown', lang)}{colon}{dim.unknown}", ""]
        lines.append(
            f"| {_ui('category', lang)} | {_ui('count', lang)} | {positives} | {_ui('rate', lang)} | "
            f"{_ui('ratio', lang)} | |"
        )
        lines.append("|---|---:|---:|---:|---:|---|")
        for c in dim.categories:
            lines.append(
                f"| {_md_cell(c.category)} | {c.count} | {c.positives} | {_fmt(c.rate, lang)} | "
                f"{_fmt(c.impact_ratio, lang)} | {_status(c, audit, lang)} |"
            )
        lines.append("")
    flagged = audit.flagged
    lines.append(f"## {_ui('flagged', lang)}")
    lines.append("")
    if flagged:
        lines += [f"- {_ui(d, lang)}: {_md_cell(c.category)} ({_fmt(c.impact_ratio, lang)})" for d, c in flagged]
    else:
        lines.append(_ui("none_flagged", lang))
    for note in (*audit.notes, NO_PASS_MARK):
        lines += ["", f"> {note.get(lang)}"]
    return "\n".join(lines) + "\n"
