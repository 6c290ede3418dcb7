"""The shop's data centre (数据中心, like 生意参谋 / 商智): pick metrics, a
dimension, filters and a sort; get a table (and a chart) back.

A back-office tool, as a platform offers it: the metrics follow the course's
definitions (口径), written out in ``METRICS`` and in 01_core_metrics, and a
student uses the tool to find evidence and decide.  Graded tasks grade the
student's *choices* (which metric, which dimension, which period) and the
decisions they take from the result, never a number this tool prints (see
module3_analytics/TEACHER_NOTES.md).

Each query is one pass over the data: base measures (distinct visitors,
visits, paid buyers, GMV …) per group, then every metric is a base measure or
a ratio of two.  A ratio whose denominator is 0 is missing (shown as 无法计算),
never 0 and never ``inf``.

>>> import pandas as pd
>>> t = pd.DataFrame({"user_id": ["u1", "u1", "u2"], "date": pd.to_datetime(["2026-06-18"] * 3),
...                   "channel": ["直播"] * 3, "phase": ["爆发期"] * 3, "pages_viewed": [1, 3, 2],
...                   "added_to_cart": [True, False, True], "ordered": [False, False, True],
...                   "paid": [False, False, True], "is_new_customer": [True, True, False]})
>>> o = pd.DataFrame({"user_id": ["u2"], "date": pd.to_datetime(["2026-06-18"]), "channel": ["直播"],
...                   "phase": ["爆发期"], "paid_at": pd.to_datetime(["2026-06-18 10:00"]),
...                   "paid_amount": [399.0], "is_new_customer": [False]})
>>> dc = DataCentre(t, o)
>>> r = dc.run(Query(metrics=["UV", "访问次数", "转化率"], start="2026-06-18", end="2026-06-18"))
>>> r.table.to_dict("records")
[{'范围': '全部', 'UV': 2, '访问次数': 3, '转化率': 0.5}]
>>> dc.run(Query(metrics=["UV"], start="2026-07-01", end="2026-07-02")).messages[0]
'2026-07-01 至 2026-07-02 没有数据：店铺数据覆盖 2026-06-18 至 2026-06-18，请在这个范围内选择日期。'
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from ..messages import CourseError
from . import analytics as A

ALL_CHANNELS = "全部渠道"
ALL_PHASES = "全部阶段"
TOTAL = "合计"

#: dimension shown to the student -> (data column, result column)
DIMENSIONS = {
    "不拆分（整体）": (None, "范围"),
    "按日期": ("date", "日期"),
    "按渠道": ("channel", "渠道"),
    "按活动阶段": ("phase", "阶段"),
}
SORTS = ("按维度顺序", "按第一个指标从高到低", "按第一个指标从低到高")
CHARTS = ("只看表格", "柱状图", "折线图", "漏斗图")


@dataclass(frozen=True)
class Metric:
    """One metric of the data centre: a base measure, or numerator ÷ denominator."""

    name: str
    group: str
    numerator: str
    denominator: str | None = None
    definition: str = ""

    @property
    def kind(self) -> str:
        return A.metric_kind(self.name)


def _m(name, group, num, den=None, definition=""):
    return Metric(name, group, num, den, definition)


#: the course's definitions (口径); 01_core_metrics states them with their sources
METRICS: dict[str, Metric] = {
    m.name: m
    for m in [
        _m("UV", "流量", "UV", None, "统计期内去重的访客数（user_id 不重复计数）"),
        _m("PV", "流量", "PV", None, "浏览页数之和 Σ pages_viewed"),
        _m("访问次数", "流量", "访问次数", None, "访问记录的行数（一次访问 = 一次进店）"),
        _m("跳失率", "流量", "跳失访问次数", "访问次数", "只看了 1 页就离开的访问次数 ÷ 访问次数"),
        _m("加购人数", "转化（按人）", "加购人数", None, "有过加购的访客，按 user_id 去重"),
        _m("下单人数", "转化（按人）", "下单人数", None, "有过下单的访客，按 user_id 去重"),
        _m("支付人数", "转化（按人）", "支付人数", None, "有过支付的访客，按 user_id 去重"),
        _m("加购率", "转化（按人）", "加购人数", "UV", "加购人数 ÷ UV（[002] 加购转化率）"),
        _m("转化率", "转化（按人）", "支付人数", "UV", "支付人数 ÷ UV（[002] 支付转化率）"),
        _m("加购次数", "漏斗（按访问次数）", "加购次数", None, "加购了的访问次数"),
        _m("下单次数", "漏斗（按访问次数）", "下单次数", None, "下了单的访问次数"),
        _m("支付次数", "漏斗（按访问次数）", "支付次数", None, "付了款的访问次数"),
        _m("访问→加购", "漏斗（按访问次数）", "加购次数", "访问次数", "加购次数 ÷ 访问次数"),
        _m("加购→下单", "漏斗（按访问次数）", "下单次数", "加购次数", "下单次数 ÷ 加购次数"),
        _m("下单→支付", "漏斗（按访问次数）", "支付次数", "下单次数", "支付次数 ÷ 下单次数"),
        _m("GMV", "交易", "GMV", None, "已支付订单（paid_at 不为空，含之后退款的）的实付金额之和"),
        _m("支付买家数", "交易", "支付买家数", None, "已支付订单的买家，按 user_id 去重"),
        _m("客单价", "交易", "GMV", "支付买家数", "GMV ÷ 支付买家数"),
        _m("UV价值", "交易", "GMV", "UV", "GMV ÷ UV（[002] 销售额/UV）"),
        _m("新客占比", "用户", "新客买家数", "支付买家数", "有新客订单的支付买家数 ÷ 支付买家数"),
        _m(
            "复购率（统计期内）",
            "用户",
            "复购买家数",
            "支付买家数",
            "统计期内支付 2 笔及以上订单的买家数 ÷ 支付买家数（[002] 复购人数/购买人数）",
        ),
        _m("新客转化率", "用户", "新访客支付人数", "新访客数", "新访客中在这样的访问里支付的人数 ÷ 新访客数"),
    ]
}
METRIC_NAMES = tuple(METRICS)
FUNNEL_COUNTS = {
    "按人": ("UV", "加购人数", "下单人数", "支付人数"),
    "按访问次数": ("访问次数", "加购次数", "下单次数", "支付次数"),
}


@dataclass
class Query:
    """What a student picked in the data centre (the graded answer is these choices)."""

    metrics: list
    start: Any = None
    end: Any = None
    dimension: str = "不拆分（整体）"
    channel: str = ALL_CHANNELS
    phase: str = ALL_PHASES
    sort: str = SORTS[0]
    chart: str = CHARTS[0]


@dataclass
class Result:
    """A query's table (numbers, not formatted), what to tell the user, and timing."""

    query: Query
    table: Any = None
    messages: list = field(default_factory=list)
    seconds: float = 0.0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return self.table is not None and not self.messages

    @property
    def key(self) -> str | None:
        return DIMENSIONS.get(self.query.dimension, (None, None))[1]

    def groups(self):
        """The table without its 合计 row (what a chart draws)."""
        if self.table is None or self.key not in self.table or len(self.table) < 2:
            return self.table
        return self.table[self.table[self.key] != TOTAL].reset_index(drop=True)

    def formatted(self):
        """The table for reading: rates in %, money in 元, missing as 无法计算."""
        if self.table is None:
            return None
        cols = [c for c in self.table.columns if c in METRICS]
        return A.format_table(
            self.table,
            rates=[c for c in cols if A.metric_kind(c) == "rate"],
            money=[c for c in cols if A.metric_kind(c) == "money"],
            counts=[c for c in cols if A.metric_kind(c) == "count"],
        )


