"""The form files are data: every fact, obligation, label, role and evidence control they name must exist, and
every pack must build for every example card in both languages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from fenji import api, reporting
from fenji.model.facts import vocabulary
from fenji.outputs.reports import build_report, load_forms, report_kinds
from fenji.outputs.reports.context import PLACEHOLDER, SOURCE_KINDS, FormError, check, source
from fenji.outputs.reports.forms import parse_form
from fenji.outputs.reports.words import FORMS_DIR
from tests.conftest import EXAMPLES


def _conditions(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("all", "any"):
                for inner in value:
                    yield from _conditions(inner)
            elif key == "not":
                yield from _conditions(value)
            elif key in ("fact", "label", "role", "tier", "applies", "obligation", "extra"):
                yield key, str(value)


def _all_references() -> Iterator[tuple[str, str, str]]:
    """(form kind, reference kind, argument) for every source and condition in every form."""
    for kind, spec in load_forms().items():
        yield from ((kind, k, a) for k, a in _conditions(spec.required_when))
        for section in spec.sections:
            yield from ((kind, k, a) for k, a in _conditions(section.when))
            texts = [t.text for t in (*section.texts, *section.items)] + ([section.intro] if section.intro else [])
            for text in texts:
                for lang_text in (text.en, text.zh):
                    yield from ((kind, "source", m) for m in PLACEHOLDER.findall(lang_text))
            for f in section.fields:
                yield from ((kind, k, a) for k, a in _conditions(f.when))
                yield from ((kind, k, a) for k, a in _conditions(f.na_when))
                yield from ((kind, "source", s) for s in f.sources)
                if f.value:
                    yield from ((kind, "source", m) for m in PLACEHOLDER.findall(f.value.en + f.value.zh))
        yield from ((kind, "obligation", o) for o in spec.obligations)


def _known_labels() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for pid, lp in api.default_packs().packs.items():
        out[pid] = {lp.rules[r].rule.outcome.label for r in lp.rules if lp.rules[r].rule.outcome}  # type: ignore[union-attr]
        out[pid].discard(None)  # type: ignore[arg-type]
    return out


def _exists(ref: str, arg: str, known: dict[str, set[str]], labels: dict[str, set[str]]) -> bool:
    if ref == "label":
        regime, _, label = arg.partition(":")
        return any(lb.startswith(label.rstrip("*")) for lb in labels.get(regime, set()))
    if ref in ("fact", "obligation"):
        return arg in known[ref]
    if ref != "source" or arg.startswith("card."):
        return True
    head, _, rest = arg.partition(":")
    if head not in SOURCE_KINDS:
        return False
    return rest in known[head] if head in known else True


def test_every_reference_exists() -> None:
    packs = api.default_packs()
    known = {
        "fact": set(vocabulary().facts),
        "obligation": {rid for lp in packs.packs.values() for rid in lp.rules},
        "evidence": {c.id for c in api.control_catalogue().controls},
    }
    labels = _known_labels()
    problems = [(kind, ref, arg) for kind, ref, arg in _all_references() if not _exists(ref, arg, known, labels)]
    assert not problems


def test_forms_reject_unknown_keys_and_missing_languages() -> None:
    with pytest.raises(FormError, match="unknown keys"):
        parse_form({"kind": "x", "regime": "eu_ai_act", "title": {"en": "a", "zh": "b"}, "bogus": 1}, "x.yaml")
    with pytest.raises(FormError, match="both languages"):
        parse_form({"kind": "x", "regime": "eu_ai_act", "title": {"en": "a"}, "legal_basis": {"en": "a"}}, "x.yaml")


def test_every_form_file_is_loaded() -> None:
    files = {p.stem for p in FORMS_DIR.glob("*.yaml") if not p.name.startswith("_")}
    assert files == set(load_forms())
    assert report_kinds()[0] == "assessment"
    for path in FORMS_DIR.glob("*.yaml"):
        assert yaml.safe_load(path.read_text(encoding="utf-8"))


def test_unknown_source_is_a_form_error() -> None:
    card = api.load_card(EXAMPLES / "eu-cv-screening.yaml")
    inp = reporting.report_input(card, api.assess(card, as_of=dt.date(2026, 11, 22)), api.default_packs())
    with pytest.raises(FormError):
        source(inp, "nonsense:x", "en")
    with pytest.raises(FormError):
        check(inp, {"bogus": 1})


CARDS = sorted(EXAMPLES.glob("*.yaml"))


@pytest.mark.parametrize("card_path", CARDS, ids=[p.stem for p in CARDS])
def test_every_kind_builds_for_every_card(card_path: Any) -> None:
    card = api.load_card(card_path)
    packs = api.default_packs()
    inp = reporting.report_input(card, api.assess(card, as_of=dt.date(2026, 11, 22)), packs)
    for kind in report_kinds():
        for lang in ("en", "zh"):
            doc = build_report(kind, inp, lang)
            assert doc.blocks and doc.disclaimer
            if kind != "assessment":
                assert all(f.value is not None or f.hint for f in doc.fields), (kind, lang)
