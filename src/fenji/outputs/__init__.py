"""Renderers: pure functions from assessments to text, keyed by format name."""

from __future__ import annotations

from collections.abc import Callable

from fenji.outputs.base import Item
from fenji.outputs.json_out import render_json
from fenji.outputs.junit import render_junit
from fenji.outputs.markdown import render_markdown
from fenji.outputs.sarif import render_sarif
from fenji.outputs.text import render_text

Renderer = Callable[[list[Item], str], str]

RENDERERS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
    "sarif": render_sarif,
    "junit": render_junit,
}

__all__ = ["RENDERERS", "Item", "Renderer"]