class DataCentre:
    """Queries over the shop's ``traffic`` and ``orders`` tables (loaded once)."""

    def __init__(self, traffic=None, orders=None):
        import pandas as pd

        from .. import data

        self.traffic = data.load("traffic") if traffic is None else traffic
        self.orders = data.load("orders") if orders is None else orders
        t = self.traffic
        present = set(map(str, pd.unique(t["channel"].dropna())))
        self.channels = [c for c in A.CHANNELS if c in present] + sorted(present - set(A.CHANNELS))
        phases = set(map(str, pd.unique(t["phase"].dropna())))
        self.phases = [p for p in A.PHASES if p in phases] + sorted(phases - set(A.PHASES))
        days = pd.to_datetime(t["date"]).to_numpy().astype("datetime64[D]")
        self.data_start = str(days.min()) if len(days) else None
        self.data_end = str(days.max()) if len(days) else None
        uid, _ = pd.factorize(pd.concat([t["user_id"], self.orders["user_id"]], ignore_index=True).astype("string"))
        uid[uid < 0] = uid.max() + 1  # a missing visitor id counts as one unknown visitor
        self._days = {}
        self._frames = {
            "traffic": self._prepared(t, uid[: len(t)]),
            "orders": self._prepared(self.orders, uid[len(t) :]),
        }

    def _prepared(self, df, codes):
        """A computing copy: day numbers, category codes, flags as bool, visitors as integers."""
        import numpy as np
        import pandas as pd

        out = pd.DataFrame(
            {
                "date": pd.to_datetime(df["date"]).dt.normalize(),
                "channel": pd.Categorical(df["channel"].astype("string"), categories=self.channels),
                "phase": pd.Categorical(df["phase"].astype("string"), categories=self.phases),
                "user_id": codes,
            }
        )
        for col in ("added_to_cart", "ordered", "paid", "is_new_customer"):
            if col in df:
                out[col] = df[col].astype("boolean").fillna(False).astype(bool).to_numpy()
        for col in ("pages_viewed", "paid_amount"):
            if col in df:
                out[col] = df[col].to_numpy()
        if "paid_at" in df:
            out["paid_at"] = np.where(df["paid_at"].notna(), 1.0, np.nan)
        days = out["date"].to_numpy().astype("datetime64[D]")
        self._days[id(out)] = days
        out["_day"] = days.astype("int64")
        return out

    # -- choosing -----------------------------------------------------------------
    def check(self, q: Query) -> list[str]:
        """Chinese messages for choices that cannot run (empty list = fine)."""
        problems = []
        unknown = [m for m in (q.metrics or []) if m not in METRICS]
        if not q.metrics:
            problems.append("请至少勾选一个指标。")
        elif unknown:
            problems.append(f"数据中心没有这些指标：{'、'.join(map(str, unknown))}。")
        if q.dimension not in DIMENSIONS:
            problems.append(f"拆分维度请从下拉框中选择（可选：{'、'.join(DIMENSIONS)}）。")
        try:
            if q.start in (None, "") or q.end in (None, ""):
                raise CourseError("请把开始日期和结束日期都填完整（例如 2026-06-15）。")
            A.check_period(q.start, q.end, self.data_start, self.data_end)
            A.check_choice(q.channel or ALL_CHANNELS, [ALL_CHANNELS, *self.channels], "渠道")
            A.check_choice(q.phase or ALL_PHASES, [ALL_PHASES, *self.phases], "活动阶段")
        except CourseError as exc:
            problems.append(str(exc))
        if q.chart == "漏斗图" and q.dimension != list(DIMENSIONS)[0]:
            problems.append(f"漏斗图画的是一段数据的整体漏斗：拆分维度请选“{list(DIMENSIONS)[0]}”，或换成柱状图。")
        if q.chart == "漏斗图" and not _funnel_counts(q.metrics or []):
            problems.append(
                "漏斗图需要一组人数或次数：勾选 UV、加购人数、下单人数、支付人数，"
                "或 访问次数、加购次数、下单次数、支付次数。"
            )
        return problems

    # -- running ------------------------------------------------------------------
    def run(self, q: Query) -> Result:
        """Run a query; never raises (problems are messages in the result)."""
        t0 = time.perf_counter()
        res = Result(q)
        res.messages = self.check(q)
        if not res.messages:
            try:
                res.table, res.rows = self._table(q)
            except CourseError as exc:
                res.messages.append(str(exc))
        res.seconds = time.perf_counter() - t0
        return res

    def _slice(self, name: str, q: Query):
        import numpy as np

        df = self._frames[name]
        s, e = A.check_period(q.start, q.end)
        days = self._days[id(df)]
        mask = (days >= np.datetime64(s)) & (days <= np.datetime64(e))
        if q.channel not in (None, "", ALL_CHANNELS):
            mask &= df["channel"].cat.codes.to_numpy() == self.channels.index(q.channel)
        if q.phase not in (None, "", ALL_PHASES):
            mask &= df["phase"].cat.codes.to_numpy() == self.phases.index(q.phase)
        return df[mask]

    def _table(self, q: Query):
        import pandas as pd

        t, o = self._slice("traffic", q), self._slice("orders", q)
        if t.empty:
            s, e = A.check_period(q.start, q.end)
            hint = (
                ""
                if q.phase in (None, "", ALL_PHASES)
                else f"「{q.phase}」只包含活动日历里的那几天，请确认日期与阶段重叠。"
            )
            raise CourseError(
                f"{s} 至 {e}、{q.channel or ALL_CHANNELS}、{q.phase or ALL_PHASES} 没有任何访问数据。{hint}"
            )
        col, label = DIMENSIONS[q.dimension]
        needed = needed_measures(q.metrics)
        out = _metrics(base_measures(t, o, col, needed), q.metrics).reset_index(drop=col is None)
        if col is None:
            out.insert(0, label, "全部")
        else:
            out = out.rename(columns={col: label})
            if col != "date":
                out[label] = out[label].astype(str)
            out = _in_order(out, label, self.channels if col == "channel" else self.phases if col == "phase" else None)
            if col == "date":
                out[label] = out[label].dt.strftime("%Y-%m-%d")
        if q.sort != SORTS[0] and len(out) > 1:
            out = out.sort_values(
                q.metrics[0], ascending=q.sort == SORTS[2], kind="mergesort", na_position="last"
            ).reset_index(drop=True)
        if col is not None:  # a split table ends with its total, as a data centre shows it
            total = _metrics(base_measures(t, o, None, needed), q.metrics)
            total.insert(0, label, TOTAL)
            out = pd.concat([out, total], ignore_index=True)
        return out, len(t)


