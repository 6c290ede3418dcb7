"""活动策划工具 · Campaign tools: phases, the shop's campaign, checking a public rule text.

The planning side of 模块二 (营销活动策划与落地执行):

* :func:`plan_phases` / :func:`check_phases` — 预热期 3 天 → 爆发期 1 天 → 返场期 2 天
  (the day counts are settings), contiguous, in order, dates typed as 年-月-日;
* :func:`shop_rules` and :func:`campaign_window` — the shop's 618 rules and campaign
  time, read from the data (``promotions``, ``campaign_phases``);
* :func:`check_rule_text` checks a public rule text (活动规则公示) a person wrote:
  every threshold, amount, date and limit present, no 「最终解释权归平台所有」-style
  clause (关键控制点: 规则明确无歧义), no absolute words (``course.tools.adwords``),
  no contradiction with the rules; :func:`text_without` is the same check as a
  yes/no property per kind of problem.  Writing the text is the operator's job:
  the course gives no generator for it, only :func:`draft_rule_text`, a
  colleague's draft with mistakes to find.

Table 2, the pause rule and the stock replay are in ``course.tools.monitor``.

>>> [ (p.name, str(p.start), p.days) for p in plan_phases("2026-06-18") ]
[('预热期', '2026-06-15', 3), ('爆发期', '2026-06-18', 1), ('返场期', '2026-06-19', 2)]
>>> [f.category for f in check_rule_text("全网最低价。本活动最终解释权归平台所有。")]
['违规条款', '绝对化用语']
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..dates import parse_date
from ..messages import CourseError
from .promotion import (
    FullReduction,
    Gift,
    NthDiscount,
    RuleSet,
    TierPrice,
    TimeDiscount,
    fmt_money,
    fmt_rate,
    fmt_time,
    from_promotions_table,
    when,
)

PHASE_NAMES = ("预热期", "爆发期", "返场期")
#: the shop's traffic channels (datasets/README.md)
CHANNELS = ("自然搜索", "付费广告", "平台首页推荐", "社群引流", "直播")
_PHASE_SETTING = {"预热期": "presale_days", "爆发期": "burst_days", "返场期": "encore_days"}


def _setting(name: str):
    from .. import settings

    return settings.threshold("campaign", name)


# -- dates and phases --------------------------------------------------------------


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
        d = parse_date(day)
        return self.start <= d <= self.end


def phase_days() -> dict[str, int]:
    """Days per phase from the settings (预热期 3, 爆发期 1, 返场期 2 by default)."""
    return {name: int(_setting(key)) for name, key in _PHASE_SETTING.items()}


def plan_phases(burst_day: Any, days: dict[str, int] | None = None) -> list[Phase]:
    """The three phases around the 爆发期 day (618 → 2026-06-18)."""
    d = days or phase_days()
    burst = parse_date(burst_day, what="爆发期日期")
    pre_start = burst - _dt.timedelta(days=d["预热期"])
    burst_end = burst + _dt.timedelta(days=d["爆发期"] - 1)
    return [
        Phase("预热期", pre_start, burst - _dt.timedelta(days=1)),
        Phase("爆发期", burst, burst_end),
        Phase("返场期", burst_end + _dt.timedelta(days=1), burst_end + _dt.timedelta(days=d["返场期"])),
    ]


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
            start = parse_date(r.get("start", r.get("开始日期", r.get("start_date"))), what=f"第 {i} 个阶段开始日期")
            end = parse_date(r.get("end", r.get("结束日期", r.get("end_date"))), what=f"第 {i} 个阶段结束日期")
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
    d = parse_date(day)
    for p in to_phases(phases):
        if p.start <= d <= p.end:
            return p.name
    return "日常"


# -- the shop's campaign, from the data -----------------------------------------------

#: the campaign of the shop's data that module 2 plans (``promotions.campaign`` contains it)
CAMPAIGN = "618"


def shop_rules(campaign: str = CAMPAIGN) -> RuleSet:
    """The shop's rules of a campaign, as its back office exported them (``promotions``)."""
    from .. import data

    return from_promotions_table(data.load("promotions"), campaign)


