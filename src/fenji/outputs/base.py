"""What every renderer receives, and the few UI words the renderers share."""

from __future__ import annotations

from dataclasses import dataclass, field

from fenji.model.card import SystemCard
from fenji.model.result import Assessment, Finding

UI: dict[str, dict[str, str]] = {
    "as_of": {"en": "as of", "zh": "评估基准日"},
    "determined": {"en": "determined", "zh": "已确定"},
    "provisional": {"en": "provisional", "zh": "暂定"},
    "labels": {"en": "labels", "zh": "标签"},
    "roles": {"en": "roles", "zh": "角色"},
    "could_be": {"en": "could still be", "zh": "仍可能为"},
    "obligations": {"en": "obligations", "zh": "义务"},
    "pending": {"en": "questions that would settle it", "zh": "待回答的问题"},
    "from": {"en": "from", "zh": "起适用"},
    "in_application": {"en": "in application", "zh": "已适用"},
    "upcoming": {"en": "upcoming", "zh": "尚未适用"},
    "not_applicable": {"en": "does not apply", "zh": "不适用"},
    "plan": {"en": "one-stop plan", "zh": "一站式合规计划"},
    "controls_for": {"en": "controls cover", "zh": "项控制覆盖"},
    "obligations_word": {"en": "obligations", "zh": "项义务"},
    "regime": {"en": "regime", "zh": "法规"},
    "tier": {"en": "tier", "zh": "等级"},
    "status": {"en": "status", "zh": "状态"},
    "addressee": {"en": "addressee", "zh": "义务主体"},
    "citation": {"en": "citation", "zh": "依据"},
    "indeterminate": {"en": "possibly", "zh": "可能适用"},
    "waived": {"en": "waived", "zh": "已豁免"},
    "due": {"en": "due", "zh": "截止"},
    "lighter": {"en": "lighter path", "zh": "简化路径"},
    "disclaimer": {
        "en": "fenji gives structured legal information, not legal advice.",
        "zh": "fenji 提供结构化的法律信息，不构成法律意见。",
    },
    "trace": {"en": "why", "zh": "判定依据"},
    "applies_null": {"en": "scope not yet known", "zh": "适用范围尚未确定"},
}


def ui(key: str, lang: str) -> str:
    return UI[key]["zh" if lang == "zh" else "en"]


@dataclass
class Item:
    card: SystemCard
    assessment: Assessment
    findings: list[Finding] = field(default_factory=list)
