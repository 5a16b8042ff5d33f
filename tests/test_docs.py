"""Docs that must not drift: generated references are current, every error code and CLI command documented."""

from __future__ import annotations

from pathlib import Path

import click

import fenji
from fenji.cli import main
from fenji.docs import generated
from fenji.errors import ERROR_CLASSES

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_generated_docs_are_current() -> None:
    stale = [str(p) for p, text in generated().items() if not p.exists() or p.read_text("utf-8") != text]
    assert not stale, f"run `python -m fenji.docs`: {stale}"


def test_every_error_code_has_a_page() -> None:
    for cls in ERROR_CLASSES:
        assert (DOCS / "errors" / f"{cls.code}.md").exists(), cls.code


def test_every_command_has_help_with_an_example() -> None:
    def walk(cmd: click.Command, path: str) -> None:
        assert cmd.help and "Example:" in cmd.help, f"{path} needs a docstring with an Example: block"
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, f"{path} {name}")

    walk(main, "fenji")


def test_public_api_all_is_sorted() -> None:
    assert list(fenji.__all__) == sorted(fenji.__all__)
    for name in fenji.__all__:
        assert hasattr(fenji, name)
