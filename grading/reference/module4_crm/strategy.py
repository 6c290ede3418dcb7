"""02_strategy: table 3 as a strategy form, and the 30-day repurchase goal (表6 维度 d2 策略匹配)."""

from __future__ import annotations

import math

import pandas as pd

from course import checks as C
from course.forms.strategy_form import CHANNELS, PREFIX, benefit_options

from ..tasks import Task
from . import common

NOTEBOOK = "02_strategy"

#: table 3: segment -> (index of its channel in CHANNELS, index of its benefit in benefit_options())
TABLE3 = {common.HIGH: (0, 0), common.POTENTIAL: (1, 1), common.DORMANT: (2, 2), common.LOST: (3, 3)}
#: the course's 成长用户: reached like 高价值 or 潜力 customers, with their benefits (no wake-up coupon, no gift)
GROWTH_CHANNELS, GROWTH_BENEFITS = (0, 1), (0, 1)

HINTS = {
    common.HIGH: "高价值用户的{what}与表3 不一致：他们要的是“提升忠诚度、推新品”——一对一的专属服务和会员专享，而不是打折清货。",
    common.POTENTIAL: "潜力用户的{what}与表3 不一致：只买过一次的客户要“促进二次消费”——用有门槛的券带动再买一单，在 App 和社群里触达。",
    common.DORMANT: "沉睡用户的{what}与表3 不一致：很久没来的客户要“唤醒复购”——直接到达的渠道（短信、邮件）和短期有效、没有门槛的券。",
    common.LOST: "流失用户的{what}与表3 不一致：要“避免永久流失”——人工回访，再给足够有吸引力的回归礼包。",
}


def _table3_checks() -> list[C.Check]:
    out = []
    for seg, (ch, ben) in TABLE3.items():
        p = PREFIX[seg]
        out.append(
            C.Equals(column=f"{p}_channel", ref=lambda R, i=ch: CHANNELS[i], msg=HINTS[seg].format(what="触达方式"))
        )
        out.append(
            C.Equals(
                column=f"{p}_benefit", ref=lambda R, i=ben: benefit_options()[i], msg=HINTS[seg].format(what="核心权益")
            )
        )
    return out


# -- the 30-day repurchase rate (DECISIONS: 首单后 30 天内再次支付的客户数 ÷ 首单客户数) ----------


def first_orders(R) -> pd.DataFrame:
    """Per customer: first paid day and days from it to the next paid day (NaN when none)."""
    p = common.paid(R)
    first = p.groupby("user_id")["date"].min().rename("first_date")
    later = p[p["date"] > p["user_id"].map(first)]
    second = later.groupby("user_id")["date"].min()
    out = first.to_frame()
    out["days_to_second"] = (second.reindex(out.index) - out["first_date"]).dt.days
    return out


def repurchase(R) -> dict:
    th = common.crm(R)
    f = first_orders(R)
    cohort = f[f["first_date"].between(pd.Timestamp(th["cohort_start"]), pd.Timestamp(th["cohort_end"]))]
    repeat = cohort[cohort["days_to_second"] <= th["repurchase_window_days"]]
    target = math.ceil(round(th["repurchase_target"] * len(cohort), 6))
    return {
        "first_buyers": len(cohort),
        "repeat_buyers": len(repeat),
        "rate": round(len(repeat) / len(cohort), 4),
        "target_repeat_buyers": target,
        "needed": max(0, target - len(repeat)),
    }


REPURCHASE_KEYS = ["first_buyers", "repeat_buyers", "rate", "target_repeat_buyers", "needed"]

TASKS = [
    Task(
        "strategy",
        title="分层运营策略",
        dim="d2",
        points=14,
        kind="form",
        effort=2 * len(PREFIX),
        checks=[
            C.Keys(
                keys=[f"{p}_{x}" for p in PREFIX.values() for x in ("channel", "benefit")],
                msg="每一层都要选触达方式和核心权益（共 10 项），再点「保存」。",
            ),
            *_table3_checks(),
            C.Within(
                column="growth_channel",
                ref=lambda R: [CHANNELS[i] for i in GROWTH_CHANNELS],
                msg="成长用户的触达方式不合适：他们近期买过、还会再来，用触达高价值或潜力客户的方式，不必动用电话回访、邮件唤醒。",
            ),
            C.Within(
                column="growth_benefit",
                weight=2,
                ref=lambda R: [benefit_options()[i] for i in GROWTH_BENEFITS],
                msg="成长用户近期已经买过：要的是“再买一次、买得更多”，用满减或会员日这类有门槛的权益；"
                "无门槛券、回归大礼包是给沉睡、流失客户的，白白让利。",
            ),
        ],
    ),
    Task(
        "repurchase",
        title="30天复购率与目标",
        dim="d2",
        points=8,
        kind="scaffold",
        checks=[
            C.Keys(
                keys=REPURCHASE_KEYS, msg="repurchase 应包含 " + "、".join(REPURCHASE_KEYS) + "：检查骨架有没有被改动。"
            ),
            C.Equals(
                column="first_buyers",
                digits=0,
                ref=lambda R: repurchase(R)["first_buyers"],
                msg="首单客户数（分母）不对：分母是首单日期在统计批次内的客户（cohort），不是全部客户。",
            ),
            C.Equals(
                column="repeat_buyers",
                digits=0,
                weight=2,
                ref=lambda R: repurchase(R)["repeat_buyers"],
                msg="再次支付的客户数（分子）不对：首单后 N 天内（含第 N 天）再次支付，N 是复购窗口的天数。",
            ),
            C.Equals(
                column="rate",
                digits=3,
                weight=2,
                ref=lambda R: repurchase(R)["rate"],
                msg="30天复购率不对：分子 ÷ 分母，两个都是这一批首单客户（第二个空格填分母的那张表）。",
            ),
            C.Equals(
                column="target_repeat_buyers",
                digits=0,
                ref=lambda R: repurchase(R)["target_repeat_buyers"],
                msg="达标需要的复购客户数 = 目标 × 首单客户数，向上取整。",
            ),
            C.Equals(
                column="needed",
                digits=0,
                ref=lambda R: repurchase(R)["needed"],
                msg="还差的复购客户数 = 达标需要的 − 已经复购的（不小于 0）。",
            ),
        ],
    ),
]
