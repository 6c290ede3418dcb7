"""Module 3's plan forms: the budget for the next campaign (03_channel_roi) and the
review's action plan (05_review_dashboard).

Both check, while the student types, the public rules of ``course.tools.review_rules``
(the same rules the graded tasks name as checks); neither knows the right plan.

>>> import course
>>> _ = course.start("module3_analytics", "doc_plans", quiet=True)
>>> f = BudgetForm(current={"付费广告": 100.0, "平台首页推荐": 100.0, "社群引流": 100.0, "直播": 100.0})
>>> f.submit({"paid_ads": "40", "homepage": "100", "community": "150", "live": "70", "reserve": "40",
...           "reason": "付费广告 ROI 低于下限，减 60%；社群引流 ROI 最高，加 50%"})
[]
>>> f.answers()["明显减少的渠道"], f.answers()["增加的渠道"]
(['付费广告', '直播'], ['社群引流'])
"""

from __future__ import annotations

import html

from ..money import yuan
from ..tools import analytics as A
from ..tools import review_rules as RR
from .base import Form
from .fields import Date

BUDGET_FIELDS = {"付费广告": "paid_ads", "平台首页推荐": "homepage", "社群引流": "community", "直播": "live"}
RESERVE_LABEL = RR.RESERVE


class BudgetForm(Form):
    """下次大促的推广预算分配 (exercise 3).

    The form shows this campaign's spend per paid channel (raw data) and checks
    the rules a finance back office enforces: the same total, a risk reserve,
    no channel raised beyond the cap, and -- by the student's own ROI table,
    when given -- no money added to a channel under the ROI floor.  It does not
    know the right allocation.  ``answers()`` adds which channels the plan cuts
    by at least ``analytics.budget_min_cut`` and which it raises.
    """

    key = "budget"
    title = "下次大促推广预算分配"

    def __init__(self, roi: dict | None = None, *, key: str | None = None, current: dict | None = None):
        from .. import settings
        from ..text import show
        from .fields import Number, TextArea

        self.current = dict(current) if current is not None else RR.campaign_spend()
        self.roi = {k: v for k, v in (roi or {}).items() if k in BUDGET_FIELDS}
        self.floor = float(settings.threshold("analytics", "roi_floor"))
        self.reserve_share = float(settings.threshold("campaign", "risk_reserve_share"))
        self.max_increase = float(settings.threshold("analytics", "budget_max_increase"))
        self.min_cut = float(settings.threshold("analytics", "budget_min_cut"))
        fields = [
            Number(
                name,
                f"{ch}（元）",
                decimals=2,
                minimum=0,
                unit="元",
                help=f"本次花费 {yuan(self.current.get(ch, 0.0))}",
            )
            for ch, name in BUDGET_FIELDS.items()
        ]
        fields.append(
            Number(
                "reserve",
                f"{RESERVE_LABEL}（元）",
                decimals=2,
                minimum=0,
                unit="元",
                help=f"至少占总预算的 {show(self.reserve_share, 'share')}（来源文档：预算中预留风险准备金）",
            )
        )
        fields.append(TextArea("reason", "调整理由", rows=3, placeholder="用 ROI 和毛利的数字说明为什么这样挪预算"))
        total = sum(self.current.values())
        super().__init__(
            key or self.key,
            self.title,
            fields,
            description=f"总额 = 本次活动四个付费渠道的花费之和 {yuan(total)}（只“挪”不“加”）；"
            f"ROI 低于 {self.floor:g} 的渠道至少减少 {show(self.min_cut, 'share')}；"
            f"单个渠道最多增加 {show(self.max_increase, 'share')}。",
        )

    @staticmethod
    def _plan(values: dict) -> dict:
        plan = {ch: values.get(name) for ch, name in BUDGET_FIELDS.items()}
        plan[RESERVE_LABEL] = values.get("reserve")
        return plan

    def check(self, values: dict) -> list[str]:
        plan = self._plan(values)
        total = sum(float(v) for v in plan.values() if v is not None)
        cur = sum(self.current.values())
        problems = []
        if not RR.budget_total_ok(plan, self.current):
            problems.append(
                f"预算总额 {yuan(total)} 与本次活动推广总花费 {yuan(cur)} 不一致："
                "这次是把同样多的钱重新分配，请让总额相同（误差 1% 以内）。"
            )
        if total > 0 and not RR.budget_reserve_ok(plan):
            problems.append(
                f"风险准备金只占 {A.format_rate((plan[RESERVE_LABEL] or 0) / total, 1)}，"
                f"至少要占总预算的 {_pct(self.reserve_share)}。"
            )
        for ch, now in self.current.items():
            new = plan.get(ch)
            if new is None or now <= 0:
                continue
            if new > now * (1 + self.max_increase) + 0.005:
                problems.append(
                    f"「{ch}」从 {yuan(now)} 增加到 {yuan(new)}，"
                    f"超过了 {_pct(self.max_increase)} 的上限：流量有天花板，加钱不一定等比例带来成交。"
                )
            r = self.roi.get(ch)
            below_floor = r is not None and not A.is_missing(r) and float(r) < self.floor
            if below_floor and new > now * (1 - self.min_cut) + 0.005:
                problems.append(f"「{ch}」按你算的 ROI 低于 {self.floor:g}，预算至少要减少 {_pct(self.min_cut)}。")
        if len(RR._plain(values.get("reason"))) < 15:
            problems.append("调整理由太短：请用数字说明（例如哪个渠道 ROI 多少、为什么减、加给谁）。")
        return problems

    def preview(self, values: dict, raw: dict) -> str:
        plan = self._plan(values)
        rows = []
        for ch in [*BUDGET_FIELDS, RESERVE_LABEL]:
            now = self.current.get(ch)
            new = plan.get(ch)
            change = f"{(new - now) / now:+.0%}" if now and new is not None else ""
            rows.append(
                f"<tr><td>{html.escape(ch)}</td><td>{yuan(now) if now is not None else '—'}</td>"
                f"<td>{yuan(new) if new is not None else '（未填）'}</td><td>{change}</td></tr>"
            )
        total = sum(float(v) for v in plan.values() if v is not None)
        return (
            "<table class='course-budget-preview'>"
            "<tr><th>渠道</th><th>本次花费</th><th>下次预算</th><th>变化</th></tr>"
            + "".join(rows)
            + f"<tr><td><b>合计</b></td><td>{yuan(sum(self.current.values()))}"
            f"</td><td><b>{yuan(total)}</b></td><td></td></tr></table>"
        )

    def answers(self) -> dict | None:
        vals = super().answers()
        if vals is None:
            return None
        out = self._plan(vals)
        out["理由"] = vals.get("reason")
        cuts, raises = RR.budget_changes(out, self.current)
        out["明显减少的渠道"] = cuts
        out["增加的渠道"] = raises
        return out


