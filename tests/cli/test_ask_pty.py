"""`fenji ask` driven as a real terminal (pexpect, a pseudo-terminal) in both languages, and
through its functions; the card it writes round-trips through `fenji assess`."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml

from fenji import api
from fenji.cli import ask
from fenji.engine.loader import PackSet, load_packs
from fenji.model.facts import Fact
from tests.conftest import EXAMPLES
from tests.unit.test_questions import TEST_RULES, write_pack

AS_OF = "2026-11-22"
FENJI = [sys.executable, "-c", "import sys; from fenji.cli import main; sys.exit(main())"]
QUESTION = r"\((\d+)\) ([a-z]+\.[a-z0-9_]+)\r\n"
CHECKLIST = r"\((\d+)\) checklist ([a-z_]+)\r\n"
ITEM = r"\[([a-z]+\.[a-z0-9_]+)\]"
REFINE = r"\[y/N\]"
WRITTEN = r"(Card written to|系统卡已写入) "
EMOTION_CARD = EXAMPLES / "eu-workplace-emotion-recognition.yaml"


def typed(fact: Fact, value: Any, lang: str = "en") -> str:
    """How a person types this value: y/n (是/否), the number of a choice, numbers with commas."""
    if fact.type == "bool":
        return ("是" if value else "否") if lang == "zh" else ("y" if value else "n")
    if fact.type == "enum":
        return str(fact.value_ids.index(value) + 1)
    if fact.type == "multi":
        return ",".join(str(fact.value_ids.index(v) + 1) for v in sorted(value)) or "0"
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def spawn(*args: str, cwd: Path, keys: bool = False) -> pexpect.spawn:
    env = {**os.environ, "PROMPT_TOOLKIT_NO_CPR": "1", "TERM": "xterm", "COLUMNS": "120", "LINES": "40"}
    argv = [*FENJI[1:], "ask", "--as-of", AS_OF, *args] + ([] if keys else ["--plain"])
    child = pexpect.spawn(FENJI[0], argv, cwd=str(cwd), env=env, encoding="utf-8", timeout=60, dimensions=(40, 120))
    return child


def ticks(items: list[str], answers: Mapping[str, Any]) -> str:
    """How a person answers a checklist from ``answers``: ticked numbers, ``n?`` where silent."""
    vocab = api.get_vocabulary()
    marks = []
    for number, fact_id in enumerate(items, 1):
        group = vocab.group_of(fact_id)
        assert group is not None
        if fact_id not in answers:
            marks.append(f"{number}?")
        elif answers[fact_id] is True or (group.item(fact_id).gated and answers[fact_id] != group.item(fact_id).none):
            marks.append(str(number))
    return ",".join(marks) or "0"


def checklist_items(child: pexpect.spawn) -> list[str]:
    """The facts of the checklist being shown, read up to its prompt."""
    child.expect("> ")
    return re.findall(ITEM, child.before)


def drive(child: pexpect.spawn, answers: Mapping[str, Any], lang: str = "en", refine: bool = False) -> list[str]:
    """Answer every question from ``answers`` ("u" where they are silent) until the card is written;
    returns the facts asked (a checklist's items in order)."""
    vocab = api.get_vocabulary()
    asked: list[str] = []
    while True:
        index = child.expect([QUESTION, CHECKLIST, REFINE, WRITTEN])
        if index == 3:
            child.expect(pexpect.EOF)
            return asked
        if index == 2:
            child.sendline("y" if refine else "n")
            continue
        if index == 1:
            items = checklist_items(child)
            asked += [f for f in items if f not in asked]  # a ticked item's own question follows
            child.sendline(ticks(items, answers))
            continue
        fact_id = child.match.group(2)
        if fact_id not in asked:
            asked.append(fact_id)
        child.expect("> ")
        child.sendline(typed(vocab.fact(fact_id), answers[fact_id], lang) if fact_id in answers else "u")


def assess_json(path: Path) -> dict[str, Any]:
    out = subprocess.run(
        [*FENJI, "assess", str(path), "--format", "json", "--as-of", AS_OF],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout))


@pytest.fixture
def emotion_card() -> api.SystemCard:
    if not EMOTION_CARD.exists():
        pytest.skip("example card not present")
    return api.load_card(EMOTION_CARD)


# --- in a pseudo-terminal -----------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    name: str  # the fact, or the checklist's group
    items: list[str]
    checklist: bool


def expect_screen(child: pexpect.spawn) -> Shown:
    """The next question or checklist, read up to its prompt."""
    if child.expect([QUESTION, CHECKLIST]) == 0:
        fact_id = child.match.group(2)
        child.expect("> ")
        return Shown(fact_id, [fact_id], False)
    name = child.match.group(2)
    return Shown(name, checklist_items(child), True)


