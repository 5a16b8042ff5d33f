"""The adaptive questionnaire for the web (``api.survey``): answers so far -> each regime's tier so far and
the question that settles most. Shared by ``POST /api/questions`` and the questionnaire page, whose state
(answers and "I don't know"s) travels in the form, so the page works without JavaScript and without a
server-side draft."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fenji import api
from fenji.errors import CardValidationError, Issue
from fenji.web.library import Catalog

MAX_ANSWERS = 500


@dataclass
class State:
    answers: dict[str, Any] = field(default_factory=dict)  # fact -> JSON value
    unknown: list[str] = field(default_factory=list)
    regimes: list[str] | None = None
    # one entry per screen answered, in order (for "back"): a fact, or a checklist's facts joined by spaces
    order: list[str] = field(default_factory=list)
    follow: list[str] = field(default_factory=list)  # ticked checklist items whose own question comes next

    def dump(self) -> str:
        data = {
            "answers": self.answers,
            "unknown": self.unknown,
            "regimes": self.regimes,
            "order": self.order,
            "follow": self.follow,
        }
        return json.dumps(
            data,
            ensure_ascii=False,
            separators=(",", ":"),
            sort_keys=True,
        )

    @classmethod
    def load(cls, text: str | None) -> State:
        if not text:
            return cls()
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            raise CardValidationError(
                "the questionnaire state is damaged", [Issue("start again", field="state")]
            ) from None
        if not isinstance(data, dict):
            raise CardValidationError("the questionnaire state is damaged", [Issue("start again", field="state")])
        answers = data.get("answers") or {}
        unknown = data.get("unknown") or []
        regimes = data.get("regimes")
        order = data.get("order") or []
        follow = data.get("follow") or []
        if (
            not isinstance(answers, dict)
            or not isinstance(unknown, list)
            or not isinstance(order, list)
            or not isinstance(follow, list)
            or (regimes is not None and not isinstance(regimes, list))
        ):
            raise CardValidationError("the questionnaire state is damaged", [Issue("start again", field="state")])
        return cls(
            {str(k): v for k, v in answers.items()},
            [str(u) for u in unknown],
            [str(r) for r in regimes] if regimes is not None else None,
            [str(o) for o in order],
            [str(f) for f in follow],
        )

    def record(self, answers: Mapping[str, Any], unknown: Iterable[str], follow: Iterable[str] = ()) -> None:
        """One screen's answers; "back" forgets them together."""
        unknown = [u for u in unknown if u not in self.unknown]
        self.answers.update(answers)
        self.unknown += unknown
        self.follow = [f for f in self.follow if f not in answers and f not in unknown] + list(follow)
        self.order.append(" ".join([*answers, *unknown, *follow]))

    def back(self) -> None:
        """Forget the last screen's answers."""
        if not self.order:
            return
        for fact_id in self.order.pop().split():
            self.answers.pop(fact_id, None)
            if fact_id in self.unknown:
                self.unknown.remove(fact_id)
            if fact_id in self.follow:
                self.follow.remove(fact_id)


def validated_facts(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answers checked like a card's facts (types, choices, contradictions); JSON values back."""
    if len(answers) > MAX_ANSWERS:
        raise CardValidationError("too many answers", [Issue(f"at most {MAX_ANSWERS}", field="answers")])
    card = api.card_from_mapping({"id": "questionnaire", "facts": dict(answers)}, source="answers")
    return card.facts


def check_unknown(unknown: Iterable[str]) -> list[str]:
    vocab = api.get_vocabulary()
    issues = [vocab.unknown_fact_issue(f, field="unknown") for f in unknown if f not in vocab.facts]
    if issues:
        raise CardValidationError("unknown facts in 'unknown'", issues)
    return list(dict.fromkeys(unknown))


@dataclass(frozen=True)
class Summary:
    regime: str
    tier: str
    status: str
    applies: bool | None
    could_be: list[str]


@dataclass(frozen=True)
class Step:
    survey: api.Survey
    summary: list[Summary]
    follow: tuple[str, ...] = ()

    @property
    def next(self) -> api.Question | None:
        return None if self.survey.done else self.survey.next()

    @property
    def screen(self) -> api.Screen | None:
        """What to show: the own question of a ticked checklist item first, else the next screen."""
        for fact_id in self.follow:
            question = next((q for q in self.survey.questions if q.id == fact_id), None)
            if question is not None:
                return api.Screen((question,))
        return None if self.survey.done else self.survey.next_screen()


def run(
    catalog: Catalog,
    answers: Mapping[str, Any],
    unknown: Sequence[str],
    regimes: Sequence[str] | None,
    as_of: dt.date,
    follow: Sequence[str] = (),
) -> Step:
    facts = validated_facts(answers)
    survey = api.survey(
        facts,
        packs=catalog.packs,
        as_of=as_of,
        regimes=list(regimes) if regimes else None,
        unknown=check_unknown(unknown),
    )
    summary = [
        Summary(rid, r.tier, r.status, r.applies, list(r.could_be))
        for rid, r in sorted(
            survey.results.items(),
            key=lambda kv: list(catalog.regimes).index(kv[0]) if kv[0] in catalog.regimes else 999,
        )
    ]
    return Step(survey, summary, tuple(follow))


def form_value(fact_type: str, values: list[str]) -> Any:
    """The JSON answer from the posted form values of one question."""
    cleaned = [v.strip() for v in values if v.strip()]
    if fact_type == "multi":
        return [v for v in cleaned if v != "__none__"]
    if not cleaned:
        raise CardValidationError('please answer, or choose "I don\'t know"', [Issue("no answer", field="value")])
    value = cleaned[0]
    if fact_type == "bool":
        if value not in ("true", "false"):
            raise CardValidationError("answer yes or no", [Issue("expected yes or no", field="value")])
        return value == "true"
    return value


def checklist_answers(
    facts: Sequence[str], ticked: Collection[str], unsure: Collection[str]
) -> tuple[dict[str, Any], list[str], list[str]]:
    """(answers, "don't know"s, items whose own question follows) of a posted checklist: ticked is
    yes, not ticked is no (a gate's ``none``), and a ticked gate is asked next."""
    vocab = api.get_vocabulary()
    answers: dict[str, Any] = {}
    unknown: list[str] = []
    follow: list[str] = []
    for fact_id in facts:
        group = vocab.group_of(fact_id)
        if group is None:
            raise CardValidationError("not a checklist item", [Issue(f"{fact_id} is in no checklist", field="facts")])
        item = group.item(fact_id)
        if fact_id in unsure:
            unknown.append(fact_id)
        elif not item.gated:
            answers[fact_id] = fact_id in ticked
        elif fact_id in ticked:
            follow.append(fact_id)
        else:
            answers[fact_id] = none_json(item.none)
    return answers, unknown, follow


def none_json(none: Any) -> Any:
    """A gate item's "not ticked" value as JSON (a multi fact's empty set is [])."""
    return sorted(none) if isinstance(none, frozenset) else none


def card_data(state: State, card_id: str, name: str, description: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"fenji_card": 1, "id": card_id, "name": name, "facts": dict(state.answers)}
    if description:
        data["description"] = description
    return data
