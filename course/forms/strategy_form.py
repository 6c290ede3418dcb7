"""The strategy form (分层运营策略) of module 4, exercise 03: table 3 as a back-office form.

One row per segment: goal (目标), channels (触达渠道), the benefit (权益) with
its cost parameters, the expected redemption rate the cost estimate uses, and
the customer tags (标签) that narrow the targeting.  Options are the words of
table 3 (用户分层运营策略表); which row gets which option is the student's
answer, so the form checks completeness and consistency, never the matching.

>>> benefit_table()["权益"].tolist()[:2]
['95折会员日', '满299减30']
"""
from __future__ import annotations

import html

import pandas as pd

from .base import Form
from .fields import Choice, MultiChoice, Number, Repeat
from .segment_form import DORMANT, GROWTH, HIGH, LOST, NO_ORDER, POTENTIAL

FORM_KEY = "segment_strategy"
STRATEGY_SEGMENTS = [HIGH, GROWTH, POTENTIAL, DORMANT, LOST]
TABLE3_SEGMENTS = [HIGH, POTENTIAL, DORMANT, LOST]

GOALS = ["提升忠诚度，推新品", "促进二次消费", "唤醒复购", "避免永久流失", "培养成高价值用户"]
CHANNELS = ["专属客服", "短信", "App推送", "社群", "邮件", "电话回访"]
MEMBER_DAY, THRESHOLD, NO_MIN_COUPON, COMEBACK = ("95折会员日", "满299减30", "50元无门槛券（7天）",
                                                 "回归大礼包（100元券+赠品）")
BENEFITS = [MEMBER_DAY, THRESHOLD, NO_MIN_COUPON, COMEBACK]
EXTRAS = ["新品优先购", "猜你喜欢"]
TAGS = ["喜欢简约风", "关注促销活动", "曾咨询售后"]


def benefit_table() -> pd.DataFrame:
    """The benefits of table 3 with the parameters a cost estimate needs.

    折扣 benefits cost a share of the order value (95折 = 5 % of 客单价);
    coupons cost their face value when used; 回归大礼包 also costs the gift
    (``thresholds.crm.return_gift_cost``).
    """
    from .. import settings

    gift = settings.threshold("crm", "return_gift_cost")
    rows = [
        (MEMBER_DAY, "折扣", 0.05, 0.0, 0.0, None, "会员日全场95折：每次使用让利 = 客单价 × 5%"),
        (THRESHOLD, "满减券", 30.0, 299.0, 0.0, None, "订单满299元减30元"),
        (NO_MIN_COUPON, "无门槛券", 50.0, 0.0, 0.0, 7, "50元无门槛券，7天内有效"),
        (COMEBACK, "券+赠品", 100.0, 0.0, float(gift), None, f"100元券 + 赠品（成本 {gift:g} 元）"),
    ]
    return pd.DataFrame(rows, columns=["权益", "类型", "面额或折扣", "使用门槛(元)", "赠品成本(元)", "有效期(天)", "说明"])


def strategy_fields(segments: list[str]) -> list:
    rows = [{"segment": s} for s in segments]
    return [Repeat("strategies", "分层运营策略（每层一行）", fields=[
        Choice("segment", "用户分层", options=list(STRATEGY_SEGMENTS)),
        Choice("goal", "运营目标", options=list(GOALS)),
        MultiChoice("channels", "触达渠道", options=list(CHANNELS)),
        Choice("benefit", "核心权益", options=list(BENEFITS)),
        MultiChoice("extras", "附加权益", options=list(EXTRAS), required=False),
        Number("redemption", "预计核销率(%)", minimum=0, maximum=100, decimals=1, unit="%"),
        MultiChoice("tags", "定向标签", options=list(TAGS), required=False),
    ], min_rows=1, max_rows=len(STRATEGY_SEGMENTS), default=rows, add_label="添加一层",
        help="定向标签：只触达带有所选标签之一的客户；不选 = 这一层全部客户。")]


class StrategyForm(Form):
    """表3 用户分层运营策略表, filled per segment.

    ``segments``: the segment labels of the student's own segmentation (from
    exercise 01); every one of them needs a row (未购买客户 excepted).
    """

    key = FORM_KEY
    title = "表3 用户分层运营策略表"
    description = "每个分层填一行：目标、触达渠道、核心权益（表3）、预计核销率（用于估算成本）和定向标签。"

    def __init__(self, segments: list[str] | None = None):
        wanted = [s for s in (segments or TABLE3_SEGMENTS) if s != NO_ORDER]
        unknown = [s for s in wanted if s not in STRATEGY_SEGMENTS]
        if unknown:
            from ..messages import CourseError

            raise CourseError(f"不认识的分层名称：{'、'.join(unknown)}。可用：{'、'.join(STRATEGY_SEGMENTS)}。")
        self.segments = [s for s in STRATEGY_SEGMENTS if s in wanted]
        super().__init__(fields=strategy_fields(self.segments))

    def check(self, values: dict) -> list[str]:
        rows = values.get("strategies") or []
        problems = []
        seen: dict[str, int] = {}
        for i, r in enumerate(rows, 1):
            seg = r.get("segment")
            if seg in seen:
                problems.append(f"「{seg}」填了两行（第 {seen[seg]} 行和第 {i} 行），每个分层只填一行。")
            seen.setdefault(seg, i)
        missing = [s for s in self.segments if s not in seen]
        if missing:
            problems.append(f"还缺少这些分层的策略：{'、'.join(missing)}（练习01的分层结果中有这些客户）。")
        extra = [s for s in seen if s not in self.segments]
        if extra:
            problems.append(f"你的分层结果里没有「{'、'.join(extra)}」，请删掉这一行或回到练习01检查分层规则。")
        return problems

    def preview(self, values: dict, raw: dict) -> str:
        rows = values.get("strategies") or []
        if not rows:
            return ""
        head = "".join(f"<th style='padding:2px 6px'>{h}</th>" for h in ("分层", "目标", "渠道", "权益", "核销率", "定向标签"))
        body = ""
        for r in rows:
            cells = [r.get("segment"), r.get("goal"), "、".join(r.get("channels") or []),
                     "、".join([r.get("benefit") or "", *(r.get("extras") or [])]).strip("、"),
                     "" if r.get("redemption") is None else f"{r['redemption']:g}%",
                     "、".join(r.get("tags") or []) or "全部"]
            body += "<tr>" + "".join(f"<td style='padding:2px 6px'>{html.escape(str(c or '（空）'))}</td>"
                                     for c in cells) + "</tr>"
        return f"<table class='course-preview-strategy'><tr>{head}</tr>{body}</table>"

    def table(self) -> pd.DataFrame | None:
        """The saved strategies as a DataFrame (None before the form is saved)."""
        vals = self.answers()
        return None if vals is None else strategies_frame(vals)


def strategies_frame(values: dict | None) -> pd.DataFrame | None:
    """A saved strategy form as a table: one row per segment (lists joined with 、)."""
    if not values or not values.get("strategies"):
        return None
    rows = []
    for r in values["strategies"]:
        rows.append({"segment": r.get("segment"), "goal": r.get("goal"),
                     "channels": "、".join(r.get("channels") or []), "benefit": r.get("benefit"),
                     "extras": "、".join(r.get("extras") or []), "redemption": r.get("redemption"),
                     "tags": "、".join(r.get("tags") or [])})
    return pd.DataFrame(rows)
