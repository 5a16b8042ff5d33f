"""Renderers of law-change impact (``fenji diff``): text, Markdown and JSON. Pure; model only."""

from __future__ import annotations

import json

from fenji.model.diff import Cause, DiffReport, ObligationChange, TierChange
from fenji.outputs.base import ui

WORDS: dict[str, dict[str, str]] = {
    "from_to": {"en": "law change", "zh": "法律变化"},
    "no_change": {"en": "no change", "zh": "无变化"},
    "tier": {"en": "tier", "zh": "等级"},
    "gained": {"en": "gained", "zh": "新增"},
    "lost": {"en": "lost", "zh": "不再适用"},
    "moved": {"en": "moved", "zh": "日期变化"},
    "because": {"en": "because", "zh": "原因"},
    "absent": {"en": "no pack", "zh": "无规则包"},
    "out": {"en": "out of scope", "zh": "不在适用范围内"},
}


def word(key: str, lang: str) -> str:
    return WORDS[key]["zh" if lang == "zh" else "en"]


MAX_CAUSE = 240


def _short(text: str) -> str:
    return text if len(text) <= MAX_CAUSE else text[: MAX_CAUSE - 1].rstrip() + "…"


def _causes(causes: tuple[Cause, ...], lang: str, indent: str) -> list[str]:
    return [f"{indent}{word('because', lang)}: {_short(c.text)}" for c in causes]


def _tier(t: TierChange, lang: str) -> list[str]:
    def show(tier: str | None, applies: bool | None) -> str:
        if tier is None:
            return word("absent", lang)
        return f"{tier} ({word('out', lang)})" if applies is False else tier

    head = f"  {t.regime}: {word('tier', lang)} {show(t.old_tier, t.old_applies)} → {show(t.new_tier, t.new_applies)}"
    return [head] + _causes(t.causes, lang, "      ")


def _obligation(c: ObligationChange, lang: str) -> list[str]:
    dates = {
        "gained": f"{c.new_applies_from}",
        "lost": f"{c.old_applies_from}",
        "moved": f"{c.old_applies_from} → {c.new_applies_from}",
    }[c.change]
    head = f"  {c.regime}: {word(c.change, lang)} {c.rule_id} [{c.citation}] {c.title.get(lang)} ({dates})"
    return [head] + _causes(c.causes, lang, "      ")


def render_diff_text(report: DiffReport, lang: str) -> str:
    out = [f"{word('from_to', lang)}: {report.old_label} → {report.new_label}", ""]
    for card in report.cards:
        out.append(f"{card.system_name} ({card.system_id})")
        if not card.changed:
            out.append(f"  {word('no_change', lang)}")
        for tier in card.tier_changes:
            out.extend(_tier(tier, lang))
        for change in card.obligation_changes:
            out.extend(_obligation(change, lang))
        out.append("")
    out.append(ui("disclaimer", lang))
    return "\n".join(out) + "\n"


def render_diff_markdown(report: DiffReport, lang: str) -> str:
    out = [f"# {word('from_to', lang)}: {report.old_label} → {report.new_label}", ""]
    for card in report.cards:
        out.extend([f"## {card.system_name} (`{card.system_id}`)", ""])
        if not card.changed:
            out.append(f"- {word('no_change', lang)}")
        lines = [line for t in card.tier_changes for line in _tier(t, lang)]
        lines += [line for c in card.obligation_changes for line in _obligation(c, lang)]
        out.extend(f"  - {line.strip()}" if line.startswith("      ") else f"- {line.strip()}" for line in lines)
        out.append("")
    out.append(f"_{ui('disclaimer', lang)}_")
    return "\n".join(out) + "\n"


def render_diff_json(report: DiffReport, lang: str) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


DIFF_RENDERERS = {"text": render_diff_text, "markdown": render_diff_markdown, "json": render_diff_json}
