"""The dashboard's chart, drawn on the server as SVG (no JavaScript): per regime, one bar split by tier,
coloured by the tier's severity, with the counts written in each segment and a legend."""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from fenji.web.i18n import Translate
from fenji.web.library import SEVERITIES, Catalog

COLOURS = {
    "prohibited": "#b3261e",
    "high": "#e8710a",
    "medium": "#f2c200",
    "low": "#4f8fd8",
    "none": "#9aa5b1",
}
TEXT_ON = {"prohibited": "#fff", "high": "#fff", "medium": "#222", "low": "#fff", "none": "#222"}


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def tier_chart(counts: dict[str, dict[str, int]], catalog: Catalog, lang: str, _: Translate) -> Markup:
    rows = [r for r in catalog.regimes.values() if counts.get(r.id)]
    label_w, bar_w, row_h, top = 200, 500, 26, 8
    legend_h = 24
    height = top + len(rows) * row_h + legend_h + 10
    width = label_w + bar_w + 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="chart-title">',
        f'<title id="chart-title">{escape(_("Systems by tier, per regime"))}</title>',
    ]
    if not rows:
        parts.append(f'<text x="8" y="24" class="chart-empty">{escape(_("No assessments yet."))}</text></svg>')
        return Markup("".join(parts))
    for i, regime in enumerate(rows):
        y = top + i * row_h
        tiers = counts[regime.id]
        total = sum(tiers.values())
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end" class="chart-label">'
            f"{escape(_fit(regime.title.short.get(lang), 26 if lang == 'en' else 14))}"
            f"<title>{escape(regime.title.get(lang))}</title></text>"
        )
        x = float(label_w)
        order = list(regime.tiers) + [t for t in tiers if t not in regime.tiers]
        for tier_id in order:
            n = tiers.get(tier_id, 0)
            if not n:
                continue
            info = regime.tier(tier_id)
            w = bar_w * n / total
            title = f"{info.title.get(lang)}: {n}"
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{max(w, 1):.1f}" height="{row_h - 6}" '
                f'fill="{COLOURS[info.severity]}" data-tier="{escape(tier_id)}"><title>{escape(title)}</title></rect>'
            )
            if w >= 22:
                parts.append(
                    f'<text x="{x + w / 2:.1f}" y="{y + 17}" text-anchor="middle" class="chart-count" '
                    f'fill="{TEXT_ON[info.severity]}">{n}</text>'
                )
            x += w
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 17}" class="chart-total">{total}</text>')
    ly = top + len(rows) * row_h + 16
    lx = label_w
    names = {
        "prohibited": _("prohibited"),
        "high": _("high risk"),
        "medium": _("medium"),
        "low": _("low"),
        "none": _("no or minimal duties"),
    }
    char_w = 7 if lang == "en" else 13
    for severity in SEVERITIES:
        parts.append(f'<rect x="{lx}" y="{ly - 10}" width="12" height="12" fill="{COLOURS[severity]}"/>')
        parts.append(f'<text x="{lx + 16}" y="{ly}" class="chart-legend">{escape(names[severity])}</text>')
        lx += 30 + char_w * len(names[severity])
    parts.append("</svg>")
    return Markup("".join(parts))
