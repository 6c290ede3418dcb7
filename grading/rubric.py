"""The table-6 rubric: from cell grades to the five columns of the score sheet.

Each module has five dimensions (``course.settings.rubric(module)``), in the
order the settings list them (by default 30/25/20/15/10; a teacher may put
备注 first).  Graded cells carry a ``grade_id`` whose prefix ``d1_`` .. ``d9_``
is the stable ``id`` of the dimension they score, never its position; every
rule below follows a dimension's ``kind``:

* ``auto`` dimensions: sum of the cell scores / sum of the cell maxima
  x the dimension's weight;
* the ``remark`` dimension (备注): the TA's manual grade of its one cell
  (``d5_remark`` at the default ids), scaled the same way; it is 0 until a TA
  enters a grade.  In the workshop's table 6 the worked rows add nothing in 备注
  (28 + 20 + 16 + 15 -> 79, 30 + 25 + 20 + 15 -> 90): that is this default;
* the ``timeliness`` dimension (提交时效性) has no cells: full weight (15)
  when submitted by the due time plus ``late.grace_minutes``, minus
  ``late.penalty_per_day`` for every started day after the due time, floor 0.

Rounding (documented choice): every dimension score is rounded half-up to one
decimal (0.1 point); the total is the sum of the five rounded columns, so the
columns of the exported sheet always add up to its 总分.  A dimension whose
cells all have max 0, or that has no cells at all, scores 0.

>>> grades = {"d1_title": (28, 30), "d2_detail": (20, 25), "d3_sku": (16, 20)}
>>> dimension_scores("module1_listing", grades)
{'标题关键词准确性': 28.0, '详情页逻辑性': 20.0, 'SKU合理性': 16.0, '备注': 0.0}
>>> import datetime as dt
>>> due = dt.datetime(2026, 12, 7, 12, 30)
>>> timeliness_score("module1_listing", due + dt.timedelta(minutes=5), due)
15.0
>>> timeliness_score("module1_listing", due + dt.timedelta(hours=25), due)
5.0
>>> total("module1_listing", grades, due, due)
79.0
>>> is_remark("module1_listing", "d5_remark"), is_remark("module1_listing", "d1_title")
(True, False)
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal

_PREFIX = re.compile(r"^d(\d+)_")


def _settings():
    from course import settings

    return settings


def round1(x: float) -> float:
    """Round half-up to 0.1 (Python's round() is half-to-even and float-noisy)."""
    return float(Decimal(repr(float(x))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def dimension_id(grade_id: str) -> str | None:
    """The dimension id in a grade_id's prefix (``d2_price`` -> ``"d2"``), or None.

    >>> dimension_id("d2_price"), dimension_id("ro_md_01")
    ('d2', None)
    """
    m = _PREFIX.match(grade_id or "")
    return f"d{m.group(1)}" if m else None


def dimension_of(module: str, grade_id: str):
    """The rubric dimension a graded cell scores, by the id in its prefix, or None.

    >>> dimension_of("module1_listing", "d2_detail").name
    '详情页逻辑性'
    """
    did = dimension_id(grade_id)
    return _settings().dimension(module, did) if did else None


def is_remark(module: str, grade_id: str) -> bool:
    """True for a cell of the module's 备注 dimension (kind ``remark``), wherever it sits."""
    dim = dimension_of(module, grade_id)
    return dim is not None and dim.kind == "remark"


def remark_first(module: str, comments: Mapping[str, str]) -> list[str]:
    """TA comments with the 备注 cell's first, then the others by grade_id."""
    return [t for _, t in sorted(comments.items(), key=lambda kv: (not is_remark(module, kv[0]), kv[0]))]


def dimensions(module: str):
    """The module's rubric dimensions (``course.settings.Dimension``), in order."""
    return _settings().rubric(module)


def dimension_scores(module: str, grades: Mapping[str, tuple[float | None, float]]) -> dict[str, float]:
    """{dimension name: scaled score} for the auto and remark dimensions.

    ``grades`` maps grade_id -> (score, max_score) for one student's module;
    a score of None (not graded yet) counts as 0.  grade_ids without a
    ``dN_`` prefix, or pointing at a timeliness dimension, are ignored.
    """
    dims = dimensions(module)
    sums = {d.id: [0.0, 0.0] for d in dims}
    for gid, pair in grades.items():
        key = dimension_id(gid)
        if key not in sums:
            continue
        score, max_score = pair
        sums[key][0] += float(score or 0.0)
        sums[key][1] += float(max_score or 0.0)
    out: dict[str, float] = {}
    for dim in dims:
        if dim.kind == "timeliness":
            continue
        got, mx = sums[dim.id]
        if mx <= 0:
            out[dim.name] = 0.0
        else:
            frac = min(max(got / mx, 0.0), 1.0)
            out[dim.name] = round1(frac * dim.weight)
    return out


def timeliness_dimension(module: str):
    return next(d for d in dimensions(module) if d.kind == "timeliness")


def remark_dimension(module: str):
    return next(d for d in dimensions(module) if d.kind == "remark")


def days_late(submitted_at: _dt.datetime | None, due: _dt.datetime | None) -> int:
    """Started days after the due time (0 within the grace period)."""
    if submitted_at is None or due is None:
        return 0
    late = _settings().load()["late"]
    sub = submitted_at.replace(tzinfo=None) if submitted_at.tzinfo else submitted_at
    due = due.replace(tzinfo=None) if due.tzinfo else due
    delta = (sub - due).total_seconds()
    if delta <= float(late["grace_minutes"]) * 60:
        return 0
    return max(1, math.ceil(delta / 86400))


def timeliness_score(module: str, submitted_at: _dt.datetime | None, due: _dt.datetime | None = None) -> float:
    """提交时效性: full weight on time (within the grace period); minus
    ``late.penalty_per_day`` per started day late; floor 0.  No submission -> 0.
    ``due`` defaults to the module's due date in the settings.

    Submission times are naive Beijing time, like the due dates; aware
    datetimes are compared after dropping tzinfo (convert them first).
    """
    if submitted_at is None:
        return 0.0
    if due is None:
        due = _settings().due(module)
    weight = float(timeliness_dimension(module).weight)
    penalty = float(_settings().load()["late"]["penalty_per_day"])
    return round1(max(0.0, weight - penalty * days_late(submitted_at, due)))


def row(
    module: str,
    grades: Mapping[str, tuple[float | None, float]],
    submitted_at: _dt.datetime | None,
    due: _dt.datetime | None = None,
) -> dict[str, float]:
    """All five columns in rubric order plus ``总分``."""
    auto = dimension_scores(module, grades)
    out: dict[str, float] = {}
    for dim in dimensions(module):
        if dim.kind == "timeliness":
            out[dim.name] = timeliness_score(module, submitted_at, due)
        else:
            out[dim.name] = auto[dim.name]
    out["总分"] = round1(sum(out.values()))
    return out


def total(
    module: str,
    grades: Mapping[str, tuple[float | None, float]],
    submitted_at: _dt.datetime | None,
    due: _dt.datetime | None = None,
) -> float:
    """The 总分 of table 6: the sum of all five rounded columns."""
    return row(module, grades, submitted_at, due)["总分"]
