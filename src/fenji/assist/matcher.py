"""Find the cues in a text, each with its clause and whether a negation governs it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from fenji.assist.lexicon import Cue, Lexicon, Negation

MAX_EVIDENCE = 160
CONTEXT = 60
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Hit:
    cue: Cue
    start: int  # of the matched words
    end: int
    negated: bool
    evidence: tuple[int, int]  # the span quoted as evidence (includes the negation word when negated)


def detect_lang(text: str) -> str:
    """``zh`` when Chinese characters dominate the letters of the text, else ``en``."""
    cjk = len(CJK.findall(text))
    latin = len(LATIN.findall(text))
    return "zh" if cjk and cjk * 3 >= latin else "en"


def clause_bounds(text: str, start: int, end: int, boundary: re.Pattern[str]) -> tuple[int, int]:
    """The clause around [start, end): from the previous boundary mark to the next one."""
    left = 0
    for m in boundary.finditer(text, 0, start):
        left = m.end()
    right_match = boundary.search(text, end)
    right = right_match.start() if right_match else len(text)
    return left, right


def _negator_before(text: str, clause_start: int, start: int, lang: str, neg: Negation) -> int | None:
    """Start of the nearest negation word before the match in the same clause, within the window."""
    lo = max(clause_start, start - neg.window[lang])
    found = None
    for m in neg.before[lang].finditer(text, lo, start):
        if not neg.breakers[lang].search(text, m.end(), start):
            found = m.start()
    return found


def _negator_after(text: str, end: int, clause_end: int, lang: str, neg: Negation) -> int | None:
    """End of a negation that follows the match closely ("… is excluded", "…除外")."""
    hi = min(clause_end, end + neg.window[lang])
    m = neg.after[lang].search(text, end, hi)
    return m.end() if m else None


def _trim(text: str, lo: int, hi: int) -> tuple[int, int]:
    while lo < hi and text[lo] in " \t\r\n|,;:：，；、-–—·•":
        lo += 1
    while hi > lo and text[hi - 1] in " \t\r\n|,;:：，；、-–—":
        hi -= 1
    return lo, hi


def evidence_span(text: str, clause: tuple[int, int], start: int, end: int) -> tuple[int, int]:
    """The clause, or a window around the match when the clause is long, cut at spaces."""
    lo, hi = clause
    if hi - lo > MAX_EVIDENCE:
        lo = max(lo, start - CONTEXT)
        hi = min(hi, end + CONTEXT)
        if lo > clause[0]:
            space = text.find(" ", lo, start)
            lo = space + 1 if space != -1 else lo
        if hi < clause[1]:
            space = text.rfind(" ", end, hi)
            hi = space if space != -1 else hi
    return _trim(text, lo, hi)


def _hit(text: str, cue: Cue, lang: str, m: re.Match[str], neg: Negation) -> Hit:
    clause = clause_bounds(text, m.start(), m.end(), neg.boundary)
    before = _negator_before(text, clause[0], m.start(), lang, neg)
    after = None if before is not None else _negator_after(text, m.end(), clause[1], lang, neg)
    span = evidence_span(text, clause, m.start(), m.end())
    if before is not None:
        span = (min(span[0], before), max(span[1], m.end()))
    if after is not None:
        span = (min(span[0], m.start()), max(span[1], after))
    return Hit(cue, m.start(), m.end(), before is not None or after is not None, span)


def find_hits(text: str, lexicon: Lexicon) -> list[Hit]:
    """Every match of every cue: English patterns always (Chinese texts mix in English words), Chinese patterns
    when the text has Chinese characters."""
    langs = ("en", "zh") if CJK.search(text) else ("en",)  # Chinese patterns need Chinese characters
    hits: list[Hit] = []
    for cue in lexicon.cues:
        for lang in langs:
            pattern = cue.patterns.get(lang)
            if pattern is None:
                continue
            matches = (m for m in pattern.finditer(text) if m.end() > m.start())
            hits.extend(_hit(text, cue, lang, m, lexicon.negation) for m in matches)
    return hits
