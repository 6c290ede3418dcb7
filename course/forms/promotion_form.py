"""The promotion-rule form (促销规则设置): the back-office page where an operator
sets a campaign's rules, their stacking, the stock alert, and publishes the rule text.

* rules are rows (a ``Repeat`` field): 类型, 门槛/件数/名额, 减免/折扣, 开始/结束时间
  (限时折扣), 可叠加; several 满减 rows are the tiers of one 满减 (满399减50, 满799减120),
  several 阶梯价 rows the tiers of one 阶梯价;
* 叠加顺序 (typed as 限时折扣 > 阶梯价 > 第N件折扣 > 满减), 库存预警线 (件), the gift's
  name, stock and cost;
* the form writes the public rule text (``rule_text``) and checks it with
  ``course.tools.campaign.check_rule_text``: every threshold, amount, date and
  limit present; no 「最终解释权归平台所有」; no absolute words; no contradiction
  (gift limit above gift stock, a time window outside the campaign, overlapping
  windows).  A student may write their own text in 「公示文案」; it is checked the same way;
* ``to_whatif()`` exports the rules in the list-of-dicts format of ``datasets.whatif``
  and of ``RuleSet.from_dicts``.

Everything typed is kept as typed, also when it is wrong ("6月18日", "399元", -50):
the messages say what to change.

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
from ..tools import promotion as P
from ..tools.campaign import check_rule_text, rule_text
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

RULES_HELP = ("每行一条：满减 填 门槛 399、减免 50（多档就写多行）；第N件折扣 填 N=2、折扣 0.5；"
              "前N名赠品 填 名额 100（赠品名称、库存、成本写在下面）；限时折扣 填 折扣 0.9 和起止时间；"
              "阶梯价 填 起始件数 2、折扣 0.95（多档写多行）。时间写成 2026-06-18 00:00。")


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


def rule_dicts(values: dict) -> tuple[list[dict], list[str]]:
    """The rules of saved form values as what-if dicts, plus the problems of the rows."""
    out, problems = [], []
    rows = (values or {}).get("rules") or []
    gift_rows = 0
    for i, row in enumerate(rows, 1):
        kind = row.get("type")
        where = f"第 {i} 条规则（{kind}）"
        p1, p2 = row.get("p1"), row.get("p2")
        stack = bool(row.get("stack", True))
        lab1, lab2 = PARAMS.get(kind, ("参数1", "参数2"))
        try:
            if kind == P.FULL_REDUCTION:
                if _blank(p1) or _blank(p2):
                    raise P.RuleError(f"{where}：请填写{lab1}和{lab2}，如 399 和 50。")
                out.append({"type": kind, "threshold": float(P.money(p1, f"{where}{lab1}")),
                            "amount": float(P.money(p2, f"{where}{lab2}")), "stack": stack})
            elif kind == P.NTH_DISCOUNT:
                if _blank(p1) or _blank(p2):
                    raise P.RuleError(f"{where}：请填写{lab1}和{lab2}，如 2 和 0.5。")
                out.append({"type": kind, "n": P._int(p1, f"{where}{lab1}", 1),
                            "discount": float(P.rate(p2, f"{where}{lab2}", allow_zero=True)), "stack": stack})
            elif kind == P.GIFT:
                gift_rows += 1
                if _blank(p1):
                    raise P.RuleError(f"{where}：请填写{lab1}，如 100。")
                d = {"type": "赠品", "limit": P._int(p1, f"{where}{lab1}", 1),
                     "gift": (values.get("gift_name") or "赠品"),
                     "gift_cost": float(values["gift_cost"]) if values.get("gift_cost") is not None else 0.0,
                     "stack": stack}
                if values.get("gift_stock") is not None:
                    d["stock"] = int(values["gift_stock"])
                if not _blank(p2):
                    d["threshold"] = float(P.money(p2, f"{where}{lab2}"))
                out.append(d)
            elif kind == P.TIME_DISCOUNT:
                if _blank(p2):
                    raise P.RuleError(f"{where}：请填写{lab2}。")
                if _blank(row.get("start")) or _blank(row.get("end")):
                    raise P.RuleError(f"{where}：限时折扣要填写开始时间和结束时间，如 2026-06-18 00:00 和 2026-06-18 23:59。")
                r = P.rate(p2, f"{where}{lab2}")
                out.append({"type": kind, "discount": float(r),
                            "start": P.fmt_time(P.when(row.get("start"), f"{where}开始时间")),
                            "end": P.fmt_time(P.when(row.get("end"), f"{where}结束时间", end=True)), "stack": stack})
            elif kind == P.TIER_PRICE:
                if _blank(p1) or _blank(p2):
                    raise P.RuleError(f"{where}：请填写{lab1}和{lab2}，如 2 和 0.95。")
                out.append({"type": kind, "tiers": [[P._int(p1, f"{where}{lab1}", 1),
                                                     float(P.rate(p2, f"{where}{lab2}"))]], "stack": stack})
            else:
                problems.append(f"第 {i} 条规则：请选择规则类型（{'、'.join(P.RULE_TYPES)}）。")
        except P.RuleError as exc:
            problems.extend(exc.problems)
    if gift_rows > 1:
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
    rs = P.RuleSet.from_dicts(dicts, order=values.get("order") or P.DEFAULT_ORDER,
                              start=values.get("start"), end=values.get("end"))
    return rs


def public_text(values: dict) -> str:
    """The rule text the shop publishes: the student's own 公示文案, or the generated one."""
    own = (values or {}).get("custom_text")
    if own and str(own).strip():
        return str(own).strip()
    rs = rules_from_values(values)
    return rule_text(rs, title=values.get("title") or "", audience=values.get("audience") or "")


