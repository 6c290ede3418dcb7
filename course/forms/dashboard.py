"""Module 3's back-office forms for the review: the budget plan (03), the
action plan (05), and the 挑战 dashboard (05, optional) that runs a metric
function the student wrote.

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
from dataclasses import dataclass, field
from typing import Any, Callable

from ..messages import CourseError
from ..tools import analytics as A
from ..tools import review_rules as RR
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
        lines = [f"【看板】{f.get('start')} 至 {f.get('end')} · {f.get('channel')} · {f.get('phase')}"
                 f"（{self.rows:,} 次访问，计算用时 {self.seconds:.2f} 秒）"]
        for k, v in self.metrics.items():
            lines.append(f"  {k}：{format_metric(k, v)}")
        if self.funnel:
            steps = list(self.funnel.items())
            lines.append("  人数漏斗：" + " → ".join(f"{n} {c:,.0f}" for n, c in steps))
            lines.append("  环节转化：" + "；".join(f"{lab} {A.format_rate(r, 1)}" for lab, r in A.step_rates(self.funnel)))
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

    def __init__(self, metrics: Callable | None, traffic=None, orders=None, *, key: str | None = None,
                 start: str | None = None, end: str | None = None, conversion_target: float | None = None):
        import numpy as np
        import pandas as pd

        if traffic is None or orders is None:
            from .. import data

            traffic = data.load("traffic") if traffic is None else traffic
            orders = data.load("orders") if orders is None else orders
        for name, df in (("traffic", traffic), ("orders", orders)):
            missing = [c for c in ("date", "channel", "phase") if c not in df.columns]
            if missing:
                raise CourseError(f"看板需要 {name} 表里有列：{'、'.join(missing)}。请传入从 course.data.load 读取的原始表。")
        self.metric_fn = metrics
        self.traffic, self.orders = traffic, orders
        if conversion_target is None:
            from .. import settings

            conversion_target = float(settings.threshold("analytics", "conversion_target"))
        self.conversion_target = conversion_target
        present = set(map(str, pd.unique(traffic["channel"].dropna()))) | set(map(str, pd.unique(orders["channel"].dropna())))
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
        super().__init__(key or self.key, self.title, fields,
                         description="改任意一项，下面的指标和漏斗立即重新计算（用的是你自己写的指标函数）。")
        self.last: DashboardView | None = None

    # -- computing ---------------------------------------------------------------
    def check(self, values: dict) -> list[str]:
        try:
            A.check_period(values["start"], values["end"], self.data_start, self.data_end)
        except CourseError as exc:
            return [str(exc)]
        return []

    def compute(self, start: Any = None, end: Any = None, channel: Any = ALL_CHANNELS,
                phase: Any = ALL_PHASES) -> DashboardView:
        """Filter, call the metric function, check what it returned.  Never raises."""
        import numpy as np

        t0 = time.perf_counter()
        view = DashboardView({"start": start, "end": end, "channel": channel or ALL_CHANNELS,
                              "phase": phase or ALL_PHASES})
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
                raise CourseError("看板需要你的指标函数：请先完成上面定义 core_metrics(traffic, orders) 的单元格"
                                  "并运行，再重新创建看板 Dashboard(core_metrics)。")
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
            view.messages.append("你的指标函数在分母为 0 时出错（ZeroDivisionError）：所选范围内某个分母（如 UV、买家数）是 0。"
                                 "请用 course.tools.analytics.safe_rate(分子, 分母) 计算比率。")
            return None
        except CourseError as exc:
            view.messages.append(str(exc))
            return None
        except Exception as exc:  # noqa: BLE001 - a student's function may fail in any way
            view.messages.append(f"你的指标函数出错：{type(exc).__name__}: {exc}。请先在上面的单元格用全部数据试运行它。")
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
                view.messages.append(f"指标「{k}」的结果是空值/NaN：分母可能为 0 或数据缺失，看板显示为“无法计算”"
                                     f"（不是 0）。请在函数里用 safe_rate 处理这个{kind}。")
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
        view = self.compute(values.get("start"), values.get("end"), values.get("channel") or ALL_CHANNELS,
                            values.get("phase") or ALL_PHASES)
        if values.get("start") is None and raw.get("start"):
            view.messages.insert(0, "开始日期请写成“年-月-日”，例如 2026-06-15。")
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
        return A.funnel_chart(view.funnel, title=f"人数漏斗：{f['start']} 至 {f['end']} · {f['channel']} · {f['phase']}")


def render_html(view: DashboardView) -> str:
    """The view as HTML: metric tiles, a funnel of bars, messages."""
    esc = html.escape
    f = view.filters
    parts = [f"<div class='course-dashboard' style='font-size:13px'>"
             f"<div style='color:#555;margin:4px 0'>{esc(str(f.get('start')))} 至 {esc(str(f.get('end')))} · "
             f"{esc(str(f.get('channel')))} · {esc(str(f.get('phase')))} · {view.rows:,} 次访问 · "
             f"计算用时 {view.seconds:.2f} 秒</div>"]
    if view.messages:
        parts.append("<ul class='course-dashboard-messages' style='color:#b35900;margin:4px 0'>"
                     + "".join(f"<li>{esc(m)}</li>" for m in view.messages) + "</ul>")
    if view.metrics:
        tiles = "".join(
            f"<div style='display:inline-block;min-width:118px;margin:3px;padding:6px 8px;border:1px solid #ddd;"
            f"border-radius:4px'><div style='color:#666;font-size:12px'>{esc(k)}</div>"
            f"<div style='font-size:16px;font-weight:bold'>{esc(format_metric(k, v))}</div></div>"
            for k, v in view.metrics.items())
        parts.append(f"<div class='course-dashboard-metrics'>{tiles}</div>")
    if view.funnel:
        top = max(view.funnel.values()) or 1.0
        rates = dict(A.step_rates(view.funnel))
        rows, prev = [], None
        for name, count in view.funnel.items():
            rate = "" if prev is None else f"（{esc(prev)}→{esc(name)} {A.format_rate(rates[f'{prev}→{name}'], 1)}）"
            width = max(2.0, 100.0 * count / top)
            rows.append(f"<div style='margin:2px 0'><span style='display:inline-block;width:48px'>{esc(name)}</span>"
                        f"<span style='display:inline-block;background:#4C72B0;height:14px;width:{width * 3:.0f}px;"
                        f"vertical-align:middle'></span> {count:,.0f} 人 {rate}</div>")
            prev = name
        parts.append("<div class='course-dashboard-funnel' style='margin-top:6px'><b>人数漏斗</b>" + "".join(rows) + "</div>")
    if view.notes:
        parts.append("<div class='course-dashboard-notes' style='color:#333;margin:4px 0'>"
                     + "".join(f"<div>• {esc(n)}</div>" for n in view.notes) + "</div>")
    parts.append("</div>")
    return "".join(parts)


# -- module 3's other back-office forms --------------------------------------------

BUDGET_FIELDS = {"付费广告": "paid_ads", "平台首页推荐": "homepage", "社群引流": "community", "直播": "live"}
RESERVE_LABEL = RR.RESERVE


class BudgetForm(Form):
    """下次大促的推广预算分配 (exercise 3).

    The form shows this campaign's spend per paid channel (raw data) and checks
    the rules a finance back office enforces: the same total, a risk reserve,
    no channel raised beyond the cap, and -- by the student's own ROI table,
    when given -- no money added to a channel under the ROI floor.  It does not
    know the right allocation.  ``answers()`` adds which channels the plan cuts
    by at least ``analytics.budget_min_cut`` and which it raises.
    """

    key = "budget"
    title = "下次大促推广预算分配"

    def __init__(self, roi: dict | None = None, *, key: str | None = None, current: dict | None = None):
        from .. import settings
        from ..text import show
        from .fields import Number, TextArea

        self.current = dict(current) if current is not None else RR.campaign_spend()
        self.roi = {k: v for k, v in (roi or {}).items() if k in BUDGET_FIELDS}
        self.floor = float(settings.threshold("analytics", "roi_floor"))
        self.reserve_share = float(settings.threshold("campaign", "risk_reserve_share"))
        self.max_increase = float(settings.threshold("analytics", "budget_max_increase"))
        self.min_cut = float(settings.threshold("analytics", "budget_min_cut"))
        fields = [Number(name, f"{ch}（元）", decimals=2, minimum=0, unit="元",
                         help=f"本次花费 {A.format_money(self.current.get(ch, 0.0))}")
                  for ch, name in BUDGET_FIELDS.items()]
        fields.append(Number("reserve", f"{RESERVE_LABEL}（元）", decimals=2, minimum=0, unit="元",
                             help=f"至少占总预算的 {show(self.reserve_share, 'share')}（来源文档：预算中预留风险准备金）"))
        fields.append(TextArea("reason", "调整理由", rows=3, placeholder="用 ROI 和毛利的数字说明为什么这样挪预算"))
        total = sum(self.current.values())
        super().__init__(key or self.key, self.title, fields,
                         description=f"总额 = 本次活动四个付费渠道的花费之和 {A.format_money(total)}（只“挪”不“加”）；"
                                     f"ROI 低于 {self.floor:g} 的渠道至少减少 {show(self.min_cut, 'share')}；"
                                     f"单个渠道最多增加 {show(self.max_increase, 'share')}。")

    @staticmethod
    def _plan(values: dict) -> dict:
        plan = {ch: values.get(name) for ch, name in BUDGET_FIELDS.items()}
        plan[RESERVE_LABEL] = values.get("reserve")
        return plan

    def check(self, values: dict) -> list[str]:
        plan = self._plan(values)
        total = sum(float(v) for v in plan.values() if v is not None)
        cur = sum(self.current.values())
        problems = []
        if not RR.budget_total_ok(plan, self.current):
            problems.append(f"预算总额 {A.format_money(total)} 与本次活动推广总花费 {A.format_money(cur)} 不一致："
                            "这次是把同样多的钱重新分配，请让总额相同（误差 1% 以内）。")
        if total > 0 and not RR.budget_reserve_ok(plan):
            problems.append(f"风险准备金只占 {A.format_rate((plan[RESERVE_LABEL] or 0) / total, 1)}，"
                            f"至少要占总预算的 {_pct(self.reserve_share)}。")
        for ch, now in self.current.items():
            new = plan.get(ch)
            if new is None or now <= 0:
                continue
            if new > now * (1 + self.max_increase) + 0.005:
                problems.append(f"「{ch}」从 {A.format_money(now)} 增加到 {A.format_money(new)}，"
                                f"超过了 {_pct(self.max_increase)} 的上限：流量有天花板，加钱不一定等比例带来成交。")
            r = self.roi.get(ch)
            if r is not None and not A.is_missing(r) and float(r) < self.floor and new > now * (1 - self.min_cut) + 0.005:
                problems.append(f"「{ch}」按你算的 ROI 低于 {self.floor:g}，预算至少要减少 {_pct(self.min_cut)}。")
        if len(RR._plain(values.get("reason"))) < 15:
            problems.append("调整理由太短：请用数字说明（例如哪个渠道 ROI 多少、为什么减、加给谁）。")
        return problems

    def preview(self, values: dict, raw: dict) -> str:
        plan = self._plan(values)
        rows = []
        for ch in [*BUDGET_FIELDS, RESERVE_LABEL]:
            now = self.current.get(ch)
            new = plan.get(ch)
            change = f"{(new - now) / now:+.0%}" if now and new is not None else ""
            rows.append(f"<tr><td>{html.escape(ch)}</td><td>{A.format_money(now) if now is not None else '—'}</td>"
                        f"<td>{A.format_money(new) if new is not None else '（未填）'}</td><td>{change}</td></tr>")
        total = sum(float(v) for v in plan.values() if v is not None)
        return ("<table class='course-budget-preview'><tr><th>渠道</th><th>本次花费</th><th>下次预算</th><th>变化</th></tr>"
                + "".join(rows) + f"<tr><td><b>合计</b></td><td>{A.format_money(sum(self.current.values()))}"
                f"</td><td><b>{A.format_money(total)}</b></td><td></td></tr></table>")

    def answers(self) -> dict | None:
        vals = super().answers()
        if vals is None:
            return None
        out = self._plan(vals)
        out["理由"] = vals.get("reason")
        cuts, raises = RR.budget_changes(out, self.current)
        out["明显减少的渠道"] = cuts
        out["增加的渠道"] = raises
        return out


def _pct(x: float) -> str:
    from ..text import show

    return show(x, "share")


ACTION_FIELDS = dict(zip(("problem", "action", "target", "deadline"), RR.ACTION_COLUMNS))


class ActionPlanForm(Form):
    """复盘行动清单 (exercise 5): 3-6 rows of problem (with its number and cause) →
    concrete action → metric and target → date.  The form's checks are about
    *checkability* (a number in the problem and the target, an action that says
    where and how much, a date after the review); whether the problems are the
    right ones is graded elsewhere.  ``answers()``: ``{"行动": rows, "全文": text}``.
    """

    key = "action_plan"
    title = "复盘行动清单"

    def __init__(self, *, key: str | None = None):
        from .fields import Repeat, Text

        self.after = RR.review_date()
        lo, hi = RR.ACTION_ROWS
        sub = [Text(n, label) if n != "deadline" else Date(n, label) for n, label in ACTION_FIELDS.items()]
        fields = [Repeat("rows", "行动清单", fields=sub, min_rows=lo, max_rows=hi, add_label="添加一条",
                         default=[{} for _ in range(lo)],
                         help="每行一条：问题要带数字，行动要写清在哪里做什么、做到多少，目标值要能检查。")]
        super().__init__(key or self.key, self.title, fields,
                         description="像给团队布置任务一样写：下次大促前谁看了都知道做什么、做到多少、哪天检查。")

    def check(self, values: dict) -> list[str]:
        problems = []
        for i, row in enumerate(values.get("rows") or [], 1):
            if not any(ch.isdigit() for ch in str(row.get("problem") or "")):
                problems.append(f"第 {i} 条：问题里没有数字，请写出数据证据（例如“活动期加购→下单只有 X%”）。")
            problems.extend(f"第 {i} 条：{m}" for m in RR.check_action(row.get("action")))
            problems.extend(f"第 {i} 条：{m}" for m in RR.check_target(row.get("target")))
            d = row.get("deadline")
            why = RR.deadline_problem(d, self.after) if d else None
            if why:
                problems.append(f"第 {i} 条：{why}")
        return problems

    def answers(self) -> dict | None:
        vals = super().answers()
        if vals is None:
            return None
        rows = [{ACTION_FIELDS[k]: r.get(k) for k in ACTION_FIELDS} for r in (vals.get("rows") or [])]
        text = "；".join("，".join(str(v or "") for v in r.values()) for r in rows)
        return {"行动": rows, "全文": text}
