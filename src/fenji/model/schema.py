"""The system card's JSON Schema, generated from the fact vocabulary (``fenji schema``)."""

from __future__ import annotations

from typing import Any

from fenji.model.card import EVIDENCE_KEYS, EVIDENCE_STATUSES, WAIVER_KEYS
from fenji.model.facts import Fact, Vocabulary

UNKNOWN = {"enum": [None, "unknown"]}


def _fact_schema(fact: Fact) -> dict[str, Any]:
    value: dict[str, Any]
    if fact.type == "bool":
        value = {"type": "boolean"}
    elif fact.type == "enum":
        value = {"enum": list(fact.value_ids)}
    elif fact.type == "multi":
        value = {"type": "array", "items": {"enum": list(fact.value_ids)}, "uniqueItems": True}
    elif fact.type == "number":
        value = {"type": "number"}
    else:
        value = {"type": "string", "format": "date"}
    schema: dict[str, Any] = {
        "anyOf": [value, UNKNOWN],
        "title": fact.question.en,
        "description": fact.help.en,
        "x-question-zh": fact.question.zh,
        "x-help-zh": fact.help.zh,
    }
    if fact.judgement:
        schema["x-judgement"] = True
    if fact.deprecated:
        schema["deprecated"] = True
    return schema


def card_json_schema(vocab: Vocabulary) -> dict[str, Any]:
    sections: dict[str, dict[str, Any]] = {}
    for fact in vocab.facts.values():
        section, name = fact.id.split(".", 1)
        sections.setdefault(section, {"type": "object", "additionalProperties": False, "properties": {}})["properties"][
            name
        ] = _fact_schema(fact)
    titles = {s.id: s.title for s in vocab.sections}
    for section_id, body in sections.items():
        if section_id in titles:
            body["title"] = titles[section_id].en
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://fenji.dev/schema/card-1.json",
        "title": "fenji system card",
        "description": "One AI system (or model) seen from one organisation. Absent facts are unknown.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "fenji_card": {"const": 1},
            "id": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "owner": {"type": "string"},
            "version": {"type": ["string", "number"]},
            "notes": {"type": "string"},
            "facts": {"type": "object", "additionalProperties": False, "properties": sections},
            "evidence": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["control", "ref"],
                    "additionalProperties": False,
                    "properties": {
                        k: ({"enum": list(EVIDENCE_STATUSES)} if k == "status" else {"type": "string"})
                        for k in EVIDENCE_KEYS
                    },
                },
            },
            "waivers": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": list(WAIVER_KEYS),
                    "additionalProperties": False,
                    "properties": {k: {"type": "string"} for k in WAIVER_KEYS},
                },
            },
        },
    }
