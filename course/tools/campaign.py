"""活动执行工具 · Campaign tools: phases, public rule text, table 2, pause flags, stock replay.

The back-office side of 模块二 (营销活动策划与落地执行):

* :func:`plan_phases` / :func:`check_phases` — 预热期 3 天 → 爆发期 1 天 → 返场期 2 天
  (the day counts are settings), contiguous, in order, dates typed as 年-月-日;
* :func:`rule_text` writes the public rule text (活动规则公示) of a rule set in
  Chinese; :func:`check_rule_text` checks any rule text: every threshold, amount,
  date and limit present, no 「最终解释权归平台所有」-style clause (关键控制点:
  规则明确无歧义), no absolute words (``course.tools.adwords``), no contradiction
  with the rules (a gift limit above gift stock, a time window outside the
  campaign, a 满减 in the text that the rules do not have);
* :func:`add_rates` — the arithmetic of 表2 营销活动效果跟踪表: 转化率(%) = 下单数 ÷ UV × 100;
  :func:`table2_sample` gives the table's three sample rows;
* :func:`pause_flags` — which channel-days break the course's pause rule
  (thresholds in ``course/settings.yaml``);
* :func:`replay_stock` — replay sales against stock with the stock alert
  (库存低于 10 件自动下架) and report when each SKU would be delisted.

>>> [ (p.name, str(p.start), p.days) for p in plan_phases("2026-06-18") ]
[('预热期', '2026-06-15', 3), ('爆发期', '2026-06-18', 1), ('返场期', '2026-06-19', 2)]
>>> add_rates(table2_sample())["转化率"].tolist()
[6.0, 8.0, 6.0]
"""
from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

from ..messages import CourseError
from .promotion import (FULL_REDUCTION, GIFT, NTH_DISCOUNT, TIER_PRICE, TIME_DISCOUNT, FullReduction, Gift,
                        NthDiscount, RuleSet, TierPrice, TimeDiscount, fmt_money, fmt_rate, fmt_time, when)

PHASE_NAMES = ("预热期", "爆发期", "返场期")
#: the shop's traffic channels (datasets/README.md)
CHANNELS = ("自然搜索", "付费广告", "平台首页推荐", "社群引流", "直播")
_PHASE_SETTING = {"预热期": "presale_days", "爆发期": "burst_days", "返场期": "encore_days"}


def _setting(name: str):
    from .. import settings

    return settings.threshold("campaign", name)


# -- dates and phases --------------------------------------------------------------

def parse_day(value: Any, label: str = "日期") -> _dt.date:
    """A day typed as 2026-06-18 (or 2026/6/18); 「6月18日」 gets a message, not a guess.

    >>> parse_day("2026/6/18")
    datetime.date(2026, 6, 18)
    >>> parse_day("6月18日")
    Traceback (most recent call last):
    ...
    course.messages.CourseError: 日期：“6月18日”没有年份，请写成“年-月-日”，例如 2026-06-18。
    """
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    if hasattr(value, "date") and callable(value.date):  # pandas Timestamp
        return value.date()
    s = unicodedata.normalize("NFKC", str(value or "")).strip()
    if not s:
        raise CourseError(f"{label}：请填写日期，例如 2026-06-18。")
    if "年" not in s and re.search(r"\d{1,2}\s*月\s*\d{1,2}\s*[日号]?", s):
        raise CourseError(f"{label}：“{value}”没有年份，请写成“年-月-日”，例如 2026-06-18。")
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?", s)
    if not m:
        raise CourseError(f"{label}：“{value}”不是日期，请写成“年-月-日”，例如 2026-06-18。")
    try:
        return _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise CourseError(f"{label}：“{value}”这一天不存在，请检查月份和日期。") from None


@dataclass(frozen=True)
class Phase:
    """One campaign phase; ``end`` is included."""

    name: str
    start: _dt.date
    end: _dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: Any) -> bool:
        d = parse_day(day)
        return self.start <= d <= self.end


def phase_days() -> dict[str, int]:
    """Days per phase from the settings (预热期 3, 爆发期 1, 返场期 2 by default)."""
    return {name: int(_setting(key)) for name, key in _PHASE_SETTING.items()}


