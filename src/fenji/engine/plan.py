"""The one-stop plan: every obligation of every regime mapped onto common controls, each
control listed once with all the obligations it satisfies, the evidence that proves it, the
strictest requirement among the regimes that apply, and the known conflicts between regimes. Pure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from fenji.engine.crosswalk import ConflictDef, ConflictSideDef, Crosswalk
from fenji.engine.loader import ControlCatalogue
from fenji.model.card import Evidence
from fenji.model.controls import strictest_first
from fenji.model.facts import Text
from fenji.model.plan import (
    REQUIRED_STATUS,
    ConflictSide,
    Plan,
    PlanConflict,
    PlanControl,
    PlanObligation,
)
from fenji.model.result import ObligationResult, RegimeResult, Status

PLANNED = (Status.APPLIES, Status.WAIVED)
EVIDENCE_RANK = ("done", "in_progress", "planned", "expired")
STAGE_ORDER = {"required_now": 0, "later": 1, "voluntary": 2, "waived": 3}


def _plan_obligation(regime: str, ob: ObligationResult) -> PlanObligation:
    return PlanObligation(
        id=ob.id,
        regime=regime,
        citation=ob.citation,
        addressee=ob.addressee,
        status=ob.status.value,
        applies_from=ob.applies_from,
        superseded_on=ob.superseded_on,
        title=ob.title,
        due_date=ob.due_date,
        lighter_path=ob.lighter_path,
        soft_law=ob.soft_law,
    )


def obligations_by_control(regimes: Mapping[str, RegimeResult]) -> dict[str, list[PlanObligation]]:
    """Applying (or waived) obligations grouped by control, in pack and rule order."""
    out: dict[str, list[PlanObligation]] = {}
    for regime_id, result in regimes.items():
        for ob in result.obligations:
            if ob.status not in PLANNED:
                continue
            planned = _plan_obligation(regime_id, ob)
            for control_id in ob.controls:
                out.setdefault(control_id, []).append(planned)
    return out


def evidence_status(items: Iterable[Evidence]) -> str:
    statuses = {e.status for e in items}
    return next((s for s in EVIDENCE_RANK if s in statuses), "missing")


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _required_now(obligations: Iterable[PlanObligation], as_of: dt.date | None) -> bool:
    return any(o.required and (as_of is None or o.in_application(as_of)) for o in obligations)


def _control(
    control_id: str,
    obligations: list[PlanObligation],
    catalogue: ControlCatalogue,
    evidence: list[Evidence],
    crosswalk: Crosswalk | None,
    as_of: dt.date | None,
) -> PlanControl:
    control = catalogue.controls[control_id]
    regimes = _unique(o.regime for o in obligations)
    sources = crosswalk.sources(control_id) if crosswalk else ()
    return PlanControl(
        id=control_id,
        title=control.title,
        family=control.family,
        satisfies=tuple(sorted({o.id for o in obligations})),
        regimes=regimes,
        addressees=_unique(o.addressee for o in obligations),
        earliest_applies_from=min(o.applies_from for o in obligations),
        evidence=tuple(e.ref for e in evidence),
        evidence_status=evidence_status(evidence),
        guidance=Text(control.evidence.en, control.evidence.zh) if control.evidence.en else None,
        obligations=tuple(obligations),
        evidence_items=tuple(evidence),
        strictest=control.strictest,
        sources=strictest_first(tuple(s for s in sources if s.regime in regimes)),
        required_now=_required_now(obligations, as_of),
    )


def _side(
    side: ConflictSideDef, by_control: Mapping[str, list[PlanObligation]], facts: Mapping[str, Any]
) -> ConflictSide | None:
    """The side as it holds for the card, or None when it does not hold."""
    matched = [
        o
        for control_id in side.controls
        for o in by_control.get(control_id, ())
        if o.status == REQUIRED_STATUS and side.covers_regime(o.regime) and o.id not in side.except_rules
    ]
    if side.controls and not matched:
        return None
    if side.node is not None and side.node.ev(facts, {}, None) is not True:
        return None
    return ConflictSide(
        citation=side.citation,
        requirement=side.requirement,
        obligations=_unique(o.id for o in matched),
        citations=_unique(o.citation for o in matched),
    )


def find_conflicts(
    conflicts: Iterable[ConflictDef], by_control: Mapping[str, list[PlanObligation]], facts: Mapping[str, Any]
) -> list[PlanConflict]:
    """The known conflicts whose two sides both hold for the card."""
    out = []
    for conflict in conflicts:
        sides = [_side(s, by_control, facts) for s in conflict.sides]
        if all(s is not None for s in sides):
            held = tuple(s for s in sides if s is not None)
            out.append(PlanConflict(id=conflict.id, title=conflict.title, resolution=conflict.resolution, sides=held))
    return out


def build_plan(
    regimes: Mapping[str, RegimeResult],
    catalogue: ControlCatalogue,
    evidence: Iterable[Evidence] = (),
    *,
    crosswalk: Crosswalk | None = None,
    facts: Mapping[str, Any] | None = None,
    as_of: dt.date | None = None,
) -> Plan:
    """Group applying obligations by control; indeterminate ones are not planned yet."""
    by_control = obligations_by_control(regimes)
    evidence_by_control: dict[str, list[Evidence]] = {}
    for item in evidence:
        evidence_by_control.setdefault(item.control, []).append(item)
    controls = [
        _control(cid, obs, catalogue, evidence_by_control.get(cid, []), crosswalk, as_of)
        for cid, obs in by_control.items()
    ]
    controls.sort(key=lambda c: (STAGE_ORDER.get(c.stage, 9), c.earliest_deadline or dt.date.max, c.id))
    count = len({(o.regime, o.id) for obs in by_control.values() for o in obs})
    return Plan(
        controls=controls,
        obligation_count=count,
        conflicts=find_conflicts(crosswalk.conflicts, by_control, facts or {}) if crosswalk else [],
        as_of=as_of,
        unmatched_evidence=[e for e in evidence if e.control not in by_control],
    )
