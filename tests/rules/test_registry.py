"""Invariants of the rule packs: unique IDs, grammar, cases for every rule, both languages."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

from fenji import api
from fenji.model.rule import RULE_ID_RE

CASES = Path(__file__).parent / "cases"


def test_rule_ids_unique_and_well_formed() -> None:
    packs = api.default_packs()
    ids = [lr.id for _, lr in packs.all_rules()]
    assert len(ids) == len(set(ids))
    for rule_id in ids:
        assert RULE_ID_RE.match(rule_id), rule_id


def test_every_rule_has_cases_for_each_outcome() -> None:
    packs = api.default_packs()
    problems = []
    for lp, lr in packs.all_rules():
        path = CASES / lp.id / f"{lr.id}.yaml"
        if not path.exists():
            problems.append(f"{lr.id}: no case file {path}")
            continue
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        wants = Counter(c["want"] for c in doc["cases"])
        for needed in ("applies", "does_not_apply", "indeterminate"):
            if not wants[needed]:
                problems.append(f"{lr.id}: no '{needed}' case")
    assert not problems, "\n".join(problems)


def test_case_files_name_existing_rules() -> None:
    packs = api.default_packs()
    for path in CASES.glob("*/*.yaml"):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert doc["rule"] == path.stem
        assert path.stem in packs.packs[path.parent.name].rules, path


def test_rules_have_both_languages_citation_and_dates() -> None:
    for _, lr in api.default_packs().all_rules():
        r = lr.rule
        assert r.title.en.strip() and r.title.zh.strip(), r.id
        assert r.rationale.en.strip() and r.rationale.zh.strip(), r.id
        assert r.citation.short and r.citation.instrument, r.id
        assert r.citation.url and r.citation.url.startswith("https://"), r.id
        assert r.applies_from is not None


def test_unconfirmed_rules_say_why() -> None:
    for _, lr in api.default_packs().all_rules():
        if lr.rule.confidence == "unconfirmed":
            assert lr.rule.confidence_note, f"{lr.id}: confidence unconfirmed needs confidence_note"


def test_every_pack_has_changelog_entry_for_its_version() -> None:
    for lp in api.default_packs().packs.values():
        assert f"## [{lp.pack.version}]" in lp.changelog
