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
    df = pd.DataFrame(rows, columns=["user_id", "sent_at", "msg_type", "campaign"][: len(rows[0])])
    df["sent_at"] = pd.to_datetime(df["sent_at"])
    return df


# -- frequency cap: audit ------------------------------------------------------------


def test_third_promo_within_24h_is_a_violation():
    r = frequency.check_cap(
        log(
            [
                ("u1", "2026-06-15 10:00", "营销"),
                ("u1", "2026-06-15 15:00", "营销"),
                ("u1", "2026-06-16 09:59", "营销"),
                ("u2", "2026-06-15 10:00", "营销"),
            ]
        )
    )
    assert r.cap == 2 and r.window_hours == 24  # from the settings
    assert r.violations["user_id"].tolist() == ["u1"]
    v = r.violations.iloc[0]
    assert v["n_in_window"] == 3 and v["excess"] == 1 and v["window_start"] == pd.Timestamp("2026-06-15 10:00")
    assert r.customers == ["u1"] and not r.ok


def test_rolling_window_not_calendar_day_and_24h_boundary():
    # 23:00 and 01:00 the next day are in one window; exactly 24 h later starts a new one
    across_midnight = log(
        [("u1", "2026-06-15 23:00", "营销"), ("u1", "2026-06-16 01:00", "营销"), ("u1", "2026-06-16 08:00", "营销")]
    )
    assert len(frequency.check_cap(across_midnight).violations) == 1
    boundary = log(
        [("u1", "2026-06-15 10:00", "营销"), ("u1", "2026-06-15 12:00", "营销"), ("u1", "2026-06-16 10:00", "营销")]
    )
    assert frequency.check_cap(boundary).ok


def test_service_messages_are_exempt_and_same_time_ties_count():
    rows = [("u1", "2026-06-15 10:00", "服务")] * 5 + [("u1", "2026-06-15 10:00", "营销")] * 3
    r = frequency.check_cap(log(rows))
    assert len(r.violations) == 1 and r.violations.iloc[0]["msg_type"] == "营销"


def test_missing_times_are_reported_not_dropped_and_unknown_types_count_as_promo():
    df = log(
        [
            ("u1", "2026-06-15 10:00", "营销"),
            ("u1", "2026-06-15 11:00", "推送"),
            ("u1", None, "营销"),
            ("u1", "2026-06-15 12:00", "营销"),
        ]
    )
    r = frequency.check_cap(df)
    assert len(r.missing_time) == 1 and len(r.unknown_kind) == 1
    assert len(r.violations) == 1  # 推送 counted as promotional
    text = r.summary()
    assert "缺少发送时间" in text and "无法识别" in text and "超出频控" in text


def test_text_times_and_unreadable_times():
    df = pd.DataFrame(
        {
            "user_id": ["a", "a", "a"],
            "send_time": ["2026/06/15 10:00", "明天上午", "2026-06-15 11:00"],
            "msg_type": ["营销"] * 3,
        }
    )
    r = frequency.check_cap(df, cap=1)
    assert len(r.missing_time) == 1 and r.missing_time.iloc[0]["send_time"] == "明天上午"
    assert len(r.violations) == 1


@pytest.mark.parametrize(
    "kwargs,words",
    [
        ({"cap": 0}, "频控条数"),
        ({"window_hours": -1}, "时间窗口"),
        ({"time": "发出时间"}, "没有列「发出时间」"),
    ],
)
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
    p = plan(
        [
            ("u1", "2026-07-03 10:00", "营销", "暑期预热", 3),
            ("u1", "2026-07-03 15:00", "营销", "新品优先购", 1),
            ("u1", "2026-07-03 20:00", "营销", "暑期开抢", 3),
            ("u1", "2026-07-03 16:00", "服务", "售后回访", 3),
            ("u2", "2026-07-03 10:00", "营销", "暑期预热", 3),
            ("u2", "2026-07-03 11:00", "营销", "社群", 2),
            ("u2", "2026-07-03 12:00", "营销", "满减", 1),
        ]
    )
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
    p = plan(
        [
            ("u1", "2026-07-01 20:30", "营销", "A", 1),
            ("u1", "2026-07-01 20:40", "营销", "B", 1),
            ("u1", "2026-07-01 20:50", "营销", "C", 2),
        ]
    )
    late = frequency.schedule(p, priority="priority", max_delay_hours=36, send_hours=("09:00", "21:00"))
    c = late.table.set_index("campaign").loc["C"]
    # 20:30 + 24 h = next day 20:30, inside 09:00-21:00
    assert c["action"] == "顺延" and c["final_time"] == pd.Timestamp("2026-07-02 20:30")
    short = frequency.schedule(p, priority="priority", max_delay_hours=12)
    assert short.table.set_index("campaign").loc["C", "action"] == "删除"