def answer(child: pexpect.spawn, shown: Shown, answers: Mapping[str, Any], lang: str = "en") -> None:
    if shown.checklist:
        child.sendline(ticks(shown.items, answers))
    else:
        child.sendline(typed(api.get_vocabulary().fact(shown.name), answers[shown.name], lang))


def test_english_session_with_help_back_and_skip_round_trips_through_assess(
    tmp_path: Path, emotion_card: api.SystemCard
) -> None:
    answers = emotion_card.facts
    child = spawn("--out", "card.yaml", cwd=tmp_path)
    first = expect_screen(child)
    child.sendline("?")
    child.expect("Legal basis: ")
    child.expect("> ")
    answer(child, first, answers)
    child.expect("▸ ")  # the live summary after an answer
    second = expect_screen(child)
    child.sendline("b")
    child.expect(f"Back to {first.items[0]}")
    assert expect_screen(child) == first  # asked again
    answer(child, first, answers)
    assert expect_screen(child) == second
    answer(child, second, answers)
    third = expect_screen(child)
    child.sendline("s")
    child.expect("Skipped")
    asked = drive(child, answers)
    assert not set(third.items) & set(asked)  # a skipped question is not asked again in the session
    asked = first.items + second.items + asked

    written = tmp_path / "card.yaml"
    data = yaml.safe_load(written.read_text(encoding="utf-8"))
    card = api.load_card(written)
    assert not set(third.items) & set(card.facts)
    for fact_id, value in card.facts.items():
        assert answers[fact_id] == value
    unknown = {f"{s}.{k}" for s, items in data["facts"].items() for k, v in items.items() if v == "unknown"}
    assert unknown == {f for f in asked if f not in answers}

    result = assess_json(written)
    original = api.assess(emotion_card, as_of=dt.date.fromisoformat(AS_OF))
    for regime, outcome in result["regimes"].items():
        if outcome["status"] == "determined":
            assert outcome["tier"] == original.regimes[regime].tier, regime


def test_chinese_session(tmp_path: Path, emotion_card: api.SystemCard) -> None:
    child = spawn("--out", "卡片.yaml", "--lang", "zh", "--regime", "eu_ai_act", cwd=tmp_path)
    child.expect("fenji ask：1 个监管制度")
    first = expect_screen(child)
    assert "u 不知道" in child.before  # the hint line (commands) is in Chinese
    child.sendline("?")
    child.expect("法律依据：")
    child.expect("> ")
    answer(child, first, emotion_card.facts, "zh")
    asked = drive(child, emotion_card.facts, "zh")
    card = api.load_card(tmp_path / "卡片.yaml")
    result = assess_json(tmp_path / "卡片.yaml")["regimes"]["eu_ai_act"]
    assert result["status"] == "determined"
    assert result["tier"] == api.assess(emotion_card, as_of=dt.date.fromisoformat(AS_OF)).regimes["eu_ai_act"].tier
    assert len(asked) + len(first.items) < len(emotion_card.facts)  # fewer questions than the card has facts
    assert set(card.facts) <= set(emotion_card.facts)


def test_resume_from_a_partial_card(tmp_path: Path, emotion_card: api.SystemCard) -> None:
    child = spawn("--out", "partial.yaml", "--regime", "eu_ai_act", cwd=tmp_path)
    answered: list[str] = []
    for _ in range(2):
        shown = expect_screen(child)
        answered += shown.items
        answer(child, shown, emotion_card.facts)
    dont_know = expect_screen(child)
    child.sendline("u")
    expect_screen(child)
    child.sendline("q")
    child.expect("fenji ask --from partial.yaml")
    child.expect(pexpect.EOF)
    partial = yaml.safe_load((tmp_path / "partial.yaml").read_text(encoding="utf-8"))
    for fact_id in dont_know.items:
        section, name = fact_id.split(".", 1)
        assert partial["facts"][section][name] == "unknown"

    resumed = spawn("--from", "partial.yaml", "--regime", "eu_ai_act", cwd=tmp_path)
    asked = drive(resumed, emotion_card.facts)
    assert not set(asked) & set(answered + dont_know.items)
    card = api.load_card(tmp_path / "partial.yaml")  # --from writes back to the same card by default
    assert set(answered) <= set(card.facts)