def _pct(x: float) -> str:
    from ..text import show

    return show(x, "share")


ACTION_FIELDS = dict(zip(("problem", "action", "target", "deadline"), RR.ACTION_COLUMNS))


class ActionPlanForm(Form):
    """复盘行动清单 (exercise 5): 3-6 rows of problem (with its number and cause) →
    concrete action → metric and target → date.  The form's checks are about
    *checkability* (a number in the problem and the target, an action that says
    where and how much, a date after the review); whether the problems are the
    right ones is graded elsewhere.  ``answers()``: ``{"行动": rows, "全文": text}``.
    """

    key = "action_plan"
    title = "复盘行动清单"

    def __init__(self, *, key: str | None = None):
        from .fields import Repeat, Text

        self.after = RR.review_date()
        lo, hi = RR.ACTION_ROWS
        sub = [Text(n, label) if n != "deadline" else Date(n, label) for n, label in ACTION_FIELDS.items()]
        fields = [
            Repeat(
                "rows",
                "行动清单",
                fields=sub,
                min_rows=lo,
                max_rows=hi,
                add_label="添加一条",
                default=[{} for _ in range(lo)],
                help="每行一条：问题要带数字，行动要写清在哪里做什么、做到多少，目标值要能检查。",
            )
        ]
        super().__init__(
            key or self.key,
            self.title,
            fields,
            description="像给团队布置任务一样写：下次大促前谁看了都知道做什么、做到多少、哪天检查。",
        )

    def check(self, values: dict) -> list[str]:
        problems = []
        for i, row in enumerate(values.get("rows") or [], 1):
            if not any(ch.isdigit() for ch in str(row.get("problem") or "")):
                problems.append(f"第 {i} 条：问题里没有数字，请写出数据证据（例如“活动期加购→下单只有 X%”）。")
            problems.extend(f"第 {i} 条：{m}" for m in RR.check_action(row.get("action")))
            problems.extend(f"第 {i} 条：{m}" for m in RR.check_target(row.get("target")))
            d = row.get("deadline")
            why = RR.deadline_problem(d, self.after) if d else None
            if why:
                problems.append(f"第 {i} 条：{why}")
        return problems

    def answers(self) -> dict | None:
        vals = super().answers()
        if vals is None:
            return None
        rows = [{ACTION_FIELDS[k]: r.get(k) for k in ACTION_FIELDS} for r in (vals.get("rows") or [])]
        text = "；".join("，".join(str(v or "") for v in r.values()) for r in rows)
        return {"行动": rows, "全文": text}