def test_schedule_reports_missing_times_and_counts_per_campaign():
    p = plan(
        [("u1", "2026-07-01 10:00", "营销", "A", 1), ("u1", None, "服务", "调研", 1), ("u2", None, "营销", "调研", 1)]
    )
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
    p = pd.DataFrame(
        {
            "user_id": rng.integers(0, 300, n).astype(str),
            "send_time": pd.Timestamp("2026-07-01") + pd.to_timedelta(rng.integers(0, 7 * 24 * 60, n), unit="min"),
            "msg_type": rng.choice(["营销", "服务"], n, p=[0.85, 0.15]),
            "campaign": rng.choice(list("ABCDE"), n),
            "priority": rng.integers(1, 4, n),
        }
    )
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


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("13812341234", "138****1234"),
        ("138 1234 1234", "138****1234"),
        ("+86-138-1234-1234", "138****1234"),
        ("8613812341234", "138****1234"),
        ("138****1234", "138****1234"),
        ("０５７１-８８８８６６６６", "****6666"),
        ("12", "****"),
        (None, None),
        (float("nan"), None),
        ("", None),
    ],
)
def test_mask_phone(raw, masked):
    assert privacy.mask_phone(raw) == masked


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("张三", "张**"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马**"),
        ("黎*", "黎*"),
        ("李**", "李**"),
        (" 王小明 ", "王**"),
        ("Alice", "A**"),
        (None, None),
    ],
)
def test_mask_name(raw, masked):
    assert privacy.mask_name(raw) == masked


@pytest.mark.parametrize(
    "raw,masked",
    [
        ("浙江省杭州市西湖区文三路100号3单元501室", "浙江省杭州市西湖区****"),
        ("上海市浦东新区张江路88弄5号", "上海市浦东新区****"),
        ("北京市朝阳区建设路12号", "北京市朝阳区****"),
        ("广西壮族自治区南宁市青秀区民族大道1号", "广西壮族自治区南宁市青秀区****"),
        ("山东省青岛市市南区香港中路9号", "山东省青岛市市南区****"),
        ("江苏省苏州市工业园区星湖街328号", "江苏省苏州市工业园区****"),
        ("文三路100号", "****"),
        ("浙江省杭州市西湖区****", "浙江省杭州市西湖区****"),
        (None, None),
    ],
)
def test_mask_address(raw, masked):
    assert privacy.mask_address(raw) == masked


def contacts():
    return pd.DataFrame(
        {
            "user_id": ["U1", "U2"],
            "name": ["张三丰", "欧阳娜娜"],
            "phone": ["13812341234", None],
            "address": ["浙江省杭州市西湖区文三路100号", "上海市浦东新区张江路88弄5号"],
            "channel": ["短信", "电话"],
            "sent_at": ["2026-07-01 10:00", "2026-07-01 11:00"],
            "tags": ["喜欢简约风", None],
            "segment": ["流失用户", "沉睡用户"],
        }
    )


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


