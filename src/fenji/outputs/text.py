from __future__ import annotations

from fenji.model.result import ObligationResult, RegimeResult, Status
from fenji.outputs.base import Item, ui


def _obligation_line(ob: ObligationResult, lang: str, as_of_iso: str) -> str:
    when = (
        ui("in_application", lang)
        if ob.applies_from.isoformat() <= as_of_iso
        else f"{ui('from', lang)} {ob.applies_from.isoformat()}"
    )
    mark = {"applies": "•", "indeterminate": "?", "waived": "~"}.get(ob.status.value, "•")
    line = f"    {mark} {ob.citation} — {ob.title.get(lang)} [{ob.addressee}; {when}]"
    if ob.status is Status.INDETERMINATE:
        line += f" ({ui('indeterminate', lang)}: {', '.join(ob.missing[:3])})"
    if ob.status is Status.WAIVED:
        line += f" ({ui('waived', lang)}: {ob.waiver_reason})"
    if ob.due_date:
        line += f" {ui('due', lang)} {ob.due_date.isoformat()}"
    if ob.lighter_path:
        line += f"\n        {ui('lighter', lang)}: {ob.lighter_path.get(lang)}"
    return line


def _regime(result: RegimeResult, lang: str, as_of_iso: str) -> list[str]:
    status = ui(result.status, lang)
    head = f"{result.title.get(lang)} [{result.regime}]: {result.tier.upper()} ({status})"
    lines = [head]
    if result.applies is None:
        lines.append(f"  {ui('applies_null', lang)}")
    if result.labels:
        lines.append(f"  {ui('labels', lang)}: {', '.join(result.labels)}")
    if result.roles:
        lines.append(f"  {ui('roles', lang)}: {', '.join(result.roles)}")
    if result.could_be:
        lines.append(f"  {ui('could_be', lang)}: {', '.join(result.could_be)}")
    if result.obligations:
        lines.append(f"  {ui('obligations', lang)} ({len(result.obligations)}):")
        lines.extend(_obligation_line(ob, lang, as_of_iso) for ob in result.obligations)
    if result.pending:
        lines.append(f"  {ui('pending', lang)}:")
        for p in result.pending[:8]:
            lines.append(f"    - {p.fact}: {p.question.get(lang)}")
        if len(result.pending) > 8:
            lines.append(f"    … (+{len(result.pending) - 8})")
    return lines


def render_text(items: list[Item], lang: str) -> str:
    out: list[str] = []
    for item in items:
        a = item.assessment
        out.append(f"{a.system_name} ({a.system_id}) — {ui('as_of', lang)} {a.as_of.isoformat()}")
        for result in a.regimes.values():
            out.extend(_regime(result, lang, a.as_of.isoformat()))
        plan = a.plan
        if plan.controls:
            out.append(
                f"{ui('plan', lang)}: {len(plan.controls)} {ui('controls_for', lang)} "
                f"{plan.obligation_count} {ui('obligations_word', lang)}"
            )
        out.append("")
    out.append(ui("disclaimer", lang))
    return "\n".join(out) + "\n"
