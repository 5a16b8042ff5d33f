"""Every UI string has Chinese; the catalogue keeps nothing unused; language negotiation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fenji.web
from fenji.web.i18n import DYNAMIC, parse_accept_language, pick_lang, translator
from fenji.web.zh import ZH

WEB = Path(fenji.web.__file__).parent
CALL = re.compile(r"""(?:\b_|\btr\(request\))\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def ui_strings() -> set[str]:
    found: set[str] = set()
    files = list((WEB / "templates").glob("*.html")) + [p for p in WEB.rglob("*.py") if p.name != "zh.py"]
    for path in files:
        for match in CALL.finditer(path.read_text(encoding="utf-8")):
            raw = match.group(1) if match.group(1) is not None else match.group(2)
            found.add(raw.replace('\\"', '"').replace("\\'", "'"))
    return found | set(DYNAMIC)


def test_every_ui_string_has_chinese() -> None:
    strings = ui_strings()
    assert len(strings) > 150
    missing = sorted(s for s in strings if not ZH.get(s, "").strip())
    assert not missing, f"add to fenji/web/zh.py: {missing}"


def test_the_catalogue_has_nothing_unused_and_keeps_placeholders() -> None:
    strings = ui_strings()
    assert sorted(set(ZH) - strings) == []
    for en, zh in ZH.items():
        assert set(re.findall(r"\{(\w+)\}", en)) == set(re.findall(r"\{(\w+)\}", zh)), en


def test_translator() -> None:
    assert translator("zh")("Dashboard") == ZH["Dashboard"]
    assert translator("en")("Page {page} of {pages}", page=1, pages=2) == "Page 1 of 2"
    assert "1" in translator("zh")("Page {page} of {pages}", page=1, pages=2)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh"),
        ("en-GB,en;q=0.9,zh;q=0.8", "en"),
        ("de-DE,de;q=0.9,zh-TW;q=0.5,en;q=0.4", "zh"),
        ("fr", None),
        ("zh;q=0, en;q=0.1", "en"),
        ("", None),
        ("zh;q=abc", None),
    ],
)
def test_accept_language(header: str, expected: str | None) -> None:
    assert parse_accept_language(header) == expected


def test_pick_lang_order() -> None:
    assert pick_lang("zh", "en", "en") == "zh"
    assert pick_lang(None, "zh", "en") == "zh"
    assert pick_lang("xx", None, "zh-CN") == "zh"
    assert pick_lang(None, None, None) == "en"


def test_every_web_error_code_has_a_page() -> None:
    from fenji.web.errors import OTHER_CODES, WEB_ERROR_CLASSES

    docs = Path(__file__).resolve().parents[2] / "docs" / "errors"
    for code in [cls.code for cls in WEB_ERROR_CLASSES] + list(OTHER_CODES):
        assert (docs / f"{code}.md").exists(), code
