"""Carts and priced orders of the promotion engine (``course.tools.promotion``).

A cart is a list of lines (a SKU, its unit price, a quantity, optionally its
cost); a ``Quote`` is a priced cart: every line's share of the discounts in
whole cents, what the order pays, its gifts and the notes on rules that did
not apply, with the refund of a returned unit and the costs of the order.

>>> make_cart([{"sku_id": "P001-S02", "unit_price": 229, "qty": 2}])[0].unit_price
Decimal('229.00')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .promotion_values import ZERO, RuleError, money, round_money, whole_number

# -- carts -----------------------------------------------------------------------


@dataclass(frozen=True)
class CartLine:
    """One line of a cart: a SKU, its unit price (活动价) and quantity; cost is optional."""

    sku_id: str
    unit_price: Decimal
    qty: int
    name: str = ""
    cost: Decimal | None = None  # cost of ONE unit


_LINE_KEYS = {
    "sku_id": ("sku_id", "sku", "SKU", "商品编号", "SKU编号"),
    "unit_price": ("unit_price", "price", "campaign_price", "单价", "活动价"),
    "qty": ("qty", "quantity", "数量", "件数"),
    "name": ("name", "product_name", "商品", "商品名称"),
    "cost": ("cost", "unit_cost", "成本", "单件成本"),
}


def _pick(row: dict, key: str):
    for k in _LINE_KEYS[key]:
        if k in row and row[k] is not None and not (isinstance(row[k], float) and row[k] != row[k]):
            return row[k]
    return None


def make_cart(items: Any) -> list[CartLine]:
    """A cart from CartLines, dicts or a DataFrame (columns sku_id, unit_price, qty[, name, cost]).

    Lines of the same SKU are kept apart (a buyer may add it twice); the engine
    treats each line on its own for 第N件折扣 and 阶梯价, so merge them first if
    they should count together.
    """
    try:
        import pandas as pd

        if isinstance(items, pd.DataFrame):
            items = items.to_dict("records")
    except ImportError:  # pragma: no cover
        pass
    if items is None:
        raise RuleError("购物车是空的（None），请至少放入一件商品。")
    if isinstance(items, (CartLine, dict)):
        items = [items]
    lines, problems = [], []
    for i, it in enumerate(items, 1):
        if isinstance(it, CartLine):
            lines.append(it)
            continue
        if not isinstance(it, dict):
            problems.append(f"购物车第 {i} 行：应是字典，如 {{'sku_id': 'P001-S01', 'unit_price': 179, 'qty': 1}}。")
            continue
        try:
            sku = _pick(it, "sku_id")
            name = _pick(it, "name")
            price = money(_pick(it, "unit_price"), f"购物车第 {i} 行单价")
            if price <= 0:
                raise RuleError(f"购物车第 {i} 行单价：必须大于 0 元，现在是 {price}。")
            qty = whole_number(_pick(it, "qty"), f"购物车第 {i} 行数量", 1)
            c = _pick(it, "cost")
            cost = None if c is None else money(c, f"购物车第 {i} 行成本")
            if cost is not None and cost < 0:
                raise RuleError(f"购物车第 {i} 行成本：不能是负数。")
            lines.append(
                CartLine(
                    str(sku if sku is not None else f"行{i}"), price, qty, str(name) if name is not None else "", cost
                )
            )
        except RuleError as exc:
            problems.extend(exc.problems)
    if problems:
        raise RuleError(problems)
    if not lines:
        raise RuleError("购物车是空的，请至少放入一件商品。")
    return lines


# -- results ---------------------------------------------------------------------


@dataclass
class PricedLine:
    line_no: int
    sku_id: str
    name: str
    qty: int
    unit_price: Decimal
    goods: Decimal  # 行金额 = 单价 × 数量
    discounts: dict  # rule label -> discount on this line
    discount: Decimal  # 分摊到本行的优惠合计 (discount_alloc)
    paid: Decimal  # 本行实付 (paid_line)
    unit_paid: list  # what each unit pays, in order
    cost: Decimal | None  # 本行成本 = 单件成本 × 数量


@dataclass
class Quote:
    """A priced cart.  All amounts are Decimal to 0.01 and never negative."""

    lines: list
    goods_amount: Decimal
    discount_amount: Decimal
    paid_amount: Decimal
    gifts: list = field(default_factory=list)
    applied: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    option: str = "叠加"

    @property
    def depth(self) -> Decimal:
        """优惠力度 = 优惠金额 ÷ 商品金额 (0 to 1, 4 decimals)."""
        if self.goods_amount == 0:
            return Decimal("0")
        return (self.discount_amount / self.goods_amount).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)

    @property
    def cost_amount(self) -> Decimal | None:
        if any(line.cost is None for line in self.lines):
            return None
        return sum((line.cost for line in self.lines), ZERO)

    @property
    def gift_cost(self) -> Decimal:
        return sum((g["cost"] for g in self.gifts), ZERO)

    def refund(self, line_no: int, qty: int, already_returned: int = 0) -> Decimal:
        """Refund for returning ``qty`` units of line ``line_no`` (1-based), after
        ``already_returned`` units of that line came back earlier.

        A line's refund is its allocated paid amount, shared evenly over its units
        in whole cents; returning every unit refunds exactly ``paid`` of the line.
        """
        line = next((item for item in self.lines if item.line_no == line_no), None)
        if line is None:
            raise RuleError(f"订单中没有第 {line_no} 行（共 {len(self.lines)} 行）。")
        qty = whole_number(qty, "退货数量", 1)
        already = whole_number(already_returned, "已退数量", 0) if already_returned else 0
        if already + qty > line.qty:
            raise RuleError(f"第 {line_no} 行只买了 {line.qty} 件，已退 {already} 件，不能再退 {qty} 件。")

        def upto(k: int) -> Decimal:
            return round_money(line.paid * k / line.qty)

        return upto(already + qty) - upto(already)

    def costs(self, commission_rate: float | Decimal | None = None, ad_cost: Any = 0) -> dict:
        """What this order costs the shop, as Decimal amounts: 实付金额, 商品成本, 赠品成本,
        平台佣金 (实付 × ``commission_rate``, to the cent, as the platform charges it;
        default: the setting thresholds.campaign.commission_rate) and 广告费 (``ad_cost``).

        The rates are the operator's to work out (module 2, 练习02):
        活动毛利率 = (实付 − 商品成本) ÷ 实付; 净利率 = (实付 − all four costs) ÷ 实付.
        """
        if self.cost_amount is None:
            raise RuleError("购物车里有商品没有填写成本（cost），无法核算成本。")
        if commission_rate is None:
            from .. import settings

            commission_rate = settings.threshold("campaign", "commission_rate")
        r = Decimal(str(commission_rate))
        if not (0 <= r < 1):
            raise RuleError(f"佣金率应在 0 到 1 之间（5% 写 0.05），现在是 {commission_rate}。")
        ad = money(ad_cost, "分摊广告费")
        if ad < 0:
            raise RuleError("分摊广告费不能是负数。")
        return {
            "实付金额": self.paid_amount,
            "商品成本": self.cost_amount,
            "赠品成本": self.gift_cost,
            "平台佣金": round_money(self.paid_amount * r),
            "广告费": ad,
        }

    def table(self):
        """The lines as a DataFrame (Chinese column names, floats to 0.01)."""
        import pandas as pd

        rows = [
            {
                "行号": line.line_no,
                "SKU": line.sku_id,
                "商品": line.name,
                "数量": line.qty,
                "单价": float(line.unit_price),
                "行金额": float(line.goods),
                "分摊优惠": float(line.discount),
                "本行实付": float(line.paid),
                "本行成本": None if line.cost is None else float(line.cost),
            }
            for line in self.lines
        ]
        return pd.DataFrame(rows)

    def summary(self) -> dict:
        """Plain numbers (floats) for a results table."""
        return {
            "商品金额": float(self.goods_amount),
            "优惠金额": float(self.discount_amount),
            "实付金额": float(self.paid_amount),
            "优惠力度": float(self.depth),
            "赠品": "、".join(g["gift"] for g in self.gifts),
            "使用的优惠": "|".join(self.applied),
        }

    def __str__(self) -> str:
        out = [
            f"商品金额 {self.goods_amount} 元，优惠 {self.discount_amount} 元，实付 {self.paid_amount} 元"
            f"（优惠力度 {self.depth * 100:.1f}%）"
        ]
        for line in self.lines:
            out.append(
                f"  {line.line_no}. {line.name or line.sku_id} × {line.qty}：行金额 {line.goods}，分摊优惠 "
                f"{line.discount}，实付 {line.paid}"
            )
        if self.gifts:
            out.append("  赠品：" + "、".join(g["gift"] for g in self.gifts))
        if self.applied:
            out.append("  使用的优惠：" + " → ".join(self.applied))
        for n in self.notes:
            out.append(f"  说明：{n}")
        return "\n".join(out)

    def _repr_pretty_(self, p, cycle):  # pragma: no cover - IPython display
        p.text(str(self))

    @classmethod
    def from_units(
        cls, lines: list[CartLine], units: list, discounts: list[dict], applied: list[str], notes: list[str]
    ) -> Quote:
        """The quote of ``lines`` whose units pay ``units`` (``discounts``: per line, rule label -> amount)."""
        priced = []
        for i, (line, us) in enumerate(zip(lines, units), 1):
            goods = line.unit_price * line.qty
            paid = sum(us, ZERO)
            priced.append(
                PricedLine(
                    i,
                    line.sku_id,
                    line.name,
                    line.qty,
                    line.unit_price,
                    goods,
                    discounts[i - 1],
                    goods - paid,
                    paid,
                    us,
                    None if line.cost is None else line.cost * line.qty,
                )
            )
        goods_amount = sum((p.goods for p in priced), ZERO)
        paid_amount = sum((p.paid for p in priced), ZERO)
        if paid_amount == 0 and goods_amount > 0:
            notes.append("优惠已把实付减到 0 元：规则让利过深，请检查折扣与满减设置。")
        return cls(priced, goods_amount, goods_amount - paid_amount, paid_amount, [], applied, notes)