def campaign_window() -> tuple[_dt.datetime, _dt.datetime]:
    """(first minute, last second) of the campaign: 预热期 start to 返场期 end (``campaign_phases``)."""
    import pandas as pd

    from .. import data

    ph = data.load("campaign_phases")
    start = pd.Timestamp(ph["start_date"].min()).to_pydatetime()
    end = (pd.Timestamp(ph["end_date"].max()) + pd.Timedelta(days=1) - pd.Timedelta(seconds=1)).to_pydatetime()
    return start, end


def burst_day() -> _dt.date:
    """The day of the 爆发期 (618 itself in the shop's data)."""
    import pandas as pd

    from .. import data

    ph = data.load("campaign_phases")
    return pd.Timestamp(ph.loc[ph["phase"].astype(str) == "爆发期", "start_date"].iloc[0]).date()


def draft_rule_text(rules: RuleSet | None = None, title: str = "新人大促·焕新家限时直降") -> str:
    """A colleague's draft of the public rule text, with the mistakes an operator must catch.

    Built from the rules so that its mistakes stay mistakes whatever the data:
    the end date one day late, a 满减 amount and a gift limit that are not the
    rules', an absolute claim, a 「最终解释权」 clause; and it leaves out what makes
    a rule unambiguous (含门槛金额, which amount the 满减 is judged on, the gift
    ranking, what happens when gifts run out, refunds).
    """
    rules = rules if rules is not None else shop_rules()
    start, end = (rules.start, rules.end) if rules.start and rules.end else campaign_window()
    late = end + _dt.timedelta(days=1)
    offers = []
    for r in rules.rules:
        if isinstance(r, NthDiscount):
            word = "半价" if r.rate == Decimal("0.5") else fmt_rate(r.rate)
            offers.append(f"第{_CN_NUM.get(r.n, r.n)}件{word}")
        elif isinstance(r, FullReduction):
            t, a = sorted(r.tiers)[0]
            offers.append(f"全场满{fmt_money(t)}减{fmt_money(a - 20 if a > 20 else a + 20)}")
        elif isinstance(r, Gift):
            offers.append(f"前{r.limit * 2}名下单送{r.gift}")
    return (
        f"【{title}】活动时间：{start.month}月{start.day}日至{late.month}月{late.day}日。"
        + "，".join(offers)
        + "！全网最低价，错过再等一年。本活动最终解释权归平台所有。"
    )


#: the kinds of problem :func:`check_rule_text` reports
RULE_TEXT_CATEGORIES = ("缺少信息", "违规条款", "绝对化用语", "前后矛盾")


def text_without(text: Any, category: str) -> bool:
    """True when ``text`` has no problem of ``category`` against the shop's 618 rules.

    A public yes/no property for visible checks (``course.checks.Predicate``);
    an empty text has every problem.

    >>> text_without("本活动最终解释权归平台所有。", "违规条款")
    False
    """
    if category not in RULE_TEXT_CATEGORIES:
        raise CourseError(f"不认识的问题类别“{category}”，可选：{'、'.join(RULE_TEXT_CATEGORIES)}。")
    if text is None or not str(text).strip():
        return False
    return not any(f.category == category for f in check_rule_text(str(text), shop_rules()))


_CN_NUM = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十"}


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
    (
        re.compile(r"(最终|最後|最后)?解释权[^。；;\n]*"),
        "“……解释权归……所有”是违规的格式条款，不能写进活动规则",
        "删除这句话；规则本身要写清楚，有疑问请联系客服",
    ),
    (
        re.compile(
            r"(保留|有权)[^。；;\n]{0,12}(随时)?[^。；;\n]{0,6}(修改|调整|变更|取消|终止)[^。；;\n]*(权利|规则|活动)"
        ),
        "单方面随时修改或取消活动的条款对消费者不公平，属于违规格式条款",
        "删除这句话；如需调整，写明调整会提前公告且不影响已下单的订单",
    ),
    (
        re.compile(r"(概不退换|不退不换|恕不退换|一律不退)"),
        "“概不退换”排除了七天无理由退货的权利，不能写",
        "改为“支持七天无理由退货（定制商品除外）”",
    ),
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
    return [
        t.strftime("%Y-%m-%d"),
        t.strftime("%Y/%m/%d"),
        f"{t.year}/{t.month}/{t.day}",
        f"{t.year}年{t.month}月{t.day}日",
        f"{t.month}月{t.day}日",
        f"{t.year}-{t.month}-{t.day}",
    ]


