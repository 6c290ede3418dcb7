"""The strategy form (分层运营策略) of module 4, exercise 02: table 3 as a back-office form.

Table 3 of the workshop plan (工作坊方案 表3 用户分层运营策略表) gives each
segment a goal (目标), a way to reach it (触达方式) and benefits (权益).  The
form lists the segments with their goal and asks, per segment, for the way to
reach it and the core benefit, picked from table 3's own options; the amounts
in the benefits (95折, 满299减30, 50元券 7天, 100元券) come from the settings.
成长用户 is the course's fifth segment (table 3 leaves those customers out):
the student decides its channel and benefit.

Which segment gets which option is the student's answer: the form records it
and checks only that every field is filled.

>>> benefit_options()[1]
'满299减30 + 猜你喜欢'
>>> [f.name for f in strategy_fields()][:2]
['high_channel', 'high_benefit']
"""

from __future__ import annotations

import html

import pandas as pd

from .base import Form
from .fields import Choice
from .segment_form import DORMANT, GROWTH, HIGH, LOST, POTENTIAL

FORM_KEY = "segment_strategy"
#: segment -> the prefix of its fields
PREFIX = {HIGH: "high", GROWTH: "growth", POTENTIAL: "potential", DORMANT: "dormant", LOST: "lost"}
STRATEGY_SEGMENTS = list(PREFIX)

#: table 3's goals (目标); 成长用户's goal is the course's
GOALS = {
    HIGH: "提升忠诚度，推新品",
    GROWTH: "再买一次、买得更多，培养成高价值用户（课程规定）",
    POTENTIAL: "促进二次消费",
    DORMANT: "唤醒复购",
    LOST: "避免永久流失",
}
#: table 3's ways to reach a segment (触达方式), as table 3 pairs them
CHANNELS = ["专属客服 + 短信", "App推送 + 社群", "短信 + 邮件", "电话回访（可选）"]


def _crm() -> dict:
    from .. import settings

    return settings.thresholds("crm")


def _g(x) -> str:
    return f"{float(x):g}"


def benefit_options() -> list[str]:
    """Table 3's benefits (权益), amounts from the settings, in table-3 order."""
    th = _crm()
    return [
        f"{_g(th['member_day_zhe'])}折会员日 + 新品优先购",
        f"满{_g(th['coupon_threshold'])}减{_g(th['coupon_off'])} + 猜你喜欢",
        f"{_g(th['wakeup_coupon'])}元无门槛券（{th['wakeup_coupon_days']}天有效）",
        f"回归大礼包（{_g(th['comeback_coupon'])}元券 + 赠品）",
    ]


def table3() -> pd.DataFrame:
    """Table 3 with the amounts in force (for the notebook, after the student's decision)."""
    from .segment_form import rule_rows

    rules = {seg: rule for seg, rule, _src in rule_rows()}
    b = benefit_options()
    rows = [
        (HIGH, CHANNELS[0], b[0]),
        (POTENTIAL, CHANNELS[1], b[1]),
        (DORMANT, CHANNELS[2], b[2]),
        (LOST, CHANNELS[3], b[3]),
    ]
    return pd.DataFrame(
        [(s, rules[s], GOALS[s], c, x) for s, c, x in rows],
        columns=["用户类型", "判断标准", "运营目标", "触达方式", "权益"],
    )


def strategy_fields() -> list:
    out = []
    for seg, p in PREFIX.items():
        out.append(Choice(f"{p}_channel", f"{seg} · 触达方式", options=list(CHANNELS)))
        out.append(Choice(f"{p}_benefit", f"{seg} · 核心权益", options=benefit_options()))
    return out


class StrategyForm(Form):
    """表3 用户分层运营策略表: a way to reach and a benefit per segment."""

    key = FORM_KEY
    title = "分层运营策略（表3 用户分层运营策略表）"
    description = "每一层选一种触达方式和一项核心权益（下方表格列出每层的目标）：哪种方式、哪种权益最合适、成本最合理？"

    def __init__(self):
        super().__init__(fields=strategy_fields())

    def preview(self, values: dict, raw: dict) -> str:
        head = "".join(
            f"<th style='padding:2px 6px;text-align:left'>{h}</th>" for h in ("分层", "目标", "触达方式", "核心权益")
        )
        body = ""
        for seg, p in PREFIX.items():
            cells = [
                seg,
                GOALS[seg],
                values.get(f"{p}_channel") or "（未选）",
                values.get(f"{p}_benefit") or "（未选）",
            ]
            body += "<tr>" + "".join(f"<td style='padding:2px 6px'>{html.escape(str(c))}</td>" for c in cells) + "</tr>"
        return f"<table class='course-preview-strategy'><tr>{head}</tr>{body}</table>"


def strategies_frame(values: dict | None) -> pd.DataFrame | None:
    """A saved strategy form as a table: one row per segment."""
    if not values:
        return None
    rows = [
        {
            "分层": seg,
            "目标": GOALS[seg],
            "触达方式": values.get(f"{p}_channel"),
            "核心权益": values.get(f"{p}_benefit"),
        }
        for seg, p in PREFIX.items()
    ]
    return pd.DataFrame(rows)
