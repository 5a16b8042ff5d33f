"""Property test: any YAML/JSON document either loads and assesses, or raises a located CardError."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fenji import api
from fenji.errors import CardError
from fenji.model.card import load_card_text

VOCAB = api.get_vocabulary()
FACT_IDS = sorted(VOCAB.facts)
AS_OF = dt.date(2026, 11, 22)


def _fact_value(fact_id: str) -> st.SearchStrategy[Any]:
    fact = VOCAB.facts[fact_id]
    good: st.SearchStrategy[Any]
    if fact.type == "bool":
        good = st.booleans()
    elif fact.type == "enum":
        good = st.sampled_from(fact.value_ids)
    elif fact.type == "multi":
        good = st.lists(st.sampled_from(fact.value_ids), max_size=4)
    elif fact.type == "number":
        good = st.floats(allow_nan=False, allow_infinity=False) | st.integers()
    else:
        good = st.dates().map(lambda d: d.isoformat())
    return good | JUNK


JUNK: st.SearchStrategy[Any] = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12) | st.dates(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


@st.composite
def facts_mapping(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(FACT_IDS), max_size=12, unique=True))
    nested: dict[str, Any] = {}
    for fact_id in chosen:
        section, name = fact_id.split(".", 1)
        nested.setdefault(section, {})[name] = draw(_fact_value(fact_id))
    if draw(st.booleans()):
        nested[draw(st.text(min_size=1, max_size=10))] = draw(JUNK)
    return nested


cards = st.fixed_dictionaries(
    {"id": st.text(max_size=10), "facts": facts_mapping()},
    optional={
        "name": st.text(max_size=10),
        "fenji_card": st.sampled_from([1, 2, "1"]),
        "waivers": JUNK,
        "evidence": JUNK,
        "bogus": JUNK,
    },
)


def _check(load: Any) -> None:
    try:
        card = load()
    except CardError as exc:
        assert exc.issues, "a CardError must carry at least one located issue"
        for issue in exc.issues:
            assert issue.message
            assert issue.file or issue.line or issue.field, issue
        return
    result = api.assess(card, as_of=AS_OF)
    doc = result.to_dict("zh")
    json.dumps(doc, ensure_ascii=False)
    for regime in doc["regimes"].values():
        assert regime["status"] in ("determined", "provisional")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cards)
def test_any_card_mapping_loads_or_fails_with_location(data: dict[str, Any]) -> None:
    _check(lambda: api.card_from_mapping(data, source="prop.yaml"))


@settings(max_examples=200, deadline=None)
@given(cards)
def test_any_card_yaml_text_loads_or_fails_with_location(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=False)
    _check(lambda: load_card_text(text, "prop.yaml", VOCAB))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_loads_or_fails_with_location(text: str) -> None:
    _check(lambda: load_card_text(text, "prop.yaml", VOCAB))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(FACT_IDS), min_size=1, max_size=3), st.text(max_size=15))
def test_fact_assignments_parse_or_fail_with_location(fact_ids: list[str], raw: str) -> None:
    items = [f"{f}={raw}" for f in fact_ids]
    try:
        api.parse_fact_assignments(items)
    except CardError as exc:
        assert all(i.field for i in exc.issues)