def plan_phases(burst_day: Any, days: dict[str, int] | None = None) -> list[Phase]:
    """The three phases around the 爆发期 day (618 → 2026-06-18)."""
    d = days or phase_days()
    burst = parse_day(burst_day, "爆发期日期")
    pre_start = burst - _dt.timedelta(days=d["预热期"])
    burst_end = burst + _dt.timedelta(days=d["爆发期"] - 1)
    return [Phase("预热期", pre_start, burst - _dt.timedelta(days=1)),
            Phase("爆发期", burst, burst_end),
            Phase("返场期", burst_end + _dt.timedelta(days=1), burst_end + _dt.timedelta(days=d["返场期"]))]


def to_phases(rows: Iterable[Any]) -> list[Phase]:
    """Phases from Phase objects or dicts (阶段/phase, 开始日期/start, 结束日期/end)."""
    out, problems = [], []
    for i, r in enumerate(rows or [], 1):
        if isinstance(r, Phase):
            out.append(r)
            continue
        if not isinstance(r, dict):
            problems.append(f"第 {i} 个阶段：格式不对，应包含 阶段、开始日期、结束日期。")
            continue
        name = r.get("phase", r.get("阶段", r.get("name")))
        try:
            start = parse_day(r.get("start", r.get("开始日期", r.get("start_date"))), f"第 {i} 个阶段开始日期")
            end = parse_day(r.get("end", r.get("结束日期", r.get("end_date"))), f"第 {i} 个阶段结束日期")
        except CourseError as exc:
            problems.append(str(exc))
            continue
        out.append(Phase(str(name or ""), start, end))
    if problems:
        raise CourseError("\n".join(problems))
    return out


def check_phases(rows: Iterable[Any], days: dict[str, int] | None = None) -> list[str]:
    """Problems with a phase plan (Chinese); empty when 预热期 → 爆发期 → 返场期 are right."""
    try:
        phases = to_phases(rows)
    except CourseError as exc:
        return str(exc).split("\n")
    need = days or phase_days()
    out = []
    names = [p.name for p in phases]
    for n in PHASE_NAMES:
        if names.count(n) == 0:
            out.append(f"缺少{n}（活动分 预热期 → 爆发期 → 返场期 三个阶段）。")
        elif names.count(n) > 1:
            out.append(f"{n}出现了 {names.count(n)} 次，每个阶段只写一行。")
    for n in names:
        if n not in PHASE_NAMES:
            out.append(f"不认识的阶段“{n}”，可选：{'、'.join(PHASE_NAMES)}。")
    for p in phases:
        if p.end < p.start:
            out.append(f"{p.name}：结束日期 {p.end} 早于开始日期 {p.start}。")
        elif p.name in need and p.days != need[p.name]:
            out.append(f"{p.name}应为 {need[p.name]} 天，现在是 {p.days} 天（{p.start} 至 {p.end}）。")
    if out:
        return out
    ordered = sorted(phases, key=lambda p: p.start)
    if [p.name for p in ordered] != list(PHASE_NAMES):
        out.append("阶段顺序应为 预热期 → 爆发期 → 返场期。")
    for a, b in zip(ordered, ordered[1:]):
        if b.start <= a.end:
            out.append(f"{a.name}与{b.name}的日期重叠（{a.end} 与 {b.start}）。")
        elif b.start != a.end + _dt.timedelta(days=1):
            out.append(f"{a.name}（到 {a.end}）与{b.name}（从 {b.start}）之间空了几天，阶段应首尾相接。")
    return out


def phase_of(day: Any, phases: Iterable[Any]) -> str:
    """The phase a day falls in, or 日常."""
    d = parse_day(day)
    for p in to_phases(phases):
        if p.start <= d <= p.end:
            return p.name
    return "日常"


# -- the public rule text ------------------------------------------------------------

_CN_NUM = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