def _metrics(base, names: list):
    """The chosen metrics from the base measures (a ratio with a 0 denominator is missing)."""
    out = base[[]].copy()
    for name in names:
        m = METRICS[name]
        if m.denominator is None:
            out[name] = base[m.numerator].astype("int64" if m.kind == "count" else "float64")
        else:
            out[name] = base[m.numerator].astype("float64") / base[m.denominator].where(base[m.denominator] > 0)
    return out


def _in_order(df, column: str, order: list | None):
    if order is None:
        return df.sort_values(column, kind="mergesort").reset_index(drop=True)
    rank = {v: i for i, v in enumerate(order)}
    ordered = df.assign(_r=df[column].map(rank)).sort_values("_r", kind="mergesort")
    return ordered.drop(columns="_r").reset_index(drop=True)


def _funnel_counts(metrics: list) -> tuple | None:
    for steps in FUNNEL_COUNTS.values():
        if all(s in metrics for s in steps):
            return steps
    return None


#: the base measures each one needs computed first (all are one pass of ``np.bincount`` per group)
TRAFFIC_MEASURES = (
    "访问次数",
    "PV",
    "跳失访问次数",
    "加购次数",
    "下单次数",
    "支付次数",
    "UV",
    "加购人数",
    "下单人数",
    "支付人数",
    "新访客数",
    "新访客支付人数",
)
ORDER_MEASURES = ("GMV", "支付买家数", "复购买家数", "新客买家数")


