"""Explanations and counterfactuals (fenji.engine.explain), on small packs and on the example cards."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fenji import api
from fenji.cli import main
from fenji.engine.explain import Counterfactual, candidate_values, explain
from fenji.engine.loader import PackSet, load_packs
from fenji.model.result import Status
from tests.conftest import EXAMPLES
from tests.unit.test_questions import write_pack

AS_OF = dt.date(2026, 11, 22)

HIRING_RULES: dict[str, dict[str, Any]] = {
    "ZZ-HIRE-SOCIAL": {
        "when": {"fact": "technique.social_scoring", "op": "is_true"},
        "outcome": {"tier": "prohibited"},
    },
    "ZZ-HIRE-EXEMPT": {  # an Art. 6(3)-like exemption: never for profiling
        "when": {
            "all": [
                {"fact": "decision.preparatory_task", "op": "is_true"},
                {"fact": "technique.profiling", "op": "is_false"},
            ]
        },
        "outcome": {"label": "exempt"},
    },
    "ZZ-HIRE-HIGH": {
        "when": {
            "all": [
                {"fact": "use.cases", "op": "any_in", "value": ["employment.recruitment_screening"]},
                {"not": {"rule": "ZZ-HIRE-EXEMPT"}},
            ]
        },
        "outcome": {"tier": "high_risk", "label": "hiring"},
    },
    "ZZ-HIRE-BIG": {
        "when": {"fact": "system.training_compute_flop", "op": "gt", "value": 1.0e25},
        "outcome": {"tier": "transparency"},
    },
}
PAIR_RULES: dict[str, dict[str, Any]] = {
    "ZZ-PAIR-BOTH": {
        "when": {
            "all": [
                {"fact": "technique.conversational", "op": "is_true"},
                {"fact": "technique.autonomous_actions", "op": "is_true"},
            ]
        },
        "outcome": {"tier": "high_risk"},
    },
}
IN_SCOPE_TWICE = {"any": [{"fact": "market.eu", "op": "is_true"}, {"fact": "market.kr", "op": "is_true"}]}


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> PackSet:
    root = tmp_path_factory.mktemp("explain-packs")
    write_pack(root, "zz_hire", HIRING_RULES)
    write_pack(root, "zz_pair", PAIR_RULES, scope=IN_SCOPE_TWICE, order=20)
    return load_packs(root)


EXEMPT_CARD = {
    "market.eu": True,
    "use.cases": frozenset({"employment.recruitment_screening"}),
    "decision.preparatory_task": True,
    "technique.profiling": False,
    "technique.social_scoring": False,
    "system.training_compute_flop": 1.0e20,
}


def changes_of(cf: Counterfactual) -> dict[str, Any]:
    return {c.fact: c.after for c in cf.changes}


def test_the_deciding_rules_and_their_citations(packs: PackSet) -> None:
    facts = {**EXEMPT_CARD, "technique.profiling": True}
    explanation = explain(facts, packs, AS_OF, "zz_hire")
    assert explanation.tier == "high_risk"
    decided = {r.rule_id: r for r in explanation.decided_by}
    assert decided["ZZ-HIRE-HIGH"].status is Status.APPLIES
    assert decided["ZZ-HIRE-HIGH"].citation == "Test ZZ-HIRE-HIGH"
    assert dict(decided["ZZ-HIRE-HIGH"].facts_used)["use.cases"] == frozenset({"employment.recruitment_screening"})
    # the exemption it relies on not applying is part of the reason, with what made it fail
    assert decided["ZZ-HIRE-EXEMPT"].status is Status.DOES_NOT_APPLY
    assert "technique.profiling" in (decided["ZZ-HIRE-EXEMPT"].failed or "")
    assert [r.rule_id for r in explanation.ruled_out] == ["ZZ-HIRE-SOCIAL"]
    assert explanation.scope.status is Status.APPLIES


def test_profiling_would_remove_the_exemption(packs: PackSet) -> None:
    explanation = explain(EXEMPT_CARD, packs, AS_OF, "zz_hire")
    assert explanation.tier == "minimal"
    by_change = {tuple(sorted(changes_of(cf).items())): cf for cf in explanation.counterfactuals}
    cf = by_change[(("technique.profiling", True),)]
    assert cf.tier == "high_risk"
    assert cf.no_longer_apply == ("ZZ-HIRE-EXEMPT",)
    assert cf.now_apply == ("ZZ-HIRE-HIGH",)
    assert all(len(cf.changes) == 1 for cf in explanation.counterfactuals)  # smallest first: no pairs needed


def test_most_severe_new_tier_first_and_leaving_scope_last(packs: PackSet) -> None:
    tiers = [cf.tier for cf in explain(EXEMPT_CARD, packs, AS_OF, "zz_hire").counterfactuals]
    assert tiers[0] == "prohibited"
    assert tiers[-1] == "out_of_scope"


def test_boundary_values_for_numbers(packs: PackSet) -> None:
    facts = {**EXEMPT_CARD, "use.cases": frozenset()}
    explanation = explain(facts, packs, AS_OF, "zz_hire")
    bigger = [cf for cf in explanation.counterfactuals if "system.training_compute_flop" in changes_of(cf)]
    assert bigger and all(changes_of(cf)["system.training_compute_flop"] > 1.0e25 for cf in bigger)
    assert {cf.tier for cf in bigger} == {"transparency"}


def test_pairs_when_no_single_change_is_enough(packs: PackSet) -> None:
    facts = {
        "market.eu": True,
        "market.kr": True,
        "technique.conversational": False,
        "technique.autonomous_actions": False,
    }
    explanation = explain(facts, packs, AS_OF, "zz_pair")
    assert explanation.tier == "minimal"
    assert explanation.counterfactuals
    for cf in explanation.counterfactuals:
        assert len(cf.changes) == 2
    assert {"technique.conversational": True, "technique.autonomous_actions": True} in [
        changes_of(cf) for cf in explanation.counterfactuals
    ]


def test_unknown_facts_are_searched_too(packs: PackSet) -> None:
    explanation = explain({"market.eu": True}, packs, AS_OF, "zz_hire")
    assert explanation.result.status == "provisional"
    assert any(changes_of(cf) == {"technique.social_scoring": True} for cf in explanation.counterfactuals)
    assert {r.rule_id for r in explanation.still_open} == {"ZZ-HIRE-SOCIAL", "ZZ-HIRE-HIGH", "ZZ-HIRE-BIG"}


def test_candidate_values() -> None:
    vocab = api.get_vocabulary()
    assert candidate_values(vocab.fact("market.eu"), True, []) == [False]
    assert candidate_values(vocab.fact("system.kind"), None, []) == list(vocab.fact("system.kind").value_ids)
    multi = candidate_values(
        vocab.fact("use.setting"), frozenset({"workplace"}), [frozenset({"education_institution"})]
    )
    assert frozenset({"workplace", "education_institution"}) in multi and frozenset() in multi
    dates = candidate_values(vocab.fact("cn.service_launch_date"), None, [dt.date(2025, 9, 1)])
    assert dates == [dt.date(2025, 8, 31), dt.date(2025, 9, 1), dt.date(2025, 9, 2)]


# --- the example cards ---------------------------------------------------------------------------


def example_cards() -> list[Path]:
    return sorted(EXAMPLES.glob("**/*.yaml"))


@pytest.mark.parametrize("path", example_cards(), ids=lambda p: p.stem)
def test_counterfactuals_of_example_cards_really_change_the_tier(path: Path) -> None:
    card = api.load_card(path)
    packs = api.default_packs()
    for regime in packs.packs:
        explanation = api.explain(card, regime, packs=packs, as_of=AS_OF)
        base_tier = explanation.tier
        assert explanation.result.tier == api.assess(card, packs=packs, as_of=AS_OF).regimes[regime].tier
        sizes = {len(cf.changes) for cf in explanation.counterfactuals}
        assert len(sizes) <= 1  # only the smallest changes
        for cf in explanation.counterfactuals[:6]:
            assert cf.tier != base_tier
            changed = api.assess(card, packs=packs, as_of=AS_OF, facts=changes_of(cf))
            assert changed.regimes[regime].tier == cf.tier, (regime, cf)


def test_workplace_emotion_recognition_example() -> None:
    path = EXAMPLES / "eu-workplace-emotion-recognition.yaml"
    if not path.exists():
        pytest.skip("example card not present")
    explanation = api.explain(api.load_card(path), "eu_ai_act", as_of=AS_OF)
    assert explanation.tier == "prohibited"
    assert any(r.rule_id == "EU-AIA-ART5-1F" for r in explanation.decided_by)
    flips = [cf for cf in explanation.counterfactuals if changes_of(cf) == {"technique.emotion_recognition": False}]
    assert flips and flips[0].no_longer_apply == ("EU-AIA-ART5-1F",)


def test_cli_explain(tmp_path: Path) -> None:
    path = EXAMPLES / "eu-workplace-emotion-recognition.yaml"
    if not path.exists():
        pytest.skip("example card not present")
    runner = CliRunner()
    result = runner.invoke(main, ["explain", str(path), "--regime", "eu_ai_act", "--as-of", "2026-11-22"])
    assert result.exit_code == 0, result.output
    assert "Why this tier" in result.output
    assert "EU-AIA-ART5-1F [AI Act Art. 5(1)(f)]" in result.output
    assert "if technique.emotion_recognition were false: EU-AIA-ART5-1F would no longer apply →" in result.output
    zh = runner.invoke(main, ["explain", str(path), "--regime", "eu_ai_act", "--lang", "zh", "--as-of", "2026-11-22"])
    assert zh.exit_code == 0 and "为何是该等级" in zh.output and "将不再适用" in zh.output


def test_cli_explain_unknown_regime() -> None:
    path = example_cards()[0] if example_cards() else None
    if path is None:
        pytest.skip("no example cards")
    result = CliRunner().invoke(main, ["explain", str(path), "--regime", "eu_ai_akt"])
    assert result.exit_code == 2
    assert "eu_ai_act" in result.output
