"""The segmentation form (用户分层判断) of module 4, exercise 01.

Table 3 of the workshop plan (工作坊方案 表3 用户分层运营策略表) defines four
segments; its thresholds are settings (``thresholds.crm``):

=========  ====================================================
高价值用户  近30天消费 ≥ 3 次，且客单价 ≥ 500 元
潜力用户    近30天消费 1 次，且客单价 < 300 元
沉睡用户    30-60 天未消费，有历史订单（30 ≤ 距上次消费天数 < 60）
流失用户    60 天以上未消费（≥ 60 天）
=========  ====================================================

Customers who bought in the last 30 days but fit neither 高价值 nor 潜力
(2 purchases; 客单价 300-500 元; ≥ 500 元 with 1-2 purchases; ≥ 3 purchases
under 500 元) are left out by table 3: the course puts them in a fifth
segment, 成长用户 (course decision, module4_crm/TEACHER_NOTES.md).  Customers
without a paid order are 未购买客户.

The form shows this rule table with the thresholds in force and asks the
student to place six example customers (boundary and gap cases built from the
settings) in their segment: the segment picker.  The form records and echoes
the choices; whether they are right is the visible self-check's business.
Nothing here assigns a segment.

>>> [c["key"] for c in example_customers()]
['case_a', 'case_b', 'case_c', 'case_d', 'case_e', 'case_f']
>>> example_customers()[0]["text"]
'距上次消费 30 天，近30天没有消费（以前买过）'
"""

from __future__ import annotations

import html

from ..money import yuan
from .base import Form
from .fields import Choice

HIGH, POTENTIAL, GROWTH, DORMANT, LOST, NO_ORDER = (
    "高价值用户",
    "潜力用户",
    "成长用户",
    "沉睡用户",
    "流失用户",
    "未购买客户",
)
#: every label a segment column may hold, in display order
SEGMENTS = [HIGH, GROWTH, POTENTIAL, DORMANT, LOST, NO_ORDER]
#: the four segments of table 3
TABLE3 = [HIGH, POTENTIAL, DORMANT, LOST]

FORM_KEY = "segment_rules"


def _crm() -> dict:
    from .. import settings

    return settings.thresholds("crm")


def _money(x) -> str:
    """An amount as the rule table writes it: 200 元, 99.5 元."""
    return yuan(x, grouping=False, trim=True)


def rule_rows() -> list[tuple[str, str, str]]:
    """(segment, rule, source) of the course's segmentation, thresholds from the settings."""
    th = _crm()
    n = th["activity_window_days"]
    return [
        (
            HIGH,
            f"近{n}天消费 ≥ {th['high_value_min_orders_30d']} 次，且客单价 ≥ {_money(th['high_value_min_aov'])}",
            "表3",
        ),
        (
            POTENTIAL,
            f"近{n}天消费 {th['potential_orders_30d']} 次，且客单价 < {_money(th['potential_max_aov'])}",
            "表3",
        ),
        (GROWTH, f"近{n}天有消费，但不符合高价值、潜力的标准", "课程规定"),
        (
            DORMANT,
            f"{th['dormant_days_min']}-{th['lost_days_min']} 天未消费、有历史订单"
            f"（{th['dormant_days_min']} ≤ 距上次消费天数 < {th['lost_days_min']}）",
            "表3",
        ),
        (LOST, f"{th['lost_days_min']} 天以上未消费（距上次消费天数 ≥ {th['lost_days_min']}，“以上”含本数）", "表3"),
        (NO_ORDER, "截止日期前没有已支付订单（只有取消、退款的订单也算）", "课程规定"),
    ]


def example_customers() -> list[dict]:
    """Six customers on the boundaries and in the gaps of table 3, built from the settings.

    Each: ``key`` (the form field), ``label`` (客户A ...), ``recency`` (days
    since the last paid order), ``orders_30d``, ``aov_30d`` (None without
    recent orders) and ``text`` (how the form describes the customer).
    """
    th = _crm()
    n = th["activity_window_days"]
    hv_o, hv_a = th["high_value_min_orders_30d"], float(th["high_value_min_aov"])
    pot_o, pot_a = th["potential_orders_30d"], float(th["potential_max_aov"])

    def active(days: int) -> int:
        return max(0, min(days, n - 1))

    cases = [
        ("case_a", th["dormant_days_min"], 0, None),
        ("case_b", th["lost_days_min"], 0, None),
        ("case_c", active(3), hv_o, hv_a),
        ("case_d", active(6), max(pot_o + 1, hv_o - 1), round((pot_a + hv_a) / 2)),
        ("case_e", active(12), pot_o, pot_a),
        ("case_f", n - 1, pot_o, round(pot_a * 0.6)),
    ]
    out = []
    for i, (key, recency, orders, aov) in enumerate(cases):
        if orders:
            text = f"距上次消费 {recency} 天，近{n}天消费 {orders} 次，客单价 {_money(aov)}"
        else:
            text = f"距上次消费 {recency} 天，近{n}天没有消费（以前买过）"
        out.append(
            {
                "key": key,
                "label": f"客户{'ABCDEF'[i]}",
                "recency": recency,
                "orders_30d": orders,
                "aov_30d": aov,
                "text": text,
            }
        )
    return out


def segment_fields() -> list:
    return [Choice(c["key"], f"{c['label']}：{c['text']}", options=list(SEGMENTS)) for c in example_customers()]


def rules_html() -> str:
    """The rule table as HTML (shown with the form)."""
    head = "".join(f"<th style='padding:2px 8px;text-align:left'>{h}</th>" for h in ("分层", "判断标准", "来源"))
    body = "".join(
        "<tr>" + "".join(f"<td style='padding:2px 8px'>{html.escape(x)}</td>" for x in row) + "</tr>"
        for row in rule_rows()
    )
    return (
        f"<table class='course-preview-rules' style='border-collapse:collapse;margin:4px 0'>"
        f"<tr>{head}</tr>{body}</table>"
    )


def rules_text() -> list[str]:
    """The rule table as plain lines (the echo, and where widgets do not render)."""
    return [f"{seg}：{rule}（{src}）" for seg, rule, src in rule_rows()]


class SegmentForm(Form):
    """用户分层判断: the rule table (thresholds from the settings) and a segment picker."""

    key = FORM_KEY
    title = "用户分层规则（表3 用户分层运营策略表）"
    description = (
        "为每位客户选择分层；分层规则表（阈值来自课程设置）在表单下方。"
        "“近N天”指截止日期当天及之前的 N 天；距上次消费天数 = 截止日期 − 最后一次已支付订单的日期。"
    )

    def __init__(self):
        super().__init__(fields=segment_fields())

    def preview(self, values: dict, raw: dict) -> str:
        return rules_html()

    def text(self) -> str:
        return super().text() + "\n  分层规则：\n" + "\n".join(f"    {line}" for line in rules_text())


def previous_result(notebook: str, name: str):
    """A value another notebook of this module saved with ``course.export`` (None if absent).

    Later exercises start from the student's own segments of exercise 01:
    ``previous_result("01_segments", "segments")``.
    """
    from ..answers import AnswerStore, answer_path
    from ..session import answers_folder

    return AnswerStore(answer_path(notebook, answers_folder())).exported(name)
