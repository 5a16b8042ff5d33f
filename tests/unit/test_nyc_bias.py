"""NYC Local Law 144 bias-audit figures (fenji.checks.nyc_bias): hand-computed tables, CSV errors, properties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fenji.checks.nyc_bias import (
    FOUR_FIFTHS,
    BiasAudit,
    BiasAuditInputError,
    Candidate,
    CategoryStat,
    audit_csv,
    compute,
    impact_ratios,
    parse_candidates,
    render_markdown,
    render_text,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "evidence" / "nyc-candidates.csv"


def rows(*groups: tuple[str, str, int, int]) -> str:
    """CSV text from (sex, race, candidates, selected) groups."""
    lines = ["sex,race_ethnicity,selected"]
    for sex, race, n, selected in groups:
        lines += [f"{sex},{race},{1 if i < selected else 0}" for i in range(n)]
    return "\n".join(lines) + "\n"


def stat(audit: BiasAudit, dimension: str, category: str) -> CategoryStat:
    dim = audit.dimension(dimension)  # type: ignore[arg-type]
    assert dim is not None
    return next(c for c in dim.categories if c.category == category)


# 30 candidates; rates worked out by hand below.
TABLE = rows(
    ("Female", "White", 10, 4),  # 0.4
    ("Male", "White", 10, 5),  # 0.5
    ("Female", "Asian", 5, 1),  # 0.2
    ("Male", "Asian", 5, 3),  # 0.6
)


def test_selection_rates_and_impact_ratios_by_sex() -> None:
    audit = audit_csv(TABLE)
    assert audit.mode == "selection" and audit.total == 30 and audit.positives == 13
    female, male = stat(audit, "sex", "Female"), stat(audit, "sex", "Male")
    assert (female.count, female.positives) == (15, 5)
    assert female.rate == pytest.approx(1 / 3)
    assert male.rate == pytest.approx(8 / 15)
    assert male.impact_ratio == 1.0
    assert female.impact_ratio == pytest.approx((1 / 3) / (8 / 15))  # 0.625
    assert female.below_threshold and not male.below_threshold
    assert audit.dimension("sex").reference == ("Male",)  # type: ignore[union-attr]


def test_by_race_and_intersectional() -> None:
    audit = audit_csv(TABLE)
    assert stat(audit, "race_ethnicity", "White").rate == pytest.approx(0.45)
    assert stat(audit, "race_ethnicity", "Asian").impact_ratio == pytest.approx(0.4 / 0.45)  # 0.889, not flagged
    assert not stat(audit, "race_ethnicity", "Asian").below_threshold
    assert stat(audit, "intersectional", "Male / Asian").impact_ratio == 1.0
    assert stat(audit, "intersectional", "Female / White").impact_ratio == pytest.approx(0.4 / 0.6)
    assert stat(audit, "intersectional", "Male / White").impact_ratio == pytest.approx(0.5 / 0.6)
    assert stat(audit, "intersectional", "Female / Asian").impact_ratio == pytest.approx(0.2 / 0.6)
    flagged = {(d, c.category) for d, c in audit.flagged}
    assert flagged == {
        ("sex", "Female"),
        ("intersectional", "Female / White"),
        ("intersectional", "Female / Asian"),
    }


def test_scoring_rate_is_share_above_the_sample_median() -> None:
    text = "sex,score\nFemale,1\nFemale,2\nFemale,6\nMale,3\nMale,4\nMale,5\n"
    audit = audit_csv(text)
    assert audit.mode == "scoring" and audit.median == 3.5
    assert stat(audit, "sex", "Female").rate == pytest.approx(1 / 3)  # only 6 is above 3.5
    assert stat(audit, "sex", "Male").rate == pytest.approx(2 / 3)  # 4 and 5
    assert stat(audit, "sex", "Female").impact_ratio == pytest.approx(0.5)
    assert [d.dimension for d in audit.dimensions] == ["sex"]  # no race column: no intersectional figures


def test_a_score_equal_to_the_median_is_not_above_it() -> None:
    audit = audit_csv("sex,score\nFemale,10\nMale,20\nMale,30\n")
    assert audit.median == 20
    assert stat(audit, "sex", "Male").positives == 1
    assert stat(audit, "sex", "Female").positives == 0


def test_categories_under_two_percent_are_excluded_from_impact_ratios() -> None:
    # 100 candidates: one category with 1 % of the data (and the highest rate), one with exactly 2 %.
    text = rows(
        ("Female", "White", 49, 20),
        ("Male", "White", 48, 24),
        ("Female", "American Indian or Alaska Native", 1, 1),
        ("Male", "Native Hawaiian or Other Pacific Islander", 2, 1),
    )
    audit = audit_csv(text)
    tiny = stat(audit, "race_ethnicity", "American Indian or Alaska Native")
    assert tiny.excluded and tiny.impact_ratio is None and tiny.rate == 1.0 and tiny.share == 0.01
    two = stat(audit, "race_ethnicity", "Native Hawaiian or Other Pacific Islander")
    assert not two.excluded and two.share == 0.02
    # the highest rate is taken among the included categories: NHPI 0.5 > White 44/97
    assert two.impact_ratio == 1.0
    assert stat(audit, "race_ethnicity", "White").impact_ratio == pytest.approx((44 / 97) / 0.5)
    assert any("excluded" in n.en for n in audit.notes)
    # with the exclusion switched off the tiny category becomes the reference
    kept = audit_csv(text, min_share=0.0)
    assert stat(kept, "race_ethnicity", "American Indian or Alaska Native").impact_ratio == 1.0


def test_unknown_categories_are_counted_and_left_out() -> None:
    text = "sex,race_ethnicity,selected\nFemale,White,1\nunknown,White,1\n,Asian,0\nMale,,1\nMale,Unknown,0\n"
    audit = audit_csv(text)
    assert audit.dimension("sex").unknown == 2  # type: ignore[union-attr]
    assert audit.dimension("race_ethnicity").unknown == 2  # type: ignore[union-attr]
    assert audit.dimension("intersectional").unknown == 4  # type: ignore[union-attr]
    assert stat(audit, "sex", "Male").count == 2


def test_no_positive_rate_means_no_impact_ratio() -> None:
    audit = audit_csv(rows(("Female", "White", 3, 0), ("Male", "White", 3, 0)))
    assert all(c.impact_ratio is None for d in audit.dimensions for c in d.categories)
    assert not audit.flagged
    assert any("undefined" in n.en for n in audit.notes)


def test_the_example_file() -> None:
    audit = audit_csv(EXAMPLE.read_text(encoding="utf-8"))
    assert (audit.total, audit.positives) == (80, 36)
    assert stat(audit, "race_ethnicity", "American Indian or Alaska Native").excluded
    assert stat(audit, "race_ethnicity", "White").impact_ratio == 1.0
    assert stat(audit, "race_ethnicity", "Black or African American").impact_ratio == pytest.approx(
        (7 / 19) / (14 / 26)
    )


def test_renderings_say_the_law_sets_no_threshold() -> None:
    audit = audit_csv(TABLE)
    text = render_text(audit, "en")
    assert "no pass or fail threshold" in text and "below 0.8" in text
    assert "门槛" in render_text(audit, "zh")
    md = render_markdown(audit, "en")
    assert "| Female | 15 | 5 | 0.333 | 0.625 | below 0.8 |" in md
    data = json.loads(json.dumps(audit.to_dict()))
    assert data["legal_threshold"] is None and data["four_fifths_threshold"] == FOUR_FIFTHS
    assert {"dimension": "sex", "category": "Female", "impact_ratio": pytest.approx(0.625)} in data["flagged"]


def test_header_aliases_and_byte_order_mark() -> None:
    candidates, mode, dims = parse_candidates("\ufeffID, Gender ,Race/Ethnicity,Selected\n1,Female,Asian,yes\n")
    assert mode == "selection" and dims == ("sex", "race_ethnicity", "intersectional")
    assert candidates == [Candidate("Female", "Asian", selected=True, line=2)]


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("sex,selected\nFemale,1\nMale,maybe\n", 3, "selected", "expected 0 or 1"),
        ("sex,score\nFemale,1.5\nMale,high\n", 3, "score", "expected a number"),
        ("sex,score\nFemale,inf\n", 2, "score", "finite"),
        ("sex,race,selected\nFemale,White\n", 2, None, "expected 3 fields"),
        ("sex,selected,score\nFemale,1,2\n", 1, None, "exactly one outcome column"),
        ("id,selected\n1,1\n", 1, None, "no category column"),
        ("sex,gender,selected\nF,F,1\n", 1, "gender", "two columns mean 'sex'"),
        ("", 1, None, "empty file"),
        ("sex,selected\n\n\n", 3, None, "no data rows"),
        ('sex,selected\n"Female,1\n', 2, None, "not valid CSV"),
    ],
)
def test_bad_input_names_line_and_column(text: str, line: int, column: str | None, message: str) -> None:
    with pytest.raises(BiasAuditInputError) as info:
        audit_csv(text)
    err = info.value
    assert message in err.message
    assert err.line == line
    assert err.column == column
    assert err.render("f.csv").startswith("f.csv, line")


def test_compute_rejects_an_empty_table() -> None:
    with pytest.raises(BiasAuditInputError):
        compute([], "selection")


def test_impact_ratio_helper() -> None:
    assert impact_ratios({"a": 0.25, "b": 0.5}) == {"a": 0.5, "b": 1.0}
    assert impact_ratios({"a": 0.0, "b": 0.0}) == {"a": None, "b": None}
    assert impact_ratios({}) == {}


SEXES = st.sampled_from(["Female", "Male", "X", None])
RACES = st.sampled_from(["White", "Asian", "Hispanic or Latino", "Black or African American", None])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(SEXES, RACES, st.booleans()), min_size=1, max_size=120),
    st.sampled_from([0.0, 0.02, 0.1]),
)
def test_ratios_stay_in_unit_interval_and_the_top_category_gets_one(
    table: list[tuple[str | None, str | None, bool]], min_share: float
) -> None:
    candidates = [Candidate(s, r, selected=sel) for s, r, sel in table]
    audit = compute(candidates, "selection", min_share=min_share)
    for dim in audit.dimensions:
        included = [c for c in dim.categories if not c.excluded]
        for c in dim.categories:
            assert 0.0 <= c.rate <= 1.0
            if c.excluded:
                assert c.impact_ratio is None
        top = max((c.rate for c in included), default=0.0)
        for c in included:
            if top > 0:
                assert c.impact_ratio is not None and 0.0 <= c.impact_ratio <= 1.0
                assert (c.impact_ratio == 1.0) == (c.rate == top)
            else:
                assert c.impact_ratio is None
        assert sum(c.count for c in dim.categories) + dim.unknown == len(candidates)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=3), st.floats(0, 1), min_size=1, max_size=8))
def test_impact_ratios_property(rates: dict[str, float]) -> None:
    ratios = impact_ratios(rates)
    top = max(rates.values())
    for key, ratio in ratios.items():
        if top > 0:
            assert ratio is not None and 0.0 <= ratio <= 1.0
            if rates[key] == top:
                assert ratio == 1.0
        else:
            assert ratio is None


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(SEXES, st.integers(-1000, 1000)), min_size=1, max_size=60))
def test_scoring_mode_properties(table: list[tuple[str | None, int]]) -> None:
    audit = compute([Candidate(s, None, score=float(v)) for s, v in table], "scoring", dimensions=("sex",))
    assert audit.median is not None
    assert audit.positives == sum(1 for _, v in table if v > audit.median)
    assert audit.positives <= len(table) // 2  # strictly above the median is at most half
    for c in audit.dimensions[0].categories:
        assert c.impact_ratio is None or 0.0 <= c.impact_ratio <= 1.0
