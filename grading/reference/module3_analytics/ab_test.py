"""04_ab_test: the detail-page A/B test (conversion = paid / visitors per variant), the
two-proportion z-test, the CI of B − A, the sample size per group, and the decision.

Decision rule (course): p < α and the CI above 0 → 全量上线新版 B; p < α and the CI
below 0 → 保留原版 A; otherwise 证据不足，继续测试, for about (n needed − n per
group) ÷ (new visitors per group per day during the test) more days.
"""

from __future__ import annotations

import math

import pandas as pd

from course import checks as C
from course.forms.decisions import DECISIONS, more_time_option

from ..tasks import Task
from .shop import as_bool, cached, shop

NOTEBOOK = "04_ab_test"


def ab_results(ab: pd.DataFrame, alpha: float, power: float) -> dict:
    """Per variant: 访客数, 加购人数, 支付人数, 转化率; z, p, CI of B − A, n needed per group, the decision."""
    from statsmodels.stats.power import NormalIndPower
    from statsmodels.stats.proportion import confint_proportions_2indep, proportion_effectsize, proportions_ztest

    ab = ab.assign(
        paid=as_bool(ab["paid"]), added_to_cart=as_bool(ab["added_to_cart"]), variant=ab["variant"].astype(str)
    )
    g = (
        ab.groupby("variant")
        .agg(访客数=("user_id", "nunique"), 加购人数=("added_to_cart", "sum"), 支付人数=("paid", "sum"))
        .loc[["A", "B"]]
    )
    g["转化率"] = g["支付人数"] / g["访客数"]
    nb, na = int(g.loc["B", "访客数"]), int(g.loc["A", "访客数"])
    cb, ca = int(g.loc["B", "支付人数"]), int(g.loc["A", "支付人数"])
    z, p = proportions_ztest([cb, ca], [nb, na])
    lo, hi = confint_proportions_2indep(cb, nb, ca, na, alpha=alpha)
    pa, pb = ca / na, cb / nb
    es = proportion_effectsize(pb, pa)
    n_needed = (
        math.ceil(NormalIndPower().solve_power(effect_size=abs(es), alpha=alpha, power=power, ratio=1.0))
        if pa != pb
        else None
    )
    if p < alpha and lo > 0:
        decision = DECISIONS[0]
    elif p < alpha and hi < 0:
        decision = DECISIONS[1]
    else:
        decision = DECISIONS[2]
    days = pd.to_datetime(ab["first_exposed_at"]).dt.normalize()
    test_days = int((days.max() - days.min()).days) + 1
    per_day = g["访客数"].mean() / test_days
    extra = 0 if decision != DECISIONS[2] or n_needed is None else math.ceil(max(n_needed - min(na, nb), 0) / per_day)
    return {
        "table": g.reset_index().rename(columns={"variant": "版本"}),
        "z": float(z),
        "p": float(p),
        "ci": (float(lo), float(hi)),
        "n_needed": n_needed,
        "n_have": min(na, nb),
        "test_days": test_days,
        "decision": decision,
        "extra_days": extra,
    }


def results(R) -> dict:
    return cached(
        R,
        "ab",
        lambda: ab_results(
            shop(R)["ab_test"], float(R.threshold("analytics", "ab_alpha")), float(R.threshold("analytics", "ab_power"))
        ),
    )


def _rows(R, columns: list[str]) -> list[dict]:
    return results(R)["table"][["版本", *columns]].to_dict("records")


TASKS = [
    Task(
        "ab_table",
        title="两组的访客数与转化率",
        dim="d1",
        points=4,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=["版本", "访客数", "支付人数", "转化率"],
                msg="ab_table 需要 版本、访客数、支付人数、转化率 这些列：检查骨架里没有空格的行有没有被改动。",
            ),
            C.TableMatch(
                key="版本",
                columns=["访客数"],
                digits=0,
                rows=2,
                ref=lambda R: _rows(R, ["访客数"]),
                msg="访客数不对：每组不重复的访客（user_id 去重）。第一个空格选“去重计数”的方法。",
            ),
            C.TableMatch(
                key="版本",
                columns=["支付人数", "转化率"],
                digits=4,
                rows=2,
                weight=2,
                ref=lambda R: _rows(R, ["支付人数", "转化率"]),
                msg="支付人数或转化率不对：转化率 = 支付人数 ÷ 访客数（与练习 1 同一口径），第二个空格填“是否支付”的列名。",
            ),
        ],
    ),
    Task(
        "ab_result",
        title="z 检验与置信区间",
        dim="d1",
        points=4,
        kind="scaffold",
        checks=[
            C.Keys(
                keys=["z值", "p值", "置信区间下限", "置信区间上限"],
                msg="ab_result 要有 z值、p值、置信区间下限、置信区间上限 四项。",
            ),
            C.Equals(
                column="p值",
                digits=3,
                weight=2,
                ref=lambda R: results(R)["p"],
                msg="p 值不对：检验比较的是两组的支付人数（不是加购人数），第一个空格填列名。",
            ),
            C.Equals(
                column="置信区间下限",
                digits=4,
                ref=lambda R: results(R)["ci"][0],
                msg="置信区间不对：alpha 用设置里的显著性水平（变量 ALPHA），第二个空格。",
            ),
            C.Equals(
                column="置信区间上限",
                digits=4,
                ref=lambda R: results(R)["ci"][1],
                msg="置信区间不对：alpha 用设置里的显著性水平（变量 ALPHA），第二个空格。",
            ),
        ],
    ),
    Task(
        "n_needed",
        title="每组需要的样本量",
        dim="d1",
        points=3,
        kind="scaffold",
        checks=[
            C.Equals(
                digits=0,
                ref=lambda R: results(R)["n_needed"],
                msg="样本量不对：效应量用两组的转化率（第一个空格填列名），solve_power 的 power 用设置里的检验功效（变量 POWER）。",
            ),
        ],
    ),
    Task(
        "ab_decision",
        title="A/B 测试决定",
        dim="d3",
        points=5,
        kind="form",
        effort=3,
        checks=[
            C.Keys(keys=["decision", "more_time", "reason"], msg="三项都要填写后保存。"),
            C.Equals(
                column="decision",
                weight=2.5,
                ref=lambda R: results(R)["decision"],
                msg="决定与检验结果不符：按操作步骤 4 的决策规则，先看 p 值是否小于 α，再看置信区间是否整体在 0 的一侧；"
                "不能只凭两组转化率的高低下结论。",
            ),
            C.Equals(
                column="more_time",
                weight=1.5,
                ref=lambda R: more_time_option(results(R)["extra_days"]),
                msg="还需测试的时间不对：每组还差（需要的样本量 − 现有每组人数）人，除以每组每天新增的访客数，得到天数；"
                "决定上线或保留时选“不需要”。",
            ),
            C.Mentions(
                column="reason",
                groups=1,
                longest=4,
                ref=[["p值", "p 值", "P值", "P 值", "置信区间", "样本", "显著"]],
                msg="理由要写出依据：p 值、置信区间或样本量，而不是只说“B 的转化率更高”。",
            ),
        ],
    ),
]
