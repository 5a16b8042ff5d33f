"""Full-text search over the rules library that handles Chinese.

Chinese is written without spaces, so a word tokenizer sees a whole sentence as one token. We index the
Chinese parts as overlapping character **bigrams** (the CJK bigram scheme of Lucene's ``CJKAnalyzer``) and as
single characters, and everything else as words:

    "禁止在工作场所进行情绪识别"  ->  bigrams "禁止 止在 在工 工作 作场 场所 …"   unigrams "禁 止 在 …"

A query is tokenized the same way: a Chinese run of two or more characters becomes a *phrase* of its bigrams
(so "情绪识别" matches only those four characters in a row), a single character searches the unigrams, a
word searches the words by prefix. All parts must match.

SQLite uses an FTS5 table (``porter unicode61`` for words, BM25 ranking); PostgreSQL uses ``tsvector``
columns with GIN indexes (``english`` for words, ``simple`` for the n-grams, ``ts_rank``). Both are created by
migration 0002. This module is pure text processing plus the two dialects' SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CJK = (
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # compatibility ideographs
    "\u3040-\u30ff"  # kana (Japanese titles in packs, if any)
    "\uac00-\ud7af"  # Hangul syllables (the Korean pack's terms)
)
_CJK_RUN = re.compile(f"[{_CJK}]+")
_WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+")
MAX_QUERY_TERMS = 12


@dataclass(frozen=True)
class Tokens:
    words: str
    bigrams: str
    unigrams: str


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def index_tokens(*texts: str) -> Tokens:
    """The three indexed fields of a document."""
    words: list[str] = []
    bigrams: list[str] = []
    unigrams: list[str] = []
    for text in texts:
        words.extend(_WORD.findall(_CJK_RUN.sub(" ", text)))
        for run in _CJK_RUN.findall(text):
            bigrams.extend(_bigrams(run))
            unigrams.extend(run)
    return Tokens(" ".join(words).lower(), " ".join(bigrams), " ".join(unigrams))


@dataclass(frozen=True)
class QueryTerm:
    field: str  # words | bigrams | unigrams
    tokens: tuple[str, ...]  # words: one word (prefix match); bigrams: the phrase; unigrams: one character


def query_terms(query: str) -> list[QueryTerm]:
    """The AND-ed terms of a user query; empty when the query has nothing searchable."""
    terms: list[QueryTerm] = []
    for run in _CJK_RUN.findall(query):
        if len(run) == 1:
            terms.append(QueryTerm("unigrams", (run,)))
        else:
            terms.append(QueryTerm("bigrams", tuple(_bigrams(run))))
    for word in _WORD.findall(_CJK_RUN.sub(" ", query)):
        terms.append(QueryTerm("words", (word.lower(),)))
    return terms[:MAX_QUERY_TERMS]


def fts5_match(terms: list[QueryTerm]) -> str:
    """An FTS5 MATCH expression (every token is quoted; tokens hold no quotes by construction)."""
    parts = []
    for term in terms:
        if term.field == "words":
            parts.append(f'words : "{term.tokens[0]}"*')
        else:
            parts.append(f'{term.field} : "{" ".join(term.tokens)}"')
    return " AND ".join(parts)


PG_MAX_POSITION = 16383


def _pg_lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def pg_tsvector_literal(tokens: str) -> str:
    """A ``tsvector`` in its literal form (cast with ``::tsvector``), positions kept for phrase queries.

    The n-grams bypass PostgreSQL's word parser, so Chinese is indexed the same whatever the database locale."""
    return " ".join(f"{_pg_lexeme(tok)}:{min(i + 1, PG_MAX_POSITION)}" for i, tok in enumerate(tokens.split()) if tok)


def pg_words_query(terms: list[QueryTerm]) -> str | None:
    """The words part as ``to_tsquery('english', …)`` text: every word by prefix, AND-ed."""
    words = [t.tokens[0] for t in terms if t.field == "words"]
    return " & ".join(f"{w}:*" for w in words) or None


def pg_ngram_queries(terms: list[QueryTerm]) -> list[tuple[str, str]]:
    """(column, tsquery literal) per Chinese term: a bigram phrase or one character."""
    return [(t.field, " <-> ".join(_pg_lexeme(tok) for tok in t.tokens)) for t in terms if t.field != "words"]
