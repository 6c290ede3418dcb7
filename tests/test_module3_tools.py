"""Module 3 tools: safe rates, the campaign calendar, data choice checks, charts, the
data centre and its query builder, the decision / budget / action-plan forms, the
review rules, the 挑战 dashboard, and the teacher-side reference (scalar definitions
== vectorised pipeline == the data centre's numbers)."""

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import course
from course import CourseError
from course.forms.dashboard import ALL_CHANNELS, Dashboard, render_html
from course.forms.decisions import (
    DECISIONS,
    MORE_TIME,
    NONE_BELOW,
    AbDecisionForm,
    LeakForm,
    LowRoiForm,
    TargetsForm,
    more_time_option,
)
from course.forms.plans import ActionPlanForm, BudgetForm
from course.forms.query import QueryBuilder, figure, render_result, svg_chart
from course.tools import analytics as A
from course.tools import datacentre as D
from course.tools import review_rules as RR
from grading.reference.module3_analytics import compare as K
from grading.reference.module3_analytics import core_metrics as RM
from grading.reference.module3_analytics import large_data as L
from grading.reference.module3_analytics.channel_roi import channel_roi
from grading.reference.module3_analytics.funnel import funnel_table
from grading.reference.module3_analytics.shop import prepare_orders, prepare_traffic

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def session(in_tmp):
    return course.start("module3_analytics", "m3_test", quiet=True)


def shop():
    """A tiny shop: 3 days, 2 channels; every definition can be checked by hand."""
    t = pd.DataFrame(
        {
            "session_id": [f"S{i}" for i in range(10)],
            "user_id": ["u1", "u1", "u2", "u3", "u4", "u5", "u5", "u6", "u7", "u8"],
            "date": pd.to_datetime(
                [
                    "2026-06-14",
                    "2026-06-18",
                    "2026-06-18",
                    "2026-06-18",
                    "2026-06-18",
                    "2026-06-19",
                    "2026-06-19",
                    "2026-06-19",
                    "2026-06-14",
                    "2026-06-14",
                ]
            ),
            "channel": [
                "自然搜索",
                "自然搜索",
                "付费广告",
                "付费广告",
                "自然搜索",
                "付费广告",
                "付费广告",
                "自然搜索",
                "自然搜索",
                "付费广告",
            ],
            "phase": ["日常", "爆发期", "爆发期", "爆发期", "爆发期", "返场期", "返场期", "返场期", "日常", "日常"],
            "pages_viewed": [1, 5, 3, 1, 4, 2, 6, 1, 3, 2],
            "added_to_cart": [False, True, True, False, True, True, True, False, True, False],
            "ordered": [False, True, False, False, True, False, True, False, True, False],
            "paid": [False, True, False, False, False, False, True, False, True, False],
            "is_new_customer": [True, True, True, True, True, True, True, True, True, True],
        }
    )
    o = pd.DataFrame(
        {
            "order_id": ["O1", "O2", "O3", "O4"],
            "user_id": ["u1", "u4", "u5", "u7"],
            "date": pd.to_datetime(["2026-06-18", "2026-06-18", "2026-06-19", "2026-06-14"]),
            "paid_at": pd.to_datetime(["2026-06-18 10:00", None, "2026-06-19 11:00", "2026-06-14 09:00"]),
            "channel": ["自然搜索", "自然搜索", "付费广告", "自然搜索"],
            "phase": ["爆发期", "爆发期", "返场期", "日常"],
            "status": ["已支付", "已取消", "已退款", "已支付"],
            "paid_amount": [399.0, 120.0, 200.0, 59.9],
            "cost_amount": [180.0, 60.0, 90.0, 22.0],
            "commission": [19.95, 6.0, 10.0, 3.0],
            "gift_cost": [8.0, 0.0, 0.0, 0.0],
            "is_new_customer": [True, True, True, True],
        }
    )
    return t, o


def good_metrics(traffic, orders):
    """A correct metric function in the student's style (test double, not shipped)."""
    return RM.core_metrics(traffic, orders)


# -- safe rates -------------------------------------------------------------------


def test_safe_rate_scalar_and_zero_denominator():
    assert A.safe_rate(31, 500) == pytest.approx(0.062)
    r = A.safe_rate(5, 0, what="转化率", den_name="UV")
    assert isinstance(r, A.Unavailable) and not r
    assert str(r) == "转化率无法计算：UV 为 0（所选范围内没有数据）"
    assert f"{r:.2%}" == "无法计算（UV 为 0）"
    assert A.format_rate(r) == "无法计算（UV 为 0）"
    assert "缺少" in str(A.safe_rate(1, None, what="加购率", den_name="UV"))
    assert "负数" in str(A.safe_rate(1, -3))
    assert isinstance(A.safe_rate(float("nan"), 10), A.Unavailable)


def test_unavailable_refuses_to_be_a_number():
    r = A.safe_rate(1, 0, what="客单价", den_name="支付买家数")
    for op in (lambda: float(r), lambda: r < 0.08, lambda: r + 1, lambda: 100 * r):
        with pytest.raises(CourseError, match="客单价无法计算"):
            op()
    assert r == A.Unavailable("客单价", r.reason) and r != A.safe_rate(1, 0)
    assert r.item() is None and r.shape == ()


def test_unavailable_is_saved_as_null_in_the_answer_file(session):
    back = course.export("m", {"UV": 0, "转化率": A.safe_rate(0, 0)})
    assert back == {"UV": 0, "转化率": None}
    frame = course.export("f", pd.DataFrame({"渠道": ["直播"], "ROI": [A.safe_rate(1, 0)]}))
    assert frame["ROI"].tolist() == [None]


