"""The timeline of one card: every dated obligation in order, per regime, past / current /
upcoming relative to ``as_of``. Pure.

The card is evaluated as of ``as_of`` and as of every date on which some rule starts, applies or
ends, so obligations and tier changes the law has already scheduled (e.g. the EU high-risk duties
postponed to 2027-12-02 / 2028-08-02, Colorado's ADMT law from 2027-01-01) show up as upcoming,
and superseded ones as past.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from fenji.engine.evaluate import evaluate
from fenji.engine.loader import PackSet
from fenji.model.card import Waiver
from fenji.model.facts import Text
from fenji.model.result import ObligationResult, RegimeResult, Status
from fenji.model.timeline import CURRENT, PAST, UPCOMING, Timeline, TimelineEvent, UndatedDeadline

Snapshot = dict[str, RegimeResult]


def change_dates(packs: PackSet) -> list[dt.date]:
    """Every date on which a rule enters into force, starts to apply, is overridden or ends."""
    dates: set[dt.date] = set()
    for _, lr in packs.all_rules():
        rule = lr.rule
        dates.update({rule.effective_from, rule.applies_from})
        dates.update(o.applies_from for o in rule.date_overrides)
        if rule.superseded_on:
            dates.add(rule.superseded_on)
    return sorted(dates)


def _applies_phase(ob: ObligationResult, as_of: dt.date) -> str:
    if ob.applies_from > as_of:
        return UPCOMING
    if ob.superseded_on is not None and ob.superseded_on <= as_of:
        return PAST
    return CURRENT


def _obligation_events(regime: str, ob: ObligationResult, as_of: dt.date) -> list[TimelineEvent]:
    common: dict[str, Any] = {
        "regime": regime,
        "title": ob.title,
        "citation": ob.citation,
        "rule_id": ob.id,
        "status": ob.status.value,
        "addressee": ob.addressee,
    }
    if ob.superseded_on is not None and ob.superseded_on <= ob.applies_from:
        phase = PAST if ob.superseded_on <= as_of else UPCOMING
        return [TimelineEvent(date=ob.superseded_on, kind="lapsed", phase=phase, **common)]
    events = [TimelineEvent(date=ob.applies_from, kind="applies", phase=_applies_phase(ob, as_of), **common)]
    if ob.superseded_on is not None:
        phase = PAST if ob.superseded_on <= as_of else UPCOMING
        events.append(TimelineEvent(date=ob.superseded_on, kind="ends", phase=phase, **common))
    if ob.due_date is not None:
        phase = PAST if ob.due_date < as_of else UPCOMING
        events.append(TimelineEvent(date=ob.due_date, kind="due", phase=phase, note=ob.due_text, **common))
    return events


def _tier_label(result: RegimeResult) -> str:
    return result.tier if result.applies is not False else f"{result.tier} (out of scope)"


def _tier_title(packs: PackSet, regime: str, tier: str) -> Text:
    titles = {t.id: t.title for t in packs.packs[regime].pack.tiers}
    title = titles.get(tier)
    return Text(f"Tier: {title.en if title else tier}", f"等级：{title.zh if title else tier}")


def _tier_events(
    packs: PackSet, regime: str, snapshots: list[tuple[dt.date, Snapshot]], as_of: dt.date
) -> list[TimelineEvent]:
    events: list[TimelineEvent] = []
    previous: str | None = None
    for date, snapshot in snapshots:
        result = snapshot.get(regime)
        if result is None:
            continue
        label = _tier_label(result)
        if previous is not None and label != previous:
            note = Text(f"{previous} → {label}", f"{previous} → {label}")
            title = _tier_title(packs, regime, result.tier)
            phase = UPCOMING if date > as_of else PAST
            events.append(
                TimelineEvent(date=date, regime=regime, kind="tier", phase=phase, title=title, status=label, note=note)
            )
        previous = label
    current = [e for e in events if e.phase == PAST]
    if current:
        last = current[-1]
        events[events.index(last)] = replace(last, phase=CURRENT)
    return events


def _undated(packs: PackSet, regime: str, ob: ObligationResult) -> UndatedDeadline | None:
    if ob.due_text is None or ob.due_date is not None:
        return None
    found = packs.rule(ob.id)
    due = found[1].rule.due if found else None
    return UndatedDeadline(
        regime=regime,
        rule_id=ob.id,
        citation=ob.citation,
        title=ob.title,
        due=ob.due_text,
        needs_fact=due.after_fact if due else None,
    )


def _first_seen(snapshots: Iterable[tuple[dt.date, Snapshot]]) -> dict[tuple[str, str], ObligationResult]:
    seen: dict[tuple[str, str], ObligationResult] = {}
    for _, snapshot in snapshots:
        for regime, result in snapshot.items():
            for ob in result.obligations:
                if ob.status is not Status.DOES_NOT_APPLY:
                    seen.setdefault((regime, ob.id), ob)
    return seen


def build_timeline(
    packs: PackSet,
    facts: Mapping[str, Any],
    as_of: dt.date,
    waivers: Iterable[Waiver] = (),
    *,
    system_id: str = "",
    system_name: str = "",
) -> Timeline:
    waiver_list = list(waivers)
    dates = sorted(set(change_dates(packs)) | {as_of})
    snapshots = [(d, evaluate(packs, facts, d, waiver_list)) for d in dates]
    at_as_of = next(s for d, s in snapshots if d == as_of)
    # the viewpoint's own result wins; other dates add what it does not show
    obligations = _first_seen([(as_of, at_as_of)] + snapshots)
    events: list[TimelineEvent] = []
    undated: list[UndatedDeadline] = []
    for (regime, _), ob in obligations.items():
        events.extend(_obligation_events(regime, ob, as_of))
        missing_date = _undated(packs, regime, ob)
        if missing_date:
            undated.append(missing_date)
    for regime in packs.packs:
        events.extend(_tier_events(packs, regime, snapshots, as_of))
    events.sort(key=TimelineEvent.sort_key)
    return Timeline(
        as_of=as_of,
        system_id=system_id,
        system_name=system_name,
        regime_titles={r: res.title for r, res in at_as_of.items()},
        events=events,
        undated=undated,
    )
