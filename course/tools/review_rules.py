"""Review rules of module 3: what makes an action concrete and checkable, and
the rules a finance back office applies to a budget plan.

These are public rules (the source documents' and the course's), used twice:
the forms (``course.forms.dashboard``) show them while a student types, and
the graded tasks name them as ``Predicate`` checks, so the visible self-check
and the grader judge by the same rule.  None of them knows a right answer:
which channel deserves less money is the student's decision, graded by the
reference on the grading side.

>>> check_action("优化详情页")[0]
'「优化详情页」太笼统：写清楚在哪里、做什么、做到什么程度，例如“在详情页第三屏增加质检报告及72小时发货承诺”。'
>>> budget_reserve_ok({"付费广告": 900, "平台首页推荐": 0, "社群引流": 0, "直播": 0, "风险准备金": 100})
True
"""

from __future__ import annotations

import re
from typing import Any

from ..dates import parse_date
from ..messages import CourseError

#: the paid channels a budget plan covers (natural search has no ad budget)
PAID_CHANNELS = ("付费广告", "平台首页推荐", "社群引流", "直播")
RESERVE = "风险准备金"
#: the columns of an action plan row, as the graded answer names them
ACTION_COLUMNS = ("问题与原因（带数字）", "具体行动", "检查指标与目标值", "完成日期")
#: how many actions a plan has (the form's rows)
ACTION_ROWS = (3, 6)


# -- concrete, checkable actions ----------------------------------------------

#: actions the source documents call too vague ("优化详情页" is not an action)
VAGUE_ACTIONS = (
    "优化详情页",
    "优化页面",
    "优化商品页",
    "提升转化率",
    "提高转化率",
    "提升转化",
    "提高转化",
    "加大推广",
    "加大投放",
    "优化投放",
    "优化结算流程",
    "优化结算",
    "改进结算",
    "优化活动规则",
    "优化规则",
    "加强运营",
    "提升用户体验",
    "优化用户体验",
    "加强客服",
    "优化客服",
    "提升复购",
    "降低跳失率",
    "多做活动",
)
_VAGUE_VERBS = ("优化", "提升", "提高", "加强", "改善", "加大", "完善", "改进", "增加", "降低", "减少", "做好")
#: words that say *where* or *how much*: a checkable action names at least one
CONCRETE_MARKERS = (
    "第",
    "首屏",
    "屏",
    "页",
    "按钮",
    "弹窗",
    "入口",
    "位置",
    "模块",
    "字段",
    "文案",
    "模板",
    "客服",
    "短信",
    "推送",
    "社群",
    "券",
    "元",
    "小时",
    "天",
    "%",
    "％",
    "件",
    "名",
    "个",
    "条",
    "次",
    "人",
    "倒计时",
    "质检",
    "承诺",
    "说明",
    "规则",
    "预算",
    "出价",
    "定向",
    "关键词",
    "暂停",
    "下线",
    "上线",
    "测试",
)


def _plain(text: Any) -> str:
    import re

    return re.sub(r"[\s，。,.；;：:！!、“”\"'（）()]", "", str(text or ""))


def check_action(text: Any) -> list[str]:
    """Why an action is not yet concrete and checkable (empty list = fine).

    >>> check_action("优化详情页")[0]
    '「优化详情页」太笼统：写清楚在哪里、做什么、做到什么程度，例如“在详情页第三屏增加质检报告及72小时发货承诺”。'
    >>> check_action("在详情页第三屏增加质检报告及72小时发货承诺")
    []
    """
    t = _plain(text)
    example = "例如“在详情页第三屏增加质检报告及72小时发货承诺”"
    if not t:
        return ["行动是空的：请写出具体要做的事。"]
    if t in VAGUE_ACTIONS or (len(t) <= 8 and t.startswith(_VAGUE_VERBS)):
        return [f"「{text}」太笼统：写清楚在哪里、做什么、做到什么程度，{example}。"]
    if len(t) < 10:
        return [f"「{text}」太短（{len(t)} 个字）：一条行动至少写清“在哪里 + 做什么 + 做到多少”，{example}。"]
    if not any(ch.isdigit() for ch in t) and not any(m in t for m in CONCRETE_MARKERS):
        return [f"「{text}」没有说清位置或数量：请写出在哪个页面/渠道/环节、改成什么样，{example}。"]
    return []


def check_target(text: Any) -> list[str]:
    """A target must be a number someone can check later (e.g. "加购→下单 ≥ 20%")."""
    t = _plain(text)
    if not t:
        return ["目标值是空的：请写一个可以检查的数字，例如“加购→下单 ≥ 20%”。"]
    if not any(ch.isdigit() for ch in t):
        return [f"目标值「{text}」没有数字，无法检查是否做到：请写成“指标 ≥ 数值”，例如“加购→下单 ≥ 20%”。"]
    return []


# -- an action plan (a list of rows; the graded answer of 05) ---------------------


def _rows(rows: Any) -> list[dict]:
    return [r for r in (rows or []) if isinstance(r, dict)] if isinstance(rows, list) else []


def actions_count_ok(rows: Any) -> bool:
    """Between ACTION_ROWS[0] and ACTION_ROWS[1] actions."""
    return ACTION_ROWS[0] <= len(_rows(rows)) <= ACTION_ROWS[1]


def actions_have_numbers(rows: Any) -> bool:
    """Every problem states its evidence with a number."""
    got = _rows(rows)
    return bool(got) and all(re.search(r"\d", str(r.get(ACTION_COLUMNS[0]) or "")) for r in got)


