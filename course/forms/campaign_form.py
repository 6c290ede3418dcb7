"""The campaign-plan form (活动方案): theme, target group, phases with dates, channels
and actions, the budget's risk reserve.

The targets (GMV, new-customer conversion) and the total budget are the store
manager's and come from the settings; the plan's decisions are the student's.
Checks while saving (the plan an operator hands to the team):

* the theme has no absolute words (``course.tools.adwords``);
* phases 预热期 → 爆发期 → 返场期 with the day counts of the settings (3 / 1 / 2),
  contiguous, dates typed as 年-月-日 (「6月18日」 gets a message and is kept);
* every phase has at least one channel and a promotion action;
* the budget keeps a risk reserve of at least ``risk_reserve_share`` (10 %) of the
  total and below it ([003] 预算与资源规划: 风险预留金).

:func:`plan_facts` reads a saved plan as plain words for the graded checks
(``course.tools.campaign_checks``).

>>> import course
>>> _ = course.start("module2_campaign", "doc_campaign_form", quiet=True)
>>> f = CampaignForm()
>>> probs = f.submit({"theme": "全网最低价狂欢", "audience": "新客", "budget": "6000", "reserve": "300"})
>>> [p.split("：")[0] for p in probs if "主题" in p or "准备金" in p]
['活动主题含绝对化用语', '风险准备金 300 元不足总预算的 10%（600.00 元）']
>>> burst = {"phase": "爆发期", "start": "2026-06-18", "end": "2026-06-18", "channels": ["付费广告"]}
>>> plan_facts({"phases": [burst]})["爆发期渠道"]
['付费广告']
"""

from __future__ import annotations

from typing import Any

from ..money import yuan
from ..tools.campaign import CHANNELS, PHASE_NAMES, check_phases
from .base import Form
from .fields import Choice, Date, MultiChoice, Number, Repeat, Text


def _settings():
    from .. import settings

    return settings.thresholds("campaign")


class CampaignForm(Form):
    """活动方案：主题、人群、三个阶段（日期 + 渠道 + 动作）、总预算中的风险准备金。"""

    key = "campaign_plan"
    title = "618 活动方案"

    def __init__(self, key: str | None = None):
        from ..text import show

        th = _settings()
        self.description = (
            f"店长的要求：活动期 GMV {show(th['gmv_target'])} 元、新客转化率提升到 "
            f"{show(th['new_customer_conversion_target'], 'share')}，推广总预算 "
            f"{show(th['budget_total'])} 元。"
            "写下活动方案的骨架：主题与人群、三个阶段的日期和每个阶段用哪些渠道做什么、"
            "预算中预留的风险准备金。日期写成 2026-06-18。"
        )
        fields = [
            Text("theme", "活动主题", placeholder="结合节日氛围与产品卖点，不用“最”“第一”等词", max_len=30),
            Text("audience", "目标人群", placeholder="本次活动针对谁？"),
            Repeat(
                "phases",
                "活动阶段",
                min_rows=1,
                max_rows=5,
                add_label="添加一个阶段",
                default=[{"phase": n} for n in PHASE_NAMES],
                help="每个阶段一行：开始、结束日期（含当天），这个阶段的推广渠道和主要动作",
                fields=[
                    Choice("phase", "阶段", options=list(PHASE_NAMES)),
                    Date("start", "开始日期"),
                    Date("end", "结束日期"),
                    MultiChoice("channels", "渠道", options=list(CHANNELS), required=False),
                    Text("action", "主要动作", required=False, placeholder="这个阶段做什么、对谁做"),
                ],
            ),
            Number(
                "budget",
                "总推广预算（元）",
                minimum=0,
                decimals=2,
                unit="元",
                default=th["budget_total"],
                help="店长给定",
            ),
            Number(
                "reserve",
                "其中风险准备金（元）",
                minimum=0,
                decimals=2,
                unit="元",
                help="预留应对突发情况的资金，不分配给渠道",
            ),
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
            out.append(f"{name}：请写下这个阶段的主要动作（做什么、对谁做）。")
    out.extend(_reserve_problems(values))
    return out


def _reserve_problems(values: dict) -> list[str]:
    budget, reserve = values.get("budget"), values.get("reserve")
    share = _settings()["risk_reserve_share"]
    if budget is None or reserve is None:
        return []
    if budget <= 0:
        return ["总推广预算应大于 0 元。"]
    if reserve >= budget:
        return [f"风险准备金 {reserve:g} 元不能大于或等于总预算 {budget:g} 元。"]
    if reserve + 1e-9 < share * budget:
        return [
            f"风险准备金 {reserve:g} 元不足总预算的 {share:.0%}（{yuan(share * budget)}）："
            "预算中要预留一定比例的应急资金（[003] 预算与资源规划·风险预留金）。"
        ]
    return []


# -- public properties of a saved plan (the graded checks use them) -----------------


def theme_ok(theme: Any) -> bool:
    """A theme of at least 4 characters without absolute words."""
    from ..tools.adwords import find_absolute_words

    text = str(theme or "").strip()
    return len(text) >= 4 and not find_absolute_words(text)


def reserve_ok(values: Any) -> bool:
    """The budget is the store manager's total and keeps a large enough reserve below it."""
    if not isinstance(values, dict) or values.get("budget") is None or values.get("reserve") is None:
        return False
    try:
        same = abs(float(values["budget"]) - float(_settings()["budget_total"])) < 0.005
    except (TypeError, ValueError):
        return False
    return same and not _reserve_problems(values)


def plan_ok(values: Any) -> bool:
    """The form itself has nothing left to fix."""
    return isinstance(values, dict) and not check_plan(values)


def plan_facts(values: Any) -> dict:
    """A saved plan as plain facts: 阶段日期 (one text for the three phases), and per
    phase 「预热期渠道」 (the ticked channels) and 「预热期动作」 (the action)."""
    if not isinstance(values, dict):
        return {}
    out: dict[str, Any] = {}
    rows = {str(p.get("phase")): p for p in (values.get("phases") or []) if isinstance(p, dict)}
    dates = []
    for name in PHASE_NAMES:
        p = rows.get(name, {})
        dates.append(f"{name} {p.get('start') or '?'}~{p.get('end') or '?'}")
        out[f"{name}渠道"] = list(p.get("channels") or [])
        out[f"{name}动作"] = str(p.get("action") or "")
    out["阶段日期"] = "；".join(dates)
    return out


def phase_dates_text(phases) -> str:
    """The 阶段日期 fact of a phase plan (``course.tools.campaign.Phase`` objects or dicts)."""
    from ..tools.campaign import to_phases

    rows = {p.name: p for p in to_phases(phases)}
    return "；".join(f"{n} {rows[n].start}~{rows[n].end}" if n in rows else f"{n} ?~?" for n in PHASE_NAMES)
