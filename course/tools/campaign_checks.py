"""Check kinds of 模块二 (course/checks.py explains checks): facts of a saved form, keyed tables.

A check here is judged the same two ways as every course check: by the grader
against the reference, and by the student's visible self-check against salted
digests.  Nothing here is secret: the functions a check names are public
functions of the course library.

* ``FactEquals`` / ``FactIncludes`` / ``FactMentions``: the check of the same
  name in ``course.checks`` applied to one *fact* of an answer, where the facts
  are read by a public function (``facts="course.forms.campaign_form:plan_facts"``).
  A form saves nested values (a table of phases, rule rows); its facts function
  turns them into plain words such as ``{"阶段日期": "预热期 2026-06-15~2026-06-17；…"}``.
* ``KeyedTable``: ``TableMatch`` whose rows are found by one or several key
  columns (``key="日期+渠道"``) and whose times compare as ``2026-06-15 23:40:12``
  whether they come as a Timestamp or as text.
* ``RowSet``: the rows' keys are exactly the reference's (which channel-days to pause).

>>> import pandas as pd
>>> from course.checks import PlainReference, judge_all
>>> chk = [RowSet(columns=["日期", "渠道"], msg="暂停的日期和渠道不对")]
>>> ref = PlainReference({"0": chk[0].reference_forms([["2026-06-16", "社群引流"]])[""]})
>>> judge_all(chk, pd.DataFrame({"日期": ["2026-06-16"], "渠道": ["社群引流"]}), ref).right
True
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from typing import Any

from .. import checks as C


def call(path: str, value: Any) -> Any:
    """``"module:function"`` applied to ``value``."""
    mod, _, name = path.partition(":")
    return getattr(importlib.import_module(mod), name)(value)


@dataclass(kw_only=True)
class _Facts:
    facts: str = ""

    def view(self, value: Any) -> dict:
        try:
            got = call(self.facts, value)
        except Exception:  # noqa: BLE001 - an answer the facts cannot be read from has none
            return {}
        return got if isinstance(got, dict) else {}


@dataclass(kw_only=True)
class FactEquals(_Facts, C.Equals):
    """``Equals`` on the fact ``column`` of an answer (facts read by ``facts``)."""

    kind = "M2FactEquals"

    def judge(self, value, ref):
        return C.Equals.judge(self, self.view(value), ref)


@dataclass(kw_only=True)
class FactIncludes(_Facts, C.Includes):
    """``Includes`` on the fact ``column`` of an answer: every reference item is there."""

    kind = "M2FactIncludes"

    def judge(self, value, ref):
        return C.Includes.judge(self, self.view(value), ref)


@dataclass(kw_only=True)
class FactMentions(_Facts, C.Mentions):
    """``Mentions`` on the fact ``column`` of an answer: a word of each reference group."""

    kind = "M2FactMentions"

    def judge(self, value, ref):
        return C.Mentions.judge(self, self.view(value), ref)


def plain_cell(v: Any) -> Any:
    """A table cell as the checks compare it: times as 2026-06-15 23:40:12, missing as None.

    >>> plain_cell("2026-06-15T23:40:12"), plain_cell(float("nan")), plain_cell(3)
    ('2026-06-15 23:40:12', None, 3)
    """
    import datetime as _dt

    import pandas as pd

    if v is None:
        return None
    if isinstance(v, float) and v != v:
        return None
    if v is pd.NaT or (isinstance(v, pd.Timestamp) and pd.isna(v)):
        return None
    if isinstance(v, (pd.Timestamp, _dt.datetime)):
        return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, str) and len(v) >= 19 and v[4] == "-" and v[10] in "T ":
        try:
            return pd.Timestamp(v).strftime("%Y-%m-%d %H:%M:%S")
        except ValueError:
            return v
    return v


def _records(value: Any, keys: list[str]) -> list[dict]:
    rows = C.records(value)
    out = []
    for r in rows:
        r = {k: plain_cell(v) for k, v in r.items()}
        r["__key__"] = "|".join(C.norm_text(r.get(k)) for k in keys)
        out.append(r)
    return out


@dataclass(kw_only=True)
class KeyedTable(C.TableMatch):
    """``TableMatch`` with rows found by ``key`` (several columns joined by ``+``).

    ``rows=-1``: the share of right cells among the answer's own rows; put a
    ``RowSet`` gate before it, so that those rows are the reference's.
    """

    kind = "M2KeyedTable"

    def _keys(self) -> list[str]:
        return [k.strip() for k in self.key.split("+") if k.strip()]

    def reference_forms(self, ref_value):
        out: dict[str, list[str]] = {}
        for rec in _records(ref_value, self._keys()):
            for c in self.columns:
                v = rec.get(c)
                form = "None" if v is None else C.value_form(v, self.digits if C.is_numeric(v) else None)
                out[f"{rec['__key__']}|{c}"] = [] if form is None else [form]
        return out

    def judge(self, value, ref):
        keys = self._keys()
        if not C.is_table(value) or not set(keys) <= set(value.columns):
            return 0.0
        recs = _records(value, keys)
        rows = len({r["__key__"] for r in recs}) if self.rows < 0 else self.rows
        total = rows * len(self.columns)
        if total == 0:
            return 1.0 if self.rows == 0 else 0.0
        right, seen = 0, set()
        for rec in recs:
            if rec["__key__"] in seen:
                continue
            seen.add(rec["__key__"])
            for c in self.columns:
                v = rec.get(c)
                forms = C.value_forms(v, self.digits if C.is_numeric(v) else None) if v is not None else {"None"}
                right += ref.has(f"{rec['__key__']}|{c}", forms)
        frac = min(1.0, right / total)
        return frac if self.partial else float(frac == 1.0)


@dataclass(kw_only=True)
class RowSet(C.Check):
    """The set of rows (by ``columns``) is exactly the reference's."""

    columns: list = field(default_factory=list)
    kind = "M2RowSet"
    needs_reference = True

    def _canon(self, value: Any) -> str | None:
        if C.is_table(value):
            if not set(self.columns) <= set(value.columns):
                return None
            rows = value[self.columns].values.tolist()
        elif isinstance(value, list):
            rows = value
        else:
            return None
        keys = sorted({"|".join(C.norm_text(plain_cell(x)) for x in r) for r in rows})
        return json.dumps(keys, ensure_ascii=False)

    def reference_forms(self, ref_value):
        form = self._canon(ref_value)
        return {"": [] if form is None else [form]}

    def judge(self, value, ref):
        form = self._canon(value)
        return float(form is not None and ref.has("", [form]))
