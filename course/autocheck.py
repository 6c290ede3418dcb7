"""Scoring helpers for graded test cells and visible self-checks.

Graded (hidden) test cells build a ``Checks`` list, one entry per thing a
student should get right, each with a Chinese "提升方向" that says what to look
at.  The cell's last expression is ``checks.score()``: nbgrader reads that
number as the cell's partial credit, so a student who gets most of it right gets
most of the points.  Nothing here knows an answer; expected values are computed
inside the instructor's hidden tests.

>>> c = Checks(points=4)
>>> c.check(True, "标题长度在范围内")
True
>>> c.check(False, "标题缺少核心关键词「床头柜」", weight=3)
False
>>> c.score()
得分 1 / 4
  ✗ 提升方向：标题缺少核心关键词「床头柜」
1.0

``selfcheck`` is for visible cells: it says whether the shape of an answer is
right (a DataFrame with these columns, 3-5 rows ...) without revealing values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


def _empty(answer: Any) -> bool:
    if answer is None:
        return True
    try:
        import pandas as pd

        if isinstance(answer, (pd.DataFrame, pd.Series)):
            return answer.empty
    except ImportError:  # pragma: no cover
        pass
    if isinstance(answer, (str, list, tuple, dict, set)):
        return len(answer) == 0
    return False


_UNSET = object()


@dataclass
class Checks:
    """A graded cell's checks.  With ``answer=`` given, an empty answer (None,
    empty table, empty text) scores 0 whatever else passes: checks such as
    "contains no forbidden word" must not reward a blank submission.
    """

    points: float
    title: str = ""
    answer: Any = _UNSET
    items: list[tuple[bool, str, float]] = field(default_factory=list)

    def check(self, ok: Any, message: str, weight: float = 1.0) -> bool:
        """Record one check; ``message`` says what to improve when it fails."""
        try:
            ok = bool(ok)
        except Exception:  # an answer that cannot even be compared
            ok = False
        self.items.append((ok, message, float(weight)))
        return ok

    def score(self) -> float:
        """Print the report and return earned points (nbgrader partial credit)."""
        head = f"【{self.title}】" if self.title else ""
        if self.answer is not _UNSET and _empty(self.answer):
            print(f"{head}得分 0 / {self.points:g}")
            print("  ✗ 提升方向：还没有作答（结果为空）。请完成上面的步骤并保存，再重新运行。")
            return 0.0
        total = sum(w for _, _, w in self.items) or 1.0
        earned = sum(w for ok, _, w in self.items if ok)
        pts = round(self.points * earned / total, 2)
        print(f"{head}得分 {pts:g} / {self.points:g}")
        for ok, msg, _w in self.items:
            if not ok:
                print(f"  ✗ 提升方向：{msg}")
        if earned == total:
            print("  ✓ 全部正确")
        return pts


def selfcheck(
    value: Any,
    *,
    name: str = "结果",
    columns: Iterable[str] | None = None,
    rows: tuple[int, int] | None = None,
    kind: type | None = None,
) -> None:
    """Check an answer's shape and print a hint, never the expected value.

    Returns None on purpose: it is often the last line of a released test cell,
    where a True/False result would be shown and read by nbgrader as a score.

    >>> import pandas as pd
    >>> selfcheck(pd.DataFrame({"a": [1]}), columns=["a", "b"])
    ✗ 结果 缺少列：b
    """
    _shape_ok(value, name=name, columns=columns, rows=rows, kind=kind)


def _shape_ok(
    value: Any, *, name: str, columns: Iterable[str] | None, rows: tuple[int, int] | None, kind: type | None
) -> bool:
    import pandas as pd

    if value is None:
        print(f"✗ {name} 还是 None：请先完成上面的代码单元格。")
        return False
    if kind is not None and not isinstance(value, kind):
        print(f"✗ {name} 应该是 {kind.__name__}，现在是 {type(value).__name__}。")
        return False
    if columns is not None:
        if not isinstance(value, pd.DataFrame):
            print(f"✗ {name} 应该是一个 DataFrame（表格）。")
            return False
        missing = [c for c in columns if c not in value.columns]
        if missing:
            print(f"✗ {name} 缺少列：{'、'.join(missing)}")
            return False
    if rows is not None:
        n = len(value)
        lo, hi = rows
        if not lo <= n <= hi:
            expected = f"{lo}-{hi}" if lo != hi else f"{lo}"
            print(f"✗ {name} 应有 {expected} 行，现在有 {n} 行。")
            return False
    print(f"✓ {name} 的格式正确（数值是否正确由评分时检查）。")
    return True
