"""The shop's tables as the reference computes with them, and the campaign calendar.

The calendar comes from the data (``campaign_phases``): the campaign period
is its first start to its last end; the review month is the calendar month the
campaign starts in (``日常`` days of that month are the comparison group).

>>> import pandas as pd
>>> cal = calendar_of(pd.DataFrame({"phase": ["预热期", "返场期"], "start_date": ["2026-06-15", "2026-06-19"],
...                                 "end_date": ["2026-06-17", "2026-06-20"]}))
>>> cal.start, cal.end, cal.month_start, cal.month_end, cal.campaign_phases
('2026-06-15', '2026-06-20', '2026-06-01', '2026-06-30', ['预热期', '返场期'])
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass

import pandas as pd

ORDINARY = "日常"  # the phase label of days outside the campaign (the data's own value)


@dataclass(frozen=True)
class Calendar:
    start: str
    end: str
    month_start: str
    month_end: str
    campaign_phases: list

    @property
    def phases(self) -> list:
        """Every phase in the data's order: the ordinary days first, then the campaign's."""
        return [ORDINARY, *self.campaign_phases]


def calendar_of(phases: pd.DataFrame) -> Calendar:
    starts, ends = pd.to_datetime(phases["start_date"]), pd.to_datetime(phases["end_date"])
    order = starts.argsort(kind="mergesort")
    first = starts.min().date()
    last = _calendar.monthrange(first.year, first.month)[1]
    return Calendar(
        start=first.isoformat(),
        end=ends.max().date().isoformat(),
        month_start=first.replace(day=1).isoformat(),
        month_end=first.replace(day=last).isoformat(),
        campaign_phases=[str(phases["phase"].iloc[i]) for i in order],
    )


def as_bool(s: pd.Series) -> pd.Series:
    if s.dtype == bool:
        return s
    if s.dtype == object or str(s.dtype) in ("str", "string"):
        s = s.map({"True": True, "False": False, "true": True, "false": False, True: True, False: False})
    return s.fillna(False).astype(bool)


def prepare_traffic(t: pd.DataFrame) -> pd.DataFrame:
    """Plain dtypes for computing: bool flags, datetime64 dates."""
    t = t.copy()
    for c in ("added_to_cart", "ordered", "paid", "is_new_customer"):
        if c in t:
            t[c] = as_bool(t[c])
    t["date"] = pd.to_datetime(t["date"])
    return t


def prepare_orders(o: pd.DataFrame) -> pd.DataFrame:
    o = o.copy()
    o["is_new_customer"] = as_bool(o["is_new_customer"])
    o["date"] = pd.to_datetime(o["date"])
    return o


def between(df: pd.DataFrame, start: str, end: str, column: str = "date") -> pd.DataFrame:
    """Rows whose ``column`` lies in [start, end], both days included."""
    d = pd.to_datetime(df[column])
    return df[(d >= pd.Timestamp(start)) & (d < pd.Timestamp(end) + pd.Timedelta(days=1))]


def cached(R, name: str, make):
    """A value computed once per reference context (settings and data in force)."""
    store = R.__dict__.setdefault("_module3", {})
    if name not in store:
        store[name] = make()
    return store[name]


def shop(R) -> dict:
    """The prepared tables and the calendar of the context ``R``."""
    return cached(
        R,
        "shop",
        lambda: {
            "traffic": prepare_traffic(R.table("traffic")),
            "orders": prepare_orders(R.table("orders")),
            "ad_spend": R.table("ad_spend"),
            "ab_test": R.table("ab_test"),
            "calendar": calendar_of(R.table("campaign_phases")),
        },
    )