def test_safe_rate_series_marks_zero_rows_and_says_so(capsys):
    out = A.safe_rate(pd.Series([5, 0, 3]), pd.Series([100, 0, 0]), what="转化率", den_name="UV")
    assert out.iloc[0] == pytest.approx(0.05) and out.iloc[1:].isna().all()
    assert "有 2 行的 UV 为 0" in capsys.readouterr().out
    quiet = A.safe_rate([1, 2], [2, 4], notice=False)
    assert quiet.tolist() == [0.5, 0.5]
    # index follows the numerator, so the result can be assigned as a column
    num = pd.Series([1, 2], index=["a", "b"])
    assert list(A.safe_rate(num, [2, 4]).index) == ["a", "b"]


def test_formatting_never_shows_nan():
    assert A.format_rate(0.0625) == "6.25%"
    assert A.format_rate(float("nan")) == "无法计算"
    assert A.format_money(1234.5) == "1,234.50 元"
    assert A.format_money(None) == "无法计算"
    table = A.format_table(
        pd.DataFrame({"渠道": ["a", "b"], "转化率": [0.1, np.nan], "GMV": [10.0, np.nan], "ROI": [2.345, np.inf * 0]}),
        rates=["转化率"],
        money=["GMV"],
        ratios=["ROI"],
    )
    text = table.to_string()
    assert "nan" not in text.lower() and "无法计算" in text and "10.00%" in text and "2.35" in text
    assert A.format_metric("新客占比", 0.5) == "50.00%" and A.format_metric("UV价值", 3) == "3.00 元"
    assert A.format_metric("UV", 12) == "12"
    assert A.gap_to_target(0.062, 0.08) == "转化率 实际 6.20%，目标 8.00%，差 -1.80 个百分点（未达标）"
    assert "无法与目标比较" in A.gap_to_target(A.safe_rate(1, 0), 0.08)


# -- choosing data -------------------------------------------------------------------


@pytest.mark.parametrize("typed,hint", [("付费广高", "付费广告"), ("直搏", "直播"), (" 社群 ", "社群引流")])
def test_channel_typos_get_a_suggestion(typed, hint):
    with pytest.raises(CourseError, match=f"你是不是想写「{hint}」"):
        A.check_channel(typed)
    assert A.check_channel(" 直播 ") == "直播"


def test_phase_and_empty_choice():
    assert A.check_phase("爆发期") == "爆发期"
    with pytest.raises(CourseError, match="爆发期"):
        A.check_phase("爆发")
    with pytest.raises(CourseError, match="（空）"):
        A.check_channel("")


def test_periods():
    assert A.check_period("2026/6/18", "2026-06-20") == (
        pd.Timestamp("2026-06-18").date(),
        pd.Timestamp("2026-06-20").date(),
    )
    with pytest.raises(CourseError, match="晚于结束日期"):
        A.check_period("2026-06-20", "2026-06-18")
    with pytest.raises(CourseError, match="没有数据：店铺数据覆盖 2025-07-01 至 2026-06-30"):
        A.check_period("2026-07-05", "2026-07-10", "2025-07-01", "2026-06-30")
    with pytest.raises(CourseError, match="年-月-日"):
        A.check_period("6月18日", "2026-06-20")
    t, _ = shop()
    assert len(A.filter_period(t, "2026-06-18", "2026-06-18")) == 4
    with pytest.raises(CourseError, match="没有数据"):
        A.filter_period(t, "2026-06-15", "2026-06-17")


# -- charts -------------------------------------------------------------------------


def _texts(ax):
    return (
        [t.get_text() for t in ax.texts]
        + [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        + [t.get_text() for t in ax.get_yticklabels()]
    )


def test_funnel_chart_has_chinese_labels_and_rates():
    import matplotlib

    matplotlib.use("Agg")
    ax = A.funnel_chart(
        {"访问": 1000, "加购": 250, "下单": 30, "支付": 27}, title="活动期转化漏斗", highlight="加购→下单"
    )
    texts = _texts(ax)
    assert "活动期转化漏斗" in texts and "人数（人）" in texts and "漏斗环节" in texts
    assert any("访问→加购：25.0%" in t for t in texts)
    assert any("⚠ 加购→下单：12.0%" in t for t in texts)
    assert A.step_rates([100, 0, 0])[1][1].reason.startswith("加购人数 为 0")
    ax = A.funnel_chart([10, 0, 0, 0], unit="次")
    assert any("无法计算" in t for t in _texts(ax))


@pytest.mark.parametrize("bad,msg", [([5], "至少需要两个环节"), ({"访问": 5, "加购": None}, "空值"), ([5, -1], "负数")])
def test_funnel_chart_bad_input(bad, msg):
    with pytest.raises(CourseError, match=msg):
        A.funnel_chart(bad)


# -- A/B ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "conv,nobs,msg",
    [
        ([0, 180], [0, 1900], "B 组没有访客"),
        ([10, 180], [1900, None], "A 组没有访客"),
        ([300, 10], [200, 100], "大于访客数"),
        ([0.1, 0.2], [100, 100], "整数"),
        ([1], [10], "正好两组"),
    ],
)
def test_ab_counts_bad_groups(conv, nobs, msg):
    with pytest.raises(CourseError, match=msg):
        A.check_ab_counts(conv, nobs)


def test_ab_counts_fine_and_no_statistic_in_the_library():
    assert A.check_ab_counts([204, 184], [1889, 1962]) is None
    # the graded A/B numbers are computed in the notebook from the counts the student chose
    assert not hasattr(A, "ab_ztest") and not hasattr(A, "ab_sample_size")


# -- checkable actions -------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,ok",
    [
        ("在详情页第三屏增加质检报告及72小时发货承诺", True),
        ("在结算页顶部增加已享优惠明细模块", True),
        ("优化详情页", False),
        ("提升转化率", False),
        ("加大推广", False),
        ("优化结算", False),
        ("把规则写清楚", False),
        ("", False),
        ("请大家以后更加认真地做好每一项工作吧", False),
    ],
)
def test_check_action(text, ok):
    assert (RR.check_action(text) == []) is ok


