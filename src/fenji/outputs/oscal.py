"""OSCAL export (NIST Open Security Controls Assessment Language, JSON): the control catalogue as an
OSCAL *catalog*, and a card's plan as a *profile* (the controls it needs) or a *component definition*
(the system as a component implementing those controls, with the obligations each satisfies and the
evidence that proves it). Pure; model only. UUIDs are derived from names, so exports are stable.

Chinese text goes into properties in fenji's namespace (OSCAL has no bilingual fields).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from urllib.parse import quote

from fenji.model.controls import CatalogueControl, CatalogueView, ControlSource
from fenji.model.facts import Text
from fenji.model.plan import PlanControl
from fenji.model.result import Assessment

OSCAL_VERSION = "1.1.2"
NS = "urn:fenji:oscal"  # namespace of fenji-specific props and parts (a URI, not a web address)
UUID_NAMESPACE = uuid.UUID("6f1c0a52-3c1e-5b8e-9a57-2f0e6c1d9a40")
DEFAULT_CATALOG_HREF = "fenji-catalog.json"


def _uuid(*parts: str) -> str:
    return str(uuid.uuid5(UUID_NAMESPACE, ":".join(parts)))


def _timestamp(day: dt.date) -> str:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).isoformat()


def _prop(name: str, value: str) -> dict[str, str]:
    return {"name": name, "ns": NS, "value": " ".join(value.split()) or "-"}


def _zh(name: str, text: Text) -> list[dict[str, str]]:
    return [_prop(name, text.zh)] if text.zh.strip() else []


def _metadata(title: str, version: str, day: dt.date, props: list[dict[str, str]] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": title,
        "last-modified": _timestamp(day),
        "version": version,
        "oscal-version": OSCAL_VERSION,
    }
    if props:
        data["props"] = props
    return data


# --- catalog ------------------------------------------------------------------------------------


def _source_part(control_id: str, index: int, source: ControlSource) -> dict[str, Any]:
    props = [_prop("regime", source.regime), _prop("citation", source.citation)]
    if source.measure and source.value is not None:
        props.append(_prop(source.measure, f"{source.value:g}"))
    return {
        "id": f"{control_id}_src{index + 1}",
        "name": "source",
        "ns": NS,
        "props": props + _zh("prose-zh", source.requirement),
        "prose": source.requirement.en,
    }


def _control(control: CatalogueControl) -> dict[str, Any]:
    parts: list[dict[str, Any]] = [
        {
            "id": f"{control.id}_smt",
            "name": "statement",
            "prose": control.title.en,
            "props": _zh("prose-zh", control.title),
        },
        {
            "id": f"{control.id}_gdn",
            "name": "guidance",
            "prose": f"Evidence: {control.evidence.en}",
            "props": _zh("prose-zh", control.evidence),
        },
    ]
    if control.strictest:
        strictest: dict[str, Any] = {
            "id": f"{control.id}_strictest",
            "name": "strictest",
            "ns": NS,
            "prose": control.strictest.en,
            "props": _zh("prose-zh", control.strictest),
        }
        if control.sources:
            strictest["parts"] = [_source_part(control.id, i, s) for i, s in enumerate(control.sources)]
        parts.append(strictest)
    return {
        "id": control.id,
        "class": "fenji-control",
        "title": control.title.en,
        "props": _zh("title-zh", control.title),
        "parts": [_drop_empty(p) for p in parts],
    }


def _drop_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if v != []}


def oscal_catalog(view: CatalogueView, day: dt.date) -> dict[str, Any]:
    """The control catalogue as an OSCAL catalog: one group per family."""
    groups = []
    for family, controls in view.by_family().items():
        if not controls:
            continue
        title = view.families[family]
        group = {
            "id": family,
            "class": "family",
            "title": title.en,
            "props": _zh("title-zh", title),
            "controls": [_drop_empty(_control(c)) for c in controls],
        }
        groups.append(_drop_empty(group))
    return {
        "catalog": {
            "uuid": _uuid("catalog", view.version),
            "metadata": _metadata("fenji common AI control catalogue", view.version, day),
            "groups": groups,
        }
    }


# --- a card's plan ------------------------------------------------------------------------------


def _plan_props(assessment: Assessment) -> list[dict[str, str]]:
    r = assessment.plan.reduction
    return [
        _prop("system-id", assessment.system_id),
        _prop("as-of", assessment.as_of.isoformat()),
        _prop("obligations", str(r.obligations)),
        _prop("controls", str(r.controls)),
        _prop("regimes", str(r.regimes)),
    ]


def _satisfies(control: PlanControl) -> str:
    items = [
        f"{o.id} ({o.citation}; {o.regime}; {o.addressee}; from {o.applies_from.isoformat()})"
        for o in control.obligations
    ]
    return "Satisfies: " + "; ".join(items) + "."


def oscal_profile(assessment: Assessment, catalog_href: str = DEFAULT_CATALOG_HREF) -> dict[str, Any]:
    """The controls a card's plan needs, selected from the catalog, each annotated with its obligations."""
    controls = assessment.plan.controls
    alters = [
        {
            "control-id": c.id,
            "adds": [{"position": "ending", "parts": [{"name": "obligations", "ns": NS, "prose": _satisfies(c)}]}],
        }
        for c in controls
    ]
    profile: dict[str, Any] = {
        "uuid": _uuid("profile", assessment.system_id, assessment.as_of.isoformat()),
        "metadata": _metadata(
            f"fenji plan for {assessment.system_name}",
            assessment.as_of.isoformat(),
            assessment.as_of,
            _plan_props(assessment),
        ),
        "imports": [{"href": catalog_href, "include-controls": [{"with-ids": [c.id for c in controls]}]}],
        "merge": {"as-is": True},
    }
    if alters:
        profile["modify"] = {"alters": alters}
    if not controls:
        nothing = {"href": catalog_href, "include-all": {}, "exclude-controls": [{"matching": [{"pattern": "*"}]}]}
        profile["imports"] = [nothing]
    return {"profile": profile}


