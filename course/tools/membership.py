"""Membership (会员体系): tiers, points expiry reminders, the repurchase coupon.

Rules of module 4 (source: the operations playbook, 会员体系与积分):

* tiers 银卡 / 金卡 / 铂金 by cumulative paid amount, or by number of orders
  (frequency); thresholds in ``course/settings.yaml`` (``thresholds.crm``);
  below 银卡 a customer is 普通;
* points are redeemable for coupons (``points_per_yuan`` points = 1 元, coupons
  of the ``coupon_denominations``); points about to expire get a reminder
  ``points_expiry_reminder_days`` (3) days before: "您有500积分将在3天后过期，
  可兑换20元券";
* a 回购券 (repurchase coupon) is sent ``repurchase_coupon_days`` (7) days
  after a purchase, unless the customer has bought again by then.

>>> tier_for(3200)
'金卡'
>>> tier_for(800, orders=7, basis="either")
'金卡'
>>> expiry_reminder(500, 3)
'您有500积分将在3天后过期，可兑换20元券，快去使用吧！'
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from ..dates import parse_date
from ..messages import CourseError

TIERS = ("普通", "银卡", "金卡", "铂金")
BASES = {"spend": "按累计消费金额", "orders": "按累计订单数", "either": "金额或订单数满足其一"}


def _crm() -> dict:
    from .. import settings

    return settings.thresholds("crm")


def _tier_rows() -> list[tuple[str, float, float]]:
    """(tier, minimum spend, minimum orders) from the settings, lowest tier first."""
    th = _crm()
    return [
        ("银卡", th["silver_min_spend"], th["silver_min_orders"]),
        ("金卡", th["gold_min_spend"], th["gold_min_orders"]),
        ("铂金", th["platinum_min_spend"], th["platinum_min_orders"]),
    ]


def tier_thresholds() -> pd.DataFrame:
    """The tier table from the settings: tier, minimum spend, minimum orders."""
    return pd.DataFrame(_tier_rows(), columns=["member_tier", "min_spend", "min_orders"])


def _number(value, label: str) -> float | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if isinstance(value, bool):
        raise CourseError(f"{label}应为数字，现在是 {value!r}。")
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise CourseError(f"{label}应为数字，现在是 {value!r}。") from None
    if v < 0:
        raise CourseError(f"{label}不能为负数，现在是 {v:g}。")
    return v


def _check_basis(basis: str) -> None:
    if basis not in BASES:
        raise CourseError(f"会员等级依据「{basis}」不认识，可选：spend（金额）、orders（订单数）、either（任一满足）。")


def tier_for(spend, orders=None, *, basis: str = "spend") -> str:
    """The tier of one customer.  ``basis``: spend / orders / either."""
    _check_basis(basis)
    s = _number(spend, "累计消费金额")
    n = _number(orders, "累计订单数")
    if basis != "spend" and n is None:
        raise CourseError("按订单数划分会员等级时，需要提供累计订单数。")
    tier = TIERS[0]
    for name, min_spend, min_orders in _tier_rows():
        by_spend = s is not None and s >= min_spend
        by_orders = n is not None and n >= min_orders
        if {"spend": by_spend, "orders": by_orders, "either": by_spend or by_orders}[basis]:
            tier = name
    return tier


def assign_tiers(spend: pd.Series, orders: pd.Series | None = None, *, basis: str = "spend") -> pd.Series:
    """``tier_for`` for whole columns (ordered categorical); missing spend or orders count as 0."""
    _check_basis(basis)
    if spend is None:
        raise CourseError("累计消费金额还是 None：请先按客户汇总已支付订单的实付金额。")
    s = pd.to_numeric(pd.Series(spend), errors="coerce").fillna(0)
    if (s < 0).any():
        raise CourseError(f"累计消费金额不能为负数（有 {(s < 0).sum()} 个负数），请检查是否把退款算成了负的消费。")
    if basis != "spend" and orders is None:
        raise CourseError("按订单数划分会员等级时，需要提供每位客户的累计订单数。")
    o = (
        pd.Series(0, index=s.index)
        if orders is None
        else pd.to_numeric(pd.Series(orders).set_axis(s.index), errors="coerce").fillna(0)
    )
    out = pd.Series(TIERS[0], index=s.index, dtype="object")
    for name, min_spend, min_orders in _tier_rows():
        hit = {"spend": s >= min_spend, "orders": o >= min_orders, "either": (s >= min_spend) | (o >= min_orders)}[
            basis
        ]
        out[hit] = name
    return pd.Series(pd.Categorical(out, categories=list(TIERS), ordered=True), index=s.index, name="member_tier")


# -- points -------------------------------------------------------------------


def coupon_for_points(points) -> int:
    """The largest coupon (元) the points buy; 0 when they buy none."""
    p = _number(points, "积分")
    if p is None:
        return 0
    th = _crm()
    yuan = p / float(th["points_per_yuan"])
    affordable = [int(d) for d in th["coupon_denominations"] if d <= yuan + 1e-9]
    return max(affordable, default=0)


def _days(value, label: str) -> int:
    if isinstance(value, bool) or value is None:
        raise CourseError(f"{label}应为整数天数，现在是 {value!r}。")
    try:
        d = int(value)
    except (TypeError, ValueError):
        raise CourseError(f"{label}应为整数天数，现在是 {value!r}。") from None
    if d != value:
        raise CourseError(f"{label}应为整数天数，现在是 {value!r}。")
    return d


def expiry_reminder(points, days_left) -> str:
    """The reminder text, e.g. 您有500积分将在3天后过期，可兑换20元券，快去使用吧！

    >>> expiry_reminder(80, 0)
    '您有80积分将在今天过期，请尽快使用！'
    """
    p = _number(points, "积分")
    if p is None or p <= 0:
        raise CourseError("没有可用积分的客户不需要发送过期提醒。")
    d = _days(days_left, "距离过期的天数")
    if d < 0:
        raise CourseError(f"这些积分已经在 {-d} 天前过期了，不能再发送过期提醒。")
    when = "今天" if d == 0 else f"{d}天后"
    coupon = coupon_for_points(p)
    points_text = f"{int(p)}" if p == int(p) else f"{p:g}"
    if coupon:
        return f"您有{points_text}积分将在{when}过期，可兑换{coupon}元券，快去使用吧！"
    return f"您有{points_text}积分将在{when}过期，请尽快使用！"


def reminder_due(expire_date, as_of, days: int | None = None) -> bool:
    """True when points expiring on ``expire_date`` need a reminder on ``as_of``
    (expiry within the next ``days`` days, today included)."""
    days = _crm()["points_expiry_reminder_days"] if days is None else days
    if expire_date is None or pd.isna(expire_date):
        return False
    left = (parse_date(expire_date, what="积分到期日") - parse_date(as_of, what="提醒日期")).days
    return 0 <= left <= days


# -- repurchase coupon ---------------------------------------------------------------


def repurchase_coupon_date(purchase_date, days: int | None = None) -> _dt.date:
    """The day the 回购券 goes out: ``days`` (7) days after the purchase."""
    days = _crm()["repurchase_coupon_days"] if days is None else days
    return parse_date(purchase_date, what="购买日期") + _dt.timedelta(days=int(days))


def repurchase_coupons(
    purchases: pd.DataFrame, *, user: str = "user_id", date: str = "date", days: int | None = None
) -> pd.DataFrame:
    """One row per purchase: when its 回购券 is due and whether it is still sent.

    ``purchases``: one row per paid order (``user_id``, ``date``).  A coupon is
    not sent (``send`` False) when the same customer bought again on or before
    the coupon day, since the coupon's job is already done.  Rows with an empty
    date are kept with ``reason`` saying so.
    """
    if purchases is None:
        raise CourseError("订单表还是 None：请先筛选出已支付的订单。")
    for c in (user, date):
        if c not in purchases.columns:
            raise CourseError(f"订单表中没有列「{c}」。现有的列：{'、'.join(map(str, purchases.columns))}。")
    days = _crm()["repurchase_coupon_days"] if days is None else int(days)
    out = purchases.copy().reset_index(drop=True)
    out["purchase_date"] = pd.to_datetime(out[date], errors="coerce").dt.normalize()
    out["coupon_date"] = out["purchase_date"] + pd.Timedelta(days=days)
    # the customer's next purchase day strictly after this one
    buy_days = out[[user, "purchase_date"]].dropna().drop_duplicates().sort_values([user, "purchase_date"])
    buy_days["next_purchase"] = buy_days.groupby(user)["purchase_date"].shift(-1)
    out = out.merge(buy_days, on=[user, "purchase_date"], how="left")
    bought_again = out["next_purchase"].notna() & (out["next_purchase"] <= out["coupon_date"])
    out["send"] = out["purchase_date"].notna() & ~bought_again
    out["reason"] = f"购买后第{days}天发送回购券"
    out.loc[out["purchase_date"].isna(), "reason"] = "购买日期为空，无法安排回购券，请核对订单"
    again = out["purchase_date"].notna() & ~out["send"]
    out.loc[again, "reason"] = "到期前已再次购买，不再发送"
    # several purchases of one customer on the same day share one coupon
    dup = out["send"] & out.duplicated([user, "purchase_date"], keep="first")
    out.loc[dup, "send"] = False
    out.loc[dup, "reason"] = "同一天的另一笔订单已安排回购券"
    return out


# -- points about to expire ------------------------------------------------------------


def expiring_points(orders: pd.DataFrame, customers: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Per customer with points: how many points expire on ``points_expire_date``.

    The shop's points: 1 point per 元 paid, valid one year; ``customers`` holds
    the current ``points`` and the expiry date of the earliest batch.  The
    earliest batch is what the customer paid on the first paid day (floored);
    redemptions use the earliest points first, so the points that expire are
    ``earliest batch − redeemed`` (redeemed = points earned − current points),
    never below 0.  Returns ``user_id, points, expiring_points, expire_date``
    (orders after ``as_of`` are not counted).
    """
    import numpy as np

    if orders is None or customers is None:
        raise CourseError("订单表或客户表还是 None：请先运行上面读取数据的单元格。")
    for table, cols in (
        (orders, ("user_id", "date", "status", "paid_amount")),
        (customers, ("user_id", "points", "points_expire_date")),
    ):
        missing = [c for c in cols if c not in table.columns]
        if missing:
            raise CourseError(f"表格缺少列：{'、'.join(missing)}。")
    day = pd.Timestamp(_crm()["as_of_date"] if as_of is None else as_of)
    paid = orders[(orders["status"] == "已支付") & (orders["date"] <= day)]
    first_day = paid.groupby("user_id")["date"].transform("min")
    batch = np.floor(paid[paid["date"] == first_day].groupby("user_id")["paid_amount"].sum())
    earned = np.floor(paid.groupby("user_id")["paid_amount"].sum())
    out = customers[["user_id", "points", "points_expire_date"]].dropna(subset=["points_expire_date"]).copy()
    redeemed = out["user_id"].map(earned) - pd.to_numeric(out["points"], errors="coerce")
    out["expiring_points"] = (out["user_id"].map(batch) - redeemed).clip(lower=0).fillna(0).astype(int)
    out = out.rename(columns={"points_expire_date": "expire_date"})
    out["expire_date"] = pd.to_datetime(out["expire_date"]).dt.normalize()
    return out[["user_id", "points", "expiring_points", "expire_date"]].sort_values("user_id").reset_index(drop=True)


def tier_agreement(tiers: pd.DataFrame, column: str = "tier_by_spend", system: str = "member_tier") -> float:
    """Share of customers whose computed tier equals the system's tier (0..1; a public check)."""
    if tiers is None or column not in getattr(tiers, "columns", []) or system not in tiers.columns or len(tiers) == 0:
        return 0.0
    return float((tiers[column].astype(str) == tiers[system].astype(str)).mean())