def _rule_sentence(r, order: tuple) -> str:
    if isinstance(r, TimeDiscount):
        return (f"限时折扣：{fmt_time(r.start)} 至 {fmt_time(r.end)} 期间下单，商品按活动价{fmt_rate(r.rate)}计价"
                f"（即活动价 × {r.rate}）。")
    if isinstance(r, TierPrice):
        parts = "，".join(f"购买{q}件及以上每件{fmt_rate(rt)}" for q, rt in sorted(r.tiers))
        return f"阶梯价：同一商品（同一规格）{parts}，只按已达到的较高一档计算，不重复打折。"
    if isinstance(r, NthDiscount):
        word = "半价（5折）" if r.rate == Decimal("0.5") else ("免费（0元）" if r.rate == 0 else fmt_rate(r.rate))
        tail = (f"第{2 * r.n}件、第{3 * r.n}件……以此类推" if r.repeat
                else f"第{r.n + 1}件起按原活动价")
        return (f"第{r.n}件{word}：同一商品（同一规格）购买{r.n}件及以上时，第{r.n}件按活动价的"
                f"{fmt_rate(r.rate) if r.rate else '0元'}计价，{tail}；不足{r.n}件不享受。")
    if isinstance(r, FullReduction):
        before = [k for k in order[: order.index(FULL_REDUCTION)]] if FULL_REDUCTION in order else []
        basis = f"按{'、'.join(before)}后的订单商品金额计算，" if before else "按订单商品金额计算，"
        if r.repeat:
            t, a = r.tiers[0]
            return f"满减：{basis}每满{fmt_money(t)}元减{fmt_money(a)}元，上不封顶。"
        tiers = "；".join(f"满{fmt_money(t)}元减{fmt_money(a)}元" for t, a in sorted(r.tiers))
        return f"满减：{basis}{tiers}（含门槛金额），每单只减一次；设有多档时按已达到的较高一档减。"
    if isinstance(r, Gift):
        cond = f"实付满{fmt_money(r.threshold)}元且" if r.threshold > 0 else ""
        return (f"前{r.limit}名赠品：活动期间{cond}按支付时间排名前{r.limit}名的订单赠送{r.gift}1个，"
                f"送完即止；订单取消的名额顺延。")
    return ""


def rule_text(rules: RuleSet, *, title: str = "", start: Any = None, end: Any = None,
              audience: str = "") -> str:
    """The public rule text (活动规则公示) of ``rules``, in Chinese.

    Every threshold, amount, date and limit of the rules is written out, the
    stacking order is stated, and there is no 「最终解释权」-style clause.
    """
    start_t = when(start, "活动开始时间") if start not in (None, "") else rules.start
    end_t = when(end, "活动结束时间", end=True) if end not in (None, "") else rules.end
    out = [f"【{title or '活动'}】活动规则"]
    n = 1
    if start_t and end_t:
        out.append(f"{_CN_NUM[n]}、活动时间：{fmt_time(start_t)} 至 {fmt_time(end_t)}。")
        n += 1
    if audience:
        out.append(f"{_CN_NUM[n]}、参与对象：{audience}。")
        n += 1
    out.append(f"{_CN_NUM[n]}、优惠内容：")
    n += 1
    listed = sorted((r for r in rules.rules if r.kind != GIFT),
                    key=lambda r: rules.order.index(r.kind) if r.kind in rules.order else 99)
    listed += [r for r in rules.rules if r.kind == GIFT]
    for i, r in enumerate(listed, 1):
        alone = "" if r.stack else "（本优惠不与其他优惠同享）"
        out.append(f"{i}. {_rule_sentence(r, rules.order)}{alone}")
    price_kinds = [k for k in rules.order if any(r.kind == k for r in rules.rules)]
    if price_kinds:
        stack_line = f"{_CN_NUM[n]}、叠加规则：以上价格优惠按 {' → '.join(price_kinds)} 的顺序依次计算"
        if any(not r.stack for r in rules.rules):
            stack_line += "；标注“不与其他优惠同享”的优惠不叠加，系统自动按对您更优惠的方案计价"
        out.append(stack_line + "；赠品不影响商品价格。")
        n += 1
    out.append(f"{_CN_NUM[n]}、退款说明：部分退货时，订单优惠按商品金额比例分摊到每件商品，按该商品分摊后的实付金额退款。")
    return "\n".join(out)


# -- checking a rule text -----------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    """One problem in a rule text: 类别 (缺少信息/违规条款/绝对化用语/前后矛盾), message, suggestion."""

    category: str
    message: str
    suggestion: str = ""

    def __str__(self) -> str:
        return f"[{self.category}] {self.message}" + (f" 建议：{self.suggestion}" if self.suggestion else "")


