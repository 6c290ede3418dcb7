"""What-if 模拟：用学生自己的促销规则和标题关键词，预测各阶段、各渠道的流量、订单、GMV 与毛利。

What-if projections with the generator's model, without generating data::

    from datasets import whatif
    rules = [{"type": "活动价"},
             {"type": "满减", "threshold": 299, "amount": 30},
             {"type": "赠品", "limit": 100, "gift_cost": 8}]
    df = whatif.project(rules, title="北欧ins风简约床头柜卧室小户型储物柜现代简约白色")
    whatif.summary(df)                       # one row per phase + 合计
    whatif.compare(whatif.DEFAULT_RULES, rules)

Rule types (a list of dicts):
    {"type": "活动价"}                                  SKU 活动价 (skus.campaign_price) in the campaign
    {"type": "满减", "threshold": 399, "amount": 50, "repeatable": False}
    {"type": "第N件折扣", "n": 2, "discount": 0.5}      the N-th unit of the same SKU at ``discount``
    {"type": "赠品", "limit": 100, "gift_cost": 8}      a gift for the first ``limit`` paid orders
    {"type": "限时折扣", "discount": 0.9, "start": "2026-06-18", "end": "2026-06-18"}
    {"type": "阶梯价", "tiers": [[2, 0.95], [3, 0.9]]}  unit price x rate when a SKU line has qty >= q

Order of application (the same as the 618 rules in ``promotions``): 活动价 → 限时折扣 → 阶梯价 →
第N件折扣 → 满减 (on what is left) → 赠品.  Money is computed in cents, rounded down.

Model (equations in TEACHER_NOTES.md, 模型方程 / what-if):
    sessions(p, c) = S[p][c] * Σ_{d in p} day_multiplier(d) * scale * search_mult (search channels)
    carts          = sessions * CART[p][c] * stuffing_penalty
    orders         = carts * ORDER[p][c] * leak_factor * promo_response
    paid orders    = orders * P_PAY[p] * (1 - P_REFUND)
    promo_response = (1 + ELASTICITY * (discount_rate - discount_rate_618))
                     * (1 - COMPLEXITY * (n_conditional_rules - n_618))
    per-order goods / discount / cost come from baskets drawn with the generator's basket
    model (``model.draw_baskets``) and priced with the student's rules.
S (visits per unit of day multiplier), the κ factors (visitor-type mix) and the ad spend per visit
come from ``calibrate`` on the classroom data.
Deterministic for a seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd

from course.messages import CourseError

from . import market, model, shop
from .defaults import thresholds
from .spec import CALENDAR, CHANNELS
from .streams import rng_for

DEFAULT_RULES = [
    {"type": "活动价"},
    {"type": "第N件折扣", "n": 2, "discount": 0.5},
    {"type": "满减", "threshold": 399, "amount": 50, "repeatable": False},
    {"type": "赠品", "limit": 100, "gift_cost": 8},
]
RULE_TYPES = ("活动价", "满减", "第N件折扣", "赠品", "限时折扣", "阶梯价")
CONDITIONAL = ("满减", "第N件折扣", "阶梯价", "赠品")  # rules a shopper must work out at checkout
ELASTICITY = 1.5  # +10 points of discount rate -> +15 % P(order | cart)
COMPLEXITY = 0.05  # each extra conditional rule -> -5 % P(order | cart) (unclear rules)
KEYWORD_MIN_RELEVANCE = 0.3
STUFFING_PENALTY = 0.04  # each irrelevant keyword in the title -> -4 % P(add to cart)
SEARCH_MULT_RANGE = (0.5, 1.6)
VIP_ORDER_SHARE = 0.4  # share of orders drawn with the VIP basket (calibrated: 日常 AOV matches the data)
REFERENCE_DAYS = ("2026-06-09", "2026-06-14")  # 日常 reference: the 6 days before the campaign
BASELINE_TITLE = shop.PRODUCTS[0]["title"]
PHASE_ORDER = ["日常", "预热期", "爆发期", "返场期"]

# Measured on datasets/data (seed 2026, scale 1) by ``python -m datasets.whatif --calibrate``:
# visits per unit of day multiplier (phase x channel), the pooled factors that turn the model's
# P_CART x CART_PHASE and P_ORDER x ORDER_PHASE into the observed rates (the visitor-type mix),
# and ad spend per visit (日常 days / campaign days).
CALIBRATION = {
    "sessions_per_mult": {
        "日常": [69.379, 25.444, 35.149, 20.553, 15.548],
        "预热期": [79.414, 28.728, 39.399, 45.965, 22.983],
        "爆发期": [160.555, 62.292, 78.962, 56.809, 38.603],
        "返场期": [290.057, 75.825, 116.553, 94.368, 71.19],
    },
    "kappa_cart": {"日常": 1.0491, "活动": 1.0363},
    "kappa_order": {"日常": 1.3124, "活动": 1.3323},
    "spend_per_session": {"日常": [0.0, 4.6279, 2.3566, 2.4513, 4.0009], "活动": [0.0, 1.6926, 1.0384, 1.1185, 1.7884]},
    "vip_order_share": 0.4,
}


def _days(phase: str) -> list[dt.date]:
    if phase == "日常":
        a, b = (dt.date.fromisoformat(x) for x in REFERENCE_DAYS)
    else:
        a, b = model.PHASE_DATES[phase]
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


def _check_rules(rules: list[dict]) -> list[dict]:
    out = []
    for i, r in enumerate(rules or []):
        if not isinstance(r, dict) or r.get("type") not in RULE_TYPES:
            raise CourseError(f"第 {i + 1} 条促销规则的 type 应为 {'、'.join(RULE_TYPES)} 之一，收到 {r!r}。")
        t = r["type"]
        need = {
            "满减": ("threshold", "amount"),
            "第N件折扣": ("n", "discount"),
            "赠品": ("limit", "gift_cost"),
            "限时折扣": ("discount",),
            "阶梯价": ("tiers",),
        }.get(t, ())
        miss = [k for k in need if k not in r]
        if miss:
            raise CourseError(f"第 {i + 1} 条规则（{t}）缺少 {'、'.join(miss)}。")
        if t in ("第N件折扣", "限时折扣") and not 0 < float(r["discount"]) <= 1:
            raise CourseError(f"第 {i + 1} 条规则（{t}）的 discount 应在 0 到 1 之间（0.5 = 半价）。")
        if t == "满减" and float(r["amount"]) >= float(r["threshold"]):
            raise CourseError(f"第 {i + 1} 条规则（满减）的减免金额必须小于门槛。")
        out.append(dict(r))
    return out


def _active(rule: dict, day: dt.date) -> bool:
    a = rule.get("start")
    b = rule.get("end")
    if a and day < dt.date.fromisoformat(str(a)[:10]):
        return False
    if b and day > dt.date.fromisoformat(str(b)[:10]):
        return False
    return True


def price_orders(pos, sku, qty, daily_c, campaign_c, rules, day, in_campaign):
    """Price order lines with a rule set; returns per-order (list value, goods, discount) in cents.

    Rules apply in the campaign phases (限时折扣 on its own dates, in any phase).
    ``list value`` is the value at the daily price (for the discount rate).
    """
    n = int(pos.max()) + 1 if len(pos) else 0
    unit = daily_c[sku].astype(np.int64)
    listv = np.bincount(pos, weights=unit * qty, minlength=n)
    use = [r for r in rules if (in_campaign or r["type"] == "限时折扣") and _active(r, day)]
    types = {r["type"] for r in use}
    if "活动价" in types:
        unit = campaign_c[sku].astype(np.int64)
    for r in use:
        if r["type"] == "限时折扣":
            unit = (unit * int(round(float(r["discount"]) * 10000))) // 10000
    for r in use:
        if r["type"] == "阶梯价":
            rate = np.ones(len(unit))
            for q, t in sorted(r["tiers"]):
                rate = np.where(qty >= int(q), float(t), rate)
            unit = (unit * np.rint(rate * 10000).astype(np.int64)) // 10000
    goods_line = unit * qty
    disc_line = np.zeros(len(unit), dtype=np.int64)
    for r in use:
        if r["type"] == "第N件折扣":
            k = int(r["n"])
            off = unit - (unit * int(round(float(r["discount"]) * 10000))) // 10000
            disc_line += np.where(qty >= k, off, 0)
    goods = np.bincount(pos, weights=goods_line, minlength=n).astype(np.int64)
    disc = np.bincount(pos, weights=disc_line, minlength=n).astype(np.int64)
    for r in use:
        if r["type"] == "满减":
            thr, amt = int(round(float(r["threshold"]) * 100)), int(round(float(r["amount"]) * 100))
            q = goods - disc
            times = np.where(q >= thr, (q // thr) if r.get("repeatable") else 1, 0)
            disc += np.minimum(times * amt, q)
    return listv, goods, disc


def _title_effect(title) -> tuple[float, float, list[str], list[str]]:
    kw = market.keywords_frame(rng_for(2026, "market"))

    def words(t):
        if t is None:
            return []
        if isinstance(t, str):
            return [k for k in kw.keyword if k in t]
        return list(t)

    def score(ws):
        sub = kw[kw.keyword.isin(ws) & (kw.relevance >= KEYWORD_MIN_RELEVANCE)]
        return float((np.sqrt(sub.search_heat) * sub.relevance).sum())

    base = score(words(BASELINE_TITLE))
    ws = words(title)
    if title is None:
        return 1.0, 1.0, [], []
    irrelevant = [w for w in ws if w in set(kw.keyword[kw.relevance < KEYWORD_MIN_RELEVANCE])]
    mult = float(np.clip(score(ws) / base if base else 1.0, *SEARCH_MULT_RANGE))
    penalty = max(0.0, 1 - STUFFING_PENALTY * len(irrelevant))
    return mult, penalty, ws, irrelevant


def _basket_economics(rules, phase, day, rng, shop_arrays, n_orders) -> np.ndarray:
    """Totals (list value, goods, discount, cost) of ``n_orders`` baskets drawn on ``day`` and priced with ``rules``."""
    skus, index, on, weight, cheap, image, cost_c, camp_c = shop_arrays
    in_c = phase != "日常"
    thr = next((int(round(float(r["threshold"]) * 100)) for r in rules if r["type"] == "满减"), None)
    half = any(r["type"] == "第N件折扣" and int(r["n"]) == 2 for r in rules)
    # the daily price of the day (price history's deal price outside the campaign)
    daily = np.array([shop.daily_price_c(r, day) for r in skus.to_dict("records")], dtype=np.int64)
    vtype = np.where(rng.random(n_orders) < VIP_ORDER_SHARE, 2, 0)
    shelf = camp_c if in_c and any(r["type"] == "活动价" for r in rules) else daily
    pos, sku, qty = model.draw_baskets(
        rng,
        vtype,
        phase,
        shelf,
        on[index[day]],
        weight,
        cheap,
        image,
        np.zeros(n_orders, bool),
        thr if in_c else None,
        half and in_c,
        qty2=None if (half and in_c) else model.QTY2["日常"],
    )
    listv, goods, disc = price_orders(pos, sku, qty, daily, camp_c, rules, day, in_c)
    cost = np.bincount(pos, weights=cost_c[sku] * qty, minlength=n_orders)
    return np.array([listv.sum(), goods.sum(), disc.sum(), cost.sum()])


def _economics(rules, seed, n_baskets):
    """Per phase: mean list value, goods, discount, paid, cost per order (cents) and the discount rate."""
    rng = rng_for(seed, "whatif")
    skus = shop.sku_table(rng_for(seed, "catalog"))
    days, _, _, on = shop.price_matrix(skus)
    shop_arrays = (
        skus,
        {d: i for i, d in enumerate(days)},
        on,
        skus.weight.to_numpy(float),
        (skus.role == "引流款").to_numpy(),
        (skus.role == "形象款").to_numpy(),
        skus.cost_c.to_numpy(np.int64),
        skus.campaign_c.to_numpy(np.int64),
    )
    out = {}
    for phase in PHASE_ORDER:
        tot = np.zeros(4)
        count = 0
        k = max(1, n_baskets // len(_days(phase)))
        for day in _days(phase):
            tot += _basket_economics(rules, phase, day, rng, shop_arrays, k)
            count += k
        listv, goods, disc, cost = tot / count
        paid = goods - disc
        out[phase] = {
            "list": listv,
            "goods": goods,
            "discount": disc,
            "paid": paid,
            "cost": cost,
            "discount_rate": 1 - paid / listv if listv else 0.0,
        }
    return out


def _order_response(phase: str, e: dict, e0: dict, n_extra_conditions: int, checkout_leak) -> tuple[float, float]:
    """(leak, response): factors on P(order | cart) for a phase's economics ``e`` against the 618 rules' ``e0``."""
    if phase != "日常":
        leak = 1.0 if checkout_leak is None else float(checkout_leak) / model.ORDER_PHASE[phase]
        response = (1 + ELASTICITY * (e["discount_rate"] - e0["discount_rate"])) * max(
            0.0, 1 - COMPLEXITY * n_extra_conditions
        )
        return leak, response
    if e["discount_rate"] > 0:  # a 限时折扣 on the reference days
        return 1.0, 1 + ELASTICITY * e["discount_rate"]
    return 1.0, 1.0


def _channel_row(
    phase: str,
    c: int,
    e: dict,
    mult: float,
    scale: float,
    search_mult: float,
    stuffing: float,
    leak: float,
    response: float,
    rate: float,
) -> dict:
    """The projection of one phase and channel (sessions -> carts -> orders -> paid orders -> money)."""
    sessions = CALIBRATION["sessions_per_mult"][phase][c] * mult * scale
    if c <= 1:  # the search channels follow the title's keywords
        sessions *= search_mult
    period = "日常" if phase == "日常" else "活动"
    cart_rate = model.P_CART[c] * model.CART_PHASE[phase] * CALIBRATION["kappa_cart"][period]
    order_rate = model.P_ORDER[c] * model.ORDER_PHASE[phase] * CALIBRATION["kappa_order"][period]
    carts = sessions * min(cart_rate * stuffing, model.MAX_P)
    orders = carts * min(order_rate * leak * response, model.MAX_P)
    paid = orders * model.P_PAY[phase] * (1 - model.P_REFUND)
    gmv = paid * e["paid"] / 100
    return {
        "phase": phase,
        "channel": CHANNELS[c],
        "days": len(_days(phase)),
        "sessions": sessions,
        "carts": carts,
        "orders": orders,
        "paid_orders": paid,
        "gmv": gmv,
        "discount": paid * e["discount"] / 100,
        "cost_of_goods": paid * e["cost"] / 100,
        "commission": gmv * rate,
        "ad_spend": sessions * CALIBRATION["spend_per_session"][period][c],
    }


def _spread_gifts(df: pd.DataFrame, gift_rule: dict | None) -> None:
    """Gifts go to the first paid orders of the campaign, phase by phase, shared by channel."""
    df["gift_cost"] = 0.0
    if not gift_rule:
        return
    gifts_left = int(gift_rule["limit"])
    for phase in PHASE_ORDER[1:]:
        m = df.phase == phase
        n_paid = df.loc[m, "paid_orders"].sum()
        used = min(gifts_left, n_paid)
        gifts_left -= used
        if n_paid > 0:
            df.loc[m, "gift_cost"] = df.loc[m, "paid_orders"] / n_paid * used * float(gift_rule["gift_cost"])


def project(
    rules: list[dict] | None = None,
    title=None,
    seed: int = 2026,
    scale: float = 1.0,
    checkout_leak: float | None = None,
    n_baskets: int = 6000,
) -> pd.DataFrame:
    """Projected traffic, orders, GMV and margin per phase and channel (one row each).

    rules          the student's promotion rules (default: the shop's 618 rules, DEFAULT_RULES)
    title          a title string (keywords are found in it) or a list of keywords
    checkout_leak  P(order | cart) factor of the campaign phases; default = the model's
                   ORDER_PHASE (the leak seen in the data); 1.0 = checkout as good as on 日常 days
    The 日常 rows are a reference period of 6 days before the campaign (no promotion rules
    unless a 限时折扣 covers them).
    """
    rules = _check_rules(DEFAULT_RULES if rules is None else rules)
    rate = thresholds()["commission_rate"]
    econ = _economics(rules, seed, n_baskets)
    base = econ if rules == DEFAULT_RULES else _economics(DEFAULT_RULES, seed, n_baskets)
    extra_conditions = sum(r["type"] in CONDITIONAL for r in rules) - sum(
        r["type"] in CONDITIONAL for r in DEFAULT_RULES
    )
    search_mult, stuffing, _, _ = _title_effect(title)
    rows = []
    for phase in PHASE_ORDER:
        mult = sum(model.day_multiplier(d) for d in _days(phase))
        leak, response = _order_response(phase, econ[phase], base[phase], extra_conditions, checkout_leak)
        rows += [
            _channel_row(phase, c, econ[phase], mult, scale, search_mult, stuffing, leak, response, rate)
            for c in range(len(CHANNELS))
        ]
    df = pd.DataFrame(rows)
    _spread_gifts(df, next((r for r in rules if r["type"] == "赠品"), None))
    return _finish(df)


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["margin"] = df.gmv - df.cost_of_goods - df.commission - df.gift_cost
    df["margin_rate"] = np.where(df.gmv > 0, df.margin / df.gmv, np.nan)
    df["aov"] = np.where(df.paid_orders > 0, df.gmv / df.paid_orders, np.nan)
    df["visit_to_cart"] = np.where(df.sessions > 0, df.carts / df.sessions, np.nan)
    df["cart_to_order"] = np.where(df.carts > 0, df.orders / df.carts, np.nan)
    df["conversion"] = np.where(df.sessions > 0, df.orders / df.sessions, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["roi"] = np.where(df.ad_spend > 0, df.margin / df.ad_spend, np.nan)
    money = ["gmv", "discount", "cost_of_goods", "commission", "ad_spend", "gift_cost", "margin", "aov"]
    df[money] = df[money].round(2)
    df[["sessions", "carts", "orders", "paid_orders"]] = df[["sessions", "carts", "orders", "paid_orders"]].round(1)
    rates = ["margin_rate", "visit_to_cart", "cart_to_order", "conversion", "roi"]
    df[rates] = df[rates].round(4)
    return df.reset_index(drop=True)


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """One row per phase plus 活动合计 (the three campaign phases); roi over the paid channels."""
    cols = [
        "sessions",
        "carts",
        "orders",
        "paid_orders",
        "gmv",
        "discount",
        "cost_of_goods",
        "commission",
        "ad_spend",
        "gift_cost",
    ]
    g = df.groupby("phase", sort=False)[cols].sum()
    g["days"] = df.groupby("phase", sort=False)["days"].first()
    camp = g.loc[[p for p in PHASE_ORDER[1:] if p in g.index]].sum()
    camp.name = "活动合计"
    g = pd.concat([g, camp.to_frame().T])
    g.index.name = "phase"
    g = g.reset_index()
    g["channel"] = "全部"
    out = _finish(g)
    # ROI over the paid channels only (自然搜索 has no ad spend)
    paid = df[df.ad_spend > 0].assign(m=lambda x: x.gmv - x.cost_of_goods - x.commission - x.gift_cost)
    by = paid.groupby("phase", sort=False)[["m", "ad_spend"]].sum()
    camp_p = by.loc[[p for p in PHASE_ORDER[1:] if p in by.index]].sum()
    by.loc["活动合计"] = camp_p
    out["roi"] = out.phase.map((by.m / by.ad_spend).round(4))
    return out[["phase", "days"] + [c for c in out.columns if c not in ("phase", "days", "channel")]]


def compare(rules_a: list[dict], rules_b: list[dict], **kw) -> pd.DataFrame:
    """Campaign totals of two rule sets side by side, with the difference B − A."""
    a = summary(project(rules_a, **kw)).set_index("phase").loc["活动合计"]
    b = summary(project(rules_b, **kw)).set_index("phase").loc["活动合计"]
    out = pd.DataFrame({"方案A": a, "方案B": b})
    out["差异(B-A)"] = out["方案B"] - out["方案A"]
    return out.drop(index=["days"])


def calibrate(folder: Path | str) -> dict:
    """Measure the what-if constants on a generated folder (plain pandas)."""
    folder = Path(folder)
    man = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    rd = lambda n, **k: pd.read_csv(folder / man["tables"][n]["file"], encoding="utf-8-sig", **k)  # noqa: E731
    tr = rd("traffic", usecols=["date", "channel", "added_to_cart", "ordered", "phase"])
    ad = rd("ad_spend")
    days = pd.Series(pd.to_datetime(sorted(tr.date.unique())).date)
    mult = {d.isoformat(): model.day_multiplier(d) for d in days}
    scale = float(man["scale"])
    ci = {c: i for i, c in enumerate(CHANNELS)}
    tr["c"] = tr.channel.map(ci)
    tr["pc"] = np.asarray(model.P_CART)[tr.c] * tr.phase.map(model.CART_PHASE)
    tr["po"] = np.asarray(model.P_ORDER)[tr.c] * tr.phase.map(model.ORDER_PHASE)
    out = {"sessions_per_mult": {}, "kappa_cart": {}, "kappa_order": {}, "spend_per_session": {}}
    for phase in PHASE_ORDER:
        t = tr[tr.phase == phase]
        msum = sum(mult[d] for d in t.date.unique()) * scale
        n = t.groupby("channel").size().reindex(CHANNELS).fillna(0)
        out["sessions_per_mult"][phase] = [round(float(v), 3) for v in n / msum]
    camp_dates = (ad.date >= CALENDAR["campaign"]["start"]) & (ad.date <= CALENDAR["campaign"]["end"])
    periods = (("日常", tr[tr.phase == "日常"], ad[~camp_dates]), ("活动", tr[tr.phase != "日常"], ad[camp_dates]))
    for period, t, a in periods:
        out["kappa_cart"][period] = round(float(t.added_to_cart.sum() / t.pc.sum()), 4)
        c = t[t.added_to_cart]
        out["kappa_order"][period] = round(float(c.ordered.sum() / c.po.sum()), 4)
        s = a.groupby("channel").spend.sum().reindex(CHANNELS).fillna(0)
        n = t.groupby("channel").size().reindex(CHANNELS)
        out["spend_per_session"][period] = [round(float(v), 4) for v in s / n]
    out["vip_order_share"] = VIP_ORDER_SHARE
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m datasets.whatif", description="What-if 模拟（默认：618 规则）")
    ap.add_argument("--calibrate", metavar="DIR", help="在数据文件夹上测量模型常数并打印")
    ap.add_argument("--title", default=None)
    ap.add_argument("--leak", type=float, default=None, help="活动期 加购→下单 系数（1.0 = 与日常相同）")
    args = ap.parse_args(argv)
    if args.calibrate:
        print(calibrate(args.calibrate))
        return 0
    pd.set_option("display.width", 200)
    pd.set_option("display.max_columns", 30)
    print(summary(project(title=args.title, checkout_leak=args.leak)).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
