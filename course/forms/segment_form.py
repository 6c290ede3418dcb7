"""The segmentation form (用户分层规则) of module 4, exercise 01.

Table 3 of the workshop plan (用户分层运营策略表) defines four segments:

=========  ==========================================
高价值用户  近30天消费 ≥ 3 次，且客单价 ≥ 500 元
潜力用户    近30天消费 1 次，且客单价 < 300 元
沉睡用户    30-60 天未消费，有历史订单
流失用户    60 天以上未消费
=========  ==========================================

It leaves customers out: those with 2 purchases in 30 days, and those whose
order value is 300-500 元 (or ≥ 500 元 with 1-2 purchases, or < 500 元 with 3 or
more).  The form keeps every threshold editable (defaults from
``thresholds.crm.*`` in ``course/settings.yaml``) and makes the student choose,
from documented options, what happens to those customers.  It checks the
thresholds for overlaps and for gaps the rule did not expect.

The form only *records and checks* the rule.  Applying it to customers is the
student's pandas work in the notebook; nothing here computes a segment.

Boundaries (decided by the course, see module4_crm/TEACHER_NOTES.md):
recency = days from the last paid order to the as-of date (0 = bought that
day); "近30天" = recency < 30, i.e. the 30 days ending on the as-of date;
沉睡 = 30 ≤ recency < 60; 流失 = recency ≥ 60 ("60天以上" includes 60, as
以上 does in Chinese rules); 客单价 = mean paid amount of the paid orders in
the 30-day window.

>>> sorted(defaults())[:3]
['as_of', 'compare_date', 'dormant_days_min']
"""
from __future__ import annotations

import datetime as _dt
import html

from .base import Form
from .fields import Choice, Date, Number

HIGH, POTENTIAL, GROWTH, DORMANT, LOST, NO_ORDER = ("高价值用户", "潜力用户", "成长用户", "沉睡用户", "流失用户",
                                                    "未购买客户")
#: every label a segment column may hold, in display order
SEGMENTS = [HIGH, GROWTH, POTENTIAL, DORMANT, LOST, NO_ORDER]

#: the documented options for the customers table 3 leaves out
GAP_MERGE = "并入潜力用户"
GAP_GROWTH = "单设成长用户"
GAP_RULES = {
    GAP_MERGE: ("近30天有消费、但不满足高价值标准的客户，都算潜力用户（表3的潜力用户目标是“促进二次消费”，"
                "这些客户同样需要再买一次）。分层仍是4层。"),
    GAP_GROWTH: ("近30天有消费、但既不满足高价值也不满足潜力标准的客户（如近30天消费2次，或客单价300-500元），"
                 "单独设为「成长用户」一层，另配策略。分层变成5层。"),
}

FORM_KEY = "segment_rules"


def _crm() -> dict:
    from .. import settings

    return settings.thresholds("crm")


def defaults() -> dict:
    """The table-3 defaults from the settings (what a new form shows)."""
    th = _crm()
    return {
        "as_of": str(th["as_of_date"]),
        "compare_date": str(th["compare_date"]),
        "window_days": th["activity_window_days"],
        "hv_min_orders": th["high_value_min_orders_30d"],
        "hv_min_aov": th["high_value_min_aov"],
        "pot_min_orders": th["potential_orders_30d"],
        "pot_max_orders": th["potential_orders_30d"],
        "pot_max_aov": th["potential_max_aov"],
        "dormant_days_min": th["dormant_days_min"],
        "lost_days_min": th["lost_days_min"],
    }


