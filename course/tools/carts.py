"""典型购物车与让利核算 · The carts of 模块二 练习02: what a campaign's discounts cost.

Built around the featured product (``course.featured``, ``featured.product_id``):

* :func:`companion` — the product of another sub-category bought most often
  together with the featured one before the campaign (关联购买, from the orders);
* :func:`typical_carts` — the six typical carts A-F of the featured product and
  its companion, with their share of orders (settings ``cart_shares``);
* :func:`price_table` — 商品金额, 优惠金额, 实付金额 of each cart under a rule set
  (the operator works out 优惠力度);
* :func:`all_carts` — every cart of 1..``deepest_max_skus`` SKUs on sale at the
  campaign start, 1..``deepest_max_qty`` units each, priced (for finding the deepest discount);
* :func:`ad_rate` and :func:`cost_table` — the costs of each typical cart: 商品成本,
  赠品成本, 平台佣金, 广告费 (the operator works out 活动毛利率 and 净利率);
* :func:`blended_rates` — 活动毛利率 and 净利率 of the whole campaign (order-share
  weighted) under any rules: what the 规则调整 form shows while a student tries parameters.

The course's definitions (one each, course/resources/glossary.md):
活动毛利率 = (实付金额 − 商品成本) ÷ 实付金额, the 毛利率 at the campaign's 到手价;
净利率 = (实付金额 − 商品成本 − 赠品成本 − 平台佣金 − 广告费) ÷ 实付金额.

>>> t = typical_carts("P001")
>>> sorted(t["购物车"].unique())[:2]
['A 单买床头柜（40cm宽）', 'B 床头柜（48cm宽）×2']
"""

from __future__ import annotations

import itertools
from functools import lru_cache
from typing import Any

from ..messages import CourseError
from .campaign import campaign_window, shop_rules
from .monitor import _frame
from .promotion import RuleSet

#: the cart templates: (letter, [(which product, which spec, qty)]), shares in settings.cart_shares
TEMPLATES = (
    ("A", [("主推", "小", 1)]),
    ("B", [("主推", "大", 2)]),
    ("C", [("搭配", "小", 1)]),
    ("D", [("主推", "大", 2), ("搭配", "大", 1)]),
    ("E", [("主推", "大", 1), ("搭配", "小", 1)]),
    ("F", [("主推", "小", 1), ("搭配", "小", 2)]),
)
COST_COLUMNS = ["购物车", "订单占比", "实付金额", "商品成本", "赠品成本", "平台佣金", "广告费"]


def _setting(name: str):
    from .. import settings

    return settings.threshold("campaign", name)


def _data(name: str):
    from .. import data

    return data.load(name)


# -- the featured product, its specs and its companion ---------------------------


def _product_id(product: Any) -> str:
    if product is None:
        from .. import featured

        return featured.product().id
    return str(getattr(product, "id", product))


def on_sale(skus, day: Any):
    """The SKUs on sale on ``day``: listed by then and not delisted on or before it."""
    import pandas as pd

    s = _frame(skus, "skus", ["sku_id", "listed_date", "delisted_date"])
    d = pd.Timestamp(day).normalize()
    return s[(s["listed_date"] <= d) & (s["delisted_date"].isna() | (s["delisted_date"] > d))]


def specs(product_id: str) -> tuple[str, str]:
    """(small, large) SKU of a product: the first SKU on sale at the campaign start of its
    cheapest and of its dearest spec (by 618 活动价)."""
    skus = on_sale(_data("skus"), campaign_window()[0])
    mine = skus[skus["product_id"] == product_id]
    if mine.empty:
        raise CourseError(f"商品 {product_id} 在活动开始时没有在售的 SKU，不能用来组成典型购物车。")
    by_size = mine.groupby("size", sort=False).agg(price=("campaign_price", "max"), sku=("sku_id", "first"))
    by_size = by_size.sort_values("price", kind="stable")
    return str(by_size["sku"].iloc[0]), str(by_size["sku"].iloc[-1])


