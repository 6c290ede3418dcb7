"""Small numpy helpers shared by the simulation and the table builders.

Times are integer seconds since 1970-01-01 (Beijing time, no zone), money is
integer cents; both become text only when a table is written.

>>> epoch(dt.date(2026, 6, 18))
1781740800
>>> ids("U", np.array([1, 23]), 8).tolist()
['U00000001', 'U00000023']
>>> str(to_datetime(np.array([1781740800]))[0])
'2026-06-18 00:00:00'
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

INF = np.iinfo(np.int64).max  # "never" as a time (no payment yet)
DAY_SECONDS = 86400


def epoch(day: dt.date) -> int:
    """Seconds from 1970-01-01 to the start of ``day``."""
    return (day - dt.date(1970, 1, 1)).days * DAY_SECONDS


def to_datetime(seconds: np.ndarray) -> pd.Series:
    """Seconds since 1970 as a datetime64[s] series."""
    return pd.Series(np.asarray(seconds, dtype=np.int64)).astype("datetime64[s]")


def ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    """Text ids such as ``U00000001`` from integers."""
    return np.array([f"{prefix}{int(i):0{width}d}" for i in numbers], dtype=object)
