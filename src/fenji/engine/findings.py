"""Findings for the CI gate (``fenji check``): what in an assessment is at or above a threshold."""

from __future__ import annotations

from collections.abc import Iterable

from fenji.engine.loader import PackSet
from fenji.model.card import SystemCard
from fenji.model.facts import Text
from fenji.model.result import Assessment, Finding, Status

ALWAYS_FAIL = ("expired_waiver", "missing_evidence")


def _line(card: SystemCard, facts: Iterable[str]) -> int | None:
    for fact in facts:
        if fact in card.lines:
            return card.lines[fact]
    return None


def findings(card: SystemCard, assessment: Assessment, packs: PackSet, require_evidence: bool = False) -> list[Finding]:
    out: list[Finding] = []
    for regime_id, result in assessment.regimes.items():
        lp = packs.packs[regime_id]
        tiers = {t.id: t for t in lp.pack.tiers}
        tier_def = tiers.get(result.tier)
        if tier_def is not None and result.applies is not False and tier_def.severity != "none":
            rules = [
                rid for rid in lp.rules_by_tier.get(result.tier, ()) if result.rule_status.get(rid) is Status.APPLIES
            ]
            rule_id = rules[0] if rules else f"{regime_id}:{result.tier}"
            lr = lp.rules.get(rule_id)
            out.append(
                Finding(
                    card=card,
                    regime=regime_id,
                    rule_id=rule_id,
                    severity=tier_def.severity,
                    kind="tier",
                    message=Text(
                        f"{lp.pack.title.en}: tier {result.tier} ({', '.join(result.labels) or 'no label'})",
                        f"{lp.pack.title.zh}：等级 {tier_def.title.zh}（{', '.join(result.labels) or '无标签'}）",
                    ),
                    help_uri=lr.rule.citation.url if lr else None,
                    line=_line(card, sorted(lr.facts)) if lr else None,
                )
            )
        for tier in result.could_be:
            could = tiers[tier]
            if could.severity == "none":
                continue
            facts = [p.fact for p in result.pending]
            out.append(
                Finding(
                    card=card,
                    regime=regime_id,
                    rule_id=f"{regime_id}:could_be:{tier}",
                    severity=could.severity,
                    kind="provisional",
                    message=Text(
                        f"{lp.pack.title.en}: provisional, could still be {tier}; answer: {', '.join(facts[:5])}",
                        f"{lp.pack.title.zh}：暂定结果，仍可能为{could.title.zh}；请回答：{', '.join(facts[:5])}",
                    ),
                )
            )
    if require_evidence:
        for control in assessment.plan.controls:
            if control.required_now and control.evidence_status != "done":
                out.append(
                    Finding(
                        card=card,
                        regime=control.regimes[0],
                        rule_id=f"control:{control.id}",
                        severity="high",
                        kind="missing_evidence",
                        message=Text(
                            f"required control {control.id} has no done evidence ({control.evidence_status}; "
                            f"serves {', '.join(control.satisfies)})",
                            f"必需控制项 {control.id} 缺少已完成的证据（{control.evidence_status}；"
                            f"对应 {', '.join(control.satisfies)}）",
                        ),
                    )
                )
    for waiver in card.waivers:
        if waiver.expires < assessment.as_of:
            out.append(
                Finding(
                    card=card,
                    regime="waivers",
                    rule_id=waiver.rule,
                    severity="prohibited",
                    kind="expired_waiver",
                    message=Text(
                        f"waiver for {waiver.rule} expired on {waiver.expires.isoformat()}",
                        f"{waiver.rule} 的豁免已于 {waiver.expires.isoformat()} 到期",
                    ),
                )
            )
    return out


def exit_code(all_findings: Iterable[Finding], fail_on: str) -> int:
    return 1 if any(f.at_or_above(fail_on) or f.kind in ALWAYS_FAIL for f in all_findings) else 0
