from __future__ import annotations

import json

from fenji.outputs.base import Item


def render_json(items: list[Item], lang: str) -> str:
    """One assessment: the contract object. Several: a list of them."""
    docs = [item.assessment.to_dict(lang) for item in items]
    body = docs[0] if len(docs) == 1 else docs
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
