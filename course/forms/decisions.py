"""Module 3's decision forms: what a student concludes from the numbers.

* ``TargetsForm`` (01): is each campaign target reached, and which misses most;
* ``LeakForm`` (02): the funnel diagnosis (step, phases, scope, two rates, causes);
* ``LowRoiForm`` (03): which paid channels fall under the 投产比 rule and under
  the ROI floor, and which measure decides the budget;
* ``AbDecisionForm`` (04): launch, keep or keep testing, how much longer, why.

The options, labels and limits come from the settings and the data (the
campaign calendar, the channels), never typed here.  The forms check what a
back office can check (a rate between 0 and 100 %, no contradictory ticks);
whether a decision is right is judged by the graded task's checks.

>>> import course
>>> _ = course.start("module3_analytics", "doc_decisions", quiet=True)
>>> f = LeakForm()
>>> f.parse_fields({**f._raw, "normal_rate": "30.4%"})[0]["normal_rate"]
0.304
"""

from __future__ import annotations

from .. import settings
from ..tools import analytics as A
from ..tools import review_rules as RR
from .base import Form
from .fields import Choice, MultiChoice, Percent, TextArea

# -- 01: targets ----------------------------------------------------------------------

REACHED = ("达标", "未达标")
TARGETS = ("GMV", "转化率", "新客转化率")


class TargetsForm(Form):
    """目标达成判断: reached or not for each campaign target, and the biggest miss."""

    key = "targets"
    title = "活动目标达成情况"

    def __init__(self, *, key: str | None = None):
        from ..text import show

        gmv = settings.threshold("campaign", "gmv_target")
        conv = settings.threshold("analytics", "conversion_target")
        new = settings.threshold("campaign", "new_customer_conversion_target")
        fields = [
            Choice("gmv", f"GMV（目标 {show(gmv)} 元）", options=list(REACHED)),
            Choice("conversion", f"转化率（目标 {show(conv, 'share')}）", options=list(REACHED)),
            Choice("new_conversion", f"新客转化率（目标 {show(new, 'share')}）", options=list(REACHED)),
            Choice("worst", "达成率（实际 ÷ 目标）最低的指标", options=list(TARGETS)),
        ]
        super().__init__(
            key or self.key,
            self.title,
            fields,
            description="对照上面的“目标与实际”，判断每个目标是否达标（实际 ≥ 目标才算达标）。",
        )


# -- 02: the funnel diagnosis -----------------------------------------------------------

STEPS = ("访问→加购", "加购→下单", "下单→支付")
SCOPES = ("所有渠道普遍偏低", "只有个别渠道偏低")
CAUSES = ("结算流程繁琐或出错", "优惠规则不清晰", "流量不精准", "详情页转化力弱", "支付环节故障")


class LeakForm(Form):
    """漏斗诊断: the leaking step, where and how widely, the evidence, the likely causes."""

    key = "leak"
    title = "漏斗诊断"

    def __init__(self, *, key: str | None = None):
        phases = list(A.campaign_calendar().phases)
        fields = [
            Choice("step", "漏得最多的环节", options=list(STEPS)),
            MultiChoice("phases", "出问题的活动阶段", options=phases),
            Choice("scope", "涉及渠道", options=list(SCOPES)),
            Percent("normal_rate", "复盘月日常：该环节转化率（%）"),
            Percent("campaign_rate", "活动期合计：该环节转化率（%）", help="三个活动阶段合起来的一个数"),
            MultiChoice("causes", "可能原因", options=list(CAUSES)),
        ]
        super().__init__(
            key or self.key,
            self.title,
            fields,
            description="按来源文档的诊断规则，从数据推到原因。转化率按百分数填写。",
        )


# -- 03: channels under the rules -------------------------------------------------------

NONE_BELOW = "（没有渠道低于该值）"
MEASURES = ("投产比（GMV÷广告花费）", "ROI（毛利贡献÷广告花费）")  # no spaces: a dropdown shows them as NBSP


class LowRoiForm(Form):
    """Which paid channels fall under the 投产比 rule [002] and under the ROI floor [003]."""

    key = "low_roi"
    title = "哪些付费渠道要调整投放"

    def __init__(self, *, key: str | None = None):
        ratio = settings.threshold("analytics", "gmv_ratio_floor")
        roi = settings.threshold("analytics", "roi_floor")
        options = [*RR.PAID_CHANNELS, NONE_BELOW]
        fields = [
            MultiChoice("by_gmv_ratio", f"投产比低于 {ratio:g} 的渠道", options=options),
            MultiChoice("by_roi", f"ROI 低于 {roi:g} 的渠道", options=options),
            Choice("measure", "下次大促减预算，按哪个指标判断", options=list(MEASURES)),
        ]
        super().__init__(
            key or self.key,
            self.title,
            fields,
            description="看你算出的渠道 ROI 表，勾选低于下限的付费渠道；一个都没有时勾选“没有”。",
        )

    def check(self, values: dict) -> list[str]:
        out = []
        for f in self.fields[:2]:
            got = values.get(f.name) or []
            if NONE_BELOW in got and len(got) > 1:
                out.append(f"{f.label}：勾选了渠道，就不要再勾选“没有”。")
        return out


# -- 04: the A/B decision ---------------------------------------------------------------

DECISIONS = ("全量上线新版B", "保留原版A", "证据不足，继续测试")
MORE_TIME = ("不需要（已经可以下结论）", "约1个月以内", "约1-2个月", "约2-3个月", "3个月以上")


def more_time_option(days: float) -> str:
    """The MORE_TIME option for a number of extra test days (30 days a month).

    >>> more_time_option(0), more_time_option(45), more_time_option(76)
    ('不需要（已经可以下结论）', '约1-2个月', '约2-3个月')
    """
    if days <= 0:
        return MORE_TIME[0]
    for months, option in zip((1, 2, 3), MORE_TIME[1:4]):
        if days <= 30 * months:
            return option
    return MORE_TIME[4]


class AbDecisionForm(Form):
    """详情页 A/B 测试的决定: launch B, keep A, or keep testing (and for how long), with the reason."""

    key = "ab_decision"
    title = "详情页 A/B 测试决定"

    def __init__(self, *, key: str | None = None):
        fields = [
            Choice("decision", "决定", options=list(DECISIONS)),
            Choice("more_time", "还需要再测多久", options=list(MORE_TIME)),
            TextArea("reason", "理由", rows=3, placeholder="用 p 值、置信区间和样本量说明"),
        ]
        super().__init__(key or self.key, self.title, fields, description="决定要有统计依据：p 值、置信区间、样本量。")

    def check(self, values: dict) -> list[str]:
        out = []
        if values.get("decision") in DECISIONS[:2] and values.get("more_time") not in (None, MORE_TIME[0]):
            out.append("决定上线或保留时，不需要继续测试：“还需要再测多久”请选第一项。")
        if values.get("decision") == DECISIONS[2] and values.get("more_time") == MORE_TIME[0]:
            out.append("继续测试时，请估计还需要多久（每组还差多少人 ÷ 每组每天新增的访客数）。")
        if len(RR._plain(values.get("reason"))) < 10:
            out.append("理由太短：请写出 p 值、置信区间或样本量等依据。")
        return out
