"""Reject impossible combinations of answers (``model/contradictions.yaml``)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from fenji.engine.logic import Node, compile_condition
from fenji.errors import Issue, PackSchemaError
from fenji.model.conditions import ConditionParser
from fenji.model.facts import Text, Vocabulary


@dataclass(frozen=True)
class Contradiction:
    id: str
    facts: tuple[str, ...]
    node: Node
    message: Text


@functools.cache
def contradictions(vocab: Vocabulary) -> tuple[Contradiction, ...]:
    text = resources.files("fenji.model").joinpath("contradictions.yaml").read_text("utf-8")
    out = []
    parser = ConditionParser(vocab, file="contradictions.yaml")
    for item in yaml.safe_load(text)["contradictions"]:
        cond = parser.parse(item["when"], f"{item['id']}.when")
        out.append(
            Contradiction(
                str(item["id"]), tuple(item["facts"]), compile_condition(cond), Text.from_data(item["message"])
            )
        )
    if parser.issues:
        raise PackSchemaError("contradictions.yaml is invalid", parser.issues)
    return tuple(out)


def find_contradictions(
    facts: Mapping[str, Any], vocab: Vocabulary, *, source: str | None = None, lines: Mapping[str, int] | None = None
) -> list[Issue]:
    issues = []
    for c in contradictions(vocab):
        if c.node.ev(facts, {}, None) is True:
            line = next((lines[f] for f in c.facts if lines and f in lines), None)
            issues.append(
                Issue(
                    message=f"contradictory answers: {c.message.en}",
                    file=source,
                    line=line,
                    field=", ".join(f"facts.{f}" for f in c.facts),
                    hint="correct one of these answers, or set it to unknown",
                )
            )
    return issues
