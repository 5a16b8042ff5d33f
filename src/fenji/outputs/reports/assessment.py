"""The assessment report for one system: regimes x tier, then per regime the reasons with citations, the
obligations by addressee with deadlines, the one-stop plan with evidence status, open questions, pack versions
and digests, the as-of date and the not-legal-advice note."""

from __future__ import annotations

from collections.abc import Iterable

from fenji.model.facts import value_to_json
from fenji.model.plan import Plan, PlanControl
from fenji.model.result import ObligationResult, RegimeResult, RuleTrace, Status
from fenji.outputs.reports.context import ReportInput
from fenji.outputs.reports.document import Block, Bullets, Document, Heading, Paragraph, Table
from fenji.outputs.reports.tables import obligations_table
from fenji.outputs.reports.words import joiner, w, yes_no


def _applies(r: RegimeResult, lang: str) -> str:
    return yes_no(r.applies, lang)


def summary_table(inp: ReportInput, lang: str) -> Table:
    header: tuple[str, ...] = (w("regime", lang), w("applies", lang), w("tier", lang), w("status", lang))
    header += (w("labels", lang), w("roles", lang))
    rows = []
    for rid, r in inp.assessment.regimes.items():
        status = w(r.status, lang)
        if r.could_be:
            could = joiner(lang).join(inp.tier_title(rid, t, lang) for t in r.could_be)
            status += f"; {w('could_be', lang)}: {could}"
        roles = joiner(lang).join(inp.role_title(rid, x, lang) for x in r.roles) or "—"
        tier = inp.tier_title(rid, r.tier, lang)
        rows.append((r.title.get(lang), _applies(r, lang), tier, status, ", ".join(r.labels) or "—", roles))
    return Table(header, tuple(rows))


def _basis(t: RuleTrace, lang: str) -> str:
    if t.status is Status.INDETERMINATE and t.missing:
        return f"{w('missing_facts', lang)}: {', '.join(t.missing)}"
    if t.failed:
        return t.failed
    parts = []
    for key, value in t.facts_used.items():
        out = value_to_json(value)
        text = ",".join(str(x) for x in out) if isinstance(out, list) else str(out).lower()
        parts.append(f"{key}={text}")
    return "; ".join(parts) or "—"


def reasons_table(r: RegimeResult, lang: str) -> Table | None:
    obligation_ids = {ob.id for ob in r.obligations}
    rows = tuple(
        (w(f"st_{t.status.value}", lang), t.citation, t.title.get(lang), _basis(t, lang))
        for t in r.trace
        if t.rule_id not in obligation_ids
    )
    if not rows:
        return None
    return Table((w("status", lang), w("citation", lang), w("reason", lang), w("basis", lang)), rows)


def _by_addressee(obligations: Iterable[ObligationResult]) -> dict[str, list[ObligationResult]]:
    groups: dict[str, list[ObligationResult]] = {}
    for ob in sorted(obligations, key=lambda o: (o.addressee, o.due_date or o.applies_from, o.id)):
        groups.setdefault(ob.addressee, []).append(ob)
    return groups


def regime_blocks(inp: ReportInput, rid: str, r: RegimeResult, lang: str) -> list[Block]:
    tier = inp.tier_title(rid, r.tier, lang)
    blocks: list[Block] = [Heading(f"{r.title.get(lang)}: {tier}", 2)]
    blocks.append(Paragraph(f"{w('status', lang)}: {w(r.status, lang)}; {w('as_of', lang)} {inp.assessment.as_of}"))
    blocks.append(Heading(w("reasons", lang), 3))
    reasons = reasons_table(r, lang)
    if reasons is not None:
        blocks.append(reasons)
    blocks.append(Heading(w("obligations_by_addressee", lang), 3))
    if not r.obligations:
        blocks.append(Paragraph(w("no_obligations", lang), "note"))
    for addressee, obs in _by_addressee(r.obligations).items():
        blocks.append(Paragraph(f"{w('addressee', lang)}: {inp.role_title(rid, addressee, lang)}", "status"))
        blocks.append(obligations_table(obs, inp.assessment.as_of, lang, lambda a: inp.role_title(rid, a, lang)))
    if r.pending:
        blocks.append(Heading(w("pending", lang), 3))
        blocks.append(Bullets(tuple(f"{p.question.get(lang)} (`{p.fact}`)" for p in r.pending)))
    return blocks


