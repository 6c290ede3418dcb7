"""Checks of an answer's shape and properties: they need no reference value.

>>> import pandas as pd
>>> Sorted(column="v", msg="未排序").judge(pd.DataFrame({"v": [3, 2, 1]}), None)
1.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .base import Check
from .canonical import as_number, norm_text
from .reading import as_items, column_or_field, is_table


@dataclass(kw_only=True)
class Columns(Check):
    """A table with these columns (in any order)."""

    columns: list = field(default_factory=list)
    gate: bool = True
    kind = "Columns"

    def judge(self, value, ref):
        return float(is_table(value) and all(c in value.columns for c in self.columns))


@dataclass(kw_only=True)
class Keys(Check):
    """A dict (a saved form) with these keys filled in."""

    keys: list = field(default_factory=list)
    gate: bool = True
    kind = "Keys"

    def judge(self, value, ref):
        if not isinstance(value, dict):
            return 0.0
        return float(all(value.get(k) not in (None, "", [], {}) for k in self.keys))


@dataclass(kw_only=True)
class RowCount(Check):
    """Between ``lo`` and ``hi`` rows (or list items)."""

    lo: int = 0
    hi: int = 10**9
    kind = "RowCount"

    def judge(self, value, ref):
        try:
            n = len(value)
        except TypeError:
            return 0.0
        return float(self.lo <= n <= self.hi)


@dataclass(kw_only=True)
class NoMissing(Check):
    """Every value of ``column`` present (numbers finite when ``numeric``)."""

    column: str | None = None
    numeric: bool = True
    kind = "NoMissing"

    def judge(self, value, ref):
        items = as_items(column_or_field(value, self.column))
        if not items:
            return 0.0
        if self.numeric:
            return float(all(as_number(x) is not None for x in items))
        return float(all(x is not None and norm_text(x) != "" for x in items))


@dataclass(kw_only=True)
class Sorted(Check):
    """``column`` sorted (descending by default), as a ranking a person reads top-down."""

    column: str | None = None
    descending: bool = True
    kind = "Sorted"

    def judge(self, value, ref):
        nums = [as_number(x) for x in as_items(column_or_field(value, self.column))]
        if not nums or any(x is None for x in nums):
            return 0.0
        pairs = zip(nums, nums[1:])
        return float(all((a >= b - 1e-9) if self.descending else (a <= b + 1e-9) for a, b in pairs))


@dataclass(kw_only=True)
class InRange(Check):
    """Every number of ``column`` (or the value) between lo and hi (public bounds)."""

    column: str | None = None
    lo: float = -math.inf
    hi: float = math.inf
    kind = "InRange"

    def judge(self, value, ref):
        got = column_or_field(value, self.column)
        items = as_items(got) if isinstance(got, (list, tuple)) else [got]
        nums = [as_number(x) for x in items]
        if not nums or any(x is None for x in nums):
            return 0.0
        return float(all(self.lo - 1e-9 <= x <= self.hi + 1e-9 for x in nums))


@dataclass(kw_only=True)
class Dominance(Check):
    """A score column that respects two criteria: a row better on both never scores lower.

    E.g. a keyword value: more search heat (``up``) and less competition
    (``down``) must never give a smaller ``column``.  A property only: any
    formula going the right way passes.
    """

    column: str = ""
    up: str = ""
    down: str = ""
    kind = "Dominance"

    def judge(self, value, ref):
        if not is_table(value) or not {self.column, self.up, self.down} <= set(value.columns):
            return 0.0
        rows = [
            (as_number(u), as_number(d), as_number(s))
            for u, d, s in zip(value[self.up], value[self.down], value[self.column])
        ]
        if any(None in r for r in rows):
            return 0.0
        for a in rows:
            for b in rows:
                better = a[0] >= b[0] and a[1] <= b[1] and (a[0] > b[0] or a[1] < b[1])
                if better and a[2] < b[2] - 1e-9:
                    return 0.0
        return 1.0


@dataclass(kw_only=True)
class Predicate(Check):
    """A property computed by a public function of the course library.

    ``func`` is ``"course.tools.title:has_no_absolute_words"``; it gets the
    value at ``column`` plus ``args`` and returns True/False or a share 0..1.
    Nothing secret: the function and its arguments are public.
    """

    func: str = ""
    column: str | None = None
    args: dict = field(default_factory=dict)
    kind = "Predicate"

    def judge(self, value, ref):
        import importlib

        mod, _, name = self.func.partition(":")
        fn = getattr(importlib.import_module(mod), name)
        try:
            got = fn(column_or_field(value, self.column), **self.args)
        except Exception:  # noqa: BLE001 - an answer the function cannot read is not right
            return 0.0
        return float(got) if not isinstance(got, bool) else float(got)
