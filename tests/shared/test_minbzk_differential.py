"""Differential test: fenji's EU AI Act pack against the Dutch government's decision aid (issue 2).

Every complete path of the decision tree in ../shared/reference/minbzk-decision-tree/ is mapped to a card and
assessed; every difference from the tree's conclusion must fall into a documented category (``minbzk.CATEGORIES``,
explained in docs/validation.md). Summary table: ``python -m tests.shared.minbzk``.
"""

from __future__ import annotations

import pytest

from tests.conftest import shared_path
from tests.shared import minbzk

pytestmark = pytest.mark.shared

MIN_PATHS = 500


@pytest.fixture(scope="module")
def report() -> minbzk.Report:
    directory = shared_path("reference", "minbzk-decision-tree")
    return minbzk.run(directory)


def test_every_tree_answer_is_mapped(report: minbzk.Report) -> None:
    assert report.mapping_problems == []


def test_every_path_is_compared(report: minbzk.Report) -> None:
    assert report.dead_ends == 0, "a redirect list of the tree matched nothing; see minbzk.walk"
    assert report.compared >= MIN_PATHS
    assert report.compared == len(minbzk.walk(minbzk.load_tree(report.directory))[0])


def test_every_reading_of_the_mapping_is_used(report: minbzk.Report) -> None:
    assert report.unused_variants() == []


def test_categories_are_well_formed() -> None:
    ids = [c.id for c in minbzk.CATEGORIES]
    assert len(ids) == len(set(ids)), "category ids must be unique"
    for category in minbzk.CATEGORIES:
        assert category.kind in minbzk.KINDS, category.id
        assert category.reason.strip(), category.id


def test_every_disagreement_is_documented(report: minbzk.Report) -> None:
    undocumented = report.undocumented()
    sample = "\n".join(
        f"reading {row.case.index} ({row.case.path.conclusion}) {diff.kind}: {diff.detail}; "
        f"variants {dict(row.case.variants)}; pending {list(row.outcome.pending)[:5]}"
        for row, diff in undocumented[:10]
    )
    assert not undocumented, (
        f"{len(undocumented)} undocumented differences (python -m tests.shared.minbzk --details), e.g.:\n{sample}"
    )


def test_the_documented_causes_explain_the_differences(report: minbzk.Report) -> None:
    """Counterfactual: with the assumption the tree makes filled in, each sampled difference goes away."""
    assert minbzk.confirm(report, per_category=5) == []


def test_every_category_still_occurs(report: minbzk.Report) -> None:
    """A category no path needs any more is stale: drop it (and its paragraph in docs/validation.md)."""
    used = {cat for row in report.rows for _, cat in row.differences}
    stale = [c.id for c in minbzk.CATEGORIES if c.id not in used]
    assert not stale, f"categories no longer needed: {stale}"
