"""`fenji ask`: the adaptive questionnaire in the terminal.

One question at a time, the one that settles most first (``api.survey``); related yes/no
questions come as one checklist (tick every one that applies; a ticked item that needs
details is followed by its own question). Typed answers always work: ``y``/``n``, the number
of a choice, comma-separated numbers for several (``3?`` marks item 3 "I don't know" in a
checklist), a number or a date. Commands: ``?`` help and legal basis, ``b`` back, ``s`` skip (ask
again next time), ``u`` "I don't know" (kept as unknown, never asked again), ``q`` save
and quit. On a terminal, choices can also be picked with the arrow keys (``--keys``).
After each answer a summary line shows every regime's tier so far; at the end the card
is written (``--out``) or printed, and ``--from`` resumes from a partial card.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import click
import yaml

from fenji import api
from fenji.errors import CardValidationError, FenjiError
from fenji.model.facts import Fact, FactValue, ValueProblem, coerce_value, is_unknown, value_to_json
from fenji.model.result import RegimeResult

MESSAGES: dict[str, tuple[str, str]] = {
    "intro": (
        "fenji ask: {count} regime(s) ({regimes}), law as of {as_of}. One question at a time.",
        "fenji ask：{count} 个监管制度（{regimes}），法律截至 {as_of}。每次一个问题。",
    ),
    "commands": (
        "? help · b back · s skip · u don't know · q save and quit",
        "? 帮助 · b 返回 · s 跳过 · u 不知道 · q 保存并退出",
    ),
    "yes_no": ("y = yes, n = no", "y = 是，n = 否"),
    "pick_one": ("type the number of one choice", "输入一个选项的编号"),
    "pick_many": (
        "type the numbers of all that apply, separated by commas; 0 = none of these",
        "输入所有适用选项的编号，用逗号分隔；0 = 均不适用",
    ),
    "tick_many": (
        'type the numbers of all that apply, separated by commas; 0 = none of these; 3? = item 3 "I don\'t know"',
        "输入所有适用项的编号，用逗号分隔；0 = 均不适用；3? = 第 3 项“不知道”",
    ),
    "keys_tick": (
        "↑/↓ move, space ticks (again: don't know), enter confirms",
        "↑/↓ 移动，空格勾选（再按一次：不知道），回车确认",
    ),
    "tick_none": ('Type 0 if none of these apply, or u for "I don\'t know".', "均不适用请输入 0，不知道请输入 u。"),
    "follow_up": ("You ticked: {item}", "您勾选了：{item}"),
    "keys_one": ("↑/↓ choose, enter confirms", "↑/↓ 选择，回车确认"),
    "keys_many": ("↑/↓ move, space ticks, enter confirms", "↑/↓ 移动，空格勾选，回车确认"),
    "number": ("type a number, e.g. 3.0e+25", "输入一个数字，例如 3.0e+25"),
    "date": ("type a date as YYYY-MM-DD", "按 YYYY-MM-DD 格式输入日期"),
    "help_basis": ("Legal basis: {cites}", "法律依据：{cites}"),
    "help_why": ("Why now: it could settle {what}.", "为何现在问：它可能确定 {what}。"),
    "help_unlocks": ("It decides whether to ask: {facts}.", "它决定是否需要询问：{facts}。"),
    "empty": ("Please answer, or type ? for help.", "请作答，或输入 ? 查看帮助。"),
    "no_back": ("Nothing to go back to.", "没有可以返回的问题。"),
    "back_to": ("Back to {fact}.", "返回到 {fact}。"),
    "skipped": ("Skipped: asked again next time.", "已跳过：下次会再问。"),
    "unknown": ("Kept as unknown.", "记为未知。"),
    "contradiction": ("That contradicts an earlier answer: {message}", "与之前的回答矛盾：{message}"),
    "determined": ("Every regime is determined.", "所有监管制度的结论均已确定。"),
    "stuck": (
        "No question left can settle {regimes}; the result stays provisional (see `fenji assess`).",
        "剩余问题均无法确定 {regimes}；结论仍为暂定（可用 `fenji assess` 查看）。",
    ),
    "refine": (
        "{count} more question(s) would refine roles and obligations. Continue? [y/N]",
        "还有 {count} 个问题可细化角色与义务。是否继续？[y/N]",
    ),
    "written": ("Card written to {path}", "系统卡已写入 {path}"),
    "resume": ("Check it with: fenji assess {path}", "可用以下命令检查：fenji assess {path}"),
    "saved_partial": ("Saved; resume with: fenji ask --from {path}", "已保存；继续作答：fenji ask --from {path}"),
    "determined_word": ("determined", "已确定"),
    "provisional_word": ("provisional", "暂定"),
    "could_be": ("could be {tiers}", "可能为 {tiers}"),
    "not_applicable": ("does not apply", "不适用"),
    "scope_open": ("applies?", "是否适用未定"),
}

COMMANDS = {
    "help": ("?", "h", "help", "帮助"),
    "back": ("b", "back", "返回"),
    "skip": ("s", "skip", "跳过"),
    "unknown": ("u", "unknown", "dk", "don't know", "不知道", "未知"),
    "quit": ("q", "quit", "exit", "退出"),
}
NONE_WORDS = ("0", "none", "[]", "-", "无", "都不是")
KEYS_LIST_HEIGHT = 12
HELP_UNLOCKS_SHOWN = 5
YES = ("y", "yes", "true", "是", "1")
NO = ("n", "no", "false", "否", "2")


def message(key: str, lang: str, **values: Any) -> str:
    en, zh = MESSAGES[key]
    return (zh if lang == "zh" else en).format(**values)


# --- parsing one typed answer -------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    name: str  # help | back | skip | unknown | quit


@dataclass(frozen=True)
class Problem:
    text: str


Parsed = Command | Problem | bool | str | frozenset[str] | float | dt.date


def parse_answer(fact: Fact, typed: str, lang: str = "en") -> Parsed:
    """A typed answer for ``fact``: a canonical value, a command, or a problem to show."""
    text = typed.strip()
    lowered = text.lower()
    for name, words in COMMANDS.items():
        if lowered in words:
            return Command(name)
    if not text:
        return Problem(message("empty", lang))
    try:
        return _value(fact, text, lowered)
    except ValueProblem as exc:
        return Problem(f"{exc}" + (f" ({exc.hint})" if exc.hint else ""))


def _value(fact: Fact, text: str, lowered: str) -> FactValue:
    if fact.type == "bool":
        if lowered in YES or lowered in NO:
            return lowered in YES
        return coerce_value(fact, text)
    if fact.type == "enum":
        return coerce_value(fact, _choice_id(fact, text))
    if fact.type == "multi":
        if lowered in NONE_WORDS:
            return frozenset()
        tokens = [t for t in re.split(r"[,\s，、;]+", text) if t]
        return coerce_value(fact, [_choice_id(fact, t) for t in tokens])
    return coerce_value(fact, text)


@dataclass(frozen=True)
class Ticks:
    """A checklist answer: the items ticked and the items answered "I don't know" (1-based)."""

    ticked: frozenset[int]
    unsure: frozenset[int]


def parse_checklist(size: int, typed: str, lang: str = "en") -> Command | Problem | Ticks:
    """A typed checklist answer: ``1,3`` ticks items 1 and 3, ``4?`` marks item 4 "I don't
    know", ``0`` means none of these; the commands work as for one question."""
    text = typed.strip()
    lowered = text.lower()
    for name, words in COMMANDS.items():
        if lowered in words:
            return Command(name)
    if not text:
        return Problem(message("tick_none", lang))
    if lowered in NONE_WORDS:
        return Ticks(frozenset(), frozenset())
    ticked: set[int] = set()
    unsure: set[int] = set()
    for token in (t for t in re.split(r"[,\s，、;]+", text) if t):
        number, mark = (token[:-1], True) if token.endswith(("?", "？")) else (token, False)
        if not number.isdigit() or not 1 <= int(number) <= size:
            return Problem(f"there is no item {token}" + (f" (type numbers from 1 to {size})" if lang == "en" else ""))
        (unsure if mark else ticked).add(int(number))
    return Ticks(frozenset(ticked - unsure), frozenset(unsure))


