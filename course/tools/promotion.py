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

The parts: the values of a rule (money, rates, times) are read in
``course.tools.promotion_values``, the rules, one class per type, are in
``course.tools.promotion_rules``, carts and priced orders (``Quote``) in
``course.tools.promotion_cart``; this module stacks the rules and prices a cart,
and every public name of the engine can be imported from here.

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
>>> [str(line.paid) for line in q.lines]
['302.45', '65.90']
>>> q.refund(1, 1), q.refund(1, 1, already_returned=1)
(Decimal('151.23'), Decimal('151.22'))
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from ..messages import CourseError
from .promotion_cart import CartLine, PricedLine, Quote, make_cart  # noqa: F401 - the engine's public names
from .promotion_rules import MERGED_TYPES, RULE_CLASSES, FullReduction, Gift, NthDiscount, Rule, TierPrice, TimeDiscount  # noqa: F401
from .promotion_values import (  # noqa: F401
    CENT,
    DEFAULT_ORDER,
    FULL_REDUCTION,
    GIFT,
    NTH_DISCOUNT,
    PRICE_TYPES,
    RULE_TYPES,
    TIER_PRICE,
    TIME_DISCOUNT,
    TYPE_ALIASES,
    ZERO,
    RuleError,
    fmt_money,
    fmt_rate,
    fmt_time,
    money,
    rate,
    round_money,
    when,
    whole_number,
)


def _rule_from_dict(d: Any, where: str) -> Rule | None:
    """One rule of the what-if format (None for 活动价: the campaign price is the cart's unit price)."""
    if not isinstance(d, dict):
        raise RuleError(f"{where}：应是字典，如 {{'type': '满减', 'threshold': 399, 'amount': 50}}。")
    raw_type = str(d.get("type", "")).strip()
    if raw_type == "活动价":
        return None
    kind = TYPE_ALIASES.get(raw_type) or TYPE_ALIASES.get(raw_type.lower())
    if kind is None:
        raise RuleError(f"{where}：不认识的规则类型“{raw_type}”，可选：{'、'.join(RULE_TYPES)}。")
    where = f"{where}（{kind}）"
    try:
        return RULE_CLASSES[kind].from_dict(d, where, raw_type)
    except (TypeError, ValueError):
        raise RuleError(f"{where}：格式不对，请参照说明填写。") from None


def _add_merging(rules: list[Rule], rule: Rule) -> None:
    """Append ``rule``; a second 满减 or 阶梯价 is merged into the first one, in its place."""
    for i, r in enumerate(rules):
        if rule.kind in MERGED_TYPES and r.kind == rule.kind:
            rules[i] = r.merged(rule)
            return
    rules.append(rule)


