"""AI Act Art. 50 cues in English and Chinese: direct interaction with people (50(1)), generated content (50(2)) and
the law-enforcement exception presumed absent. Every proposal quotes a span of the input; negations are honoured."""

from __future__ import annotations

import datetime as dt

import pytest

from fenji import api
from fenji.assist import merge, propose
from fenji.model.result import ProposedFact

CONVERSATIONAL = "technique.conversational"


def proposal(text: str, fact: str, presumptions: bool = True) -> ProposedFact | None:
    found = [p for p in propose(text, presumptions=presumptions) if p.fact == fact]
    for p in found:
        assert p.evidence and p.evidence in text, (text, p.evidence)
    return found[0] if found else None


@pytest.mark.parametrize(
    "text",
    [
        "A virtual assistant that books appointments for patients.",
        "Virtual tutor that offers math practice problems to pupils.",
        "AI-driven virtual career mentor that suggests skill-development pathways.",
        "AI-based virtual interior designer that suggests furniture layouts.",
        "A virtual facilitator that runs online workshops.",
        "Voice assistant for smart homes.",
        "A chatbot on the city website.",
        "Interactive digital human that greets visitors in the bank lobby.",
        "The system interacts directly with customers through a web widget.",
        "Our AI tutor explains algebra step by step.",
        "虚拟助手帮助用户预约挂号。",
        "智能助手为用户规划出行路线。",
        "虚拟导师为学生提供职业建议。",
        "虚拟教练指导用户健身。",
        "电商平台的聊天机器人。",
        "银行大厅的交互式数字人提供业务咨询。",
        "智能客服自动回答用户咨询。",
        "该系统与用户进行多轮对话。",
    ],
)
def test_direct_interaction_with_people_in_both_languages(text: str) -> None:
    p = proposal(text, CONVERSATIONAL)
    assert p is not None and p.value is True, text
    assert 0.5 <= p.confidence <= 0.8


@pytest.mark.parametrize(
    "text",
    [
        "AI-based personal productivity assistant that suggests task prioritisation.",
        "Digital human for the company website.",
        "购物助手，为用户比价。",
        "商场导览数字人。",
    ],
)
def test_weaker_forms_have_a_modest_confidence(text: str) -> None:
    p = proposal(text, CONVERSATIONAL)
    assert p is not None and p.value is True, text
    assert p.confidence <= 0.6


@pytest.mark.parametrize(
    "text",
    [
        "This is not a chatbot.",
        "It is not a virtual assistant.",
        "The system does not interact directly with users.",
        "这不是聊天机器人。",
        "系统不与用户直接交互。",
        "本产品没有虚拟助手功能。",
    ],
)
def test_negated_interaction_is_false(text: str) -> None:
    p = proposal(text, CONVERSATIONAL)
    assert p is not None and p.value is False, text


@pytest.mark.parametrize(
    "text",
    [
        "A tool that helps virtual classroom teachers grade essays.",
        "An AI tool for teaching assistants to grade homework.",
        "Hires research assistants for the laboratory.",
        "Digital human presenters read the evening news.",
        "数字人主播进行新闻播报。",
    ],
)
def test_people_in_human_roles_and_presenters_are_not_a_chat(text: str) -> None:
    assert merge(propose(text)).get(CONVERSATIONAL) is None, text


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("Video summarisation for user-generated content platforms.", "text"),
        ("It summarises long reports for managers.", "text"),
        ("Abstractive summary of customer reviews.", "text"),
        ("为用户自动摘要长文档。", "text"),
        ("会议纪要自动生成。", "text"),
        ("对客服通话进行智能总结。", "text"),
        ("Generative design model that generates floor plans and 3D renderings of rooms.", "image"),
        ("Generative layout model that produces garden layouts.", "image"),
        ("根据户型生成装修效果图。", "image"),
    ],
)
def test_summaries_and_generated_designs_are_generated_content(text: str, modality: str) -> None:
    p = proposal(text, "technique.generates_content")
    assert p is not None and isinstance(p.value, frozenset) and modality in p.value, text


def test_a_design_model_that_only_suggests_generates_nothing() -> None:
    text = "Generative layout model. Garden layout planner that suggests plant placement."
    assert proposal(text, "technique.generates_content") is None


def test_translation_keeps_the_standard_editing_exemption() -> None:
    p = proposal("AI-based language translation service for travel documents.", "safeguards.standard_editing_only")
    assert p is not None and p.value is True


@pytest.mark.parametrize(
    "text",
    [
        "Video summarisation model for user-generated content platforms.",
        "A virtual career mentor app.",
        "虚拟导师应用。",
    ],
)
def test_the_crime_law_exception_is_presumed_absent(text: str) -> None:
    p = proposal(text, "safeguards.crime_law_authorisation")
    assert p is not None and p.value is False and p.confidence <= 0.5
    assert proposal(text, "safeguards.crime_law_authorisation", presumptions=False) is None


@pytest.mark.parametrize(
    "text",
    [
        "Video summarisation model for user-generated content platforms. We are the provider.",
        "AI-based virtual interior designer that suggests furniture layouts. We are the provider.",
    ],
)
def test_art50_applies_without_a_catalogue_use_case(text: str) -> None:
    _, result = api.assess_text(text, as_of=dt.date(2026, 11, 22), facts={"market.eu": True})
    assert result.regimes["eu_ai_act"].tier == "transparency"


def test_a_translation_service_stays_outside_art50_2() -> None:
    text = "Neural machine translation service for travel documents. We are the provider."
    _, result = api.assess_text(text, as_of=dt.date(2026, 11, 22), facts={"market.eu": True})
    assert result.regimes["eu_ai_act"].tier != "transparency"
