"""Differential test against the Dutch government's EU AI Act decision aid (MinBZK "Beslishulp AI-verordening").

The decision tree lives in ``../shared/reference/minbzk-decision-tree/`` (EUPL-1.2). It is read from there at run
time; none of its files or sentences are copied here. Questions and answers are referred to by question id and
answer position (``("2.4", 0)`` = the first answer of question 2.4), with an English gloss in the comments.

How the comparison works:

1. **Walk** the tree from question 1.1, taking every answer and following ``nextQuestionId`` /
   ``nextConclusionId`` or the first ``redirects`` entry whose Jexl condition holds over the labels collected so far
   (as the tree's front end does). The tree is small enough to take **every** complete path (3140 at the snapshot).
2. **Map** each answer to fenji facts (``ANSWER_MAP``). A coarse answer ("yes, one of the Art. 5 practices") has
   several concrete readings (*variants*). The answers in ``EXPANDED_ANSWERS`` (the Art. 5 practices, the Art. 2
   exclusions) are compared under every reading; the others take one reading per path, round-robin per
   (answer, conclusion), so every reading is exercised and the run is deterministic. Facts asserted by an answer
   win; an answer's ``defaults`` (its negative content, e.g. "no Art. 5 practice") and ``BASE_FACTS`` only fill
   facts nobody asserted. Facts the tree never asks stay unknown.
3. **Expect** from the conclusion id (``A.B.C``, see SOURCE.md): the tier(s), the role(s), and the labels the tree
   states (prohibited / high-risk / transparency yes-no / systemic risk), plus the label of the variant used.
4. **Compare** with ``fenji.api.assess`` (EU pack only) as of ``AS_OF`` and sort every difference into a documented
   category (``CATEGORIES``). The test fails on any difference no category explains. ``confirm`` checks the
   explanations counterfactually: with the assumption the tree makes filled in, the difference goes away.

Run ``python -m tests.shared.minbzk`` for the summary table (``--details`` lists one example per category).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from fenji import api

TREE_DIR = Path(__file__).resolve().parents[3] / "shared" / "reference" / "minbzk-decision-tree"
TREE_FILE = "decision-tree.yaml"
AS_OF = dt.date(2026, 11, 22)
REGIME = "eu_ai_act"

# ---------------------------------------------------------------------------------------------------------------
# 1. The tree and its walker
# ---------------------------------------------------------------------------------------------------------------

AnswerKey = tuple[str, int]  # (questionId, position of the answer in the question's list)


@dataclass(frozen=True)
class TreePath:
    """One complete walk: the answers given, the labels collected and the conclusion reached."""

    answers: tuple[AnswerKey, ...]
    labels: tuple[str, ...]
    conclusion: str

    def has(self, question: str, *positions: int) -> bool:
        return any(q == question and i in positions for q, i in self.answers)

    def answer(self, question: str) -> int | None:
        return next((i for q, i in self.answers if q == question), None)


def load_tree(directory: Path = TREE_DIR) -> dict[str, Any]:
    with (directory / TREE_FILE).open(encoding="utf-8") as fh:
        tree: dict[str, Any] = yaml.safe_load(fh)
    return tree


_TOKEN = re.compile(r'\s*(?:(\|\||&&|!|\(|\)|\bin\b|\blabels\b)|"([^"]*)")')


def _tokenize(expr: str) -> list[str]:
    tokens: list[str] = []
    pos = 0
    while pos < len(expr.rstrip()):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"unsupported Jexl at {pos}: {expr!r}")
        tokens.append(m.group(1) if m.group(1) is not None else '"' + m.group(2))
        pos = m.end()
    return tokens


class _Jexl:
    """The Jexl subset the tree uses: ``"x" in labels``, ``!``, ``&&``, ``||`` and parentheses."""

    def __init__(self, expr: str, labels: Sequence[str]) -> None:
        self.tokens = _tokenize(expr)
        self.pos = 0
        self.labels = labels

    def value(self) -> bool:
        result = self._or()
        if self.pos != len(self.tokens):
            raise ValueError(f"trailing tokens in Jexl: {self.tokens[self.pos :]}")
        return result

    def _take(self, token: str | None = None) -> str:
        current = self.tokens[self.pos]
        if token is not None and current != token:
            raise ValueError(f"expected {token!r}, got {current!r}")
        self.pos += 1
        return current

    def _peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _or(self) -> bool:
        result = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            result = result or right
        return result

    def _and(self) -> bool:
        result = self._not()
        while self._peek() == "&&":
            self._take()
            right = self._not()
            result = result and right
        return result

    def _not(self) -> bool:
        if self._peek() == "!":
            self._take()
            return not self._not()
        if self._peek() == "(":
            self._take()
            result = self._or()
            self._take(")")
            return result
        literal = self._take()
        if not literal.startswith('"'):
            raise ValueError(f"expected a string literal, got {literal!r}")
        self._take("in")
        self._take("labels")
        return literal[1:] in self.labels


def jexl(expr: str, labels: Sequence[str]) -> bool:
    return _Jexl(expr, labels).value()


def _next_step(answer: Mapping[str, Any], labels: Sequence[str]) -> tuple[str, str] | None:
    """("q", id) or ("c", id) after an answer; None when no redirect matches (a dead end of the tree)."""
    if "nextQuestionId" in answer:
        return ("q", str(answer["nextQuestionId"]))
    if "nextConclusionId" in answer:
        return ("c", str(answer["nextConclusionId"]))
    for redirect in answer.get("redirects") or []:
        if jexl(redirect["if"], labels):
            if "nextQuestionId" in redirect:
                return ("q", str(redirect["nextQuestionId"]))
            return ("c", str(redirect["nextConclusionId"]))
    return None


def walk(tree: Mapping[str, Any]) -> tuple[list[TreePath], list[tuple[AnswerKey, ...]]]:
    """Every complete path from question 1.1 (depth first, answers in tree order), and the dead ends."""
    questions = {str(q["questionId"]): q for q in tree["questions"]}
    paths: list[TreePath] = []
    dead_ends: list[tuple[AnswerKey, ...]] = []
    stack: list[tuple[str, tuple[str, ...], tuple[AnswerKey, ...]]] = [("1.1", (), ())]
    while stack:
        qid, labels, answers = stack.pop()
        branches = []
        for pos, answer in enumerate(questions[qid]["answers"]):
            new_labels = labels + tuple(answer.get("labels") or ())
            new_answers = (*answers, (qid, pos))
            step = _next_step(answer, new_labels)
            if step is None:
                dead_ends.append(new_answers)
            elif step[0] == "c":
                paths.append(TreePath(new_answers, new_labels, step[1]))
            else:
                if len(new_answers) > len(questions):
                    raise ValueError(f"loop in the tree after {new_answers}")
                branches.append((step[1], new_labels, new_answers))
        stack.extend(reversed(branches))
    paths.sort(key=lambda p: p.answers)
    return paths, dead_ends


# ---------------------------------------------------------------------------------------------------------------
# 2. Answers -> fenji facts
# ---------------------------------------------------------------------------------------------------------------

Facts = dict[str, Any]  # dotted fact id -> value
PathTest = Callable[[TreePath], bool]


@dataclass(frozen=True)
class Variant:
    """One concrete reading of an answer. ``labels`` = fenji labels this reading must produce."""

    name: str
    facts: Mapping[str, Any] = field(default_factory=dict)
    labels: tuple[str, ...] = ()
    only_if: PathTest | None = None


@dataclass(frozen=True)
class AnswerMap:
    """What an answer says in fenji facts: asserted variants (one is taken) and defaults (fill-ins)."""

    gloss: str
    variants: tuple[Variant, ...] = (Variant("as-is"),)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    labels_if: PathTest | None = None  # variant labels are expected only where this holds


def _on(question: str, *positions: int) -> PathTest:
    return lambda p: p.has(question, *positions)


def _not_on(question: str, *positions: int) -> PathTest:
    return lambda p: not p.has(question, *positions)


def _both(*tests: PathTest) -> PathTest:
    return lambda p: all(t(p) for t in tests)


# The tree is written for Dutch public-sector organisations (SOURCE.md): an EU-established public authority whose
# system is used in the EU. These fill whatever no answer set.
BASE_FACTS: Facts = {
    "market.eu": True,
    "org.established_in": ["eu"],
    "org.public_authority": True,
    "scope.personal_non_professional": False,  # an organisation, not a natural person's personal use (Art. 2(10))
}

# Negative content of "no prohibited practice" (2.1 = no) and the practices not chosen when 2.1 = yes.
NO_ART5: Facts = {
    "technique.manipulative_or_deceptive": False,
    "technique.exploits_vulnerabilities": False,
    "technique.social_scoring": False,
    "technique.crime_risk_prediction": "none",
    "technique.untargeted_face_scraping": False,
    "technique.emotion_recognition": False,
    "technique.biometric_categorisation": [],
    "technique.biometric_identification": "none",
    "technique.intimate_imagery_real_persons": "not_reproducible",
}

# The four Art. 50 triggers absent (2.9 = no, or the triggers a 2.9 = yes variant did not choose).
NO_ART50: Facts = {
    "technique.conversational": False,
    "technique.generates_content": [],
    "technique.emotion_recognition": False,
    "technique.biometric_categorisation": [],
    "use.publishes_public_interest_text": False,
}

# Real-time remote biometric identification by the police in a public space (Art. 5(1)(h) / Annex III 1(a)).
_RBI_LIVE: Facts = {
    "technique.biometric_identification": "identification",
    "technique.biometric_remote": True,
    "technique.biometric_real_time": True,
    "use.setting": ["publicly_accessible_space"],
    "use.cases": ["law_enforcement.biometric_identification"],
}


def _rbi_exception(ground: str) -> Variant:
    # 2.2 = yes: one of the Art. 5(1)(h)(i)-(iii) grounds. The tree treats the exception as available, so the
    # Art. 5(3) authorisation and Art. 5(5) national law it never asks are taken as met.
    facts = {
        **_RBI_LIVE,
        "safeguards.rbi_exception_ground": ground,
        "safeguards.rbi_national_law": True,
        "safeguards.rbi_prior_authorisation": True,
    }
    return Variant(f"rbi-exception:{ground}", facts)


# One variant per Art. 5 practice the tree's question 2.1 lists (the tree has no CSAM practice, Art. 5(1)(bb)).
PROHIBITED_VARIANTS = (
    Variant(
        "art5:1(a) manipulation",
        {"technique.manipulative_or_deceptive": True, "technique.material_distortion_harm": True},
        ("art5:1(a)",),
    ),
    *(
        Variant(
            f"art5:1(b) exploiting {group}",
            {
                "technique.exploits_vulnerabilities": True,
                "technique.material_distortion_harm": True,
                "use.vulnerable_groups": [group],
            },
            ("art5:1(b)",),
        )
        for group in ("minors", "persons_with_disabilities", "economically_vulnerable")
    ),
    Variant(
        "art5:1(c) social scoring",
        {"technique.social_scoring": True, "technique.social_score_detrimental": True},
        ("art5:1(c)",),
    ),
    Variant(
        "art5:1(d) crime prediction by profiling",
        {"technique.crime_risk_prediction": "solely_profiling_or_traits", "technique.profiling": True},
        ("art5:1(d)",),
    ),
    Variant("art5:1(e) face scraping", {"technique.untargeted_face_scraping": True}, ("art5:1(e)",)),
    Variant(
        "art5:1(f) emotions at work",
        {
            "technique.emotion_recognition": True,
            "use.setting": ["workplace"],
            "safeguards.medical_or_safety_reason": False,
        },
        ("art5:1(f)",),
    ),
    *(
        Variant(
            f"art5:1(g) biometric categorisation by {attribute}",
            {
                "technique.biometric_categorisation": [attribute],
                "safeguards.biometric_dataset_filtering_only": False,
            },
            ("art5:1(g)",),
        )
        for attribute in (
            "race_ethnic_origin",
            "political_opinion",
            "trade_union_membership",
            "religious_philosophical_belief",
            "sex_life_sexual_orientation",
        )
    ),
    Variant(
        "art5:1(h) live RBI without a ground",
        {**_RBI_LIVE, "safeguards.rbi_exception_ground": "none"},
        ("art5:1(h)",),
    ),
    Variant(
        "art5:1(ba) nudifier",
        {"technique.generates_content": ["image"], "technique.intimate_imagery_real_persons": "intended_purpose"},
        ("art5:1(ba)",),
    ),
)

# Annex I, Section A as the tree (2024 text) lists it; machinery is Section B since the Omnibus.
SECTION_A_VARIANTS = tuple(
    Variant(
        f"annex_i:A {law}",
        {
            "system.annex_i_legislation": [law],
            "system.product_role": role,
            # These product laws require third-party assessment for health and safety; only radio equipment can
            # need it solely for spectrum or EMC reasons (Art. 6(1c)), which the tree never asks.
            **({} if law == "radio_equipment" else {"system.third_party_only_non_safety": False}),
        },
        ("annex_i",),
    )
    for law, role in (
        ("machinery", "safety_component"),
        ("toys", "safety_component"),
        ("recreational_craft", "safety_component"),
        ("lifts", "safety_component"),
        ("atex", "safety_component"),
        ("radio_equipment", "safety_component"),
        ("pressure_equipment", "safety_component"),
        ("cableways", "safety_component"),
        ("ppe", "is_the_product"),
        ("gas_appliances", "safety_component"),
        ("medical_devices", "is_the_product"),
        ("ivd_medical_devices", "is_the_product"),
    )
)

SECTION_B_VARIANTS = tuple(
    Variant(
        f"annex_i:B {law}",
        {"system.annex_i_legislation": [law], "system.product_role": "safety_component"},
        ("annex_i",),
    )
    for law in (
        "civil_aviation_security",
        "two_three_wheel_vehicles",
        "agri_forestry_vehicles",
        "marine_equipment",
        "rail",
        "motor_vehicles",
        "vehicle_general_safety",
        "unmanned_aircraft",
    )
)


def _annex_iii(point: str, facts: Mapping[str, Any], only_if: PathTest | None = None) -> Variant:
    what = facts["use.cases"][0] if "use.cases" in facts else next(iter(facts))
    return Variant(f"annex_iii:{point} {what}", dict(facts), (f"annex_iii:{point}",), only_if)


def _uses(case: str) -> dict[str, Any]:
    return {"use.cases": [case]}


# One variant per Annex III point. 1(b)/1(c) are also Art. 50(3) systems, so they are only used where the path
# answers 2.9 = yes; 1(a) (post-remote identification) not beside a live-RBI answer at 2.2; 6(e) profiles by
# definition, so only where 2.5 = yes.
ANNEX_III_VARIANTS = (
    _annex_iii(
        "1(a)",
        {
            "technique.biometric_identification": "identification",
            "technique.biometric_remote": True,
            "technique.biometric_real_time": False,
            "use.cases": ["security.public_space_surveillance"],
        },
        _not_on("2.2", 0),
    ),
    _annex_iii(
        "1(a)",
        {
            "technique.biometric_identification": "identification",
            "technique.biometric_remote": True,
            "technique.biometric_real_time": False,
            "use.cases": ["law_enforcement.biometric_identification"],
        },
        _not_on("2.2", 0),
    ),
    _annex_iii("1(b)", {"technique.biometric_categorisation": ["other_protected_attribute"]}, _on("2.9", 0)),
    _annex_iii(
        "1(c)",
        {"technique.emotion_recognition": True, "use.setting": ["publicly_accessible_space"]},
        _both(_on("2.9", 0), _not_on("2.2", 0)),
    ),
    _annex_iii("2", _uses("critical_infrastructure.safety_component")),
    _annex_iii("3(a)", _uses("education.admission")),
    _annex_iii("3(b)", _uses("education.learning_assessment")),
    _annex_iii("3(c)", _uses("education.level_placement")),
    _annex_iii("3(d)", _uses("education.exam_proctoring")),
    _annex_iii("4(a)", _uses("employment.job_ad_targeting")),
    _annex_iii("4(a)", _uses("employment.recruitment_screening")),
    _annex_iii("4(a)", _uses("employment.candidate_assessment")),
    _annex_iii("4(b)", _uses("employment.promotion_termination")),
    _annex_iii("4(b)", _uses("employment.task_allocation_monitoring")),
    _annex_iii("5(a)", _uses("public_benefits.eligibility")),
    _annex_iii("5(b)", _uses("credit.creditworthiness_natural_persons")),
    _annex_iii("5(b)", _uses("housing.mortgage_underwriting")),
    _annex_iii("5(c)", _uses("insurance.life_health_pricing")),
    _annex_iii("5(d)", _uses("emergency.call_triage_dispatch")),
    _annex_iii("6(a)", _uses("law_enforcement.victim_risk")),
    _annex_iii("6(b)", _uses("law_enforcement.polygraph_deception")),
    _annex_iii("6(c)", _uses("law_enforcement.evidence_reliability")),
    _annex_iii(
        "6(d)",
        {
            "use.cases": ["law_enforcement.offender_risk"],
            "technique.crime_risk_prediction": "supports_human_assessment",
        },
    ),
    _annex_iii("6(e)", _uses("law_enforcement.investigative_profiling"), _on("2.5", 0)),
    _annex_iii("7(a)", _uses("migration.polygraph_deception")),
    _annex_iii("7(b)", _uses("migration.risk_assessment")),
    _annex_iii("7(c)", _uses("migration.application_examination")),
    _annex_iii("7(d)", _uses("migration.person_identification")),
    _annex_iii("8(a)", _uses("justice.judicial_decision_support")),
    _annex_iii("8(b)", _uses("democracy.election_influence")),
)

_NO_GROUNDS: Facts = {
    "decision.narrow_procedural_task": False,
    "decision.improves_prior_human_work": False,
    "decision.pattern_detection_with_review": False,
    "decision.preparatory_task": False,
}

# Art. 6(3)(a)-(d). The tree's wording of (a) and (b) includes "no significant risk of harm", so those readings
# carry the provider's judgement; for (c) and (d) the tree asks only for the ground and the judgement stays unknown.
ART6_3_VARIANTS = (
    Variant(
        "6(3)(a) narrow procedural task",
        {"decision.narrow_procedural_task": True, "decision.significant_risk_of_harm": False},
        ("art6_3_exempt",),
    ),
    Variant(
        "6(3)(b) improves prior human work",
        {"decision.improves_prior_human_work": True, "decision.significant_risk_of_harm": False},
        ("art6_3_exempt",),
    ),
    Variant("6(3)(c) pattern detection", {"decision.pattern_detection_with_review": True}, ("art6_3_exempt",)),
    Variant("6(3)(d) preparatory task", {"decision.preparatory_task": True}, ("art6_3_exempt",)),
)

# Art. 50 triggers the tree's question 2.9 lists (emotion recognition and biometric categorisation come with the
# Annex III 1(b)/1(c) variants, as those systems are always Annex III). 2.9 = yes says the obligation applies, so
# the exceptions other than the crime-law one (asked at 2.10) are answered "no": not obvious from the context, not
# standard editing, not an artistic work, no editorial responsibility.
ART50_VARIANTS = (
    Variant(
        "art50:1 chatbot", {"technique.conversational": True, "safeguards.ai_obvious_from_context": False}, ("art50:1",)
    ),
    Variant(
        "art50:2 text generation",
        {"technique.generates_content": ["text"], "safeguards.standard_editing_only": False},
        ("art50:2",),
    ),
    Variant(
        "art50:2+4 deep fake video",
        {
            "technique.generates_content": ["video"],
            "technique.deepfake": True,
            "safeguards.standard_editing_only": False,
            "safeguards.artistic_creative_work": False,
        },
        ("art50:2", "art50:4"),
    ),
    Variant(
        "art50:2 image generation",
        {
            "technique.generates_content": ["image"],
            "technique.deepfake": False,
            "safeguards.standard_editing_only": False,
        },
        ("art50:2",),
    ),
    Variant(
        "art50:2+4 voice clone",
        {
            "technique.generates_content": ["audio"],
            "technique.deepfake": True,
            "safeguards.standard_editing_only": False,
            "safeguards.artistic_creative_work": False,
        },
        ("art50:2", "art50:4"),
    ),
    Variant(  # Art. 50(4) 2nd subpara. is the deployer's duty: only for answers that use the system
        "art50:2+4 public-interest text",
        {
            "technique.generates_content": ["text"],
            "safeguards.standard_editing_only": False,
            "use.publishes_public_interest_text": True,
            "safeguards.editorial_responsibility": False,
        },
        ("art50:2", "art50:4"),
        _on("1.2", 1, 2, 4, 5),
    ),
)

# Art. 2 exclusions the tree's question 1.5 lists.
EXCLUSION_VARIANTS = (
    Variant("art2(3) military only", {"scope.military_defence_ns_only": True}),
    Variant(
        "art2(4) third-country police cooperation",
        {
            "org.established_in": ["other"],
            "scope.third_country_le_cooperation": True,
            "safeguards.intl_cooperation_safeguards": True,
        },
        only_if=_on("1.2", 1, 2, 4, 5),  # a user of the system; an EU importer or distributor cannot be this
    ),
    Variant("art2(6) scientific R&D only", {"scope.scientific_rd_only": True}),
    Variant("art2(8) pre-market R&D", {"scope.stage": "research_development"}, only_if=_on("1.3", 1)),
)

_PROVIDER = {"role.develops": True, "role.own_name": True}
_NOT_SUPPLY_CHAIN = {"role.imports_to_eu": False, "role.distributes": False}
_AI_SYSTEM = {"system.kind": "ai_system", "system.is_ai_system": True}
# fenji's system.kind has no "not AI" value: a card for any application says ai_system, and EU-AIA-ART3-1 then
# decides from system.methods / system.is_ai_system that it is not one.
_NOT_AI = {"system.kind": "ai_system", "system.is_ai_system": False}

# The mapping table: every answer of the tree (question id, answer position) -> fenji facts.
ANSWER_MAP: dict[AnswerKey, AnswerMap] = {
    # 1.1 Does the application contain an algorithm? yes -> continue (nothing to state yet).
    ("1.1", 0): AnswerMap("algorithm: yes"),
    # 1.1 no algorithm at all -> not an AI system (fenji: is_ai_system false, rules only).
    ("1.1", 1): AnswerMap("algorithm: no", (Variant("no algorithm", {**_NOT_AI, "system.methods": ["rules_only"]}),)),
    # 1.2 We only develop it -> provider (Art. 3(3)), not a user, not in the supply chain.
    ("1.2", 0): AnswerMap(
        "we only develop", (Variant("provider", {**_PROVIDER, "role.uses_own_authority": False, **_NOT_SUPPLY_CHAIN}),)
    ),
    # 1.2 We develop it and others use it too -> provider and deployer.
    ("1.2", 1): AnswerMap(
        "we develop, others use it too", (Variant("provider+deployer", {**_PROVIDER, "role.uses_own_authority": True}),)
    ),
    # 1.2 We develop it and use it ourselves -> provider and deployer.
    ("1.2", 2): AnswerMap(
        "we develop and use it", (Variant("provider+deployer", {**_PROVIDER, "role.uses_own_authority": True}),)
    ),
    # 1.2 We commissioned the development -> provider (Art. 3(3) "has it developed"); use is not stated.
    ("1.2", 3): AnswerMap("we commissioned it", (Variant("commissioning provider", dict(_PROVIDER)),)),
    # 1.2 We use a third-party application unmodified -> deployer only (no modification, no new purpose).
    ("1.2", 4): AnswerMap(
        "we use a third-party application as is",
        (
            Variant(
                "deployer",
                {
                    "role.develops": False,
                    "role.uses_own_authority": True,
                    "role.substantial_modification": False,
                    "role.changed_intended_purpose": False,
                    **_NOT_SUPPLY_CHAIN,
                },
            ),
        ),
    ),
    # 1.2 We use a third-party application with modifications -> provider and deployer. fenji's role.develops
    # counts modifying or fine-tuning as developing, and the modified system is put into service under our name.
    ("1.2", 5): AnswerMap(
        "we use a third-party application with changes",
        (Variant("modifying provider+deployer", {**_PROVIDER, "role.uses_own_authority": True}),),
    ),
    # 1.2 We import it from a supplier outside the EU -> importer (Art. 3(6)); we are EU-established.
    ("1.2", 6): AnswerMap("we import it", (Variant("importer", {"role.develops": False, "role.imports_to_eu": True}),)),
    # 1.2 We buy it from an EU supplier and sell it on -> distributor (Art. 3(7)).
    ("1.2", 7): AnswerMap(
        "we resell it",
        (Variant("distributor", {"role.develops": False, "role.imports_to_eu": False, "role.distributes": True}),),
    ),
    # 1.2 None of these -> no role at all.
    ("1.2", 8): AnswerMap(
        "none of these roles",
        (Variant("no role", {"role.develops": False, "role.uses_own_authority": False, **_NOT_SUPPLY_CHAIN}),),
    ),
    # 1.3 In use -> on the market / in service.
    ("1.3", 0): AnswerMap("in use", (Variant("in service", {"scope.stage": "in_service"}),)),
    # 1.3 In development -> the tree classifies the system it will put into service (the question only picks
    # transition deadlines; the Art. 2(8) R&D exclusion is asked at 1.5). fenji has no "not yet, but will be"
    # stage, so scope.stage stays unknown.
    ("1.3", 1): AnswerMap("in development"),
    # 1.4.1 It is an AI system (Art. 3(1)).
    ("1.4.1", 0): AnswerMap(
        "AI system", (Variant("AI system", {**_AI_SYSTEM, "system.methods": ["machine_learning"]}),)
    ),
    # 1.4.1 It is not an AI system -> 1.4.2 decides (GPAI system / GPAI model / neither).
    ("1.4.1", 1): AnswerMap("not an AI system"),
    # 1.4.1 Don't know -> the 1.6.x definition questions decide.
    ("1.4.1", 2): AnswerMap("don't know"),
    # 1.4.2 General-purpose AI system (Art. 3(66)): an AI system built on a GPAI model, here a third party's.
    ("1.4.2", 0): AnswerMap(
        "GPAI system",
        (
            Variant(
                "GPAI system on a third-party model",
                {**_AI_SYSTEM, "system.methods": ["machine_learning"], "system.foundation_model": "third_party_api"},
            ),
        ),
    ),
    # 1.4.2 General-purpose AI model (Art. 3(63)).
    ("1.4.2", 1): AnswerMap("GPAI model", (Variant("GPAI model", {"system.kind": "gpai_model"}),)),
    # 1.4.2 Neither -> not an AI system.
    ("1.4.2", 2): AnswerMap("neither", (Variant("no AI", {**_NOT_AI, "system.methods": ["rules_only"]}),)),
    # 1.5 An Art. 2 exclusion applies -> one of the four grounds the tree lists.
    ("1.5", 0): AnswerMap("an exclusion applies", EXCLUSION_VARIANTS),
    # 1.5 No exclusion.
    ("1.5", 1): AnswerMap(
        "no exclusion",
        defaults={
            "scope.military_defence_ns_only": False,
            "scope.scientific_rd_only": False,
            "scope.third_country_le_cooperation": False,
        },
    ),
    # 1.6.1 Only human-written rules, not derived from data -> not an AI system.
    ("1.6.1", 0): AnswerMap("rules only", (Variant("rules only", {**_NOT_AI, "system.methods": ["rules_only"]}),)),
    # 1.6.1 Not rules only -> 1.6.2.
    ("1.6.1", 1): AnswerMap("not rules only"),
    # 1.6.2 It infers -> 1.6.3.
    ("1.6.2", 0): AnswerMap("infers"),
    # 1.6.2 It does not infer (e.g. descriptive statistics) -> not an AI system.
    ("1.6.2", 1): AnswerMap(
        "does not infer", (Variant("statistics", {**_NOT_AI, "system.methods": ["statistical_model"]}),)
    ),
    # 1.6.3 Its outputs can influence its environment -> AI system (a borderline technique judged AI).
    ("1.6.3", 0): AnswerMap(
        "influences its environment",
        (Variant("borderline AI", {**_AI_SYSTEM, "system.methods": ["statistical_model"]}),),
    ),
    # 1.6.3 Its outputs cannot influence anything -> not an AI system.
    ("1.6.3", 1): AnswerMap(
        "no influence", (Variant("statistics", {**_NOT_AI, "system.methods": ["statistical_model"]}),)
    ),
    # 2.0 Interstitial screen ("the Act applies") -> nothing to state.
    ("2.0", 0): AnswerMap("continue"),
    # 2.1 One of the Art. 5 practices -> 2.2 picks which; the practices not chosen are absent.
    ("2.1", 0): AnswerMap("an Art. 5 practice", defaults=NO_ART5),
    # 2.1 None of the Art. 5 practices.
    ("2.1", 1): AnswerMap("no Art. 5 practice", defaults=NO_ART5),
    # 2.2 One of "the two exceptions" -> they are the Art. 5(1)(h) grounds, so the practice is live RBI.
    ("2.2", 0): AnswerMap(
        "an Art. 5(1)(h) exception",
        tuple(
            _rbi_exception(g)
            for g in ("serious_crime_suspect", "victim_or_missing_person_search", "imminent_threat_or_terrorist_attack")
        ),
    ),
    # 2.2 No exception -> prohibited; one variant per practice.
    ("2.2", 1): AnswerMap("no exception", PROHIBITED_VARIANTS),
    # 2.3 Safety component of (or itself) a product under Annex I Section A.
    ("2.3", 0): AnswerMap("Annex I Section A", SECTION_A_VARIANTS),
    # 2.3 ... under Annex I Section B (the tree does not ask 2.7.1 for these).
    ("2.3", 1): AnswerMap("Annex I Section B", SECTION_B_VARIANTS),
    # 2.3 Neither.
    ("2.3", 2): AnswerMap("no Annex I product", defaults={"system.annex_i_legislation": []}),
    # 2.4 An Annex III use -> one variant per point.
    ("2.4", 0): AnswerMap("Annex III", ANNEX_III_VARIANTS),
    # 2.4 No Annex III use -> internal IT tooling, no biometrics.
    ("2.4", 1): AnswerMap(
        "no Annex III use",
        defaults={
            "use.cases": ["it_ops.internal_tools"],
            "technique.biometric_identification": "none",
            "technique.emotion_recognition": False,
            "technique.biometric_categorisation": [],
        },
    ),
    # 2.5 Profiles natural persons (Art. 6(3) last subpara.).
    ("2.5", 0): AnswerMap("profiling", (Variant("profiling", {"technique.profiling": True}),)),
    # 2.5 No profiling.
    ("2.5", 1): AnswerMap("no profiling", (Variant("no profiling", {"technique.profiling": False}),)),
    # 2.6 An Art. 6(3) ground applies -> one variant per ground.
    ("2.6", 0): AnswerMap("an Art. 6(3) ground", ART6_3_VARIANTS),
    # 2.6 No Art. 6(3) ground.
    ("2.6", 1): AnswerMap("no Art. 6(3) ground", defaults=_NO_GROUNDS),
    # 2.7.1 (Annex I route) third-party conformity assessment required -> Art. 6(1)(b).
    ("2.7.1", 0): AnswerMap("third-party assessment", (Variant("3rd party", {"system.third_party_conformity": True}),)),
    # 2.7.1 No third-party conformity assessment.
    ("2.7.1", 1): AnswerMap(
        "no third-party assessment", (Variant("no 3rd party", {"system.third_party_conformity": False}),)
    ),
    # 2.7.2 (Annex III route) notified body needed: only the Art. 43 procedure, no classification fact.
    ("2.7.2", 0): AnswerMap("notified body (Annex III)"),
    ("2.7.2", 1): AnswerMap("internal control (Annex III)"),
    # 2.8 Systemic risk: training compute above 10^25 FLOP (Art. 51(2)); no rebuttal accepted.
    ("2.8", 0): AnswerMap(
        "systemic risk",
        (
            Variant(
                "3e25 FLOP",
                {"system.training_compute_flop": 3.0e25, "system.systemic_risk_rebuttal_accepted": False},
                ("gpai_systemic_risk",),
            ),
        ),
    ),
    # 2.8 No systemic risk: compute below the line, not designated.
    ("2.8", 1): AnswerMap(
        "no systemic risk",
        (Variant("5e23 FLOP", {"system.training_compute_flop": 5.0e23, "system.systemic_risk_designated": False}),),
    ),
    # 2.9 Art. 50 obligations apply -> one trigger; its label counts only if 2.10 finds no exception.
    ("2.9", 0): AnswerMap("Art. 50 applies", ART50_VARIANTS, defaults=NO_ART50, labels_if=_on("2.10", 1)),
    # 2.9 No Art. 50 trigger.
    ("2.9", 1): AnswerMap("no Art. 50 trigger", defaults=NO_ART50),
    # 2.10 Exception: authorised by law to detect, prevent, investigate or prosecute crime (Art. 50(1)-(4)).
    ("2.10", 0): AnswerMap(
        "crime-law exception",
        (
            Variant(
                "crime-law authorisation",
                {
                    "safeguards.crime_law_authorisation": True,
                    "use.cases": ["law_enforcement.crime_hotspot_forecasting"],
                },
            ),
        ),
    ),
    # 2.10 No exception.
    ("2.10", 1): AnswerMap(
        "no Art. 50 exception", (Variant("no crime-law exception", {"safeguards.crime_law_authorisation": False}),)
    ),
    # 2.11 Free and open-source licence, code and parameters public (Art. 2(12); Art. 53(2) for models).
    ("2.11", 0): AnswerMap(
        "open source", (Variant("FOSS", {"scope.foss_licence": True, "system.open_weights": True}),)
    ),
    # 2.11 Not open source.
    ("2.11", 1): AnswerMap(
        "not open source", (Variant("not FOSS", {"scope.foss_licence": False, "system.open_weights": False}),)
    ),
}


def check_mapping(tree: Mapping[str, Any]) -> list[str]:
    """Answers of the tree without a mapping entry, and mapping entries without an answer."""
    keys = {(str(q["questionId"]), i) for q in tree["questions"] for i in range(len(q["answers"]))}
    problems = [f"tree answer {k} has no ANSWER_MAP entry" for k in sorted(keys - ANSWER_MAP.keys())]
    problems += [f"ANSWER_MAP entry {k} is not an answer of the tree" for k in sorted(ANSWER_MAP.keys() - keys)]
    return problems


# ---------------------------------------------------------------------------------------------------------------
# 3. Conclusions -> expected fenji outcome
# ---------------------------------------------------------------------------------------------------------------

ROLES_BY_GROUP = {
    "12": frozenset({"provider"}),
    "13": frozenset({"deployer"}),
    "14": frozenset({"provider", "deployer"}),
    "15": frozenset({"importer"}),
    "16": frozenset({"distributor"}),
}
COMPARED_ROLES = frozenset({"provider", "deployer", "importer", "distributor"})
NOT_HIGH_RISK = frozenset({"transparency", "minimal"})


@dataclass(frozen=True)
class Expected:
    tiers: frozenset[str]
    applies: bool
    roles: frozenset[str] | None = None  # None: the tree states no role
    transparency: bool | None = None  # True: some art50 label; False: none; None: not stated
    labels: frozenset[str] = frozenset()  # labels fenji must give
    absent: frozenset[str] = frozenset()  # labels fenji must not give


def _system_tiers(group: str, code: str) -> tuple[frozenset[str], bool | None]:
    """Tier(s) and transparency for an AI-system conclusion (B = 0 or 1)."""
    if code == "0":
        return frozenset({"prohibited"}), None
    if group in ("15", "16"):  # importer / distributor: 1 = high-risk, 3 = not high-risk (Art. 50 never asked)
        return (frozenset({"high_risk"}), None) if code == "1" else (NOT_HIGH_RISK, None)
    return {
        "1": (frozenset({"high_risk"}), True),
        "2": (frozenset({"high_risk"}), False),
        "3": (frozenset({"transparency"}), True),
        "4": (frozenset({"minimal"}), False),
    }[code]


def expected_for(path: TreePath) -> Expected:
    conclusion = path.conclusion
    if conclusion.startswith("11."):
        roles = frozenset[str]() if conclusion == "11.3" else None
        return Expected(frozenset({"out_of_scope"}), applies=False, roles=roles)
    group, kind, code = conclusion.split(".")
    roles = ROLES_BY_GROUP[group]
    if kind == "2":  # a general-purpose AI model: no system tier; the Chapter V labels
        absent = frozenset({"gpai_systemic_risk"}) if path.has("2.8", 1) else frozenset()
        return Expected(frozenset({"minimal"}), True, roles, None, frozenset({"gpai"}), absent)
    tiers, transparency = _system_tiers(group, code)
    absent = frozenset({"art6_3_exempt"}) if path.has("2.6", 1) or path.has("2.5", 0) else frozenset()
    return Expected(tiers, True, roles, transparency, frozenset(), absent)


# ---------------------------------------------------------------------------------------------------------------
# 4. Cases: path + chosen variants -> card facts
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    index: int  # the reading's number
    path_index: int  # the tree path's number (a path has one or more readings)
    path: TreePath
    variants: tuple[tuple[AnswerKey, str], ...]  # the variant taken for each answer with several readings
    facts: Mapping[str, Any]
    expected: Expected


class MappingConflict(ValueError):
    """Two answers on one path assert different values for one fact: the mapping table needs an only_if."""


def _assert_facts(facts: Facts, new: Mapping[str, Any], where: AnswerKey) -> None:
    for key, value in new.items():
        if key not in facts:
            facts[key] = list(value) if isinstance(value, list) else value
        elif isinstance(value, list) and isinstance(facts[key], list):
            facts[key] = facts[key] + [v for v in value if v not in facts[key]]
        elif facts[key] != value:
            raise MappingConflict(f"{where}: {key} = {value!r} conflicts with {facts[key]!r}")


# Answers whose every reading is compared on every path through them: the Art. 5 practices (2.2 = no) and the
# Art. 2 exclusions (1.5 = yes). Other coarse answers take one reading per path, round-robin.
EXPANDED_ANSWERS: frozenset[AnswerKey] = frozenset({("2.2", 1), ("1.5", 0)})

Reading = tuple[AnswerKey, Variant]


def _options(key: AnswerKey, path: TreePath) -> list[Variant]:
    options = [v for v in ANSWER_MAP[key].variants if v.only_if is None or v.only_if(path)]
    if not options:
        raise MappingConflict(f"{key}: no variant fits path {path.answers}")
    return options


def _readings(path: TreePath, counters: Counter[tuple[AnswerKey, str]]) -> list[list[Reading]]:
    """The combinations of readings to compare for one path."""
    per_answer: list[list[Variant]] = []
    for key in path.answers:
        options = _options(key, path)
        if key in EXPANDED_ANSWERS:
            per_answer.append(options)
            continue
        turn = counters[(key, path.conclusion)]
        counters[(key, path.conclusion)] += 1
        per_answer.append([options[turn % len(options)]])
    return [list(zip(path.answers, combo, strict=True)) for combo in itertools.product(*per_answer)]


def build_case(index: int, path_index: int, path: TreePath, readings: Sequence[Reading]) -> Case:
    facts: Facts = {}
    labels: set[str] = set()
    for key, variant in readings:
        _assert_facts(facts, variant.facts, key)
        entry = ANSWER_MAP[key]
        if entry.labels_if is None or entry.labels_if(path):
            labels.update(variant.labels)
    for key in path.answers:
        for fact, value in ANSWER_MAP[key].defaults.items():
            facts.setdefault(fact, value)
    for fact, value in BASE_FACTS.items():
        facts.setdefault(fact, value)
    expected = expected_for(path)
    if path.conclusion.startswith("11."):
        labels = set()  # out of scope: no labels to check
    expected = Expected(
        expected.tiers,
        expected.applies,
        expected.roles,
        expected.transparency,
        expected.labels | labels,
        expected.absent,
    )
    chosen = tuple((key, v.name) for key, v in readings if len(ANSWER_MAP[key].variants) > 1)
    return Case(index, path_index, path, chosen, facts, expected)


def build_cases(paths: Sequence[TreePath]) -> list[Case]:
    counters: Counter[tuple[AnswerKey, str]] = Counter()
    cases: list[Case] = []
    for path_index, path in enumerate(paths):
        for readings in _readings(path, counters):
            cases.append(build_case(len(cases), path_index, path, readings))
    return cases


def nested(facts: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, value in facts.items():
        section, name = key.split(".", 1)
        out.setdefault(section, {})[name] = value
    return out


# ---------------------------------------------------------------------------------------------------------------
# 5. Assess and compare
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    applies: bool | None
    status: str
    tier: str
    labels: frozenset[str]
    could_be: tuple[str, ...]
    roles: frozenset[str]
    pending: tuple[str, ...]


@dataclass(frozen=True)
class Difference:
    """tier: fenji's tier is not the tree's; open: the tier agrees but fenji keeps a severer tier (``tier``) or
    applicability (``tier`` = "scope") open; role / label: as named."""

    kind: str  # tier | open | role | label
    detail: str
    tier: str = ""  # open: the severer tier still possible, or "scope"


@functools.cache
def eu_pack() -> api.PackSet:
    """Only the EU pack: the other regimes are not compared and would triple the run time."""
    return api.packs_from(only=[REGIME])


def assess(case: Case) -> Outcome:
    card = api.card_from_mapping({"id": f"minbzk-{case.index}", "facts": nested(case.facts)})
    result = api.assess(card, packs=eu_pack(), as_of=AS_OF).regimes[REGIME]
    return Outcome(
        applies=result.applies,
        status=result.status,
        tier=result.tier,
        labels=frozenset(result.labels),
        could_be=tuple(result.could_be),
        roles=frozenset(result.roles),
        pending=tuple(p.fact for p in result.pending),
    )


def _tier_differences(exp: Expected, out: Outcome) -> list[Difference]:
    if out.tier not in exp.tiers:
        return [Difference("tier", f"fenji {out.tier}, tree {'/'.join(sorted(exp.tiers))}")]
    diffs = [Difference("open", f"fenji {out.tier} but could be {t}", t) for t in out.could_be if t not in exp.tiers]
    if exp.applies and out.applies is None:
        diffs.append(Difference("open", "fenji cannot settle whether the Act applies", "scope"))
    return diffs


def _role_differences(exp: Expected, out: Outcome) -> list[Difference]:
    if exp.roles is None:
        return []
    got = out.roles & COMPARED_ROLES
    if got == exp.roles:
        return []
    missing, extra = sorted(exp.roles - got), sorted(got - exp.roles)
    return [Difference("role", f"missing {missing} extra {extra}")]


def _label_differences(exp: Expected, out: Outcome) -> list[Difference]:
    diffs = [Difference("label", f"missing {label}") for label in sorted(exp.labels - out.labels)]
    diffs += [Difference("label", f"unexpected {label}") for label in sorted(exp.absent & out.labels)]
    art50 = sorted(label for label in out.labels if label.startswith("art50:"))
    if exp.transparency is True and not art50:
        diffs.append(Difference("label", "missing any art50 label"))
    if exp.transparency is False and art50:
        diffs.append(Difference("label", f"unexpected {'/'.join(art50)}"))
    return diffs


def compare(case: Case, out: Outcome) -> list[Difference]:
    diffs = _tier_differences(case.expected, out) + _role_differences(case.expected, out)
    if out.tier in case.expected.tiers:  # label checks only make sense where the tiers agree
        diffs += _label_differences(case.expected, out)
    return diffs


# ---------------------------------------------------------------------------------------------------------------
# 6. Documented categories of disagreement
# ---------------------------------------------------------------------------------------------------------------

KINDS = ("their simplification", "law change", "legal ambiguity", "our bug")
Matcher = Callable[[Case, Outcome, Difference], bool]


@dataclass(frozen=True)
class Category:
    id: str
    kind: str  # one of KINDS
    reason: str
    matches: Matcher
    fix: Mapping[str, Any] | None = None  # facts (None = unknown) that make the difference go away


ART6_3_FACTS = frozenset(
    {
        "decision.significant_risk_of_harm",
        "decision.narrow_procedural_task",
        "decision.improves_prior_human_work",
        "decision.pattern_detection_with_review",
        "decision.preparatory_task",
        "technique.profiling",
    }
)
# technique.generates_content: fenji asks technique.csam only once it knows the system generates content.
CSAM_FACTS = frozenset({"technique.csam", "safeguards.sexual_content_safeguards", "technique.generates_content"})
ART50_FACTS = frozenset(
    {
        "technique.conversational",
        "technique.generates_content",
        "technique.deepfake",
        "use.publishes_public_interest_text",
        "safeguards.ai_obvious_from_context",
        "safeguards.standard_editing_only",
        "safeguards.editorial_responsibility",
        "scope.foss_licence",
    }
)


def _pending(out: Outcome, facts: frozenset[str]) -> bool:
    return any(f in facts for f in out.pending)


def _group(case: Case) -> str:
    return case.path.conclusion.split(".")[0]


def _model_conclusion(case: Case) -> bool:
    parts = case.path.conclusion.split(".")
    return len(parts) == 3 and parts[1] == "2"


def _high_risk_missed(case: Case, out: Outcome, diff: Difference) -> bool:
    """The tree says high-risk; fenji gives a lower tier but keeps high-risk open."""
    return diff.kind == "tier" and "high_risk" in case.expected.tiers and "high_risk" in out.could_be


def _high_risk_open(case: Case, out: Outcome, diff: Difference) -> bool:
    """High-risk missed but open, or the tiers agree and fenji keeps high-risk open."""
    return _high_risk_missed(case, out, diff) or (diff.kind == "open" and diff.tier == "high_risk")


def _exclusion_open(case: Case, out: Outcome, diff: Difference) -> bool:
    """The tree excludes the system (Art. 2(12) open source); fenji cannot settle the exclusion yet."""
    return diff.kind == "tier" and case.expected.tiers == {"out_of_scope"} and out.applies is None


def _scope_open(diff: Difference) -> bool:
    return diff.kind == "open" and diff.tier == "scope"


def _is_no_role(case: Case, out: Outcome, diff: Difference) -> bool:
    return case.path.conclusion == "11.3" and diff.kind == "tier"


def _is_model_value_chain(case: Case, out: Outcome, diff: Difference) -> bool:
    if not (_model_conclusion(case) and diff.kind == "role"):
        return False
    return _group(case) in ("13", "14", "15", "16") and not (out.roles & (COMPARED_ROLES - {"provider"}))


def _is_model_shortcut(case: Case, out: Outcome, diff: Difference) -> bool:
    return _model_conclusion(case) and _group(case) in ("15", "16") and _scope_open(diff)


def _is_annex_i_without_third_party(case: Case, out: Outcome, diff: Difference) -> bool:
    return (
        case.path.has("2.7.1", 1)
        and diff.kind == "tier"
        and "high_risk" in case.expected.tiers
        and out.tier in NOT_HIGH_RISK
    )


def _is_third_party_unasked(case: Case, out: Outcome, diff: Difference) -> bool:
    on_annex_i = case.path.has("2.3", 0, 1) and case.path.answer("2.7.1") is None
    unasked = on_annex_i and "system.third_party_conformity" in out.pending
    return unasked and _high_risk_missed(case, out, diff)


def _is_radio_6_1c(case: Case, out: Outcome, diff: Difference) -> bool:
    unasked = case.path.has("2.7.1", 0) and "system.third_party_only_non_safety" in out.pending
    return unasked and _high_risk_missed(case, out, diff)


def _is_rbi_exception_not_annex_iii(case: Case, out: Outcome, diff: Difference) -> bool:
    if not (case.path.has("2.2", 0) and case.path.has("2.4", 1) and "annex_iii:1(a)" in out.labels):
        return False
    found = diff.kind == "tier" and out.tier == "high_risk"
    return found or _high_risk_open(case, out, diff) or _exclusion_open(case, out, diff)


def _is_art6_3_not_asked(case: Case, out: Outcome, diff: Difference) -> bool:
    return case.path.answer("2.6") is None and _pending(out, ART6_3_FACTS) and _high_risk_open(case, out, diff)


def _is_art6_3_no_judgement(case: Case, out: Outcome, diff: Difference) -> bool:
    if not (case.path.has("2.6", 0) and "decision.significant_risk_of_harm" in out.pending):
        return False
    missing_label = diff.kind == "label" and diff.detail == "missing art6_3_exempt"
    return missing_label or _high_risk_open(case, out, diff) or _exclusion_open(case, out, diff)


def _csam_open(case: Case, out: Outcome, diff: Difference) -> bool:
    if not _pending(out, CSAM_FACTS):
        return False
    return (diff.kind == "open" and diff.tier == "prohibited") or _exclusion_open(case, out, diff)


def _visual_or_audio(case: Case) -> bool:
    """The system generates images, video or audio, or the tree never asked (importers and distributors)."""
    content = case.facts.get("technique.generates_content")
    return content is None or bool(set(content) & {"image", "video", "audio"})


def _is_csam(case: Case, out: Outcome, diff: Difference) -> bool:
    return _visual_or_audio(case) and _csam_open(case, out, diff)


def _is_in_development(case: Case, out: Outcome, diff: Difference) -> bool:
    return case.path.has("1.3", 1) and "scope.stage" in out.pending and _scope_open(diff)


def _is_supply_chain_unasked(case: Case, out: Outcome, diff: Difference) -> bool:
    return _group(case) in ("15", "16") and _pending(out, ART50_FACTS) and _scope_open(diff)


# Priority order: a difference gets the first category that matches (root causes before knock-on effects). ``fix``
# is the assumption the tree makes where it does not ask: set on the card, the difference must go away (checked by
# ``confirm``); None where the difference is definitional.
CATEGORIES: tuple[Category, ...] = (
    Category(
        "no-role",
        "their simplification",
        "Answer 1.2 'none of these': the tree concludes that the Act does not apply to the organisation, as it has no "
        "role. fenji classifies the system itself, reports no role, and does not call the system out of scope.",
        _is_no_role,
    ),
    Category(
        "gpai-model-value-chain",
        "their simplification",
        "The tree gives a deployer, importer or distributor role for a general-purpose AI model. The Act defines "
        "those roles for AI systems only (Art. 3(4), 3(6), 3(7)); a model has a provider (Art. 3(3)) and, for non-EU "
        "providers, an authorised representative (Art. 54). fenji gives no such role for a model card.",
        _is_model_value_chain,
    ),
    Category(
        "gpai-model-shortcut",
        "their simplification",
        "Importer or distributor of a general-purpose AI model: the tree concludes straight after 1.4.2 and never "
        "asks the Art. 2 exclusions (1.5), so fenji cannot settle that the Act applies.",
        _is_model_shortcut,
        {"scope.military_defence_ns_only": False, "scope.scientific_rd_only": False},
    ),
    Category(
        "annex-i-without-third-party",
        "their simplification",
        "Annex I Section A with no third-party conformity assessment (2.7.1 = no): the tree labels the system "
        "high-risk and asks 2.7.1 only for the obligations. Art. 6(1)(b) makes it high-risk only when the product "
        "needs third-party assessment, so fenji does not.",
        _is_annex_i_without_third_party,
        {"system.third_party_conformity": True},
    ),
    Category(
        "annex-i-third-party-unasked",
        "their simplification",
        "Annex I Section B (any role), and Section A for importers and distributors: the tree concludes high-risk "
        "without asking 2.7.1. Art. 6(1)(b) needs third-party assessment for every Annex I product, so fenji keeps "
        "high-risk open (system.third_party_conformity).",
        _is_third_party_unasked,
        {"system.third_party_conformity": True, "system.third_party_only_non_safety": False},
    ),
    Category(
        "annex-i-art6-1c",
        "law change",
        "Art. 6(1c) (inserted by Reg. (EU) 2026/1744): third-party assessment required solely for risks other than "
        "health and safety (e.g. radio spectrum) does not meet Art. 6(1)(b). The 2024-based tree does not ask it; "
        "for radio equipment fenji keeps high-risk open (system.third_party_only_non_safety).",
        _is_radio_6_1c,
        {"system.third_party_only_non_safety": False},
    ),
    Category(
        "rbi-exception-is-annex-iii",
        "their simplification",
        "2.2 = yes (an Art. 5(1)(h) exception) then 2.4 = no: a real-time remote biometric identification system "
        "is an Annex III 1(a) system whatever exception lifts the ban (Art. 5(2) even requires registration), but "
        "the tree accepts 'no Annex III use' and concludes not high-risk without asking Art. 6(3). fenji sees "
        "Annex III 1(a) and finds high-risk or keeps it open, and with it the Art. 2(12) open-source exclusion.",
        _is_rbi_exception_not_annex_iii,
        {
            "technique.biometric_identification": "none",
            "technique.biometric_remote": None,
            "technique.biometric_real_time": None,
        },
    ),
    Category(
        "art6-3-not-asked",
        "their simplification",
        "The tree concludes high-risk for an Annex III system without asking 2.5/2.6: importers and distributors "
        "after an Art. 5(1)(h) exception at 2.2. fenji needs the Art. 6(3) facts (profiling, grounds, significant "
        "risk) to settle the Annex III route and keeps high-risk open.",
        _is_art6_3_not_asked,
        {"technique.profiling": True},
    ),
    Category(
        "art6-3-risk-judgement",
        "their simplification",
        "2.6 = yes with ground (c) or (d): the tree treats the ground alone as the exception. Art. 6(3) also needs "
        "the provider's documented judgement that the system poses no significant risk of harm (1st subpara., "
        "Art. 6(4)); the tree's wording of (c)/(d) omits it, so decision.significant_risk_of_harm stays unknown and "
        "fenji keeps high-risk open (and cannot yet grant art6_3_exempt or the Art. 2(12) open-source exclusion).",
        _is_art6_3_no_judgement,
        {"decision.significant_risk_of_harm": False},
    ),
    Category(
        "csam-prohibition",
        "law change",
        "Art. 5(1)(bb) (child sexual abuse material, inserted by Reg. (EU) 2026/1744, applies 2026-12-02) is not in "
        "the tree (SOURCE.md). For a system that generates images, video or audio (or whose output the tree never "
        "asked about) fenji asks technique.csam and keeps prohibited open; the open prohibition also keeps the "
        "Art. 2(12) open-source exclusion open.",
        _is_csam,
        {"technique.csam": "not_reproducible"},
    ),
    Category(
        "in-development",
        "legal ambiguity",
        "1.3 'in development' only picks transition deadlines in the tree; the Art. 2(8) R&D exclusion is a separate "
        "answer at 1.5. fenji's scope.stage has no 'being built for the market' value (research_development would "
        "exclude the system under Art. 2(8)), so the stage stays unknown and fenji cannot settle that the Act "
        "applies; the tier is unaffected.",
        _is_in_development,
        {"scope.stage": "in_service"},
    ),
    Category(
        "supply-chain-unasked",
        "their simplification",
        "Importers and distributors: the tree concludes 'not high-risk' without asking Art. 50 or the open-source "
        "licence, so fenji cannot rule out the Art. 2(12) open-source exclusion and cannot settle that the Act "
        "applies.",
        _is_supply_chain_unasked,
        {"scope.foss_licence": False},
    ),
)


def matching(case: Case, out: Outcome, diff: Difference) -> list[Category]:
    return [c for c in CATEGORIES if c.matches(case, out, diff)]


def classify(case: Case, out: Outcome, diff: Difference) -> str | None:
    """The primary category of a difference: the first that matches."""
    found = matching(case, out, diff)
    return found[0].id if found else None


def with_facts(case: Case, fix: Mapping[str, Any]) -> Case:
    facts = {k: v for k, v in case.facts.items() if k not in fix}
    facts.update({k: v for k, v in fix.items() if v is not None})
    return Case(case.index, case.path_index, case.path, case.variants, facts, case.expected)


def _same(a: Difference, b: Difference) -> bool:
    return a.kind == b.kind and (a.kind == "tier" or (a.tier, a.detail) == (b.tier, b.detail))


# ---------------------------------------------------------------------------------------------------------------
# 7. Running it
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Row:
    case: Case
    outcome: Outcome
    differences: list[tuple[Difference, str | None]]


@dataclass
class Report:
    """Counts are per tree path: a path agrees only if every one of its readings agrees."""

    rows: list[Row]
    dead_ends: int
    mapping_problems: list[str]
    directory: Path = TREE_DIR

    @property
    def readings(self) -> int:
        return len(self.rows)

    @property
    def compared(self) -> int:
        """Tree paths compared."""
        return len({r.case.path_index for r in self.rows})

    def count(self, test: Callable[[Difference], bool]) -> int:
        """Paths with no difference passing ``test`` in any reading."""
        failing = {r.case.path_index for r in self.rows for d, _ in r.differences if test(d)}
        return self.compared - len(failing)

    @property
    def tier_agree(self) -> int:
        return self.count(lambda d: d.kind == "tier")

    @property
    def settled_agree(self) -> int:
        return self.count(lambda d: d.kind in ("tier", "open"))

    @property
    def full_agree(self) -> int:
        return self.count(lambda d: True)

    def kind_agree(self, kind: str) -> int:
        return self.count(lambda d: d.kind == kind)

    def by_category(self) -> Counter[tuple[str, str | None]]:
        """(difference kind, category) -> number of tree paths with it."""
        seen = {(r.case.path_index, d.kind, cat) for r in self.rows for d, cat in r.differences}
        return Counter((kind, cat) for _, kind, cat in seen)

    def by_kind(self) -> Counter[str]:
        """Kind of category (their simplification, law change, ...) -> tree paths with a tier difference of it."""
        kinds = {c.id: c.kind for c in CATEGORIES}
        seen = {
            (r.case.path_index, kinds.get(cat or "", "undocumented"))
            for r in self.rows
            for d, cat in r.differences
            if d.kind == "tier"
        }
        return Counter(kind for _, kind in seen)

    def by_tree_tier(self) -> dict[str, tuple[int, int]]:
        """The tree's tier(s) -> (paths, paths where fenji's tier agrees in every reading)."""
        tiers: dict[int, str] = {}
        failing: set[int] = set()
        for row in self.rows:
            tiers[row.case.path_index] = "/".join(sorted(row.case.expected.tiers))
            if any(d.kind == "tier" for d, _ in row.differences):
                failing.add(row.case.path_index)
        totals = Counter(tiers.values())
        agree = Counter(t for i, t in tiers.items() if i not in failing)
        return {t: (totals[t], agree[t]) for t in sorted(totals, key=lambda t: -totals[t])}

    def unused_variants(self) -> list[str]:
        """Readings of the mapping table that no case used (an only_if that never holds, or too few paths)."""
        used = {(key, name) for r in self.rows for key, name in r.case.variants}
        return [
            f"{key} {v.name}"
            for key, entry in ANSWER_MAP.items()
            if len(entry.variants) > 1
            for v in entry.variants
            if (key, v.name) not in used
        ]

    def undocumented(self) -> list[tuple[Row, Difference]]:
        return [(r, d) for r in self.rows for d, cat in r.differences if cat is None]


def confirm(report: Report, per_category: int = 5) -> list[str]:
    """Counterfactual check of the categories: with the ``fix`` of every category that matches a difference on the
    card (a difference can have several documented causes), the difference must go away. Samples the first
    ``per_category`` differences of each primary category that has a fix; returns the failures."""
    tried: Counter[str] = Counter()
    failures: list[str] = []
    for row in report.rows:
        for diff, cat in row.differences:
            causes = matching(row.case, row.outcome, diff)
            if not causes or causes[0].fix is None or tried[causes[0].id] >= per_category:
                continue
            tried[causes[0].id] += 1
            fix: dict[str, Any] = {}
            for cause in causes:
                fix.update(cause.fix or {})
            fixed = with_facts(row.case, fix)
            left = [d for d in compare(fixed, assess(fixed)) if _same(d, diff)]
            if left:
                failures.append(f"{cat}: reading {row.case.index} keeps {left[0].kind}: {left[0].detail}")
    return failures


def run(directory: Path = TREE_DIR) -> Report:
    tree = load_tree(directory)
    paths, dead_ends = walk(tree)
    problems = check_mapping(tree)
    rows: list[Row] = []
    for case in build_cases(paths):
        outcome = assess(case)
        diffs = [(d, classify(case, outcome, d)) for d in compare(case, outcome)]
        rows.append(Row(case, outcome, diffs))
    return Report(rows, len(dead_ends), problems, directory)


def _pct(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.1f} %)" if total else "0/0"


def summary_lines(report: Report) -> Iterator[str]:
    total = report.compared
    yield f"tree paths compared: {total} (every complete path; dead ends: {report.dead_ends}); as of {AS_OF}"
    yield f"readings assessed:   {report.readings} (every Art. 5 practice and Art. 2 exclusion on the paths with one)"
    yield f"tier agreement:            {_pct(report.tier_agree, total)}"
    yield f"tier agreement, settled:   {_pct(report.settled_agree, total)}  (fenji determined, nothing severer open)"
    yield f"role agreement:            {_pct(report.kind_agree('role'), total)}"
    yield f"label agreement:           {_pct(report.kind_agree('label'), total)}"
    yield f"full agreement:            {_pct(report.full_agree, total)}"
    by_kind = report.by_kind()
    yield "tier differences by kind:  " + ", ".join(f"{k} {by_kind[k]}" for k in (*KINDS, "undocumented"))
    yield ""
    yield "| tree tier | paths | fenji agrees |"
    yield "|---|---|---|"
    for tier, (n, agree) in report.by_tree_tier().items():
        yield f"| {tier} | {n} | {_pct(agree, n)} |"
    yield ""
    yield "| kind of difference | category | kind | paths |"
    yield "|---|---|---|---|"
    kinds = {c.id: c.kind for c in CATEGORIES}
    for (kind, cat), n in sorted(report.by_category().items(), key=lambda kv: (kv[0][0], -kv[1], str(kv[0][1]))):
        yield f"| {kind} | {cat or 'UNDOCUMENTED'} | {kinds.get(cat or '', '-')} | {n} |"


def detail_lines(report: Report, per_category: int = 1) -> Iterator[str]:
    seen: Counter[tuple[str, str | None]] = Counter()
    for row in report.rows:
        for diff, cat in row.differences:
            key = (diff.kind, cat)
            if seen[key] >= per_category:
                continue
            seen[key] += 1
            case, out = row.case, row.outcome
            yield f"[{cat or 'UNDOCUMENTED'}] {diff.kind}: {diff.detail}"
            yield f"  path {' '.join(f'{q}:{i}' for q, i in case.path.answers)} -> {case.path.conclusion}"
            yield f"  variants {dict((f'{q}:{i}', n) for (q, i), n in case.variants)}"
            yield f"  fenji {out.tier} {out.status} could_be={list(out.could_be)} labels={sorted(out.labels)}"
            yield f"        roles={sorted(out.roles)} applies={out.applies} pending={list(out.pending)[:6]}"
            yield f"  facts {dict(sorted(case.facts.items()))}"


def main(argv: Sequence[str] = ()) -> int:
    report = run()
    for problem in report.mapping_problems:
        print(f"MAPPING: {problem}")
    for line in summary_lines(report):
        print(line)
    for failure in confirm(report):
        print(f"NOT CONFIRMED: {failure}")
    if "--details" in argv:
        print()
        for line in detail_lines(report, per_category=3 if "--more" in argv else 1):
            print(line)
    return 1 if report.undocumented() or report.mapping_problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