def segment_fields() -> list:
    d = defaults()
    return [
        Date("as_of", "分层截止日期", default=d["as_of"], help="按这一天结束时的数据分层"),
        Date("compare_date", "对比日期", default=d["compare_date"], help="与截止日期对比，看客户在两层之间的流动"),
        Number("window_days", "近N天的天数", integer=True, minimum=1, maximum=365, default=d["window_days"],
               unit="天", help="表3：近30天"),
        Number("hv_min_orders", "高价值：近N天消费次数 ≥", integer=True, minimum=1, default=d["hv_min_orders"],
               unit="次"),
        Number("hv_min_aov", "高价值：客单价 ≥（元）", minimum=0, decimals=2, default=d["hv_min_aov"], unit="元"),
        Number("pot_min_orders", "潜力：近N天消费次数 最少", integer=True, minimum=1, default=d["pot_min_orders"],
               unit="次"),
        Number("pot_max_orders", "潜力：近N天消费次数 最多", integer=True, minimum=1, required=False,
               default=d["pot_max_orders"], unit="次", help="留空 = 不设上限"),
        Number("pot_max_aov", "潜力：客单价 <（元）", minimum=0, decimals=2, default=d["pot_max_aov"], unit="元"),
        Number("dormant_days_min", "沉睡：距上次消费 ≥（天）", integer=True, minimum=1,
               default=d["dormant_days_min"], unit="天"),
        Number("lost_days_min", "流失：距上次消费 ≥（天）", integer=True, minimum=1, default=d["lost_days_min"],
               unit="天"),
        Choice("gap_rule", "表3未覆盖的客户", options=list(GAP_RULES),
               help="近N天有消费、但不属于高价值或潜力的客户怎么归类（必选，见上方说明）"),
    ]


def _d(text) -> _dt.date:
    return _dt.date.fromisoformat(str(text))


