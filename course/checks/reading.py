"""Reading the part of an answer a check looks at (a column, a form field, a list).

>>> as_items("床头柜、收纳, 实木")
['床头柜', '收纳', '实木']
"""

from __future__ import annotations

from typing import Any

from .canonical import as_number, norm_text


def column_or_field(value: Any, name: str | None) -> Any:
    """``value[name]`` for a DataFrame column or a dict key; the value itself for None."""
    if name is None:
        return value
    try:
        import pandas as pd

        if isinstance(value, pd.DataFrame):
            return list(value[name]) if name in value.columns else None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(value, dict):
        return value.get(name)
    return None


def as_items(value: Any) -> list:
    """A list of items from a list, a set, a column or a text with 、,，/ separators."""
    if value is None:
        return []
    if isinstance(value, str):
        import re

        return [p for p in (norm_text(x) for x in re.split(r"[、,，/;；\n]+", value)) if p]
    if isinstance(value, dict):
        return list(value)
    try:
        return list(value)
    except TypeError:
        return [value]


def is_table(value: Any) -> bool:
    try:
        import pandas as pd

        return isinstance(value, pd.DataFrame)
    except ImportError:  # pragma: no cover
        return False


def is_numeric(v: Any) -> bool:
    """A number (not text, not True/False): compared at the check's digits."""
    return not isinstance(v, (bool, str)) and as_number(v) is not None


def records(value: Any) -> list[dict]:
    """The rows of a table (or a list of dicts) as dicts; nothing else has rows."""
    if is_table(value):
        return value.to_dict("records")
    if isinstance(value, list):
        return [r for r in value if isinstance(r, dict)]
    return []