def _choice_id(fact: Fact, token: str) -> str:
    if token.isdigit():
        index = int(token)
        if 1 <= index <= len(fact.values):
            return fact.values[index - 1].id
        raise ValueProblem(f"there is no choice {index}", f"type a number from 1 to {len(fact.values)}")
    return token


# --- answers so far -----------------------------------------------------------------------


@dataclass
class Answers:
    """The wizard's state: answers, "don't know"s, skips, and the order they were given in."""

    facts: dict[str, FactValue] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    skipped: set[str] = field(default_factory=set)
    history: list[tuple[str, ...]] = field(default_factory=list)  # one entry per question or checklist

    def answer(self, fact_id: str, value: FactValue) -> None:
        self.answer_checklist({fact_id: value}, ())

    def answer_checklist(self, values: Mapping[str, FactValue], unknown: Iterable[str]) -> None:
        """Record one screen's answers at once, so that "back" forgets them together."""
        self.facts.update(values)
        self.unknown.update(unknown)
        self.history.append((*values, *unknown))

    def mark_unknown(self, fact_id: str) -> None:
        self.answer_checklist({}, (fact_id,))

    def skip(self, fact_id: str) -> None:
        self.skipped.add(fact_id)
        self.history.append((fact_id,))

    def undo(self) -> str | None:
        """Forget the last answer, checklist or skip; returns its (first) fact."""
        if not self.history:
            return None
        fact_ids = self.history.pop()
        for fact_id in fact_ids:
            self.facts.pop(fact_id, None)
            self.unknown.discard(fact_id)
            self.skipped.discard(fact_id)
        return fact_ids[0] if fact_ids else None

    @property
    def not_to_ask(self) -> set[str]:
        return self.unknown | self.skipped


