"""Every item the law asks for is a field of its pack, cited to its article point.

The lists below are written from legal-spec.md and the AI Act annexes in our own words: one entry per point, with
what the point asks for. A pack passes when, for each point, a field cites that point; the Markdown shows the field
with a value or a TODO marker.
"""

from __future__ import annotations

import json
import re

import pytest

from fenji import api
from fenji.outputs.reports import load_forms
from tests.conftest import EXAMPLES

# AI Act Annex IV (technical documentation, Art. 11(1))
ANNEX_IV = {
    "Annex IV 1(a)": "intended purpose, provider name, system version and relation to earlier versions",
    "Annex IV 1(b)": "interaction with hardware, software or other AI systems outside the system",
    "Annex IV 1(c)": "versions of relevant software or firmware, update requirements",
    "Annex IV 1(d)": "all forms in which the system is placed on the market or put into service",
    "Annex IV 1(e)": "hardware the system is meant to run on",
    "Annex IV 1(f)": "for product components: photos or illustrations, marking, internal layout",
    "Annex IV 1(g)": "basic description of the user interface given to the deployer",
    "Annex IV 1(h)": "instructions for use for the deployer",
    "Annex IV 2(a)": "development methods and steps, third-party pre-trained systems and tools",
    "Annex IV 2(b)": "design specifications: logic, key choices, assumptions, optimisation target, trade-offs",
    "Annex IV 2(c)": "architecture and computational resources",
    "Annex IV 2(d)": "data requirements and datasheets: provenance, scope, selection, labelling, cleaning",
    "Annex IV 2(e)": "assessment of the human-oversight measures (Art. 14)",
    "Annex IV 2(f)": "pre-determined changes and continuous compliance",
    "Annex IV 2(g)": "validation and testing: data, metrics, discriminatory impacts, signed test logs",
    "Annex IV 2(h)": "cybersecurity measures",
    "Annex IV 3": "capabilities and limits, accuracy per group, foreseeable risks, oversight, input specifications",
    "Annex IV 4": "why the performance metrics are appropriate",
    "Annex IV 5": "risk-management system (Art. 9)",
    "Annex IV 6": "changes over the lifecycle",
    "Annex IV 7": "harmonised standards applied or other solutions",
    "Annex IV 8": "copy of the EU declaration of conformity",
    "Annex IV 9": "post-market monitoring system and plan (Art. 72)",
}

# AI Act Annex VIII (registration, Art. 49): Section A providers 49(1), B not-high-risk 49(2), C public deployers 49(3)
ANNEX_VIII = {
    "Annex VIII A.1": "provider name, address, contact",
    "Annex VIII A.2": "person submitting on the provider's behalf",
    "Annex VIII A.3": "authorised representative",
    "Annex VIII A.4": "trade name and unambiguous reference",
    "Annex VIII A.5": "intended purpose, components and functions",
    "Annex VIII A.6": "information used (data, inputs) and operating logic",
    "Annex VIII A.7": "status on the market",
    "Annex VIII A.8": "notified-body certificate: type, number, expiry, body",
    "Annex VIII A.9": "scanned copy of the certificate",
    "Annex VIII A.10": "Member States where it is made available",
    "Annex VIII A.11": "copy of the EU declaration of conformity",
    "Annex VIII A.12": "electronic instructions for use (not for points 1, 6, 7 in LE/migration)",
    "Annex VIII A.13": "URL for more information (optional)",
    "Annex VIII B.1": "provider name, address, contact",
    "Annex VIII B.2": "person submitting on the provider's behalf",
    "Annex VIII B.3": "authorised representative",
    "Annex VIII B.4": "trade name and unambiguous reference",
    "Annex VIII B.5": "intended purpose",
    "Annex VIII B.6": "the Art. 6(3) condition(s) relied on",
    "Annex VIII B.7": "summary of the grounds for not-high-risk",
    "Annex VIII B.8": "status",
    "Annex VIII B.9": "Member States",
    "Annex VIII C.1": "deployer name, address, contact",
    "Annex VIII C.2": "person submitting on the deployer's behalf",
    "Annex VIII C.3": "URL of the provider's database entry",
    "Annex VIII C.4": "summary of the FRIA findings",
    "Annex VIII C.5": "summary of the DPIA, where applicable",
}

# AI Act Art. 27 (fundamental-rights impact assessment)
ART_27 = {
    "Art. 27(1)(a)": "the deployer's processes using the system",
    "Art. 27(1)(b)": "period and frequency of use",
    "Art. 27(1)(c)": "categories of persons and groups likely affected",
    "Art. 27(1)(d)": "specific risks of harm to them",
    "Art. 27(1)(e)": "human-oversight measures",
    "Art. 27(1)(f)": "measures if risks materialise, governance, complaints",
    "Art. 27(2)": "first use; reliance on earlier assessments; updates",
    "Art. 27(3)": "notification of the results to the market surveillance authority",
    "Art. 27(4)": "link with the data-protection impact assessment",
}

