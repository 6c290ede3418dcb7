"""Numbers as people type them: the value, or a Chinese message that says what to change.

Forms and tools read typed numbers here (``course.dates`` reads dates, ``course.money``
writes amounts), so "499元" or "四百九十九" gets the same answer everywhere.

>>> parse_number("４９９", "价格")
(499.0, None)
>>> parse_number("499元", "日常价", decimals=2)
(None, '日常价：请只填数字，不要带“元”等单位，例如 499.00。')
>>> parse_number("9.999", "活动价", decimals=2)
(None, '活动价：最多保留 2 位小数（精确到 0.01），现在是 9.999。')
"""

from __future__ import annotations

import re
import unicodedata

_CN_NUMERALS = set("零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟")


def parse_number(text: str, label: str, *, decimals: int | None = None, integer: bool = False):
    """(value, None) for a typed number, or (None, message): the message says exactly what to change."""
    s = unicodedata.normalize("NFKC", str(text)).strip().replace(",", "")
    if s and all(ch in _CN_NUMERALS for ch in s):
        return None, f"{label}：请用阿拉伯数字填写（例如 499），不要写成“{text}”。"
    unit = re.search(r"[元块¥￥%件个天次]", s)
    if unit:
        return None, f"{label}：请只填数字，不要带“{unit.group(0)}”等单位，例如 {'10' if integer else '499.00'}。"
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", s):
        return None, f"{label}：“{text}”不是数字，请填写像 {'10' if integer else '499.00'} 这样的数字。"
    value = float(s)
    if integer:
        if value != int(value):
            return None, f"{label}：请填写整数，现在是 {text}。"
        return int(value), None
    if decimals is not None and "." in s and len(s.split(".")[1].rstrip("0")) > decimals:
        return None, f"{label}：最多保留 {decimals} 位小数（精确到 {10**-decimals:.{decimals}f}），现在是 {text}。"
    return value, None