def companion(product: Any = None) -> str:
    """The product of another sub-category most often in the same order as ``product``
    before the campaign (ties: the smaller product id)."""
    pid = _product_id(product)
    return _companion(pid, str(campaign_window()[0].date()))


@lru_cache(maxsize=8)
def _companion(pid: str, before: str) -> str:
    import pandas as pd

    products = _data("products").set_index("product_id")
    items = _data("order_items").merge(_data("orders")[["order_id", "date", "paid_at"]], on="order_id")
    items = items[(items["date"] < pd.Timestamp(before)) & items["paid_at"].notna()]
    mine = set(items.loc[items["product_id"] == pid, "order_id"])
    other = items[items["order_id"].isin(mine) & (items["product_id"] != pid)]
    other = other[other["product_id"].map(products["sub_category"]) != products.loc[pid, "sub_category"]]
    counts = other.groupby("product_id")["order_id"].nunique()
    if counts.empty:
        raise CourseError(f"活动前没有和商品 {pid} 一起购买的其他类目商品，无法组成搭配购物车。")
    return str(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0])


def cart_shares():
    """The typical carts' shares of orders (settings ``cart_shares``), checked: A-F, numbers ≥ 0, sum 1."""
    import pandas as pd

    raw = _setting("cart_shares") or {}
    letters = [t[0] for t in TEMPLATES]
    bad = [k for k in letters if not isinstance(raw.get(k), (int, float)) or isinstance(raw.get(k), bool) or raw[k] < 0]
    extra = sorted(set(map(str, raw)) - set(letters))
    if bad or extra or abs(sum(float(raw[k]) for k in letters if k not in bad) - 1) > 1e-6:
        raise CourseError(
            "设置文件 course/settings.yaml 的 campaign.cart_shares 应为 A-F 六种购物车的订单占比"
            f"（0-1 的小数，合计为 1），现在是 {raw}。"
        )
    return pd.Series({k: float(raw[k]) for k in letters}, name="订单占比")


def typical_carts(product: Any = None):
    """The six typical carts of the featured product (or ``product``) and its companion.

    One row per cart line: 购物车 (a name such as 「B 床头柜（48cm宽）×2」), 订单占比,
    sku_id, 商品, 规格, qty.
    """
    import pandas as pd

    pid = _product_id(product)
    mate = companion(pid)
    products = _data("products").set_index("product_id")
    skus = _data("skus").set_index("sku_id")
    pick = {"主推": dict(zip("小大", specs(pid))), "搭配": dict(zip("小大", specs(mate)))}
    shares = cart_shares()
    rows = []
    for letter, lines in TEMPLATES:
        parts = []
        for who, size, qty in lines:
            sku = pick[who][size]
            parts.append(
                f"{products.loc[skus.loc[sku, 'product_id'], 'sub_category']}（{skus.loc[sku, 'size']}）"
                + (f"×{qty}" if qty > 1 else "")
            )
        name = f"{letter} " + ("单买" + parts[0] if len(lines) == 1 and lines[0][2] == 1 else "+".join(parts))
        for who, size, qty in lines:
            sku = pick[who][size]
            rows.append(
                {
                    "购物车": name,
                    "订单占比": shares[letter],
                    "sku_id": sku,
                    "商品": products.loc[skus.loc[sku, "product_id"], "product_name"],
                    "规格": skus.loc[sku, "size"],
                    "qty": qty,
                }
            )
    return pd.DataFrame(rows)


# -- pricing carts ---------------------------------------------------------------


def _cart_lines(rows, skus, price: str) -> list[dict]:
    return [
        {
            "sku_id": r.sku_id,
            "unit_price": float(skus.loc[r.sku_id, price]),
            "qty": int(r.qty),
            "cost": float(skus.loc[r.sku_id, "cost"]),
        }
        for r in rows.itertuples(index=False)
    ]


