"""The data centre's query builder (自助取数): pick metrics, a dimension, the
filters, a sort and a chart; the result table and chart update at once.

A back-office widget like 生意参谋's: the saved choices are the student's
answer (persisted in the answer file like every form, read by the grader) and
the result is what they read to decide.  The numbers come from
``course.tools.datacentre``; the graded part is the choice of query.

Stable CSS classes for browser tests, besides the form's own
(``course-form-<key>``, ``course-field-<name>`` …): ``course-query-result``
(the live result), ``course-query-table``, ``course-query-chart`` and
``course-query-messages``.

>>> import course
>>> _ = course.start("module3_analytics", "doc_query", quiet=True)
>>> q = QueryBuilder("demo_query", metrics=["UV", "转化率"])
>>> q.submit({"start": "2026-06-18", "end": "2026-06-18", "dimension": "按渠道"})
[]
>>> q.answers()["dimension"], list(q.table().columns)
('按渠道', ['渠道', 'UV', '转化率'])
"""

from __future__ import annotations

import html

from ..tools import analytics as A
from ..tools import datacentre as D
from .base import Form
from .fields import Choice, Date, MultiChoice

MAX_METRICS = 6
MAX_ROWS_SHOWN = 62  # rows of a result shown under the form (two months of days)
_UNITS = {"rate": "%", "money": "元", "count": ""}


class QueryBuilder(Form):
    """数据中心 · 自助取数.  ``key`` names the query in the answer file (one per task).

    ``metrics`` / ``start`` / ``end`` … are the defaults shown before the
    student changes anything; dates default to the campaign (from the data).
    """

    title = "数据中心 · 自助取数"

    def __init__(
        self,
        key: str,
        *,
        title: str | None = None,
        metrics: list | None = None,
        start: str | None = None,
        end: str | None = None,
        dimension: str = "不拆分（整体）",
        description: str | None = None,
        centre: D.DataCentre | None = None,
    ):
        self.centre = centre or _shared_centre()
        cal = A.campaign_calendar()
        fields = [
            MultiChoice(
                "metrics",
                "指标",
                options=list(D.METRIC_NAMES),
                default=list(metrics or []),
                min_items=1,
                max_items=MAX_METRICS,
                help=f"勾选 1-{MAX_METRICS} 个；排序和图表按勾选的指标中排在最前面的那个",
            ),
            Choice("dimension", "拆分维度", options=list(D.DIMENSIONS), default=dimension),
            Date(
                "start",
                "开始日期",
                default=start or cal.start,
                help=f"数据范围 {self.centre.data_start} 至 {self.centre.data_end}",
            ),
            Date("end", "结束日期", default=end or cal.end),
            Choice("channel", "渠道", options=[D.ALL_CHANNELS, *self.centre.channels], default=D.ALL_CHANNELS),
            Choice("phase", "活动阶段", options=[D.ALL_PHASES, *self.centre.phases], default=D.ALL_PHASES),
            Choice("sort", "排序", options=list(D.SORTS), default=D.SORTS[0]),
            Choice("chart", "图表", options=list(D.CHARTS), default=D.CHARTS[0]),
        ]
        super().__init__(
            key,
            title or self.title,
            fields,
            description=description
            or "像生意参谋一样取数：选指标、拆分维度、日期和筛选条件，"
            "下面的结果立即更新。"
            "点「保存」记下这次取数（评分看你选的条件）。",
        )

    # -- the query --------------------------------------------------------------------
    @staticmethod
    def query_of(values: dict | None) -> D.Query:
        v = values or {}
        return D.Query(
            metrics=list(v.get("metrics") or []),
            start=v.get("start"),
            end=v.get("end"),
            dimension=v.get("dimension") or "不拆分（整体）",
            channel=v.get("channel") or D.ALL_CHANNELS,
            phase=v.get("phase") or D.ALL_PHASES,
            sort=v.get("sort") or D.SORTS[0],
            chart=v.get("chart") or D.CHARTS[0],
        )

    def check(self, values: dict) -> list[str]:
        return self.centre.check(self.query_of(values))

    def result(self, values: dict | None = None) -> D.Result:
        """The result of the saved query (or of ``values``)."""
        if values is None:
            values = self.values or {f.name: f.parse(f.default_raw())[0] for f in self.fields}
        return self.centre.run(self.query_of(values))

    def table(self):
        """The saved query's table (numbers, for reading in a later cell); None with a message if it cannot run."""
        res = self.result()
        if res.messages:
            print(f"【{self.title}】" + "；".join(res.messages))
            return None
        return res.table

    # -- showing ----------------------------------------------------------------------
    def preview(self, values: dict, raw: dict) -> str:
        return render_result(self.result(values), chart=True)

    def show_result(self, values: dict | None = None):
        """The saved query's (or ``values``') table and chart in the notebook."""
        from IPython.display import HTML, display

        res = self.result(values)
        display(HTML(render_result(res, chart=False)))
        fig = figure(res)
        if fig is not None:
            display(fig)
        return None


