"""促销计价引擎 · The promotion engine: price any cart under a rule set.

What a shop back office does when a buyer checks out during a campaign, with
the rules of 模块二 (满减, 第N件折扣, 前N名赠品, 限时折扣, 阶梯价):

* money is ``Decimal`` rounded half-up to 0.01 元 at every step; no price is
  ever negative or a fraction of a cent;
* a documented stacking order (叠加顺序), by default::

      1. 限时折扣   every unit's price × rate, when the order time is inside the window
      2. 阶梯价     a line (one SKU) with qty >= a tier's quantity: every unit × that tier's rate
      3. 第N件折扣  within one line, the N-th unit (or, with ``repeat``, every N-th) × rate
      4. 满减       order level, on the amount after steps 1-3; the highest tier reached
                    (or, with ``repeat``, 每满 threshold 减 amount); shared out to the lines
                    in proportion to their amounts
      5. 前N名赠品  no effect on price: the first N paying buyers get the gift
                    (while gift stock lasts); its cost counts in the margin

  This is the order the course's shop uses (活动价 → 第二件半价 → 满399减50 → 赠品):
  item discounts first, then the threshold on what the buyer really pays.
  A rule set may use another order (``RuleSet(order=...)``).
* whether rules stack (叠加): every rule has ``stack``.  All stackable rules are
  applied together in the stacking order; a rule with ``stack=False`` (不与其他优惠
  同享) is an alternative on its own, and the buyer gets whichever option is
  cheapest for them (平台自动择优).  Gifts never change the price.
* every discount is allocated to the lines (``discount_alloc``/``paid``), so a
  return is refunded per line (:meth:`Quote.refund`).

Rounding: a discounted unit price is ``round_half_up(unit × rate, 0.01)``; an
order-level amount is shared out in whole cents by the largest-remainder method
(lines first, then the units of each line), so the parts always add up exactly.

>>> rules = RuleSet.from_dicts([
...     {"type": "第N件折扣", "n": 2, "discount": 0.5},
...     {"type": "满减", "threshold": 399, "amount": 50},
...     {"type": "赠品", "limit": 100, "gift": "定制收纳盒", "gift_cost": 8}])
>>> q = rules.price([{"sku_id": "P001-S02", "unit_price": 229, "qty": 2, "cost": 118},
...                  {"sku_id": "P004-S01", "unit_price": 49.9, "qty": 2, "cost": 22}])
>>> q.goods_amount, q.discount_amount, q.paid_amount
(Decimal('557.80'), Decimal('189.45'), Decimal('368.35'))
>>> [str(l.paid) for l in q.lines]
['302.45', '65.90']
>>> q.refund(1, 1), q.refund(1, 1, already_returned=1)
(Decimal('151.23'), Decimal('151.22'))
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Iterable

from ..dates import parse_datetime
from ..messages import CourseError
from ..money import yuan

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: rule types, as the form, the what-if simulation and the public text name them
FULL_REDUCTION = "满减"
NTH_DISCOUNT = "第N件折扣"
GIFT = "前N名赠品"
TIME_DISCOUNT = "限时折扣"
TIER_PRICE = "阶梯价"
RULE_TYPES = (FULL_REDUCTION, NTH_DISCOUNT, GIFT, TIME_DISCOUNT, TIER_PRICE)
PRICE_TYPES = (TIME_DISCOUNT, TIER_PRICE, NTH_DISCOUNT, FULL_REDUCTION)
#: the documented default stacking order (gifts come last and change no price)
DEFAULT_ORDER = (TIME_DISCOUNT, TIER_PRICE, NTH_DISCOUNT, FULL_REDUCTION)

_TYPE_ALIASES = {
    "满减": FULL_REDUCTION, "满额减": FULL_REDUCTION, "满减优惠": FULL_REDUCTION,
    "第n件折扣": NTH_DISCOUNT, "第N件折扣": NTH_DISCOUNT, "多件折扣": NTH_DISCOUNT, "第二件半价": NTH_DISCOUNT,
    "赠品": GIFT, "前N名赠品": GIFT, "前n名赠品": GIFT, "赠品促销": GIFT,
    "限时折扣": TIME_DISCOUNT, "限时": TIME_DISCOUNT,
    "阶梯价": TIER_PRICE, "阶梯定价": TIER_PRICE, "阶梯折扣": TIER_PRICE,
}


class RuleError(CourseError):
    """Rules or a cart that cannot be priced; the message lists every problem in Chinese."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        text = self.problems[0] if len(self.problems) == 1 else (
            f"有 {len(self.problems)} 处需要修改：\n  " + "\n  ".join(self.problems))
        super().__init__(text)


# -- money, rates, times -------------------------------------------------------

