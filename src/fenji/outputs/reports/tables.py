"""Tables that the form files name (``table: cn_evidence``) and the obligation table every report uses.

The evidence tables read plain data the caller put in ``ReportInput.extras`` (the ``to_dict`` of the CN
evidence check report and of the NYC bias audit), so the renderers never import the checks themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fenji.model.result import ObligationResult
from fenji.outputs.reports.context import ReportInput
from fenji.outputs.reports.document import Block, Paragraph, Table
from fenji.outputs.reports.words import w, yes_no

CHECK_STATUS = {
    "pass": {"en": "pass", "zh": "符合"},
    "fail": {"en": "FAIL", "zh": "不符合"},
    "missing": {"en": "missing", "zh": "缺少数据"},
    "skipped": {"en": "skipped", "zh": "跳过"},
}
NO_EVIDENCE = {
    "cn_evidence": {
        "en": "No evidence file was given (--evidence): the test and sampling figures below are to be filled in "
        "and checked with `fenji cn check-evidence`.",
        "zh": "未提供证据文件（--evidence）：以下测试与抽检数据待填写，可用 `fenji cn check-evidence` 核验。",
    },
    "nyc_audit": {
        "en": "No candidate file was given (--evidence): the selection or scoring rates and impact ratios are to be "
        "computed by the independent auditor (or with `fenji us nyc-bias-audit`).",
        "zh": "未提供候选人数据文件（--evidence）：选择率或评分率及影响比待由独立审计方计算"
        "（或使用 `fenji us nyc-bias-audit`）。",
    },
}


def obligations_table(
    obligations: Sequence[ObligationResult],
    as_of: dt.date,
    lang: str,
    addressee: Callable[[str], str] = str,
) -> Table:
    header: tuple[str, ...] = (
        w("citation", lang),
        w("obligation", lang),
        w("addressee", lang),
        w("applies_from", lang),
        w("due", lang),
    )
    header += (w("status", lang),)
    rows = []
    for ob in obligations:
        due = ob.due_date.isoformat() if ob.due_date else (ob.due_text.get(lang) if ob.due_text else "—")
        status = w(f"st_{ob.status.value}", lang)
        if ob.in_application(as_of):
            status += f"; {w('now_in_application', lang)}"
        rows.append(
            (ob.citation, ob.title.get(lang), addressee(ob.addressee), ob.applies_from.isoformat(), due, status)
        )
    return Table(header, tuple(rows))


def _no_evidence(key: str, lang: str) -> list[Block]:
    return [Paragraph(NO_EVIDENCE[key][lang if lang == "zh" else "en"], "note")]


def _pick(data: Mapping[str, Any], lang: str) -> str:
    return str(data.get(lang) or data.get("en") or "")


def cn_evidence(inp: ReportInput, lang: str) -> list[Block]:
    """One row per TC260-003 / GB/T 45654 requirement: threshold, actual figure, result."""
    report = inp.extras.get("cn_evidence")
    if not isinstance(report, Mapping):
        return _no_evidence("cn_evidence", lang)
    header = ("ID", w("field", lang), w("citation", lang), "≥ / ≤", w("content", lang), w("status", lang))
    rows = []
    for item in report.get("items", []):
        status = CHECK_STATUS.get(str(item["status"]), {"en": item["status"], "zh": item["status"]})
        title = _pick(item["title"], lang)
        rows.append(
            (str(item["id"]), title, str(item["citation"]), str(item["threshold"]), str(item["actual"]), status[lang])
        )
    summary = report.get("summary", {})
    counts = ", ".join(f"{CHECK_STATUS[k][lang]} {summary.get(k, 0)}" for k in CHECK_STATUS)
    head = f"{report.get('source', '')}: {counts}"
    notes: list[Block] = [Paragraph(head, "status"), Table(header, tuple(rows))]
    note = report.get("confidence_note")
    if isinstance(note, Mapping):
        notes.append(Paragraph(_pick(note, lang), "note"))
    return notes


def _ratio(value: Any) -> str:
    return "—" if value is None else f"{float(value):.3f}"


def nyc_ratios(inp: ReportInput, lang: str) -> list[Block]:
    """Per dimension: count, rate and impact ratio of every category, from the bias-audit computation."""
    audit = inp.extras.get("nyc_audit")
    if not isinstance(audit, Mapping):
        return _no_evidence("nyc_audit", lang)
    mode = str(audit.get("mode"))
    rate_word = {
        "selection": {"en": "Selection rate", "zh": "选择率"},
        "scoring": {"en": "Scoring rate", "zh": "评分率"},
    }
    words = {
        "category": {"en": "Category", "zh": "类别"},
        "count": {"en": "Applicants", "zh": "人数"},
        "ratio": {"en": "Impact ratio", "zh": "影响比"},
        "excluded": {"en": "Excluded (< 2 %)", "zh": "排除（< 2%）"},
        "flag": {"en": "Below 0.8", "zh": "低于 0.8"},
    }
    key = "zh" if lang == "zh" else "en"
    blocks: list[Block] = []
    total = {"en": f"Individuals assessed: {audit.get('total')}", "zh": f"评估人数：{audit.get('total')}"}
    blocks.append(Paragraph(total[key], "status"))
    header = tuple(words[k][key] for k in ("category", "count")) + (rate_word.get(mode, rate_word["selection"])[key],)
    header += (words["ratio"][key], words["excluded"][key], words["flag"][key])
    for dim in audit.get("dimensions", []):
        rows = tuple(
            (
                str(c["category"]),
                str(c["count"]),
                f"{float(c['rate']):.3f}",
                _ratio(c["impact_ratio"]),
                yes_no(bool(c["excluded"]), lang),
                yes_no(bool(c["below_four_fifths"]), lang),
            )
            for c in dim.get("categories", [])
        )
        unknown = {"en": f"unknown category: {dim.get('unknown', 0)}", "zh": f"类别未知：{dim.get('unknown', 0)}"}
        blocks.append(Table(header, rows, caption=f"{dim['dimension']} ({unknown[key]})"))
    for note in audit.get("notes", []):
        blocks.append(Paragraph(_pick(note, lang), "note"))
    return blocks


TABLES: dict[str, Callable[[ReportInput, str], list[Block]]] = {
    "cn_evidence": cn_evidence,
    "nyc_ratios": nyc_ratios,
}
