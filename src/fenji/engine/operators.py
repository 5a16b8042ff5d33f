"""The closed operator registry: one small pure function per operator.

Each function gets the (known) fact value and the rule's canonical value and returns a
bool. Unknown fact values never reach these functions: ``logic`` turns them into unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _any_in(value: Any, wanted: Any) -> bool:
    if isinstance(value, frozenset):
        return not value.isdisjoint(wanted)
    return value in wanted


OPERATOR_FUNCTIONS: dict[str, Callable[[Any, Any], bool]] = {
    "is_true": lambda v, _: v is True,
    "is_false": lambda v, _: v is False,
    "eq": lambda v, w: bool(v == w),
    "ne": lambda v, w: bool(v != w),
    "in": lambda v, w: v in w,
    "not_in": lambda v, w: v not in w,
    "contains": lambda v, w: w in v,
    "any_in": _any_in,
    "none_in": lambda v, w: not _any_in(v, w),
    "nonempty": lambda v, _: len(v) > 0,
    "empty": lambda v, _: len(v) == 0,
    "gt": lambda v, w: bool(v > w),
    "gte": lambda v, w: bool(v >= w),
    "lt": lambda v, w: bool(v < w),
    "lte": lambda v, w: bool(v <= w),
}
