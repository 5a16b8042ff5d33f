"""The crosswalk data beside the rule packs: each control's sources (regime, citation, strength) from
``controls.yaml`` and the known conflicts between obligations from ``conflicts.yaml``.

Loaded once per directory and validated like the packs: unknown controls, measures, facts or
operators are errors with file and field.
"""

from __future__ import annotations

import fnmatch
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fenji.engine.loader import CONTROLS_FILE, PackSet, builtin_packs_dir, load_controls, raw_yaml
from fenji.engine.logic import Node, compile_condition
from fenji.errors import Issue, PackSchemaError
from fenji.model.conditions import ConditionParser
from fenji.model.controls import MEASURES, CatalogueControl, CatalogueView, ControlSource
from fenji.model.facts import Text, Vocabulary, vocabulary

CONFLICTS_FILE = "conflicts.yaml"


@dataclass(frozen=True)
class ConflictSideDef:
    citation: str
    requirement: Text
    controls: tuple[str, ...] = ()
    regimes: tuple[str, ...] = ()
    node: Node | None = None
    except_rules: frozenset[str] = frozenset()  # obligations that name the control but are not this duty

    def covers_regime(self, regime: str) -> bool:
        return not self.regimes or any(fnmatch.fnmatchcase(regime, pattern) for pattern in self.regimes)


@dataclass(frozen=True)
class ConflictDef:
    id: str
    title: Text
    resolution: Text
    sides: tuple[ConflictSideDef, ...]


@dataclass(frozen=True)
class Crosswalk:
    view: CatalogueView
    conflicts: tuple[ConflictDef, ...]

    def sources(self, control_id: str) -> tuple[ControlSource, ...]:
        for control in self.view.controls:
            if control.id == control_id:
                return control.sources
        return ()


def _source(data: Mapping[str, Any], where: str, file: str, issues: list[Issue]) -> ControlSource | None:
    measure = data.get("measure")
    if not data.get("regime") or not data.get("citation") or not isinstance(data.get("requirement"), Mapping):
        issues.append(Issue("a source needs regime, citation and requirement {en, zh}", file, field=where))
        return None
    if measure is not None and (measure not in MEASURES or not isinstance(data.get("value"), int | float)):
        issues.append(Issue(f"bad measure {measure!r} or value", file, field=where, hint=f"use {', '.join(MEASURES)}"))
        return None
    return ControlSource(
        regime=str(data["regime"]),
        citation=str(data["citation"]),
        requirement=Text.from_data(data["requirement"]),
        measure=str(measure) if measure else None,
        value=float(data["value"]) if measure else None,
    )


def _controls(root: Path, issues: list[Issue]) -> CatalogueView:
    catalogue = load_controls(root)
    file = str(root / CONTROLS_FILE)
    raw = {str(item["id"]): item for item in raw_yaml(root / CONTROLS_FILE)["controls"]}
    controls = []
    for control in catalogue.controls.values():
        items = raw[control.id].get("sources") or []
        sources = [_source(s, f"controls.{control.id}.sources[{i}]", file, issues) for i, s in enumerate(items)]
        measures = {s.measure for s in sources if s is not None and s.measure}
        if len(measures) > 1:
            issues.append(Issue(f"sources of {control.id!r} mix measures {sorted(measures)}", file))
        controls.append(
            CatalogueControl(
                id=control.id,
                family=control.family,
                title=control.title,
                evidence=control.evidence,
                strictest=control.strictest,
                sources=tuple(s for s in sources if s is not None),
            )
        )
    return CatalogueView(version=catalogue.version, families=dict(catalogue.families), controls=tuple(controls))


def _side(data: Any, where: str, parser: ConditionParser, known: Iterable[str], issues: list[Issue]) -> ConflictSideDef:
    file = parser.file
    if not isinstance(data, Mapping) or not (data.get("controls") or data.get("when")):
        issues.append(Issue("a side needs controls and/or when", file, field=where))
        return ConflictSideDef(citation="", requirement=Text("", ""))
    controls = tuple(str(c) for c in data.get("controls") or ())
    for control in controls:
        if control not in known:
            issues.append(Issue(f"unknown control {control!r}", file, field=f"{where}.controls"))
    node = compile_condition(parser.parse(data["when"], f"{where}.when")) if data.get("when") else None
    return ConflictSideDef(
        citation=str(data.get("citation", "")),
        requirement=Text.from_data(data.get("requirement")),
        controls=controls,
        regimes=tuple(str(r) for r in data.get("regimes") or ()),
        node=node,
        except_rules=frozenset(str(r) for r in data.get("except_rules") or ()),
    )


def _conflicts(path: Path, view: CatalogueView, vocab: Vocabulary, issues: list[Issue]) -> tuple[ConflictDef, ...]:
    if not path.exists():
        return ()
    parser = ConditionParser(vocab, file=str(path))
    known = {c.id for c in view.controls}
    out = []
    for i, item in enumerate(raw_yaml(path).get("conflicts") or ()):
        where = f"conflicts[{i}]"
        sides = tuple(_side(s, f"{where}.sides[{j}]", parser, known, issues) for j, s in enumerate(item["sides"]))
        if len(sides) != 2:
            issues.append(Issue("a conflict has exactly two sides", str(path), field=where))
        out.append(
            ConflictDef(
                id=str(item["id"]),
                title=Text.from_data(item["title"]),
                resolution=Text.from_data(item.get("resolution")),
                sides=sides,
            )
        )
    issues.extend(parser.issues)
    return tuple(out)


@functools.cache
def load_crosswalk(root: str) -> Crosswalk:
    """The crosswalk of the packs in ``root`` (controls and conflicts fall back to the built-in ones)."""
    base = Path(root)
    controls_root = base if (base / CONTROLS_FILE).exists() else builtin_packs_dir()
    conflicts_root = base if (base / CONFLICTS_FILE).exists() else builtin_packs_dir()
    issues: list[Issue] = []
    view = _controls(controls_root, issues)
    conflicts = _conflicts(conflicts_root / CONFLICTS_FILE, view, vocabulary(), issues)
    if issues:
        raise PackSchemaError("invalid control crosswalk", issues)
    return Crosswalk(view=view, conflicts=conflicts)


def packs_root(packs: PackSet) -> Path:
    """The directory the packs were loaded from (the built-in one when there are none)."""
    for lp in packs.packs.values():
        return Path(lp.path).parent
    return builtin_packs_dir()


def crosswalk_for(packs: PackSet) -> Crosswalk:
    return load_crosswalk(str(packs_root(packs)))
