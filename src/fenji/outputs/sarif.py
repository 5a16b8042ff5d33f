"""SARIF 2.1.0 for code scanning: one result per finding, rule IDs are fenji rule IDs."""

from __future__ import annotations

import json
from typing import Any

from fenji.model.result import Finding
from fenji.outputs.base import Item

LEVEL = {"prohibited": "error", "high": "error", "medium": "warning", "low": "note", "none": "none"}
SECURITY_SEVERITY = {"prohibited": "9.5", "high": "7.5", "medium": "5.0", "low": "2.0", "none": "0.0"}
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _result(f: Finding, lang: str) -> dict[str, Any]:
    location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": f.card.source or f.card.id}}}
    if f.line:
        location["physicalLocation"]["region"] = {"startLine": f.line}
    return {
        "ruleId": f.rule_id,
        "level": LEVEL[f.severity] if f.kind != "provisional" else "warning",
        "message": {"text": f.message.get(lang)},
        "locations": [location],
        "properties": {"regime": f.regime, "kind": f.kind, "system": f.card.id},
    }


def render_sarif(items: list[Item], lang: str) -> str:
    from fenji._version import __version__

    rules: dict[str, dict[str, Any]] = {}
    results = []
    for item in items:
        for f in item.findings:
            if f.rule_id not in rules:
                rule: dict[str, Any] = {
                    "id": f.rule_id,
                    "shortDescription": {"text": f.message.en[:200]},
                    "properties": {"security-severity": SECURITY_SEVERITY[f.severity]},
                }
                if f.help_uri:
                    rule["helpUri"] = f.help_uri
                rules[f.rule_id] = rule
            results.append(_result(f, lang))
    doc = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fenji",
                        "version": __version__,
                        "informationUri": "https://github.com/fenji-ai/fenji",
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