def test_check_target():
    assert RR.check_target("加购→下单 ≥ 20%") == []
    assert "没有数字" in RR.check_target("明显提升")[0]
    assert "空的" in RR.check_target("")[0]


# -- the dashboard ------------------------------------------------------------------------


def test_dashboard_uses_the_students_function(session):
    t, o = shop()
    calls = []

    def fn(traffic, orders):
        calls.append((len(traffic), len(orders)))
        return good_metrics(traffic, orders)

    d = Dashboard(fn, t, o)
    v = d.compute("2026-06-18", "2026-06-19", "付费广告", "全部阶段")
    assert calls[-1] == (4, 1) and v.ok and v.rows == 4
    assert v.metrics["UV"] == 3 and v.funnel == {"访问": 3, "加购": 2, "下单": 1, "支付": 1}
    assert any("目标" in n for n in v.notes)
    html = render_html(v)
    assert "nan" not in html.lower() and "人数漏斗" in html and "付费广告" in html
    assert "UV：3" in v.text() and "人数漏斗：访问 3 → 加购 2 → 下单 1 → 支付 1" in v.text()


@pytest.mark.parametrize(
    "kwargs,msg",
    [
        (dict(start="2026-06-18", end="2026-06-19", channel="付费广高"), "你是不是想写「付费广告」"),
        (dict(start="2026-07-05", end="2026-07-10"), "没有数据：店铺数据覆盖 2026-06-14 至 2026-06-19"),
        (dict(start="2026-06-14", end="2026-06-14", phase="爆发期"), "没有任何访问数据"),
        (dict(start="2026-06-19", end="2026-06-18"), "晚于结束日期"),
        (dict(start="", end="2026-06-18"), "填完整"),
        (dict(start="2026-06-18", end="2026-06-18", phase="爆发"), "你是不是想写「爆发期」"),
    ],
)
def test_dashboard_bad_input_is_a_message_not_a_traceback(session, kwargs, msg):
    t, o = shop()
    v = Dashboard(good_metrics, t, o).compute(**kwargs)
    assert not v.ok and any(msg in m for m in v.messages), v.messages


def test_dashboard_guards_against_the_students_function(session):
    t, o = shop()

    def zero_div(traffic, orders):
        return {"UV": 0, "转化率": 1 / 0}

    v = Dashboard(zero_div, t, o).compute("2026-06-18", "2026-06-18")
    assert any("ZeroDivisionError" in m and "safe_rate" in m for m in v.messages)

    def nan_rate(traffic, orders):
        return {"UV": traffic["user_id"].nunique(), "转化率": float("nan"), "标签": "x", "GMV": np.float64(12.5)}

    v = Dashboard(nan_rate, t, o).compute("2026-06-18", "2026-06-18")
    assert isinstance(v.metrics["转化率"], A.Unavailable) and v.metrics["GMV"] == 12.5
    assert "标签" not in v.metrics
    assert any("NaN" in m for m in v.messages) and any("不是一个数字" in m for m in v.messages)
    assert any("还需要包含" in m for m in v.messages)
    text = v.text() + render_html(v)
    assert "转化率：无法计算" in v.text() and not re.search(r"nan\s*%|：nan|>nan<", text.lower())

    v = Dashboard(lambda a, b: [1, 2], t, o).compute("2026-06-18", "2026-06-18")
    assert any("应返回一个字典" in m for m in v.messages)
    v = Dashboard(lambda a, b: 1 / 0 if False else pd.Series({"UV": 3}), t, o).compute("2026-06-18", "2026-06-18")
    assert v.metrics == {"UV": 3}
    v = Dashboard(lambda a, b: {}.__getitem__("UV"), t, o).compute("2026-06-18", "2026-06-18")
    assert any("KeyError" in m for m in v.messages)
    v = Dashboard(None, t, o).compute("2026-06-18", "2026-06-18")
    assert any("core_metrics" in m for m in v.messages)


def test_dashboard_form_persists_filters_and_previews(session, capsys):
    t, o = shop()
    d = Dashboard(good_metrics, t, o)
    assert d.submit({"start": "2026-06-18", "end": "2026-06-19", "channel": "自然搜索", "phase": ALL_CHANNELS}) != []
    assert d.submit({"start": "2026-06-18", "end": "2026-06-19", "channel": "自然搜索", "phase": "全部阶段"}) == []
    again = Dashboard(good_metrics, t, o)  # a new kernel reads the saved filters
    v = again.view()
    assert v.filters["channel"] == "自然搜索" and v.metrics["UV"] == 3
    assert "【看板】2026-06-18 至 2026-06-19 · 自然搜索" in capsys.readouterr().out
    html = again.preview(again.values, {"start": "2026-06-18"})
    assert "course-dashboard" in html and "nan" not in html.lower()
    assert "年-月-日" in again.preview(
        {"start": None, "end": "2026-06-19", "channel": None, "phase": None}, {"start": "2026-6-"}
    )
    assert again.chart(v) is not None
    with pytest.raises(CourseError, match="看板需要 traffic 表里有列"):
        Dashboard(good_metrics, t.drop(columns=["phase"]), o)


def test_dashboard_widget_builds(session):
    t, o = shop()
    box = Dashboard(good_metrics, t, o).widget()
    assert "course-form-dashboard" in box._dom_classes
    assert "活动复盘看板" in repr(box)


