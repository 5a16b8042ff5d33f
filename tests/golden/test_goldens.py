"""Golden outputs for every example card in both languages (JSON and Markdown).

Update after an intended change with ``pytest tests/golden --update-goldens`` and review the diff.
Volatile fields (pack digests, decision IDs) are redacted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from fenji import api
from fenji.outputs import RENDERERS, Item
from tests.conftest import EXAMPLES

EXPECTED = Path(__file__).parent / "expected"
AS_OF = dt.date(2026, 11, 22)
CARDS = sorted(EXAMPLES.rglob("*.yaml"))
DIGEST = re.compile(r"sha256:[0-9a-f]{64}")


def _name(card_path: Path) -> str:
    return card_path.relative_to(EXAMPLES).with_suffix("").as_posix().replace("/", "__")


def _render(card_path: Path, fmt: str, lang: str) -> str:
    card = api.load_card(card_path)
    card.source = card_path.relative_to(EXAMPLES.parent.parent).as_posix()
    result = api.assess(card, as_of=AS_OF)
    text = RENDERERS[fmt]([Item(card, result, [])], lang)
    if fmt == "json":
        text = json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return DIGEST.sub("sha256:<redacted>", text)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["json", "markdown"])
@pytest.mark.parametrize("card_path", CARDS, ids=[_name(p) for p in CARDS])
def test_golden(card_path: Path, fmt: str, lang: str, update_goldens: bool) -> None:
    suffix = "json" if fmt == "json" else "md"
    expected_path = EXPECTED / f"{_name(card_path)}.{lang}.{suffix}"
    actual = _render(card_path, fmt, lang)
    if update_goldens or not expected_path.exists():
        if not update_goldens:
            pytest.fail(f"no golden file {expected_path}; run pytest tests/golden --update-goldens")
        expected_path.write_text(actual, encoding="utf-8")
    assert actual == expected_path.read_text(encoding="utf-8")


def test_no_orphan_goldens() -> None:
    names = {_name(p) for p in CARDS}
    for path in EXPECTED.glob("*"):
        assert path.name.split(".")[0] in names, f"orphan golden file {path}"
