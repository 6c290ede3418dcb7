"""The promotion rules of 模块二, one class per rule type: what each checks, how each
is written as a dict (the what-if format) and what each does to a cart's prices.

Each rule is a frozen dataclass with ``problems()`` (Chinese, empty when the
rule can be used), ``label()``, ``to_dict()``/``from_dict()`` and ``apply()``:
the unit prices of every cart line after the rule.  The engine that stacks
them in order and prices a cart is ``course.tools.promotion``.

>>> r = NthDiscount(n=2, rate=Decimal("0.5"))
>>> r.label(), r.apply([[Decimal("229.00")] * 2], None, [])
('第二件半价', [[Decimal('229.00'), Decimal('114.50')]])
>>> FullReduction(tiers=((Decimal("399"), Decimal("0")),)).problems()
['满减：减免金额必须大于 0 元，现在是 0。']
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from .promotion_values import (
    FULL_REDUCTION,
    GIFT,
    NTH_DISCOUNT,
    TIER_PRICE,
    TIME_DISCOUNT,
    ZERO,
    allocate_cents,
    fmt_money,
    fmt_rate,
    fmt_time,
    money,
    rate,
    round_money,
    when,
    whole_number,
)

#: what each unit of each cart line pays, line by line
Units = list


def _stack(d: dict) -> bool:
    return bool(d.get("stack", True))


def _repeat(d: dict) -> bool:
    return bool(d.get("repeat", d.get("repeatable", False)))


@dataclass(frozen=True)
class Rule:
    """Base of every rule: ``stack`` = 可与其他优惠叠加."""

    stack: bool = field(default=True, kw_only=True)

    kind: str = field(default="", init=False, repr=False)

    def problems(self) -> list[str]:
        return []

    def label(self) -> str:
        raise NotImplementedError

    def to_dict(self) -> dict:
        raise NotImplementedError

    def apply(self, units: Units, at: _dt.datetime | None, notes: list[str]) -> Units:
        """The unit prices after this rule; why it did not apply goes to ``notes``.  Gifts change no price."""
        return units

    def merged(self, other: Rule) -> Rule:
        """One rule from two of the same kind (several 满减 entries are one tiered 满减)."""
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
                out.append(
                    f"满{fmt_money(t)}减{fmt_money(a)}：减免金额不能大于或等于门槛，"
                    "否则刚好满额的订单实付为 0 或负数；请把门槛提高到减免金额以上（如 满399减50）。"
                )
        ts = [t for t, _ in self.tiers]
        if len(set(ts)) != len(ts):
            out.append("满减：有两档门槛相同，请删除重复的一档。")
        ordered = sorted((t, a) for t, a in self.tiers if 0 < a < t)
        for (t1, a1), (t2, a2) in zip(ordered, ordered[1:]):
            if t2 > t1 and a2 <= a1:
                out.append(
                    f"满减：满{fmt_money(t2)}减{fmt_money(a2)} 门槛更高却不比 "
                    f"满{fmt_money(t1)}减{fmt_money(a1)} 减得多，"
                    "规则前后矛盾；更高的门槛应减更多。"
                )
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

    @classmethod
    def from_dict(cls, d: dict, where: str, raw_type: str = "") -> FullReduction:
        pairs = d.get("tiers") or [[d.get("threshold"), d.get("amount")]]
        tiers = tuple((money(t, f"{where}门槛"), money(a, f"{where}减免金额")) for t, a in pairs)
        return cls(tiers=tiers, repeat=_repeat(d), stack=_stack(d))

    def merged(self, other: FullReduction) -> FullReduction:
        return FullReduction(
            tiers=self.tiers + other.tiers, repeat=self.repeat or other.repeat, stack=self.stack and other.stack
        )

    def apply(self, units: Units, at: _dt.datetime | None, notes: list[str]) -> Units:
        """On the order amount after the item discounts, shared out to the lines and their units."""
        base = sum((sum(us, ZERO) for us in units), ZERO)
        discount, tier = self.discount_for(base)
        if tier is None:
            low = min(t for t, _ in self.tiers)
            notes.append(f"{self.label()}：计算满减的金额 {base} 元未达到门槛 {fmt_money(low)} 元，未享受。")
            return units
        line_parts = allocate_cents(discount, [sum(us, ZERO) for us in units])
        return [[u - p for u, p in zip(us, allocate_cents(part, us))] for us, part in zip(units, line_parts)]

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

    @classmethod
    def from_dict(cls, d: dict, where: str, raw_type: str = "") -> NthDiscount:
        second_half = raw_type == "第二件半价"
        n = d.get("n", 2 if second_half else None)
        r = d.get("discount", d.get("rate", 0.5 if second_half else None))
        return cls(
            n=whole_number(n, f"{where}N（第几件）", 1),
            rate=rate(r, f"{where}折扣", allow_zero=True),
            repeat=_repeat(d),
            stack=_stack(d),
        )

    def discounted_units(self, qty: int) -> range | list[int]:
        """Which units of a line (0-based) get the rate: the N-th, or with ``repeat`` every N-th."""
        if self.repeat:
            return range(self.n - 1, qty, self.n)
        return [self.n - 1] if qty >= self.n else []

    def apply(self, units: Units, at: _dt.datetime | None, notes: list[str]) -> Units:
        out, hit = [], False
        for us in units:
            us = list(us)
            for k in self.discounted_units(len(us)):
                us[k] = round_money(us[k] * self.rate)
                hit = True
            out.append(us)
        if not hit:
            notes.append(f"{self.label()}：同一商品需买满 {self.n} 件才生效，本单没有商品达到 {self.n} 件，未享受。")
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
            out.append(
                f"前N名赠品：承诺前 {self.limit} 名赠送，但赠品库存只有 {self.stock} 件，规则前后矛盾；"
                f"请把名额改为不超过 {self.stock}，或先补足赠品库存。"
            )
        return out

    @property
    def available(self) -> int:
        return self.limit if self.stock is None else max(0, min(self.limit, self.stock))

    @classmethod
    def from_dict(cls, d: dict, where: str, raw_type: str = "") -> Gift:
        stock = d.get("stock")
        return cls(
            limit=whole_number(d.get("limit"), f"{where}名额", 1),
            gift=str(d.get("gift") or d.get("gift_name") or "赠品"),
            gift_cost=money(d.get("gift_cost", 0), f"{where}赠品成本"),
            stock=None if stock in (None, "") else whole_number(stock, f"{where}赠品库存", 0),
            threshold=money(d.get("threshold") or 0, f"{where}领取门槛"),
            stack=_stack(d),
        )

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

    @classmethod
    def from_dict(cls, d: dict, where: str, raw_type: str = "") -> TimeDiscount:
        return cls(
            rate=rate(d.get("discount", d.get("rate")), f"{where}折扣"),
            start=when(d.get("start"), f"{where}开始时间"),
            end=when(d.get("end"), f"{where}结束时间", end=True),
            stack=_stack(d),
        )

    def active(self, at: _dt.datetime | None) -> bool:
        return at is not None and self.start <= at <= self.end

    def apply(self, units: Units, at: _dt.datetime | None, notes: list[str]) -> Units:
        if at is None:
            notes.append(f"{self.label()}：未提供下单时间，限时折扣未计算。")
            return units
        if not self.active(at):
            return units
        return [[round_money(u * self.rate) for u in us] for us in units]

    def label(self) -> str:
        return f"限时{fmt_rate(self.rate)}（{fmt_time(self.start)} 至 {fmt_time(self.end)}）"

    def to_dict(self) -> dict:
        return {
            "type": TIME_DISCOUNT,
            "discount": float(self.rate),
            "start": fmt_time(self.start),
            "end": fmt_time(self.end),
            "stack": self.stack,
        }


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

    @classmethod
    def from_dict(cls, d: dict, where: str, raw_type: str = "") -> TierPrice:
        pairs = d.get("tiers") or [[d.get("min_qty", d.get("qty")), d.get("discount", d.get("rate"))]]
        tiers = tuple((whole_number(q, f"{where}件数", 1), rate(r, f"{where}折扣")) for q, r in pairs)
        return cls(tiers=tiers, stack=_stack(d))

    def merged(self, other: TierPrice) -> TierPrice:
        return TierPrice(tiers=self.tiers + other.tiers, stack=self.stack and other.stack)

    def apply(self, units: Units, at: _dt.datetime | None, notes: list[str]) -> Units:
        out = []
        for us in units:
            r = self.rate_for(len(us))
            out.append([round_money(u * r) for u in us] if r is not None else us)
        return out

    def rate_for(self, qty: int) -> Decimal | None:
        reached = [(q, r) for q, r in sorted(self.tiers) if qty >= q]
        return reached[-1][1] if reached else None

    def label(self) -> str:
        return "、".join(f"同一商品买{q}件及以上{fmt_rate(r)}" for q, r in sorted(self.tiers))

    def to_dict(self) -> dict:
        return {"type": TIER_PRICE, "tiers": [[q, float(r)] for q, r in sorted(self.tiers)], "stack": self.stack}


#: the class of each rule type
RULE_CLASSES: dict[str, type[Rule]] = {
    FULL_REDUCTION: FullReduction,
    NTH_DISCOUNT: NthDiscount,
    GIFT: Gift,
    TIME_DISCOUNT: TimeDiscount,
    TIER_PRICE: TierPrice,
}
#: rule types whose several entries make one rule with tiers
MERGED_TYPES = (FULL_REDUCTION, TIER_PRICE)
