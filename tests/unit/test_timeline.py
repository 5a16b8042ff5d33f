"""The timeline (issue 5): every dated obligation per regime, past / current / upcoming around --as-of."""

from __future__ import annotations

import datetime as dt

import pytest

from fenji import api
from fenji.engine.evaluate import add_working_days
from fenji.model.timeline import CURRENT, PAST, UPCOMING, Timeline, TimelineEvent
from tests.conftest import EXAMPLES

CV = EXAMPLES / "eu-cv-screening.yaml"
DEVICE = EXAMPLES / "eu-medical-imaging-device.yaml"
DISPATCH = EXAMPLES / "cn-ride-hailing-dispatch.yaml"
FACESWAP = EXAMPLES / "cn-face-swap-app.yaml"
HIRING = EXAMPLES / "us-hiring-screener-nyc-colorado.yaml"
DEEPFAKE = EXAMPLES / "eu-deepfake-video-tool.yaml"


def _timeline(path: object, as_of: dt.date, facts: list[str] | None = None) -> Timeline:
    overrides = api.parse_fact_assignments(facts or [])
    return api.timeline(api.load_card(str(path)), as_of=as_of, facts=overrides)


def _event(timeline: Timeline, rule_id: str, kind: str = "applies") -> TimelineEvent:
    found = [e for e in timeline.events if e.rule_id == rule_id and e.kind == kind]
    assert found, f"no {kind} event for {rule_id}"
    return found[0]


def _dates(timeline: Timeline, regime: str) -> list[dt.date]:
    return [e.date for e in timeline.by_regime()[regime]]


def test_annex_iii_duties_postponed_to_2027_12_02() -> None:
    timeline = _timeline(CV, dt.date(2026, 11, 22))
    art9 = _event(timeline, "EU-AIA-ART9")
    assert (art9.date, art9.phase) == (dt.date(2027, 12, 2), UPCOMING)
    assert _event(_timeline(CV, dt.date(2027, 12, 2)), "EU-AIA-ART9").phase == CURRENT
    assert _event(_timeline(CV, dt.date(2027, 12, 1)), "EU-AIA-ART9").phase == UPCOMING


def test_annex_i_duties_postponed_to_2028_08_02() -> None:
    timeline = _timeline(DEVICE, dt.date(2026, 11, 22))
    art9 = _event(timeline, "EU-AIA-ART9")
    assert (art9.date, art9.phase) == (dt.date(2028, 8, 2), UPCOMING)
    assert _event(_timeline(DEVICE, dt.date(2028, 8, 2)), "EU-AIA-ART9").phase == CURRENT


def test_superseded_ai_literacy_duty_is_past_and_its_successor_current() -> None:
    timeline = _timeline(CV, dt.date(2026, 11, 22))
    old = _event(timeline, "EU-AIA-ART4")
    ends = _event(timeline, "EU-AIA-ART4", "ends")
    assert (old.date, old.phase) == (dt.date(2025, 2, 2), PAST)
    assert (ends.date, ends.phase) == (dt.date(2026, 7, 27), PAST)
    assert _event(timeline, "EU-AIA-ART4-2026").phase == CURRENT
    before = _timeline(CV, dt.date(2026, 7, 1))
    assert _event(before, "EU-AIA-ART4").phase == CURRENT
    assert _event(before, "EU-AIA-ART4", "ends").phase == UPCOMING
    assert _event(before, "EU-AIA-ART4-2026").phase == UPCOMING


def test_cn_labelling_from_2025_09_01() -> None:
    labels = [e for e in _timeline(FACESWAP, dt.date(2025, 8, 1)).events if (e.rule_id or "").startswith("CN-LBL-")]
    assert labels and {e.date for e in labels if e.kind == "applies"} == {dt.date(2025, 9, 1)}
    assert {e.phase for e in labels if e.kind == "applies"} == {UPCOMING}
    after = [e for e in _timeline(FACESWAP, dt.date(2025, 9, 1)).events if (e.rule_id or "").startswith("CN-LBL-")]
    assert {e.phase for e in after if e.kind == "applies"} == {CURRENT}


