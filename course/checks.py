"""The checks of a graded task: one definition, judged two ways.

A task (declared on the grading side, in ``grading/reference``) lists checks such
as "these columns", "sorted by value", "the same keywords as the reference".
Each check has public parameters and, when it compares with a reference, a
*canonical form*: the plain text the answer and the reference are reduced to
(numbers rounded, words normalised, sets sorted).

* The **grader** compares canonical forms directly (``PlainReference``).
* The **visible self-check** a student runs compares *salted digests* of them
  (``HashedReference``): the release stores digests of the reference's canonical
  forms, never the values, so nothing a student can read gives the answer away.

Both sides call the same ``Check.judge``, so a ✓ in the notebook and full points
in grading agree by construction.

>>> import pandas as pd
>>> task = [SameSet(column="kw", msg="关键词不全")]
>>> forms = reference_forms(task, [["a", "b"]])          # the grader's side
>>> judge_all(task, pd.DataFrame({"kw": ["b", "a"]}), PlainReference(forms)).right
True
>>> hashed = HashedReference("salt", "t", hash_forms("salt", "t", forms))   # what a release ships
>>> judge_all(task, pd.DataFrame({"kw": ["a"]}), hashed).messages
['关键词不全']
"""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

#: how much a number may differ from the reference, in units of its last kept digit
TOLERANCE = 0.4


# -- canonical forms ------------------------------------------------------------


def norm_text(value: Any) -> str:
    """Words compared the way a person reads them: NFKC, no outer spaces.

    >>> norm_text("  床头柜\\u3000")
    '床头柜'
    """
    return unicodedata.normalize("NFKC", str(value)).strip()


def as_number(value: Any) -> float | None:
    """A finite float, or None (text such as "8%" or "1,299" is read as a person would).

    >>> as_number("8%"), as_number("1,299.00"), as_number("abc"), as_number(float("nan"))
    (0.08, 1299.0, None, None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = norm_text(value).replace(",", "").replace("元", "")
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1], 0.01
        try:
            value = float(text) * scale
        except ValueError:
            return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def num_forms(value: Any, digits: int) -> set[str]:
    """The canonical texts a number may take within the tolerance.

    ``digits`` decimals are kept; the value and the value ± TOLERANCE units of
    the last digit are rounded, so an answer a hair's breadth from a rounding
    boundary still meets the reference's one canonical text.

    >>> sorted(num_forms(0.12345, 4))
    ['0.1234', '0.1235']
    >>> num_forms("x", 2)
    set()
    """
    x = as_number(value)
    if x is None:
        return set()
    step = TOLERANCE * 10 ** (-digits)
    return {_fmt(v, digits) for v in (x - step, x, x + step)}


def num_form(value: Any, digits: int) -> str | None:
    """The one canonical text of a reference number."""
    x = as_number(value)
    return None if x is None else _fmt(x, digits)


def _fmt(x: float, digits: int) -> str:
    text = f"{round(x, digits):.{digits}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def value_forms(value: Any, digits: int | None) -> set[str]:
    """Canonical texts of a scalar: numbers within tolerance, other things as text."""
    if digits is not None:
        return num_forms(value, digits)
    if value is None:
        return set()
    if isinstance(value, bool):
        return {"true" if value else "false"}
    return {norm_text(value)}


def value_form(value: Any, digits: int | None) -> str | None:
    """The canonical text of a reference scalar."""
    if digits is not None:
        return num_form(value, digits)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return norm_text(value)


def digest(salt: str, task: str, label: str, canonical: str) -> str:
    """The salted digest the release stores instead of a reference value."""
    return hashlib.sha256(f"{salt}|{task}|{label}|{canonical}".encode()).hexdigest()[:24]


# -- where the reference comes from -----------------------------------------------


class Reference:
    """What a check compares against: ``hits(label, candidates)`` -> (matched, total)."""

    def hits(self, label: str, candidates: Iterable[str]) -> tuple[int, int]:  # pragma: no cover - interface
        raise NotImplementedError

    def labels(self) -> list[str]:  # pragma: no cover - interface
        raise NotImplementedError

    def at(self, index: int) -> Scoped:
        return Scoped(self, str(index))


@dataclass
class Scoped:
    """A reference seen by one check (labels are prefixed with the check's index)."""

    ref: Reference
    prefix: str

    def hits(self, label: str, candidates: Iterable[str]) -> tuple[int, int]:
        full = self.prefix if label == "" else f"{self.prefix}:{label}"
        return self.ref.hits(full, candidates)

    def has(self, label: str, candidates: Iterable[str]) -> bool:
        return self.hits(label, candidates)[0] > 0

    def labels(self) -> list[str]:
        """The sub-labels this check's reference has (e.g. ``预热期|UV`` per table cell)."""
        head = self.prefix + ":"
        return sorted(k[len(head) :] for k in self.ref.labels() if k.startswith(head))


class PlainReference(Reference):
    """The grader's side: canonical reference texts by label."""

    def __init__(self, items: dict[str, list[str]]):
        self.items = {k: set(v) for k, v in items.items()}

    def labels(self) -> list[str]:
        return list(self.items)

    def hits(self, label, candidates):
        ref = self.items.get(label, set())
        return len(ref & set(candidates)), len(ref)


class HashedReference(Reference):
    """The student's side: salted digests by label."""

    def __init__(self, salt: str, task: str, digests: dict[str, list[str]]):
        self.salt, self.task = salt, task
        self.digests = {k: set(v) for k, v in digests.items()}

    def labels(self) -> list[str]:
        return list(self.digests)

    def hits(self, label, candidates):
        ref = self.digests.get(label, set())
        mine = {digest(self.salt, self.task, label, c) for c in candidates}
        return len(ref & mine), len(ref)


# -- reading the part of an answer a check looks at ---------------------------------


def column_or_field(value: Any, name: str | None) -> Any:
    """``value[name]`` for a DataFrame column or a dict key; the value itself for None."""
    if name is None:
        return value
    try:
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            return list(value[name]) if name in value.columns else None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, dict):
        return value.get(name)
    return None