@pytest.mark.parametrize(
    "call,words",
    [
        (lambda: membership.tier_for(-5), "不能为负数"),
        (lambda: membership.tier_for("很多"), "应为数字"),
        (lambda: membership.tier_for(100, basis="points"), "不认识"),
        (lambda: membership.tier_for(100, basis="orders"), "需要提供累计订单数"),
        (lambda: membership.assign_tiers(pd.Series([100]), basis="either"), "需要提供每位客户的累计订单数"),
        (lambda: membership.assign_tiers(pd.Series([-1.0])), "不能为负数"),
    ],
)
def test_membership_bad_input(call, words):
    with pytest.raises(CourseError, match=words):
        call()


def test_points_reminder_texts():
    assert membership.expiry_reminder(500, 3) == "您有500积分将在3天后过期，可兑换20元券，快去使用吧！"
    assert membership.expiry_reminder(1300, 1) == "您有1300积分将在1天后过期，可兑换50元券，快去使用吧！"
    assert membership.expiry_reminder(80, 0) == "您有80积分将在今天过期，请尽快使用！"
    assert membership.coupon_for_points(124) == 0 and membership.coupon_for_points(125) == 5
    for bad, words in (
        (lambda: membership.expiry_reminder(0, 3), "没有可用积分"),
        (lambda: membership.expiry_reminder(100, -2), "2 天前过期"),
        (lambda: membership.expiry_reminder(100, 1.5), "整数天数"),
    ):
        with pytest.raises(CourseError, match=words):
            bad()


def test_reminder_due_and_coupon_date():
    assert membership.reminder_due("2026-07-03", "2026-06-30")
    assert not membership.reminder_due("2026-07-04", "2026-06-30")
    assert not membership.reminder_due("2026-06-29", "2026-06-30")
    assert not membership.reminder_due(None, "2026-06-30")
    assert str(membership.repurchase_coupon_date("2026-06-24")) == "2026-07-01"


def test_repurchase_coupons():
    df = pd.DataFrame(
        {
            "user_id": ["a", "a", "a", "b", "c", "d", "d"],
            "date": ["2026-06-01", "2026-06-08", "2026-06-08", "2026-06-20", None, "2026-06-01", "2026-06-09"],
            "order_id": list("1234567"),
        }
    )
    out = membership.repurchase_coupons(df).set_index("order_id")
    assert not out.loc["1", "send"] and "已再次购买" in out.loc["1", "reason"]  # bought again on day 7
    assert out.loc["2", "send"] and not out.loc["3", "send"] and "同一天" in out.loc["3", "reason"]
    assert out.loc["4", "send"] and str(out.loc["4", "coupon_date"].date()) == "2026-06-27"
    assert not out.loc["5", "send"] and "购买日期为空" in out.loc["5", "reason"]
    assert out.loc["6", "send"]  # bought again on day 8: too late
    assert len(out) == len(df)


# -- membership on the shop's data ------------------------------------------------------------


def test_expiring_points_earliest_batch_minus_redeemed():
    """The earliest batch (first paid day, floored) minus what was redeemed (earned − current), never below 0."""
    orders = pd.DataFrame(
        {
            "user_id": ["u1", "u1", "u1", "u2", "u3"],
            "status": ["已支付", "已支付", "已取消", "已支付", "已退款"],
            "date": pd.to_datetime(["2026-01-05", "2026-03-01", "2026-01-05", "2026-02-01", "2026-02-01"]),
            "paid_amount": [300.7, 200.0, 999.0, 80.0, 50.0],
        }
    )
    customers = pd.DataFrame(
        {
            "user_id": ["u1", "u2", "u3"],
            "points": [400, 0, 0],
            "points_expire_date": pd.to_datetime(["2027-01-05", "2027-02-01", None]),
        }
    )
    out = membership.expiring_points(orders, customers, as_of="2026-06-30").set_index("user_id")
    # u1: batch 300, earned 500, redeemed 100 -> 200 expire; u2 redeemed everything; u3 has no points batch
    assert out.loc["u1", "expiring_points"] == 200 and out.loc["u2", "expiring_points"] == 0
    assert "u3" not in out.index and str(out.loc["u1", "expire_date"].date()) == "2027-01-05"
    with pytest.raises(CourseError, match="缺少列"):
        membership.expiring_points(orders.drop(columns="status"), customers)


