"""The bilingual words of the reports, kept as data in ``outputs/forms/_words.yaml``."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

FORMS_DIR = Path(__file__).resolve().parent.parent / "forms"


@functools.cache
def _words() -> dict[str, dict[str, str]]:
    data: Any = yaml.safe_load((FORMS_DIR / "_words.yaml").read_text(encoding="utf-8"))
    return {str(k): {"en": str(v["en"]), "zh": str(v.get("zh") or v["en"])} for k, v in data.items()}


def w(key: str, lang: str) -> str:
    """The word ``key`` in ``lang`` (zh or en)."""
    return _words()[key]["zh" if lang == "zh" else "en"]


def known(key: str) -> bool:
    return key in _words()


def joiner(lang: str) -> str:
    return "、" if lang == "zh" else ", "


def yes_no(value: bool | None, lang: str) -> str:
    if value is None:
        return w("unknown", lang)
    return w("word_yes" if value else "word_no", lang)
