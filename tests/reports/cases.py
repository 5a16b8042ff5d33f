"""Which example card (and facts, date, evidence file) each report kind is shown on in the tests and goldens."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from fenji import api
from tests.conftest import EXAMPLES, ROOT

AS_OF = dt.date(2026, 11, 22)
EVIDENCE = ROOT / "examples" / "evidence"
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


@dataclass(frozen=True)
class Case:
    kind: str
    card: str
    facts: tuple[str, ...] = ()
    as_of: dt.date = AS_OF
    evidence: Path | None = None
    required: bool = True  # the pack is required for this card on these facts
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.kind}__{Path(self.card).stem}"

    def card_path(self) -> Path:
        return EXAMPLES / self.card

    def render(self, fmt: str, lang: str) -> bytes:
        card = api.load_card(self.card_path())
        overrides = api.parse_fact_assignments(list(self.facts))
        return api.render_report(card, self.kind, fmt, lang, as_of=self.as_of, facts=overrides, evidence=self.evidence)


ART6_3 = (
    "decision.significant_risk_of_harm=false",
    "technique.profiling=false",
    "decision.preparatory_task=true",
)

CASES = (
    Case("assessment", "eu-cv-screening.yaml"),
    Case("eu-annex-iv", "eu-cv-screening.yaml"),
    Case("eu-fria", "eu-credit-scoring.yaml"),
    Case("eu-annex-viii", "eu-credit-scoring.yaml"),
    Case("eu-art6-4", "eu-exam-proctoring.yaml", ART6_3),
    Case("eu-art50", "eu-customer-service-chatbot.yaml"),
    Case("eu-gpai", "eu-gpai-systemic-model.yaml"),
    Case("cn-algorithm-filing", "cn-short-video-recommender.yaml"),
    Case("cn-genai-self-assessment", "cn-face-swap-app.yaml", evidence=EVIDENCE / "cn-genai-self-assessment.yaml"),
    Case("cn-registration", "cn-customer-service-bot-on-filed-llm.yaml"),
    Case("cn-label-plan", "cn-face-swap-app.yaml"),
    Case("us-omb-impact", "us-federal-benefits-eligibility.yaml"),
    Case("us-co-notice", "us-hiring-screener-nyc-colorado.yaml", as_of=dt.date(2027, 2, 1)),
    Case("us-nyc-bias-summary", "us-hiring-screener-nyc-colorado.yaml", evidence=EVIDENCE / "nyc-candidates.csv"),
    Case("us-ca-sb53", "us-ca-frontier-lab-model.yaml"),
)
BY_KIND = {c.kind: c for c in CASES}


def redact(text: str) -> str:
    """Pack and card digests change with every pack edit: keep them out of the goldens."""
    return DIGEST.sub("sha256:<redacted>", text)