def actions_concrete(rows: Any) -> bool:
    """Every action says where, what and how much (``check_action`` finds nothing)."""
    got = _rows(rows)
    return bool(got) and all(not check_action(r.get(ACTION_COLUMNS[1])) for r in got)


def actions_checkable(rows: Any) -> bool:
    """Every action names a metric with a target number (``check_target`` finds nothing)."""
    got = _rows(rows)
    return bool(got) and all(not check_target(r.get(ACTION_COLUMNS[2])) for r in got)


def review_date() -> str:
    """The day of the review: the last day of the shop's data (``as_of`` in the data dictionary)."""
    from .. import data

    cal = data.manifest().get("calendar") or {}
    day = cal.get("as_of") or cal.get("trading_end")
    if not day:
        from .analytics import campaign_calendar

        day = campaign_calendar().month_end
    return str(day)[:10]


def deadline_problem(day: Any, after: str | None = None) -> str | None:
    """Why a completion date is not usable (None = fine): after the review, within the year."""
    after = after or review_date()
    try:
        text = parse_date(day, what="完成日期").isoformat()
    except CourseError as exc:
        return str(exc)
    if text <= after:
        return f"完成日期 {text} 不晚于复盘日 {after}：请写复盘之后、下次大促之前的日期。"
    if text[:4] != after[:4]:
        return f"完成日期 {text} 太远：请写本年度（{after[:4]} 年）下次大促之前的日期。"
    return None


def actions_dated(rows: Any) -> bool:
    """Every action has a completion date after the review and within the year."""
    got = _rows(rows)
    after = review_date()
    return bool(got) and all(deadline_problem(r.get(ACTION_COLUMNS[3]), after) is None for r in got)


# -- a budget plan (the graded answer of 03) ----------------------------------------


def campaign_spend(ad_spend=None, calendar=None) -> dict[str, float]:
    """This campaign's ad spend per paid channel (raw data: the budget to re-allocate)."""
    import pandas as pd

    from .analytics import campaign_calendar

    if ad_spend is None:
        from .. import data

        ad_spend = data.load("ad_spend")
    cal = calendar or campaign_calendar()
    d = pd.to_datetime(ad_spend["date"])
    part = ad_spend[(d >= pd.Timestamp(cal.start)) & (d <= pd.Timestamp(cal.end))]
    spend = part.groupby(part["channel"].astype(str))["spend"].sum()
    return {ch: round(float(spend.get(ch, 0.0)), 2) for ch in PAID_CHANNELS}


def _number(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return v if v == v and abs(v) != float("inf") else None


def plan_amounts(plan: Any) -> dict[str, float | None]:
    """The amounts of a plan: each paid channel and the reserve (None where missing)."""
    plan = plan if isinstance(plan, dict) else {}
    return {k: _number(plan.get(k)) for k in (*PAID_CHANNELS, RESERVE)}


def budget_total_ok(plan: Any, current: dict | None = None) -> bool:
    """Same total as this campaign's paid-channel spend (within 1 %): money is moved, not added."""
    amounts = plan_amounts(plan)
    if any(v is None for v in amounts.values()):
        return False
    total = sum((current or campaign_spend()).values())
    return total > 0 and abs(sum(amounts.values()) - total) <= 0.01 * total


def budget_reserve_ok(plan: Any) -> bool:
    """The reserve is at least ``campaign.risk_reserve_share`` of the total ([003] 风险预留金)."""
    from .. import settings

    amounts = plan_amounts(plan)
    if any(v is None for v in amounts.values()):
        return False
    total = sum(amounts.values())
    return total > 0 and amounts[RESERVE] >= float(settings.threshold("campaign", "risk_reserve_share")) * total - 0.005


def budget_cap_ok(plan: Any, current: dict | None = None) -> bool:
    """No channel grows by more than ``analytics.budget_max_increase`` (traffic has a ceiling)."""
    from .. import settings

    cap = float(settings.threshold("analytics", "budget_max_increase"))
    amounts = plan_amounts(plan)
    current = current or campaign_spend()
    return all(
        amounts[ch] is not None and amounts[ch] <= current.get(ch, 0.0) * (1 + cap) + 0.005 for ch in PAID_CHANNELS
    )


def budget_changes(plan: Any, current: dict | None = None) -> tuple[list[str], list[str]]:
    """(channels cut by at least ``analytics.budget_min_cut``, channels raised), in channel order."""
    from .. import settings

    cut = float(settings.threshold("analytics", "budget_min_cut"))
    amounts = plan_amounts(plan)
    current = current or campaign_spend()
    cuts, raises = [], []
    for ch in PAID_CHANNELS:
        new, now = amounts[ch], current.get(ch, 0.0)
        if new is None or now <= 0:
            continue
        if new <= now * (1 - cut) + 0.005:
            cuts.append(ch)
        elif new > now + 0.005:
            raises.append(ch)
    return cuts, raises


def no_spend_no_roi(table: Any) -> bool:
    """In a channel table, a channel without ad spend has no ROI (missing, not 0 and not infinite)."""
    import pandas as pd

    if not isinstance(table, pd.DataFrame) or not {"广告花费", "ROI"} <= set(table.columns):
        return False
    spend = pd.to_numeric(table["广告花费"], errors="coerce").fillna(0)
    roi = pd.to_numeric(table["ROI"], errors="coerce")
    return bool(roi[spend <= 0].isna().all())
