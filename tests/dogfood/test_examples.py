"""Dogfood: every example card assesses to the tiers its header promises (``# expected: pack=tier ...``),
and ``fenji check`` over all of them emits SARIF that validates against the OASIS schema."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from fenji import api
from fenji.cli import main
from tests.conftest import EXAMPLES, shared_path

AS_OF = dt.date(2026, 11, 22)
CARDS = sorted(EXAMPLES.rglob("*.yaml"))
EXPECTED = re.compile(r"^#\s*expected:\s*(.+)$", re.MULTILINE)


def expectations(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    for match in EXPECTED.finditer(path.read_text(encoding="utf-8")):
        for pair in match.group(1).split():
            if "=" in pair:
                regime, tier = pair.split("=", 1)
                out[regime.strip()] = tier.strip().rstrip(",;")
    return out


def test_there_are_enough_example_cards() -> None:
    assert len(CARDS) >= 12


@pytest.mark.parametrize("card_path", CARDS, ids=[p.stem for p in CARDS])
def test_example_card_meets_its_expectations(card_path: Path) -> None:
    wanted = expectations(card_path)
    assert wanted, f"{card_path} needs a '# expected: regime=tier' header line"
    result = api.assess(api.load_card(card_path), as_of=AS_OF)
    for regime, tier in wanted.items():
        got = result.regimes[regime]
        assert got.tier == tier, f"{card_path.name}: {regime} tier {got.tier} ({got.status}), expected {tier}"


def test_check_all_examples_as_sarif() -> None:
    schema = json.loads(shared_path("reference", "sarif-2.1.0", "sarif-schema-2.1.0.json").read_text("utf-8"))
    result = CliRunner().invoke(main, ["check", *map(str, CARDS), "--as-of", "2026-11-22", "--format", "sarif"])
    assert result.exit_code in (0, 1), result.output
    jsonschema.validate(json.loads(result.output), schema)
