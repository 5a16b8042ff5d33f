"""Renderers of the one-stop plan (``fenji plan``): text, Markdown and JSON, plus the reduction table
for the docs. Pure; model only."""

from __future__ import annotations

import json
from typing import Any

from fenji.model.plan import Plan, PlanConflict, PlanControl
from fenji.model.result import SCHEMA_VERSION
from fenji.outputs.base import Item, ui

WORDS: dict[str, dict[str, str]] = {
    "plan_as_of": {"en": "one-stop compliance plan as of", "zh": "一站式合规计划，评估基准日"},
    "serves": {"en": "serves", "zh": "服务于"},
    "deadline": {"en": "earliest deadline", "zh": "最早期限"},
    "evidence": {"en": "evidence", "zh": "证据"},
    "proof": {"en": "evidence that would prove it", "zh": "可证明该控制的证据"},
    "strictest": {"en": "strictest requirement", "zh": "最严格要求"},
    "conflicts": {"en": "conflicts between regimes", "zh": "法规之间的冲突"},
    "resolution": {"en": "how to handle it", "zh": "处理建议"},
    "small_firm": {"en": "small-firm path", "zh": "中小企业简化路径"},
    "required_now": {"en": "required now", "zh": "当前必需"},
    "later": {"en": "not yet in application", "zh": "尚未适用"},
    "voluntary": {"en": "voluntary framework only", "zh": "仅自愿性框架"},
    "waived": {"en": "waived", "zh": "已豁免"},
    "voluntary_mark": {"en": "voluntary", "zh": "自愿"},
    "no_plan": {"en": "no applying obligations, nothing to plan", "zh": "没有适用的义务，无需制定计划"},
    "unmatched": {"en": "evidence for controls not in this plan", "zh": "与本计划控制项不对应的证据"},
    "control": {"en": "control", "zh": "控制项"},
    "family": {"en": "family", "zh": "类别"},
    "regimes": {"en": "regimes", "zh": "法规"},
    "obligations": {"en": "obligations", "zh": "义务"},
}
MARK = {"done": "[x]", "in_progress": "[~]", "planned": "[ ]", "expired": "[!]", "missing": "[ ]"}


def word(key: str, lang: str) -> str:
    return WORDS[key]["zh" if lang == "zh" else "en"]


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


# --- text ---------------------------------------------------------------------------------------


def _control_text(c: PlanControl, lang: str) -> list[str]:
    when = word(c.stage, lang)
    deadline = c.earliest_deadline.isoformat() if c.earliest_deadline else "—"
    lines = [
        f"{MARK.get(c.evidence_status, '[ ]')} {c.title.get(lang)} ({c.id})",
        f"    {word('serves', lang)} {', '.join(c.regimes)}; {word('deadline', lang)} {deadline} ({when}); "
        f"{word('evidence', lang)}: {c.evidence_status}",
    ]
    for ob in c.obligations:
        tags = [ob.regime, ob.addressee, ob.deadline.isoformat()] + (
            [word("voluntary_mark", lang)] if ob.soft_law else []
        )
        lines.append(f"    - {ob.citation} [{'; '.join(tags)}] {ob.title.get(lang)}")
    for item in c.evidence_items:
        lines.append(f"    * {item.ref} ({item.status}{', ' + item.owner if item.owner else ''})")
    if c.guidance:
        lines.append(f"    {word('proof', lang)}: {c.guidance.get(lang)}")
    if c.sources:
        lines.append(f"    {word('strictest', lang)}:")
        lines.extend(f"      · {s.citation} ({s.regime}): {s.requirement.get(lang)}" for s in c.sources)
    for ob in c.lighter_paths:
        lines.append(
            f"    {ui('lighter', lang)} ({ob.citation}): {ob.lighter_path.get(lang) if ob.lighter_path else ''}"
        )
    return lines


def _conflict_text(conflict: PlanConflict, lang: str) -> list[str]:
    lines = [f"  ! {conflict.title.get(lang)} ({conflict.id})"]
    for side in conflict.sides:
        cites = f" — {'; '.join(side.citations)}" if side.citations else ""
        lines.append(f"    - {side.citation}{cites}: {side.requirement.get(lang)}")
    lines.append(f"    {word('resolution', lang)}: {conflict.resolution.get(lang)}")
    return lines