def test_tier_agreement():
    df = pd.DataFrame({"tier_by_spend": ["金卡", "普通"], "member_tier": ["金卡", "银卡"]})
    assert membership.tier_agreement(df) == 0.5 and membership.tier_agreement(None) == 0.0


# -- the week calendar and the plan ---------------------------------------------------------------


def test_week_calendar_follows_the_as_of_date_and_renders_settings(tmp_path, monkeypatch):
    path = REPO / "module4_crm" / "assets" / "week_plan.csv"
    cal = frequency.week_calendar(path)
    th = course.settings.thresholds("crm")
    start = pd.Timestamp(th["as_of_date"]) + pd.Timedelta(days=1)
    assert list(cal.columns) == frequency.CALENDAR_COLUMNS
    assert cal["send_time"].dropna().min().normalize() == start
    assert cal["send_time"].isna().sum() == 1  # the send without a time
    assert any(f"{th['wakeup_coupon']:g}元无门槛券" in c for c in cal["content"])
    assert not any("{{" in c for c in cal["content"])
    moved = frequency.week_calendar(path, as_of="2026-08-31")
    assert moved["send_time"].dropna().min().normalize() == pd.Timestamp("2026-09-01")
    with pytest.raises(CourseError, match="找不到活动日历"):
        frequency.week_calendar(tmp_path / "none.csv")


def test_expand_calendar_segments_tags_and_missing_times():
    cal = pd.DataFrame(
        {
            "campaign": ["A", "B", "C"],
            "segment": ["全部", "沉睡用户", "潜力用户"],
            "tag": ["", "喜欢简约风", ""],
            "channel": ["短信"] * 3,
            "msg_type": ["营销", "营销", "服务"],
            "send_time": pd.to_datetime(["2026-07-01 10:00", "2026-07-02 10:00", None]),
            "priority": [3, 1, 1],
            "content": ["a", "b", "c"],
        }
    )
    people = pd.DataFrame(
        {
            "user_id": ["u1", "u2", "u3", "u4"],
            "segment": ["沉睡用户", "沉睡用户", "潜力用户", "未购买客户"],
            "tags": ["喜欢简约风|关注促销活动", None, "", "喜欢简约风"],
        }
    )
    plan = frequency.expand_calendar(cal, people)
    assert sorted(plan.loc[plan["campaign"] == "A", "user_id"]) == ["u1", "u2", "u3"]  # 全部: not 未购买客户
    assert plan.loc[plan["campaign"] == "B", "user_id"].tolist() == ["u1"]  # the tag narrows
    assert plan.loc[plan["campaign"] == "C", "send_time"].isna().all()  # kept, not guessed
    assert plan["send_time"].isna().tolist()[-1]  # no time sorts last
    with pytest.raises(CourseError, match="还是 None"):
        frequency.expand_calendar(cal, None)
    with pytest.raises(CourseError, match="segment"):
        frequency.expand_calendar(cal, people.drop(columns="segment"))


# -- privacy properties used by the checks ----------------------------------------------------------


def test_columns_allowed_and_is_masked():
    ok = pd.DataFrame(
        {"user_id": ["U1"], "channel": ["短信"], "send_time": ["2026-07-01 10:00"], "phone": ["138****1234"]}
    )
    assert privacy.columns_allowed(ok, "触达") and privacy.is_masked(ok)
    assert not privacy.columns_allowed(ok.assign(address="x"), "触达")
    assert not privacy.is_masked(ok.assign(phone="13812341234"))
    assert not privacy.columns_allowed(None, "触达") and not privacy.is_masked(None)


# -- the forms ---------------------------------------------------------------------------


