"""01_segments: the segment picker, the segmentation, RFM (挑战) (表6 维度 d1 用户分层准确性)."""

from __future__ import annotations

import pandas as pd

from course import checks as C
from course.forms.segment_form import SEGMENTS, example_customers
from course.tools import crm_checks as K

from ..tasks import Task
from . import common

NOTEBOOK = "01_segments"
CASES = [c["key"] for c in example_customers()]
RFM_COLUMNS = ["user_id", "R", "F", "M", "R_score", "F_score", "M_score"]


def picked(R, key: str) -> str:
    """The segment of example customer ``key`` under the course's rule."""
    rows = {c["key"]: c for c in example_customers()}
    c = rows[key]
    f = pd.DataFrame(
        [
            {
                "recency": c["recency"],
                "orders_30d": c["orders_30d"],
                "aov_30d": float("nan") if c["aov_30d"] is None else c["aov_30d"],
            }
        ]
    )
    return str(common.classify(R, f).iloc[0])


def rfm(R) -> pd.DataFrame:
    """R, F, M of every customer with a paid order (the 挑战)."""
    p = common.paid(R)
    out = (
        p.groupby("user_id").agg(last=("date", "max"), F=("order_id", "count"), M=("paid_amount", "sum")).reset_index()
    )
    out["R"] = (common.as_of(R) - out["last"]).dt.days
    return out[["user_id", "R", "F", "M"]]


CASE_HINTS = {
    "case_a": "客户A 的天数正好落在两层的分界线上：规则表里“≤”“<”写明了分界那一天算哪一层。",
    "case_b": "客户B 的天数正好落在两层的分界线上：“N 天以上”含不含第 N 天？（规则表最后一列写了来源和口径）",
    "case_c": "客户C 的次数和客单价正好等于一个门槛：看清“≥”和“<”的区别。",
    "case_d": "客户D 近期买过，但次数、客单价不符合表3 的任何一层：这样的客户课程怎么规定？",
    "case_e": "客户E 的客单价正好等于一个门槛：“<”不包含等于；不符合表3 任何一层的近期客户按课程规定归类。",
    "case_f": "客户F：距上次消费的天数还在“近N天”之内吗？近N天 = 截止日期当天及之前的 N 天。",
}


def _case_check(key: str) -> C.Check:
    return C.Equals(column=key, msg=CASE_HINTS[key], ref=lambda R, k=key: picked(R, k))


def _rfm_check(func: str, msg: str, weight: float = 1.0, **args) -> C.Check:
    return C.Predicate(func=f"course.tools.crm_checks:{func}", args=args, msg=msg, weight=weight)


TASKS = [
    Task(
        "segment_rules",
        title="分层判断",
        dim="d1",
        points=10,
        kind="form",
        effort=len(CASES),
        var="rules",
        checks=[
            C.Keys(keys=CASES, msg="六位客户都要选一个分层，再点「保存」。"),
            *[_case_check(k) for k in CASES],
        ],
    ),
    Task(
        "segments",
        title="按规则分层",
        dim="d1",
        points=14,
        kind="scaffold",
        checks=[
            C.Columns(
                columns=["user_id", "segment"],
                msg="segments 需要 user_id 和 segment 两列：检查骨架最后两行有没有被改动，"
                "并先运行上面计算客户指标的单元格。",
            ),
            C.Within(
                column="segment",
                weight=0.5,
                ref=lambda R: SEGMENTS,
                msg="segment 里有不认识的名称：只能用规则表里的六个名称（注意“用户”“客户”两个字，外面加引号）。",
            ),
            K.CountsBy(
                column="segment",
                only=[common.DORMANT, common.LOST, common.NO_ORDER],
                weight=1.5,
                ref=lambda R: common.segments(R)["segment"],
                msg="沉睡用户、流失用户的人数不对：names 里的名称要和 conditions 的顺序一一对应——"
                "第②个条件是“距上次消费 ≥ 流失的天数”，第③个是“≥ 沉睡的天数”；一位客户落在第一个满足的条件上。",
            ),
            K.CountsBy(
                column="segment",
                only=[common.HIGH, common.POTENTIAL, common.GROWTH],
                weight=1.5,
                ref=lambda R: common.segments(R)["segment"],
                msg="近N天有消费的客户分层不对：检查 active 一行的天数（近N天），"
                "以及 default（表3 没有覆盖的近期客户归入哪一层）。",
            ),
            K.Rows(
                columns=["user_id", "segment"],
                weight=2,
                ref=lambda R: common.segments(R),
                msg="有些客户的分层与规则不一致：对照规则表，逐个检查三个空格。",
            ),
        ],
    ),
    Task(
        "rfm_scores",
        title="RFM 评分（挑战）",
        dim="d1",
        points=4,
        kind="free",
        checks=[
            C.Columns(columns=RFM_COLUMNS, msg="rfm_scores 需要 user_id、R、F、M、R_score、F_score、M_score 七列。"),
            K.Aggregate(
                column="F",
                how="sum",
                ref=lambda R: rfm(R),
                msg="F 不对：F = 截止日期前【已支付】订单的笔数（已取消、已退款不算），只包含买过的客户。",
            ),
            K.Aggregate(
                column="M",
                how="sum",
                ref=lambda R: rfm(R),
                msg="M 不对：M = 已支付订单实付金额 paid_amount 之和（不是 goods_amount）。",
            ),
            K.Aggregate(
                column="R",
                how="sum",
                ref=lambda R: rfm(R),
                msg="R 不对：R = 截止日期 − 最后一次已支付订单的日期（天）。",
            ),
            _rfm_check(
                "scores_in_range", "三个分数都应是 1-5 的整数，不能有空值（分箱失败或边界没覆盖到的客户会变成空值）。"
            ),
            _rfm_check(
                "score_follows",
                "R_score 方向不对：距上次消费越近（R 越小），分数应越高。",
                raw="R",
                score="R_score",
                higher_is_better=False,
            ),
            _rfm_check("score_follows", "F_score 应随消费次数增加而增加。", raw="F", score="F_score"),
            _rfm_check("score_follows", "M_score 应随消费金额增加而增加。", raw="M", score="M_score"),
            _rfm_check(
                "ties_share_a_score",
                "同样消费次数的客户应得同样的 F 分（只买过 1 次的客户都是最低分）："
                "F 不能按排名等分，改用明确的边界 pd.cut。",
                weight=2,
                raw="F",
                score="F_score",
            ),
            _rfm_check(
                "roughly_equal_bins",
                'R_score 应大致等分（每档约 20% 的客户）：用 pd.qcut(x.rank(method="first"), 5, ...)。',
                score="R_score",
            ),
            _rfm_check(
                "roughly_equal_bins",
                'M_score 应大致等分（每档约 20% 的客户）：用 pd.qcut(x.rank(method="first"), 5, ...)。',
                score="M_score",
            ),
        ],
    ),
]