# clauses that take away the buyer's rights (关键控制点: 避免「最终解释权归平台所有」等违规表述;
# 《消费者权益保护法》第二十六条: 格式条款不得排除或限制消费者权利)
_CLAUSES = [
    (re.compile(r"(最终|最後|最后)?解释权[^。；;\n]*"), "“……解释权归……所有”是违规的格式条款，不能写进活动规则",
     "删除这句话；规则本身要写清楚，有疑问请联系客服"),
    (re.compile(r"(保留|有权)[^。；;\n]{0,12}(随时)?[^。；;\n]{0,6}(修改|调整|变更|取消|终止)[^。；;\n]*(权利|规则|活动)"),
     "单方面随时修改或取消活动的条款对消费者不公平，属于违规格式条款",
     "删除这句话；如需调整，写明调整会提前公告且不影响已下单的订单"),
    (re.compile(r"(概不退换|不退不换|恕不退换|一律不退)"), "“概不退换”排除了七天无理由退货的权利，不能写",
     "改为“支持七天无理由退货（定制商品除外）”"),
]


def _number_forms(d: Decimal) -> list[str]:
    s = fmt_money(d)
    forms = {s, f"{d:.2f}"}
    if "." not in s:
        forms.add(f"{s}.0")
    return sorted(forms, key=len, reverse=True)


def _has_number(text: str, d: Decimal) -> bool:
    for f in _number_forms(d):
        if re.search(rf"(?<![\d.]){re.escape(f)}(?![\d])(?!\.\d)", text):
            return True
    return False


def _has_int(text: str, n: int) -> bool:
    if re.search(rf"(?<![\d.]){n}(?![\d.])", text):
        return True
    return n in _CN_NUM and f"第{_CN_NUM[n]}件" in text


def _has_rate(text: str, r: Decimal) -> bool:
    forms = [fmt_rate(r), f"{r}"]
    if r == Decimal("0.5"):
        forms += ["半价", "五折"]
    if r == 0:
        forms += ["0元", "免费"]
    pct = (r * 100).normalize()
    forms.append(f"{pct:f}%")
    return any(f in text for f in forms)


def _date_forms(t: _dt.datetime) -> list[str]:
    return [t.strftime("%Y-%m-%d"), t.strftime("%Y/%m/%d"), f"{t.year}/{t.month}/{t.day}",
            f"{t.year}年{t.month}月{t.day}日", f"{t.month}月{t.day}日", f"{t.year}-{t.month}-{t.day}"]


def _has_date(text: str, t: _dt.datetime) -> bool:
    return any(f in text for f in _date_forms(t))


