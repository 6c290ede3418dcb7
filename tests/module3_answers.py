"""What a student of module 3 types, computed from the settings and the data in force.

Shared by the module-3 grading test and the browser test:

* ``blanks(stem)``: {task: what goes into each ``___`` of its skeleton} (read from the
  source notebook: the skeleton with these filled in is the solution);
* ``challenge_code()``: the optional 挑战's function, as a student who codes types it;
* ``student_forms(mistakes=...)``: {notebook stem: {form key: raw entries as typed}};
* ``answer_files(forms)``: the answer files holding those entries.
"""

from __future__ import annotations

import os

import harness
import nbformat

os.environ.setdefault("COURSE_DATA_DIR", str(harness.DATA))

MODULE = "module3_analytics"
SOURCE = harness.REPO / MODULE


def context():
    from grading.reference.context import context as ctx

    return ctx()


def _answer_cells(stem: str):
    nb = nbformat.read(SOURCE / f"{stem}.ipynb", as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if gid.endswith("_answer") and cell.cell_type == "code":
            yield gid[3 : -len("_answer")], cell.source


def blanks(stem: str) -> dict[str, list[str]]:
    """{task: blank answers} of a notebook's scaffolds."""
    from grading.scaffold import blank_answers, scaffold_of, solution_of

    out = {}
    for task, src in _answer_cells(stem):
        skeleton = scaffold_of(src)
        if skeleton is not None:
            out[task] = blank_answers(skeleton, solution_of(src))
    return out


def wrong_blanks() -> dict[str, list[str]]:
    """Typical wrong picks among the options each prompt offers."""
    return {"campaign_conversion": ["count", "uv"], "roi_table": ['"已支付"', '"平台佣金"', '"GMV"']}


def challenge_code() -> str:
    """The 挑战's answer (the source's solution lines)."""
    from grading.scaffold import solution_of

    return dict((t, solution_of(s)) for t, s in _answer_cells("05_review_dashboard"))["challenge_metrics"]


# -- the forms ------------------------------------------------------------------------------


def _pct(x: float) -> str:
    return f"{x * 100:.2f}"


def query(metrics, dimension, start, end, chart="只看表格") -> dict:
    from course.tools import datacentre as D

    return {
        "metrics": list(metrics),
        "dimension": dimension,
        "start": start,
        "end": end,
        "channel": D.ALL_CHANNELS,
        "phase": D.ALL_PHASES,
        "sort": D.SORTS[0],
        "chart": chart,
    }


def budget_entries() -> dict:
    """A plan that follows every rule: the low-ROI channels cut hard, the reserve kept, the rest to the best channels."""
    from course.forms.plans import BUDGET_FIELDS
    from course.tools import review_rules as RR
    from grading.reference.module3_analytics import channel_roi as CR

    R = context()
    th = R.settings["thresholds"]
    roi = CR.roi(R).set_index("渠道")["ROI"]
    current = RR.campaign_spend()
    total = sum(current.values())
    low = {c for c in current if roi[c] < th["analytics"]["roi_floor"]}
    plan = {c: round(v * (1 - 2 * th["analytics"]["budget_min_cut"]), 2) if c in low else v for c, v in current.items()}
    left = round(total * (1 - th["campaign"]["risk_reserve_share"]) - sum(plan.values()), 2)
    for c in sorted(set(current) - low, key=lambda c: -roi[c]):
        add = max(min(left, round(current[c] * (1 + th["analytics"]["budget_max_increase"]) - plan[c], 2)), 0)
        plan[c] = round(plan[c] + add, 2)
        left = round(left - add, 2)
    entries = {BUDGET_FIELDS[c]: f"{v:.2f}" for c, v in plan.items()}
    entries["reserve"] = f"{total - sum(plan.values()):.2f}"
    entries["reason"] = (
        "按扣除成本后的 ROI 分配："
        + "；".join(f"{c} ROI {roi[c]:.2f}" for c in current)
        + "。低于下限的渠道减预算，省下的钱先留风险准备金，再给 ROI 最高的渠道。"
    )
    return entries


def action_rows(vague: bool = False) -> list[dict]:
    from course.tools.review_rules import review_date

    year = review_date()[:4]
    rows = [
        {
            "problem": "活动期加购→下单只有 12%，日常为 30%；满减与第二件半价叠加，顾客算不清到手价",
            "action": "在结算页顶部增加“已享优惠明细”模块，并在详情页第二屏放 3 个满减计算示例",
            "target": "加购→下单（按访问）≥ 25%",
            "deadline": f"{year}-10-31",
        },
        {
            "problem": "付费广告活动期 ROI 0.9，投产比 2.8，扣掉成本后不赚钱",
            "action": "下次大促付费广告预算减少 60%，暂停泛词计划，省下的预算给 ROI 最高的社群引流",
            "target": "付费广告 ROI ≥ 2",
            "deadline": f"{year}-10-20",
        },
        {
            "problem": "详情页 A/B 测试 p 值 0.14，样本只有所需的四分之一",
            "action": "新版详情页继续测试到每组 7000 名访客后再决定是否全量上线",
            "target": "每组访客 ≥ 7000",
            "deadline": f"{year}-09-30",
        },
    ]
    if vague:
        rows[1] = {**rows[1], "action": "优化投放"}
    return rows


def student_forms(mistakes: bool = False) -> dict[str, dict[str, dict]]:
    """{stem: {form key: raw entries}}; ``mistakes``: the typical wrong choices of a partly right student."""
    from course.forms.decisions import MEASURES, more_time_option
    from grading.reference.module3_analytics import ab_test as AB
    from grading.reference.module3_analytics import channel_roi as CR
    from grading.reference.module3_analytics import core_metrics as CM
    from grading.reference.module3_analytics import funnel as F
    from grading.reference.module3_analytics.shop import shop

    R = context()
    cal = shop(R)["calendar"]
    d = F.diagnosis(R)
    ab = AB.results(R)
    targets = {
        "gmv": CM.reached(R, "GMV"),
        "conversion": CM.reached(R, "转化率"),
        "new_conversion": CM.reached(R, "新客转化率"),
        "worst": CM.worst_target(R),
    }
    leak = {
        "step": d["step"],
        "phases": d["phases"],
        "scope": d["scope"],
        "normal_rate": _pct(d["normal_rate"]),
        "campaign_rate": _pct(d["campaign_rate"]) + "%",
        "causes": d["causes"],
    }
    low_roi = {
        "by_gmv_ratio": CR.below(R, "投产比", R.threshold("analytics", "gmv_ratio_floor")),
        "by_roi": CR.below(R, "ROI", R.threshold("analytics", "roi_floor")),
        "measure": MEASURES[1],
    }
    decision = {
        "decision": ab["decision"],
        "more_time": more_time_option(ab["extra_days"]),
        "reason": f"p 值 {ab['p']:.3f}，置信区间 [{ab['ci'][0]:.2%}, {ab['ci'][1]:.2%}]，每组需要 {ab['n_needed']} 人。",
    }
    if mistakes:
        leak = {**leak, "step": "访问→加购", "causes": ["流量不精准"]}  # blames traffic; numbers right
        low_roi = {**low_roi, "measure": MEASURES[0]}  # judges by GMV ÷ spend
    return {
        "01_core_metrics": {"targets": targets},
        "02_funnel": {
            "phase_funnel": query(F.STEPS, "按活动阶段", cal.month_start, cal.month_end, "柱状图"),
            "channel_funnel": query([d["step"]], "按渠道", cal.start, cal.end, "柱状图"),
            "leak": leak,
        },
        "03_channel_roi": {"low_roi": low_roi, "budget": budget_entries()},
        "04_ab_test": {"ab_decision": decision},
        "05_review_dashboard": {
            "daily_trend": query(["UV", "转化率"], "按日期", cal.month_start, cal.month_end, "折线图"),
            "action_plan": {"rows": action_rows(vague=mistakes)},
        },
    }


def answer_files(forms: dict[str, dict[str, dict]]) -> dict[str, dict]:
    return {stem: harness.form_answers(entries, stem) for stem, entries in forms.items()}
