"""The visible self-checks of module 2 (``course.check``), judged from a release's
check spec (salted digests): ✓ for the reference answer, ✗ with a 提升方向 for a
typical wrong answer, and never the expected value in what the student reads.

The answers are built the way the source notebooks' solutions build them (from
the settings and the data), then spoiled the way a student typically would.
"""

from __future__ import annotations

import contextlib
import io
import json

import pandas as pd
import pytest

from course import data, settings
from course.selfcheck import report
from course.tools import campaign, carts, forecast, monitor
from grading.reference import spec as S
from grading.reference import tasks

M = "module2_campaign"
NOTEBOOKS = ("01_plan", "02_pricing", "03_target_budget", "04_monitor")


@pytest.fixture(scope="module")
def specs():
    # through JSON, as a release writes it and a student's course.check reads it
    return {nb: json.loads(S.dumps(S.build(M, nb))) for nb in NOTEBOOKS}


def said(spec: dict, task: str, value) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        report(task, value, spec)
    return out.getvalue()


def right(spec, task, value):
    text = said(spec, task, value)
    assert "✓ 正确" in text, text


def wrong(spec, task, value, needle: str, *, secrets=()):
    text = said(spec, task, value)
    assert "✗" in text and "提升方向" in text and needle in text, text
    for s in secrets:
        assert str(s) not in text, (s, text)
    return text


# -- 01_plan ----------------------------------------------------------------------------


def plan_answer() -> dict:
    th = settings.thresholds("campaign")
    channels = {
        "预热期": ["平台首页推荐", "社群引流", "直播"],
        "爆发期": ["付费广告", "平台首页推荐"],
        "返场期": ["社群引流"],
    }
    actions = {
        "预热期": "社群预告+短视频种草",
        "爆发期": "加大付费广告投放",
        "返场期": "向已加购未支付的用户定向推送优惠券",
    }
    return {
        "theme": "新人大促·焕新家限时直降",
        "audience": "店铺新客",
        "phases": [
            {
                "phase": r.phase,
                "start": f"{r.start_date:%Y-%m-%d}",
                "end": f"{r.end_date:%Y-%m-%d}",
                "channels": channels[r.phase],
                "action": actions[r.phase],
            }
            for r in data.load("campaign_phases").itertuples()
        ],
        "budget": th["budget_total"],
        "reserve": th["budget_total"] * th["risk_reserve_share"],
    }


def promo_answer() -> dict:
    start, end = campaign.campaign_window()
    return {
        "title": "新人大促",
        "start": start.strftime("%Y-%m-%d %H:%M"),
        "end": end.strftime("%Y-%m-%d %H:%M"),
        "rules": [
            {"type": "第N件折扣", "p1": "2", "p2": "0.5", "stack": True},
            {"type": "满减", "p1": "399", "p2": "50", "stack": True},
            {"type": "前N名赠品", "p1": "100", "p2": None, "stack": True},
        ],
        "order": "第N件折扣 > 满减",
        "gift_name": "定制收纳盒",
        "gift_stock": settings.threshold("campaign", "gift_stock"),
        "gift_cost": 8.0,
        "stock_alert": settings.threshold("campaign", "stock_alert_level"),
    }


def test_plan_form(specs):
    s = specs["01_plan"]
    right(s, "campaign_plan", plan_answer())
    late = plan_answer()
    late["phases"][0]["start"] = "2026-06-14"  # a four-day 预热期
    late["reserve"] = 300
    text = wrong(s, "campaign_plan", late, "阶段日期不对", secrets=("2026-06-15", "2026-06-17"))
    assert "风险准备金" in text
    old = plan_answer()
    old["audience"] = "所有访客"
    old["phases"][2]["action"] = "返场直播"
    text = wrong(s, "campaign_plan", old, "新客/新用户")
    assert "券" in text
    assert "还没有作答" in said(s, "campaign_plan", None)


def test_promotion_form(specs):
    s = specs["01_plan"]
    right(s, "promotion_rules", promo_answer())
    bad = promo_answer()
    bad["rules"][1]["p2"] = "30"
    bad["order"] = "满减 > 第N件折扣"
    bad["stock_alert"] = 5
    text = wrong(s, "promotion_rules", bad, "满减规则与方案不一致", secrets=("50.00",))
    assert "叠加顺序" in text and "库存预警线" in text
    typo = promo_answer()
    typo["rules"][1]["p1"] = "399元"
    wrong(s, "promotion_rules", typo, "规则还无法使用")