# China: algorithm filing (Algorithm Provisions Art. 24(1)) and the items the filing system asks for
CN_FILING = {
    "provider_name": "provider name (Art. 24(1))",
    "service_form": "service form (Art. 24(1))",
    "application_domain": "application domain (Art. 24(1))",
    "algorithm_type": "algorithm type (Art. 2 five types, Art. 24(1))",
    "sa_principle": "algorithm self-assessment report (Art. 24(1))",
    "sa_risks": "self-assessment: risk analysis",
    "sa_measures": "self-assessment: management systems and technical measures (Art. 7)",
    "pub_principle": "content to be made public: basic principle (Art. 16, Art. 24(1))",
    "pub_mechanism": "content to be made public: operating mechanism",
    "pub_purpose": "content to be made public: purpose",
    "filing_deadline": "10 working days from the start of the service (Art. 24(1))",
}

# China: generative-AI security self-assessment on GB/T 45654 (corpus §5, model §6, measures §7, other §8, tests §9)
CN_GENAI = ("GB/T 45654 §5.1", "GB/T 45654 §5.2", "GB/T 45654 §5.3", "GB/T 45654 §6", "GB/T 45654 §7")
CN_GENAI += ("GB/T 45654 §8.1", "GB/T 45654 §8.2", "GB/T 45654 §8.3", "GB/T 45654 §8.4")
CN_GENAI += ("GB/T 45654 §9.2", "GB/T 45654 §9.3", "GB/T 45654 §9.4")

# NYC LL 144 published summary (6 RCNY § 5-303) and notice (§ 20-871(b))
NYC = ("6 RCNY § 5-303", "§ 20-871(b)(1)", "§ 20-871(b)(2)", "§ 20-871(b)(3)", "6 RCNY § 5-304")


def _cites(kind: str) -> list[str]:
    return [f.cite for s in load_forms()[kind].sections for f in s.fields]


def _has_point(cites: list[str], point: str) -> bool:
    """A field cites ``point`` exactly (not a longer point such as A.10 for A.1)."""
    pattern = re.compile(re.escape(point) + r"(?![0-9a-z(])")
    return any(pattern.search(c) for c in cites)


@pytest.mark.parametrize(
    ("kind", "points"),
    [("eu-annex-iv", ANNEX_IV), ("eu-annex-viii", ANNEX_VIII), ("eu-fria", ART_27)],
)
def test_every_eu_point_has_a_field(kind: str, points: dict[str, str]) -> None:
    cites = _cites(kind)
    missing = [f"{p} ({what})" for p, what in points.items() if not _has_point(cites, p)]
    assert not missing, f"{kind} lacks fields for: {missing}"


def test_cn_filing_fields() -> None:
    ids = {f.id for s in load_forms()["cn-algorithm-filing"].sections for f in s.fields}
    assert not set(CN_FILING) - ids


@pytest.mark.parametrize(("kind", "points"), [("cn-genai-self-assessment", CN_GENAI), ("us-nyc-bias-summary", NYC)])
def test_other_pack_points(kind: str, points: tuple[str, ...]) -> None:
    cites = _cites(kind)
    assert not [p for p in points if not any(p in c for c in cites)]


def _fields_of(card: str, kind: str, *facts: str) -> dict[str, dict[str, object]]:
    data = api.render_report(
        api.load_card(EXAMPLES / card), kind, "json", "en", facts=api.parse_fact_assignments(list(facts))
    )
    doc = json.loads(data)
    return {f["id"]: f for b in doc["blocks"] if b["kind"] == "fields" for f in b["fields"]}


def test_annex_iv_document_shows_every_point() -> None:
    fields = _fields_of("eu-cv-screening.yaml", "eu-annex-iv")
    rendered = [str(f["cite"]) for f in fields.values()]
    assert all(_has_point(rendered, p) for p in ANNEX_IV)
    assert fields["a1a_purpose"]["value"] and not fields["a1a_purpose"]["todo"]
    assert fields["a1a_provider"]["todo"] is True  # the card does not name the provider


def test_annex_viii_sections_follow_the_duty() -> None:
    provider = _fields_of("eu-credit-scoring.yaml", "eu-annex-viii")  # Art. 49(1) only
    assert any(k.startswith("A") for k in provider) and not any(k[0] in "BC" for k in provider)
    exempt = _fields_of(
        "eu-exam-proctoring.yaml",
        "eu-annex-viii",
        "decision.significant_risk_of_harm=false",
        "technique.profiling=false",
        "decision.preparatory_task=true",
    )
    assert {k[0] for k in exempt} == {"B"}
    assert "preparatory task: yes" in str(exempt["B6_condition"]["value"])
    spam = _fields_of("eu-spam-filter.yaml", "eu-annex-viii")  # no registration duty: all sections for reference
    assert {k[0] for k in spam} == {"A", "B", "C"}


def test_fria_content_points_rendered() -> None:
    fields = _fields_of("eu-credit-scoring.yaml", "eu-fria")
    rendered = [str(f["cite"]) for f in fields.values()]
    assert all(_has_point(rendered, p) for p in ART_27)
