"""The checkout: a day's orders from the visits that ordered.

``Checkout.place`` numbers the day's orders by creation time, draws their
baskets (``model.draw_baskets``), prices them with the 618 rules in integer cents
(活动价 is the day's deal price; 第二件半价 on its line, then 满399减50 shared over
the lines by largest remainder), draws refunds among the paid ones and hands the
gift to the first paid campaign orders.  It also holds the catalogue the
simulation sells from (SKUs, daily deal prices, on-sale flags).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import model, shop
from .arrays import to_datetime
from .visits import Day, Visits

SIMPLE_STYLES = ("北欧风", "现代简约", "日式")  # tag 喜欢简约风


@dataclass
class Orders:
    """The day's orders (numbered by creation time) and their lines (``pos`` = the line's order)."""

    visit: np.ndarray  # index into the day's visits
    number: np.ndarray
    users: np.ndarray
    pos: np.ndarray
    sku: np.ndarray
    qty: np.ndarray
    unit: np.ndarray | None = None  # line amounts in cents
    line_amount: np.ndarray | None = None
    second_half: np.ndarray | None = None
    discount_line: np.ndarray | None = None
    paid_line: np.ndarray | None = None
    cost_line: np.ndarray | None = None
    threshold_cut: np.ndarray | None = None  # order amounts in cents
    goods: np.ndarray | None = None
    discount: np.ndarray | None = None
    paid_amount: np.ndarray | None = None
    cost: np.ndarray | None = None
    commission: np.ndarray | None = None
    items: np.ndarray | None = None
    has_second_half: np.ndarray | None = None
    simple: np.ndarray | None = None  # has a 北欧/简约/日式 item
    paid: np.ndarray | None = None
    paid_t: np.ndarray | None = None
    status: np.ndarray | None = None  # 0 已支付, 1 已取消, 2 已退款
    gift: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.number)


class Checkout:
    """The shop's till: the catalogue on sale and the orders placed so far (numbers, gifts left)."""

    def __init__(self, skus: pd.DataFrame, commission_rate: float):
        self.commission_rate = commission_rate
        self.days, _, self.deal, self.on_sale = shop.price_matrix(skus)
        self.sku_ids = skus.sku_id.to_numpy()
        self.sku_products = skus.product_id.to_numpy()
        self.sku_cost = skus.cost_c.to_numpy().astype(np.int64)
        self.sku_weight = skus.weight.to_numpy().astype(float)
        role = skus.role.to_numpy()
        styles = {p["product_id"]: p["style"] for p in shop.PRODUCTS}
        self.sku_simple = np.array([styles[p] in SIMPLE_STYLES for p in self.sku_products])
        self.is_cheap = role == "引流款"
        self.is_image = role == "形象款"
        self.order_seq = 0
        self.gifts_left = shop.GIFT_LIMIT

    def place(self, day: Day, v: Visits, rng: np.random.Generator) -> Orders:
        """The orders of the day's visits ``v`` (in the simulation's random stream ``rng``)."""
        oi = np.flatnonzero(v.order)
        oi = oi[np.lexsort((v.session[oi], v.created[oi]))]
        number = self.order_seq + 1 + np.arange(len(oi))
        self.order_seq += len(oi)
        sale = day.in_campaign
        pos, sku, qty = model.draw_baskets(
            rng,
            v.vtype[oi],
            day.phase,
            self.deal[day.index],
            self.on_sale[day.index],
            self.sku_weight,
            self.is_cheap,
            self.is_image,
            v.planted[oi],
            shop.THRESHOLD_C if sale else None,
            sale,
        )
        o = Orders(visit=oi, number=number, users=v.users[oi], pos=pos, sku=sku, qty=qty)
        self._price(day, o)
        o.paid, o.paid_t = v.paid[oi], v.paid_t[oi]
        o.status = np.where(o.paid, np.where(rng.random(len(o)) < model.P_REFUND, 2, 0), 1)
        self._hand_out_gifts(day, o)
        return o

    def _price(self, day: Day, o: Orders) -> None:
        """The 618 rules in cents: 第二件半价 on its line, then 满399减50 shared over the lines."""
        n, pos = len(o), o.pos
        o.unit = self.deal[day.index][o.sku].astype(np.int64)
        o.line_amount = o.unit * o.qty
        o.second_half = model.second_half_c(o.unit, o.qty) if day.in_campaign else np.zeros(len(o.sku), np.int64)
        rest = o.line_amount - o.second_half
        qualifying = np.bincount(pos, weights=rest, minlength=n).astype(np.int64)
        over = day.in_campaign & (qualifying >= shop.THRESHOLD_C)
        o.threshold_cut = np.where(over, shop.THRESHOLD_CUT_C, 0).astype(np.int64)
        cut_lines = model.allocate_c(pos, rest, o.threshold_cut) if n else np.zeros(0, np.int64)
        o.discount_line = o.second_half + cut_lines
        o.paid_line = o.line_amount - o.discount_line
        o.cost_line = self.sku_cost[o.sku] * o.qty

        def per_order(weights):
            return np.bincount(pos, weights=weights, minlength=n)

        o.goods = per_order(o.line_amount).astype(np.int64)
        o.discount = per_order(o.discount_line).astype(np.int64)
        o.paid_amount = o.goods - o.discount
        o.cost = per_order(o.cost_line).astype(np.int64)
        o.commission = model.commission_c(o.paid_amount, self.commission_rate)
        o.items = per_order(o.qty).astype(np.int64)
        o.has_second_half = per_order(o.second_half > 0) > 0
        o.simple = per_order(self.sku_simple[o.sku]) > 0

    def _hand_out_gifts(self, day: Day, o: Orders) -> None:
        """The gift goes to the first paid campaign orders (by payment time) until none is left."""
        o.gift = np.zeros(len(o), dtype=bool)
        if day.in_campaign and self.gifts_left > 0:
            cand = np.flatnonzero(o.paid)
            cand = cand[np.lexsort((o.number[cand], o.paid_t[cand]))][: self.gifts_left]
            o.gift[cand] = True
            self.gifts_left -= len(cand)


