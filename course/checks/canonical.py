"""Canonical forms: the plain text an answer and a reference are reduced to.

Numbers are rounded (within a tolerance), words normalised; the release stores
salted digests of these texts, never the values.

>>> value_form(0.5, 2), value_form(" 床头柜 ", None)
('0.50', '床头柜')
"""

from __future__ import annotations

import hashlib
import math
import unicodedata
from typing import Any

#: how much a number may differ from the reference, in units of its last kept digit
TOLERANCE = 0.4


# -- canonical forms ------------------------------------------------------------


def norm_text(value: Any) -> str:
    """Words compared the way a person reads them: NFKC, no outer spaces.

    >>> norm_text("  床头柜\\u3000")
    '床头柜'
    """
    return unicodedata.normalize("NFKC", str(value)).strip()


def as_number(value: Any) -> float | None:
    """A finite float, or None (text such as "8%" or "1,299" is read as a person would).

    >>> as_number("8%"), as_number("1,299.00"), as_number("abc"), as_number(float("nan"))
    (0.08, 1299.0, None, None)
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = norm_text(value).replace(",", "").replace("元", "")
        scale = 1.0
        if text.endswith("%"):
            text, scale = text[:-1], 0.01
        try:
            value = float(text) * scale
        except ValueError:
            return None
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def num_forms(value: Any, digits: int) -> set[str]:
    """The canonical texts a number may take within the tolerance.

    ``digits`` decimals are kept; the value and the value ± TOLERANCE units of
    the last digit are rounded, so an answer a hair's breadth from a rounding
    boundary still meets the reference's one canonical text.

    >>> sorted(num_forms(0.12345, 4))
    ['0.1234', '0.1235']
    >>> num_forms("x", 2)
    set()
    """
    x = as_number(value)
    if x is None:
        return set()
    step = TOLERANCE * 10 ** (-digits)
    return {_fmt(v, digits) for v in (x - step, x, x + step)}


def num_form(value: Any, digits: int) -> str | None:
    """The one canonical text of a reference number."""
    x = as_number(value)
    return None if x is None else _fmt(x, digits)


def _fmt(x: float, digits: int) -> str:
    text = f"{round(x, digits):.{digits}f}"
    return "0" + text[2:] if text.startswith("-0") and float(text) == 0 else text


def value_forms(value: Any, digits: int | None) -> set[str]:
    """Canonical texts of a scalar: numbers within tolerance, other things as text."""
    if digits is not None:
        return num_forms(value, digits)
    if value is None:
        return set()
    if isinstance(value, bool):
        return {"true" if value else "false"}
    return {norm_text(value)}


def value_form(value: Any, digits: int | None) -> str | None:
    """The canonical text of a reference scalar."""
    if digits is not None:
        return num_form(value, digits)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return norm_text(value)


def digest(salt: str, task: str, label: str, canonical: str) -> str:
    """The salted digest the release stores instead of a reference value."""
    return hashlib.sha256(f"{salt}|{task}|{label}|{canonical}".encode()).hexdigest()[:24]
