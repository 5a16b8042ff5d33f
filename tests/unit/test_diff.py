"""Law-change impact (issue 5): changelog parsing, cause attribution, and the AI Act before and after
Regulation (EU) 2026/1744 (Digital Omnibus on AI) on the example cards."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from fenji import api
from fenji.engine.diff import matching_entries, parse_changelog
from fenji.engine.loader import builtin_packs_dir, load_packs
from fenji.model.diff import CardDiff, ObligationChange
from tests.conftest import EXAMPLES

AS_OF = dt.date(2026, 11, 22)
EU_CARDS = sorted(EXAMPLES.glob("eu-*.yaml"))
CV = EXAMPLES / "eu-cv-screening.yaml"
DEVICE = EXAMPLES / "eu-medical-imaging-device.yaml"
DEEPFAKE = EXAMPLES / "eu-deepfake-video-tool.yaml"
OMNIBUS = dt.date(2026, 7, 27)  # Reg. (EU) 2026/1744 in force
POSTPONED_ANNEX_III = dt.date(2027, 12, 2)
POSTPONED_ANNEX_I = dt.date(2028, 8, 2)
BEFORE_CHANGELOG = """# Changelog — eu_ai_act rule pack

## [0.9.0] - 2024-08-01
### Added
- Regulation (EU) 2024/1689 as published (OJ L, 12.7.2024), before the Digital Omnibus on AI.
"""


def test_parse_changelog_sections_and_continuations() -> None:
    text = """# Changelog

## [1.1.0] - 2026-12-02
### Changed
- EU-AIA-ART9: Annex III duties postponed
  to 2027-12-02 (Reg. (EU) 2026/1744).
- Second entry.
### Removed
- EU-AIA-OLD withdrawn.

