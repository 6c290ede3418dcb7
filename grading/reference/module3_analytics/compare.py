"""Tolerant comparison of result tables (the benchmark's pandas-versus-DuckDB
check and the tests): numbers within a relative tolerance, rows matched on
their key columns, two missing values equal.

>>> close(0.1000001, 0.1), close(None, float("nan")), close(1, None)
(True, True, False)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def num(x) -> float | None:
    """A float, or None for missing / not a number."""
    if x is None or isinstance(x, bool):
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) or math.isinf(v) else v


def _is_inf(x) -> bool:
    try:
        return math.isinf(float(x))
    except (TypeError, ValueError):
        return False


def close(a, b, rel: float = 1e-3, abs_: float = 1e-6) -> bool:
    """Equal within tolerance; two missing values are equal; missing vs number is not."""
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        return isinstance(a, (bool, np.bool_)) and isinstance(b, (bool, np.bool_)) and bool(a) == bool(b)
    x, y = num(a), num(b)
    if x is None or y is None:
        return x is None and y is None and not _is_inf(a)
    return math.isclose(x, y, rel_tol=rel, abs_tol=abs_)


def _key(x) -> str:
    s = str(x).strip()
    return s[:10] if len(s) >= 10 and s[4:5] == "-" and s[7:8] == "-" else s


def rows_by_key(df, exp: pd.DataFrame, key: str, extra_keys: list[str] | None = None) -> dict | None:
    """``{key tuple: row dict}`` of a table whose key columns have the reference's names."""
    names = [key, *(extra_keys or [])]
    if not isinstance(df, pd.DataFrame) or any(k not in df.columns for k in names):
        return None
    return {tuple(_key(rec[c]) for c in names): rec for rec in df.to_dict("records")}


def table_match(df, exp: pd.DataFrame, key: str, cols: list[str], rel: float = 1e-3, extra_keys=None) -> bool:
    """Every reference row is in ``df`` (matched on key columns) with ``cols`` close."""
    rows = rows_by_key(df, exp, key, extra_keys)
    if rows is None:
        return False
    names = [key, *(extra_keys or [])]
    for rec in exp.to_dict("records"):
        got = rows.get(tuple(_key(rec[k]) for k in names))
        if got is None or any(c not in got or not close(got[c], rec[c], rel) for c in cols):
            return False
    return True