class RuleSet:
    """A campaign's promotion rules with their stacking order; ``price`` prices a cart.

    ``start``/``end`` (optional): the campaign time; an order placed outside it
    gets no promotion at all.
    """

    def __init__(
        self, rules: Iterable[Rule] = (), order: Iterable[str] | None = None, start: Any = None, end: Any = None
    ):
        self.rules = list(rules)
        self.order = tuple(DEFAULT_ORDER if order is None else parse_order(order))
        self.start = None if start in (None, "") else when(start, "活动开始时间")
        self.end = None if end in (None, "") else when(end, "活动结束时间", end=True)

    # -- building --------------------------------------------------------------
    @classmethod
    def from_dicts(
        cls, items: Iterable[dict], order: Iterable[str] | str | None = None, start: Any = None, end: Any = None
    ) -> RuleSet:
        """Build from plain dicts (the what-if format); every problem in one Chinese message.

        Several 满减 entries become one tiered 满减; several 阶梯价 entries one tiered 阶梯价.
        """
        items = [items] if isinstance(items, dict) else list(items or [])
        rules: list[Rule] = []
        problems: list[str] = []
        for i, d in enumerate(items, 1):
            try:
                rule = _rule_from_dict(d, f"第 {i} 条规则")
            except RuleError as exc:
                problems.extend(exc.problems)
                continue
            if rule is not None:
                _add_merging(rules, rule)
        if problems:
            raise RuleError(problems)
        try:
            return cls(rules, order=order, start=start, end=end)
        except RuleError as exc:
            raise RuleError(exc.problems) from None

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
                out.append(
                    f"限时折扣时间段重叠：{fmt_time(a.start)}-{fmt_time(a.end)} 与 "
                    f"{fmt_time(b.start)}-{fmt_time(b.end)}，同一时刻只能有一个限时折扣。"
                )
        if self.start and self.end:
            if self.end <= self.start:
                out.append(f"活动结束时间 {fmt_time(self.end)} 应晚于开始时间 {fmt_time(self.start)}。")
            for w in windows:
                if w.start < self.start or w.end > self.end:
                    out.append(
                        f"限时折扣 {fmt_time(w.start)}-{fmt_time(w.end)} 超出了活动时间 "
                        f"{fmt_time(self.start)}-{fmt_time(self.end)}，顾客会看到活动外的优惠，规则前后矛盾。"
                    )
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
        in_campaign = not (at_t is not None and ((self.start and at_t < self.start) or (self.end and at_t > self.end)))
        if not in_campaign:
            notes.append(f"下单时间 {fmt_time(at_t)} 不在活动时间内，不享受活动优惠。")
        price_rules = [r for r in self.rules if r.kind in PRICE_TYPES] if in_campaign else []
        alone = [r for r in price_rules if not r.stack]
        options = [("叠加", [r for r in price_rules if r.stack])] + [(f"单独使用{r.label()}", [r]) for r in alone]
        best = None
        for name, rules in options:
            q = self._price_with(lines, rules, at_t)
            q.option = name
            if best is None or q.paid_amount < best.paid_amount:
                best = q
        if alone:
            notes.append(f"有不与其他优惠同享的规则，系统按对顾客更优惠的方案计价：{best.option}。")
        best.notes = notes + best.notes
        if in_campaign:
            self._give_gifts(best, buyer_rank)
        self._verify(best)
        return best

    def _give_gifts(self, quote: Quote, buyer_rank: int | None) -> None:
        """前N名赠品: no effect on price; the gift and its cost go to the quote, or a note says why not."""
        for g in (r for r in self.rules if isinstance(r, Gift)):
            if buyer_rank is None:
                quote.notes.append(f"{g.label()}：未提供付款名次，不计赠品。")
            elif quote.paid_amount < g.threshold:
                quote.notes.append(f"{g.label()}：实付未满 {fmt_money(g.threshold)} 元，不送赠品。")
            elif buyer_rank > g.available:
                quote.notes.append(f"{g.label()}：第 {buyer_rank} 名付款，名额（{g.available} 份）已送完。")
            else:
                quote.gifts.append({"gift": g.gift, "cost": g.gift_cost, "rule": g.label()})
                quote.applied.append(g.label())

    def _price_with(self, lines: list[CartLine], rules: list[Rule], at: _dt.datetime | None) -> Quote:
        """The quote with ``rules`` applied in the stacking order, each rule's discount recorded per line."""
        units = [[line.unit_price] * line.qty for line in lines]
        discounts: list[dict] = [{} for _ in lines]
        applied: list[str] = []
        notes: list[str] = []
        for r in (r for kind in self.order for r in rules if r.kind == kind):
            before = [sum(us, ZERO) for us in units]
            units = r.apply(units, at, notes)
            saved = [b - sum(us, ZERO) for b, us in zip(before, units)]
            for line_discounts, amount in zip(discounts, saved):
                if amount:
                    line_discounts[r.label()] = line_discounts.get(r.label(), ZERO) + amount
            if any(saved):
                applied.append(r.label())
        return Quote.from_units(lines, units, discounts, applied, notes)

    @staticmethod
    def _verify(q: Quote) -> None:
        """Invariants: cents, never negative, parts add up (a bug here is ours, not the student's)."""
        amounts = [q.goods_amount, q.discount_amount, q.paid_amount]
        for line in q.lines:
            amounts += [line.goods, line.discount, line.paid, *line.unit_paid]
        bad = [a for a in amounts if a < 0 or a != a.quantize(CENT)]
        if (
            bad
            or sum((line.paid for line in q.lines), ZERO) != q.paid_amount
            or q.goods_amount - q.discount_amount != q.paid_amount
        ):
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
        k = TYPE_ALIASES.get(p) or TYPE_ALIASES.get(p.lower())
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
        raise RuleError('请传入促销规则表（DataFrame），如 course.data.load("promotions")。')
    t = table if campaign is None else table[table["campaign"].astype(str).str.contains(campaign, regex=False)]
    if t.empty:
        raise RuleError(f"促销规则表中没有活动名称包含“{campaign}”的规则。")
    t = t.sort_values("apply_order", kind="stable")
    dicts, order = [], []
    for row in t.to_dict("records"):
        kind = TYPE_ALIASES.get(str(row.get("type")))
        d = _table_row_rule(kind, {k: _cell(v) for k, v in row.items()})
        if d is None:
            continue
        dicts.append(d)
        if kind in PRICE_TYPES and kind not in order:
            order.append(kind)
    starts = [_cell(v) for v in t["start"]] if "start" in t else []
    ends = [_cell(v) for v in t["end"]] if "end" in t else []
    start = min((when(v) for v in starts if v is not None), default=None)
    end = max((when(v, end=True) for v in ends if v is not None), default=None)
    return RuleSet.from_dicts(dicts, order=order or None, start=start, end=end)


def _cell(v: Any) -> Any:
    """A table cell, None when empty (NaN, NaT)."""
    import pandas as pd

    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else v


def _table_row_rule(kind: str | None, row: dict) -> dict | None:
    """A row of the shop's promotions table as a what-if dict; None for rows that are no rule of that format
    (活动价 is the unit price itself; 阶梯价 is not in the shop's table)."""
    repeat = bool(row.get("repeatable") or False)
    if kind == FULL_REDUCTION:
        return {"type": kind, "threshold": row.get("threshold"), "amount": row.get("amount"), "repeat": repeat}
    if kind == NTH_DISCOUNT:
        return {"type": kind, "n": row.get("n"), "discount": row.get("discount"), "repeat": repeat}
    if kind == GIFT:
        return {
            "type": "赠品",
            "limit": row.get("limit"),
            "gift": row.get("gift_name") or "赠品",
            "gift_cost": row.get("gift_cost") or 0,
        }
    if kind == TIME_DISCOUNT:
        return {"type": kind, "discount": row.get("discount"), "start": row.get("start"), "end": row.get("end")}
    return None


def price_cart(rules: RuleSet | Iterable[dict], cart: Any, at: Any = None, buyer_rank: int | None = 1) -> Quote:
    """Shortcut: price ``cart`` under ``rules`` (a RuleSet or what-if style dicts)."""
    rs = rules if isinstance(rules, RuleSet) else RuleSet.from_dicts(rules)
    return rs.price(cart, at=at, buyer_rank=buyer_rank)