def plan_text(name: str, system_id: str, as_of: str, plan: Plan, lang: str) -> list[str]:
    out = [f"{name} ({system_id}) — {word('plan_as_of', lang)} {as_of}"]
    if not plan.controls:
        return out + [f"  {word('no_plan', lang)}", ""]
    out.append(plan.reduction.text(lang))
    out.append("")
    for control in plan.controls:
        out.extend(_control_text(control, lang))
    if plan.conflicts:
        out.append("")
        out.append(f"{word('conflicts', lang)} ({len(plan.conflicts)}):")
        for conflict in plan.conflicts:
            out.extend(_conflict_text(conflict, lang))
    if plan.unmatched_evidence:
        out.append(f"{word('unmatched', lang)}: " + ", ".join(f"{e.control}={e.ref}" for e in plan.unmatched_evidence))
    out.append("")
    return out


def render_plan_text(items: list[Item], lang: str) -> str:
    out: list[str] = []
    for item in items:
        a = item.assessment
        out.extend(plan_text(a.system_name, a.system_id, a.as_of.isoformat(), a.plan, lang))
    out.append(ui("disclaimer", lang))
    return "\n".join(out) + "\n"


# --- markdown -----------------------------------------------------------------------------------


def _voluntary(soft_law: bool, lang: str) -> str:
    return f" ({word('voluntary_mark', lang)})" if soft_law else ""


def _control_md(c: PlanControl, lang: str) -> list[str]:
    deadline = c.earliest_deadline.isoformat() if c.earliest_deadline else "—"
    when = word(c.stage, lang)
    lines = [
        f"### {_md(c.title.get(lang))} (`{c.id}`)",
        "",
        f"{word('serves', lang)} {', '.join(f'`{r}`' for r in c.regimes)} · {word('deadline', lang)} {deadline} "
        f"({when}) · {word('evidence', lang)}: **{c.evidence_status}**",
        "",
        f"| {ui('citation', lang)} | {word('obligations', lang)} | {ui('regime', lang)} | "
        f"{ui('addressee', lang)} | {ui('due', lang)} |",
        "|---|---|---|---|---|",
    ]
    for ob in c.obligations:
        lines.append(
            f"| {_md(ob.citation)} | {_md(ob.title.get(lang))}{_voluntary(ob.soft_law, lang)} | `{ob.regime}` | "
            f"{ob.addressee} | {ob.deadline.isoformat()} |"
        )
    lines.append("")
    if c.guidance:
        lines.append(f"- {word('proof', lang)}: {_md(c.guidance.get(lang))}")
    lines.extend(f"- {word('evidence', lang)}: `{e.ref}` ({e.status})" for e in c.evidence_items)
    lines.extend(f"- {word('strictest', lang)}: {s.citation} — {_md(s.requirement.get(lang))}" for s in c.sources)
    lines.extend(
        f"- {ui('lighter', lang)} ({ob.citation}): {_md(ob.lighter_path.get(lang))}"
        for ob in c.lighter_paths
        if ob.lighter_path
    )
    lines.append("")
    return lines


def _conflict_md(conflict: PlanConflict, lang: str) -> list[str]:
    lines = [f"- **{_md(conflict.title.get(lang))}** (`{conflict.id}`)"]
    for side in conflict.sides:
        cites = f" ({'; '.join(side.citations)})" if side.citations else ""
        lines.append(f"  - {side.citation}{cites}: {_md(side.requirement.get(lang))}")
    lines.append(f"  - {word('resolution', lang)}: {_md(conflict.resolution.get(lang))}")
    return lines


def render_plan_markdown(items: list[Item], lang: str) -> str:
    out: list[str] = []
    for item in items:
        a = item.assessment
        out.extend([f"# {_md(a.system_name)} (`{a.system_id}`)", "", f"{word('plan_as_of', lang)} {a.as_of}", ""])
        if not a.plan.controls:
            out.extend([word("no_plan", lang), ""])
            continue
        out.extend([f"**{a.plan.reduction.text(lang)}**", ""])
        for control in a.plan.controls:
            out.extend(_control_md(control, lang))
        if a.plan.conflicts:
            out.extend([f"## {word('conflicts', lang)}", ""])
            for conflict in a.plan.conflicts:
                out.extend(_conflict_md(conflict, lang))
            out.append("")
    out.append(f"_{ui('disclaimer', lang)}_")
    return "\n".join(out) + "\n"