# --- the terminal --------------------------------------------------------------------------


class Terminal(Protocol):
    picks_with_keys: bool

    def say(self, text: str = "") -> None: ...

    def ask(self, prompt: str, fact: Fact | None = None, lang: str = "en") -> str:
        """One line typed by the user (EOFError when input ends)."""
        ...

    def tick(self, prompt: str, labels: list[str]) -> str:
        """A checklist answer in the typed syntax ("1,3?" or "0" or a command)."""
        ...


class PlainTerminal:
    """Typed answers on standard input; works with pipes and pseudo-terminals alike."""

    picks_with_keys = False

    def say(self, text: str = "") -> None:
        click.echo(text)

    def ask(self, prompt: str, fact: Fact | None = None, lang: str = "en") -> str:
        click.echo(prompt, nl=False)
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")

    def tick(self, prompt: str, labels: list[str]) -> str:
        return self.ask(prompt)


class KeysTerminal(PlainTerminal):
    """On a terminal: pick choices with the arrow keys (space ticks one of several, enter
    confirms); ? b s u q still work as keys. Numbers and dates are typed as usual."""

    picks_with_keys = True

    def ask(self, prompt: str, fact: Fact | None = None, lang: str = "en") -> str:
        if fact is None or fact.type not in ("bool", "enum", "multi"):
            return super().ask(prompt, fact, lang)
        answer = select_with_keys(_key_choices(fact, lang), multi=fact.type == "multi")
        click.echo(f"{prompt}{answer}")
        return answer

    def tick(self, prompt: str, labels: list[str]) -> str:
        answer = select_with_keys([(str(i), label) for i, label in enumerate(labels, 1)], multi=True, dont_know=True)
        click.echo(f"{prompt}{answer}")
        return answer


def _key_choices(fact: Fact, lang: str) -> list[tuple[str, str]]:
    """(typed answer, label) for each choice of a question."""
    if fact.type == "bool":
        return [("y", "yes" if lang == "en" else "是"), ("n", "no" if lang == "en" else "否")]
    return [(str(i), choice.label.get(lang) or choice.id) for i, choice in enumerate(fact.values, 1)]


