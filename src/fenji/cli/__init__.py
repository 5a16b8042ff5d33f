"""The ``fenji`` command line: a thin layer over ``fenji.api``.

Exit codes: 0 ok; 1 findings at or above ``--fail-on`` (``check``); 2 bad input, usage or pack error.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from fenji import api
from fenji._version import __version__
from fenji.errors import CardValidationError, FenjiError, Issue
from fenji.outputs import RENDERERS, Item

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = ["text", "json", "markdown", "sarif", "junit"]


class UserError(click.ClickException):
    """A FenjiError shown without a traceback, exit code 2."""

    exit_code = 2

    def __init__(self, error: FenjiError) -> None:
        super().__init__(str(error))
        self.error = error

    def format_message(self) -> str:
        return f"[{self.error.code}] {self.error}"


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; write YYYY-MM-DD", param_hint="--as-of") from None


def common_options(func: F) -> F:
    """--as-of, --lang, --fact, --packs: shared by the commands that assess."""
    func = click.option(
        "--packs",
        "packs_dir",
        type=click.Path(exists=True, file_okay=False),
        help="Load rule packs from this directory instead of the built-in ones.",
    )(func)
    func = click.option(
        "--fact",
        "facts",
        multiple=True,
        metavar="ID=VALUE",
        help="Set or override one fact (repeatable); VALUE 'unknown' clears it.",
    )(func)
    func = click.option(
        "--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True, help="Language of the output."
    )(func)
    func = click.option(
        "--as-of", "as_of", metavar="YYYY-MM-DD", help="Evaluate the law as it stands on this date (default: today)."
    )(func)
    return func


def _packs(packs_dir: str | None) -> api.PackSet:
    return api.packs_from(packs_dir)


def _inputs(
    as_of: str | None, packs_dir: str | None, facts: tuple[str, ...]
) -> tuple[dt.date | None, api.PackSet, dict[str, Any]]:
    """What the common options give an assessing command: the date, the packs and the --fact overrides."""
    return _as_of(as_of), _packs(packs_dir), api.parse_fact_assignments(list(facts))


output_option = click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to this file.")


def _emit(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fenji")
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """fenji (分级): which AI regulations apply to a system, in which tier, what to do and by when.

    Example:

        fenji assess examples/cards/cv-screening.yaml --as-of 2026-11-22
    """
    ctx.obj = {"debug": debug}


def _guard(func: Callable[[], int | None]) -> int | None:
    try:
        return func()
    except FenjiError as exc:
        raise UserError(exc) from None


@main.command()
@click.argument("card", required=False, type=click.Path(dir_okay=False))
@common_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--text", "text", help="Assess a plain-language description (text assist).")
@click.option(
    "--text-file",
    "text_file",
    type=click.Path(exists=True, dir_okay=False),
    help="Assess the description in this file (text assist).",
)
@click.option(
    "--batch",
    "batch",
    type=click.Path(exists=True, dir_okay=False),
    help='JSONL file: one {"id", "card"|"text", "facts"} object per line.',
)
@output_option
def assess(
    card: str | None,
    as_of: str | None,
    lang: str,
    facts: tuple[str, ...],
    packs_dir: str | None,
    fmt: str,
    text: str | None,
    text_file: str | None,
    batch: str | None,
    output: str | None,
) -> None:
    """Assess one system card against every rule pack.

    Example:

        fenji assess examples/cards/cv-screening.yaml --format json --fact market.eu=true
    """
    sources = [s for s in (card, text, text_file, batch) if s]
    if len(sources) != 1:
        raise click.UsageError("give exactly one of CARD, --text, --text-file or --batch")

    def run() -> None:
        when, packs, overrides = _inputs(as_of, packs_dir, facts)
        if batch:
            _assess_batch(Path(batch), packs, when, overrides, lang, output)
            return
        if text is not None or text_file is not None:
            description = text if text is not None else _read_text_file(str(text_file))
            loaded, result = api.assess_text(description, packs=packs, as_of=when, facts=overrides)
            items = [Item(loaded, result, api.check_findings(loaded, result, packs))]
            _emit(RENDERERS[fmt](items, lang), output)
            return
        assert card is not None
        loaded = api.load_card(card)
        result = api.assess(loaded, packs=packs, as_of=when, facts=overrides)
        items = [Item(loaded, result, api.check_findings(loaded, result, packs))]
        _emit(RENDERERS[fmt](items, lang), output)

    _guard(run)


def _assess_batch(
    path: Path, packs: api.PackSet, when: dt.date | None, overrides: dict[str, Any], lang: str, output: str | None
) -> None:
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115 - stdout or a file
    try:
        with path.open(encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                item_id, card, line_facts = api.batch_line(line, line_no, str(path))
                merged = dict(overrides)
                if line_facts:
                    merged.update(api.parse_fact_assignments([f"{k}={_cli_value(v)}" for k, v in line_facts.items()]))
                if card is None:
                    description = _batch_text(line, line_no, path)
                    result = api.assess_text(description, packs=packs, as_of=when, facts=merged, item_id=item_id)[1]
                else:
                    result = api.assess(card, packs=packs, as_of=when, facts=merged)
                doc = {"id": item_id, **result.to_dict(lang)}
                out.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n")
    finally:
        if output:
            out.close()


def _read_text_file(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FenjiError(f"{path}: not UTF-8 text", [Issue("save the description as UTF-8", path)]) from None


def _batch_text(line: str, line_no: int, path: Path) -> str:
    """The description of a ``{"id", "text"}`` batch line (``api.batch_line`` has checked the line is JSON)."""
    description = json.loads(line).get("text")
    if not isinstance(description, str) or not description.strip():
        raise CardValidationError(
            f"{path}:{line_no}: 'text' must be a non-empty string",
            [Issue("write the description as a JSON string", str(path), line_no, "text")],
        )
    return description


def _cli_value(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value) or "[]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return "unknown" if value is None else str(value)


@main.command()
@click.argument("cards", nargs=-1, required=True, type=click.Path(dir_okay=False))
@common_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option(
    "--fail-on",
    type=click.Choice(["prohibited", "high", "any"]),
    default="high",
    show_default=True,
    help="Exit 1 when a finding is at or above this severity.",
)
@click.option("--soft-fail", is_flag=True, help="Report findings but exit 0.")
@click.option(
    "--require-evidence",
    is_flag=True,
    help="Fail on controls whose binding obligations are in application (as of --as-of) without done evidence.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write the report to this file.")
def check(
    cards: tuple[str, ...],
    as_of: str | None,
    lang: str,
    facts: tuple[str, ...],
    packs_dir: str | None,
    fmt: str,
    fail_on: str,
    soft_fail: bool,
    require_evidence: bool,
    output: str | None,
) -> None:
    """CI gate: assess cards and exit 1 on findings at or above --fail-on (2 on bad input).

    Example:

        fenji check examples/cards/*.yaml --fail-on prohibited --format sarif -o fenji.sarif
    """

    def run() -> int:
        when, packs, overrides = _inputs(as_of, packs_dir, facts)
        items = []
        for path in cards:
            card = api.load_card(path)
            result = api.assess(card, packs=packs, as_of=when, facts=overrides)
            items.append(Item(card, result, api.check_findings(card, result, packs, require_evidence)))
        _emit(RENDERERS[fmt](items, lang), output)
        if soft_fail:
            return 0
        return api.check_exit_code([f for i in items for f in i.findings], fail_on)

    code = _guard(run)
    sys.exit(code or 0)


@main.command()
def schema() -> None:
    """Print the system card's JSON Schema.

    Example:

        fenji schema > fenji-card.schema.json
    """
    from fenji.model.schema import card_json_schema

    click.echo(json.dumps(card_json_schema(api.get_vocabulary()), ensure_ascii=False, indent=2))


@main.command()
@click.argument("fact_id", required=False)
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def facts(fact_id: str | None, lang: str, fmt: str) -> None:
    """List the fact vocabulary, or show one fact.

    Example:

        fenji facts technique.emotion_recognition --lang zh
    """
    vocab = api.get_vocabulary()
    if fact_id and fact_id not in vocab.facts:
        raise UserError(CardValidationError("unknown fact", [vocab.unknown_fact_issue(fact_id)]))
    chosen = [vocab.facts[fact_id]] if fact_id else list(vocab.facts.values())
    if fmt == "json":
        click.echo(json.dumps([_fact_json(f) for f in chosen], ensure_ascii=False, indent=2))
        return
    for f in chosen:
        click.echo(f"{f.id} ({f.type}{', judgement' if f.judgement else ''}): {f.question.get(lang)}")
        if fact_id:
            click.echo(f"  {f.help.get(lang)}")
            for choice in f.values:
                click.echo(f"  - {choice.id}: {choice.label.get(lang)}")
            if f.cites:
                click.echo(f"  used by: {'; '.join(f.cites)}")


def _fact_json(f: Any) -> dict[str, Any]:
    return {
        "id": f.id,
        "type": f.type,
        "judgement": f.judgement,
        "question": f.question.as_dict(),
        "help": f.help.as_dict(),
        "values": [{"id": c.id, **c.label.as_dict()} for c in f.values],
        "cites": list(f.cites),
    }


@main.group()
def rules() -> None:
    """List, show and lint rule packs.

    Example:

        fenji rules list --pack eu_ai_act
    """


@rules.command("list")
@click.option("--pack", "pack_id", help="Only this pack.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True)
@click.option("--packs", "packs_dir", type=click.Path(exists=True, file_okay=False))
def rules_list(pack_id: str | None, lang: str, packs_dir: str | None) -> None:
    """List rules: ID, kind, citation, applies_from, title.

    Example:

        fenji rules list --pack eu_ai_act --lang zh
    """

    def run() -> None:
        packs = _packs(packs_dir)
        for lp in packs.packs.values():
            if pack_id and lp.id != pack_id:
                continue
            click.echo(f"# {lp.id} {lp.pack.version} ({len(lp.rules)} rules) {lp.digest}")
            for rid in sorted(lp.rules):
                r = lp.rules[rid].rule
                click.echo(f"{rid}\t{r.kind}\t{r.citation.short}\t{r.applies_from}\t{r.title.get(lang)}")

    _guard(run)


@rules.command("show")
@click.argument("rule_id")
@click.option("--packs", "packs_dir", type=click.Path(exists=True, file_okay=False))
def rules_show(rule_id: str, packs_dir: str | None) -> None:
    """Show one rule as YAML.

    Example:

        fenji rules show EU-AIA-ART5-1F
    """

    def run() -> None:
        packs = _packs(packs_dir)
        found = packs.rule(rule_id)
        if found is None:
            from fenji.errors import RulePackError, did_you_mean

            all_ids = [r.id for _, r in packs.all_rules()]
            raise RulePackError(f"no rule {rule_id!r}", [Issue("unknown rule ID", hint=did_you_mean(rule_id, all_ids))])
        click.echo(Path(found[1].path).read_text(encoding="utf-8"), nl=False)

    _guard(run)


@rules.command("lint")
@click.option("--packs", "packs_dir", type=click.Path(exists=True, file_okay=False))
def rules_lint(packs_dir: str | None) -> None:
    """Validate packs and report rules that can never match or are shadowed; exit 1 on problems.

    Example:

        fenji rules lint
    """
    from fenji.engine.lint import lint

    def run() -> int:
        packs = _packs(packs_dir)
        problems = lint(packs)
        for p in problems:
            click.echo(p.render())
        total = sum(len(lp.rules) for lp in packs.packs.values())
        click.echo(f"{len(packs.packs)} packs, {total} rules, {len(problems)} problem(s)")
        return 1 if any(p.hint != "warning" for p in problems) else 0

    sys.exit(_guard(run) or 0)


@rules.command("schema")
def rules_schema() -> None:
    """Print the JSON Schema of rule pack files.

    Example:

        fenji rules schema > rule-pack.schema.json
    """
    from fenji.model.rule import rule_json_schema

    click.echo(json.dumps(rule_json_schema(), ensure_ascii=False, indent=2))


def _register() -> None:
    from fenji.cli import ask, cn, diff, explain, oscal, plan, serve, store_io, timeline, us, users
    from fenji.cli import audit as audit_cli

    for web_command in (serve.command, users.group, audit_cli.group, store_io.export_command, store_io.import_command):
        main.add_command(web_command)

    for group in (cn.group, us.group):
        main.add_command(group)
    main.add_command(ask.command)
    main.add_command(explain.command)
    from fenji.cli import report

    main.add_command(report.command)
    for command in (plan.command, timeline.command, diff.command, oscal.group):
        main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    main()