def _price_column(skus, price: Any) -> str:
    options = [c for c in ("daily_price", "campaign_price") if c in skus.columns]
    if price not in options:
        raise CourseError(f"price 应是 skus 表的一个价格列：{'、'.join(options)}（加引号），现在是 {price!r}。")
    return price


def price_table(carts, rules: RuleSet, skus, price: str = "campaign_price"):
    """Each cart priced under ``rules`` with the unit prices of column ``price``:
    购物车, 订单占比, 商品金额, 优惠金额, 实付金额 (yuan, to the cent), sorted by 购物车."""
    import pandas as pd

    c = _frame(carts, "典型购物车表", ["购物车", "sku_id", "qty"])
    s = _frame(skus, "skus", ["sku_id", "cost"]).set_index("sku_id")
    col = _price_column(s, price)
    _rules(rules)
    out = []
    for name, rows in c.groupby("购物车", sort=True):
        q = rules.price(_cart_lines(rows, s, col))
        row = {
            "购物车": name,
            "商品金额": float(q.goods_amount),
            "优惠金额": float(q.discount_amount),
            "实付金额": float(q.paid_amount),
        }
        if "订单占比" in rows.columns:
            row = {
                "购物车": name,
                "订单占比": float(rows["订单占比"].iloc[0]),
                **{k: v for k, v in row.items() if k != "购物车"},
            }
        out.append(row)
    return pd.DataFrame(out)


def _rules(rules) -> RuleSet:
    if not isinstance(rules, RuleSet):
        raise CourseError(
            f"rules 应是一套促销规则（如 rules_618），现在是 {type(rules).__name__}：请先运行上面读取规则的单元格。"
        )
    return rules


def all_carts(rules: RuleSet, skus, *, max_skus: int | None = None, max_qty: int | None = None):
    """Every cart of 1..``max_skus`` different SKUs on sale at the campaign start,
    1..``max_qty`` units each, priced at 618 活动价 under ``rules``.

    Columns: 购物车 (「P001-S02×2 + P004-S01×1」), SKU数, 件数, 商品金额, 优惠金额, 实付金额,
    优惠力度 (= 优惠金额 ÷ 商品金额, 4 decimals).  Unsorted: finding the deepest is the
    operator's step.
    """
    import pandas as pd

    _rules(rules)
    k = int(_setting("deepest_max_skus") if max_skus is None else max_skus)
    n = int(_setting("deepest_max_qty") if max_qty is None else max_qty)
    if not (1 <= k <= 3 and 1 <= n <= 3):
        raise CourseError("为了几秒内算完，购物车最多 3 种 SKU、每种最多 3 件。")
    s = on_sale(
        _frame(skus, "skus", ["sku_id", "campaign_price", "listed_date", "delisted_date"]), campaign_window()[0]
    )
    price = {str(a): float(p) for a, p in zip(s["sku_id"], s["campaign_price"])}
    ids = sorted(price)
    rows = []
    for size in range(1, k + 1):
        for combo in itertools.combinations(ids, size):
            for qtys in itertools.product(range(1, n + 1), repeat=size):
                q = rules.price([{"sku_id": a, "unit_price": price[a], "qty": m} for a, m in zip(combo, qtys)])
                rows.append(
                    {
                        "购物车": " + ".join(f"{a}×{m}" for a, m in zip(combo, qtys)),
                        "SKU数": size,
                        "件数": sum(qtys),
                        "商品金额": float(q.goods_amount),
                        "优惠金额": float(q.discount_amount),
                        "实付金额": float(q.paid_amount),
                        "优惠力度": float(q.depth),
                    }
                )
    return pd.DataFrame(rows)


# -- costs and margins -------------------------------------------------------------