def base_measures(traffic, orders, by: str | None, needed=None):
    """Counts and sums per group of ``by`` (or for all rows): what every metric is made of.

    ``traffic`` / ``orders`` are the data centre's prepared tables (integer visitor
    codes, category codes, ``_day`` numbers); only the ``needed`` measures are
    computed.  Groups are those present in ``traffic``, in their natural order.
    """
    import pandas as pd

    needed = list(needed or (*TRAFFIC_MEASURES, *ORDER_MEASURES))
    groups, it, io = _group_rows(traffic, orders, by)
    make = _measure_makers(traffic, orders, it, io, len(groups))
    out = pd.DataFrame({m: make[m]() for m in needed}, index=_labels(traffic, by, groups))
    for c in out.columns:
        out[c] = out[c].astype("float64" if c == "GMV" else "int64")
    return out


def _group_keys(df, by: str | None):
    import numpy as np

    if by is None:
        return np.zeros(len(df), np.int64)
    if by == "date":
        return df["_day"].to_numpy(np.int64)
    return df[by].cat.codes.to_numpy().astype(np.int64)


def _group_rows(traffic, orders, by: str | None):
    """(the group keys present in ``traffic``, the group number of each traffic row, of each order row);
    -1 for a row outside every group (a missing category, an order of a group without traffic)."""
    import numpy as np

    kt, ko = _group_keys(traffic, by), _group_keys(orders, by)
    ok_t = kt >= 0
    top = int(kt[ok_t].max()) + 1 if ok_t.any() else 0
    groups = np.flatnonzero(np.bincount(kt[ok_t], minlength=top)) if top else np.zeros(0, np.int64)
    lookup = np.full(top + 1, -1, np.int64)  # key -> group number; the last slot: "no such group"
    lookup[groups] = np.arange(len(groups))
    return groups, lookup[np.where(ok_t, kt, top)], lookup[np.where((ko >= 0) & (ko < top), ko, top)]


