"""module4_crm's operator tools and forms: frequency cap, PII masking, membership,
the segmentation form and the strategy form.

The segmentation itself is the student's work: the last test makes sure no
course file grows a function that computes table-3 segments or RFM scores."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import course
from course.messages import CourseError
from course.tools import frequency, membership, privacy

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def session(in_tmp):
    return course.start("module4_crm", "nb_test", quiet=True)


def log(rows):
    """A message log from (user, time, type[, campaign]) tuples."""
    df = pd.DataFrame(rows, columns=["user_id", "sent_at", "msg_type", "campaign"][:len(rows[0])])
    df["sent_at"] = pd.to_datetime(df["sent_at"])
    return df


# -- frequency cap: audit ------------------------------------------------------------

def test_third_promo_within_24h_is_a_violation():
    r = frequency.check_cap(log([("u1", "2026-06-15 10:00", "营销"), ("u1", "2026-06-15 15:00", "营销"),
                                 ("u1", "2026-06-16 09:59", "营销"), ("u2", "2026-06-15 10:00", "营销")]))
    assert r.cap == 2 and r.window_hours == 24          # from the settings
    assert r.violations["user_id"].tolist() == ["u1"]
    v = r.violations.iloc[0]
    assert v["n_in_window"] == 3 and v["excess"] == 1 and v["window_start"] == pd.Timestamp("2026-06-15 10:00")
    assert r.customers == ["u1"] and not r.ok


def test_rolling_window_not_calendar_day_and_24h_boundary():
    # 23:00 and 01:00 the next day are in one window; exactly 24 h later starts a new one
    across_midnight = log([("u1", "2026-06-15 23:00", "营销"), ("u1", "2026-06-16 01:00", "营销"),
                           ("u1", "2026-06-16 08:00", "营销")])
    assert len(frequency.check_cap(across_midnight).violations) == 1
    boundary = log([("u1", "2026-06-15 10:00", "营销"), ("u1", "2026-06-15 12:00", "营销"),
                    ("u1", "2026-06-16 10:00", "营销")])
    assert frequency.check_cap(boundary).ok


def test_service_messages_are_exempt_and_same_time_ties_count():
    rows = [("u1", "2026-06-15 10:00", "服务")] * 5 + [("u1", "2026-06-15 10:00", "营销")] * 3
    r = frequency.check_cap(log(rows))
    assert len(r.violations) == 1 and r.violations.iloc[0]["msg_type"] == "营销"


def test_missing_times_are_reported_not_dropped_and_unknown_types_count_as_promo():
    df = log([("u1", "2026-06-15 10:00", "营销"), ("u1", "2026-06-15 11:00", "推送"), ("u1", None, "营销"),
              ("u1", "2026-06-15 12:00", "营销")])
    r = frequency.check_cap(df)
    assert len(r.missing_time) == 1 and len(r.unknown_kind) == 1
    assert len(r.violations) == 1                      # 推送 counted as promotional
    text = r.summary()
    assert "缺少发送时间" in text and "无法识别" in text and "超出频控" in text


def test_text_times_and_unreadable_times():
    df = pd.DataFrame({"user_id": ["a", "a", "a"], "send_time": ["2026/06/15 10:00", "明天上午", "2026-06-15 11:00"],
                       "msg_type": ["营销"] * 3})
    r = frequency.check_cap(df, cap=1)
    assert len(r.missing_time) == 1 and r.missing_time.iloc[0]["send_time"] == "明天上午"
    assert len(r.violations) == 1


@pytest.mark.parametrize("kwargs,words", [
    ({"cap": 0}, "频控条数"), ({"window_hours": -1}, "时间窗口"), ({"time": "发出时间"}, "没有列「发出时间」"),
])
def test_bad_arguments_get_chinese_messages(kwargs, words):
    with pytest.raises(CourseError, match=words):
        frequency.check_cap(log([("u1", "2026-06-15 10:00", "营销")]), **kwargs)


def test_no_log_is_a_clear_message():
    with pytest.raises(CourseError, match="请先完成上一步"):
        frequency.check_cap(None)
    with pytest.raises(CourseError, match="找不到发送时间"):
        frequency.check_cap(pd.DataFrame({"user_id": ["a"], "msg_type": ["营销"]}))


def test_teacher_changes_the_cap_in_the_settings(tmp_path, monkeypatch):
    text = (REPO / "course" / "settings.yaml").read_text(encoding="utf-8")
    text = text.replace("frequency_cap_messages: 2", "frequency_cap_messages: 3")
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("COURSE_SETTINGS", str(tmp_path / "s.yaml"))
    df = log([("u1", f"2026-06-15 1{i}:00", "营销") for i in range(3)])
    assert frequency.check_cap(df).ok and frequency.check_cap(df).cap == 3


# -- frequency cap: scheduling ---------------------------------------------------------

def plan(rows):
    df = pd.DataFrame(rows, columns=["user_id", "send_time", "msg_type", "campaign", "priority"])
    df["send_time"] = pd.to_datetime(df["send_time"])
    return df


def test_schedule_keeps_service_moves_then_drops_by_priority():
    p = plan([
        ("u1", "2026-07-03 10:00", "营销", "暑期预热", 3),
        ("u1", "2026-07-03 15:00", "营销", "新品优先购", 1),
        ("u1", "2026-07-03 20:00", "营销", "暑期开抢", 3),
        ("u1", "2026-07-03 16:00", "服务", "售后回访", 3),
        ("u2", "2026-07-03 10:00", "营销", "暑期预热", 3),
        ("u2", "2026-07-03 11:00", "营销", "社群", 2),
        ("u2", "2026-07-03 12:00", "营销", "满减", 1),
    ])
    s = frequency.schedule(p, priority="priority", max_delay_hours=24, send_hours=("09:00", "21:00"))
    t = s.table.set_index(["user_id", "campaign"])
    assert t.loc[("u1", "新品优先购"), "action"] == "保留"
    assert t.loc[("u1", "售后回访"), "action"] == "保留" and "服务消息" in t.loc[("u1", "售后回访"), "reason"]
    moved = t.loc[("u1", "暑期开抢")]
    assert moved["action"] == "顺延" and moved["final_time"] == pd.Timestamp("2026-07-04 10:00")
    assert "顺延 14 小时" in moved["reason"]
    # u2: priorities 1 and 2 are placed first; the priority-3 message could only go 24 h after
    # 11:00, i.e. 25 h after its planned 10:00 -> more than max_delay_hours -> dropped
    assert t.loc[("u2", "满减"), "action"] == "保留" and t.loc[("u2", "社群"), "action"] == "保留"
    assert t.loc[("u2", "暑期预热"), "action"] == "删除"
    assert "已有 2 条营销消息" in t.loc[("u2", "暑期预热"), "reason"]
    assert frequency.check_cap(s.sent, time="send_time").ok
    assert len(s.sent) + len(s.dropped) + len(s.missing) == len(p)


def test_schedule_respects_sending_hours_and_max_delay():
    p = plan([("u1", "2026-07-01 20:30", "营销", "A", 1), ("u1", "2026-07-01 20:40", "营销", "B", 1),
              ("u1", "2026-07-01 20:50", "营销", "C", 2)])
    late = frequency.schedule(p, priority="priority", max_delay_hours=36, send_hours=("09:00", "21:00"))
    c = late.table.set_index("campaign").loc["C"]
    # 20:30 + 24 h = next day 20:30, inside 09:00-21:00
    assert c["action"] == "顺延" and c["final_time"] == pd.Timestamp("2026-07-02 20:30")
    short = frequency.schedule(p, priority="priority", max_delay_hours=12)
    assert short.table.set_index("campaign").loc["C", "action"] == "删除"


def test_schedule_reports_missing_times_and_counts_per_campaign():
    p = plan([("u1", "2026-07-01 10:00", "营销", "A", 1), ("u1", None, "服务", "调研", 1),
              ("u2", None, "营销", "调研", 1)])
    s = frequency.schedule(p, priority="priority")
    assert len(s.missing) == 2 and set(s.missing["campaign"]) == {"调研"}
    assert s.counts().loc["调研", "缺少时间"] == 2 and s.counts().loc["A", "保留"] == 1
    assert "缺少时间 2" in s.summary()
    assert len(s.sent) == 1


def test_already_sent_messages_count_toward_the_cap():
    sent = log([("u1", "2026-06-30 20:00", "营销"), ("u1", "2026-06-30 21:00", "营销")])
    p = plan([("u1", "2026-07-01 10:00", "营销", "A", 1)])
    s = frequency.schedule(p, already_sent=sent, max_delay_hours=24, send_hours=("09:00", "21:00"))
    assert s.table.iloc[0]["final_time"] == pd.Timestamp("2026-07-01 20:00")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_schedule_never_leaves_a_violation_and_never_loses_a_row(seed):
    rng = np.random.default_rng(seed)
    n = 3000
    p = pd.DataFrame({"user_id": rng.integers(0, 300, n).astype(str),
                      "send_time": pd.Timestamp("2026-07-01") + pd.to_timedelta(rng.integers(0, 7 * 24 * 60, n), unit="min"),
                      "msg_type": rng.choice(["营销", "服务"], n, p=[0.85, 0.15]),
                      "campaign": rng.choice(list("ABCDE"), n), "priority": rng.integers(1, 4, n)})
    p.loc[rng.choice(n, 20, replace=False), "send_time"] = pd.NaT
    s = frequency.schedule(p, priority="priority", max_delay_hours=12, send_hours=("09:00", "21:00"))
    assert frequency.check_cap(s.sent, time="send_time").ok
    assert len(s.table) == n and s.counts().to_numpy().sum() == n
    assert len(s.missing) == 20
    svc = s.table[s.table["msg_type"] == "服务"]
    assert (svc.loc[svc["planned_time"].notna(), "action"] == "保留").all()
    mv = s.moved
    delay = (mv["final_time"] - mv["planned_time"]).dt.total_seconds() / 3600
    assert ((delay > 0) & (delay <= 12)).all() and mv["final_time"].dt.hour.between(9, 20).all()
    kept = s.table[s.table["action"] == "保留"]
    assert (kept["final_time"] == kept["planned_time"]).all()


def test_empty_plan():
    p = plan([("u1", "2026-07-01 10:00", "营销", "A", 1)]).iloc[0:0]
    s = frequency.schedule(p)
    assert s.sent.empty and "计划 0 条" in s.summary()


# -- privacy -------------------------------------------------------------------------

@pytest.mark.parametrize("raw,masked", [
    ("13812341234", "138****1234"), ("138 1234 1234", "138****1234"), ("+86-138-1234-1234", "138****1234"),
    ("8613812341234", "138****1234"), ("138****1234", "138****1234"), ("０５７１-８８８８６６６６", "****6666"),
    ("12", "****"), (None, None), (float("nan"), None), ("", None),
])
def test_mask_phone(raw, masked):
    assert privacy.mask_phone(raw) == masked


@pytest.mark.parametrize("raw,masked", [
    ("张三", "张**"), ("张三丰", "张**"), ("欧阳娜娜", "欧阳**"), ("司马光", "司马**"), ("黎*", "黎*"), ("李**", "李**"),
    (" 王小明 ", "王**"), ("Alice", "A**"), (None, None),
])
def test_mask_name(raw, masked):
    assert privacy.mask_name(raw) == masked


@pytest.mark.parametrize("raw,masked", [
    ("浙江省杭州市西湖区文三路100号3单元501室", "浙江省杭州市西湖区****"),
    ("上海市浦东新区张江路88弄5号", "上海市浦东新区****"),
    ("北京市朝阳区建设路12号", "北京市朝阳区****"),
    ("广西壮族自治区南宁市青秀区民族大道1号", "广西壮族自治区南宁市青秀区****"),
    ("山东省青岛市市南区香港中路9号", "山东省青岛市市南区****"),
    ("江苏省苏州市工业园区星湖街328号", "江苏省苏州市工业园区****"),
    ("文三路100号", "****"), ("浙江省杭州市西湖区****", "浙江省杭州市西湖区****"), (None, None),
])
def test_mask_address(raw, masked):
    assert privacy.mask_address(raw) == masked


def contacts():
    return pd.DataFrame({"user_id": ["U1", "U2"], "name": ["张三丰", "欧阳娜娜"], "phone": ["13812341234", None],
                         "address": ["浙江省杭州市西湖区文三路100号", "上海市浦东新区张江路88弄5号"],
                         "channel": ["短信", "电话"], "sent_at": ["2026-07-01 10:00", "2026-07-01 11:00"],
                         "tags": ["喜欢简约风", None], "segment": ["流失用户", "沉睡用户"]})


def test_find_unmasked_and_mask_frame():
    df = contacts()
    problems = privacy.find_unmasked(df)
    assert len(problems) == 3 and "手机号" in problems[0] and "姓名" in problems[1] and "地址" in problems[2]
    masked = privacy.mask_frame(df)
    assert privacy.find_unmasked(masked) == []
    assert masked["phone"].tolist() == ["138****1234", None] and df["phone"].iloc[0] == "13812341234"
    with pytest.raises(CourseError, match="没有列「手机」"):
        privacy.mask_frame(df, phone=["手机"])


def test_export_keeps_only_what_contact_needs(capsys):
    out = privacy.export_for(contacts(), "触达")
    assert list(out.columns) == ["user_id", "name", "phone", "channel", "send_time"]
    assert privacy.find_unmasked(out) == []
    said = capsys.readouterr().out
    assert "未导出 3 列" in said and "address" in said and "tags" in said and "segment" in said


def test_export_errors_are_chinese():
    with pytest.raises(CourseError, match="缺少必需的列：order_id"):
        privacy.export_for(contacts(), "履约")
    with pytest.raises(CourseError, match="导出用途「营销」不认识"):
        privacy.export_for(contacts(), "营销")
    with pytest.raises(CourseError, match="还是 None"):
        privacy.export_for(None, "触达")


def test_fulfilment_export_trims_the_address(capsys):
    df = contacts().assign(order_id=["O1", "O2"], sku_id=["S1", "S2"], qty=[1, 2])
    out = privacy.export_for(df, "履约", quiet=True)
    assert "channel" not in out and out["address"].tolist() == ["浙江省杭州市西湖区****", "上海市浦东新区****"]
    assert capsys.readouterr().out == ""


# -- membership ------------------------------------------------------------------------

def test_tiers_follow_the_settings_boundaries():
    th = course.settings.thresholds("crm")
    assert membership.tier_for(0) == "普通"
    assert membership.tier_for(th["silver_min_spend"] - 0.01) == "普通"
    assert membership.tier_for(th["silver_min_spend"]) == "银卡"
    assert membership.tier_for(th["gold_min_spend"]) == "金卡"
    assert membership.tier_for(th["platinum_min_spend"]) == "铂金"
    assert membership.tier_for(0, th["gold_min_orders"], basis="orders") == "金卡"
    assert membership.tier_for(th["silver_min_spend"], th["platinum_min_orders"], basis="either") == "铂金"
    assert membership.tier_for(th["platinum_min_spend"], 0, basis="orders") == "普通"


def test_assign_tiers_matches_tier_for():
    spend = pd.Series([0, 999.99, 1000, 2999.99, 3000, 8000, np.nan])
    orders = pd.Series([0, 3, 1, 6, 0, 1, 12])
    for basis in ("spend", "orders", "either"):
        got = membership.assign_tiers(spend, orders, basis=basis).astype(str).tolist()
        exp = [membership.tier_for(0 if pd.isna(s) else s, o, basis=basis) for s, o in zip(spend, orders)]
        assert got == exp, basis


@pytest.mark.parametrize("call,words", [
    (lambda: membership.tier_for(-5), "不能为负数"),
    (lambda: membership.tier_for("很多"), "应为数字"),
    (lambda: membership.tier_for(100, basis="points"), "不认识"),
    (lambda: membership.tier_for(100, basis="orders"), "需要提供累计订单数"),
    (lambda: membership.assign_tiers(pd.Series([100]), basis="either"), "需要提供每位客户的累计订单数"),
    (lambda: membership.assign_tiers(pd.Series([-1.0])), "不能为负数"),
])
def test_membership_bad_input(call, words):
    with pytest.raises(CourseError, match=words):
        call()


def test_points_reminder_texts():
    assert membership.expiry_reminder(500, 3) == "您有500积分将在3天后过期，可兑换20元券，快去使用吧！"
    assert membership.expiry_reminder(1300, 1) == "您有1300积分将在1天后过期，可兑换50元券，快去使用吧！"
    assert membership.expiry_reminder(80, 0) == "您有80积分将在今天过期，请尽快使用！"
    assert membership.coupon_for_points(124) == 0 and membership.coupon_for_points(125) == 5
    for bad, words in ((lambda: membership.expiry_reminder(0, 3), "没有可用积分"),
                       (lambda: membership.expiry_reminder(100, -2), "2 天前过期"),
                       (lambda: membership.expiry_reminder(100, 1.5), "整数天数")):
        with pytest.raises(CourseError, match=words):
            bad()


def test_reminder_due_and_coupon_date():
    assert membership.reminder_due("2026-07-03", "2026-06-30")
    assert not membership.reminder_due("2026-07-04", "2026-06-30")
    assert not membership.reminder_due("2026-06-29", "2026-06-30")
    assert not membership.reminder_due(None, "2026-06-30")
    assert str(membership.repurchase_coupon_date("2026-06-24")) == "2026-07-01"


def test_repurchase_coupons():
    df = pd.DataFrame({"user_id": ["a", "a", "a", "b", "c", "d", "d"],
                       "date": ["2026-06-01", "2026-06-08", "2026-06-08", "2026-06-20", None, "2026-06-01", "2026-06-09"],
                       "order_id": list("1234567")})
    out = membership.repurchase_coupons(df).set_index("order_id")
    assert not out.loc["1", "send"] and "已再次购买" in out.loc["1", "reason"]   # bought again on day 7
    assert out.loc["2", "send"] and not out.loc["3", "send"] and "同一天" in out.loc["3", "reason"]
    assert out.loc["4", "send"] and str(out.loc["4", "coupon_date"].date()) == "2026-06-27"
    assert not out.loc["5", "send"] and "购买日期为空" in out.loc["5", "reason"]
    assert out.loc["6", "send"]                                                  # bought again on day 8: too late
    assert len(out) == len(df)


# -- the segmentation form ---------------------------------------------------------------

def test_segment_form_defaults_come_from_the_settings(session):
    from course.forms.segment_form import SegmentForm, defaults

    th = course.settings.thresholds("crm")
    d = defaults()
    assert d["hv_min_orders"] == th["high_value_min_orders_30d"] and d["lost_days_min"] == th["lost_days_min"]
    f = SegmentForm()
    assert f.submit({}) == ["表3未覆盖的客户：必填，请填写。"]       # the gap rule is the student's choice
    assert f.submit({"gap_rule": "并入潜力用户"}) == []
    v = SegmentForm().values                                    # a new kernel reads the file
    assert v["hv_min_aov"] == th["high_value_min_aov"] and v["pot_max_orders"] == th["potential_orders_30d"]
    assert v["as_of"] == str(th["as_of_date"]) and v["gap_rule"] == "并入潜力用户"


@pytest.mark.parametrize("raw,words", [
    ({"pot_min_orders": "2", "pot_max_orders": ""}, "消费次数范围重叠"),
    ({"pot_max_orders": "3"}, "消费次数范围重叠"),
    ({"pot_max_orders": "0"}, "不能小于 1"),
    ({"pot_min_orders": "2", "pot_max_orders": "1"}, "空范围"),
    ({"pot_max_aov": "600"}, "客单价范围重叠"),
    ({"dormant_days_min": "40"}, "没有归属"),
    ({"dormant_days_min": "20"}, "又被算作沉睡用户"),
    ({"lost_days_min": "30"}, "必须大于沉睡用户的起点"),
    ({"as_of": "2025-06-01", "compare_date": "2025-05-01"}, "早于店铺的第一笔订单"),
    ({"as_of": "2026-08-01"}, "晚于数据的最后一天"),
    ({"compare_date": "2026-07-31"}, "应早于分层截止日期"),
    ({"hv_min_aov": "500元"}, "不要带“元”"),
    ({"as_of": "6月30日"}, "年-月-日"),
])
def test_segment_form_catches_overlaps_gaps_and_bad_dates(session, raw, words):
    from course.forms.segment_form import SegmentForm

    f = SegmentForm(first_order="2025-07-01", last_date=pd.Timestamp("2026-06-30"))
    problems = f.submit({"gap_rule": "单设成长用户", **raw})
    assert any(words in p for p in problems), problems
    again = SegmentForm(first_order="2025-07-01", last_date="2026-06-30")   # kept as typed, problems again
    assert again._raw[next(iter(raw))] == next(iter(raw.values()))
    assert again.problems == problems


def test_segment_form_rule_text_and_names(session):
    from course.forms.segment_form import SegmentForm, rules_text, segment_names

    f = SegmentForm()
    f.submit({"gap_rule": "单设成长用户"})
    v = f.values
    text = "\n".join(rules_text(v))
    assert "高价值用户：近30天消费 ≥3 次，且客单价 ≥500 元" in text and "沉睡用户：距上次消费 30-59 天" in text
    assert segment_names(v) == ["高价值用户", "成长用户", "潜力用户", "沉睡用户", "流失用户", "未购买客户"]
    assert "成长用户" not in segment_names({**v, "gap_rule": "并入潜力用户"})
    assert "规则：" in f.text() and "当前规则" in f.preview(v, {})
    assert "规则还需要修改" in f.preview({**v, "dormant_days_min": 40}, {})


def test_previous_result_reads_another_notebook_export(session):
    from course.forms.segment_form import previous_result

    assert previous_result("01_segments", "segments") is None
    course.start("module4_crm", "01_segments", quiet=True)
    course.export("segments", pd.DataFrame({"user_id": ["U1"], "segment": ["潜力用户"]}))
    course.start("module4_crm", "03_strategy", quiet=True)
    got = previous_result("01_segments", "segments")
    assert got.to_dict("records") == [{"user_id": "U1", "segment": "潜力用户"}]


# -- the strategy form -----------------------------------------------------------------------

def strategy_row(segment, benefit="满299减30", **kw):
    return {"segment": segment, "goal": "促进二次消费", "channels": ["App推送"], "benefit": benefit,
            "extras": [], "redemption": "15", "tags": [], **kw}


def test_strategy_form_rows_and_checks(session):
    from course.forms.strategy_form import StrategyForm, benefit_table, strategies_frame

    segs = ["高价值用户", "潜力用户", "沉睡用户", "流失用户", "未购买客户"]
    f = StrategyForm(segs)
    assert [r["segment"] for r in f._raw["strategies"]] == ["高价值用户", "潜力用户", "沉睡用户", "流失用户"]
    rows = [strategy_row(s) for s in segs[:4]]
    assert f.submit({"strategies": rows}) == []
    frame = strategies_frame(StrategyForm(segs).values)
    assert frame["segment"].tolist() == segs[:4] and frame["redemption"].tolist() == [15.0] * 4
    p = f.submit({"strategies": rows[:3] + [strategy_row("潜力用户")]})
    assert any("填了两行" in x for x in p) and any("还缺少这些分层的策略：流失用户" in x for x in p)
    p = f.submit({"strategies": rows + [strategy_row("成长用户")]})
    assert any("没有「成长用户」" in x for x in p)
    p = f.submit({"strategies": [strategy_row("高价值用户", redemption="15%", channels=[])] + rows[1:]})
    assert any("不要带“%”" in x for x in p) and any("请至少勾选一项" in x for x in p)
    bt = benefit_table().set_index("权益")
    assert bt.loc["回归大礼包（100元券+赠品）", "赠品成本(元)"] == course.settings.threshold("crm", "return_gift_cost")
    assert bt.loc["95折会员日", "面额或折扣"] == 0.05


def test_strategy_form_rejects_unknown_segments(session):
    from course.forms.strategy_form import StrategyForm

    with pytest.raises(CourseError, match="不认识的分层名称：VIP"):
        StrategyForm(["VIP"])


def test_forms_build_widgets(session):
    from course.forms.segment_form import SegmentForm
    from course.forms.strategy_form import StrategyForm

    for form in (SegmentForm(), StrategyForm()):
        box = form.widget()
        assert "course-form" in box._dom_classes and repr(box).startswith("[表单：")


# -- the segmentation stays the student's work -----------------------------------------------

def test_course_package_has_no_segmentation_reference():
    """No course file computes table-3 segments or RFM scores (that answer lives only in
    the hidden tests and solution regions of module4_crm's source notebooks)."""
    files = [REPO / "course" / "forms" / "segment_form.py", REPO / "course" / "forms" / "strategy_form.py",
             REPO / "course" / "tools" / "frequency.py", REPO / "course" / "tools" / "privacy.py",
             REPO / "course" / "tools" / "membership.py"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"np\.select|qcut|\.rank\(|\[\"orders_30d\"\]|\[\"recency\"\]|def classify|def rfm", text), path.name
