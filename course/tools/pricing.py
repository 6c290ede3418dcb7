"""Listing price rules (table 1, 价格 row, and the compliance notes).

* prices are to 0.01 yuan (精确到0.01);
* set 日常价 + 活动价 (e.g. 599.00 / 499.00), the activity price below the daily price;
* the activity price must not be below cost (活动价是否低于成本价);
* a "原价" (划线价) must be real: not above the lowest deal price of the last
  30 days (工作坊方案·四（一）：需提供30天内的最低成交价证明；no "先涨后降").

>>> check_prices(599, 499, cost=320)
[]
>>> check_prices(199, 89, cost=95)[0]
'活动价 89.00 元低于成本价 95.00 元：每卖一件亏 6.00 元。请把活动价提高到成本价以上，或换一个让利方式。'
>>> parse_price("499元")[1]
'价格：请只填数字，不要带“元”等单位，例如 499.00。'
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..money import yuan
from ..parse import parse_number

__all__ = [
    "parse_price",
    "cents_ok",
    "check_prices",
    "LowestPrice",
    "lowest_deal_price",
    "check_original_price",
    "traffic_price_band",
    "price_discount_vs_average",
]


def parse_price(text, label: str = "价格"):
    """(value, None) or (None, Chinese message): "499元", "四百九十九", "499.999" all explained."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        text = repr(float(text))
    if text is None or str(text).strip() == "":
        return None, f"{label}：必填，请填写数字，例如 499.00。"
    value, msg = parse_number(text, label, decimals=2)
    if msg:
        return None, msg
    if value <= 0:
        return None, f"{label}：必须大于 0，现在是 {value:g}。"
    return value, None


def cents_ok(value) -> bool:
    """True when ``value`` has at most two decimals (精确到0.01)."""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return False
    return d == d.quantize(Decimal("0.01"))


def check_prices(daily, activity, *, cost=None, original=None, lowest_30d=None, label: str = "") -> list[str]:
    """Problems with one SKU's (or one size's) prices; [] when all rules hold."""
    head = f"{label}：" if label else ""
    probs = []
    for name, v in (("日常价", daily), ("活动价", activity), ("划线价（原价）", original)):
        if v is None:
            continue
        if not cents_ok(v):
            probs.append(f"{head}{name} {v} 超过两位小数：价格精确到 0.01 元（分）。")
    if daily is None:
        probs.append(f"{head}缺少日常价：表1 建议设置“日常价+活动价”。")
    if activity is None:
        probs.append(f"{head}缺少活动价：表1 建议设置“日常价+活动价”（如 599.00 / 499.00）。")
    if daily is not None and activity is not None and activity >= daily:
        probs.append(f"{head}活动价 {yuan(activity)}不低于日常价 {yuan(daily)}：活动价应低于日常价，否则不是优惠。")
    if activity is not None and cost is not None and activity < cost:
        probs.append(
            f"{head}活动价 {yuan(activity)}低于成本价 {yuan(cost)}：每卖一件亏 {yuan(cost - activity)}。"
            "请把活动价提高到成本价以上，或换一个让利方式。"
        )
    if original is not None and lowest_30d is not None and original > lowest_30d + 1e-9:
        probs.append(
            f"{head}划线价（原价）{yuan(original)}高于近30天最低成交价 {yuan(lowest_30d)}：原价必须真实有据，"
            "不能“先涨后降”。请把划线价改为不高于近30天最低成交价，或不标原价。"
        )
    return probs


@dataclass
class LowestPrice:
    """The lowest deal price of a window, with the days that have no record."""

    sku_id: str
    start: _dt.date
    end: _dt.date
    value: float | None
    days_expected: int
    days_found: int
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    def message(self) -> str:
        if self.value is None:
            return (
                f"{self.sku_id}：{self.start}~{self.end} 没有任何在售的价格记录，无法证明原价。"
                "请检查 SKU 编号和日期，或说明这段时间未上架。"
            )
        text = f"{self.sku_id}：{self.start}~{self.end} 最低成交价 {yuan(self.value)}"
        if self.missing:
            shown = "、".join(self.missing[:5]) + ("……" if len(self.missing) > 5 else "")
            text += (
                f"；注意价格记录缺少 {len(self.missing)} 天（{shown}），这些天的成交价无法核实，"
                "原价证明不完整：请补齐记录，或在核对表中注明缺失日期。"
            )
        return text


def lowest_deal_price(history, sku_id: str, end, days: int | None = None, *, before: bool = False) -> LowestPrice:
    """Lowest ``deal_price`` of ``sku_id`` over the ``days`` days ending at ``end``.

    ``before=True``: the window ends the day *before* ``end`` (e.g. the 30 days
    before a campaign starts).  Days the SKU was not on sale do not count; days
    with no row at all are reported as gaps.
    """
    import pandas as pd

    from .. import settings

    days = int(days or settings.threshold("listing", "price_lookback_days"))
    end = pd.Timestamp(end).normalize()
    if before:
        end = end - pd.Timedelta(days=1)
    start = end - pd.Timedelta(days=days - 1)
    h = history[history["sku_id"] == sku_id]
    dates = pd.to_datetime(h["date"]).dt.normalize()
    win = h[(dates >= start) & (dates <= end)]
    wdates = pd.to_datetime(win["date"]).dt.normalize()
    expected = pd.date_range(start, end, freq="D")
    have = set(wdates)
    missing = [d.strftime("%Y-%m-%d") for d in expected if d not in have]
    if "on_sale" in win.columns:
        win = win[win["on_sale"].fillna(False).astype(bool)]
    prices = pd.to_numeric(win["deal_price"], errors="coerce").dropna()
    value = float(prices.min()) if len(prices) else None
    return LowestPrice(sku_id, start.date(), end.date(), value, len(expected), len(have), missing)


def check_original_price(history, sku_id: str, original: float, campaign_start) -> list[str]:
    """Is a campaign's 划线价 backed by the lowest deal price of the 30 days before it?"""
    low = lowest_deal_price(history, sku_id, campaign_start, before=True)
    probs = []
    if low.value is None:
        return [low.message()]
    if original > low.value + 1e-9:
        probs.append(
            f"{sku_id}：划线价 {yuan(original)}高于活动前30天最低成交价 {yuan(low.value)}，"
            "属于虚构原价（先涨后降），违反价格标示规范。"
        )
    if low.missing:
        probs.append(low.message())
    return probs


def price_discount_vs_average(price: float, category_average: float) -> float:
    """How far below the category average a price is (0.12 = 12 % below)."""
    return round(1 - float(price) / float(category_average), 4)


def traffic_price_band(category_average: float) -> tuple[float, float]:
    """The 引流款 price band: 10-15 % below the category average (settings)."""
    from .. import settings

    lo = settings.threshold("listing", "traffic_discount_min")
    hi = settings.threshold("listing", "traffic_discount_max")
    return round(category_average * (1 - hi), 2), round(category_average * (1 - lo), 2)
