"""The portfolio report: every system in a folder of cards (or a store), tier distribution per regime as a chart,
upcoming deadlines and evidence gaps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from fenji.model.result import Status
from fenji.model.rule import Pack
from fenji.outputs.reports.context import ReportInput
from fenji.outputs.reports.document import BarRow, Block, Document, Heading, Paragraph, Segment, StackedBars, Table
from fenji.outputs.reports.words import w

MAX_ROWS = 100
# most severe tier first; the pack's last tier (not applicable / out of scope) is grey
PALETTE = ("#c0392b", "#e67e22", "#f1c40f", "#2e86c1", "#17a589", "#8e44ad", "#7f8c8d")
GREY = "#bdc3c7"


@dataclass(frozen=True)
class PortfolioInput:
    items: tuple[ReportInput, ...]
    as_of: dt.date
    packs: Mapping[str, Pack]
    skipped: tuple[tuple[str, str], ...] = ()


def _tier_color(pack: Pack | None, tier: str) -> str:
    if pack is None:
        return GREY
    ids = [t.id for t in pack.tiers]
    if tier in (pack.out_of_scope_tier, ids[-1]) or tier not in ids:
        return GREY
    return PALETTE[min(ids.index(tier), len(PALETTE) - 1)]


def _regime_ids(inp: PortfolioInput) -> list[str]:
    seen: dict[str, None] = {}
    for item in inp.items:
        for rid in item.assessment.regimes:
            seen.setdefault(rid, None)
    return list(seen)


def _counts(inp: PortfolioInput, rid: str) -> dict[str, list[str]]:
    """tier -> system IDs, in the pack's tier order."""
    pack = inp.packs.get(rid)
    order = [t.id for t in pack.tiers] if pack else []
    out: dict[str, list[str]] = {t: [] for t in order}
    for item in inp.items:
        r = item.assessment.regimes.get(rid)
        if r is not None:
            out.setdefault(r.tier, []).append(item.card.id)
    return {t: ids for t, ids in out.items() if ids}


def distribution(inp: PortfolioInput, lang: str) -> list[Block]:
    ref = inp.items[0] if inp.items else None
    rows, table = [], []
    for rid in _regime_ids(inp):
        counts = _counts(inp, rid)
        title = ref.regime_title(rid, lang) if ref else rid
        names = {t: ref.tier_title(rid, t, lang) if ref else t for t in counts}
        segs = tuple(Segment(names[t], len(ids), _tier_color(inp.packs.get(rid), t)) for t, ids in counts.items())
        rows.append(BarRow(title, segs))
        table += [(title, names[t], str(len(ids)), ", ".join(ids)) for t, ids in counts.items()]
    chart = StackedBars(w("chart_title", lang), tuple(rows), w("count", lang))
    header = (w("regime", lang), w("tier", lang), w("count", lang), w("system_id", lang))
    return [Heading(w("distribution", lang), 2), chart, Table(header, tuple(table))]


def systems(inp: PortfolioInput, lang: str) -> list[Block]:
    rows = []
    for item in inp.items:
        a = item.assessment
        tiers = [
            f"{item.regime_title(rid, lang)}: {item.tier_title(rid, r.tier, lang)}"
            for rid, r in a.regimes.items()
            if r.applies is not False
        ]
        pending = len({p.fact for r in a.regimes.values() for p in r.pending})
        rows.append((a.system_name, a.system_id, "; ".join(tiers) or "—", str(pending)))
    header = (w("system", lang), w("system_id", lang), w("applying_regimes", lang), w("open_questions", lang))
    return [Heading(w("systems_table", lang), 2), Table(header, tuple(rows))]


def _truncated(rows: list[tuple[str, ...]], lang: str) -> list[Block]:
    if len(rows) <= MAX_ROWS:
        return []
    return [Paragraph(w("truncated", lang).format(n=MAX_ROWS), "note")]


def deadlines(inp: PortfolioInput, lang: str) -> list[Block]:
    rows: list[tuple[str, ...]] = []
    for item in inp.items:
        for rid, r in item.assessment.regimes.items():
            for ob in r.obligations:
                when = ob.due_date or ob.applies_from
                if ob.status is not Status.APPLIES or ob.soft_law or when <= inp.as_of:
                    continue
                rows.append((when.isoformat(), item.card.id, rid, ob.citation, ob.title.get(lang)))
    rows.sort()
    blocks: list[Block] = [Heading(w("deadlines", lang), 2), Paragraph(w("deadlines_note", lang), "note")]
    if not rows:
        return blocks + [Paragraph(w("no_deadlines", lang))]
    header = (w("date", lang), w("system_id", lang), w("regime", lang), w("citation", lang), w("obligation", lang))
    return blocks + [Table(header, tuple(rows[:MAX_ROWS]))] + _truncated(rows, lang)


def gaps(inp: PortfolioInput, lang: str) -> list[Block]:
    rows: list[tuple[str, ...]] = []
    for item in inp.items:
        for c in item.assessment.plan.controls:
            if c.stage != "required_now" or c.evidence_status == "done":
                continue
            deadline = c.earliest_deadline.isoformat() if c.earliest_deadline else "—"
            status = w(f"ev_{c.evidence_status}", lang)
            rows.append((item.card.id, f"{c.title.get(lang)} ({c.id})", ", ".join(c.regimes), deadline, status))
    blocks: list[Block] = [Heading(w("gaps", lang), 2)]
    if not rows:
        return blocks + [Paragraph(w("no_gaps", lang))]
    header: tuple[str, ...] = (w("system_id", lang), w("control", lang), w("serves", lang), w("deadline", lang))
    header += (w("evidence_status", lang),)
    return blocks + [Table(header, tuple(rows[:MAX_ROWS]))] + _truncated(rows, lang)


def build_portfolio(inp: PortfolioInput, lang: str) -> Document:
    count = f"{len(inp.items)} {w('portfolio_systems', lang)}"
    doc = Document(kind="portfolio", lang=lang, title=w("portfolio_title", lang), subtitle=count)
    doc.meta = [(w("as_of", lang), inp.as_of.isoformat())]
    doc.extend(distribution(inp, lang))
    doc.extend(systems(inp, lang))
    doc.extend(deadlines(inp, lang))
    doc.extend(gaps(inp, lang))
    if inp.skipped:
        header = (w("file", lang), w("error", lang))
        doc.add(Heading(w("skipped_cards", lang), 2), Table(header, inp.skipped))
    doc.disclaimer = w("disclaimer", lang)
    doc.data = {"systems": [{"id": i.card.id, **i.assessment.to_dict(lang)} for i in inp.items]}
    return doc
