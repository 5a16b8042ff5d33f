"""Regression gate for the text assist: ``bench/assist.py`` on a fixed small sample of the development sets in
../shared must stay within 0.05 of the figures recorded in docs/validation.md ("Regression sample" table).

Skips without ../shared; fails under FENJI_REQUIRE_SHARED=1 (``shared_path``).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT, shared_path

pytestmark = pytest.mark.shared

SAMPLE = 40  # per set, the first rows in a fixed hash order (bench/assist.py --split all --sample 40)
TOLERANCE = 0.05
SECTION = "### Regression sample (text assist)"


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fenji_bench_assist", ROOT / "bench" / "assist.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def recorded() -> dict[str, float]:
    text = (ROOT / "docs" / "validation.md").read_text(encoding="utf-8")
    assert SECTION in text, f"docs/validation.md has no {SECTION!r} section"
    block = text.split(SECTION, 1)[1].split("\n#", 1)[0]
    return {m[1]: float(m[2]) for m in re.finditer(r"^\| `(\w+)` \| ([0-9.]+) \|", block, re.M)}


def test_accuracy_on_the_fixed_sample_has_not_dropped() -> None:
    root = shared_path("datasets")
    for name in ("eu-scenarios", "us-omb-dev", "cn-cac-dev"):
        shared_path("datasets", name)
    b = bench()
    runs = {}
    for key, load in b.LOADERS.items():
        examples = sorted(load(Path(root)), key=b.sample_order)[:SAMPLE]
        runs[key] = b.run(key, examples)
    figures = b.headline(runs)
    expected = recorded()
    assert set(expected) == set(figures), (sorted(expected), sorted(figures))
    drops = {k: (round(figures[k], 3), v) for k, v in expected.items() if figures[k] < v - TOLERANCE}
    assert not drops, f"accuracy dropped more than {TOLERANCE} below docs/validation.md: {drops}"
