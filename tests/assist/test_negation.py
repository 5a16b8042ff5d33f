"""Negations and exceptions, in English and Chinese: a negated fact is proposed false or not at all, never as the
positive."""

from __future__ import annotations

import pytest

from fenji.assist import merge, propose


def facts(text: str) -> dict[str, object]:
    return dict(merge(propose(text)))


@pytest.mark.parametrize(
    "text",
    [
        "This tool is not used for hiring.",
        "The assistant is never used to screen job applicants.",
        "该系统不用于招聘。",
        "本产品不涉及简历筛选。",
    ],
)
def test_a_negated_use_case_is_not_proposed(text: str) -> None:
    cases = facts(text).get("use.cases", frozenset())
    assert isinstance(cases, frozenset)
    assert "employment.recruitment_screening" not in cases


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("The service is not offered to the public in mainland China.", "market.cn_public"),
        ("不面向境内公众提供。", "market.cn_public"),
        ("We process only business data.", "data.personal_data"),
        ("仅处理企业数据，不涉及个人信息。", "data.personal_data"),
        ("The system does not use facial recognition.", "technique.biometric_identification"),
        ("系统不进行人脸识别。", "technique.biometric_identification"),
        ("There is no emotion recognition in this product.", "technique.emotion_recognition"),
        ("不进行情绪识别。", "technique.emotion_recognition"),
        ("It is not a chatbot.", "technique.conversational"),
        ("Not placed on the EU market.", "market.eu"),
        ("不在欧盟市场销售。", "market.eu"),
    ],
)
def test_a_negated_yes_no_fact_is_false_or_absent(text: str, fact: str) -> None:
    value = facts(text).get(fact)
    assert value in (None, False, "none"), (text, value)


def test_negation_does_not_reach_past_a_conjunction() -> None:
    found = facts("It works without human review and ranks job applicants.")
    assert "employment.recruitment_screening" in found.get("use.cases", frozenset())  # type: ignore[operator]


def test_non_prefix_negates_only_its_own_word() -> None:
    found = facts("A chatbot for non-critical IT help-desk support.")
    assert found.get("technique.conversational") is True


def test_negation_characters_inside_names_do_not_negate() -> None:
    found = facts("李未可大模型算法，应用于对话生成场景。")
    assert "text" in found.get("technique.generates_content", frozenset())  # type: ignore[operator]
    assert facts("无人机巡检系统").get("use.setting") == frozenset({"vehicle_or_transport"})


def test_exception_after_the_cue() -> None:
    found = facts("招聘场景除外，用于客服问答。")
    assert "employment.recruitment_screening" not in found.get("use.cases", frozenset())  # type: ignore[operator]


def test_the_evidence_of_a_negation_includes_the_negating_word() -> None:
    p = next(p for p in propose("不面向境内公众。") if p.fact == "market.cn_public")
    assert p.value is False and "不" in p.evidence