def _has_date(text: str, t: _dt.datetime) -> bool:
    return any(f in text for f in _date_forms(t))


def check_rule_text(
    text: str, rules: RuleSet | None = None, *, start: Any = None, end: Any = None, absolute_words: bool = True
) -> list[Finding]:
    """Check a public rule text; return the findings (empty = ready to publish).

    * 缺少信息: every threshold, amount, rate, limit and date of ``rules`` (and the
      campaign's start and end) must be written in the text;
    * 违规条款: 「最终解释权归……所有」, 单方面随时修改/取消, 「概不退换」;
    * 绝对化用语: via ``course.tools.adwords.find_absolute_words``;
    * 前后矛盾: the rules' own contradictions (gift limit > gift stock, a time window
      outside the campaign, overlapping windows ...) and a 满X减Y or 前N名 in the text
      that the rules do not have.
    """
    if text is None or not str(text).strip():
        return [Finding("缺少信息", "规则文案是空的。", "写明活动时间、每条优惠的门槛、金额、折扣、名额和赠品。")]
    text = unicodedata.normalize("NFKC", str(text))
    flat = re.sub(r"\s+", "", text)
    start_t = when(start, "活动开始时间") if start not in (None, "") else (rules.start if rules else None)
    end_t = when(end, "活动结束时间", end=True) if end not in (None, "") else (rules.end if rules else None)
    # 1) everything the buyer needs to know is written down
    findings = _missing_dates(flat, start_t, end_t)
    for r in rules.rules if rules else []:
        findings += _MISSING_FACTS[type(r)](flat, r)
    # 2) clauses that must not be there; 3) absolute words (广告法), not counted twice inside such a clause
    clauses, spans = _bad_clauses(text)
    findings += clauses
    if absolute_words:
        findings += _absolute_words(text, spans)
    # 4) contradictions
    if rules is not None:
        findings += _contradictions(flat, rules, start_t, end_t)
    return findings


def _missing_dates(flat: str, start_t, end_t) -> list[Finding]:
    out = []
    if start_t and not _has_date(flat, start_t):
        out.append(Finding("缺少信息", f"没有写活动开始日期（{start_t:%Y-%m-%d}）。", "写明“活动时间：开始 至 结束”。"))
    if end_t and not _has_date(flat, end_t):
        out.append(Finding("缺少信息", f"没有写活动结束日期（{end_t:%Y-%m-%d}）。", "写明“活动时间：开始 至 结束”。"))
    return out


def _missing_full_reduction(flat: str, r: FullReduction) -> list[Finding]:
    out = []
    for t, a in sorted(r.tiers):
        how = f"写明“满{fmt_money(t)}元减{fmt_money(a)}元”。"
        if not _has_number(flat, t):
            out.append(Finding("缺少信息", f"没有写满减门槛 {fmt_money(t)} 元。", how))
        if not _has_number(flat, a):
            out.append(Finding("缺少信息", f"没有写满减金额 {fmt_money(a)} 元。", how))
    return out


def _missing_nth_discount(flat: str, r: NthDiscount) -> list[Finding]:
    out = []
    if not _has_int(flat, r.n):
        out.append(Finding("缺少信息", f"没有写第几件打折（第{r.n}件）。", f"写明“同一商品第{r.n}件……”。"))
    if not _has_rate(flat, r.rate):
        out.append(Finding("缺少信息", f"没有写第{r.n}件的折扣（{fmt_rate(r.rate)}）。", "写明折扣，如“半价（5折）”。"))
    return out


