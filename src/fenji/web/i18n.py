"""UI text in English and Chinese, and picking the language of a request.

UI strings are written in English in the templates and code (``{{ _('Dashboard') }}``); ``ZH`` holds their
Chinese. ``tests/web/test_i18n.py`` extracts the string given to every ``_`` and ``tr(request)`` call in the
templates and the web package and fails when one has no Chinese (or when ``ZH`` keeps a string nothing uses).
Legal content (rule titles, rationales, tier names) comes bilingual from the rule packs, not from here.

Language: ``?lang=`` > the ``fenji_lang`` cookie > ``Accept-Language`` > English.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fenji.web.zh import ZH

LANGS = ("en", "zh")
HTML_LANG = {"en": "en", "zh": "zh-Hans"}

Translate = Callable[..., str]

# Words the templates translate through a variable (``_(record.review_state)``): the test checks these too.
DYNAMIC: tuple[str, ...] = (
    # roles
    "viewer",
    "editor",
    "reviewer",
    "admin",
    # review states
    "draft",
    "submitted",
    "approved",
    "returned",
    # obligation status
    "applies",
    "waived",
    "indeterminate",
    "does_not_apply",
    # plan stages and evidence status
    "required_now",
    "later",
    "voluntary",
    "done",
    "in_progress",
    "planned",
    "expired",
    "missing",
    # what a diff shows
    "fact",
    "field",
    "evidence",
    "waivers",
    "tier",
    "status",
    "obligation_gained",
    "obligation_lost",
    "pack",
    "as_of",
    # rule kinds and confidence
    "classification",
    "obligation",
    "control",
    "confirmed",
    "secondary",
    "unconfirmed",
)


def translator(lang: str) -> Translate:
    table = ZH if lang == "zh" else {}

    def _(text: str, **values: Any) -> str:
        out = table.get(text, text)
        return out.format(**values) if values else out

    return _


def parse_accept_language(header: str | None) -> str | None:
    """The first supported language by quality (``zh-CN,zh;q=0.9,en;q=0.8`` -> ``zh``)."""
    if not header:
        return None
    choices: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGS and quality > 0:
            choices.append((-quality, index, primary))
    return min(choices)[2] if choices else None


def pick_lang(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    for candidate in (query, cookie):
        if candidate in LANGS:
            return str(candidate)
    return parse_accept_language(accept_language) or "en"
