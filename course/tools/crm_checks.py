"""Check kinds of module 4 (客户关系维护与转化), used by its visible self-checks and its graders.

The general kinds live in ``course/checks.py``; module 4's answers are mostly
tables of customers, campaigns and messages, judged on:

* :class:`CountsBy` -- how many rows fall in each category of a column
  (customers per segment, members per tier);
* :class:`ValuesBy` -- one number per key (violations per campaign, messages
  kept/moved/dropped per campaign);
* :class:`Rows` -- the set of rows over some columns (who gets a reminder on
  which day), hashed row by row, partial credit for most rows right;
* :class:`Aggregate` -- one summary number of a column (the sum of ``F``);
* RFM properties (:func:`scores_in_range`, :func:`score_follows`,
  :func:`ties_share_a_score`, :func:`roughly_equal_bins`) for ``Predicate``.

Categories and keys are public (segment names, campaign names are in the
notebook); every count, value and row is compared as a salted digest on the
student's side (see ``course/checks.py``), so no expected value is shipped.

>>> import pandas as pd
>>> from course import checks as C
>>> task = [CountsBy(column="segment", msg="各层人数不对")]
>>> forms = C.reference_forms(task, [["潜力用户", "潜力用户", "沉睡用户"]])
>>> ref = C.PlainReference(forms)
>>> C.judge_all(task, pd.DataFrame({"segment": ["沉睡用户", "潜力用户", "潜力用户"]}), ref).right
True
>>> C.judge_all(task, pd.DataFrame({"segment": ["沉睡用户", "潜力用户", "流失用户"]}), ref).share
0.3333333333333333
"""

from __future__ import annotations

import datetime as _dt
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from ..checks import Check, as_number, column_or_field, is_table, norm_text, num_forms, value_form, value_forms

EMPTY = "（空）"
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")  # a date, maybe with a time


# -- reading the parts of an answer ----------------------------------------------


def reference_labels(ref) -> list[str]:
    """The labels a check's reference holds (its categories or keys), on either side.

    A ``Scoped`` reference prefixes labels with the check's index; the grader's
    reference keeps plain texts in ``items``, the student's salted digests in
    ``digests``: both are dicts keyed by the full label, which is public.
    """
    base = getattr(ref, "ref", None)
    table = getattr(base, "digests", None)
    if table is None:
        table = getattr(base, "items", None) or {}
    head = f"{ref.prefix}:"
    return sorted(k[len(head) :] for k in table if k.startswith(head))