def test_arrow_keys(tmp_path: Path) -> None:
    first = api.survey({}, as_of=dt.date.fromisoformat(AS_OF), regimes=["eu_ai_act"]).next_screen()
    assert first is not None and first.group is not None and first.facts[0] == "market.eu"
    child = spawn("--out", "keys.yaml", "--regime", "eu_ai_act", cwd=tmp_path, keys=True)
    child.expect(CHECKLIST)
    assert child.match.group(2) == first.group.id
    child.expect("❯")
    child.send(" ")  # ticks the first item
    child.send("\x1b[B")  # down
    child.send("  ")  # the second: ticked, then "I don't know"
    child.send("\r")
    child.expect(QUESTION)
    fact_id = child.match.group(2)
    assert api.get_vocabulary().fact(fact_id).type in ("enum", "multi", "bool")
    child.expect("❯")
    child.send("\x1b[B")  # down
    child.send(" ")  # ticks it when several may be chosen
    child.send("\r")
    child.expect([QUESTION, CHECKLIST])
    child.expect("❯")
    child.send("q")
    child.expect(pexpect.EOF)
    card, answers = ask.answers_from_card(str(tmp_path / "keys.yaml"))
    assert card.facts["market.eu"] is True
    assert first.facts[1] in answers.unknown
    fact = api.get_vocabulary().fact(fact_id)
    second = fact.value_ids[1] if fact.type != "bool" else False
    assert card.facts[fact_id] in (second, frozenset({second}))