def _measure_makers(traffic, orders, it, io, size: int) -> dict:
    """{measure: a function computing it per group}: one ``np.bincount`` pass each, run only when needed."""
    import numpy as np
    import pandas as pd

    ok_t, ok_o = it >= 0, io >= 0
    users = int(max(traffic["user_id"].max() if len(traffic) else 0, orders["user_id"].max() if len(orders) else 0)) + 1
    ut, uo = traffic["user_id"].to_numpy(np.int64), orders["user_id"].to_numpy(np.int64)

    def count(idx, mask, weights=None):
        return np.bincount(idx[mask], weights=None if weights is None else weights[mask], minlength=size)

    def distinct(idx, uid, mask):
        pairs = pd.unique(idx[mask] * users + uid[mask])  # a hash table: faster than sorting here
        return np.bincount(pairs // users, minlength=size)

    flag = {c: traffic[c].to_numpy(bool) for c in ("added_to_cart", "ordered", "paid", "is_new_customer")}
    paid = ok_o & ~np.isnan(orders["paid_at"].to_numpy(float))
    pages = traffic["pages_viewed"].to_numpy(float)
    return {
        "访问次数": lambda: count(it, ok_t),
        "PV": lambda: count(it, ok_t, pages),
        "跳失访问次数": lambda: count(it, ok_t & (pages == 1)),
        "加购次数": lambda: count(it, ok_t & flag["added_to_cart"]),
        "下单次数": lambda: count(it, ok_t & flag["ordered"]),
        "支付次数": lambda: count(it, ok_t & flag["paid"]),
        "UV": lambda: distinct(it, ut, ok_t),
        "加购人数": lambda: distinct(it, ut, ok_t & flag["added_to_cart"]),
        "下单人数": lambda: distinct(it, ut, ok_t & flag["ordered"]),
        "支付人数": lambda: distinct(it, ut, ok_t & flag["paid"]),
        "新访客数": lambda: distinct(it, ut, ok_t & flag["is_new_customer"]),
        "新访客支付人数": lambda: distinct(it, ut, ok_t & flag["is_new_customer"] & flag["paid"]),
        "GMV": lambda: np.round(count(io, paid, orders["paid_amount"].to_numpy(float)), 2),
        "支付买家数": lambda: distinct(io, uo, paid),
        "复购买家数": lambda: _repeat_buyers(io, uo, paid, users, size),
        "新客买家数": lambda: distinct(io, uo, paid & orders["is_new_customer"].to_numpy(bool)),
    }


def _repeat_buyers(idx, uid, mask, users: int, size: int):
    import numpy as np

    pairs, n = np.unique(idx[mask] * users + uid[mask], return_counts=True)
    return np.bincount(pairs[n >= 2] // users, minlength=size)


def _labels(traffic, by: str | None, groups):
    import numpy as np
    import pandas as pd

    if by is None:
        return pd.RangeIndex(len(groups))
    if by == "date":
        return pd.Index(pd.to_datetime(groups.astype("datetime64[D]")), name=by)
    return pd.Index(np.asarray(traffic[by].cat.categories)[groups], name=by)


def needed_measures(metrics: list) -> list:
    """The base measures a list of metrics is made of."""
    out = []
    for name in metrics:
        m = METRICS[name]
        for part in (m.numerator, m.denominator):
            if part and part not in out:
                out.append(part)
    return out
