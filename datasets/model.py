"""模拟模型：参数与方程（生成器和 what-if 共用）。

The simulation model, kept simple enough to explain on a slide.  Every number
here is documented in ``datasets/TEACHER_NOTES.md`` (section 模型方程).

Daily visitors
    new_visitors(d) ~ Poisson(BASE_NEW_VISITORS * scale * season(month) * weekday(d)
                              * trend(d) * event(d) * phase_mult(phase(d)))
    Every visit schedules the visitor's next visit: a short return (1-5 days,
    same shopping need), a long return (a new need, exponential gap) or none.

Funnel of one visit (channel c, phase p, visitor type t)
    P(bounce)            = BOUNCE[c]
    P(add to cart)       = P_CART[c] * CART_TYPE[t] * CART_PHASE[p] * (AB_LIFT if variant B)
    P(order | cart)      = P_ORDER[c] * ORDER_TYPE[t] * ORDER_PHASE[p] * (REPEAT_MULT if already a customer)
    P(pay | order)       = P_PAY[p];  P(refund | paid) = P_REFUND
Basket
    lines = 1 + min(Poisson(LINES_LAMBDA[p] + VIP_EXTRA_LINES if VIP), 4), SKUs drawn by
    popularity weight (VIPs: weight * (price/100)^VIP_PRICE_POWER), qty 2 with P(QTY2[p]).
    In the campaign, a basket whose qualifying amount is in [280, 399) is topped up with
    the cheapest add-on that crosses 399 with probability TOPUP_PROB.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from .spec import CALENDAR

# --- volume ------------------------------------------------------------------
BASE_NEW_VISITORS = 88.0  # new visitors per day at scale 1 before multipliers
SEASON = {7: 0.90, 8: 0.92, 9: 1.00, 10: 1.05, 11: 1.18, 12: 1.00, 1: 0.95, 2: 0.78, 3: 1.12, 4: 1.06, 5: 1.00, 6: 1.00}
WEEKDAY = [0.92, 0.94, 0.96, 0.98, 1.04, 1.16, 1.20]  # Monday .. Sunday
TREND_PER_YEAR = 0.20  # +20 % over the trading year
EVENTS = {  # date -> multiplier (platform-wide events, holidays)
    "2025-11-10": 1.3,
    "2025-11-11": 1.9,
    "2025-11-12": 1.1,
    **{f"2026-02-{d:02d}": 0.6 for d in range(12, 23)},  # 春节 (2026-02-17): logistics pause
}
PHASE_NEW_MULT = {"日常": 1.0, "预热期": 1.45, "爆发期": 3.9, "返场期": 1.15}
# campaign visitors often come back the same day (0点开抢, then again in the evening)
SAME_DAY_REVISIT = {"日常": 0.0, "预热期": 0.22, "爆发期": 0.50, "返场期": 0.22}

# --- visitor types: 0 browser, 1 regular, 2 VIP --------------------------------
TYPE_NAMES = ["浏览型", "回头客", "高价值"]
TYPE_SHARE = [0.80, 0.17, 0.03]
SHORT_RETURN = [0.26, 0.32, 0.20]  # P(come back within 1-5 days)
LONG_RETURN = [0.08, 0.50, 0.90]  # P(come back later with a new need)
LONG_GAP_MEAN = [55.0, 38.0, 9.0]  # days
SHORT_RETURN_CAMPAIGN = 0.80  # during 预热期/爆发期: come back inside the campaign
BURST_RETURN_SHARE = 0.6  # of 预热期 short returns: come back on the 爆发期 day
SHORT_RETURN_AFTER_ORDER = 0.10

# --- channels ------------------------------------------------------------------
# new visitors' channel mix per phase (order of spec.CHANNELS)
CHANNEL_MIX_NEW = {
    "日常": [0.38, 0.20, 0.22, 0.10, 0.10],
    "预热期": [0.22, 0.18, 0.14, 0.32, 0.14],
    "爆发期": [0.18, 0.40, 0.16, 0.10, 0.16],
    "返场期": [0.24, 0.24, 0.14, 0.22, 0.16],
}
CHANNEL_MIX_RETURNING = [0.46, 0.10, 0.20, 0.15, 0.09]
BOUNCE = [0.30, 0.46, 0.38, 0.27, 0.34]
P_CART = [0.270, 0.215, 0.240, 0.300, 0.280]
P_ORDER = [0.200, 0.175, 0.185, 0.212, 0.193]
CART_TYPE = [0.92, 1.15, 1.45]
ORDER_TYPE = [0.90, 1.20, 2.10]
REPEAT_MULT = 1.15
CART_PHASE = {"日常": 1.0, "预热期": 0.92, "爆发期": 0.94, "返场期": 0.92}
ORDER_PHASE = {"日常": 1.0, "预热期": 0.46, "爆发期": 0.48, "返场期": 0.46}  # the planted checkout leak
P_PAY = {"日常": 0.93, "预热期": 0.90, "爆发期": 0.90, "返场期": 0.90}
P_REFUND = 0.04
AB_LIFT = 1.18
MAX_P = 0.95

# --- time of day ---------------------------------------------------------------
HOUR_WEIGHTS = np.array(
    [
        2.0,
        1.0,
        0.5,
        0.3,
        0.2,
        0.3,
        0.6,
        1.2,
        2.2,
        3.4,
        4.2,
        4.4,
        4.0,
        3.6,
        3.9,
        4.1,
        4.0,
        3.8,
        3.9,
        4.6,
        5.6,
        6.2,
        5.6,
        3.8,
    ]
)
BURST_HOUR_BOOST = {0: 5.0, 1: 2.5, 20: 1.3, 21: 1.3, 22: 1.2}
SECONDS_PER_PAGE = 42.0

# --- baskets -------------------------------------------------------------------
LINES_LAMBDA = {"日常": 0.32, "预热期": 0.45, "爆发期": 0.50, "返场期": 0.45}
VIP_EXTRA_LINES = 0.6
VIP_PRICE_POWER = 0.7
QTY2 = {"日常": 0.06, "预热期": 0.30, "爆发期": 0.34, "返场期": 0.30}
CHEAP_EXTRA_QTY = 0.6  # 引流款: qty = 1 + Poisson(0.6)
TOPUP_PROB = 0.70
TOPUP_LOW_C = 28000

# --- ads: (target ROI on the year, CTR) per paid channel ------------------------
# spend(d, c) = clicks(d, c) * CPC(c, period) * lognormal noise;  CPC is solved per period
# (日常 days, campaign days) so that the channel's ROI = (paid GMV - cost of goods - commission
# - gift cost) / spend over that period hits the target (the definition in settings.yaml, roi_floor).
AD_TARGET_ROI = {"付费广告": 1.6, "平台首页推荐": 4.0, "社群引流": 6.0, "直播": 3.2}  # 日常 days
AD_CAMPAIGN_ROI = {"付费广告": 0.9, "平台首页推荐": 2.6, "社群引流": 3.6, "直播": 2.4}  # the 6 campaign days
AD_CTR = {"付费广告": 0.022, "平台首页推荐": 0.035, "社群引流": 0.14, "直播": 0.06}
AD_CLICK_EXTRA = (0.02, 0.10)  # clicks = sessions * (1 + U(a, b)): some clicks never load the shop

# --- calendar helpers --------------------------------------------------------------
_D = dt.date.fromisoformat
PHASE_DATES = {k: (_D(v["start"]), _D(v["end"])) for k, v in CALENDAR["campaign"]["phases"].items()}
TRADING_START = _D(CALENDAR["trading_start"])
TRADING_END = _D(CALENDAR["trading_end"])
AB_START = _D(CALENDAR["ab_test"]["start"])
AB_END = _D(CALENDAR["ab_test"]["end"])


def phase_of(day: dt.date) -> str:
    for name, (a, b) in PHASE_DATES.items():
        if a <= day <= b:
            return name
    return "日常"


def day_multiplier(day: dt.date) -> float:
    """season * weekday * trend * event * phase multiplier of new visitors."""
    t = (day - TRADING_START).days / 365.0
    m = SEASON[day.month] * WEEKDAY[day.weekday()] * (1 + TREND_PER_YEAR * t)
    m *= EVENTS.get(day.isoformat(), 1.0)
    m *= PHASE_NEW_MULT[phase_of(day)]
    return m


def hour_weights(phase: str) -> np.ndarray:
    w = HOUR_WEIGHTS.copy()
    if phase == "爆发期":
        for h, f in BURST_HOUR_BOOST.items():
            w[h] *= f
    return w / w.sum()


def p_cart(channel: np.ndarray, vtype: np.ndarray, phase: str, variant_b: np.ndarray | None = None) -> np.ndarray:
    p = np.asarray(P_CART)[channel] * np.asarray(CART_TYPE)[vtype] * CART_PHASE[phase]
    if variant_b is not None:
        p = np.where(variant_b, p * AB_LIFT, p)
    return np.minimum(p, MAX_P)


def p_order(channel: np.ndarray, vtype: np.ndarray, phase: str, is_customer: np.ndarray) -> np.ndarray:
    p = np.asarray(P_ORDER)[channel] * np.asarray(ORDER_TYPE)[vtype] * ORDER_PHASE[phase]
    p = np.where(is_customer, p * REPEAT_MULT, p)
    return np.minimum(p, MAX_P)


# --- promotion arithmetic in cents (the 618 rules) ---------------------------------


def second_half_c(unit_c: np.ndarray, qty: np.ndarray) -> np.ndarray:
    """第二件半价: per SKU line, only the 2nd unit at half price (rounded down to the cent)."""
    return np.where(qty >= 2, unit_c // 2, 0)


def allocate_c(order_pos: np.ndarray, weights_c: np.ndarray, amount_c: np.ndarray) -> np.ndarray:
    """Split ``amount_c[order]`` over the order's lines in proportion to ``weights_c``.

    Largest-remainder method on cents, ties to the earlier line, so the shares add
    up exactly.  ``order_pos`` must be sorted (lines of an order are contiguous).
    """
    n_orders = len(amount_c)
    tot = np.bincount(order_pos, weights=weights_c, minlength=n_orders).astype(np.int64)
    amt = amount_c[order_pos].astype(np.int64)
    tot_l = np.maximum(tot[order_pos], 1)
    num = amt * weights_c.astype(np.int64)
    base = num // tot_l
    rem = num - base * tot_l
    short = amount_c.astype(np.int64) - np.bincount(order_pos, weights=base, minlength=n_orders).astype(np.int64)
    # rank lines within an order by remainder (desc), then line position (asc)
    idx = np.arange(len(order_pos))
    order = np.lexsort((idx, -rem, order_pos))
    first = np.searchsorted(order_pos[order], order_pos[order], side="left")
    rank = np.arange(len(order)) - first
    extra = np.zeros(len(order_pos), dtype=np.int64)
    extra[order] = (rank < short[order_pos[order]]).astype(np.int64)
    return base + extra


def commission_c(paid_c: np.ndarray, rate: float) -> np.ndarray:
    """Commission rounded half-up to the cent, in exact integer arithmetic."""
    bp = int(round(rate * 10000))
    return (paid_c.astype(np.int64) * bp + 5000) // 10000


# --- baskets (shared by the generator and the what-if) --------------------------------


def merge_lines(pos, sku, qty):
    """One line per (order, SKU), lines in order of first appearance."""
    key = pos * 1000 + sku
    first_idx = np.unique(key, return_index=True)[1]
    uniq_key = key[first_idx]
    tot = np.bincount(np.searchsorted(uniq_key, key), weights=qty, minlength=len(uniq_key)).astype(np.int64)
    order = np.lexsort((first_idx, uniq_key // 1000))
    return (uniq_key // 1000)[order], (uniq_key % 1000)[order], tot[order]


def draw_baskets(
    rng, vtype, phase, price_c, avail, sku_w, is_cheap, is_image, forced, threshold_c=None, second_half=False, qty2=None
):
    """Order lines for ``len(vtype)`` orders: (order_pos, sku, qty), sorted by order then line.

    lines = 1 + min(Poisson(LINES_LAMBDA[phase] (+ VIP_EXTRA_LINES)), 4); SKU by popularity weight
    (VIP: weight * (price/100)^VIP_PRICE_POWER); 引流款 qty 1 + Poisson(CHEAP_EXTRA_QTY), others 2 with
    P(QTY2[phase]).  With a threshold (满减), a basket whose qualifying amount is in
    [TOPUP_LOW_C * threshold/399, threshold) is topped up with probability TOPUP_PROB by the cheapest
    available item (<= 120 元) that crosses it.
    """
    n = len(vtype)
    w_norm = np.where(avail, sku_w, 0.0)
    w_vip = w_norm * (price_c / 10000.0) ** VIP_PRICE_POWER
    lam = LINES_LAMBDA[phase] + np.where(vtype == 2, VIP_EXTRA_LINES, 0.0)
    lines = 1 + np.minimum(rng.poisson(lam), 4)
    pos = np.repeat(np.arange(n), lines)
    vip_line = vtype[pos] == 2
    sku = np.empty(len(pos), dtype=np.int64)
    for mask, w in ((~vip_line, w_norm), (vip_line, w_vip)):
        k = int(mask.sum())
        if k:
            sku[mask] = rng.choice(len(w), size=k, p=w / w.sum())
    if forced.any():
        first_line = np.r_[True, pos[1:] != pos[:-1]]
        fl = first_line & forced[pos]
        wi = np.where(avail & is_image, sku_w, 0.0)
        sku[fl] = rng.choice(len(wi), size=int(fl.sum()), p=wi / wi.sum())
    cheap = is_cheap[sku]
    qty = np.where(
        cheap,
        1 + rng.poisson(CHEAP_EXTRA_QTY, len(sku)),
        1 + (rng.random(len(sku)) < (QTY2[phase] if qty2 is None else qty2)).astype(np.int64),
    )
    pos, sku, qty = merge_lines(pos, sku, qty)
    if threshold_c:
        unit = price_c[sku]
        half = second_half_c(unit, qty) if second_half else 0
        q = np.bincount(pos, weights=unit * qty - half, minlength=n).astype(np.int64)
        low = TOPUP_LOW_C * threshold_c // 39900
        near = (q >= low) & (q < threshold_c) & (rng.random(n) < TOPUP_PROB)
        if near.any():
            addon = np.flatnonzero(avail & (price_c <= 12000))
            addon = addon[np.argsort(price_c[addon], kind="stable")]
            gap = threshold_c - q[near]
            k = np.searchsorted(price_c[addon], gap, side="left")
            ok = k < len(addon)
            extra_pos = np.flatnonzero(near)[ok]
            pos = np.r_[pos, extra_pos]
            sku = np.r_[sku, addon[k[ok]]]
            qty = np.r_[qty, np.ones(len(extra_pos), dtype=np.int64)]
            pos, sku, qty = merge_lines(pos, sku, qty)
    return pos, sku, qty
