"""The 挑战 dashboard of module 3 (05_review_dashboard, optional): it runs a
metric function the student wrote.

The dashboard (活动复盘看板): pick a date range, a channel and a phase; the
metrics and the funnel update at once.  It does not know how any metric is
defined: it takes **the student's own metric function** ``core_metrics(traffic,
orders)`` (the optional 挑战 of 05_review_dashboard), and only filters the
data, calls that function, formats what it returns and draws the funnel from
the counts it returns.  A student's wrong definition shows up in the dashboard
too.  (The course's own definitions are in the data centre,
``course.tools.datacentre``, which the required steps use.)

Contract of the metric function: ``fn(traffic, orders) -> dict`` (or Series)
of metric name -> number; for the funnel it must include ``UV``, ``加购人数``,
``下单人数``, ``支付人数``.  Rates are names ending in 率 or 占比; money is GMV,
客单价, UV价值 or a name ending in 额.

Bad input never ends in a traceback: an empty date range, a mistyped channel,
zero UV, a metric function that divides by zero or returns NaN -- each gives a
Chinese message in the dashboard, and NaN is never shown as a rate.

>>> import course, pandas as pd
>>> _ = course.start("module3_analytics", "doc_dashboard", quiet=True)
>>> t = pd.DataFrame({"date": pd.to_datetime(["2026-06-18"] * 2), "channel": ["直播", "直播"],
...                   "phase": ["爆发期", "爆发期"], "user_id": ["u1", "u2"]})
>>> o = pd.DataFrame({"date": pd.to_datetime(["2026-06-18"]), "channel": ["直播"], "phase": ["爆发期"]})
>>> d = Dashboard(lambda t, o: {"访问次数": len(t)}, traffic=t, orders=o)
>>> v = d.compute(start="2026-06-18", end="2026-06-18", channel="直播")
>>> v.metrics
{'访问次数': 2}
>>> d.compute(start="2026-06-18", end="2026-06-18", channel="直搏").messages[0]
'没有名为「直搏」的渠道，你是不是想写「直播」？可选：全部渠道、自然搜索、付费广告、平台首页推荐、社群引流、直播。'
"""

from __future__ import annotations

import html
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..messages import CourseError
from ..tools import analytics as A
from .base import Form
from .fields import Choice, Date

ALL_CHANNELS = "全部渠道"
ALL_PHASES = "全部阶段"
FUNNEL_KEYS = ("UV", "加购人数", "下单人数", "支付人数")


metric_kind = A.metric_kind
format_metric = A.format_metric


@dataclass
class DashboardView:
    """One recomputation: the filters used, the metrics, the funnel counts,
    the messages for the user and how long it took."""

    filters: dict
    metrics: dict = field(default_factory=dict)
    funnel: dict = field(default_factory=dict)
    messages: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    seconds: float = 0.0
    rows: int = 0

    @property
    def ok(self) -> bool:
        return bool(self.metrics)

    def text(self) -> str:
        f = self.filters
        lines = [
            f"【看板】{f.get('start')} 至 {f.get('end')} · {f.get('channel')} · {f.get('phase')}"
            f"（{self.rows:,} 次访问，计算用时 {self.seconds:.2f} 秒）"
        ]
        for k, v in self.metrics.items():
            lines.append(f"  {k}：{format_metric(k, v)}")
        if self.funnel:
            steps = list(self.funnel.items())
            lines.append("  人数漏斗：" + " → ".join(f"{n} {c:,.0f}" for n, c in steps))
            steps = A.step_rates(self.funnel)
            lines.append("  环节转化：" + "；".join(f"{lab} {A.format_rate(r, 1)}" for lab, r in steps))
        lines.extend(f"  • {m}" for m in self.notes)
        lines.extend(f"  ⚠ {m}" for m in self.messages)
        return "\n".join(lines)

    def _repr_html_(self) -> str:  # pragma: no cover - notebook display
        return render_html(self)

    def __repr__(self) -> str:
        return self.text()


