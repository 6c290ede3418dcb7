"""Money as the course writes it: one formatter for every table, message and rule text.

>>> yuan(1299), yuan(12345.6), yuan(None)
('1,299.00 元', '12,345.60 元', '无法计算')

The variants are parameters: a rule text writes amounts as a shop does
(满399减50, 49.9: no unit, no separators, no trailing zeros); a sentence that
already says 元 wants the number only.

>>> yuan(399.0, unit="", grouping=False, trim=True), yuan(49.90, unit="", grouping=False, trim=True)
('399', '49.9')
>>> yuan(50000, unit="")
'50,000.00'
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

MISSING = "无法计算"


def yuan(
    value: Any, *, digits: int = 2, unit: str = "元", grouping: bool = True, trim: bool = False, missing: str = MISSING
) -> str:
    """``value`` in yuan with ``digits`` decimals and thousands separators, then ``unit``.

    ``trim``: drop trailing zeros (and the point) after rounding; a missing
    value (None, NaN, NaT, pd.NA) reads ``missing``, never "nan 元".
    Decimals are formatted as Decimals (no float rounding on the way).
    """
    if _missing(value):
        return missing
    number = value if isinstance(value, Decimal) else float(value)
    text = f"{number:{',' if grouping else ''}.{digits}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} {unit}" if unit else text


def _missing(value: Any) -> bool:
    try:
        return value is None or bool(value != value)
    except TypeError:  # pd.NA
        return True
