"""Renderers of a card's timeline (``fenji timeline``): text and JSON. Pure; model only."""

from __future__ import annotations

import json

from fenji.model.timeline import Timeline, TimelineEvent
from fenji.outputs.base import ui

WORDS: dict[str, dict[str, str]] = {
    "timeline_as_of": {"en": "timeline as of", "zh": "时间线，评估基准日"},
    "past": {"en": "past", "zh": "已过去"},
    "current": {"en": "current", "zh": "当前适用"},
    "upcoming": {"en": "upcoming", "zh": "即将适用"},
    "applies": {"en": "applies", "zh": "开始适用"},
    "ends": {"en": "ends", "zh": "终止适用"},
    "lapsed": {"en": "lapsed", "zh": "未生效即废止"},
    "due": {"en": "due", "zh": "截止"},
    "tier": {"en": "tier", "zh": "等级"},
    "undated": {
        "en": "relative deadlines, not dated (they run from an event or a date the card does not give)",
        "zh": "相对期限，尚无具体日期（自某一事件或系统卡未提供的日期起算）",
    },
    "answer": {"en": "answer", "zh": "请回答"},
    "nothing": {"en": "no dated obligations", "zh": "没有带日期的义务"},
}
STATUS_MARK = {"indeterminate": " (?)", "waived": " (~)"}


def word(key: str, lang: str) -> str:
    return WORDS[key]["zh" if lang == "zh" else "en"]


def _event_line(event: TimelineEvent, lang: str) -> str:
    head = f"  {event.date.isoformat()}  {word(event.phase, lang):<9} {word(event.kind, lang):<8}"
    if event.kind == "tier":
        note = f" ({event.note.get(lang)})" if event.note else ""
        return f"{head} {event.title.get(lang)}{note}"
    mark = STATUS_MARK.get(event.status, "")
    who = f" [{event.addressee}]" if event.addressee else ""
    return f"{head} {event.citation} — {event.title.get(lang)}{who}{mark}"


def timeline_text(timeline: Timeline, lang: str) -> list[str]:
    out = [f"{timeline.system_name} ({timeline.system_id}) — {word('timeline_as_of', lang)} {timeline.as_of}"]
    by_regime = timeline.by_regime()
    if not by_regime:
        out.append(f"  {word('nothing', lang)}")
    for regime, events in by_regime.items():
        title = timeline.regime_titles.get(regime)
        out.append(f"{title.get(lang) if title else regime} [{regime}]")
        out.extend(_event_line(e, lang) for e in events)
    if timeline.undated:
        out.append(f"{word('undated', lang)}:")
        for u in timeline.undated:
            needs = f" — {word('answer', lang)} {u.needs_fact}" if u.needs_fact else ""
            out.append(f"  - {u.citation} ({u.regime}): {u.due.get(lang)}{needs}")
    out.append("")
    return out


def render_timeline_text(timelines: list[Timeline], lang: str) -> str:
    out: list[str] = []
    for timeline in timelines:
        out.extend(timeline_text(timeline, lang))
    out.append(ui("disclaimer", lang))
    return "\n".join(out) + "\n"


def render_timeline_json(timelines: list[Timeline], lang: str) -> str:
    docs = [t.to_dict() for t in timelines]
    return json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2) + "\n"