def _evidence_links(control: PlanControl) -> list[dict[str, str]]:
    return [
        {"href": quote(item.ref, safe=":/#?&=@%+~.-_"), "rel": "evidence", "text": f"{item.ref} ({item.status})"}
        for item in control.evidence_items
    ]


def _requirement(system_id: str, control: PlanControl) -> dict[str, Any]:
    props = [
        _prop("evidence-status", control.evidence_status),
        _prop("required-now", str(control.required_now).lower()),
    ]
    props += [_prop("regime", regime) for regime in control.regimes]
    if control.earliest_deadline:
        props.append(_prop("earliest-deadline", control.earliest_deadline.isoformat()))
    requirement: dict[str, Any] = {
        "uuid": _uuid("requirement", system_id, control.id),
        "control-id": control.id,
        "description": _satisfies(control),
        "props": props,
    }
    links = _evidence_links(control)
    if links:
        requirement["links"] = links
    return requirement


def oscal_component_definition(assessment: Assessment, catalog_href: str = DEFAULT_CATALOG_HREF) -> dict[str, Any]:
    """The card's system as a component implementing the controls of its plan."""
    sid = assessment.system_id
    component: dict[str, Any] = {
        "uuid": _uuid("component", sid),
        "type": "software",
        "title": assessment.system_name,
        "description": f"AI system {assessment.system_name} ({sid}) as assessed by fenji on {assessment.as_of}. "
        + assessment.plan.reduction.text("en")
        + ".",
        "props": _plan_props(assessment),
    }
    if assessment.plan.controls:
        component["control-implementations"] = [
            {
                "uuid": _uuid("implementation", sid, assessment.as_of.isoformat()),
                "source": catalog_href,
                "description": "Controls of the fenji one-stop compliance plan: each control once, with every "
                "obligation it satisfies across regimes.",
                "implemented-requirements": [_requirement(sid, c) for c in assessment.plan.controls],
            }
        ]
    return {
        "component-definition": {
            "uuid": _uuid("component-definition", sid, assessment.as_of.isoformat()),
            "metadata": _metadata(
                f"fenji component definition for {assessment.system_name}",
                assessment.as_of.isoformat(),
                assessment.as_of,
            ),
            "components": [component],
        }
    }
