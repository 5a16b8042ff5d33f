"""Text assist: from a plain description (English or Chinese) to proposed facts, each with its evidence span.

    >>> from fenji.assist import merge, propose
    >>> sorted(merge(propose("A chatbot that screens job applicants' CVs for EU employers.")))[:3]
    ['decision.effect_domains', 'decision.significant_risk_of_harm', 'market.eu']

Offline and deterministic: the patterns are data shipped beside this module (``cues/*.yaml`` by topic,
``negation.yaml``, ``derivations.yaml``; conventions in ``lexicon.py``); nothing is downloaded. Facts the text does
not settle are not proposed, so they stay unknown. Every proposal quotes a span that occurs verbatim in the input
(the clause around the cue; with the negation word when the cue is negated) and carries a confidence.

``presumptions`` adds the legal defaults for facts the text is silent on (e.g. an M-25-21 presumed high-impact use
without a written determination); each names its provision and has a confidence of at most 0.5. ``given`` facts
(the caller's overrides) are never proposed and may trigger derivations. The optional LLM backend is ``llm.py``.

This package imports ``fenji.model`` only (an import-linter contract).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from fenji.assist.lexicon import Lexicon, LexiconError, load_lexicon
from fenji.assist.matcher import detect_lang, find_hits
from fenji.assist.resolve import Candidate, resolve
from fenji.model.facts import FactValue, Vocabulary, vocabulary
from fenji.model.result import ProposedFact

__all__ = ["LexiconError", "ProposedFact", "detect_lang", "lexicon", "merge", "propose"]


def lexicon(vocab: Vocabulary | None = None) -> Lexicon:
    return load_lexicon(vocab or vocabulary())


def _as_proposal(c: Candidate, text: str, multi: bool) -> ProposedFact:
    value: FactValue
    if multi:
        value = frozenset() if c.value is None else frozenset({str(c.value)})
    else:
        assert c.value is not None
        value = c.value
    return ProposedFact(fact=c.fact, value=value, evidence=text[c.span[0] : c.span[1]], confidence=c.confidence)


def propose(
    text: str,
    lang: str | None = None,
    *,
    presumptions: bool = True,
    given: Mapping[str, FactValue] | None = None,
) -> list[ProposedFact]:
    """Proposed facts for ``text`` in vocabulary order; list facts give one proposal per item.

    ``lang`` (``en`` or ``zh``) is informational: both languages' patterns always run, as descriptions mix them.
    ``given`` are facts the caller already knows (``--fact`` overrides): they are never proposed, and derivations
    may use them (e.g. the M-25-21 presumption only for a federal agency).
    """
    del lang
    vocab = vocabulary()
    lex = load_lexicon(vocab)
    chosen = resolve(find_hits(text, lex), lex, vocab, presumptions, given)
    order = {fid: i for i, fid in enumerate(vocab.facts)}
    out: list[ProposedFact] = []
    for fact_id in sorted(chosen, key=order.__getitem__):
        multi = vocab.facts[fact_id].type == "multi"
        out.extend(_as_proposal(c, text, multi) for c in chosen[fact_id])
    return out


def merge(proposals: Iterable[ProposedFact]) -> dict[str, FactValue]:
    """Dotted facts for a card: list items of one fact are joined; otherwise the first proposal of a fact wins."""
    out: dict[str, FactValue] = {}
    for p in proposals:
        current = out.get(p.fact)
        if isinstance(p.value, frozenset) and isinstance(current, frozenset):
            out[p.fact] = current | p.value
        elif current is None:
            out[p.fact] = p.value
    return out