_CENTRE: D.DataCentre | None = None


def _shared_centre() -> D.DataCentre:
    """One data centre per kernel (the tables are read once)."""
    global _CENTRE
    from .. import data

    if _CENTRE is None or getattr(_CENTRE, "_folder", None) != str(data.data_dir()):
        _CENTRE = D.DataCentre()
        _CENTRE._folder = str(data.data_dir())
    return _CENTRE


# -- rendering ------------------------------------------------------------------------


def render_result(res: D.Result, *, chart: bool = True) -> str:
    """The result as HTML: the messages, or the chart (SVG) and the table."""
    import pandas as pd

    esc = html.escape
    q = res.query
    head = (
        f"<div style='color:#555;margin:4px 0'>{esc(str(q.start))} 至 {esc(str(q.end))} · {esc(q.channel)} · "
        f"{esc(q.phase)} · {esc(q.dimension)} · {res.rows:,} 次访问 · 用时 {res.seconds:.2f} 秒</div>"
    )
    if res.messages:
        items = "".join(f"<li>{esc(m)}</li>" for m in res.messages)
        return (
            f"<div class='course-query-result'>{head}<ul class='course-query-messages' "
            f"style='color:#b35900;margin:4px 0'>{items}</ul></div>"
        )
    shown = res.formatted()
    note = ""
    if len(shown) > MAX_ROWS_SHOWN + 1:  # long tables: the first rows and the total
        note = (
            f"<div style='color:#555'>共 {len(shown) - 1} 行，这里显示前 {MAX_ROWS_SHOWN} 行和合计；"
            f"完整结果在代码里用 .table() 取得。</div>"
        )
        shown = pd.concat([shown.head(MAX_ROWS_SHOWN), shown.tail(1)])
    table = shown.to_html(index=False, border=0, classes="course-query-table", escape=True) + note
    img = svg_chart(res) if chart else ""
    box = f"<div style='max-height:320px;overflow-y:auto;display:inline-block'>{table}</div>"
    return f"<div class='course-query-result'>{head}{img}{box}</div>"


def _title(res: D.Result) -> str:
    q = res.query
    first = q.metrics[0] if q.metrics else ""
    return f"{first}{'（' + q.dimension + '）' if q.dimension != '不拆分（整体）' else ''}：{q.start} 至 {q.end}"


def _axis(metric: str) -> str:
    unit = _UNITS[A.metric_kind(metric)]
    if metric.endswith("次数"):
        unit = "次"
    elif A.metric_kind(metric) == "count":
        unit = "人" if metric in ("UV", "支付买家数") or metric.endswith("人数") else "个"
    return f"{metric}（{unit}）"


