"""Analytics tools for module 3 (数据分析与优化决策): what a shop's back office
offers next to its reports, never the answer of a graded exercise.

* Safe rates: a rate whose denominator is 0 (no visitors in the chosen range,
  an empty group) is not a ZeroDivisionError and not a silent ``NaN``; it is an
  ``Unavailable`` value that prints as a Chinese reason ("转化率无法计算：UV 为 0").
* The campaign calendar, read from the shop's ``campaign_phases`` table (never
  typed into a notebook): the campaign period, its phases, the review month.
* Choosing data: channel / phase names checked with a suggestion for typos
  ("付费广高" -> 你是不是想写「付费广告」？), date ranges checked against the data.
* Display: rates as percentages, money in 元, ``Unavailable`` and ``NaN`` shown
  as words, not as "nan%".
* Charts: a funnel chart (访问 → 加购 → 下单 → 支付) with its step rates, all
  labels in Chinese.
* A/B test input checks: two groups of whole, non-negative counts, with
  Chinese messages for an empty or impossible group (the test itself is run
  with statsmodels in the notebook, on the counts the student chose).

The data centre (``course.tools.datacentre``) and the review rules
(``course.tools.review_rules``) are next to this file.

>>> safe_rate(31, 500, what="转化率")
0.062
>>> r = safe_rate(0, 0, what="转化率", den_name="UV")
>>> print(r)
转化率无法计算：UV 为 0（所选范围内没有数据）
>>> format_rate(0.0625)
'6.25%'
>>> format_rate(r)
'无法计算（UV 为 0）'
>>> check_channel("付费广高")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
course.messages.CourseError: 没有名为「付费广高」的渠道，你是不是想写「付费广告」？可选：自然搜索、付费广告、...
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..dates import parse_date
from ..messages import CourseError
from ..money import yuan

CHANNELS = ("自然搜索", "付费广告", "平台首页推荐", "社群引流", "直播")
PHASES = ("日常", "预热期", "爆发期", "返场期")
CAMPAIGN_PHASES = ("预热期", "爆发期", "返场期")
FUNNEL_STEPS = ("访问", "加购", "下单", "支付")


# -- safe rates ---------------------------------------------------------------


class Unavailable:
    """A value that cannot be computed, with the reason in Chinese.

    It prints, formats (``f"{x:.2%}"``) and displays as its message; it is falsy;
    using it as a number raises a ``CourseError`` with the same message, so a
    missing rate is never silently taken for 0 or shown as ``nan``.

    >>> u = Unavailable("加购率", "UV 为 0")
    >>> f"加购率 {u:.1%}"
    '加购率 无法计算（UV 为 0）'
    >>> bool(u)
    False
    """

    __slots__ = ("what", "reason")

    def __init__(self, what: str, reason: str):
        self.what = what
        self.reason = reason

    @property
    def message(self) -> str:
        return f"{self.what}无法计算：{self.reason}"

    @property
    def short(self) -> str:
        return f"无法计算（{self.reason.split('（')[0]}）"

    def __str__(self) -> str:
        return self.message

    __repr__ = __str__

    def __format__(self, spec: str) -> str:
        return self.short

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        import html

        return f"<span style='color:#b35900'>⚠ {html.escape(self.message)}</span>"

    def __bool__(self) -> bool:
        return False

    # a 0-d "missing" scalar: saved in the answer file as null, like NaN
    shape = ()

    def item(self) -> None:
        return None

    def _refuse(self, *_args):
        raise CourseError(f"{self.message}。它不是一个数字，不能参与计算或比较大小；请先检查筛选条件或数据。")

    __float__ = __int__ = __lt__ = __le__ = __gt__ = __ge__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _refuse

    def __eq__(self, other) -> bool:
        return isinstance(other, Unavailable) and other.what == self.what and other.reason == self.reason

    def __hash__(self) -> int:
        return hash(("Unavailable", self.what, self.reason))


def is_missing(x: Any) -> bool:
    """True for ``None``, ``NaN``, ``pd.NA`` and ``Unavailable`` values."""
    if x is None or isinstance(x, Unavailable):
        return True
    try:
        import pandas as pd

        if x is pd.NA or x is pd.NaT:
            return True
    except ImportError:  # pragma: no cover
        pass
    try:
        return math.isnan(float(x))
    except (TypeError, ValueError):
        return False


def _is_vector(x: Any) -> bool:
    return hasattr(x, "__len__") and hasattr(x, "dtype") or isinstance(x, (list, tuple))


def safe_rate(num: Any, den: Any, *, what: str = "比率", den_name: str = "分母", notice: bool = True):
    """``num / den`` for rates, without division by zero.

    Scalars: a float, or an ``Unavailable`` saying why (denominator 0, missing).
    Series / arrays: a float Series where rows with a 0 denominator are NaN,
    and (``notice=True``) one printed line saying how many rows that is, so the
    gaps are known; show such tables with ``format_table`` (NaN -> "无法计算").

    >>> import pandas as pd
    >>> safe_rate(pd.Series([5, 0]), pd.Series([100, 0]), what="转化率", den_name="UV").tolist()
    提示：有 1 行的 UV 为 0，这些行的转化率无法计算，表中显示为“无法计算”（不是 0%）。
    [0.05, nan]
    """
    if _is_vector(num) or _is_vector(den):
        import numpy as np
        import pandas as pd

        n = pd.to_numeric(pd.Series(num) if not isinstance(num, pd.Series) else num, errors="coerce").astype("float64")
        d = pd.to_numeric(pd.Series(den) if not isinstance(den, pd.Series) else den, errors="coerce").astype("float64")
        if isinstance(num, pd.Series) and not isinstance(den, pd.Series) and len(d) == len(n):
            d.index = n.index
        if isinstance(den, pd.Series) and not isinstance(num, pd.Series) and len(d) == len(n):
            n.index = d.index
        bad = ~(d > 0) | d.isna() | n.isna()
        out = (n / d.where(~bad, np.nan)).where(~bad, np.nan)
        k = int(bad.sum())
        if notice and k:
            print(f"提示：有 {k} 行的 {den_name} 为 0，这些行的{what}无法计算，表中显示为“无法计算”（不是 0%）。")
        return out
    if is_missing(den):
        return Unavailable(what, f"缺少{den_name}数据")
    if is_missing(num):
        return Unavailable(what, "缺少分子数据")
    den = float(den)
    if den == 0:
        return Unavailable(what, f"{den_name} 为 0（所选范围内没有数据）")
    if den < 0:
        return Unavailable(what, f"{den_name}为负数（{den:g}），请检查数据")
    return float(num) / den


def gap_to_target(actual: Any, target: float, *, what: str = "转化率") -> str:
    """One line comparing an actual rate with its target, in percentage points.

    >>> gap_to_target(0.062, 0.08)
    '转化率 实际 6.20%，目标 8.00%，差 -1.80 个百分点（未达标）'
    """
    if is_missing(actual):
        return f"{what} 无法与目标比较：{actual if isinstance(actual, Unavailable) else '没有数据'}"
    diff = (float(actual) - target) * 100
    state = "达标" if float(actual) >= target else "未达标"
    return f"{what} 实际 {format_rate(actual)}，目标 {format_rate(target)}，差 {diff:+.2f} 个百分点（{state}）"


#: the campaign's targets and where the settings keep them
TARGETS = {
    "GMV": ("campaign", "gmv_target"),
    "转化率": ("analytics", "conversion_target"),
    "新客转化率": ("campaign", "new_customer_conversion_target"),
}


def target_values() -> dict:
    """{指标: 目标} from the settings in force."""
    from .. import settings

    return {name: settings.threshold(*where) for name, where in TARGETS.items()}


def target_table(actual: Mapping[str, Any]):
    """目标 and 实际 side by side, formatted for reading (the verdicts are the student's to make).

    >>> target_table({"GMV": 48000.0, "转化率": 0.062, "新客转化率": None})["实际"].tolist()
    ['48,000.00 元', '6.20%', '无法计算']
    """
    import pandas as pd

    goals = target_values()
    return pd.DataFrame(
        {
            "指标": list(goals),
            "目标": [format_metric(k, v) for k, v in goals.items()],
            "实际": [format_metric(k, (actual or {}).get(k)) for k in goals],
        }
    )


# -- the campaign calendar -------------------------------------------------------


@dataclass(frozen=True)
class Calendar:
    """The campaign's dates, from the shop's ``campaign_phases`` table (ISO date strings).

    ``month_start`` .. ``month_end`` is the calendar month the campaign starts in
    (the review month: the campaign and the ordinary days around it).
    """

    start: str
    end: str
    phases: dict
    month_start: str
    month_end: str

    def __str__(self) -> str:
        parts = "；".join(f"{p} {a} 至 {b}" for p, (a, b) in self.phases.items())
        return (
            f"活动期 {self.start} 至 {self.end}（{parts}）；活动所在月（复盘月）{self.month_start} 至 {self.month_end}"
        )


def campaign_calendar(phases=None) -> Calendar:
    """The campaign calendar from ``campaign_phases`` (loaded when not given).

    >>> import pandas as pd
    >>> t = pd.DataFrame({"phase": ["预热期", "爆发期"], "start_date": ["2026-06-15", "2026-06-18"],
    ...                   "end_date": ["2026-06-17", "2026-06-18"]})
    >>> c = campaign_calendar(t)
    >>> c.start, c.end, c.month_start, c.month_end
    ('2026-06-15', '2026-06-18', '2026-06-01', '2026-06-30')
    """
    import calendar as _cal

    import pandas as pd

    if phases is None:
        from .. import data

        phases = data.load("campaign_phases")
    missing = [c for c in ("phase", "start_date", "end_date") if c not in phases.columns]
    if missing or phases.empty:
        raise CourseError(
            '活动日历表 campaign_phases 缺少列或没有数据：请用 course.data.load("campaign_phases") 读取原始表。'
        )
    starts = pd.to_datetime(phases["start_date"])
    ends = pd.to_datetime(phases["end_date"])
    order = starts.argsort(kind="mergesort")
    steps = {
        str(phases["phase"].iloc[i]): (starts.iloc[i].date().isoformat(), ends.iloc[i].date().isoformat())
        for i in order
    }
    first = starts.min().date()
    last_day = _cal.monthrange(first.year, first.month)[1]
    return Calendar(
        start=first.isoformat(),
        end=ends.max().date().isoformat(),
        phases=steps,
        month_start=first.replace(day=1).isoformat(),
        month_end=first.replace(day=last_day).isoformat(),
    )


# -- formatting ---------------------------------------------------------------


def format_rate(x: Any, digits: int = 2) -> str:
    """A rate as a percentage; missing values as words (never "nan%")."""
    if isinstance(x, Unavailable):
        return x.short
    if is_missing(x):
        return "无法计算"
    return f"{float(x) * 100:.{digits}f}%"


def format_money(x: Any, digits: int = 2) -> str:
    """Money in 元 (``course.money.yuan``); ``Unavailable`` as its reason.

    >>> format_money(12345.6)
    '12,345.60 元'
    """
    return x.short if isinstance(x, Unavailable) else yuan(x, digits=digits)


def format_number(x: Any, digits: int = 0) -> str:
    if isinstance(x, Unavailable):
        return x.short
    if is_missing(x):
        return "无法计算"
    return f"{float(x):,.{digits}f}"


def format_table(
    df,
    *,
    rates: Iterable[str] = (),
    money: Iterable[str] = (),
    counts: Iterable[str] = (),
    ratios: Iterable[str] = (),
    digits: int = 2,
):
    """A copy of ``df`` for display: rates in %, money in 元, missing as "无法计算".

    Use it to show a table; compute with the numbers, not with this copy.
    """
    out = df.copy()
    for c in rates:
        if c in out:
            out[c] = [format_rate(v, digits) for v in out[c]]
    for c in money:
        if c in out:
            out[c] = [format_money(v) for v in out[c]]
    for c in counts:
        if c in out:
            out[c] = [format_number(v) for v in out[c]]
    for c in ratios:
        if c in out:
            out[c] = ["无法计算" if is_missing(v) else f"{float(v):.{digits}f}" for v in out[c]]
    return out


MONEY_NAMES = ("GMV", "客单价", "UV价值", "销售额", "净成交额", "毛利贡献", "广告花费")


def metric_kind(name: str) -> str:
    """How a metric is shown: ``rate`` (%), ``money`` (元) or ``count``.

    >>> [metric_kind(n) for n in ("转化率", "新客占比", "加购→下单", "GMV", "UV")]
    ['rate', 'rate', 'rate', 'money', 'count']
    """
    n = str(name)
    if n.endswith("率") or n.endswith("占比") or "→" in n or n.startswith("复购率"):
        return "rate"
    if n in MONEY_NAMES or n.endswith("额") or n.endswith("（元）") or n.endswith("成本") or n.endswith("佣金"):
        return "money"
    return "count"


def format_metric(name: str, value: Any) -> str:
    """One metric formatted by its kind (rate %, money 元, count)."""
    kind = metric_kind(name)
    if kind == "rate":
        return format_rate(value)
    if kind == "money":
        return format_money(value)
    if is_missing(value):
        return format_number(value)
    v = float(value)
    return format_number(v, 0 if v == int(v) else 2)


# -- choosing data ------------------------------------------------------------


def check_choice(value: Any, options: Sequence[str], what: str) -> str:
    """``value`` if it is one of ``options``; otherwise a CourseError with a suggestion."""
    text = "" if value is None else str(value).strip()
    if text in options:
        return text
    close = difflib.get_close_matches(text, list(options), n=1, cutoff=0.3)
    hint = f"你是不是想写「{close[0]}」？" if close else ""
    shown = "（空）" if not text else text
    raise CourseError(f"没有名为「{shown}」的{what}，{hint}可选：{'、'.join(options)}。")


def check_channel(value: Any, options: Sequence[str] = CHANNELS) -> str:
    """A channel name, checked (typos get a suggestion)."""
    return check_choice(value, options, "渠道")


def check_phase(value: Any, options: Sequence[str] = PHASES) -> str:
    """A campaign phase name, checked (typos get a suggestion)."""
    return check_choice(value, options, "活动阶段")


def check_period(start: Any, end: Any, data_start: Any = None, data_end: Any = None) -> tuple[_dt.date, _dt.date]:
    """Check a date range (start ≤ end, overlapping the data); return it as dates."""
    s, e = parse_date(start, what="开始日期"), parse_date(end, what="结束日期")
    if s > e:
        raise CourseError(f"开始日期 {s} 晚于结束日期 {e}，请对调或重新选择。")
    if data_start is not None and data_end is not None:
        ds, de = parse_date(data_start), parse_date(data_end)
        if e < ds or s > de:
            raise CourseError(f"{s} 至 {e} 没有数据：店铺数据覆盖 {ds} 至 {de}，请在这个范围内选择日期。")
    return s, e


def filter_period(df, start: Any, end: Any, column: str = "date"):
    """Rows of ``df`` whose ``column`` lies in [start, end] (both included).

    A range with no rows raises a CourseError that names the data's own range.
    """
    import pandas as pd

    col = pd.to_datetime(df[column])
    lo, hi = col.min(), col.max()
    s, e = check_period(start, end, lo if pd.notna(lo) else None, hi if pd.notna(hi) else None)
    mask = (col >= pd.Timestamp(s)) & (col < pd.Timestamp(e) + pd.Timedelta(days=1))
    out = df[mask]
    if out.empty:
        raise CourseError(f"{s} 至 {e} 没有数据，请换一个日期范围。")
    return out


# -- charts -------------------------------------------------------------------


def _counts_of(counts: Any, steps: Sequence[str] | None) -> tuple[list[str], list[float]]:
    if isinstance(counts, Mapping):
        names = list(steps or counts.keys())
        vals = [counts.get(s, 0) for s in names]
    elif hasattr(counts, "index") and hasattr(counts, "values") and not hasattr(counts, "columns"):
        names = [str(i) for i in counts.index] if steps is None else list(steps)
        vals = list(counts.values)
    else:
        vals = list(counts)
        names = list(steps or FUNNEL_STEPS[: len(vals)])
    if len(names) != len(vals):
        raise CourseError(f"漏斗的环节名称有 {len(names)} 个，人数有 {len(vals)} 个，两者应一样多。")
    if len(vals) < 2:
        raise CourseError("漏斗至少需要两个环节（例如 访问、加购）。")
    clean = []
    for n, v in zip(names, vals):
        if is_missing(v):
            raise CourseError(f"漏斗环节「{n}」的人数是空值，请先算出人数。")
        if float(v) < 0:
            raise CourseError(f"漏斗环节「{n}」的人数为负数（{v}），请检查计算。")
        clean.append(float(v))
    return names, clean


def step_rates(counts: Any, steps: Sequence[str] | None = None) -> list[tuple[str, Any]]:
    """Each step's rate from the previous step: ``[("访问→加购", 0.25), ...]``.

    A step after a 0 count is ``Unavailable``.
    """
    names, vals = _counts_of(counts, steps)
    return [
        (f"{a}→{b}", safe_rate(vb, va, what=f"{a}→{b}", den_name=f"{a}人数"))
        for (a, va), (b, vb) in zip(zip(names, vals), zip(names[1:], vals[1:]))
    ]


def funnel_chart(
    counts: Any,
    *,
    steps: Sequence[str] | None = None,
    title: str = "转化漏斗",
    unit: str = "人",
    ax=None,
    highlight: str | None = None,
):
    """A funnel (centred horizontal bars) with counts and step rates, in Chinese.

    ``counts``: a dict ``{"访问": 12000, "加购": 3000, ...}``, a Series, or a list
    of numbers for 访问/加购/下单/支付.  ``highlight``: a step name like
    ``"加购→下单"`` drawn in red.  Returns the matplotlib Axes.
    """
    import matplotlib.pyplot as plt

    names, vals = _counts_of(counts, steps)
    rates = step_rates(dict(zip(names, vals)), names)
    if ax is None:
        _fig, ax = plt.subplots(figsize=(7.5, 0.9 * len(names) + 1.2))
    top = max(vals) or 1.0
    ys = list(range(len(names)))[::-1]
    colors = ["#4C72B0", "#55A868", "#8172B2", "#C44E52", "#937860", "#DA8BC3"]
    for i, (name, v, y) in enumerate(zip(names, vals, ys)):
        ax.barh(y, v, left=(top - v) / 2, height=0.62, color=colors[i % len(colors)], alpha=0.85)
        ax.text(
            top / 2,
            y,
            f"{name}  {v:,.0f} {unit}",
            ha="center",
            va="center",
            color="white" if v > top * 0.25 else "black",
            fontsize=11,
        )
    for (label, r), y in zip(rates, ys[1:]):
        bad = highlight is not None and label == highlight
        ax.text(
            top * 1.02,
            y + 0.5,
            f"{'⚠ ' if bad else ''}{label}：{format_rate(r, 1)}",
            ha="left",
            va="center",
            fontsize=11 if bad else 10,
            color="#C00000" if bad else "#333333",
        )
    ax.set_xlim(0, top * 1.45)
    ax.set_yticks(ys)
    ax.set_yticklabels(names)
    ax.set_title(title)
    ax.set_xlabel(f"人数（{unit}）" if unit == "人" else f"数量（{unit}）")
    ax.set_ylabel("漏斗环节")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return ax


# -- A/B tests ----------------------------------------------------------------


def check_ab_counts(conversions: Sequence[Any], visitors: Sequence[Any], names: Sequence[str] = ("B", "A")) -> None:
    """Two groups of counts a two-proportion test can use, or a CourseError saying what is wrong.

    >>> check_ab_counts([0, 180], [0, 1900])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    course.messages.CourseError: B 组没有访客（访客数为 0 或空）：这一组的转化率无法计算，不能做检验。...
    """
    if len(conversions) != 2 or len(visitors) != 2:
        raise CourseError("A/B 检验需要正好两组：转化人数和访客数各给两个数（顺序一致，例如 [B组, A组]）。")
    for name, c, n in zip(names, conversions, visitors):
        if is_missing(n) or float(n) <= 0:
            raise CourseError(
                f"{name} 组没有访客（访客数为 0 或空）：这一组的转化率无法计算，不能做检验。"
                "请检查分组列的取值（是否拼写不同、是否被筛选掉）。"
            )
        if is_missing(c) or float(c) < 0:
            raise CourseError(f"{name} 组的转化人数为空或为负数，请先算出转化人数。")
        if float(c) > float(n):
            raise CourseError(f"{name} 组的转化人数（{c}）大于访客数（{n}），分子分母可能写反了。")
        if float(c) != int(float(c)) or float(n) != int(float(n)):
            raise CourseError(f"{name} 组的人数应为整数（现在是 {c} / {n}），请用人数而不是比率。")
