"""The one-stop plan: every obligation of every regime mapped onto common controls, each
control listed once with all the obligations it satisfies. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from fenji.engine.loader import ControlCatalogue
from fenji.model.card import Evidence
from fenji.model.facts import Text
from fenji.model.result import Plan, PlanControl, RegimeResult, Status


@dataclass
class _Acc:
    satisfies: set[str] = field(default_factory=set)
    regimes: list[str] = field(default_factory=list)
    addressees: list[str] = field(default_factory=list)
    earliest: dt.date | None = None


def build_plan(
    regimes: Mapping[str, RegimeResult],
    catalogue: ControlCatalogue,
    evidence: Iterable[Evidence] = (),
) -> Plan:
    """Group applying obligations by control; indeterminate ones are not planned yet."""
    by_control: dict[str, _Acc] = {}
    count = 0
    for regime_id, result in regimes.items():
        for ob in result.obligations:
            if ob.status not in (Status.APPLIES, Status.WAIVED):
                continue
            count += 1
            for control_id in ob.controls:
                acc = by_control.setdefault(control_id, _Acc())
                acc.satisfies.add(ob.id)
                if regime_id not in acc.regimes:
                    acc.regimes.append(regime_id)
                if ob.addressee not in acc.addressees:
                    acc.addressees.append(ob.addressee)
                if acc.earliest is None or ob.applies_from < acc.earliest:
                    acc.earliest = ob.applies_from
    evidence_by_control: dict[str, list[Evidence]] = {}
    for item in evidence:
        evidence_by_control.setdefault(item.control, []).append(item)
    controls: list[PlanControl] = []
    for control_id, acc in by_control.items():
        control = catalogue.controls[control_id]
        items = evidence_by_control.get(control_id, [])
        done = [e for e in items if e.status == "done"]
        status = "done" if done else ("in_progress" if items else "missing")
        controls.append(
            PlanControl(
                id=control_id,
                title=control.title,
                family=control.family,
                satisfies=tuple(sorted(acc.satisfies)),
                regimes=tuple(acc.regimes),
                addressees=tuple(acc.addressees),
                earliest_applies_from=acc.earliest,
                evidence=tuple(e.ref for e in items),
                evidence_status=status,
                guidance=Text(control.evidence.en, control.evidence.zh) if control.evidence.en else None,
            )
        )
    controls.sort(key=lambda c: (c.earliest_applies_from or dt.date.max, c.id))
    return Plan(controls=controls, obligation_count=count)
