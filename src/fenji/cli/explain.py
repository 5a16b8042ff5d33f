"""`fenji explain CARD --regime ID`: why the tier is what it is, and what would change it."""

from __future__ import annotations

from typing import Any

import click

from fenji import api
from fenji.errors import FenjiError
from fenji.model.facts import value_to_json
from fenji.model.result import Status

MAX_COUNTERFACTUALS = 12
WORDS: dict[str, tuple[str, str]] = {
    "header": (
        "{title} ({regime}), law as of {as_of}: {tier} — {status}",
        "{title}（{regime}），法律截至 {as_of}：{tier} — {status}",
    ),
    "labels": ("Labels: {labels}", "标签：{labels}"),
    "could_be": ("Could still be: {tiers}", "仍可能为：{tiers}"),
    "scope": ("Scope", "适用范围"),
    "why": ("Why this tier", "为何是该等级"),
    "default": (
        "No rule of a more severe tier applies, so the pack's default tier {tier} holds.",
        "没有更严重等级的规则适用，因此采用默认等级 {tier}。",
    ),
    "ruled_out": ("More severe tiers ruled out", "已排除的更严重等级"),
    "still_open": (
        "More severe tiers still open (answer these to settle it)",
        "仍未排除的更严重等级（回答以下问题即可确定）",
    ),
    "changes": ("What would change the tier", "什么会改变等级"),
    "none": ("No change of one or two answers would change the tier.", "改变一个或两个回答都不会改变等级。"),
    "more": ("… and {count} more", "……另有 {count} 项"),
    "if": ("if {changes}", "如果 {changes}"),
    "were": ("{fact} were {value}", "{fact} 为 {value}"),
    "and": (" and ", " 且 "),
    "now": ("{rules} would apply", "{rules} 将适用"),
    "no_longer": ("{rules} would no longer apply", "{rules} 将不再适用"),
    "determined": ("determined", "已确定"),
    "provisional": ("provisional", "暂定"),
    "unknown": ("unknown", "未知"),
    "colon": (": ", "："),
    "semicolon": ("; ", "；"),
    "aside": (" ({text})", "（{text}）"),
}
MARKS = {Status.APPLIES: "✓", Status.WAIVED: "✓", Status.DOES_NOT_APPLY: "✗", Status.INDETERMINATE: "?"}


def word(key: str, lang: str, **values: Any) -> str:
    en, zh = WORDS[key]
    return (zh if lang == "zh" else en).format(**values)


def _value(value: Any) -> str:
    out = value_to_json(value)
    if isinstance(out, list):
        return "[" + ", ".join(str(v) for v in out) + "]"
    if isinstance(out, bool):
        return "true" if out else "false"
    return str(out)


def reason_lines(reason: Any, lang: str) -> list[str]:
    head = f"  {MARKS[reason.status]} {reason.rule_id} [{reason.citation}] {reason.title.get(lang)}"
    lines = [head]
    if reason.status is Status.DOES_NOT_APPLY and reason.failed:
        lines.append(f"      {reason.failed}")
    elif reason.status is Status.INDETERMINATE and reason.missing:
        lines.append(f"      {word('unknown', lang)}: {', '.join(reason.missing)}")
    elif reason.facts_used:
        lines.append("      " + ", ".join(f"{fact} = {_value(v)}" for fact, v in reason.facts_used))
    return lines


def counterfactual_line(cf: Any, lang: str) -> str:
    changes = word("and", lang).join(word("were", lang, fact=c.fact, value=_value(c.after)) for c in cf.changes)
    effects = []
    if cf.no_longer_apply:
        effects.append(word("no_longer", lang, rules=", ".join(cf.no_longer_apply)))
    if cf.now_apply:
        effects.append(word("now", lang, rules=", ".join(cf.now_apply)))
    status = "" if cf.determined else word("aside", lang, text=word("provisional", lang))
    middle = word("colon", lang) + word("semicolon", lang).join(effects) if effects else ""
    return f"  • {word('if', lang, changes=changes)}{middle} → {cf.tier}{status}"


def render(explanation: api.Explanation, lang: str) -> str:
    result = explanation.result
    status = word("determined" if result.determined else "provisional", lang)
    header = word(
        "header",
        lang,
        title=explanation.title.get(lang),
        regime=explanation.regime,
        as_of=explanation.as_of.isoformat(),
        tier=result.tier,
        status=status,
    )
    lines = [header]
    if result.labels:
        lines.append(word("labels", lang, labels=", ".join(result.labels)))
    if result.could_be:
        lines.append(word("could_be", lang, tiers=", ".join(result.could_be)))
    lines += ["", word("scope", lang), *reason_lines(explanation.scope, lang)]
    lines += _why(explanation, lang) + _ruled_out(explanation, lang) + _changes(explanation, lang)
    return "\n".join(lines) + "\n"


def _why(explanation: api.Explanation, lang: str) -> list[str]:
    if explanation.result.applies is False:
        return []
    lines = ["", word("why", lang)]
    if not explanation.decided_by:
        return lines + [f"  {word('default', lang, tier=explanation.tier)}"]
    return lines + [line for r in explanation.decided_by for line in reason_lines(r, lang)]


def _ruled_out(explanation: api.Explanation, lang: str) -> list[str]:
    lines: list[str] = []
    if explanation.ruled_out:
        lines += ["", word("ruled_out", lang)] + [ln for r in explanation.ruled_out for ln in reason_lines(r, lang)]
    if explanation.still_open:
        lines += ["", word("still_open", lang)] + [ln for r in explanation.still_open for ln in reason_lines(r, lang)]
    return lines


def _changes(explanation: api.Explanation, lang: str) -> list[str]:
    found = explanation.counterfactuals
    lines = ["", word("changes", lang)]
    if not found:
        return lines + [f"  {word('none', lang)}"]
    lines += [counterfactual_line(cf, lang) for cf in found[:MAX_COUNTERFACTUALS]]
    if len(found) > MAX_COUNTERFACTUALS:
        lines.append(f"  {word('more', lang, count=len(found) - MAX_COUNTERFACTUALS)}")
    return lines


@click.command(name="explain")
@click.argument("card", type=click.Path(dir_okay=False))
@click.option("--regime", required=True, help="The regime to explain, e.g. eu_ai_act.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language.")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The law as it stands on this date (default: today).")
@click.option("--packs", "packs_dir", type=click.Path(exists=True, file_okay=False), help="Rule packs directory.")
def command(card: str, regime: str, lang: str, as_of: str | None, packs_dir: str | None) -> None:
    """Explain a regime's tier: the deciding rules with citations, and what would change it.

    Example:

        fenji explain examples/cards/eu-cv-screening.yaml --regime eu_ai_act
    """
    from fenji.cli import UserError, _as_of

    try:
        loaded = api.load_card(card)
        explanation = api.explain(loaded, regime, packs=api.packs_from(packs_dir), as_of=_as_of(as_of))
    except FenjiError as exc:
        raise UserError(exc) from None
    click.echo(render(explanation, lang), nl=False)