def select_with_keys(choices: list[tuple[str, str]], multi: bool, dont_know: bool = False) -> str:
    """A small inline list: returns the answer in the typed syntax ("3", "1,4", "0", "y", or a command).
    With ``dont_know``, space cycles an item through ticked, "I don't know" ("3?") and not ticked."""
    from prompt_toolkit.application import Application
    from prompt_toolkit.data_structures import Point
    from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
    from prompt_toolkit.layout import Layout, Window
    from prompt_toolkit.layout.controls import FormattedTextControl
    from prompt_toolkit.layout.dimension import Dimension

    cursor = [0]
    ticked: set[int] = set()
    unsure: set[int] = set()
    keys = KeyBindings()

    def lines() -> str:
        rows = []
        for i, (_, label) in enumerate(choices):
            box = ("[x] " if i in ticked else "[?] " if i in unsure else "[ ] ") if multi else ""
            rows.append(f"{'❯' if i == cursor[0] else ' '} {box}{label}")
        return "\n".join(rows)

    @keys.add("up")
    def _up(event: KeyPressEvent) -> None:
        cursor[0] = (cursor[0] - 1) % len(choices)

    @keys.add("down")
    def _down(event: KeyPressEvent) -> None:
        cursor[0] = (cursor[0] + 1) % len(choices)

    @keys.add(" ")
    def _tick(event: KeyPressEvent) -> None:
        i = cursor[0]
        if not multi:
            return
        if i in ticked:
            ticked.discard(i)
            if dont_know:
                unsure.add(i)
        elif i in unsure:
            unsure.discard(i)
        else:
            ticked.add(i)

    @keys.add("enter")
    def _enter(event: KeyPressEvent) -> None:
        if not multi:
            event.app.exit(result=choices[cursor[0]][0])
        else:
            picked = [choices[i][0] + ("?" if i in unsure else "") for i in sorted(ticked | unsure)]
            event.app.exit(result=",".join(picked) or "0")

    for letter in ("?", "b", "s", "u", "q"):
        keys.add(letter)(functools.partial(_exit_with, letter))
    keys.add("c-c")(functools.partial(_exit_with, "q"))
    keys.add("c-d")(functools.partial(_exit_with, "q"))

    control = FormattedTextControl(lines, get_cursor_position=lambda: Point(0, cursor[0]))
    app: Application[str] = Application(
        layout=Layout(Window(control, height=Dimension(max=KEYS_LIST_HEIGHT), always_hide_cursor=True)),
        key_bindings=keys,
        erase_when_done=True,
    )
    return app.run()


def _exit_with(answer: str, event: Any) -> None:
    event.app.exit(result=answer)


# --- showing a question ---------------------------------------------------------------------


def choice_lines(fact: Fact, lang: str) -> list[str]:
    return [f"  {i}) {choice.label.get(lang) or choice.id}  [{choice.id}]" for i, choice in enumerate(fact.values, 1)]


def answer_hint(fact: Fact, lang: str) -> str:
    key = {"bool": "yes_no", "enum": "pick_one", "multi": "pick_many", "number": "number"}.get(fact.type, "date")
    return message(key, lang)


def question_text(question: api.Question, number: int, lang: str, with_keys: bool = False) -> list[str]:
    fact = question.fact
    lines = ["", f"({number}) {fact.id}", fact.question.get(lang)]
    picked = with_keys and fact.type in ("bool", "enum", "multi")
    if fact.type in ("enum", "multi") and not picked:
        lines += choice_lines(fact, lang)
    hint = message("keys_many" if fact.type == "multi" else "keys_one", lang) if picked else answer_hint(fact, lang)
    lines.append(f"  {hint} · {message('commands', lang)}")
    return lines


def checklist_text(screen: api.Screen, number: int, lang: str, with_keys: bool = False) -> list[str]:
    group = screen.group
    assert group is not None
    lines = ["", f"({number}) checklist {group.id}", group.question.get(lang)]
    if not with_keys:
        for i, question in enumerate(screen.questions, 1):
            lines.append(f"  {i}) {group.item(question.id).label.get(lang)}  [{question.id}]")
    hint = message("keys_tick" if with_keys else "tick_many", lang)
    lines.append(f"  {hint} · {message('commands', lang)}")
    return lines


def checklist_help(screen: api.Screen, lang: str) -> list[str]:
    assert screen.group is not None
    lines = [screen.group.help.get(lang)]
    for question in screen.questions:
        lines.append(f"- {question.id}: {question.fact.question.get(lang)}")
        if question.fact.cites:
            lines.append("  " + message("help_basis", lang, cites="; ".join(question.fact.cites)))
    return lines


def help_text(question: api.Question, lang: str) -> list[str]:
    fact = question.fact
    lines = [fact.help.get(lang)]
    if fact.cites:
        lines.append(message("help_basis", lang, cites="; ".join(fact.cites)))
    what = ", ".join(question.regimes) + (f" ({question.severity})" if question.settling else "")
    lines.append(message("help_why", lang, what=what))
    if question.unlocks:
        shown = ", ".join(question.unlocks[:HELP_UNLOCKS_SHOWN])
        more = " …" if len(question.unlocks) > HELP_UNLOCKS_SHOWN else ""
        lines.append(message("help_unlocks", lang, facts=shown + more))
    return lines


