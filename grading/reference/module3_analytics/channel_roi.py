"""03_channel_roi: ROI with ad cost, commission, cost of goods and gifts (never GMV alone), the
channels under the rules, and the budget plan.

* 投产比 = GMV ÷ 广告花费 (the back office's figure; [002]: 投产比 < ``analytics.gmv_ratio_floor`` → 调整投放);
* ROI = 毛利贡献 ÷ 广告花费, 毛利贡献 = 净成交额 − 商品成本 − 平台佣金 − 赠品成本, 净成交额 = orders
  still 已支付 (refunds excluded) ([003]; floor ``analytics.roi_floor``, a course decision).
"""

from __future__ import annotations

import pandas as pd

from course import checks as C
from course.forms.decisions import MEASURES, NONE_BELOW
from course.tools import review_rules as RR

from ..tasks import Task
from .shop import between, cached, shop

NOTEBOOK = "03_channel_roi"
MONEY = ["广告花费", "GMV", "净成交额", "商品成本", "平台佣金", "赠品成本", "毛利贡献"]
PAID_STATUS = "已支付"


def channel_roi(
    orders: pd.DataFrame, ad_spend: pd.DataFrame, start: str, end: str, channels: list | None = None
) -> pd.DataFrame:
    """Per channel: 广告花费, GMV, 净成交额, 商品成本, 平台佣金, 赠品成本, 毛利贡献, 投产比, ROI."""
    o = between(orders, start, end)
    paid = o[o["paid_at"].notna()]
    kept = o[o["status"] == PAID_STATUS]
    ad = between(ad_spend, start, end)
    names = channels or sorted(
        set(map(str, pd.unique(o["channel"].dropna()))) | set(map(str, pd.unique(ad["channel"].dropna())))
    )
    out = pd.DataFrame(index=pd.Index(names, name="渠道"))
    out["广告花费"] = ad.groupby(ad["channel"].astype(str))["spend"].sum()
    out["GMV"] = paid.groupby(paid["channel"].astype(str))["paid_amount"].sum()
    k = kept.groupby(kept["channel"].astype(str))
    out["净成交额"] = k["paid_amount"].sum()
    out["商品成本"] = k["cost_amount"].sum()
    out["平台佣金"] = k["commission"].sum()
    out["赠品成本"] = k["gift_cost"].sum()
    out = out.fillna(0.0)
    out["毛利贡献"] = out["净成交额"] - out["商品成本"] - out["平台佣金"] - out["赠品成本"]
    spend = out["广告花费"].where(out["广告花费"] > 0)
    out["投产比"] = out["GMV"] / spend
    out["ROI"] = out["毛利贡献"] / spend
    return out.round({c: 2 for c in MONEY}).reset_index()


def roi(R) -> pd.DataFrame:
    """The campaign's ROI table of the paid channels (those with ad spend)."""

    def make():
        s = shop(R)
        cal = s["calendar"]
        t = channel_roi(s["orders"], s["ad_spend"], cal.start, cal.end)
        return t[t["广告花费"] > 0].reset_index(drop=True)

    return cached(R, "roi", make)


def below(R, column: str, floor: float) -> list[str]:
    r = roi(R)
    names = r.loc[r[column] < floor, "渠道"].tolist()
    return names or [NONE_BELOW]


def best_channel(R) -> str:
    r = roi(R)
    return str(r.loc[r["ROI"].idxmax(), "渠道"])


def _table(R, columns: list[str]) -> list[dict]:
    return roi(R)[["渠道", *columns]].to_dict("records")


N_PAID = len(RR.PAID_CHANNELS)
ROI_COLUMNS = ["渠道", "广告花费", "GMV", "净成交额", "商品成本", "平台佣金", "赠品成本", "毛利贡献", "投产比", "ROI"]

