"""The lexicon is data: it loads, names only facts and values of the vocabulary, and stays fast."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from fenji.assist import lexicon
from fenji.assist.lexicon import LexiconError, compile_chinese, compile_english
from fenji.model.facts import vocabulary


def test_the_lexicon_loads_and_is_checked_against_the_vocabulary() -> None:
    lex = lexicon()
    vocab = vocabulary()
    assert len(lex.cues) > 150 and len(lex.derivations) > 50
    for cue in lex.cues:
        assert cue.patterns, cue.id
        for setting in cue.settings:
            assert setting.fact in vocab.facts, cue.id
    presumptions = [d for d in lex.derivations if d.presumption]
    assert presumptions and all(d.then.confidence <= 0.5 and d.note for d in presumptions)


def test_cue_files_are_small_and_ids_are_unique() -> None:
    folder = resources.files("fenji.assist").joinpath("cues")
    ids: list[str] = []
    for f in folder.iterdir():
        if f.name.endswith(".yaml"):
            cues = yaml.safe_load(f.read_text(encoding="utf-8"))["cues"]
            assert len(cues) <= 40, f.name
            ids += [c["id"] for c in cues]
    assert len(ids) == len(set(ids))


def test_pattern_conventions() -> None:
    en = compile_english(["screen … applicants", "chat~bot", "(?-i:AI)"])
    assert en.search("it screens all job applicants") is None  # whole words only
    assert en.search("we screen the incoming job applicants") is not None
    assert en.search("a chat-bot") and en.search("a CHATBOT") and en.search("an AI tool")
    assert en.search("said it") is None  # (?-i:AI) stays case-sensitive
    zh = compile_chinese(["推荐…内容", "APP"])
    assert zh.search("为用户推荐可能感兴趣的内容") and zh.search("某某（APP）")
    assert zh.search("application") is None  # a Latin word inside a Chinese pattern is matched whole


def test_a_cue_naming_an_unknown_fact_is_rejected() -> None:
    from fenji.assist.lexicon import _cue

    with pytest.raises(LexiconError, match="unknown fact"):
        _cue({"id": "x", "sets": [{"fact": "market.mars"}], "en": ["mars"]}, vocabulary())
    with pytest.raises(LexiconError, match="market.us_states"):
        _cue({"id": "x", "sets": [{"fact": "market.us_states", "value": "XX"}], "en": ["x"]}, vocabulary())
