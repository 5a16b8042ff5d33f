"""The adaptive questionnaire's ranking (fenji.engine.questions), on small packs made here
and on the packs shipped with fenji."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from fenji import api
from fenji.engine.loader import PackSet, load_packs
from fenji.engine.questions import (
    askable_for,
    is_determined,
    is_relevant,
    next_questions,
    replay,
    survey,
)
from fenji.errors import RulePackError

AS_OF = dt.date(2026, 11, 22)
TIERS = [
    {"id": "prohibited", "terminal": True, "severity": "prohibited", "title": {"en": "Prohibited", "zh": "禁止"}},
    {"id": "high_risk", "severity": "high", "title": {"en": "High-risk", "zh": "高风险"}},
    {"id": "transparency", "severity": "low", "title": {"en": "Transparency", "zh": "透明度"}},
    {"id": "minimal", "title": {"en": "Minimal", "zh": "最低"}},
    {"id": "out_of_scope", "title": {"en": "Out of scope", "zh": "不适用"}},
]


def write_pack(
    root: Path,
    pack_id: str,
    rules: dict[str, dict[str, Any]],
    scope: dict[str, Any] | None = None,
    order: int = 10,
) -> None:
    """A minimal valid pack: ``rules`` maps rule ID -> {"when": ..., "outcome": ...}."""
    pack_dir = root / pack_id
    (pack_dir / "rules").mkdir(parents=True)
    pack = {
        "id": pack_id,
        "version": "1.0.0",
        "order": order,
        "title": {"en": f"Test pack {pack_id}", "zh": f"测试规则包 {pack_id}"},
        "instrument": "Test instrument",
        "authoritative_lang": "en",
        "description": {"en": "A pack for tests.", "zh": "测试用规则包。"},
        "tiers": TIERS,
        "default_tier": "minimal",
        "out_of_scope_tier": "out_of_scope",
        "scope": scope or {"fact": "market.eu", "op": "is_true"},
        "scope_note": {"en": "Applies in the test market.", "zh": "适用于测试市场。"},
        "roles": [{"id": "provider", "title": {"en": "Provider", "zh": "提供者"}}],
    }
    (pack_dir / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True), encoding="utf-8")
    (pack_dir / "CHANGELOG.md").write_text("# Changelog\n\n## [1.0.0]\n\nTest source.\n", encoding="utf-8")
    for rule_id, body in rules.items():
        rule = {
            "id": rule_id,
            "kind": "classification",
            "title": {"en": f"Rule {rule_id}", "zh": f"规则 {rule_id}"},
            "rationale": {"en": "For tests.", "zh": "测试用。"},
            "citation": {"instrument": "Test instrument", "short": f"Test {rule_id}"},
            "applies_from": "2024-01-01",
            **body,
        }
        (pack_dir / "rules" / f"{rule_id}.yaml").write_text(yaml.safe_dump(rule, allow_unicode=True), "utf-8")


TEST_RULES: dict[str, dict[str, Any]] = {
    "ZZ-TEST-SOCIAL": {
        "when": {"fact": "technique.social_scoring", "op": "is_true"},
        "outcome": {"tier": "prohibited", "label": "social"},
    },
    "ZZ-TEST-REMOTE": {  # the leaf on technique.biometric_remote sits under that fact's ask_when
        "when": {
            "all": [
                {"fact": "technique.biometric_identification", "op": "eq", "value": "identification"},
                {"fact": "technique.biometric_remote", "op": "is_true"},
            ]
        },
        "outcome": {"tier": "prohibited", "label": "remote"},
    },
    "ZZ-TEST-HIRING": {
        "when": {
            "all": [
                {"fact": "technique.profiling", "op": "is_true"},
                {"fact": "technique.autonomous_actions", "op": "is_true"},
            ]
        },
        "outcome": {"tier": "high_risk", "label": "hiring"},
    },
    "ZZ-TEST-CHAT": {
        "when": {"fact": "technique.conversational", "op": "is_true"},
        "outcome": {"tier": "transparency", "label": "chat"},
    },
}


@pytest.fixture(scope="module")
def test_packs(tmp_path_factory: pytest.TempPathFactory) -> PackSet:
    root = tmp_path_factory.mktemp("packs")
    write_pack(root, "zz_test", TEST_RULES)
    write_pack(
        root,
        "zz_other",
        {
            "ZZ-OTHER-CHAT": {
                "when": {"fact": "technique.conversational", "op": "is_true"},
                "outcome": {"tier": "high_risk"},
            }
        },
        scope={"fact": "market.kr", "op": "is_true"},
        order=20,
    )
    return load_packs(root)


def ids(questions: list[Any]) -> list[str]:
    return [q.id for q in questions]


# --- what is asked -------------------------------------------------------------------------


def test_the_scope_question_comes_first(test_packs: PackSet) -> None:
    assert ids(next_questions({}, test_packs, AS_OF, regimes=["zz_test"]))[0] == "market.eu"


def test_a_fact_no_rule_reads_is_never_asked(test_packs: PackSet) -> None:
    asked = ids(next_questions({}, test_packs, AS_OF))
    assert "org.size_class" not in asked
    assert "technique.deepfake" not in asked
    assert set(asked) <= {
        "market.eu",
        "market.kr",
        "technique.social_scoring",
        "technique.biometric_identification",  # the ask_when parent of technique.biometric_remote
        "technique.profiling",
        "technique.autonomous_actions",
        "technique.conversational",
        "system.kind",  # the ask_when parent of the technique.* facts
    }


def test_a_fact_that_can_no_longer_change_an_outcome_is_never_asked(test_packs: PackSet) -> None:
    facts = {"market.eu": True, "system.kind": "ai_system", "technique.profiling": False}
    asked = ids(next_questions(facts, test_packs, AS_OF, regimes=["zz_test"]))
    assert "technique.autonomous_actions" not in asked  # the high-risk rule is already false
    assert "technique.profiling" not in asked  # answered


def test_nothing_is_asked_once_a_terminal_tier_is_established(test_packs: PackSet) -> None:
    facts = {"market.eu": True, "system.kind": "ai_system", "technique.social_scoring": True}
    state = survey(facts, test_packs, AS_OF, regimes=["zz_test"])
    assert state.results["zz_test"].tier == "prohibited"
    assert state.determined and state.done
    assert "technique.conversational" not in ids(list(state.questions))


def test_nothing_is_asked_for_a_regime_out_of_scope(test_packs: PackSet) -> None:
    state = survey({"market.eu": False}, test_packs, AS_OF, regimes=["zz_test"])
    assert state.questions == ()
    assert state.determined


def test_a_prohibited_practice_question_outranks_a_transparency_one(test_packs: PackSet) -> None:
    facts = {"market.eu": True, "system.kind": "ai_system"}
    questions = next_questions(facts, test_packs, AS_OF, regimes=["zz_test"])
    order = ids(questions)
    assert order.index("technique.social_scoring") < order.index("technique.conversational")
    assert order.index("technique.profiling") < order.index("technique.conversational")
    first = questions[0]
    assert first.settling and first.severity == "prohibited"


def test_a_question_that_matters_in_more_regimes_weighs_more(test_packs: PackSet) -> None:
    facts = {"market.eu": True, "market.kr": True, "system.kind": "ai_system"}
    questions = {q.id: q for q in next_questions(facts, test_packs, AS_OF)}
    assert set(questions["technique.conversational"].regimes) == {"zz_test", "zz_other"}


# --- skip logic ----------------------------------------------------------------------------


def test_a_dependent_question_waits_for_its_parent(test_packs: PackSet) -> None:
    facts = {"market.eu": True, "system.kind": "ai_system"}
    questions = {q.id: q for q in next_questions(facts, test_packs, AS_OF, regimes=["zz_test"])}
    assert "technique.biometric_remote" not in questions
    parent = questions["technique.biometric_identification"]
    assert "technique.biometric_remote" in parent.unlocks
    assert parent.severity == "prohibited"


def test_a_dependent_question_appears_when_its_parent_makes_it_relevant(test_packs: PackSet) -> None:
    base = {"market.eu": True, "system.kind": "ai_system"}
    relevant = {**base, "technique.biometric_identification": "identification"}
    assert "technique.biometric_remote" in ids(next_questions(relevant, test_packs, AS_OF))
    irrelevant = {**base, "technique.biometric_identification": "none"}
    assert is_relevant("technique.biometric_remote", irrelevant, test_packs.vocab) is False
    assert "technique.biometric_remote" not in ids(next_questions(irrelevant, test_packs, AS_OF))


def test_when_the_parent_is_unknown_the_dependent_question_is_asked_directly(test_packs: PackSet) -> None:
    facts = {"market.eu": True, "system.kind": "ai_system"}
    unknown = {"technique.biometric_identification"}
    asked = ids(next_questions(facts, test_packs, AS_OF, unknown=unknown))
    assert "technique.biometric_identification" not in asked
    assert "technique.biometric_remote" in asked
    assert askable_for("technique.biometric_remote", facts, unknown, test_packs.vocab) == (
        "technique.biometric_remote",
    )


# --- "I don't know" ------------------------------------------------------------------------


def test_a_fact_answered_unknown_is_never_asked_again(test_packs: PackSet) -> None:
    facts = {"market.eu": True, "system.kind": "ai_system"}
    unknown = {"technique.social_scoring"}
    state = survey(facts, test_packs, AS_OF, regimes=["zz_test"], unknown=unknown)
    assert "technique.social_scoring" not in ids(list(state.questions))
    assert state.results["zz_test"].could_be[0] == "prohibited"  # unknown stays unknown, never a pass


def test_a_regime_whose_scope_is_unknown_stops_being_settling(test_packs: PackSet) -> None:
    state = survey({}, test_packs, AS_OF, regimes=["zz_test"], unknown={"market.eu"})
    assert not state.determined
    assert state.done  # nothing left can settle it
    assert state.settling == ()
    assert {q.affects for q in state.questions} == {"tier_if_applies"}


# --- determination and replay ----------------------------------------------------------------


def test_is_determined(test_packs: PackSet) -> None:
    assert not is_determined({"market.eu": True}, test_packs, AS_OF, ["zz_test"])
    settled = {
        "market.eu": True,
        "technique.social_scoring": False,
        "technique.biometric_remote": False,
        "technique.profiling": False,
        "technique.conversational": True,
    }
    assert is_determined(settled, test_packs, AS_OF, ["zz_test"])


def test_replay_asks_until_determined(test_packs: PackSet) -> None:
    answers = {
        "market.eu": True,
        "system.kind": "ai_system",
        "technique.social_scoring": False,
        "technique.biometric_identification": "none",
        "technique.profiling": True,
        "technique.autonomous_actions": True,
        "technique.conversational": True,
    }
    run = replay(answers, test_packs, AS_OF, ["zz_test"])
    assert run.determined
    assert run.results["zz_test"].tier == "high_risk"
    assert run.asked[0] == "market.eu"
    # profiling, autonomous actions and the chat question share the capabilities checklist: one screen
    assert {"technique.profiling", "technique.autonomous_actions", "technique.conversational"} <= set(run.asked)
    assert run.screens < len(run.asked)


def test_replay_stops_asking_transparency_once_high_risk_is_established(test_packs: PackSet) -> None:
    start = {"market.eu": True, "system.kind": "ai_system", "technique.social_scoring": False}
    answers = {**start, "technique.biometric_identification": "none", "technique.profiling": True}
    answers["technique.autonomous_actions"] = True
    state = survey({**answers}, test_packs, AS_OF, regimes=["zz_test"])
    assert state.results["zz_test"].tier == "high_risk"
    assert state.done and state.settling == ()  # transparency cannot change the tier now
    assert "technique.conversational" not in ids(list(state.settling))


# --- checklists (question groups) -----------------------------------------------------------


def test_a_checklist_shows_the_open_settling_members_of_a_group_in_group_order(test_packs: PackSet) -> None:
    facts = {"market.eu": True, "system.kind": "ai_system", "technique.social_scoring": False}
    facts["technique.biometric_identification"] = "none"
    state = survey(facts, test_packs, AS_OF, regimes=["zz_test"])
    screen = state.next_screen()
    assert screen is not None and screen.group is not None
    assert screen.group.id == "capabilities"
    group_order = list(screen.group.facts)
    assert list(screen.facts) == sorted(screen.facts, key=group_order.index)
    assert set(screen.facts) == {"technique.profiling", "technique.autonomous_actions", "technique.conversational"}
    # members no rule reads are not on it, even though the group has them
    assert "technique.personalized_push" in group_order and "technique.personalized_push" not in screen.facts


def test_a_single_open_member_is_asked_as_a_plain_question(test_packs: PackSet) -> None:
    facts = {"market.eu": True, "system.kind": "ai_system", "technique.biometric_identification": "none"}
    facts |= {"technique.profiling": False, "technique.conversational": False}
    state = survey(facts, test_packs, AS_OF, regimes=["zz_test"])
    screen = state.next_screen()
    assert screen is not None
    assert screen.facts == ("technique.social_scoring",) and screen.group is None


def test_a_ticked_gate_item_is_followed_by_its_own_question(test_packs: PackSet) -> None:
    facts = {"market.eu": True, "system.kind": "ai_system"}
    state = survey(facts, test_packs, AS_OF, regimes=["zz_test"])
    screen = state.next_screen()
    assert screen is not None and screen.group is not None
    assert screen.facts == ("technique.social_scoring", "technique.biometric_identification")
    assert screen.follow_ups({"technique.biometric_identification": "none"}) == []
    ticked = {"technique.biometric_identification": "identification"}
    assert screen.follow_ups(ticked) == ["technique.biometric_identification"]
    facts["technique.social_scoring"] = False
    none_run = replay({**facts, "technique.biometric_identification": "none"}, test_packs, AS_OF, ["zz_test"])
    ticked_run = replay({**facts, **ticked, "technique.biometric_remote": False}, test_packs, AS_OF, ["zz_test"])
    assert ticked_run.screens > none_run.screens  # the follow-up (and the remote question) count


def test_the_shipped_groups_are_valid() -> None:
    vocab = api.get_vocabulary()
    assert vocab.groups and vocab.group_issues() == []
    for group in vocab.groups.values():
        assert group.question.en and group.question.zh
        for item in group.items:
            assert item.label.en and item.label.zh, (group.id, item.fact)


def test_a_bad_group_is_reported_with_its_place() -> None:
    from fenji.model.facts import GroupItem, QuestionGroup, Text, Vocabulary

    vocab = api.get_vocabulary()
    label = Text("x", "x")
    bad = QuestionGroup(
        "bad",
        label,
        label,
        (
            GroupItem("technique.profiling", label),
            GroupItem("technique.profiling", label),  # twice
            GroupItem("use.cases", label),  # a multi fact without its "none"
            GroupItem("technique.crime_risk_prediction", label, "maybe"),  # not one of its values
            GroupItem("technique.profilng", label),  # unknown
        ),
    )
    broken = Vocabulary(list(vocab.facts.values()), vocab.sections, list(vocab.use_cases.values()), [], [bad])
    messages = [i.message for i in broken.group_issues()]
    assert any("more than one group" in m for m in messages)
    assert any(m.startswith("use.cases: invalid 'none'") for m in messages)
    assert any(m.startswith("technique.crime_risk_prediction: invalid 'none'") for m in messages)
    assert any("technique.profilng" in m for m in messages)
    assert all(i.field and i.field.startswith("groups.bad.") for i in broken.group_issues())


def test_replay_answers_unknown_where_the_card_is_silent(test_packs: PackSet) -> None:
    run = replay({"market.eu": True}, test_packs, AS_OF, ["zz_test"])
    assert not run.determined
    assert len(run.asked) == len(set(run.asked))  # nothing asked twice


def test_an_unknown_regime_is_an_error(test_packs: PackSet) -> None:
    with pytest.raises(RulePackError, match="no such rule pack"):
        next_questions({}, test_packs, AS_OF, regimes=["zz_tset"])


def test_limit(test_packs: PackSet) -> None:
    assert len(next_questions({}, test_packs, AS_OF, limit=1)) == 1


# --- the shipped packs ------------------------------------------------------------------------


def test_api_facade_on_the_shipped_packs() -> None:
    questions = api.next_questions({}, as_of=AS_OF, limit=5)
    assert questions and all(q.settling for q in questions)
    assert questions[0].affects == "scope"


def test_shipped_packs_only_ask_facts_some_open_outcome_reads() -> None:
    packs = api.default_packs()
    facts = {"market.eu": True, "system.kind": "ai_system"}
    state = survey(facts, packs, AS_OF)
    pending = {p.fact for r in state.results.values() for p in r.pending}
    for question in state.questions:
        assert question.id in pending or question.unlocks, question.id
        assert question.id not in facts


def test_shipped_eu_pack_asks_prohibited_practices_before_transparency() -> None:
    packs = api.default_packs()
    facts = {"market.eu": True, "system.kind": "ai_system"}
    questions = next_questions(facts, packs, AS_OF, regimes=["eu_ai_act"])
    order = ids(questions)
    if "technique.social_scoring" not in order or "technique.conversational" not in order:
        pytest.skip("the EU pack does not read both facts")
    assert order.index("technique.social_scoring") < order.index("technique.conversational")
    severities = [q.severity for q in questions if q.settling]
    assert severities.index("prohibited") < severities.index("low") if "low" in severities else True


def test_a_fact_its_ask_when_excludes_is_not_asked_even_if_a_rule_still_reads_it(tmp_path: Path) -> None:
    """A rule leaf outside its fact's ask_when (a pack lint warning) leaves the regime provisional:
    the questionnaire follows facts.yaml and reports that nothing left can settle it."""
    write_pack(
        tmp_path,
        "zz_lax",
        {
            "ZZ-LAX-REMOTE": {
                "when": {"fact": "technique.biometric_remote", "op": "is_true"},
                "outcome": {"tier": "high_risk"},
            }
        },
    )
    packs = load_packs(tmp_path)
    facts = {"market.eu": True, "system.kind": "ai_system", "technique.biometric_identification": "none"}
    state = survey(facts, packs, AS_OF)
    assert "technique.biometric_remote" not in ids(list(state.questions))
    assert not state.determined and state.done


def test_a_tier_rule_nothing_can_settle_leaves_only_more_severe_questions_settling(test_packs: PackSet) -> None:
    """Prohibited can no longer be ruled out (social scoring: "I don't know"), so the regime is
    determined only if prohibited gets established: less severe tiers stop being settling."""
    facts = {"market.eu": True, "system.kind": "ai_system"}
    state = survey(facts, test_packs, AS_OF, regimes=["zz_test"], unknown={"technique.social_scoring"})
    assert ids(list(state.settling)) == ["technique.biometric_identification"]
    refining = {q.id: q.affects for q in state.questions if not q.settling}
    assert refining["technique.conversational"] == "tier_if_applies"
    assert refining["technique.profiling"] == "tier_if_applies"
