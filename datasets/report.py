"""教师用：在生成的数据上测量预设故事的数字。 python -m datasets.report [DIR]

Measures the planted stories on a generated folder with plain pandas (the
figures quoted in TEACHER_NOTES.md come from this script on datasets/data).
Every figure is computed the way a student would compute it; the definitions
are in TEACHER_NOTES.md.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pandas as pd

from course import settings
from course.tools.adwords import find_absolute_words
from course.tools.sku import MEANINGLESS

from .featured import MULTI, parse_draft
from .spec import CALENDAR, PAID_CHANNELS

HERE = Path(__file__).resolve().parent


def read(folder: Path, name: str, **kw) -> pd.DataFrame:
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    return pd.read_csv(folder / man["tables"][name]["file"], encoding="utf-8-sig", **kw)


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """Two-sided z test for two proportions (pooled); returns (z, p)."""
    p = (x1 + x2) / (n1 + n2)
    se = math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2))
    z = (x2 / n2 - x1 / n1) / se if se > 0 else 0.0
    return z, math.erfc(abs(z) / math.sqrt(2))


def _funnel(tr: pd.DataFrame) -> dict:
    camp = tr.phase != "日常"
    cart, ordered = tr.added_to_cart, tr.ordered
    by_phase = tr.groupby("phase").apply(
        lambda g: pd.Series(
            {"visit_to_cart": g.added_to_cart.mean(), "cart_to_order": g.ordered.sum() / max(g.added_to_cart.sum(), 1)}
        ),
        include_groups=False,
    )
    return {
        "funnel": {
            "campaign": {
                "visit_to_cart": cart[camp].mean(),
                "cart_to_order": ordered[camp].sum() / cart[camp].sum(),
                "sessions": int(camp.sum()),
            },
            "daily": {
                "visit_to_cart": cart[~camp].mean(),
                "cart_to_order": ordered[~camp].sum() / cart[~camp].sum(),
                "sessions": int((~camp).sum()),
            },
        },
        "funnel_by_phase": by_phase.round(4).to_dict("index"),
        "bounce_rate": float((tr.pages_viewed == 1).mean()),
    }


def _campaign(tr: pd.DataFrame, od: pd.DataFrame) -> dict:
    """The 618 campaign against its targets, and the new-customer conversion of 日常 days."""
    camp, ok, ocamp = tr.phase != "日常", od.status == "已支付", od.phase != "日常"
    new_uv = tr[camp & tr.is_new_customer].user_id.nunique()
    new_buyers = od[ocamp & ok & od.is_new_customer].user_id.nunique()

    def per_uv(x):
        return x / new_uv if new_uv else float("nan")

    dnew_uv = tr[~camp & tr.is_new_customer].user_id.nunique()
    dnew_b = od[~ocamp & ok & od.is_new_customer].user_id.nunique()
    return {
        "campaign": {
            "gmv": round(float(od[ocamp & ok].paid_amount.sum()), 2),
            "gmv_target": CALENDAR["campaign"]["gmv_target"],
            "paid_orders": int((ocamp & ok).sum()),
            "aov": round(float(od[ocamp & ok].paid_amount.mean()), 2),
            "new_customer_uv": int(new_uv),
            "new_customer_buyers": int(new_buyers),
            "new_customer_conversion": per_uv(new_buyers),
            "new_customer_orders_per_uv": per_uv(int((ocamp & od.is_new_customer).sum())),
            "new_customer_sessions_per_uv": per_uv(int((camp & tr.is_new_customer).sum())),
            "gmv_by_phase": od[ocamp & ok].groupby("phase").paid_amount.sum().round(2).to_dict(),
            "gifts": int((od.gift.fillna("") != "").sum()),
        },
        "daily_new_customer_conversion": dnew_b / dnew_uv,
    }


def _roi(od: pd.DataFrame, ad: pd.DataFrame) -> dict:
    """ROI = (paid GMV - cost of goods - commission - gift cost) / ad spend, orders with status 已支付
    (the definition of settings.yaml roi_floor); roi_no_gift leaves the gift cost out."""
    ok, ocamp = od.status == "已支付", od.phase != "日常"
    money = ["paid_amount", "cost_amount", "commission", "gift_cost"]
    g = od[ok].groupby("channel")[money].sum()
    s = ad.groupby("channel").spend.sum()
    gc = od[ok & ocamp].groupby("channel")[money].sum()
    in_campaign = (ad.date >= CALENDAR["campaign"]["start"]) & (ad.date <= CALENDAR["campaign"]["end"])
    sc = ad[in_campaign].groupby("channel").spend.sum()
    out = {}
    for ch in PAID_CHANNELS:
        m = g.loc[ch]
        mc = gc.loc[ch] if ch in gc.index else pd.Series(dict.fromkeys(money, 0))
        out[ch] = {
            "year": round(float((m.paid_amount - m.cost_amount - m.commission - m.gift_cost) / s[ch]), 3),
            "campaign": round(float((mc.paid_amount - mc.cost_amount - mc.commission - mc.gift_cost) / sc[ch]), 3),
            "campaign_no_gift": round(float((mc.paid_amount - mc.cost_amount - mc.commission) / sc[ch]), 3),
            "gmv_over_spend_year": round(float(m.paid_amount / s[ch]), 3),
            "spend_year": round(float(s[ch]), 2),
            "spend_campaign": round(float(sc[ch]), 2),
            "cpc_year": round(float(s[ch] / ad[ad.channel == ch].clicks.sum()), 2),
        }
    return {"roi": out}


def _orders_shape(od: pd.DataFrame) -> dict:
    """Bunching below/above the 满减 threshold, order value distribution, repeat buyers."""
    ok, ocamp = od.status == "已支付", od.phase != "日常"
    # goods after 第二件半价 is not stored; use paid + 50 for 满减 orders
    c = od[ocamp & (od.status != "已取消")].copy()
    qual = c.paid_amount + c.promotions.fillna("").str.contains("满399减50") * 50
    pa = od[ok].paid_amount
    per_buyer = od[ok].groupby("user_id").size()
    return {
        "bunching": {
            "campaign_orders_qual_370_399": int(((qual >= 370) & (qual < 399)).sum()),
            "campaign_orders_qual_399_428": int(((qual >= 399) & (qual < 428)).sum()),
            "daily_share_goods_370_399": float(((od.goods_amount >= 370) & (od.goods_amount < 399))[~ocamp].mean()),
            "daily_share_goods_399_428": float(((od.goods_amount >= 399) & (od.goods_amount < 428))[~ocamp].mean()),
        },
        "order_value": {
            "mean": round(float(pa.mean()), 2),
            "median": round(float(pa.median()), 2),
            "p90": round(float(pa.quantile(0.9)), 2),
            "p99": round(float(pa.quantile(0.99)), 2),
            "max": round(float(pa.max()), 2),
            "skew": round(float(pa.skew()), 2),
        },
        "repeat_buyer_share": float((per_buyer >= 2).mean()),
        "buyers": int(len(per_buyer)),
    }


def _ab_test(ab: pd.DataFrame) -> dict:
    a, b = ab[ab.variant == "A"], ab[ab.variant == "B"]
    res = {"n_A": len(a), "n_B": len(b)}
    for col in ("added_to_cart", "paid"):
        z, p = two_proportion_p(int(a[col].sum()), len(a), int(b[col].sum()), len(b))
        res[col] = {"A": float(a[col].mean()), "B": float(b[col].mean()), "z": round(z, 3), "p": round(p, 4)}
    return {"ab_test": res}


def _segments(od: pd.DataFrame) -> dict:
    """Customer segments as of the as-of date (orders with status 已支付), with the planted gaps."""
    asof = pd.Timestamp(CALENDAR["as_of"])
    o = od[od.status == "已支付"].copy()
    o["date"] = pd.to_datetime(o.date)
    last = o.groupby("user_id").date.max()
    recent = o[o.date > asof - pd.Timedelta(days=30)]
    n30 = recent.groupby("user_id").size().reindex(last.index, fill_value=0)
    aov30 = recent.groupby("user_id").paid_amount.mean().reindex(last.index)
    days_since = (asof - last).dt.days
    seg = pd.Series("其他", index=last.index)
    seg[(days_since >= 30) & (days_since < 60)] = "沉睡(30-59天)"
    seg[days_since >= 60] = "流失(≥60天)"
    seg[(n30 >= 3) & (aov30 >= 500)] = "高价值"
    seg[(n30 >= 3) & (aov30 < 500)] = "缺口:≥3次但客单价<500"
    seg[(n30 == 1) & (aov30 < 300)] = "潜力"
    seg[(n30 == 1) & (aov30 >= 300) & (aov30 < 500)] = "缺口:1次且客单价300-500"
    seg[(n30 == 1) & (aov30 >= 500)] = "缺口:1次且客单价≥500"
    seg[n30 == 2] = "缺口:2次"
    return {"segments": seg.value_counts().to_dict()}


def _messages(ms: pd.DataFrame) -> dict:
    """Customers who got more than two marketing messages within 24 hours (the frequency cap)."""
    mk = ms[ms.msg_type == "营销"].sort_values(["user_id", "sent_at"])
    t = mk.sent_at.to_numpy()
    u = mk.user_id.to_numpy()
    day = pd.Timedelta(hours=24).to_timedelta64()
    violators = {u[k] for k in range(2, len(mk)) if u[k] == u[k - 2] and (t[k] - t[k - 2]) < day}
    return {"frequency_cap_violators": len(violators), "messages_by_campaign": ms.campaign.value_counts().to_dict()}


def _time_patterns(tr: pd.DataFrame) -> dict:
    st = pd.to_datetime(tr.start_time)
    wk = tr.groupby(st.dt.day_of_week).size()
    daily = tr.groupby("date").size()
    return {
        "weekday_sessions_index": (wk / wk.mean()).round(3).to_dict(),
        "peak_hour": int(tr.groupby(st.dt.hour).size().idxmax()),
        "campaign_spike": {
            "burst_day_sessions": int(daily.get("2026-06-18", 0)),
            "median_daily_sessions": float(daily.median()),
        },
    }


def measure(folder: Path | str) -> dict:
    """Every figure of the planted stories on a data folder (TEACHER_NOTES.md quotes them)."""
    folder = Path(folder)
    tr = read(
        folder,
        "traffic",
        usecols=[
            "session_id",
            "user_id",
            "start_time",
            "date",
            "channel",
            "pages_viewed",
            "added_to_cart",
            "ordered",
            "paid",
            "is_new_customer",
            "phase",
        ],
    )
    od = read(folder, "orders")
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    out: dict = {"rows": {k: v["rows"] for k, v in man["tables"].items()}}
    out |= _funnel(tr)
    out |= _campaign(tr, od)
    out |= _roi(od, read(folder, "ad_spend"))
    out |= _orders_shape(od)
    out |= _ab_test(read(folder, "ab_test"))
    out |= _segments(od)
    out |= _messages(read(folder, "messages", parse_dates=["sent_at"]))
    out |= _time_patterns(tr)
    out["featured"] = featured(folder)
    return out


def featured(folder: Path | str) -> dict:
    """What each featurable product gives the module 1-2 tasks (TEACHER_NOTES.md, section 8)."""
    folder = Path(folder)
    fp, pains = read(folder, "featured_products"), read(folder, "pain_points")
    kw, skus = read(folder, "keywords"), read(folder, "skus")
    products, top = read(folder, "products").set_index("product_id"), read(folder, "category_top100")
    rel_min = settings.threshold("listing", "core_attribute_relevance_min")
    margin_min = settings.threshold("listing", "selection_margin_min")
    out = {}
    for r in fp.itertuples(index=False):
        pid = r.product_id
        k = kw[kw.related_product_id == pid]
        core = k[k.keyword_type == "核心词"].sort_values(["relevance", "search_heat"], ascending=False)
        lt = k[k.keyword_type == "长尾词"]
        heat = {
            q.pain_point: int(lt[lt.keyword.str.contains(q.signal_words)].search_heat.sum())
            for q in pains[pains.product_id == pid].itertuples()
        }
        cand = top[
            top.target_age_band.isin(r.persona_age_bands.split(MULTI))
            & top.target_gender.isin(r.persona_genders.split(MULTI))
            & (top.spending_level == r.persona_spending)
            & (top.est_margin_rate >= margin_min)
            & (top.competition_level != "高")
        ].copy()
        cand["g"] = (cand.price - cand.est_cost) * cand.monthly_sales
        cand = cand.sort_values("g", ascending=False)
        mine = skus[skus.product_id == pid]
        out[pid] = {
            "name": products.loc[pid, "product_name"],
            "category": products.loc[pid, "sub_category"],
            "keywords": k.keyword_type.value_counts().to_dict(),
            "core_keyword": core.keyword.iloc[0],
            "must_have_attributes": k[(k.keyword_type == "属性词") & (k.relevance >= rel_min)].keyword.tolist(),
            "traps": [w for w in k[k.keyword_type == "营销词"].keyword if find_absolute_words(w)],
            "pain_heat": heat,
            "top_pain": max(heat, key=heat.get),
            "candidates": int(len(cand)),
            "top5_sub_categories": cand.sub_category.head(5).tolist(),
            "invalid_options": [
                f"{n}:{v}" for n, vals in parse_draft(r.sku_options_draft).items() for v in vals if v in MEANINGLESS
            ],
            "prices": {
                s: [float(g.daily_price.max()), float(g.campaign_price.max()), float(g.cost.max())]
                for s, g in mine.groupby("size", sort=False)
            },
            "delisted_skus": mine[mine.status == "已下架"].sku_id.tolist(),
            "title_absolute_words": [f.word for f in find_absolute_words(products.loc[pid, "title"])],
        }
    return out


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else HERE / "data"
    res = measure(folder)
    print(json.dumps(res, ensure_ascii=False, indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