def ad_rate(ad_spend, orders, start: Any, end: Any) -> float:
    """推广费率 = ad spend ÷ 实付金额 of the *paid* orders over a window (0-1).

    Ads are charged to each order in proportion to what it pays, not as a fixed
    amount per order (a cheap order would then always lose money).
    """
    import pandas as pd

    a = _frame(ad_spend, "ad_spend", ["date", "spend"])
    o = _frame(orders, "orders", ["date", "status", "paid_amount"])
    d0, d1 = pd.Timestamp(start), pd.Timestamp(end)
    spend = a[(a["date"] >= d0) & (a["date"] <= d1)]["spend"].sum()
    paid = o[(o["date"] >= d0) & (o["date"] <= d1) & (o["status"] == "已支付")]["paid_amount"].sum()
    if paid <= 0:
        raise CourseError(f"{d0.date()} 至 {d1.date()} 没有已支付的订单，算不出推广费率。")
    return float(spend / paid)


def cost_table(carts, rules: RuleSet, skus, *, ad_rate: float, commission_rate: float | None = None):
    """The costs of each cart under ``rules`` at 618 活动价 (yuan, to the cent):
    购物车, 订单占比, 实付金额, 商品成本, 赠品成本 (the gift counted on every order, a
    cautious estimate), 平台佣金 (实付 × rate, to the cent), 广告费 (实付 × ``ad_rate``)."""
    import pandas as pd

    c = _frame(carts, "典型购物车表", ["购物车", "sku_id", "qty"])
    s = _frame(skus, "skus", ["sku_id", "cost", "campaign_price"]).set_index("sku_id")
    _rules(rules)
    if ad_rate is None or not isinstance(ad_rate, (int, float)) or not 0 <= ad_rate < 1:
        raise CourseError(f"推广费率 ad_rate 应是 0-1 的小数，现在是 {ad_rate!r}：请先运行上面算推广费率的单元格。")
    out = []
    for name, rows in c.groupby("购物车", sort=True):
        q = rules.price(_cart_lines(rows, s, "campaign_price"))
        m = q.costs(commission_rate=commission_rate, ad_cost=round(float(q.paid_amount) * ad_rate, 2))
        out.append(
            {
                "购物车": name,
                "订单占比": float(rows["订单占比"].iloc[0]) if "订单占比" in rows else None,
                "实付金额": float(m["实付金额"]),
                "商品成本": float(m["商品成本"]),
                "赠品成本": float(m["赠品成本"]),
                "平台佣金": float(m["平台佣金"]),
                "广告费": float(m["广告费"]),
            }
        )
    return pd.DataFrame(out, columns=COST_COLUMNS)


def campaign_ad_rate() -> float:
    """The 推广费率 of the baseline window (the ``baseline_days`` days before the campaign)."""
    from .forecast import baseline_window

    lo, hi = baseline_window()
    return ad_rate(_data("ad_spend"), _data("orders"), lo, hi)


def blended_rates(rules: RuleSet | list | None = None, product: Any = None) -> dict:
    """活动毛利率 and 净利率 of the whole campaign under ``rules`` (the shop's by default):
    the typical carts weighted by their share of orders, Σ(占比 × 毛利) ÷ Σ(占比 × 实付),
    not the plain average of the carts' rates."""
    rs = rules if isinstance(rules, RuleSet) else (shop_rules() if rules is None else RuleSet.from_dicts(rules))
    t = cost_table(typical_carts(product), rs, _data("skus"), ad_rate=campaign_ad_rate())
    w = t["订单占比"]
    paid = float((w * t["实付金额"]).sum())
    gross = float((w * (t["实付金额"] - t["商品成本"])).sum())
    net = gross - float((w * (t["赠品成本"] + t["平台佣金"] + t["广告费"])).sum())
    discounts = price_table(typical_carts(product), rs, _data("skus"))["优惠金额"]
    return {
        "活动毛利率": round(gross / paid, 4),
        "净利率": round(net / paid, 4),
        "加权优惠金额": round(float((w * discounts).sum()), 2),
    }