def _fmt_count(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"≥{lo} 次"
    return f"{lo} 次" if lo == hi else f"{lo}-{hi} 次"


def check_rules(v: dict, first_order: _dt.date | None = None, last_date: _dt.date | None = None) -> list[str]:
    """Chinese problems with a rule (empty when it is consistent)."""
    problems: list[str] = []
    as_of, cmp_ = _d(v["as_of"]), _d(v["compare_date"])
    if cmp_ >= as_of:
        problems.append(f"对比日期 {cmp_} 应早于分层截止日期 {as_of}（用较早的日期和截止日期对比客户的流动）。")
    if first_order is not None:
        for label, day in (("分层截止日期", as_of), ("对比日期", cmp_)):
            if day < first_order:
                problems.append(f"{label} {day} 早于店铺的第一笔订单（{first_order}）：那一天还没有任何客户可以分层，"
                                f"请选择 {first_order} 之后的日期。")
    if last_date is not None and as_of > last_date:
        problems.append(f"分层截止日期 {as_of} 晚于数据的最后一天（{last_date}）：之后的订单还不知道，"
                        f"所有客户的“距上次消费天数”都会被高估。请选择 {last_date} 或更早的日期。")

    n = v["window_days"]
    hv_o, pot_lo, pot_hi = v["hv_min_orders"], v["pot_min_orders"], v["pot_max_orders"]
    if pot_hi is not None and pot_hi < pot_lo:
        problems.append(f"潜力用户的消费次数“最少 {pot_lo} 次、最多 {pot_hi} 次”是空范围：最多不能小于最少。")
    elif pot_hi is None or pot_hi >= hv_o:
        problems.append(
            f"潜力用户（近{n}天消费 {_fmt_count(pot_lo, pot_hi)}）与高价值用户（≥{hv_o} 次）的消费次数范围重叠："
            f"消费 {max(hv_o, pot_lo)} 次以上的客户同时落在两层的次数范围里。表3的潜力用户是“近30天消费1次”，"
            f"请把潜力用户的次数上限设为小于 {hv_o}；介于两层之间的客户交给「表3未覆盖的客户」规则处理。")
    if v["pot_max_aov"] > v["hv_min_aov"]:
        problems.append(f"客单价范围重叠：潜力用户客单价 <{v['pot_max_aov']:g} 元，高价值用户 ≥{v['hv_min_aov']:g} 元，"
                        f"{v['hv_min_aov']:g}-{v['pot_max_aov']:g} 元的客户两层都符合。潜力用户的上限不能高于高价值用户的下限。")
    dorm, lost = v["dormant_days_min"], v["lost_days_min"]
    if dorm > n:
        problems.append(f"留下了没有归属的客户：距上次消费 {n}-{dorm - 1} 天的客户近{n}天没有消费，又还不算沉睡（≥{dorm} 天），"
                        f"不属于任何一层。沉睡用户应从第 {n} 天开始（表3：30-60天未消费）。")
    elif dorm < n:
        problems.append(f"重叠：距上次消费 {dorm}-{n - 1} 天的客户近{n}天内有消费，又被算作沉睡用户（≥{dorm} 天）。"
                        f"沉睡用户应从第 {n} 天开始，与“近{n}天”首尾相接。")
    if lost <= dorm:
        problems.append(f"流失用户的天数（≥{lost} 天）必须大于沉睡用户的起点（≥{dorm} 天），否则沉睡用户一个都没有。")
    return problems


def rules_text(v: dict) -> list[str]:
    """The rule in plain Chinese, one line per segment (for the echo and the notebook)."""
    n = v["window_days"]
    pot_count = _fmt_count(v["pot_min_orders"], v["pot_max_orders"])
    lines = [
        f"{HIGH}：近{n}天消费 ≥{v['hv_min_orders']} 次，且客单价 ≥{v['hv_min_aov']:g} 元",
        f"{POTENTIAL}：近{n}天消费 {pot_count}，且客单价 <{v['pot_max_aov']:g} 元",
    ]
    if v.get("gap_rule") == GAP_GROWTH:
        lines.append(f"{GROWTH}：近{n}天有消费，但不属于以上两层（如消费2次，或客单价在两层之间）")
    elif v.get("gap_rule") == GAP_MERGE:
        lines[1] += f"；近{n}天有消费但不属于高价值用户的，也都算潜力用户"
    else:
        lines.append("（还没有选择「表3未覆盖的客户」怎么归类）")
    lines += [
        f"{DORMANT}：距上次消费 {v['dormant_days_min']}-{v['lost_days_min'] - 1} 天（有历史订单）",
        f"{LOST}：距上次消费 ≥{v['lost_days_min']} 天",
        f"{NO_ORDER}：截止日期前没有已支付订单（不参与分层，单独列出）",
    ]
    return lines


def segment_names(v: dict | None) -> list[str]:
    """The segment labels a rule produces, in display order (NO_ORDER last)."""
    if v is None:
        return []
    names = [HIGH, POTENTIAL, DORMANT, LOST]
    if v.get("gap_rule") == GAP_GROWTH:
        names.insert(1, GROWTH)
    return names + [NO_ORDER]


class SegmentForm(Form):
    """用户分层规则: thresholds of table 3 (editable) and the rule for its gaps.

    ``first_order`` / ``last_date``: the data's first order day and last day,
    so a date outside the data is caught with a clear message.
    """

    key = FORM_KEY
    title = "用户分层规则（表3 用户分层运营策略表）"
    description = ("阈值默认取自表3（教师可在 course/settings.yaml 中修改）。"
                   "“近N天”指截止日期当天及之前的 N 天；距上次消费天数 = 截止日期 − 最后一次已支付订单的日期。")

    def __init__(self, first_order=None, last_date=None):
        self.first_order = None if first_order is None else _as_date(first_order)
        self.last_date = None if last_date is None else _as_date(last_date)
        super().__init__(fields=segment_fields())

    def check(self, values: dict) -> list[str]:
        return check_rules(values, self.first_order, self.last_date)

    def preview(self, values: dict, raw: dict) -> str:
        if any(values.get(f.name) is None for f in self.fields if f.required and f.name != "gap_rule"):
            return "<span style='color:#999'>（填完阈值后，这里显示分层规则）</span>"
        problems = self.check(values)
        if problems:
            items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
            return f"<div style='color:#b35900'><b>规则还需要修改</b><ul style='margin:2px 0'>{items}</ul></div>"
        items = "".join(f"<li>{html.escape(line)}</li>" for line in rules_text(values))
        return f"<div class='course-preview-rules'><b>当前规则</b><ul style='margin:2px 0'>{items}</ul></div>"

    def text(self) -> str:
        out = super().text()
        vals = self.values
        if vals and not self.problems:
            out += "\n  规则：\n" + "\n".join(f"    {line}" for line in rules_text(vals))
        return out


def _as_date(value) -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if hasattr(value, "date"):
        return value.date()
    return _dt.date.fromisoformat(str(value)[:10])


def previous_result(notebook: str, name: str):
    """A value another notebook of this module saved with ``course.export`` (None if absent).

    Later exercises start from the student's own segments of exercise 01:
    ``previous_result("01_segments", "segments")``.
    """
    from ..answers import AnswerStore, answer_path
    from ..session import answers_folder

    return AnswerStore(answer_path(notebook, answers_folder())).exported(name)