def as_items(value: Any) -> list:
    """A list of items from a list, a set, a column or a text with 、,，/ separators."""
    if value is None:
        return []
    if isinstance(value, str):
        import re

        return [p for p in (norm_text(x) for x in re.split(r"[、,，/;；\n]+", value)) if p]
    if isinstance(value, dict):
        return list(value)
    try:
        return list(value)
    except TypeError:
        return [value]


def is_table(value: Any) -> bool:
    try:
        import pandas as pd

        return isinstance(value, pd.DataFrame)
    except ImportError:  # pragma: no cover
        return False


# -- the checks --------------------------------------------------------------------


@dataclass(kw_only=True)
class Check:
    """One thing a student should get right, with the 提升方向 shown when it is not.

    ``weight`` is its share of the task's points.  ``partial``: a check that can
    be partly right (most table cells right) earns that share of its weight.
    ``gate``: when it fails, later checks are not reported (a table without the
    right columns gets one clear message, not ten).  ``ref`` is used by the
    grading side only (a function of the reference context); it is never
    shipped to students.
    """

    msg: str
    weight: float = 1.0
    partial: bool = False
    gate: bool = False
    ref: Callable | Any = field(default=None, repr=False, compare=False)

    kind = "check"
    needs_reference = False

    # -- the grading side turns the reference into canonical texts by label
    def reference_forms(self, ref_value: Any) -> dict[str, list[str]]:
        return {}

    # -- both sides
    def judge(self, value: Any, ref: Scoped | None) -> float:
        """How right the answer is, 0..1 (1 = right)."""
        raise NotImplementedError  # pragma: no cover

    def params(self) -> dict:
        """Public parameters, written to the release's check spec."""
        out = {}
        for name in self.__dataclass_fields__:
            if name in ("ref",):
                continue
            out[name] = getattr(self, name)
        return out


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
        for rec in _records(ref_value):
            k = norm_text(rec.get(self.key))
            for c in self.columns:
                form = value_form(rec.get(c), self.digits if _numeric(rec.get(c)) else None)
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
        for rec in _records(value):
            k = norm_text(rec.get(self.key))
            if k in seen:
                continue
            seen.add(k)
            for c in self.columns:
                v = rec.get(c)
                forms = value_forms(v, self.digits if _numeric(v) else None)
                right += ref.has(f"{k}|{c}", forms)
        frac = min(1.0, right / total)
        return frac if self.partial else float(frac == 1.0)