def test_dashboard_contains_no_metric_definition():
    """The 挑战 dashboard runs the student's function: it defines no metric itself."""
    code = (REPO / "course" / "forms" / "dashboard.py").read_text(encoding="utf-8")
    for column in ("paid_at", "pages_viewed", "added_to_cart", "is_new_customer", "cost_amount", "nunique"):
        assert column not in code, f"dashboard.py mentions {column}: its metrics come from the student's function"


# -- the campaign calendar and targets --------------------------------------------------------


def test_calendar_comes_from_the_data():
    phases = pd.DataFrame(
        {
            "phase": ["返场期", "预热期", "爆发期"],
            "start_date": ["2026-11-12", "2026-11-08", "2026-11-11"],
            "end_date": ["2026-11-13", "2026-11-10", "2026-11-11"],
        }
    )
    cal = A.campaign_calendar(phases)
    assert (cal.start, cal.end, cal.month_start, cal.month_end) == (
        "2026-11-08",
        "2026-11-13",
        "2026-11-01",
        "2026-11-30",
    )
    assert list(cal.phases) == ["预热期", "爆发期", "返场期"] and "复盘月" in str(cal)
    with pytest.raises(CourseError, match="campaign_phases"):
        A.campaign_calendar(phases.drop(columns=["end_date"]))
    real = A.campaign_calendar()
    assert real.start <= real.end and real.month_start <= real.start


def test_target_table_states_targets_without_verdicts():
    table = A.target_table({"GMV": 51000.0, "转化率": 0.07, "新客转化率": None})
    assert list(table.columns) == ["指标", "目标", "实际"]
    assert table["实际"].tolist()[2] == "无法计算"
    assert set(A.target_values()) == {"GMV", "转化率", "新客转化率"}


# -- the data centre ----------------------------------------------------------------------------


def tiny_centre():
    t, o = shop()
    return D.DataCentre(t, o)


def test_data_centre_definitions_by_hand():
    dc = tiny_centre()
    r = dc.run(D.Query(list(D.METRIC_NAMES), "2026-06-14", "2026-06-19"))
    m = r.table.iloc[0]
    assert (m["UV"], m["PV"], m["访问次数"]) == (8, 28, 10)
    assert m["跳失率"] == pytest.approx(3 / 10) and m["转化率"] == pytest.approx(3 / 8)
    assert m["GMV"] == pytest.approx(399 + 200 + 59.9)  # refunded counts, cancelled does not
    assert m["客单价"] == pytest.approx((399 + 200 + 59.9) / 3) and m["复购率（统计期内）"] == 0
    assert m["加购→下单"] == pytest.approx(4 / 6) and m["下单→支付"] == pytest.approx(3 / 4)


def test_data_centre_split_sort_total_and_missing():
    dc = tiny_centre()
    r = dc.run(D.Query(["加购→下单", "UV"], "2026-06-14", "2026-06-19", dimension="按渠道", sort=D.SORTS[1]))
    assert r.table["渠道"].tolist() == ["自然搜索", "付费广告", D.TOTAL]  # 3/3 before 1/3, total last
    assert r.groups()["渠道"].tolist() == ["自然搜索", "付费广告"]
    r = dc.run(D.Query(["加购→下单"], "2026-06-14", "2026-06-14", dimension="按活动阶段"))
    assert r.table["阶段"].tolist() == ["日常", D.TOTAL]
    r = dc.run(D.Query(["下单→支付"], "2026-06-19", "2026-06-19", channel="自然搜索"))
    assert math.isnan(r.table["下单→支付"][0])  # 0 orders: missing, not 0 and not inf
    assert "无法计算" in r.formatted()["下单→支付"][0]


@pytest.mark.parametrize(
    "query,msg",
    [
        (dict(metrics=[]), "至少勾选一个指标"),
        (dict(metrics=["UV"], start="2026-07-05", end="2026-07-10"), "没有数据：店铺数据覆盖 2026-06-14 至 2026-06-19"),
        (dict(metrics=["UV"], channel="付费广高"), "你是不是想写「付费广告」"),
        (dict(metrics=["UV"], start="2026-06-14", end="2026-06-14", phase="爆发期"), "没有任何访问数据"),
        (dict(metrics=["UV"], start="", end="2026-06-14"), "填完整"),
        (dict(metrics=["UV"], chart="漏斗图"), "漏斗图需要一组人数或次数"),
        (dict(metrics=list(D.FUNNEL_COUNTS["按人"]), chart="漏斗图", dimension="按渠道"), "不拆分"),
        (dict(metrics=["成交笔数"]), "没有这些指标"),
    ],
)
def test_data_centre_bad_queries_are_messages(query, msg):
    q = D.Query(**{"start": "2026-06-14", "end": "2026-06-19", **query})
    r = tiny_centre().run(q)
    assert r.table is None and any(msg in m for m in r.messages), r.messages


def test_data_centre_agrees_with_the_reference_on_the_classroom_data():
    """One set of definitions, two implementations: the students' data centre and the grader's reference."""
    from course import data

    t, o = data.load("traffic"), data.load("orders")
    cal = A.campaign_calendar()
    dc = D.DataCentre(t, o)
    tp, op = prepare_traffic(t), prepare_orders(o)
    pairs = {
        "UV": "UV",
        "PV": "PV",
        "跳失率": "跳失率",
        "转化率": "转化率",
        "GMV": "GMV",
        "客单价": "客单价",
        "UV价值": "UV价值",
        "新客占比": "新客占比",
        "复购率（统计期内）": "复购率",
        "加购率": "加购率",
    }
    for dim, col in (("按渠道", "channel"), ("按活动阶段", "phase"), ("按日期", "date")):
        got = dc.run(D.Query(list(pairs), cal.month_start, cal.month_end, dimension=dim)).groups()
        key = D.DIMENSIONS[dim][1]
        exp = RM.group_metrics(
            tp[tp["date"].between(cal.month_start, cal.month_end)],
            op[op["date"].between(cal.month_start, cal.month_end)],
            col,
        )
        exp[key] = exp[key].astype(str).str[:10]
        exp = exp.rename(columns={v: k for k, v in pairs.items()})
        assert len(got) == len(exp) and K.table_match(got.astype({key: str}), exp, key, list(pairs), rel=1e-9), dim
    steps = dc.run(
        D.Query(["访问→加购", "加购→下单", "下单→支付"], cal.month_start, cal.month_end, dimension="按活动阶段")
    ).groups()
    ref = funnel_table(tp[tp["date"].between(cal.month_start, cal.month_end)], "phase")
    assert K.table_match(steps, ref, "阶段", ["访问→加购", "加购→下单", "下单→支付"], rel=1e-9)