# --- json ---------------------------------------------------------------------------------------


def plan_document(item: Item) -> dict[str, Any]:
    a = item.assessment
    return {
        "schema_version": SCHEMA_VERSION,
        "as_of": a.as_of.isoformat(),
        "packs": a.packs,
        "system": {"id": a.system_id, "name": a.system_name},
        "plan": a.plan.to_dict(),
    }


def render_plan_json(items: list[Item], lang: str) -> str:
    """One card: the plan document. Several: a list of them (like ``fenji assess``)."""
    docs = [plan_document(item) for item in items]
    body = docs[0] if len(docs) == 1 else docs
    return json.dumps(body, ensure_ascii=False, indent=2) + "\n"


PLAN_RENDERERS = {"text": render_plan_text, "markdown": render_plan_markdown, "json": render_plan_json}


# --- docs ---------------------------------------------------------------------------------------


def reduction_table(items: list[Item], card_names: list[str]) -> list[str]:
    """Markdown rows: the reduction per card, for all obligations and for binding law only."""
    lines = [
        "| card | regimes | obligations (voluntary) | controls | obligations per control "
        "| controls serving 2+ regimes | binding law: obligations → controls (2+ regimes) | conflicts "
        "| small-firm paths |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for item, name in zip(items, card_names, strict=True):
        plan = item.assessment.plan
        r = plan.reduction
        b = r.binding or r
        regimes = sorted({reg for c in plan.controls for reg in c.regimes})
        lines.append(
            f"| `{name}` | {', '.join(regimes) or '—'} | {r.obligations} ({r.voluntary}) | {r.controls} | {r.ratio} | "
            f"{r.shared_controls} | {b.obligations} → {b.controls} ({b.shared_controls}) | {len(plan.conflicts)} | "
            f"{len(plan.lighter_paths)} |"
        )
    return lines


def plan_reduction_doc(items: list[Item], card_names: list[str], as_of: str) -> str:
    """docs/plan.md: how the plan works and the reduction figures for the example cards."""
    total_obligations = sum(i.assessment.plan.reduction.obligations for i in items)
    total_controls = sum(i.assessment.plan.reduction.controls for i in items)
    lines = [
        "# The one-stop compliance plan",
        "",
        "Generated by `python -m fenji.docs` from the example cards. Do not edit.",
        "",
        "A firm should not build three compliance plans. `fenji plan` maps every obligation of every regime that",
        "applies to a card onto the common control catalogue (`src/fenji/rules/controls.yaml`) and lists each",
        "control once, with every obligation it satisfies across regimes, the addressees, the earliest deadline,",
        "the evidence linked in the card and the evidence that would prove it. Where regimes ask for the same",
        "control with different strength (log retention, incident deadlines, notice periods), the plan shows",
        "the sources of the regimes that apply, strictest first. Known conflicts between regimes",
        "(`src/fenji/rules/conflicts.yaml`, e.g. retention duties vs erasure rights) are listed when both sides",
        "hold, never hidden. Where the law gives small firms a lighter duty, the plan shows it with the citation.",
        "",
        "```",
        "fenji plan CARD… [--as-of YYYY-MM-DD] [--lang en|zh] [--format text|json|markdown]",
        "fenji timeline CARD [--as-of YYYY-MM-DD] [--format text|json]",
        "fenji diff --from-packs OLD_DIR --to-packs NEW_DIR CARD…   # or --from-date D1 --to-date D2",
        "fenji check CARD… --require-evidence     # fails on controls in application without done evidence",
        "fenji oscal catalog | fenji oscal plan CARD [--kind component-definition|profile]",
        "```",
        "",
        f"## Reduction for the example cards (law as of {as_of})",
        "",
        '"Obligations" counts the obligations that apply to the card (waived ones included), in brackets those',
        'from voluntary frameworks (NIST AI RMF) and recommended standards; "controls" counts the controls that',
        "satisfy them. The binding-law column leaves the voluntary ones out. Reproduce with",
        f"`fenji plan examples/cards/<card>.yaml --as-of {as_of} --format json` (see `plan.reduction`).",
        "",
        *reduction_table(items, card_names),
        "",
        f"All example cards together: {total_obligations} obligations, {total_controls} controls "
        "(a control counted once per card).",
        "",
    ]
    return "\n".join(lines)
