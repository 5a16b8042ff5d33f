"""Law-change impact: what changes for a card between two rule-pack versions or two dates. Pure.

For every regime: the tier change, the obligations gained, lost or moved in time, each with its
causes — the entries of the pack's CHANGELOG.md that name the rule (or the amending instrument in
the rule's citation) and what changed in the rule itself (its dates, condition or presence).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fenji.engine.evaluate import evaluate
from fenji.engine.loader import LoadedPack, PackSet
from fenji.model.card import Waiver
from fenji.model.diff import CardDiff, Cause, ChangelogEntry, ObligationChange, TierChange
from fenji.model.result import ObligationResult, RegimeResult, Status
from fenji.model.rule import Rule

VERSION_RE = re.compile(r"^## \[(?P<version>[^\]]+)\](?:\s*[-–]\s*(?P<date>\d{4}-\d{2}-\d{2}))?")
SUBSECTION_RE = re.compile(r"^### +(?P<name>.+?)\s*$")
INSTRUMENT_RE = re.compile(r"\b\d{4}/\d{1,5}\b")
PLANNED = (Status.APPLIES, Status.WAIVED)


@dataclass(frozen=True)
class Side:
    """One end of the comparison: the packs and the date the law is read at."""

    packs: PackSet
    as_of: dt.date


# --- changelog ------------------------------------------------------------------------------


def _date(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse_changelog(pack: str, text: str) -> list[ChangelogEntry]:
    """Bullets of a Keep-a-Changelog file; indented lines continue the bullet above."""
    entries: list[ChangelogEntry] = []
    version, date, section = "", None, ""
    bullet: list[str] = []

    def flush() -> None:
        if bullet and version:
            entries.append(ChangelogEntry(pack, version, date, section, " ".join(bullet)))
        bullet.clear()

    for line in text.splitlines():
        head = VERSION_RE.match(line)
        sub = SUBSECTION_RE.match(line)
        if head or sub:
            flush()
            if head:
                version, date, section = head["version"], _date(head["date"]), ""
            else:
                section = sub["name"] if sub else ""
        elif line.startswith(("- ", "* ")):
            flush()
            bullet.append(line[2:].strip())
        elif line.strip() and bullet and line[:1].isspace():
            bullet.append(line.strip().lstrip("-* ").strip())
        elif not line.strip():
            continue
        else:
            flush()
    flush()
    return entries


def relevant_entries(old: LoadedPack | None, new: LoadedPack | None) -> list[ChangelogEntry]:
    """Entries only one side's changelog has (all of the new one when the packs are the same)."""
    new_entries = parse_changelog(new.id, new.changelog) if new else []
    old_entries = parse_changelog(old.id, old.changelog) if old else []
    if old is new:
        return new_entries
    old_keys = {(e.version, e.text) for e in old_entries}
    new_keys = {(e.version, e.text) for e in new_entries}
    return [e for e in new_entries if (e.version, e.text) not in old_keys] + [
        e for e in old_entries if (e.version, e.text) not in new_keys
    ]


def _mentions(text: str, rule_id: str) -> bool:
    """The whole rule ID, or its short form after another ID of the same pack ("EU-AIA-ART8, -ART9")."""
    end = r"(?![A-Z0-9-]|\.[A-Z0-9])"
    if re.search(rf"(?<![A-Z0-9-]){re.escape(rule_id)}{end}", text):
        return True
    prefix, _, rest = rule_id.partition("-")
    juris, _, short = rest.partition("-")
    if not short or f"{prefix}-{juris}-" not in text:
        return False
    return re.search(rf"(?<![A-Za-z0-9-])-{re.escape(short)}{end}", text) is not None