# -- the query builder (the data centre's form) --------------------------------------------------


def test_query_builder_saves_choices_and_shows_the_result(session):
    q = QueryBuilder("demo_query", metrics=["UV", "转化率"], centre=tiny_centre())
    assert q.submit({"start": "2026-06-14", "end": "2026-06-19", "dimension": "按渠道", "chart": "柱状图"}) == []
    again = QueryBuilder("demo_query", centre=tiny_centre())  # a new kernel reads the saved query
    ans = again.answers()
    assert ans["metrics"] == ["UV", "转化率"] and ans["dimension"] == "按渠道" and ans["start"] == "2026-06-14"
    assert again.table()["渠道"].tolist() == ["自然搜索", "付费广告", D.TOTAL]
    html = again.preview(again.values, {})
    for cls in ("course-query-result", "course-query-table", "course-query-chart"):
        assert cls in html
    assert "nan" not in html.lower() and "<svg" in html
    problems = again.submit({"metrics": [], "start": "2026/6/40"})
    assert any("开始日期" in p for p in problems) or any("指标" in p for p in problems)
    assert "course-query-messages" in render_result(
        again.result({"metrics": ["UV"], "start": "2026-07-01", "end": "2026-07-02"})
    )
    assert "course-form-demo_query" in again.widget()._dom_classes


def test_query_charts_have_chinese_titles_axes_and_units(session):
    import matplotlib

    matplotlib.use("Agg")
    dc = tiny_centre()
    r = dc.run(D.Query(["转化率", "加购率"], "2026-06-14", "2026-06-19", dimension="按活动阶段", chart="柱状图"))
    fig = figure(r)
    ax = fig.axes[0]
    assert "转化率" in ax.get_title() and ax.get_xlabel() == "阶段" and "（%）" in ax.get_ylabel()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["日常", "爆发期", "返场期"]  # no 合计 bar
    svg = svg_chart(r)
    assert "阶段" in svg and "（%）" in svg and "<rect" in svg and D.TOTAL not in svg
    line = svg_chart(dc.run(D.Query(["UV"], "2026-06-14", "2026-06-19", dimension="按日期", chart="折线图")))
    assert "<polyline" in line and "UV（人）" in line
    funnel = dc.run(D.Query(list(D.FUNNEL_COUNTS["按访问次数"]), "2026-06-14", "2026-06-19", chart="漏斗图"))
    assert "访问次数" in svg_chart(funnel) and figure(funnel) is not None
    assert svg_chart(dc.run(D.Query(["UV"], "2026-06-14", "2026-06-19"))) == ""  # 只看表格


# -- decision forms -------------------------------------------------------------------------------


def test_targets_form_labels_come_from_the_settings(session):
    f = TargetsForm()
    gmv = course.settings.threshold("campaign", "gmv_target")
    assert f"{gmv:,.0f}" in f.fields[0].label
    assert f.submit({"gmv": "达标", "conversion": "未达标", "new_conversion": "未达标", "worst": "新客转化率"}) == []
    assert f.answers()["worst"] == "新客转化率"


def test_leak_form_reads_percentages(session):
    f = LeakForm()
    base = {"step": "加购→下单", "phases": ["爆发期"], "scope": "所有渠道普遍偏低", "causes": ["优惠规则不清晰"]}
    assert f.submit({**base, "normal_rate": "30.4", "campaign_rate": "12.2%"}) == []
    assert f.answers()["normal_rate"] == pytest.approx(0.304) and f.answers()["campaign_rate"] == pytest.approx(0.122)
    assert f.submit({**base, "normal_rate": "0.304", "campaign_rate": "12.2"}) == []
    assert f.answers()["normal_rate"] == pytest.approx(0.00304)  # 0.304 means 0.304 %, as typed
    assert any("不能大于 100" in p for p in f.submit({**base, "normal_rate": "130", "campaign_rate": "12"}))
    assert f.fields[1].options == list(A.campaign_calendar().phases)


def test_low_roi_form(session):
    f = LowRoiForm()
    floor = course.settings.threshold("analytics", "roi_floor")
    assert f"{floor:g}" in f.fields[1].label
    assert any(
        "不要再勾选" in p
        for p in f.submit(
            {"by_gmv_ratio": ["付费广告", NONE_BELOW], "by_roi": ["付费广告"], "measure": "ROI（毛利贡献÷广告花费）"}
        )
    )
    assert f.submit({"by_gmv_ratio": [NONE_BELOW], "by_roi": ["付费广告"], "measure": "ROI（毛利贡献÷广告花费）"}) == []
    assert f.answers()["by_gmv_ratio"] == [NONE_BELOW]


def test_ab_decision_form(session):
    f = AbDecisionForm()
    assert (
        f.submit({"decision": DECISIONS[2], "more_time": MORE_TIME[3], "reason": "p 值大于 0.05，置信区间包含 0"}) == []
    )
    text = "\n".join(f.submit({"decision": DECISIONS[0], "more_time": MORE_TIME[2], "reason": "B 好"}))
    assert "不需要继续测试" in text and "理由太短" in text
    assert any(
        "估计还需要多久" in p
        for p in f.submit({"decision": DECISIONS[2], "more_time": MORE_TIME[0], "reason": "样本不够，p 值大于 0.05"})
    )
    assert [more_time_option(d) for d in (0, 10, 31, 61, 91)] == list(MORE_TIME)