def _numeric(v: Any) -> bool:
    return not isinstance(v, (bool, str)) and as_number(v) is not None


def _records(value: Any) -> list[dict]:
    if is_table(value):
        return value.to_dict("records")
    if isinstance(value, list):
        return [r for r in value if isinstance(r, dict)]
    return []


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


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def kinds() -> dict[str, type[Check]]:
    """Every check kind defined so far (this file's, and any a course module adds)."""
    return {c.kind: c for c in _subclasses(Check) if c.kind != "check"}


def from_spec(entry: dict) -> Check:
    """A check rebuilt from its public parameters in a release's spec.

    A kind defined outside this file (say in ``course.tools.pricing``) names its
    module in the spec; it is imported first.
    """
    import importlib

    found = kinds()
    if entry["kind"] not in found and entry.get("module"):
        importlib.import_module(entry["module"])
        found = kinds()
    return found[entry["kind"]](**entry["params"])


# -- references of a whole task ---------------------------------------------------


def reference_forms(checks: list[Check], ref_values: list[Any]) -> dict[str, list[str]]:
    """Canonical reference texts of a task's checks, by full label (the grader's side)."""
    out: dict[str, list[str]] = {}
    for i, (check, ref_value) in enumerate(zip(checks, ref_values)):
        if not check.needs_reference or isinstance(check, HiddenOnly):
            continue
        for label, forms in check.reference_forms(ref_value).items():
            out[str(i) if label == "" else f"{i}:{label}"] = list(forms)
    return out


def hash_forms(salt: str, task: str, forms: dict[str, list[str]]) -> dict[str, list[str]]:
    """Salted digests of reference texts: what a release writes for students."""
    return {label: sorted(digest(salt, task, label, f) for f in texts) for label, texts in forms.items()}


# -- judging a whole task ---------------------------------------------------------


@dataclass
class Verdict:
    """The result of a task's checks: score share and the messages to show."""

    shares: list[float]
    weights: list[float]
    messages: list[str]
    empty: bool = False
    unjudged: int = 0

    @property
    def share(self) -> float:
        if self.empty:
            return 0.0
        total = sum(self.weights) or 1.0
        return sum(w * s for w, s in zip(self.weights, self.shares) if not math.isnan(s)) / total

    @property
    def right(self) -> bool:
        return not self.empty and not self.messages and self.unjudged == 0


def is_empty(value: Any) -> bool:
    """No answer at all: None, an empty table, text or list."""
    if value is None:
        return True
    if is_table(value):
        return value.empty
    if isinstance(value, (str, list, tuple, dict, set)):
        return len(value) == 0 or (isinstance(value, str) and not value.strip())
    return False


def judge_all(checks: list[Check], value: Any, reference: Reference) -> Verdict:
    """Judge every check; a failed gate check hides the checks after it."""
    shares, weights, messages = [], [], []
    unjudged = 0
    if is_empty(value):
        return Verdict([0.0] * len(checks), [c.weight for c in checks], [], empty=True)
    blocked = False
    for i, check in enumerate(checks):
        weights.append(check.weight)
        if blocked:
            shares.append(0.0)
            continue
        try:
            s = check.judge(value, reference.at(i))
        except Exception:  # noqa: BLE001 - an answer a check cannot read is not right
            s = 0.0
        if math.isnan(s):
            unjudged += 1
            shares.append(math.nan)
            continue
        s = min(1.0, max(0.0, float(s)))
        shares.append(s)
        if s < 1.0 - 1e-9:
            messages.append(check.msg)
            if check.gate:
                blocked = True
    return Verdict(shares, weights, messages, unjudged=unjudged)
