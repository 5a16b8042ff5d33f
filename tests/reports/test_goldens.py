"""Golden Markdown of every report kind in English and Chinese (tests/reports/expected/).

Update after an intended change with ``pytest tests/reports --update-goldens`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from fenji import api
from tests.reports.cases import BY_KIND, CASES, Case, redact

EXPECTED = Path(__file__).parent / "expected"


def test_every_kind_has_a_golden_case() -> None:
    assert sorted(BY_KIND) == sorted(api.report_kinds())


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_markdown(case: Case, lang: str, update_goldens: bool) -> None:
    path = EXPECTED / f"{case.name}.{lang}.md"
    actual = redact(case.render("md", lang).decode("utf-8"))
    if update_goldens:
        path.write_text(actual, encoding="utf-8")
    if not path.exists():
        pytest.fail(f"no golden file {path}; run pytest tests/reports --update-goldens")
    assert actual == path.read_text(encoding="utf-8")


def test_no_orphan_goldens() -> None:
    names = {c.name for c in CASES}
    for path in EXPECTED.glob("*.md"):
        assert path.name.split(".")[0] in names, f"orphan golden file {path}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden_cases_are_required_packs(case: Case) -> None:
    """Each golden shows its pack on a card for which the law asks for it."""
    data = api.render_report(
        api.load_card(case.card_path()),
        case.kind,
        "json",
        "en",
        as_of=case.as_of,
        facts=api.parse_fact_assignments(list(case.facts)),
        evidence=case.evidence,
    )
    import json

    doc = json.loads(data)
    if case.kind != "assessment":
        assert doc["required"] is case.required, doc["blocks"][0]