# -- review rules, budget and action-plan forms -----------------------------------------------------

CURRENT = {"付费广告": 800.0, "平台首页推荐": 1000.0, "社群引流": 900.0, "直播": 1000.0}
ROI = {"付费广告": 1.2, "平台首页推荐": 2.4, "社群引流": 3.5, "直播": 2.1}


def test_budget_rules():
    plan = {"付费广告": 320, "平台首页推荐": 1000, "社群引流": 1010, "直播": 1000, "风险准备金": 370}
    assert RR.budget_total_ok(plan, CURRENT) and RR.budget_reserve_ok(plan) and RR.budget_cap_ok(plan, CURRENT)
    assert RR.budget_changes(plan, CURRENT) == (["付费广告"], ["社群引流"])
    assert not RR.budget_total_ok({**plan, "直播": 2000}, CURRENT)
    assert not RR.budget_reserve_ok({**plan, "风险准备金": 10, "直播": 1360})
    assert not RR.budget_cap_ok({**plan, "社群引流": 1400}, CURRENT)
    assert not RR.budget_total_ok({**plan, "直播": None}, CURRENT) and not RR.budget_total_ok("x", CURRENT)
    spend = RR.campaign_spend()
    assert set(spend) == set(RR.PAID_CHANNELS) and all(v > 0 for v in spend.values())


def test_budget_form_rules(session):
    f = BudgetForm(current=CURRENT, roi=ROI)
    good = {
        "paid_ads": "320",
        "homepage": "1000",
        "community": "1010",
        "live": "1000",
        "reserve": "370",
        "reason": "付费广告 ROI 1.2 低于 2，减 60%；社群引流 ROI 3.5 最高，加预算",
    }
    assert f.submit(good) == []
    ans = f.answers()
    assert ans["付费广告"] == 320.0 and ans["风险准备金"] == 370.0
    assert ans["明显减少的渠道"] == ["付费广告"] and ans["增加的渠道"] == ["社群引流"]
    problems = f.submit({**good, "paid_ads": "900", "reserve": "100", "community": "1500", "reason": "加"})
    text = "\n".join(problems)
    assert "不一致" in text and "风险准备金" in text and "超过了 50%" in text and "至少要减少" in text
    assert "理由太短" in text
    assert "course-budget-preview" in f.preview(f.values, {})


def test_budget_form_defaults_to_this_campaigns_spend(session):
    f = BudgetForm()
    assert f.current == RR.campaign_spend()
    assert all("本次花费" in fld.help for fld in f.fields[:4])


@pytest.mark.parametrize(
    "row,ok",
    [
        ({}, True),
        ({"problem": "转化低"}, False),
        ({"action": "优化详情页"}, False),
        ({"target": "明显提升"}, False),
        ({"deadline": "2026-06-01"}, False),
    ],
)
def test_action_rules(row, ok):
    good = {
        RR.ACTION_COLUMNS[0]: "活动期加购→下单只有 12%",
        RR.ACTION_COLUMNS[1]: "在结算页顶部增加已享优惠明细模块",
        RR.ACTION_COLUMNS[2]: "加购→下单 ≥ 20%",
        RR.ACTION_COLUMNS[3]: "2026-10-31",
    }
    names = dict(zip(("problem", "action", "target", "deadline"), RR.ACTION_COLUMNS))
    bad = {**good, **{names[k]: v for k, v in row.items()}}
    rows = [good, good, bad]
    verdict = (
        RR.actions_count_ok(rows)
        and RR.actions_have_numbers(rows)
        and RR.actions_concrete(rows)
        and RR.actions_checkable(rows)
        and RR.actions_dated(rows)
    )
    assert verdict is ok
    assert not RR.actions_count_ok(rows[:2]) and not RR.actions_concrete("x")


def test_deadline_rules():
    after = RR.review_date()
    assert RR.deadline_problem(f"{after[:4]}-12-31", after) is None
    assert "不晚于复盘日" in RR.deadline_problem(after, after)
    assert "太远" in RR.deadline_problem(f"{int(after[:4]) + 1}-01-05", after)
    assert "年-月-日" in RR.deadline_problem("10月31日", after)


def test_action_plan_form(session, capsys):
    f = ActionPlanForm()
    row = {
        "problem": "活动期加购→下单只有 12%，满减规则复杂",
        "action": "在结算页顶部增加已享优惠明细模块",
        "target": "加购→下单 ≥ 20%",
        "deadline": "2026-10-31",
    }
    assert f.submit({"rows": [row, row, row]}) == []
    ans = f.answers()
    assert ans["行动"][0]["具体行动"] == "在结算页顶部增加已享优惠明细模块" and "结算页" in ans["全文"]
    bad = {**row, "problem": "转化低", "action": "优化详情页", "target": "提升", "deadline": "2026-06-01"}
    text = "\n".join(f.submit({"rows": [row, row, bad]}))
    assert "第 3 条" in text and "没有数字" in text and "太笼统" in text and "不晚于复盘日" in text
    assert "至少填写 3 行" in "\n".join(f.submit({"rows": [row]}))
    f2 = ActionPlanForm(key="other_plan")
    assert f2.answers() is None and "请先填写并保存" in capsys.readouterr().out