TASKS = [
    Task(
        "roi_table",
        title="渠道 ROI 表",
        dim="d1",
        points=6,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=ROI_COLUMNS,
                msg="roi_table 需要 渠道、广告花费、GMV、净成交额、商品成本、平台佣金、赠品成本、"
                "毛利贡献、投产比、ROI 这些列：检查骨架里没有空格的行有没有被改动。",
            ),
            C.TableMatch(
                key="渠道",
                columns=["净成交额", "商品成本", "平台佣金", "赠品成本"],
                digits=2,
                rows=N_PAID,
                weight=2,
                ref=lambda R: _table(R, ["净成交额", "商品成本", "平台佣金", "赠品成本"]),
                msg="净成交额和三项成本不对：只算状态仍为“已支付”的订单（退款的钱已退回，已取消的没付钱）。"
                "检查第一个空格。",
            ),
            C.TableMatch(
                key="渠道",
                columns=["毛利贡献"],
                digits=2,
                rows=N_PAID,
                weight=1.5,
                ref=lambda R: _table(R, ["毛利贡献"]),
                msg="毛利贡献不对：毛利贡献 = 净成交额 − 商品成本 − 平台佣金 − 赠品成本（四项都要减）。检查第二个空格。",
            ),
            C.TableMatch(
                key="渠道",
                columns=["ROI"],
                digits=2,
                rows=N_PAID,
                weight=1.5,
                ref=lambda R: _table(R, ["ROI"]),
                msg="ROI 不对：ROI = 毛利贡献 ÷ 广告花费（扣掉成本之后的钱，不是 GMV）。检查第三个空格。",
            ),
            C.Predicate(
                func="course.tools.review_rules:no_spend_no_roi",
                weight=0.5,
                msg="没有广告花费的渠道（自然搜索）ROI 应为空（无法计算），不能是 0 或一个很大的数：用 A.safe_rate。",
            ),
        ],
    ),
    Task(
        "low_roi",
        title="哪些付费渠道要调整投放",
        dim="d2",
        points=4,
        kind="form",
        effort=3,
        checks=[
            C.Keys(
                keys=["by_gmv_ratio", "by_roi", "measure"], msg="三项都要填写后保存（一个渠道都没有时勾选“没有”）。"
            ),
            C.SameSet(
                column="by_gmv_ratio",
                ref=lambda R: below(R, "投产比", R.threshold("analytics", "gmv_ratio_floor")),
                msg="投产比这一栏不对：投产比 = GMV ÷ 广告花费，看 roi_table 的“投产比”列，低于下限的才勾选。",
            ),
            C.SameSet(
                column="by_roi",
                weight=2,
                ref=lambda R: below(R, "ROI", R.threshold("analytics", "roi_floor")),
                msg="ROI 这一栏不对：看 roi_table 的“ROI”列（毛利贡献 ÷ 广告花费），低于下限的付费渠道都要勾选，"
                "不多也不少。",
            ),
            C.Equals(
                column="measure",
                ref=lambda R: MEASURES[1],
                msg="减预算看哪个指标选错了：回到操作步骤 1 的口径表，想想哪个指标扣除了商品成本、佣金、赠品和退款"
                "（来源文档 [003] 的要求）。",
            ),
        ],
    ),
    Task(
        "budget",
        title="下次大促推广预算分配",
        dim="d3",
        points=6,
        kind="form",
        effort=6,
        checks=[
            C.Keys(keys=[*RR.PAID_CHANNELS, RR.RESERVE, "理由"], msg="四个付费渠道、风险准备金和理由都要填写后保存。"),
            C.Predicate(
                func="course.tools.review_rules:budget_total_ok",
                msg="合计应等于本次活动四个付费渠道的花费之和（误差 1% 以内）：只“挪”不“加”。",
            ),
            C.Predicate(
                func="course.tools.review_rules:budget_reserve_ok",
                weight=0.5,
                msg="风险准备金不够：至少占总预算的设置比例（来源文档：预算中预留风险准备金）。",
            ),
            C.Predicate(
                func="course.tools.review_rules:budget_cap_ok",
                weight=0.5,
                msg="有渠道的预算增加超过了上限（设置 budget_max_increase）。",
            ),
            C.Includes(
                column="明显减少的渠道",
                weight=1.5,
                ref=lambda R: [c for c in below(R, "ROI", R.threshold("analytics", "roi_floor")) if c != NONE_BELOW],
                msg="ROI 低于下限的渠道要明显减少预算（至少减设置的比例），或暂停。",
            ),
            C.Includes(
                column="增加的渠道",
                weight=1.5,
                ref=lambda R: [best_channel(R)],
                msg="省下的预算应该优先给 ROI 最高的渠道：看看哪个渠道每花 1 元赚回的毛利贡献最多。",
            ),
            C.Mentions(
                column="理由",
                groups=1,
                longest=3,
                weight=0.5,
                ref=[["ROI", "roi", "毛利"]],
                msg="调整理由要用 ROI / 毛利的数字说明为什么这样分。",
            ),
        ],
    ),
]