def _missing_gift(flat: str, r: Gift) -> list[Finding]:
    out = []
    if not _has_int(flat, r.limit):
        out.append(Finding("缺少信息", f"没有写赠品名额（前{r.limit}名）。", f"写明“按支付时间前{r.limit}名”。"))
    if r.gift and r.gift != "赠品" and r.gift not in flat:
        out.append(Finding("缺少信息", f"没有写赠品是什么（{r.gift}）。", "写明赠品名称和数量。"))
    if r.threshold > 0 and not _has_number(flat, r.threshold):
        out.append(Finding("缺少信息", f"没有写领取赠品的门槛 {fmt_money(r.threshold)} 元。", ""))
    return out


def _missing_time_discount(flat: str, r: TimeDiscount) -> list[Finding]:
    out = []
    for t, which in ((r.start, "开始"), (r.end, "结束")):
        if not (_has_date(flat, t) and t.strftime("%H:%M") in flat):
            out.append(Finding("缺少信息", f"没有写限时折扣的{which}时间（{fmt_time(t)}）。", "写明到分钟的起止时间。"))
    if not _has_rate(flat, r.rate):
        out.append(Finding("缺少信息", f"没有写限时折扣的折扣（{fmt_rate(r.rate)}）。", ""))
    return out


def _missing_tier_price(flat: str, r: TierPrice) -> list[Finding]:
    return [
        Finding("缺少信息", f"没有写阶梯价“买{q}件{fmt_rate(rt)}”这一档。", "")
        for q, rt in sorted(r.tiers)
        if not _has_int(flat, q) or not _has_rate(flat, rt)
    ]


#: what a rule text must state, per rule type
_MISSING_FACTS = {
    FullReduction: _missing_full_reduction,
    NthDiscount: _missing_nth_discount,
    Gift: _missing_gift,
    TimeDiscount: _missing_time_discount,
    TierPrice: _missing_tier_price,
}


def _bad_clauses(text: str) -> tuple[list[Finding], list[tuple[int, int]]]:
    """Findings for the clauses that must not be in a rule text, and where they stand."""
    findings, spans = [], []
    for pat, why, fix in _CLAUSES:
        for m in pat.finditer(text):
            spans.append((m.start(), m.end()))
            findings.append(
                Finding("违规条款", f"“{m.group(0).strip()}”：{why}（关键控制点：活动规则需明确无歧义）。", fix)
            )
    return findings, spans


def _absolute_words(text: str, skip: list[tuple[int, int]]) -> list[Finding]:
    from .adwords import find_absolute_words

    return [
        Finding("绝对化用语", f"“{f.word}”（{f.category}）：{f.reason}", f.suggestion)
        for f in find_absolute_words(text)
        if not any(a <= f.start < b for a, b in skip)
    ]


def _contradictions(flat: str, rules: RuleSet, start_t, end_t) -> list[Finding]:
    """The rules' own contradictions, and a 满X减Y or 前N名 in the text the rules do not have."""
    rs = RuleSet(rules.rules, order=rules.order, start=start_t, end=end_t)
    out = [Finding("前后矛盾", p, "") for p in rs.problems() if "矛盾" in p or "重叠" in p or "超出" in p]
    tiers = {(t, a) for r in rules.rules if isinstance(r, FullReduction) for t, a in r.tiers}
    for m in re.finditer(r"满(\d+(?:\.\d+)?)元?减(\d+(?:\.\d+)?)元?", flat):
        pair = (Decimal(m.group(1)).quantize(Decimal("0.01")), Decimal(m.group(2)).quantize(Decimal("0.01")))
        if pair not in tiers:
            out.append(
                Finding("前后矛盾", f"文案写了“{m.group(0)}”，但规则里没有这一档满减。", "文案与后台规则保持一致。")
            )
    limits = {r.limit for r in rules.rules if isinstance(r, Gift)}
    for m in re.finditer(r"前(\d+)名", flat):
        if int(m.group(1)) not in limits:
            out.append(
                Finding(
                    "前后矛盾",
                    f"文案写了“{m.group(0)}”，但规则里的赠品名额不是 {m.group(1)} 名。",
                    "文案与后台规则保持一致。",
                )
            )
    return out
