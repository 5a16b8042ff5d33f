"""Load and validate rule packs (``<dir>/<pack>/pack.yaml`` + ``rules/*.yaml``).

Everything is checked at load time and reported with file, line and field: the schema,
the ID grammar and file name, unknown facts (with "did you mean"), operators against fact
types, references between rules (no cycles), tiers, roles and controls. A pack that does
not load is an error, never a warning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from fenji.engine.logic import Node, compile_condition
from fenji.errors import (
    DuplicateRuleIdError,
    Issue,
    PackSchemaError,
    RulePackError,
    UnknownFactError,
    did_you_mean,
)
from fenji.model.card import parse_yaml
from fenji.model.conditions import (
    All,
    Condition,
    ConditionParser,
    TierIs,
    facts_in,
    rules_in,
    tiers_in,
)
from fenji.model.facts import Text, Vocabulary, vocabulary
from fenji.model.result import ObligationInfo
from fenji.model.rule import LocalText, Pack, Rule

CONTROLS_FILE = "controls.yaml"


@dataclass(frozen=True)
class Control:
    id: str
    family: str
    title: Text
    evidence: Text
    strictest: Text | None = None


@dataclass(frozen=True)
class ControlCatalogue:
    version: str
    families: dict[str, Text]
    controls: dict[str, Control]


@dataclass
class LoadedRule:
    rule: Rule
    condition: Condition
    node: Node
    facts: frozenset[str]
    deps: frozenset[str]
    uses_tier: bool
    path: str
    lighter_node: Node | None = None
    date_nodes: tuple[tuple[Node, dt.date], ...] = ()
    required_tier: str | None = None  # a top-level {tier: X} conjunct: skip the rule unless the tier is X
    info: ObligationInfo | None = None  # obligation rules: the fixed part of every result
    title_text: Text = Text("", "")
    sorted_facts: tuple[str, ...] = ()
    id: str = ""  # = rule.id, kept as a plain attribute because the engine reads it in every loop

    def __post_init__(self) -> None:
        self.id = self.rule.id


@dataclass
class LoadedPack:
    pack: Pack
    rules: dict[str, LoadedRule]
    order: list[str]  # topological: a rule comes after the rules it references
    scope: Node
    scope_condition: Condition
    digest: str
    path: str
    changelog: str
    rules_by_tier: dict[str, list[str]] = field(default_factory=dict)
    rules_by_role: dict[str, list[str]] = field(default_factory=dict)
    active_cache: dict[dt.date, frozenset[str]] = field(default_factory=dict)
    ask_when: dict[str, Node] = field(default_factory=dict)  # fact -> compiled skip condition (shared)
    classification_rules: list[LoadedRule] = field(default_factory=list)  # in evaluation order
    obligation_rules: list[LoadedRule] = field(default_factory=list)  # in evaluation order

    @property
    def id(self) -> str:
        return self.pack.id

    def tier_index(self, tier: str) -> int:
        for i, t in enumerate(self.pack.tiers):
            if t.id == tier:
                return i
        return len(self.pack.tiers)


@dataclass
class PackSet:
    packs: dict[str, LoadedPack]
    controls: ControlCatalogue
    vocab: Vocabulary

    def rule(self, rule_id: str) -> tuple[LoadedPack, LoadedRule] | None:
        for pack in self.packs.values():
            if rule_id in pack.rules:
                return pack, pack.rules[rule_id]
        return None

    def all_rules(self) -> Iterable[tuple[LoadedPack, LoadedRule]]:
        for pack in self.packs.values():
            for rule_id in pack.order:
                yield pack, pack.rules[rule_id]


def builtin_packs_dir() -> Path:
    return Path(str(resources.files("fenji.rules")))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _pydantic_issues(exc: ValidationError, file: str, lines: dict[tuple[str, ...], int]) -> list[Issue]:
    issues = []
    for err in exc.errors():
        loc = tuple(str(p) for p in err["loc"])
        line = None
        for n in range(len(loc), -1, -1):
            if loc[:n] in lines:
                line = lines[loc[:n]]
                break
        issues.append(Issue(message=err["msg"], file=file, line=line, field=".".join(loc) or None))
    return issues


def load_controls(root: Path) -> ControlCatalogue:
    path = root / CONTROLS_FILE
    if not path.exists():
        raise PackSchemaError(
            f"{path}: control catalogue missing", [Issue("no controls.yaml beside the packs", str(path))]
        )
    data = yaml.safe_load(_read(path))
    families = {str(f["id"]): Text.from_data(f["title"]) for f in data["families"]}
    controls: dict[str, Control] = {}
    issues = []
    for item in data["controls"]:
        cid = str(item["id"])
        if item.get("family") not in families:
            issues.append(
                Issue(
                    f"control {cid!r} names unknown family {item.get('family')!r}", str(path), field=f"controls.{cid}"
                )
            )
        if cid in controls:
            issues.append(Issue(f"duplicate control {cid!r}", str(path)))
        controls[cid] = Control(
            id=cid,
            family=str(item.get("family")),
            title=Text.from_data(item["title"]),
            evidence=Text.from_data(item.get("evidence")),
            strictest=Text.from_data(item["strictest"]) if item.get("strictest") else None,
        )
    if issues:
        raise PackSchemaError(f"{path}: invalid control catalogue", issues)
    return ControlCatalogue(version=str(data.get("version", "0")), families=families, controls=controls)


def _digest(pack_dir: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(p for p in pack_dir.rglob("*") if p.is_file()):
        if path.suffix not in (".yaml", ".yml", ".md"):
            continue
        h.update(path.relative_to(pack_dir).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return "sha256:" + h.hexdigest()


def _load_rule(path: Path, vocab: Vocabulary) -> tuple[LoadedRule | None, list[Issue]]:
    file = str(path)
    data, lines = parse_yaml(_read(path), file)
    try:
        rule = Rule.model_validate(data)
    except ValidationError as exc:
        return None, _pydantic_issues(exc, file, lines)
    issues: list[Issue] = []
    if path.stem != rule.id:
        issues.append(
            Issue(
                f"file name must equal the rule ID {rule.id!r}",
                file,
                lines.get(("id",)),
                "id",
                f"rename the file to {rule.id}.yaml",
            )
        )
    parser = ConditionParser(vocab, file=file)
    condition = parser.parse(rule.when, "when")
    lighter = parser.parse(rule.lighter_path_when, "lighter_path_when") if rule.lighter_path_when else None
    overrides = [
        (parser.parse(o.when, f"date_overrides[{i}].when"), o.applies_from) for i, o in enumerate(rule.date_overrides)
    ]
    for issue in parser.issues:
        line = lines.get(tuple(p for p in (issue.field or "").replace("[", ".").replace("]", "").split(".") if p))
        issues.append(Issue(issue.message, file, line or lines.get(("when",)), issue.field, issue.hint))
    if rule.due and rule.due.after_fact:
        fact = vocab.facts.get(rule.due.after_fact)
        if fact is None or fact.type != "date":
            issues.append(
                Issue(
                    f"due.after_fact {rule.due.after_fact!r} is not a date fact",
                    file,
                    lines.get(("due",)),
                    "due.after_fact",
                )
            )
    if issues:
        return None, issues
    return (
        LoadedRule(
            rule=rule,
            condition=condition,
            node=compile_condition(condition),
            facts=frozenset(facts_in(condition)),
            deps=frozenset(rules_in(condition)).union(*(rules_in(c) for c, _ in overrides)),
            uses_tier=bool(tiers_in(condition)),
            path=file,
            lighter_node=compile_condition(lighter) if lighter else None,
            date_nodes=tuple((compile_condition(c), d) for c, d in overrides),
            required_tier=_required_tier(condition),
            info=_obligation_info(rule) if rule.kind == "obligation" else None,
            title_text=Text(rule.title.en, rule.title.zh),
            sorted_facts=tuple(sorted(facts_in(condition))),
        ),
        [],
    )


def _text(value: LocalText | None) -> Text | None:
    return Text(value.en, value.zh) if value is not None else None


def _obligation_info(rule: Rule) -> ObligationInfo:
    return ObligationInfo(
        id=rule.id,
        citation=rule.citation.short,
        addressee=str(rule.addressee),
        applies_from=rule.applies_from,
        superseded_on=rule.superseded_on,
        controls=tuple(rule.controls),
        title=Text(rule.title.en, rule.title.zh),
        rationale=Text(rule.rationale.en, rule.rationale.zh),
        url=rule.citation.url,
        penalty=rule.penalty.citation if rule.penalty else None,
        due_text=_text(rule.due.text) if rule.due else None,
        lighter_path=_text(rule.lighter_path),
        confidence=rule.confidence,
        soft_law=rule.soft_law,
    )


def _required_tier(cond: Condition) -> str | None:
    """The tier a condition needs at its top level ({tier: X} or all[..., {tier: X}, ...]), if any."""
    if isinstance(cond, TierIs):
        return cond.tier
    if isinstance(cond, All):
        for item in cond.items:
            if isinstance(item, TierIs):
                return item.tier
    return None


def _toposort(rules: dict[str, LoadedRule], file: str) -> tuple[list[str], list[Issue]]:
    order: list[str] = []
    state: dict[str, int] = {}
    issues: list[Issue] = []

    def visit(rule_id: str, stack: list[str]) -> None:
        if state.get(rule_id) == 2:
            return
        if state.get(rule_id) == 1:
            issues.append(Issue("rules reference each other in a cycle: " + " -> ".join(stack + [rule_id]), file))
            return
        state[rule_id] = 1
        for dep in sorted(rules[rule_id].deps):
            if dep in rules:
                visit(dep, stack + [rule_id])
        state[rule_id] = 2
        order.append(rule_id)

    for rule_id in sorted(rules):
        visit(rule_id, [])
    return order, issues


def load_pack(pack_dir: Path, vocab: Vocabulary, controls: ControlCatalogue) -> LoadedPack:
    pack_file = pack_dir / "pack.yaml"
    data, lines = parse_yaml(_read(pack_file), str(pack_file))
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        raise PackSchemaError(f"{pack_file}: invalid pack", _pydantic_issues(exc, str(pack_file), lines)) from None
    issues: list[Issue] = []
    unknown_fact = False
    rules: dict[str, LoadedRule] = {}
    for path in sorted((pack_dir / "rules").glob("*.yaml")):
        loaded, rule_issues = _load_rule(path, vocab)
        if rule_issues:
            unknown_fact |= any(i.message.startswith("unknown fact") for i in rule_issues)
            issues.extend(rule_issues)
            continue
        assert loaded is not None
        if loaded.id in rules:
            raise DuplicateRuleIdError(f"duplicate rule ID {loaded.id}", [Issue("duplicate", str(path))])
        rules[loaded.id] = loaded
    tier_ids = [t.id for t in pack.tiers]
    role_ids = [r.id for r in pack.roles]
    for lr in rules.values():
        r = lr.rule
        for dep in lr.deps:
            if dep not in rules:
                issues.append(
                    Issue(
                        f"references unknown rule {dep!r}",
                        lr.path,
                        field="when",
                        hint=did_you_mean(dep, rules) or "rules may only reference rules of the same pack",
                    )
                )
        for tier in tiers_in(lr.condition):
            if tier not in tier_ids:
                issues.append(Issue(f"unknown tier {tier!r}", lr.path, field="when", hint=did_you_mean(tier, tier_ids)))
        if r.outcome:
            if r.outcome.tier and r.outcome.tier not in tier_ids:
                issues.append(
                    Issue(
                        f"unknown tier {r.outcome.tier!r}",
                        lr.path,
                        field="outcome.tier",
                        hint=did_you_mean(r.outcome.tier, tier_ids) or f"tiers: {tier_ids}",
                    )
                )
            if r.outcome.role and r.outcome.role not in role_ids:
                issues.append(
                    Issue(
                        f"unknown role {r.outcome.role!r}",
                        lr.path,
                        field="outcome.role",
                        hint=did_you_mean(r.outcome.role, role_ids) or f"roles: {role_ids}",
                    )
                )
        if r.kind == "obligation" and r.addressee not in role_ids + ["any"]:
            issues.append(
                Issue(
                    f"unknown addressee {r.addressee!r}",
                    lr.path,
                    field="addressee",
                    hint=did_you_mean(str(r.addressee), role_ids) or f"roles: {role_ids} or any",
                )
            )
        for control in r.controls:
            if control not in controls.controls:
                issues.append(
                    Issue(
                        f"unknown control {control!r}",
                        lr.path,
                        field="controls",
                        hint=did_you_mean(control, controls.controls),
                    )
                )
    # classification may not depend on the tier (the tier is computed from classification)
    for rule_id, lr in rules.items():
        if lr.rule.kind == "classification" and _depends_on_tier(rule_id, rules, set()):
            issues.append(Issue("a classification rule may not depend on the tier", lr.path, field="when"))
    parser = ConditionParser(vocab, file=str(pack_file))
    scope = parser.parse(pack.scope, "scope")
    issues.extend(parser.issues)
    for dep in rules_in(scope):
        if dep not in rules:
            issues.append(
                Issue(f"scope references unknown rule {dep!r}", str(pack_file), lines.get(("scope",)), "scope")
            )
    order, cycle_issues = _toposort(rules, str(pack_file))
    issues.extend(cycle_issues)
    changelog_path = pack_dir / "CHANGELOG.md"
    changelog = _read(changelog_path) if changelog_path.exists() else ""
    if f"## [{pack.version}]" not in changelog:
        issues.append(
            Issue(
                f"CHANGELOG.md has no entry '## [{pack.version}]'",
                str(changelog_path),
                hint="record the version and its legal source",
            )
        )
    if issues:
        cls: type[RulePackError] = UnknownFactError if unknown_fact else PackSchemaError
        raise cls(f"{pack_dir.name}: the rule pack has {len(issues)} problem(s)", issues)
    by_tier: dict[str, list[str]] = {}
    by_role: dict[str, list[str]] = {}
    for rule_id in order:
        outcome = rules[rule_id].rule.outcome
        if outcome and outcome.tier:
            by_tier.setdefault(outcome.tier, []).append(rule_id)
        if outcome and outcome.role:
            by_role.setdefault(outcome.role, []).append(rule_id)
    if tiers_in(scope):
        raise PackSchemaError(
            f"{pack_dir.name}: scope may not test the tier",
            [Issue("scope may not use {tier: …}", str(pack_file), lines.get(("scope",)), "scope")],
        )
    return LoadedPack(
        pack=pack,
        rules=rules,
        order=order,
        classification_rules=[rules[r] for r in order if rules[r].rule.kind == "classification"],
        obligation_rules=[rules[r] for r in order if rules[r].rule.kind == "obligation"],
        scope=compile_condition(scope),
        scope_condition=scope,
        digest=_digest(pack_dir),
        path=str(pack_dir),
        changelog=changelog,
        rules_by_tier=by_tier,
        rules_by_role=by_role,
    )


def _depends_on_tier(rule_id: str, rules: dict[str, LoadedRule], seen: set[str]) -> bool:
    if rule_id in seen or rule_id not in rules:
        return False
    seen.add(rule_id)
    lr = rules[rule_id]
    return lr.uses_tier or any(_depends_on_tier(d, rules, seen) for d in lr.deps)


def load_packs(
    root: Path | str | None = None, only: Iterable[str] | None = None, vocab: Vocabulary | None = None
) -> PackSet:
    """Load every pack below ``root`` (default: the packs shipped with fenji)."""
    base = Path(root) if root else builtin_packs_dir()
    vocab = vocab or vocabulary()
    if vocab.group_issues():
        raise PackSchemaError("facts.yaml has an invalid question group", vocab.group_issues())
    controls = load_controls(base if (base / CONTROLS_FILE).exists() else builtin_packs_dir())
    wanted = set(only) if only else None
    packs: dict[str, LoadedPack] = {}
    seen_ids: dict[str, str] = {}
    for pack_dir in sorted(p for p in base.iterdir() if (p / "pack.yaml").exists()):
        loaded = load_pack(pack_dir, vocab, controls)
        if wanted is not None and loaded.id not in wanted:
            continue
        for rule_id, lr in loaded.rules.items():
            if rule_id in seen_ids:
                raise DuplicateRuleIdError(
                    f"rule ID {rule_id} is used twice",
                    [Issue("first here", seen_ids[rule_id]), Issue("again here", lr.path)],
                )
            seen_ids[rule_id] = lr.path
        packs[loaded.id] = loaded
    if wanted is not None:
        missing = wanted - set(packs)
        if missing:
            raise RulePackError(
                f"no such rule pack: {', '.join(sorted(missing))}",
                [Issue("unknown pack", hint=f"packs: {', '.join(sorted(packs))}")],
            )
    ordered = dict(sorted(packs.items(), key=lambda kv: (kv[1].pack.order, kv[0])))
    ask_when = compile_ask_when(vocab)
    for lp in ordered.values():
        lp.ask_when = ask_when
    return PackSet(packs=ordered, controls=controls, vocab=vocab)


def compile_ask_when(vocab: Vocabulary) -> dict[str, Node]:
    """Every fact's skip condition, compiled once."""
    parser = ConditionParser(vocab, file="facts.yaml")
    nodes = {
        f.id: compile_condition(parser.parse(f.ask_when, f"{f.id}.ask_when"))
        for f in vocab.facts.values()
        if f.ask_when
    }
    if parser.issues:
        raise PackSchemaError("facts.yaml has invalid ask_when conditions", parser.issues)
    return nodes


def raw_yaml(path: Path) -> Any:
    return yaml.safe_load(_read(path))
