"""活动执行监控 · Campaign monitoring: table 2, the channel pause rule, the stock replay.

The back-office side of 模块二 练习04 (活动执行与监控):

* :func:`daily_channel_counts` counts what 表2 营销活动效果跟踪表 needs per day and
  channel (UV, 加购数, 下单数, GMV); the operator adds 转化率 and 问题记录;
  :func:`add_rates` is the table's arithmetic (转化率(%) = 下单数 ÷ UV × 100) and
  :func:`table2_sample` its three sample rows;
* :func:`pause_flags` marks the channel-days that break the course's pause rule
  (转化率 and 投产比 = GMV ÷ 花费, thresholds in ``course/settings.yaml``);
* :func:`stock_at_start`, :func:`paid_sales` and :func:`replay_stock` replay the
  campaign's payments against stock with the stock alert (库存低于 10 件自动下架).

>>> add_rates(table2_sample())["转化率"].tolist()
[6.0, 8.0, 6.0]
>>> conversion_rate(72, 1200)
6.0
"""

from __future__ import annotations

import numbers
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..dates import parse_datetime
from ..messages import CourseError

#: the columns of 表2 营销活动效果跟踪表, as the workshop plan prints them
TABLE2_COLUMNS = ["日期", "渠道", "UV", "加购数", "下单数", "GMV", "转化率", "问题记录"]
#: what the course writes in 问题记录 when a row's conversion is below the pause floor
LOW_NOTE = "转化偏低"


def _setting(name: str):
    from .. import settings

    return settings.threshold("campaign", name)


def _frame(value: Any, what: str, columns: list[str]):
    """``value`` as a DataFrame with ``columns``, or a Chinese CourseError naming the step."""
    import pandas as pd

    if value is None:
        raise CourseError(f"{what} 还是 None：请先运行上面的单元格（或完成上一步）。")
    if not isinstance(value, pd.DataFrame):
        raise CourseError(f"{what} 应是一个表格（DataFrame），现在是 {type(value).__name__}。")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise CourseError(
            f"{what} 缺少列：{'、'.join(missing)}（需要：{'、'.join(columns)}）。"
            "检查列名是否写错，或重新运行上面的单元格。"
        )
    return value


def _time(value: Any, label: str):
    """A point in time (Timestamp) from a date, a datetime or text; a Chinese CourseError otherwise."""
    import pandas as pd

    if value is None or (isinstance(value, float) and value != value):
        raise CourseError(f"{label}还是空的（None）：请先运行上面读取活动时间的单元格。")
    try:
        return pd.Timestamp(parse_datetime(value, what=label))
    except CourseError as exc:
        raise CourseError(f"{exc}也可以用上面定义好的变量（如 start）。") from None


# -- table 2: 营销活动效果跟踪表 -----------------------------------------------------


def table2_sample():
    """The three sample rows of 表2 营销活动效果跟踪表 (2024-06-01) of the workshop plan.

    The plan's note of the 付费广告 row is garbled in the source document; the
    course writes its own note there (TEACHER_NOTES.md of module 2).
    """
    import pandas as pd

    return pd.DataFrame(
        [
            ["2024-06-01", "平台首页推荐", 1200, 300, 72, 28800.0, 6.0, "流量大但转化偏低"],
            ["2024-06-01", "付费广告", 800, 240, 64, 25600.0, 8.0, "转化率在三个渠道中最高"],
            ["2024-06-01", "社群引流", 500, 150, 30, 12000.0, 6.0, "用户咨询价格频次高"],
        ],
        columns=TABLE2_COLUMNS,
    )


