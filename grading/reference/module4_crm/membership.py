"""04_membership: member tiers (d2 策略匹配), points-expiry reminders and the repurchase coupon (d3 触达与频控)."""

from __future__ import annotations

import pandas as pd

from course import checks as C
from course.tools import crm_checks as K

from ..tasks import Task
from . import common

NOTEBOOK = "04_membership"


def week(R) -> tuple[pd.Timestamp, pd.Timestamp]:
    start = common.as_of(R) + pd.Timedelta(days=1)
    return start, start + pd.Timedelta(days=common.crm(R)["plan_days"] - 1)


def tiers(R) -> pd.DataFrame:
    from course.tools import membership

    def build():
        p = common.paid(R)
        out = R.table("customers")[["user_id", "member_tier"]].copy()
        out["spend"] = out["user_id"].map(p.groupby("user_id")["paid_amount"].sum()).fillna(0)
        out["orders"] = out["user_id"].map(p.groupby("user_id").size()).fillna(0)
        out["tier_by_spend"] = membership.assign_tiers(out["spend"]).astype(str)
        out["tier_either"] = membership.assign_tiers(out["spend"], out["orders"], basis="either").astype(str)
        return out

    return common.memo(R, "tiers", build)


def reminders(R) -> pd.DataFrame:
    from course.tools import membership

    def build():
        days = common.crm(R)["points_expiry_reminder_days"]
        start, end = week(R)
        e = membership.expiring_points(R.table("orders"), R.table("customers"), common.as_of(R))
        e = e[e["expiring_points"] > 0].copy()
        e["remind_date"] = e["expire_date"] - pd.Timedelta(days=days)
        e = e[e["remind_date"].between(start, end)]
        e["text"] = [membership.expiry_reminder(p, days) for p in e["expiring_points"]]
        return e

    return common.memo(R, "reminders", build)


def coupons(R) -> pd.DataFrame:
    from course.tools import membership

    def build():
        start, end = week(R)
        s = membership.repurchase_coupons(common.paid(R)[["user_id", "order_id", "date"]])
        return s[s["send"] & s["coupon_date"].between(start, end)]

    return common.memo(R, "coupons", build)


TASKS = [
    Task(
        "tiers",
        title="会员等级",
        dim="d2",
        points=6,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=["user_id", "member_tier", "tier_by_spend", "tier_either"],
                msg="tiers 需要 user_id、member_tier、tier_by_spend、tier_either 列：检查骨架有没有被改动。",
            ),
            K.CountsBy(
                column="tier_by_spend",
                weight=2,
                ref=lambda R: tiers(R)["tier_by_spend"],
                msg="按金额定级的人数不对：累计消费金额要用实付金额那一列（已支付订单），再对照会员等级表。",
            ),
            C.Predicate(
                func="course.tools.membership:tier_agreement",
                msg="按金额定级与系统里的等级（member_tier）对不上：系统按累计实付金额定级，检查第一个空格的列名。",
            ),
            K.CountsBy(
                column="tier_either",
                weight=2,
                ref=lambda R: tiers(R)["tier_either"],
                msg="“金额或次数”方案的人数不对：basis 要选“满足其一即可”的那个选项（见上面的选项表）。",
            ),
        ],
    ),
    Task(
        "reminders",
        title="积分到期提醒",
        dim="d3",
        points=6,
        kind="scaffold",
        checks=[
            C.Columns(columns=["user_id", "remind_date", "text"], msg="reminders 需要 user_id、remind_date、text 列。"),
            K.Rows(
                columns=["user_id"],
                weight=2,
                ref=lambda R: reminders(R),
                msg="提醒名单（哪些客户）不对：只提醒到期积分大于 0、提醒日落在下周的客户；提醒日 = 到期日 − 提前提醒的天数。",
            ),
            K.Rows(
                columns=["user_id", "remind_date"],
                ref=lambda R: reminders(R),
                msg="提醒日不对：提醒日 = 积分到期日 − 提前提醒的天数（第一个空格）。",
            ),
            K.Rows(
                columns=["user_id", "text"],
                ref=lambda R: reminders(R),
                msg="提醒文字不对：写将要过期的那部分积分，并说清几天后过期（第二个空格是提前提醒的天数）。",
            ),
        ],
    ),
    Task(
        "coupons",
        title="回购券名单",
        dim="d3",
        points=4,
        kind="scaffold",
        checks=[
            C.Columns(columns=["user_id", "coupon_date"], msg="coupons 需要 user_id、coupon_date 列。"),
            K.Rows(
                columns=["user_id", "coupon_date"],
                weight=2,
                ref=lambda R: coupons(R),
                msg="回购券名单不对：只发 send 为 True 的券（到期前已复购的不发），coupon_date 落在下周的第一天到最后一天之间。",
            ),
        ],
    ),
]