def figure(res: D.Result):
    """The chart the student picked (a matplotlib Figure with Chinese labels), or None."""
    q = res.query
    if res.messages or res.table is None or q.chart == "只看表格" or not q.metrics:
        return None
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.5, 3.6))
    ax = fig.subplots()
    key = res.key
    if q.chart == "漏斗图":
        steps = D._funnel_counts(q.metrics)
        row = res.table.iloc[0]
        names = [s.replace("次数", "") if s != "访问次数" else "访问" for s in steps]
        A.funnel_chart(
            dict(zip(names, (float(row[s]) for s in steps))),
            ax=ax,
            title=f"漏斗：{q.start} 至 {q.end}",
            unit="次" if "访问次数" in steps else "人",
        )
        return fig
    same, labels, series = _series(res)
    xs = list(range(len(labels)))
    width = 0.8 / len(same)
    for i, (m, values) in enumerate(zip(same, series)):
        if q.chart == "折线图":
            ax.plot(xs, values, marker="o" if len(xs) <= 40 else None, label=m)
        else:
            ax.bar([j + (i - (len(same) - 1) / 2) * width for j in xs], values, width, label=m)
    step = max(1, -(-len(labels) // 12))  # at most about 12 labels on the axis
    ax.set_xticks(xs[::step])
    ax.set_xticklabels(
        labels[::step],
        rotation=45 if step > 1 or len(labels) > 6 else 0,
        fontsize=8,
        ha="right" if step > 1 or len(labels) > 6 else "center",
    )
    if len(same) > 1:
        ax.legend(fontsize=8)
    ax.set_title(_title(res))
    ax.set_xlabel(key)
    ax.set_ylabel(_axis(same[0]) if len(same) == 1 else _axis(same[0]).replace(same[0], "、".join(same)))
    fig.tight_layout()
    return fig


# -- the live chart: SVG (fast enough to redraw on every change; the notebook's own
#    chart, ``figure``, is matplotlib) -------------------------------------------------

_COLORS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860")


def _series(res: D.Result) -> tuple[list[str], list[str], list[list[float]]]:
    q = res.query
    metric = q.metrics[0]
    same = [m for m in q.metrics if A.metric_kind(m) == A.metric_kind(metric) and m in res.table]
    scale = 100 if A.metric_kind(metric) == "rate" else 1
    table = res.groups()
    values = [[float("nan") if A.is_missing(v) else float(v) * scale for v in table[m]] for m in same]
    return same, [str(v) for v in table[res.key]], values


def _tick(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def svg_chart(res: D.Result, width: int = 640, height: int = 300) -> str:
    """The chart the student picked as inline SVG (Chinese title, axis labels and units), or ""."""
    q = res.query
    if res.messages or res.table is None or q.chart == "只看表格" or not q.metrics:
        return ""
    esc = html.escape
    if q.chart == "漏斗图":
        return _funnel_html(res)
    names, labels, series = _series(res)
    left, right, top, bottom = 64, 16, 30, 70
    pw, ph = width - left - right, height - top - bottom
    finite = [v for s in series for v in s if v == v]
    hi = max(finite + [0.0]) or 1.0
    lo = min(finite + [0.0])
    span = (hi - lo) or 1.0
    y = lambda v: top + ph - (v - lo) / span * ph  # noqa: E731
    n = max(len(labels), 1)
    x = lambda i: left + (i + 0.5) * pw / n  # noqa: E731
    parts = [f"<text x='{width / 2}' y='18' text-anchor='middle' font-size='14'>{esc(_title(res))}</text>"]
    for k in range(5):  # y grid and ticks
        v = lo + span * k / 4
        parts.append(
            f"<line x1='{left}' x2='{left + pw}' y1='{y(v):.1f}' y2='{y(v):.1f}' stroke='#eee'/>"
            f"<text x='{left - 4}' y='{y(v) + 4:.1f}' text-anchor='end' font-size='10'>{_tick(v)}</text>"
        )
    bar_w = 0.8 * pw / n / len(series)
    for j, (name, vals) in enumerate(zip(names, series)):
        color = _COLORS[j % len(_COLORS)]
        if q.chart == "折线图":
            pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(vals) if v == v)
            parts.append(f"<polyline fill='none' stroke='{color}' stroke-width='2' points='{pts}'/>")
        else:
            for i, v in enumerate(vals):
                if v == v:
                    x0 = x(i) - 0.4 * pw / n + j * bar_w
                    parts.append(
                        f"<rect x='{x0:.1f}' y='{min(y(v), y(0)):.1f}' width='{bar_w:.1f}' "
                        f"height='{abs(y(0) - y(v)):.1f}' fill='{color}'/>"
                    )
        parts.append(
            f"<rect x='{left + pw - 130}' y='{top + 4 + 14 * j}' width='10' height='10' fill='{color}'/>"
            f"<text x='{left + pw - 116}' y='{top + 13 + 14 * j}' font-size='11'>{esc(name)}</text>"
        )
    step = max(1, -(-len(labels) // 12))
    for i in range(0, len(labels), step):
        parts.append(
            f"<text transform='translate({x(i):.1f},{top + ph + 12}) rotate(35)' font-size='10'>{esc(labels[i])}</text>"
        )
    y_title = _axis(names[0]) if len(names) == 1 else _axis(names[0]).replace(names[0], "、".join(names))
    parts.append(
        f"<text x='{left + pw / 2}' y='{height - 4}' text-anchor='middle' font-size='12'>{esc(res.key)}</text>"
        f"<text transform='translate(14,{top + ph / 2}) rotate(-90)' text-anchor='middle' font-size='12'>"
        f"{esc(y_title)}</text>"
        f"<line x1='{left}' x2='{left + pw}' y1='{y(0):.1f}' y2='{y(0):.1f}' stroke='#333'/>"
    )
    return (
        f"<svg class='course-query-chart' xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"role='img' aria-label='{esc(_title(res))}'>{''.join(parts)}</svg>"
    )


def _funnel_html(res: D.Result) -> str:
    steps = D._funnel_counts(res.query.metrics)
    row = res.table.iloc[0]
    counts = [float(row[s]) for s in steps]
    top = max(counts) or 1.0
    unit = "次" if "访问次数" in steps else "人"
    rows = []
    for i, (name, c) in enumerate(zip(steps, counts)):
        step = A.format_rate(A.safe_rate(c, counts[i - 1]), 1) if i else ""
        rate = f"（{html.escape(steps[i - 1])}→{html.escape(name)}：{step}）" if i else ""
        bar = max(2.0, 300 * c / top)
        rows.append(
            "<div style='margin:2px 0'>"
            f"<span style='display:inline-block;width:72px'>{html.escape(name)}</span>"
            f"<span style='display:inline-block;background:#4C72B0;height:14px;width:{bar:.0f}px;"
            f"vertical-align:middle'></span> {c:,.0f} {unit} {rate}</div>"
        )
    return f"<div class='course-query-chart'><b>{html.escape(_title(res))}</b>{''.join(rows)}</div>"