def test_typed_answers_still_work_without_a_terminal(tmp_path: Path) -> None:
    out = subprocess.run(
        [*FENJI, "ask", "--as-of", AS_OF, "--regime", "eu_ai_act", "--out", "piped.yaml"],
        input="0\n",  # the first checklist (markets): none of these
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert "Every regime is determined." in out.stdout
    card = api.load_card(tmp_path / "piped.yaml")
    assert card.facts["market.eu"] is False
    assert set(card.facts.values()) == {False}
    assert assess_json(tmp_path / "piped.yaml")["regimes"]["eu_ai_act"]["tier"] == "out_of_scope"


# --- through its functions -----------------------------------------------------------------------


class ScriptedTerminal:
    """Answers from a script; records everything said."""

    picks_with_keys = False

    def __init__(self, script: list[str]) -> None:
        self.script = list(script)
        self.lines: list[str] = []
        self.asked: list[str] = []

    def say(self, text: str = "") -> None:
        self.lines.append(text)

    def ask(self, prompt: str, fact: Fact | None = None, lang: str = "en") -> str:
        if fact is not None:
            self.asked.append(fact.id)
        if not self.script:
            raise EOFError
        return self.script.pop(0)

    def tick(self, prompt: str, labels: list[str]) -> str:
        self.asked.append(f"checklist of {len(labels)}")
        if not self.script:
            raise EOFError
        return self.script.pop(0)


@pytest.fixture(scope="module")
def test_packs(tmp_path_factory: pytest.TempPathFactory) -> PackSet:
    root = tmp_path_factory.mktemp("ask-packs")
    write_pack(root, "zz_test", TEST_RULES)
    return load_packs(root)


def session(packs: PackSet, lang: str = "en") -> ask.Session:
    return ask.Session(packs=packs, as_of=dt.date.fromisoformat(AS_OF), regimes=None, lang=lang)


def test_parse_answer() -> None:
    vocab = api.get_vocabulary()
    kind, setting, flop = (
        vocab.fact("system.kind"),
        vocab.fact("use.setting"),
        vocab.fact("system.training_compute_flop"),
    )
    assert ask.parse_answer(vocab.fact("market.eu"), "Y") is True
    assert ask.parse_answer(vocab.fact("market.eu"), "否") is False
    assert ask.parse_answer(kind, "2") == kind.value_ids[1]
    assert ask.parse_answer(kind, "ai_system") == "ai_system"
    assert ask.parse_answer(setting, "1, 3") == frozenset({setting.value_ids[0], setting.value_ids[2]})
    assert ask.parse_answer(setting, "0") == frozenset()
    assert ask.parse_answer(flop, "3.0e+25") == 3.0e25
    assert ask.parse_answer(kind, "u") == ask.Command("unknown")
    assert ask.parse_answer(kind, "不知道") == ask.Command("unknown")
    assert ask.parse_answer(kind, "?") == ask.Command("help")
    assert ask.parse_answer(kind, " b ") == ask.Command("back")
    assert isinstance(ask.parse_answer(kind, "9"), ask.Problem)
    assert isinstance(ask.parse_answer(kind, ""), ask.Problem)
    assert isinstance(ask.parse_answer(vocab.fact("market.eu"), "maybe"), ask.Problem)


def test_run_wizard_settles_and_offers_refining_questions(test_packs: PackSet) -> None:
    # market.eu, system.kind, the practices checklist (social scoring ticked), then no refining
    term = ScriptedTerminal(["y", "1", "1", "n"])
    answers = ask.Answers()
    finished = ask.run_wizard(term, answers, session(test_packs))
    assert finished
    assert term.asked == ["market.eu", "system.kind", "checklist of 2"]
    assert answers.facts["technique.social_scoring"] is True
    assert answers.facts["technique.biometric_identification"] == "none"  # a gate not ticked: its "none"
    assert any("zz_test: prohibited ✓" in line for line in term.lines)
    assert "Every regime is determined." in term.lines


def test_run_wizard_back_skip_unknown_and_quit(test_packs: PackSet) -> None:
    term = ScriptedTerminal(["y", "b", "y", "1", "s", "u", "q"])
    answers = ask.Answers()
    ask.run_wizard(term, answers, session(test_packs))
    assert term.asked[:3] == ["market.eu", "system.kind", "market.eu"]
    assert answers.facts == {"market.eu": True, "system.kind": "ai_system"}
    assert term.asked[4] == "checklist of 2"  # the practices checklist, skipped as a whole
    skipped, dont_know = answers.skipped, answers.unknown
    assert skipped == {"technique.social_scoring", "technique.biometric_identification"}  # the whole checklist
    assert dont_know and not dont_know & skipped
    text = ask.card_yaml(api.SystemCard(id="t", name="t", facts={}), answers)
    data = yaml.safe_load(text)
    for fact_id in dont_know:
        section, name = fact_id.split(".", 1)
        assert data["facts"][section][name] == "unknown"
    assert "social_scoring" not in data["facts"].get("technique", {})


def test_checklist_answers_ticks_unknowns_follow_ups_and_back(test_packs: PackSet) -> None:
    # the practices checklist: 1 = social scoring (no), 2 = biometric identification (a gate) ticked,
    # then its own question: 3 = identification; back (on the next checklist) forgets the follow-up,
    # which is asked again alone and gets "I don't know"; then quit
    term = ScriptedTerminal(["y", "1", "2", "3", "b", "u", "q"])
    answers = ask.Answers()
    finished = ask.run_wizard(term, answers, session(test_packs))
    assert not finished
    assert term.asked[:4] == ["market.eu", "system.kind", "checklist of 2", "technique.biometric_identification"]
    assert term.asked[5] == "technique.biometric_identification"
    assert any("You ticked:" in line for line in term.lines)
    assert answers.facts == {"market.eu": True, "system.kind": "ai_system", "technique.social_scoring": False}
    assert answers.unknown == {"technique.biometric_identification"}


def test_a_checklist_marks_items_unknown(test_packs: PackSet) -> None:
    term = ScriptedTerminal(["y", "1", "1?,2?", "q"])
    answers = ask.Answers()
    ask.run_wizard(term, answers, session(test_packs))
    assert answers.unknown == {"technique.social_scoring", "technique.biometric_identification"}


def test_parse_checklist() -> None:
    assert ask.parse_checklist(4, "1, 3") == ask.Ticks(frozenset({1, 3}), frozenset())
    assert ask.parse_checklist(4, "2,4?") == ask.Ticks(frozenset({2}), frozenset({4}))
    assert ask.parse_checklist(4, "0") == ask.Ticks(frozenset(), frozenset())
    assert ask.parse_checklist(4, "u") == ask.Command("unknown")
    assert isinstance(ask.parse_checklist(4, "5"), ask.Problem)
    assert isinstance(ask.parse_checklist(4, "x"), ask.Problem)
    assert isinstance(ask.parse_checklist(4, ""), ask.Problem)


def test_contradictory_answer_is_refused(test_packs: PackSet) -> None:
    answers = ask.Answers(facts={"technique.biometric_identification": "none"})
    problem = ask._contradiction(answers, {"technique.biometric_remote": True}, "en")
    assert problem and "contradicts" in problem


def test_card_round_trip_with_unknowns(tmp_path: Path) -> None:
    answers = ask.Answers(
        facts={
            "market.eu": True,
            "use.setting": frozenset({"workplace"}),
            "cn.service_launch_date": dt.date(2025, 9, 1),
        },
        unknown={"technique.emotion_recognition"},
    )
    path = tmp_path / "card.yaml"
    path.write_text(ask.card_yaml(api.SystemCard(id="rt", name="Round trip", facts={}), answers), encoding="utf-8")
    card, loaded = ask.answers_from_card(str(path))
    assert card.id == "rt" and card.name == "Round trip"
    assert loaded.facts == answers.facts
    assert loaded.unknown == {"technique.emotion_recognition"}


def test_summary_line_in_both_languages(test_packs: PackSet) -> None:
    results = api.survey({"market.eu": True}, packs=test_packs, as_of=dt.date.fromisoformat(AS_OF)).results
    assert "zz_test: minimal? (could be prohibited/high_risk/transparency)" in ask.summary_line(results, "en")
    assert "可能为" in ask.summary_line(results, "zh")