def money(value: Any, label: str = "金额") -> Decimal:
    """A money amount as Decimal to 0.01 元; a Chinese RuleError if it is not one.

    >>> money("399"), money(49.9), money("12.50")
    (Decimal('399.00'), Decimal('49.90'), Decimal('12.50'))
    >>> money("9.999", "单价")
    Traceback (most recent call last):
    ...
    course.tools.promotion.RuleError: 单价：金额最多精确到 0.01 元（分），现在是 9.999。
    """
    if isinstance(value, bool) or value is None:
        raise RuleError(f"{label}：请填写金额（数字），现在是空的。")
    if isinstance(value, Decimal):
        d = value
    else:
        s = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "")
        unit = re.search(r"[元块¥￥]", s)
        if unit:
            raise RuleError(f"{label}：请只写数字，不要带“{unit.group(0)}”，例如 399。")
        try:
            d = Decimal(s)
        except InvalidOperation:
            raise RuleError(f"{label}：“{value}”不是金额，请写成像 399 或 49.90 这样的数字。") from None
    if not d.is_finite():
        raise RuleError(f"{label}：“{value}”不是有效金额。")
    q = d.quantize(CENT, rounding=ROUND_HALF_UP)
    if q != d:
        # binary floats such as 0.1 + 0.2 carry noise far below a cent
        if isinstance(value, float) and abs(q - d) < Decimal("0.000001"):
            return q
        raise RuleError(f"{label}：金额最多精确到 0.01 元（分），现在是 {value}。")
    return q


def rate(value: Any, label: str = "折扣", *, allow_zero: bool = False) -> Decimal:
    """A discount rate as a multiplier: 0.5 = 5折（半价）, 0.95 = 95折.

    >>> rate(0.5), rate("0.95")
    (Decimal('0.5'), Decimal('0.95'))
    >>> rate(5)
    Traceback (most recent call last):
    ...
    course.tools.promotion.RuleError: 折扣：请写成小于 1 的小数，5 折写 0.5、95 折写 0.95，现在是 5。
    """
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise RuleError(f"{label}：请填写折扣（如 5 折写 0.5），现在是空的。")
    try:
        d = value if isinstance(value, Decimal) else Decimal(unicodedata.normalize("NFKC", str(value)).strip())
    except InvalidOperation:
        raise RuleError(f"{label}：“{value}”不是数字，请写成小数，如 5 折写 0.5。") from None
    if not d.is_finite():
        raise RuleError(f"{label}：“{value}”不是有效的折扣。")
    if isinstance(value, float):
        d = Decimal(repr(value))
    if d < 0:
        raise RuleError(f"{label}：折扣不能是负数，现在是 {value}。")
    if d >= 1:
        raise RuleError(f"{label}：请写成小于 1 的小数，5 折写 0.5、95 折写 0.95，现在是 {value}。")
    if d == 0 and not allow_zero:
        raise RuleError(f"{label}：折扣为 0 等于免费送，请写大于 0 的小数（如 0.9）。")
    if d.as_tuple().exponent < -4:
        raise RuleError(f"{label}：折扣最多保留 4 位小数，现在是 {value}。")
    return d.normalize() if d != 0 else Decimal("0")


def round_money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def when(value: Any, label: str = "时间", *, end: bool = False) -> _dt.datetime:
    """A point in time (``course.dates.parse_datetime``): ``2026-06-18 20:00``, or a day
    (as an end it means 23:59:59, and an end typed to the minute includes that minute).

    >>> when("2026-06-18", end=True), when("2026-06-18 23:59", end=True)
    (datetime.datetime(2026, 6, 18, 23, 59, 59), datetime.datetime(2026, 6, 18, 23, 59, 59))
    >>> when("6月18日")
    Traceback (most recent call last):
    ...
    course.tools.promotion.RuleError: 时间：“6月18日”没有年份，请写成“年-月-日 时:分”，例如 2026-06-18 20:00。
    """
    try:
        return parse_datetime(value, what=label, end=end)
    except CourseError as exc:
        raise RuleError(str(exc)) from None


def fmt_money(d: Decimal | float | int) -> str:
    """399.00 -> '399', 49.90 -> '49.9': an amount as a shop writes it in rule text (满399减50).

    >>> fmt_money(Decimal("49.90")), fmt_money(1000)
    ('49.9', '1000')
    """
    return yuan(money(d), unit="", grouping=False, trim=True)


def fmt_rate(r: Decimal | float) -> str:
    """0.5 -> '5折', 0.95 -> '95折', 0.88 -> '88折', 0.875 -> '87.5折'."""
    r = Decimal(str(r))
    tenth = r * 10
    if tenth == tenth.to_integral_value():
        return f"{int(tenth)}折"
    hundred = (r * 100).normalize()
    return f"{hundred:f}折"