# -- 02_pricing -------------------------------------------------------------------------

GOOD_TEXT = (
    "活动时间：2026-06-15 00:00 至 2026-06-20 23:59。同一商品第2件半价（第3件起原价）；"
    "第二件半价后的订单金额满399元（含399元）减50元，每单一次；按支付时间前100名的订单赠送定制收纳盒，送完即止；"
    "部分退货按分摊后的实付金额退款。"
)


def test_rule_text(specs):
    s = specs["02_pricing"]
    right(s, "rule_text", {"text": GOOD_TEXT})
    text = wrong(s, "rule_text", {"text": campaign.draft_rule_text()}, "违规条款")
    assert "绝对化用语" in text and "缺信息" in text
    vague = GOOD_TEXT.replace("（含399元）", "").replace("，送完即止", "")
    wrong(s, "rule_text", {"text": vague}, "容易误解", secrets=("含399", "送完即止"))


def cart_prices(price="campaign_price"):
    t = carts.price_table(carts.typical_carts(), campaign.shop_rules(), data.load("skus"), price=price)
    t["优惠力度"] = (t["优惠金额"] / t["商品金额"]).round(4)
    return t


def test_cart_prices(specs):
    s = specs["02_pricing"]
    ref = cart_prices()
    right(s, "cart_prices", ref)
    secrets = [f"{x:.2f}" for x in ref["实付金额"]] + [f"{x:.4f}" for x in ref["优惠力度"] if x]
    wrong(s, "cart_prices", cart_prices("daily_price"), "618 活动价", secrets=secrets)
    upside = ref.assign(优惠力度=(ref["商品金额"] / ref["优惠金额"].where(ref["优惠金额"] > 0, 1)).round(4))
    wrong(s, "cart_prices", upside, "优惠力度 = 优惠金额 ÷ 商品金额", secrets=secrets)


def test_deepest(specs):
    s = specs["02_pricing"]
    every = carts.all_carts(campaign.shop_rules(), data.load("skus"))
    best = every.sort_values("优惠力度", ascending=False).head(1)
    right(s, "deepest", best)
    wrong(
        s,
        "deepest",
        every.sort_values("优惠力度", ascending=True).head(1),
        "ascending",
        secrets=(f"{best['优惠力度'].iloc[0]:.4f}", best["购物车"].iloc[0]),
    )
    wrong(s, "deepest", every.sort_values("优惠力度", ascending=False).head(3), "只保留让利最深的那一个")


def margins(cost_col="商品成本"):
    m = carts.cost_table(
        carts.typical_carts(), campaign.shop_rules(), data.load("skus"), ad_rate=carts.campaign_ad_rate()
    )
    m["毛利"] = m["实付金额"] - m[cost_col]
    m["活动毛利率"] = (m["毛利"] / m["实付金额"]).round(4)
    m["净利率"] = ((m["毛利"] - m["赠品成本"] - m["平台佣金"] - m["广告费"]) / m["实付金额"]).round(4)
    return m


def test_margin_table(specs):
    s = specs["02_pricing"]
    ref = margins()
    right(s, "margin_table", ref)
    wrong(
        s,
        "margin_table",
        margins("赠品成本"),
        "活动毛利率 = (实付金额 − 商品成本) ÷ 实付金额",
        secrets=[f"{x:.4f}" for x in ref["活动毛利率"]],
    )


def test_rule_adjust(specs):
    s = specs["02_pricing"]
    from course.forms.promotion_form import adjust_in_target

    shop = {"nth_rate": 0.5, "threshold": 399.0, "amount": 50.0}
    assert not adjust_in_target(shop)  # the shop's rules are outside the band at default settings
    text = wrong(s, "rule_adjust", shop, "不在目标区间")
    assert "40.39" not in text
    good = next(
        v
        for v in ({"nth_rate": 0.5, "threshold": 399.0, "amount": float(a)} for a in range(55, 200, 5))
        if adjust_in_target(v)
    )
    right(s, "rule_adjust", good)
    wrong(s, "rule_adjust", {"nth_rate": 1.0, "threshold": 99999.0, "amount": 10.0}, "真的能拿到优惠")


# -- 03_target_budget ----------------------------------------------------------------------