def conversion_rate(orders: Any, uv: Any) -> float | None:
    """转化率(%) = 下单数 ÷ UV × 100, one decimal, half up (表2); None when UV is 0.

    >>> conversion_rate(64, 800), conversion_rate(30, 500), conversion_rate(1, 0)
    (8.0, 6.0, None)
    """
    o, u = Decimal(str(int(orders))), Decimal(str(int(uv)))
    if o < 0 or u < 0:
        raise CourseError(f"下单数和 UV 不能是负数（下单数 {orders}，UV {uv}）。")
    if u == 0:
        return None
    return float((o / u * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def add_rates(table):
    """A copy of a table-2 frame with 转化率 (%) recomputed from 下单数 and UV, and
    加购率 (%) = 加购数 ÷ UV × 100 added."""
    out = _frame(table, "表2", ["UV", "加购数", "下单数"]).copy()
    out["转化率"] = [conversion_rate(o, u) for o, u in zip(out["下单数"], out["UV"])]
    out["加购率"] = [conversion_rate(c, u) for c, u in zip(out["加购数"], out["UV"])]
    return out


def daily_channel_counts(traffic, orders, start: Any, end: Any):
    """表2's counts for every day from ``start`` to ``end`` (included) and every channel.

    The course's definitions (the same as 练习03's baseline):

    * UV = the day's unique visitors of the channel (``traffic.user_id`` counted once);
    * 加购数 = the day's unique visitors of the channel who added to cart;
    * 下单数 = the day's orders of the channel, whatever their status (下单 is the act);
    * GMV = those orders' ``paid_amount`` (the platform's GMV, later refunds included).

    A channel without orders that day has 下单数 0 and GMV 0 (no row is missing).
    Returns 日期 (text 2026-06-15), 渠道, UV, 加购数, 下单数, GMV and an empty 问题记录,
    sorted by 日期, 渠道.  转化率 is the operator's to add.
    """
    import pandas as pd

    t = _frame(traffic, "traffic", ["date", "channel", "user_id", "added_to_cart"])
    o = _frame(orders, "orders", ["date", "channel", "order_id", "paid_amount"])
    d0, d1 = _time(start, "开始日期").normalize(), _time(end, "结束日期").normalize()
    if d1 < d0:
        raise CourseError(f"结束日期 {d1.date()} 早于开始日期 {d0.date()}。")
    t = t[(t["date"] >= d0) & (t["date"] <= d1)].assign(channel=lambda f: f["channel"].astype(str))
    o = o[(o["date"] >= d0) & (o["date"] <= d1)].assign(channel=lambda f: f["channel"].astype(str))
    channels = sorted(traffic["channel"].astype(str).unique())
    grid = pd.MultiIndex.from_product([pd.date_range(d0, d1), channels], names=["date", "channel"])
    out = pd.DataFrame(index=grid)
    out["UV"] = t.groupby(["date", "channel"])["user_id"].nunique()
    carted = t[t["added_to_cart"].fillna(False).astype(bool)]
    out["加购数"] = carted.groupby(["date", "channel"])["user_id"].nunique()
    out["下单数"] = o.groupby(["date", "channel"])["order_id"].size()
    out["GMV"] = o.groupby(["date", "channel"])["paid_amount"].sum().round(2)
    out = out.fillna(0).astype({"UV": int, "加购数": int, "下单数": int}).reset_index()
    out["date"] = out["date"].dt.strftime("%Y-%m-%d")
    out = out.rename(columns={"date": "日期", "channel": "渠道"})
    out["问题记录"] = ""
    return out.sort_values(["日期", "渠道"]).reset_index(drop=True)


def check_table2(table) -> list[str]:
    """Problems with a table 2 (columns, counts, 转化率 arithmetic); empty when consistent."""
    import pandas as pd

    try:
        table = _frame(table, "表2", TABLE2_COLUMNS)
    except CourseError as exc:
        return [str(exc)]
    if table.empty:
        return ["表2 是空的。"]
    out = []
    for col in ("UV", "加购数", "下单数", "GMV"):
        v = pd.to_numeric(table[col], errors="coerce")
        if v.isna().any():
            out.append(f"“{col}”列有空值或不是数字。")
        elif (v < 0).any():
            out.append(f"“{col}”列有负数。")
    if out:
        return out
    if (table["加购数"] > table["UV"]).any():
        out.append("有的行加购数大于 UV：加购数按加购的独立访客计，不会超过 UV。")
    expect = [conversion_rate(o, u) for o, u in zip(table["下单数"], table["UV"])]
    got = pd.to_numeric(table["转化率"], errors="coerce")
    bad = [
        i for i, (e, g) in enumerate(zip(expect, got)) if e is not None and (pd.isna(g) or abs(float(g) - e) > 0.051)
    ]
    if bad:
        out.append(
            f"有 {len(bad)} 行的转化率与 下单数 ÷ UV × 100 不一致"
            "（表2：转化率 = 下单数/UV，以百分数表示，保留 1 位小数）。"
        )
    if table.duplicated(["日期", "渠道"]).any():
        out.append("同一日期同一渠道出现了多行，每天每个渠道只占一行。")
    return out


def low_rows_noted(table) -> bool:
    """True when every row whose 转化率 (%) is below the pause floor has a 问题记录.

    A public property of a table 2 (the floor is the setting
    ``pause_conversion_floor``, 0.03 = 3%): a visible check may use it.
    """
    import pandas as pd

    t = _frame(table, "表2", ["转化率", "问题记录"])
    floor = float(_setting("pause_conversion_floor")) * 100
    rate = pd.to_numeric(t["转化率"], errors="coerce")
    notes = t["问题记录"].fillna("").astype(str).str.strip()
    return bool(len(t)) and bool((notes[rate < floor - 1e-9] != "").all())


# -- pausing channels -----------------------------------------------------------------


def pause_flags(
    table,
    spend,
    *,
    conversion_floor: float | None = None,
    gmv_ratio_floor: float | None = None,
    min_uv: int | None = None,
):
    """Channel-days that break the pause rule (暂停预算分配, 关键控制点: 优先高转化渠道).

    The course's rule (thresholds in ``course/settings.yaml``, section campaign; the
    source documents only say 「某渠道引流效果差，及时暂停预算分配」):

    * a channel-day is **weak** (偏弱) when its UV is at least ``pause_min_uv`` and either
      its 转化率 = 下单数 ÷ UV is below ``conversion_floor`` (a share: 0.03 = 3%),
      or its 投产比 = GMV ÷ 花费 is below ``gmv_ratio_floor``;
    * a **paid** channel (花费 > 0 that day) should be paused on the day it has been
      weak for ``pause_consecutive_days`` days in a row (one bad day is noise); a free
      channel (自然搜索) has no budget to pause.  That last step is the operator's
      (练习04): this function gives 连续偏弱天数 and 花费 to decide it with.

    ``table``: table 2 (日期, 渠道, UV, 下单数, GMV); ``spend``: a frame with
    日期/date, 渠道/channel, 花费/spend (the ad_spend table works as it is).
    Returns table 2's rows with 花费 (0 for a free channel), 投产比, 偏弱, 原因, 连续偏弱天数,
    sorted by 日期, 渠道.
    """
    import pandas as pd

    t = _frame(table, "表2", ["日期", "渠道", "UV", "下单数", "GMV"]).copy()
    if spend is None or not isinstance(spend, pd.DataFrame):
        raise CourseError(
            "pause_flags 还需要每天每个渠道的推广花费（如 ad_spend 表），用来计算投产比、判断能否暂停预算。"
        )
    floor = _share_arg(conversion_floor, "pause_conversion_floor", "转化率下限 conversion_floor")
    ratio_min = _number_arg(gmv_ratio_floor, "pause_gmv_ratio_floor", "投产比下限 gmv_ratio_floor")
    uv_min = int(_number_arg(min_uv, "pause_min_uv", "最少 UV min_uv"))
    t = _with_spend(t, spend)
    uv = t["UV"].astype(float)
    conv = (t["下单数"].astype(float) / uv.where(uv > 0)).fillna(0)
    paid = t["花费"].fillna(0) > 0
    t["投产比"] = (t["GMV"].astype(float) / t["花费"].astype(float).where(paid)).round(2)
    low_conv = conv < floor
    low_ratio = paid & (t["投产比"] < ratio_min)
    t["偏弱"] = (uv >= uv_min) & (low_conv | low_ratio)
    t["原因"] = [
        "；".join(
            ([f"转化率 {c * 100:.2f}% 低于 {floor * 100:g}%"] if weak and lc else [])
            + ([f"投产比 {ratio:.2f} 低于 {ratio_min:g}"] if weak and lr else [])
        )
        for lc, lr, weak, c, ratio in zip(low_conv, low_ratio, t["偏弱"], conv, t["投产比"])
    ]
    t = t.sort_values(["渠道", "日期"]).reset_index(drop=True)
    t["连续偏弱天数"] = _weak_streaks(t)
    t["花费"] = t["花费"].fillna(0.0)
    t["日期"] = t["日期"].astype(str)
    return t.sort_values(["日期", "渠道"]).reset_index(drop=True)


def _with_spend(t, spend):
    """Table 2 with each channel-day's 花费 (summed over the spend rows; empty where none was spent)."""
    import pandas as pd

    t["日期"] = pd.to_datetime(t["日期"]).dt.date
    s = spend.rename(columns={"date": "日期", "channel": "渠道", "spend": "花费"})
    s = _frame(s, "花费表", ["日期", "渠道", "花费"])[["日期", "渠道", "花费"]].copy()
    s["日期"] = pd.to_datetime(s["日期"]).dt.date
    s["渠道"] = s["渠道"].astype(str)
    t["渠道"] = t["渠道"].astype(str)
    s = s.groupby(["日期", "渠道"], as_index=False)["花费"].sum()
    return t.drop(columns=[c for c in ("花费",) if c in t.columns]).merge(s, on=["日期", "渠道"], how="left")


def _weak_streaks(t) -> list[int]:
    """Days in a row each channel has been weak, for rows sorted by 渠道, 日期."""
    streak = []
    prev_ch, prev_day, count = None, None, 0
    for ch, day, weak in zip(t["渠道"], t["日期"], t["偏弱"]):
        consecutive = prev_ch == ch and prev_day is not None and (day - prev_day).days == 1
        count = (count + 1 if consecutive else 1) if weak else 0
        streak.append(count)
        prev_ch, prev_day = ch, day
    return streak


def _number_arg(value, setting: str, label: str) -> float:
    if value is None:
        return float(_setting(setting))
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise CourseError(f"{label} 应是一个数字，现在是 {value!r}（不要加引号）。")
    if value < 0:
        raise CourseError(f"{label} 不能是负数，现在是 {value}。")
    return float(value)


def _share_arg(value, setting: str, label: str) -> float:
    x = _number_arg(value, setting, label)
    if x >= 1:
        raise CourseError(f"{label} 是比例，要写成 0-1 的小数：3% 写 0.03，现在是 {value:g}。")
    return x


# -- stock replay -----------------------------------------------------------------------


def paid_items(orders, order_items):
    """The order lines of paid orders with their payment time ``time`` (``paid_at``)."""
    o = _frame(orders, "orders", ["order_id", "paid_at"])
    it = _frame(order_items, "order_items", ["order_id", "sku_id", "qty"])
    out = it.merge(o[["order_id", "paid_at"]], on="order_id")
    out = out[out["paid_at"].notna()].rename(columns={"paid_at": "time"})
    return out[["time", "order_id", "sku_id", "qty"]].reset_index(drop=True)


def stock_at_start(skus, orders, order_items, start: Any):
    """Units on hand at ``start`` (a Series by sku_id), worked back from the snapshot.

    ``skus.stock`` is a snapshot taken after the campaign (2026-06-30).  The
    course's rule: payment takes stock (an unpaid order holds none) and a refunded
    order is treated as shipped (it does not come back), so stock at ``start`` =
    snapshot + every unit paid from ``start`` on.
    """

    s = _frame(skus, "skus", ["sku_id", "stock"])
    t0 = _time(start, "倒推库存的时刻")
    paid = paid_items(orders, order_items)
    sold_since = paid[paid["time"] >= t0].groupby("sku_id")["qty"].sum()
    return s.set_index("sku_id")["stock"].add(sold_since, fill_value=0).astype(int)


def paid_sales(orders, order_items, start: Any, end: Any):
    """The units paid from ``start`` to ``end`` (included): columns time, sku_id, qty."""
    import pandas as pd

    paid = paid_items(orders, order_items)
    t0, t1 = _time(start, "开始时间"), _time(end, "结束时间")
    if len(str(end)) <= 10:  # a bare date ends at the end of that day
        t1 = t1 + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)
    return paid[(paid["time"] >= t0) & (paid["time"] <= t1)][["time", "sku_id", "qty"]].reset_index(drop=True)


def replay_stock(start_stock, sales, alert: int | None = None):
    """Replay sales against stock with the stock alert (库存低于 ``alert`` 件自动下架).

    ``start_stock``: dict or Series sku_id -> units on hand at the start;
    ``sales``: a frame with columns time (支付时间), sku_id, qty, in any order.
    A SKU is delisted at the first sale after which its stock is below ``alert``
    (default: thresholds.campaign.stock_alert_level, 10); sales after that moment
    would not have happened with the alert on and are counted as 下架后售出.
    A SKU already below the alert at the start is off sale from the start
    (开始时已低于预警线); all its sales count as 下架后售出.

    Returns one row per SKU: sku_id, 起始库存, 售出件数, 开始时已低于预警线,
    下架时间 (NaT if never), 下架时库存, 下架后售出件数, 期末库存.
    """
    import pandas as pd

    level = _alert_level(alert)
    if start_stock is None:
        raise CourseError("起始库存还是 None：请先运行上一步。")
    stock = dict(start_stock.items()) if hasattr(start_stock, "items") else dict(start_stock)
    s = _sales_in_time_order(sales, stock)
    rows = {k: _stock_row(k, int(v), level) for k, v in stock.items()}
    for t, sku, q in zip(s["time"], s["sku_id"], s["qty"]):
        _sell(rows[sku], t, int(q), level)
    out = pd.DataFrame(list(rows.values()))
    out["下架时库存"] = out["下架时库存"].astype("Int64")
    return out.sort_values("sku_id").reset_index(drop=True)


def _alert_level(alert) -> int:
    """The stock alert in whole units (None: the setting); a typed 10.5 or "10" is refused."""
    if alert is None:
        level = int(_setting("stock_alert_level"))
    elif isinstance(alert, bool) or not isinstance(alert, numbers.Real) or int(alert) != alert:
        raise CourseError(f"库存预警线 alert 应是整数件数（如 10），现在是 {alert!r}。")
    else:
        level = int(alert)
    if level < 1:
        raise CourseError(f"库存预警线应至少为 1 件，现在是 {level}。")
    return level


def _sales_in_time_order(sales, stock: dict):
    """The sales sorted by payment time (ties by sku_id); each SKU must have a start stock."""
    import pandas as pd

    s = _frame(sales, "sales（活动期间的销售）", ["time", "sku_id", "qty"])[["time", "sku_id", "qty"]].copy()
    unknown = sorted(set(s["sku_id"]) - set(stock))
    if unknown:
        raise CourseError(
            f"这些 SKU 没有起始库存：{'、'.join(map(str, unknown[:5]))}{' 等' if len(unknown) > 5 else ''}。"
        )
    s["time"] = pd.to_datetime(s["time"])
    return s.sort_values(["time", "sku_id"], kind="stable")


def _stock_row(sku_id, units: int, level: int) -> dict:
    """A SKU's row before any sale (the result's columns, in order)."""
    import pandas as pd

    return {
        "sku_id": sku_id,
        "起始库存": units,
        "售出件数": 0,
        "开始时已低于预警线": units < level,
        "下架时间": pd.NaT,
        "下架时库存": None,
        "下架后售出件数": 0,
        "期末库存": units,
    }


def _sell(row: dict, t, qty: int, level: int) -> None:
    """One sale of ``qty`` units at ``t``: delist when stock falls below the alert; once
    off sale (or off sale from the start), the units count as 下架后售出."""
    import pandas as pd

    row["售出件数"] += qty
    row["期末库存"] -= qty
    if row["开始时已低于预警线"]:
        row["下架后售出件数"] += qty
    elif pd.isna(row["下架时间"]):
        if row["期末库存"] < level:
            row["下架时间"] = t
            row["下架时库存"] = row["期末库存"]
    else:
        row["下架后售出件数"] += qty
