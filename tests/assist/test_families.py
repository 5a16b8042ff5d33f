"""Bilingual tests for each use-case family: an English and a Chinese description of a typical system of every
domain of the catalogue must propose that domain's use case (and the key technique where the family needs one)."""

from __future__ import annotations

import pytest

from fenji.assist import merge, propose

# (catalogue key, English description, Chinese description)
FAMILIES = [
    (
        "identity.biometric_verification",
        "Selfie and liveness check that verifies a customer's identity at onboarding (KYC).",
        "在开户时通过人脸核验和活体检测确认客户身份。",
    ),
    (
        "security.public_space_surveillance",
        "Video analytics on CCTV cameras in shopping malls to monitor crowds.",
        "在商场的公共场所监控摄像头上进行视频分析，监测客流。",
    ),
    (
        "critical_infrastructure.safety_component",
        "Safety component that controls the pressure valves of a gas distribution network.",
        "用于燃气管网安全控制的系统，自动调节压力。",
    ),
    (
        "products.safety_function",
        "Emergency braking for autonomous vehicles, subject to type-approval.",
        "用于自动驾驶汽车的紧急制动功能。",
    ),
    ("education.admission", "Ranks applicants for university admission decisions.", "用于高校招生录取的评估系统。"),
    (
        "education.learning_assessment",
        "Automated essay scoring that grades student assignments.",
        "对学生作业进行自动批改和评分。",
    ),
    (
        "education.exam_proctoring",
        "Online exam proctoring that flags cheating by students.",
        "在线考试的智能监考系统，识别作弊行为。",
    ),
    (
        "employment.recruitment_screening",
        "Screens CVs and ranks job applicants for recruiters.",
        "对求职者简历进行筛选和排序，辅助招聘。",
    ),
    (
        "employment.task_allocation_monitoring",
        "Employee productivity monitoring with shift scheduling for warehouse workers.",
        "对仓库员工进行排班和任务分配，并监测员工绩效。",
    ),
    (
        "platform.gig_dispatch",
        "Dispatches delivery orders to gig workers and couriers on a food delivery platform.",
        "外卖平台为骑手派单并规划配送路线。",
    ),
    (
        "public_benefits.eligibility",
        "Determines eligibility for unemployment benefits from tax records.",
        "根据收入情况审核低保救助资格。",
    ),
    (
        "credit.creditworthiness_natural_persons",
        "Credit scoring of consumer loan applicants.",
        "对个人贷款申请人进行信用评分和授信审批。",
    ),
    (
        "insurance.life_health_pricing",
        "Sets health insurance premiums from lifestyle data.",
        "根据生活方式数据为健康保险定价。",
    ),
    (
        "emergency.call_triage_dispatch",
        "Triage of emergency calls that prioritises ambulances.",
        "对120急救呼叫进行分诊并调度救护车。",
    ),
    (
        "healthcare.diagnosis_treatment",
        "Detects lung nodules on CT scans to support diagnosis.",
        "基于影像识别的肺结节辅助诊断系统。",
    ),
    ("housing.tenant_screening", "Tenant screening that scores rental applicants.", "对租客进行筛选和信用评估的系统。"),
    (
        "law_enforcement.offender_risk",
        "Assesses recidivism risk to inform parole decisions.",
        "评估服刑人员再犯风险，辅助假释决策。",
    ),
    (
        "law_enforcement.evidence_reliability",
        "Evaluates the reliability of digital evidence in criminal investigations.",
        "对电子证据的真实性和可靠性进行审查分析。",
    ),
    (
        "migration.application_examination",
        "Assists officers in examining asylum applications.",
        "辅助审核签证和居留申请。",
    ),
    (
        "justice.judicial_decision_support",
        "Helps judges research case law and draft judgments.",
        "为法官提供类案推送和裁判文书辅助。",
    ),
    (
        "democracy.election_influence",
        "Micro-targeted political ads to influence voters before an election.",
        "在选举前向选民投放定向政治广告。",
    ),
    (
        "content.feed_recommendation",
        "Personalised news feed that recommends articles based on users' reading history.",
        "根据用户浏览记录进行个性化推荐的资讯信息流。",
    ),
    (
        "content.moderation",
        "Content moderation that removes hate speech posted by users.",
        "对用户发布内容进行内容审核，识别和处置违法违规信息。",
    ),
    (
        "marketing.targeted_advertising",
        "Targeted advertising platform that selects ads for each user.",
        "面向用户的精准广告投放系统。",
    ),
    (
        "customer_service.chatbot",
        "Chatbot that answers customer service questions on our website.",
        "电商平台的智能客服，自动回答用户咨询。",
    ),
    (
        "genai.media_generation",
        "Text-to-image app that generates pictures from prompts.",
        "根据用户输入的文字生成图片的文生图应用。",
    ),
    (
        "companion.social_chatbot",
        "AI companion app with a virtual girlfriend persona.",
        "提供情感陪伴的虚拟恋人聊天应用。",
    ),
    (
        "it_ops.internal_tools",
        "Internal knowledge-base search and document summarisation for employees.",
        "企业内部知识库检索和公文摘要工具。",
    ),
    ("public_admin.tax_audit_selection", "Selects taxpayers for audit based on risk indicators.", "税务稽查选案系统。"),
    (
        "safety.hazardous_or_critical_engineering",
        "Monitors the storage of hazardous chemicals in a plant.",
        "对危险化学品储存进行监测预警。",
    ),
    (
        "defence.military_operations",
        "Supports military targeting for the armed forces.",
        "用于军事行动的目标识别系统。",
    ),
    ("research.scientific", "Protein structure prediction for scientific research.", "用于科学研究的蛋白质结构分析。"),
]


