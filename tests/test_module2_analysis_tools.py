"""Unit tests for the module-2 tools behind the scaffolded steps: typical carts and
their costs (``course.tools.carts``), the forecast (``course.tools.forecast``),
table 2 / pause / stock replay (``course.tools.monitor``), the module's check kinds
(``course.tools.campaign_checks``) and the rule-adjustment form.

Each tool is cross-checked against an independent computation (plain pandas or
integer cents, written here without the tool), and each typical mistake of a
student filling a blank gets a Chinese message.
"""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from course import checks as CH
from course import data, featured, settings
from course.messages import CourseError
from course.tools import campaign, carts, forecast, monitor
from course.tools import campaign_checks as M

START, END = campaign.campaign_window()
BASE_LO, BASE_HI = pd.Timestamp("2026-05-18"), pd.Timestamp("2026-06-14")


def shop_cents():
    """(n, rate in basis points, threshold in cents, amount in cents) of the shop's 618 rules, from the table."""
    p = data.load("promotions")
    p = p[p["campaign"].astype(str).str.contains("618")]
    nth, full = p[p["type"] == "第N件折扣"].iloc[0], p[p["type"] == "满减"].iloc[0]
    return (
        int(nth["n"]),
        int(round(float(nth["discount"]) * 10000)),
        int(round(float(full["threshold"]) * 100)),
        int(round(float(full["amount"]) * 100)),
    )


