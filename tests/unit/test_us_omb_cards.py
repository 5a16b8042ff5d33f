"""The ten OMB M-25-21 cards in examples/cards/us-omb/ (modelled on rows of the us-omb-dev set) and the US example
cards: each assesses to the tier its comment header states, e.g. ``# expected: us_omb=high_impact``."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest

from fenji import api
from tests.conftest import EXAMPLES, shared_path

AS_OF = dt.date(2026, 11, 22)
OMB_CARDS = sorted((EXAMPLES / "us-omb").glob("*.yaml"))
US_CARDS = [
    EXAMPLES / n
    for n in (
        "us-federal-benefits-eligibility.yaml",
        "us-federal-document-ocr.yaml",
        "us-hiring-screener-nyc-colorado.yaml",
    )
]
MINE = ("us_omb", "us_co", "us_nyc")
EXPECTED = re.compile(r"^#\s*expected(?:@(\d{4}-\d{2}-\d{2}))?:\s*(.+)$", re.MULTILINE)


def expectations(path: Path) -> dict[dt.date, dict[str, str]]:
    """as-of date -> {regime: tier} from the header lines (``# expected:`` is as of 2026-11-22)."""
    out: dict[dt.date, dict[str, str]] = {}
    for match in EXPECTED.finditer(path.read_text(encoding="utf-8")):
        when = dt.date.fromisoformat(match.group(1)) if match.group(1) else AS_OF
        for pair in match.group(2).split():
            regime, _, tier = pair.partition("=")
            out.setdefault(when, {})[regime] = tier
    return out


def comments(path: Path) -> str:
    return " ".join(line[1:].strip() for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("#"))


def test_ten_cards_five_high_impact_five_not() -> None:
    tiers = Counter(expectations(p)[AS_OF]["us_omb"] for p in OMB_CARDS)
    assert len(OMB_CARDS) == 10
    assert tiers["high_impact"] == 5
    assert tiers["not_high_impact"] + tiers["presumed_high_impact_not"] == 5


@pytest.mark.parametrize("card_path", OMB_CARDS, ids=[p.stem for p in OMB_CARDS])
def test_omb_card_tier_matches_its_header(card_path: Path) -> None:
    wanted = expectations(card_path)[AS_OF]["us_omb"]
    result = api.assess(api.load_card(card_path), as_of=AS_OF).regimes["us_omb"]
    assert result.tier == wanted, f"{card_path.name}: got {result.tier}, header says {wanted}"
    assert result.determined, f"{card_path.name} is provisional; pending {[p.fact for p in result.pending]}"
    text = comments(card_path)
    assert "Why:" in text and "Modelled on" in text, "state the reason and the source row in the comments"
    if wanted != "not_high_impact":
        assert result.labels and all(label.startswith("presumed:") for label in result.labels)


@pytest.mark.shared
def test_cards_paraphrase_rather_than_copy_the_dataset() -> None:
    """No run of eight words from a dataset name or description appears in a card's comments."""
    path = shared_path("datasets", "us-omb-dev", "omb_dev.csv")

    def grams(text: str) -> set[tuple[str, ...]]:
        words = re.findall(r"[a-z0-9]+", text.lower())
        return {tuple(words[i : i + 8]) for i in range(len(words) - 7)}

    source: set[tuple[str, ...]] = set()
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            source |= grams(row["use_case_name"] + " " + row["description"])
    for card in OMB_CARDS:
        assert not grams(comments(card)) & source, card.name


@pytest.mark.parametrize("card_path", US_CARDS, ids=[p.stem for p in US_CARDS])
def test_us_example_cards_at_each_stated_date(card_path: Path) -> None:
    card = api.load_card(card_path)
    for when, wanted in expectations(card_path).items():
        result = api.assess(card, as_of=when)
        for regime, tier in wanted.items():
            if regime in MINE or regime in result.regimes:
                assert result.regimes[regime].tier == tier, f"{card_path.name} @ {when}: {regime}"


def _obligations(as_of: dt.date) -> dict[str, bool]:
    card = api.load_card(EXAMPLES / "us-federal-benefits-eligibility.yaml")
    result = api.assess(card, as_of=as_of).regimes["us_omb"]
    return {ob.id: ob.in_application(as_of) for ob in result.obligations}


def test_minimum_practices_come_into_application_on_2026_04_03() -> None:
    before, on = _obligations(dt.date(2026, 4, 2)), _obligations(dt.date(2026, 4, 3))
    practices = [rid for rid in on if rid.startswith("US-OMB-M2521-4B") or rid == "US-OMB-M2521-4A1-COMPLY-OR-STOP"]
    assert len(practices) == 8
    assert not any(before[rid] for rid in practices), "classified high-impact, duties still to come"
    assert all(on[rid] for rid in practices)
    assert before["US-OMB-M2521-3B5-INVENTORY"] and on["US-OMB-M2521-3B5-INVENTORY"]


def test_before_the_memo_the_pack_does_not_apply() -> None:
    card = api.load_card(EXAMPLES / "us-federal-benefits-eligibility.yaml")
    assert api.assess(card, as_of=dt.date(2025, 4, 2)).regimes["us_omb"].tier == "not_applicable"
    assert api.assess(card, as_of=dt.date(2025, 4, 3)).regimes["us_omb"].tier == "high_impact"


def test_written_determination_turns_the_benefits_card_presumed_not_only_without_principal_basis() -> None:
    card = api.load_card(EXAMPLES / "us-federal-benefits-eligibility.yaml")
    rebutted = {"us.omb_not_high_impact_determination": True}
    # the card still says the output is the principal basis of a decision with legal effect: definition wins
    assert api.assess(card, as_of=AS_OF, facts=rebutted).regimes["us_omb"].tier == "high_impact"
    assists = {**rebutted, "decision.output_role": "assists"}
    result = api.assess(card, as_of=AS_OF, facts=assists).regimes["us_omb"]
    assert result.tier == "presumed_high_impact_not"
    assert "US-OMB-M2521-4A4-DETERMINATION" in {ob.id for ob in result.obligations}


def test_caio_waiver_adds_the_waiver_duties_and_the_lighter_path() -> None:
    card = api.load_card(EXAMPLES / "us-federal-benefits-eligibility.yaml")
    result = api.assess(card, as_of=AS_OF, facts={"us.omb_caio_waiver": True}).regimes["us_omb"]
    obs = {ob.id: ob for ob in result.obligations}
    assert "US-OMB-M2521-4A2-WAIVER" in obs
    assert obs["US-OMB-M2521-4B2-IMPACT-ASSESSMENT"].lighter_path is not None
    plain = api.assess(card, as_of=AS_OF).regimes["us_omb"]
    assert all(ob.lighter_path is None for ob in plain.obligations)