def test_no_spend_no_roi():
    ok = pd.DataFrame({"渠道": ["自然搜索", "直播"], "广告花费": [0.0, 10.0], "ROI": [np.nan, 2.0]})
    assert RR.no_spend_no_roi(ok)
    assert not RR.no_spend_no_roi(ok.assign(ROI=[0.0, 2.0])) and not RR.no_spend_no_roi(ok.drop(columns="ROI"))


# -- the teacher-side reference -----------------------------------------------------------------


def test_reference_definitions_by_hand():
    t, o = shop()
    m = RM.core_metrics(prepare_traffic(t), prepare_orders(o))
    assert m["UV"] == 8 and m["PV"] == 28 and m["跳失率"] == pytest.approx(3 / 10)
    assert (m["加购人数"], m["下单人数"], m["支付人数"]) == (5, 4, 3)
    assert m["转化率"] == pytest.approx(3 / 8)
    assert m["GMV"] == pytest.approx(399 + 200 + 59.9)  # refunded order counts, cancelled does not
    assert m["客单价"] == pytest.approx((399 + 200 + 59.9) / 3)
    assert m["复购率"] == 0 and m["新客占比"] == 1


METRICS = [
    "UV",
    "PV",
    "跳失率",
    "加购人数",
    "下单人数",
    "支付人数",
    "加购率",
    "转化率",
    "GMV",
    "客单价",
    "UV价值",
    "新客占比",
    "复购率",
]


@pytest.mark.parametrize("ids", ["text", "numbers"])
@pytest.mark.parametrize("by", [None, "phase", "channel", "date", ["channel", "phase"]])
def test_vectorised_pipeline_equals_scalar_definitions(by, ids):
    t, o = shop()
    t, o = prepare_traffic(t), prepare_orders(o)
    if ids == "numbers":  # what the large-data loader does: integer ids, categorical keys
        t["user_id"], o["user_id"] = L.visitor_numbers(t["user_id"]), L.visitor_numbers(o["user_id"])
        for df in (t, o):
            df["channel"] = df["channel"].astype(pd.CategoricalDtype(list(A.CHANNELS)))
            df["phase"] = df["phase"].astype(pd.CategoricalDtype(list(A.PHASES)))
    got = RM.group_metrics(t, o, by)
    keys = [by] if isinstance(by, str) else list(by or [])
    if not keys:
        exp = RM.core_metrics(t, o)
        for k in METRICS:
            assert K.close(got.iloc[0][k], exp[k]), k
        return
    names = [RM.KEY_NAMES[k] for k in keys]
    for rec in got.to_dict("records"):
        mask_t = np.ones(len(t), bool)
        mask_o = np.ones(len(o), bool)
        for k, n in zip(keys, names):
            mask_t &= (t[k] == rec[n]).to_numpy()
            mask_o &= (o[k] == rec[n]).to_numpy()
        exp = RM.core_metrics(t[mask_t], o[mask_o])
        for k in METRICS:
            assert K.close(rec[k], exp[k]), (rec, k)


def test_visitor_numbers():
    assert L.visitor_numbers(pd.Series(["U00000041", "U12345678"])).tolist() == [41, 12345678]
    assert L.visitor_numbers(pd.Series(["U1", "U22"])) is None  # different widths
    assert L.visitor_numbers(pd.Series(["U0000004x"])) is None
    assert L.visitor_numbers(pd.Series(["访客1"])) is None
    assert L.visitor_numbers(np.array([b"U0041", b"U0042"], dtype="S20")).tolist() == [41, 42]
    assert L.visitor_numbers(np.array([b"U0041", b"U00042"], dtype="S20")) is None  # longer id later
    assert L.visitor_numbers(np.array([b"U" + b"1" * 19], dtype="S20")) is None  # may be cut off


def test_load_fast_reads_ids_as_numbers(tmp_path):
    t, o = shop()
    t["user_id"] = t["user_id"].str.replace("u", "U000")
    o["user_id"] = o["user_id"].str.replace("u", "U000")
    t.to_csv(tmp_path / "traffic.csv", index=False, encoding="utf-8-sig")
    o.to_csv(tmp_path / "orders.csv", index=False, encoding="utf-8-sig")
    pd.DataFrame({"date": ["2026-06-18"], "channel": ["付费广告"], "spend": [100.0]}).to_csv(
        tmp_path / "ad_spend.csv", index=False, encoding="utf-8-sig"
    )
    pd.DataFrame({"phase": ["爆发期"], "start_date": ["2026-06-18"], "end_date": ["2026-06-19"]}).to_csv(
        tmp_path / "campaign_phases.csv", index=False, encoding="utf-8-sig"
    )
    d = L.load_fast(tmp_path)
    assert d["traffic"]["user_id"].tolist()[:3] == [1, 1, 2] and d["calendar"].start == "2026-06-18"
    m = RM.group_metrics(d["traffic"], d["orders"]).iloc[0]
    exp = RM.core_metrics(prepare_traffic(t), prepare_orders(o))
    assert all(K.close(m[k], exp[k]) for k in METRICS)
    # ids of another shape fall back to text
    t["user_id"] = t["user_id"].str.replace("U000", "访客")
    o["user_id"] = o["user_id"].str.replace("U000", "访客")
    t.to_csv(tmp_path / "traffic.csv", index=False, encoding="utf-8-sig")
    d = L.load_fast(tmp_path)
    m = RM.group_metrics(d["traffic"], d["orders"]).iloc[0]
    assert all(K.close(m[k], exp[k]) for k in METRICS)  # orders ids still match traffic ids
    tables = L.pipeline(d["traffic"], d["orders"], d["ad_spend"], d["calendar"])
    assert set(tables) == {"campaign", "by_phase", "by_channel", "daily", "funnel", "by_channel_year", "roi"}