def summary_line(results: Mapping[str, RegimeResult], lang: str) -> str:
    """One line: each regime's tier so far and whether it is settled."""
    return "  ▸ " + " | ".join(_regime_summary(rid, r, lang) for rid, r in results.items())


def _regime_summary(regime: str, result: RegimeResult, lang: str) -> str:
    if result.applies is False:
        return f"{regime}: {message('not_applicable', lang)} ✓"
    if result.determined:
        return f"{regime}: {result.tier} ✓"
    details = []
    if result.applies is None:
        details.append(message("scope_open", lang))
    if result.could_be:
        details.append(message("could_be", lang, tiers="/".join(result.could_be)))
    return f"{regime}: {result.tier}? ({'; '.join(details) or message('provisional_word', lang)})"


# --- the wizard ------------------------------------------------------------------------------


@dataclass
class Session:
    """What the wizard needs besides the answers."""

    packs: api.PackSet
    as_of: dt.date
    regimes: list[str] | None
    lang: str = "en"
    card_id: str = "card"
    card_name: str = "card"
    asked: int = 0
    refining: bool = False

    def survey(self, answers: Answers) -> api.Survey:
        return api.survey(
            answers.facts, packs=self.packs, as_of=self.as_of, regimes=self.regimes, unknown=answers.not_to_ask
        )


def pick_screen(state: api.Survey, refining: bool) -> api.Screen | None:
    """The next screen: settling ones until every regime is settled, then refining ones if wanted."""
    if not state.done:
        return state.screen(state.settling[0])
    return state.next_screen() if refining else None


def run_wizard(term: Terminal, answers: Answers, session: Session) -> bool:
    """Ask until nothing is left to settle (or the user quits). Returns False when the user quit."""
    answered = False
    while True:
        state = session.survey(answers)
        if answered:
            term.say(summary_line(state.results, session.lang))
        screen = pick_screen(state, session.refining)
        if screen is None:
            if not _offer_refining(term, state, session):
                return True
            session.refining = True
            continue
        if screen.group is None:
            outcome = ask_one(term, screen.questions[0], answers, session)
        else:
            outcome = ask_checklist(term, screen, answers, session)
        if outcome == "quit":
            return False
        answered = outcome == "answered"


def _offer_refining(term: Terminal, state: api.Survey, session: Session) -> bool:
    lang = session.lang
    if state.determined:
        term.say(message("determined", lang))
    else:
        stuck = [rid for rid, r in state.results.items() if not r.determined]
        term.say(message("stuck", lang, regimes=", ".join(stuck)))
    remaining = [q for q in state.questions if not q.settling]
    if session.refining or not remaining:
        return False
    try:
        reply = term.ask(message("refine", lang, count=len(remaining)) + " ").strip().lower()
    except EOFError:
        return False
    return reply in YES


def _read(
    term: Terminal,
    read: Callable[[], str],
    parse: Callable[[str], Any],
    help_lines: Callable[[], list[str]],
    check: Callable[[Any], str | None],
) -> Any:
    """Read until an answer that ``check`` accepts, or a command other than help (end of input
    is "quit"); problems, help and contradictions are shown and the question is read again."""
    while True:
        try:
            parsed = parse(read())
        except EOFError:
            return Command("quit")
        if isinstance(parsed, Command) and parsed.name == "help":
            for line in help_lines():
                term.say(f"  {line}")
            continue
        if isinstance(parsed, Command):
            return parsed
        problem = parsed.text if isinstance(parsed, Problem) else check(parsed)
        if problem is None:
            return parsed
        term.say(f"  ! {problem}")


def ask_one(term: Terminal, question: api.Question, answers: Answers, session: Session) -> str:
    """Ask one question until it gets a value or a command; returns answered | moved | quit."""
    lang, fact = session.lang, question.fact
    session.asked += 1
    for line in question_text(question, session.asked, lang, term.picks_with_keys):
        term.say(line)
    parsed = _read(
        term,
        lambda: term.ask("> ", fact, lang),
        lambda typed: parse_answer(fact, typed, lang),
        lambda: help_text(question, lang),
        lambda value: _contradiction(answers, {fact.id: value}, lang),
    )
    if isinstance(parsed, Command):
        return _command(term, parsed.name, question, answers, session)
    answers.answer(fact.id, parsed)
    return "answered"