def check_rule_text(text: str, rules: RuleSet | None = None, *, start: Any = None, end: Any = None,
                    absolute_words: bool = True) -> list[Finding]:
    """Check a public rule text; return the findings (empty = ready to publish).

    * 缺少信息: every threshold, amount, rate, limit and date of ``rules`` (and the
      campaign's start and end) must be written in the text;
    * 违规条款: 「最终解释权归……所有」, 单方面随时修改/取消, 「概不退换」;
    * 绝对化用语: via ``course.tools.adwords.find_absolute_words``;
    * 前后矛盾: the rules' own contradictions (gift limit > gift stock, a time window
      outside the campaign, overlapping windows ...) and a 满X减Y or 前N名 in the text
      that the rules do not have.
    """
    findings: list[Finding] = []
    if text is None or not str(text).strip():
        return [Finding("缺少信息", "规则文案是空的。", "先用 rule_text(...) 生成文案，再按需要修改。")]
    text = unicodedata.normalize("NFKC", str(text))
    flat = re.sub(r"\s+", "", text)
    start_t = when(start, "活动开始时间") if start not in (None, "") else (rules.start if rules else None)
    end_t = when(end, "活动结束时间", end=True) if end not in (None, "") else (rules.end if rules else None)

    # 1) everything the buyer needs to know is written down
    if start_t and not _has_date(flat, start_t):
        findings.append(Finding("缺少信息", f"没有写活动开始日期（{start_t:%Y-%m-%d}）。", "写明“活动时间：开始 至 结束”。"))
    if end_t and not _has_date(flat, end_t):
        findings.append(Finding("缺少信息", f"没有写活动结束日期（{end_t:%Y-%m-%d}）。", "写明“活动时间：开始 至 结束”。"))
    for r in (rules.rules if rules else []):
        if isinstance(r, FullReduction):
            for t, a in sorted(r.tiers):
                if not _has_number(flat, t):
                    findings.append(Finding("缺少信息", f"没有写满减门槛 {fmt_money(t)} 元。", f"写明“满{fmt_money(t)}元减{fmt_money(a)}元”。"))
                if not _has_number(flat, a):
                    findings.append(Finding("缺少信息", f"没有写满减金额 {fmt_money(a)} 元。", f"写明“满{fmt_money(t)}元减{fmt_money(a)}元”。"))
        elif isinstance(r, NthDiscount):
            if not _has_int(flat, r.n):
                findings.append(Finding("缺少信息", f"没有写第几件打折（第{r.n}件）。", f"写明“同一商品第{r.n}件……”。"))
            if not _has_rate(flat, r.rate):
                findings.append(Finding("缺少信息", f"没有写第{r.n}件的折扣（{fmt_rate(r.rate)}）。", "写明折扣，如“半价（5折）”。"))
        elif isinstance(r, Gift):
            if not _has_int(flat, r.limit):
                findings.append(Finding("缺少信息", f"没有写赠品名额（前{r.limit}名）。", f"写明“按支付时间前{r.limit}名”。"))
            if r.gift and r.gift != "赠品" and r.gift not in flat:
                findings.append(Finding("缺少信息", f"没有写赠品是什么（{r.gift}）。", "写明赠品名称和数量。"))
            if r.threshold > 0 and not _has_number(flat, r.threshold):
                findings.append(Finding("缺少信息", f"没有写领取赠品的门槛 {fmt_money(r.threshold)} 元。", ""))
        elif isinstance(r, TimeDiscount):
            if not (_has_date(flat, r.start) and r.start.strftime("%H:%M") in flat):
                findings.append(Finding("缺少信息", f"没有写限时折扣的开始时间（{fmt_time(r.start)}）。", "写明到分钟的起止时间。"))
            if not (_has_date(flat, r.end) and r.end.strftime("%H:%M") in flat):
                findings.append(Finding("缺少信息", f"没有写限时折扣的结束时间（{fmt_time(r.end)}）。", "写明到分钟的起止时间。"))
            if not _has_rate(flat, r.rate):
                findings.append(Finding("缺少信息", f"没有写限时折扣的折扣（{fmt_rate(r.rate)}）。", ""))
        elif isinstance(r, TierPrice):
            for q, rt in sorted(r.tiers):
                if not _has_int(flat, q) or not _has_rate(flat, rt):
                    findings.append(Finding("缺少信息", f"没有写阶梯价“买{q}件{fmt_rate(rt)}”这一档。", ""))

    # 2) clauses that must not be there
    clause_spans = []
    for pat, why, fix in _CLAUSES:
        for m in pat.finditer(text):
            clause_spans.append((m.start(), m.end()))
            findings.append(Finding("违规条款", f"“{m.group(0).strip()}”：{why}（关键控制点：活动规则需明确无歧义）。", fix))

    # 3) absolute words (广告法), not counted twice inside a clause already reported
    if absolute_words:
        from .adwords import find_absolute_words

        for f in find_absolute_words(text):
            if any(a <= f.start < b for a, b in clause_spans):
                continue
            findings.append(Finding("绝对化用语", f"“{f.word}”（{f.category}）：{f.reason}", f.suggestion))

    # 4) contradictions
    if rules is not None:
        rs = RuleSet(rules.rules, order=rules.order, start=start_t, end=end_t)
        for p in rs.problems():
            if "矛盾" in p or "重叠" in p or "超出" in p:
                findings.append(Finding("前后矛盾", p, ""))
        tiers = {(t, a) for r in rules.rules if isinstance(r, FullReduction) for t, a in r.tiers}
        for m in re.finditer(r"满(\d+(?:\.\d+)?)元?减(\d+(?:\.\d+)?)元?", flat):
            pair = (Decimal(m.group(1)).quantize(Decimal("0.01")), Decimal(m.group(2)).quantize(Decimal("0.01")))
            if pair not in tiers:
                findings.append(Finding("前后矛盾", f"文案写了“{m.group(0)}”，但规则里没有这一档满减。",
                                        "文案与后台规则保持一致。"))
        limits = {r.limit for r in rules.rules if isinstance(r, Gift)}
        for m in re.finditer(r"前(\d+)名", flat):
            if int(m.group(1)) not in limits:
                findings.append(Finding("前后矛盾", f"文案写了“{m.group(0)}”，但规则里的赠品名额不是 {m.group(1)} 名。",
                                        "文案与后台规则保持一致。"))
    return findings


