"""The frequency-cap settings form (频控规则) of module 4, exercise 03.

The control point of the workshop plan (工作坊方案·模块四 关键控制点): one
customer receives at most 2 promotional messages (促销信息) in 24 hours.  A
shop back office turns that sentence into settings; the student fills them in
as an operator would and decides the cases the sentence leaves open (how "24
hours" is counted, service messages, a message without a send time).  The
tools of ``course.tools.frequency`` work the same way (documented there).

The form records the entries and checks that they are readable; whether they
match the rule is the visible self-check's business.

>>> [f.name for f in cap_fields()]
['cap', 'window_hours', 'window_kind', 'service', 'missing_time']
"""

from __future__ import annotations

from .base import Form
from .fields import Choice, Number

FORM_KEY = "cap_rule"

ROLLING, CALENDAR = "任意连续的 N 小时（滚动计算）", "每个自然日 0 点重新计数"
NOT_COUNTED, COUNTED = "不计入上限", "计入上限"
RETURN, SEND_MORNING, DELETE = "退回活动负责人补时间，不发送", "按当天最早可发送时间发送", "直接删除"


def cap_fields() -> list:
    return [
        Number("cap", "每位客户营销消息上限（条）", integer=True, minimum=1, maximum=20, unit="条"),
        Number("window_hours", "时间窗口（小时）", minimum=1, maximum=168, decimals=1, unit="小时"),
        Choice("window_kind", "时间窗口怎么算", options=[ROLLING, CALENDAR]),
        Choice("service", "服务消息（发货通知、售后回访）", options=[NOT_COUNTED, COUNTED]),
        Choice("missing_time", "日历里没有发送时间的消息", options=[RETURN, SEND_MORNING, DELETE]),
    ]


class CapRuleForm(Form):
    """频控规则: the cap, its window, and the cases the source sentence leaves open."""

    key = FORM_KEY
    title = "消息频控设置（工作坊方案·模块四 关键控制点）"

    def __init__(self):
        from .. import settings

        th = settings.thresholds("crm")
        self.description = (
            f"把“避免同一用户 {th['frequency_cap_window_hours']:g} 小时内接收超过 "
            f"{th['frequency_cap_messages']} 条促销信息”这句规则填进后台的频控设置。"
        )
        super().__init__(fields=cap_fields())