def cell_text(value: Any, digits: int = 2) -> str:
    """One cell as a canonical text: dates as 2026-07-01 (with the time when it is not midnight),
    whole numbers without decimals, other numbers rounded, text normalised.

    >>> cell_text("2026-07-01T00:00:00"), cell_text(3.0), cell_text(12.345), cell_text(" 潜力用户 ")
    ('2026-07-01', '3', '12.35', '潜力用户')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return EMPTY
    try:
        import pandas as pd

        if value is pd.NaT or (not isinstance(value, (str, bytes, list, dict)) and pd.isna(value)):
            return EMPTY
        if isinstance(value, (pd.Timestamp, _dt.datetime, _dt.date)):
            return _day_text(pd.Timestamp(value))
        if isinstance(value, str) and _ISO_TIME.fullmatch(value.strip()):
            return _day_text(pd.Timestamp(value.strip()))
    except (ImportError, ValueError, TypeError):  # pragma: no cover - not a date after all
        pass
    if isinstance(value, bool):
        return "true" if value else "false"
    if not isinstance(value, str):
        x = as_number(value)
        if x is not None:
            return str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{round(x, digits):.{digits}f}"
    return norm_text(value) or EMPTY


def _day_text(t) -> str:
    return t.strftime("%Y-%m-%d") if (t.hour, t.minute, t.second) == (0, 0, 0) else t.strftime("%Y-%m-%d %H:%M")


def _category(value: Any) -> str:
    return cell_text(value)


def category_counts(items: Any) -> dict[str, int]:
    """{category: count} from a column, a list, or a ready mapping / Series of counts."""
    try:
        import pandas as pd

        if (
            isinstance(items, pd.Series)
            and pd.api.types.is_numeric_dtype(items)
            and not items.index.equals(pd.RangeIndex(len(items)))
        ):
            return {_category(k): int(v) for k, v in items.items()}
    except ImportError:  # pragma: no cover
        pass
    if isinstance(items, dict):
        return {_category(k): int(v) for k, v in items.items()}
    out: dict[str, int] = {}
    for x in list(items if items is not None else []):
        k = _category(x)
        out[k] = out.get(k, 0) + 1
    return out


def key_values(value: Any, key: str | None, column: str | None) -> dict[str, Any]:
    """{key: value} of a table (two columns), a Series (index -> value) or a dict."""
    if value is None:
        return {}
    if is_table(value):
        if column not in value.columns:
            return {}
        if key in value.columns:
            keys = value[key]
        elif key is not None and key in (value.index.names or []):
            keys = value.index.get_level_values(key)  # e.g. Schedule.counts(): campaign is the index
        else:
            return {}
        return {_category(k): v for k, v in zip(keys, value[column])}
    try:
        import pandas as pd

        if isinstance(value, pd.Series):
            return {_category(k): v for k, v in value.items()}
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, dict):
        inner = value.get(column) if column and isinstance(value.get(column), dict) else value
        return {_category(k): v for k, v in inner.items()}
    return {}


def row_texts(value: Any, columns: list[str], digits: int = 2) -> list[str] | None:
    """The rows of a table over ``columns`` as canonical texts, or None when a column is missing."""
    if not is_table(value) or any(c not in value.columns for c in columns):
        return None
    cols = [list(value[c]) for c in columns]
    return ["|".join(cell_text(v, digits) for v in row) for row in zip(*cols)]


# -- check kinds -------------------------------------------------------------------


@dataclass(kw_only=True)
class CountsBy(Check):
    """Rows per category of ``column`` equal the reference's (e.g. customers per segment).

    ``only``: judge these categories only (one message per kind of mistake).
    Partial by default: the share of categories whose count is right; a
    category the reference does not have counts as wrong when it has rows.
    """

    column: str | None = None
    only: list | None = None
    partial: bool = True
    kind = "CountsBy"
    needs_reference = True

    def _keep(self, cat: str) -> bool:
        return self.only is None or cat in self.only

    def reference_forms(self, ref_value):
        return {cat: [str(n)] for cat, n in category_counts(ref_value).items() if self._keep(cat) and cat != ""}

    def judge(self, value, ref):
        items = column_or_field(value, self.column) if self.column else value
        if items is None:
            return 0.0
        mine = {c: n for c, n in category_counts(items).items() if self._keep(c)}
        labels = set(reference_labels(ref))
        cats = labels | {c for c, n in mine.items() if n > 0}
        if not cats:
            return 1.0
        right = sum(ref.has(c, [str(mine.get(c, 0))]) for c in cats if c in labels)
        return right / len(cats) if self.partial else float(right == len(cats))


@dataclass(kw_only=True)
class ValuesBy(Check):
    """One number per key equals the reference's (violations per campaign ...).

    The answer is a table (``key`` and ``column``), a Series (index -> value)
    or a dict.  Keys missing on either side count as 0 (a campaign without
    violations may be left out).  Partial by default.
    """

    key: str | None = None
    column: str | None = None
    digits: int = 0
    partial: bool = True
    kind = "ValuesBy"
    needs_reference = True

    def reference_forms(self, ref_value):
        out = {}
        for k, v in key_values(ref_value, self.key, self.column).items():
            form = value_form(0 if as_number(v) is None else v, self.digits)
            if k and form is not None and as_number(v) not in (None, 0):
                out[k] = [form]
        return out

    def judge(self, value, ref):
        if value is None:
            return 0.0
        mine = key_values(value, self.key, self.column)
        labels = set(reference_labels(ref))
        nonzero = {k for k, v in mine.items() if as_number(v) not in (None, 0)}
        keys = labels | nonzero
        if not keys:
            return 1.0
        right = sum(1 for k in keys if k in labels and ref.has(k, value_forms(mine.get(k, 0), self.digits)))
        return right / len(keys) if self.partial else float(right == len(keys))


@dataclass(kw_only=True)
class Rows(Check):
    """The table's rows over ``columns`` are the reference's rows (order and repeats ignored).

    Each reference row is one digest; partial by default: the smaller of
    "share of reference rows found" and "share of own rows that are right",
    so both missing and extra rows cost points.
    """

    columns: list = None  # type: ignore[assignment]
    digits: int = 2
    partial: bool = True
    kind = "Rows"
    needs_reference = True

    def reference_forms(self, ref_value):
        rows = row_texts(ref_value, list(self.columns), self.digits) or []
        return {"": sorted(set(rows))}

    def judge(self, value, ref):
        rows = row_texts(value, list(self.columns), self.digits)
        if rows is None:
            return 0.0
        mine = set(rows)
        got, total = ref.hits("", mine)
        if total == 0:
            return float(not mine)
        if not mine:
            return 0.0
        share = min(got / total, got / len(mine))
        return share if self.partial else float(share == 1.0)


@dataclass(kw_only=True)
class Aggregate(Check):
    """One summary of ``column`` equals the reference's: sum, mean, count (non-empty), rows, nunique."""

    column: str | None = None
    how: str = "sum"
    digits: int = 0
    kind = "Aggregate"
    needs_reference = True

    def reference_forms(self, ref_value):
        form = value_form(aggregate(ref_value, self.column, self.how), self.digits)
        return {"": [] if form is None else [form]}

    def judge(self, value, ref):
        return float(ref.has("", num_forms(aggregate(value, self.column, self.how), self.digits)))


