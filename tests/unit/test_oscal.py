"""OSCAL export (issue 5), validated with compliance-trestle's OSCAL models (pydantic, generated from the
NIST OSCAL JSON schemas)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from fenji import api
from fenji.outputs.oscal import oscal_catalog, oscal_component_definition, oscal_profile
from tests.conftest import EXAMPLES

trestle_catalog = pytest.importorskip("trestle.oscal.catalog")
trestle_component = pytest.importorskip("trestle.oscal.component")
trestle_profile = pytest.importorskip("trestle.oscal.profile")

AS_OF = dt.date(2026, 11, 22)
CARDS = sorted(EXAMPLES.rglob("*.yaml"))


def _round_trip(doc: dict[str, Any]) -> dict[str, Any]:
    """As a file would hold it: JSON text, parsed again."""
    loaded: dict[str, Any] = json.loads(json.dumps(doc, ensure_ascii=False))
    return loaded


def test_catalog_is_valid_oscal() -> None:
    view = api.control_catalogue()
    doc = _round_trip(oscal_catalog(view, AS_OF))
    model = trestle_catalog.Model.model_validate(doc)
    groups = model.catalog.groups or []
    assert {g.id for g in groups} == {f for f, controls in view.by_family().items() if controls}
    control_ids = {c.id for g in groups for c in g.controls or []}
    assert control_ids == {c.id for c in view.controls}
    logging = next(c for g in groups for c in g.controls or [] if c.id == "event_logging")
    names = {p.name for p in logging.parts or []}
    assert {"statement", "guidance", "strictest"} <= names
    assert any(prop.name == "title-zh" for prop in logging.props or [])


def test_catalog_is_stable() -> None:
    view = api.control_catalogue()
    assert oscal_catalog(view, AS_OF) == oscal_catalog(view, AS_OF)


@pytest.mark.parametrize("card_path", CARDS, ids=[p.stem for p in CARDS])
def test_plan_exports_are_valid_oscal(card_path: Path) -> None:
    result = api.assess(api.load_card(card_path), as_of=AS_OF)
    component = trestle_component.Model.model_validate(_round_trip(oscal_component_definition(result)))
    profile = trestle_profile.Model.model_validate(_round_trip(oscal_profile(result)))
    wanted = {c.id for c in result.plan.controls}
    implemented = {
        req.control_id
        for comp in component.component_definition.components or []
        for impl in comp.control_implementations or []
        for req in impl.implemented_requirements
    }
    assert implemented == wanted
    if wanted:
        assert set(profile.profile.imports[0].include_controls[0].with_ids) == wanted


def test_component_definition_carries_evidence_and_obligations() -> None:
    card = api.load_card(EXAMPLES / "eu-cv-screening.yaml")
    card.evidence = [
        *card.evidence,
        api.card_from_mapping(
            {
                "id": "x",
                "evidence": [{"control": "bias_testing", "ref": "audits/2026 bias audit.pdf", "status": "done"}],
            }
        ).evidence[0],
    ]
    doc = oscal_component_definition(api.assess(card, as_of=AS_OF))
    trestle_component.Model.model_validate(_round_trip(doc))
    requirements = doc["component-definition"]["components"][0]["control-implementations"][0][
        "implemented-requirements"
    ]
    bias = next(r for r in requirements if r["control-id"] == "bias_testing")
    assert bias["links"][0]["href"] == "audits/2026%20bias%20audit.pdf"
    assert "Satisfies:" in bias["description"] and "EU-AIA-ART10" in bias["description"]
    assert {"name": "evidence-status", "ns": bias["props"][0]["ns"], "value": "done"} in bias["props"]


def test_invalid_oscal_is_rejected() -> None:
    """The models really validate: a control ID with a space is not an OSCAL token."""
    doc = _round_trip(oscal_catalog(api.control_catalogue(), AS_OF))
    doc["catalog"]["groups"][0]["controls"][0]["id"] = "not a token"
    with pytest.raises(ValidationError):
        trestle_catalog.Model.model_validate(doc)
