"""Tests of the simulated shop data (datasets/): determinism, schema, domain rules,
the planted stories (checked with plain pandas), the loader's messages and the what-if.

The committed classroom data in datasets/data must equal a fresh generation with the
default seed and scale from course/settings.yaml.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from course import settings
from course.messages import CourseError
from datasets import schema, whatif
from datasets.generate import EXCEL_NAME, default_seed_scale, generate
from datasets.spec import CALENDAR, PAID_CHANNELS, TABLES

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "datasets" / "data"
SMALL = dict(seed=7, scale=0.02)
quiet = dict(log=lambda *a, **k: None)


def read(name: str, folder: Path = DATA, **kw) -> pd.DataFrame:
    return pd.read_csv(folder / TABLES[name]["file"], encoding="utf-8-sig", low_memory=False, **kw)


def cents(s: pd.Series) -> np.ndarray:
    return np.rint(s.to_numpy(dtype=float) * 100).astype(np.int64)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small_a")
    generate(out, excel=True, **SMALL, **quiet)
    return out


@pytest.fixture(scope="module")
def data():
    return {
        name: read(name)
        for name in (
            "traffic",
            "orders",
            "order_items",
            "ad_spend",
            "customers",
            "skus",
            "price_history",
            "ab_test",
            "messages",
            "campaign_phases",
        )
    }


# ---------------------------------------------------------------------------
# determinism and the committed data
# ---------------------------------------------------------------------------


def test_same_seed_and_scale_give_identical_bytes(small, tmp_path):
    again = tmp_path / "small_b"
    generate(again, excel=True, validate=False, **SMALL, **quiet)
    names = sorted(p.name for p in small.iterdir())
    assert names == sorted(p.name for p in again.iterdir())
    assert EXCEL_NAME in names and "manifest.json" in names
    for name in names:
        assert (small / name).read_bytes() == (again / name).read_bytes(), name


def test_committed_data_equals_fresh_generation(tmp_path):
    seed, scale = default_seed_scale()
    man = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    assert (man["seed"], man["scale"]) == (seed, scale)
    generate(tmp_path, seed=seed, scale=scale, excel=False, validate=False, **quiet)
    for p in sorted(tmp_path.iterdir()):
        assert p.read_bytes() == (DATA / p.name).read_bytes(), (
            f"{p.name} differs: regenerate with python -m datasets.generate"
        )


def test_committed_excel_pack_has_every_table():
    with zipfile.ZipFile(DATA / EXCEL_NAME) as z:
        wb = z.read("xl/workbook.xml").decode("utf-8")
    for name in TABLES:
        assert f'name="{name}"' in wb
    assert 'name="字段说明"' in wb
    assert (DATA / EXCEL_NAME).stat().st_size < 8 * 2**20


def test_committed_excel_pack_equals_a_fresh_one(tmp_path):
    from datasets.offline_pack import write_excel

    write_excel(DATA, tmp_path / EXCEL_NAME)
    assert (tmp_path / EXCEL_NAME).read_bytes() == (DATA / EXCEL_NAME).read_bytes(), (
        f"{EXCEL_NAME} differs: regenerate with python -m datasets.generate"
    )


def test_excel_pack_reads_back_in_a_spreadsheet_library(small):
    """The hand-written workbook is a valid .xlsx: openpyxl reads every sheet, typed cells and all."""
    import openpyxl

    wb = openpyxl.load_workbook(small / EXCEL_NAME, read_only=True)
    assert wb.sheetnames == ["说明", "字段说明", *TABLES]
    rows = wb["orders"].iter_rows(values_only=True)
    header = list(next(rows))
    assert header == list(TABLES["orders"]["columns"])
    first = dict(zip(header, next(rows)))
    csv = read("orders", small, dtype=str, keep_default_na=False).iloc[0]
    assert first["order_id"] == csv.order_id and first["paid_amount"] == float(csv.paid_amount)
    assert first["is_new_customer"] is (csv.is_new_customer == "True") and first["item_count"] == int(csv.item_count)
    assert first["promotions"] is None or first["promotions"] == csv.promotions  # empty cells are left out
    wb.close()


def test_committed_data_passes_schema_and_is_small():
    schema.validate_folder(DATA)
    size = sum(p.stat().st_size for p in DATA.iterdir())
    assert size < 25 * 2**20
    man = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    assert 4000 <= man["tables"]["orders"]["rows"] <= 6000
    assert 60000 <= man["tables"]["traffic"]["rows"] <= 100000
    assert 2000 <= man["tables"]["customers"]["rows"] <= 4000
    assert man["calendar"] == CALENDAR
    assert man["calendar"]["campaign"]["phases"]["爆发期"] == {"start": "2026-06-18", "end": "2026-06-18", "days": 1}


def test_csv_files_are_utf8_with_bom():
    for spec in TABLES.values():
        raw = (DATA / spec["file"]).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), spec["file"]
        raw.decode("utf-8")


# ---------------------------------------------------------------------------
# schema validation catches problems (in Chinese)
# ---------------------------------------------------------------------------


def test_schema_rejects_unmasked_pii_and_broken_rules(small, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(small, bad)
    c = read("customers", bad, dtype=str, keep_default_na=False)
    c.loc[0, "phone_masked"] = "13912345678"
    c.loc[1, "tags"] = "喜欢简约风|李明"
    c.to_csv(bad / "customers.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
    o = read("orders", bad, dtype=str, keep_default_na=False)
    o.loc[0, "paid_amount"] = "1.00"
    o.to_csv(bad / "orders.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
    s = read("skus", bad, dtype=str, keep_default_na=False)
    s.loc[0, "stock"] = "3"
    s.to_csv(bad / "skus.csv", index=False, encoding="utf-8-sig", lineterminator="\n")
    with pytest.raises(schema.SchemaError) as err:
        schema.validate_folder(bad)
    msg = str(err.value)
    assert "未通过校验" in msg
    assert "手机号" in msg and "李明" in msg and "实付金额" in msg and "已下架" in msg


def test_generator_fails_loudly_in_chinese(tmp_path, monkeypatch, capsys):
    from datasets import generate as gen
    from datasets import shop

    monkeypatch.setitem(shop.STOCK_PLANTS, "P001-S01", (5, None))  # below the alert level but on sale
    assert gen.main(["--seed", "1", "--scale", "0.005", "--out", str(tmp_path / "y"), "--no-excel", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "数据校验失败" in err and "已下架" in err


def test_schema_name_check_allows_vocabulary():
    safe = schema._safe_words()
    assert not schema.looks_like_name("白色", safe)
    assert not schema.looks_like_name("江苏", safe)
    assert schema.looks_like_name("王建国", safe)


# ---------------------------------------------------------------------------
# the loader reads every table with its types; clear Chinese messages
# ---------------------------------------------------------------------------


def test_loader_reads_every_table_with_documented_types(small, monkeypatch):
    from course import data as cdata

    monkeypatch.setenv("COURSE_DATA_DIR", str(small))
    assert cdata.data_dir() == small
    assert sorted(cdata.tables()) == sorted(TABLES)
    expect = {"int": "Int64", "float": "float64", "bool": "boolean", "category": "category", "string": "string"}
    for name, spec in TABLES.items():
        df = cdata.load(name)
        assert list(df.columns) == list(spec["columns"]), name
        for col, info in spec["columns"].items():
            got = str(df[col].dtype)
            if info["dtype"] in ("date", "datetime"):
                assert got.startswith("datetime64"), (name, col, got)
            else:
                assert got.startswith(expect[info["dtype"]]), (name, col, got)
        assert len(df) == json.loads((small / "manifest.json").read_text(encoding="utf-8"))["tables"][name]["rows"]
    assert len(cdata.describe("orders")) == len(TABLES["orders"]["columns"])


def test_loader_messages_for_missing_file_and_table(small, tmp_path, monkeypatch):
    from course import data as cdata

    folder = tmp_path / "pack"
    shutil.copytree(small, folder)
    (folder / "orders.csv").unlink()
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    with pytest.raises(CourseError, match="orders.csv 不见了"):
        cdata.load("orders")
    with pytest.raises(CourseError, match='你是不是想写 "orders"'):
        cdata.load("order")
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("COURSE_DATA_DIR", str(empty))
    monkeypatch.chdir(empty)
    monkeypatch.setattr(cdata, "_candidates", lambda: [empty])
    with pytest.raises(CourseError, match="找不到店铺数据"):
        cdata.load("orders")


# ---------------------------------------------------------------------------
# domain rules, recomputed independently
# ---------------------------------------------------------------------------


def test_calendar_and_phases(data):
    ph = data["campaign_phases"].set_index("phase")
    assert ph.loc["预热期", ["start_date", "end_date", "days"]].tolist() == ["2026-06-15", "2026-06-17", 3]
    assert ph.loc["爆发期", ["start_date", "end_date", "days"]].tolist() == ["2026-06-18", "2026-06-18", 1]
    assert ph.loc["返场期", ["start_date", "end_date", "days"]].tolist() == ["2026-06-19", "2026-06-20", 2]
    phase_days = ("presale_days", "burst_days", "encore_days")
    assert ph.days.tolist() == [settings.threshold("campaign", k) for k in phase_days]
    tr = data["traffic"]
    assert tr.date.min() == "2025-07-01" and tr.date.max() == "2026-06-30"
    days = tr.groupby("phase").date.nunique()
    assert days.to_dict() == {"日常": 359, "预热期": 3, "爆发期": 1, "返场期": 2}
    assert set(tr[tr.phase == "爆发期"].date) == {"2026-06-18"}


def test_promotion_arithmetic_to_the_cent(data):
    o, it = data["orders"], data["order_items"]
    it = it.assign(
        unit_c=cents(it.unit_price),
        line_c=cents(it.line_amount),
        alloc_c=cents(it.discount_alloc),
        paid_c=cents(it.paid_line),
    )
    assert (it.line_c == it.unit_c * it.qty).all()
    assert (it.paid_c == it.line_c - it.alloc_c).all()
    phase = o.set_index("order_id").phase
    camp = it.order_id.map(phase) != "日常"
    # 第二件半价: only the 2nd unit of the same SKU line, half of the unit price (rounded down to the cent)
    it["half_c"] = np.where(camp & (it.qty >= 2), it.unit_c // 2, 0)
    g = it.groupby("order_id").agg(goods=("line_c", "sum"), half=("half_c", "sum"), alloc=("alloc_c", "sum"))
    g["qual"] = g.goods - g.half
    g["cut"] = np.where((g.index.map(phase) != "日常") & (g.qual >= 39900), 5000, 0)  # once per order
    oo = o.set_index("order_id").loc[g.index]
    assert (cents(oo.goods_amount) == g.goods).all()
    assert (cents(oo.discount_amount) == g.half + g.cut).all()
    assert (cents(oo.discount_amount) == g.alloc).all()  # allocation adds up exactly
    assert (cents(oo.paid_amount) == cents(oo.goods_amount) - cents(oo.discount_amount)).all()
    promo = oo.promotions.fillna("")
    assert ((g.cut > 0) == promo.str.contains("满399减50")).all()
    assert ((g.half > 0) == promo.str.contains("第二件半价")).all()
    assert (promo[oo.phase == "日常"] == "").all()
    # 满减 shares are proportional to what is left after 第二件半价 (largest remainder, within a cent)
    cut_line = it.alloc_c - it.half_c
    share = it.line_c - it.half_c
    q = it.order_id.map(g.qual)
    expect = it.order_id.map(g.cut) * share / q
    assert (np.abs(cut_line - expect) < 1).all()
    # commission from settings, rounded half up
    rate = settings.threshold("campaign", "commission_rate")
    assert np.allclose(o.commission, np.floor(cents(o.paid_amount) * rate + 0.5) / 100)


def test_unit_prices_follow_price_history(data):
    it, o, ph = data["order_items"], data["orders"], data["price_history"]
    it = it.merge(o[["order_id", "date"]], on="order_id")
    m = it.merge(ph, on=["date", "sku_id"], how="left")
    assert m.deal_price.notna().all()
    assert np.allclose(m.unit_price, m.deal_price)
    assert m.on_sale.all()  # nothing sold while delisted
    skus = data["skus"].set_index("sku_id")
    camp = m.date.between(CALENDAR["campaign"]["start"], CALENDAR["campaign"]["end"])
    assert np.allclose(m.unit_price[camp], m.sku_id[camp].map(skus.campaign_price))


def test_original_price_rule_and_planted_fake_discount(data):
    ph = data["price_history"].copy()
    ph["date"] = pd.to_datetime(ph.date)
    start = pd.Timestamp(CALENDAR["campaign"]["start"])
    before = ph[(ph.date >= start - pd.Timedelta(days=30)) & (ph.date < start)]
    low = before.groupby("sku_id").deal_price.min()
    shown = ph[ph.date == start].set_index("sku_id").list_price
    wrong = sorted(shown.index[shown.round(2) != low.reindex(shown.index).round(2)])
    assert wrong == ["P003-S02"]  # the one planted "先涨后降"


def test_stock_alert_rule(data):
    level = settings.threshold("campaign", "stock_alert_level")
    s = data["skus"]
    assert ((s.stock < level) == (s.status == "已下架")).all()
    assert (s.stock == level).any()  # the boundary case stays on sale
    assert s.delisted_date.notna().equals(s.status == "已下架")


def test_masked_pii_only(data):
    c = data["customers"]
    assert c.phone_masked.str.fullmatch(r"1[3-9]\d\*{4}\d{4}").all()
    assert c.name_masked.str.fullmatch(r"[\u4e00-\u9fff]\*{1,2}").all()
    phone = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
    for name in TABLES:
        df = read(name, dtype=str, keep_default_na=False)
        for col in df.columns:
            assert not df[col].str.contains(phone).any(), (name, col)


def test_gifts_go_to_first_100_paid_campaign_orders(data):
    o = data["orders"]
    camp = o[(o.phase != "日常") & o.paid_at.notna()].sort_values(["paid_at", "order_id"])
    gifted = o.gift.notna()
    assert gifted.sum() == min(100, len(camp))
    assert set(o.order_id[gifted]) == set(camp.order_id.head(100))
    assert np.allclose(o.gift_cost[gifted], 8.0)


def test_member_tiers_follow_settings(data):
    c, o = data["customers"], data["orders"]
    spend = o[o.status == "已支付"].groupby("user_id").paid_amount.sum().reindex(c.user_id).fillna(0)
    t = settings.thresholds("crm")
    expect = np.where(
        spend >= t["platinum_min_spend"],
        "铂金",
        np.where(spend >= t["gold_min_spend"], "金卡", np.where(spend >= t["silver_min_spend"], "银卡", "普通")),
    )
    assert (c.member_tier.to_numpy() == expect).all()


# ---------------------------------------------------------------------------
# the planted stories, visible with plain pandas
# ---------------------------------------------------------------------------


def test_story_funnel_leak_in_campaign(data):
    tr = data["traffic"]
    camp = tr.phase != "日常"
    v2c_c = tr.added_to_cart[camp].mean()
    c2o_c = tr.ordered[camp].sum() / tr.added_to_cart[camp].sum()
    v2c_d = tr.added_to_cart[~camp].mean()
    c2o_d = tr.ordered[~camp].sum() / tr.added_to_cart[~camp].sum()
    assert 0.22 <= v2c_c <= 0.29 and 0.22 <= v2c_d <= 0.30  # visit -> cart normal (~25 %)
    assert 0.09 <= c2o_c <= 0.15  # cart -> order leaks (~12 %)
    assert c2o_d > 0.2 and c2o_d > 1.7 * c2o_c


def test_story_paid_channel_roi(data):
    o, ad = data["orders"], data["ad_spend"]
    ok = o[o.status == "已支付"]
    c0, c1 = CALENDAR["campaign"]["start"], CALENDAR["campaign"]["end"]
    for period in ("year", "campaign"):
        oo = ok if period == "year" else ok[ok.phase != "日常"]
        aa = ad if period == "year" else ad[ad.date.between(c0, c1)]
        m = oo.groupby("channel")[["paid_amount", "cost_amount", "commission", "gift_cost"]].sum()
        spend = aa.groupby("channel").spend.sum()
        roi = (m.paid_amount - m.cost_amount - m.commission - m.gift_cost) / spend
        roi_no_gift = (m.paid_amount - m.cost_amount - m.commission) / spend
        assert (roi_no_gift.dropna() >= roi.dropna()).all()
        floor = settings.threshold("analytics", "roi_floor")
        assert roi_no_gift["付费广告"] < 0.9 * floor, (period, roi.to_dict())
        for ch in PAID_CHANNELS:
            if ch != "付费广告":
                assert roi[ch] > 1.1 * floor, (period, ch, roi.to_dict())
    assert set(ad.channel) == set(PAID_CHANNELS) and len(ad) == 365 * 4


def test_story_campaign_targets_missed(data):
    tr, o = data["traffic"], data["orders"]
    camp_o = o[(o.phase != "日常") & (o.status == "已支付")]
    gmv = camp_o.paid_amount.sum()
    assert 40000 <= gmv < settings.threshold("campaign", "gmv_target")
    new_uv = tr[(tr.phase != "日常") & tr.is_new_customer].user_id.nunique()
    new_buyers = camp_o[camp_o.is_new_customer].user_id.nunique()
    conv = new_buyers / new_uv
    assert 0.045 <= conv < settings.threshold("campaign", "new_customer_conversion_target")
    daily = tr.groupby("date").size()
    assert daily["2026-06-18"] > 5 * daily.median()  # campaign spike


def test_story_threshold_bunching(data):
    o = data["orders"]
    c = o[(o.phase != "日常") & (o.status != "已取消")]
    qual = c.paid_amount + c.promotions.fillna("").str.contains("满399减50") * 50
    assert ((qual >= 399) & (qual < 430)).sum() >= 3 * ((qual >= 368) & (qual < 399)).sum() + 5


def test_story_ab_test_b_better(data):
    ab = data["ab_test"]
    a, b = ab[ab.variant == "A"], ab[ab.variant == "B"]
    assert 1000 < len(a) < 3000 and 1000 < len(b) < 3000
    pa, pb = a.added_to_cart.mean(), b.added_to_cart.mean()
    p = (a.added_to_cart.sum() + b.added_to_cart.sum()) / len(ab)
    z = (pb - pa) / math.sqrt(p * (1 - p) * (1 / len(a) + 1 / len(b)))
    assert pb > pa and math.erfc(abs(z) / math.sqrt(2)) < settings.threshold("analytics", "ab_alpha")
    assert b.paid.mean() > a.paid.mean()
    tr = data["traffic"]
    assert set(tr.ab_variant.dropna()) == {"A", "B"}
    assert tr[tr.ab_variant.notna()].date.between(CALENDAR["ab_test"]["start"], CALENDAR["ab_test"]["end"]).all()


def test_story_customer_segments_and_shape(data):
    o = data["orders"]
    ok = o[o.status == "已支付"].copy()
    ok["date"] = pd.to_datetime(ok.date)
    asof = pd.Timestamp(CALENDAR["as_of"])
    last = ok.groupby("user_id").date.max()
    since = (asof - last).dt.days
    recent = ok[ok.date > asof - pd.Timedelta(days=30)]
    n30 = recent.groupby("user_id").size()
    aov30 = recent.groupby("user_id").paid_amount.mean()
    assert ((n30 >= 3) & (aov30 >= 500)).sum() >= 5  # 高价值
    assert ((n30 == 1) & (aov30 < 300)).sum() >= 50  # 潜力
    assert (n30 == 2).sum() >= 5  # gap: 2 purchases
    assert ((n30 == 1) & aov30.between(300, 500)).sum() >= 5  # gap: AOV 300-500
    assert ((since >= 30) & (since < 60)).sum() >= 100  # 沉睡
    assert (since >= 60).sum() >= 1000  # 流失
    per_buyer = ok.groupby("user_id").size()
    assert 0.05 < (per_buyer >= 2).mean() < 0.4  # repeat buyers a minority
    pa = ok.paid_amount
    assert pa.mean() > pa.median() and pa.skew() > 1.5  # heavy tail
    st = pd.to_datetime(data["traffic"].start_time)
    by_hour = st.dt.hour.value_counts()
    assert by_hour.idxmax() in (20, 21, 22) and by_hour[4] < by_hour[21] / 5
    wd = st.dt.day_of_week.value_counts()
    assert wd[6] > wd[0]  # Sunday busier than Monday


def test_story_frequency_cap_violations(data):
    m = data["messages"]
    cap = settings.threshold("crm", "frequency_cap_messages")
    mk = m[m.msg_type == "营销"].copy()
    mk["t"] = pd.to_datetime(mk.sent_at)
    mk = mk.sort_values(["user_id", "t"])
    prev = mk.groupby("user_id").t.shift(cap)
    violators = mk.user_id[(mk.t - prev) < pd.Timedelta(hours=24)].unique()
    assert 5 <= len(violators) <= 0.05 * mk.user_id.nunique()
    assert set(m.msg_type) == {"营销", "服务"}


# ---------------------------------------------------------------------------
# what-if
# ---------------------------------------------------------------------------


def test_whatif_projection_is_deterministic_and_sensible():
    a = whatif.project()
    assert a.equals(whatif.project())
    assert set(a.phase) == {"日常", "预热期", "爆发期", "返场期"} and len(a) == 20
    s = whatif.summary(a).set_index("phase")
    camp = s.loc["活动合计"]
    assert 30000 < camp.gmv < 65000
    assert 0.09 < camp.cart_to_order < 0.16
    fixed = whatif.summary(whatif.project(checkout_leak=1.0)).set_index("phase").loc["活动合计"]
    assert fixed.orders > 1.5 * camp.orders
    cheaper_rules = [{"type": "活动价"}, {"type": "满减", "threshold": 299, "amount": 30}]
    cheaper = whatif.compare(whatif.DEFAULT_RULES, cheaper_rules)
    assert cheaper.loc["discount", "差异(B-A)"] < 0
    stuffed = whatif.summary(whatif.project(title="北欧床头柜电视柜沙发床餐桌")).set_index("phase")
    assert stuffed.loc["活动合计", "visit_to_cart"] < camp.visit_to_cart


def test_whatif_rules_are_checked_in_chinese():
    with pytest.raises(CourseError, match="type"):
        whatif.project([{"type": "打折"}])
    with pytest.raises(CourseError, match="缺少"):
        whatif.project([{"type": "满减", "threshold": 399}])


def test_whatif_price_orders_matches_the_618_rules():
    pos = np.array([0, 0, 1])
    sku = np.array([0, 1, 1])
    qty = np.array([2, 1, 1])
    daily = np.array([20000, 10000])
    camp = np.array([17900, 9990])
    import datetime as dt

    _, goods, disc = whatif.price_orders(pos, sku, qty, daily, camp, whatif.DEFAULT_RULES, dt.date(2026, 6, 18), True)
    # order 0: 2 x 179 + 99.90 = 457.90; 第二件半价 89.50 -> 368.40 < 399: no 满减
    assert goods.tolist() == [45790, 9990] and disc.tolist() == [8950, 0]


def test_whatif_calibration_matches_committed_data():
    assert whatif.calibrate(DATA) == whatif.CALIBRATION


# ---------------------------------------------------------------------------
# documentation stays in step with the data
# ---------------------------------------------------------------------------


def test_readme_documents_every_table_and_column():
    text = (REPO / "datasets" / "README.md").read_text(encoding="utf-8")
    for name, spec in TABLES.items():
        assert f"`{name}`" in text, name
        for col, info in spec["columns"].items():
            assert f"| `{col}` |" in text, (name, col)
            assert info["description"] in text, (name, col)
    assert "English summary" in text
    # the student dictionary must not give the planted stories away
    for word in ("预设", "先涨后降", "泄漏", "TEACHER"):
        assert word not in text


def test_teacher_notes_quote_the_measured_figures():
    from datasets.report import measure

    notes = (REPO / "datasets" / "TEACHER_NOTES.md").read_text(encoding="utf-8")
    r = measure(DATA)
    assert f"{r['campaign']['gmv']:,.2f}" in notes
    assert f"{r['campaign']['new_customer_conversion']:.2%}" in notes
    assert f"{r['funnel']['campaign']['cart_to_order']:.1%}" in notes
    assert f"{r['ab_test']['added_to_cart']['p']:.3f}" in notes
    assert f"{r['ab_test']['paid']['p']:.3f}" in notes
    assert f"{r['roi']['付费广告']['year']:.2f}" in notes
    assert f"**{r['segments']['高价值']}**" in notes
    assert f"**{r['frequency_cap_violators']} 位**" in notes


# ---------------------------------------------------------------------------
# the featurable products (modules 1 and 2; tests/test_featured.py checks their facts)
# ---------------------------------------------------------------------------


def test_featured_keywords_leave_the_market_and_the_simulation_alone(monkeypatch):
    from datasets import featured, market
    from datasets.streams import rng_for

    base = market.keywords_frame(rng_for(2026, "market"))
    key = ["keyword", "search_heat", "online_items", "click_rate", "conversion_rate", "relevance"]
    for featured_seed in (2026, 99):  # another stream for the new rows moves no market row
        full = market.keyword_table(rng_for(2026, "market"), rng_for(featured_seed, "featured"))
        market_rows = full[full.keyword.isin(base.keyword)].sort_values("keyword").reset_index(drop=True)
        pd.testing.assert_frame_equal(market_rows[key], base.sort_values("keyword").reset_index(drop=True)[key])
        assert len(full) == len(base) + sum(len(f["keywords"]) for f in featured.FEATURED.values())
    committed = read("keywords")
    assert len(committed) == len(full) and set(committed.keyword) == set(full.keyword)
    searched = set(read("traffic", usecols=["search_keyword"]).search_keyword.dropna())
    assert searched <= set(base.keyword[base.relevance >= 0.3])  # visitors search the market words only
    clash = featured.FEATURED["P004"]["keywords"] + [("床头柜", "核心词", 1.0)]
    monkeypatch.setitem(featured.FEATURED["P004"], "keywords", clash)
    with pytest.raises(ValueError, match="床头柜"):
        market.keyword_table(rng_for(2026, "market"), rng_for(2026, "featured"))


def test_featured_tables_in_the_committed_data():
    fp, pains = read("featured_products"), read("pain_points")
    assert list(fp.product_id) == ["P001", "P004", "P006"] and set(fp.brand) == {"栖木"}
    assert pains.groupby("product_id").size().min() >= 5
    man = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    assert man["shop"]["brand"] == "栖木"


def test_teacher_notes_quote_the_featured_products_figures():
    from datasets.report import featured

    notes = (REPO / "datasets" / "TEACHER_NOTES.md").read_text(encoding="utf-8")
    for pid, r in featured(DATA).items():
        assert pid in notes and r["core_keyword"] in notes
        assert f"{r['top_pain']}（{r['pain_heat'][r['top_pain']]:,}" in notes, pid
        assert all(t in notes for t in r["traps"]) and all(o in notes for o in r["invalid_options"])
        assert "、".join(r["must_have_attributes"]) in notes, pid
        assert f"{r['candidates']}；" + "、".join(r["top5_sub_categories"]) in notes, pid