def matching_entries(entries: Iterable[ChangelogEntry], rule_id: str, rules: Iterable[Rule]) -> list[ChangelogEntry]:
    """Entries naming the rule (or a rule replacing it); else the first naming the instrument that amended it."""
    rule_list = list(rules)
    keys = {rule_id} | {r for rule in rule_list for r in rule.replaced_by}
    entry_list = list(entries)
    named = [e for e in entry_list if any(_mentions(e.text, k) for k in keys)]
    if named:
        return named
    instruments = {m for rule in rule_list for m in INSTRUMENT_RE.findall(rule.citation.amended_by or "")}
    return [e for e in entry_list if any(i in e.text for i in instruments)][:1]


# --- rule changes -----------------------------------------------------------------------------

DATE_FIELDS = (("in_force_from", "in force from"), ("applies_from", "applies from"), ("superseded_on", "ends on"))


def _field_changes(old: Rule, new: Rule) -> list[str]:
    changes = [
        f"{name} {getattr(old, name)} → {getattr(new, name)}"
        for name in ("in_force_from", "applies_from", "superseded_on", "deprecated", "addressee")
        if getattr(old, name) != getattr(new, name)
    ]
    if old.date_overrides != new.date_overrides:
        changes.append(_override_change(old, new))
    if old.when != new.when:
        changes.append("condition changed")
    return changes


def _override_change(old: Rule, new: Rule) -> str:
    before = [o.applies_from for o in old.date_overrides]
    after = [o.applies_from for o in new.date_overrides]
    if len(before) == len(after) and before != after:
        pairs = [f"{a} → {b}" for a, b in zip(before, after, strict=True) if a != b]
        return "date override " + ", ".join(pairs)
    if before == after:
        return "date override conditions changed"
    return f"date overrides {', '.join(map(str, before)) or 'none'} → {', '.join(map(str, after)) or 'none'}"


def _dates_between(rule: Rule, start: dt.date, end: dt.date) -> list[str]:
    low, high = min(start, end), max(start, end)
    out = []
    for name, words in DATE_FIELDS:
        value = getattr(rule, name)
        if value is not None and low < value <= high:
            out.append(f"{words} {value}")
    for override in rule.date_overrides:
        if low < override.applies_from <= high:
            out.append(f"applies from {override.applies_from} where its override holds")
    return out


def rule_change(rule_id: str, old: Rule | None, new: Rule | None, old_date: dt.date, new_date: dt.date) -> str | None:
    """What changed in the rule itself between the two sides, in words."""
    if old is None and new is not None:
        return f"rule {rule_id} added (applies from {new.applies_from})"
    if new is None and old is not None:
        return f"rule {rule_id} removed"
    if old is None or new is None:
        return None
    changes = _field_changes(old, new) + _dates_between(new, old_date, new_date)
    return f"rule {rule_id}: " + "; ".join(changes) if changes else None


def _rule(lp: LoadedPack | None, rule_id: str) -> Rule | None:
    lr = lp.rules.get(rule_id) if lp else None
    return lr.rule if lr else None


def successors(rule: Rule, lps: Iterable[LoadedPack | None]) -> list[Rule]:
    """Rules that replace this one: listed in ``replaced_by``, or the same article taking over on the
    day this version ends."""
    out: list[Rule] = []
    for lp in lps:
        for lr in lp.rules.values() if lp else ():
            other = lr.rule
            named = other.id in rule.replaced_by
            takes_over = (
                rule.superseded_on is not None
                and other.effective_from == rule.superseded_on
                and other.citation.article == rule.citation.article
            )
            if other.id != rule.id and (named or takes_over) and other not in out:
                out.append(other)
    return out


def causes(
    rule_id: str, old_lp: LoadedPack | None, new_lp: LoadedPack | None, old: Side, new: Side
) -> tuple[Cause, ...]:
    old_rule, new_rule = _rule(old_lp, rule_id), _rule(new_lp, rule_id)
    rules = [r for r in (old_rule, new_rule) if r is not None]
    rules += [s for r in list(rules) for s in successors(r, (old_lp, new_lp)) if s not in rules]
    found = [Cause(e.label(), e) for e in matching_entries(relevant_entries(old_lp, new_lp), rule_id, rules)]
    described = rule_change(rule_id, old_rule, new_rule, old.as_of, new.as_of)
    if described:
        found.append(Cause(described))
    return tuple(found)