def test_segment_form_shows_the_rule_from_the_settings_and_picks_six_customers(session):
    from course.forms.segment_form import SEGMENTS, SegmentForm, example_customers, rules_text

    th = course.settings.thresholds("crm")
    cases = example_customers()
    assert [c["recency"] for c in cases[:2]] == [th["dormant_days_min"], th["lost_days_min"]]  # the two boundaries
    assert cases[2]["orders_30d"] == th["high_value_min_orders_30d"] and cases[2]["aov_30d"] == th["high_value_min_aov"]
    assert cases[4]["aov_30d"] == th["potential_max_aov"]
    assert all(c["recency"] < th["activity_window_days"] for c in cases[2:])  # bought recently
    f = SegmentForm()
    assert [x.name for x in f.fields] == [c["key"] for c in cases]
    assert all(x.options == SEGMENTS for x in f.fields)
    # any choice is readable
    assert f.submit({"case_a": "沉睡用户"}) and f.submit({c["key"]: "潜力用户" for c in cases}) == []
    text = "\n".join(rules_text())
    assert f"≥ {th['high_value_min_orders_30d']} 次" in text and "成长用户" in text and "课程规定" in text
    assert "course-preview-rules" in f.preview(f.values, {}) and "分层规则" in f.text()


def test_segment_form_follows_changed_thresholds(session, tmp_path, monkeypatch):
    from course.forms.segment_form import example_customers

    text = (REPO / "course" / "settings.yaml").read_text(encoding="utf-8")
    changed = tmp_path / "settings.yaml"
    changed.write_text(
        text.replace("dormant_days_min: 30", "dormant_days_min: 45").replace(
            "high_value_min_aov: 500", "high_value_min_aov: 800"
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("COURSE_SETTINGS", str(changed))
    cases = example_customers()
    assert cases[0]["recency"] == 45 and cases[2]["aov_30d"] == 800 and "800" in cases[2]["text"]


def test_strategy_form_options_come_from_table3_and_the_settings(session):
    from course.forms.strategy_form import CHANNELS, PREFIX, StrategyForm, benefit_options, strategies_frame, table3

    th = course.settings.thresholds("crm")
    b = benefit_options()
    assert b[0].startswith(f"{th['member_day_zhe']:g}折会员日") and f"{th['wakeup_coupon_days']}天有效" in b[2]
    assert f"{th['comeback_coupon']:g}元券" in b[3]
    f = StrategyForm()
    assert len(f.fields) == 2 * len(PREFIX)
    problems = f.submit({"high_channel": CHANNELS[0]})
    assert any("必填" in p for p in problems)
    full = {
        f"{p}_{x}": (CHANNELS[0] if x == "channel" else b[0]) for p in PREFIX.values() for x in ("channel", "benefit")
    }
    assert f.submit(full) == []
    frame = strategies_frame(StrategyForm().values)
    assert frame["分层"].tolist() == list(PREFIX) and "course-preview-strategy" in f.preview(f.values, {})
    assert table3()["权益"].tolist() == b and table3()["触达方式"].tolist() == CHANNELS


def test_cap_form_reads_what_is_typed(session):
    from course.forms.outreach_form import NOT_COUNTED, RETURN, ROLLING, CapRuleForm

    f = CapRuleForm()
    problems = f.submit(
        {"cap": "2条", "window_hours": "24", "window_kind": ROLLING, "service": NOT_COUNTED, "missing_time": RETURN}
    )
    assert any("不要带" in p or "数字" in p for p in problems)
    assert f.submit({"cap": "2"}) == [] and CapRuleForm().values["cap"] == 2


def test_forms_build_widgets(session):
    from course.forms.outreach_form import CapRuleForm
    from course.forms.segment_form import SegmentForm
    from course.forms.strategy_form import StrategyForm

    for form in (SegmentForm(), StrategyForm(), CapRuleForm()):
        box = form.widget()
        assert "course-form" in box._dom_classes and repr(box).startswith("[表单：")


def test_previous_result_reads_another_notebook_export(session):
    from course.forms.segment_form import previous_result

    assert previous_result("01_segments", "segments") is None
    course.start("module4_crm", "01_segments", quiet=True)
    course.export("segments", pd.DataFrame({"user_id": ["U1"], "segment": ["潜力用户"]}))
    course.start("module4_crm", "03_outreach", quiet=True)
    got = previous_result("01_segments", "segments")
    assert got.to_dict("records") == [{"user_id": "U1", "segment": "潜力用户"}]


# -- the module's check kinds ------------------------------------------------------------------


def test_check_kinds_doctests():
    import doctest

    from course.tools import crm_checks

    assert doctest.testmod(crm_checks).failed == 0


def test_check_kinds_judge_on_digests_like_the_grader():
    from course import checks as C
    from course.tools.crm_checks import Aggregate, CountsBy, Rows, ValuesBy

    checks = [
        CountsBy(column="seg", msg="a"),
        ValuesBy(key="k", column="v", msg="b"),
        Rows(columns=["id", "day"], msg="c"),
        Aggregate(column="v", how="sum", msg="d"),
    ]
    ref = pd.DataFrame(
        {
            "seg": ["x", "x", "y"],
            "k": ["p", "q", "r"],
            "v": [3, 0, 1],
            "id": ["1", "2", "3"],
            "day": pd.to_datetime(["2026-07-01", "2026-07-02", "2026-07-03"]),
        }
    )
    forms = C.reference_forms(checks, [ref["seg"], ref, ref, ref])
    hashed = C.HashedReference("s", "t", C.hash_forms("s", "t", forms))
    plain = C.PlainReference(forms)
    student = ref.assign(day=ref["day"].dt.strftime("%Y-%m-%dT00:00:00"))  # dates after the JSON round trip
    for reference in (hashed, plain):
        assert C.judge_all(checks, student, reference).right
    wrong = student.assign(seg=["x", "y", "y"], v=[3, 5, 1], id=["1", "2", "9"])
    v = C.judge_all(checks, wrong, hashed)
    assert v.messages == ["a", "b", "c", "d"] and 0 < v.share < 1
    # a Series counts as key -> value; a key whose value is 0 may be left out
    one = [ValuesBy(key="k", column="v", msg="b")]
    f1 = C.reference_forms(one, [ref])
    assert C.judge_all(one, pd.Series({"p": 3, "r": 1}), C.PlainReference(f1)).right


def test_rfm_properties():
    from course.tools.crm_checks import roughly_equal_bins, score_follows, scores_in_range, ties_share_a_score

    df = pd.DataFrame(
        {
            "R": [1, 5, 9, 30, 200],
            "F": [1, 1, 2, 3, 9],
            "R_score": [5, 4, 3, 2, 1],
            "F_score": [1, 1, 2, 3, 5],
            "M_score": [1, 2, 3, 4, 5],
        }
    )
    assert scores_in_range(df) and score_follows(df, "R", "R_score", higher_is_better=False)
    assert score_follows(df, "F", "F_score") and ties_share_a_score(df, "F", "F_score")
    assert roughly_equal_bins(df, "R_score")
    split = df.assign(F_score=[1, 2, 2, 3, 5])
    assert not ties_share_a_score(split, "F", "F_score")
    assert not score_follows(df, "R", "R_score") and not scores_in_range(df.assign(M_score=[0, 2, 3, 4, 5]))
    assert not roughly_equal_bins(df.assign(R_score=1), "R_score") and not scores_in_range(None)


# -- the segmentation stays the student's work -----------------------------------------------


def test_course_package_has_no_segmentation_reference():
    """No course file computes table-3 segments or RFM scores (that answer lives only in grading/reference
    and in the solution regions of module4_crm's source notebooks)."""
    mine = [REPO / "course" / "forms" / f for f in ("segment_form.py", "strategy_form.py", "outreach_form.py")] + [
        REPO / "course" / "tools" / f for f in ("frequency.py", "privacy.py", "membership.py", "crm_checks.py")
    ]
    for path in mine:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"np\.select|qcut|\.rank\(|\[\"recency\"\] *>=|orders_30d\"\] *>=", text), path.name
    for path in [*(REPO / "course").rglob("*.py")]:
        assert not re.search(r"def (classify|rfm|segment_customers)\b", path.read_text(encoding="utf-8")), path.name
