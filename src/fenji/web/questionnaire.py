"""The adaptive questionnaire for the web (``api.survey``): answers so far -> each regime's tier so far and
the question that settles most. Shared by ``POST /api/questions`` and the questionnaire page, whose state
(answers and "I don't know"s) travels in the form, so the page works without JavaScript and without a
server-side draft."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
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
    order: list[str] = field(default_factory=list)  # facts in the order answered (for "back")

    def dump(self) -> str:
        return json.dumps(
            {"answers": self.answers, "unknown": self.unknown, "regimes": self.regimes, "order": self.order},
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
        if (
            not isinstance(answers, dict)
            or not isinstance(unknown, list)
            or not isinstance(order, list)
            or (regimes is not None and not isinstance(regimes, list))
        ):
            raise CardValidationError("the questionnaire state is damaged", [Issue("start again", field="state")])
        return cls(
            {str(k): v for k, v in answers.items()},
            [str(u) for u in unknown],
            [str(r) for r in regimes] if regimes is not None else None,
            [str(o) for o in order],
        )


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

    @property
    def next(self) -> api.Question | None:
        return None if self.survey.done else self.survey.next()


def run(
    catalog: Catalog,
    answers: Mapping[str, Any],
    unknown: Sequence[str],
    regimes: Sequence[str] | None,
    as_of: dt.date,
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
    return Step(survey, summary)


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


def card_data(state: State, card_id: str, name: str, description: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"fenji_card": 1, "id": card_id, "name": name, "facts": dict(state.answers)}
    if description:
        data["description"] = description
    return data
