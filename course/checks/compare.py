"""Checks that compare an answer with the reference (through its canonical forms).

>>> from course.checks import PlainReference
>>> check = Equals(digits=2, msg="数值不对")
>>> check.judge(0.499, PlainReference({"0": check.reference_forms(0.5)[""]}).at(0))
1.0
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from .base import Check
from .canonical import norm_text, num_forms, value_form, value_forms
from .reading import as_items, column_or_field, is_numeric, is_table, records


@dataclass(kw_only=True)
class Equals(Check):
    """The value at ``column`` (a dict key; None = the whole answer) equals the reference.

    Numbers are compared at ``digits`` decimals; text after normalising spaces.
    """

    column: str | None = None
    digits: int | None = None
    kind = "Equals"
    needs_reference = True

    def reference_forms(self, ref_value):
        form = value_form(ref_value, self.digits)
        return {"": [] if form is None else [form]}

    def judge(self, value, ref):
        got = column_or_field(value, self.column)
        if isinstance(got, list) and len(got) == 1:
            got = got[0]
        return float(ref.has("", value_forms(got, self.digits)))


@dataclass(kw_only=True)
class SameList(Check):
    """The items at ``column`` equal the reference's, in the same order."""

    column: str | None = None
    digits: int | None = None
    kind = "SameList"
    needs_reference = True

    def _text(self, items: list, pick: Callable) -> list[str] | None:
        out = []
        for x in items:
            f = pick(x)
            if f is None:
                return None
            out.append(f)
        return out

    def reference_forms(self, ref_value):
        forms = self._text(as_items(ref_value), lambda x: value_form(x, self.digits))
        return {"": [] if forms is None else [json.dumps(forms, ensure_ascii=False)]}

    def judge(self, value, ref):
        items = as_items(column_or_field(value, self.column))
        if self.digits is None:
            forms = self._text(items, lambda x: value_form(x, None))
            return float(forms is not None and ref.has("", [json.dumps(forms, ensure_ascii=False)]))
        # numbers: every item within tolerance; compare item by item
        per_item = [num_forms(x, self.digits) for x in items]
        if any(not f for f in per_item):
            return 0.0
        candidates = _product_json(per_item, limit=4096)
        return float(ref.has("", candidates))


def _product_json(options: list[set[str]], limit: int) -> list[str]:
    import itertools

    combos = 1
    for o in options:
        combos *= len(o)
    if combos > limit:  # too many tolerance variants: use the plain rounding only
        options = [{sorted(o)[len(o) // 2]} for o in options]
    return [json.dumps(list(c), ensure_ascii=False) for c in itertools.product(*[sorted(o) for o in options])]


@dataclass(kw_only=True)
class SameSet(Check):
    """The items at ``column`` are exactly the reference's (order and repeats ignored)."""

    column: str | None = None
    kind = "SameSet"
    needs_reference = True

    def reference_forms(self, ref_value):
        items = sorted({norm_text(x) for x in as_items(ref_value)})
        return {"": [json.dumps(items, ensure_ascii=False)]}

    def judge(self, value, ref):
        items = sorted({norm_text(x) for x in as_items(column_or_field(value, self.column))})
        return float(bool(items) and ref.has("", [json.dumps(items, ensure_ascii=False)]))


@dataclass(kw_only=True)
class Includes(Check):
    """Every reference item is among the items at ``column`` (more may be there)."""

    column: str | None = None
    kind = "Includes"
    needs_reference = True

    def reference_forms(self, ref_value):
        return {"": sorted({norm_text(x) for x in as_items(ref_value)})}

    def judge(self, value, ref):
        mine = {norm_text(x) for x in as_items(column_or_field(value, self.column))}
        got, total = ref.hits("", mine)
        if total == 0:
            return 1.0
        return got / total if self.partial else float(got == total)


@dataclass(kw_only=True)
class Within(Check):
    """Every item at ``column`` is one of the reference's allowed items."""

    column: str | None = None
    kind = "Within"
    needs_reference = True

    def reference_forms(self, ref_value):
        return {"": sorted({norm_text(x) for x in as_items(ref_value)})}

    def judge(self, value, ref):
        mine = [norm_text(x) for x in as_items(column_or_field(value, self.column))]
        if not mine:
            return 0.0
        ok = sum(ref.has("", [x]) for x in mine)
        return ok / len(mine) if self.partial else float(ok == len(mine))


@dataclass(kw_only=True)
class Mentions(Check):
    """A text (at ``column``) contains at least one word of each reference group.

    The reference is a list of groups (a group: words that mean the same);
    ``groups`` is how many there are, ``longest`` the longest word (public: the
    student side cuts the text into pieces up to that length).
    """

    column: str | None = None
    groups: int = 1
    longest: int = 8
    kind = "Mentions"
    needs_reference = True

    def reference_forms(self, ref_value):
        groups = [as_items(g) if not isinstance(g, str) else [g] for g in ref_value]
        return {str(i): sorted({norm_text(w) for w in g}) for i, g in enumerate(groups)}

    def judge(self, value, ref):
        text = norm_text(column_or_field(value, self.column) or "")
        pieces = {text[i:j] for i in range(len(text)) for j in range(i + 1, min(len(text), i + self.longest) + 1)}
        hit = sum(ref.has(str(i), pieces) for i in range(self.groups))
        if self.groups == 0:
            return 1.0
        return hit / self.groups if self.partial else float(hit == self.groups)


@dataclass(kw_only=True)
class TableMatch(Check):
    """A table whose rows (found by ``key``) carry the reference's ``columns`` values.

    ``rows`` is the reference's row count (public; 0 = take it from the
    reference's cells).  Partial by default: the share of reference cells that are right.
    """

    key: str = ""
    columns: list = field(default_factory=list)
    digits: int | None = 2
    rows: int = 0
    partial: bool = True
    kind = "TableMatch"
    needs_reference = True

    def reference_forms(self, ref_value):
        out: dict[str, list[str]] = {}
        for rec in records(ref_value):
            k = norm_text(rec.get(self.key))
            for c in self.columns:
                form = value_form(rec.get(c), self.digits if is_numeric(rec.get(c)) else None)
                out[f"{k}|{c}"] = [] if form is None else [form]
        return out

    def judge(self, value, ref):
        if not is_table(value) or self.key not in value.columns:
            return 0.0
        # rows not declared: the reference's own cells are the total (never "nothing to check")
        total = self.rows * len(self.columns) or len(ref.labels())
        if total == 0:
            return 1.0
        right = 0
        seen: set[str] = set()
        for rec in records(value):
            k = norm_text(rec.get(self.key))
            if k in seen:
                continue
            seen.add(k)
            for c in self.columns:
                v = rec.get(c)
                forms = value_forms(v, self.digits if is_numeric(v) else None)
                right += ref.has(f"{k}|{c}", forms)
        frac = min(1.0, right / total)
        return frac if self.partial else float(frac == 1.0)


@dataclass(kw_only=True)
class HiddenOnly(Check):
    """A check only the grader can run (it needs the reference itself).

    The visible self-check reports it as "评分时检查"; use it sparingly: a
    student cannot learn from it while working.
    """

    kind = "HiddenOnly"
    needs_reference = True

    def judge(self, value, ref):
        # the grader's reference carries its verdicts (``hidden``); a student's has none
        verdicts = getattr(getattr(ref, "ref", None), "hidden", None)
        return math.nan if verdicts is None else verdicts.get(ref.prefix, 0.0)
