"""The shop's own rules, checked table by table and across tables (part of ``datasets.schema``).

Per table (``check``): SKU status follows the stock alert level, list price ≥
deal price, campaign phases follow the calendar, the funnel flags of a visit are
consistent, an order's amounts add up (paid = goods − discount, commission =
paid × rate to the cent), a line's amounts add up, and a few more.  Across
tables (``cross_checks``): order lines add up to their order, every order has
its one ordering visit, and a visit is marked paid exactly when its order was.
The big tables arrive in chunks; what the cross checks need is accumulated as
integers.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .columns import cents, codes, id_ints
from .featured import MULTI, parse_draft
from .spec import AGE_BANDS, CALENDAR

_SUMS = {
    "goods": ("amt", "商品总额"),
    "disc": ("disc", "优惠总额（Σ discount_alloc）"),
    "cost": ("cost", "成本"),
    "items": ("qty", "件数"),
}  # orders column -> (order_items column, label)


def phase_by_date() -> dict[str, str]:
    """The campaign phase of every trading day (ISO date -> 日常 / 预热期 / 爆发期 / 返场期)."""
    start = dt.date.fromisoformat(CALENDAR["trading_start"])
    end = dt.date.fromisoformat(CALENDAR["trading_end"])
    out = {(start + dt.timedelta(days=i)).isoformat(): "日常" for i in range((end - start).days + 1)}
    for name, p in CALENDAR["campaign"]["phases"].items():
        d = dt.date.fromisoformat(p["start"])
        while d <= dt.date.fromisoformat(p["end"]):
            out[d.isoformat()] = name
            d += dt.timedelta(days=1)
    return out


def _joined(parts: dict[str, list]) -> dict[str, np.ndarray]:
    return {k: np.concatenate(v) if v else np.zeros(0, np.int64) for k, v in parts.items()}


class ShopRules:
    """Adds the problems it finds to ``problems`` (a list with ``add``)."""

    def __init__(self, problems, stock_alert_level: int, commission_rate: float):
        self.p, self.alert, self.rate = problems, stock_alert_level, commission_rate
        self.phase_of_date = phase_by_date()
        self.orders_acc = {k: [] for k in ("oid", "sid", "status", "paid", "goods", "disc", "cost", "items")}
        self.items_acc = {k: [] for k in ("oid", "line", "amt", "disc", "paid", "cost", "qty")}
        self.traffic_acc = {k: [] for k in ("sid", "oid", "paid")}

    def check(self, table: str, df: pd.DataFrame) -> None:
        """The rules of ``table`` on one chunk of it (tables without rules pass)."""
        rule = getattr(self, f"rule_{table}", None)
        if rule is not None:
            rule(df)

    def rule_skus(self, df: pd.DataFrame) -> None:
        stock = df.stock.astype(int)
        low = stock < self.alert
        off = df.status == "已下架"
        bad = low != off
        if bad.any():
            self.p.add(
                f"skus：库存低于预警线 {self.alert} 必须为“已下架”，其余为“在售”；"
                f"不符合的 SKU：{df.sku_id[bad].tolist()[:5]}。"
            )
        bad = off & (df.delisted_date == "")
        if bad.any():
            self.p.add("skus：已下架的 SKU 必须有下架日期 delisted_date。")

    def rule_price_history(self, df: pd.DataFrame) -> None:
        bad = cents(df.list_price) < cents(df.deal_price)
        if bad.any():
            self.p.add("price_history：划线价 list_price 不能低于成交价 deal_price。")

    def rule_campaign_phases(self, df: pd.DataFrame) -> None:
        ph = CALENDAR["campaign"]["phases"]
        for r in df.itertuples():
            exp = ph.get(r.phase)
            if not exp or (r.start_date, r.end_date, int(r.days)) != (exp["start"], exp["end"], exp["days"]):
                self.p.add(f"campaign_phases：{r.phase} 的日期与日历不一致。")

    def _phase_check(self, table: str, df: pd.DataFrame) -> None:
        exp = df.date.map(self.phase_of_date)
        bad = exp != df.phase
        if bad.any():
            self.p.add(
                f"{table}：日期 {df.date[bad].iloc[0]} 的活动阶段应为 {exp[bad].iloc[0]}，"
                f"文件中为 {df.phase[bad].iloc[0]}。"
            )

    def rule_traffic(self, df: pd.DataFrame) -> None:
        self._phase_check("traffic", df)
        cart, order, paid = (df[c] == "True" for c in ("added_to_cart", "ordered", "paid"))
        if (order & ~cart).any() or (paid & ~order).any():
            self.p.add("traffic：漏斗标记不一致（下单必须先加购，支付必须先下单）。")
        if ((df.order_id != "") != order).any():
            self.p.add("traffic：ordered 为 True 的访问才有订单编号 order_id。")
        if (codes(df.start_time, 19)[:, :10] != codes(df.date, 10)[:, :10]).any():
            self.p.add("traffic：date 必须等于 start_time 的日期。")
        bounce = df.pages_viewed.astype(int) == 1
        if (bounce & cart).any():
            self.p.add("traffic：只看了 1 页（跳失）的访问不能加购。")
        o = order.to_numpy()
        self.traffic_acc["sid"].append(id_ints(df.session_id[order], "session_id")[1])
        self.traffic_acc["oid"].append(id_ints(df.order_id[order], "order_id")[1])
        self.traffic_acc["paid"].append(paid.to_numpy()[o])

    def rule_orders(self, df: pd.DataFrame) -> None:
        self._phase_check("orders", df)
        amounts = ("goods_amount", "discount_amount", "paid_amount", "cost_amount", "commission")
        goods, disc, paid, cost, comm = (cents(df[c]) for c in amounts)
        if (paid != goods - disc).any():
            self.p.add("orders：实付金额必须等于 商品总额 − 优惠总额（精确到分）。")
        bp = int(round(self.rate * 10000))
        if (comm != (paid * bp + 5000) // 10000).any():
            self.p.add(f"orders：平台佣金必须等于 实付金额 × {self.rate}（四舍五入到分）。")
        has_paid = df.paid_at != ""
        self._order_times_and_extras(df, has_paid)
        a = self.orders_acc
        a["oid"].append(id_ints(df.order_id, "order_id")[1])
        a["sid"].append(id_ints(df.session_id, "session_id")[1])
        a["status"].append(df.status.to_numpy(dtype=object))
        a["paid"].append(has_paid.to_numpy())
        a["goods"].append(goods)
        a["disc"].append(disc)
        a["cost"].append(cost)
        a["items"].append(df.item_count.astype(np.int64).to_numpy())

    def _order_times_and_extras(self, df: pd.DataFrame, has_paid: pd.Series) -> None:
        if ((df.status == "已取消") == has_paid).any():
            self.p.add("orders：已取消的订单没有支付时间，已支付/已退款的订单必须有支付时间。")
        if (codes(df.created_at, 19)[:, :10] != codes(df.date, 10)[:, :10]).any():
            self.p.add("orders：date 必须等于 created_at 的日期。")
        if ((df.paid_at != "") & (df.paid_at < df.created_at)).any():
            self.p.add("orders：支付时间不能早于下单时间。")
        daily = df.phase == "日常"
        if ((df.promotions != "") & daily).any() or ((df.gift != "") & daily).any():
            self.p.add("orders：日常阶段的订单不能使用 618 优惠或赠品。")
        if ((df.gift != "") != (cents(df.gift_cost) > 0)).any():
            self.p.add("orders：有赠品的订单 gift_cost 必须大于 0，没有赠品为 0。")

    def rule_order_items(self, df: pd.DataFrame) -> None:
        qty = df.qty.astype(np.int64).to_numpy()
        unit, amt, disc, paid, cost = (
            cents(df[c]) for c in ("unit_price", "line_amount", "discount_alloc", "paid_line", "cost")
        )
        if (amt != unit * qty).any():
            self.p.add("order_items：行金额必须等于 单价 × 数量。")
        if (paid != amt - disc).any():
            self.p.add("order_items：本行实付必须等于 行金额 − 分摊优惠。")
        if (paid < 0).any():
            self.p.add("order_items：本行实付不能为负。")
        a = self.items_acc
        a["oid"].append(id_ints(df.order_id, "order_id")[1])
        a["line"].append(df.line_no.astype(np.int64).to_numpy())
        for key, values in (("amt", amt), ("disc", disc), ("paid", paid), ("cost", cost), ("qty", qty)):
            a[key].append(values)

    def rule_customers(self, df: pd.DataFrame) -> None:
        bad = df.first_order_date < df.first_visit_date
        if bad.any():
            self.p.add("customers：首次下单日期不能早于首次进店日期。")

    def rule_ad_spend(self, df: pd.DataFrame) -> None:
        clicks, imp = df.clicks.astype(np.int64), df.impressions.astype(np.int64)
        if (clicks > imp).any():
            self.p.add("ad_spend：点击次数不能多于展现次数。")

    def rule_featured_products(self, df: pd.DataFrame) -> None:
        allowed = {"persona_age_bands": AGE_BANDS, "persona_genders": ["女", "男", "不限"]}
        for col, ok in allowed.items():
            for v in df[col]:
                bad = [x for x in v.split(MULTI) if x not in ok]
                if bad:
                    self.p.add(f"featured_products.{col}：取值 {bad[0]!r} 不在允许范围 {ok} 内（多个值用 | 分隔）。")
        for r in df.itertuples():
            if not parse_draft(r.sku_options_draft):
                self.p.add(
                    f"featured_products.sku_options_draft：{r.product_id} 的 SKU 选项应写成"
                    "“颜色：白色/原木色；尺寸：60cm/80cm”。"
                )

    def rule_pain_points(self, df: pd.DataFrame) -> None:
        bad = df.signal_words.map(lambda v: not all(w.strip() for w in v.split(MULTI)))
        if bad.any():
            self.p.add(f"pain_points.signal_words：{df.product_id[bad].iloc[0]} 有空的信号词（多个词用 | 分隔）。")

    def rule_messages(self, df: pd.DataFrame) -> None:
        end = CALENDAR["trading_end"] + " 23:59:59"
        if (df.sent_at > end).any():
            self.p.add("messages：发送时间不能晚于交易期结束。")

    # -- across tables ----------------------------------------------------------------------------

    def cross_checks(self) -> None:
        o, it = _joined(self.orders_acc), _joined(self.items_acc)
        if len(o["oid"]) == 0:
            return
        self._lines_add_up(o, it)
        self._orders_match_visits(o, _joined(self.traffic_acc))

    def _lines_add_up(self, o: dict, it: dict) -> None:
        size = int(max(o["oid"].max(), it["oid"].max() if len(it["oid"]) else 0)) + 1
        for key, (col, label) in _SUMS.items():
            s = np.bincount(it["oid"], weights=it[col], minlength=size)
            if not np.array_equal(np.rint(s[o["oid"]]).astype(np.int64), o[key]):
                self.p.add(f"order_items 各行之和与 orders 的{label}不一致。")
        if (np.bincount(it["oid"], minlength=size)[o["oid"]] == 0).any():
            self.p.add("orders：有订单没有任何明细行。")
        srt = np.lexsort((it["line"], it["oid"]))  # line numbers 1..k within each order
        oid, line = it["oid"][srt], it["line"][srt]
        first = np.searchsorted(oid, oid, side="left")
        if not np.array_equal(line, np.arange(len(oid)) - first + 1):
            self.p.add("order_items：每个订单的行号 line_no 应为 1、2、3……连续编号。")

    def _orders_match_visits(self, o: dict, t: dict) -> None:
        a = np.lexsort((o["sid"], o["oid"]))
        b = np.lexsort((t["sid"], t["oid"]))
        same = (
            len(a) == len(b) and np.array_equal(o["oid"][a], t["oid"][b]) and np.array_equal(o["sid"][a], t["sid"][b])
        )
        if not same:
            self.p.add(
                "traffic 与 orders 不一致：每个订单必须对应一次 ordered=True 的访问（session_id、order_id 相互对应）。"
            )
        elif not np.array_equal(o["paid"][a], t["paid"][b].astype(bool)):
            self.p.add("traffic.paid 与订单是否支付（orders.paid_at）不一致。")