class Dashboard(Form):
    """The 活动复盘看板 form.  ``metrics`` is the student's metric function."""

    key = "dashboard"
    title = "活动复盘看板"

    def __init__(
        self,
        metrics: Callable | None,
        traffic=None,
        orders=None,
        *,
        key: str | None = None,
        start: str | None = None,
        end: str | None = None,
        conversion_target: float | None = None,
    ):
        import numpy as np
        import pandas as pd

        if traffic is None or orders is None:
            from .. import data

            traffic = data.load("traffic") if traffic is None else traffic
            orders = data.load("orders") if orders is None else orders
        for name, df in (("traffic", traffic), ("orders", orders)):
            missing = [c for c in ("date", "channel", "phase") if c not in df.columns]
            if missing:
                raise CourseError(
                    f"看板需要 {name} 表里有列：{'、'.join(missing)}。请传入从 course.data.load 读取的原始表。"
                )
        self.metric_fn = metrics
        self.traffic, self.orders = traffic, orders
        if conversion_target is None:
            from .. import settings

            conversion_target = float(settings.threshold("analytics", "conversion_target"))
        self.conversion_target = conversion_target
        present = {str(c) for df in (traffic, orders) for c in pd.unique(df["channel"].dropna())}
        self.channels = list(A.CHANNELS) + sorted(present - set(A.CHANNELS))
        phases = set(map(str, pd.unique(traffic["phase"].dropna())))
        self.phases = list(A.PHASES) + sorted(phases - set(A.PHASES))
        # fast filtering: day numbers and category codes, computed once
        self._idx = {}
        for name, df in (("traffic", traffic), ("orders", orders)):
            day = pd.to_datetime(df["date"]).to_numpy().astype("datetime64[D]")
            ch = pd.Categorical(df["channel"].astype("string"), categories=self.channels)
            ph = pd.Categorical(df["phase"].astype("string"), categories=self.phases)
            self._idx[name] = (day, np.asarray(ch.codes), np.asarray(ph.codes))
        if start is None or end is None:
            cal = A.campaign_calendar()
            start, end = start or cal.start, end or cal.end
        tday = self._idx["traffic"][0]
        self.data_start = str(tday.min()) if len(tday) else None
        self.data_end = str(tday.max()) if len(tday) else None
        fields = [
            Date("start", "开始日期", default=start, help=f"数据范围 {self.data_start} 至 {self.data_end}"),
            Date("end", "结束日期", default=end),
            Choice("channel", "渠道", options=[ALL_CHANNELS, *self.channels], default=ALL_CHANNELS),
            Choice("phase", "活动阶段", options=[ALL_PHASES, *self.phases], default=ALL_PHASES),
        ]
        super().__init__(
            key or self.key,
            self.title,
            fields,
            description="改任意一项，下面的指标和漏斗立即重新计算（用的是你自己写的指标函数）。",
        )
        self.last: DashboardView | None = None

    # -- computing ---------------------------------------------------------------
    def check(self, values: dict) -> list[str]:
        try:
            A.check_period(values["start"], values["end"], self.data_start, self.data_end)
        except CourseError as exc:
            return [str(exc)]
        return []

    def compute(
        self, start: Any = None, end: Any = None, channel: Any = ALL_CHANNELS, phase: Any = ALL_PHASES
    ) -> DashboardView:
        """Filter, call the metric function, check what it returned.  Never raises."""
        import numpy as np

        t0 = time.perf_counter()
        view = DashboardView(
            {"start": start, "end": end, "channel": channel or ALL_CHANNELS, "phase": phase or ALL_PHASES}
        )
        try:
            if start in (None, "") or end in (None, ""):
                raise CourseError("请把开始日期和结束日期都填完整（例如 2026-06-15）。")
            s, e = A.check_period(start, end, self.data_start, self.data_end)
            view.filters.update(start=str(s), end=str(e))
            ch = A.check_choice(view.filters["channel"], [ALL_CHANNELS, *self.channels], "渠道")
            ph = A.check_choice(view.filters["phase"], [ALL_PHASES, *self.phases], "活动阶段")
            view.filters.update(channel=ch, phase=ph)
            subsets = {}
            for name, df in (("traffic", self.traffic), ("orders", self.orders)):
                day, chc, phc = self._idx[name]
                mask = (day >= np.datetime64(s)) & (day <= np.datetime64(e))
                if ch != ALL_CHANNELS:
                    mask &= chc == self.channels.index(ch)
                if ph != ALL_PHASES:
                    mask &= phc == self.phases.index(ph)
                subsets[name] = df[mask]
            view.rows = len(subsets["traffic"])
            if view.rows == 0:
                hint = ""
                if ph != ALL_PHASES:
                    hint = f"注意「{ph}」只包含活动日历中的那几天，请确认日期范围与阶段重叠。"
                raise CourseError(f"{s} 至 {e}、{ch}、{ph} 没有任何访问数据，指标无法计算。{hint}")
            if self.metric_fn is None:
                raise CourseError(
                    "看板需要你的指标函数：请先完成上面定义 core_metrics(traffic, orders) 的单元格"
                    "并运行，再重新创建看板 Dashboard(core_metrics)。"
                )
            result = self._call(subsets["traffic"], subsets["orders"], view)
            if result is not None:
                view.metrics = result
                self._funnel(view)
                if "转化率" in result and not A.is_missing(result["转化率"]):
                    view.notes.append(A.gap_to_target(result["转化率"], self.conversion_target))
        except CourseError as exc:
            view.messages.insert(0, str(exc))
        view.seconds = time.perf_counter() - t0
        self.last = view
        return view

    def _call(self, traffic, orders, view: DashboardView) -> dict | None:
        try:
            out = self.metric_fn(traffic, orders)
        except ZeroDivisionError:
            view.messages.append(
                "你的指标函数在分母为 0 时出错（ZeroDivisionError）："
                "所选范围内某个分母（如 UV、买家数）是 0。"
                "请用 course.tools.analytics.safe_rate(分子, 分母) 计算比率。"
            )
            return None
        except CourseError as exc:
            view.messages.append(str(exc))
            return None
        except Exception as exc:  # noqa: BLE001 - a student's function may fail in any way
            view.messages.append(
                f"你的指标函数出错：{type(exc).__name__}: {exc}。请先在上面的单元格用全部数据试运行它。"
            )
            return None
        if hasattr(out, "to_dict") and not hasattr(out, "columns"):
            out = out.to_dict()
        if not isinstance(out, dict) or not out:
            view.messages.append(f"指标函数应返回一个字典（指标名 → 数值），现在返回的是 {type(out).__name__}。")
            return None
        clean = {}
        for k, v in out.items():
            if isinstance(v, A.Unavailable):
                clean[str(k)] = v
                continue
            if hasattr(v, "item") and getattr(v, "shape", None) == ():
                v = v.item()
            if isinstance(v, bool) or (v is not None and not isinstance(v, (int, float))):
                view.messages.append(f"指标「{k}」不是一个数字（是 {type(v).__name__}），看板不显示它。")
                continue
            if v is None or (isinstance(v, float) and not math.isfinite(v)):
                kind = "比率" if metric_kind(k) == "rate" else "数值"
                view.messages.append(
                    f"指标「{k}」的结果是空值/NaN：分母可能为 0 或数据缺失，看板显示为“无法计算”"
                    f"（不是 0）。请在函数里用 safe_rate 处理这个{kind}。"
                )
                clean[str(k)] = A.Unavailable(str(k), "分母为 0 或数据缺失")
                continue
            clean[str(k)] = v
        return clean

    def _funnel(self, view: DashboardView) -> None:
        m = view.metrics
        missing = [k for k in FUNNEL_KEYS if k not in m]
        if missing:
            view.messages.append(f"要画漏斗，指标函数的结果还需要包含：{'、'.join(missing)}。")
            return
        if any(isinstance(m[k], A.Unavailable) for k in FUNNEL_KEYS):
            view.messages.append("漏斗的人数里有无法计算的值，漏斗不显示。")
            return
        view.funnel = dict(zip(A.FUNNEL_STEPS, (float(m[k]) for k in FUNNEL_KEYS)))

    # -- showing -----------------------------------------------------------------
    def preview(self, values: dict, raw: dict) -> str:
        view = self.compute(
            values.get("start"),
            values.get("end"),
            values.get("channel") or ALL_CHANNELS,
            values.get("phase") or ALL_PHASES,
        )
        if values.get("start") is None and raw.get("start"):
            start_field = next(f for f in self.fields if f.name == "start")
            view.messages.insert(0, start_field.parse(raw["start"])[1])
        return render_html(view)

    def view(self, start: Any = None, end: Any = None, channel: Any = None, phase: Any = None) -> DashboardView:
        """Compute for these filters (missing ones from the saved form) and show the result."""
        saved = self.values or {}
        defaults = {f.name: f.default for f in self.fields}
        pick = lambda k, v: v if v is not None else (saved.get(k) or defaults[k])  # noqa: E731
        v = self.compute(pick("start", start), pick("end", end), pick("channel", channel), pick("phase", phase))
        try:
            from IPython import get_ipython
            from IPython.display import HTML, display

            if get_ipython() is not None:
                display(HTML(render_html(v)))
        except ImportError:  # pragma: no cover
            pass
        print(v.text())
        return v

    def chart(self, view: DashboardView | None = None):
        """The funnel of the last (or given) view as a matplotlib chart."""
        view = view or self.last
        if view is None or not view.funnel:
            print("⚠ 还没有可以画的漏斗：" + ("；".join(view.messages) if view else "请先运行 dashboard.view(...)。"))
            return None
        f = view.filters
        title = f"人数漏斗：{f['start']} 至 {f['end']} · {f['channel']} · {f['phase']}"
        return A.funnel_chart(view.funnel, title=title)