def price_cents(lines, r):
    """lines [(unit cents, qty)] -> (goods, paid) in cents: 第N件折扣 (the N-th unit once), then 满减 once."""
    n, bp, t, a = r
    after = [u * q - ((u - (u * bp + 5000) // 10000) if q >= n else 0) for u, q in lines]
    base = sum(after)
    return sum(u * q for u, q in lines), base - (min(a, base) if base >= t else 0)


# -- typical carts ------------------------------------------------------------------------


@pytest.mark.parametrize("pid", [c.id for c in featured.featurable()])
def test_typical_carts_follow_the_featured_product(pid):
    t = carts.typical_carts(pid)
    mate = carts.companion(pid)
    p = featured.product(pid)
    names = sorted(t["购物车"].unique())
    assert [n[0] for n in names] == list("ABCDEF")
    assert set(t["sku_id"].str[:4]) == {pid, mate}
    assert data.load("products").set_index("product_id").loc[mate, "sub_category"] != p.category
    assert p.category in names[0] and names[0].startswith("A 单买")
    shares = t.drop_duplicates("购物车").set_index("购物车")["订单占比"]
    assert shares.sum() == pytest.approx(1.0)
    small, large = carts.specs(pid)
    assert (
        p.prices[t.loc[t["sku_id"] == small, "规格"].iloc[0]].activity
        <= p.prices[t.loc[t["sku_id"] == large, "规格"].iloc[0]].activity
    )


def test_companion_is_the_other_category_bought_together_most():
    items = data.load("order_items").merge(data.load("orders")[["order_id", "date", "paid_at"]], on="order_id")
    items = items[(items["date"] < START) & items["paid_at"].notna()]
    cat = data.load("products").set_index("product_id")["sub_category"]
    mine = set(items.loc[items["product_id"] == "P001", "order_id"])
    other = items[items["order_id"].isin(mine) & (items["product_id"].map(cat) != cat["P001"])]
    assert carts.companion("P001") == other.groupby("product_id")["order_id"].nunique().idxmax()


def test_price_table_matches_integer_cents():
    skus = data.load("skus")
    t = carts.typical_carts()
    got = carts.price_table(t, campaign.shop_rules(), skus).set_index("购物车")
    price = skus.set_index("sku_id")["campaign_price"]
    r = shop_cents()
    for name, rows in t.groupby("购物车"):
        g, p = price_cents([(int(round(price[s] * 100)), int(q)) for s, q in zip(rows["sku_id"], rows["qty"])], r)
        assert (got.loc[name, "商品金额"], got.loc[name, "实付金额"]) == (g / 100, p / 100)
        assert got.loc[name, "优惠金额"] == pytest.approx((g - p) / 100)
    assert "优惠力度" not in got.columns  # the student's blank
    daily = carts.price_table(t, campaign.shop_rules(), skus, price="daily_price")
    assert (daily["商品金额"] > got["商品金额"].values).all()


def test_all_carts_and_the_deepest_discount_match_an_independent_enumeration():
    skus = data.load("skus")
    got = carts.all_carts(campaign.shop_rules(), skus)
    on = skus[(skus["listed_date"] <= START) & (skus["delisted_date"].isna() | (skus["delisted_date"] > START))]
    pc = {k: int(round(v * 100)) for k, v in zip(on["sku_id"], on["campaign_price"])}
    k, n = settings.threshold("campaign", "deepest_max_skus"), settings.threshold("campaign", "deepest_max_qty")
    combos = [
        list(zip(c, q))
        for size in range(1, k + 1)
        for c in itertools.combinations(sorted(pc), size)
        for q in itertools.product(range(1, n + 1), repeat=size)
    ]
    assert len(got) == len(combos)
    r = shop_cents()
    depth = max((g - p) / g for g, p in (price_cents([(pc[s], q) for s, q in c], r) for c in combos))
    assert got["优惠力度"].max() == pytest.approx(depth, abs=5e-5)
    assert set(got.columns) >= {"购物车", "商品金额", "优惠金额", "实付金额", "优惠力度"}


def test_ad_rate_and_cost_table_are_the_course_definitions():
    orders, spend = data.load("orders"), data.load("ad_spend")
    lo, hi = forecast.baseline_window()
    assert (pd.Timestamp(lo), pd.Timestamp(hi)) == (BASE_LO, BASE_HI)
    paid = orders[(orders["date"] >= BASE_LO) & (orders["date"] <= BASE_HI) & (orders["status"] == "已支付")]
    rate = spend[(spend["date"] >= BASE_LO) & (spend["date"] <= BASE_HI)]["spend"].sum() / paid["paid_amount"].sum()
    assert carts.campaign_ad_rate() == pytest.approx(rate)
    skus = data.load("skus").set_index("sku_id")
    t = carts.typical_carts()
    cost = carts.cost_table(t, campaign.shop_rules(), data.load("skus"), ad_rate=rate).set_index("购物车")
    gift = float(data.load("promotions").query("type == '赠品'")["gift_cost"].iloc[0])
    cr = settings.threshold("campaign", "commission_rate")
    for name, rows in t.groupby("购物车"):
        paid = cost.loc[name, "实付金额"]
        goods_cost = sum(skus.loc[s, "cost"] * q for s, q in zip(rows["sku_id"], rows["qty"]))
        assert cost.loc[name, "商品成本"] == pytest.approx(goods_cost)
        assert cost.loc[name, "赠品成本"] == gift
        assert cost.loc[name, "平台佣金"] == pytest.approx(round(paid * cr + 1e-9, 2))
        assert cost.loc[name, "广告费"] == pytest.approx(paid * rate, abs=0.006)
    r = carts.blended_rates()
    w = cost["订单占比"]
    gross = ((cost["实付金额"] - cost["商品成本"]) * w).sum() / (cost["实付金额"] * w).sum()
    assert r["活动毛利率"] == pytest.approx(gross, abs=6e-5)
    assert r["净利率"] < r["活动毛利率"]


def test_cart_mistakes_get_chinese_messages():
    t, skus, rs = carts.typical_carts(), data.load("skus"), campaign.shop_rules()
    with pytest.raises(CourseError, match="daily_price、campaign_price"):
        carts.price_table(t, rs, skus, price="活动价")
    with pytest.raises(CourseError, match="rules 应是一套促销规则"):
        carts.price_table(t, None, skus)
    with pytest.raises(CourseError, match="推广费率"):
        carts.cost_table(t, rs, skus, ad_rate=None)
    with pytest.raises(CourseError, match="还是 None"):
        carts.price_table(None, rs, skus)


def test_cart_shares_setting_is_checked(monkeypatch):
    real = settings.threshold

    def fake(section, name):
        if name == "cart_shares":
            return {"A": 0.5, "B": 0.5, "C": 0.1, "D": 0, "E": 0, "F": 0}
        return real(section, name)

    monkeypatch.setattr(settings, "threshold", fake)
    with pytest.raises(CourseError, match="合计为 1"):
        carts.cart_shares()


# -- forecast ---------------------------------------------------------------------------


def independent_baseline():
    t, o = data.load("traffic"), data.load("orders")
    tb = t[(t["date"] >= BASE_LO) & (t["date"] <= BASE_HI)]
    ob = o[(o["date"] >= BASE_LO) & (o["date"] <= BASE_HI)]
    daily_uv = tb.groupby(["date", "channel"], observed=True)["user_id"].nunique()
    uv = daily_uv.groupby(level="channel", observed=True).sum()
    n = ob.groupby("channel", observed=True)["order_id"].size()
    g = ob.groupby("channel", observed=True)["paid_amount"].sum()
    base = pd.DataFrame({"日均UV": uv / 28, "转化率": n / uv, "客单价": g / n})
    base.index = base.index.astype(str)
    return base


def test_channel_totals_give_the_baseline_of_table_2():
    lo, hi = forecast.baseline_window()
    b = forecast.channel_totals(data.load("traffic"), data.load("orders"), lo, hi).set_index("渠道")
    ref = independent_baseline()
    assert set(b.index) == set(ref.index) and (b["天数"] == 28).all()
    assert (b["UV"] / b["天数"]).to_dict() == pytest.approx(ref["日均UV"].to_dict())
    assert (b["下单数"] / b["UV"]).to_dict() == pytest.approx(ref["转化率"].to_dict())
    assert (b["GMV"] / b["下单数"]).to_dict() == pytest.approx(ref["客单价"].to_dict(), abs=1e-6)


def test_projection_frame_uses_the_settings_factors():
    base = independent_baseline().reset_index(names="渠道")
    p = forecast.projection_frame(base, data.load("campaign_phases"))
    assert len(p) == 15 and p["阶段×渠道"].is_unique
    uv, conv = settings.threshold("campaign", "uv_factor"), settings.threshold("campaign", "conv_factor")
    row = p[p["阶段×渠道"] == "爆发期·付费广告"].iloc[0]
    assert (row["流量系数"], row["转化系数"], row["天数"]) == (uv["爆发期"]["付费广告"], conv["爆发期"], 1)
    with pytest.raises(CourseError, match="baseline（测算基线） 还是 None"):
        forecast.projection_frame(None, data.load("campaign_phases"))
    with pytest.raises(CourseError, match="缺少列：转化率"):
        forecast.projection_frame(base.drop(columns=["转化率"]), data.load("campaign_phases"))


def test_factor_settings_are_checked(monkeypatch):
    real = settings.threshold

    def fake(section, name):
        if name == "uv_factor":
            bad = {k: dict(v) for k, v in real(section, name).items()}
            bad["爆发期"]["直播"] = "四"
            del bad["返场期"]
            return bad
        return real(section, name)

    monkeypatch.setattr(settings, "threshold", fake)
    with pytest.raises(CourseError) as exc:
        forecast.factors()
    assert "爆发期·直播" in str(exc.value) and "缺少阶段「返场期」" in str(exc.value)


def test_split_budget_shares_by_a_column_and_keeps_the_reserve():
    p = pd.DataFrame({"渠道": ["付费广告", "付费广告", "直播", "自然搜索"], "预计GMV": [100.0, 200.0, 100.0, 999.0]})
    out = forecast.split_budget(p, 800, by="预计GMV", channels=["付费广告", "直播"], reserve=200)
    assert out.values.tolist() == [["付费广告", 600.0], ["直播", 200.0], ["风险准备金", 200.0]]
    with pytest.raises(CourseError, match="没有“预计gmv”这一列"):
        forecast.split_budget(p, 800, by="预计gmv", channels=["直播"])
    with pytest.raises(CourseError, match="应是一个数字"):
        forecast.split_budget(p, "800", by="预计GMV", channels=["直播"])
    with pytest.raises(CourseError, match="合计为 0"):
        forecast.split_budget(p, 800, by="预计GMV", channels=["社群引流"])


# -- monitor -----------------------------------------------------------------------------


def test_daily_channel_counts_match_table_2_definitions():
    t, o = data.load("traffic"), data.load("orders")
    got = monitor.daily_channel_counts(t, o, START, END)
    d0, d1 = START.date(), END.date()
    assert len(got) == ((d1 - d0).days + 1) * t["channel"].nunique()
    tc = t[(t["date"] >= pd.Timestamp(d0)) & (t["date"] <= pd.Timestamp(d1))]
    oc = o[(o["date"] >= pd.Timestamp(d0)) & (o["date"] <= pd.Timestamp(d1))]
    row = got[(got["日期"] == "2026-06-18") & (got["渠道"] == "付费广告")].iloc[0]
    day = tc[(tc["date"] == "2026-06-18") & (tc["channel"].astype(str) == "付费广告")]
    ords = oc[(oc["date"] == "2026-06-18") & (oc["channel"].astype(str) == "付费广告")]
    assert row["UV"] == day["user_id"].nunique()
    assert row["加购数"] == day[day["added_to_cart"].fillna(False).astype(bool)]["user_id"].nunique()
    assert row["下单数"] == len(ords) and row["GMV"] == pytest.approx(ords["paid_amount"].sum())
    assert (got["问题记录"] == "").all() and "转化率" not in got.columns
    with pytest.raises(CourseError, match="还是空的"):
        monitor.daily_channel_counts(t, o, None, END)
    with pytest.raises(CourseError, match="没有年份"):
        monitor.daily_channel_counts(t, o, "6月15日", END)


def test_low_rows_noted_uses_the_settings_floor():
    t = pd.DataFrame({"转化率": [2.9, 3.0, 1.0], "问题记录": ["转化偏低", "", "流量大但转化偏低"]})
    assert monitor.low_rows_noted(t)
    assert not monitor.low_rows_noted(t.assign(问题记录=["", "", "x"]))


def test_stock_at_start_and_paid_sales_follow_the_course_rule():
    o, it, skus = data.load("orders"), data.load("order_items"), data.load("skus")
    paid = it.merge(o[["order_id", "paid_at"]], on="order_id")
    paid = paid[paid["paid_at"].notna()]
    expect = skus.set_index("sku_id")["stock"].add(
        paid[paid["paid_at"] >= START].groupby("sku_id")["qty"].sum(), fill_value=0
    )
    assert monitor.stock_at_start(skus, o, it, START).to_dict() == expect.astype(int).to_dict()
    sales = monitor.paid_sales(o, it, START, END)
    assert sales["qty"].sum() == paid[(paid["paid_at"] >= START) & (paid["paid_at"] <= END)]["qty"].sum()
    assert monitor.paid_sales(o, it, "2026-06-15", "2026-06-20")["qty"].sum() == sales["qty"].sum()
    with pytest.raises(CourseError, match="整数件数"):
        monitor.replay_stock({"A": 3}, sales.head(0), alert="10")


# -- the module's check kinds --------------------------------------------------------------


def _judge(check, value, ref_value):
    forms = {
        str(i) if k == "" else f"{i}:{k}": v
        for i, c in enumerate([check])
        for k, v in c.reference_forms(ref_value).items()
    }
    plain = CH.judge_all([check], value, CH.PlainReference(forms)).share
    hashed = CH.judge_all([check], value, CH.HashedReference("s", "t", CH.hash_forms("s", "t", forms))).share
    assert plain == hashed
    return plain


def test_fact_checks_read_form_facts():
    plan = {
        "phases": [
            {
                "phase": "预热期",
                "start": "2026-06-15",
                "end": "2026-06-17",
                "channels": ["社群引流"],
                "action": "社群预告",
            }
        ]
    }
    facts = "course.forms.campaign_form:plan_facts"
    assert _judge(M.FactIncludes(facts=facts, column="预热期渠道", msg="m"), plan, ["社群引流"]) == 1
    assert _judge(M.FactIncludes(facts=facts, column="预热期渠道", msg="m"), plan, ["直播"]) == 0
    assert (
        _judge(
            M.FactMentions(facts=facts, column="预热期动作", groups=1, longest=4, msg="m"), plan, [["短视频", "预告"]]
        )
        == 1
    )
    assert _judge(M.FactEquals(facts=facts, column="阶段日期", msg="m"), plan, "预热期 2026-06-15~2026-06-17") == 0
    assert _judge(M.FactEquals(facts=facts, column="阶段日期", msg="m"), None, "x") == 0


def test_keyed_table_and_row_set():
    ref = pd.DataFrame(
        {
            "日期": ["2026-06-15", "2026-06-15"],
            "渠道": ["直播", "社群引流"],
            "转化率": [3.0, 2.5],
            "下架时间": [pd.Timestamp("2026-06-15 23:40:12"), pd.NaT],
        }
    )
    kt = M.KeyedTable(key="日期+渠道", columns=["转化率", "下架时间"], rows=-1, digits=1, msg="m")
    exported = pd.DataFrame(ref.assign(下架时间=["2026-06-15T23:40:12", None]))  # as course.export decodes it
    assert _judge(kt, exported, ref) == 1
    assert _judge(kt, ref.assign(转化率=[3.0, 2.0]), ref) == 0.75
    rs = M.RowSet(columns=["日期", "渠道"], msg="m")
    assert _judge(rs, ref.iloc[::-1], ref) == 1 and _judge(rs, ref.head(1), ref) == 0
    assert M.plain_cell(pd.NaT) is None


# -- the rule adjustment form -------------------------------------------------------------


def test_adjust_form_previews_margins_and_judges_the_band(tmp_path, monkeypatch):
    import course
    from course.forms.promotion_form import AdjustForm, adjust_in_target, adjust_ok, adjust_rules

    monkeypatch.chdir(tmp_path)
    course.start("module2_campaign", "t_adjust", quiet=True)
    f = AdjustForm()
    assert (f._raw["nth_rate"], f._raw["threshold"], f._raw["amount"]) == ("0.5", "399.0", "50.0")
    assert f.submit({}) == []
    shop = carts.blended_rates()
    assert adjust_ok(f.values) and carts.blended_rates(adjust_rules(f.values)) == shop
    lo, hi = settings.threshold("campaign", "margin_target_min"), settings.threshold("campaign", "margin_target_max")
    assert adjust_in_target(f.values) == (lo <= shop["活动毛利率"] <= hi)
    assert "活动毛利率" in f.preview(f.values, {}) and "净利率" in f.preview(f.values, {})
    deeper = {"nth_rate": 0.5, "threshold": 399.0, "amount": 80.0}
    assert carts.blended_rates(adjust_rules(deeper))["活动毛利率"] < shop["活动毛利率"]
    assert "满减金额" in "\n".join(f.submit({"amount": "0"}))
    assert not adjust_ok({"nth_rate": 1.0, "threshold": 99999.0, "amount": 10.0})  # nobody gets a discount
    assert not adjust_ok(None) and not adjust_in_target({"nth_rate": None})
