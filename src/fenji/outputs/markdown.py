from __future__ import annotations

from fenji.outputs.base import Item, ui


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(items: list[Item], lang: str) -> str:
    out: list[str] = []
    for item in items:
        a = item.assessment
        out.append(f"# {_cell(a.system_name)} (`{a.system_id}`)")
        out.append("")
        out.append(f"{ui('as_of', lang)} {a.as_of.isoformat()}")
        out.append("")
        out.append(
            f"| {ui('regime', lang)} | {ui('tier', lang)} | {ui('status', lang)} | "
            f"{ui('labels', lang)} | {ui('roles', lang)} |"
        )
        out.append("|---|---|---|---|---|")
        for r in a.regimes.values():
            could = f" ({ui('could_be', lang)}: {', '.join(r.could_be)})" if r.could_be else ""
            out.append(
                f"| {r.title.get(lang)} | `{r.tier}` | {ui(r.status, lang)}{could} | "
                f"{', '.join(f'`{x}`' for x in r.labels)} | {', '.join(r.roles)} |"
            )
        for r in a.regimes.values():
            if r.applies is False:
                continue
            out.append("")
            out.append(f"## {r.title.get(lang)}")
            if r.obligations:
                out.append("")
                out.append(
                    f"| {ui('citation', lang)} | {ui('obligations', lang)} | {ui('addressee', lang)} | "
                    f"{ui('from', lang)} | {ui('status', lang)} |"
                )
                out.append("|---|---|---|---|---|")
                for ob in r.obligations:
                    out.append(
                        f"| {_cell(ob.citation)} | {_cell(ob.title.get(lang))} | {ob.addressee} | "
                        f"{ob.applies_from.isoformat()} | {ob.status.value} |"
                    )
            if r.pending:
                out.append("")
                out.append(f"**{ui('pending', lang)}:**")
                out.append("")
                for p in r.pending:
                    out.append(f"- `{p.fact}` — {_cell(p.question.get(lang))}")
            out.append("")
            out.append(f"<details><summary>{ui('trace', lang)}</summary>")
            out.append("")
            for t in r.trace:
                out.append(f"- {_cell(t.render(lang))}")
            out.append("")
            out.append("</details>")
        if a.plan.controls:
            out.append("")
            out.append(f"## {ui('plan', lang)}")
            out.append("")
            out.append(
                f"{len(a.plan.controls)} {ui('controls_for', lang)} {a.plan.obligation_count} "
                f"{ui('obligations_word', lang)}"
            )
            out.append("")
            for c in a.plan.controls:
                out.append(f"- **{_cell(c.title.get(lang))}** (`{c.id}`): {', '.join(c.satisfies)}")
        out.append("")
    out.append(f"_{ui('disclaimer', lang)}_")
    return "\n".join(out) + "\n"