# --- comparison -------------------------------------------------------------------------------


def _planned(result: RegimeResult | None) -> dict[str, ObligationResult]:
    if result is None or result.applies is False:
        return {}
    return {o.id: o for o in result.obligations if o.status in PLANNED}


def _obligation_changes(
    regime: str, old_res: RegimeResult | None, new_res: RegimeResult | None, lps: tuple[Any, Any], old: Side, new: Side
) -> list[ObligationChange]:
    before, after = _planned(old_res), _planned(new_res)
    out = []
    for rule_id in sorted(set(before) | set(after)):
        was, now = before.get(rule_id), after.get(rule_id)
        if was and now and was.applies_from == now.applies_from:
            continue
        change = "gained" if was is None else "lost" if now is None else "moved"
        shown = now or was
        assert shown is not None
        out.append(
            ObligationChange(
                regime=regime,
                rule_id=rule_id,
                change=change,
                citation=shown.citation,
                title=shown.title,
                old_applies_from=was.applies_from if was else None,
                new_applies_from=now.applies_from if now else None,
                causes=causes(rule_id, lps[0], lps[1], old, new),
            )
        )
    return out


def _tier_rules(old_res: RegimeResult | None, new_res: RegimeResult | None, lps: tuple[Any, Any]) -> list[str]:
    """Classification rules whose outcome changed and that decide one of the two tiers."""
    old_status = old_res.rule_status if old_res else {}
    new_status = new_res.rule_status if new_res else {}
    tiers = {r.tier for r in (old_res, new_res) if r is not None}
    changed = []
    for rule_id in sorted(set(old_status) | set(new_status)):
        rule = _rule(lps[1], rule_id) or _rule(lps[0], rule_id)
        if rule is None or rule.kind != "classification" or old_status.get(rule_id) == new_status.get(rule_id):
            continue
        changed.append((rule_id, bool(rule.outcome and rule.outcome.tier in tiers)))
    deciding = [rid for rid, decides in changed if decides]
    return deciding or [rid for rid, _ in changed]


def _tier_change(
    regime: str, old_res: RegimeResult | None, new_res: RegimeResult | None, lps: tuple[Any, Any], old: Side, new: Side
) -> TierChange | None:
    old_key = (old_res.tier, old_res.applies) if old_res else (None, None)
    new_key = (new_res.tier, new_res.applies) if new_res else (None, None)
    if old_key == new_key:
        return None
    found: list[Cause] = []
    for rule_id in _tier_rules(old_res, new_res, lps):
        found.extend(c for c in causes(rule_id, lps[0], lps[1], old, new) if c not in found)
    return TierChange(regime, old_key[0], new_key[0], old_key[1], new_key[1], tuple(found))


def diff_card(
    facts: Mapping[str, Any],
    old: Side,
    new: Side,
    waivers: Iterable[Waiver] = (),
    *,
    system_id: str = "",
    system_name: str = "",
) -> CardDiff:
    waiver_list = list(waivers)
    before = evaluate(old.packs, facts, old.as_of, waiver_list)
    after = evaluate(new.packs, facts, new.as_of, waiver_list)
    result = CardDiff(system_id=system_id, system_name=system_name)
    for regime in list(dict.fromkeys([*after, *before])):
        lps = (old.packs.packs.get(regime), new.packs.packs.get(regime))
        tier = _tier_change(regime, before.get(regime), after.get(regime), lps, old, new)
        if tier:
            result.tier_changes.append(tier)
        result.obligation_changes.extend(
            _obligation_changes(regime, before.get(regime), after.get(regime), lps, old, new)
        )
    return result