def ask_checklist(term: Terminal, screen: api.Screen, answers: Answers, session: Session) -> str:
    """Ask a checklist, then the own question of every ticked item that needs details."""
    lang, group = session.lang, screen.group
    assert group is not None
    session.asked += 1
    for line in checklist_text(screen, session.asked, lang, term.picks_with_keys):
        term.say(line)
    labels = [group.item(q.id).label.get(lang) for q in screen.questions]
    parsed = _read(
        term,
        lambda: term.tick("> ", labels),
        lambda typed: parse_checklist(len(screen.questions), typed, lang),
        lambda: checklist_help(screen, lang),
        lambda ticks: _contradiction(answers, _checklist_values(screen, ticks)[0], lang),
    )
    if isinstance(parsed, Command):
        return _checklist_command(term, parsed.name, screen, answers, session)
    values, unsure, details = _checklist_values(screen, parsed)
    answers.answer_checklist(values, unsure)
    for question in details:
        term.say(f"  {message('follow_up', lang, item=group.item(question.id).label.get(lang))}")
        if ask_one(term, question, answers, session) == "quit":
            return "quit"
    return "answered"


def _checklist_values(screen: api.Screen, ticks: Ticks) -> tuple[dict[str, FactValue], list[str], list[api.Question]]:
    """(values, "don't know"s, ticked items whose own question follows) of a checklist answer."""
    assert screen.group is not None
    values: dict[str, FactValue] = {}
    unsure: list[str] = []
    details: list[api.Question] = []
    for number, question in enumerate(screen.questions, 1):
        item = screen.group.item(question.id)
        if number in ticks.unsure:
            unsure.append(question.id)
        elif not item.gated:
            values[question.id] = number in ticks.ticked
        elif number in ticks.ticked:
            details.append(question)
        else:
            values[question.id] = item.none
    return values, unsure, details


def _checklist_command(term: Terminal, name: str, screen: api.Screen, answers: Answers, session: Session) -> str:
    if name in ("quit", "back"):
        return _command(term, name, screen.questions[0], answers, session)
    if name == "skip":
        for question in screen.questions:
            answers.skipped.add(question.id)
        answers.history.append(screen.facts)
        term.say(f"  {message('skipped', session.lang)}")
        return "moved"
    answers.answer_checklist({}, screen.facts)
    term.say(f"  {message('unknown', session.lang)}")
    return "answered"


def _command(term: Terminal, name: str, question: api.Question, answers: Answers, session: Session) -> str:
    lang = session.lang
    if name == "quit":
        return "quit"
    if name == "back":
        previous = answers.undo()
        term.say(f"  {message('back_to', lang, fact=previous) if previous else message('no_back', lang)}")
        session.refining = session.refining and previous is not None
        return "moved"
    if name == "skip":
        answers.skip(question.fact.id)
        term.say(f"  {message('skipped', lang)}")
        return "moved"
    answers.mark_unknown(question.fact.id)
    term.say(f"  {message('unknown', lang)}")
    return "answered"


def _contradiction(answers: Answers, values: Mapping[str, FactValue], lang: str) -> str | None:
    card = api.SystemCard(id="wizard", name="wizard", facts=dict(answers.facts))
    try:
        api.apply_facts(card, dict(values))
    except CardValidationError as exc:
        return message("contradiction", lang, message="; ".join(i.message for i in exc.issues))
    return None


# --- cards in and out ------------------------------------------------------------------------


def answers_from_card(path: str) -> tuple[api.SystemCard, Answers]:
    """A partial card to resume from: its facts, and the facts it marks unknown."""
    card = api.load_card(path)
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return card, Answers(facts=dict(card.facts), unknown=set(_unknown_facts(raw.get("facts"))))


def _unknown_facts(raw: Any) -> Iterable[str]:
    if not isinstance(raw, Mapping):
        return
    for key, value in raw.items():
        if isinstance(value, Mapping) and "." not in str(key):
            yield from (f"{key}.{name}" for name, inner in value.items() if is_unknown(inner))
        elif is_unknown(value):
            yield str(key)