def baseline():
    lo, hi = forecast.baseline_window()
    b = forecast.channel_totals(data.load("traffic"), data.load("orders"), lo, hi)
    b["日均UV"], b["转化率"], b["客单价"] = b["UV"] / b["天数"], b["下单数"] / b["UV"], b["GMV"] / b["下单数"]
    return b


def projection(uv_col="流量系数"):
    p = forecast.projection_frame(baseline(), data.load("campaign_phases"))
    p["预计UV"] = p["日均UV"] * p["天数"] * p[uv_col]
    p["预计下单数"] = p["预计UV"] * p["转化率"] * p["转化系数"]
    p["预计GMV"] = p["预计下单数"] * p["客单价"]
    return p


def budget(by="预计GMV"):
    total = settings.threshold("campaign", "budget_total")
    reserve = round(total * settings.threshold("campaign", "risk_reserve_share"), 2)
    return forecast.split_budget(
        projection(), total - reserve, by=by, channels=forecast.paid_channels(data.load("ad_spend")), reserve=reserve
    )


def test_forecast_tasks(specs):
    s = specs["03_target_budget"]
    b = baseline()
    right(s, "baseline", b)
    wrong(
        s,
        "baseline",
        b.assign(转化率=b["下单数"] / b["天数"]),
        "转化率 = 下单数 ÷ UV",
        secrets=[f"{x:.4f}" for x in b["转化率"]],
    )
    right(s, "projection", projection())
    wrong(s, "projection", projection("转化系数"), "流量系数", secrets=[f"{x:.1f}" for x in projection()["预计GMV"]])
    ref = budget()
    right(s, "budget_plan", ref)
    wrong(s, "budget_plan", budget("预计UV"), "按哪一列分", secrets=[f"{x:.2f}" for x in ref["预算"][:-1]])
    wrong(s, "budget_plan", ref.head(3), "行不对")


# -- 04_monitor ---------------------------------------------------------------------------


def table2(scale=100, floor_scale=100):
    start, end = campaign.campaign_window()
    t = monitor.daily_channel_counts(data.load("traffic"), data.load("orders"), start, end)
    t["转化率"] = (t["下单数"] / t["UV"] * scale).round(1)
    t.loc[t["转化率"] < settings.threshold("campaign", "pause_conversion_floor") * floor_scale, "问题记录"] = "转化偏低"
    return t


def test_monitor_tasks(specs):
    s = specs["04_monitor"]
    right(s, "table2", table2())
    wrong(s, "table2", table2(scale=1, floor_scale=1), "转化率 = 下单数 ÷ UV × 100")
    wrong(s, "table2", table2(floor_scale=1), "问题记录")
    flags = monitor.pause_flags(table2(), data.load("ad_spend"))
    days = settings.threshold("campaign", "pause_consecutive_days")
    good = flags[(flags["连续偏弱天数"] >= days) & (flags["花费"] > 0)][["日期", "渠道", "投产比", "原因"]]
    right(s, "to_pause", good)
    free_too = flags[flags["连续偏弱天数"] >= days][["日期", "渠道"]]
    assert len(free_too) > len(good)
    wrong(s, "to_pause", free_too, "当天有花费", secrets=tuple(good["日期"]))

    start, end = campaign.campaign_window()
    o, it, skus = data.load("orders"), data.load("order_items"), data.load("skus")
    alert = settings.threshold("campaign", "stock_alert_level")

    def report_from(moment):
        replay = monitor.replay_stock(
            monitor.stock_at_start(skus, o, it, moment), monitor.paid_sales(o, it, start, end), alert=alert
        )
        return replay[replay["下架时间"].notna() | replay["开始时已低于预警线"]]

    ref = report_from(start)
    right(s, "delist_report", ref)
    right(s, "delist_report", pd.DataFrame(json.loads(ref.to_json(orient="records", date_format="iso"))))
    wrong(s, "delist_report", report_from(end), "下架的 SKU 不对", secrets=tuple(ref["sku_id"]))


def test_every_task_has_a_check_in_the_spec(specs):
    declared = {name for nb in NOTEBOOKS for name in tasks(M, nb)}
    assert declared == {name for s in specs.values() for name in s["tasks"]}
    for s in specs.values():
        blob = json.dumps(s, ensure_ascii=False)
        for leak in ("2026-06-15~2026-06-17", "满399减50", "定制收纳盒", "送完即止"):
            assert leak not in blob, leak
