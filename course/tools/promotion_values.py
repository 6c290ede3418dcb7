"""The values of promotion rules: money to the cent, discount rates, times, rule types.

Every amount is a ``Decimal`` rounded half-up to 0.01 元; a value that is not
one gets a ``RuleError`` whose message says in Chinese what to change.  The
rules themselves are in ``course.tools.promotion_rules``, the engine that prices
a cart in ``course.tools.promotion``.

>>> money("399"), rate(0.5), fmt_rate(0.95), fmt_money(Decimal("49.90"))
(Decimal('399.00'), Decimal('0.5'), '95折', '49.9')
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

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

TYPE_ALIASES = {
    "满减": FULL_REDUCTION,
    "满额减": FULL_REDUCTION,
    "满减优惠": FULL_REDUCTION,
    "第n件折扣": NTH_DISCOUNT,
    "第N件折扣": NTH_DISCOUNT,
    "多件折扣": NTH_DISCOUNT,
    "第二件半价": NTH_DISCOUNT,
    "赠品": GIFT,
    "前N名赠品": GIFT,
    "前n名赠品": GIFT,
    "赠品促销": GIFT,
    "限时折扣": TIME_DISCOUNT,
    "限时": TIME_DISCOUNT,
    "阶梯价": TIER_PRICE,
    "阶梯定价": TIER_PRICE,
    "阶梯折扣": TIER_PRICE,
}


class RuleError(CourseError):
    """Rules or a cart that cannot be priced; the message lists every problem in Chinese."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        text = (
            self.problems[0]
            if len(self.problems) == 1
            else (f"有 {len(self.problems)} 处需要修改：\n  " + "\n  ".join(self.problems))
        )
        super().__init__(text)


# -- money, rates, times -------------------------------------------------------


def money(value: Any, label: str = "金额") -> Decimal:
    """A money amount as Decimal to 0.01 元; a Chinese RuleError if it is not one.

    >>> money("399"), money(49.9), money("12.50")
    (Decimal('399.00'), Decimal('49.90'), Decimal('12.50'))
    >>> money("9.999", "单价")
    Traceback (most recent call last):
    ...
    course.tools.promotion_values.RuleError: 单价：金额最多精确到 0.01 元（分），现在是 9.999。
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
    course.tools.promotion_values.RuleError: 折扣：请写成小于 1 的小数，5 折写 0.5、95 折写 0.95，现在是 5。
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
    course.tools.promotion_values.RuleError: 时间：“6月18日”没有年份，请写成“年-月-日 时:分”，例如 2026-06-18 20:00。
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


def whole_number(value: Any, label: str, minimum: int) -> int:
    """A whole number of at least ``minimum`` (件数, 名额, N); a RuleError otherwise.

    >>> whole_number("3", "件数", 1)
    3
    """
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


def allocate_cents(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Share ``total`` (whole cents) in proportion to ``weights`` by largest remainder.

    Never gives a part more than its weight when total <= sum(weights).
    >>> allocate_cents(Decimal("50.00"), [Decimal("358.00"), Decimal("49.90")])
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