def rule_text_problems(text: str, rules: RuleSet | None = None, **kw) -> list[str]:
    """``check_rule_text`` as plain Chinese lines (for forms and self-checks)."""
    return [str(f) for f in check_rule_text(text, rules, **kw)]


# -- table 2: 营销活动效果跟踪表 -----------------------------------------------------

TABLE2_COLUMNS = ["日期", "渠道", "UV", "加购数", "下单数", "GMV", "转化率", "问题记录"]


def table2_sample():
    """The three sample rows of 表2 营销活动效果跟踪表 (2024-06-01), as printed in the workshop plan."""
    import pandas as pd

    # 表2 营销活动效果跟踪表（样例）, the three rows of the workshop plan
    return pd.DataFrame(
        [["2024-06-01", "平台首页推荐", 1200, 300, 72, 28800.0, 6.0, "流量大但转化偏低"],
         ["2024-06-01", "付费广告", 800, 240, 64, 25600.0, 8.0, "…率高于预期2倍（原文缺字）"],
         ["2024-06-01", "社群引流", 500, 150, 30, 12000.0, 6.0, "用户咨询价格频次高"]],
        columns=TABLE2_COLUMNS)


def conversion_rate(orders: Any, uv: Any) -> float | None:
    """转化率(%) = 下单数 ÷ UV × 100, one decimal, half up (表2); None when UV is 0.

    >>> conversion_rate(72, 1200), conversion_rate(64, 800), conversion_rate(30, 500)
    (6.0, 8.0, 6.0)
    """
    o, u = Decimal(str(int(orders))), Decimal(str(int(uv)))
    if o < 0 or u < 0:
        raise CourseError(f"下单数和 UV 不能是负数（下单数 {orders}，UV {uv}）。")
    if u == 0:
        return None
    return float((o / u * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def add_rates(table):
    """A copy of a table-2 frame with 转化率 (%) recomputed from 下单数 and UV, and
    加购率 (%) = 加购数 ÷ UV × 100 added; columns are checked with a Chinese message."""
    import pandas as pd

    if table is None:
        raise CourseError("表2 还是 None：请先完成上一步。")
    if not isinstance(table, pd.DataFrame):
        raise CourseError("表2 应是一个 DataFrame（表格）。")
    missing = [c for c in ("UV", "加购数", "下单数") if c not in table.columns]
    if missing:
        raise CourseError(f"表2 缺少列：{'、'.join(missing)}。")
    out = table.copy()
    out["转化率"] = [conversion_rate(o, u) for o, u in zip(out["下单数"], out["UV"])]
    out["加购率"] = [conversion_rate(c, u) for c, u in zip(out["加购数"], out["UV"])]
    return out


def check_table2(table) -> list[str]:
    """Problems with a table 2 (columns, counts, 转化率 arithmetic); empty when consistent."""
    import pandas as pd

    if table is None:
        return ["表2 还是 None：请先完成上一步。"]
    if not isinstance(table, pd.DataFrame):
        return ["表2 应是一个 DataFrame（表格）。"]
    out = []
    missing = [c for c in TABLE2_COLUMNS if c not in table.columns]
    if missing:
        return [f"表2 缺少列：{'、'.join(missing)}（列名：{'、'.join(TABLE2_COLUMNS)}）。"]
    if table.empty:
        return ["表2 是空的。"]
    for col in ("UV", "加购数", "下单数", "GMV"):
        v = pd.to_numeric(table[col], errors="coerce")
        if v.isna().any():
            out.append(f"“{col}”列有空值或不是数字。")
        elif (v < 0).any():
            out.append(f"“{col}”列有负数。")
    if out:
        return out
    if (table["加购数"] > table["UV"]).any():
        out.append("有的行加购数大于 UV：加购数按加购的访客（或访问）数计，不会超过 UV。")
    if (table["下单数"] > table["UV"]).any():
        out.append("有的行下单数大于 UV，请检查下单数与 UV 的口径。")
    expect = [conversion_rate(o, u) for o, u in zip(table["下单数"], table["UV"])]
    bad = [i for i, (e, g) in enumerate(zip(expect, table["转化率"])) if e is not None and
           (pd.isna(g) or abs(float(g) - e) > 0.051)]
    if bad:
        out.append(f"有 {len(bad)} 行的转化率与 下单数 ÷ UV × 100 不一致（表2 口径：转化率 = 下单数/UV，以百分数表示，保留 1 位小数）。")
    if table.duplicated(["日期", "渠道"]).any():
        out.append("同一日期同一渠道出现了多行，每天每个渠道只占一行。")
    return out


# -- pausing channels -----------------------------------------------------------------

def pause_flags(table, spend, *, conversion_floor: float | None = None, roi_floor: float | None = None,
                min_uv: int | None = None, days: int | None = None):
    """Channel-days that break the pause rule (暂停预算分配, 关键控制点: 优先高转化渠道).

    The course's rule (thresholds in ``course/settings.yaml``, section campaign; the
    source documents only say 「某渠道引流效果差，及时暂停预算分配」):

    * a channel-day is **weak** (偏弱) when its UV is at least ``pause_min_uv`` and either
      its 转化率 = 下单数 ÷ UV is below ``pause_conversion_floor`` (a share, 0.03 = 3%),
      or its ROI = GMV ÷ 花费 is below ``pause_roi_floor``;
    * a **paid** channel (花费 > 0 that day) is flagged **建议暂停** on the day it has
      been weak for ``pause_consecutive_days`` days in a row (one bad day is noise).
      A free channel (自然搜索) has no budget to pause; it can be weak, never paused.

    ``table``: table 2 (日期, 渠道, UV, 下单数, GMV); ``spend``: a frame with
    日期/date, 渠道/channel, 花费/spend (the ad_spend table works as it is).
    Returns table 2's rows with 花费, ROI, 偏弱, 原因, 连续偏弱天数, 建议暂停, sorted by 日期, 渠道.
    """
    import pandas as pd

    if table is None or not isinstance(table, pd.DataFrame):
        raise CourseError("pause_flags 需要表2（DataFrame），请先完成表2。")
    need = [c for c in ("日期", "渠道", "UV", "下单数", "GMV") if c not in table.columns]
    if need:
        raise CourseError(f"表2 缺少列：{'、'.join(need)}。")
    if spend is None or not isinstance(spend, pd.DataFrame):
        raise CourseError("pause_flags 还需要每天每个渠道的推广花费（如 ad_spend 表），用来计算 ROI、判断能否暂停预算。")
    floor = float(_setting("pause_conversion_floor") if conversion_floor is None else conversion_floor)
    roi_min = float(_setting("pause_roi_floor") if roi_floor is None else roi_floor)
    uv_min = int(_setting("pause_min_uv") if min_uv is None else min_uv)
    run = int(_setting("pause_consecutive_days") if days is None else days)
    t = table.copy()
    t["日期"] = pd.to_datetime(t["日期"]).dt.date
    s = spend.rename(columns={"date": "日期", "channel": "渠道", "spend": "花费"})
    if not {"日期", "渠道", "花费"} <= set(s.columns):
        raise CourseError("花费表需要 日期、渠道、花费 三列（或 ad_spend 表的 date、channel、spend）。")
    s = s[["日期", "渠道", "花费"]].copy()
    s["日期"] = pd.to_datetime(s["日期"]).dt.date
    s["渠道"] = s["渠道"].astype(str)
    t["渠道"] = t["渠道"].astype(str)
    s = s.groupby(["日期", "渠道"], as_index=False)["花费"].sum()
    t = t.drop(columns=[c for c in ("花费",) if c in t.columns]).merge(s, on=["日期", "渠道"], how="left")
    uv = t["UV"].astype(float)
    conv = t["下单数"].astype(float) / uv.where(uv > 0)
    paid = t["花费"].fillna(0) > 0
    t["ROI"] = (t["GMV"].astype(float) / t["花费"].astype(float).where(paid)).round(2)
    low_conv = conv.fillna(0) < floor
    low_roi = paid & (t["ROI"] < roi_min)
    t["偏弱"] = (uv >= uv_min) & (low_conv | low_roi)
    reasons = []
    for lc, lr, weak, c, roi in zip(low_conv, low_roi, t["偏弱"], conv.fillna(0), t["ROI"]):
        r = []
        if weak and lc:
            r.append(f"转化率 {c * 100:.2f}% 低于 {floor * 100:g}%")
        if weak and lr:
            r.append(f"ROI {roi:.2f} 低于 {roi_min:g}")
        reasons.append("；".join(r))
    t["原因"] = reasons
    t = t.sort_values(["渠道", "日期"]).reset_index(drop=True)
    streak = []
    prev_ch, prev_day, count = None, None, 0
    for ch, day, weak in zip(t["渠道"], t["日期"], t["偏弱"]):
        consecutive = prev_ch == ch and prev_day is not None and (day - prev_day).days == 1
        count = (count + 1 if consecutive else 1) if weak else 0
        streak.append(count)
        prev_ch, prev_day = ch, day
    t["连续偏弱天数"] = streak
    t["建议暂停"] = (t["连续偏弱天数"] >= run) & (t["花费"].fillna(0) > 0)
    return t.sort_values(["日期", "渠道"]).reset_index(drop=True)


# -- stock replay -----------------------------------------------------------------------

def replay_stock(start_stock, sales, alert: int | None = None):
    """Replay sales against stock with the stock alert (库存低于 ``alert`` 件自动下架).

    ``start_stock``: dict or Series sku_id -> units on hand at the start;
    ``sales``: a frame with columns time (支付时间), sku_id, qty, in any order.
    A SKU is delisted at the first sale after which its stock is below ``alert``
    (default: thresholds.campaign.stock_alert_level, 10); sales after that moment
    would not have happened with the alert on and are counted as 下架后售出.

    A SKU already below the alert at the start is off sale from the start
    (开始时已低于预警线); all its sales count as 下架后售出.

    Returns one row per SKU: sku_id, 起始库存, 售出件数, 开始时已低于预警线,
    下架时间 (NaT if never), 下架时库存, 下架后售出件数, 期末库存.
    """
    import pandas as pd

    level = int(_setting("stock_alert_level") if alert is None else alert)
    if level < 1:
        raise CourseError(f"库存预警线应至少为 1 件，现在是 {level}。")
    stock = dict(start_stock.items()) if hasattr(start_stock, "items") else dict(start_stock)
    if sales is None or not isinstance(sales, pd.DataFrame):
        raise CourseError("sales 应是一个 DataFrame（列：time、sku_id、qty）。")
    missing = [c for c in ("time", "sku_id", "qty") if c not in sales.columns]
    if missing:
        raise CourseError(f"sales 缺少列：{'、'.join(missing)}（支付时间 time、SKU 编号 sku_id、数量 qty）。")
    unknown = sorted(set(sales["sku_id"]) - set(stock))
    if unknown:
        raise CourseError(f"这些 SKU 没有起始库存：{'、'.join(map(str, unknown[:5]))}{' 等' if len(unknown) > 5 else ''}。")
    s = sales[["time", "sku_id", "qty"]].copy()
    s["time"] = pd.to_datetime(s["time"])
    s = s.sort_values(["time", "sku_id"], kind="stable")
    rows = {k: {"sku_id": k, "起始库存": int(v), "售出件数": 0, "开始时已低于预警线": int(v) < level,
                "下架时间": pd.NaT, "下架时库存": None, "下架后售出件数": 0, "期末库存": int(v)}
            for k, v in stock.items()}
    for t, sku, q in zip(s["time"], s["sku_id"], s["qty"]):
        r = rows[sku]
        q = int(q)
        r["售出件数"] += q
        r["期末库存"] -= q
        if r["开始时已低于预警线"]:
            r["下架后售出件数"] += q
        elif pd.isna(r["下架时间"]):
            if r["期末库存"] < level:
                r["下架时间"] = t
                r["下架时库存"] = r["期末库存"]
        else:
            r["下架后售出件数"] += q
    out = pd.DataFrame(list(rows.values()))
    out["下架时库存"] = out["下架时库存"].astype("Int64")
    return out.sort_values("sku_id").reset_index(drop=True)


