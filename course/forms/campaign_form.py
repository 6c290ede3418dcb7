"""The campaign-plan form (活动方案): theme, target group, targets, phases with
dates and channels, budget with a risk reserve.

Checks while saving (the plan an operator hands to the team):

* the theme has no absolute words (``course.tools.adwords``);
* phases 预热期 → 爆发期 → 返场期 with the day counts of the settings (3 / 1 / 2),
  contiguous, dates typed as 年-月-日 (「6月18日」 gets a message and is kept);
* every phase has at least one channel and a promotion action;
* the budget keeps a risk reserve of at least ``risk_reserve_share`` (10 %) of the
  total ([003] 预算与资源规划: 风险预留金).

>>> import course
>>> _ = course.start("module2_campaign", "doc_campaign_form", quiet=True)
>>> f = CampaignForm()
>>> probs = f.submit({"theme": "全网最低价狂欢", "audience": "新客", "gmv_target": "50000",
...                   "conversion_target": "8", "budget": "6000", "reserve": "300"})
>>> [p.split("：")[0] for p in probs if "主题" in p or "准备金" in p]
['活动主题含绝对化用语', '风险准备金 300 元不足总预算的 10%（600.00 元）']
"""
from __future__ import annotations

from ..tools.campaign import CHANNELS, PHASE_NAMES, check_phases
from .base import Form
from .fields import Choice, Date, MultiChoice, Number, Repeat, Text


class CampaignForm(Form):
    """活动方案：主题、人群、目标、三个阶段（日期 + 渠道 + 动作）、预算与风险准备金。"""

    key = "campaign_plan"
    title = "618 活动方案"
    description = ("写下活动方案的骨架：主题与人群、目标、三个阶段的日期和每个阶段用哪些渠道做什么、"
                   "总预算和其中预留的风险准备金。日期写成 2026-06-18。")

    def __init__(self, key: str | None = None):
        fields = [
            Text("theme", "活动主题", placeholder="结合节日氛围与产品卖点，如：新人大促·焕新家限时直降", max_len=30),
            Text("audience", "目标人群", placeholder="如：店铺新客（从未下过单的访客）"),
            Number("gmv_target", "GMV 目标（元）", minimum=1, decimals=2, unit="元"),
            Number("conversion_target", "新客转化率目标（%）", minimum=0, maximum=100, decimals=2, unit="%",
                   help="写百分数的数字，8% 写 8"),
            Repeat("phases", "活动阶段", min_rows=1, max_rows=5, add_label="添加一个阶段",
                   default=[{"phase": n} for n in PHASE_NAMES],
                   help="每个阶段一行：开始、结束日期（含当天），这个阶段的推广渠道和主要动作",
                   fields=[Choice("phase", "阶段", options=list(PHASE_NAMES)),
                           Date("start", "开始日期"),
                           Date("end", "结束日期"),
                           MultiChoice("channels", "渠道", options=list(CHANNELS), required=False),
                           Text("action", "主要动作", required=False, placeholder="如：社群预告+短视频引流")]),
            Number("budget", "总推广预算（元）", minimum=0, decimals=2, unit="元"),
            Number("reserve", "其中风险准备金（元）", minimum=0, decimals=2, unit="元",
                   help="预留应对突发情况的资金，不分配给渠道"),
        ]
        super().__init__(key or self.key, self.title, fields)

    def parse(self, raw: dict) -> tuple[dict, list[str]]:
        """Field problems and plan problems together, so one save lists everything to fix."""
        values, problems = self.parse_fields(raw)
        problems.extend(p for p in self.check(values) if p not in problems)
        return values, problems

    def check(self, values: dict) -> list[str]:
        return check_plan(values)

    def phases(self, values: dict | None = None) -> list[dict]:
        v = values if values is not None else (self.values or {})
        return list(v.get("phases") or [])


def check_plan(values: dict) -> list[str]:
    """Problems of saved campaign-plan values (Chinese); empty when the plan holds together."""
    from .. import settings
    from ..tools.adwords import find_absolute_words

    out: list[str] = []
    if not values:
        return ["表单还没有保存。"]
    theme = values.get("theme") or ""
    for f in find_absolute_words(theme):
        out.append(f"活动主题含绝对化用语：{f.message()}")
    phases = values.get("phases") or []
    if phases and all(p.get("start") and p.get("end") for p in phases):
        out.extend(check_phases(phases))
    for p in phases:
        name = p.get("phase") or "某阶段"
        if not p.get("channels"):
            out.append(f"{name}：请至少勾选一个推广渠道。")
        if not (p.get("action") or "").strip():
            out.append(f"{name}：请写下这个阶段的主要动作（如 预热期：社群预告+短视频引流）。")
    budget, reserve = values.get("budget"), values.get("reserve")
    share = settings.threshold("campaign", "risk_reserve_share")
    if budget is not None and reserve is not None:
        if budget <= 0:
            out.append("总推广预算应大于 0 元。")
        elif reserve >= budget:
            out.append(f"风险准备金 {reserve:g} 元不能大于或等于总预算 {budget:g} 元。")
        elif reserve + 1e-9 < share * budget:
            out.append(f"风险准备金 {reserve:g} 元不足总预算的 {share:.0%}（{share * budget:,.2f} 元）："
                       "预算中要预留一定比例的应急资金（[003] 预算与资源规划·风险预留金）。")
    return out
