"""The one-stop plan (issue 5): control catalogue invariants, every obligation mapped to a control,
the crosswalk (strictest source, conflicts), evidence status, the small-firm path, and plan goldens
for the example cards (update with ``pytest tests/unit/test_plan.py --update-goldens``)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from fenji import api
from fenji.engine.crosswalk import Crosswalk, load_crosswalk
from fenji.engine.loader import builtin_packs_dir
from fenji.engine.plan import build_plan, evidence_status
from fenji.model.card import Evidence
from fenji.model.facts import Text
from fenji.model.result import ObligationInfo, ObligationResult, RegimeResult, Status
from tests.conftest import EXAMPLES

RULES = builtin_packs_dir()
AS_OF = dt.date(2026, 11, 22)
GOLDENS = Path(__file__).parent / "plan_goldens"
CARDS = sorted(EXAMPLES.rglob("*.yaml"))
CV = EXAMPLES / "eu-cv-screening.yaml"

# Control IDs are stable like rule IDs: rules reference them, so none may be renamed or removed.
KNOWN_CONTROLS = frozenset(
    [
        "ai_interaction_notice",
        "affected_person_notice",
        "user_information",
        "public_disclosure",
        "worker_information",
        "event_logging",
        "record_retention",
        "decision_explanation",
        "algorithm_transparency",
        "data_quality",
        "personal_data_protection",
        "copyright_compliance",
        "training_data_summary",
        "user_choice_controls",
        "data_annotation",
        "privacy_impact_assessment",
        "fundamental_rights_assessment",
        "risk_management_system",
        "quality_management_system",
        "conformity_assessment",
        "security_assessment",
        "classification_record",
        "prohibited_use_controls",
        "frontier_safety_framework",
        "bias_testing",
        "content_safety",
        "misuse_reporting_channel",
        "protection_of_minors",
        "user_management",
        "wellbeing_safeguards",
        "human_oversight_measures",
        "human_review_appeal",
        "alternative_process",
        "technical_documentation",
        "regulator_registration",
        "authorised_representative",
        "regulator_cooperation",
        "incident_reporting",
        "corrective_action",
        "post_market_monitoring",
        "ai_literacy_training",
        "security_robustness",
        "model_evaluation",
        "content_marking",
        "label_detection",
        "accountability_governance",
        "supplier_agreements",
        "ai_inventory",
        "ethics_review",
        "whistleblower_channel",
    ]
)
# The families issue 5 names (plus governance).
ISSUE_FAMILIES = {
    "transparency",
    "traceability",
    "explainability",
    "data_governance",
    "privacy_assessment",
    "risk_management",
    "non_discrimination",
    "misuse_prevention",
    "human_oversight",
    "documentation",
    "registration",
    "incident_reporting",
    "monitoring",
    "literacy",
    "security",
    "labelling",
}


def _raw_catalogue() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((RULES / "controls.yaml").read_text("utf-8"))
    return data


def _crosswalk() -> Crosswalk:
    return load_crosswalk(str(RULES))


def _bilingual(text: Any) -> bool:
    return (
        isinstance(text, dict)
        and set(text) == {"en", "zh"}
        and all(isinstance(v, str) and v.strip() for v in text.values())
    )


# --- catalogue and crosswalk --------------------------------------------------------------------


def test_every_obligation_maps_to_a_control() -> None:
    """Read every rule file of every pack: an obligation without a known control fails here."""
    controls = {c["id"] for c in _raw_catalogue()["controls"]}
    unmapped, unknown = [], []
    for path in sorted(RULES.glob("*/rules/*.yaml")):
        rule = yaml.safe_load(path.read_text("utf-8"))
        if rule.get("kind") != "obligation":
            continue
        listed = rule.get("controls") or []
        if not listed:
            unmapped.append(path.name)
        unknown += [f"{path.name}: {c}" for c in listed if c not in controls]
    assert not unmapped, f"obligations with no control: {unmapped}"
    assert not unknown, f"obligations naming unknown controls: {unknown}"


def test_loaded_obligations_all_have_controls() -> None:
    packs = api.default_packs()
    for _, lr in packs.all_rules():
        if lr.rule.kind == "obligation":
            assert lr.rule.controls and set(lr.rule.controls) <= set(packs.controls.controls), lr.rule.id


def test_control_ids_are_never_removed() -> None:
    ids = [c["id"] for c in _raw_catalogue()["controls"]]
    assert len(ids) == len(set(ids))
    assert set(ids) >= KNOWN_CONTROLS, f"removed or renamed: {sorted(KNOWN_CONTROLS - set(ids))}"


def test_catalogue_is_bilingual_and_complete() -> None:
    data = _raw_catalogue()
    families = {f["id"] for f in data["families"]}
    assert families >= ISSUE_FAMILIES
    for family in data["families"]:
        assert _bilingual(family["title"]), family["id"]
    used = set()
    for control in data["controls"]:
        used.add(control["family"])
        for key in ("title", "evidence"):
            assert _bilingual(control[key]), f"{control['id']}.{key}"
        if "strictest" in control:
            assert _bilingual(control["strictest"]), control["id"]
        for source in control.get("sources", []):
            assert _bilingual(source["requirement"]), control["id"]
    assert families <= used, f"families without controls: {families - used}"


def test_strictest_controls_list_each_source() -> None:
    view = _crosswalk().view
    by_id = {c.id: c for c in view.controls}
    for control_id in ("event_logging", "record_retention", "incident_reporting", "affected_person_notice"):
        control = by_id[control_id]
        assert control.strictest is not None
        assert len({s.regime for s in control.sources}) >= 2, control_id
    logging = {s.regime: s.value for s in by_id["event_logging"].sources}
    assert logging["eu_ai_act"] == logging["cn"] == 183  # >= 6 months in both
    assert logging["us_co"] == 1095  # Colorado: 3 years
    incident = {s.regime: s.value for s in by_id["incident_reporting"].sources if s.value is not None}
    assert incident["eu_ai_act"] == 48 and incident["us_ca"] == 24


def test_conflicts_file_loads_with_two_sided_citations() -> None:
    conflicts = _crosswalk().conflicts
    assert {"log_retention_vs_gdpr_erasure", "log_retention_vs_pipl_deletion"} <= {c.id for c in conflicts}
    for conflict in conflicts:
        assert len(conflict.sides) == 2
        assert all(side.citation for side in conflict.sides), conflict.id
        assert conflict.title.zh and conflict.resolution.zh, conflict.id


# --- the plan builder on hand-made results -------------------------------------------------------


def _ob(
    rule_id: str,
    controls: tuple[str, ...],
    *,
    applies_from: dt.date = dt.date(2025, 1, 1),
    status: Status = Status.APPLIES,
    due: dt.date | None = None,
    soft_law: bool = False,
    lighter: Text | None = None,
) -> ObligationResult:
    info = ObligationInfo(
        id=rule_id,
        citation=f"cite {rule_id}",
        addressee="provider",
        applies_from=applies_from,
        superseded_on=None,
        controls=controls,
        title=Text(rule_id, rule_id),
        rationale=Text("", ""),
        lighter_path=lighter,
        soft_law=soft_law,
    )
    return ObligationResult(info=info, status=status, applies_from=applies_from, due_date=due, lighter=bool(lighter))


def _regime(regime: str, *obligations: ObligationResult) -> RegimeResult:
    return RegimeResult(
        regime=regime,
        title=Text(regime, regime),
        applies=True,
        determined=True,
        tier="t",
        labels=[],
        could_be=[],
        roles=[],
        obligations=list(obligations),
        pending=[],
        trace=[],
    )


def _plan(regimes: list[RegimeResult], evidence: tuple[Evidence, ...] = (), facts: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    return build_plan(
        {r.regime: r for r in regimes},
        api.default_packs().controls,
        evidence,
        crosswalk=_crosswalk(),
        facts=facts or {},
        as_of=AS_OF,
    )


def test_each_control_once_with_every_obligation_across_regimes() -> None:
    plan = _plan(
        [
            _regime("eu_ai_act", _ob("EU-X-19", ("event_logging",)), _ob("EU-X-9", ("risk_management_system",))),
            _regime("cn", _ob("CN-X-9", ("event_logging",), applies_from=dt.date(2025, 9, 1))),
            _regime("us_co", _ob("US-X-REC", ("event_logging", "record_retention"), applies_from=dt.date(2027, 1, 1))),
            _regime("nist_rmf", _ob("US-NIST-X", ("risk_management_system",), status=Status.INDETERMINATE)),
        ]
    )
    by_id = {c.id: c for c in plan.controls}
    assert sorted(by_id) == ["event_logging", "record_retention", "risk_management_system"]
    logging = by_id["event_logging"]
    assert logging.satisfies == ("CN-X-9", "EU-X-19", "US-X-REC")
    assert logging.regimes == ("eu_ai_act", "cn", "us_co")
    assert logging.earliest_deadline == dt.date(2025, 1, 1)
    # strictest first among the regimes that apply to this card: Colorado's 3 years
    assert [s.regime for s in logging.sources][:1] == ["us_co"]
    assert by_id["risk_management_system"].satisfies == ("EU-X-9",)  # indeterminate ones are not planned
    reduction = plan.reduction
    assert (reduction.obligations, reduction.controls, reduction.regimes) == (4, 3, 3)
    assert reduction.shared_controls == 1 and reduction.max_regimes_per_control == 3
    doc = plan.to_dict()
    assert doc["reduction"]["obligations_per_control"] == 1.33
    assert doc["controls"][0]["serves_regimes"] >= 1
    assert "one" not in doc["reduction"]["summary"]["en"]  # plain numbers
    assert doc["reduction"]["summary"]["en"].startswith("4 obligations from 3 regime(s) are met by 3 controls")


def test_earliest_deadline_uses_computed_due_dates() -> None:
    plan = _plan([_regime("cn", _ob("CN-F", ("regulator_registration",), due=dt.date(2024, 3, 18)))])
    control = plan.controls[0]
    assert control.earliest_applies_from == dt.date(2025, 1, 1)
    assert control.earliest_deadline == dt.date(2024, 3, 18)
    assert control.to_dict(AS_OF)["obligations"][0]["deadline"] == "2024-03-18"


def test_evidence_status_and_required_now() -> None:
    evidence = (
        Evidence(control="event_logging", ref="docs/logging.md", status="in_progress", owner="ops"),
        Evidence(control="risk_management_system", ref="https://example.com/rms.pdf", status="done"),
        Evidence(control="not_in_plan", ref="x"),
    )
    plan = _plan(
        [
            _regime(
                "eu_ai_act",
                _ob("EU-NOW", ("event_logging",)),
                _ob("EU-LATER", ("risk_management_system",), applies_from=dt.date(2027, 12, 2)),
                _ob("EU-WAIVED", ("ai_literacy_training",), status=Status.WAIVED),
            ),
            _regime("nist_rmf", _ob("US-NIST-GV", ("accountability_governance",), soft_law=True)),
        ],
        evidence,
    )
    by_id = {c.id: c for c in plan.controls}
    assert by_id["event_logging"].evidence_status == "in_progress" and by_id["event_logging"].required_now
    assert by_id["risk_management_system"].evidence_status == "done"
    assert not by_id["risk_management_system"].required_now  # applies from 2027-12-02
    assert not by_id["ai_literacy_training"].required_now  # waived
    assert not by_id["accountability_governance"].required_now  # voluntary framework
    assert plan.reduction.voluntary == 1
    assert [e.control for e in plan.unmatched_evidence] == ["not_in_plan"]
    logging_doc = next(c for c in plan.to_dict()["controls"] if c["id"] == "event_logging")
    assert logging_doc["evidence_items"] == [
        {"control": "event_logging", "ref": "docs/logging.md", "status": "in_progress", "owner": "ops"}
    ]


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        ((), "missing"),
        (("planned",), "planned"),
        (("expired", "in_progress"), "in_progress"),
        (("expired", "done"), "done"),
    ],
)
def test_evidence_status_ranking(statuses: tuple[str, ...], expected: str) -> None:
    assert evidence_status(Evidence(control="c", ref="r", status=s) for s in statuses) == expected


def test_conflict_listed_only_when_both_sides_hold() -> None:
    regimes = [_regime("eu_ai_act", _ob("EU-X-19", ("event_logging",)))]
    facts = {"market.eu": True, "data.personal_data": True}
    plan = _plan(regimes, facts=facts)
    conflict = next(c for c in plan.conflicts if c.id == "log_retention_vs_gdpr_erasure")
    assert conflict.sides[0].obligations == ("EU-X-19",) and conflict.sides[0].citations == ("cite EU-X-19",)
    assert conflict.sides[1].citation.startswith("GDPR")
    assert not _plan(regimes, facts={"market.eu": True, "data.personal_data": False}).conflicts
    assert not _plan([_regime("eu_ai_act", _ob("E", ("risk_management_system",)))], facts=facts).conflicts


def test_conflict_side_limited_to_regimes() -> None:
    facts = {"market.cn_personal_info": True}
    cn_only = _plan([_regime("cn", _ob("CN-X", ("regulator_cooperation",)))], facts=facts)
    assert not any(c.id == "foreign_authority_access_vs_pipl_art41" for c in cn_only.conflicts)
    with_us = _plan([_regime("us_ca", _ob("US-CA-X", ("regulator_cooperation",)))], facts=facts)
    assert any(c.id == "foreign_authority_access_vs_pipl_art41" for c in with_us.conflicts)
    support_only = _plan([_regime("eu_ai_act", _ob("EU-AIA-ART62", ("regulator_cooperation",)))], facts=facts)
    assert not any(c.id == "foreign_authority_access_vs_pipl_art41" for c in support_only.conflicts)


# --- real packs: example cards, SME path ----------------------------------------------------------


def test_cv_screening_plan_shares_controls_across_regimes() -> None:
    result = api.assess(api.load_card(CV), as_of=AS_OF)
    plan = result.plan
    assert plan.reduction.obligations > plan.reduction.controls
    shared = [c for c in plan.controls if len(c.regimes) > 1]
    assert shared, "the CV screener is regulated in the EU and in New York City"
    assert any({"eu_ai_act", "us_nyc"} <= set(c.regimes) for c in shared)
    assert {c.id for c in plan.conflicts} >= {"log_retention_vs_gdpr_erasure"}
    doc = result.to_dict()["plan"]
    assert doc["obligations"] == plan.obligation_count and doc["control_count"] == len(plan.controls)
    assert doc["controls"][0]["satisfies"]


def test_cross_border_card_one_piece_of_evidence_serves_eu_and_china() -> None:
    plan = api.assess(api.load_card(EXAMPLES / "cross-border-shop-assistant.yaml"), as_of=AS_OF).plan
    marking = next(c for c in plan.controls if c.id == "content_marking")
    assert {"eu_ai_act", "cn"} <= set(marking.regimes)
    assert "EU-AIA-ART50-2-MARKING" in marking.satisfies
    assert any(rule.startswith("CN-LBL-") for rule in marking.satisfies)
    binding = plan.reduction.binding or plan.reduction
    assert binding.shared_controls >= 1 and binding.obligations > binding.controls
    conflicts = {c.id for c in plan.conflicts}
    assert {"log_retention_vs_gdpr_erasure", "log_retention_vs_pipl_deletion"} <= conflicts


SME_LIGHTER = {"EU-AIA-ART11", "EU-AIA-ART17", "EU-AIA-ART99-6"}


def _lighter(size_class: str) -> dict[str, Any]:
    result = api.assess(api.load_card(CV), as_of=AS_OF, facts={"org.size_class": size_class})
    return {o.id: o for o in result.plan.lighter_paths}


def test_sme_card_gets_the_lighter_paths_with_citations() -> None:
    lighter = _lighter("medium")
    assert set(lighter) >= SME_LIGHTER
    assert "11(1)" in lighter["EU-AIA-ART11"].citation
    assert "simplified" in (lighter["EU-AIA-ART11"].lighter_path or Text("", "")).en
    assert "99(6)" in lighter["EU-AIA-ART99-6"].citation
    result = api.assess(api.load_card(CV), as_of=AS_OF, facts={"org.size_class": "medium"})
    small_firm = result.to_dict()["plan"]["small_firm"]
    assert {"EU-AIA-ART11", "EU-AIA-ART17"} <= {s["obligation"] for s in small_firm}
    assert all(s["citation"] and s["lighter_path"]["zh"] for s in small_firm)


def test_large_organisation_gets_no_lighter_path() -> None:
    assert not SME_LIGHTER & set(_lighter("large"))


def test_small_mid_cap_gets_documentation_and_qms_relief_but_not_the_sme_fine_cap() -> None:
    lighter = _lighter("small_mid_cap")
    assert {"EU-AIA-ART11", "EU-AIA-ART17"} <= set(lighter)
    assert "EU-AIA-ART99-6" not in lighter


def test_sme_with_eu_establishment_gets_priority_sandbox_access() -> None:
    facts = api.parse_fact_assignments(["org.size_class=small", "org.established_in=eu"])
    result = api.assess(api.load_card(CV), as_of=AS_OF, facts=facts)
    assert "EU-AIA-ART62" in {o.id for o in result.plan.lighter_paths}


# --- goldens ----------------------------------------------------------------------------------------


def _golden_name(card_path: Path) -> str:
    return card_path.relative_to(EXAMPLES).with_suffix("").as_posix().replace("/", "__")


@pytest.mark.parametrize("card_path", CARDS, ids=[_golden_name(p) for p in CARDS])
def test_plan_golden(card_path: Path, update_goldens: bool) -> None:
    plan = api.assess(api.load_card(card_path), as_of=AS_OF).plan
    actual = json.dumps(plan.to_dict(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    expected = GOLDENS / f"{_golden_name(card_path)}.json"
    if update_goldens:
        GOLDENS.mkdir(exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    assert expected.exists(), f"no plan golden {expected.name}; run pytest tests/unit/test_plan.py --update-goldens"
    assert actual == expected.read_text(encoding="utf-8")


def test_no_orphan_plan_goldens() -> None:
    names = {_golden_name(p) for p in CARDS}
    orphans = [p.name for p in GOLDENS.glob("*.json") if p.stem not in names]
    assert not orphans