def card_data(card: api.SystemCard, answers: Answers) -> dict[str, Any]:
    """The card mapping to write: the answers, and ``unknown`` for every "I don't know"."""
    data = card.to_data()
    data["facts"] = _nested_facts(answers)
    return data


def _nested_facts(answers: Answers) -> dict[str, dict[str, Any]]:
    nested: dict[str, dict[str, Any]] = {}
    items: list[tuple[str, Any]] = [(k, value_to_json(v)) for k, v in answers.facts.items()]
    items += [(k, "unknown") for k in answers.unknown if k not in answers.facts]
    for key, value in sorted(items):
        section, name = key.split(".", 1)
        nested.setdefault(section, {})[name] = value
    return nested


def card_yaml(card: api.SystemCard, answers: Answers) -> str:
    data = card_data(card, answers)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=None, width=110)
    api.card_from_mapping(yaml.safe_load(text), source="<fenji ask>")  # the card we write must load
    return '# written by `fenji ask`; `unknown` marks questions answered "I don\'t know"\n' + text


# --- the command -------------------------------------------------------------------------------


def _regime_list(values: Iterable[str]) -> list[str] | None:
    items = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return items or None


def _terminal(keys: bool) -> Terminal:
    if keys and sys.stdin.isatty() and sys.stdout.isatty():
        return KeysTerminal()
    return PlainTerminal()


@click.command(name="ask")
@click.option("--out", "-o", "out", type=click.Path(dir_okay=False), help="Write the card to this file.")
@click.option("--from", "from_card", type=click.Path(exists=True, dir_okay=False), help="Resume from a partial card.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language.")
@click.option("--regime", "regimes", multiple=True, metavar="ID[,ID]", help="Only these regimes (repeatable).")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD", help="The law as it stands on this date (default: today).")
@click.option("--packs", "packs_dir", type=click.Path(exists=True, file_okay=False), help="Rule packs directory.")
@click.option("--keys/--plain", default=True, show_default=True, help="Arrow-key choices on a terminal.")
def command(
    out: str | None,
    from_card: str | None,
    lang: str,
    regimes: tuple[str, ...],
    as_of: str | None,
    packs_dir: str | None,
    keys: bool,
) -> None:
    """Answer the fewest questions that settle every regime, then write the card.

    Related yes/no questions come as one checklist: type the numbers of the items that apply
    (0 = none of these, 3? = item 3 "I don't know"), or tick them with the arrow keys and space.

    Example:

        fenji ask --out my-system.yaml --lang zh --regime eu_ai_act,cn
    """
    from fenji.cli import UserError, _as_of

    try:
        packs = api.packs_from(packs_dir)
        session = _session(packs, _as_of(as_of) or dt.date.today(), _regime_list(regimes), lang, out)
        card, answers = answers_from_card(from_card) if from_card else (None, Answers())
        out = out or from_card
        if card is not None:
            session.card_id, session.card_name = card.id, card.name
        term = _terminal(keys)
        _run(term, answers, session, card, out)
    except FenjiError as exc:
        raise UserError(exc) from None


def _session(packs: api.PackSet, as_of: dt.date, regimes: list[str] | None, lang: str, out: str | None) -> Session:
    api.survey({}, packs=packs, as_of=as_of, regimes=regimes)  # fails early on an unknown regime
    stem = Path(out).stem if out else "card"
    return Session(packs=packs, as_of=as_of, regimes=regimes, lang=lang, card_id=stem, card_name=stem)


def _run(term: Terminal, answers: Answers, session: Session, card: api.SystemCard | None, out: str | None) -> None:
    lang = session.lang
    results = session.survey(answers).results
    chosen = ", ".join(results)
    term.say(message("intro", lang, count=len(results), regimes=chosen, as_of=session.as_of.isoformat()))
    term.say(summary_line(results, lang))
    finished = run_wizard(term, answers, session)
    base = card or api.SystemCard(id=session.card_id, name=session.card_name, facts={})
    _write(term, card_yaml(base, answers), out, lang, finished)


def _write(term: Terminal, text: str, out: str | None, lang: str, finished: bool) -> None:
    if out is None:
        term.say("")
        term.say(text.rstrip("\n"))
        return
    Path(out).write_text(text, encoding="utf-8")
    term.say(message("written", lang, path=out))
    term.say(message("resume" if finished else "saved_partial", lang, path=out))
