"""Filing and documentation packs: the field lists live as data in ``outputs/forms/<kind>.yaml``.

A form file names the regime, the law's title and legal basis, when the document is required, the obligations to
show, and its sections. A section holds ``fields`` (each with a citation to the article point, a bilingual label,
where the value comes from and a hint for the TODO), ``texts`` (ready-to-use wording, e.g. disclosure notices),
``items`` (an outline) or a named ``table`` built from evidence checks. See ``context`` for sources and conditions.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from fenji.model.facts import Text
from fenji.model.result import Status
from fenji.outputs.reports.context import PLACEHOLDER, FormError, ReportInput, check, fill, source
from fenji.outputs.reports.document import Block, Bullets, Document, Field, Fields, Heading, Paragraph, Table
from fenji.outputs.reports.tables import TABLES, obligations_table
from fenji.outputs.reports.words import FORMS_DIR, w

FORM_KEYS = ("kind", "regime", "title", "legal_basis", "intro", "required_when", "obligations", "sections", "order")
SECTION_KEYS = ("title", "cite", "when", "intro", "fields", "texts", "items", "table")
FIELD_KEYS = ("id", "cite", "label", "from", "value", "hint", "when", "na_when", "na_note")
TEXT_KEYS = ("text", "when", "style")


@dataclass(frozen=True)
class FieldSpec:
    id: str
    cite: str
    label: Text
    sources: tuple[str, ...] = ()
    value: Text | None = None
    hint: Text | None = None
    when: Any = None
    na_when: Any = None
    na_note: Text | None = None


@dataclass(frozen=True)
class TextSpec:
    text: Text
    when: Any = None
    style: str = "normal"


@dataclass(frozen=True)
class SectionSpec:
    title: Text
    cite: str = ""
    when: Any = None
    intro: Text | None = None
    fields: tuple[FieldSpec, ...] = ()
    texts: tuple[TextSpec, ...] = ()
    items: tuple[TextSpec, ...] = ()
    table: str | None = None


@dataclass(frozen=True)
class FormSpec:
    kind: str
    regime: str
    title: Text
    legal_basis: Text
    sections: tuple[SectionSpec, ...]
    intro: Text | None = None
    required_when: Any = None
    obligations: tuple[str, ...] = ()
    order: int = 100


# --------------------------------------------------------------------------------------------- loading


def _check_keys(data: Any, allowed: Sequence[str], where: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise FormError(f"{where}: expected a mapping")
    extra = [k for k in data if k not in allowed]
    if extra:
        raise FormError(f"{where}: unknown keys {extra}; allowed: {', '.join(allowed)}")
    return data


def _text(data: Any, where: str) -> Text:
    if not isinstance(data, Mapping) or not data.get("en") or not data.get("zh"):
        raise FormError(f"{where}: expected {{en: …, zh: …}} with both languages")
    return Text(en=str(data["en"]).strip(), zh=str(data["zh"]).strip())


def _opt_text(data: Any, where: str) -> Text | None:
    return None if data is None else _text(data, where)


def _field(data: Any, where: str) -> FieldSpec:
    d = _check_keys(data, FIELD_KEYS, where)
    raw = d.get("from") or ()
    sources = (raw,) if isinstance(raw, str) else tuple(str(s) for s in raw)
    return FieldSpec(
        id=str(d["id"]),
        cite=str(d.get("cite", "")),
        label=_text(d.get("label"), f"{where}.label"),
        sources=sources,
        value=_opt_text(d.get("value"), f"{where}.value"),
        hint=_opt_text(d.get("hint"), f"{where}.hint"),
        when=d.get("when"),
        na_when=d.get("na_when"),
        na_note=_opt_text(d.get("na_note"), f"{where}.na_note"),
    )


def _texts(raw: Any, where: str) -> tuple[TextSpec, ...]:
    out = []
    for i, item in enumerate(raw or ()):
        d = _check_keys(item, TEXT_KEYS, f"{where}[{i}]")
        out.append(TextSpec(_text(d.get("text"), f"{where}[{i}].text"), d.get("when"), str(d.get("style", "normal"))))
    return tuple(out)


def _section(data: Any, where: str) -> SectionSpec:
    d = _check_keys(data, SECTION_KEYS, where)
    table = d.get("table")
    if table is not None and table not in TABLES:
        raise FormError(f"{where}.table: unknown table {table!r}; known: {', '.join(TABLES)}")
    return SectionSpec(
        title=_text(d.get("title"), f"{where}.title"),
        cite=str(d.get("cite", "")),
        when=d.get("when"),
        intro=_opt_text(d.get("intro"), f"{where}.intro"),
        fields=tuple(_field(f, f"{where}.fields[{i}]") for i, f in enumerate(d.get("fields") or ())),
        texts=_texts(d.get("texts"), f"{where}.texts"),
        items=_texts(d.get("items"), f"{where}.items"),
        table=str(table) if table else None,
    )


def parse_form(data: Any, where: str) -> FormSpec:
    d = _check_keys(data, FORM_KEYS, where)
    return FormSpec(
        kind=str(d["kind"]),
        regime=str(d["regime"]),
        title=_text(d.get("title"), f"{where}.title"),
        legal_basis=_text(d.get("legal_basis"), f"{where}.legal_basis"),
        intro=_opt_text(d.get("intro"), f"{where}.intro"),
        required_when=d.get("required_when"),
        obligations=tuple(str(o) for o in d.get("obligations") or ()),
        sections=tuple(_section(s, f"{where}.sections[{i}]") for i, s in enumerate(d.get("sections") or ())),
        order=int(d.get("order", 100)),
    )


@functools.cache
def load_forms() -> dict[str, FormSpec]:
    """Every form shipped in ``outputs/forms`` keyed by kind, in display order."""
    forms = []
    for path in sorted(FORMS_DIR.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        spec = parse_form(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
        if spec.kind != path.stem:
            raise FormError(f"{path.name}: kind {spec.kind!r} must match the file name")
        forms.append(spec)
    return {f.kind: f for f in sorted(forms, key=lambda f: (f.order, f.kind))}


def form_kinds() -> list[str]:
    return list(load_forms())


# --------------------------------------------------------------------------------------------- building


def _default_hint(spec: FieldSpec, lang: str) -> str:
    facts = [s.partition(":")[2] for s in spec.sources if s.startswith("fact:")]
    if spec.value is not None:
        facts += [m.partition(":")[2] for m in PLACEHOLDER.findall(spec.value.en) if m.startswith("fact:")]
    if facts:
        return w("todo_fact", lang).format(fact=facts[0])
    return w("todo_default", lang)


def resolve_field(spec: FieldSpec, inp: ReportInput, lang: str) -> Field | None:
    """The field filled from the card, or None when its ``when`` condition excludes it."""
    if not check(inp, spec.when):
        return None
    value: str | None = None
    if spec.na_when is not None and check(inp, spec.na_when):
        note = spec.na_note.get(lang) if spec.na_note else ""
        value = w("not_applicable", lang) + (f": {note}" if note else "")
    elif spec.value is not None:
        value = fill(inp, spec.value.get(lang), lang)
    if value is None:
        value = next((v for v in (source(inp, s, lang) for s in spec.sources) if v is not None), None)
    hint = spec.hint.get(lang) if spec.hint else _default_hint(spec, lang)
    used = list(spec.sources) + (PLACEHOLDER.findall(spec.value.en) if spec.value else [])
    return Field(spec.id, spec.label.get(lang), spec.cite, value, hint, ", ".join(dict.fromkeys(used)))


def _lenient(inp: ReportInput, text: str, lang: str) -> str:
    """A text with every placeholder filled; an unanswered one becomes ``[TODO: source]``."""
    parts = []
    last = 0
    for match in PLACEHOLDER.finditer(text):
        parts.append(text[last : match.start()])
        value = source(inp, match.group(1), lang)
        parts.append(value if value is not None else f"[TODO: {match.group(1)}]")
        last = match.end()
    parts.append(text[last:])
    return "".join(parts)


def _section_blocks(spec: SectionSpec, inp: ReportInput, lang: str) -> list[Block]:
    if not check(inp, spec.when):
        return []
    title = spec.title.get(lang) + (f" ({spec.cite})" if spec.cite else "")
    blocks: list[Block] = [Heading(title, 2)]
    if spec.intro:
        blocks.append(Paragraph(_lenient(inp, spec.intro.get(lang), lang), "note"))
    for t in spec.texts:
        if check(inp, t.when):
            blocks.append(Paragraph(_lenient(inp, t.text.get(lang), lang), t.style))
    items = [_lenient(inp, t.text.get(lang), lang) for t in spec.items if check(inp, t.when)]
    if items:
        blocks.append(Bullets(tuple(items)))
    fields = [f for f in (resolve_field(fs, inp, lang) for fs in spec.fields) if f is not None]
    if fields:
        blocks.append(Fields(tuple(fields), (w("field", lang), w("legal_basis", lang), w("content", lang))))
    if spec.table:
        blocks.extend(TABLES[spec.table](inp, lang))
    return blocks


def _status(spec: FormSpec, inp: ReportInput, lang: str) -> list[Block]:
    if check(inp, spec.required_when):
        return [Paragraph(w("status_required", lang), "status")]
    regime = inp.regime(spec.regime)
    if regime is None or regime.applies is False or regime.determined:
        return [Paragraph(w("status_not_required", lang), "status")]
    questions = tuple(f"{p.question.get(lang)} ({p.fact})" for p in regime.pending)
    return [Paragraph(w("status_open", lang), "status"), Bullets(questions)]


def _context(spec: FormSpec, inp: ReportInput, lang: str) -> list[Block]:
    regime = inp.regime(spec.regime)
    if regime is None:
        return []
    rows = [
        (w("tier", lang), source(inp, f"tier:{spec.regime}", lang) or "—"),
        (w("labels", lang), ", ".join(regime.labels) or w("none", lang)),
        (w("roles", lang), source(inp, f"roles:{spec.regime}", lang) or w("none", lang)),
    ]
    blocks: list[Block] = [Heading(inp.regime_title(spec.regime, lang), 2)]
    blocks.append(Table((w("field", lang), w("content", lang)), tuple(rows)))
    chosen = [
        ob for ob_id in spec.obligations if (ob := inp.obligation(ob_id)) and ob.status is not Status.DOES_NOT_APPLY
    ]
    if chosen:
        blocks.append(
            obligations_table(chosen, inp.assessment.as_of, lang, lambda a: inp.role_title(spec.regime, a, lang))
        )
    return blocks


def build_pack(kind: str, inp: ReportInput, lang: str) -> Document:
    """The filing or documentation pack ``kind`` for one card, pre-filled, TODO where the card is silent."""
    forms = load_forms()
    if kind not in forms:
        raise FormError(f"unknown pack kind {kind!r}; known: {', '.join(forms)}")
    spec = forms[kind]
    doc = Document(kind=kind, lang=lang, title=spec.title.get(lang), subtitle=f"{inp.card.name} ({inp.card.id})")
    doc.extend(_status(spec, inp, lang))
    if spec.intro:
        doc.add(Paragraph(_lenient(inp, spec.intro.get(lang), lang)))
    doc.extend(_context(spec, inp, lang))
    for section in spec.sections:
        doc.extend(_section_blocks(section, inp, lang))
    doc.meta = [
        (w("system", lang), f"{inp.card.name} ({inp.card.id})"),
        (w("legal_basis", lang), spec.legal_basis.get(lang)),
        (w("as_of", lang), inp.assessment.as_of.isoformat()),
        (w("card_digest", lang), inp.assessment.card_digest),
        ("TODO", f"{doc.todo_count} {w('todo_count', lang)}"),
    ]
    if doc.todo_count:
        doc.add(Paragraph(w("todo_note", lang), "note"))
    doc.disclaimer = w("disclaimer", lang)
    doc.data = {"required": check(inp, spec.required_when), "regime": spec.regime}
    return doc
