"""04_monitor: table 2, the channels to pause, the stock replay (目标测算与执行监控).

表2 营销活动效果跟踪表: 转化率(%) = 下单数 ÷ UV × 100; rows below the pause rule's
conversion floor carry a 问题记录.  Pausing follows the course's rule (settings
``pause_*``, 投产比 = GMV ÷ 花费); the stock replay the alert ``stock_alert_level``.
"""

from __future__ import annotations

from course import checks as C
from course.tools import campaign, monitor
from course.tools import campaign_checks as M

from ..tasks import Task

NOTEBOOK = "04_monitor"


def table2(R):
    start, end = campaign.campaign_window()
    t = monitor.daily_channel_counts(R.table("traffic"), R.table("orders"), start, end)
    t["转化率"] = (t["下单数"] / t["UV"] * 100).round(1)
    return t


def to_pause(R):
    """A paid channel (花费 > 0 that day) weak for ``pause_consecutive_days`` days in a row."""
    f = monitor.pause_flags(
        table2(R),
        R.table("ad_spend"),
        conversion_floor=R.threshold("campaign", "pause_conversion_floor"),
        gmv_ratio_floor=R.threshold("campaign", "pause_gmv_ratio_floor"),
        min_uv=R.threshold("campaign", "pause_min_uv"),
    )
    return f[(f["连续偏弱天数"] >= R.threshold("campaign", "pause_consecutive_days")) & (f["花费"] > 0)][
        ["日期", "渠道"]
    ]


def delist_report(R):
    start, end = campaign.campaign_window()
    orders, items = R.table("orders"), R.table("order_items")
    stock = monitor.stock_at_start(R.table("skus"), orders, items, start)
    replay = monitor.replay_stock(
        stock, monitor.paid_sales(orders, items, start, end), alert=R.threshold("campaign", "stock_alert_level")
    )
    return replay[replay["下架时间"].notna() | replay["开始时已低于预警线"]]


TASKS = [
    Task(
        "table2",
        title="表2 营销活动效果跟踪表",
        dim="d3",
        points=5,
        kind="scaffold",
        checks=[
            C.Columns(columns=monitor.TABLE2_COLUMNS, msg="table2 需要表2的八列：检查骨架有没有被改动。"),
            M.RowSet(
                columns=["日期", "渠道"],
                gate=True,
                ref=lambda R: table2(R)[["日期", "渠道"]],
                msg="活动期间每天、每个渠道各一行：重新运行骨架的第一行（不要删改行）。",
            ),
            M.KeyedTable(
                key="日期+渠道",
                columns=["转化率"],
                rows=-1,
                digits=1,
                weight=3,
                ref=table2,
                msg="转化率 = 下单数 ÷ UV × 100（百分数，保留 1 位小数）【表2】：检查前两个空格的列名和顺序。",
            ),
            C.Predicate(
                func="course.tools.monitor:low_rows_noted",
                weight=1,
                msg="转化率低于暂停规则下限的行，「问题记录」都要写明问题：floor 是 0-1 的小数，表2 的转化率是百分数，"
                "第三个空格填乘以多少才能比较。",
            ),
        ],
    ),
    Task(
        "to_pause",
        title="渠道暂停",
        dim="d3",
        points=2,
        kind="scaffold",
        checks=[
            C.Columns(columns=["日期", "渠道"], msg="to_pause 需要 日期、渠道 两列：检查骨架有没有被改动。"),
            M.RowSet(
                columns=["日期", "渠道"],
                weight=2,
                ref=to_pause,
                msg="建议暂停的 日期+渠道 不对：两个条件都要满足——连续偏弱的天数达到 days 天，并且当天有花费（付费渠道）。"
                "也可能是表2 还没做对。",
            ),
        ],
    ),
    Task(
        "delist_report",
        title="库存回放",
        dim="d3",
        points=3,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=["sku_id", "起始库存", "下架时间", "下架后售出件数"],
                msg="delist_report 需要 sku_id、起始库存、下架时间、下架后售出件数 四列：检查骨架有没有被改动。",
            ),
            M.RowSet(
                columns=["sku_id"],
                gate=True,
                ref=lambda R: delist_report(R)[["sku_id"]],
                msg="下架的 SKU 不对：起始库存从活动开始那一刻算起（第一个空格），预警线按方案（第二个空格），"
                "只保留活动中下架或开始时已低于预警线的 SKU（第三个空格）。",
            ),
            M.KeyedTable(
                key="sku_id",
                columns=["起始库存", "下架时间", "下架后售出件数"],
                rows=-1,
                digits=0,
                weight=2,
                ref=delist_report,
                msg="起始库存、下架时间或下架后售出件数不对：检查活动开始时间和预警线两个空格。",
            ),
        ],
    ),
]
