"""05_review_dashboard: the daily-review query, the action plan, and the optional 挑战
(a metric function of the student's own, graded on one slice of the data)."""

from __future__ import annotations

from course import checks as C
from course.tools import review_rules as RR

from ..tasks import Task
from .core_metrics import core_metrics
from .funnel import diagnosis
from .shop import between, cached, shop

NOTEBOOK = "05_review_dashboard"
RULES = "course.tools.review_rules"
CHALLENGE_METRICS = [
    ("UV", 0),
    ("跳失率", 4),
    ("支付人数", 0),
    ("转化率", 4),
    ("GMV", 2),
    ("客单价", 2),
    ("新客占比", 4),
    ("复购率", 4),
]


def peak_day(R) -> dict:
    """The metrics of the campaign's busiest phase (the 挑战's slice): the phase with the most visits."""

    def make():
        s = shop(R)
        cal = s["calendar"]
        t = between(s["traffic"], cal.start, cal.end)
        phase = t["phase"].astype(str).value_counts().idxmax()
        return core_metrics(
            t[t["phase"].astype(str) == phase],
            between(s["orders"], cal.start, cal.end).pipe(lambda o: o[o["phase"].astype(str) == phase]),
        )

    return cached(R, "peak", make)


def _cal(R, which: str) -> str:
    return getattr(shop(R)["calendar"], which)


#: words that show an action answers the funnel diagnosis (by its leaking step) and the ROI finding
LEAK_WORDS = {
    "访问→加购": ["流量", "人群", "定向", "详情页", "首屏", "卖点"],
    "加购→下单": ["结算", "下单", "满减", "规则", "优惠", "购物车", "到手价"],
    "下单→支付": ["支付", "付款"],
}
ROI_WORDS = ["付费广告", "预算", "投放", "ROI", "渠道"]


TASKS = [
    Task(
        "daily_trend",
        title="取数：复盘月每日走势",
        dim="d1",
        points=3,
        kind="form",
        effort=4,
        checks=[
            C.Keys(keys=["metrics", "dimension", "start", "end", "chart"], msg="先在数据中心选好条件，再点「保存」。"),
            C.Includes(
                column="metrics", ref=lambda R: ["UV", "转化率"], msg="指标要勾选 UV 和转化率（日复盘先看流量和转化）。"
            ),
            C.Equals(column="dimension", ref=lambda R: "按日期", msg="拆分维度不对：看每天的走势，就按日期拆分。"),
            C.Equals(column="start", ref=lambda R: _cal(R, "month_start"), msg="开始日期不对：取复盘月的第一天。"),
            C.Equals(column="end", ref=lambda R: _cal(R, "month_end"), msg="结束日期不对：取复盘月的最后一天。"),
            C.Equals(column="chart", ref=lambda R: "折线图", msg="看随时间的走势，图表选折线图。"),
        ],
    ),
    Task(
        "action_plan",
        title="复盘行动清单",
        dim="d3",
        points=6,
        kind="form",
        effort=12,
        checks=[
            C.Keys(keys=["行动"], msg="请先填写并保存行动清单。"),
            C.Predicate(
                func=f"{RULES}:actions_count_ok",
                column="行动",
                weight=0.5,
                msg=f"行动清单要有 {RR.ACTION_ROWS[0]}-{RR.ACTION_ROWS[1]} 条。",
            ),
            C.Predicate(
                func=f"{RULES}:actions_have_numbers",
                column="行动",
                msg="每条问题都要带数据证据（数字），例如“活动期加购→下单只有 X%，日常为 Y%”。",
            ),
            C.Predicate(
                func=f"{RULES}:actions_concrete",
                column="行动",
                weight=1.5,
                msg="有的行动太笼统（如“优化详情页”）：写清在哪里、做什么、做到多少，"
                "例如“在详情页第三屏增加质检报告及72小时发货承诺”。",
            ),
            C.Predicate(
                func=f"{RULES}:actions_checkable",
                column="行动",
                msg="每条都要有检查指标和带数字的目标值，才能事后检查做没做到。",
            ),
            C.Predicate(
                func=f"{RULES}:actions_dated",
                column="行动",
                weight=0.5,
                msg="完成日期要在复盘之后、本年度下次大促之前。",
            ),
            C.Mentions(
                column="全文",
                groups=2,
                longest=4,
                partial=True,
                weight=1.5,
                ref=lambda R: [LEAK_WORDS[diagnosis(R)["step"]], ROI_WORDS],
                msg="行动要回应前面的发现：漏斗里流失最严重的那一步要有对应的行动，ROI 不达标的渠道要有预算或投放的动作。",
            ),
        ],
    ),
    Task(
        "challenge_metrics",
        title="挑战：你的指标函数",
        dim="d1",
        points=4,
        kind="free",
        checks=[
            C.Keys(
                keys=[m for m, _ in CHALLENGE_METRICS],
                msg="函数的结果要包含 UV、跳失率、支付人数、转化率、GMV、客单价、新客占比、复购率（名字与口径表一致）。",
            ),
            *[
                C.Equals(
                    column=m,
                    digits=d,
                    ref=(lambda R, m=m: peak_day(R)[m]),
                    msg=f"「{m}」不对：对照练习 1 的口径表检查这个指标的分子和分母。",
                )
                for m, d in CHALLENGE_METRICS
            ],
        ],
    ),
]