def _control_row(c: PlanControl, lang: str) -> tuple[str, ...]:
    deadline = c.earliest_deadline.isoformat() if c.earliest_deadline else "—"
    evidence = "; ".join(e.ref for e in c.evidence_items) or "—"
    return (
        f"{c.title.get(lang)} ({c.id})",
        ", ".join(c.regimes),
        deadline,
        w(f"stage_{c.stage}", lang),
        w(f"ev_{c.evidence_status}", lang),
        evidence,
    )


def plan_blocks(plan: Plan, lang: str) -> list[Block]:
    blocks: list[Block] = [Heading(w("plan", lang), 2)]
    if not plan.controls:
        return blocks + [Paragraph(w("no_obligations", lang), "note")]
    blocks.append(Paragraph(plan.reduction.text(lang)))
    header: tuple[str, ...] = (w("control", lang), w("serves", lang), w("deadline", lang), w("stage", lang))
    header += (w("evidence_status", lang), w("evidence", lang))
    blocks.append(Table(header, tuple(_control_row(c, lang) for c in plan.controls)))
    if plan.conflicts:
        blocks.append(Heading(w("conflicts", lang), 3))
        items = [f"{c.title.get(lang)}: {w('resolution', lang)}: {c.resolution.get(lang)}" for c in plan.conflicts]
        blocks.append(Bullets(tuple(items)))
    return blocks


def pending_blocks(inp: ReportInput, lang: str) -> list[Block]:
    seen: dict[str, tuple[str, str, list[str]]] = {}
    for rid, r in inp.assessment.regimes.items():
        for p in r.pending:
            entry = seen.setdefault(p.fact, (p.question.get(lang), p.affects, []))
            entry[2].append(rid)
    if not seen:
        return []
    header = (w("fact", lang), w("question", lang), w("affects", lang), w("regime", lang))
    rows = tuple((fact, q, affects, ", ".join(regs)) for fact, (q, affects, regs) in seen.items())
    return [Heading(w("pending_all", lang), 2), Table(header, rows)]


def packs_table(inp: ReportInput, lang: str) -> Table:
    rows = tuple((pid, meta.get("version", ""), meta.get("digest", "")) for pid, meta in inp.assessment.packs.items())
    return Table((w("pack", lang), w("version", lang), w("digest", lang)), rows)


def build_assessment(inp: ReportInput, lang: str) -> Document:
    a = inp.assessment
    doc = Document(kind="assessment", lang=lang, title=w("assessment_title", lang), subtitle=f"{a.system_name}")
    doc.meta = [
        (w("system", lang), f"{a.system_name} ({a.system_id})"),
        (w("as_of", lang), a.as_of.isoformat()),
        (w("card_digest", lang), a.card_digest),
    ]
    if a.decision_id:
        doc.meta.append((w("decision_id", lang), a.decision_id))
    if inp.card.description:
        doc.add(Paragraph(inp.card.description))
    doc.add(Heading(w("summary", lang), 2), summary_table(inp, lang))
    off = [r.title.get(lang) for r in a.regimes.values() if r.applies is False]
    for rid, r in a.regimes.items():
        if r.applies is not False:
            doc.extend(regime_blocks(inp, rid, r, lang))
    if off:
        doc.add(Heading(w("not_applying", lang), 2), Bullets(tuple(off)))
    doc.extend(plan_blocks(a.plan, lang))
    doc.extend(pending_blocks(inp, lang))
    doc.add(Heading(w("packs", lang), 2), packs_table(inp, lang))
    doc.disclaimer = w("disclaimer", lang)
    doc.data = {"assessment": a.to_dict(lang)}
    return doc
