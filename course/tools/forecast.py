"""目标测算与预算 · The campaign forecast of 模块二 练习03: baseline, projection, budget.

GMV = 流量 × 转化率 × 客单价, per phase and channel【活动讲解·成本效益分析】:

* :func:`baseline_window` — the days before the campaign the forecast starts from
  (``baseline_days``, 28 by default: four whole weeks);
* :func:`channel_totals` — per channel over a window: 天数, UV (each day's unique
  visitors, added up), 下单数 (orders of every status), GMV; the operator turns
  them into 日均UV, 转化率, 客单价;
* :func:`factors` — the course's 流量系数 / 转化系数 (settings ``uv_factor``,
  ``conv_factor``); :func:`projection_frame` lays out the 15 cells
  (3 phases × 5 channels) with everything the formula needs;
* :func:`split_budget` — a budget shared out in proportion to a column, plus the
  risk reserve as its own row ([003] 预算与资源规划).

>>> import pandas as pd
>>> p = pd.DataFrame({"渠道": ["付费广告", "直播", "自然搜索"], "预计GMV": [300.0, 100.0, 600.0]})
>>> split_budget(p, 900, by="预计GMV", channels=["付费广告", "直播"], reserve=100)["预算"].tolist()
[675.0, 225.0, 100.0]
"""

from __future__ import annotations

import datetime as _dt
import numbers
from typing import Any

from ..messages import CourseError
from .campaign import CHANNELS, PHASE_NAMES, campaign_window
from .monitor import _frame, _time

BASELINE_COLUMNS = ["渠道", "日均UV", "转化率", "客单价"]


def _setting(name: str):
    from .. import settings

    return settings.threshold("campaign", name)


def baseline_window(days: int | None = None) -> tuple[_dt.date, _dt.date]:
    """(first day, last day) of the baseline: the ``baseline_days`` days before the campaign."""
    n = int(_setting("baseline_days") if days is None else days)
    if n < 1:
        raise CourseError(f"基线期天数应至少为 1 天，现在是 {n}。")
    start, _ = campaign_window()
    last = start.date() - _dt.timedelta(days=1)
    return last - _dt.timedelta(days=n - 1), last


def channel_totals(traffic, orders, start: Any, end: Any):
    """Per channel from ``start`` to ``end`` (included): 天数, UV, 下单数, GMV.

    UV adds up each day's unique visitors of the channel (a visitor who comes on
    two days counts twice, as 表2 counts them); 下单数 counts the channel's orders
    of every status by order date; GMV sums their ``paid_amount``.
    """
    import pandas as pd

    t = _frame(traffic, "traffic", ["date", "channel", "user_id"])
    o = _frame(orders, "orders", ["date", "channel", "order_id", "paid_amount"])
    d0, d1 = _time(start, "开始日期").normalize(), _time(end, "结束日期").normalize()
    if d1 < d0:
        raise CourseError(f"结束日期 {d1.date()} 早于开始日期 {d0.date()}。")
    t = t[(t["date"] >= d0) & (t["date"] <= d1)].assign(channel=lambda f: f["channel"].astype(str))
    o = o[(o["date"] >= d0) & (o["date"] <= d1)].assign(channel=lambda f: f["channel"].astype(str))
    uv = t.groupby(["date", "channel"])["user_id"].nunique().groupby(level="channel").sum()
    out = pd.DataFrame(
        {
            "UV": uv,
            "下单数": o.groupby("channel")["order_id"].size(),
            "GMV": o.groupby("channel")["paid_amount"].sum().round(2),
        }
    ).fillna(0)
    out = out.reindex(sorted(traffic["channel"].astype(str).unique()), fill_value=0)
    out.insert(0, "天数", (d1 - d0).days + 1)
    out = out.astype({"UV": int, "下单数": int})
    out.index.name = "渠道"
    return out.reset_index()


def new_customer_totals(traffic, orders, start: Any, end: Any) -> dict:
    """New customers over a window: 新客UV (each day's unique new visitors, added up) and 新客下单数."""

    t = _frame(traffic, "traffic", ["date", "user_id", "is_new_customer"])
    o = _frame(orders, "orders", ["date", "is_new_customer"])
    d0, d1 = _time(start, "开始日期").normalize(), _time(end, "结束日期").normalize()
    t = t[(t["date"] >= d0) & (t["date"] <= d1) & t["is_new_customer"].fillna(False).astype(bool)]
    o = o[(o["date"] >= d0) & (o["date"] <= d1)]
    return {
        "新客UV": int(t.groupby("date")["user_id"].nunique().sum()),
        "新客下单数": int(o["is_new_customer"].fillna(False).astype(bool).sum()),
    }