def aggregate(value: Any, column: str | None, how: str) -> float | None:
    """The summary a :class:`Aggregate` check compares (None when it cannot be read).

    >>> import pandas as pd
    >>> aggregate(pd.DataFrame({"F": [1, 2, None]}), "F", "sum"), aggregate([1, 2], None, "rows")
    (3.0, 2.0)
    """
    if how == "rows":
        try:
            return float(len(value))
        except TypeError:
            return None
    items = column_or_field(value, column) if column else value
    if items is None:
        return None
    try:
        items = list(items)
    except TypeError:
        return None
    if how == "nunique":
        return float(len({cell_text(x) for x in items if cell_text(x) != EMPTY}))
    nums = [as_number(x) for x in items]
    present = [x for x in nums if x is not None]
    if how == "count":
        return float(len(present))
    if how == "sum":
        return float(sum(present))
    if how == "mean":
        return float(sum(present) / len(present)) if present else None
    raise ValueError(f"unknown aggregate {how!r}")


# -- RFM properties (public: they check how scores behave, not what they are) -------


def _frame(value):
    import pandas as pd

    return value if isinstance(value, pd.DataFrame) else None


def scores_in_range(value, columns=("R_score", "F_score", "M_score"), lo: int = 1, hi: int = 5) -> bool:
    """Every score a whole number between ``lo`` and ``hi`` (no empty cells)."""
    df = _frame(value)
    if df is None or any(c not in df.columns for c in columns) or df.empty:
        return False
    for c in columns:
        for x in df[c]:
            n = as_number(x)
            if n is None or n != int(n) or not lo <= n <= hi:
                return False
    return True


def score_follows(value, raw: str, score: str, higher_is_better: bool = True) -> bool:
    """A better raw value never gets a lower score (R: fewer days is better)."""
    df = _frame(value)
    if df is None or raw not in df.columns or score not in df.columns:
        return False
    pairs = sorted(
        ((as_number(r), as_number(s)) for r, s in zip(df[raw], df[score])),
        key=lambda p: math.inf if p[0] is None else p[0],
    )
    if any(r is None or s is None for r, s in pairs):
        return False
    if not higher_is_better:
        pairs = [(-r, s) for r, s in reversed(pairs)]
    best_so_far = -math.inf
    groups: dict[float, list[float]] = {}
    for r, s in pairs:
        groups.setdefault(r, []).append(s)
    for r in sorted(groups):
        if min(groups[r]) < best_so_far:
            return False
        best_so_far = max(best_so_far, max(groups[r]))
    return True


def ties_share_a_score(value, raw: str, score: str) -> bool:
    """Customers with the same raw value (e.g. the same number of orders) get the same score."""
    df = _frame(value)
    if df is None or raw not in df.columns or score not in df.columns:
        return False
    seen: dict[str, str] = {}
    for r, s in zip(df[raw], df[score]):
        k, v = cell_text(r), cell_text(s)
        if seen.setdefault(k, v) != v:
            return False
    return True


def roughly_equal_bins(value, score: str, bins: int = 5, largest_share: float = 0.4) -> bool:
    """Scores spread over at least ``bins - 1`` values, none holding more than ``largest_share`` of rows."""
    df = _frame(value)
    if df is None or score not in df.columns or df.empty:
        return False
    counts = category_counts(df[score])
    return len(counts) >= bins - 1 and max(counts.values()) / len(df) <= largest_share


def dumps(value: Any) -> str:  # pragma: no cover - debugging aid for teachers
    return json.dumps(value, ensure_ascii=False, default=str)