def test_colorado_admt_law_from_2027_01_01_shows_before_it_is_in_force() -> None:
    timeline = _timeline(HIRING, dt.date(2026, 11, 22))
    colorado = timeline.by_regime()["us_co"]
    applies = [e for e in colorado if e.kind == "applies" and (e.rule_id or "").startswith("US-CO-SB189")]
    assert applies and {(e.date, e.phase) for e in applies} == {(dt.date(2027, 1, 1), UPCOMING)}
    tier = [e for e in colorado if e.kind == "tier"]
    assert tier and tier[0].date == dt.date(2027, 1, 1) and tier[0].phase == UPCOMING


def test_events_are_in_date_order_per_regime() -> None:
    for regime, events in _timeline(CV, dt.date(2026, 11, 22)).by_regime().items():
        assert [e.date for e in events] == sorted(e.date for e in events), regime


def test_filing_deadline_ten_working_days_after_launch() -> None:
    launch = dt.date(2026, 11, 20)  # a Friday
    timeline = _timeline(DISPATCH, dt.date(2026, 11, 22), [f"cn.service_launch_date={launch}"])
    due = _event(timeline, "CN-ALG-ART24-1", "due")
    assert due.date == add_working_days(launch, 10) == dt.date(2026, 12, 4)
    assert due.phase == UPCOMING
    assert (
        _event(
            _timeline(DISPATCH, dt.date(2026, 12, 5), [f"cn.service_launch_date={launch}"]), "CN-ALG-ART24-1", "due"
        ).phase
        == PAST
    )


def test_filing_deadline_without_launch_date_is_listed_as_undated() -> None:
    timeline = _timeline(DISPATCH, dt.date(2026, 11, 22), ["cn.service_launch_date=unknown"])
    assert not [e for e in timeline.events if e.rule_id == "CN-ALG-ART24-1" and e.kind == "due"]
    undated = {u.rule_id: u for u in timeline.undated}
    assert undated["CN-ALG-ART24-1"].needs_fact == "cn.service_launch_date"


def test_new_prohibition_changes_the_tier_on_2026_07_27() -> None:
    facts = ["technique.intimate_imagery_real_persons=intended_purpose"]
    timeline = _timeline(DEEPFAKE, dt.date(2026, 7, 1), facts)
    tiers = [e for e in timeline.by_regime()["eu_ai_act"] if e.kind == "tier" and e.status == "prohibited"]
    assert tiers and tiers[0].date == dt.date(2026, 7, 27) and tiers[0].phase == UPCOMING


@pytest.mark.parametrize("as_of", [dt.date(2024, 1, 1), dt.date(2026, 11, 22), dt.date(2031, 1, 1)])
def test_phases_follow_the_viewpoint(as_of: dt.date) -> None:
    for event in _timeline(CV, as_of).events:
        if event.kind == "applies" and event.phase == UPCOMING:
            assert event.date > as_of
        if event.kind in ("ends", "due") and event.phase == PAST:
            assert event.date <= as_of


def test_timeline_json_shape() -> None:
    doc = _timeline(CV, dt.date(2026, 11, 22)).to_dict()
    assert doc["as_of"] == "2026-11-22" and doc["system"]["id"] == "talentrank-cv"
    first = doc["regimes"]["eu_ai_act"][0]
    assert {"date", "regime", "kind", "phase", "title", "status"} <= set(first)


def test_repealed_colorado_act_never_applied() -> None:
    colorado = _timeline(HIRING, dt.date(2026, 11, 22)).by_regime()["us_co"]
    repealed = [e for e in colorado if (e.rule_id or "").startswith("US-CO-SB205")]
    assert repealed and {e.kind for e in repealed} == {"lapsed"}
    assert {e.phase for e in repealed} == {PAST}
