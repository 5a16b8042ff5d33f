"""Every proposed fact quotes a span of the input, carries a confidence and a vocabulary value; facts the text
does not settle stay unknown, so the result is provisional with the questions that would settle it."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from fenji import api
from fenji.assist import merge, propose
from fenji.model.facts import coerce_value, value_to_json, vocabulary

AS_OF = dt.date(2026, 11, 22)
DESCRIPTIONS = [
    "TalentRank screens CVs and ranks job applicants for employers in Germany and France. We are the provider.",
    "A chatbot on our website answers customer questions about orders; it is not used for hiring.",
    "Real-time facial recognition on CCTV cameras in a shopping mall identifies shoppers against a watchlist.",
    "Emotion recognition that monitors employees' stress during meetings to adjust performance bonuses.",
    "An AI model used by the Department of Veterans Affairs to predict the mortality risk of patients.",
    "算法名称：某某个性化推荐算法。应用产品：某某资讯（APP）。主要用途：根据用户的历史行为数据推荐可能感兴趣的内容。",
    "应用于图像生成场景，服务于企业端客户，通过API提供人脸融合功能。不面向境内公众。",
    "本系统用于学校课堂，通过摄像头识别学生的情绪和专注度，不用于招聘。",
    "Mixed 中英文 text: our AI 智能客服 answers questions for EU customers, 面向境内公众提供服务。",
]
WORDS = [
    "AI",
    "chatbot",
    "not",
    "no",
    "facial recognition",
    "employees",
    "hiring",
    "CVs",
    "ranks",
    "applicants",
    "EU",
    "China",
    "generates",
    "images",
    "video",
    "credit",
    "score",
    "police",
    "suspects",
    "real-time",
    "emotion",
    "students",
    "不",
    "面向境内公众",
    "推荐",
    "算法",
    "生成",
    "图片",
    "招聘",
    "人脸识别",
    "，",
    ".",
    " ",
    "without",
    "only business data",
    "except",
    "非",
    "情绪",
    "员工",
    "social scoring",
    "deny",
    "benefits",
]


def check_proposals(text: str) -> None:
    vocab = vocabulary()
    for p in propose(text):
        assert p.evidence, p
        assert p.evidence in text, (p, text)
        assert 0.0 < p.confidence <= 1.0, p
        fact = vocab.facts[p.fact]
        coerce_value(fact, value_to_json(p.value))  # a value of the vocabulary


def test_every_span_occurs_in_the_input() -> None:
    for text in DESCRIPTIONS:
        check_proposals(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=30).map(" ".join))
def test_spans_hold_for_any_mix_of_cue_words(text: str) -> None:
    check_proposals(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_breaks_the_assist(text: str) -> None:
    check_proposals(text)


def test_the_json_contract_carries_the_proposals() -> None:
    text = DESCRIPTIONS[0]
    _, result = api.assess_text(text, as_of=AS_OF)
    proposed = result.to_dict()["facts"]["proposed"]
    assert proposed and all(set(p) == {"fact", "value", "evidence", "confidence"} for p in proposed)
    assert all(p["evidence"] in text for p in proposed)


def test_unsettled_facts_stay_unknown_and_are_asked() -> None:
    card, result = api.assess_text("A chatbot that answers questions.", as_of=AS_OF)
    assert "market.eu" not in card.facts and "org.us_federal_agency" not in card.facts
    eu = result.regimes["eu_ai_act"]
    assert eu.status == "provisional"
    assert "market.eu" in {p.fact for p in eu.pending}


def test_an_empty_or_unrelated_text_proposes_nothing() -> None:
    assert propose("") == []
    assert propose("The weather was lovely on Sunday.") == []


def test_overrides_win_over_proposals() -> None:
    text = "Screens CVs of job applicants for EU employers."
    assert merge(propose(text))["market.eu"] is True
    card, result = api.assess_text(text, as_of=AS_OF, facts={"market.eu": False})
    assert card.facts["market.eu"] is False
    assert "market.eu" not in {p.fact for p in result.proposed}
    assert result.regimes["eu_ai_act"].tier == "out_of_scope"


def test_presumptions_are_marked_by_low_confidence_and_can_be_left_out() -> None:
    text = "A chatbot answers customer questions."
    with_defaults = {p.fact: p for p in propose(text)}
    assert with_defaults["safeguards.ai_obvious_from_context"].confidence <= 0.5
    assert "safeguards.ai_obvious_from_context" not in {p.fact for p in propose(text, presumptions=False)}


def test_the_federal_presumption_needs_a_federal_agency() -> None:
    text = "Detects lung nodules on CT scans to support diagnosis."
    assert "us.omb_not_high_impact_determination" not in merge(propose(text))
    facts = merge(propose(text, given={"org.us_federal_agency": True}))
    assert facts["us.omb_not_high_impact_determination"] is False


def tier(text: str, regime: str, **given: object) -> str:
    return api.assess_text(text, as_of=AS_OF, facts=given)[1].regimes[regime].tier  # type: ignore[arg-type]


def test_free_form_descriptions_reach_the_expected_tier() -> None:
    assert (
        tier(
            "HR software that reads employees' mood from their webcam to raise productivity. Sold in the EU.",
            "eu_ai_act",
        )
        == "prohibited"
    )
    assert (
        tier("Our bank uses a machine-learning model to decide consumer loan applications in Spain.", "eu_ai_act")
        == "high_risk"
    )
    assert (
        tier(
            "An app for users in France that swaps their face into movie clips. Videos are generated in seconds.",
            "eu_ai_act",
        )
        == "transparency"
    )
    assert tier(
        "Rule-based tool that suggests watering schedules for house plants.", "eu_ai_act", **{"market.eu": True}
    ) in ("out_of_scope", "minimal")
    assert (
        tier("Detects lung nodules on CT scans to support diagnosis.", "us_omb", **{"org.us_federal_agency": True})
        == "high_impact"
    )
    assert (
        tier("Summarises internal meeting notes for staff.", "us_omb", **{"org.us_federal_agency": True})
        == "not_high_impact"
    )
