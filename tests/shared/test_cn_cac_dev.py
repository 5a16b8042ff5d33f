"""The CAC algorithm filing lists (../shared/datasets/cn-cac-dev/cac_dev.csv, 300 filed algorithms): fenji must
require algorithm filing for each and report the filed algorithm type or deep-synthesis role.

Each card is built only from the row's official fields (no text assist), see ``card_for``:

- ``filingType`` 互联网信息服务算法备案 (Algorithm Recommendation Provisions Art. 24): the filer runs the service
  (``role.operates_end_user_service``); ``algorithmClass`` sets exactly one algorithm-type fact (信息检索类 and
  内容过滤类, the 2024 split of 检索过滤类, both map to ``technique.search_filtering``; 生成合成类 to non-empty
  ``technique.generates_content``).
- ``filingType`` 深度合成服务算法备案 (Deep Synthesis Provisions Art. 19): the service generates content (the row
  does not say which kind; any non-empty value gives the same labels, ``[text]`` is used) and ``role`` decides
  服务提供者 (``role.operates_end_user_service``) or 服务技术支持者 (``role.technical_supporter``).
- Every row is an internet information service in mainland China (``market.cn_service``). A provider's filing is
  its accepted declaration of public-opinion attributes or social-mobilisation capability, the filing gate
  (``cn.public_opinion_attributes: true``); technical supporters file by reference without that gate (CN-DS-ART19-2),
  so their cards leave the fact unknown.

Run with ``-s`` to see the agreement figure per class.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from fenji import api
from tests.conftest import shared_path

pytestmark = pytest.mark.shared

AS_OF = dt.date(2026, 11, 22)
DOMESTIC = "互联网信息服务算法备案"
DEEP_SYNTHESIS = "深度合成服务算法备案"
CLASS_TO_FACT = {
    "个性化推送类": ("technique.personalized_push", "algorithm_type:personalized_push"),
    "排序精选类": ("technique.ranking_selection", "algorithm_type:ranking_selection"),
    "检索过滤类": ("technique.search_filtering", "algorithm_type:search_filtering"),
    "信息检索类": ("technique.search_filtering", "algorithm_type:search_filtering"),
    "内容过滤类": ("technique.search_filtering", "algorithm_type:search_filtering"),
    "调度决策类": ("technique.dispatching_decision", "algorithm_type:dispatching_decision"),
    "生成合成类": ("technique.generates_content", "algorithm_type:generation_synthesis"),
}
ROLE_TO_LABEL = {
    "深度合成-服务提供者": "deep_synthesis:service_provider",
    "深度合成-服务技术支持者": "deep_synthesis:technical_supporter",
}
TYPE_FACTS = (
    "technique.personalized_push",
    "technique.ranking_selection",
    "technique.search_filtering",
    "technique.dispatching_decision",
)


def rows() -> list[dict[str, str]]:
    path = shared_path("datasets", "cn-cac-dev", "cac_dev.csv")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def card_for(row: dict[str, str]) -> tuple[dict[str, Any], str]:
    """(dotted facts, the label fenji must report) from the row's official class and role only."""
    facts: dict[str, Any] = {"market.cn_service": True, "role.develops": True}
    if row["filingType"] == DOMESTIC:
        fact, label = CLASS_TO_FACT[row["algorithmClass"]]
        facts.update({f: False for f in TYPE_FACTS})
        facts["technique.generates_content"] = []
        facts[fact] = ["text"] if fact == "technique.generates_content" else True
        facts.update(
            {
                "role.operates_end_user_service": True,
                "role.technical_supporter": False,
                "cn.public_opinion_attributes": True,
                "cn.service_forms": [],
            }
        )
        return facts, label
    assert row["filingType"] == DEEP_SYNTHESIS, row
    role = row["role"] or row["algorithmClass"]
    label = ROLE_TO_LABEL[role]
    facts["technique.generates_content"] = ["text"]
    if label == "deep_synthesis:service_provider":
        facts.update(
            {
                "role.operates_end_user_service": True,
                "role.technical_supporter": False,
                "cn.public_opinion_attributes": True,
                "cn.service_forms": [],
            }
        )
    else:
        facts.update({"role.operates_end_user_service": False, "role.technical_supporter": True})
    return facts, label


def check(row: dict[str, str]) -> list[str]:
    """Problems with fenji's answer for one row ([] = agrees)."""
    facts, label = card_for(row)
    card = api.card_from_mapping({"id": row["recordNumber"] or "row", "facts": facts})
    result = api.assess(card, as_of=AS_OF).regimes["cn"]
    problems = []
    if result.tier != "filing_required":
        problems.append(f"tier {result.tier}")
    if "algorithm_filing" not in result.labels:
        problems.append("no algorithm_filing label")
    if label not in result.labels:
        problems.append(f"no {label}")
    wrong_types = {lb for lb in result.labels if lb.startswith("algorithm_type:")} - {label}
    if row["filingType"] == DOMESTIC and wrong_types:
        problems.append(f"extra types {sorted(wrong_types)}")
    filing = {o.id: o for o in result.obligations}.get("CN-ALG-ART24-1")
    if filing is None or filing.status.value != "applies":
        problems.append("no applying CN-ALG-ART24-1 filing duty")
    return problems


def test_cac_dev_rows_all_require_filing_with_the_filed_type_or_role() -> None:
    data = rows()
    assert len(data) == 300
    per_class: Counter[str] = Counter()
    agree: Counter[str] = Counter()
    failures = []
    for row in data:
        key = row["role"] or row["algorithmClass"]
        per_class[key] += 1
        problems = check(row)
        if problems:
            failures.append(f"{row['recordNumber']} {row['algorithmName']} ({key}): {'; '.join(problems)}")
        else:
            agree[key] += 1
    total = sum(agree.values())
    print(f"\ncn-cac-dev agreement: {total}/{len(data)} = {total / len(data):.1%}")
    for key, n in sorted(per_class.items(), key=lambda kv: -kv[1]):
        print(f"  {key}: {agree[key]}/{n}")
    assert not failures, "\n".join(failures[:20])


def test_every_official_class_and_role_is_mapped() -> None:
    seen = {(r["filingType"], r["role"] or r["algorithmClass"]) for r in rows()}
    for filing_type, key in seen:
        assert key in CLASS_TO_FACT or key in ROLE_TO_LABEL, (filing_type, key)
    assert len(seen) == 9


def test_source_notes_are_where_the_test_expects_them() -> None:
    text = Path(shared_path("datasets", "cn-cac-dev", "SOURCE.md")).read_text("utf-8")
    assert "DEVELOPMENT set" in text and "信息检索类" in text