def orders_frame(day: Day, v: Visits, o: Orders, phase: int) -> pd.DataFrame:
    """The day's ``orders`` rows as numbers (csvfiles formats them)."""
    n = len(o)
    promo = np.zeros(n, dtype=np.int8)
    if day.in_campaign:  # codes of csvfiles.PROMOTION_CODES
        promo = (o.threshold_cut > 0).astype(np.int8) + 2 * o.has_second_half.astype(np.int8)
    return pd.DataFrame(
        {
            "order_no": o.number,
            "user_no": o.users + 1,
            "session": v.session[o.visit],
            "created_at": to_datetime(v.created[o.visit]),
            "paid_at": pd.Series(np.where(o.paid, o.paid_t, 0)).astype("datetime64[s]").where(o.paid),
            "channel": v.channel[o.visit],
            "phase": np.full(n, phase, np.int8),
            "status": o.status,
            "item_count": o.items,
            "goods_amount": o.goods,
            "discount_amount": o.discount,
            "paid_amount": o.paid_amount,
            "cost_amount": o.cost,
            "commission": o.commission,
            "gift_cost": np.where(o.gift, shop.GIFT_COST_C, 0),
            "promo": promo,
            "gift": o.gift,
            "is_new_customer": v.is_new_customer[o.visit],
        }
    )


def order_items_frame(o: Orders) -> pd.DataFrame:
    """The day's ``order_items`` rows as numbers, lines numbered 1.. within each order."""
    line_no = np.arange(len(o.pos)) - np.searchsorted(o.pos, o.pos, side="left") + 1
    return pd.DataFrame(
        {
            "order_no": o.number[o.pos],
            "line_no": line_no,
            "sku": o.sku,
            "qty": o.qty,
            "unit_price": o.unit,
            "line_amount": o.line_amount,
            "discount_alloc": o.discount_line,
            "paid_line": o.paid_line,
            "cost": o.cost_line,
        }
    )