def check_values(values: dict) -> list[str]:
    """Every problem of saved promotion-form values (rules, contradictions, rule text)."""
    if values is None:
        return ["表单还没有保存。"]
    dicts, problems = rule_dicts(values)
    if not dicts and not problems:
        return ["还没有设置任何优惠规则：至少写一条（如 满减 399 / 50）。"]
    rs = None
    try:
        rs = P.RuleSet.from_dicts(dicts, order=values.get("order") or P.DEFAULT_ORDER,
                                  start=values.get("start"), end=values.get("end"))
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
    if out:
        return out
    try:
        text = public_text(values)
    except CourseError as exc:
        return [str(exc)]
    where = "公示文案" if (values.get("custom_text") or "").strip() else "生成的规则文案"
    for f in check_rule_text(text, rs):
        # the rules' own contradictions were reported above
        if f.category == "前后矛盾" and any(f.message == p for p in out):
            continue
        out.append(f"{where}{f}")
    return out


class PromotionForm(Form):
    """促销规则设置：规则行 + 叠加顺序 + 赠品 + 库存预警 → 公示文案（自动检查）。"""

    key = "promotion_rules"
    title = "促销规则设置"
    description = ("像在店铺后台“营销工具”里一样设置活动规则。保存后自动生成对外公示的规则文案，"
                   "并检查：门槛、金额、日期、名额是否都写清楚；有没有“最终解释权”等违规条款、绝对化用语；"
                   "规则之间有没有矛盾。")

    def __init__(self, key: str | None = None):
        fields = [
            Text("title", "活动名称", placeholder="如：新人大促·焕新家限时直降", max_len=30),
            Text("audience", "参与对象", placeholder="如：店铺新客（首次下单的用户）", required=False),
            When("start", "活动开始时间", placeholder="2026-06-15 00:00"),
            When("end", "活动结束时间", end=True, placeholder="2026-06-20 23:59"),
            Repeat("rules", "优惠规则", help=RULES_HELP, min_rows=1, max_rows=12, add_label="添加一条规则",
                   default=[{"type": "", "stack": True}],
                   fields=[Choice("type", "类型", options=list(P.RULE_TYPES)),
                           Text("p1", "门槛/件数/名额", required=False, placeholder="如 399"),
                           Text("p2", "减免/折扣", required=False, placeholder="如 50 或 0.5"),
                           Text("start", "开始时间（限时折扣）", required=False, placeholder="2026-06-18 00:00"),
                           Text("end", "结束时间（限时折扣）", required=False, placeholder="2026-06-18 23:59"),
                           Check("stack", "可叠加", default=True)]),
            Text("order", "叠加顺序", default=DEFAULT_ORDER_TEXT,
                 help="价格优惠的计算顺序，用 > 分隔；赠品不影响价格，不用排"),
            Text("gift_name", "赠品名称", required=False, placeholder="如：定制收纳盒"),
            Number("gift_stock", "赠品库存（件）", required=False, integer=True, minimum=0, unit="件"),
            Number("gift_cost", "赠品单件成本（元）", required=False, decimals=2, minimum=0, unit="元"),
            Number("stock_alert", "库存预警线（件）", integer=True, minimum=1, unit="件",
                   help="库存低于该数量时商品自动下架（按活动要求填写）"),
            TextArea("custom_text", "公示文案（可选）", required=False, rows=6,
                     help="留空 = 使用自动生成的文案；自己写的文案同样会被检查"),
        ]
        super().__init__(key or self.key, self.title, fields)

    # -- rules ---------------------------------------------------------------------
    def parse(self, raw: dict) -> tuple[dict, list[str]]:
        """Field problems and rule problems together, so one save lists everything to fix."""
        values, problems = self.parse_fields(raw)
        rule_probs = self.check(values)
        if problems:
            # a field typed wrong already has its message; skip follow-on messages about it
            rule_probs = [p for p in rule_probs if "请填写活动开始时间" not in p and "文案" not in p]
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

    def rule_text(self, values: dict | None = None) -> str:
        """The public rule text (the student's own, or generated from the rules)."""
        return public_text(self._values_or_raise(values))

    # -- live preview ---------------------------------------------------------------
    def preview(self, values: dict, raw: dict) -> str:
        dicts, problems = rule_dicts(values if values.get("rules") else {"rules": []})
        if not dicts:
            return "<div style='color:#888'>（填写规则后，这里显示自动生成的公示文案）</div>"
        try:
            text = public_text({**values, "custom_text": ""}) if not problems else ""
        except CourseError as exc:
            return f"<div style='color:#b30000'>{html.escape(str(exc))}</div>"
        if not text:
            return "<div style='color:#b35900'>规则还有需要修改的地方，保存后会列出。</div>"
        return ("<div class='course-rule-text'><b>自动生成的公示文案（可复制到「公示文案」中修改）：</b>"
                f"<pre style='white-space:pre-wrap;background:#f7f7f7;padding:6px'>{html.escape(text)}</pre></div>")
