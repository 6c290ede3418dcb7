"""The module-2 back-office forms: promotion rules (促销规则设置), the public rule
text (活动规则公示), and the rule adjustment of the margin exercise (规则调整).

* ``PromotionForm`` — rules are rows (a ``Repeat`` field): 类型, 门槛/件数/名额, 减免/折扣,
  开始/结束时间 (限时折扣), 可叠加; several 满减 rows are the tiers of one 满减
  (满399减50, 满799减120), several 阶梯价 rows the tiers of one 阶梯价; 叠加顺序 (typed as
  限时折扣 > 阶梯价 > 第N件折扣 > 满减), 库存预警线 (件), the gift's name, stock and cost.
  Saving checks the rules and their contradictions (gift limit above gift stock,
  a time window outside the campaign, overlapping windows) and previews them as
  the back office lists them.  ``to_whatif()`` exports the rules in the format of
  ``datasets.whatif`` and ``RuleSet.from_dicts``.
* ``RuleTextForm`` — the public rule text a person writes, starting from a
  colleague's draft (``course.tools.campaign.draft_rule_text``); saving lists what
  ``check_rule_text`` finds.  The course generates no rule text: writing it is the task.
* ``AdjustForm`` — new parameters for 第N件折扣 and 满减; the preview shows the
  campaign's 活动毛利率 and 净利率 under them (``course.tools.carts.blended_rates``).

Everything typed is kept as typed, also when it is wrong ("6月18日", "399元", -50):
the messages say what to change.  ``rule_facts`` / ``adjust_*`` read saved values
as plain facts for the graded checks.

>>> import course
>>> _ = course.start("module2_campaign", "doc_promotion_form", quiet=True)
>>> f = PromotionForm()
>>> probs = f.submit({"title": "新人大促·焕新家限时直降", "start": "2026-06-15 00:00", "end": "2026-06-20 23:59",
...     "rules": [{"type": "满减", "p1": "399", "p2": "0", "start": "", "end": "", "stack": True}]})
>>> "满减：减免金额必须大于 0 元，现在是 0。" in probs, "库存预警线（件）：必填，请填写。" in probs
(True, True)
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from ..messages import CourseError
from ..money import yuan
from ..tools import promotion as P
from .base import Form
from .fields import Check, Choice, Field, Number, Repeat, Text, TextArea

DEFAULT_ORDER_TEXT = " > ".join(P.DEFAULT_ORDER)

#: what the two parameter columns mean for each rule type
PARAMS = {
    P.FULL_REDUCTION: ("门槛（元）", "减免（元）"),
    P.NTH_DISCOUNT: ("第几件 N", "折扣（半价写 0.5）"),
    P.GIFT: ("名额（前 N 名）", "领取门槛（元，可空）"),
    P.TIME_DISCOUNT: ("（不填）", "折扣（9折写 0.9）"),
    P.TIER_PRICE: ("起始件数", "折扣（95折写 0.95）"),
}

RULES_HELP = (
    "每行一条，例如：满减 填 门槛 299、减免 30（多档就写多行）；第N件折扣 填 N=3、折扣 0.8；"
    "前N名赠品 填 名额 50（赠品名称、库存、成本写在下面）；限时折扣 填 折扣 0.9 和起止时间；"
    "阶梯价 填 起始件数 2、折扣 0.95（多档写多行）。时间写成 2026-06-18 00:00。"
)


@dataclass
class When(Field):
    """A point in time typed as 2026-06-18 20:00 (a bare date means 00:00, or 23:59:59 for an end)."""

    end: bool = False
    placeholder: str = "2026-06-18 00:00"

    def convert(self, raw):
        try:
            t = P.when(raw, self.label, end=self.end)
        except P.RuleError as exc:
            return None, str(exc)
        return P.fmt_time(t) if t.second == 0 else t.isoformat(sep=" "), None


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _stacks(row: dict) -> bool:
    """可叠加 is ticked unless the row says otherwise."""
    return bool(row.get("stack", True))


def _full_reduction_rule(row: dict, where: str, values: dict) -> dict:
    """满减: threshold and amount, both money."""
    (lab1, lab2), p1, p2 = PARAMS[P.FULL_REDUCTION], row.get("p1"), row.get("p2")
    if _blank(p1) or _blank(p2):
        raise P.RuleError(f"{where}：请填写{lab1}和{lab2}，如 399 和 50。")
    return {
        "type": P.FULL_REDUCTION,
        "threshold": float(P.money(p1, f"{where}{lab1}")),
        "amount": float(P.money(p2, f"{where}{lab2}")),
        "stack": _stacks(row),
    }


def _nth_discount_rule(row: dict, where: str, values: dict) -> dict:
    """第N件折扣: which item (N ≥ 1) and its discount (0 = free)."""
    (lab1, lab2), p1, p2 = PARAMS[P.NTH_DISCOUNT], row.get("p1"), row.get("p2")
    if _blank(p1) or _blank(p2):
        raise P.RuleError(f"{where}：请填写{lab1}和{lab2}，如 2 和 0.5。")
    return {
        "type": P.NTH_DISCOUNT,
        "n": P.whole_number(p1, f"{where}{lab1}", 1),
        "discount": float(P.rate(p2, f"{where}{lab2}", allow_zero=True)),
        "stack": _stacks(row),
    }


def _gift_rule(row: dict, where: str, values: dict) -> dict:
    """前N名赠品: the row gives the places and an optional threshold; the gift itself
    (name, cost, stock) is typed once below the rows, so it comes from ``values``."""
    (lab1, lab2), p1, p2 = PARAMS[P.GIFT], row.get("p1"), row.get("p2")
    if _blank(p1):
        raise P.RuleError(f"{where}：请填写{lab1}，如 100。")
    d = {
        "type": "赠品",
        "limit": P.whole_number(p1, f"{where}{lab1}", 1),
        "gift": (values.get("gift_name") or "赠品"),
        "gift_cost": float(values["gift_cost"]) if values.get("gift_cost") is not None else 0.0,
        "stack": _stacks(row),
    }
    if values.get("gift_stock") is not None:
        d["stock"] = int(values["gift_stock"])
    if not _blank(p2):
        d["threshold"] = float(P.money(p2, f"{where}{lab2}"))
    return d


def _time_discount_rule(row: dict, where: str, values: dict) -> dict:
    """限时折扣: a discount and the window it holds in (both ends required)."""
    lab2, p2 = PARAMS[P.TIME_DISCOUNT][1], row.get("p2")
    if _blank(p2):
        raise P.RuleError(f"{where}：请填写{lab2}。")
    if _blank(row.get("start")) or _blank(row.get("end")):
        raise P.RuleError(f"{where}：限时折扣要填写开始时间和结束时间，如 2026-06-18 00:00 和 2026-06-18 23:59。")
    r = P.rate(p2, f"{where}{lab2}")
    return {
        "type": P.TIME_DISCOUNT,
        "discount": float(r),
        "start": P.fmt_time(P.when(row.get("start"), f"{where}开始时间")),
        "end": P.fmt_time(P.when(row.get("end"), f"{where}结束时间", end=True)),
        "stack": _stacks(row),
    }


def _tier_price_rule(row: dict, where: str, values: dict) -> dict:
    """阶梯价: one tier per row (from how many items, at what discount)."""
    (lab1, lab2), p1, p2 = PARAMS[P.TIER_PRICE], row.get("p1"), row.get("p2")
    if _blank(p1) or _blank(p2):
        raise P.RuleError(f"{where}：请填写{lab1}和{lab2}，如 2 和 0.95。")
    return {
        "type": P.TIER_PRICE,
        "tiers": [[P.whole_number(p1, f"{where}{lab1}", 1), float(P.rate(p2, f"{where}{lab2}"))]],
        "stack": _stacks(row),
    }


#: rule type -> reader of one form row (raises RuleError with the row's problems)
RULE_READERS = {
    P.FULL_REDUCTION: _full_reduction_rule,
    P.NTH_DISCOUNT: _nth_discount_rule,
    P.GIFT: _gift_rule,
    P.TIME_DISCOUNT: _time_discount_rule,
    P.TIER_PRICE: _tier_price_rule,
}


def _reader_for(kind):
    """The reader of a rule type, or None when no type (or an unknown one) was chosen."""
    # compared with ==, not looked up, so that any typed value is simply "unknown"
    return next((read for k, read in RULE_READERS.items() if kind == k), None)


def rule_dicts(values: dict) -> tuple[list[dict], list[str]]:
    """The rules of saved form values as what-if dicts, plus the problems of the rows."""
    out, problems = [], []
    rows = (values or {}).get("rules") or []
    for i, row in enumerate(rows, 1):
        kind = row.get("type")
        read = _reader_for(kind)
        if read is None:
            problems.append(f"第 {i} 条规则：请选择规则类型（{'、'.join(P.RULE_TYPES)}）。")
            continue
        try:
            out.append(read(row, f"第 {i} 条规则（{kind}）", values))
        except P.RuleError as exc:
            problems.extend(exc.problems)
    if sum(1 for row in rows if _reader_for(row.get("type")) is _gift_rule) > 1:
        problems.append("前N名赠品只能设置一条。")
    return out, problems


def rules_from_values(values: dict) -> P.RuleSet:
    """The RuleSet of saved form values (raises RuleError listing every problem)."""
    if values is None:
        raise CourseError("促销规则表单还没有保存：请先填写并保存上面的表单。")
    dicts, problems = rule_dicts(values)
    if problems:
        raise P.RuleError(problems)
    if not dicts:
        raise P.RuleError("还没有设置任何优惠规则。")
    rs = P.RuleSet.from_dicts(
        dicts, order=values.get("order") or P.DEFAULT_ORDER, start=values.get("start"), end=values.get("end")
    )
    return rs


def check_values(values: dict) -> list[str]:
    """Every problem of saved promotion-form values (fields, rules, contradictions)."""
    if values is None:
        return ["表单还没有保存。"]
    dicts, problems = rule_dicts(values)
    if not dicts and not problems:
        return ["还没有设置任何优惠规则：至少写一条（如 满减 399 / 50）。"]
    rs = None
    try:
        rs = P.RuleSet.from_dicts(
            dicts, order=values.get("order") or P.DEFAULT_ORDER, start=values.get("start"), end=values.get("end")
        )
    except P.RuleError as exc:
        problems.extend(exc.problems)
        try:  # the order was the trouble: still check the rules themselves
            rs = P.RuleSet.from_dicts(dicts, start=values.get("start"), end=values.get("end"))
        except P.RuleError:
            rs = None
    out = list(problems)
    if rs is not None:
        out.extend(p for p in rs.problems() if p not in out)
    if not values.get("start") or not values.get("end"):
        out.append("请填写活动开始时间和结束时间。")
    gifts = [d for d in dicts if d["type"] == "赠品"]
    if gifts and values.get("gift_stock") is None:
        out.append("设置了前N名赠品，请填写赠品库存（件），用来核对名额是否超过库存。")
    if gifts and not values.get("gift_name"):
        out.append("设置了前N名赠品，请填写赠品名称（如 定制收纳盒）。")
    return out


class PromotionForm(Form):
    """促销规则设置：规则行 + 叠加顺序 + 赠品 + 库存预警（保存时检查规则之间有没有矛盾）。"""

    key = "promotion_rules"
    title = "促销规则设置"
    description = (
        "像在店铺后台“营销工具”里一样设置活动规则。保存后检查：每条规则的参数是否合法、"
        "规则之间有没有矛盾（赠品名额超过库存、限时折扣超出活动时间等），并按后台的格式列出规则。"
    )

    def __init__(self, key: str | None = None):
        fields = [
            Text("title", "活动名称", placeholder="如：新人大促·焕新家限时直降", max_len=30),
            When("start", "活动开始时间", placeholder="2026-06-15 00:00"),
            When("end", "活动结束时间", end=True, placeholder="2026-06-20 23:59"),
            Repeat(
                "rules",
                "优惠规则",
                help=RULES_HELP,
                min_rows=1,
                max_rows=12,
                add_label="添加一条规则",
                default=[{"type": "", "stack": True}],
                fields=[
                    Choice("type", "类型", options=list(P.RULE_TYPES)),
                    Text("p1", "门槛/件数/名额", required=False, placeholder="如 299"),
                    Text("p2", "减免/折扣", required=False, placeholder="如 30 或 0.8"),
                    Text("start", "开始时间（限时折扣）", required=False, placeholder="2026-06-18 00:00"),
                    Text("end", "结束时间（限时折扣）", required=False, placeholder="2026-06-18 23:59"),
                    Check("stack", "可叠加", default=True),
                ],
            ),
            Text(
                "order",
                "叠加顺序",
                default=DEFAULT_ORDER_TEXT,
                help="价格优惠的计算顺序，用 > 分隔；赠品不影响价格，不用排",
            ),
            Text("gift_name", "赠品名称", required=False, placeholder="如：定制收纳盒"),
            Number("gift_stock", "赠品库存（件）", required=False, integer=True, minimum=0, unit="件"),
            Number("gift_cost", "赠品单件成本（元）", required=False, decimals=2, minimum=0, unit="元"),
            Number(
                "stock_alert",
                "库存预警线（件）",
                integer=True,
                minimum=1,
                unit="件",
                help="库存低于该数量时商品自动下架（按活动要求填写）",
            ),
        ]
        super().__init__(key or self.key, self.title, fields)

    def parse(self, raw: dict) -> tuple[dict, list[str]]:
        """Field problems and rule problems together, so one save lists everything to fix."""
        values, problems = self.parse_fields(raw)
        rule_probs = self.check(values)
        if problems:
            # a field typed wrong already has its message; skip follow-on messages about it
            rule_probs = [p for p in rule_probs if "请填写活动开始时间" not in p]
        problems.extend(p for p in rule_probs if p not in problems)
        return values, problems

    def check(self, values: dict) -> list[str]:
        return check_values(values)

    def _values_or_raise(self, values: dict | None) -> dict:
        v = values if values is not None else self.values
        if v is None:
            raise CourseError("促销规则表单还没有保存：请先填写并点击「保存」。")
        return v

    def rules(self, values: dict | None = None) -> P.RuleSet:
        """The saved rules as a RuleSet for ``promotion.price``."""
        return rules_from_values(self._values_or_raise(values))

    def to_whatif(self, values: dict | None = None, *, campaign_price: bool = False) -> list[dict]:
        """The saved rules in the what-if format: [{"type": "满减", "threshold": 399, "amount": 50}, ...].

        ``campaign_price=True`` puts ``{"type": "活动价"}`` first, which ``datasets.whatif.project``
        needs to price at the SKUs' 618 活动价 (the engine takes the unit price from the cart).
        """
        out = self.rules(values).to_dicts()
        return ([{"type": "活动价"}] + out) if campaign_price else out

    def preview(self, values: dict, raw: dict) -> str:
        dicts, problems = rule_dicts(values if values.get("rules") else {"rules": []})
        if not dicts:
            return "<div style='color:#888'>（填写规则后，这里按后台的格式列出规则）</div>"
        try:
            text = rules_from_values(values).describe() if not problems else ""
        except CourseError as exc:
            return f"<div style='color:#b30000'>{html.escape(str(exc))}</div>"
        if not text:
            return "<div style='color:#b35900'>规则还有需要修改的地方，保存后会列出。</div>"
        return (
            "<div class='course-rule-list'><b>后台规则列表：</b>"
            f"<pre style='white-space:pre-wrap;background:#f7f7f7;padding:6px'>{html.escape(text)}</pre></div>"
        )


# -- facts of saved rules (the graded checks read these) ----------------------------------


def rules_usable(values: Any) -> bool:
    """The saved rules can price a cart (every row readable, no rule invalid)."""
    try:
        return not rules_from_values(values).problems()
    except (CourseError, TypeError, AttributeError):
        return False


def rules_ok(values: Any) -> bool:
    """The form has nothing left to fix."""
    return isinstance(values, dict) and not check_values(values)


def rule_facts(values: Any) -> dict:
    """Saved promotion values as plain facts: 活动时间, 满减 (满399减50), 第N件折扣 (第2件×0.5),
    赠品 (前100名·定制收纳盒), 赠品库存与成本 (120件·8.00元), 叠加顺序 (第N件折扣>满减)."""
    if not isinstance(values, dict):
        return {}
    out: dict[str, Any] = {}
    try:
        start, end = P.when(values.get("start")), P.when(values.get("end"), end=True)
        out["活动时间"] = f"{P.fmt_time(start)} 至 {P.fmt_time(end)}"
    except (CourseError, TypeError):
        pass
    try:
        rs = rules_from_values(values)
    except (CourseError, TypeError, AttributeError):
        return out
    return {**out, **ruleset_facts(rs, stock=values.get("gift_stock"))}


def ruleset_facts(rs: P.RuleSet, stock: Any = None) -> dict:
    """The facts of a rule set (also of the shop's rules: what a right form says)."""
    out: dict[str, Any] = {}
    for r in rs.rules:
        if isinstance(r, P.FullReduction):
            tiers = "、".join(f"满{P.fmt_money(t)}减{P.fmt_money(a)}" for t, a in sorted(r.tiers))
            out["满减"] = tiers + ("（每满）" if r.repeat else "")
        elif isinstance(r, P.NthDiscount):
            out["第N件折扣"] = f"第{r.n}件×{r.rate.normalize()}" + ("（每N件）" if r.repeat else "")
        elif isinstance(r, P.Gift):
            out["赠品"] = f"前{r.limit}名·{r.gift}"
            if stock is not None:
                out["赠品库存与成本"] = f"{int(stock)}件·{r.gift_cost:.2f}元"
    kinds = [k for k in rs.order if k in (P.NTH_DISCOUNT, P.FULL_REDUCTION)]
    out["叠加顺序"] = ">".join(kinds)
    return out


# -- the public rule text ------------------------------------------------------------


class RuleTextForm(Form):
    """活动规则公示文案：从同事的草稿改起，保存时按《活动规则检查》列出问题。"""

    key = "rule_text"
    title = "活动规则公示文案"
    description = (
        "同事写了一版公示文案（已填在下面）。请直接在框里修改成可以对顾客公示的版本，然后保存："
        "保存后会列出还缺的信息、违规条款、绝对化用语和与后台规则矛盾的地方。"
    )

    def __init__(self, key: str | None = None):
        from ..tools.campaign import draft_rule_text

        fields = [
            TextArea(
                "text",
                "公示文案",
                rows=9,
                default=draft_rule_text(),
                help="写清活动时间、每条优惠的门槛/金额/折扣/名额/赠品，以及顾客容易误解的地方",
            )
        ]
        super().__init__(key or self.key, self.title, fields)

    def check(self, values: dict) -> list[str]:
        from ..tools.campaign import check_rule_text, shop_rules

        return [str(f) for f in check_rule_text(values.get("text") or "", shop_rules())]


# -- adjusting the rules (练习02) ---------------------------------------------------------


class AdjustForm(Form):
    """规则调整：改第N件折扣和满减的参数，看活动毛利率和净利率怎么变。"""

    key = "rule_adjust"
    title = "规则调整（让利试算）"

    def __init__(self, key: str | None = None):
        from .. import settings
        from ..text import show

        lo, hi = (settings.threshold("campaign", k) for k in ("margin_target_min", "margin_target_max"))
        self.description = (
            f"只调参数，不取消玩法：改第二件的折扣、满减的门槛和金额。下方实时显示新规则下活动整体的"
            f"活动毛利率（目标 {show(lo, 'share')}-{show(hi, 'share')}）和净利率。赠品照旧。"
        )
        shop = _shop_params()
        fields = [
            Number(
                "nth_rate",
                f"第{shop['n']}件的折扣（半价写 0.5，8折写 0.8）",
                minimum=0,
                maximum=1,
                decimals=2,
                default=shop["rate"],
            ),
            Number("threshold", "满减门槛（元）", minimum=1, decimals=2, unit="元", default=shop["threshold"]),
            Number("amount", "满减金额（元）", minimum=0.01, decimals=2, unit="元", default=shop["amount"]),
        ]
        super().__init__(key or self.key, self.title, fields)

    def check(self, values: dict) -> list[str]:
        try:
            rs = P.RuleSet.from_dicts(adjust_rules(values))
        except P.RuleError as exc:
            return list(exc.problems)
        return rs.problems()

    def preview(self, values: dict, raw: dict) -> str:
        if self.check(values):
            return "<div style='color:#b35900'>参数还有需要修改的地方，保存后会列出。</div>"
        return f"<div class='course-adjust-preview'>{html.escape(adjust_summary(values))}</div>"

    def to_whatif(self, values: dict | None = None) -> list[dict]:
        """The adjusted rules in the what-if format (with the 活动价 row first)."""
        v = values if values is not None else self.values
        if v is None:
            raise CourseError("规则调整表单还没有保存：请先填写并点击「保存」。")
        return [{"type": "活动价"}] + adjust_rules(v)


def _shop_params() -> dict:
    from ..tools.campaign import shop_rules

    out = {"n": 2, "rate": None, "threshold": None, "amount": None, "gift": None}
    for r in shop_rules().rules:
        if isinstance(r, P.NthDiscount):
            out.update(n=r.n, rate=float(r.rate))
        elif isinstance(r, P.FullReduction):
            t, a = sorted(r.tiers)[0]
            out.update(threshold=float(t), amount=float(a))
        elif isinstance(r, P.Gift):
            out["gift"] = r.to_dict()
    return out


def adjust_rules(values: Any) -> list[dict]:
    """The rules of saved adjustment values: the shop's rules with the new parameters."""
    if not isinstance(values, dict):
        raise CourseError("规则调整表单还没有保存：请先填写并点击「保存」。")
    shop = _shop_params()
    missing = [k for k in ("nth_rate", "threshold", "amount") if values.get(k) is None]
    if missing:
        raise CourseError("规则调整表单还有没填好的项：第N件折扣、满减门槛、满减金额都要填写数字。")
    out = [
        {"type": P.NTH_DISCOUNT, "n": shop["n"], "discount": float(values["nth_rate"])},
        {"type": P.FULL_REDUCTION, "threshold": float(values["threshold"]), "amount": float(values["amount"])},
    ]
    return out + ([shop["gift"]] if shop["gift"] else [])


def adjust_summary(values: Any) -> str:
    """One line: the campaign's 活动毛利率 and 净利率 under the adjusted rules, against the target."""
    from .. import settings
    from ..text import show
    from ..tools.carts import blended_rates

    r = blended_rates(adjust_rules(values))
    lo, hi = (settings.threshold("campaign", k) for k in ("margin_target_min", "margin_target_max"))
    where = (
        "在目标区间内"
        if lo <= r["活动毛利率"] <= hi
        else ("低于目标下限：让利太深" if r["活动毛利率"] < lo else "高于目标上限：让利偏浅")
    )
    return (
        f"新规则下：活动毛利率 {show(r['活动毛利率'], 'share')}（{where}，目标 "
        f"{show(lo, 'share')}-{show(hi, 'share')}），"
        f"净利率 {show(r['净利率'], 'share')}，典型订单平均优惠 {yuan(r['加权优惠金额'])}。"
    )


def adjust_ok(values: Any) -> bool:
    """The adjusted rules are valid and still give a real discount on some typical cart."""
    from ..tools.carts import blended_rates

    try:
        if P.RuleSet.from_dicts(adjust_rules(values)).problems():
            return False
        return blended_rates(adjust_rules(values))["加权优惠金额"] > 0
    except (CourseError, TypeError, ValueError):
        return False


def adjust_in_target(values: Any) -> bool:
    """The campaign's 活动毛利率 under the adjusted rules is inside the target band (settings)."""
    from .. import settings
    from ..tools.carts import blended_rates

    if not adjust_ok(values):
        return False
    m = blended_rates(adjust_rules(values))["活动毛利率"]
    lo, hi = (settings.threshold("campaign", k) for k in ("margin_target_min", "margin_target_max"))
    return lo - 1e-9 <= m <= hi + 1e-9