def use_cases(text: str) -> frozenset[str]:
    value = merge(propose(text)).get("use.cases", frozenset())
    assert isinstance(value, frozenset)
    return value


@pytest.mark.parametrize(("case", "english", "chinese"), FAMILIES, ids=[f[0] for f in FAMILIES])
def test_each_family_is_recognised_in_both_languages(case: str, english: str, chinese: str) -> None:
    assert case in use_cases(english), english
    assert case in use_cases(chinese), chinese


def test_every_domain_of_the_catalogue_has_a_bilingual_case() -> None:
    from fenji.model.facts import vocabulary

    covered = {case.split(".")[0] for case, _, _ in FAMILIES}
    domains = {d.id for d in vocabulary().domains} - {"other"}
    assert domains <= covered


@pytest.mark.parametrize(
    ("english", "chinese", "fact", "value"),
    [
        (
            "Facial recognition that identifies shoppers against a watchlist.",
            "商场人脸识别系统，将顾客与布控名单比对。",
            "technique.biometric_identification",
            "identification",
        ),
        (
            "Face verification at login (1:1) for our app.",
            "APP登录时进行人脸核验（1:1）。",
            "technique.biometric_identification",
            "verification_only",
        ),
        (
            "Detects the emotions of call-centre agents from their voice.",
            "通过语音识别坐席员工的情绪。",
            "technique.emotion_recognition",
            True,
        ),
        (
            "Builds user profiles to predict the purchases of each customer.",
            "基于用户画像预测每位用户的购买行为。",
            "technique.profiling",
            True,
        ),
        ("Recommendation engine for a video app.", "视频APP的个性化推荐算法。", "technique.personalized_push", True),
        (
            "Trending topics leaderboard for a social network.",
            "社交平台的热搜榜单。",
            "technique.ranking_selection",
            True,
        ),
        ("Search engine for products in our shop.", "商城的商品搜索算法。", "technique.search_filtering", True),
        (
            "Dispatches ride-hailing orders to drivers.",
            "网约车派单算法，为订单匹配司机。",
            "technique.dispatching_decision",
            True,
        ),
    ],
)
def test_techniques_in_both_languages(english: str, chinese: str, fact: str, value: object) -> None:
    for text in (english, chinese):
        assert merge(propose(text)).get(fact) == value, text


@pytest.mark.parametrize(
    ("text", "modality"),
    [
        ("Generates short videos from a script.", "video"),
        ("根据文本生成视频。", "video"),
        ("Text-to-speech that clones a voice.", "audio"),
        ("文本转语音的语音合成服务。", "audio"),
        ("Writes marketing copy and email replies.", "text"),
        ("智能写作助手，生成营销文案。", "text"),
        ("Generates product images from a prompt.", "image"),
        ("根据提示词生成商品图片。", "image"),
    ],
)
def test_content_generation_by_modality(text: str, modality: str) -> None:
    value = merge(propose(text)).get("technique.generates_content")
    assert isinstance(value, frozenset) and modality in value, text


@pytest.mark.parametrize(
    ("text", "fact", "value"),
    [
        ("Offered to the public in mainland China through our app.", "market.cn_public", True),
        ("面向境内公众提供服务。", "market.cn_public", True),
        ("Sold to EU customers in Germany and France.", "market.eu", True),
        ("面向欧盟市场销售。", "market.eu", True),
        ("Used by employees in the workplace.", "use.setting", frozenset({"workplace"})),
        ("用于学校课堂的学生管理。", "use.setting", frozenset({"education_institution"})),
        (
            "Used by police investigators to find suspects.",
            "use.cases",
            frozenset({"law_enforcement.investigative_profiling"}),
        ),
        ("公安机关用于刑事侦查，分析犯罪线索。", "use.cases", frozenset({"law_enforcement.investigative_profiling"})),
        ("A tool used by the Department of Veterans Affairs.", "org.us_federal_agency", True),
        ("We are the provider and develop the model ourselves.", "role.develops", True),
        ("服务于企业端客户，通过API提供能力。", "role.technical_supporter", True),
    ],
)
def test_deployment_context_and_roles(text: str, fact: str, value: object) -> None:
    found = merge(propose(text)).get(fact)
    if isinstance(value, frozenset):
        assert isinstance(found, frozenset) and value <= found, text
    else:
        assert found == value, text
