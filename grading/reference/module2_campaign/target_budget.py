"""03_target_budget: the forecast's baseline, the 15-cell projection and the budget (目标测算与执行监控).

GMV = 流量 × 转化率 × 客单价【活动讲解·成本效益分析】.  The baseline is the
``baseline_days`` days before the campaign; the 流量系数 / 转化系数 and the budget
are settings; the reserve is a share of the budget【活动讲解·预算与资源规划】.
"""

from __future__ import annotations

from course import checks as C
from course.tools import campaign_checks as M
from course.tools import forecast

from ..tasks import Task

NOTEBOOK = "03_target_budget"


def baseline(R):
    """日均UV, 转化率 (下单数 ÷ UV), 客单价 (GMV ÷ 下单数) per channel over the baseline window."""
    lo, hi = forecast.baseline_window()
    b = forecast.channel_totals(R.table("traffic"), R.table("orders"), lo, hi)
    b["日均UV"] = b["UV"] / b["天数"]
    b["转化率"] = b["下单数"] / b["UV"]
    b["客单价"] = b["GMV"] / b["下单数"]
    return b


def projection(R):
    """预计UV = 日均UV × 天数 × 流量系数; 预计下单数 = 预计UV × 转化率 × 转化系数; 预计GMV = 预计下单数 × 客单价."""
    p = forecast.projection_frame(baseline(R), R.table("campaign_phases"))
    p["预计UV"] = p["日均UV"] * p["天数"] * p["流量系数"]
    p["预计下单数"] = p["预计UV"] * p["转化率"] * p["转化系数"]
    p["预计GMV"] = p["预计下单数"] * p["客单价"]
    return p


def budget_plan(R):
    """The reserve first, the rest shared out by each paid channel's 预计GMV."""
    total = R.threshold("campaign", "budget_total")
    reserve = round(total * R.threshold("campaign", "risk_reserve_share"), 2)
    return forecast.split_budget(
        projection(R),
        total - reserve,
        by="预计GMV",
        channels=forecast.paid_channels(R.table("ad_spend")),
        reserve=reserve,
    )


def _rows(key: str, fn):
    return M.RowSet(
        columns=[key],
        gate=True,
        ref=lambda R: fn(R)[[key]],
        msg="行不对：重新运行上面的单元格（不要删改表格的行），再运行本单元格。",
    )


TASKS = [
    Task(
        "baseline",
        title="测算基线",
        dim="d3",
        points=3,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=forecast.BASELINE_COLUMNS,
                msg="baseline 需要 渠道、日均UV、转化率、客单价 四列：检查骨架有没有被改动。",
            ),
            _rows("渠道", baseline),
            M.KeyedTable(
                key="渠道",
                columns=["日均UV"],
                rows=-1,
                digits=2,
                ref=baseline,
                msg="日均UV = 基线期 UV 合计 ÷ 天数：检查第一个空格。",
            ),
            M.KeyedTable(
                key="渠道",
                columns=["转化率"],
                rows=-1,
                digits=4,
                ref=baseline,
                msg="转化率 = 下单数 ÷ UV（0-1 的小数）【表2】：检查第二个空格。",
            ),
            M.KeyedTable(
                key="渠道",
                columns=["客单价"],
                rows=-1,
                digits=2,
                ref=baseline,
                msg="客单价 = GMV ÷ 下单数：检查第三个空格。",
            ),
        ],
    ),
    Task(
        "projection",
        title="GMV 测算",
        dim="d3",
        points=4,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=["阶段×渠道", "预计UV", "预计下单数", "预计GMV"],
                msg="projection 需要 预计UV、预计下单数、预计GMV 三列：检查骨架有没有被改动。",
            ),
            _rows("阶段×渠道", projection),
            M.KeyedTable(
                key="阶段×渠道",
                columns=["预计UV"],
                rows=-1,
                digits=1,
                ref=projection,
                msg="预计UV = 日均UV × 阶段天数 × 流量系数：检查第一个空格。",
            ),
            M.KeyedTable(
                key="阶段×渠道",
                columns=["预计下单数"],
                rows=-1,
                digits=2,
                ref=projection,
                msg="预计下单数 = 预计UV × 转化率 × 转化系数：检查第二个空格（也可能是上一步的基线不对）。",
            ),
            M.KeyedTable(
                key="阶段×渠道",
                columns=["预计GMV"],
                rows=-1,
                digits=1,
                weight=2,
                ref=projection,
                msg="预计GMV = 预计下单数 × 客单价：检查第三个空格（也可能是上一步的基线不对）。",
            ),
        ],
    ),
    Task(
        "budget_plan",
        title="预算分配",
        dim="d3",
        points=3,
        kind="scaffold",
        checks=[
            C.Columns(columns=["项目", "预算"], msg="budget_plan 需要 项目、预算 两列：检查骨架有没有被改动。"),
            _rows("项目", budget_plan),
            M.KeyedTable(
                key="项目",
                columns=["预算"],
                rows=-1,
                digits=2,
                weight=3,
                ref=budget_plan,
                msg="预算不对：风险准备金 = 总预算 × 准备金比例（第一个空格），其余按各付费渠道预计 GMV 的占比分配"
                "（第二个空格：按哪一列分？）。也可能是上一步的测算不对。",
            ),
        ],
    ),
]