def fmt_time(t: _dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M")


def _int(value: Any, label: str, minimum: int) -> int:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise RuleError(f"{label}：请填写整数。")
    try:
        d = Decimal(unicodedata.normalize("NFKC", str(value)).strip())
    except InvalidOperation:
        raise RuleError(f"{label}：“{value}”不是整数，请写阿拉伯数字，例如 {max(minimum, 2)}。") from None
    if d != d.to_integral_value():
        raise RuleError(f"{label}：请填写整数，现在是 {value}。")
    n = int(d)
    if n < minimum:
        raise RuleError(f"{label}：至少为 {minimum}，现在是 {n}。")
    return n


# -- the rules -------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """Base of every rule: ``stack`` = 可与其他优惠叠加."""

    stack: bool = field(default=True, kw_only=True)

    kind: str = field(default="", init=False, repr=False)

    def problems(self) -> list[str]:
        return []

    def to_dict(self) -> dict:
        raise NotImplementedError


@dataclass(frozen=True)
class FullReduction(Rule):
    """满减: ``tiers`` = ((threshold, amount), ...); the highest tier reached applies.

    With ``repeat`` (每满减, one tier only) the amount is taken once per full threshold.
    """

    tiers: tuple = ()
    repeat: bool = False
    kind: str = field(default=FULL_REDUCTION, init=False, repr=False)

    def problems(self) -> list[str]:
        out = []
        if not self.tiers:
            out.append("满减：至少设置一档门槛和减免金额（如 满399减50）。")
        for t, a in self.tiers:
            name = f"满{fmt_money(t)}减{fmt_money(a)}" if t > 0 and a > 0 else "满减"
            if t <= 0:
                out.append(f"{name}：门槛必须大于 0 元（门槛为 0 等于无门槛券，请改用大于 0 的门槛，如 399）。")
            if a <= 0:
                out.append(f"{name}：减免金额必须大于 0 元，现在是 {fmt_money(a) if a >= 0 else a}。")
            if t > 0 and a >= t:
                out.append(f"满{fmt_money(t)}减{fmt_money(a)}：减免金额不能大于或等于门槛，否则刚好满额的订单实付为 0 或负数；"
                           "请把门槛提高到减免金额以上（如 满399减50）。")
        ts = [t for t, _ in self.tiers]
        if len(set(ts)) != len(ts):
            out.append("满减：有两档门槛相同，请删除重复的一档。")
        ordered = sorted((t, a) for t, a in self.tiers if 0 < a < t)
        for (t1, a1), (t2, a2) in zip(ordered, ordered[1:]):
            if t2 > t1 and a2 <= a1:
                out.append(f"满减：满{fmt_money(t2)}减{fmt_money(a2)} 门槛更高却不比 满{fmt_money(t1)}减{fmt_money(a1)} 减得多，"
                           "规则前后矛盾；更高的门槛应减更多。")
        if self.repeat and len(self.tiers) > 1:
            out.append("满减：“每满减（上不封顶）”只能设一档门槛，多档满减请取消“每满”。")
        return out

    def discount_for(self, base: Decimal) -> tuple[Decimal, tuple | None]:
        """(discount, tier used) for an order amount ``base``."""
        reached = [(t, a) for t, a in sorted(self.tiers) if base >= t > 0]
        if not reached:
            return ZERO, None
        t, a = reached[-1]
        if self.repeat:
            times = int((base / t).to_integral_value(rounding=ROUND_DOWN))
            return min(a * times, base), (t, a)
        return min(a, base), (t, a)

    def label(self) -> str:
        head = "每满" if self.repeat else "满"
        return "、".join(f"{head}{fmt_money(t)}减{fmt_money(a)}" for t, a in sorted(self.tiers))

    def to_dict(self) -> dict:
        tiers = sorted(self.tiers)
        if len(tiers) == 1:
            d = {"type": FULL_REDUCTION, "threshold": float(tiers[0][0]), "amount": float(tiers[0][1])}
        else:
            d = {"type": FULL_REDUCTION, "tiers": [[float(t), float(a)] for t, a in tiers]}
        if self.repeat:
            d["repeat"] = d["repeatable"] = True  # "repeatable" is the name datasets.whatif uses
        d["stack"] = self.stack
        return d


@dataclass(frozen=True)
class NthDiscount(Rule):
    """第N件折扣: within one line (the same SKU), the N-th unit at ``rate`` × its price.

    ``repeat=False`` (the shop's 第二件半价): only the N-th unit; ``repeat=True``:
    every N-th unit (2nd, 4th, ...).  A line with fewer than N units gets nothing.
    """

    n: int = 2
    rate: Decimal = Decimal("0.5")
    repeat: bool = False
    kind: str = field(default=NTH_DISCOUNT, init=False, repr=False)

    def problems(self) -> list[str]:
        out = []
        if self.n < 2:
            out.append(f"第N件折扣：N 至少为 2（第1件打折就是直接降价，请用限时折扣），现在是 {self.n}。")
        if not (0 <= self.rate < 1):
            out.append(f"第N件折扣：折扣应在 0 到 1 之间（半价写 0.5），现在是 {self.rate}。")
        return out

    def label(self) -> str:
        word = "半价" if self.rate == Decimal("0.5") else ("0元" if self.rate == 0 else fmt_rate(self.rate))
        n = {2: "二", 3: "三", 4: "四", 5: "五"}.get(self.n, str(self.n))
        return f"第{n}件{word}" + ("（每满N件）" if self.repeat else "")

    def to_dict(self) -> dict:
        d = {"type": NTH_DISCOUNT, "n": self.n, "discount": float(self.rate)}
        if self.repeat:
            d["repeat"] = True
        d["stack"] = self.stack
        return d


@dataclass(frozen=True)
class Gift(Rule):
    """前N名赠品: the first ``limit`` paying buyers get ``gift`` (while ``stock`` lasts).

    ``threshold``: minimum amount paid to qualify (0 = any order).  No effect on price.
    """

    limit: int = 100
    gift: str = "赠品"
    gift_cost: Decimal = ZERO
    stock: int | None = None
    threshold: Decimal = ZERO
    kind: str = field(default=GIFT, init=False, repr=False)

    def problems(self) -> list[str]:
        out = []
        if self.limit < 1:
            out.append(f"前N名赠品：名额至少为 1 名，现在是 {self.limit}。")
        if self.gift_cost < 0:
            out.append(f"前N名赠品：赠品成本不能是负数，现在是 {self.gift_cost}。")
        if self.threshold < 0:
            out.append(f"前N名赠品：领取门槛不能是负数，现在是 {self.threshold}。")
        if self.stock is not None and self.stock < 0:
            out.append(f"前N名赠品：赠品库存不能是负数，现在是 {self.stock}。")
        if self.stock is not None and self.limit > self.stock:
            out.append(f"前N名赠品：承诺前 {self.limit} 名赠送，但赠品库存只有 {self.stock} 件，规则前后矛盾；"
                       f"请把名额改为不超过 {self.stock}，或先补足赠品库存。")
        return out

    @property
    def available(self) -> int:
        return self.limit if self.stock is None else max(0, min(self.limit, self.stock))

    def label(self) -> str:
        return f"前{self.limit}名赠{self.gift}"

    def to_dict(self) -> dict:
        d = {"type": "赠品", "limit": self.limit, "gift": self.gift, "gift_cost": float(self.gift_cost)}
        if self.stock is not None:
            d["stock"] = self.stock
        if self.threshold > 0:
            d["threshold"] = float(self.threshold)
        d["stack"] = self.stack
        return d


@dataclass(frozen=True)
class TimeDiscount(Rule):
    """限时折扣: every unit × ``rate`` for orders placed within [start, end] (both inclusive)."""

    rate: Decimal = Decimal("0.9")
    start: _dt.datetime = _dt.datetime(2026, 6, 18)
    end: _dt.datetime = _dt.datetime(2026, 6, 18, 23, 59, 59)
    kind: str = field(default=TIME_DISCOUNT, init=False, repr=False)

    def problems(self) -> list[str]:
        out = []
        if not (0 < self.rate < 1):
            out.append(f"限时折扣：折扣应在 0 到 1 之间（9 折写 0.9），现在是 {self.rate}。")
        if self.end <= self.start:
            out.append(f"限时折扣：结束时间 {fmt_time(self.end)} 应晚于开始时间 {fmt_time(self.start)}。")
        return out

    def active(self, at: _dt.datetime | None) -> bool:
        return at is not None and self.start <= at <= self.end

    def label(self) -> str:
        return f"限时{fmt_rate(self.rate)}（{fmt_time(self.start)} 至 {fmt_time(self.end)}）"

    def to_dict(self) -> dict:
        return {"type": TIME_DISCOUNT, "discount": float(self.rate), "start": fmt_time(self.start),
                "end": fmt_time(self.end), "stack": self.stack}


@dataclass(frozen=True)
class TierPrice(Rule):
    """阶梯价: ``tiers`` = ((min_qty, rate), ...); a line with qty >= min_qty pays rate × price
    for every unit (the highest tier reached applies)."""

    tiers: tuple = ()
    kind: str = field(default=TIER_PRICE, init=False, repr=False)

    def problems(self) -> list[str]:
        out = []
        if not self.tiers:
            out.append("阶梯价：至少设置一档（如 买2件95折）。")
        for q, r in self.tiers:
            if q < 2:
                out.append(f"阶梯价：起始件数至少为 2 件（买1件打折就是直接降价），现在是 {q}。")
            if not (0 < r < 1):
                out.append(f"阶梯价：折扣应在 0 到 1 之间（95 折写 0.95），现在是 {r}。")
        qs = [q for q, _ in self.tiers]
        if len(set(qs)) != len(qs):
            out.append("阶梯价：有两档件数相同，请删除重复的一档。")
        ordered = sorted((q, r) for q, r in self.tiers if q >= 2 and 0 < r < 1)
        for (q1, r1), (q2, r2) in zip(ordered, ordered[1:]):
            if q2 > q1 and r2 >= r1:
                out.append(f"阶梯价：买{q2}件{fmt_rate(r2)} 比 买{q1}件{fmt_rate(r1)} 买得多却不更便宜，规则前后矛盾。")
        return out

    def rate_for(self, qty: int) -> Decimal | None:
        reached = [(q, r) for q, r in sorted(self.tiers) if qty >= q]
        return reached[-1][1] if reached else None

    def label(self) -> str:
        return "、".join(f"同一商品买{q}件及以上{fmt_rate(r)}" for q, r in sorted(self.tiers))

    def to_dict(self) -> dict:
        return {"type": TIER_PRICE, "tiers": [[q, float(r)] for q, r in sorted(self.tiers)], "stack": self.stack}


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
            qty = _int(_pick(it, "qty"), f"购物车第 {i} 行数量", 1)
            c = _pick(it, "cost")
            cost = None if c is None else money(c, f"购物车第 {i} 行成本")
            if cost is not None and cost < 0:
                raise RuleError(f"购物车第 {i} 行成本：不能是负数。")
            lines.append(CartLine(str(sku if sku is not None else f"行{i}"), price, qty,
                                  str(name) if name is not None else "", cost))
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
    goods: Decimal                 # 行金额 = 单价 × 数量
    discounts: dict                # rule label -> discount on this line
    discount: Decimal              # 分摊到本行的优惠合计 (discount_alloc)
    paid: Decimal                  # 本行实付 (paid_line)
    unit_paid: list                # what each unit pays, in order
    cost: Decimal | None           # 本行成本 = 单件成本 × 数量


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
        if any(l.cost is None for l in self.lines):
            return None
        return sum((l.cost for l in self.lines), ZERO)

    @property
    def gift_cost(self) -> Decimal:
        return sum((g["cost"] for g in self.gifts), ZERO)

    def refund(self, line_no: int, qty: int, already_returned: int = 0) -> Decimal:
        """Refund for returning ``qty`` units of line ``line_no`` (1-based), after
        ``already_returned`` units of that line came back earlier.

        A line's refund is its allocated paid amount, shared evenly over its units
        in whole cents; returning every unit refunds exactly ``paid`` of the line.
        """
        line = next((l for l in self.lines if l.line_no == line_no), None)
        if line is None:
            raise RuleError(f"订单中没有第 {line_no} 行（共 {len(self.lines)} 行）。")
        qty = _int(qty, "退货数量", 1)
        already = _int(already_returned, "已退数量", 0) if already_returned else 0
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
        return {"实付金额": self.paid_amount, "商品成本": self.cost_amount, "赠品成本": self.gift_cost,
                "平台佣金": round_money(self.paid_amount * r), "广告费": ad}

    def table(self):
        """The lines as a DataFrame (Chinese column names, floats to 0.01)."""
        import pandas as pd

        rows = [{"行号": l.line_no, "SKU": l.sku_id, "商品": l.name, "数量": l.qty, "单价": float(l.unit_price),
                 "行金额": float(l.goods), "分摊优惠": float(l.discount), "本行实付": float(l.paid),
                 "本行成本": None if l.cost is None else float(l.cost)} for l in self.lines]
        return pd.DataFrame(rows)

    def summary(self) -> dict:
        """Plain numbers (floats) for a results table."""
        return {"商品金额": float(self.goods_amount), "优惠金额": float(self.discount_amount),
                "实付金额": float(self.paid_amount), "优惠力度": float(self.depth),
                "赠品": "、".join(g["gift"] for g in self.gifts), "使用的优惠": "|".join(self.applied)}

    def __str__(self) -> str:
        out = [f"商品金额 {self.goods_amount} 元，优惠 {self.discount_amount} 元，实付 {self.paid_amount} 元"
               f"（优惠力度 {self.depth * 100:.1f}%）"]
        for l in self.lines:
            out.append(f"  {l.line_no}. {l.name or l.sku_id} × {l.qty}：行金额 {l.goods}，分摊优惠 {l.discount}，实付 {l.paid}")
        if self.gifts:
            out.append("  赠品：" + "、".join(g["gift"] for g in self.gifts))
        if self.applied:
            out.append("  使用的优惠：" + " → ".join(self.applied))
        for n in self.notes:
            out.append(f"  说明：{n}")
        return "\n".join(out)

    def _repr_pretty_(self, p, cycle):  # pragma: no cover - IPython display
        p.text(str(self))


# -- the rule set ----------------------------------------------------------------

def _allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Share ``total`` (whole cents) in proportion to ``weights`` by largest remainder.

    Never gives a part more than its weight when total <= sum(weights).
    >>> _allocate(Decimal("50.00"), [Decimal("358.00"), Decimal("49.90")])
    [Decimal('43.88'), Decimal('6.12')]
    """
    base = sum(weights, ZERO)
    if total == 0 or base == 0:
        return [ZERO for _ in weights]
    cents_total = int((total / CENT).to_integral_value())
    exact = [Decimal(cents_total) * w / base for w in weights]
    floors = [int(e.to_integral_value(rounding=ROUND_DOWN)) for e in exact]
    left = cents_total - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    parts = [Decimal(c) * CENT for c in floors]
    # guard: a part never exceeds its weight (move any excess to parts with room)
    excess = ZERO
    for i, w in enumerate(weights):
        if parts[i] > w:
            excess += parts[i] - w
            parts[i] = w
    for i, w in enumerate(weights):
        if excess <= 0:
            break
        room = w - parts[i]
        take = min(room, excess)
        parts[i] += take
        excess -= take
    return parts


class RuleSet:
    """A campaign's promotion rules with their stacking order; ``price`` prices a cart.

    ``start``/``end`` (optional): the campaign time; an order placed outside it
    gets no promotion at all.
    """

    def __init__(self, rules: Iterable[Rule] = (), order: Iterable[str] | None = None,
                 start: Any = None, end: Any = None):
        self.rules = list(rules)
        self.order = tuple(DEFAULT_ORDER if order is None else parse_order(order))
        self.start = None if start in (None, "") else when(start, "活动开始时间")
        self.end = None if end in (None, "") else when(end, "活动结束时间", end=True)

    # -- building --------------------------------------------------------------
    @classmethod
    def from_dicts(cls, items: Iterable[dict], order: Iterable[str] | str | None = None,
                   start: Any = None, end: Any = None) -> "RuleSet":
        """Build from plain dicts (the what-if format); every problem in one Chinese message.

        Several 满减 entries become one tiered 满减; several 阶梯价 entries one tiered 阶梯价.
        """
        if items is None:
            items = []
        if isinstance(items, dict):
            items = [items]
        problems: list[str] = []
        full: list[tuple] = []
        full_repeat, full_stack = False, True
        tier: list[tuple] = []
        tier_stack = True
        rules: list = []
        for i, d in enumerate(items, 1):
            where = f"第 {i} 条规则"
            if not isinstance(d, dict):
                problems.append(f"{where}：应是字典，如 {{'type': '满减', 'threshold': 399, 'amount': 50}}。")
                continue
            raw_type = str(d.get("type", "")).strip()
            kind = _TYPE_ALIASES.get(raw_type) or _TYPE_ALIASES.get(raw_type.lower())
            if raw_type == "活动价":
                continue  # the campaign price is the cart's unit price
            if kind is None:
                problems.append(f"{where}：不认识的规则类型“{raw_type}”，可选：{'、'.join(RULE_TYPES)}。")
                continue
            where = f"{where}（{kind}）"
            stack = bool(d.get("stack", True))
            if kind in (FULL_REDUCTION, TIER_PRICE) and kind not in rules:
                rules.append(kind)  # placeholder, replaced by the merged rule below
            try:
                if kind == FULL_REDUCTION:
                    pairs = d.get("tiers") or [[d.get("threshold"), d.get("amount")]]
                    for t, a in pairs:
                        t_, a_ = _signed_money(t, f"{where}门槛"), _signed_money(a, f"{where}减免金额")
                        full.append((t_, a_))
                    full_repeat = full_repeat or bool(d.get("repeat", d.get("repeatable", False)))
                    full_stack = full_stack and stack
                elif kind == NTH_DISCOUNT:
                    n = d.get("n", 2 if raw_type == "第二件半价" else None)
                    r = d.get("discount", d.get("rate", 0.5 if raw_type == "第二件半价" else None))
                    rules.append(NthDiscount(n=_int(n, f"{where}N（第几件）", 1),
                                             rate=rate(r, f"{where}折扣", allow_zero=True),
                                             repeat=bool(d.get("repeat", d.get("repeatable", False))), stack=stack))
                elif kind == GIFT:
                    stock = d.get("stock")
                    rules.append(Gift(limit=_int(d.get("limit"), f"{where}名额", 1),
                                      gift=str(d.get("gift") or d.get("gift_name") or "赠品"),
                                      gift_cost=_signed_money(d.get("gift_cost", 0), f"{where}赠品成本"),
                                      stock=None if stock in (None, "") else _int(stock, f"{where}赠品库存", 0),
                                      threshold=_signed_money(d.get("threshold") or 0, f"{where}领取门槛"),
                                      stack=stack))
                elif kind == TIME_DISCOUNT:
                    r = d.get("discount", d.get("rate"))
                    rules.append(TimeDiscount(rate=rate(r, f"{where}折扣"),
                                              start=when(d.get("start"), f"{where}开始时间"),
                                              end=when(d.get("end"), f"{where}结束时间", end=True), stack=stack))
                elif kind == TIER_PRICE:
                    pairs = d.get("tiers") or [[d.get("min_qty", d.get("qty")), d.get("discount", d.get("rate"))]]
                    for q, r in pairs:
                        tier.append((_int(q, f"{where}件数", 1), rate(r, f"{where}折扣")))
                    tier_stack = tier_stack and stack
            except RuleError as exc:
                problems.extend(exc.problems)
            except (TypeError, ValueError):
                problems.append(f"{where}：格式不对，请参照说明填写。")
        # merged rules take the place of their first entry
        merged = {FULL_REDUCTION: FullReduction(tiers=tuple(full), repeat=full_repeat, stack=full_stack) if full else None,
                  TIER_PRICE: TierPrice(tiers=tuple(tier), stack=tier_stack) if tier else None}
        rules = [merged[r] if isinstance(r, str) else r for r in rules]
        rules = [r for r in rules if r is not None]
        if problems:
            raise RuleError(problems)
        try:
            rs = cls(rules, order=order, start=start, end=end)
        except RuleError as exc:
            raise RuleError(exc.problems) from None
        return rs

    def to_dicts(self) -> list[dict]:
        """Plain dicts (the what-if format: 满减/第N件折扣/赠品/限时折扣/阶梯价)."""
        return [r.to_dict() for r in self.rules]

    # -- checking --------------------------------------------------------------
    def problems(self) -> list[str]:
        """Every problem with the rules, in Chinese; empty when they can be used."""
        out: list[str] = []
        for r in self.rules:
            out.extend(r.problems())
        kinds = [r.kind for r in self.rules]
        for k in (NTH_DISCOUNT, GIFT, FULL_REDUCTION, TIER_PRICE):
            if kinds.count(k) > 1:
                out.append(f"{k}只能设置一条（多档请写在同一条规则的档位里）。")
        windows = sorted((r for r in self.rules if isinstance(r, TimeDiscount)), key=lambda r: r.start)
        for a, b in zip(windows, windows[1:]):
            if b.start <= a.end:
                out.append(f"限时折扣时间段重叠：{fmt_time(a.start)}-{fmt_time(a.end)} 与 "
                           f"{fmt_time(b.start)}-{fmt_time(b.end)}，同一时刻只能有一个限时折扣。")
        if self.start and self.end:
            if self.end <= self.start:
                out.append(f"活动结束时间 {fmt_time(self.end)} 应晚于开始时间 {fmt_time(self.start)}。")
            for w in windows:
                if w.start < self.start or w.end > self.end:
                    out.append(f"限时折扣 {fmt_time(w.start)}-{fmt_time(w.end)} 超出了活动时间 "
                               f"{fmt_time(self.start)}-{fmt_time(self.end)}，顾客会看到活动外的优惠，规则前后矛盾。")
        used = [k for k in dict.fromkeys(kinds) if k in PRICE_TYPES]
        missing = [k for k in used if k not in self.order]
        if missing:
            out.append(f"叠加顺序中缺少：{'、'.join(missing)}（每种用到的优惠都要排进顺序）。")
        return out

    def check(self) -> None:
        p = self.problems()
        if p:
            raise RuleError(p)

    # -- pricing ---------------------------------------------------------------
    def price(self, cart: Any, at: Any = None, buyer_rank: int | None = 1) -> Quote:
        """Price ``cart`` (see :func:`make_cart`) for an order placed at ``at``.

        ``buyer_rank``: the buyer's place in payment order, for 前N名赠品 (default
        1 = within the first N, so a margin check counts the gift's cost; None = no gift).
        """
        self.check()
        lines = make_cart(cart)
        at_t = None if at in (None, "") else when(at, "下单时间")
        notes: list[str] = []
        in_campaign = True
        if at_t is not None and ((self.start and at_t < self.start) or (self.end and at_t > self.end)):
            in_campaign = False
            notes.append(f"下单时间 {fmt_time(at_t)} 不在活动时间内，不享受活动优惠。")
        price_rules = [r for r in self.rules if r.kind in PRICE_TYPES] if in_campaign else []
        stacked = [r for r in price_rules if r.stack]
        alone = [r for r in price_rules if not r.stack]
        options = [("叠加", stacked)] + [(f"单独使用{r.label()}", [r]) for r in alone]
        best = None
        for name, rules in options:
            q = self._price_with(lines, rules, at_t)
            q.option = name
            if best is None or q.paid_amount < best.paid_amount:
                best = q
        if alone:
            notes.append(f"有不与其他优惠同享的规则，系统按对顾客更优惠的方案计价：{best.option}。")
        best.notes = notes + best.notes
        # gifts: no price effect
        if in_campaign:
            for g in (r for r in self.rules if isinstance(r, Gift)):
                if buyer_rank is None:
                    best.notes.append(f"{g.label()}：未提供付款名次，不计赠品。")
                elif best.paid_amount < g.threshold:
                    best.notes.append(f"{g.label()}：实付未满 {fmt_money(g.threshold)} 元，不送赠品。")
                elif buyer_rank > g.available:
                    best.notes.append(f"{g.label()}：第 {buyer_rank} 名付款，名额（{g.available} 份）已送完。")
                else:
                    best.gifts.append({"gift": g.gift, "cost": g.gift_cost, "rule": g.label()})
                    best.applied.append(g.label())
        self._verify(best)
        return best

    def _price_with(self, lines: list[CartLine], rules: list[Rule], at: _dt.datetime | None) -> Quote:
        units = [[l.unit_price] * l.qty for l in lines]
        per_rule: list[dict] = [dict() for _ in lines]
        applied: list[str] = []
        notes: list[str] = []
        by_kind: dict[str, list[Rule]] = {}
        for r in rules:
            by_kind.setdefault(r.kind, []).append(r)
        for kind in self.order:
            for r in by_kind.get(kind, []):
                before = [sum(u, ZERO) for u in units]
                if isinstance(r, TimeDiscount):
                    if at is None:
                        notes.append(f"{r.label()}：未提供下单时间，限时折扣未计算。")
                        continue
                    if not r.active(at):
                        continue
                    units = [[round_money(u * r.rate) for u in us] for us in units]
                elif isinstance(r, TierPrice):
                    new = []
                    for us in units:
                        rr = r.rate_for(len(us))
                        new.append([round_money(u * rr) for u in us] if rr is not None else us)
                    units = new
                elif isinstance(r, NthDiscount):
                    new, hit = [], False
                    for us in units:
                        us = list(us)
                        idx = range(r.n - 1, len(us), r.n) if r.repeat else ([r.n - 1] if len(us) >= r.n else [])
                        for k in idx:
                            us[k] = round_money(us[k] * r.rate)
                            hit = True
                        new.append(us)
                    units = new
                    if not hit:
                        notes.append(f"{r.label()}：同一商品需买满 {r.n} 件才生效，本单没有商品达到 {r.n} 件，未享受。")
                elif isinstance(r, FullReduction):
                    base = sum((sum(us, ZERO) for us in units), ZERO)
                    disc, tier = r.discount_for(base)
                    if tier is None:
                        low = min(t for t, _ in r.tiers)
                        notes.append(f"{r.label()}：计算满减的金额 {base} 元未达到门槛 {fmt_money(low)} 元，未享受。")
                        continue
                    line_parts = _allocate(disc, [sum(us, ZERO) for us in units])
                    units = [[u - p for u, p in zip(us, _allocate(part, us))] for us, part in zip(units, line_parts)]
                after = [sum(u, ZERO) for u in units]
                changed = False
                for i, (b, a) in enumerate(zip(before, after)):
                    if b != a:
                        per_rule[i][r.label()] = per_rule[i].get(r.label(), ZERO) + (b - a)
                        changed = True
                if changed:
                    applied.append(r.label())
        priced = []
        for i, (l, us) in enumerate(zip(lines, units), 1):
            goods = l.unit_price * l.qty
            paid = sum(us, ZERO)
            priced.append(PricedLine(i, l.sku_id, l.name, l.qty, l.unit_price, goods, per_rule[i - 1],
                                     goods - paid, paid, us, None if l.cost is None else l.cost * l.qty))
        goods_amount = sum((p.goods for p in priced), ZERO)
        paid_amount = sum((p.paid for p in priced), ZERO)
        if paid_amount == 0 and goods_amount > 0:
            notes.append("优惠已把实付减到 0 元：规则让利过深，请检查折扣与满减设置。")
        return Quote(priced, goods_amount, goods_amount - paid_amount, paid_amount, [], applied, notes)

    @staticmethod
    def _verify(q: Quote) -> None:
        """Invariants: cents, never negative, parts add up (a bug here is ours, not the student's)."""
        amounts = [q.goods_amount, q.discount_amount, q.paid_amount]
        for l in q.lines:
            amounts += [l.goods, l.discount, l.paid, *l.unit_paid]
        bad = [a for a in amounts if a < 0 or a != a.quantize(CENT)]
        if bad or sum((l.paid for l in q.lines), ZERO) != q.paid_amount \
                or q.goods_amount - q.discount_amount != q.paid_amount:
            raise CourseError("计价结果自检未通过（金额出现负数、不足一分或各行合计不符），请把这个购物车告诉老师。")

    # -- display ---------------------------------------------------------------
    def describe(self) -> str:
        """One line per rule plus the stacking order (for a quick look; the public
        rule text is written by ``course.tools.campaign.rule_text``)."""
        out = [f"{i}. {r.label()}{'' if r.stack else '（不与其他优惠同享）'}" for i, r in enumerate(self.rules, 1)]
        out.append("叠加顺序：" + " → ".join(self.order) + "（赠品不影响价格）")
        return "\n".join(out)

    def __repr__(self) -> str:
        return f"RuleSet({self.to_dicts()!r}, order={list(self.order)!r})"


def _signed_money(value: Any, label: str) -> Decimal:
    """Money that may be zero or negative (so the rule check can explain why it is wrong)."""
    return money(value, label)


_ORDER_SPLIT = re.compile(r"\s*(?:>|→|->|＞|,|，|、|;|；|\|)\s*")


def parse_order(order: Iterable[str] | str) -> list[str]:
    """A stacking order typed as "限时折扣 > 阶梯价 > 第N件折扣 > 满减" or given as a list.

    >>> parse_order("限时折扣 → 第N件折扣 > 满减")
    ['限时折扣', '第N件折扣', '满减']
    """
    if isinstance(order, str):
        parts = [p for p in _ORDER_SPLIT.split(unicodedata.normalize("NFKC", order).strip()) if p]
    else:
        parts = [str(p).strip() for p in order if str(p).strip()]
    out, problems = [], []
    for p in parts:
        k = _TYPE_ALIASES.get(p) or _TYPE_ALIASES.get(p.lower())
        if k is None:
            problems.append(f"叠加顺序：不认识“{p}”，可用：{'、'.join(PRICE_TYPES)}（用 > 分隔）。")
            continue
        if k == GIFT:
            continue  # gifts change no price; their place in the order does not matter
        if k in out:
            problems.append(f"叠加顺序：“{k}”出现了两次。")
            continue
        out.append(k)
    if problems:
        raise RuleError(problems)
    if not out:
        raise RuleError("叠加顺序是空的，请写成“限时折扣 > 阶梯价 > 第N件折扣 > 满减”这样的顺序。")
    return out


def from_promotions_table(table, campaign: str | None = "618") -> RuleSet:
    """A RuleSet from a promotions table as the shop's back office exports it
    (``course.data.load("promotions")``: type, threshold, amount, n, discount, limit,
    gift_name, gift_cost, start, end, repeatable, apply_order).

    ``campaign``: keep the rows whose campaign contains this text (None = all rows).
    The stacking order follows ``apply_order``; 活动价 rows are the unit prices
    themselves and are skipped; the campaign time is the earliest start and the latest end.
    """
    import pandas as pd

    if table is None or not isinstance(table, pd.DataFrame):
        raise RuleError("请传入促销规则表（DataFrame），如 course.data.load(\"promotions\")。")
    t = table if campaign is None else table[table["campaign"].astype(str).str.contains(campaign, regex=False)]
    if t.empty:
        raise RuleError(f"促销规则表中没有活动名称包含“{campaign}”的规则。")
    t = t.sort_values("apply_order", kind="stable")

    def val(v):
        return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v

    dicts, order = [], []
    for r in t.to_dict("records"):
        kind = _TYPE_ALIASES.get(str(r.get("type")))
        if kind is None:
            continue
        rep = bool(val(r.get("repeatable")) or False)
        if kind == FULL_REDUCTION:
            dicts.append({"type": kind, "threshold": val(r.get("threshold")), "amount": val(r.get("amount")), "repeat": rep})
        elif kind == NTH_DISCOUNT:
            dicts.append({"type": kind, "n": val(r.get("n")), "discount": val(r.get("discount")), "repeat": rep})
        elif kind == GIFT:
            dicts.append({"type": "赠品", "limit": val(r.get("limit")), "gift": val(r.get("gift_name")) or "赠品",
                          "gift_cost": val(r.get("gift_cost")) or 0})
        elif kind == TIME_DISCOUNT:
            dicts.append({"type": kind, "discount": val(r.get("discount")), "start": val(r.get("start")),
                          "end": val(r.get("end"))})
        elif kind == TIER_PRICE:
            continue  # not in the shop's table format
        if kind in PRICE_TYPES and kind not in order:
            order.append(kind)
    starts = [val(v) for v in t["start"]] if "start" in t else []
    ends = [val(v) for v in t["end"]] if "end" in t else []
    start = min((when(v) for v in starts if v is not None), default=None)
    end = max((when(v, end=True) for v in ends if v is not None), default=None)
    return RuleSet.from_dicts(dicts, order=order or None, start=start, end=end)


def price_cart(rules: RuleSet | Iterable[dict], cart: Any, at: Any = None, buyer_rank: int | None = 1) -> Quote:
    """Shortcut: price ``cart`` under ``rules`` (a RuleSet or what-if style dicts)."""
    rs = rules if isinstance(rules, RuleSet) else RuleSet.from_dicts(rules)
    return rs.price(cart, at=at, buyer_rank=buyer_rank)