## [1.0.0]
### Added
- First pack.
"""
    entries = parse_changelog("eu_ai_act", text)
    assert [(e.version, e.section) for e in entries] == [
        ("1.1.0", "Changed"),
        ("1.1.0", "Changed"),
        ("1.1.0", "Removed"),
        ("1.0.0", "Added"),
    ]
    assert entries[0].text == "EU-AIA-ART9: Annex III duties postponed to 2027-12-02 (Reg. (EU) 2026/1744)."
    assert entries[0].date == dt.date(2026, 12, 2) and entries[3].date is None


def test_entries_match_whole_rule_ids_then_the_amending_instrument() -> None:
    entries = parse_changelog(
        "eu_ai_act",
        "## [1.0.0]\n### Added\n- New EU-AIA-ART5-1BA ban.\n- Omnibus: Regulation (EU) 2026/1744 applied.\n",
    )
    packs = api.default_packs()
    ban = packs.rule("EU-AIA-ART5-1BA")
    art5_1b = packs.rule("EU-AIA-ART5-1B")
    assert ban is not None and art5_1b is not None
    assert [e.text for e in matching_entries(entries, "EU-AIA-ART5-1BA", [ban[1].rule])] == ["New EU-AIA-ART5-1BA ban."]
    # EU-AIA-ART5-1B is a prefix of EU-AIA-ART5-1BA but not the same rule
    assert "EU-AIA-ART5-1BA" not in " ".join(
        e.text for e in matching_entries(entries, "EU-AIA-ART5-1B", [art5_1b[1].rule])
    )


# --- the Omnibus: law as of the day before and the day it entered into force -----------------------


def _changes(diff: CardDiff, kind: str) -> dict[str, ObligationChange]:
    return {c.rule_id: c for c in diff.of_kind(kind)}


def test_as_of_diff_around_the_omnibus_entry_into_force() -> None:
    cards = [api.load_card(p) for p in EU_CARDS]
    packs = api.default_packs()
    report = api.diff(
        cards, old_packs=packs, new_packs=packs, old_as_of=dt.date(2026, 7, 26), new_as_of=dt.date(2026, 7, 27)
    )
    cv = next(c for c in report.cards if c.system_id == "talentrank-cv")
    assert "EU-AIA-ART4" in _changes(cv, "lost") and "EU-AIA-ART4-2026" in _changes(cv, "gained")
    gained = _changes(cv, "gained")["EU-AIA-ART4-2026"]
    assert any(c.entry is not None and "2026/1744" in c.entry.text for c in gained.causes)
    assert any("in force from 2026-07-27" in c.text for c in gained.causes)
    lost = _changes(cv, "lost")["EU-AIA-ART4"]
    assert any("ends on 2026-07-27" in c.text for c in lost.causes)


# --- the Omnibus: the pack before and after Reg. (EU) 2026/1744 ----------------------------------


def _strip(cond: Any, removed: set[str]) -> Any:
    """The condition without references to removed rules (None when nothing is left)."""
    if not isinstance(cond, dict):
        return cond
    if cond.get("rule") in removed:
        return None
    if "not" in cond:
        inner = _strip(cond["not"], removed)
        return None if inner is None else {"not": inner}
    for key in ("all", "any"):
        if key in cond:
            items = [c for c in (_strip(item, removed) for item in cond[key]) if c is not None]
            return {key: items} if items else None
    return cond


def _revert(rule: dict[str, Any], removed: set[str]) -> dict[str, Any]:
    moved = {POSTPONED_ANNEX_III: dt.date(2026, 8, 2), POSTPONED_ANNEX_I: dt.date(2027, 8, 2)}
    if rule.get("superseded_on") == OMNIBUS:
        del rule["superseded_on"]
    rule["applies_from"] = moved.get(rule["applies_from"], rule["applies_from"])
    overrides = []
    for override in rule.get("date_overrides", []):
        when = _strip(override["when"], removed)
        if when == override["when"]:
            overrides.append(
                {**override, "applies_from": moved.get(override["applies_from"], override["applies_from"])}
            )
    if "date_overrides" in rule:
        rule["date_overrides"] = overrides
    rule["when"] = _strip(rule["when"], removed) or {"fact": "market.eu", "op": "is_true"}
    return rule


def _before_omnibus(tmp_path: Path) -> Path:
    """The rule packs with the Omnibus changes to the AI Act reverted (the law before 2026-07-27):
    Annex III duties back to 2026-08-02 and Annex I ones to 2027-08-02, no Art. 5(1)(ba)/(bb), Art. 4
    in its original wording, no SMC fine relief."""
    root = tmp_path / "rules"
    shutil.copytree(builtin_packs_dir(), root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    eu = root / "eu_ai_act"
    rules = {p: yaml.safe_load(p.read_text("utf-8")) for p in sorted((eu / "rules").glob("*.yaml"))}
    removed = {r["id"] for r in rules.values() if r.get("in_force_from") == OMNIBUS}
    for path, rule in rules.items():
        if rule["id"] in removed:
            path.unlink()
        else:
            path.write_text(yaml.safe_dump(_revert(rule, removed), allow_unicode=True, sort_keys=False), "utf-8")
    pack = yaml.safe_load((eu / "pack.yaml").read_text("utf-8"))
    pack["version"] = "0.9.0"
    pack["scope"] = _strip(pack["scope"], removed)
    (eu / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True, sort_keys=False), "utf-8")
    (eu / "CHANGELOG.md").write_text(BEFORE_CHANGELOG, encoding="utf-8")
    assert {"EU-AIA-ART5-1BA", "EU-AIA-ART5-1BB", "EU-AIA-ART4-2026"} <= removed
    return root


@pytest.fixture(scope="module")
def omnibus_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, CardDiff]:
    before = load_packs(_before_omnibus(tmp_path_factory.mktemp("before")), only=["eu_ai_act"])
    after = api.packs_from(None, only=["eu_ai_act"])
    cards = [api.load_card(p) for p in EU_CARDS]
    nudifier = api.load_card(DEEPFAKE).with_facts(
        api.parse_fact_assignments(["technique.intimate_imagery_real_persons=intended_purpose"])
    )
    nudifier.id = "nudifier"
    report = api.diff([*cards, nudifier], old_packs=before, new_packs=after, old_as_of=AS_OF, new_as_of=AS_OF)
    return {c.system_id: c for c in report.cards}


def test_omnibus_postpones_annex_iii_provider_duties(omnibus_report: dict[str, CardDiff]) -> None:
    cv = omnibus_report["talentrank-cv"]
    assert not cv.tier_changes  # still high-risk, only later
    moved = _changes(cv, "moved")
    art9 = moved["EU-AIA-ART9"]
    assert (art9.old_applies_from, art9.new_applies_from) == (dt.date(2026, 8, 2), dt.date(2027, 12, 2))
    assert any(c.entry is not None and c.entry.version == "1.0.0" and "2026/1744" in c.entry.text for c in art9.causes)
    assert any("applies_from 2026-08-02 → 2027-12-02" in c.text for c in art9.causes)
    assert all(c.new_applies_from == dt.date(2027, 12, 2) for c in moved.values() if c.rule_id != "EU-AIA-ART4")


def test_omnibus_postpones_annex_i_duties(omnibus_report: dict[str, CardDiff]) -> None:
    art9 = _changes(omnibus_report["lungscan-ai"], "moved")["EU-AIA-ART9"]
    assert (art9.old_applies_from, art9.new_applies_from) == (dt.date(2027, 8, 2), dt.date(2028, 8, 2))


def test_omnibus_softens_ai_literacy(omnibus_report: dict[str, CardDiff]) -> None:
    cv = omnibus_report["talentrank-cv"]
    assert "EU-AIA-ART4" in _changes(cv, "lost")
    gained = _changes(cv, "gained")["EU-AIA-ART4-2026"]
    assert any("rule EU-AIA-ART4-2026 added" in c.text for c in gained.causes)


def test_omnibus_adds_the_nudifier_ban(omnibus_report: dict[str, CardDiff]) -> None:
    nudifier = omnibus_report["nudifier"]
    change = next(t for t in nudifier.tier_changes if t.regime == "eu_ai_act")
    assert change.new_tier == "prohibited" and change.old_tier != "prohibited"
    assert any("EU-AIA-ART5-1BA added" in c.text for c in change.causes)


def test_spam_filter_only_sees_the_literacy_change(omnibus_report: dict[str, CardDiff]) -> None:
    spam = omnibus_report["mailguard-spam"]
    assert not spam.tier_changes and not spam.of_kind("moved")


def test_diff_report_json(omnibus_report: dict[str, CardDiff]) -> None:
    doc = omnibus_report["talentrank-cv"].to_dict()
    assert doc["changed"] is True
    assert doc["moved"] and doc["moved"][0]["causes"]
    assert {"gained", "lost", "moved", "tier_changes"} <= set(doc)