def factors():
    """(流量系数 by phase × channel, 转化系数 by phase) from the settings, checked.

    A teacher edits them in ``course/settings.yaml`` (campaign.uv_factor / conv_factor);
    a missing phase or channel or a value that is not a number ≥ 0 is named in Chinese.
    """
    import pandas as pd

    uv, conv = _setting("uv_factor"), _setting("conv_factor")
    problems = []
    for phase in PHASE_NAMES:
        row = (uv or {}).get(phase)
        if not isinstance(row, dict):
            problems.append(f"uv_factor 缺少阶段「{phase}」（每个阶段一行：{{渠道: 系数}}）。")
            continue
        for ch in CHANNELS:
            if not _nonneg(row.get(ch)):
                problems.append(f"uv_factor 的「{phase}·{ch}」应是不小于 0 的数字，现在是 {row.get(ch)!r}。")
        if not _nonneg((conv or {}).get(phase)):
            problems.append(f"conv_factor 的「{phase}」应是不小于 0 的数字，现在是 {(conv or {}).get(phase)!r}。")
    if problems:
        raise CourseError(
            "设置文件 course/settings.yaml（campaign 部分）的测算系数有问题：\n  " + "\n  ".join(problems)
        )
    table = pd.DataFrame({p: {c: float(uv[p][c]) for c in CHANNELS} for p in PHASE_NAMES}).T
    table.index.name, table.columns.name = "阶段", "渠道"
    return table, pd.Series({p: float(conv[p]) for p in PHASE_NAMES}, name="转化系数")


def _nonneg(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and x >= 0


def projection_frame(baseline, phases_table):
    """The 15 cells of the forecast (3 phases × 5 channels), one row each.

    Columns: 阶段×渠道 (the cell's name), 阶段, 渠道, 天数 (from ``campaign_phases``),
    日均UV, 转化率, 客单价 (from ``baseline``), 流量系数, 转化系数 (settings).
    The operator adds 预计UV, 预计下单数, 预计GMV.
    """
    import pandas as pd

    b = _frame(baseline, "baseline（测算基线）", BASELINE_COLUMNS).copy()
    b["渠道"] = b["渠道"].astype(str)
    b = b.set_index("渠道")
    ph = _frame(phases_table, "campaign_phases", ["phase", "days"])
    days = dict(zip(ph["phase"].astype(str), ph["days"].astype(int)))
    uv, conv = factors()
    rows = []
    for phase in PHASE_NAMES:
        for ch in CHANNELS:
            if ch not in b.index:
                raise CourseError(f"baseline 里没有渠道「{ch}」：baseline 应有 {len(CHANNELS)} 个渠道各一行。")
            rows.append(
                {
                    "阶段×渠道": f"{phase}·{ch}",
                    "阶段": phase,
                    "渠道": ch,
                    "天数": days.get(phase, 0),
                    "日均UV": float(b.loc[ch, "日均UV"]),
                    "流量系数": uv.loc[phase, ch],
                    "转化率": float(b.loc[ch, "转化率"]),
                    "转化系数": conv[phase],
                    "客单价": float(b.loc[ch, "客单价"]),
                }
            )
    return pd.DataFrame(rows)


def paid_channels(ad_spend) -> list[str]:
    """The channels the shop pays for (those with a row in ``ad_spend``), sorted."""
    a = _frame(ad_spend, "ad_spend", ["channel"])
    return sorted(a["channel"].astype(str).unique())


def cost_per_click(ad_spend, channel: str, start: Any, end: Any) -> float:
    """单次点击成本 CPC = spend ÷ clicks of ``channel`` over a window (``ad_spend``)."""
    import pandas as pd

    a = _frame(ad_spend, "ad_spend", ["date", "channel", "spend", "clicks"])
    a = a[(a["date"] >= pd.Timestamp(start)) & (a["date"] <= pd.Timestamp(end)) & (a["channel"].astype(str) == channel)]
    if a["clicks"].sum() <= 0:
        raise CourseError(f"{channel} 在 {start} 至 {end} 没有点击记录，算不出单次点击成本。")
    return float(a["spend"].sum() / a["clicks"].sum())


def split_budget(projection, amount: Any, *, by: str, channels: list[str], reserve: Any = 0):
    """Share ``amount`` among ``channels`` in proportion to the sum of column ``by``
    per channel; the risk reserve is a row of its own (项目 = 风险准备金).

    Amounts are rounded to the cent.  Returns 项目, 预算 (channels in the given order).
    """
    import pandas as pd

    p = _frame(projection, "projection（测算表）", ["渠道"])
    if by not in p.columns:
        raise CourseError(f"测算表里没有“{by}”这一列：按哪一列分配？可选：{'、'.join(map(str, p.columns))}。")
    amount = _money_arg(amount, "要分配的金额")
    reserve = _money_arg(reserve, "风险准备金")
    weight = pd.to_numeric(p[by], errors="coerce").groupby(p["渠道"].astype(str)).sum()
    weight = weight.reindex(list(channels)).fillna(0)
    if weight.sum() <= 0:
        raise CourseError(f"这些渠道的“{by}”合计为 0，无法按占比分配。")
    alloc = (weight / weight.sum() * amount).round(2)
    return pd.DataFrame(
        {"项目": list(alloc.index) + ["风险准备金"], "预算": [float(x) for x in alloc.values] + [round(reserve, 2)]}
    )


def _money_arg(value, label: str) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise CourseError(f"{label} 应是一个数字（元），现在是 {value!r}。")
    if value < 0:
        raise CourseError(f"{label} 不能是负数，现在是 {value}。")
    return float(value)