def render_html(view: DashboardView) -> str:
    """The view as HTML: metric tiles, a funnel of bars, messages."""
    esc = html.escape
    f = view.filters
    parts = [
        f"<div class='course-dashboard' style='font-size:13px'>"
        f"<div style='color:#555;margin:4px 0'>{esc(str(f.get('start')))} 至 {esc(str(f.get('end')))} · "
        f"{esc(str(f.get('channel')))} · {esc(str(f.get('phase')))} · {view.rows:,} 次访问 · "
        f"计算用时 {view.seconds:.2f} 秒</div>"
    ]
    if view.messages:
        parts.append(
            "<ul class='course-dashboard-messages' style='color:#b35900;margin:4px 0'>"
            + "".join(f"<li>{esc(m)}</li>" for m in view.messages)
            + "</ul>"
        )
    if view.metrics:
        tiles = "".join(
            f"<div style='display:inline-block;min-width:118px;margin:3px;padding:6px 8px;border:1px solid #ddd;"
            f"border-radius:4px'><div style='color:#666;font-size:12px'>{esc(k)}</div>"
            f"<div style='font-size:16px;font-weight:bold'>{esc(format_metric(k, v))}</div></div>"
            for k, v in view.metrics.items()
        )
        parts.append(f"<div class='course-dashboard-metrics'>{tiles}</div>")
    if view.funnel:
        top = max(view.funnel.values()) or 1.0
        rates = dict(A.step_rates(view.funnel))
        rows, prev = [], None
        for name, count in view.funnel.items():
            rate = "" if prev is None else f"（{esc(prev)}→{esc(name)} {A.format_rate(rates[f'{prev}→{name}'], 1)}）"
            width = max(2.0, 100.0 * count / top)
            rows.append(
                f"<div style='margin:2px 0'><span style='display:inline-block;width:48px'>{esc(name)}</span>"
                f"<span style='display:inline-block;background:#4C72B0;height:14px;width:{width * 3:.0f}px;"
                f"vertical-align:middle'></span> {count:,.0f} 人 {rate}</div>"
            )
            prev = name
        parts.append(
            "<div class='course-dashboard-funnel' style='margin-top:6px'><b>人数漏斗</b>" + "".join(rows) + "</div>"
        )
    if view.notes:
        parts.append(
            "<div class='course-dashboard-notes' style='color:#333;margin:4px 0'>"
            + "".join(f"<div>• {esc(n)}</div>" for n in view.notes)
            + "</div>"
        )
    parts.append("</div>")
    return "".join(parts)