def test_reference_funnel_roi_and_comparisons():
    t, o = shop()
    t, o = prepare_traffic(t), prepare_orders(o)
    f = funnel_table(t, "phase").set_index("阶段")
    assert f.loc["爆发期", "访问次数"] == 4 and f.loc["爆发期", "加购→下单"] == pytest.approx(2 / 3)
    ad = pd.DataFrame({"date": pd.to_datetime(["2026-06-18"]), "channel": ["付费广告"], "spend": [100.0]})
    roi = channel_roi(o, ad, "2026-06-14", "2026-06-19").set_index("渠道")
    assert math.isnan(roi.loc["自然搜索", "ROI"])  # no spend: not 0, not inf
    assert roi.loc["付费广告", "净成交额"] == 0 and roi.loc["付费广告", "GMV"] == 200  # refund excluded from profit
    assert K.close(None, float("nan")) and not K.close(None, 0) and not K.close(float("inf"), None)
    assert K.close(True, np.bool_(True)) and not K.close(True, 1) and not K.close(None, False)


def test_reference_on_the_classroom_data():
    from grading.reference.context import context
    from grading.reference.module3_analytics import ab_test, funnel
    from grading.reference.module3_analytics import channel_roi as CR

    R = context()
    d = funnel.diagnosis(R)
    # the planted leak: cart -> order falls in the campaign while visit -> cart stays near normal
    assert d["step"] == "加购→下单" and d["campaign_rate"] < d["normal_rate"]
    assert CR.below(R, "ROI", R.threshold("analytics", "roi_floor")) != [NONE_BELOW]
    assert ab_test.results(R)["decision"] in DECISIONS and ab_test.results(R)["n_needed"] > 0


@pytest.mark.parametrize(
    "modname",
    [
        "course.tools.analytics",
        "course.tools.datacentre",
        "course.tools.review_rules",
        "course.forms.dashboard",
        "course.forms.plans",
        "course.forms.decisions",
        "course.forms.query",
        "grading.reference.module3_analytics.shop",
        "grading.reference.module3_analytics.compare",
        "grading.reference.module3_analytics.large_data",
    ],
)
def test_doctests(modname, in_tmp):
    import doctest
    import importlib

    assert doctest.testmod(importlib.import_module(modname)).failed == 0


# -- typical mistakes in module 3's skeletons get Chinese explanations ----------------------------

MISTAKES = [
    ('paid_orders = camp_orders[camp_orders["paidat"].notna()]', ['没有名为 "paidat" 的列', '"paid_at"（支付时间）']),
    ("paid_orders = camp_orders[camp_orders[paid_at].notna()]", ["要加引号", '"paid_at"']),
    ('uv = camp_traffic["user_id"].nunqiue()', ["你是不是想写 .nunique"]),
    ('kept = camp_orders[camp_orders["status"] == 已支付]', ["名字 已支付 还没有定义", "加引号"]),
    ('margin = roi_table["净成交额"] - roi_table["佣金"]', ['没有名为 "佣金" 的列', '"平台佣金"']),
    ('paid_n = [t.loc["B", "支付人"], t.loc["A", "支付人数"]]', ['没有名为 "支付人" 的列', '"支付人数"']),
]


@pytest.mark.parametrize("code,words", MISTAKES, ids=[m[0][:32] for m in MISTAKES])
def test_typical_mistakes_in_the_skeletons_are_explained_in_chinese(code, words):
    import traceback

    from course import explain as X

    t, o = shop()
    ns = {
        "camp_traffic": t,
        "camp_orders": o,
        "A": A,
        "pd": pd,
        "roi_table": pd.DataFrame({"渠道": ["直播"], "净成交额": [10.0], "平台佣金": [1.0]}),
        "t": pd.DataFrame({"版本": ["A", "B"], "访客数": [10, 10], "支付人数": [1, 2]}).set_index("版本"),
    }
    with pytest.raises(Exception) as info:
        exec(compile(code, "<cell>", "exec"), ns)  # noqa: S102 - the mistake under test
    lines = [n for f, n in traceback.walk_tb(info.value.__traceback__) if f.f_code.co_filename == "<cell>"]
    text = "\n".join(X.explain(info.value, namespace=ns, code=code, lineno=lines[-1] if lines else None))
    for w in words:
        assert w in text, text
    assert "提升方向" in text and "Traceback" not in text


def test_benchmark_pandas_and_duckdb_agree_on_a_small_shop(tmp_path):
    """The benchmark's two sides (``benchmarks/bench_analytics.py``) compute the same seven tables."""
    import importlib.util

    pytest.importorskip("duckdb")
    t, o = shop()
    t["user_id"] = t["user_id"].str.replace("u", "U000")
    o["user_id"] = o["user_id"].str.replace("u", "U000")
    t.to_csv(tmp_path / "traffic.csv", index=False, encoding="utf-8-sig")
    o.to_csv(tmp_path / "orders.csv", index=False, encoding="utf-8-sig")
    pd.DataFrame(
        {"date": ["2026-06-18", "2026-06-19"], "channel": ["付费广告", "自然搜索"], "spend": [100.0, 0.0]}
    ).to_csv(tmp_path / "ad_spend.csv", index=False, encoding="utf-8-sig")
    pd.DataFrame(
        {
            "phase": ["爆发期", "返场期"],
            "start_date": ["2026-06-18", "2026-06-19"],
            "end_date": ["2026-06-18", "2026-06-19"],
        }
    ).to_csv(tmp_path / "campaign_phases.csv", index=False, encoding="utf-8-sig")
    spec = importlib.util.spec_from_file_location("bench_analytics", REPO / "benchmarks" / "bench_analytics.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    pandas_side, duckdb_side = bench.pandas_worker(tmp_path), bench.duckdb_worker(tmp_path)
    assert set(pandas_side["tables"]) == set(duckdb_side["tables"])
    assert bench.compare(pandas_side["tables"], duckdb_side["tables"]) == []
